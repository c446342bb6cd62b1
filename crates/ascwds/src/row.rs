//! Access to one record's values by column: a known column ([`Col`]) by array position, resolved
//! once per file from its header; any other column (QUALACH04 and later) by name.

use crate::column::Col;
use crate::column::{COUNT, NAMES};
use crate::fast::HashMap;

use crate::csv::RawRecord;

/// Marks a known column that the header does not have.
const ABSENT: u32 = u32::MAX;

/// A header resolved once: each known column's index, and every name's index.
#[derive(Debug, Clone)]
pub struct Columns {
    /// `known[col.index()]`: the header index of `col` (its first occurrence), or [`ABSENT`].
    known: [u32; COUNT],
    index: HashMap<String, usize>,
}

impl Default for Columns {
    fn default() -> Columns {
        Columns {
            known: [ABSENT; COUNT],
            index: HashMap::default(),
        }
    }
}

impl Columns {
    pub fn new(header: &[String]) -> Columns {
        let mut index = HashMap::default();
        for (i, name) in header.iter().enumerate() {
            index.entry(name.clone()).or_insert(i);
        }
        let mut known = [ABSENT; COUNT];
        for (slot, name) in known.iter_mut().zip(NAMES) {
            if let Some(&i) = index.get(*name) {
                *slot = u32::try_from(i).unwrap_or(ABSENT);
            }
        }
        Columns { known, index }
    }

    pub fn has(&self, column: &str) -> bool {
        self.index.contains_key(column)
    }

    /// The header index of a known column.
    fn position(&self, column: Col) -> Option<usize> {
        let i = *self.known.get(column.index())?;
        (i != ABSENT).then_some(i as usize)
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
    pub fn get(&self, column: Col) -> Option<&'a str> {
        self.record.field(self.columns.position(column)?)
    }

    /// The value of `column`, `""` when absent (a short record's missing values pass as blank).
    pub fn text(&self, column: Col) -> &'a str {
        self.get(column).unwrap_or("")
    }

    /// The value of a column that is not a known [`Col`] (QUALACH04 and later), by name.
    pub fn get_named(&self, column: &str) -> Option<&'a str> {
        let i = *self.columns.index.get(column)?;
        self.record.field(i)
    }

    /// The value of a column by name, `""` when absent.
    pub fn text_named(&self, column: &str) -> &'a str {
        self.get_named(column).unwrap_or("")
    }

    /// The value of `known` when given, else of the column called `name`; `""` when absent.
    pub fn text_named_or(&self, known: Option<Col>, name: &str) -> &'a str {
        match known {
            Some(column) => self.text(column),
            None => self.text_named(name),
        }
    }

    /// Whether the record has fewer values than the header.
    pub fn is_short(&self, header_len: usize) -> bool {
        self.record.len() < header_len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_named_columns_read_the_same_value() {
        let header: Vec<String> = ["UNIQUEWORKERID", "LOCALESTID", "QUALACH04", "LOCALESTID"]
            .map(str::to_string)
            .to_vec();
        let columns = Columns::new(&header);
        let record = RawRecord::new(2, &["W1", "WP1", "12", "WP2"]);
        let row = Row::new(&record, &columns);
        // LOCALESTID is header index 1 (its first occurrence, not index 3).
        assert_eq!(row.text(Col::LOCALESTID), "WP1");
        assert_eq!(row.text_named("LOCALESTID"), "WP1");
        assert_eq!(row.text(Col::UNIQUEWORKERID), "W1");
        assert_eq!(row.text_named("QUALACH04"), "12");
        // Not in the header: blank.
        assert_eq!(row.get(Col::STATUS), None);
        assert_eq!(row.text(Col::STATUS), "");
    }

    #[test]
    fn a_short_record_reads_missing_values_as_blank() {
        let header: Vec<String> = ["LOCALESTID", "STATUS"].map(str::to_string).to_vec();
        let columns = Columns::new(&header);
        let record = RawRecord::new(2, &["WP1"]);
        let row = Row::new(&record, &columns);
        assert_eq!(row.get(Col::STATUS), None);
        assert!(row.is_short(2));
    }
}
