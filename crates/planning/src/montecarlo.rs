//! Monte Carlo (`planning.md` §9) and the assembly of a projection: rows with `all` margins,
//! nearest-rank percentiles, variant comparisons within each run, risk scores (§6).

use crate::dims::{DESTINATIONS, ROLE_GROUPS, SECTORS, SETTINGS, SOURCES};
use crate::dist::Draws;
use crate::engine::{BlockKey, RunOutput, RunSpec, project_run, slot};
use crate::error::PlanningError;
use crate::model::{AreaInputs, Warning};
use crate::scenario::{Audience, GroupDim, Scenario, Variant};

/// The measures of §10, in output order.
pub const MEASURES: [&str; 23] = [
    "demand_posts",
    "demand_fte",
    "filled_posts",
    "filled_fte",
    "direct_posts",
    "gap_posts",
    "gap_fte",
    "gap_rate",
    "vacancies",
    "starters",
    "starters_needed",
    "leavers",
    "exits",
    "moves_in",
    "moves_out",
    "turnover_rate",
    "cost_recruitment",
    "cost_induction",
    "cost_training",
    "pay_bill",
    "cost_total",
    "turnover_cost",
    "pv_total",
];
/// Values per row and year: measures, then starters by source, then leavers by destination.
pub const ROW_VALUES: usize = 23 + 8 + 4;
const GAP_POSTS: usize = 5;
const GAP_RATE: usize = 7;
const PV_TOTAL: usize = 22;

/// A statistic over runs (§10 `stat`); `None` where undefined.
#[derive(Debug, Clone, PartialEq)]
pub struct Stat {
    /// Deterministic run.
    pub det: Option<f64>,
    /// Mean over runs.
    pub mean: Option<f64>,
    /// (percentile, value) in requested order.
    pub percentiles: Vec<(u32, Option<f64>)>,
}

impl Stat {
    /// The value of a percentile.
    pub fn p(&self, percentile: u32) -> Option<f64> {
        self.percentiles
            .iter()
            .find(|(p, _)| *p == percentile)
            .and_then(|(_, value)| *value)
    }
    fn null(percentiles: &[u32]) -> Stat {
        Stat {
            det: None,
            mean: None,
            percentiles: percentiles.iter().map(|p| (*p, None)).collect(),
        }
    }
}

/// Nearest-rank percentile of sorted values: x₍⌈pR/100⌉₎ (`metrics.md` §4).
pub fn nearest_rank(sorted: &[f64], percentile: u32) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as u64;
    let rank = (u64::from(percentile) * n).div_ceil(100).max(1);
    sorted.get((rank - 1) as usize).copied()
}

/// Computes a stat from a deterministic value and run values (non-finite = undefined, skipped).
pub fn stat(det: f64, runs: &[f64], percentiles: &[u32]) -> Stat {
    let det = det.is_finite().then_some(det);
    let mut values: Vec<f64> = runs.iter().copied().filter(|v| v.is_finite()).collect();
    if runs.is_empty() {
        return Stat {
            det,
            mean: det,
            percentiles: percentiles.iter().map(|p| (*p, det)).collect(),
        };
    }
    let mean = if values.is_empty() {
        None
    } else {
        Some(values.iter().sum::<f64>() / values.len() as f64)
    };
    // Nearest rank by selection (same result as sorting, less work per number).
    let n = values.len() as u64;
    let percentiles = percentiles
        .iter()
        .map(|p| {
            if values.is_empty() {
                return (*p, None);
            }
            let rank = (u64::from(*p) * n).div_ceil(100).max(1) as usize;
            let (_, value, _) = values.select_nth_unstable_by(rank - 1, f64::total_cmp);
            (*p, Some(*value))
        })
        .collect();
    Stat {
        det,
        mean,
        percentiles,
    }
}

/// A row's key: `None` = `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowKey {
    /// Role group.
    pub role_group: Option<usize>,
    /// Setting.
    pub setting: Option<usize>,
    /// Sector.
    pub sector: Option<usize>,
}

