//! §14 test 20: bad input names file, line, column and value.

use carecount_planning::PlanningError;
use carecount_planning::scenario::parse_scenario;
use carecount_planning::tables::{Origin, TableSet, read_table};

use crate::common::*;

fn scenario_error(text: &str) -> (usize, usize, String, String) {
    match parse_scenario("bad.toml", text) {
        Ok(_) => panic!("accepted a bad scenario"),
        Err(error) => {
            assert_eq!(error.file, "bad.toml");
            (error.line, error.column, error.value, error.message)
        }
    }
}

#[test]
fn scenario_errors_are_located() {
    // (text, line, column, value)
    let cases = [
        ("format = 1\n[run]\nareaa = \"E1\"\n", 3, 1, "areaa"),
        (
            "format = 1\n[[lever]]\nid = \"x\"\nlever = \"levitate\"\n",
            4,
            9,
            "\"levitate\"",
        ),
        (
            "format = 1\n[[lever]]\nid = \"x\"\nlever = \"leaving\"\npath = { dist = \"pert\", min = 2.0, mode = 1.0, max = 3.0 }\n",
            5,
            8,
            "{ dist = \"pert\", min = 2.0, mode = 1.0, max = 3.0 }",
        ),
        ("format = 1\n[run]\nseed = \"x\"\n", 3, 8, "\"x\""),
        ("format = 1\n[run]\nhorizon_years = 0\n", 3, 17, "0"),
        (
            "format = 1\n[[lever]]\nid = \"x\"\nlever = \"leaving\"\npath = { 2025 = 1.0, 20x0 = 0.5 }\n",
            5,
            22,
            "20x0",
        ),
        (
            "format = 1\n[[lever]]\nid = \"x\"\nlever = \"leaving\"\nspeed = 3\n",
            5,
            1,
            "speed",
        ),
        ("format = 2\n", 1, 10, "2"),
        ("format = 1\n[run\n", 2, 5, ""),
    ];
    for (text, line, column, value) in cases {
        let (got_line, got_column, got_value, message) = scenario_error(text);
        assert_eq!(
            (got_line, got_column, got_value.as_str()),
            (line, column, value),
            "{message} in {text:?}"
        );
    }
}

#[test]
fn csv_header_mismatch_is_located() {
    let text = "area_code,year,sex,age_from,age_max,population,variant,source,vintage\n";
    match read_table("population", "pop.csv", text, Origin::User) {
        Ok(_) => panic!("accepted a bad header"),
        Err(error) => {
            assert_eq!(
                (
                    error.file.as_str(),
                    error.line,
                    error.column,
                    error.value.as_str()
                ),
                ("pop.csv", 1, 4, "age_from")
            );
        }
    }
    let text = "area_code,year,sex,age_min,age_max,population,variant,source,vintage\nE1,2025,male,65,69,lots,principal,x,y\n";
    let table =
        read_table("population", "pop.csv", text, Origin::User).unwrap_or_else(|e| panic!("{e}"));
    let row = &table.rows[0];
    match table.number(row, "population") {
        Ok(_) => panic!("accepted a non-number"),
        Err(error) => assert_eq!(
            (error.line, error.column, error.value.as_str()),
            (2, 6, "lots")
        ),
    }
}

#[test]
fn population_band_across_a_prevalence_band_is_refused() {
    // A user population band 60–69 cuts the CFAS II band 65–69.
    let mut set = TableSet::shipped().unwrap_or_else(|e| panic!("{e}"));
    let text = "area_code,year,sex,age_min,age_max,population,variant,source,vintage\nE99999999,2025,male,60,69,1000,principal,user,2025\n";
    set.add(
        read_table("population", "pop.csv", text, Origin::User).unwrap_or_else(|e| panic!("{e}")),
    );
    let scenario = scenario("format = 1\n[run]\narea = \"E99999999\"\nas_of = \"2025-03-31\"\n");
    match carecount_planning::model::area_inputs(&set, &scenario, "E99999999", 2025) {
        Err(PlanningError::Input(error)) => {
            assert!(error.message.contains("60–69"), "{}", error.message);
            assert!(error.line >= 2);
            assert!(!error.value.is_empty());
        }
        other => panic!("expected a located error, got {other:?}"),
    }
}
