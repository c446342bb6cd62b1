//! carecount-store: the embedded SQLite store — organisations, dated snapshots of their ASC-WDS
//! state, temporal record versions, area assignments and the audit log.
//!
//! * [`Store::apply`] writes a validated upload's [`Plan`] (the organisation's complete new state)
//!   as a new dated snapshot, in one transaction: it applies completely or not at all. Only records
//!   that changed get a new version row, so re-importing an unchanged upload writes almost nothing.
//! * Reads resolve "the snapshot current at date D": the organisation's latest snapshot by
//!   (as_of, id) with as_of ≤ D ([`Store::snapshot_at`]).
//! * Personal fields (name or ID, NI number, date of birth, home postcode) are kept in their own
//!   table and leave the store only through [`Store::org_records`], which takes an [`OwnerScope`],
//!   and through [`Store::existing_state`], the organisation's own validation state. Analysis reads
//!   ([`ReadView::analysis_records`]) carry an age in whole years instead.
//!
//! This crate is NOT a validator or planner (that is `carecount-ascwds`: the store writes the
//! [`Plan`] it is given), does no statistics (`carecount-metrics`) and decides no access rights:
//! the web layer decides who may hold an [`OwnerScope`]. PostgreSQL is not supported yet.
//!
//! ```
//! use carecount_store::Store;
//! let store = Store::open_in_memory()?;
//! assert!(store.orgs()?.is_empty());
//! assert_eq!(store.snapshot_at("default", None)?, None);
//! # Ok::<(), carecount_store::StoreError>(())
//! ```

pub mod accounts;
mod apply;
mod codec;
pub mod compliance;
mod error;
pub mod fact_cache;
pub mod ingest;
mod read;
mod schema;
pub mod staff_page;

use std::path::Path;

use carecount_ascwds::{ExistingState, Plan};
use carecount_domain::{RecordKey, Staff, Training, Workplace};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use time::Date;

pub use error::StoreError;
pub use fact_cache::{CacheState, CachedParts};

use error::Fail;

/// An open store.
pub struct Store {
    connection: Connection,
    /// The file (or `:memory:`), for error messages.
    path: String,
}

/// One snapshot: an organisation's complete state as of a date, written by one import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotInfo {
    /// Global sequence: a later import has a larger id.
    pub id: i64,
    pub org: String,
    /// The date the data describes.
    pub as_of: Date,
    /// When it was written (UTC, RFC 3339).
    pub created_at: String,
}

/// The local authority area (or a user's own area) a workplace is placed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaAssignment {
    /// ONS code of the council, or the name of a user's own area.
    pub code: String,
    pub name: String,
    /// ONS code of the region (E12…), when known.
    pub region_code: Option<String>,
}

/// The right to read one organisation's personal fields. Only [`Store::owner_scope`] makes one; the
/// web layer calls it only for the organisation's own users and administrators.
#[derive(Debug)]
pub struct OwnerScope {
    org: String,
}

impl OwnerScope {
    /// The organisation this scope opens.
    pub fn org(&self) -> &str {
        &self.org
    }
}

/// An organisation's records in one snapshot, personal fields included, in a stable order:
/// workplaces, then staff, each by their position in the upload that last changed them (ties by
/// stable id); training grouped by staff in that order, each staff's in file order.
#[derive(Clone, PartialEq)]
pub struct OrgRecords {
    pub workplaces: Vec<Workplace>,
    pub staff: Vec<Staff>,
    pub training: Vec<Training>,
}

/// Every organisation's records current at a date, without personal fields: what metrics read.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisRecords {
    /// The date asked for.
    pub as_of: Date,
    /// Each organisation's snapshot current on `as_of` (organisations with none are left out).
    pub snapshots: Vec<SnapshotInfo>,
    pub workplaces: Vec<AnalysisWorkplace>,
    pub staff: Vec<AnalysisStaff>,
    pub training: Vec<AnalysisTraining>,
}

