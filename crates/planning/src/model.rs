//! The inputs of one area, assembled from the reference tables (§11) and, when given, the
//! estimates from the data set (§5). The engine reads only this: counts and rates, never records.

use crate::dims::{
    AGE_BANDS, DESTINATIONS, LOS_BANDS, PA_SETTING, ROLE_GROUPS, SECTORS, SETTINGS, SOURCES,
    index_of,
};
use crate::error::{InputError, PlanningError};
use crate::scenario::{LosBasis, MoveMode, Scenario};
use crate::tables::{Area, RawTable, TableSet, area_chain, areas};

/// A warning for the output's `warnings` list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// Stable code.
    pub code: String,
    /// Message.
    pub message: String,
}

/// Provenance of a table used (§10 `inputs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputInfo {
    /// Table name.
    pub table: String,
    /// shipped, store or user.
    pub origin: String,
    /// Vintage.
    pub vintage: String,
    /// SHA-256 of the table's bytes.
    pub sha256: String,
    /// Statuses used, joined with `+` (blank for tables without status).
    pub status: String,
}

/// A population row.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationRow {
    /// Year (mid-year).
    pub year: i32,
    /// female, male or persons.
    pub sex: String,
    /// Lower age.
    pub age_min: u32,
    /// Upper age (`None` = open).
    pub age_max: Option<u32>,
    /// Head count.
    pub population: f64,
    /// Variant.
    pub variant: String,
}

/// A prevalence row.
#[derive(Debug, Clone, PartialEq)]
pub struct PrevalenceRow {
    /// Measure.
    pub measure: String,
    /// female, male or persons.
    pub sex: String,
    /// Lower age.
    pub age_min: u32,
    /// Upper age (`None` = open).
    pub age_max: Option<u32>,
    /// Rate.
    pub rate: f64,
    /// Lower limit of its interval.
    pub rate_low: Option<f64>,
    /// Upper limit.
    pub rate_high: Option<f64>,
}

/// Base stock of a block (g, s, e).
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Role group.
    pub role_group: usize,
    /// Setting.
    pub setting: usize,
    /// Sector.
    pub sector: usize,
    /// Filled posts F (direct and non-direct).
    pub filled: f64,
    /// Vacant posts.
    pub vacant: f64,
    /// Starters in the last 12 months (J0).
    pub starters: f64,
    /// Leavers in the last 12 months.
    pub leavers: f64,
    /// ν: non-direct ÷ direct posts.
    pub non_direct_ratio: f64,
    /// Direct filled posts by age band × LOS band (9 × 8, row-major by age); sums to
    /// filled ÷ (1 + ν).
    pub cells: Vec<f64>,
    /// Base staff records behind the block (`None` = an aggregate table, not disclosive).
    pub records: Option<f64>,
    /// Workplaces behind the block.
    pub workplaces: Option<f64>,
    /// FTE per post.
    pub fte_per_post: f64,
}

/// A transition between blocks (§4 internal moves).
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// From role group.
    pub from_role_group: usize,
    /// From setting (`None` = the same setting as the destination).
    pub from_setting: Option<usize>,
    /// To role group.
    pub to_role_group: usize,
    /// To setting (`None` = every setting).
    pub to_setting: Option<usize>,
    /// Push hazard or pull share.
    pub mode: MoveMode,
    /// Hazard (push) or share φ (pull).
    pub value: f64,
}

