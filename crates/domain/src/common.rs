//! Small shared value types.

use serde::{Deserialize, Serialize};

/// The action a workplace or staff line asks for (`ascwds-formats.md` §1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    New,
    Update,
    Delete,
    Unchecked,
    NoChange,
}

impl Status {
    /// Parses a STATUS value, case-insensitively, exactly (no trimming: quoted padding is kept and fails).
    pub fn parse(text: &str) -> Option<Status> {
        match text.to_ascii_uppercase().as_str() {
            "NEW" => Some(Status::New),
            "UPDATE" => Some(Status::Update),
            "DELETE" => Some(Status::Delete),
            "UNCHECKED" => Some(Status::Unchecked),
            "NOCHANGE" => Some(Status::NoChange),
            _ => None,
        }
    }

    /// The upper-case file spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "NEW",
            Status::Update => "UPDATE",
            Status::Delete => "DELETE",
            Status::Unchecked => "UNCHECKED",
            Status::NoChange => "NOCHANGE",
        }
    }

    /// Whether the line is validated in full (NEW, UPDATE) rather than by its key columns only.
    pub fn is_full(self) -> bool {
        matches!(self, Status::New | Status::Update)
    }
}

/// The common `1` Yes / `2` No / `999` Don't know answer (`ascwds-formats.md` §1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Answer {
    Yes,
    No,
    DontKnow,
}

impl Answer {
    /// Reads the file code `1`, `2` or `999`.
    pub fn from_code(code: u32) -> Option<Answer> {
        match code {
            1 => Some(Answer::Yes),
            2 => Some(Answer::No),
            999 => Some(Answer::DontKnow),
            _ => None,
        }
    }

    /// The file code.
    pub fn code(self) -> u32 {
        match self {
            Answer::Yes => 1,
            Answer::No => 2,
            Answer::DontKnow => 999,
        }
    }
}

/// An amount with two decimal places held exactly (pounds as pence, percentages as hundredths).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hundredths(pub i64);

impl Hundredths {
    /// As a floating-point number (for statistics only).
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl std::fmt::Display for Hundredths {
    /// Always two decimals: `1250` → `12.50`, `-5` → `-0.05`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// A workplace or staff reference with all whitespace removed: the key ASC-WDS matches on (§1.2).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RecordKey(pub String);

/// Removes all whitespace from a reference, giving its matching key (§1.2).
pub fn key(reference: &str) -> RecordKey {
    RecordKey(reference.chars().filter(|c| !c.is_whitespace()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_is_case_insensitive_but_not_trimmed() {
        assert_eq!(Status::parse("update"), Some(Status::Update));
        assert_eq!(Status::parse("NoChange"), Some(Status::NoChange));
        assert_eq!(Status::parse(" NEW "), None);
        assert_eq!(Status::parse("CHGSUB"), None);
    }

    #[test]
    fn hundredths_always_print_two_decimals() {
        assert_eq!(Hundredths(1250).to_string(), "12.50");
        assert_eq!(Hundredths(5).to_string(), "0.05");
        assert_eq!(Hundredths(-5).to_string(), "-0.05");
        assert_eq!(Hundredths(20000000).to_string(), "200000.00");
    }

    #[test]
    fn keys_drop_all_whitespace() {
        assert_eq!(key(" HOME 1\t"), key("HOME1"));
        assert_ne!(key("HOME1"), key("home1"));
    }
}
