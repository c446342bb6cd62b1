//! The staff file: line rules S01–S105 (§3.4), cross-file rules XS1–XS11, and the writer.

use carecount_domain::{RecordKey, Staff, Status};
use time::Date;

use crate::message::Message;
use crate::workplace::WorkplaceLine;
use crate::{ExistingState, ParsedFile};

/// The outcome of one staff line.
#[derive(Debug, Clone)]
pub struct StaffLine {
    pub line: u32,
    /// LOCALESTID as read, and its key.
    pub localestid: String,
    pub workplace_key: RecordKey,
    /// UNIQUEWORKERID as read.
    pub unique_worker_id: String,
    /// The staff key after an accepted CHGUNIQUEWRKID (else UNIQUEWORKERID), whitespace removed.
    pub worker_key: RecordKey,
    /// STATUS, when valid.
    pub status: Option<Status>,
    /// Not dropped by XS1 (duplicate) or XS2 (unknown workplace).
    pub accepted: bool,
    /// MAINJOBROLE as read (a number), for XW1/XW5.
    pub main_job_role: Option<u32>,
    /// DOB as read when it is a valid date (after `Admin` replacement), for XT3.
    pub date_of_birth: Option<Date>,
    /// TRANSFERSTAFFRECORD target of an UPDATE line that passed XS6–XS8.
    pub transfer_to: Option<String>,
    /// The typed record for a NEW/UPDATE line with no error (personal fields included).
    pub record: Option<Staff>,
}

/// Runs S01–S105 on every line, then XS1–XS11.
pub fn validate_lines(
    file: &ParsedFile,
    existing: &ExistingState,
    workplaces: &[WorkplaceLine],
    as_of: Date,
) -> (Vec<StaffLine>, Vec<Message>) {
    let _ = (file, existing, workplaces, as_of);
    (Vec::new(), Vec::new())
}

/// The staff file for `records`: the base header plus as many QUALACH pairs as the record with most
/// qualifications needs (at least three), STATUS `NEW`, LF line ends.
pub fn write(records: &[Staff]) -> String {
    let _ = records;
    String::new()
}
