//! The deterministic engine of one run (`planning.md` §4, §6, §7): the quarterly (or annual)
//! cohort stock-flow over role group × setting × sector × age × length of service, with leaving
//! and age exit, destinations, push and pull moves, joiners by source, recruitment modes and
//! pipelines; then costs. Random draws enter only through [`Draws`] (§9).

use crate::demand::{SimpleRow, demand};
use crate::dims::{
    AGE_WIDTHS, DIRECT_CARE, DP_SECTOR, INTERNATIONAL, LosStates, PA_SETTING, PIPELINE,
    WITHIN_SECTOR,
};
use crate::dist::{Dist, Draws, Number, YearFn, draw_dirichlet};
use crate::error::PlanningError;
use crate::model::{AreaInputs, Transition, Warning};
use crate::scenario::{Lever, LeverKind, LosBasis, MoveMode, Recruitment, Scenario, WithinSector};

/// Hours in a full-time week and weeks in a year (§7).
pub const FULL_TIME_HOURS: f64 = 37.5;
/// Weeks a year (§7).
pub const WEEKS_PER_YEAR: f64 = 52.14;

/// A block (g, s, e).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BlockKey {
    /// Role group.
    pub role_group: usize,
    /// Setting.
    pub setting: usize,
    /// Sector.
    pub sector: usize,
}

/// Slots of the per-block, per-year results (additive quantities).
pub mod slot {
    /// Demand posts D.
    pub const DEMAND: usize = 0;
    /// Demand FTE.
    pub const DEMAND_FTE: usize = 1;
    /// Filled posts F.
    pub const FILLED: usize = 2;
    /// Filled FTE.
    pub const FILLED_FTE: usize = 3;
    /// Directly employed filled posts X.
    pub const DIRECT: usize = 4;
    /// Starters (external joiners).
    pub const STARTERS: usize = 5;
    /// Leavers (excluding age exits).
    pub const LEAVERS: usize = 6;
    /// Age exits.
    pub const EXITS: usize = 7;
    /// Internal moves in.
    pub const MOVES_IN: usize = 8;
    /// Internal moves out.
    pub const MOVES_OUT: usize = 9;
    /// Recruitment cost.
    pub const COST_RECRUITMENT: usize = 10;
    /// Induction cost.
    pub const COST_INDUCTION: usize = 11;
    /// Training cost.
    pub const COST_TRAINING: usize = 12;
    /// Pay bill.
    pub const PAY_BILL: usize = 13;
    /// Total cost.
    pub const COST_TOTAL: usize = 14;
    /// Turnover cost.
    pub const TURNOVER_COST: usize = 15;
    /// Present value, cumulative.
    pub const PV_TOTAL: usize = 16;
    /// Direct target D* at year end.
    pub const TARGET: usize = 17;
    /// X at the end of the previous year.
    pub const DIRECT_PREVIOUS: usize = 18;
    /// First of 8 starters-by-source slots.
    pub const SOURCES: usize = 19;
    /// First of 4 leavers-by-destination slots.
    pub const DESTINATIONS: usize = 27;
    /// Number of slots.
    pub const COUNT: usize = 31;
}

/// A lever with its numbers resolved for one run.
#[derive(Debug, Clone)]
pub struct ResolvedLever {
    /// The lever (filters).
    pub lever: Lever,
    /// Resolved kind.
    pub kind: ResolvedLeverKind,
}

impl ResolvedLever {
    /// Whether it applies to a block.
    pub fn applies(&self, role_group: usize, setting: usize, sector: usize) -> bool {
        self.lever.applies(role_group, setting, sector)
    }
    /// Whether it applies to a setting (ignoring role group and sector filters).
    pub fn applies_setting(&self, setting: usize) -> bool {
        self.lever
            .settings
            .as_ref()
            .is_none_or(|list| list.contains(&setting))
    }
}

/// Resolved lever kinds: every number a function of the year.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub enum ResolvedLeverKind {
    PrevalenceTrend {
        measure: String,
        rate: YearFn,
    },
    UseRate {
        path: YearFn,
    },
    Mix {
        from: usize,
        to: usize,
        path: YearFn,
        conversion: YearFn,
    },
    PaShare {
        path: YearFn,
        conversion: Option<YearFn>,
    },
    Productivity {
        rate: YearFn,
    },
    SectorShift {
        from: usize,
        to: usize,
        path: YearFn,
    },
    Leaving {
        path: YearFn,
    },
    EarlyLeaving {
        path: YearFn,
    },
    Retirement {
        path: YearFn,
    },
    Pay {
        uplift: YearFn,
        elasticity_leaving: YearFn,
        elasticity_joiners: YearFn,
    },
    Joiners {
        path: YearFn,
    },
    International {
        path: Option<YearFn>,
        count: Option<YearFn>,
    },
    RecruitmentCap {
        path: Option<YearFn>,
        count: Option<YearFn>,
    },
    Promotion {
        from: usize,
        to: usize,
        mode: MoveMode,
        value: YearFn,
    },
    Pipeline {
        intake: YearFn,
        duration: i32,
        completion: YearFn,
        take_up: YearFn,
        to: usize,
        entry_age_band: usize,
        from: Option<usize>,
    },
    NonDirect {
        path: YearFn,
    },
    Qualification {
        learners: YearFn,
        unit_cost: Option<YearFn>,
    },
}

