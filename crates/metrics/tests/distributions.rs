//! `metrics.md` §4–§5 tables: demographics, nearest-rank percentiles, pay summaries, leavers'
//! reasons, field completeness and the local authority return check.

use carecount_metrics::stats::{median, nearest_rank};
use carecount_metrics::tables::{
    age_band, demographics, field_completeness, la_return_check, leavers_reasons, pay_row,
};
use carecount_metrics::{Contract, Gender, GroupFilter, Pay, SnapshotIndex};

use crate::common::*;

#[test]
fn nearest_rank_edges() {
    let ten: Vec<f64> = (1..=10).map(f64::from).collect();
    // p10 of 10 values: rank ⌈1⌉ = 1 → 1; p90: rank 9 → 9; median: rank 5 → 5.
    assert_eq!(nearest_rank(&ten, 10), Some(1.0));
    assert_eq!(nearest_rank(&ten, 90), Some(9.0));
    assert_eq!(median(&ten), Some(5.0));
    // p100 is the largest; p0 the smallest (rank 1).
    assert_eq!(nearest_rank(&ten, 100), Some(10.0));
    assert_eq!(nearest_rank(&ten, 0), Some(1.0));
    // p91 of 10: ⌈9.1⌉ = 10.
    assert_eq!(nearest_rank(&ten, 91), Some(10.0));
    // One value is every percentile; none gives none.
    assert_eq!(nearest_rank(&[7.5], 10), Some(7.5));
    assert_eq!(median(&[]), None);
    // Odd n = 5: median rank ⌈2.5⌉ = 3.
    assert_eq!(median(&[1.0, 2.0, 3.0, 4.0, 5.0]), Some(3.0));
}

#[test]
fn age_bands_edges() {
    // Keys of AGE_BANDS by index: 0 under_20, 1 20_24, 2 25_34, ..., 5 55_64, 6 65_plus.
    assert_eq!(age_band(19), Some(0));
    assert_eq!(age_band(20), Some(1));
    assert_eq!(age_band(24), Some(1));
    assert_eq!(age_band(25), Some(2));
    assert_eq!(age_band(64), Some(5));
    assert_eq!(age_band(65), Some(6));
}

#[test]
fn gender_breakdown_adds_up_to_records_and_filled_posts() {
    // Workplace 1: t unknown, 4 records (male, female, female, not recorded) → 4 filled posts,
    // 1 per record. Workplace 2: t = 6, no records → its 6 posts go to "not recorded".
    let genders = [
        Some(Gender::Male),
        Some(Gender::Female),
        Some(Gender::Female),
        None,
    ];
    let staff: Vec<_> = genders
        .iter()
        .map(|gender| {
            let mut record = staff(1);
            record.gender = *gender;
            record
        })
        .collect();
    let mut empty = workplace(2, "A", "R");
    empty.total_perm_temp = Some(6);
    let snapshot = snapshot(vec![workplace(1, "A", "R"), empty], staff);
    let index = SnapshotIndex::new(&snapshot);
    let tables = demographics(&index.group(&GroupFilter::area("A")));
    let rows = &tables.gender.rows;
    let keys: Vec<&str> = rows.iter().map(|row| row.key.as_str()).collect();
    assert_eq!(keys, ["male", "female", "other", "not_recorded"]);
    let records: Vec<Option<f64>> = rows.iter().map(|row| row.records.value).collect();
    assert_eq!(records, [Some(1.0), Some(2.0), Some(0.0), Some(1.0)]);
    let posts: Vec<Option<f64>> = rows.iter().map(|row| row.filled_posts.value).collect();
    // 1 + 2 + 0 + (1 + 6) = 10 = 4 + 6 filled posts.
    assert_eq!(posts, [Some(1.0), Some(2.0), Some(0.0), Some(7.0)]);
    // Shares of the 3 known answers: 1/3 male, 2/3 female; the not-recorded row has none.
    assert_close(rows[0].share.value, 1.0 / 3.0);
    assert_close(rows[1].share.value, 2.0 / 3.0);
    assert_eq!(rows[3].share.value, None);
}

