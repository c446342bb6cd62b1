//! Reference-data and estimation gaps of issue 6: every LA in the areas table (§11), the hazard
//! shrinkage chain (§5) and age factors from the data set (§5). Expected values are worked by
//! hand from the specification in each test.

use carecount_planning::estimate::{
    DataSet, SnapshotData, StaffFacts, WorkplaceFacts, apply_data_set,
};
use carecount_planning::model::AreaInputs;
use carecount_planning::tables::{areas, every_la};

use crate::common::{assert_close, inputs, scenario, shipped};

fn date(y: i32, m: u8, d: u8) -> time::Date {
    time::Date::from_calendar_date(
        y,
        time::Month::try_from(m).unwrap_or(time::Month::January),
        d,
    )
    .unwrap_or(time::Date::MIN)
}

fn area_scenario(area: &str) -> carecount_planning::scenario::Scenario {
    scenario(&format!(
        "format = 1\nname = \"t\"\n[run]\narea = \"{area}\"\nas_of = \"2025-03-31\"\nruns = 0\n"
    ))
}

#[test]
fn areas_table_lists_every_council_under_its_region() {
    let set = shipped();
    let all = areas(&set).unwrap_or_else(|e| panic!("{e}"));
    // §15: 153 councils with adult social services responsibilities; the demo LA is not one.
    let councils = every_la(&all);
    assert_eq!(councils.len(), 153);
    assert!(councils.iter().all(|area| area.code != "E99999999"));
    // The demo LA is still an LA of the table (it has its own rows).
    assert!(all.iter().any(|a| a.code == "E99999999" && a.level == "la"));
    // Every council's parent is one of the nine region rows.
    for council in &councils {
        let parent = all.iter().find(|a| a.code == council.parent);
        assert_eq!(
            parent.map(|p| p.level.as_str()),
            Some("region"),
            "{council:?}"
        );
    }
    // A name with a comma survives CSV quoting; Leeds sits in Yorkshire and The Humber.
    let bristol = all.iter().find(|a| a.code == "E06000023");
    assert_eq!(bristol.map(|a| a.name.as_str()), Some("Bristol, City of"));
    let leeds = all.iter().find(|a| a.code == "E08000035");
    assert_eq!(leeds.map(|a| a.parent.as_str()), Some("E12000003"));
    // The source names the fallback and says it is interim.
    let table = set.whole("areas").unwrap_or_else(|| panic!("areas"));
    let leeds_row = table
        .rows
        .iter()
        .find(|row| table.text(row, "area_code") == "E08000035")
        .unwrap_or_else(|| panic!("Leeds row"));
    assert!(table.text(leeds_row, "source").contains("interim"));
}

#[test]
fn an_la_takes_an_equal_share_of_its_regions_tables() {
    let set = shipped();
    let region = inputs(&set, &area_scenario("E12000003"));
    let leeds = inputs(&set, &area_scenario("Leeds"));
    assert_eq!(leeds.area_code, "E08000035");
    // Yorkshire and The Humber has 15 councils (Barnsley, Doncaster, Rotherham, Sheffield,
    // Bradford, Calderdale, Kirklees, Leeds, Wakefield, East Riding, Hull, North East
    // Lincolnshire, North Lincolnshire, York, North Yorkshire); the demo LA has its own rows, so
    // Leeds takes 1/15 of the region's base stock and population.
    let filled = |i: &AreaInputs| i.blocks.iter().map(|b| b.filled).sum::<f64>();
    assert_close(filled(&leeds), filled(&region) / 15.0, 1e-12);
    let people = |i: &AreaInputs| i.population.iter().map(|p| p.population).sum::<f64>();
    assert_close(people(&leeds), people(&region) / 15.0, 1e-12);
    // Same blocks, same rates: hazards and age factors are the region's (England's).
    assert_eq!(leeds.blocks.len(), region.blocks.len());
    assert_eq!(leeds.hazards, region.hazards);
    assert_eq!(leeds.age_factors, region.age_factors);
    let codes: Vec<&str> = leeds.warnings.iter().map(|w| w.code.as_str()).collect();
    assert!(codes.contains(&"area_fallback"), "{codes:?}");
    assert!(codes.contains(&"la_share_of_parent"), "{codes:?}");
    // The region's councils add up to the region.
    let all = areas(&set).unwrap_or_else(|e| panic!("{e}"));
    let total: f64 = every_la(&all)
        .iter()
        .filter(|c| c.parent == "E12000003")
        .map(|c| filled(&inputs(&set, &area_scenario(&c.code))))
        .sum();
    assert_close(total, filled(&region), 1e-9);
    // The demo LA keeps its own rows, unscaled.
    let demo = inputs(&set, &area_scenario("E99999999"));
    assert!(demo.warnings.iter().all(|w| w.code != "la_share_of_parent"));
}

