//! §11 required test 15 (TNA) and unit costs.

use std::collections::BTreeMap;

use carecount_compliance::facts::{
    Exemption, ExemptionReason, StaffFacts, TrainingRecord, Validity,
};
use carecount_compliance::status::StaffStatus;
use carecount_compliance::tna::{
    CostOrigin, RateOrigin, StartersRate, StartersSource, Tna, TnaRequest, UnitCosts,
    parse_unit_costs, training_needs,
};
use carecount_compliance::{Catalogue, Profile, Status};
use time::Date;
use time::macros::date;

use crate::util::{CARE_HOME, evaluate, pair, shipped_profile};

const MOVING_PEOPLE: u16 = 15;
const D: Date = date!(2026 - 04 - 01);

/// The 41 staff records of §11.15 across three workplaces, evaluated at D.
fn area(profile: &Profile) -> Vec<StaffStatus> {
    let mut statuses = Vec::new();
    let mut next = 0u64;
    let mut add =
        |job_role: u16, employment: u8, start: Date, expiry: Option<Date>, exempt: bool| {
            next += 1;
            let workplace = format!("WP{}", next % 3);
            let mut worker =
                StaffFacts::new(&workplace, &format!("S{next:02}"), job_role, CARE_HOME);
            worker.employment_status = employment;
            worker.start_date = Some(start);
            worker.contracted_hours = Some(37.5);
            let records: Vec<TrainingRecord> = expiry
                .map(|expires| {
                    TrainingRecord::ascwds(
                        next,
                        MOVING_PEOPLE,
                        "Moving and handling people",
                        Some(date!(2025 - 01 - 01)),
                        Validity::Blank,
                        Some(expires),
                    )
                })
                .into_iter()
                .collect();
            let exemptions: Vec<Exemption> = if exempt {
                vec![Exemption {
                    id: next,
                    topic: "moving_people".to_owned(),
                    reason: ExemptionReason::LongTermAbsence,
                    note: String::new(),
                    from: date!(2026 - 01 - 01),
                    until: None,
                }]
            } else {
                Vec::new()
            };
            statuses.push(evaluate(profile, &worker, &records, &exemptions, D));
        };
    let settled = date!(2020 - 01 - 01);
    for _ in 0..10 {
        add(8, 1, settled, Some(date!(2027 - 06 - 30)), false);
    }
    for _ in 0..6 {
        add(8, 1, settled, Some(date!(2027 - 03 - 31)), false);
    }
    for _ in 0..2 {
        add(8, 1, settled, Some(date!(2027 - 04 - 01)), false);
    }
    for _ in 0..4 {
        add(8, 1, settled, Some(date!(2026 - 05 - 01)), false); // 30 days: expiring
    }
    for _ in 0..3 {
        add(8, 1, settled, Some(date!(2026 - 03 - 01)), false); // expired
    }
    for _ in 0..2 {
        add(8, 1, settled, None, false); // missing
    }
    for _ in 0..2 {
        add(8, 1, date!(2026 - 03 - 15), None, false); // due 2026-06-07: not yet due
    }
    add(8, 1, settled, Some(date!(2026 - 03 - 01)), true); // exempt
    add(8, 4, settled, Some(date!(2026 - 03 - 01)), false); // agency, expired
    for _ in 0..10 {
        add(34, 1, settled, None, false); // activities workers: outside R14
    }
    statuses
}

fn request<'a>(
    profile: &'a Profile,
    starters: &'a StartersSource,
    costs: &'a UnitCosts,
    horizon: u16,
    agency: bool,
) -> TnaRequest<'a> {
    TnaRequest {
        area: "E08000018",
        as_of: D,
        horizon_months: horizon,
        include_agency: agency,
        starters,
        unit_costs: costs,
        catalogue: Catalogue::shipped(),
        profile,
    }
}

fn moving_people(tna: &Tna) -> carecount_compliance::tna::TnaRow {
    match tna.rows.iter().find(|row| row.topic == "moving_people") {
        Some(row) => row.clone(),
        None => panic!("no moving_people row"),
    }
}

