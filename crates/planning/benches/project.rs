//! `planning.md` §15 benchmarks, timed with `std::time::Instant` (no harness):
//! `cargo bench -p carecount-planning`. Numbers go in BENCHMARKS.md.
//!
//! 1. One LA, Monte Carlo: the demo LA, 1,000 runs × 60 quarters, default rows and percentiles,
//!    JSON written to memory; baseline only, then the full §8 example (baseline + 5 variants).
//! 2. National, deterministic: every LA of the shipped areas table (153 councils), 15 years,
//!    projected over the cores, merged as `"la:*"` and written as JSON; estimation timed apart.

use std::time::Instant;

use carecount_planning::estimate::calibrate;
use carecount_planning::model::area_inputs;
use carecount_planning::montecarlo::{RunOptions, project};
use carecount_planning::output::to_json;
use carecount_planning::scenario::{EXAMPLE_SCENARIO, parse_scenario};
use carecount_planning::tables::TableSet;

fn main() {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let started = Instant::now();
    let Ok(tables) = TableSet::shipped() else {
        eprintln!("shipped tables do not parse");
        return;
    };
    let Ok(full) = parse_scenario("example.toml", EXAMPLE_SCENARIO) else {
        eprintln!("example scenario does not parse");
        return;
    };
    let mut baseline = full.clone();
    baseline.variants.clear();
    let base_year = 2025;
    let Ok(mut inputs) = area_inputs(&tables, &full, &full.run.area, base_year) else {
        eprintln!("demo LA inputs fail");
        return;
    };
    if calibrate(&mut inputs, &full, base_year).is_err() {
        eprintln!("calibration fails");
        return;
    }
    println!(
        "setup (tables, inputs, calibration): {:.3} s",
        started.elapsed().as_secs_f64()
    );
    let cells: usize = inputs.blocks.len();
    println!("demo LA: {cells} blocks × 9 ages × 12 LOS states, {threads} threads");

    for (label, scenario) in [
        ("baseline only", &baseline),
        ("example, 6 scenarios", &full),
    ] {
        let start = Instant::now();
        let options = RunOptions {
            runs: Some(1000),
            threads,
            ..RunOptions::default()
        };
        match project(scenario, &inputs, options).map(|p| to_json(&p)) {
            Ok(Ok(json)) => println!(
                "one LA, Monte Carlo 1,000 runs × 60 quarters, {label}: {:.3} s, JSON {} bytes",
                start.elapsed().as_secs_f64(),
                json.len()
            ),
            other => eprintln!("{label} failed: {other:?}"),
        }
    }

    // Every LA of the shipped areas table (153 councils, each an equal share of its region's
    // tables until LA tables ship), as `area = "la:*"` runs them. Estimation (inputs and
    // calibration per LA) is timed apart, as §15 says; then the deterministic projections over the
    // machine's cores, the merge and the JSON.
    let Ok(all_areas) = carecount_planning::tables::areas(&tables) else {
        eprintln!("areas table does not parse");
        return;
    };
    let councils = carecount_planning::tables::every_la(&all_areas);
    let start = Instant::now();
    let mut prepared = Vec::new();
    for council in &councils {
        match area_inputs(&tables, &baseline, &council.code, base_year) {
            Ok(area) => prepared.push(area),
            Err(error) => {
                eprintln!("{} inputs fail: {error}", council.code);
                return;
            }
        }
    }
    let assembled = start.elapsed().as_secs_f64();
    for area in &mut prepared {
        if calibrate(area, &baseline, base_year).is_err() {
            eprintln!("calibration fails for {}", area.area_code);
            return;
        }
    }
    println!(
        "national estimation, {} LAs: {:.3} s (inputs {assembled:.3} s, calibration {:.3} s)",
        prepared.len(),
        start.elapsed().as_secs_f64(),
        start.elapsed().as_secs_f64() - assembled
    );
    let start = Instant::now();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut projections: Vec<(usize, carecount_planning::Projection)> =
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..cores)
                .map(|worker| {
                    let (baseline, prepared) = (&baseline, &prepared);
                    scope.spawn(move || {
                        let mut out = Vec::new();
                        for index in (worker..prepared.len()).step_by(cores) {
                            let options = RunOptions {
                                runs: Some(0),
                                threads: 1,
                                ..RunOptions::default()
                            };
                            if let Some(area) = prepared.get(index)
                                && let Ok(projection) = project(baseline, area, options)
                            {
                                out.push((index, projection));
                            }
                        }
                        out
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_default())
                .collect()
        });
    projections.sort_by_key(|(index, _)| *index);
    let projected = start.elapsed().as_secs_f64();
    let count = projections.len();
    let merged = carecount_planning::montecarlo::merge_projections(
        projections.into_iter().map(|(_, p)| p).collect(),
    );
    let merged_at = start.elapsed().as_secs_f64();
    match merged.map(|p| to_json(&p)) {
        Some(Ok(json)) => println!(
            "national deterministic, {count} LAs × 15 years, merged JSON: {:.3} s \
             (projections {projected:.3} s, merge {:.3} s, JSON {:.3} s), {} bytes",
            start.elapsed().as_secs_f64(),
            merged_at - projected,
            start.elapsed().as_secs_f64() - merged_at,
            json.len()
        ),
        other => eprintln!(
            "national run failed: {:?}",
            other.map(|r| r.map(|j| j.len()))
        ),
    }
}