#[test]
fn ethnicity_nationality_and_age_groups() {
    let facts = [
        (Some(31), Some(826), Some(19)), // White, British, under 20
        (Some(44), Some(616), Some(55)), // Black, Polish → EU, 55–64
        (Some(99), Some(566), Some(70)), // don't know, Nigerian → non-EU, 65+
        (None, Some(998), None),         // blank, don't know, no DOB
    ];
    let staff: Vec<_> = facts
        .iter()
        .map(|(ethnicity, nationality, age)| {
            let mut record = staff(1);
            record.ethnicity = *ethnicity;
            record.nationality = *nationality;
            record.age = *age;
            record
        })
        .collect();
    let snapshot = snapshot(vec![workplace(1, "A", "R")], staff);
    let index = SnapshotIndex::new(&snapshot);
    let tables = demographics(&index.group(&GroupFilter::area("A")));
    let count = |distribution: &carecount_metrics::tables::Distribution, key: &str| {
        distribution
            .rows
            .iter()
            .find(|row| row.key == key)
            .and_then(|row| row.records.value)
    };
    assert_eq!(count(&tables.ethnic_group, "white"), Some(1.0));
    assert_eq!(count(&tables.ethnic_group, "black"), Some(1.0));
    // 99 and blank are both not recorded.
    assert_eq!(count(&tables.ethnic_group, "not_recorded"), Some(2.0));
    assert_eq!(count(&tables.nationality_group, "british"), Some(1.0));
    assert_eq!(count(&tables.nationality_group, "eu"), Some(1.0));
    assert_eq!(count(&tables.nationality_group, "non_eu"), Some(1.0));
    assert_eq!(count(&tables.nationality_group, "not_recorded"), Some(1.0));
    assert_eq!(count(&tables.age_band, "under_20"), Some(1.0));
    assert_eq!(count(&tables.age_band, "55_64"), Some(1.0));
    assert_eq!(count(&tables.age_band, "65_plus"), Some(1.0));
    assert_eq!(count(&tables.age_band, "not_recorded"), Some(1.0));
}

#[test]
fn pay_summary_mean_and_percentiles() {
    // Hourly 10, 11, ..., 19 (10 values over 2 workplaces).
    let staff: Vec<_> = (0..10u32)
        .map(|step| {
            let mut record = staff(1 + u64::from(step % 2));
            record.pay = Some(Pay::Hourly(10.0 + f64::from(step)));
            record
        })
        .collect();
    let snapshot = snapshot(vec![workplace(1, "A", "R"), workplace(2, "A", "R")], staff);
    let index = SnapshotIndex::new(&snapshot);
    let row = pay_row(&index.group(&GroupFilter::area("A")), Some(8));
    // Median rank 5 → 14; mean (10 + 19) / 2 = 14.5; p10 rank 1 → 10; p90 rank 9 → 18.
    assert_close(row.hourly.median.value, 14.0);
    assert_close(row.hourly.mean.value, 14.5);
    assert_close(row.hourly.p10.value, 10.0);
    assert_close(row.hourly.p90.value, 18.0);
    assert_close(row.hourly.n.value, 10.0);
    assert_eq!(row.annual.median.value, None);
    assert_eq!(row.label, "Care worker");
}

#[test]
fn leavers_reasons_sum_over_workplaces() {
    let mut first = workplace(1, "A", "R");
    first.leaver_reasons = vec![(1, 2), (3, 1)];
    let mut second = workplace(2, "A", "R");
    second.leaver_reasons = vec![(1, 1)];
    let snapshot = snapshot(vec![first, second], vec![]);
    let index = SnapshotIndex::new(&snapshot);
    let rows = leavers_reasons(&index.group(&GroupFilter::area("A")));
    // Reason 1: 2 + 1 = 3 of 4; reason 3: 1 of 4.
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].reason, 1);
    assert_eq!(rows[0].leavers.value, Some(3.0));
    assert_close(rows[0].share.value, 0.75);
    assert_eq!(rows[1].reason, 3);
    assert_eq!(rows[1].leavers.value, Some(1.0));
}

/// Ten records with every LA-return field known, then `blank` applied to the first `n`.
fn ten_complete(
    n: usize,
    blank: fn(&mut carecount_metrics::StaffFacts),
) -> carecount_metrics::Snapshot {
    let staff: Vec<_> = (0..10)
        .map(|position| {
            let mut record = staff(1);
            record.age = Some(30);
            record.gender = Some(Gender::Female);
            record.ethnicity = Some(31);
            record.days_sick = Some(0.0);
            record.zero_hours = Some(false);
            record.contracted_hours = Some(37.5);
            record.pay = Some(Pay::Hourly(12.0));
            record.social_care_qualification = Some(carecount_metrics::Qualification::No);
            record.other_qualification = Some(carecount_metrics::Qualification::No);
            if position < n {
                blank(&mut record);
            }
            record
        })
        .collect();
    snapshot(vec![workplace(1, "A", "R")], staff)
}

