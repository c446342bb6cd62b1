//! `metrics.md` §3 and §4: every rate and mean, with unknowns, role filters and empty groups.

use carecount_codes::RoleGroup;
use carecount_metrics::{
    CareCertificate, Contract, GroupFilter, Pay, Qualification, RoleCounts, metric,
};
use time::macros::date;

use crate::common::*;

/// Workplace A: 6 permanent care workers (8), 2 temporary senior care workers (7), 2 agency
/// care workers. Workplace B: 3 permanent care workers, 2 permanent administrators (25).
/// Workplace C: 4 permanent care workers, every workforce answer unknown.
fn workforce() -> carecount_metrics::Snapshot {
    let mut a = workplace(1, "A", "R");
    a.vacancies = RoleCounts::known(&[(8, 2)]);
    a.leavers = RoleCounts::known(&[(8, 3)]);
    a.starters = RoleCounts::none();
    let mut b = workplace(2, "A", "R");
    b.vacancies = RoleCounts::known(&[(8, 0), (25, 0)]);
    b.leavers = RoleCounts::known(&[(7, 1), (8, 1)]);
    b.starters = RoleCounts::known(&[(8, 2), (25, 1)]);
    let mut c = workplace(3, "A", "R");
    c.vacancies = RoleCounts::Unknown;
    c.leavers = RoleCounts::Unknown;
    c.starters = RoleCounts::Unknown;
    let mut staff = Vec::new();
    staff.extend(copies(6, staff_as(1, 8, Contract::Permanent)));
    staff.extend(copies(2, staff_as(1, 7, Contract::Temporary)));
    staff.extend(copies(2, staff_as(1, 8, Contract::Agency)));
    staff.extend(copies(3, staff_as(2, 8, Contract::Permanent)));
    staff.extend(copies(2, staff_as(2, 25, Contract::Permanent)));
    staff.extend(copies(4, staff_as(3, 8, Contract::Permanent)));
    snapshot(vec![a, b, c], staff)
}

fn area() -> GroupFilter {
    GroupFilter::area("A")
}

fn with_role(job_role: u32) -> GroupFilter {
    GroupFilter {
        job_role: Some(job_role),
        ..area()
    }
}

#[test]
fn vacancy_rate_adds_vacancies_to_directly_employed_records() {
    let value = metric(&workforce(), "vacancy_rate", &area()).unwrap();
    // Known: A (2 vacancies, 8 directly employed: 6 + 2; agency left out) and B (0, 5).
    // 2 / (8 + 5 + 2) = 2 / 15. C is excluded as unknown.
    assert_close(value.value, 2.0 / 15.0);
    assert_eq!(value.numerator, Some(2.0));
    assert_eq!(value.denominator, Some(15.0));
    assert_eq!(value.workplaces, Some(2));
    assert_eq!(value.records, Some(13));
    assert_eq!(value.unknown, Some(1));
}

#[test]
fn turnover_rate_all_roles_and_by_role() {
    let value = metric(&workforce(), "turnover_rate", &area()).unwrap();
    // Leavers 3 (A) + 2 (B) = 5 over 8 + 5 = 13 directly employed records.
    assert_close(value.value, 5.0 / 13.0);
    // Care workers: leavers 3 + 1 = 4; directly employed care workers 6 (A) + 3 (B) = 9.
    let care = metric(&workforce(), "turnover_rate", &with_role(8)).unwrap();
    assert_close(care.value, 4.0 / 9.0);
    assert_eq!(care.records, Some(9));
    // Administrators: no leavers listed (counts 0) over 2 records at B, 0 at A.
    let admin = metric(&workforce(), "turnover_rate", &with_role(25)).unwrap();
    assert_close(admin.value, 0.0);
    assert_eq!(admin.workplaces, Some(2));
}

#[test]
fn starters_rate_with_none_and_role_group() {
    let value = metric(&workforce(), "starters_rate", &area()).unwrap();
    // A answered "none" (0), B 2 + 1 = 3: 3 / 13.
    assert_close(value.value, 3.0 / 13.0);
    // Direct care (7 and 8): starters 2 (role 8 at B); records 6 + 2 (A) + 3 (B) = 11.
    let direct = GroupFilter {
        role_group: Some(RoleGroup::DirectCare),
        ..area()
    };
    let value = metric(&workforce(), "starters_rate", &direct).unwrap();
    assert_close(value.value, 2.0 / 11.0);
}

