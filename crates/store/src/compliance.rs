//! Training compliance data that ASC-WDS files do not carry: entered training records,
//! registrations, supervision and appraisal, exemptions, requirement profiles and unit costs.
//! (Owned by the compliance capability; tables are created by [`ensure_schema`].)
//!
//! Entered records, registrations (NMC, Social Work England, HCPC: number, expiry, revalidation)
//! and supervision and appraisal meetings share one table, `compliance_record`, keyed by the
//! staff record's stable id, so they follow the staff record through CHGUNIQUEWRKID and
//! TRANSFERSTAFFRECORD and no import deletes them (`compliance.md` §4.1). Nothing here judges a
//! record: that is `carecount-compliance`. Every write is audited in the same transaction.

use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use time::Date;

use crate::codec::{date_text, parse_date, parse_optional_date};
use crate::error::Fail;
use crate::read::At;
use crate::{OwnerScope, SnapshotInfo, Store, StoreError};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS compliance_record (
    id INTEGER PRIMARY KEY,
    org TEXT NOT NULL REFERENCES org(id),
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    topic TEXT NOT NULL,
    level TEXT,
    completed TEXT,
    expires TEXT,
    validity_months INTEGER,
    title TEXT NOT NULL,
    provider TEXT NOT NULL,
    number TEXT NOT NULL,
    revalidation_due TEXT,
    notes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    actor TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS compliance_record_of ON compliance_record(org, staff_id);

CREATE TABLE IF NOT EXISTS compliance_exemption (
    id INTEGER PRIMARY KEY,
    org TEXT NOT NULL REFERENCES org(id),
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    topic TEXT NOT NULL,
    reason TEXT NOT NULL,
    note TEXT NOT NULL,
    from_date TEXT NOT NULL,
    until_date TEXT,
    created_at TEXT NOT NULL,
    actor TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS compliance_exemption_of ON compliance_exemption(org, staff_id);

CREATE TABLE IF NOT EXISTS compliance_profile_version (
    id INTEGER PRIMARY KEY,
    org TEXT NOT NULL REFERENCES org(id),
    version INTEGER NOT NULL,
    effective_from TEXT NOT NULL,
    actor TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    file_text TEXT NOT NULL,
    expiring_days INTEGER NOT NULL,
    due_soon_days INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (org, version)
) STRICT;

CREATE TABLE IF NOT EXISTS compliance_unit_costs (
    id INTEGER PRIMARY KEY,
    area TEXT NOT NULL,
    version INTEGER NOT NULL,
    actor TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    file_text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (area, version)
) STRICT;
";

/// Creates this module's tables when missing (idempotent; runs on every open).
pub(crate) fn ensure_schema(connection: &Connection) -> rusqlite::Result<()> {
    connection.execute_batch(SCHEMA)
}

/// A staff record of a snapshot with its stable id (what compliance rows are keyed by).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRef {
    /// Stable id: kept across renames and transfers.
    pub staff_id: i64,
    pub workplace_id: i64,
    /// LOCALESTID.
    pub localestid: String,
    /// UNIQUEWORKERID.
    pub unique_worker_id: String,
}

/// An entered training record, registration, supervision or appraisal (`compliance.md` §4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComplianceRecord {
    pub staff_id: i64,
    pub topic: String,
    pub level: Option<String>,
    pub completed: Option<Date>,
    pub expires: Option<Date>,
    /// Validity in months, when given instead of an expiry.
    pub validity_months: Option<u16>,
    pub title: String,
    pub provider: String,
    /// A registration's PIN or number.
    pub number: String,
    pub revalidation_due: Option<Date>,
    pub notes: String,
}

/// A stored entered record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplianceRecord {
    pub id: i64,
    pub org: String,
    pub record: NewComplianceRecord,
    /// UTC, RFC 3339.
    pub created_at: String,
}

