//! Estimating rates from the data set (`planning.md` §5): snapshot pairs with left truncation and
//! unseen early leavers, the shrunk LOS hazard and age factors, level calibration to reported
//! LEAVERS, joiner mixes, and Kaplan–Meier survival with Greenwood intervals.
//!
//! The data set is a plain type the store fills: per snapshot, workplace and staff facts as
//! counts, codes, ages and durations. Workers are matched on an opaque number the store assigns
//! (after CHGUNIQUEWRKID and TRANSFERSTAFFRECORD), never on an identifier or a personal field.

use std::collections::HashMap;

use crate::dims::{LOS_EDGES, ROLE_GROUPS, SETTINGS, age_band_of, los_band_of};
use crate::model::{AreaInputs, Block, Warning};

/// The data set the lead fills from the store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DataSet {
    /// Snapshots, any order.
    pub snapshots: Vec<SnapshotData>,
}

/// One dated snapshot of the area's workplaces and staff.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotData {
    /// As-of date.
    pub as_of: time::Date,
    /// Workplaces.
    pub workplaces: Vec<WorkplaceFacts>,
    /// Staff records.
    pub staff: Vec<StaffFacts>,
}

/// Workplace facts (§12).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkplaceFacts {
    /// Opaque workplace number (organisation + LOCALESTID, assigned by the store).
    pub workplace: u64,
    /// MAINSERVICE.
    pub main_service: u16,
    /// ESTTYPE.
    pub est_type: u8,
    /// TOTALPERMTEMP.
    pub total_perm_temp: Option<f64>,
    /// VACANCIES (all job roles).
    pub vacancies: Option<f64>,
    /// STARTERS in the last 12 months (all job roles), per role group where known.
    pub starters: Option<f64>,
    /// LEAVERS in the last 12 months (all job roles).
    pub leavers: Option<f64>,
    /// UTILISATION of the main service (users).
    pub utilisation: Option<f64>,
    /// SERVICEUSERS codes.
    pub service_users: Vec<u16>,
    /// REASONS with positional REASONNOS: (reason code, leavers).
    pub leaving_reasons: Vec<(u32, f64)>,
}

/// Staff facts (§12). No personal field: ages and durations only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StaffFacts {
    /// Opaque worker number, stable across snapshots.
    pub worker: u64,
    /// The workplace's opaque number.
    pub workplace: u64,
    /// EMPLSTATUS.
    pub employment_status: u8,
    /// MAINJOBROLE.
    pub main_job_role: u16,
    /// Age in years at the snapshot (from DOB).
    pub age_years: Option<f64>,
    /// STARTDATE.
    pub start_date: Option<time::Date>,
    /// STARTINSECT (year).
    pub start_in_sector: Option<i32>,
    /// CONTHOURS (or AVGHOURS for zero-hours and non-direct).
    pub hours: Option<f64>,
    /// RECSOURCE.
    pub recruitment_source: Option<u16>,
    /// Hourly pay (HOURLYRATE, or SALARY ÷ (52.14 × CONTHOURS, else 37.5)).
    pub hourly_pay: Option<f64>,
    /// International recruit (HANDCVISA/INOUTUK or the NATIONALITY rule), if known.
    pub international: Option<bool>,
}

const ROLE_GROUP_TABLE: &str = include_str!("../data/role_groups.csv");
const SECTOR_TABLE: &str = include_str!("../data/sectors.csv");
const SETTINGS_TABLE: &str = include_str!("../data/reference/settings.csv");
const SERVICEUSERS_TABLE: &str = include_str!("../data/reference/serviceusers_needs.csv");
const RECSOURCE_TABLE: &str = include_str!("../data/recsource.csv");

/// The measure a SERVICEUSERS code maps to (§3), if any.
pub fn need_measure_of(service_users: u16) -> Option<&'static str> {
    SERVICEUSERS_TABLE.lines().skip(1).find_map(|line| {
        let mut fields = line.split(',');
        let key: u16 = fields.next()?.trim().parse().ok()?;
        let name = fields.next()?.trim();
        (key == service_users).then_some(name)
    })
}

/// The joiner source category of a RECSOURCE code (§4): a source name, `move` (8), or `None`
/// (16, blank and unknown codes, spread pro rata).
pub fn recruitment_category(recruitment_source: u16) -> Option<&'static str> {
    RECSOURCE_TABLE.lines().skip(1).find_map(|line| {
        let mut fields = line.split(',');
        let key: u16 = fields.next()?.trim().parse().ok()?;
        let name = fields.next()?.trim();
        (key == recruitment_source).then_some(name)
    })
}

