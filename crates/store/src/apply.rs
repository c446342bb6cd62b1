//! Writing a plan as a new snapshot (one transaction), and the audit log.
//!
//! The new snapshot N is placed in the organisation's (as_of, id) order: its base state is the
//! snapshot P current at its as-of date, and Q is the first snapshot after it (only for a
//! back-dated import). Every record is compared with its version in P by its JSON text:
//!
//! * unchanged: nothing is written (the version stays valid through N);
//! * changed or deleted: the old version is closed at N; if it stayed valid beyond N (a
//!   back-dated import), a copy of it is re-opened at Q so later snapshots do not change;
//! * changed or new: a version valid from N to Q (open when there is no Q) is written.

use std::collections::HashMap;

use carecount_ascwds::Plan;
use carecount_domain::{RecordKey, Training, key};
use rusqlite::{Connection, Statement, Transaction, TransactionBehavior, params};
use time::Date;
use time::format_description::well_known::Rfc3339;

use crate::codec::Fingerprint;
use crate::codec::{self, PersonalRow};
use crate::error::Fail;
use crate::read::{self, At};
use crate::{AreaAssignment, SnapshotInfo};

/// How often (in records) the progress callback is called.
const PROGRESS_EVERY: u64 = 4096;

pub(crate) fn apply(
    connection: &mut Connection,
    org: &str,
    as_of: Date,
    plan: &Plan,
    areas: &[(RecordKey, AreaAssignment)],
    progress: &mut dyn FnMut(u64, u64),
) -> Result<SnapshotInfo, Fail> {
    // IMMEDIATE: take the write lock now, so the base state cannot change under us.
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let info = write(&transaction, org, as_of, plan, areas, progress)?;
    transaction.commit()?;
    Ok(info)
}

