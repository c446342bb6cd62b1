//! Bad-input messages of §10, in the `validate` shape of `interfaces.md`: file, line (record number,
//! header 1), column, value, severity and a string code.

use std::fmt;

/// Whether a message blocks the change (§10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Blocks: nothing is changed.
    Error,
    /// Reported only (`duplicate_record`, `row_has_no_effect`).
    Warning,
}

impl Severity {
    /// The wire name, `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The string codes of §10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum MessageCode {
    HeaderMismatch,
    MissingValue,
    UnknownTopic,
    UnknownLevel,
    LevelNotApplicable,
    UnknownRole,
    UnknownService,
    UnknownServiceUser,
    UnknownStaff,
    UnknownCategory,
    NotANumber,
    OutOfRange,
    BadValue,
    BadDate,
    FutureDate,
    ExpiryNotAfterCompletion,
    DuplicateId,
    UnknownRow,
    ContradictoryRows,
    StatutoryLoosened,
    ReasonRequired,
    StatutoryExemptionReason,
    DuplicateRecord,
    RowHasNoEffect,
}

impl MessageCode {
    /// The code as written in messages, e.g. `statutory_loosened`.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageCode::HeaderMismatch => "header_mismatch",
            MessageCode::MissingValue => "missing_value",
            MessageCode::UnknownTopic => "unknown_topic",
            MessageCode::UnknownLevel => "unknown_level",
            MessageCode::LevelNotApplicable => "level_not_applicable",
            MessageCode::UnknownRole => "unknown_role",
            MessageCode::UnknownService => "unknown_service",
            MessageCode::UnknownServiceUser => "unknown_service_user",
            MessageCode::UnknownStaff => "unknown_staff",
            MessageCode::UnknownCategory => "unknown_category",
            MessageCode::NotANumber => "not_a_number",
            MessageCode::OutOfRange => "out_of_range",
            MessageCode::BadValue => "bad_value",
            MessageCode::BadDate => "bad_date",
            MessageCode::FutureDate => "future_date",
            MessageCode::ExpiryNotAfterCompletion => "expiry_not_after_completion",
            MessageCode::DuplicateId => "duplicate_id",
            MessageCode::UnknownRow => "unknown_row",
            MessageCode::ContradictoryRows => "contradictory_rows",
            MessageCode::StatutoryLoosened => "statutory_loosened",
            MessageCode::ReasonRequired => "reason_required",
            MessageCode::StatutoryExemptionReason => "statutory_exemption_reason",
            MessageCode::DuplicateRecord => "duplicate_record",
            MessageCode::RowHasNoEffect => "row_has_no_effect",
        }
    }

    /// Warnings do not block (§10).
    pub fn severity(self) -> Severity {
        match self {
            MessageCode::DuplicateRecord | MessageCode::RowHasNoEffect => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for MessageCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// One problem found in an input file (§10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The file as the caller named it.
    pub file: String,
    /// Record number, header = 1; 0 for a problem of no line (a flag or a whole-file check).
    pub line: u64,
    /// The column's name.
    pub column: String,
    /// The offending value as written.
    pub value: String,
    /// Error or warning.
    pub severity: Severity,
    /// The string code.
    pub code: MessageCode,
    /// Human text.
    pub message: String,
}

impl Message {
    pub(crate) fn new(
        file: &str,
        line: u64,
        column: &str,
        value: &str,
        code: MessageCode,
        message: impl Into<String>,
    ) -> Message {
        Message {
            file: file.to_owned(),
            line,
            column: column.to_owned(),
            value: value.to_owned(),
            severity: code.severity(),
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}:{}: {} {} [{}] {:?}: {}",
            self.file,
            self.line,
            self.severity.as_str(),
            self.code,
            self.column,
            self.value,
            self.message
        )
    }
}

/// True when any message is an error.
pub fn has_errors(messages: &[Message]) -> bool {
    messages
        .iter()
        .any(|message| message.severity == Severity::Error)
}

/// The error returned when a file is rejected: every message, nothing changed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} problem(s) in the input; nothing changed", messages.len())]
pub struct Rejected {
    /// Every message, errors and warnings.
    pub messages: Vec<Message>,
}
