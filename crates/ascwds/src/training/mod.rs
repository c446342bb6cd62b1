//! The training file (`ascwds-formats.md` §4): line rules T01–T19 (§4.3, no per-line
//! de-duplication), cross-file rules XT1–XT3, the EXPIRYDATE derivation of §4.2, and the writer.
//!
//! Decisions where the spec is silent are in `docs/decisions/ascwds-training.md`.

mod cross;
pub mod date;
mod rules;
mod write;

use carecount_domain::{RecordKey, Training};

use crate::fast::key;
use time::Date;

use crate::ParsedFile;
use crate::message::Message;
use crate::staff::StaffLine;
use crate::workplace::WorkplaceLine;

pub use write::write;

/// The outcome of one training line.
#[derive(Debug, Clone)]
pub struct TrainingLine {
    pub line: u32,
    /// LOCALESTID with whitespace removed.
    pub workplace_key: RecordKey,
    /// UNIQUEWORKERID with whitespace removed.
    pub worker_key: RecordKey,
    /// The typed record of a line with no error (line or cross-file); warnings allowed.
    pub record: Option<Training>,
}

/// Runs T01–T19 on every line, then XT1–XT3.
pub fn validate_lines(
    file: &ParsedFile,
    workplaces: &[WorkplaceLine],
    staff: &[StaffLine],
    as_of: Date,
) -> (Vec<TrainingLine>, Vec<Message>) {
    let others = cross::OtherFiles::new(workplaces, staff);
    let mut lines = Vec::with_capacity(file.raw.records.len());
    let mut messages = Vec::new();
    for row in file.rows() {
        let checked = rules::check(&row, as_of);
        let mut line_messages = checked.messages.into_messages();
        let workplace_key = key(row.text(rules::LOCALESTID));
        let worker_key = key(row.text(rules::UNIQUEWORKERID));
        let cross_errors = others.check(
            &row,
            (&workplace_key, &worker_key),
            checked.completed,
            &mut line_messages,
        );
        let record = if cross_errors { None } else { checked.record };
        lines.push(TrainingLine {
            line: row.line(),
            workplace_key,
            worker_key,
            record,
        });
        messages.append(&mut line_messages);
    }
    (lines, messages)
}

#[cfg(test)]
mod tests;
