//! The SQLite schema and its versioning (`PRAGMA user_version`).
//!
//! Temporal rows: a `*_version` row holds one state of a record, valid from the snapshot
//! `valid_from` up to (not including) the snapshot `valid_to` (`NULL`: still valid), where
//! "from … to" follows the organisation's snapshots in (as_of, id) order — see
//! `docs/decisions/store.md`. Personal fields live only in `staff_personal`. `fingerprint` is a
//! 128-bit hash of everything a version holds (its JSON, personal fields, flags), so that an
//! import compares records without reading their JSON back.

use rusqlite::Connection;

use crate::error::Fail;

/// The schema version this build writes and understands.
pub(crate) const SCHEMA_VERSION: i64 = 1;

const SCHEMA_V1: &str = "
CREATE TABLE org (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE snapshot (
    id INTEGER PRIMARY KEY,
    org TEXT NOT NULL REFERENCES org(id),
    as_of TEXT NOT NULL,
    created_at TEXT NOT NULL,
    note TEXT NOT NULL,
    summary TEXT NOT NULL
) STRICT;
CREATE INDEX snapshot_by_org ON snapshot(org, as_of, id);

CREATE TABLE workplace (
    id INTEGER PRIMARY KEY,
    org TEXT NOT NULL REFERENCES org(id)
) STRICT;

CREATE TABLE workplace_version (
    id INTEGER PRIMARY KEY,
    workplace_id INTEGER NOT NULL REFERENCES workplace(id),
    org TEXT NOT NULL REFERENCES org(id),
    valid_from INTEGER NOT NULL REFERENCES snapshot(id),
    valid_to INTEGER REFERENCES snapshot(id),
    ord INTEGER NOT NULL,
    key TEXT NOT NULL,
    localestid TEXT NOT NULL,
    name TEXT NOT NULL,
    main_service INTEGER NOT NULL,
    employer_type INTEGER,
    cqc_regulated INTEGER NOT NULL,
    location_id TEXT,
    total_perm_temp INTEGER NOT NULL,
    is_primary INTEGER NOT NULL,
    area_code TEXT,
    area_name TEXT,
    region_code TEXT,
    fingerprint BLOB NOT NULL,
    data TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX workplace_version_key ON workplace_version(org, key, valid_from);
CREATE INDEX workplace_version_open ON workplace_version(org) WHERE valid_to IS NULL;
CREATE INDEX workplace_version_of ON workplace_version(workplace_id);
CREATE INDEX workplace_version_location ON workplace_version(location_id) WHERE location_id IS NOT NULL;

CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    org TEXT NOT NULL REFERENCES org(id)
) STRICT;

CREATE TABLE staff_version (
    id INTEGER PRIMARY KEY,
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    org TEXT NOT NULL REFERENCES org(id),
    workplace_id INTEGER NOT NULL REFERENCES workplace(id),
    valid_from INTEGER NOT NULL REFERENCES snapshot(id),
    valid_to INTEGER REFERENCES snapshot(id),
    ord INTEGER NOT NULL,
    workplace_key TEXT NOT NULL,
    worker_key TEXT NOT NULL,
    localestid TEXT NOT NULL,
    unique_worker_id TEXT NOT NULL,
    main_job_role INTEGER NOT NULL,
    contract INTEGER NOT NULL,
    days_sick_saved_on TEXT,
    fingerprint BLOB NOT NULL,
    data TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX staff_version_key ON staff_version(org, workplace_key, worker_key, valid_from);
CREATE INDEX staff_version_open ON staff_version(org) WHERE valid_to IS NULL;
CREATE INDEX staff_version_of ON staff_version(staff_id);

-- Personal fields, one row per staff version: read only through an owner scope.
CREATE TABLE staff_personal (
    staff_version_id INTEGER PRIMARY KEY REFERENCES staff_version(id),
    display_id TEXT NOT NULL,
    ni_number TEXT,
    date_of_birth TEXT,
    postcode TEXT
) STRICT;

CREATE TABLE training_version (
    id INTEGER PRIMARY KEY,
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    org TEXT NOT NULL REFERENCES org(id),
    valid_from INTEGER NOT NULL REFERENCES snapshot(id),
    valid_to INTEGER REFERENCES snapshot(id),
    ord INTEGER NOT NULL,
    category INTEGER NOT NULL,
    completed TEXT,
    expires TEXT,
    fingerprint BLOB NOT NULL,
    data TEXT NOT NULL
) STRICT;
CREATE INDEX training_version_open ON training_version(org) WHERE valid_to IS NULL;
CREATE INDEX training_version_of ON training_version(staff_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
) STRICT;
";

/// Sets the connection up and brings the schema to [`SCHEMA_VERSION`].
pub(crate) fn prepare(connection: &mut Connection, file_backed: bool) -> Result<(), Fail> {
    if file_backed {
        // Bigger pages suit rows of about a kilobyte; only takes effect on a new, empty file.
        connection.pragma_update(None, "page_size", 16384)?;
        // WAL: readers never block the importer, and a killed process leaves the file exactly as
        // before or after the last committed transaction. NORMAL sync is crash-safe in WAL mode.
        connection.query_row("PRAGMA journal_mode = WAL", [], |row| {
            row.get::<_, String>(0)
        })?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
    }
    connection.pragma_update(None, "foreign_keys", true)?;
    connection.pragma_update(None, "temp_store", "MEMORY")?;
    // About 64 MB of page cache (negative: KiB).
    connection.pragma_update(None, "cache_size", -65536)?;
    connection.busy_timeout(std::time::Duration::from_secs(10))?;

    let found: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Fail::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found < 1 {
        let transaction =
            connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have created it meanwhile.
        let again: i64 = transaction.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if again < 1 {
            transaction.execute_batch(SCHEMA_V1)?;
            transaction.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        transaction.commit()?;
    }
    Ok(())
}