/// Everything the engine needs about an area.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaInputs {
    /// ONS code.
    pub area_code: String,
    /// Name.
    pub area_name: String,
    /// england, region or la.
    pub level: String,
    /// Population rows (every variant).
    pub population: Vec<PopulationRow>,
    /// Prevalence rows.
    pub prevalence: Vec<PrevalenceRow>,
    /// Base blocks.
    pub blocks: Vec<Block>,
    /// h_los(b | g, s): [g][s][b].
    pub hazards: Vec<[[f64; 8]; 7]>,
    /// Events behind each hazard cell (for Gamma draws; `None` = not drawn).
    pub hazard_events: Vec<[[Option<f64>; 8]; 7]>,
    /// Level k per role group.
    pub level_k: [f64; 4],
    /// Reported leavers behind each k (for the Gamma(L + α) draw; `None` = not drawn).
    pub level_leavers: [Option<f64>; 4],
    /// f_age(a).
    pub age_factors: [f64; 9],
    /// Leaver destination shares.
    pub destinations: [f64; 4],
    /// Counts behind the destination shares (Dirichlet draws), if known.
    pub destination_counts: Option<[f64; 4]>,
    /// REASONS code → destination index, from the `leaving_reasons` table (§5 "Destinations").
    pub reason_destinations: Vec<(u32, usize)>,
    /// Joiner source shares per role group (sum 1 over the 7 external sources; pipeline 0).
    pub sources: [[f64; 8]; 4],
    /// Counts behind the source shares, if known.
    pub source_counts: Option<[[f64; 8]; 4]>,
    /// φ_g: share of a role group's joiners who move in from another role (RECSOURCE 8).
    pub move_share: [f64; 4],
    /// Joiner age mix.
    pub joiner_age: [f64; 9],
    /// Joiner LOS mix (sector basis).
    pub joiner_los: [f64; 8],
    /// Transitions from the tables (the default pull is added by the engine).
    pub transitions: Vec<Transition>,
    /// Mean hourly pay per role group.
    pub pay: [Option<f64>; 4],
    /// Need weights w_s,n: per setting, (measure, weight) summing to 1.
    pub need_weights: Vec<Vec<(String, f64)>>,
    /// ρ_s: total posts per user (PAs 2.0).
    pub posts_per_user: [f64; 7],
    /// Explicit `service_use`: (measure, setting, users per person).
    pub service_use: Vec<(String, usize, f64)>,
    /// Explicit `staff_ratios`: [setting][role group] posts per user.
    pub staff_ratios: Option<[[f64; 4]; 7]>,
    /// Default costs from the `costs` table: (item, role group or None, value).
    pub costs: Vec<(String, Option<usize>, f64)>,
    /// Warnings raised while assembling.
    pub warnings: Vec<Warning>,
    /// Tables used.
    pub inputs: Vec<InputInfo>,
    /// Calibration rows (§10): role group, reported, model at k = 1, k, workplaces, area code.
    /// The area code is last, so merged `"la:*"` projections keep each LA's rows apart.
    pub calibration: Vec<(usize, f64, f64, f64, f64, String)>,
    /// Share of the area's posts the base stock covers before `base_total` scaling.
    pub coverage: f64,
    /// Kaplan–Meier survival rows (§5): role group, setting, months, s, low, high.
    pub survival: Vec<(String, String, u32, f64, f64, f64)>,
}

impl AreaInputs {
    /// An area with no stock, flat hazards of zero and neutral mixes: a starting point for
    /// hand-built inputs (tests, estimation).
    pub fn empty(area_code: &str) -> AreaInputs {
        let mut sources = [[0.0; 8]; 4];
        for row in &mut sources {
            row[3] = 1.0;
        }
        let mut joiner_age = [0.0; 9];
        joiner_age[2] = 1.0;
        let mut joiner_los = [0.0; 8];
        joiner_los[0] = 1.0;
        AreaInputs {
            area_code: area_code.to_string(),
            area_name: area_code.to_string(),
            level: "la".to_string(),
            population: Vec::new(),
            prevalence: Vec::new(),
            blocks: Vec::new(),
            hazards: vec![[[0.0; 8]; 7]; 4],
            hazard_events: vec![[[None; 8]; 7]; 4],
            level_k: [1.0; 4],
            level_leavers: [None; 4],
            age_factors: [1.0; 9],
            destinations: [0.0, 0.0, 0.0, 1.0],
            destination_counts: None,
            reason_destinations: Vec::new(),
            sources,
            source_counts: None,
            move_share: [0.0; 4],
            joiner_age,
            joiner_los,
            transitions: Vec::new(),
            pay: [None; 4],
            need_weights: vec![
                vec![
                    ("pop_65_plus".to_string(), 0.5),
                    ("pop_18_64".to_string(), 0.5)
                ];
                7
            ],
            posts_per_user: {
                let mut ratios = [1.0; 7];
                ratios[PA_SETTING] = 2.0;
                ratios
            },
            service_use: Vec::new(),
            staff_ratios: None,
            costs: Vec::new(),
            warnings: Vec::new(),
            inputs: Vec::new(),
            calibration: Vec::new(),
            coverage: 1.0,
            survival: Vec::new(),
        }
    }