fn lookup(table: &str, code: u32, names: &[&str]) -> Option<usize> {
    table.lines().skip(1).find_map(|line| {
        let mut fields = line.split(',');
        let key: u32 = fields.next()?.trim().parse().ok()?;
        let name = fields.next()?.trim();
        (key == code)
            .then(|| crate::dims::index_of(names, name))
            .flatten()
    })
}

/// Role group of a MAINJOBROLE (`metrics.md` §1.1; every other valid code is `other`).
pub fn role_group_of(main_job_role: u16) -> usize {
    lookup(ROLE_GROUP_TABLE, u32::from(main_job_role), &ROLE_GROUPS).unwrap_or(3)
}

/// Setting of a MAINSERVICE (§2), if planned.
pub fn setting_of(main_service: u16) -> Option<usize> {
    lookup(SETTINGS_TABLE, u32::from(main_service), &SETTINGS)
}

/// Sector of an ESTTYPE (§2), if planned.
pub fn sector_of(est_type: u8) -> Option<usize> {
    lookup(SECTOR_TABLE, u32::from(est_type), &crate::dims::SECTORS)
}

/// One record's observation for Kaplan–Meier: entry and exit times (LOS, days) and whether the
/// exit is an event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurvivalObservation {
    /// LOS at entry to observation (delayed entry).
    pub entry: f64,
    /// LOS at exit.
    pub exit: f64,
    /// Left (true) or censored.
    pub event: bool,
}

/// Kaplan–Meier with delayed entry: (event time, Ŝ, Greenwood variance), one per event time.
pub fn kaplan_meier(observations: &[SurvivalObservation]) -> Vec<(f64, f64, f64)> {
    let mut times: Vec<f64> = observations
        .iter()
        .filter(|o| o.event)
        .map(|o| o.exit)
        .collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    let mut survival = 1.0;
    let mut greenwood_sum = 0.0;
    let mut out = Vec::new();
    for t in times {
        // At risk just before t: entered before t and not yet exited.
        let at_risk = observations
            .iter()
            .filter(|o| o.entry < t && o.exit >= t)
            .count() as f64;
        let deaths = observations
            .iter()
            .filter(|o| o.event && o.exit == t)
            .count() as f64;
        if at_risk <= 0.0 {
            continue;
        }
        survival *= 1.0 - deaths / at_risk;
        if at_risk > deaths {
            greenwood_sum += deaths / (at_risk * (at_risk - deaths));
        }
        out.push((t, survival, survival * survival * greenwood_sum));
    }
    out
}

/// Ŝ(t) with its 95% interval from a Kaplan–Meier curve.
pub fn survival_at(curve: &[(f64, f64, f64)], t: f64) -> (f64, f64, f64) {
    let (s, variance) = curve
        .iter()
        .take_while(|(time, _, _)| *time <= t)
        .last()
        .map_or((1.0, 0.0), |(_, s, v)| (*s, *v));
    let half = 1.959964 * variance.sqrt();
    (s, (s - half).max(0.0), (s + half).min(1.0))
}

/// The shrunk hazard (D + β)/(E + β/h_parent) (§5).
pub fn shrunk_hazard(events: f64, exposure_years: f64, beta: f64, parent: f64) -> f64 {
    if parent <= 0.0 {
        return if exposure_years > 0.0 {
            events / exposure_years
        } else {
            0.0
        };
    }
    let denominator = exposure_years + beta / parent;
    if denominator <= 0.0 {
        // No exposure and no prior (β = 0): nothing to estimate from, keep the parent.
        return parent;
    }
    (events + beta) / denominator
}

/// Leavers with a reason a data set needs before its destination shares replace the tables'.
pub const MIN_DESTINATION_LEAVERS: f64 = 20.0;

/// Leavers by destination (§5 "Destinations") from the workplaces' REASONS/REASONNOS through the
/// `leaving_reasons` map (code → destination index); codes the map does not list are `unknown`.
/// `None` when the map is empty or fewer than [`MIN_DESTINATION_LEAVERS`] leavers give a reason.
pub fn destination_counts(workplaces: &[WorkplaceFacts], map: &[(u32, usize)]) -> Option<[f64; 4]> {
    if map.is_empty() {
        return None;
    }
    let mut counts = [0.0; 4];
    for (code, leavers) in workplaces.iter().flat_map(|w| w.leaving_reasons.iter()) {
        if !leavers.is_finite() || *leavers <= 0.0 {
            continue;
        }
        let destination = map
            .iter()
            .find(|(mapped, _)| mapped == code)
            .map_or(3, |(_, destination)| *destination);
        if let Some(slot) = counts.get_mut(destination) {
            *slot += leavers;
        }
    }
    (counts.iter().sum::<f64>() >= MIN_DESTINATION_LEAVERS).then_some(counts)
}

/// Leaving events (of records of known age) a data set needs before its age factors replace the
/// tables' (the threshold §5 gives the mixes: < 20 → parent).
pub const MIN_AGE_FACTOR_EVENTS: f64 = 20.0;

