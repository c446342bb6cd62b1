//! `metrics.md` §2: staff records, filled posts (every reconciliation branch), vacant and total
//! posts, record completion.

use carecount_metrics::{
    Contract, GroupFilter, MetricsError, RoleCounts, metric, metric_names, reconcile,
};

use crate::common::*;

#[test]
fn reconciliation_branches() {
    // t unknown → r.
    assert_eq!(reconcile(10, None).filled_posts, 10.0);
    assert!(!reconcile(10, None).unreconciled);
    // t = r → r.
    assert_eq!(reconcile(10, Some(10)).filled_posts, 10.0);
    // both ≥ 3 and |12 − 10| = 2 < 5 → (10 + 12) / 2 = 11.
    assert_eq!(reconcile(10, Some(12)).filled_posts, 11.0);
    // |7 − 3| = 4 < 5, both ≥ 3 → (3 + 7) / 2 = 5.
    assert_eq!(reconcile(3, Some(7)).filled_posts, 5.0);
    // |8 − 3| = 5, not < 5; 10% of 5.5 = 0.55 → t = 8, unreconciled.
    let wide = reconcile(3, Some(8));
    assert_eq!(wide.filled_posts, 8.0);
    assert!(wide.unreconciled);
    // |108 − 100| = 8 ≥ 5 but 8 < 10% of 104 = 10.4 → 104.
    assert_eq!(reconcile(100, Some(108)).filled_posts, 104.0);
    // |48 − 40| = 8 ≥ 5 and 8 ≥ 10% of 44 = 4.4 → t = 48, unreconciled.
    let far = reconcile(40, Some(48));
    assert_eq!(far.filled_posts, 48.0);
    assert!(far.unreconciled);
    // r = 2 < 3 → t = 4, unreconciled even though the gap is small.
    let small = reconcile(2, Some(4));
    assert_eq!(small.filled_posts, 4.0);
    assert!(small.unreconciled);
    // No records at all, t = 6 → 6, unreconciled.
    assert_eq!(reconcile(0, Some(6)).filled_posts, 6.0);
}

/// Three workplaces in area A:
/// * 1: t unknown; 4 records (roles 8, 8, 7, 25); vacancies 8:2, 7:1.
/// * 2: t = 5; 3 records (roles 8, 7, 7); vacancies unknown.
/// * 3: t = 6; no records; vacancies none.
fn three_workplaces() -> carecount_metrics::Snapshot {
    let mut first = workplace(1, "A", "R");
    first.vacancies = RoleCounts::known(&[(8, 2), (7, 1)]);
    let mut second = workplace(2, "A", "R");
    second.total_perm_temp = Some(5);
    second.vacancies = RoleCounts::Unknown;
    let mut third = workplace(3, "A", "R");
    third.total_perm_temp = Some(6);
    let staff = vec![
        staff_as(1, 8, Contract::Permanent),
        staff_as(1, 8, Contract::Agency),
        staff_as(1, 7, Contract::Permanent),
        staff_as(1, 25, Contract::Temporary),
        staff_as(2, 8, Contract::Permanent),
        staff_as(2, 7, Contract::PoolBank),
        staff_as(2, 7, Contract::Permanent),
    ];
    snapshot(vec![first, second, third], staff)
}

fn care_workers() -> GroupFilter {
    GroupFilter {
        job_role: Some(8),
        ..GroupFilter::area("A")
    }
}

#[test]
fn staff_records_counts_every_contract_type() {
    let snapshot = three_workplaces();
    // 4 + 3 + 0 = 7 records, agency and bank included.
    let all = metric(&snapshot, "staff_records", &GroupFilter::area("A")).unwrap();
    assert_eq!(all.value, Some(7.0));
    assert_eq!(all.workplaces, Some(3));
    // Care workers: 2 at workplace 1, 1 at workplace 2 = 3.
    let roles = metric(&snapshot, "staff_records", &care_workers()).unwrap();
    assert_eq!(roles.value, Some(3.0));
}

#[test]
fn filled_posts_sum_and_role_share() {
    let snapshot = three_workplaces();
    // 1: t unknown → r = 4. 2: r = 3, t = 5, gap 2 < 5 → 4. 3: r = 0 < 3 → t = 6. Sum 14.
    let all = metric(&snapshot, "filled_posts", &GroupFilter::area("A")).unwrap();
    assert_close(all.value, 14.0);
    // Care workers: 1 → 4 × 2/4 = 2; 2 → 4 × 1/3; 3 → no records, nothing shared. 2 + 4/3.
    let roles = metric(&snapshot, "filled_posts", &care_workers()).unwrap();
    assert_close(roles.value, 2.0 + 4.0 / 3.0);
}