/// §11.15 TNA.
#[test]
fn required_15_tna() {
    let profile = shipped_profile();
    let statuses = area(&profile);
    // The fixture gives the statuses the test names.
    let count = |status: Status| {
        statuses
            .iter()
            .filter(|staff| {
                staff.staff.job_role == 8 && pair(staff, "moving_people").status == status
            })
            .count()
    };
    assert_eq!(
        (
            count(Status::Valid),
            count(Status::Expiring),
            count(Status::Expired),
            count(Status::Missing)
        ),
        (18, 4, 4, 2)
    );
    assert_eq!((count(Status::NotYetDue), count(Status::Exempt)), (2, 1));

    let rates: BTreeMap<String, StartersRate> = [(
        "direct_care".to_owned(),
        StartersRate {
            value: 0.25,
            from: RateOrigin::Area,
        },
    )]
    .into_iter()
    .collect();
    let starters = StartersSource::Rates(rates);
    let costs = UnitCosts::shipped();

    let Ok(tna) = training_needs(&request(&profile, &starters, &costs, 12, false), &statuses)
    else {
        panic!("tna")
    };
    assert_eq!(tna.horizon_end, date!(2027 - 04 - 01));
    let row = moving_people(&tna);
    // missing 2, expired 3 (agency left out), due_new 2, expiring_in_horizon 6 + 4 = 10 (2027-04-01
    // is not < T), starters ⌈30 × 0.25 × 12/12⌉ = ⌈7.5⌉ = 8: places 25.
    let c = row.components;
    assert_eq!(
        (
            c.missing,
            c.expired,
            c.due_new,
            c.expiring_in_horizon,
            c.starters
        ),
        (2, 3, 2, 10, 8)
    );
    assert_eq!(row.places, 25);
    // £600 a cohort of 12: ⌈25 / 12⌉ = 3 cohorts, £1,800; 25 × 6 = 150 hours.
    assert_eq!(row.cohorts, 3);
    assert_eq!(row.cost, Some(1800.0));
    assert_eq!(row.hours, Some(150.0));
    assert!(tna.illustrative_costs_used);

    // H 6: T 2026-10-01; expiring_in_horizon 4, starters ⌈3.75⌉ = 4, places 2 + 3 + 2 + 4 + 4 = 15,
    // ⌈15 / 12⌉ = 2 cohorts = £1,200.
    let Ok(tna) = training_needs(&request(&profile, &starters, &costs, 6, false), &statuses) else {
        panic!("tna")
    };
    let row = moving_people(&tna);
    assert_eq!(
        (row.components.expiring_in_horizon, row.components.starters),
        (4, 4)
    );
    assert_eq!((row.places, row.cost), (15, Some(1200.0)));

    // --include-agency, H 12: the agency worker's expired pair adds a place: 26, still 3 cohorts.
    let Ok(tna) = training_needs(&request(&profile, &starters, &costs, 12, true), &statuses) else {
        panic!("tna")
    };
    let row = moving_people(&tna);
    assert_eq!((row.places, row.cost), (26, Some(1800.0)));

    // Breakdowns: all in one service group and one role group here.
    let service_row = tna
        .by_service_group
        .iter()
        .find(|row| row.topic == "moving_people");
    assert_eq!(
        service_row.map(|row| (row.group.as_deref(), row.places)),
        Some((Some("adult_residential"), 26))
    );

    assert!(training_needs(&request(&profile, &starters, &costs, 61, false), &statuses).is_err());
}

