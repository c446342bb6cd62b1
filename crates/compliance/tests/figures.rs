//! §11 required tests 11 (rate) and 16 (suppression), and the expiring list and alerts.

use carecount_compliance::Status;
use carecount_compliance::alerts::{AlertKind, alerts, expiring};
use carecount_compliance::facts::TrainingRecord;
use carecount_compliance::figures::{
    Audience, Field, Figures, PairFilter, SuppressionReason, compliance_figures, disclose,
    disclose_compliance,
};
use time::macros::date;

use crate::util::{evaluate, pair, shipped_profile, staff, synthetic_pair, synthetic_staff};

/// §11.11 Rate.
#[test]
fn required_11_rate() {
    let statuses: Vec<_> = [
        Status::Valid,
        Status::Valid,
        Status::Expiring,
        Status::Missing,
        Status::NotYetDue,
        Status::Exempt,
    ]
    .into_iter()
    .enumerate()
    .map(|(index, status)| {
        synthetic_staff(
            "WP1",
            &format!("S{index}"),
            vec![synthetic_pair("fire_safety", status)],
        )
    })
    .collect();
    let figures = compliance_figures(&statuses, &PairFilter::default());
    // required = 2 valid + 1 expiring + 0 expired + 1 missing = 4; rate (2 + 1) / 4 = 0.75.
    assert_eq!(figures.totals.required, 4);
    assert_eq!(figures.totals.not_yet_due, 1);
    assert_eq!(figures.totals.exempt, 1);
    assert_eq!(figures.totals.compliance_rate(), Some(0.75));
    assert_eq!(figures.totals.staff_records, 4);

    // A second topic, all six valid: required 4 + 6 = 10, rate (3 + 6) / 10 = 0.9.
    let statuses: Vec<_> = statuses
        .into_iter()
        .map(|mut status| {
            status
                .pairs
                .push(synthetic_pair("health_safety", Status::Valid));
            status
        })
        .collect();
    let figures = compliance_figures(&statuses, &PairFilter::default());
    assert_eq!(figures.totals.required, 10);
    assert_eq!(figures.totals.compliance_rate(), Some(0.9));
    assert_eq!(figures.topics.len(), 2);
    assert_eq!(figures.topics[1].figures.compliance_rate(), Some(1.0));
    // Filtered to one topic, the first figures again.
    let filter = PairFilter {
        topic: Some("fire_safety".to_owned()),
        ..PairFilter::default()
    };
    assert_eq!(compliance_figures(&statuses, &filter).totals.required, 4);
}

fn suppression_16(workplaces: u64) -> Figures {
    Figures {
        required: 12,
        valid: 7,
        expiring: 2,
        expired: 3,
        missing: 0,
        not_yet_due: 1,
        exempt: 0,
        in_progress: 0,
        staff_records: 12,
        workplaces,
    }
}

/// §11.16 Suppression.
#[test]
fn required_16_suppression() {
    let shown = disclose(suppression_16(3), Audience::Commissioner);
    assert_eq!(shown.count(Field::Required), Some(12));
    // Rate 9 / 12 = 0.75: required ≥ 10 and 3 workplaces.
    assert_eq!(shown.compliance_rate(), Some(0.75));
    assert_eq!(shown.count(Field::Exempt), Some(0));
    let reason = |field| shown.withheld.get(&field).copied();
    assert_eq!(
        reason(Field::Expiring),
        Some(SuppressionReason::CountBelow5)
    );
    assert_eq!(reason(Field::Expired), Some(SuppressionReason::CountBelow5));
    assert_eq!(
        reason(Field::NotYetDue),
        Some(SuppressionReason::CountBelow5)
    );
    // Identity 2: 12 × 0.75 = valid + expiring, expiring withheld → valid (the only other part).
    assert_eq!(reason(Field::Valid), Some(SuppressionReason::Complementary));
    // Identity 3: 12 × 0.25 = expired + missing, expired withheld → missing (0).
    assert_eq!(
        reason(Field::Missing),
        Some(SuppressionReason::Complementary)
    );
    assert_eq!(shown.withheld.len(), 5);

    let two = disclose(suppression_16(2), Audience::Commissioner);
    assert_eq!(two.compliance_rate(), None);
    assert_eq!(
        two.withheld.get(&Field::ComplianceRate),
        Some(&SuppressionReason::FewerThan3Workplaces)
    );
    // Identity 1 has two withheld parts (expiring, expired): valid and missing stay shown.
    assert_eq!(two.count(Field::Valid), Some(7));
    assert_eq!(two.count(Field::Missing), Some(0));

    let employer = disclose(suppression_16(2), Audience::Employer);
    assert!(employer.withheld.is_empty());
    assert_eq!(employer.count(Field::Expiring), Some(2));
}

#[test]
fn both_rate_reasons_report_denominator() {
    let figures = Figures {
        required: 6,
        valid: 6,
        workplaces: 1,
        staff_records: 6,
        ..Figures::default()
    };
    let shown = disclose(figures, Audience::Commissioner);
    assert_eq!(
        shown.withheld.get(&Field::ComplianceRate),
        Some(&SuppressionReason::DenominatorBelow10)
    );
}