/// A workplace for analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisWorkplace {
    /// Stable id: the same workplace keeps it across snapshots.
    pub id: i64,
    pub org: String,
    pub area: Option<AreaAssignment>,
    /// The organisation's primary workplace (F2).
    pub primary: bool,
    pub workplace: Workplace,
}

/// A staff record for analysis: personal fields empty, age given instead.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisStaff {
    /// Stable id: kept across renames (CHGUNIQUEWRKID) and transfers.
    pub id: i64,
    pub org: String,
    /// The [`AnalysisWorkplace::id`] it belongs to.
    pub workplace_id: i64,
    /// `personal` is [`carecount_domain::StaffPersonal::default`].
    pub staff: Staff,
    /// Completed years of age on [`AnalysisRecords::as_of`], when the date of birth is known.
    pub age: Option<i32>,
    /// The as-of date of the import that last saved DAYSSICK (S13).
    pub days_sick_saved_on: Option<Date>,
}

/// A training record for analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisTraining {
    pub org: String,
    pub staff_id: i64,
    pub workplace_id: i64,
    pub training: Training,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    /// UTC, RFC 3339.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

/// Reads for analysis: a view of the store with no write method (metrics and planning take this).
#[derive(Clone, Copy)]
pub struct ReadView<'a> {
    store: &'a Store,
}