/// An employer's exemption of one (staff record, topic) pair (`compliance.md` §4.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExemption {
    pub staff_id: i64,
    pub topic: String,
    /// `long_term_absence`, `holds_equivalent`, `not_applicable_to_duties` or `other`.
    pub reason: String,
    pub note: String,
    pub from: Date,
    pub until: Option<Date>,
}

/// A stored exemption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredExemption {
    pub id: i64,
    pub org: String,
    pub exemption: NewExemption,
    pub created_at: String,
}

/// One version of an organisation's requirement profile (`compliance.md` §3.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileVersion {
    pub org: String,
    /// 1, 2, … per organisation.
    pub version: u32,
    pub effective_from: Date,
    pub actor: String,
    /// SHA-256 (hex) of the organisation file, computed by the caller.
    pub sha256: String,
    /// The organisation's own rows file (empty: none, the shipped profile alone).
    pub file_text: String,
    pub expiring_days: u16,
    pub due_soon_days: u16,
    pub created_at: String,
}

/// One version of an area's unit costs (`compliance.md` §6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitCostsVersion {
    pub area: String,
    pub version: u32,
    pub actor: String,
    pub sha256: String,
    pub file_text: String,
    pub created_at: String,
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn optional_date(date: Option<Date>) -> Option<String> {
    date.map(date_text)
}

const RECORD_COLUMNS: &str = "id, org, staff_id, topic, level, completed, expires, validity_months, title, provider, number, revalidation_due, notes, created_at";

struct RawRecord {
    id: i64,
    org: String,
    staff_id: i64,
    topic: String,
    level: Option<String>,
    completed: Option<String>,
    expires: Option<String>,
    validity_months: Option<i64>,
    title: String,
    provider: String,
    number: String,
    revalidation_due: Option<String>,
    notes: String,
    created_at: String,
}

fn raw_record(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRecord> {
    Ok(RawRecord {
        id: row.get(0)?,
        org: row.get(1)?,
        staff_id: row.get(2)?,
        topic: row.get(3)?,
        level: row.get(4)?,
        completed: row.get(5)?,
        expires: row.get(6)?,
        validity_months: row.get(7)?,
        title: row.get(8)?,
        provider: row.get(9)?,
        number: row.get(10)?,
        revalidation_due: row.get(11)?,
        notes: row.get(12)?,
        created_at: row.get(13)?,
    })
}

fn parse_record(raw: RawRecord) -> Result<ComplianceRecord, Fail> {
    let id = raw.id;
    let what = || format!("compliance record {id}");
    let validity_months = match raw.validity_months {
        None => None,
        Some(months) => Some(u16::try_from(months).map_err(|_| Fail::Corrupt {
            what: what(),
            reason: format!("validity {months} out of range"),
        })?),
    };
    Ok(ComplianceRecord {
        id,
        org: raw.org,
        record: NewComplianceRecord {
            staff_id: raw.staff_id,
            topic: raw.topic,
            level: raw.level,
            completed: parse_optional_date(raw.completed.as_deref(), what)?,
            expires: parse_optional_date(raw.expires.as_deref(), what)?,
            validity_months,
            title: raw.title,
            provider: raw.provider,
            number: raw.number,
            revalidation_due: parse_optional_date(raw.revalidation_due.as_deref(), what)?,
            notes: raw.notes,
        },
        created_at: raw.created_at,
    })
}

const EXEMPTION_COLUMNS: &str =
    "id, org, staff_id, topic, reason, note, from_date, until_date, created_at";

#[allow(clippy::type_complexity)]
fn raw_exemption(
    row: &rusqlite::Row<'_>,
) -> rusqlite::Result<(
    i64,
    String,
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
)> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
        row.get(8)?,
    ))
}

fn version_number(value: i64, what: &str) -> Result<u32, Fail> {
    u32::try_from(value).map_err(|_| Fail::Corrupt {
        what: what.to_owned(),
        reason: format!("version {value} out of range"),
    })
}

fn days_number(value: i64, what: &str) -> Result<u16, Fail> {
    u16::try_from(value).map_err(|_| Fail::Corrupt {
        what: what.to_owned(),
        reason: format!("days {value} out of range"),
    })
}

