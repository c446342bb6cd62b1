//! The staff file: line rules S01–S105 (§3.4), cross-file rules XS1–XS11, and the writer.
//!
//! [`validate_lines`] reads every line with its own rules ([`line`], in the order of §3.3, with the
//! per-line de-duplication of §1.6), then applies the file-wide and cross-file rules in the order of
//! §6.2 (XS4, XS3, XS1, XS2, then XS5–XS11), and builds the typed [`Staff`] of each NEW or UPDATE
//! line without errors. [`write`] is the inverse for export.

mod cross;
mod line;
mod parse;
mod record;
mod write;

use carecount_domain::{RecordKey, Staff, Status};

use time::Date;

use crate::message::Message;
use crate::recognise::staff_layout;
use crate::workplace::WorkplaceLine;
use crate::{ExistingState, ParsedFile};

pub use write::write;

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
    /// The typed record for a NEW/UPDATE line with no error (personal fields included). For an
    /// UPDATE line it is the complete record after the update (blank columns keep stored values).
    pub record: Option<Staff>,
}

/// Runs S01–S105 on every line, then XS1–XS11.
pub fn validate_lines(
    file: &ParsedFile,
    existing: &ExistingState,
    workplaces: &[WorkplaceLine],
    as_of: Date,
) -> (Vec<StaffLine>, Vec<Message>) {
    let tables = carecount_codes::tables();
    let pairs = staff_layout(&file.raw.first_line).map_or(3, |layout| layout.qualification_pairs);
    let mut checked: Vec<line::CheckedLine> = file
        .rows()
        .map(|row| line::check_line(&row, pairs, existing, tables, as_of))
        .collect();
    let outcome = cross::run(&mut checked, existing, workplaces, tables);

    let mut lines = Vec::with_capacity(checked.len());
    let mut messages = Vec::new();
    for (index, checked_line) in checked.into_iter().enumerate() {
        let cross_messages = outcome.messages.get(index).cloned().unwrap_or_default();
        let transfer_to = outcome.transfer_to.get(index).cloned().flatten();
        let accepted = outcome.accepted.get(index).copied().unwrap_or(false);
        let cross_error = cross_messages
            .iter()
            .any(|m| m.severity == crate::Severity::Error);
        let has_error = checked_line.messages.has_error() || cross_error;
        let record = if has_error {
            None
        } else {
            record::build(&checked_line, transfer_to.as_deref(), existing)
        };
        // The staff key after an accepted CHGUNIQUEWRKID, else UNIQUEWORKERID's (moved, not rebuilt).
        let worker_key = match (
            checked_line.new_worker_key,
            checked_line.new_worker_id_accepted,
        ) {
            (Some(new_key), true) => new_key,
            _ => checked_line.worker_key,
        };
        lines.push(StaffLine {
            line: checked_line.line,
            workplace_key: checked_line.workplace_key,
            worker_key,
            localestid: checked_line.localestid.to_string(),
            unique_worker_id: checked_line.unique_worker_id.to_string(),
            status: checked_line.status,
            accepted,
            main_job_role: checked_line
                .main_job_role_as_read
                .and_then(|role| u32::try_from(role).ok()),
            date_of_birth: checked_line.date_of_birth_as_read,
            transfer_to,
            record,
        });
        messages.extend(checked_line.messages.into_messages());
        messages.extend(cross_messages);
    }
    (lines, messages)
}
