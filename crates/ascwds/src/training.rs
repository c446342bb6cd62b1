//! The training file: line rules T01–T19 (§4.3), cross-file rules XT1–XT3, and the writer.

use carecount_domain::{RecordKey, Training};
use time::Date;

use crate::message::Message;
use crate::staff::StaffLine;
use crate::workplace::WorkplaceLine;
use crate::ParsedFile;

/// The outcome of one training line.
#[derive(Debug, Clone)]
pub struct TrainingLine {
    pub line: u32,
    pub workplace_key: RecordKey,
    pub worker_key: RecordKey,
    /// The typed record of a line with no error.
    pub record: Option<Training>,
}

/// Runs T01–T19 on every line, then XT1–XT3.
pub fn validate_lines(
    file: &ParsedFile,
    workplaces: &[WorkplaceLine],
    staff: &[StaffLine],
    as_of: Date,
) -> (Vec<TrainingLine>, Vec<Message>) {
    let _ = (file, workplaces, staff, as_of);
    (Vec::new(), Vec::new())
}

/// The training file for `records`: the exact header, LF line ends.
pub fn write(records: &[Training]) -> String {
    let _ = records;
    String::new()
}
