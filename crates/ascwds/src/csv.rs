//! Reads the bytes of a bulk-upload file into records the way ASC-WDS does (`ascwds-formats.md` §1.1),
//! with the decisions recorded in `docs/decisions/ascwds.md` where its reading is a silent mis-read.
//!
//! One pass, linear in the input, never panics: any bytes give a [`RawFile`].

/// How records end, taken from the first line (§1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnd {
    Lf,
    CrLf,
    /// Bare CR: the file is not recognised (§6.1).
    Cr,
    /// The file has a single line (a header and no records).
    None,
}

/// One data record: its record number (header = 1) and its values, held in one buffer (two
/// allocations per record instead of one per value: a national staff file has 78 million values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    /// `record index + 2`: the header is line 1, blank lines do not count.
    pub line: u32,
    /// The values, one after another.
    text: String,
    /// Where each value ends in `text` (its start is the previous end).
    ends: Vec<u32>,
}

impl RawRecord {
    /// A record from its values (tests and tools).
    pub fn new(line: u32, values: &[&str]) -> RawRecord {
        let mut builder = RecordBuilder::default();
        for value in values {
            builder.text.push_str(value);
            builder.end_field();
        }
        builder.finish(line)
    }

    /// Value `i`: unquoted values trimmed, quoted values as written inside their quotes.
    pub fn field(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 {
            0
        } else {
            *self.ends.get(i - 1)? as usize
        };
        self.text.get(start..end)
    }

    /// How many values the record has.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the record has no values (never true for a record read from a file).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Every value in order.
    pub fn fields(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.ends.len()).filter_map(|i| self.field(i))
    }
}

#[derive(Debug, Default)]
struct RecordBuilder {
    text: String,
    ends: Vec<u32>,
}

impl RecordBuilder {
    fn end_field(&mut self) {
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    fn finish(self, line: u32) -> RawRecord {
        RawRecord {
            line,
            text: self.text,
            ends: self.ends,
        }
    }

    /// A record holding a copy of the values built so far, each buffer allocated at its exact
    /// size (the builder's own buffers are reused for the next record instead of growing afresh).
    fn copy(&self, line: u32) -> RawRecord {
        RawRecord {
            line,
            text: self.text.as_str().to_owned(),
            ends: self.ends.as_slice().to_vec(),
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }
}

/// A whole file as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFile {
    /// The file began with a UTF-8 byte-order mark (stripped from `text_start`/`header`).
    pub bom: bool,
    /// The first 50 characters of the file as it was (a BOM counts as one), for recognition.
    pub first_50: String,
    /// The first line, trimmed, BOM removed.
    pub first_line: String,
    pub line_end: LineEnd,
    /// The header's names.
    pub header: Vec<String>,
    pub records: Vec<RawRecord>,
    /// The bytes were not valid UTF-8 (invalid sequences were replaced by U+FFFD).
    pub lossy: bool,
}

const BOM: char = '\u{feff}';

/// Reads a file. Never fails: recognition (§6.1) decides later whether it is usable.
pub fn read(bytes: &[u8]) -> RawFile {
    let (text, lossy) = match std::str::from_utf8(bytes) {
        Ok(text) => (std::borrow::Cow::Borrowed(text), false),
        Err(_) => (String::from_utf8_lossy(bytes), true),
    };
    let first_50: String = text.chars().take(50).collect();
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(rest) => (true, rest),
        None => (false, &*text),
    };
    let line_end = detect_line_end(body);
    let first_line_raw = match body.find(['\r', '\n']) {
        Some(end) => &body[..end],
        None => body,
    };
    let first_line = first_line_raw.trim().to_string();
    let mut records = Vec::new();
    let mut header = Vec::new();
    if line_end != LineEnd::Cr {
        let mut reader = Reader {
            text: body.as_bytes(),
            pos: 0,
            src: body,
        };
        let mut index: u32 = 0;
        let mut first = true;
        let mut scratch = RecordBuilder::default();
        while let Some(blank) = reader.next_record(&mut scratch) {
            if blank {
                continue;
            }
            if first {
                header = scratch.copy(0).fields().map(str::to_string).collect();
                first = false;
                continue;
            }
            records.push(scratch.copy(index.saturating_add(2)));
            index = index.saturating_add(1);
        }
    }
    RawFile {
        bom,
        first_50,
        first_line,
        line_end,
        header,
        records,
        lossy,
    }
}

