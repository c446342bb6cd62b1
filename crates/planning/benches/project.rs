//! `planning.md` §15 benchmarks, timed with `std::time::Instant` (no harness):
//! `cargo bench -p carecount-planning`. Numbers go in BENCHMARKS.md.
//!
//! 1. One LA, Monte Carlo: the demo LA, 1,000 runs × 60 quarters, default rows and percentiles,
//!    JSON written to memory; baseline only, then the full §8 example (baseline + 5 variants).
//! 2. National, deterministic: 153 LA-sized runs (the demo LA's cells and parameters, since the
//!    shipped areas table lists no real LAs yet), 15 years, JSON for each.

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

    // 153 areas shared over the machine's cores (2 here), each area on one thread, as the
    // national run of §15 would be.
    let start = Instant::now();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let bytes: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..cores)
            .map(|worker| {
                let (baseline, inputs) = (&baseline, &inputs);
                scope.spawn(move || {
                    let mut bytes = 0;
                    for _ in (worker..153).step_by(cores) {
                        let options = RunOptions {
                            runs: Some(0),
                            threads: 1,
                            ..RunOptions::default()
                        };
                        if let Ok(Ok(json)) =
                            project(baseline, inputs, options).map(|p| to_json(&p))
                        {
                            bytes += json.len();
                        }
                    }
                    bytes
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
    });
    println!(
        "national deterministic, 153 LA-sized areas × 15 years: {:.3} s, JSON {bytes} bytes",
        start.elapsed().as_secs_f64()
    );
}
