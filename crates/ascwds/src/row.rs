//! Access to one record's values by column name.

use crate::fast::HashMap;

use crate::csv::RawRecord;

/// Column name → index, from a header.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    index: HashMap<String, usize>,
}

impl Columns {
    pub fn new(header: &[String]) -> Columns {
        let mut index = HashMap::default();
        for (i, name) in header.iter().enumerate() {
            index.entry(name.clone()).or_insert(i);
        }
        Columns { index }
    }

    pub fn has(&self, column: &str) -> bool {
        self.index.contains_key(column)
    }
}

/// One record seen through its header.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub record: &'a RawRecord,
    columns: &'a Columns,
}

impl<'a> Row<'a> {
    pub fn new(record: &'a RawRecord, columns: &'a Columns) -> Row<'a> {
        Row { record, columns }
    }

    /// The record number (header = 1).
    pub fn line(&self) -> u32 {
        self.record.line
    }

    /// The value of `column`; `None` when the header has no such column or the record is short.
    pub fn get(&self, column: &str) -> Option<&'a str> {
        let i = *self.columns.index.get(column)?;
        self.record.field(i)
    }

    /// The value of `column`, `""` when absent (a short record's missing values pass as blank).
    pub fn text(&self, column: &str) -> &'a str {
        self.get(column).unwrap_or("")
    }

    /// Whether the record has fewer values than the header.
    pub fn is_short(&self, header_len: usize) -> bool {
        self.record.len() < header_len
    }
}