fn detect_line_end(text: &str) -> LineEnd {
    let bytes = text.as_bytes();
    match bytes.iter().position(|&b| b == b'\r' || b == b'\n') {
        None => LineEnd::None,
        Some(i) if bytes[i] == b'\n' => LineEnd::Lf,
        Some(i) if bytes.get(i + 1) == Some(&b'\n') => LineEnd::CrLf,
        Some(_) => LineEnd::Cr,
    }
}

struct Reader<'a> {
    text: &'a [u8],
    src: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Reads the next record's values into `record` (cleared first) and says whether the record
    /// was a blank line; `None` at end of input.
    ///
    /// Both LF and CRLF end a record whatever the first line used (decision: ASC-WDS runs a bare LF
    /// after a CRLF header into the previous record, a silent mis-read).
    fn next_record(&mut self, record: &mut RecordBuilder) -> Option<bool> {
        if self.pos >= self.text.len() {
            return None;
        }
        record.clear();
        let mut any_quoted = false;
        loop {
            let (quoted, end) = self.next_field(&mut record.text);
            record.end_field();
            any_quoted |= quoted;
            match end {
                FieldEnd::Comma => continue,
                FieldEnd::Record | FieldEnd::Eof => break,
            }
        }
        Some(!any_quoted && record.ends.len() == 1 && record.text.is_empty())
    }

    /// Reads one value onto the end of `out`; says whether it was quoted and what ended it.
    fn next_field(&mut self, out: &mut String) -> (bool, FieldEnd) {
        // Leading blanks (not line ends) before a possible opening quote.
        let mut probe = self.pos;
        while probe < self.text.len() && (self.text[probe] == b' ' || self.text[probe] == b'\t') {
            probe += 1;
        }
        if probe < self.text.len() && self.text[probe] == b'"' {
            self.pos = probe + 1;
            return (true, self.quoted_field(out));
        }
        let begin = self.pos;
        while self.pos < self.text.len() {
            match self.text[self.pos] {
                b',' => {
                    out.push_str(self.slice(begin, self.pos).trim());
                    self.pos += 1;
                    return (false, FieldEnd::Comma);
                }
                b'\n' => {
                    out.push_str(self.slice(begin, self.pos).trim());
                    self.pos += 1;
                    return (false, FieldEnd::Record);
                }
                b'\r' if self.text.get(self.pos + 1) == Some(&b'\n') => {
                    out.push_str(self.slice(begin, self.pos).trim());
                    self.pos += 2;
                    return (false, FieldEnd::Record);
                }
                _ => self.pos += 1,
            }
        }
        out.push_str(self.slice(begin, self.pos).trim());
        (false, FieldEnd::Eof)
    }

    fn quoted_field(&mut self, value: &mut String) -> FieldEnd {
        let mut chunk_start = self.pos;
        loop {
            if self.pos >= self.text.len() {
                // Unterminated quote: the rest of the file is this value.
                value.push_str(self.slice(chunk_start, self.pos));
                return FieldEnd::Eof;
            }
            if self.text[self.pos] == b'"' {
                value.push_str(self.slice(chunk_start, self.pos));
                if self.text.get(self.pos + 1) == Some(&b'"') {
                    value.push('"');
                    self.pos += 2;
                    chunk_start = self.pos;
                    continue;
                }
                self.pos += 1;
                break;
            }
            self.pos += 1;
        }
        // After the closing quote: blanks, then a delimiter or a line end. Anything else is kept
        // as part of the value (lenient; decision in docs/decisions/ascwds.md).
        let tail_start = self.pos;
        while self.pos < self.text.len() {
            match self.text[self.pos] {
                b',' => {
                    push_tail(value, self.slice(tail_start, self.pos));
                    self.pos += 1;
                    return FieldEnd::Comma;
                }
                b'\n' => {
                    push_tail(value, self.slice(tail_start, self.pos));
                    self.pos += 1;
                    return FieldEnd::Record;
                }
                b'\r' if self.text.get(self.pos + 1) == Some(&b'\n') => {
                    push_tail(value, self.slice(tail_start, self.pos));
                    self.pos += 2;
                    return FieldEnd::Record;
                }
                _ => self.pos += 1,
            }
        }
        push_tail(value, self.slice(tail_start, self.pos));
        FieldEnd::Eof
    }

    /// A slice of the source between two byte offsets. Offsets always sit on ASCII bytes or the
    /// ends, so they are char boundaries; `get` keeps this panic-free regardless.
    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.src.get(from..to).unwrap_or("")
    }
}

