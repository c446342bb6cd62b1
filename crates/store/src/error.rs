//! The store's error type. Every error names the store it happened in; none carries a personal field.

/// A failure of the store. The store is unchanged whenever a write returns one of these.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite refused an operation (cannot open, disk full, constraint violated, ...).
    #[error("store {path}: {error}")]
    Sqlite {
        path: String,
        error: rusqlite::Error,
    },
    /// The file was written by a newer carecount.
    #[error(
        "store {path}: schema version {found} is newer than this carecount understands (at most {supported})"
    )]
    SchemaTooNew {
        path: String,
        found: i64,
        supported: i64,
    },
    /// A stored row could not be read back (a damaged or hand-edited file).
    #[error("store {path}: {what} cannot be read back: {reason}")]
    Corrupt {
        path: String,
        what: String,
        reason: String,
    },
    /// A record could not be serialised for storage.
    #[error("store {path}: {what} cannot be stored: {reason}")]
    Serialise {
        path: String,
        what: String,
        reason: String,
    },
    /// The plan given to [`crate::Store::apply`] is not a consistent organisation state.
    #[error("store {path}: the upload plan is inconsistent: {reason}")]
    InvalidPlan { path: String, reason: String },
    /// The organisation is not in the store.
    #[error("store {path}: organisation {org:?} is not in the store")]
    UnknownOrg { path: String, org: String },
    /// A snapshot was read with the scope of another organisation.
    #[error(
        "store {path}: snapshot {snapshot} belongs to organisation {snapshot_org:?}, not {scope_org:?}"
    )]
    WrongOrg {
        path: String,
        snapshot: i64,
        snapshot_org: String,
        scope_org: String,
    },
    /// The snapshot does not exist.
    #[error("store {path}: there is no snapshot {snapshot}")]
    UnknownSnapshot { path: String, snapshot: i64 },
}

/// An error inside the crate, before the store's path is attached.
#[derive(Debug)]
pub(crate) enum Fail {
    Sqlite(rusqlite::Error),
    Corrupt {
        what: String,
        reason: String,
    },
    Serialise {
        what: String,
        reason: String,
    },
    InvalidPlan(String),
    UnknownOrg(String),
    WrongOrg {
        snapshot: i64,
        snapshot_org: String,
        scope_org: String,
    },
    UnknownSnapshot(i64),
    SchemaTooNew {
        found: i64,
        supported: i64,
    },
}

impl From<rusqlite::Error> for Fail {
    fn from(error: rusqlite::Error) -> Fail {
        Fail::Sqlite(error)
    }
}

impl Fail {
    /// Names the store.
    pub(crate) fn at(self, path: &str) -> StoreError {
        let path = path.to_string();
        match self {
            Fail::Sqlite(error) => StoreError::Sqlite { path, error },
            Fail::Corrupt { what, reason } => StoreError::Corrupt { path, what, reason },
            Fail::Serialise { what, reason } => StoreError::Serialise { path, what, reason },
            Fail::InvalidPlan(reason) => StoreError::InvalidPlan { path, reason },
            Fail::UnknownOrg(org) => StoreError::UnknownOrg { path, org },
            Fail::WrongOrg {
                snapshot,
                snapshot_org,
                scope_org,
            } => StoreError::WrongOrg {
                path,
                snapshot,
                snapshot_org,
                scope_org,
            },
            Fail::UnknownSnapshot(snapshot) => StoreError::UnknownSnapshot { path, snapshot },
            Fail::SchemaTooNew { found, supported } => StoreError::SchemaTooNew {
                path,
                found,
                supported,
            },
        }
    }

    /// A JSON error described without echoing the value it choked on (it may be a personal field).
    pub(crate) fn corrupt_json(what: String, error: &serde_json::Error) -> Fail {
        Fail::Corrupt {
            what,
            reason: format!("{:?} error at column {}", error.classify(), error.column()),
        }
    }
}