    /// Adds a block whose stock sits in one age band and LOS band.
    pub fn add_block(
        &mut self,
        role_group: usize,
        setting: usize,
        sector: usize,
        filled: f64,
        age_band: usize,
        los_band: usize,
    ) -> &mut Block {
        let mut cells = vec![0.0; 72];
        if let Some(cell) = cells.get_mut(age_band * 8 + los_band) {
            *cell = filled;
        }
        self.blocks.push(Block {
            role_group,
            setting,
            sector,
            filled,
            vacant: 0.0,
            starters: 0.0,
            leavers: 0.0,
            non_direct_ratio: 0.0,
            cells,
            records: None,
            workplaces: None,
            fte_per_post: 1.0,
        });
        let last = self.blocks.len() - 1;
        &mut self.blocks[last]
    }

    /// Sets one hazard for every LOS band of every block.
    pub fn set_flat_hazard(&mut self, hazard: f64) {
        for role in &mut self.hazards {
            for setting in role.iter_mut() {
                *setting = [hazard; 8];
            }
        }
    }
}

fn warn(warnings: &mut Vec<Warning>, code: &str, message: String) {
    let warning = Warning {
        code: code.to_string(),
        message,
    };
    if !warnings.contains(&warning) {
        warnings.push(warning);
    }
}

fn note_input(inputs: &mut Vec<InputInfo>, table: &RawTable) {
    if inputs
        .iter()
        .any(|info| info.table == table.name && info.sha256 == table.sha256)
    {
        return;
    }
    inputs.push(InputInfo {
        table: table.name.clone(),
        origin: table.origin.name().to_string(),
        vintage: table.vintage(),
        sha256: table.sha256.clone(),
        status: table.statuses().join("+"),
    });
}

fn parse_age(
    table: &RawTable,
    row: &crate::tables::Row,
    name: &str,
) -> Result<Option<u32>, InputError> {
    match table.opt_number(row, name)? {
        None => Ok(None),
        Some(age) if (0.0..=130.0).contains(&age) && age.fract() == 0.0 => Ok(Some(age as u32)),
        Some(_) => Err(table.err(
            row,
            table.header.iter().position(|c| c == name).unwrap_or(0),
            "an age must be a whole number of years",
        )),
    }
}

