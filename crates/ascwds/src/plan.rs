//! What a validated upload changes (§6.3 "what will change", §6.4 completion semantics): the
//! organisation's complete new state, each record linked to the stored record it continues, and the
//! counts shown to the user. The store writes it as a new snapshot; this module decides it.

use crate::fast::{HashMap, HashSet};

use carecount_domain::{RecordKey, Staff, Status, Training, Workplace, key};
use serde::Serialize;

use crate::{ExistingState, Lines};

/// The organisation's state after the upload, and what changed.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Every workplace the organisation holds afterwards.
    pub workplaces: Vec<PlannedWorkplace>,
    /// Every staff record it holds afterwards (personal fields included).
    pub staff: Vec<PlannedStaff>,
    /// Every training record it holds afterwards.
    pub training: Vec<Training>,
    pub counts: ChangeCounts,
    /// "What will change" lists, for people.
    pub difference: Vec<Change>,
}

/// A workplace after the upload.
#[derive(Debug, Clone)]
pub struct PlannedWorkplace {
    /// The key of the stored workplace this continues (`None` for a new one).
    pub previous: Option<RecordKey>,
    pub record: Workplace,
    /// The first workplace line of the organisation's first import (F2).
    pub primary: bool,
}

/// A staff record after the upload.
#[derive(Debug, Clone)]
pub struct PlannedStaff {
    /// The (workplace key, staff key) of the stored record this continues, `None` for a new one.
    /// A rename (CHGUNIQUEWRKID) or transfer (TRANSFERSTAFFRECORD) keeps the link.
    pub previous: Option<(RecordKey, RecordKey)>,
    pub record: Staff,
    /// This upload saved DAYSSICK (its "last saved" date becomes the import's as-of date, S13).
    pub days_sick_saved: bool,
}

/// One line of the difference report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `workplace`, `staff` or `training`.
    pub kind: &'static str,
    /// `new`, `updated`, `deleted` or `unchanged`.
    pub change: &'static str,
    pub workplace: String,
    pub worker: Option<String>,
}

/// Counts per kind of record (`interfaces.md` `import` JSON `changes`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ChangeCounts {
    pub workplaces: Counts,
    pub staff: Counts,
    pub training: Counts,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub new: u64,
    pub updated: u64,
    pub deleted: u64,
    pub unchanged: u64,
}

/// Works out the organisation's state after completing the upload (§1.5, §6.3, §6.4).
///
/// Meant for an upload without errors; with errors it still gives the difference report of the
/// lines that could be read (ASC-WDS computes it even when there are errors, §6.2 step 7). Lines
/// whose record could not be built leave the stored record as it was.
///
/// Counting (decision, `docs/decisions/ascwds.md`): `updated` counts records whose saved values
/// change; an UPDATE line that changes nothing, and every NOCHANGE/UNCHECKED line, is `unchanged`.
pub fn plan(existing: &ExistingState, lines: &Lines) -> Plan {
    plan_taking(existing, &mut lines.clone())
}