/// Resolves levers for a run; keys are `lever/<id>/<key>` (§9), so a variant's lever with the
/// same id draws the same numbers (common random numbers).
pub fn resolve_levers(levers: &[Lever], draws: &Draws) -> Vec<ResolvedLever> {
    levers
        .iter()
        .map(|lever| {
            let r = |key: &str, number: &Number| {
                number.resolve(&format!("lever/{}/{key}", lever.id), draws)
            };
            let o = |key: &str, number: &Option<Number>| number.as_ref().map(|n| r(key, n));
            let kind = match &lever.kind {
                LeverKind::PrevalenceTrend { measure, rate } => {
                    ResolvedLeverKind::PrevalenceTrend {
                        measure: measure.clone(),
                        rate: r("rate", rate),
                    }
                }
                LeverKind::UseRate { path } => ResolvedLeverKind::UseRate {
                    path: r("path", path),
                },
                LeverKind::Mix {
                    from,
                    to,
                    path,
                    conversion,
                } => ResolvedLeverKind::Mix {
                    from: *from,
                    to: *to,
                    path: r("path", path),
                    conversion: r("conversion", conversion),
                },
                LeverKind::PaShare { path, conversion } => ResolvedLeverKind::PaShare {
                    path: r("path", path),
                    conversion: o("conversion", conversion),
                },
                LeverKind::Productivity { rate } => ResolvedLeverKind::Productivity {
                    rate: r("rate", rate),
                },
                LeverKind::SectorShift { from, to, path } => ResolvedLeverKind::SectorShift {
                    from: *from,
                    to: *to,
                    path: r("path", path),
                },
                LeverKind::Leaving { path } => ResolvedLeverKind::Leaving {
                    path: r("path", path),
                },
                LeverKind::EarlyLeaving { path } => ResolvedLeverKind::EarlyLeaving {
                    path: r("path", path),
                },
                LeverKind::Retirement { path } => ResolvedLeverKind::Retirement {
                    path: r("path", path),
                },
                LeverKind::Pay {
                    uplift,
                    elasticity_leaving,
                    elasticity_joiners,
                } => ResolvedLeverKind::Pay {
                    uplift: r("uplift", uplift),
                    elasticity_leaving: r("elasticity_leaving", elasticity_leaving),
                    elasticity_joiners: r("elasticity_joiners", elasticity_joiners),
                },
                LeverKind::Joiners { path } => ResolvedLeverKind::Joiners {
                    path: r("path", path),
                },
                LeverKind::International { path, count } => ResolvedLeverKind::International {
                    path: o("path", path),
                    count: o("count", count),
                },
                LeverKind::RecruitmentCap { path, count } => ResolvedLeverKind::RecruitmentCap {
                    path: o("path", path),
                    count: o("count", count),
                },
                LeverKind::Promotion {
                    from,
                    to,
                    mode,
                    value,
                } => ResolvedLeverKind::Promotion {
                    from: *from,
                    to: *to,
                    mode: *mode,
                    value: r("value", value),
                },
                LeverKind::Pipeline {
                    intake,
                    duration,
                    completion,
                    take_up,
                    to,
                    entry_age_band,
                    from,
                } => ResolvedLeverKind::Pipeline {
                    intake: r("intake", intake),
                    duration: *duration,
                    completion: r("completion", completion),
                    take_up: r("take_up", take_up),
                    to: *to,
                    entry_age_band: *entry_age_band,
                    from: *from,
                },
                LeverKind::NonDirect { path } => ResolvedLeverKind::NonDirect {
                    path: r("path", path),
                },
                LeverKind::Qualification {
                    learners,
                    unit_cost,
                } => ResolvedLeverKind::Qualification {
                    learners: r("learners", learners),
                    unit_cost: o("unit_cost", unit_cost),
                },
            };
            ResolvedLever {
                lever: lever.clone(),
                kind,
            }
        })
        .collect()
}

/// What one run of one scenario produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutput {
    /// Blocks, sorted.
    pub blocks: Vec<BlockKey>,
    /// Years k = 0..=H.
    pub years: usize,
    /// Values `[block][year][slot]`, flattened.
    pub values: Vec<f64>,
    /// Simple-mode rows.
    pub simple: Option<Vec<SimpleRow>>,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

impl RunOutput {
    /// A value.
    pub fn get(&self, block: usize, year: usize, slot: usize) -> f64 {
        self.values
            .get((block * self.years + year) * slot::COUNT + slot)
            .copied()
            .unwrap_or(0.0)
    }
    /// Sum of a slot over blocks matching a filter.
    pub fn sum(&self, year: usize, slot: usize, filter: impl Fn(&BlockKey) -> bool) -> f64 {
        self.blocks
            .iter()
            .enumerate()
            .filter(|(_, key)| filter(key))
            .map(|(index, _)| self.get(index, year, slot))
            .sum()
    }
}

/// The run's per-scenario settings.
#[derive(Debug, Clone, Copy)]
pub struct RunSpec<'a> {
    /// The scenario file (settings).
    pub scenario: &'a Scenario,
    /// Levers in force (baseline or variant).
    pub levers: &'a [Lever],
    /// Population variant.
    pub population_variant: &'a str,
    /// Base year Y0.
    pub base_year: i32,
}

struct Costs {
    hire: f64,
    international_extra: f64,
    internal_move: f64,
    induction: f64,
    training_per_head: Option<f64>,
    qualification_unit: f64,
    on_cost: f64,
    pay_uprating: YearFn,
    inflation: YearFn,
    discount: f64,
}