impl RowKey {
    fn contains(&self, block: &BlockKey) -> bool {
        self.role_group.is_none_or(|g| g == block.role_group)
            && self.setting.is_none_or(|s| s == block.setting)
            && self.sector.is_none_or(|e| e == block.sector)
    }
    /// Names for output.
    pub fn names(&self) -> (&'static str, &'static str, &'static str) {
        (
            self.role_group
                .and_then(|g| ROLE_GROUPS.get(g).copied())
                .unwrap_or("all"),
            self.setting
                .and_then(|s| SETTINGS.get(s).copied())
                .unwrap_or("all"),
            self.sector
                .and_then(|e| SECTORS.get(e).copied())
                .unwrap_or("all"),
        )
    }
}

/// One output row (§10).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionRow {
    /// `baseline` or the variant's name.
    pub scenario: String,
    /// Area code.
    pub area: String,
    /// Calendar year.
    pub year: i32,
    /// "YYYY/YY".
    pub period: String,
    /// Key.
    pub key: RowKey,
    /// Disclosure control applied.
    pub suppressed: bool,
    /// Coverage.
    pub coverage: f64,
    /// Stats for the 23 measures, 8 sources and 4 destinations (`ROW_VALUES`); empty when
    /// suppressed.
    pub values: Vec<Stat>,
}

/// A variant comparison (§7, §10).
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Variant name.
    pub variant: String,
    /// Area.
    pub area: String,
    /// Year.
    pub year: i32,
    /// Key.
    pub key: RowKey,
    /// Δgap.
    pub gap_change: Stat,
    /// Δpv_total.
    pub pv_total_change: Stat,
    /// Δpv ÷ gap closed.
    pub cost_per_gap_post_closed: Stat,
}

/// A risk row (§6).
#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    /// Scenario.
    pub scenario: String,
    /// Area.
    pub area: String,
    /// Year.
    pub year: i32,
    /// Role group (`None` = all).
    pub role_group: Option<usize>,
    /// Share of runs with gap rate over the threshold.
    pub p_gap_over_threshold: f64,
    /// 1–5.
    pub likelihood: u32,
    /// 1–5.
    pub impact: u32,
    /// likelihood × impact.
    pub score: u32,
}

/// A finished projection, ready for the writers of [`crate::output`].
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// Scenario name.
    pub scenario_name: String,
    /// Scenario file.
    pub scenario_file: String,
    /// Scenario SHA-256.
    pub scenario_sha256: String,
    /// Base date.
    pub as_of: String,
    /// Y0.
    pub base_year: i32,
    /// H.
    pub horizon_years: u32,
    /// quarter or year.
    pub step: String,
    /// monte_carlo or deterministic.
    pub engine: String,
    /// Runs.
    pub runs: u32,
    /// Seed.
    pub seed: u64,
    /// Percentiles.
    pub percentiles: Vec<u32>,
    /// Price base year.
    pub price_base_year: i32,
    /// Audience.
    pub audience: Audience,
    /// Area inputs used (provenance, calibration, survival, warnings).
    pub inputs: AreaInputs,
    /// Rows.
    pub rows: Vec<ProjectionRow>,
    /// Comparisons.
    pub comparisons: Vec<Comparison>,
    /// Risks.
    pub risks: Vec<Risk>,
    /// Simple-mode rows (deterministic baseline).
    pub simple: Option<Vec<crate::demand::SimpleRow>>,
    /// Warnings, sorted and unique.
    pub warnings: Vec<Warning>,
}

/// Options of a projection run that the command line may override.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Runs (`None` = the scenario's; 0 = deterministic only).
    pub runs: Option<u32>,
    /// Seed override.
    pub seed: Option<u64>,
    /// Audience override.
    pub audience: Option<Audience>,
    /// Worker threads (results do not depend on it).
    pub threads: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            runs: None,
            seed: None,
            audience: None,
            threads: 1,
        }
    }
}

fn row_keys(group_by: &[GroupDim]) -> Vec<RowKey> {
    let options = |dim: GroupDim, count: usize| -> Vec<Option<usize>> {
        if group_by.contains(&dim) {
            (0..count).map(Some).chain(std::iter::once(None)).collect()
        } else {
            vec![None]
        }
    };
    let mut keys = Vec::new();
    for g in options(GroupDim::RoleGroup, 4) {
        for s in options(GroupDim::Setting, 7) {
            for e in options(GroupDim::Sector, 3) {
                keys.push(RowKey {
                    role_group: g,
                    setting: s,
                    sector: e,
                });
            }
        }
    }
    keys
}