pub(crate) fn audit(
    connection: &Connection,
    actor: &str,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<i64, Fail> {
    connection.execute(
        "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![now(), actor, action, target, detail],
    )?;
    Ok(connection.last_insert_rowid())
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// What an apply wrote (kept in the audit row).
#[derive(Debug, Default, serde::Serialize)]
struct Written {
    versions_written: u64,
    versions_closed: u64,
    versions_reopened: u64,
}

/// The audit detail of an import.
#[derive(serde::Serialize)]
struct ImportDetail<'a> {
    snapshot: i64,
    as_of: &'a str,
    changes: &'a carecount_ascwds::ChangeCounts,
    written: &'a Written,
}

fn write(
    transaction: &Transaction<'_>,
    org: &str,
    as_of: Date,
    plan: &Plan,
    areas: &[(RecordKey, AreaAssignment)],
    progress: &mut dyn FnMut(u64, u64),
) -> Result<SnapshotInfo, Fail> {
    let created_at = now();
    let as_of_text = codec::date_text(as_of);
    transaction.execute(
        "INSERT OR IGNORE INTO org (id, created_at) VALUES (?1, ?2)",
        params![org, created_at],
    )?;

    let base = read::snapshot_at(transaction, org, Some(as_of))?;
    let successor: Option<i64> = {
        let mut statement = transaction.prepare(
            "SELECT id FROM snapshot WHERE org = ?1 AND as_of > ?2 ORDER BY as_of, id LIMIT 1",
        )?;
        let mut rows = statement.query(params![org, as_of_text])?;
        match rows.next()? {
            Some(row) => Some(row.get(0)?),
            None => None,
        }
    };
    let at = base.as_ref().map(|base| match successor {
        None => At::Latest,
        Some(_) => At::Position {
            as_of: codec::date_text(base.as_of),
            id: base.id,
        },
    });

    let summary = serde_json::to_string(&plan.counts).unwrap_or_default();
    let note = format!(
        "import of {} workplaces, {} staff records, {} training records",
        plan.workplaces.len(),
        plan.staff.len(),
        plan.training.len()
    );
    transaction.execute(
        "INSERT INTO snapshot (org, as_of, created_at, note, summary) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![org, as_of_text, created_at, note, summary],
    )?;
    let snapshot = transaction.last_insert_rowid();

    let (base_workplaces, base_staff, base_training) = match &at {
        Some(at) => (
            base_workplaces(transaction, org, at)?,
            base_staff(transaction, org, at)?,
            base_training(transaction, org, at)?,
        ),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };

    let mut writer = Writer::new(transaction, org, snapshot, successor)?;
    let total = (plan.workplaces.len() + plan.staff.len() + plan.training.len()) as u64;
    let mut done = 0u64;
    let tick = |done: &mut u64, progress: &mut dyn FnMut(u64, u64)| {
        *done += 1;
        if done.is_multiple_of(PROGRESS_EVERY) {
            progress(*done, total);
        }
    };
    progress(0, total);

    // Workplaces.
    let areas_by_key: HashMap<&str, &AreaAssignment> =
        areas.iter().map(|(k, area)| (k.0.as_str(), area)).collect();
    let mut base_workplaces: HashMap<String, BaseWorkplace> = base_workplaces
        .into_iter()
        .map(|row| (row.key.clone(), row))
        .collect();
    let mut workplace_id_by_key: HashMap<String, i64> =
        HashMap::with_capacity(plan.workplaces.len());
    for (ord, planned) in plan.workplaces.iter().enumerate() {
        let record = &planned.record;
        let new_key = key(&record.localestid).0;
        let base = match &planned.previous {
            Some(previous) => Some(base_workplaces.remove(&previous.0).ok_or_else(|| {
                Fail::InvalidPlan(format!(
                    "workplace {} continues stored workplace {}, which the store does not hold (or holds twice \
                     in the plan); the store may have changed since the upload was validated",
                    record.localestid, previous.0
                ))
            })?),
            None => None,
        };
        let area = areas_by_key
            .get(new_key.as_str())
            .map(|area| (*area).clone())
            .or_else(|| base.as_ref().and_then(|b| b.area.clone()));
        let data = codec::to_json(record, || format!("workplace {}", record.localestid))?;
        let workplace_id = match &base {
            Some(base) => base.workplace_id,
            None => writer.new_workplace()?,
        };
        let fingerprint = Fingerprint::new()
            .text(&data)
            .number(i64::from(planned.primary))
            .optional(area.as_ref().map(|a| a.code.as_str()))
            .optional(area.as_ref().map(|a| a.name.as_str()))
            .optional(area.as_ref().and_then(|a| a.region_code.as_deref()))
            .finish();
        let changed = base.as_ref().is_none_or(|b| b.fingerprint != fingerprint);
        if changed {
            if let Some(base) = &base {
                writer.close(Table::Workplace, base.version_id, base.valid_to)?;
            }
            writer.insert_workplace.execute(params![
                workplace_id,
                org,
                snapshot,
                successor,
                ord as i64,
                new_key,
                record.localestid,
                record.name,
                record.main_service,
                record.employer_type,
                record.cqc_regulated,
                record.location_id,
                record.total_perm_temp,
                planned.primary,
                area.as_ref().map(|a| a.code.as_str()),
                area.as_ref().map(|a| a.name.as_str()),
                area.as_ref().and_then(|a| a.region_code.as_deref()),
                fingerprint,
                data,
            ])?;
            writer.written.versions_written += 1;
        }
        if workplace_id_by_key.insert(new_key, workplace_id).is_some() {
            return Err(Fail::InvalidPlan(format!(
                "workplace {} is in the plan twice",
                record.localestid
            )));
        }
        tick(&mut done, progress);
    }
    let mut deleted: Vec<BaseWorkplace> = base_workplaces.into_values().collect();
    deleted.sort_by_key(|row| row.version_id);
    for row in deleted {
        writer.close(Table::Workplace, row.version_id, row.valid_to)?;
    }

    // Staff.
    let mut base_staff: HashMap<(String, String), BaseStaff> = base_staff
        .into_iter()
        .map(|row| ((row.workplace_key.clone(), row.worker_key.clone()), row))
        .collect();
    let mut staff_id_by_key: HashMap<(String, String), i64> =
        HashMap::with_capacity(plan.staff.len());
    for (ord, planned) in plan.staff.iter().enumerate() {
        let record = &planned.record;
        let workplace_key = key(&record.localestid).0;
        let worker_key = key(&record.unique_worker_id).0;
        let base = match &planned.previous {
            Some((previous_workplace, previous_worker)) => Some(
                base_staff.remove(&(previous_workplace.0.clone(), previous_worker.0.clone())).ok_or_else(|| {
                    Fail::InvalidPlan(format!(
                        "staff record {} of workplace {} continues a stored staff record the store does not hold \
                         (or the plan holds twice); the store may have changed since the upload was validated",
                        record.unique_worker_id, record.localestid
                    ))
                })?,
            ),
            None => None,
        };
        let workplace_id = *workplace_id_by_key.get(&workplace_key).ok_or_else(|| {
            Fail::InvalidPlan(format!(
                "staff record {} belongs to workplace {}, which is not in the plan",
                record.unique_worker_id, record.localestid
            ))
        })?;
        let what = || {
            format!(
                "staff record {} of workplace {}",
                record.unique_worker_id, record.localestid
            )
        };
        let data = codec::staff_json_without_personal(record, what)?;
        let personal = PersonalRow::of(&record.personal);
        let days_sick_saved_on = if planned.days_sick_saved {
            Some(as_of_text.clone())
        } else {
            base.as_ref().and_then(|b| b.days_sick_saved_on.clone())
        };
        let staff_id = match &base {
            Some(base) => base.staff_id,
            None => writer.new_staff()?,
        };
        let fingerprint = Fingerprint::new()
            .text(&data)
            .text(&personal.display_id)
            .optional(personal.ni_number.as_deref())
            .optional(personal.date_of_birth.as_deref())
            .optional(personal.postcode.as_deref())
            .number(workplace_id)
            .optional(days_sick_saved_on.as_deref())
            .finish();
        let changed = base.as_ref().is_none_or(|b| {
            b.fingerprint != fingerprint
                || b.workplace_key != workplace_key
                || b.worker_key != worker_key
        });
        if changed {
            if let Some(base) = &base {
                writer.close(Table::Staff, base.version_id, base.valid_to)?;
            }
            writer.insert_staff.execute(params![
                staff_id,
                org,
                workplace_id,
                snapshot,
                successor,
                ord as i64,
                workplace_key,
                worker_key,
                record.localestid,
                record.unique_worker_id,
                record.main_job_role,
                record.contract,
                days_sick_saved_on,
                fingerprint,
                data,
            ])?;
            let version_id = writer.transaction.last_insert_rowid();
            writer.insert_personal.execute(params![
                version_id,
                personal.display_id,
                personal.ni_number,
                personal.date_of_birth,
                personal.postcode,
            ])?;
            writer.written.versions_written += 1;
        }
        if staff_id_by_key
            .insert((workplace_key, worker_key), staff_id)
            .is_some()
        {
            return Err(Fail::InvalidPlan(format!(
                "staff record {} of workplace {} is in the plan twice",
                record.unique_worker_id, record.localestid
            )));
        }
        tick(&mut done, progress);
    }
    let mut deleted: Vec<BaseStaff> = base_staff.into_values().collect();
    deleted.sort_by_key(|row| row.version_id);
    for row in deleted {
        writer.close(Table::Staff, row.version_id, row.valid_to)?;
    }

    // Training: each staff record's list is one unit; any difference rewrites that list.
    let mut base_training_of: HashMap<i64, Vec<BaseTraining>> = HashMap::new();
    for row in base_training {
        base_training_of.entry(row.staff_id).or_default().push(row);
    }
    let mut new_training_of: HashMap<i64, Vec<&Training>> = HashMap::new();
    let mut staff_in_order: Vec<i64> = Vec::new();
    for record in &plan.training {
        let staff_key = (key(&record.localestid).0, key(&record.unique_worker_id).0);
        let staff_id = *staff_id_by_key.get(&staff_key).ok_or_else(|| {
            Fail::InvalidPlan(format!(
                "a training record of staff record {} of workplace {} has no staff record in the plan",
                record.unique_worker_id, record.localestid
            ))
        })?;
        let list = new_training_of.entry(staff_id).or_default();
        if list.is_empty() {
            staff_in_order.push(staff_id);
        }
        list.push(record);
    }
    for staff_id in staff_in_order {
        let records = new_training_of.remove(&staff_id).unwrap_or_default();
        let mut data = Vec::with_capacity(records.len());
        for record in &records {
            let text = codec::to_json(*record, || {
                format!(
                    "a training record of staff record {} of workplace {}",
                    record.unique_worker_id, record.localestid
                )
            })?;
            let fingerprint = Fingerprint::new().text(&text).finish();
            data.push((text, fingerprint));
        }
        let old = base_training_of.remove(&staff_id).unwrap_or_default();
        let unchanged = old.len() == data.len()
            && old
                .iter()
                .zip(&data)
                .all(|(row, (_, fingerprint))| row.fingerprint == *fingerprint);
        if !unchanged {
            for row in &old {
                writer.close(Table::Training, row.version_id, row.valid_to)?;
            }
            for (ord, (record, (text, fingerprint))) in records.iter().zip(&data).enumerate() {
                writer.insert_training.execute(params![
                    staff_id,
                    org,
                    snapshot,
                    successor,
                    ord as i64,
                    record.category,
                    record.completed.map(codec::date_text),
                    record.expires.map(codec::date_text),
                    fingerprint,
                    text,
                ])?;
                writer.written.versions_written += 1;
            }
        }
        for _ in &records {
            tick(&mut done, progress);
        }
    }
    let mut gone: Vec<BaseTraining> = base_training_of.into_values().flatten().collect();
    gone.sort_by_key(|row| row.version_id);
    for row in gone {
        writer.close(Table::Training, row.version_id, row.valid_to)?;
    }

    let detail = ImportDetail {
        snapshot,
        as_of: &as_of_text,
        changes: &plan.counts,
        written: &writer.written,
    };
    let detail = serde_json::to_string(&detail).unwrap_or_default();
    audit(transaction, "carecount", "import", org, &detail)?;
    progress(total, total);
    Ok(SnapshotInfo {
        id: snapshot,
        org: org.to_string(),
        as_of,
        created_at,
    })
}

#[derive(Debug, Clone, Copy)]
enum Table {
    Workplace,
    Staff,
    Training,
}

/// The prepared statements of one apply.
struct Writer<'t> {
    transaction: &'t Transaction<'t>,
    org: String,
    snapshot: i64,
    successor: Option<i64>,
    written: Written,
    new_workplace: Statement<'t>,
    new_staff: Statement<'t>,
    insert_workplace: Statement<'t>,
    insert_staff: Statement<'t>,
    insert_personal: Statement<'t>,
    insert_training: Statement<'t>,
    close_workplace: Statement<'t>,
    close_staff: Statement<'t>,
    close_training: Statement<'t>,
    reopen_workplace: Statement<'t>,
    reopen_staff: Statement<'t>,
    reopen_personal: Statement<'t>,
    reopen_training: Statement<'t>,
}