fn block_keys(inputs: &AreaInputs, levers: &[Lever]) -> Vec<BlockKey> {
    let mut keys: Vec<BlockKey> = inputs
        .blocks
        .iter()
        .map(|block| BlockKey {
            role_group: block.role_group,
            setting: block.setting,
            sector: block.sector,
        })
        .collect();
    let snapshot = keys.clone();
    for lever in levers {
        match &lever.kind {
            LeverKind::Mix { from, to, .. } => {
                for key in snapshot.iter().filter(|key| key.setting == *from) {
                    keys.push(BlockKey {
                        setting: *to,
                        ..*key
                    });
                }
            }
            LeverKind::PaShare { .. } => keys.push(BlockKey {
                role_group: DIRECT_CARE,
                setting: PA_SETTING,
                sector: DP_SECTOR,
            }),
            LeverKind::SectorShift { from, to, .. } => {
                for key in snapshot.iter().filter(|key| key.sector == *from) {
                    keys.push(BlockKey {
                        sector: *to,
                        ..*key
                    });
                }
            }
            LeverKind::Pipeline { to, .. } if !snapshot.iter().any(|key| key.role_group == *to) => {
                keys.push(BlockKey {
                    role_group: *to,
                    setting: 2,
                    sector: 1,
                });
            }
            _ => {}
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Runs one scenario once: deterministic when `draws.run` is `None`.
pub fn project_run(
    inputs: &AreaInputs,
    spec: RunSpec<'_>,
    draws: &Draws,
) -> Result<RunOutput, PlanningError> {
    let scenario = spec.scenario;
    let horizon = scenario.run.horizon_years as usize;
    let step = scenario.run.step;
    let delta = step.years();
    let per_year = step.per_year();
    let states = LosStates::new(step);
    let n_los = states.len();
    let n_cells = 9 * n_los;
    let keys = block_keys(inputs, spec.levers);
    let n_blocks = keys.len();
    let uncertainty = scenario.uncertainty;
    let mut warnings: Vec<Warning> = Vec::new();

    let levers = resolve_levers(spec.levers, draws);

    // Base per block.
    let base_of = |key: &BlockKey| {
        inputs.blocks.iter().find(|block| {
            block.role_group == key.role_group
                && block.setting == key.setting
                && block.sector == key.sector
        })
    };
    let base_posts: Vec<(f64, f64)> = keys
        .iter()
        .map(|key| base_of(key).map_or((0.0, 0.0), |block| (block.filled, block.vacant)))
        .collect();

    // Prevalence draws (§9: rows with a CI as normal_ci clamped to [0, 1]).
    let prevalence_rates: Vec<f64> = inputs
        .prevalence
        .iter()
        .map(|row| match (row.rate_low, row.rate_high) {
            (Some(low), Some(high))
                if uncertainty.prevalence && low <= row.rate && row.rate <= high =>
            {
                let dist = Dist::NormalCi {
                    estimate: row.rate,
                    low,
                    high,
                };
                let key = format!("prevalence/{}/{}/{}", row.measure, row.sex, row.age_min);
                draws.dist(&dist, &key).clamp(0.0, 1.0)
            }
            _ => row.rate,
        })
        .collect();

    let demand = demand(
        inputs,
        scenario,
        &keys,
        &base_posts,
        &levers,
        &prevalence_rates,
        spec.population_variant,
        spec.base_year,
    )?;
    warnings.extend(demand.warnings.iter().cloned());

    // Hazard draws: LOS-shape cells × Gamma(D + β, D + β); level k × Gamma(L + α, L + α).
    let beta = scenario.supply.prior_events;
    let alpha = scenario.supply.prior_leavers;
    let mut band_hazards = vec![[[0.0f64; 8]; 7]; 4];
    for g in 0..4 {
        let level_draw = match inputs.level_leavers[g] {
            Some(leavers) if uncertainty.calibration && leavers + alpha > 0.0 => draws.dist(
                &Dist::Gamma {
                    shape: leavers + alpha,
                    rate: leavers + alpha,
                },
                &format!("level/{g}"),
            ),
            _ => 1.0,
        };
        for s in 0..7 {
            for b in 0..8 {
                let hazard = inputs.hazards[g][s][b];
                let multiplier = match inputs.hazard_events[g][s][b] {
                    Some(events) if uncertainty.hazards && events + beta > 0.0 => draws.dist(
                        &Dist::Gamma {
                            shape: events + beta,
                            rate: events + beta,
                        },
                        &format!("hazard/{g}/{s}/{b}"),
                    ),
                    _ => 1.0,
                };
                band_hazards[g][s][b] = inputs.level_k[g] * level_draw * hazard * multiplier;
            }
        }
    }
    // PAs borrow independent domiciliary direct-care hazards when they have none.
    if band_hazards[DIRECT_CARE][PA_SETTING]
        .iter()
        .all(|h| *h == 0.0)
    {
        band_hazards[DIRECT_CARE][PA_SETTING] = band_hazards[DIRECT_CARE][2];
    }

    // Shares.
    let destinations: Vec<f64> = match inputs.destination_counts {
        Some(counts) if uncertainty.shares => draw_dirichlet(&counts, draws, "shares/destinations"),
        _ => inputs.destinations.to_vec(),
    };
    let sources: Vec<Vec<f64>> = (0..4)
        .map(|g| match inputs.source_counts {
            Some(counts) if uncertainty.shares => {
                draw_dirichlet(&counts[g], draws, &format!("shares/sources/{g}"))
            }
            _ => inputs.sources[g].to_vec(),
        })
        .collect();

    // Costs.
    let costs_settings = &scenario.costs;
    let d = |number: &Number, key: &str| number.resolve(&format!("costs/{key}"), draws);
    let year0 = f64::from(spec.base_year);
    let costs = Costs {
        hire: d(&costs_settings.cost_per_hire, "cost_per_hire").at(year0),
        international_extra: d(&costs_settings.international_extra, "international_extra")
            .at(year0),
        internal_move: d(&costs_settings.internal_move, "internal_move").at(year0),
        induction: d(
            &costs_settings.induction_per_entrant,
            "induction_per_entrant",
        )
        .at(year0),
        training_per_head: costs_settings
            .training_per_head
            .as_ref()
            .map(|n| d(n, "training_per_head").at(year0)),
        qualification_unit: d(
            &costs_settings.qualification_unit_cost,
            "qualification_unit_cost",
        )
        .at(year0),
        on_cost: d(&costs_settings.on_cost_rate, "on_cost_rate").at(year0),
        pay_uprating: d(&costs_settings.pay_uprating, "pay_uprating"),
        inflation: d(&costs_settings.inflation, "inflation"),
        discount: d(&costs_settings.discount_rate, "discount_rate").at(year0),
    };
    if costs.training_per_head.is_none() {
        warnings.push(Warning {
            code: "not_costed".to_string(),
            message: "training per head not given: training cost counts qualifications only"
                .to_string(),
        });
    }
    if inputs.pay.iter().any(Option::is_none) {
        warnings.push(Warning {
            code: "pay_not_known".to_string(),
            message: "no hourly pay for some role groups: their pay bill is 0".to_string(),
        });
    }

    // State.
    let mut stock: Vec<Vec<f64>> = keys
        .iter()
        .map(|key| {
            let mut cells = vec![0.0; n_cells];
            if let Some(block) = base_of(key) {
                let nu = block.non_direct_ratio;
                for a in 0..9 {
                    for b in 0..8 {
                        let value = block.cells.get(a * 8 + b).copied().unwrap_or(0.0) / (1.0 + nu);
                        // Spread the band over the states it covers, by width.
                        let low = crate::dims::LOS_EDGES[b];
                        let high = crate::dims::LOS_EDGES
                            .get(b + 1)
                            .copied()
                            .unwrap_or(f64::INFINITY);
                        let covering: Vec<usize> = (0..n_los)
                            .filter(|l| states.lower[*l] < high && states.upper[*l] > low)
                            .collect();
                        let widths: Vec<f64> = covering
                            .iter()
                            .map(|l| states.upper[*l].min(high) - states.lower[*l].max(low))
                            .collect();
                        let total: f64 = widths.iter().filter(|w| w.is_finite()).sum();
                        for (l, width) in covering.iter().zip(&widths) {
                            let share = if width.is_infinite() || total <= 0.0 {
                                1.0 / covering.len() as f64
                            } else {
                                width / total
                            };
                            cells[a * n_los + l] += value * share;
                        }
                    }
                }
            }
            cells
        })
        .collect();
    let base_nu: Vec<f64> = keys
        .iter()
        .map(|key| base_of(key).map_or(0.0, |block| block.non_direct_ratio))
        .collect();
    let fte_per_post: Vec<f64> = keys
        .iter()
        .map(|key| base_of(key).map_or(1.0, |block| block.fte_per_post))
        .collect();
    let j0: Vec<f64> = keys
        .iter()
        .map(|key| base_of(key).map_or(0.0, |block| block.starters))
        .collect();

    // Transitions: table rows, promotion levers, and the default pull direct_care → manager.
    let mut transitions: Vec<(Transition, Option<YearFn>)> = inputs
        .transitions
        .iter()
        .map(|t| (t.clone(), None))
        .collect();
    for lever in &levers {
        if let ResolvedLeverKind::Promotion {
            from,
            to,
            mode,
            value,
        } = &lever.kind
        {
            transitions.retain(|(t, _)| !(t.from_role_group == *from && t.to_role_group == *to));
            transitions.push((
                Transition {
                    from_role_group: *from,
                    from_setting: None,
                    to_role_group: *to,
                    to_setting: None,
                    mode: *mode,
                    value: 0.0,
                },
                Some(value.clone()),
            ));
        }
    }
    let manager = 1;
    if inputs.move_share[manager] > 0.0
        && !transitions
            .iter()
            .any(|(t, _)| t.from_role_group == DIRECT_CARE && t.to_role_group == manager)
    {
        transitions.push((
            Transition {
                from_role_group: DIRECT_CARE,
                from_setting: None,
                to_role_group: manager,
                to_setting: None,
                mode: MoveMode::Pull,
                value: inputs.move_share[manager],
            },
            None,
        ));
    }
    // Expand transitions to block pairs (same sector; same setting unless given).
    let mut push_pairs: Vec<(usize, usize, f64, Option<YearFn>)> = Vec::new();
    let mut pull_pairs: Vec<(usize, usize, f64, Option<YearFn>)> = Vec::new();
    for (transition, path) in &transitions {
        for (to_index, to_key) in keys.iter().enumerate() {
            if to_key.role_group != transition.to_role_group
                || transition.to_setting.is_some_and(|s| s != to_key.setting)
            {
                continue;
            }
            let from_setting = transition.from_setting.unwrap_or(to_key.setting);
            let Some(from_index) = keys.iter().position(|key| {
                key.role_group == transition.from_role_group
                    && key.setting == from_setting
                    && key.sector == to_key.sector
            }) else {
                continue;
            };
            if from_index == to_index {
                continue;
            }
            let entry = (from_index, to_index, transition.value, path.clone());
            match transition.mode {
                MoveMode::Push => push_pairs.push(entry),
                MoveMode::Pull => pull_pairs.push(entry),
            }
        }
    }

    let within_mode = scenario
        .supply
        .within_sector
        .unwrap_or(if inputs.level == "england" {
            WithinSector::Recycled
        } else {
            WithinSector::Trend
        });
    let j0_within_total: f64 = keys
        .iter()
        .enumerate()
        .map(|(i, key)| j0[i] * sources[key.role_group][WITHIN_SECTOR])
        .sum();

    let mut values = vec![0.0; n_blocks * (horizon + 1) * slot::COUNT];
    let index =
        |block: usize, year: usize, s: usize| (block * (horizon + 1) + year) * slot::COUNT + s;

    let frictional = scenario
        .demand
        .frictional_vacancy_rate
        .resolve("demand/frictional_vacancy_rate", draws);

    // Year 0: observed stocks and last-12-months flows.
    for (b, key) in keys.iter().enumerate() {
        let x: f64 = stock[b].iter().sum();
        let nu = base_nu[b];
        let filled = x * (1.0 + nu);
        let dem = demand.posts[b].first().copied().unwrap_or(0.0);
        let set = |values: &mut Vec<f64>, s: usize, v: f64| {
            if let Some(slot) = values.get_mut(index(b, 0, s)) {
                *slot = v;
            }
        };
        set(&mut values, slot::DEMAND, dem);
        set(&mut values, slot::DEMAND_FTE, dem * fte_per_post[b]);
        set(&mut values, slot::FILLED, filled);
        set(&mut values, slot::FILLED_FTE, filled * fte_per_post[b]);
        set(&mut values, slot::DIRECT, x);
        set(&mut values, slot::DIRECT_PREVIOUS, x);
        let v_star = frictional.at(year0);
        set(&mut values, slot::TARGET, dem * (1.0 - v_star) / (1.0 + nu));
        if let Some(block) = base_of(key) {
            set(&mut values, slot::STARTERS, block.starters);
            set(&mut values, slot::LEAVERS, block.leavers);
            for (o, share) in sources[key.role_group].iter().enumerate() {
                set(&mut values, slot::SOURCES + o, block.starters * share);
            }
            for (dd, share) in destinations.iter().enumerate() {
                set(&mut values, slot::DESTINATIONS + dd, block.leavers * share);
            }
        }
    }

    // Buffers.
    let mut next: Vec<Vec<f64>> = vec![vec![0.0; n_cells]; n_blocks];
    // Per year: the fraction of a cell leaving and moving in one step (§2 competing hazards).
    let mut leave_fraction: Vec<Vec<f64>> = vec![vec![0.0; n_cells]; n_blocks];
    let mut move_fraction: Vec<Vec<f64>> = vec![vec![0.0; n_cells]; n_blocks];
    let mut last_within_leavers = 0.0;
    let mut pv_running = vec![0.0; n_blocks];
    let exit_band = scenario.supply.exit_age_band;
    let age_advance: Vec<f64> = AGE_WIDTHS
        .iter()
        .map(|width| {
            if width.is_finite() {
                (delta / width).min(1.0)
            } else {
                0.0
            }
        })
        .collect();

    for k in 1..=horizon {
        let year = spec.base_year + k as i32;
        let year_f = f64::from(year);
        // Per-year parameters per block.
        let mut nu = base_nu.clone();
        let mut hourly = vec![0.0; n_blocks];
        let mut joiner_rate = vec![[0.0f64; 8]; n_blocks]; // per year, by source
        let mut cap = vec![f64::INFINITY; n_blocks]; // per year
        let mut pushes: Vec<(usize, usize, f64)> = push_pairs
            .iter()
            .map(|(from, to, value, path)| {
                (*from, *to, path.as_ref().map_or(*value, |p| p.at(year_f)))
            })
            .collect();
        pushes.retain(|(_, _, h)| *h > 0.0);
        let pulls: Vec<(usize, usize, f64)> = pull_pairs
            .iter()
            .map(|(from, to, value, path)| {
                (*from, *to, path.as_ref().map_or(*value, |p| p.at(year_f)))
            })
            .collect();
        let mut international_counts: Vec<f64> = Vec::new();
        let mut learners = vec![0.0; n_blocks];
        let mut learner_unit = vec![costs.qualification_unit; n_blocks];
        let filled_weights: Vec<f64> = (0..n_blocks)
            .map(|b| {
                values
                    .get(index(b, k - 1, slot::FILLED))
                    .copied()
                    .unwrap_or(0.0)
            })
            .collect();
        for (b, key) in keys.iter().enumerate() {
            let (g, s, e) = (key.role_group, key.setting, key.sector);
            let mut leave_mult = 1.0;
            let mut early_mult = 1.0;
            let mut retire_mult = 1.0;
            let mut pay_mult = 1.0;
            let mut source_mult = [1.0f64; 8];
            for lever in levers.iter().filter(|lever| lever.applies(g, s, e)) {
                match &lever.kind {
                    ResolvedLeverKind::Leaving { path } => leave_mult *= path.at(year_f),
                    ResolvedLeverKind::EarlyLeaving { path } => early_mult *= path.at(year_f),
                    ResolvedLeverKind::Retirement { path } => retire_mult *= path.at(year_f),
                    ResolvedLeverKind::Pay {
                        uplift,
                        elasticity_leaving,
                        elasticity_joiners,
                    } => {
                        let u = uplift.at(year_f);
                        pay_mult *= 1.0 + u;
                        leave_mult *= (1.0 + u).powf(elasticity_leaving.at(year_f));
                        let joiners = (1.0 + u).powf(elasticity_joiners.at(year_f));
                        for (o, m) in source_mult.iter_mut().enumerate() {
                            if lever.lever.applies_to_source(o) {
                                *m *= joiners;
                            }
                        }
                    }
                    ResolvedLeverKind::Joiners { path } => {
                        for (o, m) in source_mult.iter_mut().enumerate() {
                            if lever.lever.applies_to_source(o) {
                                *m *= path.at(year_f);
                            }
                        }
                    }
                    ResolvedLeverKind::International { path, count } => {
                        if let Some(path) = path {
                            source_mult[INTERNATIONAL] *= path.at(year_f);
                        }
                        if let Some(count) = count {
                            international_counts.push(count.at(year_f));
                        }
                    }
                    ResolvedLeverKind::RecruitmentCap { path, count } => {
                        if let Some(path) = path {
                            cap[b] = cap[b].min(path.at(year_f) * j0[b]);
                        }
                        if let Some(count) = count {
                            let total_j0: f64 = j0.iter().sum();
                            let share = if total_j0 > 0.0 {
                                j0[b] / total_j0
                            } else {
                                0.0
                            };
                            cap[b] = cap[b].min(count.at(year_f) * share);
                        }
                    }
                    ResolvedLeverKind::NonDirect { path } => nu[b] = path.at(year_f),
                    ResolvedLeverKind::Qualification {
                        learners: l,
                        unit_cost,
                    } => {
                        let applicable: f64 = keys
                            .iter()
                            .enumerate()
                            .filter(|(_, other)| {
                                lever.applies(other.role_group, other.setting, other.sector)
                            })
                            .map(|(i, _)| filled_weights[i])
                            .sum();
                        if applicable > 0.0 {
                            learners[b] += l.at(year_f) * filled_weights[b] / applicable;
                        }
                        if let Some(unit) = unit_cost {
                            learner_unit[b] = unit.at(year_f);
                        }
                    }
                    _ => {}
                }
            }
            hourly[b] = inputs.pay[g].unwrap_or(0.0) * costs.pay_uprating.at(year_f) * pay_mult;
            for o in 0..8 {
                joiner_rate[b][o] =
                    j0[b] * sources[g].get(o).copied().unwrap_or(0.0) * source_mult[o];
            }
            // Hazard per cell, competing with the block's push moves.
            let push_total: f64 = pushes
                .iter()
                .filter(|(from, _, _)| *from == b)
                .map(|(_, _, h)| h)
                .sum();
            for l in 0..n_los {
                let h_los = states.band_mean(l, &band_hazards[g][s]);
                let early = if states.upper[l] <= 1.0 + 1e-12 {
                    early_mult
                } else {
                    1.0
                };
                for a in 0..9 {
                    let retire = if a >= exit_band { retire_mult } else { 1.0 };
                    let h = h_los * inputs.age_factors[a] * leave_mult * early * retire;
                    let total_h = h + push_total;
                    let cell = a * n_los + l;
                    if total_h > 0.0 {
                        let q = 1.0 - (-delta * total_h).exp();
                        leave_fraction[b][cell] = q * h / total_h;
                        move_fraction[b][cell] = q * push_total / total_h;
                    } else {
                        leave_fraction[b][cell] = 0.0;
                        move_fraction[b][cell] = 0.0;
                    }
                }
            }
        }
        let push_lists: Vec<Vec<(usize, f64)>> = (0..n_blocks)
            .map(|b| {
                let list: Vec<(usize, f64)> = pushes
                    .iter()
                    .filter(|(from, _, _)| *from == b)
                    .map(|(_, to, h)| (*to, *h))
                    .collect();
                let total: f64 = list.iter().map(|(_, h)| h).sum();
                list.into_iter().map(|(to, h)| (to, h / total)).collect()
            })
            .collect();
        // International count levers replace international joiners, spread by their weight.
        if !international_counts.is_empty() {
            let count: f64 = international_counts.iter().sum();
            let weights: Vec<f64> = (0..n_blocks)
                .map(|b| j0[b] * sources[keys[b].role_group][INTERNATIONAL])
                .collect();
            let total: f64 = weights.iter().sum();
            for b in 0..n_blocks {
                joiner_rate[b][INTERNATIONAL] = if total > 0.0 {
                    count * weights[b] / total
                } else {
                    0.0
                };
            }
        }

        let mut flows = vec![[0.0f64; slot::COUNT]; n_blocks];
        let direct_previous: Vec<f64> = stock.iter().map(|cells| cells.iter().sum()).collect();
        let mut pay_fte_years = vec![0.0; n_blocks];

        for t in 0..per_year {
            let fraction = (t + 1) as f64 / per_year as f64;
            let start_x: Vec<f64> = stock.iter().map(|cells| cells.iter().sum()).collect();
            for cells in next.iter_mut() {
                cells.iter_mut().for_each(|c| *c = 0.0);
            }
            let mut within_leavers_step = 0.0;
            // 1–3: leave, move, split, advance.
            for b in 0..n_blocks {
                let push_here = &push_lists[b];
                let mut leavers_here = 0.0;
                let mut exits_here = 0.0;
                let mut moved_here = 0.0;
                let current = &stock[b];
                let leave = &leave_fraction[b];
                let movers = &move_fraction[b];
                let target = &mut next[b];
                for a in 0..9 {
                    let pa = if a + 1 < 9 { age_advance[a] } else { 0.0 };
                    let row = a * n_los;
                    for l in 0..n_los {
                        let cell = row + l;
                        let x = current[cell];
                        if x <= 0.0 {
                            continue;
                        }
                        let leaving = x * leave[cell];
                        let moved = x * movers[cell];
                        if a >= exit_band {
                            exits_here += leaving;
                        } else {
                            leavers_here += leaving;
                        }
                        moved_here += moved;
                        // Advance survivors (§4 step 3), inlined for speed.
                        let survivors = x - leaving - moved;
                        let pl = if l + 1 < n_los {
                            states.advance[l]
                        } else {
                            0.0
                        };
                        let stay_age = survivors * (1.0 - pa);
                        let up_age = survivors * pa;
                        target[cell] += stay_age * (1.0 - pl);
                        if pl > 0.0 {
                            target[cell + 1] += stay_age * pl;
                        }
                        if pa > 0.0 {
                            target[cell + n_los] += up_age * (1.0 - pl);
                            if pl > 0.0 {
                                target[cell + n_los + 1] += up_age * pl;
                            }
                        }
                    }
                }
                if moved_here > 0.0 {
                    for a in 0..9 {
                        for l in 0..n_los {
                            let cell = a * n_los + l;
                            let moved = stock[b][cell] * move_fraction[b][cell];
                            if moved <= 0.0 {
                                continue;
                            }
                            for (to, share) in push_here {
                                let amount = moved * share;
                                flows[*to][slot::MOVES_IN] += amount;
                                advance(
                                    &mut next[*to],
                                    a,
                                    l,
                                    amount,
                                    n_los,
                                    &age_advance,
                                    &states.advance,
                                );
                            }
                        }
                    }
                }
                flows[b][slot::EXITS] += exits_here;
                flows[b][slot::LEAVERS] += leavers_here;
                flows[b][slot::MOVES_OUT] += moved_here;
                for (dd, share) in destinations.iter().enumerate() {
                    flows[b][slot::DESTINATIONS + dd] += leavers_here * share;
                }
                within_leavers_step += leavers_here * destinations.first().copied().unwrap_or(0.0);
            }
            // 4: join.
            let first_step = t == 0;
            for b in 0..n_blocks {
                let g = keys[b].role_group;
                let x_after: f64 = next[b].iter().sum();
                let mut by_source = [0.0f64; 8];
                match scenario.supply.recruitment {
                    Recruitment::TrendCount => {
                        for o in 0..8 {
                            by_source[o] = joiner_rate[b][o] * delta;
                        }
                        if within_mode == WithinSector::Recycled && j0_within_total > 0.0 {
                            let weight = j0[b] * sources[g][WITHIN_SECTOR] / j0_within_total;
                            by_source[WITHIN_SECTOR] = last_within_leavers * weight;
                        }
                        let total: f64 = by_source.iter().sum();
                        let step_cap = cap[b] * delta;
                        if total > step_cap && total > 0.0 {
                            by_source.iter_mut().for_each(|v| *v *= step_cap / total);
                        }
                    }
                    Recruitment::FillToDemand => {
                        let previous = demand.posts[b].get(k - 1).copied().unwrap_or(0.0);
                        let current = demand.posts[b].get(k).copied().unwrap_or(0.0);
                        let target_posts = previous + (current - previous) * fraction;
                        let year_at = f64::from(year - 1) + fraction;
                        let target = target_posts * (1.0 - frictional.at(year_at)) / (1.0 + nu[b]);
                        let mut need = (target - x_after).max(0.0);
                        need = need.min(cap[b] * delta);
                        let weights: f64 = joiner_rate[b].iter().sum();
                        for o in 0..8 {
                            by_source[o] = if weights > 0.0 {
                                need * joiner_rate[b][o] / weights
                            } else if o == 3 {
                                need
                            } else {
                                0.0
                            };
                        }
                    }
                }
                // 5: pull — φ of the block's joiners come from the source block instead.
                let total_joiners: f64 = by_source.iter().sum();
                let mut pulled_total = 0.0;
                for (from, _, share) in pulls.iter().filter(|(_, to, _)| *to == b) {
                    let wanted = share * total_joiners;
                    let available: f64 = (0..9)
                        .flat_map(|a| (0..n_los).map(move |l| (a, l)))
                        .filter(|(_, l)| states.at_least(*l, 1.0))
                        .map(|(a, l)| next[*from][a * n_los + l])
                        .sum();
                    let taken = wanted.min(available).max(0.0);
                    if taken > 0.0 && available > 0.0 {
                        let ratio = taken / available;
                        for a in 0..9 {
                            for l in 0..n_los {
                                if states.at_least(l, 1.0) {
                                    let cell = a * n_los + l;
                                    let amount = next[*from][cell] * ratio;
                                    next[*from][cell] -= amount;
                                    next[b][cell] += amount;
                                }
                            }
                        }
                        flows[*from][slot::MOVES_OUT] += taken;
                        flows[b][slot::MOVES_IN] += taken;
                        pulled_total += taken;
                    }
                }
                if pulled_total > 0.0 && total_joiners > 0.0 {
                    let keep = (total_joiners - pulled_total) / total_joiners;
                    by_source.iter_mut().for_each(|v| *v *= keep);
                }
                // Pipelines at the start of the year.
                let mut pipeline_age: Option<(usize, f64)> = None;
                if first_step {
                    for lever in &levers {
                        if let ResolvedLeverKind::Pipeline {
                            intake,
                            duration,
                            completion,
                            take_up,
                            to,
                            entry_age_band,
                            from,
                        } = &lever.kind
                        {
                            if *to != g || !lever.applies(g, keys[b].setting, keys[b].sector) {
                                continue;
                            }
                            let entry_year = f64::from(year - duration);
                            let count =
                                completion.at(year_f) * take_up.at(year_f) * intake.at(entry_year);
                            let weights: f64 = keys
                                .iter()
                                .enumerate()
                                .filter(|(_, other)| {
                                    other.role_group == *to
                                        && lever.applies(
                                            other.role_group,
                                            other.setting,
                                            other.sector,
                                        )
                                })
                                .map(|(i, _)| filled_weights[i].max(1e-12))
                                .sum();
                            let share_here = if weights > 0.0 {
                                filled_weights[b].max(1e-12) / weights
                            } else {
                                0.0
                            };
                            let arriving = count * share_here;
                            match from.and_then(|from_role| {
                                keys.iter().position(|other| {
                                    other.role_group == from_role
                                        && other.setting == keys[b].setting
                                        && other.sector == keys[b].sector
                                })
                            }) {
                                Some(source_block) => {
                                    let available: f64 = next[source_block].iter().sum();
                                    let taken = arriving.min(available);
                                    if taken > 0.0 && available > 0.0 {
                                        let ratio = taken / available;
                                        for cell in 0..n_cells {
                                            let amount = next[source_block][cell] * ratio;
                                            next[source_block][cell] -= amount;
                                            next[b][cell] += amount;
                                        }
                                        flows[source_block][slot::MOVES_OUT] += taken;
                                        flows[b][slot::MOVES_IN] += taken;
                                    }
                                }
                                None => {
                                    by_source[PIPELINE] += arriving;
                                    pipeline_age = Some((*entry_age_band, arriving));
                                }
                            }
                        }
                    }
                }
                // Place external joiners: age mix, LOS state 0 (sector basis: experience mix).
                let total: f64 = by_source.iter().sum();
                let pipeline_amount = pipeline_age.map_or(0.0, |(_, amount)| amount);
                let general = total - pipeline_amount;
                for (a, age_share) in inputs.joiner_age.iter().enumerate() {
                    if *age_share <= 0.0 {
                        continue;
                    }
                    place(
                        &mut next[b],
                        a,
                        general * age_share,
                        n_los,
                        scenario.run.los_basis,
                        &inputs.joiner_los,
                        &states,
                    );
                }
                if let Some((a, amount)) = pipeline_age {
                    place(
                        &mut next[b],
                        a.min(8),
                        amount,
                        n_los,
                        LosBasis::Employer,
                        &inputs.joiner_los,
                        &states,
                    );
                }
                for o in 0..8 {
                    flows[b][slot::SOURCES + o] += by_source[o];
                }
                flows[b][slot::STARTERS] += total;
                let _ = x_after;
            }
            last_within_leavers = within_leavers_step;
            std::mem::swap(&mut stock, &mut next);
            for b in 0..n_blocks {
                let end_x: f64 = stock[b].iter().sum();
                pay_fte_years[b] += (start_x[b] + end_x) / 2.0 * fte_per_post[b] * delta;
            }
        }

        // Year-end results and costs.
        for b in 0..n_blocks {
            let key = keys[b];
            let x: f64 = stock[b].iter().sum();
            let filled = x * (1.0 + nu[b]);
            let dem = demand.posts[b].get(k).copied().unwrap_or(0.0);
            let f = &mut flows[b];
            f[slot::DEMAND] = dem;
            f[slot::DEMAND_FTE] = dem * fte_per_post[b];
            f[slot::FILLED] = filled;
            f[slot::FILLED_FTE] = filled * fte_per_post[b];
            f[slot::DIRECT] = x;
            f[slot::DIRECT_PREVIOUS] = direct_previous[b];
            f[slot::TARGET] = dem * (1.0 - frictional.at(year_f)) / (1.0 + nu[b]);
            let starters = f[slot::STARTERS];
            let international = f[slot::SOURCES + INTERNATIONAL];
            f[slot::COST_RECRUITMENT] = starters * costs.hire
                + international * costs.international_extra
                + f[slot::MOVES_IN] * costs.internal_move;
            f[slot::COST_INDUCTION] = if key.role_group == DIRECT_CARE {
                (starters - f[slot::SOURCES + WITHIN_SECTOR]) * costs.induction
            } else {
                0.0
            };
            f[slot::COST_TRAINING] =
                x * costs.training_per_head.unwrap_or(0.0) + learners[b] * learner_unit[b];
            f[slot::PAY_BILL] = pay_fte_years[b]
                * hourly[b]
                * FULL_TIME_HOURS
                * WEEKS_PER_YEAR
                * (1.0 + costs.on_cost);
            f[slot::COST_TOTAL] = f[slot::COST_RECRUITMENT]
                + f[slot::COST_INDUCTION]
                + f[slot::COST_TRAINING]
                + f[slot::PAY_BILL];
            f[slot::TURNOVER_COST] =
                (f[slot::LEAVERS] + f[slot::EXITS]) * (costs.hire + costs.induction);
            let real = f[slot::COST_TOTAL] / costs.inflation.at(year_f);
            pv_running[b] += real / (1.0 + costs.discount).powi(k as i32);
            f[slot::PV_TOTAL] = pv_running[b];
            let start = index(b, k, 0);
            if let Some(target) = values.get_mut(start..start + slot::COUNT) {
                target.copy_from_slice(&f[..]);
            }
        }
    }

    if values.iter().any(|v| !v.is_finite()) {
        return Err(PlanningError::Model(
            "the projection produced a non-finite number; check the scenario's levers".to_string(),
        ));
    }
    Ok(RunOutput {
        blocks: keys,
        years: horizon + 1,
        values,
        simple: demand.simple,
        warnings,
    })
}

/// Advances survivors of cell (a, l) into the next state vector (§4 step 3): one-step LOS states
/// move up one, wide bands pass 1/W up, age likewise, independently; the last states absorb.
fn advance(
    next: &mut [f64],
    a: usize,
    l: usize,
    amount: f64,
    n_los: usize,
    age_advance: &[f64],
    los_advance: &[f64],
) {
    if amount == 0.0 {
        return;
    }
    let pa = if a + 1 < 9 {
        age_advance.get(a).copied().unwrap_or(0.0)
    } else {
        0.0
    };
    let pl = if l + 1 < n_los {
        los_advance.get(l).copied().unwrap_or(0.0)
    } else {
        0.0
    };
    let mut add = |age: usize, los: usize, value: f64| {
        if value != 0.0
            && let Some(slot) = next.get_mut(age * n_los + los)
        {
            *slot += value;
        }
    };
    add(a, l, amount * (1.0 - pa) * (1.0 - pl));
    add(a + 1, l, amount * pa * (1.0 - pl));
    add(a, l + 1, amount * (1.0 - pa) * pl);
    add(a + 1, l + 1, amount * pa * pl);
}

/// Places joiners of one age band at LOS state 0 (employer basis) or by the experience mix.
fn place(
    cells: &mut [f64],
    a: usize,
    amount: f64,
    n_los: usize,
    basis: LosBasis,
    joiner_los: &[f64; 8],
    states: &LosStates,
) {
    if amount <= 0.0 {
        return;
    }
    match basis {
        LosBasis::Employer => {
            if let Some(slot) = cells.get_mut(a * n_los) {
                *slot += amount;
            }
        }
        LosBasis::Sector => {
            for (band, share) in joiner_los.iter().enumerate() {
                let state = states.state_of(crate::dims::LOS_EDGES[band]);
                if let Some(slot) = cells.get_mut(a * n_los + state) {
                    *slot += amount * share;
                }
            }
        }
    }
}
