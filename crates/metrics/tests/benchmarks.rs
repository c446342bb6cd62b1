//! `metrics.md` §7: comparison group with the LA → region → England fallback, pooled value,
//! quartiles and rank.

use carecount_metrics::{ComparisonLevel, MetricsError, SnapshotIndex, benchmark_workplace};

use crate::common::*;

/// Workplace 1 in area A (region R) has one directly employed record with `own_days` days
/// sick; `others` lists (id, area, region, days sick) of other care homes (service 2).
fn field(own_days: f64, others: &[(u64, &str, &str, f64)]) -> carecount_metrics::Snapshot {
    let mut workplaces = vec![workplace(1, "A", "R")];
    let mut own = staff(1);
    own.days_sick = Some(own_days);
    let mut staff_records = vec![own];
    for (id, area, region, days) in others {
        workplaces.push(workplace(*id, area, region));
        let mut record = staff(*id);
        record.days_sick = Some(*days);
        staff_records.push(record);
    }
    snapshot(workplaces, staff_records)
}

fn sickness_row(snapshot: &carecount_metrics::Snapshot) -> carecount_metrics::BenchmarkRow {
    let index = SnapshotIndex::new(snapshot);
    let benchmark = benchmark_workplace(&index, "org", "WP1").unwrap();
    benchmark
        .rows
        .into_iter()
        .find(|row| row.metric == "mean_days_sick")
        .unwrap()
}

#[test]
fn five_others_in_the_area_stay_local() {
    let others = [
        (2, "A", "R", 1.0),
        (3, "A", "R", 2.0),
        (4, "A", "R", 3.0),
        (5, "A", "R", 4.0),
        (6, "A", "R", 5.0),
        (7, "B", "R", 100.0), // same region, other area: not used
    ];
    let row = sickness_row(&field(2.5, &others));
    assert_eq!(row.level, ComparisonLevel::LocalAuthority);
    assert_eq!(row.level_code.as_deref(), Some("A"));
    assert_eq!(row.comparison_workplaces, 5);
    // Pooled: (1 + 2 + 3 + 4 + 5) / 5 records = 3.
    assert_close(row.comparison.value, 3.0);
    // Quartiles of 1..5 by nearest rank: ranks ⌈1.25⌉ = 2, ⌈2.5⌉ = 3, ⌈3.75⌉ = 4.
    assert_close(row.quartiles.q1.value, 2.0);
    assert_close(row.quartiles.median.value, 3.0);
    assert_close(row.quartiles.q3.value, 4.0);
    // Lower is better: only 1 and 2 beat 2.5 → rank 3 of 6.
    assert_eq!(row.rank, Some(3));
    assert_eq!(row.ranked_of, Some(6));
    assert_eq!(row.better.as_deref(), Some("lower"));
    assert_close(row.own.value, 2.5);
}

#[test]
fn four_others_in_the_area_widen_to_region() {
    let others = [
        (2, "A", "R", 1.0),
        (3, "A", "R", 2.0),
        (4, "A", "R", 3.0),
        (5, "A", "R", 4.0),
        (6, "B", "R", 5.0),
        (7, "C", "S", 100.0), // other region: not used
    ];
    let row = sickness_row(&field(0.5, &others));
    assert_eq!(row.level, ComparisonLevel::Region);
    assert_eq!(row.level_code.as_deref(), Some("R"));
    assert_eq!(row.comparison_workplaces, 5);
    // Best value: rank 1.
    assert_eq!(row.rank, Some(1));
}

#[test]
fn too_few_in_region_widen_to_england() {
    let others = [
        (2, "A", "R", 1.0),
        (3, "B", "R", 2.0),
        (4, "C", "S", 3.0),
        (5, "D", "S", 4.0),
    ];
    let row = sickness_row(&field(9.0, &others));
    // Only 4 others in England too: England is used anyway.
    assert_eq!(row.level, ComparisonLevel::England);
    assert_eq!(row.level_code, None);
    assert_eq!(row.comparison_workplaces, 4);
    // Worst of 5.
    assert_eq!(row.rank, Some(5));
}

#[test]
fn other_services_are_not_comparators() {
    let mut snapshot = field(1.0, &[(2, "A", "R", 1.0)]);
    snapshot.workplaces[1].main_service = 8;
    let row = sickness_row(&snapshot);
    assert_eq!(row.comparison_workplaces, 0);
    assert_eq!(row.comparison.value, None);
    assert_eq!(row.rank, Some(1));
    assert_eq!(row.ranked_of, Some(1));
}

#[test]
fn higher_is_better_for_pay_and_unranked_for_starters() {
    let index_snapshot = field(1.0, &[(2, "A", "R", 1.0)]);
    let index = SnapshotIndex::new(&index_snapshot);
    let benchmark = benchmark_workplace(&index, "org", "WP1").unwrap();
    let find = |name: &str| {
        benchmark
            .rows
            .iter()
            .find(|row| row.metric == name)
            .unwrap()
    };
    assert_eq!(find("median_hourly_pay").better.as_deref(), Some("higher"));
    assert_eq!(find("stability_rate").better.as_deref(), Some("higher"));
    assert_eq!(find("vacancy_rate").better.as_deref(), Some("lower"));
    assert_eq!(find("starters_rate").rank, None);
}

#[test]
fn unknown_workplace_is_an_error() {
    let snapshot = field(1.0, &[]);
    let index = SnapshotIndex::new(&snapshot);
    let error = benchmark_workplace(&index, "org", "NOPE").unwrap_err();
    assert!(matches!(error, MetricsError::UnknownWorkplace { .. }));
}

#[test]
fn a_single_figure_falls_back_from_area_to_region_to_england() {
    use carecount_metrics::{GroupFilter, RoleCounts, with_geography_fallback};
    // Area A's only workplace answered STARTERS "don't know"; B (same region R) has 2 starters
    // over 4 records; C (region S) 1 starter over 4 records.
    let mut a = workplace(1, "A", "R");
    a.starters = RoleCounts::Unknown;
    let mut b = workplace(2, "B", "R");
    b.starters = RoleCounts::known(&[(8, 2)]);
    let mut c = workplace(3, "C", "S");
    c.starters = RoleCounts::known(&[(8, 1)]);
    let mut records = copies(3, staff(1));
    records.extend(copies(4, staff(2)));
    records.extend(copies(4, staff(3)));
    let snapshot = snapshot(vec![a, b, c], records);
    let all = GroupFilter::england();
    let rate = |area: &str, region: Option<&str>| {
        with_geography_fallback(&snapshot, "starters_rate", &all, area, region).unwrap()
    };
    // A has no answer → region R (only B answers): 2 / 4 = 0.5.
    assert_eq!(rate("A", Some("R")), Some((0.5, ComparisonLevel::Region)));
    // Without a region → England, B and C: (2 + 1) / (4 + 4) = 0.375.
    assert_eq!(rate("A", None), Some((0.375, ComparisonLevel::England)));
    // C answers itself: 1 / 4 = 0.25.
    assert_eq!(
        rate("C", Some("S")),
        Some((0.25, ComparisonLevel::LocalAuthority))
    );
}