/// Assembles the inputs of an area from the tables (§11 precedence: table by table, LA rows
/// falling back to region, then England, with a warning).
pub fn area_inputs(
    set: &TableSet,
    scenario: &Scenario,
    area: &str,
    base_year: i32,
) -> Result<AreaInputs, PlanningError> {
    let all_areas: Vec<Area> = areas(set)?;
    let chain = area_chain(&all_areas, area).ok_or_else(|| {
        PlanningError::Model(format!(
            "area `{area}` is not in the areas table (give its ONS code or name)"
        ))
    })?;
    let this = all_areas
        .iter()
        .find(|candidate| Some(&candidate.code) == chain.first())
        .cloned()
        .ok_or_else(|| PlanningError::Model(format!("area `{area}` not found")))?;
    let mut inputs = AreaInputs::empty(&this.code);
    inputs.area_name = this.name.clone();
    inputs.level = this.level.clone();
    let mut warnings = Vec::new();
    let mut infos = Vec::new();
    if let Some(table) = set.whole("areas") {
        note_input(&mut infos, table);
    }

    // Population.
    if let Some((table, rows)) = fetch(
        set,
        &chain,
        &this.code,
        &mut warnings,
        &mut infos,
        "population",
        false,
    )? {
        for row in rows {
            let sex = table.text(row, "sex");
            if !["female", "male", "persons"].contains(&sex) {
                return Err(table
                    .err(row, 2, "sex must be female, male or persons")
                    .into());
            }
            let age_min = parse_age(table, row, "age_min")?.unwrap_or(0);
            let age_max = parse_age(table, row, "age_max")?;
            if age_max.is_some_and(|max| max < age_min) {
                return Err(table.err(row, 4, "age_max below age_min").into());
            }
            let year = table.number(row, "year")?;
            inputs.population.push(PopulationRow {
                year: year as i32,
                sex: sex.to_string(),
                age_min,
                age_max,
                population: table.non_negative(row, "population")?,
                variant: table.text(row, "variant").to_string(),
            });
        }
    }

    if let Some(share) = la_share(set, &all_areas, &this, &chain, "population", &mut warnings) {
        for row in &mut inputs.population {
            row.population *= share;
        }
    }

    // Prevalence (no area column).
    if let Some(table) = set.whole("prevalence") {
        note_input(&mut infos, table);
        for row in &table.rows {
            let sex = table.text(row, "sex");
            if !["female", "male", "persons"].contains(&sex) {
                return Err(table
                    .err(row, 1, "sex must be female, male or persons")
                    .into());
            }
            inputs.prevalence.push(PrevalenceRow {
                measure: table.text(row, "measure").to_string(),
                sex: sex.to_string(),
                age_min: parse_age(table, row, "age_min")?.unwrap_or(0),
                age_max: parse_age(table, row, "age_max")?,
                rate: table.fraction(row, "rate")?,
                rate_low: table.opt_number(row, "rate_low")?,
                rate_high: table.opt_number(row, "rate_high")?,
            });
        }
        check_population_bands(&inputs.population, &inputs.prevalence, table)?;
    }

    // Base stock.
    if let Some((table, rows)) = fetch(
        set,
        &chain,
        &this.code,
        &mut warnings,
        &mut infos,
        "base_stock",
        false,
    )? {
        inputs.blocks = base_blocks(table, &rows, scenario, base_year, &mut warnings)?;
    }
    if let Some(share) = la_share(set, &all_areas, &this, &chain, "base_stock", &mut warnings) {
        for block in &mut inputs.blocks {
            block.filled *= share;
            block.vacant *= share;
            block.starters *= share;
            block.leavers *= share;
            for cell in &mut block.cells {
                *cell *= share;
            }
        }
    }
    if let Some(total) = scenario.data.base_total {
        let current: f64 = inputs.blocks.iter().map(|block| block.filled).sum();
        if current > 0.0 {
            let factor = total / current;
            inputs.coverage = current / total;
            for block in &mut inputs.blocks {
                block.filled *= factor;
                block.vacant *= factor;
                block.starters *= factor;
                block.leavers *= factor;
                for cell in &mut block.cells {
                    *cell *= factor;
                }
            }
        }
    }

    // Hazards.
    if let Some((table, rows)) = fetch(
        set,
        &chain,
        &this.code,
        &mut warnings,
        &mut infos,
        "leaving_hazards",
        false,
    )? {
        let basis = scenario.run.los_basis;
        let matching: Vec<&&crate::tables::Row> = rows
            .iter()
            .filter(|row| table.text(row, "los_basis") == basis.name())
            .collect();
        let chosen: Vec<&&crate::tables::Row> = if matching.is_empty() {
            warn(
                &mut warnings,
                "hazard_basis_fallback",
                format!(
                    "no leaving hazards on the {} basis; using the other basis",
                    basis.name()
                ),
            );
            rows.iter().collect()
        } else {
            matching
        };
        // Specific (g, s) over (g, all) over (all, all).
        let mut found = vec![[[None::<(f64, Option<f64>, u8)>; 8]; 7]; 4];
        for row in chosen {
            let role = table.dim(row, "role_group", &ROLE_GROUPS)?;
            let setting = table.dim(row, "setting", &SETTINGS)?;
            let Some(band) = table.dim(row, "los_band", &LOS_BANDS)? else {
                return Err(table.err(row, 4, "los_band must be a band").into());
            };
            let hazard = table.non_negative(row, "hazard")?;
            let events = table.opt_number(row, "events")?;
            let rank = u8::from(role.is_some()) + u8::from(setting.is_some());
            for g in 0..4 {
                for s in 0..7 {
                    if role.is_some_and(|r| r != g) || setting.is_some_and(|x| x != s) {
                        continue;
                    }
                    let slot = &mut found[g][s][band];
                    if slot.is_none_or(|(_, _, existing)| existing <= rank) {
                        *slot = Some((hazard, events, rank));
                    }
                }
            }
        }
        for g in 0..4 {
            for s in 0..7 {
                for b in 0..8 {
                    if let Some((hazard, events, _)) = found[g][s][b] {
                        inputs.hazards[g][s][b] = hazard;
                        inputs.hazard_events[g][s][b] = events;
                    }
                }
            }
        }
        let _ = LosBasis::Employer;
    } else {
        warn(
            &mut warnings,
            "no_hazards",
            "no leaving hazards for this area: nobody leaves".to_string(),
        );
    }

    if let Some((table, rows)) = fetch(
        set,
        &chain,
        &this.code,
        &mut warnings,
        &mut infos,
        "age_factors",
        false,
    )? {
        for row in rows {
            let Some(band) = table.dim(row, "age_band", &AGE_BANDS)? else {
                return Err(table.err(row, 1, "age_band must be a band").into());
            };
            inputs.age_factors[band] = table.non_negative(row, "factor")?;
        }
    }

    if let Some((table, rows)) = fetch(
        set,
        &chain,
        &this.code,
        &mut warnings,
        &mut infos,
        "leaver_destinations",
        false,
    )? {
        let mut shares = [0.0; 4];
        for row in rows {
            let destination = table.text(row, "destination");
            let Some(index) = index_of(&DESTINATIONS, destination) else {
                return Err(table.err(row, 1, "unknown destination").into());
            };
            shares[index] = table.fraction(row, "share")?;
        }
        let total: f64 = shares.iter().sum();
        if total > 0.0 {
            inputs.destinations = shares.map(|share| share / total);
        }
    }

    if let Some((table, rows)) = fetch(
        set,
        &chain,
        &this.code,
        &mut warnings,
        &mut infos,
        "joiner_mix",
        false,
    )? {
        let mut source_rows: [Option<[f64; 8]>; 5] = [None; 5];
        let mut ages = [0.0; 9];
        let mut los = [0.0; 8];
        for row in rows {
            let role = table.dim(row, "role_group", &ROLE_GROUPS)?;
            let category = table.text(row, "category");
            let share = table.fraction(row, "share")?;
            match table.text(row, "kind") {
                "source" => {
                    if category == "move" {
                        match role {
                            Some(g) => inputs.move_share[g] = share,
                            None => inputs.move_share = [share; 4],
                        }
                        continue;
                    }
                    let Some(source) = index_of(&SOURCES, category) else {
                        return Err(table.err(row, 3, "unknown source").into());
                    };
                    let slot = role.map_or(4, |g| g);
                    source_rows[slot].get_or_insert([0.0; 8])[source] = share;
                }
                "age_band" => {
                    let Some(band) = index_of(&AGE_BANDS, category) else {
                        return Err(table.err(row, 3, "unknown age band").into());
                    };
                    ages[band] = share;
                }
                "los_band" => {
                    let Some(band) = index_of(&LOS_BANDS, category) else {
                        return Err(table.err(row, 3, "unknown LOS band").into());
                    };
                    los[band] = share;
                }
                _ => {
                    return Err(table
                        .err(row, 2, "kind must be source, age_band or los_band")
                        .into());
                }
            }
        }
        for g in 0..4 {
            if let Some(shares) = source_rows[g].or(source_rows[4]) {
                let total: f64 = shares.iter().sum();
                if total > 0.0 {
                    inputs.sources[g] = shares.map(|share| share / total);
                }
            }
        }
        let age_total: f64 = ages.iter().sum();
        if age_total > 0.0 {
            inputs.joiner_age = ages.map(|share| share / age_total);
        }
        let los_total: f64 = los.iter().sum();
        if los_total > 0.0 {
            inputs.joiner_los = los.map(|share| share / los_total);
        }
    }

    if let Some((table, rows)) = fetch(
        set,
        &chain,
        &this.code,
        &mut warnings,
        &mut infos,
        "transitions",
        false,
    )? {
        for row in rows {
            let mode = match table.text(row, "mode") {
                "push" => MoveMode::Push,
                "pull" => MoveMode::Pull,
                _ => return Err(table.err(row, 5, "mode must be push or pull").into()),
            };
            let value = match mode {
                MoveMode::Push => table.non_negative(row, "rate")?,
                MoveMode::Pull => table.fraction(row, "share")?,
            };
            let Some(from_role_group) = table.dim(row, "from_role_group", &ROLE_GROUPS)? else {
                return Err(table
                    .err(row, 1, "from_role_group must be a role group")
                    .into());
            };
            let Some(to_role_group) = table.dim(row, "to_role_group", &ROLE_GROUPS)? else {
                return Err(table
                    .err(row, 3, "to_role_group must be a role group")
                    .into());
            };
            inputs.transitions.push(Transition {
                from_role_group,
                from_setting: table.dim(row, "from_setting", &SETTINGS)?,
                to_role_group,
                to_setting: table.dim(row, "to_setting", &SETTINGS)?,
                mode,
                value,
            });
        }
    }

    if let Some((table, rows)) = fetch(
        set,
        &chain,
        &this.code,
        &mut warnings,
        &mut infos,
        "pay",
        false,
    )? {
        for row in rows {
            let pay = table.non_negative(row, "hourly_pay")?;
            match table.dim(row, "role_group", &ROLE_GROUPS)? {
                Some(g) => inputs.pay[g] = Some(pay),
                None => inputs.pay = [Some(pay); 4],
            }
        }
    }

    if let Some((table, rows)) = fetch(
        set,
        &chain,
        &this.code,
        &mut warnings,
        &mut infos,
        "service_use",
        false,
    )? {
        for row in rows {
            let Some(setting) = table.dim(row, "setting", &SETTINGS)? else {
                return Err(table.err(row, 2, "setting must be a setting").into());
            };
            inputs.service_use.push((
                table.text(row, "measure").to_string(),
                setting,
                table.non_negative(row, "users_per_person")?,
            ));
        }
    }
    if let Some((table, rows)) = fetch(
        set,
        &chain,
        &this.code,
        &mut warnings,
        &mut infos,
        "staff_ratios",
        false,
    )? {
        let mut ratios = [[0.0; 4]; 7];
        for row in rows {
            let (Some(setting), Some(role)) = (
                table.dim(row, "setting", &SETTINGS)?,
                table.dim(row, "role_group", &ROLE_GROUPS)?,
            ) else {
                return Err(table
                    .err(row, 1, "setting and role_group must be given")
                    .into());
            };
            ratios[setting][role] = table.non_negative(row, "posts_per_user")?;
            if let Some(fte) = table.opt_number(row, "fte_per_post")? {
                for block in inputs
                    .blocks
                    .iter_mut()
                    .filter(|block| block.setting == setting && block.role_group == role)
                {
                    block.fte_per_post = fte;
                }
            }
        }
        inputs.staff_ratios = Some(ratios);
    }

    if let Some(table) = set.whole("costs") {
        note_input(&mut infos, table);
        for row in &table.rows {
            inputs.costs.push((
                table.text(row, "item").to_string(),
                table.dim(row, "role_group", &ROLE_GROUPS)?,
                table.non_negative(row, "value")?,
            ));
        }
    }
    for name in ["settings", "serviceusers_needs", "leaving_reasons"] {
        if let Some(table) = set.whole(name) {
            note_input(&mut infos, table);
        }
    }
    if let Some(table) = set.whole("leaving_reasons") {
        for row in &table.rows {
            let code = table.non_negative(row, "reason_code")?;
            if code.fract() != 0.0 || code > f64::from(u32::MAX) {
                return Err(table
                    .err(row, 0, "reason_code must be a whole number")
                    .into());
            }
            let Some(destination) = index_of(&DESTINATIONS, table.text(row, "destination")) else {
                return Err(table
                    .err(
                        row,
                        2,
                        format!("destination must be one of {}", DESTINATIONS.join(", ")),
                    )
                    .into());
            };
            inputs.reason_destinations.push((code as u32, destination));
        }
    }

    for info in &infos {
        if info.status.contains("secondary") || info.status.contains("interim") {
            warn(
                &mut warnings,
                "secondary_or_interim_input",
                format!(
                    "table {} uses {} values (planning.md §11)",
                    info.table, info.status
                ),
            );
        }
    }
    if inputs.blocks.iter().all(|block| block.fte_per_post == 1.0) {
        warn(
            &mut warnings,
            "fte_not_estimated",
            "FTE per post not known: 1.0 assumed".to_string(),
        );
    }
    inputs.warnings = warnings;
    inputs.inputs = infos;
    Ok(inputs)
}