#[test]
fn agency_share_counts_all_records() {
    let value = metric(&workforce(), "agency_share", &area()).unwrap();
    // 2 agency of 10 + 5 + 4 = 19 records.
    assert_close(value.value, 2.0 / 19.0);
    assert_eq!(value.unknown, Some(0));
}

#[test]
fn stability_rate_uses_365_days_before_d() {
    // D = 2025-03-31, D − 365 days = 2024-03-31.
    let mut staff = vec![
        staff(1),                         // start on D − 365: stable
        staff(1),                         // start the day after: not stable
        staff(1),                         // long ago: stable
        staff(1),                         // unknown start
        staff_as(1, 8, Contract::Agency), // not directly employed: outside the population
    ];
    staff[0].start_date = Some(date!(2024 - 03 - 31));
    staff[1].start_date = Some(date!(2024 - 04 - 01));
    staff[2].start_date = Some(date!(2020 - 01 - 01));
    staff[4].start_date = Some(date!(2010 - 01 - 01));
    let snapshot = snapshot(vec![workplace(1, "A", "R")], staff);
    let value = metric(&snapshot, "stability_rate", &area()).unwrap();
    // 2 stable of 3 known; population 4 directly employed records, 1 unknown.
    assert_close(value.value, 2.0 / 3.0);
    assert_eq!(value.records, Some(4));
    assert_eq!(value.unknown, Some(1));
    assert_eq!(value.workplaces, Some(1));
}

#[test]
fn zero_hours_share_over_known_answers_of_every_contract() {
    let answers = [
        Some(true),
        Some(true),
        Some(false),
        Some(false),
        Some(false),
        None,
    ];
    let staff: Vec<_> = answers
        .iter()
        .enumerate()
        .map(|(index, answer)| {
            let contract = if index == 0 {
                Contract::Agency
            } else {
                Contract::Permanent
            };
            let mut record = staff_as(1, 8, contract);
            record.zero_hours = *answer;
            record
        })
        .collect();
    let snapshot = snapshot(vec![workplace(1, "A", "R")], staff);
    let value = metric(&snapshot, "zero_hours_share", &area()).unwrap();
    // 2 yes of 5 known (the agency record counts); 1 unknown of 6.
    assert_close(value.value, 2.0 / 5.0);
    assert_eq!(value.records, Some(6));
    assert_eq!(value.unknown, Some(1));
}

#[test]
fn qualification_rate_over_care_providing_records() {
    let answers = [
        Some(Qualification::Yes { level: Some(3) }), // yes, level 3: counts
        Some(Qualification::Yes { level: Some(2) }), // yes, level 2: counts
        Some(Qualification::Yes { level: Some(1) }), // level 1: known, not counted
        Some(Qualification::No),                     // no: known
        Some(Qualification::Yes { level: None }),    // level 999: unknown
        None,                                        // don't know: unknown
    ];
    let mut staff: Vec<_> = answers
        .iter()
        .map(|answer| {
            let mut record = staff(1);
            record.social_care_qualification = *answer;
            record
        })
        .collect();
    // An administrator (not care-providing) with level 5 is outside the population.
    let mut admin = staff_as(1, 25, Contract::Permanent);
    admin.social_care_qualification = Some(Qualification::Yes { level: Some(5) });
    staff.push(admin);
    let snapshot = snapshot(vec![workplace(1, "A", "R")], staff);
    let value = metric(&snapshot, "qualification_l2_rate", &area()).unwrap();
    // 2 of 4 known; 6 care-providing records, 2 unknown.
    assert_close(value.value, 0.5);
    assert_eq!(value.records, Some(6));
    assert_eq!(value.unknown, Some(2));
}

