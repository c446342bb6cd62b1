//! Helpers shared by the tests.

use carecount_planning::model::AreaInputs;
use carecount_planning::montecarlo::{Projection, RunOptions, project};
use carecount_planning::scenario::{Scenario, parse_scenario};
use carecount_planning::tables::TableSet;

/// Parses a scenario, panicking with the located error (tests only).
pub fn scenario(text: &str) -> Scenario {
    match parse_scenario("test.toml", text) {
        Ok(scenario) => scenario,
        Err(error) => panic!("{error}"),
    }
}

/// Shipped tables.
pub fn shipped() -> TableSet {
    TableSet::shipped().unwrap_or_else(|error| panic!("{error}"))
}

/// Area inputs from tables.
pub fn inputs(set: &TableSet, scenario: &Scenario) -> AreaInputs {
    let year = scenario.run.as_of.map_or(2025, |date| date.year());
    carecount_planning::model::area_inputs(set, scenario, &scenario.run.area, year)
        .unwrap_or_else(|error| panic!("{error}"))
}

/// Runs a projection.
pub fn run(scenario: &Scenario, inputs: &AreaInputs, runs: u32) -> Projection {
    project(
        scenario,
        inputs,
        RunOptions {
            runs: Some(runs),
            ..RunOptions::default()
        },
    )
    .unwrap_or_else(|error| panic!("{error}"))
}

/// Relative closeness.
pub fn close(actual: f64, expected: f64, relative: f64) -> bool {
    (actual - expected).abs() <= relative * expected.abs().max(1e-300)
}

/// Asserts relative closeness with a message.
#[track_caller]
pub fn assert_close(actual: f64, expected: f64, relative: f64) {
    assert!(
        close(actual, expected, relative),
        "expected {expected}, got {actual} (relative tolerance {relative})"
    );
}

use carecount_planning::dist::Draws;
use carecount_planning::engine::{RunOutput, RunSpec, project_run};
use carecount_planning::model::PopulationRow;

/// A minimal scenario text with extra TOML appended.
pub fn minimal(step: &str, horizon: u32, extra: &str) -> Scenario {
    scenario(&format!(
        "format = 1\nname = \"t\"\n[run]\narea = \"X\"\nas_of = \"2025-03-31\"\nstep = \"{step}\"\nhorizon_years = {horizon}\nruns = 0\n{extra}"
    ))
}

/// Runs the baseline deterministically at block level.
pub fn det(scenario: &Scenario, inputs: &AreaInputs) -> RunOutput {
    let levers = scenario.levers_for(None);
    let spec = RunSpec {
        scenario,
        levers: &levers,
        population_variant: &scenario.data.population_variant,
        base_year: scenario.run.as_of.map_or(2025, |d| d.year()),
    };
    project_run(inputs, spec, &Draws::deterministic()).unwrap_or_else(|error| panic!("{error}"))
}

/// Persons population of one open band `min_age+` for consecutive years.
pub fn population(min_age: u32, by_year: &[(i32, f64)]) -> Vec<PopulationRow> {
    by_year
        .iter()
        .map(|(year, population)| PopulationRow {
            year: *year,
            sex: "persons".to_string(),
            age_min: min_age,
            age_max: None,
            population: *population,
            variant: "principal".to_string(),
        })
        .collect()
}
