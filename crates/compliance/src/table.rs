//! Reading the small CSV files of this crate with record positions (header = record 1), as
//! `ascwds-formats.md` counts them: blank lines are not records, a quoted newline stays inside its
//! record.

use crate::message::{Message, MessageCode};

/// One data record: its record number (header = 1) and its fields, trimmed.
pub(crate) struct Row {
    pub line: u64,
    pub fields: Vec<String>,
}

impl Row {
    pub fn get(&self, index: usize) -> &str {
        self.fields.get(index).map(String::as_str).unwrap_or("")
    }
}

/// Reads `text`, checking the header is exactly `header` (trimmed, case-insensitive names).
/// A header problem is the only message and no rows are returned.
pub(crate) fn read(file: &str, text: &str, header: &[&str]) -> Result<Vec<Row>, Message> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut record_number: u64 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                return Err(Message::new(
                    file,
                    record_number + 1,
                    "",
                    "",
                    MessageCode::HeaderMismatch,
                    format!("the file is not readable CSV: {error}"),
                ));
            }
        }
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        record_number += 1;
        let fields: Vec<String> = record.iter().map(|field| field.trim().to_owned()).collect();
        if record_number == 1 {
            let matches = fields.len() == header.len()
                && fields.iter().zip(header).all(|(given, expected)| {
                    given
                        .trim_start_matches('\u{feff}')
                        .eq_ignore_ascii_case(expected)
                });
            if !matches {
                return Err(Message::new(
                    file,
                    1,
                    "",
                    &fields.join(","),
                    MessageCode::HeaderMismatch,
                    format!("the header must be exactly: {}", header.join(",")),
                ));
            }
            continue;
        }
        rows.push(Row {
            line: record_number,
            fields,
        });
    }
    if record_number == 0 {
        return Err(Message::new(
            file,
            1,
            "",
            "",
            MessageCode::HeaderMismatch,
            format!(
                "the file is empty; the header must be: {}",
                header.join(",")
            ),
        ));
    }
    Ok(rows)
}

/// Splits a `;`-separated list, dropping blanks.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    text.split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}
