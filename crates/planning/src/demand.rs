//! The demand side (`planning.md` §3): need, simple and fixed modes, calibrated or explicit
//! ratios, use-rate, mix, PA-share, productivity and sector shifts.

use crate::dims::{DOM_SETTING, DP_SECTOR, PA_SETTING};
use crate::engine::{BlockKey, ResolvedLever, ResolvedLeverKind};
use crate::error::PlanningError;
use crate::model::{AreaInputs, PopulationRow, Warning};
use crate::scenario::{BaseKind, DemandMode, Ratios, Scenario};

/// A row of the `simple` output (§10).
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleRow {
    /// Calendar year.
    pub year: i32,
    /// B.
    pub base_posts: f64,
    /// P_G(Y)/P_G(Y0).
    pub ratio: f64,
    /// B × ratio.
    pub target_posts: f64,
    /// target − B.
    pub extra_posts: f64,
}

/// Demand per block and year.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// D[block][k] for k = 0..=H.
    pub posts: Vec<Vec<f64>>,
    /// Simple-mode rows.
    pub simple: Option<Vec<SimpleRow>>,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

/// Population of a variant, year and age range [min, max] (sexes summed; `persons` rows used
/// only when no sex-specific rows exist). Errors when the year is missing or a band straddles
/// the range.
pub fn population_in(
    rows: &[PopulationRow],
    variant: &str,
    year: i32,
    min_age: u32,
    max_age: Option<u32>,
) -> Result<f64, PlanningError> {
    let of_year: Vec<&PopulationRow> = rows
        .iter()
        .filter(|row| row.variant == variant && row.year == year)
        .collect();
    if of_year.is_empty() {
        return Err(PlanningError::Model(format!(
            "population table has no rows for variant `{variant}` in {year} (missing years)"
        )));
    }
    let by_sex = of_year.iter().any(|row| row.sex != "persons");
    let mut total = 0.0;
    let high = max_age.unwrap_or(u32::MAX);
    for row in of_year {
        if by_sex == (row.sex == "persons") {
            continue;
        }
        let row_max = row.age_max.unwrap_or(u32::MAX);
        if row_max < min_age || row.age_min > high {
            continue;
        }
        if row.age_min < min_age || row_max > high {
            return Err(PlanningError::Model(format!(
                "population band {}–{} straddles the age range {min_age}–{}",
                row.age_min,
                row.age_max.map_or(String::new(), |age| age.to_string()),
                max_age.map_or(String::new(), |age| age.to_string())
            )));
        }
        total += row.population;
    }
    Ok(total)
}

/// need_n(Y) before trends: Σ population × prevalence over bands and sexes.
pub fn need_base(
    inputs: &AreaInputs,
    rates: &[f64],
    measure: &str,
    variant: &str,
    year: i32,
) -> Result<f64, PlanningError> {
    let of_year: Vec<&PopulationRow> = inputs
        .population
        .iter()
        .filter(|row| row.variant == variant && row.year == year)
        .collect();
    if of_year.is_empty() {
        return Err(PlanningError::Model(format!(
            "population table has no rows for variant `{variant}` in {year} (missing years)"
        )));
    }
    let by_sex = of_year.iter().any(|row| row.sex != "persons");
    let mut total = 0.0;
    for row in of_year {
        if by_sex == (row.sex == "persons") {
            continue;
        }
        let row_max = row.age_max.unwrap_or(u32::MAX);
        let mut rate_sum = 0.0;
        let mut rate_count = 0.0;
        for (prevalence, rate) in inputs.prevalence.iter().zip(rates) {
            if prevalence.measure != measure {
                continue;
            }
            let rate_max = prevalence.age_max.unwrap_or(u32::MAX);
            if row.age_min < prevalence.age_min || row_max > rate_max {
                continue;
            }
            if prevalence.sex == "persons" || prevalence.sex == row.sex {
                rate_sum += rate;
                rate_count += 1.0;
            } else if row.sex == "persons" {
                // Persons rows against sex-specific rates: the mean of the two sexes.
                rate_sum += rate;
                rate_count += 1.0;
            }
        }
        if rate_count > 0.0 {
            let rate = if row.sex == "persons" {
                rate_sum / rate_count
            } else {
                rate_sum
            };
            total += row.population * rate;
        }
    }
    Ok(total)
}