impl Store {
    /// The staff records of `snapshot` with their stable ids, in the order of
    /// [`Store::org_records`]. Keys only: no personal field.
    pub fn compliance_staff(
        &self,
        scope: &OwnerScope,
        snapshot: &SnapshotInfo,
    ) -> Result<Vec<StaffRef>, StoreError> {
        self.compliance_staff_inner(scope, snapshot)
            .map_err(|fail| fail.at(&self.path))
    }

    fn compliance_staff_inner(
        &self,
        scope: &OwnerScope,
        snapshot: &SnapshotInfo,
    ) -> Result<Vec<StaffRef>, Fail> {
        if snapshot.org != scope.org {
            return Err(Fail::WrongOrg {
                snapshot: snapshot.id,
                snapshot_org: snapshot.org.clone(),
                scope_org: scope.org.clone(),
            });
        }
        let at = At::of(
            &self.connection,
            &scope.org,
            snapshot.id,
            &date_text(snapshot.as_of),
        )?;
        let sql = format!(
            "SELECT v.staff_id, v.workplace_id, v.localestid, v.unique_worker_id FROM staff_version v{} \
             ORDER BY v.ord, v.staff_id",
            at.clause("v")
        );
        let mut statement = self.connection.prepare(&sql)?;
        let rows = statement.query_map(params_from_iter(at.params(&scope.org)), |row| {
            Ok(StaffRef {
                staff_id: row.get(0)?,
                workplace_id: row.get(1)?,
                localestid: row.get(2)?,
                unique_worker_id: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Entered records of `org`, or of every organisation when `None`, by id.
    pub fn compliance_records(
        &self,
        org: Option<&str>,
    ) -> Result<Vec<ComplianceRecord>, StoreError> {
        self.compliance_records_inner(org)
            .map_err(|fail| fail.at(&self.path))
    }

    fn compliance_records_inner(&self, org: Option<&str>) -> Result<Vec<ComplianceRecord>, Fail> {
        let raws = match org {
            Some(org) => {
                let mut statement = self.connection.prepare(&format!(
                    "SELECT {RECORD_COLUMNS} FROM compliance_record WHERE org = ?1 ORDER BY id"
                ))?;
                statement
                    .query_map(params![org], raw_record)?
                    .collect::<Result<Vec<_>, _>>()?
            }
            None => {
                let mut statement = self.connection.prepare(&format!(
                    "SELECT {RECORD_COLUMNS} FROM compliance_record ORDER BY id"
                ))?;
                statement
                    .query_map([], raw_record)?
                    .collect::<Result<Vec<_>, _>>()?
            }
        };
        raws.into_iter().map(parse_record).collect()
    }

    /// Stores entered records of `org` in one transaction, audited; returns their ids.
    pub fn add_compliance_records(
        &mut self,
        actor: &str,
        org: &str,
        records: &[NewComplianceRecord],
    ) -> Result<Vec<i64>, StoreError> {
        let path = self.path.clone();
        add_records(&mut self.connection, actor, org, records).map_err(|fail| fail.at(&path))
    }

    /// Deletes entered record `id` of `org`, audited. `false` when `org` holds no such record.
    pub fn delete_compliance_record(
        &mut self,
        actor: &str,
        org: &str,
        id: i64,
    ) -> Result<bool, StoreError> {
        let path = self.path.clone();
        delete_row(
            &mut self.connection,
            "compliance_record",
            "training.delete",
            actor,
            org,
            id,
        )
        .map_err(|fail| fail.at(&path))
    }

    /// Exemptions of `org`, or of every organisation when `None`, by id.
    pub fn compliance_exemptions(
        &self,
        org: Option<&str>,
    ) -> Result<Vec<StoredExemption>, StoreError> {
        self.exemptions_inner(org)
            .map_err(|fail| fail.at(&self.path))
    }

    fn exemptions_inner(&self, org: Option<&str>) -> Result<Vec<StoredExemption>, Fail> {
        let raws = match org {
            Some(org) => {
                let mut statement = self.connection.prepare(&format!(
                    "SELECT {EXEMPTION_COLUMNS} FROM compliance_exemption WHERE org = ?1 ORDER BY id"
                ))?;
                statement
                    .query_map(params![org], raw_exemption)?
                    .collect::<Result<Vec<_>, _>>()?
            }
            None => {
                let mut statement = self.connection.prepare(&format!(
                    "SELECT {EXEMPTION_COLUMNS} FROM compliance_exemption ORDER BY id"
                ))?;
                statement
                    .query_map([], raw_exemption)?
                    .collect::<Result<Vec<_>, _>>()?
            }
        };
        raws.into_iter()
            .map(
                |(id, org, staff_id, topic, reason, note, from, until, created_at)| {
                    let what = || format!("exemption {id}");
                    Ok(StoredExemption {
                        id,
                        org,
                        exemption: NewExemption {
                            staff_id,
                            topic,
                            reason,
                            note,
                            from: parse_date(&from, what)?,
                            until: parse_optional_date(until.as_deref(), what)?,
                        },
                        created_at,
                    })
                },
            )
            .collect()
    }

    /// Stores an exemption of `org`, audited; returns its id.
    pub fn add_compliance_exemption(
        &mut self,
        actor: &str,
        org: &str,
        exemption: &NewExemption,
    ) -> Result<i64, StoreError> {
        let path = self.path.clone();
        add_exemption(&mut self.connection, actor, org, exemption).map_err(|fail| fail.at(&path))
    }

    /// Deletes exemption `id` of `org`, audited. `false` when `org` holds no such exemption.
    pub fn delete_compliance_exemption(
        &mut self,
        actor: &str,
        org: &str,
        id: i64,
    ) -> Result<bool, StoreError> {
        let path = self.path.clone();
        delete_row(
            &mut self.connection,
            "compliance_exemption",
            "training.unexempt",
            actor,
            org,
            id,
        )
        .map_err(|fail| fail.at(&path))
    }

    /// The profile version of `org` in force on `date` (latest `effective_from` ≤ `date`, then the
    /// highest version), or its latest version when `date` is `None`.
    pub fn requirement_profile_at(
        &self,
        org: &str,
        date: Option<Date>,
    ) -> Result<Option<ProfileVersion>, StoreError> {
        self.profile_at_inner(org, date)
            .map_err(|fail| fail.at(&self.path))
    }

    fn profile_at_inner(
        &self,
        org: &str,
        date: Option<Date>,
    ) -> Result<Option<ProfileVersion>, Fail> {
        let columns = "org, version, effective_from, actor, sha256, file_text, expiring_days, due_soon_days, created_at";
        let map = |row: &rusqlite::Row<'_>| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, i64>(6)?,
                row.get::<_, i64>(7)?,
                row.get::<_, String>(8)?,
            ))
        };
        let found = match date {
            Some(date) => self
                .connection
                .query_row(
                    &format!(
                        "SELECT {columns} FROM compliance_profile_version WHERE org = ?1 AND effective_from <= ?2 \
                         ORDER BY effective_from DESC, version DESC LIMIT 1"
                    ),
                    params![org, date_text(date)],
                    map,
                )
                .optional()?,
            None => self
                .connection
                .query_row(
                    &format!(
                        "SELECT {columns} FROM compliance_profile_version WHERE org = ?1 ORDER BY version DESC LIMIT 1"
                    ),
                    params![org],
                    map,
                )
                .optional()?,
        };
        let Some((
            org,
            version,
            effective_from,
            actor,
            sha256,
            file_text,
            expiring,
            due_soon,
            created_at,
        )) = found
        else {
            return Ok(None);
        };
        let what = format!("requirement profile {org} version {version}");
        Ok(Some(ProfileVersion {
            version: version_number(version, &what)?,
            effective_from: parse_date(&effective_from, || what.clone())?,
            expiring_days: days_number(expiring, &what)?,
            due_soon_days: days_number(due_soon, &what)?,
            org,
            actor,
            sha256,
            file_text,
            created_at,
        }))
    }

    /// Saves a new profile version of `org` (its whole organisation file and settings), audited;
    /// returns it. The organisation must be in the store.
    #[allow(clippy::too_many_arguments)]
    pub fn save_requirement_profile(
        &mut self,
        actor: &str,
        org: &str,
        effective_from: Date,
        file_text: &str,
        sha256: &str,
        expiring_days: u16,
        due_soon_days: u16,
    ) -> Result<ProfileVersion, StoreError> {
        let path = self.path.clone();
        let saved = (|| -> Result<(), Fail> {
            let transaction = self.connection.transaction()?;
            let next: i64 = transaction.query_row(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM compliance_profile_version WHERE org = ?1",
                params![org],
                |row| row.get(0),
            )?;
            transaction.execute(
                "INSERT INTO compliance_profile_version (org, version, effective_from, actor, sha256, file_text, expiring_days, due_soon_days, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    org,
                    next,
                    date_text(effective_from),
                    actor,
                    sha256,
                    file_text,
                    i64::from(expiring_days),
                    i64::from(due_soon_days),
                    now()
                ],
            )?;
            crate::apply::audit(
                &transaction,
                actor,
                "requirements.set",
                org,
                &format!(
                    "{{\"version\":{next},\"effective_from\":\"{}\",\"sha256\":\"{sha256}\",\"expiring_days\":{expiring_days},\"due_soon_days\":{due_soon_days}}}",
                    date_text(effective_from)
                ),
            )?;
            transaction.commit()?;
            Ok(())
        })();
        saved.map_err(|fail| fail.at(&path))?;
        self.requirement_profile_at(org, None)?.ok_or_else(|| {
            Fail::Corrupt {
                what: format!("requirement profile {org}"),
                reason: "not found after saving".to_owned(),
            }
            .at(&path)
        })
    }

    /// The latest unit costs stored for `area`.
    pub fn unit_costs(&self, area: &str) -> Result<Option<UnitCostsVersion>, StoreError> {
        let found = self
            .connection
            .query_row(
                "SELECT area, version, actor, sha256, file_text, created_at FROM compliance_unit_costs \
                 WHERE area = ?1 ORDER BY version DESC LIMIT 1",
                params![area],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, i64>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()
            .map_err(|error| Fail::Sqlite(error).at(&self.path))?;
        let Some((area, version, actor, sha256, file_text, created_at)) = found else {
            return Ok(None);
        };
        let version = version_number(version, &format!("unit costs of {area}"))
            .map_err(|fail| fail.at(&self.path))?;
        Ok(Some(UnitCostsVersion {
            area,
            version,
            actor,
            sha256,
            file_text,
            created_at,
        }))
    }

    /// Saves a new version of `area`'s unit costs file, audited; returns its version.
    pub fn save_unit_costs(
        &mut self,
        actor: &str,
        area: &str,
        file_text: &str,
        sha256: &str,
    ) -> Result<u32, StoreError> {
        let path = self.path.clone();
        let saved = (|| -> Result<i64, Fail> {
            let transaction = self.connection.transaction()?;
            let next: i64 = transaction.query_row(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM compliance_unit_costs WHERE area = ?1",
                params![area],
                |row| row.get(0),
            )?;
            transaction.execute(
                "INSERT INTO compliance_unit_costs (area, version, actor, sha256, file_text, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![area, next, actor, sha256, file_text, now()],
            )?;
            crate::apply::audit(
                &transaction,
                actor,
                "costs.set",
                area,
                &format!("{{\"version\":{next},\"sha256\":\"{sha256}\"}}"),
            )?;
            transaction.commit()?;
            Ok(next)
        })();
        let next = saved.map_err(|fail| fail.at(&path))?;
        version_number(next, "unit costs").map_err(|fail| fail.at(&path))
    }
}

fn add_records(
    connection: &mut Connection,
    actor: &str,
    org: &str,
    records: &[NewComplianceRecord],
) -> Result<Vec<i64>, Fail> {
    let transaction = connection.transaction()?;
    let mut ids = Vec::with_capacity(records.len());
    let created_at = now();
    for record in records {
        transaction.execute(
            "INSERT INTO compliance_record (org, staff_id, topic, level, completed, expires, validity_months, title, provider, number, revalidation_due, notes, created_at, actor) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                org,
                record.staff_id,
                record.topic,
                record.level,
                optional_date(record.completed),
                optional_date(record.expires),
                record.validity_months.map(i64::from),
                record.title,
                record.provider,
                record.number,
                optional_date(record.revalidation_due),
                record.notes,
                created_at,
                actor
            ],
        )?;
        ids.push(transaction.last_insert_rowid());
    }
    let detail = format!(
        "{{\"records\":{},\"ids\":[{}]}}",
        ids.len(),
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    );
    crate::apply::audit(&transaction, actor, "training.add", org, &detail)?;
    transaction.commit()?;
    Ok(ids)
}

fn add_exemption(
    connection: &mut Connection,
    actor: &str,
    org: &str,
    exemption: &NewExemption,
) -> Result<i64, Fail> {
    let transaction = connection.transaction()?;
    transaction.execute(
        "INSERT INTO compliance_exemption (org, staff_id, topic, reason, note, from_date, until_date, created_at, actor) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            org,
            exemption.staff_id,
            exemption.topic,
            exemption.reason,
            exemption.note,
            date_text(exemption.from),
            optional_date(exemption.until),
            now(),
            actor
        ],
    )?;
    let id = transaction.last_insert_rowid();
    crate::apply::audit(
        &transaction,
        actor,
        "training.exempt",
        org,
        &format!(
            "{{\"id\":{id},\"staff_id\":{},\"topic\":\"{}\",\"reason\":\"{}\"}}",
            exemption.staff_id, exemption.topic, exemption.reason
        ),
    )?;
    transaction.commit()?;
    Ok(id)
}