/// For an LA without rows of its own in an extensive table (`population`, `base_stock`), the
/// share of the parent's rows it takes: 1/n, n = the LAs under that parent without rows of their
/// own, so the LAs of a region sum to the region (decision in docs/decisions/planning.md).
/// `None` when the area is not an LA or has its own rows.
fn la_share(
    set: &TableSet,
    all_areas: &[Area],
    this: &Area,
    chain: &[String],
    name: &str,
    warnings: &mut Vec<Warning>,
) -> Option<f64> {
    if this.level != "la" {
        return None;
    }
    let (_, _, used) = set.rows_for_area(name, chain)?;
    if used == this.code {
        return None;
    }
    let with_rows: std::collections::HashSet<&str> = set
        .named(name)
        .into_iter()
        .flat_map(|table| table.rows.iter().map(|row| table.text(row, "area_code")))
        .collect();
    let sharing = all_areas
        .iter()
        .filter(|area| area.level == "la" && !with_rows.contains(area.code.as_str()))
        .filter(|area| area_chain(all_areas, &area.code).is_some_and(|c| c.contains(&used)))
        .count()
        .max(1);
    warn(
        warnings,
        "la_share_of_parent",
        format!(
            "table {name}: no rows for {}, using 1/{sharing} of {used}'s (interim)",
            this.code
        ),
    );
    Some(1.0 / sharing as f64)
}