#[test]
fn vacant_and_total_posts() {
    let snapshot = three_workplaces();
    // Known answers: 1 → 2 + 1 = 3; 3 → none = 0; 2 unknown is left out. Σ = 3.
    let vacant = metric(&snapshot, "vacant_posts", &GroupFilter::area("A")).unwrap();
    assert_eq!(vacant.value, Some(3.0));
    assert_eq!(vacant.workplaces, Some(2));
    assert_eq!(vacant.unknown, Some(1));
    // Care workers: 2 at workplace 1.
    let roles = metric(&snapshot, "vacant_posts", &care_workers()).unwrap();
    assert_eq!(roles.value, Some(2.0));
    // Total posts = 14 filled (workplace 2 still adds its 4) + 3 vacant = 17.
    let total = metric(&snapshot, "total_posts", &GroupFilter::area("A")).unwrap();
    assert_close(total.value, 17.0);
}

#[test]
fn record_completion_caps_each_workplace_at_its_total() {
    let snapshot = three_workplaces();
    // t known at 2 (min(3, 5) = 3 of 5) and 3 (min(0, 6) = 0 of 6): 3 / 11.
    let value = metric(&snapshot, "record_completion", &GroupFilter::area("A")).unwrap();
    assert_close(value.value, 3.0 / 11.0);
    assert_eq!(value.numerator, Some(3.0));
    assert_eq!(value.denominator, Some(11.0));
    assert_eq!(value.unknown, Some(1));

    // One workplace with more records (12) than declared (10): min(12, 10) / 10 = 1.
    let mut over = workplace(9, "B", "R");
    over.total_perm_temp = Some(10);
    let single = snapshot_of_one(over, 12);
    let capped = metric(&single, "record_completion", &GroupFilter::area("B")).unwrap();
    assert_close(capped.value, 1.0);
}

fn snapshot_of_one(
    workplace: carecount_metrics::WorkplaceFacts,
    records: usize,
) -> carecount_metrics::Snapshot {
    let id = workplace.id;
    snapshot(vec![workplace], copies(records, staff(id)))
}

#[test]
fn record_completion_refuses_a_role_filter() {
    let snapshot = three_workplaces();
    let error = metric(&snapshot, "record_completion", &care_workers()).unwrap_err();
    assert!(matches!(error, MetricsError::FilterNotApplicable { .. }));
}

#[test]
fn unknown_metric_lists_every_valid_name() {
    let snapshot = three_workplaces();
    let error = metric(&snapshot, "vacancy", &GroupFilter::england()).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("unknown metric `vacancy`"));
    for name in metric_names() {
        assert!(message.contains(name), "{name} missing from {message}");
    }
}

#[test]
fn unknown_codes_list_valid_ones() {
    let snapshot = three_workplaces();
    let bad_role = GroupFilter {
        job_role: Some(12),
        ..GroupFilter::england()
    };
    let message = metric(&snapshot, "staff_records", &bad_role)
        .unwrap_err()
        .to_string();
    assert!(message.contains("unknown job role code 12"));
    assert!(message.contains("8 Care worker"));
    let bad_service = GroupFilter {
        service: Some(3),
        ..GroupFilter::england()
    };
    let message = metric(&snapshot, "staff_records", &bad_service)
        .unwrap_err()
        .to_string();
    assert!(message.contains("unknown service code 3"));
    assert!(message.contains("72 Head office services"));
    assert!(carecount_metrics::parse_sector("public").is_err());
    assert!(carecount_metrics::parse_role_group("nurses").is_err());
}

#[test]
fn every_spec_metric_name_is_answered() {
    // The names metrics.md gives in `code`, listed by hand from the spec.
    let spec = [
        "staff_records",
        "filled_posts",
        "vacant_posts",
        "total_posts",
        "record_completion",
        "vacancy_rate",
        "turnover_rate",
        "starters_rate",
        "stability_rate",
        "zero_hours_share",
        "qualification_l2_rate",
        "care_certificate_rate",
        "agency_share",
        "median_hourly_pay",
        "median_annual_pay",
        "median_annual_pay_fte",
        "mean_days_sick",
        "mean_years_in_sector",
    ];
    let snapshot = three_workplaces();
    for name in spec {
        assert!(metric_names().contains(&name), "{name}");
        assert!(
            metric(&snapshot, name, &GroupFilter::area("A")).is_ok(),
            "{name}"
        );
    }
    assert_eq!(metric_names().len(), spec.len());
}