/// A staff record in band 2–5y at t0 (started 2021-03-31, LOS 1,096/365.25 = 3.0007 years).
fn record(worker: u64, workplace: u64, role: u16, age: f64) -> StaffFacts {
    StaffFacts {
        worker,
        workplace,
        employment_status: 1,
        main_job_role: role,
        age_years: Some(age),
        start_date: Some(date(2021, 3, 31)),
        ..StaffFacts::default()
    }
}

fn place(id: u64, main_service: u16) -> WorkplaceFacts {
    WorkplaceFacts {
        workplace: id,
        main_service,
        est_type: 6,
        ..WorkplaceFacts::default()
    }
}

/// Two snapshots a year apart (2024-03-31 → 2025-03-31, 365 days); `stays` says who is still there.
fn pair(first: Vec<StaffFacts>, stays: impl Fn(u64) -> bool) -> DataSet {
    let places = vec![place(1, 2), place(2, 8)];
    let second: Vec<StaffFacts> = first.iter().filter(|s| stays(s.worker)).cloned().collect();
    DataSet {
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
    }
}

#[test]
fn hazards_shrink_through_role_group_then_all_then_table() {
    // Workplace 1 a care home (MAINSERVICE 2), 2 domiciliary (8), both independent. All records
    // at LOS 3.0 (band 2–5y) at t0, window w = 365/365.25 years; stayers exposed w, leavers w/2.
    //   direct care (MAINJOBROLE 8), care home:   workers 1–4, 1 and 2 leave → D 2, E 2w + w = 3w
    //   direct care, domiciliary:                 workers 5–6 stay          → D 0, E 2w
    //   manager (MAINJOBROLE 4), care home:       workers 7–8, 7 leaves     → D 1, E 1.5w
    // No STARTERS, so no unseen leavers. Table hazard 0.3 everywhere, β = 5.
    let staff = vec![
        record(1, 1, 8, 40.0),
        record(2, 1, 8, 40.0),
        record(3, 1, 8, 40.0),
        record(4, 1, 8, 40.0),
        record(5, 2, 8, 40.0),
        record(6, 2, 8, 40.0),
        record(7, 1, 4, 40.0),
        record(8, 1, 4, 40.0),
    ];
    let data = pair(staff, |w| !matches!(w, 1 | 2 | 7));
    let mut inputs = AreaInputs::empty("X");
    inputs.set_flat_hazard(0.3);
    apply_data_set(&data, &mut inputs, date(2025, 3, 31), 5.0).unwrap_or_else(|e| panic!("{e}"));
    let w = 365.0 / 365.25;
    // (all, all): D 3, E 6.5w, parent 0.3 → 8/(6.5w + 16.667) = 8/23.162 ≈ 0.34539.
    let all_all = 8.0 / (6.5 * w + 5.0 / 0.3);
    // (direct care, all): D 2, E 5w → 7/(5w + 5/h_all); (manager, all): D 1, E 1.5w.
    let care_all = 7.0 / (5.0 * w + 5.0 / all_all);
    let manager_all = 6.0 / (1.5 * w + 5.0 / all_all);
    let (care, home, dom, band) = (0, 1, 2, 4);
    assert_close(
        inputs.hazards[care][home][band],
        7.0 / (3.0 * w + 5.0 / care_all),
        1e-12,
    );
    assert_close(
        inputs.hazards[care][dom][band],
        5.0 / (2.0 * w + 5.0 / care_all),
        1e-12,
    );
    assert_close(
        inputs.hazards[1][home][band],
        6.0 / (1.5 * w + 5.0 / manager_all),
        1e-12,
    );
    // A role group with no data: (0 + 5)/(0 + 5/h_all) = h_all; a setting with no data for direct
    // care: its (g, all) value.
    assert_close(inputs.hazards[2][home][band], all_all, 1e-12);
    assert_close(inputs.hazards[care][0][band], care_all, 1e-12);
    // Roughly: h_all 0.34539, h_care,all 0.35947, the care-home cell 7/(2.9979 + 13.909) = 0.41402
    // sits between its raw 2/3w = 0.667 and its parent.
    assert!((0.413..0.415).contains(&inputs.hazards[care][home][band]));
    // Bands without exposure keep the table's 0.3 all the way down.
    assert_close(inputs.hazards[care][home][0], 0.3, 1e-12);
    // Events behind estimated cells are kept for the Gamma draws.
    assert_eq!(inputs.hazard_events[care][home][band], Some(2.0));
    assert_eq!(inputs.hazard_events[care][0][band], None);
    // Three leavers < 20: the age factors stay the tables'.
    assert_eq!(inputs.age_factors, [1.0; 9]);
}

