//! Validation messages (`interfaces.md` `validate` JSON; `ascwds-formats.md` §1.6, §7.4).

use serde::Serialize;

/// The three bulk-upload files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Workplace,
    Staff,
    Training,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Workplace => "workplace",
            FileKind::Staff => "staff",
            FileKind::Training => "training",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One message, as the `validate` JSON shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub file: FileKind,
    /// Record number, header = 1.
    pub line: u32,
    pub severity: Severity,
    /// The ASC-WDS code of the rule.
    pub code: u32,
    /// The ASC-WDS column string of the rule (e.g. `CAPACITY/UTILISATION`).
    pub column: String,
    /// The offending value as read.
    pub value: String,
    pub message: String,
    /// LOCALESTID of the line.
    pub workplace: String,
    /// UNIQUEWORKERID (staff and training lines).
    pub worker: Option<String>,
}

/// Where a line's messages go: knows the file, line and keys, and applies the per-line
/// de-duplication by code of §1.6 (first message of a code wins, errors and warnings alike).
///
/// The line's keys are borrowed from its record and copied only into the messages themselves, so
/// a line without messages allocates nothing here.
#[derive(Debug)]
pub struct LineMessages<'a> {
    file: FileKind,
    line: u32,
    workplace: &'a str,
    worker: Option<&'a str>,
    dedup: bool,
    messages: Vec<Message>,
}

impl<'a> LineMessages<'a> {
    /// Messages for a workplace or staff line (de-duplicated by code).
    pub fn new(
        file: FileKind,
        line: u32,
        workplace: &'a str,
        worker: Option<&'a str>,
    ) -> LineMessages<'a> {
        LineMessages {
            file,
            line,
            workplace,
            worker,
            dedup: file != FileKind::Training,
            messages: Vec::new(),
        }
    }

    pub fn error(&mut self, code: u32, column: &str, value: &str, message: impl Into<String>) {
        self.push(Severity::Error, code, column, value, message.into());
    }

    pub fn warning(&mut self, code: u32, column: &str, value: &str, message: impl Into<String>) {
        self.push(Severity::Warning, code, column, value, message.into());
    }

    fn push(&mut self, severity: Severity, code: u32, column: &str, value: &str, message: String) {
        if self.dedup && self.messages.iter().any(|m| m.code == code) {
            return;
        }
        self.messages.push(Message {
            file: self.file,
            line: self.line,
            severity,
            code,
            column: column.to_string(),
            value: value.to_string(),
            message,
            workplace: self.workplace.to_string(),
            worker: self.worker.map(str::to_string),
        });
    }

    /// Whether any error has been kept for this line.
    pub fn has_error(&self) -> bool {
        self.messages.iter().any(|m| m.severity == Severity::Error)
    }

    /// Whether a message with this code was kept (e.g. to know a column was rejected).
    pub fn has_code(&self, code: u32) -> bool {
        self.messages.iter().any(|m| m.code == code)
    }

    pub fn into_messages(self) -> Vec<Message> {
        self.messages
    }
}

/// A message outside per-line de-duplication (cross-file and account checks).
#[allow(clippy::too_many_arguments)]
pub fn cross_message(
    file: FileKind,
    line: u32,
    severity: Severity,
    code: u32,
    column: &str,
    value: &str,
    message: impl Into<String>,
    workplace: &str,
    worker: Option<&str>,
) -> Message {
    Message {
        file,
        line,
        severity,
        code,
        column: column.to_string(),
        value: value.to_string(),
        message: message.into(),
        workplace: workplace.to_string(),
        worker: worker.map(str::to_string),
    }
}

/// Sorts messages as `interfaces.md` requires: by file, line, code (stable otherwise).
pub fn sort(messages: &mut [Message]) {
    messages.sort_by_key(|m| (m.file, m.line, m.code));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_message_of_a_code_wins_on_a_line() {
        let mut line = LineMessages::new(FileKind::Staff, 7, "WP1", Some("W1"));
        line.warning(3380, "YEAROFENTRY", "1999", "YEAROFENTRY will be ignored");
        line.warning(3380, "AMHP", "1", "AMHP will be ignored");
        line.error(1010, "LOCALESTID", "", "not supplied");
        let messages = line.into_messages();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].column, "YEAROFENTRY");
    }

    #[test]
    fn training_lines_are_not_deduplicated() {
        let mut line = LineMessages::new(FileKind::Training, 3, "WP1", Some("W1"));
        line.error(1080, "WHODELIVERED", "5", "a");
        line.error(1080, "DATECOMPLETED", "x", "b");
        assert_eq!(line.into_messages().len(), 2);
    }
}
