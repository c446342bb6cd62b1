//! §8 JSON shapes: exact keys, schema strings, nulls; the matrix CSV and the alerts calendar.

use std::collections::BTreeMap;

use carecount_compliance::Catalogue;
use carecount_compliance::alerts::{alerts, expiring};
use carecount_compliance::export::{alerts_csv, alerts_ics, matrix_csv};
use carecount_compliance::facts::{TrainingRecord, Validity};
use carecount_compliance::figures::{Audience, PairFilter, compliance_figures};
use carecount_compliance::tna::{
    RateOrigin, StartersRate, StartersSource, TnaRequest, UnitCosts, training_needs,
};
use carecount_compliance::wire::{
    GroupJson, ProfileRefJson, StatusHeader, alerts_json, compliance_status, expiring_json,
    requirements_json, tna_json,
};
use serde_json::Value;
use time::macros::date;

use crate::util::{evaluate, shipped_profile, staff};

fn keys(value: &Value) -> Vec<String> {
    match value {
        Value::Object(map) => map.keys().cloned().collect(),
        _ => panic!("not an object: {value}"),
    }
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
    names.sort();
    names
}

const F_KEYS: &[&str] = &[
    "required",
    "valid",
    "expiring",
    "expired",
    "missing",
    "not_yet_due",
    "exempt",
    "in_progress",
    "compliance_rate",
    "staff_records",
    "workplaces",
    "suppression",
];
const P_KEYS: &[&str] = &[
    "topic",
    "level",
    "class",
    "status",
    "detail",
    "expires_on",
    "days_left",
    "due_on",
    "rows",
    "deciding_row",
    "record",
    "exemption",
];

#[test]
fn compliance_status_has_exactly_the_spec_keys() {
    let profile = shipped_profile();
    let mut worker = staff(8);
    worker.start_date = Some(date!(2020 - 01 - 01));
    let records = [TrainingRecord::ascwds(
        5,
        6,
        "Fire safety",
        Some(date!(2025 - 06 - 01)),
        Validity::Months(12),
        None,
    )];
    let statuses = [evaluate(
        &profile,
        &worker,
        &records,
        &[],
        date!(2026 - 01 - 15),
    )];
    let figures = compliance_figures(&statuses, &PairFilter::default());
    let header = StatusHeader {
        as_of: date!(2026 - 01 - 15),
        audience: Audience::Employer,
        group: GroupJson {
            org: Some("default".to_owned()),
            ..GroupJson::default()
        },
        profile: ProfileRefJson::default(),
        expiring_days: 60,
    };
    let json = compliance_status(&header, &figures, Some(&statuses), true);
    let Ok(value) = serde_json::to_value(&json) else {
        panic!("serialise")
    };
    assert_eq!(
        keys(&value),
        sorted(&[
            "schema",
            "as_of",
            "audience",
            "group",
            "profile",
            "expiring_days",
            "totals",
            "by_class",
            "topics",
            "staff"
        ])
    );
    assert_eq!(value["schema"], "carecount.compliance_matrix.v1");
    assert_eq!(
        keys(&value["group"]),
        sorted(&["org", "workplace", "staff", "area", "region"])
    );
    assert_eq!(keys(&value["profile"]), sorted(&["version", "sha256"]));
    assert_eq!(keys(&value["totals"]), sorted(F_KEYS));
    assert_eq!(
        keys(&value["by_class"]),
        sorted(&["statutory", "recommended", "local"])
    );
    let mut topic_keys: Vec<&str> = F_KEYS.to_vec();
    topic_keys.extend(["topic", "level", "class", "comparison"]);
    assert_eq!(keys(&value["topics"][0]), sorted(&topic_keys));
    assert_eq!(
        keys(&value["staff"][0]),
        sorted(&[
            "workplace",
            "staff",
            "displayid",
            "job_role",
            "start_date",
            "status",
            "items"
        ])
    );
    let fire = value["staff"][0]["items"]
        .as_array()
        .and_then(|items| items.iter().find(|item| item["topic"] == "fire_safety"));
    let Some(fire) = fire else {
        panic!("no fire item")
    };
    assert_eq!(keys(fire), sorted(P_KEYS));
    // 2025-06-01 + 12 months − 1 day = 2026-05-31, 136 days after 2026-01-15 (16 + 28 + 31 + 30 + 31).
    assert_eq!(fire["expires_on"], "2026-05-31");
    assert_eq!(fire["days_left"], 136);
    assert_eq!(
        keys(&fire["record"]),
        sorted(&[
            "source",
            "id",
            "title",
            "level",
            "completed",
            "expires_on",
            "expiry_basis"
        ])
    );
    assert_eq!(fire["record"]["expiry_basis"], "validity");
    assert_eq!(fire["exemption"], Value::Null);

    // Commissioners never get staff, and small counts are null with a reason.
    let header = StatusHeader {
        audience: Audience::Commissioner,
        ..header
    };
    let json = compliance_status(&header, &figures, Some(&statuses), false);
    let Ok(value) = serde_json::to_value(&json) else {
        panic!("serialise")
    };
    assert_eq!(value["schema"], "carecount.compliance_status.v1");
    assert_eq!(value["staff"], Value::Null);
    assert_eq!(value["totals"]["compliance_rate"], Value::Null);
    // A care worker in a care home (started 2020, so nothing is not yet due) has 18 required pairs:
    // R01–R08's 8 topics, mental capacity, moving people, medication, first aid, food hygiene,
    // dementia, Care Certificate, qualification, supervision, appraisal. One workplace < 3.
    assert_eq!(value["totals"]["required"], 18);
    assert_eq!(
        value["totals"]["suppression"]["compliance_rate"],
        "fewer_than_3_workplaces"
    );
}