/// The shrinkage chain of §5 for h_los(b | g, s): the cell shrinks to (g, all), which shrinks to
/// (all, all), which shrinks to the tables' hazard (the area's own, else region, else England, as
/// the tables were resolved), each step (D + β)/(E + β/h_parent) on that level's pooled events and
/// exposure. The tables' (all, all) parent of a band is their exposure-weighted mean hazard over
/// (g, s) (the plain mean where the band has no exposure), which is the table's value when it has
/// one hazard per band. Cells without exposure get their (g, all) value.
pub fn hazard_chain(
    events: &[[[f64; 8]; 7]],
    exposure: &[[[f64; 8]; 7]],
    table: &[[[f64; 8]; 7]],
    beta: f64,
) -> Vec<[[f64; 8]; 7]> {
    let groups = events.len().min(exposure.len()).min(table.len());
    let mut out = table.to_vec();
    for b in 0..8 {
        let (mut d_all, mut e_all, mut weighted, mut plain, mut cells) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for g in 0..groups {
            for s in 0..7 {
                d_all += events[g][s][b];
                e_all += exposure[g][s][b];
                weighted += table[g][s][b] * exposure[g][s][b];
                plain += table[g][s][b];
                cells += 1.0;
            }
        }
        let table_parent = if e_all > 0.0 {
            weighted / e_all
        } else if cells > 0.0 {
            plain / cells
        } else {
            0.0
        };
        let all_all = shrunk_hazard(d_all, e_all, beta, table_parent);
        for g in 0..groups {
            let d_g: f64 = (0..7).map(|s| events[g][s][b]).sum();
            let e_g: f64 = (0..7).map(|s| exposure[g][s][b]).sum();
            let role_all = shrunk_hazard(d_g, e_g, beta, all_all);
            for s in 0..7 {
                out[g][s][b] = shrunk_hazard(events[g][s][b], exposure[g][s][b], beta, role_all);
            }
        }
    }
    out
}

/// The age factor shrunk to a parent factor: (D_a + β)/(Ê_a + β/f_parent). With f_parent = 1 it
/// is §5's (D_a + β)/(Ê_a + β); without data it is the parent (the tables' factor).
pub fn shrunk_age_factor(events: f64, expected: f64, beta: f64, parent: f64) -> f64 {
    if parent <= 0.0 {
        return age_factor(events, expected, beta);
    }
    let denominator = expected + beta / parent;
    if denominator <= 0.0 {
        return parent;
    }
    (events + beta) / denominator
}

/// The age factor (D_a + β)/(Ê_a + β) (§5).
pub fn age_factor(events: f64, expected: f64, beta: f64) -> f64 {
    if expected + beta <= 0.0 {
        return 1.0;
    }
    (events + beta) / (expected + beta)
}

/// Unseen early leavers of a workplace and role group (§5):
/// max(0, STARTERS(t1)·min(1, window/365) − new records started in the window).
pub fn unseen_leavers(starters: f64, window_days: f64, new_records: f64) -> f64 {
    (starters * (window_days / 365.0).min(1.0) - new_records).max(0.0)
}

/// Adds exposure from LOS `from` to `to` (years) cut at band edges into `exposure`.
pub fn add_exposure(edges: &[f64], exposure: &mut [f64], from: f64, to: f64) {
    for (band, slot) in exposure.iter_mut().enumerate() {
        let low = edges.get(band).copied().unwrap_or(f64::INFINITY);
        let high = edges.get(band + 1).copied().unwrap_or(f64::INFINITY);
        let overlap = to.min(high) - from.max(low);
        if overlap > 0.0 {
            *slot += overlap;
        }
    }
}

/// Band of a LOS for arbitrary edges.
pub fn band_of(edges: &[f64], los: f64) -> usize {
    edges.iter().rposition(|edge| los >= *edge).unwrap_or(0)
}

/// What became of a record between two snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairOutcome {
    /// Still in the same role group and setting: censored at t1.
    Stayed,
    /// Gone: a leaving event at the midpoint.
    Left,
    /// In another role group or setting: a move event at the midpoint (not a leaving event).
    Moved,
    /// Now non-direct: censored at the midpoint.
    NonDirect,
}

/// A record in a snapshot pair: LOS at t0 (`None` = new, with `started` years after t0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairRecord {
    /// LOS at t0 in years, for records present at t0.
    pub los_at_t0: Option<f64>,
    /// Years after t0 the record started (new records).
    pub started: f64,
    /// Outcome.
    pub outcome: PairOutcome,
}