#[test]
fn projection_starters_are_shared_by_records() {
    let profile = shipped_profile();
    let statuses = area(&profile);
    // 10 starters a year for direct care over 18 months: 10 + 10 × 6/12 = 15, shared over 40
    // direct-care records (30 care workers, 10 activities workers) → 30/40 × 15 = 11.25 → 12.
    let yearly: BTreeMap<String, Vec<f64>> = [("direct_care".to_owned(), vec![10.0, 10.0, 10.0])]
        .into_iter()
        .collect();
    let starters = StartersSource::Projection {
        run: "run-1".to_owned(),
        stat: "p50".to_owned(),
        as_of: date!(2026 - 01 - 01),
        yearly,
    };
    let costs = UnitCosts::shipped();
    let Ok(tna) = training_needs(&request(&profile, &starters, &costs, 18, false), &statuses)
    else {
        panic!("tna")
    };
    assert_eq!(moving_people(&tna).components.starters, 12);
    assert!(
        tna.warnings
            .iter()
            .any(|warning| warning.starts_with("projection_base_differs"))
    );
}

#[test]
fn unit_costs_replace_by_topic_and_level() {
    let catalogue = Catalogue::shipped();
    let file = "topic,level,delivery,cost_per_place,cohort_size,cost_per_cohort,learner_hours,source,status\n\
                moving_people,,taught,0,10,500,6,council framework,published\n";
    let Ok(overrides) = parse_unit_costs(catalogue, "costs.csv", file, CostOrigin::File) else {
        panic!("rejected")
    };
    let costs = UnitCosts::shipped().with_overrides(overrides);
    let used = costs.lookup(catalogue, "moving_people", None);
    assert_eq!(
        used.map(|cost| (cost.cost_per_cohort, cost.origin)),
        Some((500.0, CostOrigin::File))
    );
    // Bronze safeguarding falls back to "any other training topic": £25 a place, 2 hours.
    let bronze = costs.lookup(catalogue, "safeguarding_adults", Some("bronze"));
    assert_eq!(
        bronze.map(|cost| (cost.cost_per_place, cost.learner_hours)),
        Some((25.0, Some(2.0)))
    );
    let silver = costs.lookup(catalogue, "safeguarding_adults", Some("silver"));
    assert_eq!(silver.map(|cost| cost.cost_per_cohort), Some(600.0));

    let bad = "topic,level,delivery,cost_per_place,cohort_size,cost_per_cohort,learner_hours,source,status\n\
               moving_people,,taught,-5,12,600,6,x,published\n\
               movin_people,,taught,5,,,,x,published\n";
    let Err(messages) = parse_unit_costs(catalogue, "costs.csv", bad, CostOrigin::File) else {
        panic!("accepted")
    };
    let codes: Vec<(u64, &str, &str)> = messages
        .iter()
        .map(|m| (m.line, m.code.as_str(), m.column.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (2, "out_of_range", "cost_per_place"),
            (3, "unknown_topic", "topic")
        ]
    );
}

/// §11.8: a Care Certificate under way past its due date is in the TNA's `in_progress`, not places.
#[test]
fn care_certificate_in_progress_is_not_a_place() {
    let profile = shipped_profile();
    let mut starter = StaffFacts::new("WP1", "S1", 8, CARE_HOME);
    starter.start_date = Some(date!(2025 - 01 - 06));
    starter.contracted_hours = Some(37.5);
    starter.care_certificate = Some(3);
    let as_of = date!(2025 - 06 - 01);
    let statuses = [evaluate(&profile, &starter, &[], &[], as_of)];
    let starters = StartersSource::Rates(BTreeMap::new());
    let costs = UnitCosts::shipped();
    let request = TnaRequest {
        as_of,
        ..request(&profile, &starters, &costs, 12, false)
    };
    let Ok(tna) = training_needs(&request, &statuses) else {
        panic!("tna")
    };
    let row = tna.rows.iter().find(|row| row.topic == "care_certificate");
    assert_eq!(
        row.map(|row| (
            row.components.in_progress,
            row.components.missing,
            row.places
        )),
        Some((1, 0, 0))
    );
    // No rate for direct care: a warning, no starters.
    assert!(
        tna.warnings
            .iter()
            .any(|warning| warning == "no_starters_rate: role group direct_care")
    );
}