#[test]
fn lists_alerts_requirements_and_tna_shapes() {
    let profile = shipped_profile();
    let mut nurse = staff(16);
    nurse.start_date = Some(date!(2015 - 01 - 01));
    let registration = [TrainingRecord::entered(
        1,
        "nmc_registration",
        None,
        Some(date!(2025 - 06 - 01)),
        Some(date!(2026 - 05 - 31)),
    )];
    let as_of = date!(2026 - 04 - 01);
    let statuses = [evaluate(&profile, &nurse, &registration, &[], as_of)];

    let listed = expiring(&statuses, as_of, 60);
    let Ok(value) = serde_json::to_value(expiring_json(as_of, &listed)) else {
        panic!("serialise")
    };
    assert_eq!(keys(&value), sorted(&["schema", "as_of", "items"]));
    let mut item_keys: Vec<&str> = P_KEYS.to_vec();
    item_keys.extend(["workplace", "staff", "displayid", "job_role"]);
    assert_eq!(keys(&value["items"][0]), sorted(&item_keys));

    let raised = alerts(&statuses, as_of, 14);
    let Ok(value) = serde_json::to_value(alerts_json(as_of, &raised)) else {
        panic!("serialise")
    };
    assert_eq!(value["schema"], "carecount.compliance_alerts.v1");
    item_keys.extend(["kind", "rag", "raised_on"]);
    assert_eq!(keys(&value["items"][0]), sorted(&item_keys));

    let Ok(value) = serde_json::to_value(requirements_json(None, None, None, None, &profile))
    else {
        panic!("serialise")
    };
    assert_eq!(
        keys(&value),
        sorted(&[
            "schema",
            "org",
            "version",
            "effective_from",
            "sha256",
            "settings",
            "rows"
        ])
    );
    assert_eq!(value["rows"].as_array().map(Vec::len), Some(30));
    let mut row_keys: Vec<&str> = carecount_compliance::profile::row_columns().to_vec();
    row_keys.extend(["origin", "action", "state", "reason"]);
    assert_eq!(keys(&value["rows"][0]), sorted(&row_keys));
    assert_eq!(value["rows"][0]["state"], "in_force");

    let rates: BTreeMap<String, StartersRate> = [(
        "regulated".to_owned(),
        StartersRate {
            value: 0.5,
            from: RateOrigin::Region,
        },
    )]
    .into_iter()
    .collect();
    let starters = StartersSource::Rates(rates);
    let costs = UnitCosts::shipped();
    let request = TnaRequest {
        area: "E08000018",
        as_of,
        horizon_months: 12,
        include_agency: false,
        starters: &starters,
        unit_costs: &costs,
        catalogue: Catalogue::shipped(),
        profile: &profile,
    };
    let Ok(tna) = training_needs(&request, &statuses) else {
        panic!("tna")
    };
    let Ok(value) = serde_json::to_value(tna_json(&tna, Audience::Commissioner, &starters, &costs))
    else {
        panic!("serialise")
    };
    assert_eq!(
        keys(&value),
        sorted(&[
            "schema",
            "area",
            "as_of",
            "horizon_months",
            "horizon_end",
            "audience",
            "starters_source",
            "unit_costs",
            "rows",
            "by_service_group",
            "by_role_group",
            "totals",
            "warnings"
        ])
    );
    assert_eq!(
        value["starters_source"]["rates"]["regulated"]["from"],
        "region"
    );
    let row_keys = sorted(&[
        "topic",
        "level",
        "class",
        "delivery",
        "missing",
        "expired",
        "due_new",
        "expiring_in_horizon",
        "starters",
        "in_progress",
        "places",
        "cohorts",
        "cost",
        "hours",
        "suppression",
    ]);
    assert_eq!(keys(&value["rows"][0]), row_keys);
    let mut role_keys = row_keys.clone();
    role_keys.push("role_group".to_owned());
    role_keys.sort();
    assert_eq!(keys(&value["by_role_group"][0]), role_keys);
    // One nurse: every place count is 1–4, so places, cost and hours are withheld.
    assert_eq!(value["rows"][0]["places"], Value::Null);
    assert_eq!(value["rows"][0]["cost"], Value::Null);
    assert_eq!(value["rows"][0]["suppression"]["cost"], "count_below_5");
}

