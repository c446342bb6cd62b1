//! The scenario file (`planning.md` §8): TOML with every lever, variants inheriting from the
//! baseline, numbers that may be values, distributions (§9) or paths by year. Every problem names
//! file, line, column and value.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::dims::{AGE_BANDS, ROLE_GROUPS, SECTORS, SETTINGS, SOURCES, Step, index_of};
use crate::dist::{Dist, Number, Scalar};
use crate::error::{InputError, at_span};

/// Demand mode (§3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemandMode {
    /// Need-based (population × prevalence × use × ratio).
    Need,
    /// Skills for Care's simple method: base × population ratio.
    Simple,
    /// Demand held at base.
    Fixed,
}

/// How need-mode ratios are set (§3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ratios {
    /// Base demand equals base total posts.
    Calibrated,
    /// From the `service_use` and `staff_ratios` tables.
    Explicit,
}

/// What B counts (§3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseKind {
    /// Filled plus vacant posts.
    Total,
    /// Filled posts.
    Filled,
}

/// Population group of simple mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimpleGroup {
    /// 18+.
    Age18Plus,
    /// 65+.
    Age65Plus,
    /// 75+.
    Age75Plus,
    /// 85+.
    Age85Plus,
}

impl SimpleGroup {
    /// Lower age of the group.
    pub fn min_age(self) -> u32 {
        match self {
            SimpleGroup::Age18Plus => 18,
            SimpleGroup::Age65Plus => 65,
            SimpleGroup::Age75Plus => 75,
            SimpleGroup::Age85Plus => 85,
        }
    }
}

/// Recruitment mode (§4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recruitment {
    /// Joiners at the base rate times levers.
    TrendCount,
    /// Joiners fill the gap to demand each step.
    FillToDemand,
}

/// Within-sector joiners (§4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithinSector {
    /// Like every other source.
    Trend,
    /// Last step's within-sector leavers come back as joiners.
    Recycled,
}

/// Length-of-service basis (§2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LosBasis {
    /// Tenure with the employer.
    Employer,
    /// Years in the sector.
    Sector,
}

impl LosBasis {
    /// Name as in tables.
    pub fn name(self) -> &'static str {
        match self {
            LosBasis::Employer => "employer",
            LosBasis::Sector => "sector",
        }
    }
}

/// Audience of the output (§10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Audience {
    /// The store holder: nothing suppressed.
    #[default]
    Employer,
    /// Commissioners: disclosure control (`metrics.md` §6).
    Commissioner,
}

impl Audience {
    /// Name as in output.
    pub fn name(self) -> &'static str {
        match self {
            Audience::Employer => "employer",
            Audience::Commissioner => "commissioner",
        }
    }
}

/// Where the data come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataSource {
    /// The store's data set (estimation, §5).
    Store,
    /// Reference tables only.
    Reference,
}

/// `[run]`.
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// ONS code or name, or `la:*`.
    pub area: String,
    /// Base date D0, if given.
    pub as_of: Option<time::Date>,
    /// H.
    pub horizon_years: u32,
    /// Step.
    pub step: Step,
    /// Monte Carlo (true) or deterministic only.
    pub monte_carlo: bool,
    /// Runs.
    pub runs: u32,
    /// Seed.
    pub seed: u64,
    /// Percentiles, sorted, always containing 10, 50, 90.
    pub percentiles: Vec<u32>,
    /// LOS basis.
    pub los_basis: LosBasis,
    /// Price base year (default: the base year).
    pub price_base_year: Option<i32>,
}

/// `[data]`.
#[derive(Debug, Clone)]
pub struct DataSettings {
    /// Source.
    pub source: DataSource,
    /// User tables: name, path, and the location of the path in the scenario.
    pub tables: Vec<(String, String, InputError)>,
    /// Population variant.
    pub population_variant: String,
    /// Area total filled posts to scale blocks to.
    pub base_total: Option<f64>,
}

/// `[demand]`.
#[derive(Debug, Clone)]
pub struct DemandSettings {
    /// Mode.
    pub mode: DemandMode,
    /// Ratios.
    pub ratios: Ratios,
    /// B.
    pub base: BaseKind,
    /// B itself.
    pub base_posts: Option<f64>,
    /// Simple-mode group.
    pub simple_group: SimpleGroup,
    /// v*.
    pub frictional_vacancy_rate: Number,
}

/// `[supply]`.
#[derive(Debug, Clone)]
pub struct SupplySettings {
    /// Recruitment mode.
    pub recruitment: Recruitment,
    /// Within-sector joiners; `None` = the default for the area level.
    pub within_sector: Option<WithinSector>,
    /// First age band whose leaving is age exit.
    pub exit_age_band: usize,
    /// β.
    pub prior_events: f64,
    /// α.
    pub prior_leavers: f64,
}

/// `[costs]` (§7).
#[derive(Debug, Clone)]
pub struct CostSettings {
    /// Cost per external hire.
    pub cost_per_hire: Number,
    /// Extra per international recruit.
    pub international_extra: Number,
    /// Cost per internal move in.
    pub internal_move: Number,
    /// Induction per direct-care entrant.
    pub induction_per_entrant: Number,
    /// Training per head a year (absent = not costed).
    pub training_per_head: Option<Number>,
    /// Unit cost of a qualification learner.
    pub qualification_unit_cost: Number,
    /// Employer on-costs as a fraction of pay.
    pub on_cost_rate: Number,
    /// Pay uprating index.
    pub pay_uprating: Number,
    /// Inflation index (real = nominal ÷ index).
    pub inflation: Number,
    /// Discount rate.
    pub discount_rate: Number,
}

/// `[uncertainty]`: which default draws are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UncertaintySettings {
    /// LOS-shape cells.
    pub hazards: bool,
    /// Level k.
    pub calibration: bool,
    /// Prevalence rows with a CI.
    pub prevalence: bool,
    /// Source and destination shares.
    pub shares: bool,
}

