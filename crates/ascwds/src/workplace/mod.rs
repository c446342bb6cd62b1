//! The workplace file: line rules W01–W102 (§2.4), file-wide rules XW1–XW7 and account rules F1–F4,
//! and the writer used by export.
//!
//! Layout: [`line`] checks one line in the order of §2.3 and builds its typed [`Workplace`];
//! [`cross`] holds the rules that look at several lines or at the staff file (XW1–XW7, F2, F3);
//! [`write`](mod@write) writes records back as a file. Decisions where the spec is silent are in
//! `docs/decisions/ascwds-workplace.md`.

mod cross;
mod line;
mod write;

use crate::fast::{HashMap, HashSet};

use carecount_domain::{Answer, RecordKey, Status, Workplace};

use crate::fast::key;
use time::Date;

use crate::message::Message;
use crate::staff::StaffLine;
use crate::{ExistingState, ParsedFile};

pub use write::write;

/// The outcome of one workplace line, as the other files' rules and the plan need it.
#[derive(Debug, Clone)]
pub struct WorkplaceLine {
    pub line: u32,
    /// LOCALESTID as read.
    pub localestid: String,
    /// LOCALESTID with whitespace removed.
    pub key: RecordKey,
    /// STATUS, when valid.
    pub status: Option<Status>,
    /// Still in the upload: not dropped (W20 never fires in carecount; XW6 later duplicates are
    /// flagged and dropped).
    pub kept: bool,
    /// The typed record for a NEW/UPDATE line that has no error.
    pub record: Option<Workplace>,
    /// The accepted REGTYPE (true = 2) of a NEW/UPDATE line.
    pub cqc_regulated: Option<bool>,
    /// MAINSERVICE as accepted on a NEW/UPDATE line (a known service code).
    pub main_service: Option<u32>,
    /// DHA as accepted on a NEW/UPDATE line (after W54 and W55).
    pub dha: Option<Answer>,
    /// The values the file-wide checks (XW1–XW5, XW7) read from the line.
    pub cross: CrossColumns,
}

/// The columns of a line that XW1–XW5 and XW7 read, and the TOTALPERMTEMP the line checks
/// accepted. Texts are as read (these checks look at the columns, not at the typed record).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrossColumns {
    /// STATUS as written (XW7 compares it case-sensitively).
    pub status: String,
    /// TOTALPERMTEMP accepted by W65/W66 on a NEW/UPDATE line; `None` otherwise (XW1).
    pub total_perm_temp: Option<u32>,
    /// TOTALPERMTEMP as written.
    pub total_perm_temp_text: String,
    pub regtype: String,
    pub main_service: String,
    pub location_id: String,
    pub job_roles: String,
    pub starters: String,
    pub leavers: String,
    pub vacancies: String,
}

/// What the line rules look up once per file.
pub(crate) struct Context<'a> {
    pub existing: &'a ExistingState,
    pub tables: &'static carecount_codes::Tables,
    /// Location ID → keys of the organisation's stored workplaces that hold it (W41).
    pub stored_location_ids: HashMap<&'a str, Vec<RecordKey>>,
    /// Location IDs held by other organisations (W41).
    pub elsewhere: HashSet<&'a str>,
}

impl<'a> Context<'a> {
    fn new(existing: &'a ExistingState) -> Context<'a> {
        let mut stored_location_ids: HashMap<&'a str, Vec<RecordKey>> = HashMap::default();
        for stored in &existing.workplaces {
            if let Some(location_id) = stored.record.location_id.as_deref() {
                stored_location_ids
                    .entry(location_id)
                    .or_default()
                    .push(key(&stored.record.localestid));
            }
        }
        let elsewhere = existing
            .location_ids_elsewhere
            .iter()
            .map(String::as_str)
            .collect();
        Context {
            existing,
            tables: carecount_codes::tables(),
            stored_location_ids,
            elsewhere,
        }
    }

    /// Whether `location_id` is held by a workplace other than the one keyed `own`.
    pub fn location_held_elsewhere(&self, location_id: &str, own: &RecordKey) -> bool {
        self.elsewhere.contains(location_id)
            || self
                .stored_location_ids
                .get(location_id)
                .is_some_and(|keys| keys.iter().any(|k| k != own))
    }
}

/// Runs W01–W102 on every line, then XW6 and XW7.
pub fn validate_lines(
    file: &ParsedFile,
    existing: &ExistingState,
    as_of: Date,
) -> (Vec<WorkplaceLine>, Vec<Message>) {
    // No workplace rule depends on the date.
    let _ = as_of;
    let context = Context::new(existing);
    let mut lines = Vec::with_capacity(file.raw.records.len());
    let mut messages = Vec::new();
    for row in file.rows() {
        let (outcome, line_messages) = line::validate_line(row, &context);
        lines.push(outcome);
        messages.extend(line_messages);
    }
    messages.extend(cross::duplicate_localestids(&mut lines));
    messages.extend(cross::duplicate_location_ids(&mut lines, existing));
    (lines, messages)
}

/// F1–F4 and XW1–XW5 (they need the staff lines).
pub fn account_checks(
    workplaces: &[WorkplaceLine],
    staff: &[StaffLine],
    existing: &ExistingState,
) -> Vec<Message> {
    let mut messages = cross::primary_checks(workplaces, existing);
    messages.extend(cross::staff_count_checks(workplaces, staff));
    messages
}