#[test]
fn age_factors_are_re_estimated_with_enough_leavers() {
    // One cell (direct care, care home), band 2–5y, window w as above.
    //   40 workers aged 30 (band 25–34), 10 leave: D 10, exposure 30w + 10·w/2 = 35w
    //   40 workers aged 62 (band 60–64), 12 leave: D 12, exposure 28w + 12·w/2 = 34w
    // 22 leavers of known age ≥ 20 → factors re-estimated. Tables: hazard 0.3, factors 1 except
    // <20 2.0 and 60–64 0.8 (the priors).
    let mut staff = Vec::new();
    for worker in 1..=40 {
        staff.push(record(worker, 1, 8, 30.0));
    }
    for worker in 41..=80 {
        staff.push(record(worker, 1, 8, 62.0));
    }
    let data = pair(staff, |w| !(w <= 10 || (41..=52).contains(&w)));
    let mut inputs = AreaInputs::empty("X");
    inputs.set_flat_hazard(0.3);
    inputs.age_factors[0] = 2.0;
    inputs.age_factors[6] = 0.8;
    apply_data_set(&data, &mut inputs, date(2025, 3, 31), 5.0).unwrap_or_else(|e| panic!("{e}"));
    let w = 365.0 / 365.25;
    // Hazard chain on D 22, E 69w, all in one cell: three shrinkage steps from 0.3.
    let h1 = 27.0 / (69.0 * w + 5.0 / 0.3);
    let h2 = 27.0 / (69.0 * w + 5.0 / h1);
    let h = 27.0 / (69.0 * w + 5.0 / h2);
    assert_close(inputs.hazards[0][1][4], h, 1e-12);
    // Ê_a = h × exposure in a; f = (D_a + β)/(Ê_a + β/f_table).
    let f_30s = 15.0 / (h * 35.0 * w + 5.0 / 1.0);
    let f_60s = 17.0 / (h * 34.0 * w + 5.0 / 0.8);
    assert_close(inputs.age_factors[2], f_30s, 1e-12);
    assert_close(inputs.age_factors[6], f_60s, 1e-12);
    // h ≈ 0.31893: f_30s = 15/(11.155 + 5) ≈ 0.9285 and f_60s = 17/(10.836 + 6.25) ≈ 0.9950
    // (older staff leave more here than the 0.8 prior says).
    assert!((0.928..0.929).contains(&inputs.age_factors[2]));
    assert!((0.994..0.996).contains(&inputs.age_factors[6]));
    // No data in a band: (0 + 5)/(0 + 5/f_table) = f_table.
    assert_close(inputs.age_factors[0], 2.0, 1e-12);
    assert_close(inputs.age_factors[4], 1.0, 1e-12);
}

