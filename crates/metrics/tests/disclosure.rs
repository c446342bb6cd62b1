//! `metrics.md` §6: thresholds (4 vs 5 counts, 9 vs 10 denominators and values, 2 vs 3
//! workplaces), withheld figures leaking nothing, employers unsuppressed.

use carecount_metrics::{
    Audience, Contract, Disclose, Figure, GroupFilter, Pay, RoleCounts, SuppressionReason, metric,
    metric_for,
};

use crate::common::*;

/// `records_per_workplace[i]` permanent care workers at workplace i + 1, all in area A, with
/// vacancies "none" and days sick 1 each.
fn spread(records_per_workplace: &[usize]) -> carecount_metrics::Snapshot {
    let mut workplaces = Vec::new();
    let mut staff_records = Vec::new();
    for (position, count) in records_per_workplace.iter().enumerate() {
        let id = position as u64 + 1;
        workplaces.push(workplace(id, "A", "R"));
        let mut record = staff(id);
        record.days_sick = Some(1.0);
        record.pay = Some(Pay::Hourly(12.0));
        staff_records.extend(copies(*count, record));
    }
    snapshot(workplaces, staff_records)
}

fn commissioner(
    snapshot: &carecount_metrics::Snapshot,
    name: &str,
) -> carecount_metrics::MetricValue {
    metric_for(
        snapshot,
        name,
        &GroupFilter::area("A"),
        Audience::Commissioner,
    )
    .unwrap()
}

#[test]
fn counts_4_withheld_5_shown_0_shown() {
    let four = commissioner(&spread(&[4]), "staff_records");
    assert!(four.suppressed);
    assert_eq!(four.value, None);
    assert_eq!(
        four.suppression_reason,
        Some(SuppressionReason::CountBelow5)
    );
    assert_eq!(four.records, None);
    assert_eq!(four.workplaces, None);
    // 5 is shown even from a single workplace.
    let five = commissioner(&spread(&[5]), "staff_records");
    assert!(!five.suppressed);
    assert_eq!(five.value, Some(5.0));
    let zero = commissioner(&spread(&[]), "staff_records");
    assert!(!zero.suppressed);
    assert_eq!(zero.value, Some(0.0));
}

#[test]
fn rate_denominator_9_withheld_10_shown() {
    // Vacancy rate with no vacancies: denominator = directly employed records.
    // 3 + 3 + 3 = 9 → withheld; 3 + 3 + 4 = 10 → shown.
    let nine = commissioner(&spread(&[3, 3, 3]), "vacancy_rate");
    assert!(nine.suppressed);
    assert_eq!(
        nine.suppression_reason,
        Some(SuppressionReason::DenominatorBelow10)
    );
    for leaked in [nine.numerator, nine.denominator, nine.value] {
        assert_eq!(leaked, None);
    }
    assert_eq!(
        (nine.records, nine.workplaces, nine.unknown),
        (None, None, None)
    );
    let ten = commissioner(&spread(&[3, 3, 4]), "vacancy_rate");
    assert!(!ten.suppressed);
    assert_close(ten.value, 0.0);
}

#[test]
fn vacancy_denominator_counts_posts_not_records() {
    // 8 records and 2 vacancies: denominator 8 + 2 = 10 posts → shown.
    let mut snapshot = spread(&[3, 3, 2]);
    snapshot.workplaces[0].vacancies = RoleCounts::known(&[(8, 2)]);
    let value = commissioner(&snapshot, "vacancy_rate");
    assert!(!value.suppressed);
    assert_close(value.value, 0.2);
}

#[test]
fn rate_2_workplaces_withheld_3_shown() {
    let two = commissioner(&spread(&[10, 10]), "mean_days_sick");
    assert_eq!(
        two.suppression_reason,
        Some(SuppressionReason::FewerThan3Workplaces)
    );
    let three = commissioner(&spread(&[10, 10, 1]), "mean_days_sick");
    assert!(!three.suppressed);
    assert_close(three.value, 1.0);
}

#[test]
fn pay_9_values_withheld_10_shown() {
    let nine = commissioner(&spread(&[3, 3, 3]), "median_hourly_pay");
    assert_eq!(
        nine.suppression_reason,
        Some(SuppressionReason::FewerThan10Values)
    );
    let ten = commissioner(&spread(&[3, 3, 4]), "median_hourly_pay");
    assert!(!ten.suppressed);
    assert_close(ten.value, 12.0);
    // 10 values from 2 workplaces are still withheld.
    let two = commissioner(&spread(&[5, 5]), "median_hourly_pay");
    assert_eq!(
        two.suppression_reason,
        Some(SuppressionReason::FewerThan3Workplaces)
    );
}

#[test]
fn no_data_is_not_suppressed() {
    // A rate with denominator 0 has no value and is not suppressed.
    let empty = commissioner(&spread(&[]), "turnover_rate");
    assert_eq!(empty.value, None);
    assert!(!empty.suppressed);
}

