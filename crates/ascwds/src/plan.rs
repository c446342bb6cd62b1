//! What a validated upload changes (§6.3 "what will change", §6.4 completion semantics): the
//! organisation's complete new state, each record linked to the stored record it continues, and the
//! counts shown to the user. The store writes it as a new snapshot; this module decides it.

use crate::fast::{HashMap, HashSet};

use carecount_domain::{RecordKey, Staff, Status, Training, Workplace};

use crate::fast::key;
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
    plan_taking(&mut existing.clone(), &mut lines.clone())
}

/// [`plan`], moving the records out of `lines` instead of copying them (half the memory for a
/// national upload); `lines` is left empty. The stored staff records a NOCHANGE or UNCHECKED line
/// continues are moved out of `existing` too (a re-import holds each record once, not twice):
/// afterwards `existing` is only good for dropping.
pub fn plan_taking(existing: &mut ExistingState, lines: &mut Lines) -> Plan {
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
    // (position in plan.staff, position in existing.staff) of records to move, once each.
    let mut to_move: Vec<(usize, usize)> = Vec::new();
    let mut moved_from: HashSet<usize> = HashSet::default();
    let placeholder = empty_staff();
    // Owned lines: their buffer is freed once the staff records are planned.
    let staff_lines = std::mem::take(&mut lines.staff);
    plan.staff.reserve_exact(staff_lines.len());
    for mut line in staff_lines.into_iter().filter(|s| s.accepted) {
        let old_key = (line.workplace_key.clone(), key(&line.unique_worker_id));
        with_line.insert(old_key.clone());
        let stored_at = existing.staff_position(&line.localestid, &line.unique_worker_id);
        let stored = stored_at.and_then(|i| existing.staff.get(i));
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
                // The stored record is moved in once the stored records have been read.
                let record = match stored_at {
                    Some(from) if moved_from.insert(from) => {
                        to_move.push((plan.staff.len(), from));
                        placeholder.clone()
                    }
                    _ => record.clone(),
                };
                plan.staff.push(PlannedStaff {
                    previous: Some(old_key),
                    record,
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

    // Every stored record has been read: move the continued ones in place of their placeholders.
    drop(moved_from);
    for (at, from) in to_move {
        if let (Some(planned), Some(stored)) =
            (plan.staff.get_mut(at), existing.staff.get_mut(from))
        {
            std::mem::swap(&mut planned.record, &mut stored.record);
        }
    }

    // A staff record can only live in a surviving workplace (NEW lines under a deleted one go).
    plan.staff
        .retain(|s| surviving.contains(&key(&s.record.localestid)));

    // Training: staff with lines in the file get exactly the file's lines (§6.4); others keep theirs.
    // Each record is tagged with the position of its staff record in `plan.staff` and its order in
    // its file, sorted in place, and merged in staff order: no map of lists, no second copy.
    let mut position: HashMap<(RecordKey, RecordKey), usize> = HashMap::default();
    position.reserve(plan.staff.len());
    for (i, staff) in plan.staff.iter().enumerate() {
        position
            .entry((
                key(&staff.record.localestid),
                key(&staff.record.unique_worker_id),
            ))
            .or_insert(i);
    }
    // Reuses the lines' buffer (the tagged record is smaller than a line).
    let mut from_file: Vec<(usize, usize, Training)> = std::mem::take(&mut lines.training)
        .into_iter()
        .enumerate()
        .filter_map(|(order, line)| {
            let record = line.record?;
            let at = *position.get(&(line.workplace_key, line.worker_key))?;
            Some((at, order, record))
        })
        .collect();
    from_file.sort_unstable_by_key(|(at, order, _)| (*at, *order));
    let mut stored: Vec<(usize, usize, &Training)> = Vec::new();
    for (order, record) in existing.training.iter().enumerate() {
        let old = (key(&record.localestid), key(&record.unique_worker_id));
        let new_key = match rekeyed.get(&old) {
            Some((localestid, worker)) => (key(localestid), key(worker)),
            None => old,
        };
        match position.get(&new_key) {
            Some(&at) => stored.push((at, order, record)),
            None => plan.counts.training.deleted += 1,
        }
    }
    drop(position);
    stored.sort_unstable_by_key(|(at, order, _)| (*at, *order));
    // The stored record as it continues: re-keyed when its staff record was renamed or moved.
    let continued = |record: &Training| -> Training {
        let mut record = record.clone();
        let old = (key(&record.localestid), key(&record.unique_worker_id));
        if let Some((localestid, worker)) = rekeyed.get(&old) {
            record.localestid = localestid.clone();
            record.unique_worker_id = worker.clone();
        }
        record
    };
    if stored.is_empty() {
        // Nothing stored (a first import): every kept line is new, in staff order, in place.
        plan.counts.training.new += from_file.len() as u64;
        plan.training = from_file.into_iter().map(|(_, _, record)| record).collect();
        return plan;
    }
    plan.training.reserve_exact(from_file.len() + stored.len());
    let mut new_records = from_file.into_iter().peekable();
    let mut old_records = stored.iter().peekable();
    for at in 0..plan.staff.len() {
        let mut new = Vec::new();
        while let Some((_, _, record)) = new_records.next_if(|(p, _, _)| *p == at) {
            new.push(record);
        }
        let mut old = Vec::new();
        while let Some((_, _, record)) = old_records.next_if(|(p, _, _)| *p == at) {
            old.push(*record);
        }
        if new.is_empty() {
            plan.counts.training.unchanged += old.len() as u64;
            plan.training.extend(old.into_iter().map(continued));
            continue;
        }
        let mut unmatched_old: Vec<Training> = old.into_iter().map(continued).collect();
        for record in &new {
            if let Some(i) = unmatched_old.iter().position(|o| o == record) {
                unmatched_old.swap_remove(i);
                plan.counts.training.unchanged += 1;
            } else {
                plan.counts.training.new += 1;
            }
        }
        plan.counts.training.deleted += unmatched_old.len() as u64;
        plan.training.extend(new);
    }
    plan
}

/// A staff record without values: cloning it allocates nothing (a stand-in until the stored record
/// is moved in).
fn empty_staff() -> Staff {
    let mut staff = Staff::example();
    staff.localestid = String::new();
    staff.unique_worker_id = String::new();
    staff.main_job_role_desc = None;
    staff.qualifications = Vec::new();
    staff.personal = carecount_domain::StaffPersonal::default();
    staff
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staff::StaffLine;
    use crate::training::TrainingLine;
    use crate::workplace::WorkplaceLine;
    use crate::{ExistingStaff, ExistingWorkplace};
    use carecount_domain::WorkforceCounts;

    fn workplace(localestid: &str) -> Workplace {
        Workplace {
            localestid: localestid.to_string(),
            name: "Home".into(),
            address1: "1 High Street".into(),
            address2: String::new(),
            address3: String::new(),
            post_town: "Rotherham".into(),
            postcode: "S60 1AA".into(),
            employer_type: Some(6),
            employer_type_other: None,
            share_with_cqc: None,
            share_with_la: None,
            cqc_regulated: false,
            provider_id: None,
            location_id: None,
            main_service: 1,
            services: Vec::new(),
            no_other_services: true,
            service_users: Vec::new(),
            dha: None,
            dha_activities: None,
            total_perm_temp: 2,
            job_roles: Vec::new(),
            starters: WorkforceCounts::None,
            leavers: WorkforceCounts::None,
            vacancies: WorkforceCounts::None,
            leaving_reasons: Vec::new(),
            repeat_training: None,
            cwp_aware: None,
            cwp_use: None,
            cwp_use_desc: None,
            sick_pay: None,
            pension: None,
            pension_contribution: None,
            pension_opt_out: None,
            holiday_days: None,
            sleep_ins: None,
            sleep_in_pay: None,
            travel_time: None,
            travel_time_rate: None,
        }
    }

    fn staff(worker: &str) -> Staff {
        let mut record = Staff::example();
        record.localestid = "W1".into();
        record.unique_worker_id = worker.into();
        record
    }

    fn training(worker: &str, category: u32) -> Training {
        Training {
            localestid: "W1".into(),
            unique_worker_id: worker.into(),
            category,
            name: None,
            accredited: None,
            who_delivered: None,
            provider: None,
            how_delivered: None,
            validity: None,
            completed: None,
            expires: None,
            notes: None,
        }
    }

    fn staff_line(line: u32, worker: &str) -> StaffLine {
        StaffLine {
            line,
            localestid: "W1".into(),
            workplace_key: key("W1"),
            unique_worker_id: worker.into(),
            worker_key: key(worker),
            status: Some(Status::Unchecked),
            accepted: true,
            main_job_role: None,
            date_of_birth: None,
            transfer_to: None,
            record: None,
        }
    }

    fn training_line(line: u32, record: Training) -> TrainingLine {
        TrainingLine {
            line,
            workplace_key: key(&record.localestid),
            worker_key: key(&record.unique_worker_id),
            record: Some(record),
        }
    }

    #[test]
    fn file_training_replaces_a_staff_records_list_and_others_keep_theirs() {
        // Stored: S1 has categories 1 and 2, S2 has 3. The file (all UNCHECKED) gives S1 lines 2
        // and 4, and none for S2.
        let existing = ExistingState::new(
            vec![ExistingWorkplace {
                record: workplace("W1"),
                primary: true,
            }],
            ["S1", "S2"]
                .into_iter()
                .map(|w| ExistingStaff {
                    record: staff(w),
                    days_sick_saved_on: None,
                })
                .collect(),
            vec![training("S1", 1), training("S1", 2), training("S2", 3)],
            Vec::new(),
        );
        let mut lines = Lines {
            workplaces: vec![WorkplaceLine {
                line: 2,
                localestid: "W1".into(),
                key: key("W1"),
                status: Some(Status::Unchecked),
                kept: true,
                record: None,
                cqc_regulated: None,
                main_service: None,
                dha: None,
                cross: Default::default(),
            }],
            staff: vec![staff_line(2, "S1"), staff_line(3, "S2")],
            training: vec![
                training_line(2, training("S1", 2)),
                training_line(3, training("S1", 4)),
            ],
        };
        let plan = plan_taking(&mut existing.clone(), &mut lines);
        // S1: 2 kept (unchanged), 4 new, 1 gone (deleted); S2 keeps 3 (unchanged).
        assert_eq!(
            plan.counts.training,
            Counts {
                new: 1,
                updated: 0,
                deleted: 1,
                unchanged: 2,
            }
        );
        // Staff order (S1, S2), each staff record's list in file order.
        let got: Vec<(&str, u32)> = plan
            .training
            .iter()
            .map(|t| (t.unique_worker_id.as_str(), t.category))
            .collect();
        assert_eq!(got, vec![("S1", 2), ("S1", 4), ("S2", 3)]);
        assert!(lines.staff.is_empty() && lines.training.is_empty());
        // UNCHECKED lines continue the stored records, moved (not stand-ins) and in line order.
        let kept: Vec<&Staff> = plan.staff.iter().map(|s| &s.record).collect();
        assert_eq!(kept, vec![&staff("S1"), &staff("S2")]);
    }

    #[test]
    fn a_first_import_keeps_training_in_staff_order_then_file_order() {
        // Staff S1 (line 2), S2 (line 3) are NEW; training lines S2/5, S1/6, S2/7.
        let mut existing = ExistingState::default();
        let new_staff = |line, worker| StaffLine {
            status: Some(Status::New),
            record: Some(staff(worker)),
            ..staff_line(line, worker)
        };
        let mut lines = Lines {
            workplaces: vec![WorkplaceLine {
                line: 2,
                localestid: "W1".into(),
                key: key("W1"),
                status: Some(Status::New),
                kept: true,
                record: Some(workplace("W1")),
                cqc_regulated: None,
                main_service: None,
                dha: None,
                cross: Default::default(),
            }],
            staff: vec![new_staff(2, "S1"), new_staff(3, "S2")],
            training: vec![
                training_line(2, training("S2", 5)),
                training_line(3, training("S1", 6)),
                training_line(4, training("S2", 7)),
            ],
        };
        let plan = plan_taking(&mut existing, &mut lines);
        let got: Vec<(&str, u32)> = plan
            .training
            .iter()
            .map(|t| (t.unique_worker_id.as_str(), t.category))
            .collect();
        assert_eq!(got, vec![("S1", 6), ("S2", 5), ("S2", 7)]);
        assert_eq!(plan.counts.training.new, 3);
        assert_eq!(plan.counts.staff.new, 2);
    }
}
