//! Rules that look at more than one line: XW6, XW7 (whole workplace file), F2, F3 (the account)
//! and XW1–XW5 (the staff file). None of them is de-duplicated (§1.6).

use crate::fast::HashMap;
use std::collections::hash_map::Entry;

use carecount_codes::special;
use carecount_domain::{RecordKey, Status};

use crate::fast::key;

use super::WorkplaceLine;
use crate::ExistingState;
use crate::js::parse_int;
use crate::message::{FileKind, Message, Severity, cross_message};
use crate::staff::StaffLine;

/// XW6: a LOCALESTID (whitespace removed) already used on an earlier line. The later line is
/// flagged and dropped from the upload.
pub(super) fn duplicate_localestids(lines: &mut [WorkplaceLine]) -> Vec<Message> {
    let mut messages = Vec::new();
    let mut first_line: HashMap<RecordKey, u32> = HashMap::default();
    for line in lines.iter_mut() {
        match first_line.entry(line.key.clone()) {
            Entry::Vacant(slot) => {
                slot.insert(line.line);
            }
            Entry::Occupied(first) => {
                messages.push(cross_message(
                    FileKind::Workplace,
                    line.line,
                    Severity::Error,
                    998,
                    "LOCALESTID",
                    &line.localestid,
                    format!(
                        "LOCALESTID is not unique: line {} already uses it",
                        first.get()
                    ),
                    &line.localestid,
                    None,
                ));
                line.kept = false;
                line.record = None;
            }
        }
    }
    messages
}

/// XW7: the same CQC location ID on two lines. NOCHANGE lines take part with the location ID
/// stored for the workplace whose local identifier equals LOCALESTID exactly (a stored workplace
/// without one takes part as "no location ID"); NEW and UPDATE lines with their LOCATIONID.
/// NOCHANGE lines first, then NEW/UPDATE lines, each in file order; the later line is flagged.
/// STATUS is compared as written (case-sensitive).
pub(super) fn duplicate_location_ids(
    lines: &mut [WorkplaceLine],
    existing: &ExistingState,
) -> Vec<Message> {
    let mut stored_by_id: HashMap<&str, Option<&str>> = HashMap::default();
    for stored in &existing.workplaces {
        stored_by_id
            .entry(stored.record.localestid.as_str())
            .or_insert(stored.record.location_id.as_deref());
    }
    let mut order: Vec<(usize, Option<String>)> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if line.kept
            && line.cross.status == "NOCHANGE"
            && let Some(location) = stored_by_id.get(line.localestid.as_str())
        {
            order.push((index, location.map(str::to_string)));
        }
    }
    for (index, line) in lines.iter().enumerate() {
        if line.kept
            && matches!(line.cross.status.as_str(), "NEW" | "UPDATE")
            && !line.cross.location_id.trim().is_empty()
        {
            order.push((index, Some(line.cross.location_id.clone())));
        }
    }
    let mut messages = Vec::new();
    let mut first_line: HashMap<Option<String>, u32> = HashMap::default();
    for (index, location) in order {
        let Some(line) = lines.get_mut(index) else {
            continue;
        };
        match first_line.entry(location) {
            Entry::Vacant(slot) => {
                slot.insert(line.line);
            }
            Entry::Occupied(first) => {
                let shown = first.key().clone().unwrap_or_default();
                messages.push(cross_message(
                    FileKind::Workplace,
                    line.line,
                    Severity::Error,
                    998,
                    "LOCATIONID",
                    &shown,
                    format!(
                        "LOCATIONID is not unique: the workplace on line {} has the same one",
                        first.get()
                    ),
                    &line.localestid,
                    None,
                ));
                line.record = None;
            }
        }
    }
    messages
}

/// F2, F3 (F1 and F4 never fire: the organisation is a parent that owns all its workplaces).
pub(super) fn primary_checks(lines: &[WorkplaceLine], existing: &ExistingState) -> Vec<Message> {
    let Some(primary) = existing.primary() else {
        return Vec::new();
    };
    let primary_key = key(&primary.record.localestid);
    let primary_lines: Vec<&WorkplaceLine> = lines
        .iter()
        .filter(|l| l.kept && l.key == primary_key)
        .collect();
    let mut messages = Vec::new();
    if primary_lines.is_empty() {
        messages.push(cross_message(
            FileKind::Workplace,
            1,
            Severity::Error,
            955,
            "LOCALESTID",
            &primary.record.localestid,
            format!(
                "the file is missing the primary workplace {} ({}): every upload must include it",
                primary.record.name, primary.record.localestid
            ),
            &primary.record.localestid,
            None,
        ));
    }
    for line in primary_lines {
        if line.status == Some(Status::Delete) {
            messages.push(cross_message(
                FileKind::Workplace,
                1,
                Severity::Error,
                956,
                "STATUS",
                &line.cross.status,
                format!(
                    "the primary workplace {} cannot be deleted",
                    line.localestid
                ),
                &line.localestid,
                None,
            ));
        }
    }
    messages
}