type Fetched<'s> = Option<(&'s RawTable, Vec<&'s crate::tables::Row>)>;

fn fetch<'s>(
    set: &'s TableSet,
    chain: &[String],
    code: &str,
    warnings: &mut Vec<Warning>,
    infos: &mut Vec<InputInfo>,
    name: &str,
    required: bool,
) -> Result<Fetched<'s>, PlanningError> {
    match set.rows_for_area(name, chain) {
        Some((table, rows, used)) => {
            if used != code {
                warn(
                    warnings,
                    "area_fallback",
                    format!("table {name}: no rows for {code}, using {used}"),
                );
            }
            note_input(infos, table);
            Ok(Some((table, rows)))
        }
        None if required => Err(PlanningError::Model(format!(
            "table {name} has no rows for {code} or its parents"
        ))),
        None => Ok(None),
    }
}

fn check_population_bands(
    population: &[PopulationRow],
    prevalence: &[PrevalenceRow],
    table: &RawTable,
) -> Result<(), PlanningError> {
    for prevalence_row in prevalence {
        for band in population {
            let band_max = band.age_max.unwrap_or(u32::MAX);
            let rate_max = prevalence_row.age_max.unwrap_or(u32::MAX);
            let inside = band.age_min >= prevalence_row.age_min && band_max <= rate_max;
            let outside = band_max < prevalence_row.age_min || band.age_min > rate_max;
            if !inside && !outside {
                let row = table
                    .rows
                    .iter()
                    .find(|row| {
                        table.text(row, "measure") == prevalence_row.measure
                            && table.text(row, "age_min") == prevalence_row.age_min.to_string()
                    })
                    .or(table.rows.first());
                let message = format!(
                    "prevalence band {}–{} cuts across population band {}–{}",
                    prevalence_row.age_min,
                    prevalence_row
                        .age_max
                        .map_or("".to_string(), |a| a.to_string()),
                    band.age_min,
                    band.age_max.map_or("".to_string(), |a| a.to_string()),
                );
                return Err(match row {
                    Some(row) => table.err(row, 2, message).into(),
                    None => PlanningError::Model(message),
                });
            }
        }
    }
    Ok(())
}