/// `[risk]` (§6).
#[derive(Debug, Clone)]
pub struct RiskSettings {
    /// Gap-rate threshold.
    pub gap_threshold: f64,
    /// Likelihood cuts on p.
    pub likelihood_cuts: [f64; 4],
    /// Impact cuts on the P50 gap rate.
    pub impact_cuts: [f64; 4],
}

/// Output dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupDim {
    /// Role group.
    RoleGroup,
    /// Setting.
    Setting,
    /// Sector.
    Sector,
}

/// `[output]`.
#[derive(Debug, Clone)]
pub struct OutputSettings {
    /// Dimensions of the rows.
    pub group_by: Vec<GroupDim>,
    /// Audience.
    pub audience: Audience,
}

/// Internal move mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveMode {
    /// A hazard competing with leaving.
    Push,
    /// A share of the destination's joiners.
    Pull,
}

/// What a lever does (§8 table).
#[derive(Debug, Clone)]
pub enum LeverKind {
    /// Trend in a measure's prevalence.
    PrevalenceTrend {
        /// Measure.
        measure: String,
        /// Annual rate τ.
        rate: Number,
    },
    /// Use-rate multiplier m_s.
    UseRate {
        /// Path.
        path: Number,
    },
    /// Users moving from one setting to another.
    Mix {
        /// From setting.
        from: usize,
        /// To setting.
        to: usize,
        /// φ.
        path: Number,
        /// c.
        conversion: Number,
    },
    /// Target PA share π.
    PaShare {
        /// Path.
        path: Number,
        /// c_p (default r_PA/r_dom).
        conversion: Option<Number>,
    },
    /// Productivity gain π_s.
    Productivity {
        /// Rate.
        rate: Number,
    },
    /// Demand moving between sectors.
    SectorShift {
        /// From sector.
        from: usize,
        /// To sector.
        to: usize,
        /// Share moved.
        path: Number,
    },
    /// Leaving hazard multiplier.
    Leaving {
        /// Path.
        path: Number,
    },
    /// Multiplier on first-year leaving.
    EarlyLeaving {
        /// Path.
        path: Number,
    },
    /// Multiplier on age exit.
    Retirement {
        /// Path.
        path: Number,
    },
    /// Pay uplift with elasticities.
    Pay {
        /// u.
        uplift: Number,
        /// ε of leaving.
        elasticity_leaving: Number,
        /// ε of joiners.
        elasticity_joiners: Number,
    },
    /// Joiner multiplier.
    Joiners {
        /// Path.
        path: Number,
    },
    /// International recruits: multiplier or a count a year.
    International {
        /// Multiplier.
        path: Option<Number>,
        /// Count a year.
        count: Option<Number>,
    },
    /// Cap on joiners: × J0 or a count a year.
    RecruitmentCap {
        /// Multiple of J0.
        path: Option<Number>,
        /// Count a year.
        count: Option<Number>,
    },
    /// Internal move between role groups.
    Promotion {
        /// From role group.
        from: usize,
        /// To role group.
        to: usize,
        /// Mode.
        mode: MoveMode,
        /// Hazard (push) or share (pull).
        value: Number,
    },
    /// A training pipeline.
    Pipeline {
        /// Intake a year I(Y).
        intake: Number,
        /// Duration L in years.
        duration: i32,
        /// κ.
        completion: Number,
        /// ρ.
        take_up: Number,
        /// Destination role group.
        to: usize,
        /// Entry age band.
        entry_age_band: usize,
        /// Source role group (grow your own), if any.
        from: Option<usize>,
    },
    /// Non-direct posts per direct post ν.
    NonDirect {
        /// Path.
        path: Number,
    },
    /// Qualification learners.
    Qualification {
        /// Learners a year.
        learners: Number,
        /// Unit cost (default the `[costs]` one).
        unit_cost: Option<Number>,
    },
}

/// A lever with its id and filters.
#[derive(Debug, Clone)]
pub struct Lever {
    /// Id; a variant's lever replaces the baseline lever with the same id.
    pub id: String,
    /// What it does.
    pub kind: LeverKind,
    /// Role groups it applies to (`None` = all).
    pub role_groups: Option<Vec<usize>>,
    /// Settings.
    pub settings: Option<Vec<usize>>,
    /// Sectors.
    pub sectors: Option<Vec<usize>>,
    /// Sources.
    pub sources: Option<Vec<usize>>,
}

impl Lever {
    /// Whether the lever applies to a block.
    pub fn applies(&self, role_group: usize, setting: usize, sector: usize) -> bool {
        let ok = |filter: &Option<Vec<usize>>, value: usize| {
            filter.as_ref().is_none_or(|list| list.contains(&value))
        };
        ok(&self.role_groups, role_group)
            && ok(&self.settings, setting)
            && ok(&self.sectors, sector)
    }
    /// Whether the lever applies to a joiner source.
    pub fn applies_to_source(&self, source: usize) -> bool {
        self.sources
            .as_ref()
            .is_none_or(|list| list.contains(&source))
    }
}

/// A variant.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Population variant, if it changes it.
    pub population_variant: Option<String>,
    /// Its levers (replacing baseline ones by id).
    pub levers: Vec<Lever>,
}

/// A parsed scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// File name as given.
    pub file: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// `name`.
    pub name: String,
    /// `description`.
    pub description: String,
    /// `[run]`.
    pub run: RunSettings,
    /// `[data]`.
    pub data: DataSettings,
    /// `[demand]`.
    pub demand: DemandSettings,
    /// `[supply]`.
    pub supply: SupplySettings,
    /// `[costs]`.
    pub costs: CostSettings,
    /// `[uncertainty]`.
    pub uncertainty: UncertaintySettings,
    /// `[risk]`.
    pub risk: RiskSettings,
    /// `[output]`.
    pub output: OutputSettings,
    /// Baseline levers.
    pub levers: Vec<Lever>,
    /// Variants.
    pub variants: Vec<Variant>,
}

