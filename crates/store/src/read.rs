//! Reads: which snapshot is current, and the version rows valid in a snapshot.

use std::collections::HashMap;

use carecount_ascwds::{ExistingStaff, ExistingState, ExistingWorkplace};
use carecount_domain::{StaffPersonal, Training, Workplace};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use time::Date;

use crate::codec::{self, PersonalRow};
use crate::error::Fail;
use crate::{
    AnalysisRecords, AnalysisStaff, AnalysisTraining, AnalysisWorkplace, AreaAssignment,
    AuditEntry, OrgRecords, SnapshotInfo,
};

/// Which version rows to read: those valid in one snapshot of one organisation.
#[derive(Debug, Clone)]
pub(crate) enum At {
    /// The organisation's latest snapshot: exactly the rows with `valid_to IS NULL`.
    Latest,
    /// An earlier snapshot, by its position (as_of, id) in the organisation's order.
    Position { as_of: String, id: i64 },
}

impl At {
    /// How to read snapshot `id` (dated `as_of`) of `org`.
    pub(crate) fn of(connection: &Connection, org: &str, id: i64, as_of: &str) -> Result<At, Fail> {
        let later: bool = connection.query_row(
            "SELECT EXISTS (SELECT 1 FROM snapshot WHERE org = ?1 AND (as_of > ?2 OR (as_of = ?2 AND id > ?3)))",
            params![org, as_of, id],
            |row| row.get(0),
        )?;
        Ok(if later {
            At::Position {
                as_of: as_of.to_string(),
                id,
            }
        } else {
            At::Latest
        })
    }

    /// The joins and `WHERE` selecting the rows of `alias` valid here. Parameters: [`At::params`].
    /// A row is valid in snapshot S when its `valid_from` is at or before S and its `valid_to` is
    /// after S, both in (as_of, id) order.
    pub(crate) fn clause(&self, alias: &str) -> String {
        match self {
            At::Latest => format!(" WHERE {alias}.org = ?1 AND {alias}.valid_to IS NULL"),
            At::Position { .. } => format!(
                " JOIN snapshot vf ON vf.id = {alias}.valid_from LEFT JOIN snapshot vt ON vt.id = {alias}.valid_to \
                 WHERE {alias}.org = ?1 AND (vf.as_of < ?2 OR (vf.as_of = ?2 AND vf.id <= ?3)) \
                 AND ({alias}.valid_to IS NULL OR vt.as_of > ?2 OR (vt.as_of = ?2 AND vt.id > ?3))"
            ),
        }
    }

    pub(crate) fn params(&self, org: &str) -> Vec<Value> {
        match self {
            At::Latest => vec![Value::Text(org.to_string())],
            At::Position { as_of, id } => {
                vec![
                    Value::Text(org.to_string()),
                    Value::Text(as_of.clone()),
                    Value::Integer(*id),
                ]
            }
        }
    }
}

/// A stored workplace version, its data still JSON.
pub(crate) struct WorkplaceRow {
    pub version_id: i64,
    pub workplace_id: i64,
    pub primary: bool,
    pub area: Option<AreaAssignment>,
    pub data: String,
}

/// A stored staff version with its personal fields, its data still JSON.
pub(crate) struct StaffRow {
    pub version_id: i64,
    pub staff_id: i64,
    pub workplace_id: i64,
    pub days_sick_saved_on: Option<String>,
    pub data: String,
    pub personal: PersonalRow,
}

/// A stored training version, its data still JSON.
pub(crate) struct TrainingRow {
    pub version_id: i64,
    pub staff_id: i64,
    pub data: String,
}