#[test]
fn employer_sees_everything() {
    let snapshot = spread(&[4]);
    let value = metric_for(
        &snapshot,
        "staff_records",
        &GroupFilter::area("A"),
        Audience::Employer,
    )
    .unwrap();
    assert_eq!(value.value, Some(4.0));
    assert!(!value.suppressed);
    assert_eq!(
        value,
        metric(&snapshot, "staff_records", &GroupFilter::area("A")).unwrap()
    );
}

#[test]
fn suppressed_json_has_nulls_and_reason() {
    let value = commissioner(&spread(&[2, 2]), "agency_share");
    let json = serde_json::to_value(&value).unwrap();
    for key in [
        "value",
        "numerator",
        "denominator",
        "workplaces",
        "records",
        "unknown",
    ] {
        assert_eq!(json[key], serde_json::Value::Null, "{key}");
    }
    assert_eq!(json["suppressed"], serde_json::json!(true));
    assert_eq!(
        json["suppression_reason"],
        serde_json::json!("denominator_below_10")
    );
}

#[test]
fn figures_and_display_text() {
    let mut small = Figure::count(3.0);
    small.disclose(Audience::Commissioner);
    assert_eq!(small.display(), "< 5");
    let mut thin = Figure::ratio(1.0, 4.0, 5);
    thin.disclose(Audience::Commissioner);
    assert_eq!(thin.display(), "not enough data");
    assert_eq!(Figure::ratio(0.0, 0.0, 0).display(), "no data");
    let json = serde_json::to_value(thin).unwrap();
    // A table cell serialises only value and suppression state.
    assert_eq!(
        json,
        serde_json::json!({"value": null, "suppressed": true,
                           "suppression_reason": "denominator_below_10"})
    );
}

#[test]
fn agency_records_do_not_enter_vacancy_denominator() {
    // 3 workplaces of 4 agency + 1 permanent: directly employed 3 → withheld for a denominator
    // of 3 although there are 15 records.
    let mut snapshot = spread(&[1, 1, 1]);
    for id in 1..=3 {
        snapshot
            .staff
            .extend(copies(4, staff_as(id, 8, Contract::Agency)));
    }
    let value = commissioner(&snapshot, "vacancy_rate");
    assert_eq!(
        value.suppression_reason,
        Some(SuppressionReason::DenominatorBelow10)
    );
}

#[test]
fn a_withheld_count_takes_its_share_with_it() {
    use carecount_metrics::Gender;
    use carecount_metrics::tables::demographics;
    // 3 workplaces; 2 men and 18 women: the men's count (2) is withheld, and so is their share
    // (2 / 20 would give it back), while the women's 18 and 0.9 are shown.
    let mut snapshot = spread(&[7, 7, 6]);
    for (position, record) in snapshot.staff.iter_mut().enumerate() {
        record.gender = Some(if position < 2 {
            Gender::Male
        } else {
            Gender::Female
        });
    }
    let index = carecount_metrics::SnapshotIndex::new(&snapshot);
    let mut table = demographics(&index.group(&GroupFilter::area("A"))).gender;
    table.disclose(Audience::Commissioner);
    let male = &table.rows[0];
    assert_eq!(
        male.records.suppression_reason,
        Some(SuppressionReason::CountBelow5)
    );
    assert!(male.share.suppressed);
    assert_eq!(male.share.value, None);
    assert!(male.filled_posts.suppressed);
    let female = &table.rows[1];
    assert_eq!(female.records.value, Some(18.0));
    assert_close(female.share.value, 0.9);
}

#[test]
fn a_shown_figure_withholds_the_small_counts_it_rests_on() {
    // Two workplaces of 2 records each: 4 records, 2 workplaces. filled_posts = 4 (r = t unknown
    // → r). A count of 4 is withheld outright; a mean over 4 records is "not enough data".
    let snapshot = spread(&[2, 2]);
    let posts = commissioner(&snapshot, "filled_posts");
    assert!(posts.suppressed, "4 filled posts is a count below 5");
    // Five workplaces of one record each: staff_records = 5 is shown, but it rests on 5
    // workplaces (shown) — and zero-hours has no answers: "no data" with records 5 shown.
    let snapshot = spread(&[1, 1, 1, 1, 1]);
    let records = commissioner(&snapshot, "staff_records");
    assert_eq!(records.value, Some(5.0));
    assert_eq!(records.workplaces, Some(5));
    // A group of 4 workplaces holding 1 + 1 + 1 + 2 = 5 records for zero-hours (no answers):
    // no data, records 5 shown, unknown 5 shown — nothing between 1 and 4 survives.
    let snapshot = spread(&[1, 1, 1, 2]);
    let zero_hours = commissioner(&snapshot, "zero_hours_share");
    assert_eq!(zero_hours.value, None);
    assert!(!zero_hours.suppressed);
    assert_eq!(zero_hours.records, Some(5));
    // Its 4 workplaces are a count from 1 to 4: withheld (null), while the 5 records are shown.
    assert_eq!(zero_hours.workplaces, None);
}