impl Store {
    /// Opens the store at `path`, creating the file and its schema when missing.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let display = path.display().to_string();
        let mut connection =
            Connection::open(path).map_err(|error| Fail::Sqlite(error).at(&display))?;
        schema::prepare(&mut connection, true).map_err(|fail| fail.at(&display))?;
        extensions(&connection).map_err(|error| Fail::Sqlite(error).at(&display))?;
        Ok(Store {
            connection,
            path: display,
        })
    }

    /// A fresh store in memory (tests, dry runs).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let display = ":memory:".to_string();
        let mut connection =
            Connection::open_in_memory().map_err(|error| Fail::Sqlite(error).at(&display))?;
        schema::prepare(&mut connection, false).map_err(|fail| fail.at(&display))?;
        extensions(&connection).map_err(|error| Fail::Sqlite(error).at(&display))?;
        Ok(Store {
            connection,
            path: display,
        })
    }

    /// Where the store is (a file path or `:memory:`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Writes `plan` — the organisation's complete state after an upload — as a new snapshot of
    /// `org` dated `as_of`, in one transaction (any error: rolled back, store unchanged). Creates
    /// the organisation on its first import. `areas` places workplaces (keyed by the LOCALESTID key
    /// of the planned record); a workplace not listed keeps its previous area. `progress` is called
    /// with (records done, records in all).
    pub fn apply(
        &mut self,
        org: &str,
        as_of: Date,
        plan: &Plan,
        areas: &[(RecordKey, AreaAssignment)],
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<SnapshotInfo, StoreError> {
        apply::apply(&mut self.connection, org, as_of, plan, areas, progress)
            .map_err(|fail| fail.at(&self.path))
    }

    /// What validation checks an upload for `org` against: the state current at `as_of`, with
    /// personal fields, primary flag, DAYSSICK "last saved" dates and the CQC location IDs held by
    /// other organisations' workplaces current at `as_of`. An organisation the store does not hold
    /// is an empty account. Personal fields are included because only the organisation's own
    /// upload is validated against them (the caller must be acting for `org`).
    pub fn existing_state(&self, org: &str, as_of: Date) -> Result<ExistingState, StoreError> {
        read::existing_state(&self.connection, org, as_of).map_err(|fail| fail.at(&self.path))
    }

    /// The snapshot of `org` current on `date` (latest by (as_of, id) with as_of ≤ date), or its
    /// latest snapshot when `date` is `None`.
    pub fn snapshot_at(
        &self,
        org: &str,
        date: Option<Date>,
    ) -> Result<Option<SnapshotInfo>, StoreError> {
        read::snapshot_at(&self.connection, org, date).map_err(|fail| fail.at(&self.path))
    }

    /// The scope that opens `org`'s personal fields. Errors when the store does not hold `org`.
    pub fn owner_scope(&self, org: &str) -> Result<OwnerScope, StoreError> {
        if read::org_exists(&self.connection, org).map_err(|fail| fail.at(&self.path))? {
            Ok(OwnerScope {
                org: org.to_string(),
            })
        } else {
            Err(Fail::UnknownOrg(org.to_string()).at(&self.path))
        }
    }

    /// The scope's organisation's records in `snapshot`, personal fields included (export).
    pub fn org_records(
        &self,
        scope: &OwnerScope,
        snapshot: &SnapshotInfo,
    ) -> Result<OrgRecords, StoreError> {
        read::org_records(&self.connection, &scope.org, snapshot.id)
            .map_err(|fail| fail.at(&self.path))
    }

    /// Every organisation's records current on `date`, without personal fields (metrics).
    pub fn analysis_records(&self, date: Date) -> Result<AnalysisRecords, StoreError> {
        read::analysis_records(&self.connection, date, true, &|_, _| true)
            .map_err(|fail| fail.at(&self.path))
    }

    /// [`Store::analysis_records`] without the training records (`training` empty): what
    /// workforce metrics and projections read, at a fraction of the cost.
    pub fn analysis_workforce(&self, date: Date) -> Result<AnalysisRecords, StoreError> {
        self.analysis_workforce_where(date, &|_, _| true)
    }

    /// [`Store::analysis_workforce`] of the workplaces `keep(org, area)` accepts only: an area's
    /// or organisation's figures without reading (or parsing) the rest of the store.
    pub fn analysis_workforce_where(
        &self,
        date: Date,
        keep: &dyn Fn(&str, Option<&AreaAssignment>) -> bool,
    ) -> Result<AnalysisRecords, StoreError> {
        read::analysis_records(&self.connection, date, false, keep)
            .map_err(|fail| fail.at(&self.path))
    }

    /// The distinct as-of dates of all snapshots, oldest first (for trends).
    pub fn snapshot_dates(&self) -> Result<Vec<Date>, StoreError> {
        read::snapshot_dates(&self.connection).map_err(|fail| fail.at(&self.path))
    }

    /// The organisations in the store, by id.
    pub fn orgs(&self) -> Result<Vec<String>, StoreError> {
        read::orgs(&self.connection).map_err(|fail| fail.at(&self.path))
    }

    /// Adds a row to the audit log; returns its id.
    pub fn audit(
        &self,
        actor: &str,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<i64, StoreError> {
        apply::audit(&self.connection, actor, action, target, detail)
            .map_err(|fail| fail.at(&self.path))
    }

    /// The audit log, oldest first.
    pub fn audit_log(&self) -> Result<Vec<AuditEntry>, StoreError> {
        read::audit_log(&self.connection).map_err(|fail| fail.at(&self.path))
    }

    /// A read-only view for analysis.
    pub fn read_view(&self) -> ReadView<'_> {
        ReadView { store: self }
    }
}

impl ReadView<'_> {
    /// See [`Store::analysis_records`].
    pub fn analysis_records(&self, date: Date) -> Result<AnalysisRecords, StoreError> {
        self.store.analysis_records(date)
    }

    /// See [`Store::snapshot_dates`].
    pub fn snapshot_dates(&self) -> Result<Vec<Date>, StoreError> {
        self.store.snapshot_dates()
    }

    /// See [`Store::orgs`].
    pub fn orgs(&self) -> Result<Vec<String>, StoreError> {
        self.store.orgs()
    }

    /// See [`Store::snapshot_at`].
    pub fn snapshot_at(
        &self,
        org: &str,
        date: Option<Date>,
    ) -> Result<Option<SnapshotInfo>, StoreError> {
        self.store.snapshot_at(org, date)
    }
}

/// Tables of the capabilities built on the core schema (accounts, compliance): each module creates
/// its own when missing.
fn extensions(connection: &Connection) -> rusqlite::Result<()> {
    accounts::ensure_schema(connection)?;
    compliance::ensure_schema(connection)?;
    staff_page::ensure_schema(connection)?;
    fact_cache::ensure_schema(connection)?;
    Ok(())
}