/// Identity 4: a shown total must not give away a withheld part.
#[test]
fn identity_four_protects_totals() {
    // fire_safety: 10 valid, 3 expired (withheld, count_below_5). health_safety: 10 valid, 6 expired.
    // Totals: 20 valid, 9 expired, shown. With fire's expired withheld, 9 − health's 6 would reveal
    // it, so health's expired (the only other shown part) is withheld as complementary.
    let mut statuses = Vec::new();
    for index in 0..10 {
        statuses.push(synthetic_staff(
            &format!("WP{}", index % 3),
            &format!("A{index}"),
            vec![synthetic_pair("fire_safety", Status::Valid)],
        ));
        statuses.push(synthetic_staff(
            &format!("WP{}", index % 3),
            &format!("B{index}"),
            vec![synthetic_pair("health_safety", Status::Valid)],
        ));
    }
    for index in 0..3 {
        statuses.push(synthetic_staff(
            "WP0",
            &format!("AX{index}"),
            vec![synthetic_pair("fire_safety", Status::Expired)],
        ));
    }
    for index in 0..6 {
        statuses.push(synthetic_staff(
            "WP1",
            &format!("BX{index}"),
            vec![synthetic_pair("health_safety", Status::Expired)],
        ));
    }
    let figures = compliance_figures(&statuses, &PairFilter::default());
    let shown = disclose_compliance(&figures, Audience::Commissioner);
    let topic = |name: &str| {
        shown
            .topics
            .iter()
            .find(|(topic, _)| topic.topic == name)
            .map(|(_, shown)| shown.clone())
    };
    let (Some(fire), Some(health)) = (topic("fire_safety"), topic("health_safety")) else {
        panic!("topics")
    };
    assert_eq!(
        fire.withheld.get(&Field::Expired),
        Some(&SuppressionReason::CountBelow5)
    );
    assert_eq!(
        health.withheld.get(&Field::Expired),
        Some(&SuppressionReason::Complementary)
    );
    assert_eq!(shown.totals.count(Field::Expired), Some(9));
}

/// §5 expiring list and §7 alerts, with §11.7 and §11.13's alert days.
#[test]
fn expiring_list_and_alerts() {
    let profile = shipped_profile();
    // §11.13: the nurse's registration lapses on 2026-05-31; the `expired` alert is raised 06-01.
    let mut nurse = staff(16);
    nurse.start_date = Some(date!(2015 - 01 - 01));
    let registration = [TrainingRecord::entered(
        1,
        "nmc_registration",
        None,
        Some(date!(2025 - 06 - 01)),
        Some(date!(2026 - 05 - 31)),
    )];
    let lapsed = evaluate(&profile, &nurse, &registration, &[], date!(2026 - 06 - 01));
    let statuses = [lapsed];
    let raised = alerts(&statuses, date!(2026 - 06 - 01), 14);
    let nmc = raised
        .iter()
        .find(|alert| alert.item.pair.topic == "nmc_registration");
    assert_eq!(
        nmc.map(|alert| (alert.kind, alert.raised_on)),
        Some((AlertKind::Expired, Some(date!(2026 - 06 - 01))))
    );
    // At 2026-04-01 it is expiring: raised E − 60 = 2026-04-01, and on the 60-day expiring list.
    let expiring_now = [evaluate(
        &profile,
        &nurse,
        &registration,
        &[],
        date!(2026 - 04 - 01),
    )];
    let raised = alerts(&expiring_now, date!(2026 - 04 - 01), 14);
    let nmc = raised
        .iter()
        .find(|alert| alert.item.pair.topic == "nmc_registration");
    assert_eq!(
        nmc.map(|alert| (alert.kind, alert.raised_on)),
        Some((AlertKind::Expiring, Some(date!(2026 - 04 - 01))))
    );
    let listed = expiring(&expiring_now, date!(2026 - 04 - 01), 60);
    assert_eq!(
        listed
            .iter()
            .map(|item| item.pair.topic.as_str())
            .collect::<Vec<_>>(),
        ["nmc_registration"]
    );
    assert!(expiring(&expiring_now, date!(2026 - 04 - 01), 59).is_empty());

    // §11.7: a new starter's Care Certificate is due 2026-03-26; induction_overdue raised 03-27.
    let mut starter = staff(8);
    starter.start_date = Some(date!(2026 - 01 - 01));
    starter.contracted_hours = Some(37.5);
    let overdue = [evaluate(
        &profile,
        &starter,
        &[],
        &[],
        date!(2026 - 03 - 27),
    )];
    assert_eq!(
        pair(&overdue[0], "care_certificate").status,
        Status::Missing
    );
    let raised = alerts(&overdue, date!(2026 - 03 - 27), 14);
    let care_certificate = raised
        .iter()
        .find(|alert| alert.item.pair.topic == "care_certificate");
    assert_eq!(
        care_certificate.map(|alert| (alert.kind, alert.raised_on, alert.due_on)),
        Some((
            AlertKind::InductionOverdue,
            Some(date!(2026 - 03 - 27)),
            Some(date!(2026 - 03 - 26))
        ))
    );
    // Due soon: on 2026-03-12 the certificate (due 03-26) is 14 days off: raised 03-12, amber.
    let soon = [evaluate(
        &profile,
        &starter,
        &[],
        &[],
        date!(2026 - 03 - 12),
    )];
    let raised = alerts(&soon, date!(2026 - 03 - 12), 14);
    let care_certificate = raised
        .iter()
        .find(|alert| alert.item.pair.topic == "care_certificate");
    assert_eq!(
        care_certificate.map(|alert| (alert.kind, alert.raised_on)),
        Some((AlertKind::DueSoon, Some(date!(2026 - 03 - 12))))
    );
    // Red alerts sort before amber ones.
    let first_amber = raised
        .iter()
        .position(|alert| alert.rag.as_str() == "amber");
    let last_red = raised.iter().rposition(|alert| alert.rag.as_str() == "red");
    if let (Some(amber), Some(red)) = (first_amber, last_red) {
        assert!(red < amber);
    }
}