#[test]
fn la_return_check_90_percent_and_100_percent_fields() {
    let check = |snapshot: &carecount_metrics::Snapshot| {
        let index = SnapshotIndex::new(snapshot);
        la_return_check(&index.group(&GroupFilter::area("A")))
    };
    // 9 of 10 with a date of birth = 90%: passes.
    let nine = check(&ten_complete(1, |record| record.age = None));
    assert!(nine.pass, "{:?}", nine.failing_fields);
    // 8 of 10 = 80%: fails on date_of_birth only.
    let eight = check(&ten_complete(2, |record| record.age = None));
    assert!(!eight.pass);
    assert_eq!(eight.failing_fields, ["date_of_birth"]);
    // Name or ID must be 100%: one missing fails.
    let unnamed = check(&ten_complete(1, |record| record.has_name_or_id = false));
    assert_eq!(unnamed.failing_fields, ["name_or_id"]);
    // Days sick is not asked of agency or bank staff: 2 agency records without it still pass.
    let agency = check(&ten_complete(2, |record| {
        record.contract = Some(Contract::Agency);
        record.days_sick = None;
    }));
    assert!(agency.pass, "{:?}", agency.failing_fields);
}

#[test]
fn field_completeness_shares() {
    let snapshot = ten_complete(3, |record| record.gender = None);
    let index = SnapshotIndex::new(&snapshot);
    let fields = field_completeness(&index.group(&GroupFilter::area("A")));
    let gender = fields.iter().find(|field| field.field == "gender").unwrap();
    // 7 of 10 with gender.
    assert_eq!(gender.known.value, Some(7.0));
    assert_close(gender.share.value, 0.7);
    let nationality = fields
        .iter()
        .find(|field| field.field == "nationality")
        .unwrap();
    // Nationality was never set: 0 of 10.
    assert_close(nationality.share.value, 0.0);
}

#[test]
fn hourly_differential_is_the_difference_of_medians() {
    use carecount_metrics::tables::hourly_differential;
    // Senior care workers (7): 13, 14, 15 → median rank 2 = 14. Care workers (8): 11, 12 →
    // median rank 1 = 11. Differential 14 − 11 = 3.
    let mut staff_records = Vec::new();
    for (job_role, rate) in [(7, 13.0), (7, 14.0), (7, 15.0), (8, 11.0), (8, 12.0)] {
        let mut record = crate::common::staff_as(1, job_role, Contract::Permanent);
        record.pay = Some(Pay::Hourly(rate));
        staff_records.push(record);
    }
    let snapshot = snapshot(vec![workplace(1, "A", "R")], staff_records);
    let index = SnapshotIndex::new(&snapshot);
    let group = index.group(&GroupFilter::area("A"));
    assert_close(hourly_differential(&group, 7, 8), 3.0);
    // A role with no hourly pay gives no differential.
    assert_eq!(hourly_differential(&group, 7, 16), None);
}

#[test]
fn age_summary_and_its_suppression() {
    use carecount_metrics::{Audience, Disclose, SuppressionReason};
    // Ages 20, 30, ..., 100: 9 values at 3 workplaces.
    let staff_records: Vec<_> = (0..9u32)
        .map(|step| {
            let mut record = staff(1 + u64::from(step % 3));
            record.age = Some(20 + 10 * step);
            record
        })
        .collect();
    let snapshot = snapshot(
        vec![
            workplace(1, "A", "R"),
            workplace(2, "A", "R"),
            workplace(3, "A", "R"),
        ],
        staff_records,
    );
    let index = SnapshotIndex::new(&snapshot);
    let mut tables = demographics(&index.group(&GroupFilter::area("A")));
    // Median rank ⌈4.5⌉ = 5 → 60; mean (20 + 100) / 2 = 60.
    assert_close(tables.age.median.value, 60.0);
    assert_close(tables.age.mean.value, 60.0);
    // 9 values: withheld from commissioners.
    tables.disclose(Audience::Commissioner);
    assert_eq!(
        tables.age.median.suppression_reason,
        Some(SuppressionReason::FewerThan10Values)
    );
}
