//! Reading back this crate's own files for [`crate::evolve`]: a small CSV reader (quoted fields,
//! doubled quotes, LF or CRLF) and a table with columns looked up by header name. It reads only
//! what the writer in `text.rs` produces; it is not the ASC-WDS reader of `carecount-ascwds`.

use time::{Date, Month};

use crate::GenerateError;
use crate::text::push_field;

/// One file: its header and its records, every field as text (quotes removed).
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub(crate) file: &'static str,
    pub(crate) header: Vec<String>,
    pub(crate) records: Vec<Vec<String>>,
}

impl Table {
    /// Reads `text`; every record must have as many fields as the header.
    pub(crate) fn read(file: &'static str, text: &str) -> Result<Table, GenerateError> {
        let mut all = split_records(text);
        if all.is_empty() {
            return Err(GenerateError::Previous {
                file,
                reason: "it is empty".to_owned(),
            });
        }
        let header = all.remove(0);
        for (index, record) in all.iter().enumerate() {
            if record.len() != header.len() {
                return Err(GenerateError::Previous {
                    file,
                    reason: format!(
                        "record {} has {} fields, the header {}",
                        index + 2,
                        record.len(),
                        header.len()
                    ),
                });
            }
        }
        Ok(Table {
            file,
            header,
            records: all,
        })
    }

    /// The index of a column.
    pub(crate) fn column(&self, name: &str) -> Result<usize, GenerateError> {
        self.header
            .iter()
            .position(|column| column == name)
            .ok_or_else(|| GenerateError::Previous {
                file: self.file,
                reason: format!("it has no {name} column"),
            })
    }
}

/// The value of a field (empty when out of range, which [`Table::read`] rules out).
pub(crate) fn field(record: &[String], column: usize) -> &str {
    record.get(column).map_or("", String::as_str)
}

/// Replaces a field's value.
pub(crate) fn set(record: &mut [String], column: usize, value: impl Into<String>) {
    if let Some(slot) = record.get_mut(column) {
        *slot = value.into();
    }
}

/// Appends a record as one CSV line (quoted where needed, LF ended).
pub(crate) fn write_record(out: &mut String, record: &[String]) {
    for (index, value) in record.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        push_field(out, value);
    }
    out.push('\n');
}

/// Parses `DD/MM/YYYY`.
pub(crate) fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.split('/');
    let day: u8 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let year: i32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// Splits CSV text into records: `"` opens a quoted field in which `""` is a quote and commas and
/// line breaks are data; CR before LF is dropped; blank lines are skipped.
fn split_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut value = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(character) = chars.next() {
        if quoted {
            if character == '"' {
                if chars.peek() == Some(&'"') {
                    value.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                value.push(character);
            }
            continue;
        }
        match character {
            '"' => quoted = true,
            ',' => record.push(std::mem::take(&mut value)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut value));
                if !(record.len() == 1 && record.first().is_some_and(String::is_empty)) {
                    records.push(std::mem::take(&mut record));
                }
                record.clear();
            }
            other => value.push(other),
        }
    }
    if !value.is_empty() || !record.is_empty() {
        record.push(value);
        records.push(record);
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_round_trip() {
        let text = "A,B,C\nplain,\"a,b\",\"say \"\"hi\"\"\"\r\n\n,\"two\nlines\",\n";
        let table = match Table::read("test", text) {
            Ok(table) => table,
            Err(error) => panic!("{error}"),
        };
        assert_eq!(table.header, ["A", "B", "C"]);
        assert_eq!(table.records.len(), 2);
        assert_eq!(table.records[0], ["plain", "a,b", "say \"hi\""]);
        assert_eq!(table.records[1], ["", "two\nlines", ""]);
        let mut out = String::new();
        write_record(&mut out, &table.records[0]);
        assert_eq!(out, "plain,\"a,b\",\"say \"\"hi\"\"\"\n");
    }

    #[test]
    fn short_records_are_refused() {
        assert!(Table::read("test", "A,B\n1\n").is_err());
        assert!(Table::read("test", "").is_err());
    }

    #[test]
    fn dates_are_day_first() {
        assert_eq!(
            parse_date("07/03/2025"),
            Date::from_calendar_date(2025, Month::March, 7).ok()
        );
        assert_eq!(parse_date("31/02/2025"), None);
    }
}