fn push_tail(value: &mut String, tail: &str) {
    let tail = tail.trim();
    if !tail.is_empty() {
        value.push_str(tail);
    }
}

enum FieldEnd {
    Comma,
    Record,
    Eof,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(file: &RawFile) -> Vec<Vec<&str>> {
        file.records.iter().map(|r| r.fields().collect()).collect()
    }

    #[test]
    fn unquoted_values_are_trimmed_and_quoted_ones_kept() {
        let file = read(b"A,B,C\n  x , \" NEW \",\"a,b\"\n");
        assert_eq!(file.header, ["A", "B", "C"]);
        assert_eq!(values(&file), [["x", " NEW ", "a,b"]]);
        assert_eq!(file.records[0].line, 2);
    }

    #[test]
    fn doubled_quotes_and_quoted_newlines_stay_in_one_record() {
        let file = read(b"A,B\n\"say \"\"hi\"\"\",\"two\nlines\"\n3,4\n");
        assert_eq!(
            values(&file),
            [vec!["say \"hi\"", "two\nlines"], vec!["3", "4"]]
        );
        // The quoted newline does not count: the second record is record 3.
        assert_eq!(file.records[1].line, 3);
    }

    #[test]
    fn blank_lines_are_skipped_and_not_counted() {
        let file = read(b"A,B\r\n\r\n1,2\r\n   \r\n3,4\r\n");
        assert_eq!(values(&file), [["1", "2"], ["3", "4"]]);
        assert_eq!(file.records[0].line, 2);
        assert_eq!(file.records[1].line, 3);
        assert_eq!(file.line_end, LineEnd::CrLf);
    }

    #[test]
    fn a_line_of_commas_is_not_blank() {
        let file = read(b"A,B\n,\n");
        assert_eq!(values(&file), [["", ""]]);
    }

    #[test]
    fn mixed_line_ends_are_read_as_records() {
        let file = read(b"A,B\r\n1,2\n3,4\r\n");
        assert_eq!(values(&file), [["1", "2"], ["3", "4"]]);
    }

    #[test]
    fn bare_cr_files_have_no_records() {
        let file = read(b"A,B\r1,2\r");
        assert_eq!(file.line_end, LineEnd::Cr);
        assert!(file.records.is_empty());
    }

    #[test]
    fn bom_is_stripped_but_counts_in_the_first_50_characters() {
        let file = read("\u{feff}A,B\n1,2\n".as_bytes());
        assert!(file.bom);
        assert_eq!(file.header, ["A", "B"]);
        assert_eq!(file.first_line, "A,B");
        assert!(file.first_50.starts_with('\u{feff}'));
    }

    #[test]
    fn blanks_after_a_closing_quote_are_dropped() {
        let file = read(b"A,B\n\"LS1 1AA\" ,\"a,b\" ,x\n");
        assert_eq!(values(&file), [["LS1 1AA", "a,b", "x"]]);
    }

    #[test]
    fn invalid_utf8_and_unterminated_quotes_do_not_panic() {
        let file = read(b"A,B\n\xff\xfe,\"open\n");
        assert!(file.lossy);
        assert_eq!(file.records.len(), 1);
        assert_eq!(file.records[0].field(1), Some("open\n"));
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_read_without_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let file = read(&bytes);
            let mut last = 1;
            for record in &file.records {
                proptest::prop_assert!(record.line > last);
                last = record.line;
            }
        }
    }
}