/// Turns one run's block results into row values `[row][year][ROW_VALUES]`.
fn row_values(output: &RunOutput, keys: &[RowKey], membership: &[Vec<usize>]) -> Vec<f64> {
    let years = output.years;
    let mut sums = vec![0.0; keys.len() * years * slot::COUNT];
    for (block, rows) in membership.iter().enumerate() {
        for year in 0..years {
            let start = (block * years + year) * slot::COUNT;
            let Some(source) = output.values.get(start..start + slot::COUNT) else {
                continue;
            };
            for row in rows {
                let target = (row * years + year) * slot::COUNT;
                if let Some(sum) = sums.get_mut(target..target + slot::COUNT) {
                    for (s, v) in sum.iter_mut().zip(source) {
                        *s += v;
                    }
                }
            }
        }
    }
    let mut values = vec![0.0; keys.len() * years * ROW_VALUES];
    for row in 0..keys.len() {
        for year in 0..years {
            let start = (row * years + year) * slot::COUNT;
            let Some(s) = sums.get(start..start + slot::COUNT) else {
                continue;
            };
            let gap = s[slot::DEMAND] - s[slot::FILLED];
            let ratio = |a: f64, b: f64| if b != 0.0 { a / b } else { f64::NAN };
            let measures = [
                s[slot::DEMAND],
                s[slot::DEMAND_FTE],
                s[slot::FILLED],
                s[slot::FILLED_FTE],
                s[slot::DIRECT],
                gap,
                s[slot::DEMAND_FTE] - s[slot::FILLED_FTE],
                ratio(gap, s[slot::DEMAND]),
                gap.max(0.0),
                s[slot::STARTERS],
                (s[slot::TARGET] - s[slot::DIRECT_PREVIOUS] + s[slot::LEAVERS] + s[slot::EXITS]
                    - (s[slot::MOVES_IN] - s[slot::MOVES_OUT]))
                    .max(0.0),
                s[slot::LEAVERS],
                s[slot::EXITS],
                s[slot::MOVES_IN],
                s[slot::MOVES_OUT],
                ratio(s[slot::LEAVERS] + s[slot::EXITS], s[slot::DIRECT]),
                s[slot::COST_RECRUITMENT],
                s[slot::COST_INDUCTION],
                s[slot::COST_TRAINING],
                s[slot::PAY_BILL],
                s[slot::COST_TOTAL],
                s[slot::TURNOVER_COST],
                s[slot::PV_TOTAL],
            ];
            let target = (row * years + year) * ROW_VALUES;
            if let Some(out) = values.get_mut(target..target + ROW_VALUES) {
                out[..23].copy_from_slice(&measures);
                out[23..31].copy_from_slice(&s[slot::SOURCES..slot::SOURCES + 8]);
                out[31..35].copy_from_slice(&s[slot::DESTINATIONS..slot::DESTINATIONS + 4]);
            }
        }
    }
    values
}

type RunSlot = Option<Result<Vec<f64>, PlanningError>>;

/// Runs every scenario run of a variant (or the baseline), in parallel over `threads`; results are
/// indexed by run, so they do not depend on the thread count.
fn run_all(
    inputs: &AreaInputs,
    spec: RunSpec<'_>,
    seed: u64,
    runs: u32,
    threads: usize,
    convert: &(dyn Fn(&RunOutput) -> Vec<f64> + Sync),
) -> Result<Vec<Vec<f64>>, PlanningError> {
    let threads = threads.clamp(1, 64);
    let mut results: Vec<RunSlot> = (0..runs).map(|_| None).collect();
    std::thread::scope(|scope| {
        let chunks: Vec<(usize, &mut [RunSlot])> = {
            let size = (runs as usize).div_ceil(threads).max(1);
            results
                .chunks_mut(size)
                .enumerate()
                .map(|(i, chunk)| (i * size, chunk))
                .collect()
        };
        for (offset, chunk) in chunks {
            scope.spawn(move || {
                for (i, slot) in chunk.iter_mut().enumerate() {
                    let draws = Draws {
                        seed,
                        run: Some((offset + i) as u64),
                    };
                    *slot = Some(project_run(inputs, spec, &draws).map(|output| convert(&output)));
                }
            });
        }
    });
    results
        .into_iter()
        .map(|result| {
            result.unwrap_or_else(|| Err(PlanningError::Model("a run did not finish".to_string())))
        })
        .collect()
}

fn period(year: i32) -> String {
    format!("{}/{:02}", year - 1, year.rem_euclid(100))
}

