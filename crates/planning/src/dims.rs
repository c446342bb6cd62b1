//! The model's dimensions (`planning.md` §2): role group, setting, sector, age band and length
//! of service band, each as a fixed list of names in §2 order. Indices into these lists are the
//! engine's coordinates.

/// Role groups g (`metrics.md` §1.1), in §2 order.
pub const ROLE_GROUPS: [&str; 4] = ["direct_care", "manager", "regulated", "other"];
/// Settings s, in §2 order.
pub const SETTINGS: [&str; 7] = [
    "care_home_nursing",
    "care_home",
    "domiciliary",
    "supported_living",
    "day_community",
    "other",
    "personal_assistant",
];
/// Sectors e, in §2 order.
pub const SECTORS: [&str; 3] = ["local_authority", "independent", "direct_payment"];
/// Age bands a, in §2 order.
pub const AGE_BANDS: [&str; 9] = [
    "<20", "20-24", "25-34", "35-44", "45-54", "55-59", "60-64", "65-67", "68+",
];
/// Width of each age band in years (the last absorbs; `<20` is aged as 16–19).
pub const AGE_WIDTHS: [f64; 9] = [4.0, 5.0, 10.0, 10.0, 10.0, 5.0, 5.0, 3.0, f64::INFINITY];
/// Length of service bands b, in §2 order.
pub const LOS_BANDS: [&str; 8] = [
    "0-3m", "3-6m", "6-12m", "1-2y", "2-5y", "5-10y", "10-20y", "20y+",
];
/// Lower edge of each LOS band in years (the upper edge is the next lower edge; the last is open).
pub const LOS_EDGES: [f64; 8] = [0.0, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0];
/// Joiner sources (§4), in output order.
pub const SOURCES: [&str; 8] = [
    "within_sector",
    "health",
    "other_care",
    "new_entrant",
    "agency",
    "other_sector",
    "international",
    "pipeline",
];
/// Leaver destinations (§4), in output order.
pub const DESTINATIONS: [&str; 4] = ["within_sector", "health", "other_sector", "unknown"];

/// Index of the personal assistant setting.
pub const PA_SETTING: usize = 6;
/// Index of the domiciliary setting.
pub const DOM_SETTING: usize = 2;
/// Index of the direct-payment sector.
pub const DP_SECTOR: usize = 2;
/// Index of the direct-care role group.
pub const DIRECT_CARE: usize = 0;
/// Index of the international source.
pub const INTERNATIONAL: usize = 6;
/// Index of the within-sector source.
pub const WITHIN_SECTOR: usize = 0;
/// Index of the pipeline source.
pub const PIPELINE: usize = 7;

/// Looks a name up in a dimension list.
pub fn index_of(list: &[&str], name: &str) -> Option<usize> {
    list.iter().position(|candidate| *candidate == name)
}

/// Age band of an age in whole years (16–19 and younger count as `<20`).
pub fn age_band_of(age_years: f64) -> usize {
    match age_years {
        a if a < 20.0 => 0,
        a if a < 25.0 => 1,
        a if a < 35.0 => 2,
        a if a < 45.0 => 3,
        a if a < 55.0 => 4,
        a if a < 60.0 => 5,
        a if a < 65.0 => 6,
        a if a < 68.0 => 7,
        _ => 8,
    }
}

/// LOS band of a length of service in years.
pub fn los_band_of(years: f64) -> usize {
    LOS_EDGES
        .iter()
        .rposition(|edge| years >= *edge)
        .unwrap_or(0)
}

/// Time step of the stock-flow (§2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Quarterly steps (default).
    Quarter,
    /// Annual steps.
    Year,
}

impl Step {
    /// Step length Δ in years.
    pub fn years(self) -> f64 {
        match self {
            Step::Quarter => 0.25,
            Step::Year => 1.0,
        }
    }
    /// Steps per year.
    pub fn per_year(self) -> usize {
        match self {
            Step::Quarter => 4,
            Step::Year => 1,
        }
    }
    /// Name as written in scenarios and output.
    pub fn name(self) -> &'static str {
        match self {
            Step::Quarter => "quarter",
            Step::Year => "year",
        }
    }
}

/// The engine's LOS states for a step length (§2: LOS under 2 years has one state per step,
/// longer bands are wide states).
#[derive(Debug, Clone)]
pub struct LosStates {
    /// Lower edge of each state in years.
    pub lower: Vec<f64>,
    /// Upper edge of each state in years (infinite for the last).
    pub upper: Vec<f64>,
    /// Probability per step of passing to the next state (1 for one-step states, 1/W for wide
    /// states, 0 for the absorbing last state).
    pub advance: Vec<f64>,
}

impl LosStates {
    /// States for a step.
    pub fn new(step: Step) -> LosStates {
        let delta = step.years();
        let mut lower = Vec::new();
        let mut upper = Vec::new();
        let mut advance = Vec::new();
        let short_states = (2.0 / delta).round() as usize;
        for index in 0..short_states {
            lower.push(index as f64 * delta);
            upper.push((index + 1) as f64 * delta);
            advance.push(1.0);
        }
        for (low, high) in [(2.0, 5.0), (5.0, 10.0), (10.0, 20.0)] {
            lower.push(low);
            upper.push(high);
            advance.push(delta / (high - low));
        }
        lower.push(20.0);
        upper.push(f64::INFINITY);
        advance.push(0.0);
        LosStates {
            lower,
            upper,
            advance,
        }
    }
    /// Number of states.
    pub fn len(&self) -> usize {
        self.lower.len()
    }
    /// Whether there are no states (never).
    pub fn is_empty(&self) -> bool {
        self.lower.is_empty()
    }
    /// The state a length of service in years falls in.
    pub fn state_of(&self, years: f64) -> usize {
        self.lower
            .iter()
            .rposition(|edge| years >= *edge)
            .unwrap_or(0)
    }
    /// Width-weighted mean of per-band values over a state (§2: a state spanning several bands
    /// takes their width-weighted mean hazard).
    pub fn band_mean(&self, state: usize, band_values: &[f64; 8]) -> f64 {
        let (Some(low), Some(high)) = (self.lower.get(state), self.upper.get(state)) else {
            return 0.0;
        };
        if high.is_infinite() {
            return band_values[7];
        }
        let mut total = 0.0;
        for band in 0..8 {
            let band_low = LOS_EDGES[band];
            let band_high = LOS_EDGES.get(band + 1).copied().unwrap_or(f64::INFINITY);
            let overlap = high.min(band_high) - low.max(band_low);
            if overlap > 0.0 {
                total += overlap * band_values[band];
            }
        }
        total / (high - low)
    }
    /// Whether the state lies wholly at or above `years` of service.
    pub fn at_least(&self, state: usize, years: f64) -> bool {
        self.lower
            .get(state)
            .is_some_and(|low| *low >= years - 1e-12)
    }
}