#[test]
fn care_certificate_rate_over_care_providing_records() {
    let answers = [
        Some(CareCertificate::Completed),
        Some(CareCertificate::InProgress),
        Some(CareCertificate::No),
        None,
    ];
    let mut staff: Vec<_> = answers
        .iter()
        .map(|answer| {
            let mut record = staff_as(1, 52, Contract::Permanent); // support worker
            record.care_certificate = *answer;
            record
        })
        .collect();
    let mut admin = staff_as(1, 25, Contract::Permanent);
    admin.care_certificate = Some(CareCertificate::Completed);
    staff.push(admin);
    let snapshot = snapshot(vec![workplace(1, "A", "R")], staff);
    let value = metric(&snapshot, "care_certificate_rate", &area()).unwrap();
    // 1 completed of 3 known; 4 care-providing records, 1 unknown (blank).
    assert_close(value.value, 1.0 / 3.0);
    assert_eq!(value.records, Some(4));
    assert_eq!(value.unknown, Some(1));
}

fn paid(workplace_id: u64, pay: Option<Pay>, hours: Option<f64>) -> carecount_metrics::StaffFacts {
    let mut record = staff_as(workplace_id, 8, Contract::Agency);
    record.pay = pay;
    record.contracted_hours = hours;
    record
}

#[test]
fn pay_medians_use_nearest_rank_and_fte() {
    let staff = vec![
        paid(1, Some(Pay::Hourly(13.0)), None),
        paid(1, Some(Pay::Hourly(10.0)), None),
        paid(2, Some(Pay::Hourly(12.0)), None),
        paid(2, Some(Pay::Hourly(11.0)), None),
        // 20,000 at 30 hours → FTE 20,000 × 37.5 / 30 = 25,000.
        paid(1, Some(Pay::Annual(20_000.0)), Some(30.0)),
        // 30,000 at 37.5 hours → not converted.
        paid(1, Some(Pay::Annual(30_000.0)), Some(37.5)),
        // 18,000 with hours unknown (blank or 999) → not converted.
        paid(2, Some(Pay::Annual(18_000.0)), None),
        // No pay recorded.
        paid(2, None, Some(20.0)),
    ];
    let snapshot = snapshot(vec![workplace(1, "A", "R"), workplace(2, "A", "R")], staff);
    // Hourly sorted 10, 11, 12, 13: rank ⌈0.5 × 4⌉ = 2 → 11 (not the interpolated 11.5).
    let hourly = metric(&snapshot, "median_hourly_pay", &area()).unwrap();
    assert_close(hourly.value, 11.0);
    assert_eq!(hourly.records, Some(4));
    assert_eq!(hourly.workplaces, Some(2));
    assert_eq!(hourly.unknown, Some(1));
    assert_eq!(hourly.numerator, None);
    // Annual sorted 18,000, 20,000, 30,000: rank ⌈1.5⌉ = 2 → 20,000.
    let annual = metric(&snapshot, "median_annual_pay", &area()).unwrap();
    assert_close(annual.value, 20_000.0);
    // FTE sorted 18,000, 25,000, 30,000 → 25,000.
    let fte = metric(&snapshot, "median_annual_pay_fte", &area()).unwrap();
    assert_close(fte.value, 25_000.0);
}

#[test]
fn fte_is_not_applied_at_zero_hours() {
    // CONTHOURS 0 is not 0 < hours, so the salary stands: 15,000.
    let snapshot = snapshot(
        vec![workplace(1, "A", "R")],
        vec![paid(1, Some(Pay::Annual(15_000.0)), Some(0.0))],
    );
    let fte = metric(&snapshot, "median_annual_pay_fte", &area()).unwrap();
    assert_close(fte.value, 15_000.0);
}

#[test]
fn mean_days_sick_over_directly_employed_known_answers() {
    let days = [Some(2.0), Some(4.5), None];
    let mut staff: Vec<_> = days
        .iter()
        .map(|day| {
            let mut record = staff(1);
            record.days_sick = *day;
            record
        })
        .collect();
    let mut agency = staff_as(1, 8, Contract::Agency);
    agency.days_sick = Some(10.0);
    staff.push(agency);
    let snapshot = snapshot(vec![workplace(1, "A", "R")], staff);
    let value = metric(&snapshot, "mean_days_sick", &area()).unwrap();
    // (2 + 4.5) / 2 = 3.25; the agency record is outside the population.
    assert_close(value.value, 3.25);
    assert_eq!(value.numerator, Some(6.5));
    assert_eq!(value.denominator, Some(2.0));
    assert_eq!(value.records, Some(3));
    assert_eq!(value.unknown, Some(1));
}