fn level(value: f64, cuts: &[f64; 4]) -> u32 {
    1 + cuts.iter().filter(|cut| value >= **cut).count() as u32
}

/// Runs a projection: the baseline and every variant, deterministic and Monte Carlo.
pub fn project(
    scenario: &Scenario,
    inputs: &AreaInputs,
    options: RunOptions,
) -> Result<Projection, PlanningError> {
    let as_of = scenario.run.as_of.ok_or_else(|| {
        PlanningError::Model("the scenario needs [run] as_of (or a data set)".to_string())
    })?;
    let base_year = as_of.year();
    let seed = options.seed.unwrap_or(scenario.run.seed);
    let runs = if scenario.run.monte_carlo {
        options.runs.unwrap_or(scenario.run.runs)
    } else {
        0
    };
    let audience = options.audience.unwrap_or(scenario.output.audience);
    let percentiles = scenario.run.percentiles.clone();
    let keys = row_keys(&scenario.output.group_by);
    let horizon = scenario.run.horizon_years as usize;
    let years = horizon + 1;

    let mut variants: Vec<Option<&Variant>> = vec![None];
    variants.extend(scenario.variants.iter().map(Some));

    let mut rows = Vec::new();
    let mut comparisons = Vec::new();
    let mut risks = Vec::new();
    let mut warnings: Vec<Warning> = inputs.warnings.clone();
    let mut simple = None;
    let mut baseline_det: Vec<f64> = Vec::new();
    let mut baseline_runs: Vec<Vec<f64>> = Vec::new();

    for variant in variants {
        let name = variant.map_or("baseline".to_string(), |v| v.name.clone());
        let levers = scenario.levers_for(variant);
        let population_variant = variant
            .and_then(|v| v.population_variant.as_deref())
            .unwrap_or(&scenario.data.population_variant);
        let spec = RunSpec {
            scenario,
            levers: &levers,
            population_variant,
            base_year,
        };
        let det_output = project_run(inputs, spec, &Draws::deterministic())?;
        warnings.extend(det_output.warnings.iter().cloned());
        let membership: Vec<Vec<usize>> = det_output
            .blocks
            .iter()
            .map(|block| {
                keys.iter()
                    .enumerate()
                    .filter(|(_, key)| key.contains(block))
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        if variant.is_none() {
            simple = det_output.simple.clone();
        }
        // Disclosure per row from the base blocks.
        let suppressed: Vec<bool> = keys
            .iter()
            .map(|key| {
                if audience != Audience::Commissioner {
                    return false;
                }
                let mut records = 0.0;
                let mut workplaces = 0.0;
                let mut known = false;
                for block in &inputs.blocks {
                    let block_key = BlockKey {
                        role_group: block.role_group,
                        setting: block.setting,
                        sector: block.sector,
                    };
                    if key.contains(&block_key)
                        && let (Some(r), Some(w)) = (block.records, block.workplaces)
                    {
                        known = true;
                        records += r;
                        workplaces += w;
                    }
                }
                known && (records < 10.0 || workplaces < 3.0)
            })
            .collect();
        let det_values = row_values(&det_output, &keys, &membership);
        // Each run is reduced to its row values inside the worker, so block results never pile up.
        let convert = |output: &RunOutput| row_values(output, &keys, &membership);
        let run_values: Vec<Vec<f64>> =
            run_all(inputs, spec, seed, runs, options.threads, &convert)?;

        let mut column = vec![0.0; run_values.len()];
        for year in 0..years {
            for (r, key) in keys.iter().enumerate() {
                let calendar = base_year + year as i32;
                let base = (r * years + year) * ROW_VALUES;
                let values = if suppressed[r] {
                    Vec::new()
                } else {
                    (0..ROW_VALUES)
                        .map(|v| {
                            for (slot, run) in column.iter_mut().zip(&run_values) {
                                *slot = run.get(base + v).copied().unwrap_or(f64::NAN);
                            }
                            stat(
                                det_values.get(base + v).copied().unwrap_or(f64::NAN),
                                &column,
                                &percentiles,
                            )
                        })
                        .collect()
                };
                // Risk for role-group rows (setting and sector all).
                if key.setting.is_none() && key.sector.is_none() && !suppressed[r] {
                    let gap_rates: Vec<f64> = if run_values.is_empty() {
                        vec![det_values.get(base + GAP_RATE).copied().unwrap_or(f64::NAN)]
                    } else {
                        run_values
                            .iter()
                            .map(|run| run.get(base + GAP_RATE).copied().unwrap_or(f64::NAN))
                            .collect()
                    };
                    let mut sorted: Vec<f64> = gap_rates
                        .iter()
                        .copied()
                        .filter(|v| v.is_finite())
                        .collect();
                    sorted.sort_by(f64::total_cmp);
                    if let Some(median) = nearest_rank(&sorted, 50) {
                        let over = sorted
                            .iter()
                            .filter(|v| **v > scenario.risk.gap_threshold)
                            .count();
                        let p = over as f64 / sorted.len() as f64;
                        let likelihood = level(p, &scenario.risk.likelihood_cuts);
                        let impact = level(median, &scenario.risk.impact_cuts);
                        risks.push(Risk {
                            scenario: name.clone(),
                            area: inputs.area_code.clone(),
                            year: calendar,
                            role_group: key.role_group,
                            p_gap_over_threshold: p,
                            likelihood,
                            impact,
                            score: likelihood * impact,
                        });
                    }
                }
                // Comparisons against the baseline, within each run.
                if variant.is_some() {
                    let pick = |values: &[f64], v: usize| {
                        values.get(base + v).copied().unwrap_or(f64::NAN)
                    };
                    // The baseline keeps only gap and PV per run and entry (memory, §15).
                    let entry = base / ROW_VALUES;
                    let compact = |values: &[f64], which: usize| {
                        values.get(entry * 2 + which).copied().unwrap_or(f64::NAN)
                    };
                    let det_gap = pick(&det_values, GAP_POSTS) - pick(&baseline_det, GAP_POSTS);
                    let det_pv = pick(&det_values, PV_TOTAL) - pick(&baseline_det, PV_TOTAL);
                    let per_closed = |gap_change: f64, pv_change: f64| {
                        if -gap_change > 0.0 {
                            pv_change / -gap_change
                        } else {
                            f64::NAN
                        }
                    };
                    let gap_runs: Vec<f64> = run_values
                        .iter()
                        .zip(&baseline_runs)
                        .map(|(v, b)| pick(v, GAP_POSTS) - compact(b, 0))
                        .collect();
                    let pv_runs: Vec<f64> = run_values
                        .iter()
                        .zip(&baseline_runs)
                        .map(|(v, b)| pick(v, PV_TOTAL) - compact(b, 1))
                        .collect();
                    let closed_runs: Vec<f64> = gap_runs
                        .iter()
                        .zip(&pv_runs)
                        .map(|(g, p)| per_closed(*g, *p))
                        .collect();
                    let (gap_change, pv_total_change, cost_per_gap_post_closed) = if suppressed[r] {
                        (
                            Stat::null(&percentiles),
                            Stat::null(&percentiles),
                            Stat::null(&percentiles),
                        )
                    } else {
                        (
                            stat(det_gap, &gap_runs, &percentiles),
                            stat(det_pv, &pv_runs, &percentiles),
                            stat(per_closed(det_gap, det_pv), &closed_runs, &percentiles),
                        )
                    };
                    comparisons.push(Comparison {
                        variant: name.clone(),
                        area: inputs.area_code.clone(),
                        year: calendar,
                        key: *key,
                        gap_change,
                        pv_total_change,
                        cost_per_gap_post_closed,
                    });
                }
                rows.push(ProjectionRow {
                    scenario: name.clone(),
                    area: inputs.area_code.clone(),
                    year: calendar,
                    period: period(calendar),
                    key: *key,
                    suppressed: suppressed[r],
                    coverage: inputs.coverage,
                    values,
                });
            }
        }
        if variant.is_none() {
            baseline_det = det_values;
            baseline_runs = run_values
                .iter()
                .map(|values| {
                    values
                        .chunks_exact(ROW_VALUES)
                        .flat_map(|entry| [entry[GAP_POSTS], entry[PV_TOTAL]])
                        .collect()
                })
                .collect();
        }
    }
    warnings.sort();
    warnings.dedup();
    Ok(Projection {
        scenario_name: scenario.name.clone(),
        scenario_file: scenario.file.clone(),
        scenario_sha256: scenario.sha256.clone(),
        as_of: as_of.to_string(),
        base_year,
        horizon_years: scenario.run.horizon_years,
        step: scenario.run.step.name().to_string(),
        engine: if runs > 0 {
            "monte_carlo"
        } else {
            "deterministic"
        }
        .to_string(),
        runs,
        seed,
        percentiles,
        price_base_year: scenario.run.price_base_year.unwrap_or(base_year),
        audience,
        inputs: inputs.clone(),
        rows,
        comparisons,
        risks,
        simple,
        warnings,
    })
}

/// Merges the projections of several areas (`area = "la:*"`) into one: rows, comparisons and
/// risks sorted by scenario (baseline first, then variants in file order), area, year and §2
/// order; inputs, calibration and warnings of every area. Returns `None` for no projections.
pub fn merge_projections(mut projections: Vec<Projection>) -> Option<Projection> {
    if projections.is_empty() {
        return None;
    }
    let mut merged = projections.remove(0);
    let scenario_order: Vec<String> = {
        let mut names: Vec<String> = Vec::new();
        for row in &merged.rows {
            if !names.contains(&row.scenario) {
                names.push(row.scenario.clone());
            }
        }
        names
    };
    for projection in projections {
        merged.rows.extend(projection.rows);
        merged.comparisons.extend(projection.comparisons);
        merged.risks.extend(projection.risks);
        merged.warnings.extend(projection.warnings);
        for info in projection.inputs.inputs {
            if !merged.inputs.inputs.contains(&info) {
                merged.inputs.inputs.push(info);
            }
        }
        merged
            .inputs
            .calibration
            .extend(projection.inputs.calibration);
    }
    let rank = |name: &str| {
        scenario_order
            .iter()
            .position(|n| n == name)
            .unwrap_or(usize::MAX)
    };
    let key_rank = |key: &RowKey| {
        (
            key.role_group.unwrap_or(usize::MAX),
            key.setting.unwrap_or(usize::MAX),
            key.sector.unwrap_or(usize::MAX),
        )
    };
    merged.rows.sort_by(|a, b| {
        (rank(&a.scenario), &a.area, a.year, key_rank(&a.key)).cmp(&(
            rank(&b.scenario),
            &b.area,
            b.year,
            key_rank(&b.key),
        ))
    });
    merged.comparisons.sort_by(|a, b| {
        (rank(&a.variant), &a.area, a.year, key_rank(&a.key)).cmp(&(
            rank(&b.variant),
            &b.area,
            b.year,
            key_rank(&b.key),
        ))
    });
    merged.risks.sort_by(|a, b| {
        (
            rank(&a.scenario),
            &a.area,
            a.year,
            a.role_group.unwrap_or(usize::MAX),
        )
            .cmp(&(
                rank(&b.scenario),
                &b.area,
                b.year,
                b.role_group.unwrap_or(usize::MAX),
            ))
    });
    merged.warnings.sort();
    merged.warnings.dedup();
    merged.simple = None;
    merged.inputs.area_code = "la:*".to_string();
    merged.inputs.area_name = "every local authority".to_string();
    Some(merged)
}

/// Names of the 35 row values, for CSV (`starters_by_source.<source>`, ...).
pub fn value_names() -> Vec<String> {
    MEASURES
        .iter()
        .map(|m| m.to_string())
        .chain(SOURCES.iter().map(|s| format!("starters_by_source.{s}")))
        .chain(
            DESTINATIONS
                .iter()
                .map(|d| format!("leavers_by_destination.{d}")),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_on_one_to_ten() {
        // §14 test 7: runs 1…10 → P10 = x(⌈1⌉) = 1, P50 = x(5) = 5, P90 = x(9) = 9.
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(nearest_rank(&values, 10), Some(1.0));
        assert_eq!(nearest_rank(&values, 50), Some(5.0));
        assert_eq!(nearest_rank(&values, 90), Some(9.0));
    }

    #[test]
    fn periods_and_levels() {
        assert_eq!(period(2026), "2025/26");
        assert_eq!(period(2000), "1999/00");
        // p = 0.3 passes the cuts 0.05 and 0.2 → likelihood 3.
        assert_eq!(level(0.3, &[0.05, 0.2, 0.5, 0.8]), 3);
        assert_eq!(level(0.0, &[0.05, 0.2, 0.5, 0.8]), 1);
        assert_eq!(level(0.9, &[0.05, 0.2, 0.5, 0.8]), 5);
    }
}