pub(crate) fn workplace_rows(
    connection: &Connection,
    org: &str,
    at: &At,
) -> Result<Vec<WorkplaceRow>, Fail> {
    let sql = format!(
        "SELECT v.id, v.workplace_id, v.is_primary, v.area_code, v.area_name, v.region_code, v.data \
         FROM workplace_version v{} ORDER BY v.ord, v.workplace_id",
        at.clause("v")
    );
    let mut statement = connection.prepare(&sql)?;
    let rows = statement.query_map(params_from_iter(at.params(org)), |row| {
        let area_code: Option<String> = row.get(3)?;
        let area_name: Option<String> = row.get(4)?;
        let region_code: Option<String> = row.get(5)?;
        Ok(WorkplaceRow {
            version_id: row.get(0)?,
            workplace_id: row.get(1)?,
            primary: row.get(2)?,
            area: area_code.map(|code| AreaAssignment {
                name: area_name.unwrap_or_else(|| code.clone()),
                code,
                region_code,
            }),
            data: row.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// The staff rows (with personal fields) of the workplaces `keep` accepts; the others' values are never copied out of
/// SQLite (an area's figures on a national store read one area's records).
pub(crate) fn staff_rows_of(
    connection: &Connection,
    org: &str,
    at: &At,
    keep: &dyn Fn(i64) -> bool,
) -> Result<Vec<StaffRow>, Fail> {
    let sql = format!(
        "SELECT v.id, v.staff_id, v.workplace_id, v.days_sick_saved_on, v.data, p.display_id, p.ni_number, p.date_of_birth, p.postcode \
         FROM staff_version v JOIN staff_personal p ON p.staff_version_id = v.id{} ORDER BY v.ord, v.staff_id",
        at.clause("v")
    );
    let mut statement = connection.prepare(&sql)?;
    let mut rows = statement.query(params_from_iter(at.params(org)))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let workplace_id: i64 = row.get(2)?;
        if !keep(workplace_id) {
            continue;
        }
        out.push(StaffRow {
            version_id: row.get(0)?,
            staff_id: row.get(1)?,
            workplace_id,
            days_sick_saved_on: row.get(3)?,
            data: row.get(4)?,
            personal: PersonalRow {
                display_id: row.get(5)?,
                ni_number: row.get(6)?,
                date_of_birth: row.get(7)?,
                postcode: row.get(8)?,
            },
        });
    }
    Ok(out)
}

/// Training rows, ordered by staff id, then file order.
pub(crate) fn training_rows(
    connection: &Connection,
    org: &str,
    at: &At,
) -> Result<Vec<TrainingRow>, Fail> {
    let sql = format!(
        "SELECT v.id, v.staff_id, v.data FROM training_version v{} ORDER BY v.staff_id, v.ord",
        at.clause("v")
    );
    let mut statement = connection.prepare(&sql)?;
    let rows = statement.query_map(params_from_iter(at.params(org)), |row| {
        Ok(TrainingRow {
            version_id: row.get(0)?,
            staff_id: row.get(1)?,
            data: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn snapshot_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, String, String)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

fn snapshot_info(
    (id, org, as_of, created_at): (i64, String, String, String),
) -> Result<SnapshotInfo, Fail> {
    let as_of = codec::parse_date(&as_of, || format!("the as-of date of snapshot {id}"))?;
    Ok(SnapshotInfo {
        id,
        org,
        as_of,
        created_at,
    })
}

pub(crate) fn snapshot_at(
    connection: &Connection,
    org: &str,
    date: Option<Date>,
) -> Result<Option<SnapshotInfo>, Fail> {
    let row = connection
        .query_row(
            "SELECT id, org, as_of, created_at FROM snapshot WHERE org = ?1 AND (?2 IS NULL OR as_of <= ?2) \
             ORDER BY as_of DESC, id DESC LIMIT 1",
            params![org, date.map(codec::date_text)],
            snapshot_from_row,
        )
        .optional()?;
    row.map(snapshot_info).transpose()
}

fn snapshot_by_id(connection: &Connection, id: i64) -> Result<Option<SnapshotInfo>, Fail> {
    let row = connection
        .query_row(
            "SELECT id, org, as_of, created_at FROM snapshot WHERE id = ?1",
            params![id],
            snapshot_from_row,
        )
        .optional()?;
    row.map(snapshot_info).transpose()
}

pub(crate) fn org_exists(connection: &Connection, org: &str) -> Result<bool, Fail> {
    Ok(connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM org WHERE id = ?1)",
        params![org],
        |row| row.get(0),
    )?)
}

pub(crate) fn orgs(connection: &Connection) -> Result<Vec<String>, Fail> {
    let mut statement = connection.prepare("SELECT id FROM org ORDER BY id")?;
    let rows = statement.query_map([], |row| row.get(0))?;
    Ok(rows.collect::<Result<Vec<String>, _>>()?)
}

pub(crate) fn snapshot_dates(connection: &Connection) -> Result<Vec<Date>, Fail> {
    let mut statement = connection.prepare("SELECT DISTINCT as_of FROM snapshot ORDER BY as_of")?;
    let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
    let mut dates = Vec::new();
    for text in rows {
        let text = text?;
        dates.push(codec::parse_date(&text, || {
            "a snapshot's as-of date".to_string()
        })?);
    }
    Ok(dates)
}

pub(crate) fn audit_log(connection: &Connection) -> Result<Vec<AuditEntry>, Fail> {
    let mut statement = connection
        .prepare("SELECT id, at, actor, action, target, detail FROM audit_log ORDER BY id")?;
    let rows = statement.query_map([], |row| {
        Ok(AuditEntry {
            id: row.get(0)?,
            at: row.get(1)?,
            actor: row.get(2)?,
            action: row.get(3)?,
            target: row.get(4)?,
            detail: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn parse_workplace(row: &WorkplaceRow) -> Result<Workplace, Fail> {
    codec::from_json(&row.data, || {
        format!("workplace version {}", row.version_id)
    })
}

fn parse_training(row: &TrainingRow) -> Result<Training, Fail> {
    codec::from_json(&row.data, || format!("training version {}", row.version_id))
}

/// Training rows in staff order (the staff list's order), each staff's in file order.
fn training_in_staff_order(
    training: Vec<TrainingRow>,
    staff_order: &HashMap<i64, usize>,
) -> Vec<TrainingRow> {
    let mut training = training;
    // Stable sort: rows arrive in (staff id, ord) order, so file order is kept within a staff.
    training.sort_by_key(|row| {
        staff_order
            .get(&row.staff_id)
            .copied()
            .unwrap_or(usize::MAX)
    });
    training
}

/// The snapshot's records, parsed, with personal fields.
struct FullRecords {
    workplaces: Vec<(WorkplaceRow, Workplace)>,
    staff: Vec<(StaffRow, carecount_domain::Staff)>,
    training: Vec<Training>,
}

/// Reads the snapshot's records, parsing each row as SQLite returns it: the stored JSON of a
/// national organisation (gigabytes) is never held all at once, only the records.
fn full_records(connection: &Connection, org: &str, at: &At) -> Result<FullRecords, Fail> {
    let mut workplaces = Vec::new();
    for row in workplace_rows(connection, org, at)? {
        let record = parse_workplace(&row)?;
        workplaces.push((row, record));
    }
    let mut staff = Vec::new();
    {
        let sql = format!(
            "SELECT v.id, v.staff_id, v.workplace_id, v.days_sick_saved_on, v.data, p.display_id, p.ni_number, p.date_of_birth, p.postcode \
             FROM staff_version v JOIN staff_personal p ON p.staff_version_id = v.id{} ORDER BY v.ord, v.staff_id",
            at.clause("v")
        );
        let mut statement = connection.prepare(&sql)?;
        let mut rows = statement.query(params_from_iter(at.params(org)))?;
        while let Some(row) = rows.next()? {
            let version_id: i64 = row.get(0)?;
            let what = || format!("staff version {version_id}");
            let personal = PersonalRow {
                display_id: row.get(5)?,
                ni_number: row.get(6)?,
                date_of_birth: row.get(7)?,
                postcode: row.get(8)?,
            }
            .into_personal(what)?;
            let data = row.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?;
            let record = codec::staff_from_parts(data, &personal, what)?;
            staff.push((
                StaffRow {
                    version_id,
                    staff_id: row.get(1)?,
                    workplace_id: row.get(2)?,
                    days_sick_saved_on: row.get(3)?,
                    // Not kept: the record holds it, parsed.
                    data: String::new(),
                    personal: PersonalRow {
                        display_id: String::new(),
                        ni_number: None,
                        date_of_birth: None,
                        postcode: None,
                    },
                },
                record,
            ));
        }
    }
    let staff_order: HashMap<i64, usize> = staff
        .iter()
        .enumerate()
        .map(|(i, (row, _))| (row.staff_id, i))
        .collect();
    // Rows arrive in (staff id, ord) order; a stable sort by the staff list's order keeps each
    // staff record's training in file order.
    let mut training: Vec<(usize, Training)> = Vec::new();
    {
        let sql = format!(
            "SELECT v.id, v.staff_id, v.data FROM training_version v{} ORDER BY v.staff_id, v.ord",
            at.clause("v")
        );
        let mut statement = connection.prepare(&sql)?;
        let mut rows = statement.query(params_from_iter(at.params(org)))?;
        while let Some(row) = rows.next()? {
            let version_id: i64 = row.get(0)?;
            let staff_id: i64 = row.get(1)?;
            let data = row.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
            let record: Training =
                codec::from_json(data, || format!("training version {version_id}"))?;
            let order = staff_order.get(&staff_id).copied().unwrap_or(usize::MAX);
            training.push((order, record));
        }
    }
    training.sort_by_key(|(order, _)| *order);
    Ok(FullRecords {
        workplaces,
        staff,
        training: training.into_iter().map(|(_, record)| record).collect(),
    })
}

pub(crate) fn org_records(
    connection: &Connection,
    org: &str,
    snapshot: i64,
) -> Result<OrgRecords, Fail> {
    let info = snapshot_by_id(connection, snapshot)?.ok_or(Fail::UnknownSnapshot(snapshot))?;
    if info.org != org {
        return Err(Fail::WrongOrg {
            snapshot,
            snapshot_org: info.org,
            scope_org: org.to_string(),
        });
    }
    let at = At::of(connection, org, info.id, &codec::date_text(info.as_of))?;
    let records = full_records(connection, org, &at)?;
    Ok(OrgRecords {
        workplaces: records
            .workplaces
            .into_iter()
            .map(|(_, record)| record)
            .collect(),
        staff: records
            .staff
            .into_iter()
            .map(|(_, record)| record)
            .collect(),
        training: records.training,
    })
}

pub(crate) fn existing_state(
    connection: &Connection,
    org: &str,
    as_of: Date,
) -> Result<ExistingState, Fail> {
    let location_ids_elsewhere = location_ids_elsewhere(connection, org, as_of)?;
    let Some(snapshot) = snapshot_at(connection, org, Some(as_of))? else {
        return Ok(ExistingState::new(
            Vec::new(),
            Vec::new(),
            Vec::new(),
            location_ids_elsewhere,
        ));
    };
    let at = At::of(
        connection,
        org,
        snapshot.id,
        &codec::date_text(snapshot.as_of),
    )?;
    let records = full_records(connection, org, &at)?;
    let workplaces = records
        .workplaces
        .into_iter()
        .map(|(row, record)| ExistingWorkplace {
            record,
            primary: row.primary,
        })
        .collect();
    let mut staff = Vec::with_capacity(records.staff.len());
    for (row, record) in records.staff {
        let days_sick_saved_on =
            codec::parse_optional_date(row.days_sick_saved_on.as_deref(), || {
                format!("the DAYSSICK date of staff version {}", row.version_id)
            })?;
        staff.push(ExistingStaff {
            record,
            days_sick_saved_on,
        });
    }
    Ok(ExistingState::new(
        workplaces,
        staff,
        records.training,
        location_ids_elsewhere,
    ))
}

/// CQC location IDs of the workplaces current at `as_of` in every organisation but `org` (W41).
fn location_ids_elsewhere(
    connection: &Connection,
    org: &str,
    as_of: Date,
) -> Result<Vec<String>, Fail> {
    let mut found = Vec::new();
    for other in orgs(connection)? {
        if other == org {
            continue;
        }
        let Some(snapshot) = snapshot_at(connection, &other, Some(as_of))? else {
            continue;
        };
        let at = At::of(
            connection,
            &other,
            snapshot.id,
            &codec::date_text(snapshot.as_of),
        )?;
        let sql = format!(
            "SELECT v.location_id FROM workplace_version v{} AND v.location_id IS NOT NULL ORDER BY v.location_id",
            at.clause("v")
        );
        let mut statement = connection.prepare(&sql)?;
        let rows = statement.query_map(params_from_iter(at.params(&other)), |row| {
            row.get::<_, String>(0)
        })?;
        for location_id in rows {
            found.push(location_id?);
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

pub(crate) fn analysis_records(
    connection: &Connection,
    date: Date,
    with_training: bool,
    keep: &dyn Fn(&str, Option<&AreaAssignment>) -> bool,
) -> Result<AnalysisRecords, Fail> {
    let mut records = AnalysisRecords {
        as_of: date,
        snapshots: Vec::new(),
        workplaces: Vec::new(),
        staff: Vec::new(),
        training: Vec::new(),
    };
    for org in orgs(connection)? {
        let Some(snapshot) = snapshot_at(connection, &org, Some(date))? else {
            continue;
        };
        let at = At::of(
            connection,
            &org,
            snapshot.id,
            &codec::date_text(snapshot.as_of),
        )?;
        let mut kept: std::collections::HashSet<i64> = std::collections::HashSet::new();
        for row in workplace_rows(connection, &org, &at)? {
            if !keep(&org, row.area.as_ref()) {
                continue;
            }
            kept.insert(row.workplace_id);
            let workplace = parse_workplace(&row)?;
            records.workplaces.push(AnalysisWorkplace {
                id: row.workplace_id,
                org: org.clone(),
                area: row.area,
                primary: row.primary,
                workplace,
            });
        }
        let mut workplace_of: HashMap<i64, i64> = HashMap::new();
        let mut staff_order: HashMap<i64, usize> = HashMap::new();
        for row in staff_rows_of(connection, &org, &at, &|w| kept.contains(&w))? {
            let version_id = row.version_id;
            let what = || format!("staff version {version_id}");
            // Only the date of birth is read from the personal fields, to give the age.
            let date_of_birth =
                codec::parse_optional_date(row.personal.date_of_birth.as_deref(), what)?;
            let mut staff = codec::staff_from_parts(&row.data, &StaffPersonal::default(), what)?;
            staff.personal.date_of_birth = date_of_birth;
            let age = staff.age_on(date);
            staff.personal = StaffPersonal::default();
            let days_sick_saved_on =
                codec::parse_optional_date(row.days_sick_saved_on.as_deref(), what)?;
            workplace_of.insert(row.staff_id, row.workplace_id);
            staff_order.insert(row.staff_id, staff_order.len());
            records.staff.push(AnalysisStaff {
                id: row.staff_id,
                org: org.clone(),
                workplace_id: row.workplace_id,
                staff,
                age,
                days_sick_saved_on,
            });
        }
        let training = if with_training {
            training_rows(connection, &org, &at)?
        } else {
            Vec::new()
        };
        let training: Vec<_> = training
            .into_iter()
            .filter(|row| staff_order.contains_key(&row.staff_id))
            .collect();
        for row in training_in_staff_order(training, &staff_order) {
            let training = parse_training(&row)?;
            records.training.push(AnalysisTraining {
                org: org.clone(),
                staff_id: row.staff_id,
                workplace_id: workplace_of.get(&row.staff_id).copied().unwrap_or_default(),
                training,
            });
        }
        records.snapshots.push(snapshot);
    }
    Ok(records)
}