fn base_blocks(
    table: &RawTable,
    rows: &[&crate::tables::Row],
    scenario: &Scenario,
    base_year: i32,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Block>, PlanningError> {
    // Choose the latest as_of at or before D0 (else the nearest after, with a warning).
    let mut dates: Vec<String> = rows
        .iter()
        .map(|row| table.text(row, "as_of").to_string())
        .collect();
    dates.sort();
    dates.dedup();
    let wanted = scenario
        .run
        .as_of
        .map(|date| date.to_string())
        .unwrap_or_else(|| format!("{base_year}-12-31"));
    let chosen = dates
        .iter()
        .rev()
        .find(|date| **date <= wanted)
        .or(dates.first())
        .cloned()
        .unwrap_or_default();
    if chosen != wanted && scenario.run.as_of.is_some() {
        warn(
            warnings,
            "base_stock_date",
            format!("base stock as of {chosen}, not the base date {wanted}"),
        );
    }
    struct Parsed {
        keys: [Option<usize>; 5],
        filled: f64,
        vacant: Option<f64>,
        starters: Option<f64>,
        leavers: Option<f64>,
    }
    let mut parsed = Vec::new();
    for row in rows.iter().filter(|row| table.text(row, "as_of") == chosen) {
        let keys = [
            table.dim(row, "sector", &SECTORS)?,
            table.dim(row, "setting", &SETTINGS)?,
            table.dim(row, "role_group", &ROLE_GROUPS)?,
            table.dim(row, "age_band", &AGE_BANDS)?,
            table.dim(row, "los_band", &LOS_BANDS)?,
        ];
        parsed.push(Parsed {
            keys,
            filled: table.non_negative(row, "filled_posts")?,
            vacant: table.opt_number(row, "vacant_posts")?,
            starters: table.opt_number(row, "starters")?,
            leavers: table.opt_number(row, "leavers")?,
        });
    }
    let block_rows: Vec<&Parsed> = parsed
        .iter()
        .filter(|p| p.keys[0].is_some() && p.keys[1].is_some() && p.keys[2].is_some())
        .collect();
    let total_row = parsed.iter().find(|p| p.keys.iter().all(Option::is_none));
    // Block totals: block rows (age, LOS = all), or the product of sector, setting and role margins.
    let mut blocks: Vec<Block> = Vec::new();
    let block_totals: Vec<((usize, usize, usize), [f64; 4])> = if block_rows
        .iter()
        .any(|p| p.keys[3].is_none() && p.keys[4].is_none())
    {
        block_rows
            .iter()
            .filter(|p| p.keys[3].is_none() && p.keys[4].is_none())
            .filter_map(|p| {
                Some((
                    (p.keys[2]?, p.keys[1]?, p.keys[0]?),
                    [
                        p.filled,
                        p.vacant.unwrap_or(0.0),
                        p.starters.unwrap_or(0.0),
                        p.leavers.unwrap_or(0.0),
                    ],
                ))
            })
            .collect()
    } else if let Some(total) = total_row {
        let margin = |dim: usize, count: usize| -> Vec<f64> {
            let mut shares = vec![0.0; count];
            for p in &parsed {
                if let Some(index) = p.keys[dim]
                    && p.keys
                        .iter()
                        .enumerate()
                        .all(|(other, key)| other == dim || key.is_none())
                    && total.filled > 0.0
                    && let Some(slot) = shares.get_mut(index)
                {
                    *slot = p.filled / total.filled;
                }
            }
            shares
        };
        let (sector_shares, setting_shares, role_shares) =
            (margin(0, 3), margin(1, 7), margin(2, 4));
        let mut out = Vec::new();
        for (e, se) in sector_shares.iter().enumerate() {
            for (s, ss) in setting_shares.iter().enumerate() {
                for (g, sg) in role_shares.iter().enumerate() {
                    let share = se * ss * sg;
                    if share > 0.0 {
                        out.push((
                            (g, s, e),
                            [
                                total.filled * share,
                                total.vacant.unwrap_or(0.0) * share,
                                total.starters.unwrap_or(0.0) * share,
                                total.leavers.unwrap_or(0.0) * share,
                            ],
                        ));
                    }
                }
            }
        }
        out
    } else {
        Vec::new()
    };
    // Age and LOS distributions: the block's own rows, else the area margins.
    let distribution = |dim: usize, count: usize, block: (usize, usize, usize)| -> Vec<f64> {
        let own: Vec<&Parsed> = parsed
            .iter()
            .filter(|p| {
                p.keys[0] == Some(block.2)
                    && p.keys[1] == Some(block.1)
                    && p.keys[2] == Some(block.0)
                    && p.keys[dim].is_some()
                    && p.keys[7 - dim].is_none()
            })
            .collect();
        let source: Vec<&Parsed> = if own.is_empty() {
            parsed
                .iter()
                .filter(|p| {
                    p.keys[dim].is_some()
                        && p.keys
                            .iter()
                            .enumerate()
                            .all(|(other, key)| other == dim || key.is_none())
                })
                .collect()
        } else {
            own
        };
        let mut shares = vec![0.0; count];
        for p in source {
            if let Some(slot) = p.keys[dim].and_then(|index| shares.get_mut(index)) {
                *slot += p.filled;
            }
        }
        let total: f64 = shares.iter().sum();
        if total > 0.0 {
            shares.iter().map(|share| share / total).collect()
        } else {
            // Unknown: middle age band, LOS 2–5y.
            let mut fallback = vec![0.0; count];
            if let Some(slot) = fallback.get_mut(if count == 9 { 3 } else { 4 }) {
                *slot = 1.0;
            }
            fallback
        }
    };
    for ((g, s, e), [filled, vacant, starters, leavers]) in block_totals {
        if filled <= 0.0 && vacant <= 0.0 {
            continue;
        }
        let ages = distribution(3, 9, (g, s, e));
        let los = distribution(4, 8, (g, s, e));
        let mut cells = vec![0.0; 72];
        for (a, age_share) in ages.iter().enumerate() {
            for (b, los_share) in los.iter().enumerate() {
                if let Some(cell) = cells.get_mut(a * 8 + b) {
                    *cell = filled * age_share * los_share;
                }
            }
        }
        blocks.push(Block {
            role_group: g,
            setting: s,
            sector: e,
            filled,
            vacant,
            starters,
            leavers,
            non_direct_ratio: 0.0,
            cells,
            records: None,
            workplaces: None,
            fte_per_post: 1.0,
        });
    }
    blocks.sort_by_key(|block| (block.role_group, block.setting, block.sector));
    Ok(blocks)
}