/// [`plan`], moving the records out of `lines` instead of copying them (half the memory for a
/// national upload); `lines` is left without records.
pub fn plan_taking(existing: &ExistingState, lines: &mut Lines) -> Plan {
    let mut plan = Plan::default();
    let first_import = existing.workplaces.is_empty();
    let mut in_file: HashSet<RecordKey> = HashSet::default();
    let mut deleted_workplaces: HashSet<RecordKey> = HashSet::default();
    let mut first_line_seen = false;

    for line in lines.workplaces.iter_mut().filter(|w| w.kept) {
        in_file.insert(line.key.clone());
        let stored = existing.workplace(&line.localestid);
        let primary_now = if first_import {
            !std::mem::replace(&mut first_line_seen, true)
        } else {
            stored.is_some_and(|s| s.primary)
        };
        let change = |change| Change {
            kind: "workplace",
            change,
            workplace: line.localestid.clone(),
            worker: None,
        };
        match (line.status, stored) {
            (Some(Status::Delete), Some(_)) => {
                deleted_workplaces.insert(line.key.clone());
                plan.counts.workplaces.deleted += 1;
                plan.difference.push(change("deleted"));
            }
            (Some(Status::New), None) => match line.record.take() {
                Some(record) => {
                    plan.workplaces.push(PlannedWorkplace {
                        previous: None,
                        record,
                        primary: primary_now,
                    });
                    plan.counts.workplaces.new += 1;
                    plan.difference.push(change("new"));
                }
                None => plan.counts.workplaces.new += 1,
            },
            (Some(Status::Update), Some(stored)) => {
                let record = line.record.take().unwrap_or_else(|| stored.record.clone());
                if record == stored.record {
                    plan.counts.workplaces.unchanged += 1;
                } else {
                    plan.counts.workplaces.updated += 1;
                    plan.difference.push(change("updated"));
                }
                plan.workplaces.push(PlannedWorkplace {
                    previous: Some(key(&stored.record.localestid)),
                    record,
                    primary: primary_now,
                });
            }
            (Some(Status::NoChange | Status::Unchecked), Some(stored)) => {
                plan.counts.workplaces.unchanged += 1;
                plan.workplaces.push(PlannedWorkplace {
                    previous: Some(key(&stored.record.localestid)),
                    record: stored.record.clone(),
                    primary: primary_now,
                });
            }
            // Invalid combinations are errors (W07–W11); nothing to plan for them.
            _ => {}
        }
    }
    for stored in &existing.workplaces {
        let stored_key = key(&stored.record.localestid);
        if !in_file.contains(&stored_key) {
            if stored.primary {
                // Never auto-deleted (§6.3); F2 makes such an upload fail anyway.
                plan.workplaces.push(PlannedWorkplace {
                    previous: Some(stored_key),
                    record: stored.record.clone(),
                    primary: true,
                });
                continue;
            }
            deleted_workplaces.insert(stored_key);
            plan.counts.workplaces.deleted += 1;
            plan.difference.push(Change {
                kind: "workplace",
                change: "deleted",
                workplace: stored.record.localestid.clone(),
                worker: None,
            });
        }
    }
    let surviving: HashSet<RecordKey> = plan
        .workplaces
        .iter()
        .map(|w| key(&w.record.localestid))
        .collect();

    // Staff.
    let mut with_line: HashSet<(RecordKey, RecordKey)> = HashSet::default();
    // Old key → new key, for carrying training over renames and transfers.
    let mut rekeyed: HashMap<(RecordKey, RecordKey), (String, String)> = HashMap::default();
    for line in lines.staff.iter_mut().filter(|s| s.accepted) {
        let old_key = (line.workplace_key.clone(), key(&line.unique_worker_id));
        with_line.insert(old_key.clone());
        let stored = existing.staff(&line.localestid, &line.unique_worker_id);
        let change = |change| Change {
            kind: "staff",
            change,
            workplace: line.localestid.clone(),
            worker: Some(line.unique_worker_id.clone()),
        };
        let workplace_deleted = deleted_workplaces.contains(&line.workplace_key);
        match (line.status, stored) {
            (Some(Status::Delete), Some(_)) => {
                plan.counts.staff.deleted += 1;
                plan.difference.push(change("deleted"));
            }
            (Some(_), Some(_)) if workplace_deleted && line.transfer_to.is_none() => {
                plan.counts.staff.deleted += 1;
                plan.difference.push(change("deleted"));
            }
            (Some(Status::New), None) => {
                if let Some(record) = line.record.take() {
                    let days_sick_saved =
                        record.days_sick_halves.is_some() || record.days_sick_unknown;
                    plan.staff.push(PlannedStaff {
                        previous: None,
                        record,
                        days_sick_saved,
                    });
                    plan.difference.push(change("new"));
                }
                plan.counts.staff.new += 1;
            }
            (Some(Status::Update), Some(stored)) => {
                let days_sick_saved = line.record.as_ref().is_some_and(|r| {
                    (r.days_sick_halves.is_some() || r.days_sick_unknown)
                        && (r.days_sick_halves != stored.record.days_sick_halves
                            || r.days_sick_unknown != stored.record.days_sick_unknown)
                });
                let record = line.record.take().unwrap_or_else(|| stored.record.clone());
                if record == stored.record {
                    plan.counts.staff.unchanged += 1;
                } else {
                    plan.counts.staff.updated += 1;
                    plan.difference.push(change("updated"));
                }
                rekeyed.insert(
                    old_key.clone(),
                    (record.localestid.clone(), record.unique_worker_id.clone()),
                );
                plan.staff.push(PlannedStaff {
                    previous: Some(old_key),
                    record,
                    days_sick_saved,
                });
            }
            (Some(status @ (Status::NoChange | Status::Unchecked)), Some(stored)) => {
                plan.counts.staff.unchanged += 1;
                let record = &stored.record;
                // NOCHANGE re-saves every non-empty value: the "last saved" stamp refreshes (§1.5).
                let days_sick_saved = status == Status::NoChange
                    && (record.days_sick_halves.is_some() || record.days_sick_unknown);
                plan.staff.push(PlannedStaff {
                    previous: Some(old_key),
                    record: record.clone(),
                    days_sick_saved,
                });
            }
            _ => {}
        }
    }
    for stored in &existing.staff {
        let stored_key = (
            key(&stored.record.localestid),
            key(&stored.record.unique_worker_id),
        );
        if with_line.contains(&stored_key) {
            continue;
        }
        // A staff record without a line: deleted with its workplace, or automatically when its
        // workplace is in the file (§6.3). Staff of a surviving workplace that is not in the file
        // (only the primary, in an upload F2 rejects) stay.
        if in_file.contains(&stored_key.0) || !surviving.contains(&stored_key.0) {
            plan.counts.staff.deleted += 1;
            plan.difference.push(Change {
                kind: "staff",
                change: "deleted",
                workplace: stored.record.localestid.clone(),
                worker: Some(stored.record.unique_worker_id.clone()),
            });
        } else {
            plan.staff.push(PlannedStaff {
                previous: Some(stored_key.clone()),
                record: stored.record.clone(),
                days_sick_saved: false,
            });
        }
    }

    // A staff record can only live in a surviving workplace (NEW lines under a deleted one go).
    plan.staff
        .retain(|s| surviving.contains(&key(&s.record.localestid)));

    // Training: staff with lines in the file get exactly the file's lines (§6.4); others keep theirs.
    let final_staff: HashSet<(RecordKey, RecordKey)> = plan
        .staff
        .iter()
        .map(|s| (key(&s.record.localestid), key(&s.record.unique_worker_id)))
        .collect();
    let mut file_training: HashMap<(RecordKey, RecordKey), Vec<Training>> = HashMap::default();
    for line in lines.training.iter_mut() {
        let Some(record) = line.record.take() else {
            continue;
        };
        let staff_key = (line.workplace_key.clone(), line.worker_key.clone());
        if !final_staff.contains(&staff_key) {
            continue;
        }
        file_training.entry(staff_key).or_default().push(record);
    }
    let mut stored_training: HashMap<(RecordKey, RecordKey), Vec<Training>> = HashMap::default();
    for record in &existing.training {
        let old = (key(&record.localestid), key(&record.unique_worker_id));
        let mut record = record.clone();
        if let Some((localestid, worker)) = rekeyed.get(&old) {
            record.localestid = localestid.clone();
            record.unique_worker_id = worker.clone();
        }
        let new_key = (key(&record.localestid), key(&record.unique_worker_id));
        if !final_staff.contains(&new_key) {
            plan.counts.training.deleted += 1;
            continue;
        }
        stored_training.entry(new_key).or_default().push(record);
    }
    for staff in &plan.staff {
        let staff_key = (
            key(&staff.record.localestid),
            key(&staff.record.unique_worker_id),
        );
        match (
            file_training.remove(&staff_key),
            stored_training.remove(&staff_key),
        ) {
            (Some(new), old) => {
                let old = old.unwrap_or_default();
                let mut unmatched_old: Vec<&Training> = old.iter().collect();
                for record in &new {
                    if let Some(i) = unmatched_old.iter().position(|o| *o == record) {
                        unmatched_old.swap_remove(i);
                        plan.counts.training.unchanged += 1;
                    } else {
                        plan.counts.training.new += 1;
                    }
                }
                plan.counts.training.deleted += unmatched_old.len() as u64;
                plan.training.extend(new);
            }
            (None, Some(old)) => {
                plan.counts.training.unchanged += old.len() as u64;
                plan.training.extend(old);
            }
            (None, None) => {}
        }
    }
    plan
}