/// Leaving events and exposure by band from one snapshot pair (§5), with unseen early leavers
/// added: `window` in years, `starters` the workplace's STARTERS at t1.
pub fn pair_events(
    edges: &[f64],
    records: &[PairRecord],
    window: f64,
    starters: f64,
) -> (Vec<f64>, Vec<f64>) {
    let mut events = vec![0.0; edges.len()];
    let mut exposure = vec![0.0; edges.len()];
    let midpoint = window / 2.0;
    let mut new_records = 0.0;
    for record in records {
        match record.los_at_t0 {
            Some(los) => {
                let until = match record.outcome {
                    PairOutcome::Stayed => window,
                    _ => midpoint,
                };
                add_exposure(edges, &mut exposure, los, los + until);
                if record.outcome == PairOutcome::Left
                    && let Some(slot) = events.get_mut(band_of(edges, los + midpoint))
                {
                    *slot += 1.0;
                }
            }
            None => {
                if record.started > 0.0 && record.started <= window {
                    new_records += 1.0;
                    add_exposure(edges, &mut exposure, 0.0, window - record.started);
                }
            }
        }
    }
    let unseen = unseen_leavers(starters, window * 365.0, new_records);
    if unseen > 0.0 {
        let los = window / 3.0;
        if let Some(slot) = events.get_mut(band_of(edges, los)) {
            *slot += unseen;
        }
        add_exposure(edges, &mut exposure, 0.0, los * unseen);
        // Each unseen leaver is exposed for (t1 − t0)/3: spread over bands as one record each.
        if unseen != 1.0 {
            let mut single = vec![0.0; edges.len()];
            add_exposure(edges, &mut single, 0.0, los);
            let mut total = vec![0.0; edges.len()];
            add_exposure(edges, &mut total, 0.0, los * unseen);
            for ((slot, one), many) in exposure.iter_mut().zip(&single).zip(&total) {
                *slot += one * unseen - many;
            }
        }
    }
    (events, exposure)
}

/// Solves L̂(k) = L* by bisection on [0, 50] to 1e-9 relative (§5), with
/// L* = L̂(1)(L + α)/(L̂(1) + α). Returns (k, L̂(1)).
pub fn calibrate_level(
    mut model_leavers: impl FnMut(f64) -> f64,
    reported: f64,
    alpha: f64,
) -> (f64, f64) {
    let at_one = model_leavers(1.0);
    if at_one + alpha <= 0.0 {
        return (1.0, at_one);
    }
    let target = at_one * (reported + alpha) / (at_one + alpha);
    let (mut low, mut high) = (0.0f64, 50.0f64);
    if model_leavers(high) < target {
        return (high, at_one);
    }
    for _ in 0..200 {
        let middle = (low + high) / 2.0;
        if model_leavers(middle) < target {
            low = middle;
        } else {
            high = middle;
        }
        if high - low <= 1e-9 * high.max(1e-12) {
            break;
        }
    }
    ((low + high) / 2.0, at_one)
}

fn years_between(from: time::Date, to: time::Date) -> f64 {
    (to - from).whole_days() as f64 / 365.25
}

