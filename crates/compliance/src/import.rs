//! `training import` (§8): entered records from a carecount CSV, checked whole (§10) before
//! anything is stored.

use std::collections::BTreeSet;

use time::Date;

use crate::catalogue::{Catalogue, TopicKind, check_level};
use crate::date::parse_iso;
use crate::facts::{RecordSource, TrainingRecord, Validity};
use crate::message::{Message, MessageCode, Severity, has_errors};
use crate::table;

/// The columns of a `training import` file, in order (§8).
pub const IMPORT_COLUMNS: [&str; 12] = [
    "localestid",
    "uniqueworkerid",
    "topic",
    "level",
    "completed",
    "expires",
    "validity",
    "title",
    "provider",
    "number",
    "revalidation_due",
    "notes",
];

/// An entered record with the staff record it belongs to and the registration fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnteredRecord {
    pub workplace: String,
    pub staff: String,
    /// The record (`id` 0: the store assigns one).
    pub record: TrainingRecord,
    pub provider: String,
    /// A registration's PIN or number.
    pub number: String,
    pub revalidation_due: Option<Date>,
}

/// What the import checks against.
#[derive(Debug, Clone, Copy)]
pub struct ImportContext<'a> {
    pub catalogue: &'a Catalogue,
    pub as_of: Date,
    /// (LOCALESTID, UNIQUEWORKERID) of the organisation's staff records at D.
    pub known_staff: &'a BTreeSet<(String, String)>,
    /// Stored entered records, for `duplicate_record`.
    pub stored: &'a [EnteredRecord],
}

/// An accepted import: the new records (duplicates skipped) and the warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    pub records: Vec<EnteredRecord>,
    pub warnings: Vec<Message>,
}

fn same_record(left: &EnteredRecord, right: &EnteredRecord) -> bool {
    left.workplace == right.workplace
        && left.staff == right.staff
        && left.record.topic == right.record.topic
        && left.record.level == right.record.level
        && left.record.completed == right.record.completed
}

/// One record as a `training import` text: the header and one line, `fields` in
/// [`IMPORT_COLUMNS`] order (so a form or flags go through the same checks as a file, §10).
pub fn one_line_import(fields: [&str; 12]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(IMPORT_COLUMNS)?;
    writer.write_record(fields)?;
    let bytes = writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))?;
    // The fields are `&str` and the writer adds only ASCII, so the text is UTF-8.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Checks a whole `training import` file. Any error rejects the file with every message.
pub fn parse_training_import(
    context: ImportContext<'_>,
    file: &str,
    text: &str,
) -> Result<ImportOutcome, Vec<Message>> {
    let rows = table::read(file, text, &IMPORT_COLUMNS).map_err(|message| vec![message])?;
    let catalogue = context.catalogue;
    let mut messages = Vec::new();
    let mut records: Vec<EnteredRecord> = Vec::new();
    for row in &rows {
        let before = messages
            .iter()
            .filter(|message: &&Message| message.severity == Severity::Error)
            .count();
        let line = row.line;
        for (index, column) in [
            (0, "localestid"),
            (1, "uniqueworkerid"),
            (2, "topic"),
            (4, "completed"),
        ] {
            if row.get(index).is_empty() {
                messages.push(Message::new(
                    file,
                    line,
                    column,
                    "",
                    MessageCode::MissingValue,
                    format!("{column} is required"),
                ));
            }
        }
        let (workplace, staff, topic) = (row.get(0), row.get(1), row.get(2));
        if !workplace.is_empty()
            && !staff.is_empty()
            && !context
                .known_staff
                .contains(&(workplace.to_owned(), staff.to_owned()))
        {
            messages.push(Message::new(
                file,
                line,
                "uniqueworkerid",
                staff,
                MessageCode::UnknownStaff,
                format!(
                    "no staff record {staff} at workplace {workplace} on {}",
                    context.as_of
                ),
            ));
        }
        let kind = catalogue.topic(topic).map(|found| found.kind);
        if !topic.is_empty() && kind.is_none() {
            messages.push(Message::new(
                file,
                line,
                "topic",
                topic,
                MessageCode::UnknownTopic,
                "no such topic in the catalogue",
            ));
        } else if !topic.is_empty() {
            check_level(
                catalogue,
                file,
                line,
                "level",
                topic,
                row.get(3),
                &mut messages,
            );
        }
        let mut date = |index: usize, column: &str| -> Option<Date> {
            let text = row.get(index);
            if text.is_empty() {
                return None;
            }
            let parsed = parse_iso(text);
            if parsed.is_none() {
                messages.push(Message::new(
                    file,
                    line,
                    column,
                    text,
                    MessageCode::BadDate,
                    format!("{column} must be a date YYYY-MM-DD"),
                ));
            }
            parsed
        };
        let completed = date(4, "completed");
        let expires = date(5, "expires");
        let revalidation_due = date(10, "revalidation_due");
        if let Some(completed) = completed
            && completed > context.as_of
        {
            messages.push(Message::new(
                file,
                line,
                "completed",
                row.get(4),
                MessageCode::FutureDate,
                "completed is after the as-of date",
            ));
        }
        if let (Some(completed), Some(expires)) = (completed, expires)
            && expires <= completed
        {
            messages.push(Message::new(
                file,
                line,
                "expires",
                row.get(5),
                MessageCode::ExpiryNotAfterCompletion,
                "expires must be after completed",
            ));
        }
        if kind == Some(TopicKind::Registration) && row.get(5).is_empty() {
            messages.push(Message::new(
                file,
                line,
                "expires",
                "",
                MessageCode::MissingValue,
                "a registration needs its expiry date",
            ));
        }
        let validity = match row.get(6) {
            "" => Validity::Blank,
            text => match text.parse::<u16>() {
                Ok(months) if (1..=999).contains(&months) => Validity::Months(months),
                _ => {
                    let code = if text
                        .trim_start_matches('-')
                        .starts_with(|c: char| c.is_ascii_digit())
                    {
                        MessageCode::OutOfRange
                    } else {
                        MessageCode::NotANumber
                    };
                    messages.push(Message::new(
                        file,
                        line,
                        "validity",
                        text,
                        code,
                        "validity must be months 1 to 999",
                    ));
                    Validity::Blank
                }
            },
        };
        let errors_now = messages
            .iter()
            .filter(|message| message.severity == Severity::Error)
            .count();
        if errors_now > before {
            continue;
        }
        let entered = EnteredRecord {
            workplace: workplace.to_owned(),
            staff: staff.to_owned(),
            record: TrainingRecord {
                id: 0,
                source: RecordSource::Entered,
                category: None,
                topic: Some(topic.to_owned()),
                level: Some(row.get(3).to_owned()).filter(|level| !level.is_empty()),
                title: row.get(7).to_owned(),
                notes: row.get(11).to_owned(),
                completed,
                expires,
                validity,
            },
            provider: row.get(8).to_owned(),
            number: row.get(9).to_owned(),
            revalidation_due,
        };
        if context
            .stored
            .iter()
            .chain(records.iter())
            .any(|existing| same_record(existing, &entered))
        {
            messages.push(Message::new(
                file,
                line,
                "completed",
                row.get(4),
                MessageCode::DuplicateRecord,
                "the same record is already stored; skipped",
            ));
            continue;
        }
        records.push(entered);
    }
    if has_errors(&messages) {
        Err(messages)
    } else {
        Ok(ImportOutcome {
            records,
            warnings: messages,
        })
    }
}