#[test]
fn mean_years_in_sector_from_the_as_of_year() {
    let years = [Some(2015), Some(2020), None, Some(2030)];
    let staff: Vec<_> = years
        .iter()
        .map(|year| {
            let mut record = staff_as(1, 8, Contract::PoolBank);
            record.start_in_sector = *year;
            record
        })
        .collect();
    let snapshot = snapshot(vec![workplace(1, "A", "R")], staff);
    let value = metric(&snapshot, "mean_years_in_sector", &area()).unwrap();
    // 2025 − 2015 = 10, 2025 − 2020 = 5 → 7.5; blank and the future year 2030 are unknown.
    assert_close(value.value, 7.5);
    assert_eq!(value.unknown, Some(2));
}

#[test]
fn empty_group_has_no_data_never_nan() {
    let snapshot = workforce();
    for name in carecount_metrics::metric_names() {
        let value = metric(&snapshot, name, &GroupFilter::area("nowhere")).unwrap();
        match value.kind {
            carecount_metrics::FigureKind::Count => assert_eq!(value.value, Some(0.0), "{name}"),
            _ => assert_eq!(value.value, None, "{name}"),
        }
        assert!(!value.suppressed);
        let json = serde_json::to_string(&value).unwrap();
        assert!(!json.contains("NaN"), "{json}");
    }
}

#[test]
fn metric_json_has_every_key() {
    let value = metric(&workforce(), "vacancy_rate", &area()).unwrap();
    let json = serde_json::to_value(&value).unwrap();
    let object = json.as_object().unwrap();
    let keys = [
        "metric",
        "value",
        "numerator",
        "denominator",
        "workplaces",
        "records",
        "unknown",
        "suppressed",
        "suppression_reason",
        "group",
    ];
    for key in keys {
        assert!(object.contains_key(key), "{key} missing");
    }
    assert_eq!(object.len(), keys.len());
    // Whole numbers are JSON integers, as in interfaces.md (57, not 57.0).
    assert_eq!(json["numerator"], serde_json::json!(2));
    assert_eq!(json["denominator"], serde_json::json!(15));
    assert_eq!(json["suppression_reason"], serde_json::Value::Null);
    assert_eq!(json["group"]["area"], serde_json::json!("A"));
    assert_eq!(json["group"]["as_of"], serde_json::json!("2025-03-31"));
    assert_eq!(json["group"]["job_role"], serde_json::Value::Null);
}

#[test]
fn as_of_between_snapshots_uses_the_older_snapshot_with_the_asked_date() {
    use carecount_metrics::{MetricsError, metric_on};
    // Older snapshot (2024-03-31): one record starting 2023-10-01. Newer (2025-03-31): 2.
    let mut record = staff(1);
    record.start_date = Some(date!(2023 - 10 - 01));
    let mut older = snapshot(vec![workplace(1, "A", "R")], vec![record.clone()]);
    older.as_of = date!(2024 - 03 - 31);
    let newer = snapshot(vec![workplace(1, "A", "R")], vec![record.clone(), record]);
    let snapshots = [older, newer];
    // On 2024-09-30 the older snapshot is current: 1 record.
    let between = date!(2024 - 09 - 30);
    let records = metric_on(&snapshots, between, "staff_records", &area()).unwrap();
    assert_eq!(records.value, Some(1.0));
    assert_eq!(records.group.as_of, "2024-09-30");
    // D − 365 days = 2023-10-01 (the span holds 29 February 2024), so the record is stable on
    // the asked date, though not on the snapshot's own date (2024-03-31 − 365 = 2023-04-01).
    let stable = metric_on(&snapshots, between, "stability_rate", &area()).unwrap();
    assert_close(stable.value, 1.0);
    let own_date = metric_on(&snapshots, date!(2024 - 03 - 31), "stability_rate", &area()).unwrap();
    assert_close(own_date.value, 0.0);
    // Before the first snapshot there is no data.
    let before = metric_on(&snapshots, date!(2023 - 01 - 01), "staff_records", &area());
    assert!(matches!(before, Err(MetricsError::NoSnapshot { .. })));
}