fn delete_row(
    connection: &mut Connection,
    table: &str,
    action: &str,
    actor: &str,
    org: &str,
    id: i64,
) -> Result<bool, Fail> {
    let transaction = connection.transaction()?;
    let deleted = transaction.execute(
        &format!("DELETE FROM {table} WHERE org = ?1 AND id = ?2"),
        params![org, id],
    )?;
    if deleted > 0 {
        crate::apply::audit(
            &transaction,
            actor,
            action,
            org,
            &format!("{{\"id\":{id}}}"),
        )?;
    }
    transaction.commit()?;
    Ok(deleted > 0)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    /// A store with organisation `acme` and staff records 1 and 2 (rows written directly: these
    /// tests are about the compliance tables, not imports).
    fn store() -> Store {
        let store = Store::open_in_memory().expect("store");
        store
            .connection
            .execute_batch(
                "INSERT INTO org (id, created_at) VALUES ('acme', '2026-01-01T00:00:00Z');
                 INSERT INTO staff (id, org) VALUES (1, 'acme'), (2, 'acme');",
            )
            .expect("seed rows");
        store
    }

    fn record(staff_id: i64, topic: &str) -> NewComplianceRecord {
        NewComplianceRecord {
            staff_id,
            topic: topic.to_owned(),
            level: Some("silver".to_owned()),
            completed: Some(date!(2026 - 01 - 15)),
            expires: None,
            validity_months: Some(12),
            title: "Safeguarding adults".to_owned(),
            provider: String::new(),
            number: String::new(),
            revalidation_due: None,
            notes: String::new(),
        }
    }

    #[test]
    fn the_schema_can_be_ensured_twice() {
        let store = store();
        ensure_schema(&store.connection).expect("second run");
        assert_eq!(store.compliance_records(None).expect("read"), Vec::new());
    }

    #[test]
    fn records_round_trip_are_deleted_and_every_change_is_audited() {
        let mut store = store();
        let ids = store
            .add_compliance_records(
                "tester",
                "acme",
                &[record(1, "safeguarding_adults"), record(2, "fire_safety")],
            )
            .expect("add");
        assert_eq!(ids.len(), 2);
        let stored = store.compliance_records(Some("acme")).expect("read");
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0].record, record(1, "safeguarding_adults"));
        assert_eq!(
            store.compliance_records(Some("other")).expect("read"),
            Vec::new()
        );
        assert!(
            store
                .delete_compliance_record("tester", "acme", ids[0])
                .expect("delete")
        );
        // Another organisation cannot delete it, and a second delete finds nothing.
        assert!(
            !store
                .delete_compliance_record("tester", "other", ids[1])
                .expect("delete")
        );
        assert!(
            !store
                .delete_compliance_record("tester", "acme", ids[0])
                .expect("delete")
        );
        assert_eq!(store.compliance_records(None).expect("read").len(), 1);
        let actions: Vec<String> = store
            .audit_log()
            .expect("audit")
            .into_iter()
            .map(|entry| entry.action)
            .collect();
        // One add (both records, one transaction) and one successful delete.
        assert_eq!(actions, ["training.add", "training.delete"]);
    }

    #[test]
    fn exemptions_round_trip() {
        let mut store = store();
        let given = NewExemption {
            staff_id: 2,
            topic: "medication".to_owned(),
            reason: "not_applicable_to_duties".to_owned(),
            note: String::new(),
            from: date!(2026 - 01 - 01),
            until: Some(date!(2026 - 06 - 30)),
        };
        let id = store
            .add_compliance_exemption("tester", "acme", &given)
            .expect("add");
        let stored = store.compliance_exemptions(Some("acme")).expect("read");
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].id, id);
        assert_eq!(stored[0].exemption, given);
        assert!(
            store
                .delete_compliance_exemption("tester", "acme", id)
                .expect("delete")
        );
        assert_eq!(store.compliance_exemptions(None).expect("read"), Vec::new());
    }

    #[test]
    fn the_profile_in_force_is_the_latest_effective_on_the_date() {
        let mut store = store();
        assert_eq!(
            store.requirement_profile_at("acme", None).expect("read"),
            None
        );
        let first = store
            .save_requirement_profile("tester", "acme", date!(2026 - 01 - 01), "", "aa", 60, 14)
            .expect("save");
        assert_eq!(first.version, 1);
        let second = store
            .save_requirement_profile("tester", "acme", date!(2026 - 06 - 01), "x", "bb", 90, 7)
            .expect("save");
        assert_eq!(second.version, 2);
        assert_eq!((second.expiring_days, second.due_soon_days), (90, 7));
        let version_on = |day| {
            store
                .requirement_profile_at("acme", Some(day))
                .expect("read")
                .map(|found| found.version)
        };
        assert_eq!(version_on(date!(2025 - 12 - 31)), None);
        assert_eq!(version_on(date!(2026 - 03 - 01)), Some(1));
        assert_eq!(version_on(date!(2026 - 06 - 01)), Some(2));
        // An unknown organisation cannot hold a profile (foreign key).
        assert!(
            store
                .save_requirement_profile(
                    "tester",
                    "nosuch",
                    date!(2026 - 01 - 01),
                    "",
                    "cc",
                    60,
                    14
                )
                .is_err()
        );
    }

    #[test]
    fn unit_costs_are_versioned_per_area() {
        let mut store = store();
        assert_eq!(store.unit_costs("E08000018").expect("read"), None);
        assert_eq!(
            store
                .save_unit_costs("tester", "E08000018", "a", "h1")
                .expect("save"),
            1
        );
        assert_eq!(
            store
                .save_unit_costs("tester", "E08000018", "b", "h2")
                .expect("save"),
            2
        );
        assert_eq!(
            store
                .save_unit_costs("tester", "E06000001", "c", "h3")
                .expect("save"),
            1
        );
        let latest = store
            .unit_costs("E08000018")
            .expect("read")
            .expect("stored");
        assert_eq!((latest.version, latest.file_text.as_str()), (2, "b"));
    }
}