const WORKPLACE_COLUMNS: &str = "workplace_id, org, valid_from, valid_to, ord, key, localestid, name, main_service, \
     employer_type, cqc_regulated, location_id, total_perm_temp, is_primary, area_code, area_name, region_code, \
     fingerprint, data";
const WORKPLACE_COPIED: &str = "workplace_id, org, ?1, ?2, ord, key, localestid, name, main_service, \
     employer_type, cqc_regulated, location_id, total_perm_temp, is_primary, area_code, area_name, region_code, \
     fingerprint, data";
const STAFF_COLUMNS: &str = "staff_id, org, workplace_id, valid_from, valid_to, ord, workplace_key, worker_key, \
     localestid, unique_worker_id, main_job_role, contract, days_sick_saved_on, fingerprint, data";
const STAFF_COPIED: &str = "staff_id, org, workplace_id, ?1, ?2, ord, workplace_key, worker_key, \
     localestid, unique_worker_id, main_job_role, contract, days_sick_saved_on, fingerprint, data";
const TRAINING_COLUMNS: &str =
    "staff_id, org, valid_from, valid_to, ord, category, completed, expires, fingerprint, data";
const TRAINING_COPIED: &str =
    "staff_id, org, ?1, ?2, ord, category, completed, expires, fingerprint, data";

