//! The §8 example scenario on the shipped tables and the demo LA, end to end.

use carecount_planning::estimate::{
    DataSet, SnapshotData, StaffFacts, WorkplaceFacts, apply_data_set, calibrate,
};
use carecount_planning::model::AreaInputs;
use carecount_planning::montecarlo::MEASURES;
use carecount_planning::output::{to_csv, to_html, to_json};
use carecount_planning::scenario::EXAMPLE_SCENARIO;

use crate::common::*;

fn measure(name: &str) -> usize {
    MEASURES
        .iter()
        .position(|m| *m == name)
        .unwrap_or(usize::MAX)
}

#[test]
fn example_scenario_runs_on_shipped_tables() {
    let scenario = scenario(EXAMPLE_SCENARIO);
    let set = shipped();
    let mut inputs = inputs(&set, &scenario);
    calibrate(&mut inputs, &scenario, 2025).unwrap_or_else(|e| panic!("{e}"));
    let projection = run(&scenario, &inputs, 20);
    // Baseline + 5 variants, years 2025..=2040, (4 + 1) role groups × (7 + 1) settings.
    assert_eq!(projection.rows.len(), 6 * 16 * 40);
    assert_eq!(projection.comparisons.len(), 5 * 16 * 40);
    // Year 0 of the demo LA: 5,000 filled posts (the shipped base stock, each of its 49 block
    // rows rounded to 0.001, so within 0.05).
    let all_2025 = projection
        .rows
        .iter()
        .find(|r| {
            r.scenario == "baseline"
                && r.year == 2025
                && r.key.role_group.is_none()
                && r.key.setting.is_none()
        })
        .expect("baseline all row");
    // 49 block rows each rounded to 0.001 in the shipped table: within 0.05 of 5,000.
    assert!((all_2025.values[measure("filled_posts")].det.unwrap_or(0.0) - 5_000.0).abs() < 0.05);
    // Turnover down closes part of the gap; cutting international recruits cuts them.
    let at = |scenario: &str, name: &str| {
        projection
            .rows
            .iter()
            .find(|r| {
                r.scenario == scenario
                    && r.year == 2040
                    && r.key.role_group.is_none()
                    && r.key.setting.is_none()
            })
            .and_then(|r| r.values.get(measure(name)).and_then(|s| s.det))
            .unwrap_or(f64::NAN)
    };
    assert!(at("turnover-down", "gap_posts") < at("baseline", "gap_posts"));
    let international = |scenario: &str| {
        projection
            .rows
            .iter()
            .find(|r| {
                r.scenario == scenario
                    && r.year == 2040
                    && r.key.role_group.is_none()
                    && r.key.setting.is_none()
            })
            .and_then(|r| r.values.get(23 + 6).and_then(|s| s.det))
            .unwrap_or(f64::NAN)
    };
    // Path 1.0 → 0.2 from 2026: international joiners a fifth of the baseline's.
    assert_close(
        international("international-cut"),
        0.2 * international("baseline"),
        1e-9,
    );
    // Same inputs and seed → the same bytes.
    let json = to_json(&projection).unwrap_or_default();
    assert_eq!(
        json,
        to_json(&run(&scenario, &inputs, 20)).unwrap_or_default()
    );
    assert!(json.starts_with("{\"schema\":\"carecount.projection.v1\",\"model_version\":1,"));
    let csv = to_csv(&projection);
    assert!(csv.starts_with(
        "scenario,area,year,period,role_group,setting,sector,measure,det,mean,p10,p50,p90\n"
    ));
    assert_eq!(csv.lines().count(), 1 + 6 * 16 * 40 * 35);
    let html = to_html(&projection);
    assert!(html.contains("<svg") && html.contains("<polygon") && html.contains("personalisation"));
}