#[test]
fn matrix_csv_and_calendar() {
    let profile = shipped_profile();
    let mut nurse = staff(16);
    nurse.displayid = "Nurse, A".to_owned();
    nurse.start_date = Some(date!(2015 - 01 - 01));
    let registration = [TrainingRecord::entered(
        1,
        "nmc_registration",
        None,
        Some(date!(2025 - 06 - 01)),
        Some(date!(2026 - 05 - 31)),
    )];
    let as_of = date!(2026 - 04 - 01);
    let statuses = [evaluate(&profile, &nurse, &registration, &[], as_of)];
    let csv = matrix_csv(
        &statuses,
        &["nmc_registration".to_owned(), "swe_registration".to_owned()],
    );
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "localestid,uniqueworkerid,displayid,mainjobrole,startdate,status,nmc_registration,nmc_registration_date,swe_registration,swe_registration_date"
    );
    assert_eq!(
        lines[1],
        "WP1,S1,\"Nurse, A\",16,2015-01-01,missing,expiring,2026-05-31,,"
    );

    let raised = alerts(&statuses, as_of, 14);
    let alert_rows = alerts_csv(&raised);
    let nmc_line = alert_rows
        .split("\r\n")
        .find(|line| line.contains("nmc_registration"));
    // Expiring: E − 60 = 2026-04-01 raised, due on E; 60 days left.
    assert_eq!(
        nmc_line,
        Some(
            "WP1,S1,\"Nurse, A\",16,nmc_registration,,statutory,expiring,,2026-05-31,60,2026-05-31,R25,R25,expiring,amber,2026-04-01"
        )
    );

    let calendar = alerts_ics("default", &statuses, as_of, 365);
    assert!(calendar.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(calendar.contains("SUMMARY:nmc_registration: Nurse\\, A\r\n"));
    assert!(calendar.contains("DTSTART;VALUE=DATE:20260531\r\n"));
    assert!(calendar.contains("DTSTAMP:20260401T000000Z\r\n"));
    assert!(calendar.lines().all(|line| line.len() <= 76));
    // UID: SHA-256 of "default\nWP1\nS1\nnmc_registration\n2026-05-31\n", computed independently
    // with Python's hashlib.
    // The 78-octet UID line is folded at 75 octets; unfolded (RFC 5545 §3.1) it reads in full.
    let unfolded = calendar.replace("\r\n ", "");
    assert!(unfolded.contains(
        "UID:7cd352b17e310280ea288dd73757ec406fc9dbfafa1ca1bc23c8b5163dd07f79@carecount\r\n"
    ));
    // The same store and D give byte-identical output.
    assert_eq!(calendar, alerts_ics("default", &statuses, as_of, 365));
}