/// Staff lines (STATUS NEW or UPDATE) of one workplace: how many, and whether one is a
/// registered manager. UNCHECKED/NOCHANGE staff lines are not counted (§2.4 XW1, Appendix B.3).
#[derive(Default)]
struct StaffCount {
    records: u64,
    registered_manager: bool,
}

/// XW1–XW5 for workplaces with STATUS NEW, UPDATE or NOCHANGE.
pub(super) fn staff_count_checks(lines: &[WorkplaceLine], staff: &[StaffLine]) -> Vec<Message> {
    let mut counts: HashMap<&RecordKey, StaffCount> = HashMap::default();
    for staff_line in staff {
        if matches!(staff_line.status, Some(Status::New | Status::Update)) {
            let count = counts.entry(&staff_line.workplace_key).or_default();
            count.records += 1;
            count.registered_manager |=
                staff_line.main_job_role == Some(special::REGISTERED_MANAGER);
        }
    }
    let none = StaffCount::default();
    let mut messages = Vec::new();
    for line in lines {
        if !line.kept
            || !matches!(
                line.status,
                Some(Status::New | Status::Update | Status::NoChange)
            )
        {
            continue;
        }
        let count = counts.get(&line.key).unwrap_or(&none);
        let warn = |code: u32, column: &str, value: &str, message: String| {
            cross_message(
                FileKind::Workplace,
                line.line,
                Severity::Warning,
                code,
                column,
                value,
                message,
                &line.localestid,
                None,
            )
        };
        let columns = &line.cross;
        let total_matches = columns
            .total_perm_temp
            .is_some_and(|total| u64::from(total) == count.records);
        if !total_matches {
            messages.push(warn(
                2200,
                "TOTALPERMTEMP",
                &columns.total_perm_temp_text,
                format!(
                    "TOTALPERMTEMP does not match the {} staff records (NEW or UPDATE) for this workplace",
                    count.records
                ),
            ));
        } else {
            let staff_total = count.records;
            if let Some(starters) = count_sum(&columns.starters)
                && starters > staff_total
            {
                messages.push(warn(
                    2310,
                    "STARTERS",
                    &columns.starters,
                    format!("STARTERS add up to {starters}, more than the {staff_total} staff: check the counts"),
                ));
            }
            if let Some(leavers) = count_sum(&columns.leavers)
                && leavers >= staff_total
            {
                messages.push(warn(
                    2320,
                    "LEAVERS",
                    &columns.leavers,
                    format!("LEAVERS add up to {leavers}, as many as or more than the {staff_total} staff: check the counts"),
                ));
            }
            if let Some(vacancies) = count_sum(&columns.vacancies)
                && vacancies >= staff_total
            {
                messages.push(warn(
                    2300,
                    "VACANCIES",
                    &columns.vacancies,
                    format!(
                        "VACANCIES add up to {vacancies}, as many as or more than the {staff_total} staff: check the counts"
                    ),
                ));
            }
        }
        if columns.regtype == "2"
            && columns.main_service != "72"
            && !registered_manager_vacancy(&columns.job_roles, &columns.vacancies)
            && !count.registered_manager
        {
            messages.push(warn(
                2301,
                "VACANCIES",
                &columns.vacancies,
                "no registered manager: record a staff record with main job role 4 or a vacancy for one".to_string(),
            ));
        }
    }
    messages
}

/// The sum XW2–XW4 compare: `999` items are skipped; a blank or non-numeric item makes it unknown.
fn count_sum(text: &str) -> Option<u64> {
    let mut sum: u64 = 0;
    for item in text.split(';') {
        let value = parse_int(item)?;
        if value == i64::from(special::DONT_KNOW) {
            continue;
        }
        sum = sum.saturating_add_signed(value);
    }
    Some(sum)
}

/// Whether VACANCIES gives a vacancy above 0 for job role 4 (XW5), read positionally.
fn registered_manager_vacancy(roles: &str, vacancies: &str) -> bool {
    roles
        .split(';')
        .zip(vacancies.split(';'))
        .any(|(role, vacancy)| {
            parse_int(role) == Some(i64::from(special::REGISTERED_MANAGER))
                && parse_int(vacancy).is_some_and(|n| n > 0)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_skip_999_and_fail_on_blank_items() {
        // 2 + 3 = 5, the 999 is skipped.
        assert_eq!(count_sum("2;999;3"), Some(5));
        assert_eq!(count_sum("999"), Some(0));
        assert_eq!(count_sum("2;;3"), None);
        assert_eq!(count_sum(""), None);
        assert_eq!(count_sum("x"), None);
    }

    #[test]
    fn registered_manager_vacancies_are_read_by_position() {
        assert!(registered_manager_vacancy("8;4", "0;1"));
        assert!(!registered_manager_vacancy("8;4", "1;0"));
        assert!(!registered_manager_vacancy("", "1"));
    }
}