#[test]
fn leaver_destinations_from_reasons() {
    use carecount_planning::estimate::destination_counts;
    use carecount_planning::tables::{Origin, read_table};
    // A user `leaving_reasons` table maps code 1 → within_sector, 2 → health.
    let mut set = shipped();
    let text = "reason_code,label,destination,source,vintage\n\
                1,Another care job,within_sector,test,2025\n\
                2,NHS,health,test,2025\n";
    set.add(
        read_table("leaving_reasons", "reasons.csv", text, Origin::User)
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let area = inputs(&set, &area_scenario("E99999999"));
    assert_eq!(area.reason_destinations, vec![(1, 0), (2, 1)]);
    // Workplace 1: REASONS 1;2 with REASONNOS 12;5; workplace 2: 1;9 with 3;4 (9 unmapped →
    // unknown). within 12 + 3 = 15, health 5, other 0, unknown 4; total 24 ≥ 20.
    let mut first = place(1, 2);
    first.leaving_reasons = vec![(1, 12.0), (2, 5.0)];
    let mut second = place(2, 8);
    second.leaving_reasons = vec![(1, 3.0), (9, 4.0)];
    let both = [first.clone(), second];
    assert_eq!(
        destination_counts(&both, &area.reason_destinations),
        Some([15.0, 5.0, 0.0, 4.0])
    );
    // Workplace 1 alone: 17 < 20 leavers → tables kept; an empty map → tables kept.
    assert_eq!(
        destination_counts(&[first], &area.reason_destinations),
        None
    );
    assert_eq!(destination_counts(&both, &[]), None);
    // Through apply_data_set: shares 15/24, 5/24, 0, 4/24 and the counts for the Dirichlet draws.
    let mut data = pair(vec![record(1, 1, 8, 40.0)], |_| true);
    for snapshot in &mut data.snapshots {
        snapshot.workplaces = both.to_vec();
    }
    let mut estimated = AreaInputs::empty("X");
    estimated.reason_destinations = area.reason_destinations.clone();
    apply_data_set(&data, &mut estimated, date(2025, 3, 31), 5.0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(estimated.destination_counts, Some([15.0, 5.0, 0.0, 4.0]));
    for (share, count) in estimated.destinations.iter().zip([15.0, 5.0, 0.0, 4.0]) {
        assert_close(*share + 1.0, count / 24.0 + 1.0, 1e-12);
    }
}

#[test]
fn merged_la_projections_keep_each_areas_rows_and_calibration() {
    use carecount_planning::estimate::calibrate;
    use carecount_planning::montecarlo::merge_projections;
    let set = shipped();
    let mut projections = Vec::new();
    for code in ["E08000035", "E06000014"] {
        let scenario = area_scenario(code);
        let mut area = inputs(&set, &scenario);
        calibrate(&mut area, &scenario, 2025).unwrap_or_else(|e| panic!("{e}"));
        projections.push(crate::common::run(&scenario, &area, 0));
    }
    let merged = merge_projections(projections).unwrap_or_else(|| panic!("no projection"));
    // Both LAs' calibration rows, each under its own code (4 role groups with reported leavers).
    let areas: Vec<&str> = merged
        .inputs
        .calibration
        .iter()
        .map(|row| row.5.as_str())
        .collect();
    assert_eq!(areas.iter().filter(|a| **a == "E08000035").count(), 4);
    assert_eq!(areas.iter().filter(|a| **a == "E06000014").count(), 4);
    let json = carecount_planning::output::to_json(&merged).unwrap_or_else(|e| panic!("{e}"));
    assert!(json.contains("\"calibration\":[{\"area\":\"E08000035\""));
    // Rows sorted by area within the scenario: York (E06000014) before Leeds (E08000035).
    let first_leeds = merged.rows.iter().position(|r| r.area == "E08000035");
    let last_york = merged.rows.iter().rposition(|r| r.area == "E06000014");
    assert!(last_york < first_leeds);
}

#[test]
fn joiner_experience_mix_from_start_in_sector() {
    // 20 direct-care joiners started 2024-06-01 (in the 12 months before D0 = 2025-03-31):
    // 10 with STARTINSECT 2024 (experience 0 → 0–3m), 6 with 2022 (2 years → 2–5y), 4 with
    // 2010 (14 years → 10–20y) → shares 10/20, 6/20, 4/20.
    let joiner = |worker: u64, sector_year: i32| StaffFacts {
        start_date: Some(date(2024, 6, 1)),
        start_in_sector: Some(sector_year),
        ..record(worker, 1, 8, 30.0)
    };
    let mut staff: Vec<StaffFacts> = (1..=10).map(|w| joiner(w, 2024)).collect();
    staff.extend((11..=16).map(|w| joiner(w, 2022)));
    staff.extend((17..=20).map(|w| joiner(w, 2010)));
    let one_snapshot = |staff: Vec<StaffFacts>| DataSet {
        snapshots: vec![SnapshotData {
            as_of: date(2025, 3, 31),
            workplaces: vec![place(1, 2)],
            staff,
        }],
    };
    let mut inputs = AreaInputs::empty("X");
    apply_data_set(
        &one_snapshot(staff.clone()),
        &mut inputs,
        date(2025, 3, 31),
        5.0,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inputs.joiner_los, [0.5, 0.0, 0.0, 0.0, 0.3, 0.0, 0.2, 0.0]);
    // 19 answers < 20: the tables' mix (here the empty inputs' all-new) stays.
    staff.pop();
    let mut fewer = AreaInputs::empty("X");
    apply_data_set(&one_snapshot(staff), &mut fewer, date(2025, 3, 31), 5.0)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fewer.joiner_los, [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
}