impl Scenario {
    /// The levers of a scenario: `None` = the baseline, else the variant with its replacements.
    pub fn levers_for(&self, variant: Option<&Variant>) -> Vec<Lever> {
        let mut levers = self.levers.clone();
        if let Some(variant) = variant {
            for lever in &variant.levers {
                match levers.iter_mut().find(|existing| existing.id == lever.id) {
                    Some(existing) => *existing = lever.clone(),
                    None => levers.push(lever.clone()),
                }
            }
        }
        levers
    }
}

/// The example scenario of §8, commented, which runs as it is on the shipped tables.
pub const EXAMPLE_SCENARIO: &str = include_str!("../data/example.toml");

type Table<'i> = DeTable<'i>;
type Value<'i> = Spanned<DeValue<'i>>;

struct Parser<'a> {
    file: &'a str,
    text: &'a str,
}

/// Parses a scenario from its text; `file` names it in errors.
pub fn parse_scenario(file: &str, text: &str) -> Result<Scenario, InputError> {
    let parser = Parser { file, text };
    let root = DeTable::parse(text).map_err(|error| {
        let span = error.span().unwrap_or(0..0);
        parser.err(span, format!("not valid TOML: {}", error.message().trim()))
    })?;
    parser.scenario(root.get_ref(), root.span())
}

impl<'a> Parser<'a> {
    fn err(&self, span: Range<usize>, message: impl Into<String>) -> InputError {
        at_span(self.file, self.text, span, message)
    }