impl<'t> Writer<'t> {
    fn new(
        transaction: &'t Transaction<'t>,
        org: &str,
        snapshot: i64,
        successor: Option<i64>,
    ) -> Result<Writer<'t>, Fail> {
        let placeholders = |n: usize| {
            (1..=n)
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Ok(Writer {
            transaction,
            org: org.to_string(),
            snapshot,
            successor,
            written: Written::default(),
            new_workplace: transaction.prepare("INSERT INTO workplace (org) VALUES (?1)")?,
            new_staff: transaction.prepare("INSERT INTO staff (org) VALUES (?1)")?,
            insert_workplace: transaction.prepare(&format!(
                "INSERT INTO workplace_version ({WORKPLACE_COLUMNS}) VALUES ({})",
                placeholders(19)
            ))?,
            insert_staff: transaction
                .prepare(&format!("INSERT INTO staff_version ({STAFF_COLUMNS}) VALUES ({})", placeholders(15)))?,
            insert_personal: transaction.prepare(
                "INSERT INTO staff_personal (staff_version_id, display_id, ni_number, date_of_birth, postcode) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            insert_training: transaction
                .prepare(&format!("INSERT INTO training_version ({TRAINING_COLUMNS}) VALUES ({})", placeholders(10)))?,
            close_workplace: transaction.prepare("UPDATE workplace_version SET valid_to = ?1 WHERE id = ?2")?,
            close_staff: transaction.prepare("UPDATE staff_version SET valid_to = ?1 WHERE id = ?2")?,
            close_training: transaction.prepare("UPDATE training_version SET valid_to = ?1 WHERE id = ?2")?,
            reopen_workplace: transaction.prepare(&format!(
                "INSERT INTO workplace_version ({WORKPLACE_COLUMNS}) SELECT {WORKPLACE_COPIED} \
                 FROM workplace_version WHERE id = ?3"
            ))?,
            reopen_staff: transaction.prepare(&format!(
                "INSERT INTO staff_version ({STAFF_COLUMNS}) SELECT {STAFF_COPIED} FROM staff_version WHERE id = ?3"
            ))?,
            reopen_personal: transaction.prepare(
                "INSERT INTO staff_personal (staff_version_id, display_id, ni_number, date_of_birth, postcode) \
                 SELECT ?1, display_id, ni_number, date_of_birth, postcode FROM staff_personal WHERE staff_version_id = ?2",
            )?,
            reopen_training: transaction.prepare(&format!(
                "INSERT INTO training_version ({TRAINING_COLUMNS}) SELECT {TRAINING_COPIED} \
                 FROM training_version WHERE id = ?3"
            ))?,
        })
    }

    fn new_workplace(&mut self) -> Result<i64, Fail> {
        self.new_workplace.execute(params![self.org])?;
        Ok(self.transaction.last_insert_rowid())
    }

    fn new_staff(&mut self) -> Result<i64, Fail> {
        self.new_staff.execute(params![self.org])?;
        Ok(self.transaction.last_insert_rowid())
    }

    /// Ends a version at the new snapshot. When it was valid beyond the new snapshot's successor
    /// (a back-dated import), a copy is re-opened at the successor so later states are untouched.
    fn close(&mut self, table: Table, version_id: i64, valid_to: Option<i64>) -> Result<(), Fail> {
        let close = match table {
            Table::Workplace => &mut self.close_workplace,
            Table::Staff => &mut self.close_staff,
            Table::Training => &mut self.close_training,
        };
        close.execute(params![self.snapshot, version_id])?;
        self.written.versions_closed += 1;
        let Some(successor) = self.successor else {
            return Ok(());
        };
        if valid_to == Some(successor) {
            return Ok(());
        }
        let reopen = match table {
            Table::Workplace => &mut self.reopen_workplace,
            Table::Staff => &mut self.reopen_staff,
            Table::Training => &mut self.reopen_training,
        };
        reopen.execute(params![successor, valid_to, version_id])?;
        self.written.versions_reopened += 1;
        if let Table::Staff = table {
            let copy = self.transaction.last_insert_rowid();
            self.reopen_personal.execute(params![copy, version_id])?;
        }
        Ok(())
    }
}

/// A version valid in the base snapshot: what an import compares with and may close.
struct BaseWorkplace {
    version_id: i64,
    workplace_id: i64,
    key: String,
    valid_to: Option<i64>,
    area: Option<AreaAssignment>,
    fingerprint: Vec<u8>,
}

struct BaseStaff {
    version_id: i64,
    staff_id: i64,
    workplace_key: String,
    worker_key: String,
    valid_to: Option<i64>,
    days_sick_saved_on: Option<String>,
    fingerprint: Vec<u8>,
}

struct BaseTraining {
    version_id: i64,
    staff_id: i64,
    valid_to: Option<i64>,
    fingerprint: Vec<u8>,
}

fn base_workplaces(
    connection: &Connection,
    org: &str,
    at: &At,
) -> Result<Vec<BaseWorkplace>, Fail> {
    let sql = format!(
        "SELECT v.id, v.workplace_id, v.key, v.valid_to, v.area_code, v.area_name, v.region_code, v.fingerprint \
         FROM workplace_version v{}",
        at.clause("v")
    );
    let mut statement = connection.prepare(&sql)?;
    let rows = statement.query_map(rusqlite::params_from_iter(at.params(org)), |row| {
        let area_code: Option<String> = row.get(4)?;
        let area_name: Option<String> = row.get(5)?;
        let region_code: Option<String> = row.get(6)?;
        Ok(BaseWorkplace {
            version_id: row.get(0)?,
            workplace_id: row.get(1)?,
            key: row.get(2)?,
            valid_to: row.get(3)?,
            area: area_code.map(|code| AreaAssignment {
                name: area_name.unwrap_or_else(|| code.clone()),
                code,
                region_code,
            }),
            fingerprint: row.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn base_staff(connection: &Connection, org: &str, at: &At) -> Result<Vec<BaseStaff>, Fail> {
    let sql = format!(
        "SELECT v.id, v.staff_id, v.workplace_key, v.worker_key, v.valid_to, v.days_sick_saved_on, v.fingerprint \
         FROM staff_version v{}",
        at.clause("v")
    );
    let mut statement = connection.prepare(&sql)?;
    let rows = statement.query_map(rusqlite::params_from_iter(at.params(org)), |row| {
        Ok(BaseStaff {
            version_id: row.get(0)?,
            staff_id: row.get(1)?,
            workplace_key: row.get(2)?,
            worker_key: row.get(3)?,
            valid_to: row.get(4)?,
            days_sick_saved_on: row.get(5)?,
            fingerprint: row.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Ordered by staff id, then file order.
fn base_training(connection: &Connection, org: &str, at: &At) -> Result<Vec<BaseTraining>, Fail> {
    let sql = format!(
        "SELECT v.id, v.staff_id, v.valid_to, v.fingerprint FROM training_version v{} ORDER BY v.staff_id, v.ord",
        at.clause("v")
    );
    let mut statement = connection.prepare(&sql)?;
    let rows = statement.query_map(rusqlite::params_from_iter(at.params(org)), |row| {
        Ok(BaseTraining {
            version_id: row.get(0)?,
            staff_id: row.get(1)?,
            valid_to: row.get(2)?,
            fingerprint: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