fn trend_factor(levers: &[ResolvedLever], measure: &str, base_year: i32, year: i32) -> f64 {
    let mut factor = 1.0;
    for lever in levers {
        if let ResolvedLeverKind::PrevalenceTrend { measure: m, rate } = &lever.kind
            && m == measure
        {
            for y in (base_year + 1)..=year {
                factor *= 1.0 + rate.at(f64::from(y));
            }
        }
    }
    factor
}

/// Computes demand for every block and year k = 0..=H.
#[allow(clippy::too_many_arguments)]
pub fn demand(
    inputs: &AreaInputs,
    scenario: &Scenario,
    blocks: &[BlockKey],
    base_posts_by_block: &[(f64, f64)],
    levers: &[ResolvedLever],
    prevalence_rates: &[f64],
    population_variant: &str,
    base_year: i32,
) -> Result<Demand, PlanningError> {
    let horizon = scenario.run.horizon_years as usize;
    let mut warnings = Vec::new();
    // Base B per block: total (filled + vacant) or filled.
    let base: Vec<f64> = base_posts_by_block
        .iter()
        .map(|(filled, vacant)| match scenario.demand.base {
            BaseKind::Total => filled + vacant,
            BaseKind::Filled => *filled,
        })
        .collect();
    let base_sum: f64 = base.iter().sum();
    let base: Vec<f64> = match scenario.demand.base_posts {
        Some(posts) if base_sum > 0.0 => base.iter().map(|b| posts * b / base_sum).collect(),
        Some(_) => {
            return Err(PlanningError::Model(
                "base_posts needs a base stock to take cell shares from".to_string(),
            ));
        }
        None => base,
    };
    let mut simple_rows = None;

    // Total posts per setting and per (g, s).
    let mut tp_setting = [0.0; 7];
    let mut tp_role_setting = [[0.0; 7]; 4];
    for (key, b) in blocks.iter().zip(&base) {
        tp_setting[key.setting] += b;
        tp_role_setting[key.role_group][key.setting] += b;
    }

    // Users per setting by year (before shifts), and posts per user by (g, s).
    let mut users = vec![[0.0; 7]; horizon + 1];
    let mut ratio = [[0.0; 7]; 4];
    let explicit =
        scenario.demand.mode == DemandMode::Need && scenario.demand.ratios == Ratios::Explicit;
    for s in 0..7 {
        let rho = inputs.posts_per_user[s];
        for g in 0..4 {
            if tp_setting[s] > 0.0 {
                ratio[g][s] = rho * tp_role_setting[g][s] / tp_setting[s];
            }
        }
    }
    if explicit {
        let Some(ratios) = inputs.staff_ratios else {
            return Err(PlanningError::Model(
                "explicit ratios need a staff_ratios table".to_string(),
            ));
        };
        for (s, row) in ratios.iter().enumerate() {
            for (g, value) in row.iter().enumerate() {
                ratio[g][s] = *value;
            }
        }
    }

    // need_n(Y) before trends, computed once per measure and year.
    let mut need_cache: Vec<(String, i32, f64)> = Vec::new();
    let mut need = |measure: &str, year: i32| -> Result<f64, PlanningError> {
        if let Some((_, _, value)) = need_cache
            .iter()
            .find(|(m, y, _)| m == measure && *y == year)
        {
            return Ok(*value);
        }
        let value = need_base(inputs, prevalence_rates, measure, population_variant, year)?;
        need_cache.push((measure.to_string(), year, value));
        Ok(value)
    };
    for k in 0..=horizon {
        let year = base_year + k as i32;
        let simple_ratio = if scenario.demand.mode == DemandMode::Simple {
            let min_age = scenario.demand.simple_group.min_age();
            let now = population_in(&inputs.population, population_variant, year, min_age, None)?;
            let then = population_in(
                &inputs.population,
                population_variant,
                base_year,
                min_age,
                None,
            )?;
            if then <= 0.0 {
                return Err(PlanningError::Model(
                    "simple mode: base-year population is zero".to_string(),
                ));
            }
            now / then
        } else {
            1.0
        };
        for s in 0..7 {
            let use_rate: f64 = levers
                .iter()
                .filter(|lever| lever.applies_setting(s))
                .map(|lever| match &lever.kind {
                    ResolvedLeverKind::UseRate { path } => path.at(f64::from(year)),
                    _ => 1.0,
                })
                .product();
            let value = match scenario.demand.mode {
                DemandMode::Fixed => tp_setting[s] / inputs.posts_per_user[s],
                DemandMode::Simple => tp_setting[s] / inputs.posts_per_user[s] * simple_ratio,
                DemandMode::Need if explicit => {
                    let mut total = 0.0;
                    for (measure, setting, per_person) in &inputs.service_use {
                        if *setting == s {
                            let need_now = need(measure, year)?
                                * trend_factor(levers, measure, base_year, year);
                            total += need_now * per_person;
                        }
                    }
                    total
                }
                DemandMode::Need => {
                    let mut growth = 0.0;
                    for (measure, weight) in inputs.need_weights.get(s).map_or(&[][..], |w| &w[..])
                    {
                        let then = need(measure, base_year)?;
                        let now =
                            need(measure, year)? * trend_factor(levers, measure, base_year, year);
                        if then > 0.0 {
                            growth += weight * now / then;
                        } else {
                            growth += weight;
                            let warning = Warning {
                                code: "measure_empty".to_string(),
                                message: format!("measure {measure} is zero in the base year"),
                            };
                            if !warnings.contains(&warning) {
                                warnings.push(warning);
                            }
                        }
                    }
                    tp_setting[s] / inputs.posts_per_user[s] * growth
                }
            };
            users[k][s] = value * use_rate;
        }
        if scenario.demand.mode == DemandMode::Simple {
            let b: f64 = base.iter().sum();
            let r = simple_ratio;
            simple_rows.get_or_insert_with(Vec::new).push(SimpleRow {
                year,
                base_posts: b,
                ratio: r,
                target_posts: b * r,
                extra_posts: b * r - b,
            });
        }
    }

    // Mix shifts on users, in file order; their role mix follows the source setting where the
    // destination has no base posts.
    for k in 0..=horizon {
        let year = f64::from(base_year + k as i32);
        for lever in levers {
            if let ResolvedLeverKind::Mix {
                from,
                to,
                path,
                conversion,
            } = &lever.kind
            {
                let share = path.at(year);
                let moved = users[k][*from] * share;
                users[k][*to] += conversion.at(year) * moved;
                users[k][*from] -= moved;
                if tp_setting[*to] <= 0.0 {
                    for row in &mut ratio {
                        row[*to] = row[*from];
                    }
                }
            }
        }
    }

    // Posts per (g, s), productivity, sector split.
    let mut posts = vec![vec![0.0; horizon + 1]; blocks.len()];
    for k in 0..=horizon {
        let year = base_year + k as i32;
        for (index, key) in blocks.iter().enumerate() {
            let (g, s, e) = (key.role_group, key.setting, key.sector);
            let mut productivity = 1.0;
            for lever in levers.iter().filter(|lever| lever.applies(g, s, e)) {
                if let ResolvedLeverKind::Productivity { rate } = &lever.kind {
                    for y in (base_year + 1)..=year {
                        productivity *= 1.0 - rate.at(f64::from(y));
                    }
                }
            }
            let role_setting = ratio[g][s] * users[k][s] * productivity;
            // Sector share σ: the block's share of its (g, s) base, else of its setting.
            let cell_base = base.get(index).copied().unwrap_or(0.0);
            let sigma = if tp_role_setting[g][s] > 0.0 {
                cell_base / tp_role_setting[g][s]
            } else {
                let same: Vec<usize> = blocks
                    .iter()
                    .enumerate()
                    .filter(|(_, other)| other.role_group == g && other.setting == s)
                    .map(|(i, _)| i)
                    .collect();
                if same.is_empty() {
                    0.0
                } else {
                    1.0 / same.len() as f64
                }
            };
            if let Some(slot) = posts.get_mut(index).and_then(|row| row.get_mut(k)) {
                *slot = role_setting * sigma;
            }
        }
    }
    if explicit {
        let base_demand: f64 = posts
            .iter()
            .map(|row| row.first().copied().unwrap_or(0.0))
            .sum();
        let total: f64 = base.iter().sum();
        warnings.push(Warning {
            code: "base_imbalance".to_string(),
            message: format!(
                "explicit ratios: base demand − total posts = {}",
                base_demand - total
            ),
        });
    }

    // PA share, then sector shifts, per year.
    for k in 0..=horizon {
        let year = f64::from(base_year + k as i32);
        for lever in levers {
            match &lever.kind {
                ResolvedLeverKind::PaShare { path, conversion } => {
                    let pi = path.at(year);
                    let total: f64 = posts.iter().map(|row| row[k]).sum();
                    let pa: f64 = blocks
                        .iter()
                        .zip(&posts)
                        .filter(|(key, _)| key.setting == PA_SETTING)
                        .map(|(_, row)| row[k])
                        .sum();
                    let dom: f64 = blocks
                        .iter()
                        .zip(&posts)
                        .filter(|(key, _)| key.setting == DOM_SETTING)
                        .map(|(_, row)| row[k])
                        .sum();
                    let c_p = match conversion {
                        Some(c) => c.at(year),
                        None => {
                            let r_pa: f64 = (0..4).map(|g| ratio[g][PA_SETTING]).sum();
                            let r_dom: f64 = (0..4).map(|g| ratio[g][DOM_SETTING]).sum();
                            if r_pa > 0.0 && r_dom > 0.0 {
                                r_pa / r_dom
                            } else {
                                inputs.posts_per_user[PA_SETTING]
                                    / inputs.posts_per_user[DOM_SETTING]
                            }
                        }
                    };
                    let denominator = c_p - pi * (c_p - 1.0);
                    if denominator <= 0.0 || dom <= 0.0 {
                        continue;
                    }
                    let moved = ((pi * total - pa) / denominator).clamp(0.0, dom);
                    let pa_blocks: Vec<usize> = blocks
                        .iter()
                        .enumerate()
                        .filter(|(_, key)| key.setting == PA_SETTING)
                        .map(|(i, _)| i)
                        .collect();
                    for (index, key) in blocks.iter().enumerate() {
                        if key.setting == DOM_SETTING {
                            let row = &mut posts[index];
                            row[k] -= moved * row[k] / dom;
                        }
                    }
                    for index in &pa_blocks {
                        let share = if pa > 0.0 {
                            posts[*index][k] / pa
                        } else {
                            let is_dp = blocks[*index].sector == DP_SECTOR
                                && blocks[*index].role_group == 0;
                            if is_dp { 1.0 } else { 0.0 }
                        };
                        posts[*index][k] += c_p * moved * share;
                    }
                }
                ResolvedLeverKind::SectorShift { from, to, path } => {
                    let share = path.at(year);
                    for (index, key) in blocks.iter().enumerate() {
                        if key.sector != *from
                            || !lever.applies(key.role_group, key.setting, key.sector)
                        {
                            continue;
                        }
                        let moved = posts[index][k] * share;
                        if let Some(target) = blocks.iter().position(|other| {
                            other.role_group == key.role_group
                                && other.setting == key.setting
                                && other.sector == *to
                        }) {
                            posts[index][k] -= moved;
                            posts[target][k] += moved;
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Ok(Demand {
        posts,
        simple: simple_rows,
        warnings,
    })
}