    fn check_keys(&self, table: &Table, allowed: &[&str], what: &str) -> Result<(), InputError> {
        for (key, _) in table.iter() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                return Err(self.err(
                    key.span(),
                    format!("unknown key in {what} (allowed: {})", allowed.join(", ")),
                ));
            }
        }
        Ok(())
    }

    fn get<'t, 'i>(&self, table: &'t Table<'i>, key: &str) -> Option<&'t Value<'i>> {
        table
            .iter()
            .find(|(candidate, _)| candidate.get_ref() == key)
            .map(|(_, value)| value)
    }

    fn section<'t, 'i>(
        &self,
        table: &'t Table<'i>,
        key: &str,
        allowed: &[&str],
    ) -> Result<Option<&'t Table<'i>>, InputError> {
        match self.get(table, key) {
            None => Ok(None),
            Some(value) => match value.get_ref() {
                DeValue::Table(inner) => {
                    self.check_keys(inner, allowed, &format!("[{key}]"))?;
                    Ok(Some(inner))
                }
                _ => Err(self.err(value.span(), format!("`{key}` must be a table"))),
            },
        }
    }

    fn string(&self, value: &Value) -> Result<String, InputError> {
        match value.get_ref() {
            DeValue::String(text) => Ok(text.to_string()),
            _ => Err(self.err(value.span(), "expected a string")),
        }
    }

    fn opt_string(&self, table: &Table, key: &str) -> Result<Option<String>, InputError> {
        self.get(table, key)
            .map(|value| self.string(value))
            .transpose()
    }

    fn choice<T: Copy>(
        &self,
        table: &Table,
        key: &str,
        options: &[(&str, T)],
        default: T,
    ) -> Result<T, InputError> {
        let Some(value) = self.get(table, key) else {
            return Ok(default);
        };
        let text = self.string(value)?;
        options
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, option)| *option)
            .ok_or_else(|| {
                let names: Vec<&str> = options.iter().map(|(name, _)| *name).collect();
                self.err(
                    value.span(),
                    format!("`{key}` must be one of {}", names.join(", ")),
                )
            })
    }

    fn float(&self, value: &Value) -> Result<f64, InputError> {
        let number = match value.get_ref() {
            DeValue::Integer(integer) => i64::from_str_radix(integer.as_str(), integer.radix())
                .ok()
                .map(|whole| whole as f64),
            DeValue::Float(float) => float.as_str().parse::<f64>().ok(),
            _ => None,
        };
        match number {
            Some(number) if number.is_finite() => Ok(number),
            Some(_) => Err(self.err(value.span(), "number must be finite")),
            None => Err(self.err(value.span(), "expected a number")),
        }
    }

    fn opt_float(
        &self,
        table: &Table,
        key: &str,
        range: (f64, f64),
    ) -> Result<Option<f64>, InputError> {
        let Some(value) = self.get(table, key) else {
            return Ok(None);
        };
        let number = self.float(value)?;
        if number < range.0 || number > range.1 {
            return Err(self.err(
                value.span(),
                format!("`{key}` must lie in [{}, {}]", range.0, range.1),
            ));
        }
        Ok(Some(number))
    }

    fn integer(&self, value: &Value, range: (i64, i64)) -> Result<i64, InputError> {
        match value.get_ref() {
            DeValue::Integer(integer) => {
                match i64::from_str_radix(integer.as_str(), integer.radix()) {
                    Ok(whole) if whole >= range.0 && whole <= range.1 => Ok(whole),
                    _ => Err(self.err(
                        value.span(),
                        format!("must be an integer in [{}, {}]", range.0, range.1),
                    )),
                }
            }
            _ => Err(self.err(value.span(), "expected an integer")),
        }
    }

    fn boolean(&self, table: &Table, key: &str, default: bool) -> Result<bool, InputError> {
        match self.get(table, key) {
            None => Ok(default),
            Some(value) => match value.get_ref() {
                DeValue::Boolean(flag) => Ok(*flag),
                _ => Err(self.err(value.span(), format!("`{key}` must be true or false"))),
            },
        }
    }

    fn dist(&self, table: &Table, span: Range<usize>) -> Result<Dist, InputError> {
        let kind_value = self
            .get(table, "dist")
            .ok_or_else(|| self.err(span.clone(), "distribution without `dist`"))?;
        let kind = self.string(kind_value)?;
        let need = |key: &str| -> Result<f64, InputError> {
            let value = self.get(table, key).ok_or_else(|| {
                self.err(span.clone(), format!("`{kind}` distribution needs `{key}`"))
            })?;
            self.float(value)
        };
        let maybe = |key: &str| -> Result<Option<f64>, InputError> {
            self.get(table, key)
                .map(|value| self.float(value))
                .transpose()
        };
        let (allowed, dist): (&[&str], Dist) = match kind.as_str() {
            "fixed" => (&["dist", "value"], Dist::Fixed(need("value")?)),
            "normal" => (
                &["dist", "mean", "sd", "min", "max"],
                Dist::Normal {
                    mean: need("mean")?,
                    sd: need("sd")?,
                    min: maybe("min")?,
                    max: maybe("max")?,
                },
            ),
            "normal_ci" => (
                &["dist", "estimate", "low", "high"],
                Dist::NormalCi {
                    estimate: need("estimate")?,
                    low: need("low")?,
                    high: need("high")?,
                },
            ),
            "lognormal" => (
                &["dist", "median", "sigma"],
                Dist::LogNormal {
                    median: need("median")?,
                    sigma: need("sigma")?,
                },
            ),
            "gamma" => (
                &["dist", "shape", "rate"],
                Dist::Gamma {
                    shape: need("shape")?,
                    rate: need("rate")?,
                },
            ),
            "beta" => (
                &["dist", "a", "b"],
                Dist::Beta {
                    a: need("a")?,
                    b: need("b")?,
                },
            ),
            "uniform" => (
                &["dist", "min", "max"],
                Dist::Uniform {
                    min: need("min")?,
                    max: need("max")?,
                },
            ),
            "pert" => (
                &["dist", "min", "mode", "max"],
                Dist::Pert {
                    min: need("min")?,
                    mode: need("mode")?,
                    max: need("max")?,
                },
            ),
            "dirichlet" => {
                return Err(self.err(
                    kind_value.span(),
                    "dirichlet is a distribution of shares, not of one number",
                ));
            }
            _ => {
                return Err(self.err(
                    kind_value.span(),
                    "unknown distribution (fixed, normal, normal_ci, lognormal, gamma, beta, uniform, pert)",
                ));
            }
        };
        self.check_keys(table, allowed, &format!("a `{kind}` distribution"))?;
        dist.check()
            .map_err(|message| self.err(span.clone(), message))?;
        Ok(dist)
    }

    fn scalar(&self, value: &Value, range: (f64, f64)) -> Result<Scalar, InputError> {
        let scalar = match value.get_ref() {
            DeValue::Table(table) => Scalar::Dist(self.dist(table, value.span())?),
            _ => Scalar::Value(self.float(value)?),
        };
        let (low, high) = match &scalar {
            Scalar::Value(number) => (*number, *number),
            Scalar::Dist(Dist::Uniform { min, max })
            | Scalar::Dist(Dist::Pert { min, max, .. }) => (*min, *max),
            Scalar::Dist(dist) => (dist.mean(), dist.mean()),
        };
        if low < range.0 || high > range.1 {
            return Err(self.err(
                value.span(),
                format!("value out of range [{}, {}]", range.0, range.1),
            ));
        }
        Ok(scalar)
    }

    fn number(&self, value: &Value, range: (f64, f64)) -> Result<Number, InputError> {
        if let DeValue::Table(table) = value.get_ref()
            && self.get(table, "dist").is_none()
        {
            let mut points = Vec::new();
            for (key, point) in table.iter() {
                let year: i32 = key
                    .get_ref()
                    .parse()
                    .ok()
                    .filter(|year| (1900..=2200).contains(year))
                    .ok_or_else(|| {
                        self.err(key.span(), "a path's keys must be years (e.g. 2025 = 1.0)")
                    })?;
                points.push((year, self.scalar(point, range)?));
            }
            if points.is_empty() {
                return Err(self.err(value.span(), "a path needs at least one year"));
            }
            points.sort_by_key(|(year, _)| *year);
            return Ok(Number::Path(points));
        }
        Ok(Number::Scalar(self.scalar(value, range)?))
    }

    fn opt_number(
        &self,
        table: &Table,
        key: &str,
        range: (f64, f64),
    ) -> Result<Option<Number>, InputError> {
        self.get(table, key)
            .map(|value| self.number(value, range))
            .transpose()
    }

    fn number_or(
        &self,
        table: &Table,
        key: &str,
        range: (f64, f64),
        default: f64,
    ) -> Result<Number, InputError> {
        Ok(self
            .opt_number(table, key, range)?
            .unwrap_or(Number::value(default)))
    }

    fn name_in(&self, value: &Value, list: &[&str], what: &str) -> Result<usize, InputError> {
        let text = self.string(value)?;
        index_of(list, &text).ok_or_else(|| {
            self.err(
                value.span(),
                format!("unknown {what} (one of {})", list.join(", ")),
            )
        })
    }

    fn required<'t, 'i>(
        &self,
        table: &'t Table<'i>,
        key: &str,
        span: &Range<usize>,
        what: &str,
    ) -> Result<&'t Value<'i>, InputError> {
        self.get(table, key)
            .ok_or_else(|| self.err(span.clone(), format!("{what} needs `{key}`")))
    }

    fn name_list(
        &self,
        table: &Table,
        key: &str,
        list: &[&str],
        what: &str,
    ) -> Result<Option<Vec<usize>>, InputError> {
        let Some(value) = self.get(table, key) else {
            return Ok(None);
        };
        match value.get_ref() {
            DeValue::Array(items) => items
                .iter()
                .map(|item| self.name_in(item, list, what))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            _ => Err(self.err(value.span(), format!("`{key}` must be a list"))),
        }
    }

    fn lever(&self, value: &Value) -> Result<Lever, InputError> {
        let span = value.span();
        let DeValue::Table(table) = value.get_ref() else {
            return Err(self.err(span, "a lever must be a table"));
        };
        let id = self.string(self.required(table, "id", &span, "a lever")?)?;
        let kind_value = self.required(table, "lever", &span, "a lever")?;
        let kind_name = self.string(kind_value)?;
        const COMMON: [&str; 6] = [
            "id",
            "lever",
            "role_groups",
            "settings",
            "sectors",
            "sources",
        ];
        let any = (f64::NEG_INFINITY, f64::INFINITY);
        let non_negative = (0.0, f64::INFINITY);
        let share = (0.0, 1.0);
        let what = format!("lever `{kind_name}`");
        let path_or = |default: f64| self.number_or(table, "path", non_negative, default);
        let (keys, kind): (&[&str], LeverKind) = match kind_name.as_str() {
            "prevalence_trend" => (
                &["measure", "rate"],
                LeverKind::PrevalenceTrend {
                    measure: self.string(self.required(table, "measure", &span, &what)?)?,
                    rate: self.number_or(table, "rate", (-1.0, 10.0), 0.0)?,
                },
            ),
            "use_rate" => (
                &["path"],
                LeverKind::UseRate {
                    path: path_or(1.0)?,
                },
            ),
            "mix" => (
                &["from", "to", "path", "conversion"],
                LeverKind::Mix {
                    from: self.name_in(
                        self.required(table, "from", &span, &what)?,
                        &SETTINGS,
                        "setting",
                    )?,
                    to: self.name_in(
                        self.required(table, "to", &span, &what)?,
                        &SETTINGS,
                        "setting",
                    )?,
                    path: self.number_or(table, "path", share, 0.0)?,
                    conversion: self.number_or(table, "conversion", non_negative, 1.0)?,
                },
            ),
            "pa_share" => (
                &["path", "conversion"],
                LeverKind::PaShare {
                    path: self.number(self.required(table, "path", &span, &what)?, share)?,
                    conversion: self.opt_number(table, "conversion", non_negative)?,
                },
            ),
            "productivity" => (
                &["rate"],
                LeverKind::Productivity {
                    rate: self.number_or(table, "rate", (-1.0, 1.0), 0.0)?,
                },
            ),
            "sector_shift" => (
                &["from", "to", "path"],
                LeverKind::SectorShift {
                    from: self.name_in(
                        self.required(table, "from", &span, &what)?,
                        &SECTORS,
                        "sector",
                    )?,
                    to: self.name_in(
                        self.required(table, "to", &span, &what)?,
                        &SECTORS,
                        "sector",
                    )?,
                    path: self.number_or(table, "path", share, 0.0)?,
                },
            ),
            "leaving" => (
                &["path"],
                LeverKind::Leaving {
                    path: path_or(1.0)?,
                },
            ),
            "early_leaving" => (
                &["path"],
                LeverKind::EarlyLeaving {
                    path: path_or(1.0)?,
                },
            ),
            "retirement" => (
                &["path"],
                LeverKind::Retirement {
                    path: path_or(1.0)?,
                },
            ),
            "pay" => (
                &["uplift", "elasticity_leaving", "elasticity_joiners"],
                LeverKind::Pay {
                    uplift: self.number_or(table, "uplift", (-0.99, 10.0), 0.0)?,
                    elasticity_leaving: self.number(
                        self.required(table, "elasticity_leaving", &span, &what)?,
                        any,
                    )?,
                    elasticity_joiners: self.number(
                        self.required(table, "elasticity_joiners", &span, &what)?,
                        any,
                    )?,
                },
            ),
            "joiners" => (
                &["path"],
                LeverKind::Joiners {
                    path: path_or(1.0)?,
                },
            ),
            "international" | "recruitment_cap" => {
                let path = self.opt_number(table, "path", non_negative)?;
                let count = self.opt_number(table, "count", non_negative)?;
                if path.is_some() && count.is_some() {
                    return Err(self.err(span, format!("{what} takes `path` or `count`, not both")));
                }
                let kind = if kind_name == "international" {
                    LeverKind::International {
                        path: if count.is_none() {
                            Some(path.unwrap_or(Number::value(1.0)))
                        } else {
                            None
                        },
                        count,
                    }
                } else {
                    if path.is_none() && count.is_none() {
                        return Err(self.err(span, format!("{what} needs `path` or `count`")));
                    }
                    LeverKind::RecruitmentCap { path, count }
                };
                (&["path", "count"], kind)
            }
            "promotion" => {
                let mode = match self.get(table, "mode") {
                    None => MoveMode::Pull,
                    Some(value) => match self.string(value)?.as_str() {
                        "push" => MoveMode::Push,
                        "pull" => MoveMode::Pull,
                        _ => return Err(self.err(value.span(), "`mode` must be push or pull")),
                    },
                };
                let value = match mode {
                    MoveMode::Push => {
                        self.number(self.required(table, "rate", &span, &what)?, non_negative)?
                    }
                    MoveMode::Pull => {
                        self.number(self.required(table, "share", &span, &what)?, share)?
                    }
                };
                (
                    &["from", "to", "mode", "rate", "share"],
                    LeverKind::Promotion {
                        from: self.name_in(
                            self.required(table, "from", &span, &what)?,
                            &ROLE_GROUPS,
                            "role group",
                        )?,
                        to: self.name_in(
                            self.required(table, "to", &span, &what)?,
                            &ROLE_GROUPS,
                            "role group",
                        )?,
                        mode,
                        value,
                    },
                )
            }
            "pipeline" => {
                let duration = self
                    .get(table, "duration")
                    .map(|value| self.integer(value, (0, 10)))
                    .transpose()?
                    .unwrap_or(1);
                let entry_age_band = match self.get(table, "entry_age_band") {
                    Some(value) => self.name_in(value, &AGE_BANDS, "age band")?,
                    None => 1,
                };
                let from = self
                    .get(table, "from")
                    .map(|value| self.name_in(value, &ROLE_GROUPS, "role group"))
                    .transpose()?;
                (
                    &[
                        "intake",
                        "duration",
                        "completion",
                        "take_up",
                        "to",
                        "entry_age_band",
                        "from",
                    ],
                    LeverKind::Pipeline {
                        intake: self
                            .number(self.required(table, "intake", &span, &what)?, non_negative)?,
                        duration: duration as i32,
                        completion: self.number_or(table, "completion", share, 1.0)?,
                        take_up: self.number_or(table, "take_up", share, 1.0)?,
                        to: self.name_in(
                            self.required(table, "to", &span, &what)?,
                            &ROLE_GROUPS,
                            "role group",
                        )?,
                        entry_age_band,
                        from,
                    },
                )
            }
            "non_direct" => (
                &["path"],
                LeverKind::NonDirect {
                    path: self.number(self.required(table, "path", &span, &what)?, non_negative)?,
                },
            ),
            "qualification" => (
                &["learners", "unit_cost"],
                LeverKind::Qualification {
                    learners: self.number(
                        self.required(table, "learners", &span, &what)?,
                        non_negative,
                    )?,
                    unit_cost: self.opt_number(table, "unit_cost", non_negative)?,
                },
            ),
            _ => {
                return Err(self.err(
                    kind_value.span(),
                    "unknown lever (see planning.md §8 for the list)",
                ));
            }
        };
        let mut allowed: Vec<&str> = COMMON.to_vec();
        allowed.extend_from_slice(keys);
        self.check_keys(table, &allowed, &what)?;
        Ok(Lever {
            id,
            kind,
            role_groups: self.name_list(table, "role_groups", &ROLE_GROUPS, "role group")?,
            settings: self.name_list(table, "settings", &SETTINGS, "setting")?,
            sectors: self.name_list(table, "sectors", &SECTORS, "sector")?,
            sources: self.name_list(table, "sources", &SOURCES, "source")?,
        })
    }

    fn levers(&self, value: Option<&Value>) -> Result<Vec<Lever>, InputError> {
        let Some(value) = value else {
            return Ok(Vec::new());
        };
        let DeValue::Array(items) = value.get_ref() else {
            return Err(self.err(value.span(), "`lever` must be a list of tables"));
        };
        let mut levers: Vec<Lever> = Vec::new();
        for item in items.iter() {
            let lever = self.lever(item)?;
            if levers.iter().any(|existing| existing.id == lever.id) {
                return Err(self.err(item.span(), format!("duplicate lever id `{}`", lever.id)));
            }
            levers.push(lever);
        }
        Ok(levers)
    }

    fn scenario(&self, root: &Table, root_span: Range<usize>) -> Result<Scenario, InputError> {
        self.check_keys(
            root,
            &[
                "format",
                "name",
                "description",
                "run",
                "data",
                "demand",
                "supply",
                "costs",
                "uncertainty",
                "risk",
                "output",
                "lever",
                "variant",
            ],
            "the scenario",
        )?;
        let format_value = self.required(root, "format", &root_span, "a scenario")?;
        self.integer(format_value, (1, 1))?;
        let name = self.opt_string(root, "name")?.unwrap_or_default();
        let description = self.opt_string(root, "description")?.unwrap_or_default();
        let empty = Table::default();

        let run_table = self
            .section(
                root,
                "run",
                &[
                    "area",
                    "as_of",
                    "horizon_years",
                    "step",
                    "engine",
                    "runs",
                    "seed",
                    "percentiles",
                    "los_basis",
                    "price_base_year",
                ],
            )?
            .unwrap_or(&empty);
        let area = self
            .opt_string(run_table, "area")?
            .unwrap_or_else(|| "E92000001".to_string());
        let as_of = match self.get(run_table, "as_of") {
            None => None,
            Some(value) => {
                let text = match value.get_ref() {
                    DeValue::String(text) => text.to_string(),
                    DeValue::Datetime(datetime) => datetime.to_string(),
                    _ => return Err(self.err(value.span(), "`as_of` must be a date")),
                };
                let format = time::macros::format_description!("[year]-[month]-[day]");
                Some(
                    time::Date::parse(&text, format)
                        .map_err(|_| self.err(value.span(), "`as_of` must be YYYY-MM-DD"))?,
                )
            }
        };
        let horizon_years = self
            .get(run_table, "horizon_years")
            .map(|value| self.integer(value, (1, 50)))
            .transpose()?
            .unwrap_or(15) as u32;
        let step = self.choice(
            run_table,
            "step",
            &[("quarter", Step::Quarter), ("year", Step::Year)],
            Step::Quarter,
        )?;
        let monte_carlo = self.choice(
            run_table,
            "engine",
            &[("monte_carlo", true), ("deterministic", false)],
            true,
        )?;
        let runs = self
            .get(run_table, "runs")
            .map(|value| self.integer(value, (0, 1_000_000)))
            .transpose()?
            .unwrap_or(1000) as u32;
        let seed = self
            .get(run_table, "seed")
            .map(|value| self.integer(value, (0, i64::MAX)))
            .transpose()?
            .unwrap_or(0) as u64;
        let mut percentiles = vec![10u32, 50, 90];
        if let Some(value) = self.get(run_table, "percentiles") {
            let DeValue::Array(items) = value.get_ref() else {
                return Err(self.err(value.span(), "`percentiles` must be a list"));
            };
            for item in items.iter() {
                percentiles.push(self.integer(item, (1, 99))? as u32);
            }
        }
        percentiles.sort_unstable();
        percentiles.dedup();
        let los_basis = self.choice(
            run_table,
            "los_basis",
            &[
                ("employer", LosBasis::Employer),
                ("sector", LosBasis::Sector),
            ],
            LosBasis::Employer,
        )?;
        let price_base_year = self
            .get(run_table, "price_base_year")
            .map(|value| self.integer(value, (1900, 2200)))
            .transpose()?
            .map(|year| year as i32);

        let data_table = self
            .section(
                root,
                "data",
                &["source", "tables", "population_variant", "base_total"],
            )?
            .unwrap_or(&empty);
        let source = self.choice(
            data_table,
            "source",
            &[
                ("store", DataSource::Store),
                ("reference", DataSource::Reference),
            ],
            DataSource::Store,
        )?;
        let mut tables = Vec::new();
        if let Some(value) = self.get(data_table, "tables") {
            let DeValue::Table(inner) = value.get_ref() else {
                return Err(self.err(value.span(), "`tables` must be a table of name = path"));
            };
            for (key, path) in inner.iter() {
                if !crate::tables::TABLE_NAMES.contains(&key.get_ref().as_ref()) {
                    return Err(self.err(
                        key.span(),
                        format!(
                            "unknown table (one of {})",
                            crate::tables::TABLE_NAMES.join(", ")
                        ),
                    ));
                }
                let path_text = self.string(path)?;
                tables.push((
                    key.get_ref().to_string(),
                    path_text,
                    self.err(path.span(), "table file"),
                ));
            }
        }
        let data = DataSettings {
            source,
            tables,
            population_variant: self
                .opt_string(data_table, "population_variant")?
                .unwrap_or_else(|| "principal".to_string()),
            base_total: self.opt_float(data_table, "base_total", (0.0, 1e9))?,
        };

        let demand_table = self
            .section(
                root,
                "demand",
                &[
                    "mode",
                    "ratios",
                    "base",
                    "base_posts",
                    "simple_group",
                    "frictional_vacancy_rate",
                ],
            )?
            .unwrap_or(&empty);
        let demand = DemandSettings {
            mode: self.choice(
                demand_table,
                "mode",
                &[
                    ("need", DemandMode::Need),
                    ("simple", DemandMode::Simple),
                    ("fixed", DemandMode::Fixed),
                ],
                DemandMode::Need,
            )?,
            ratios: self.choice(
                demand_table,
                "ratios",
                &[
                    ("calibrated", Ratios::Calibrated),
                    ("explicit", Ratios::Explicit),
                ],
                Ratios::Calibrated,
            )?,
            base: self.choice(
                demand_table,
                "base",
                &[("total", BaseKind::Total), ("filled", BaseKind::Filled)],
                BaseKind::Total,
            )?,
            base_posts: self.opt_float(demand_table, "base_posts", (0.0, 1e9))?,
            simple_group: self.choice(
                demand_table,
                "simple_group",
                &[
                    ("18+", SimpleGroup::Age18Plus),
                    ("65+", SimpleGroup::Age65Plus),
                    ("75+", SimpleGroup::Age75Plus),
                    ("85+", SimpleGroup::Age85Plus),
                ],
                SimpleGroup::Age65Plus,
            )?,
            frictional_vacancy_rate: self.number_or(
                demand_table,
                "frictional_vacancy_rate",
                (0.0, 0.5),
                0.0,
            )?,
        };

        let supply_table = self
            .section(
                root,
                "supply",
                &[
                    "recruitment",
                    "within_sector",
                    "exit_age_band",
                    "prior_events",
                    "prior_leavers",
                ],
            )?
            .unwrap_or(&empty);
        let within_sector = match self.get(supply_table, "within_sector") {
            None => None,
            Some(_) => Some(self.choice(
                supply_table,
                "within_sector",
                &[
                    ("trend", WithinSector::Trend),
                    ("recycled", WithinSector::Recycled),
                ],
                WithinSector::Trend,
            )?),
        };
        let exit_age_band = match self.get(supply_table, "exit_age_band") {
            None => 7,
            Some(value) => self.name_in(value, &AGE_BANDS, "age band")?,
        };
        let supply = SupplySettings {
            recruitment: self.choice(
                supply_table,
                "recruitment",
                &[
                    ("trend_count", Recruitment::TrendCount),
                    ("fill_to_demand", Recruitment::FillToDemand),
                ],
                Recruitment::TrendCount,
            )?,
            within_sector,
            exit_age_band,
            prior_events: self
                .opt_float(supply_table, "prior_events", (0.0, 1e6))?
                .unwrap_or(5.0),
            prior_leavers: self
                .opt_float(supply_table, "prior_leavers", (0.0, 1e12))?
                .unwrap_or(10.0),
        };

        let cost_table = self
            .section(
                root,
                "costs",
                &[
                    "cost_per_hire",
                    "international_extra",
                    "internal_move",
                    "induction_per_entrant",
                    "training_per_head",
                    "qualification_unit_cost",
                    "on_cost_rate",
                    "pay_uprating",
                    "inflation",
                    "discount_rate",
                ],
            )?
            .unwrap_or(&empty);
        let money = (0.0, 1e9);
        let costs = CostSettings {
            cost_per_hire: self.number_or(cost_table, "cost_per_hire", money, 3600.0)?,
            international_extra: self.number_or(cost_table, "international_extra", money, 0.0)?,
            internal_move: self.number_or(cost_table, "internal_move", money, 0.0)?,
            induction_per_entrant: self.number_or(
                cost_table,
                "induction_per_entrant",
                money,
                980.0,
            )?,
            training_per_head: self.opt_number(cost_table, "training_per_head", money)?,
            qualification_unit_cost: self.number_or(
                cost_table,
                "qualification_unit_cost",
                money,
                1540.0,
            )?,
            on_cost_rate: self.number_or(cost_table, "on_cost_rate", (0.0, 5.0), 0.0)?,
            pay_uprating: self.number_or(cost_table, "pay_uprating", (0.0, 100.0), 1.0)?,
            inflation: self.number_or(cost_table, "inflation", (0.001, 100.0), 1.0)?,
            discount_rate: self.number_or(cost_table, "discount_rate", (-0.5, 1.0), 0.035)?,
        };

        let uncertainty_table = self
            .section(
                root,
                "uncertainty",
                &["hazards", "calibration", "prevalence", "shares"],
            )?
            .unwrap_or(&empty);
        let uncertainty = UncertaintySettings {
            hazards: self.boolean(uncertainty_table, "hazards", true)?,
            calibration: self.boolean(uncertainty_table, "calibration", true)?,
            prevalence: self.boolean(uncertainty_table, "prevalence", true)?,
            shares: self.boolean(uncertainty_table, "shares", true)?,
        };

        let risk_table = self
            .section(
                root,
                "risk",
                &["gap_threshold", "likelihood_cuts", "impact_cuts", "rows"],
            )?
            .unwrap_or(&empty);
        let cuts = |key: &str, default: [f64; 4]| -> Result<[f64; 4], InputError> {
            let Some(value) = self.get(risk_table, key) else {
                return Ok(default);
            };
            let DeValue::Array(items) = value.get_ref() else {
                return Err(self.err(value.span(), format!("`{key}` must be a list of 4 numbers")));
            };
            let numbers: Vec<f64> = items
                .iter()
                .map(|item| self.float(item))
                .collect::<Result<_, _>>()?;
            let array: [f64; 4] = numbers.clone().try_into().map_err(|_| {
                self.err(value.span(), format!("`{key}` must be a list of 4 numbers"))
            })?;
            if numbers.windows(2).any(|pair| pair[0] > pair[1]) {
                return Err(self.err(value.span(), format!("`{key}` must be ascending")));
            }
            Ok(array)
        };
        if let Some(value) = self.get(risk_table, "rows") {
            let text = self.string(value)?;
            if text != "role_group" {
                return Err(self.err(value.span(), "`rows` supports only \"role_group\""));
            }
        }
        let risk = RiskSettings {
            gap_threshold: self
                .opt_float(risk_table, "gap_threshold", (-1.0, 1.0))?
                .unwrap_or(0.10),
            likelihood_cuts: cuts("likelihood_cuts", [0.05, 0.2, 0.5, 0.8])?,
            impact_cuts: cuts("impact_cuts", [0.025, 0.05, 0.10, 0.15])?,
        };

        let output_table = self
            .section(root, "output", &["group_by", "audience"])?
            .unwrap_or(&empty);
        let group_by = match self.get(output_table, "group_by") {
            None => vec![GroupDim::RoleGroup, GroupDim::Setting],
            Some(value) => {
                let DeValue::Array(items) = value.get_ref() else {
                    return Err(self.err(value.span(), "`group_by` must be a list"));
                };
                let mut dims = Vec::new();
                for item in items.iter() {
                    let dim = match self.string(item)?.as_str() {
                        "role_group" => GroupDim::RoleGroup,
                        "setting" => GroupDim::Setting,
                        "sector" => GroupDim::Sector,
                        _ => {
                            return Err(self.err(
                                item.span(),
                                "`group_by` values are role_group, setting, sector",
                            ));
                        }
                    };
                    if !dims.contains(&dim) {
                        dims.push(dim);
                    }
                }
                dims
            }
        };
        let output = OutputSettings {
            group_by,
            audience: self.choice(
                output_table,
                "audience",
                &[
                    ("employer", Audience::Employer),
                    ("commissioner", Audience::Commissioner),
                ],
                Audience::Employer,
            )?,
        };

        let levers = self.levers(self.get(root, "lever"))?;
        let mut variants: Vec<Variant> = Vec::new();
        if let Some(value) = self.get(root, "variant") {
            let DeValue::Array(items) = value.get_ref() else {
                return Err(self.err(value.span(), "`variant` must be a list of tables"));
            };
            for item in items.iter() {
                let DeValue::Table(table) = item.get_ref() else {
                    return Err(self.err(item.span(), "a variant must be a table"));
                };
                self.check_keys(
                    table,
                    &["name", "description", "population_variant", "lever"],
                    "a variant",
                )?;
                let name_value = self.required(table, "name", &item.span(), "a variant")?;
                let variant_name = self.string(name_value)?;
                if variant_name == "baseline"
                    || variants
                        .iter()
                        .any(|existing| existing.name == variant_name)
                {
                    return Err(self.err(
                        name_value.span(),
                        "variant names must be unique and not `baseline`",
                    ));
                }
                variants.push(Variant {
                    name: variant_name,
                    description: self.opt_string(table, "description")?.unwrap_or_default(),
                    population_variant: self.opt_string(table, "population_variant")?,
                    levers: self.levers(self.get(table, "lever"))?,
                });
            }
        }

        Ok(Scenario {
            file: self.file.to_string(),
            sha256: crate::hash::sha256_hex(self.text.as_bytes()),
            name,
            description,
            run: RunSettings {
                area,
                as_of,
                horizon_years,
                step,
                monte_carlo,
                runs,
                seed,
                percentiles,
                los_basis,
                price_base_year,
            },
            data,
            demand,
            supply,
            costs,
            uncertainty,
            risk,
            output,
            levers,
            variants,
        })
    }
}