/// Fills an area's inputs from the data set: base blocks from the snapshot at (or last before)
/// `as_of`, ν, hazards and age factors from snapshot pairs shrunk to the tables' values, joiner
/// mixes, pay, survival. Tables keep whatever the data set cannot give.
pub fn apply_data_set(
    data: &DataSet,
    inputs: &mut AreaInputs,
    as_of: time::Date,
    beta: f64,
) -> Result<(), crate::PlanningError> {
    let mut snapshots: Vec<&SnapshotData> = data.snapshots.iter().collect();
    snapshots.sort_by_key(|snapshot| snapshot.as_of);
    let Some(base) = snapshots
        .iter()
        .rev()
        .find(|s| s.as_of <= as_of)
        .or(snapshots.first())
    else {
        return Ok(());
    };
    if base.as_of != as_of {
        inputs.warnings.push(Warning {
            code: "base_stock_date".to_string(),
            message: format!(
                "data set snapshot as of {}, not the base date {as_of}",
                base.as_of
            ),
        });
    }
    let workplaces: HashMap<u64, &WorkplaceFacts> =
        base.workplaces.iter().map(|w| (w.workplace, w)).collect();

    // Blocks: direct records (EMPLSTATUS 1, 2) per (g, s, e) by age and LOS band; ν from 3, 4, 7.
    struct Acc {
        cells: Vec<f64>,
        non_direct: f64,
        hours: f64,
        hours_n: f64,
        workplaces: Vec<u64>,
        starters: f64,
        leavers: f64,
        vacancies: f64,
    }
    let mut blocks: HashMap<(usize, usize, usize), Acc> = HashMap::new();
    let mut direct_by_workplace: HashMap<u64, f64> = HashMap::new();
    for staff in &base.staff {
        if matches!(staff.employment_status, 1 | 2) {
            *direct_by_workplace.entry(staff.workplace).or_default() += 1.0;
        }
    }
    let mut pay_sum = [0.0; 4];
    let mut pay_n = [0.0; 4];
    for staff in &base.staff {
        let Some(workplace) = workplaces.get(&staff.workplace) else {
            continue;
        };
        let (Some(s), Some(e)) = (
            setting_of(workplace.main_service),
            sector_of(workplace.est_type),
        ) else {
            continue;
        };
        let g = role_group_of(staff.main_job_role);
        let acc = blocks.entry((g, s, e)).or_insert_with(|| Acc {
            cells: vec![0.0; 72],
            non_direct: 0.0,
            hours: 0.0,
            hours_n: 0.0,
            workplaces: Vec::new(),
            starters: 0.0,
            leavers: 0.0,
            vacancies: 0.0,
        });
        if !acc.workplaces.contains(&staff.workplace) {
            acc.workplaces.push(staff.workplace);
        }
        if let Some(pay) = staff.hourly_pay {
            pay_sum[g] += pay;
            pay_n[g] += 1.0;
        }
        if matches!(staff.employment_status, 3 | 4 | 7) {
            acc.non_direct += 1.0;
            continue;
        }
        if !matches!(staff.employment_status, 1 | 2) {
            continue;
        }
        let a = age_band_of(staff.age_years.unwrap_or(40.0));
        let los = staff
            .start_date
            .map_or(3.0, |start| years_between(start, base.as_of).max(0.0));
        let b = los_band_of(los);
        if let Some(cell) = acc.cells.get_mut(a * 8 + b) {
            *cell += 1.0;
        }
        if let Some(hours) = staff.hours {
            acc.hours += hours.min(37.5) / 37.5;
            acc.hours_n += 1.0;
        }
        // Workplace STARTERS, LEAVERS and VACANCIES shared over its direct records.
        let share = 1.0
            / direct_by_workplace
                .get(&staff.workplace)
                .copied()
                .unwrap_or(1.0)
                .max(1.0);
        acc.starters += workplace.starters.unwrap_or(0.0) * share;
        acc.leavers += workplace.leavers.unwrap_or(0.0) * share;
        acc.vacancies += workplace.vacancies.unwrap_or(0.0) * share;
    }
    if blocks.is_empty() {
        return Ok(());
    }
    let mut new_blocks: Vec<Block> = blocks
        .into_iter()
        .map(|((g, s, e), acc)| {
            let direct: f64 = acc.cells.iter().sum();
            let nu = if direct > 0.0 {
                acc.non_direct / direct
            } else {
                0.0
            };
            let records = direct + acc.non_direct;
            Block {
                role_group: g,
                setting: s,
                sector: e,
                filled: direct * (1.0 + nu),
                vacant: acc.vacancies,
                starters: acc.starters,
                leavers: acc.leavers,
                non_direct_ratio: nu,
                cells: acc.cells.iter().map(|c| c * (1.0 + nu)).collect(),
                records: Some(records),
                workplaces: Some(acc.workplaces.len() as f64),
                fte_per_post: if acc.hours_n > 0.0 {
                    acc.hours / acc.hours_n
                } else {
                    1.0
                },
            }
        })
        .collect();
    new_blocks.sort_by_key(|b| (b.role_group, b.setting, b.sector));
    inputs.blocks = new_blocks;

    // Need weights w_s,n and ρ_s (§3): each workplace's total posts (records + vacancies) split
    // equally over the measures its SERVICEUSERS map to (none mapped → half to 65+ and 18–64).
    let mut records_by_workplace: HashMap<u64, f64> = HashMap::new();
    for staff in &base.staff {
        *records_by_workplace.entry(staff.workplace).or_default() += 1.0;
    }
    let mut weights: Vec<Vec<(String, f64)>> = vec![Vec::new(); 7];
    let mut posts_answering = [0.0; 7];
    let mut users_answering = [0.0; 7];
    for workplace in &base.workplaces {
        let Some(s) = setting_of(workplace.main_service) else {
            continue;
        };
        let posts = records_by_workplace
            .get(&workplace.workplace)
            .copied()
            .unwrap_or(0.0)
            + workplace.vacancies.unwrap_or(0.0);
        if let Some(users) = workplace.utilisation.filter(|u| *u > 0.0) {
            posts_answering[s] += posts;
            users_answering[s] += users;
        }
        let mut measures: Vec<&str> = workplace
            .service_users
            .iter()
            .filter_map(|code| need_measure_of(*code))
            .collect();
        measures.sort_unstable();
        measures.dedup();
        if measures.is_empty() {
            measures = vec!["pop_65_plus", "pop_18_64"];
        }
        let share = posts / measures.len() as f64;
        for measure in measures {
            match weights[s].iter_mut().find(|(name, _)| name == measure) {
                Some((_, weight)) => *weight += share,
                None => weights[s].push((measure.to_string(), share)),
            }
        }
    }
    for s in 0..7 {
        let total: f64 = weights[s].iter().map(|(_, w)| w).sum();
        if total > 0.0 {
            weights[s].sort_by(|a, b| a.0.cmp(&b.0));
            inputs.need_weights[s] = weights[s]
                .iter()
                .map(|(m, w)| (m.clone(), w / total))
                .collect();
        }
        if users_answering[s] > 0.0 && s != crate::dims::PA_SETTING {
            inputs.posts_per_user[s] = posts_answering[s] / users_answering[s];
        }
    }

    // Destinations (§5): REASONNOS of the base snapshot's workplaces by the `leaving_reasons`
    // map, unmapped codes unknown; used when the map lists a code and ≥ 20 leavers give a reason.
    if let Some(counts) = destination_counts(&base.workplaces, &inputs.reason_destinations) {
        let total: f64 = counts.iter().sum();
        inputs.destinations = counts.map(|count| count / total);
        inputs.destination_counts = Some(counts);
    }

    // Joiner mixes (§5): records started in the 12 months before D0; < 20 records → parent.
    let window_start = as_of - time::Duration::days(365);
    let mut counts = [[0.0f64; 8]; 5];
    let mut moves = [0.0f64; 5];
    let mut totals = [0.0f64; 5];
    let mut ages = [0.0f64; 9];
    // Experience (start year − STARTINSECT) of joiners who answered it: the sector-basis LOS mix.
    let mut experience = [0.0f64; 8];
    for staff in base
        .staff
        .iter()
        .filter(|s| matches!(s.employment_status, 1 | 2))
    {
        let Some(start) = staff.start_date else {
            continue;
        };
        if start <= window_start || start > as_of {
            continue;
        }
        let g = role_group_of(staff.main_job_role);
        let category = if staff.international == Some(true) {
            Some("international")
        } else {
            staff.recruitment_source.and_then(recruitment_category)
        };
        for slot in [g, 4] {
            totals[slot] += 1.0;
            match category {
                Some("move") => moves[slot] += 1.0,
                Some(name) => {
                    if let Some(o) = crate::dims::index_of(&crate::dims::SOURCES, name) {
                        counts[slot][o] += 1.0;
                    }
                }
                None => {}
            }
        }
        ages[age_band_of(staff.age_years.unwrap_or(40.0))] += 1.0;
        if let Some(sector_year) = staff.start_in_sector {
            let years = (start.year() - sector_year).max(0);
            experience[los_band_of(f64::from(years))] += 1.0;
        }
    }
    let mut source_counts = [[0.0f64; 8]; 4];
    for g in 0..4 {
        let slot = if totals[g] >= 20.0 { g } else { 4 };
        if totals[slot] < 20.0 {
            continue;
        }
        let known: f64 = counts[slot].iter().sum();
        if known > 0.0 {
            inputs.sources[g] = counts[slot].map(|c| c / known);
            source_counts[g] = counts[slot];
        }
        inputs.move_share[g] = moves[slot] / totals[slot];
    }
    if source_counts
        .iter()
        .any(|row| row.iter().sum::<f64>() > 0.0)
    {
        inputs.source_counts = Some(source_counts);
    }
    let age_total: f64 = ages.iter().sum();
    if age_total >= 20.0 {
        inputs.joiner_age = ages.map(|a| a / age_total);
    }
    let experience_total: f64 = experience.iter().sum();
    if experience_total >= 20.0 {
        inputs.joiner_los = experience.map(|e| e / experience_total);
    }
    for g in 0..4 {
        if pay_n[g] > 0.0 {
            inputs.pay[g] = Some(pay_sum[g] / pay_n[g]);
        }
    }

    // Snapshot pairs: hazards by (g, s, band) and Kaplan–Meier observations.
    let edges: Vec<f64> = LOS_EDGES.to_vec();
    let mut events = vec![[[0.0f64; 8]; 7]; 4];
    let mut exposure = vec![[[0.0f64; 8]; 7]; 4];
    // By age band at entry to observation, for the age factors (records of known age only).
    let mut age_events = [0.0f64; 9];
    let mut age_exposure = vec![vec![[[0.0f64; 8]; 7]; 4]; 9];
    let mut km: HashMap<(usize, usize), Vec<SurvivalObservation>> = HashMap::new();
    for pair in snapshots.windows(2) {
        let (first, second) = (pair[0], pair[1]);
        let days = (second.as_of - first.as_of).whole_days();
        if !(28..=458).contains(&days) {
            continue;
        }
        let window = days as f64 / 365.25;
        let later: HashMap<u64, &StaffFacts> = second.staff.iter().map(|s| (s.worker, s)).collect();
        let mut new_records: HashMap<(u64, usize), f64> = HashMap::new();
        let first_places: HashMap<u64, &WorkplaceFacts> =
            first.workplaces.iter().map(|w| (w.workplace, w)).collect();
        for staff in first
            .staff
            .iter()
            .filter(|s| matches!(s.employment_status, 1 | 2))
        {
            let Some(place) = first_places.get(&staff.workplace) else {
                continue;
            };
            let Some(s) = setting_of(place.main_service) else {
                continue;
            };
            let g = role_group_of(staff.main_job_role);
            let Some(start) = staff.start_date else {
                continue;
            };
            let los = years_between(start, first.as_of).max(0.0);
            let outcome = match later.get(&staff.worker) {
                None => PairOutcome::Left,
                Some(next) if !matches!(next.employment_status, 1 | 2) => PairOutcome::NonDirect,
                Some(next) if role_group_of(next.main_job_role) != g => PairOutcome::Moved,
                Some(_) => PairOutcome::Stayed,
            };
            let (e, x) = pair_events(
                &edges,
                &[PairRecord {
                    los_at_t0: Some(los),
                    started: 0.0,
                    outcome,
                }],
                window,
                0.0,
            );
            for b in 0..8 {
                events[g][s][b] += e[b];
                exposure[g][s][b] += x[b];
            }
            if let Some(age) = staff.age_years {
                let a = age_band_of(age);
                age_events[a] += e.iter().sum::<f64>();
                for b in 0..8 {
                    age_exposure[a][g][s][b] += x[b];
                }
            }
            let exit = match outcome {
                PairOutcome::Stayed => los + window,
                _ => los + window / 2.0,
            };
            km.entry((g, s)).or_default().push(SurvivalObservation {
                entry: los * 365.25,
                exit: exit * 365.25,
                event: outcome == PairOutcome::Left,
            });
        }
        for staff in second
            .staff
            .iter()
            .filter(|s| matches!(s.employment_status, 1 | 2))
        {
            let Some(start) = staff.start_date else {
                continue;
            };
            if start <= first.as_of || start > second.as_of {
                continue;
            }
            let Some(place) = second
                .workplaces
                .iter()
                .find(|w| w.workplace == staff.workplace)
            else {
                continue;
            };
            let Some(s) = setting_of(place.main_service) else {
                continue;
            };
            let g = role_group_of(staff.main_job_role);
            let observed = years_between(start, second.as_of);
            let mut x = vec![0.0; 8];
            add_exposure(&edges, &mut x, 0.0, observed);
            for b in 0..8 {
                exposure[g][s][b] += x[b];
            }
            if let Some(age) = staff.age_years {
                let a = age_band_of((age - observed).max(0.0));
                for b in 0..8 {
                    age_exposure[a][g][s][b] += x[b];
                }
            }
            km.entry((g, s)).or_default().push(SurvivalObservation {
                entry: 0.0,
                exit: observed * 365.25,
                event: false,
            });
            *new_records.entry((staff.workplace, g)).or_default() += 1.0;
        }
        // Unseen early leavers per workplace and role group (§5): STARTERS(t1), shared over role
        // groups by the workplace's direct records at t1, less the new records seen; each an event
        // at LOS (t1 − t0)/3 with that exposure.
        let mut direct_at_t1: HashMap<(u64, usize), f64> = HashMap::new();
        for staff in second
            .staff
            .iter()
            .filter(|s| matches!(s.employment_status, 1 | 2))
        {
            *direct_at_t1
                .entry((staff.workplace, role_group_of(staff.main_job_role)))
                .or_default() += 1.0;
        }
        for place in &second.workplaces {
            let (Some(s), Some(starters)) = (setting_of(place.main_service), place.starters) else {
                continue;
            };
            let total: f64 = (0..4)
                .map(|g| {
                    direct_at_t1
                        .get(&(place.workplace, g))
                        .copied()
                        .unwrap_or(0.0)
                })
                .sum();
            if total <= 0.0 {
                continue;
            }
            for g in 0..4 {
                let share = direct_at_t1
                    .get(&(place.workplace, g))
                    .copied()
                    .unwrap_or(0.0)
                    / total;
                let seen = new_records
                    .get(&(place.workplace, g))
                    .copied()
                    .unwrap_or(0.0);
                let unseen = unseen_leavers(starters * share, days as f64, seen);
                if unseen > 0.0 {
                    let los = window / 3.0;
                    events[g][s][band_of(&edges, los)] += unseen;
                    let mut x = vec![0.0; 8];
                    add_exposure(&edges, &mut x, 0.0, los);
                    for b in 0..8 {
                        exposure[g][s][b] += x[b] * unseen;
                    }
                }
            }
        }
    }
    let total_exposure: f64 = exposure.iter().flatten().flatten().sum();
    if total_exposure > 0.0 {
        let estimated = hazard_chain(&events, &exposure, &inputs.hazards, beta);
        for g in 0..4 {
            for s in 0..7 {
                for b in 0..8 {
                    inputs.hazards[g][s][b] = estimated[g][s][b];
                    if exposure[g][s][b] > 0.0 {
                        inputs.hazard_events[g][s][b] = Some(events[g][s][b]);
                    }
                }
            }
        }
        if age_events.iter().sum::<f64>() >= MIN_AGE_FACTOR_EVENTS {
            for a in 0..9 {
                let mut expected = 0.0;
                for g in 0..4 {
                    for s in 0..7 {
                        for b in 0..8 {
                            expected += estimated[g][s][b] * age_exposure[a][g][s][b];
                        }
                    }
                }
                inputs.age_factors[a] =
                    shrunk_age_factor(age_events[a], expected, beta, inputs.age_factors[a]);
            }
        }
    }
    let mut survival = Vec::new();
    let mut cells: Vec<_> = km.into_iter().collect();
    cells.sort_by_key(|((g, s), _)| (*g, *s));
    for ((g, s), observations) in cells {
        let curve = kaplan_meier(&observations);
        for months in [3u32, 6, 12, 24] {
            let (value, low, high) = survival_at(&curve, f64::from(months) * 365.25 / 12.0);
            survival.push((
                ROLE_GROUPS[g].to_string(),
                SETTINGS[s].to_string(),
                months,
                value,
                low,
                high,
            ));
        }
    }
    inputs.survival = survival;
    Ok(())
}