#[test]
fn data_set_builds_blocks_and_survival() {
    let date = |y: i32, m: u8, d: u8| {
        time::Date::from_calendar_date(
            y,
            time::Month::try_from(m).unwrap_or(time::Month::January),
            d,
        )
        .unwrap_or(time::Date::MIN)
    };
    let workplace = |id: u64| WorkplaceFacts {
        workplace: id,
        main_service: 2,
        est_type: 6,
        leavers: Some(1.0),
        starters: Some(1.0),
        vacancies: Some(2.0),
        ..WorkplaceFacts::default()
    };
    let staff = |worker: u64, place: u64| StaffFacts {
        worker,
        workplace: place,
        employment_status: 1,
        main_job_role: 8,
        age_years: Some(30.0),
        start_date: Some(date(2022, 1, 1)),
        hours: Some(30.0),
        hourly_pay: Some(12.0),
        ..StaffFacts::default()
    };
    // Snapshot 2024: 12 care workers in 3 workplaces; 2025: worker 1 has gone.
    let first: Vec<StaffFacts> = (1..=12).map(|w| staff(w, 1 + w % 3)).collect();
    let second: Vec<StaffFacts> = (2..=12).map(|w| staff(w, 1 + w % 3)).collect();
    let mut places: Vec<WorkplaceFacts> = (1..=3).map(workplace).collect();
    for place in &mut places {
        place.utilisation = Some(10.0);
    }
    places[0].service_users = vec![1];
    let data = DataSet {
        snapshots: vec![
            SnapshotData {
                as_of: date(2024, 3, 31),
                workplaces: places.clone(),
                staff: first,
            },
            SnapshotData {
                as_of: date(2025, 3, 31),
                workplaces: places,
                staff: second,
            },
        ],
    };
    let mut inputs = AreaInputs::empty("X");
    inputs.set_flat_hazard(0.3);
    apply_data_set(&data, &mut inputs, date(2025, 3, 31), 5.0).unwrap_or_else(|e| panic!("{e}"));
    // 11 direct care workers in care homes (MAINSERVICE 2), independent (ESTTYPE 6).
    assert_eq!(inputs.blocks.len(), 1);
    let block = &inputs.blocks[0];
    assert_eq!((block.role_group, block.setting, block.sector), (0, 1, 1));
    assert_close(block.filled, 11.0, 1e-12);
    assert_eq!((block.records, block.workplaces), (Some(11.0), Some(3.0)));
    // Vacancies: 3 workplaces × 2 = 6; FTE per post 30/37.5 = 0.8; pay £12.
    assert_close(block.vacant, 6.0, 1e-12);
    assert_close(block.fte_per_post, 0.8, 1e-12);
    assert_eq!(inputs.pay[0], Some(12.0));
    // One leaver among 12 at risk → survival rows at 3, 6, 12 and 24 months.
    assert_eq!(inputs.survival.len(), 4);
    // Need weights (§3): workplace 1 (workers 3, 6, 9, 12 + 2 vacancies = 6 posts) serves
    // SERVICEUSERS 1 → dementia 6; workplace 2 (4, 7, 10 + 2 = 5) and 3 (2, 5, 8, 11 + 2 = 6) map
    // nothing → half each to 65+ and 18–64: 5.5 and 5.5. Total 17.
    let weights = &inputs.need_weights[1];
    let weight = |m: &str| {
        weights
            .iter()
            .find(|(name, _)| name == m)
            .map_or(0.0, |(_, w)| *w)
    };
    assert_close(weight("dementia_65plus"), 6.0 / 17.0, 1e-12);
    assert_close(weight("pop_65_plus"), 5.5 / 17.0, 1e-12);
    assert_close(weight("pop_18_64"), 5.5 / 17.0, 1e-12);
    // Hazards (§5), window w = 365/365.25 years, β = 5, table hazard 0.3. Everyone started on
    // 2022-01-01, LOS 820/365.25 = 2.245 at t0 (band 2–5y): 11 stay (w each), 1 leaves at w/2.
    // All data sit in one cell (direct care, care home), so the chain (all, all) → (g, all) →
    // (g, s) shrinks the same D and E three times: h₁ = (D + 5)/(E + 5/0.3),
    // h₂ = (D + 5)/(E + 5/h₁), h₃ = (D + 5)/(E + 5/h₂).
    let w = 365.0 / 365.25;
    let chain = |d: f64, e: f64| {
        let h1 = (d + 5.0) / (e + 5.0 / 0.3);
        let h2 = (d + 5.0) / (e + 5.0 / h1);
        ((d + 5.0) / (e + 5.0 / h2), h2)
    };
    // Band 2–5y: D = 1, E = 11w + w/2.
    let (cell, role_all) = chain(1.0, 11.5 * w);
    assert_close(inputs.hazards[0][1][4], cell, 1e-9);
    // A setting without data takes its (g, all) value h₂.
    assert_close(inputs.hazards[0][0][4], role_all, 1e-9);
    // Unseen early leavers: each workplace STARTERS 1, no new records → 3 events at LOS w/3
    // (band 3–6m), each exposed 0.25 in 0–3m and w/3 − 0.25 in 3–6m.
    assert_close(
        inputs.hazards[0][1][1],
        chain(3.0, 3.0 * (w / 3.0 - 0.25)).0,
        1e-9,
    );
    assert_close(inputs.hazards[0][1][0], chain(0.0, 0.75).0, 1e-9);
    // Only 1 leaver of known age (the unseen ones have none) < 20: age factors stay the tables'.
    assert_eq!(inputs.age_factors, [1.0; 9]);
    // ρ = 17 posts ÷ 30 users.
    assert_close(inputs.posts_per_user[1], 17.0 / 30.0, 1e-12);
}