/// Calibrates the level k per role group to the reported leavers of the base stock (§5 "Level"):
/// one deterministic year from the base stock with its starters as trend_count joiners, no
/// levers; L̂(k) = leavers + exits. Role groups without reported leavers keep k = 1. Records the
/// `calibration` rows.
pub fn calibrate(
    inputs: &mut AreaInputs,
    scenario: &crate::scenario::Scenario,
    base_year: i32,
) -> Result<(), crate::PlanningError> {
    use crate::engine::{RunSpec, project_run, slot};
    let mut one_year = scenario.clone();
    one_year.run.horizon_years = 1;
    one_year.supply.recruitment = crate::scenario::Recruitment::TrendCount;
    one_year.demand.mode = crate::scenario::DemandMode::Fixed;
    one_year.demand.base_posts = None;
    one_year.levers.clear();
    one_year.variants.clear();
    let alpha = scenario.supply.prior_leavers;
    let mut rows = Vec::new();
    for g in 0..4 {
        let reported: f64 = inputs
            .blocks
            .iter()
            .filter(|b| b.role_group == g)
            .map(|b| b.leavers)
            .sum();
        let known: Vec<f64> = inputs
            .blocks
            .iter()
            .filter(|b| b.role_group == g)
            .filter_map(|b| b.workplaces)
            .collect();
        // Unknown (aggregate tables) is NaN, written as null.
        let workplaces = if known.is_empty() {
            f64::NAN
        } else {
            known.iter().sum()
        };
        if reported <= 0.0 {
            continue;
        }
        let mut failure = None;
        // One copy per role group; only its k changes between evaluations.
        let mut trial = inputs.clone();
        let model = |k: f64| -> f64 {
            trial.level_k[g] = k;
            let spec = RunSpec {
                scenario: &one_year,
                levers: &[],
                population_variant: &one_year.data.population_variant,
                base_year,
            };
            match project_run(&trial, spec, &crate::dist::Draws::deterministic()) {
                Ok(output) => {
                    output.sum(1, slot::LEAVERS, |key| key.role_group == g)
                        + output.sum(1, slot::EXITS, |key| key.role_group == g)
                }
                Err(error) => {
                    failure.get_or_insert(error);
                    0.0
                }
            }
        };
        let (k, at_one) = calibrate_level(model, reported, alpha);
        if let Some(error) = failure {
            return Err(error);
        }
        inputs.level_k[g] = k;
        inputs.level_leavers[g] = Some(reported);
        rows.push((g, reported, at_one, k, workplaces, inputs.area_code.clone()));
    }
    inputs.calibration = rows;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_and_setting_lookups() {
        assert_eq!(role_group_of(8), 0);
        assert_eq!(role_group_of(4), 1);
        assert_eq!(role_group_of(16), 2);
        assert_eq!(role_group_of(99), 3);
        assert_eq!(setting_of(1), Some(0));
        assert_eq!(setting_of(73), Some(2));
        assert_eq!(sector_of(3), Some(0));
        assert_eq!(sector_of(7), Some(1));
    }
}
