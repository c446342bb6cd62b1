//! The training needs analysis (§6): learner places by topic and level from gaps, expiries and
//! projected starters, costed from unit costs.

use std::collections::BTreeMap;

use time::Date;

use crate::catalogue::{Catalogue, SourceStatus, TopicKind, check_level};
use crate::codes::{role_group, service_group};
use crate::date::add_months;
use crate::facts::StaffFacts;
use crate::message::{Message, MessageCode, has_errors};
use crate::profile::{Profile, RowClass};
use crate::status::{Detail, StaffStatus, Status};
use crate::table;

const UNIT_COSTS: &str = include_str!("../data/unit-costs.csv");

/// The shipped unit costs' CSV text (§6).
pub fn shipped_unit_costs_text() -> &'static str {
    UNIT_COSTS
}
const UNIT_COSTS_HEADER: &[&str] = &[
    "topic",
    "level",
    "delivery",
    "cost_per_place",
    "cohort_size",
    "cost_per_cohort",
    "learner_hours",
    "source",
    "status",
];

/// The topic of the unit-cost row that prices any other training topic.
pub const ANY_OTHER_TRAINING: &str = "*";

/// Where a unit cost comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostOrigin {
    Shipped,
    /// Stored for the area with `compliance costs set`.
    Area,
    /// `--costs FILE`.
    File,
}

impl CostOrigin {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            CostOrigin::Shipped => "shipped",
            CostOrigin::Area => "area",
            CostOrigin::File => "file",
        }
    }
}

/// A row of `unit-costs.csv` (§6).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitCost {
    /// A topic, or `*` for any other training topic.
    pub topic: String,
    /// `None` = all levels.
    pub level: Option<String>,
    pub delivery: String,
    pub cost_per_place: f64,
    pub cohort_size: Option<u32>,
    pub cost_per_cohort: f64,
    pub learner_hours: Option<f64>,
    pub source: String,
    pub status: SourceStatus,
    pub origin: CostOrigin,
}

/// Parses a unit-costs file (§6, checked as §10).
pub fn parse_unit_costs(
    catalogue: &Catalogue,
    file: &str,
    text: &str,
    origin: CostOrigin,
) -> Result<Vec<UnitCost>, Vec<Message>> {
    let rows = table::read(file, text, UNIT_COSTS_HEADER).map_err(|message| vec![message])?;
    let mut messages = Vec::new();
    let mut costs: Vec<UnitCost> = Vec::new();
    for row in &rows {
        let before = messages.len();
        let topic = row.get(0);
        if topic != ANY_OTHER_TRAINING {
            if catalogue.topic(topic).is_none() {
                messages.push(Message::new(
                    file,
                    row.line,
                    "topic",
                    topic,
                    MessageCode::UnknownTopic,
                    "no such topic in the catalogue",
                ));
            } else {
                check_level(
                    catalogue,
                    file,
                    row.line,
                    "level",
                    topic,
                    row.get(1),
                    &mut messages,
                );
            }
        }
        let mut amount = |index: usize, column: &str, required: bool| -> Option<f64> {
            let text = row.get(index);
            if text.is_empty() {
                if required {
                    messages.push(Message::new(
                        file,
                        row.line,
                        column,
                        text,
                        MessageCode::MissingValue,
                        format!("{column} is required"),
                    ));
                }
                return None;
            }
            match text.parse::<f64>() {
                Ok(value) if value.is_finite() && value >= 0.0 => Some(value),
                Ok(_) => {
                    messages.push(Message::new(
                        file,
                        row.line,
                        column,
                        text,
                        MessageCode::OutOfRange,
                        format!("{column} must not be negative"),
                    ));
                    None
                }
                Err(_) => {
                    messages.push(Message::new(
                        file,
                        row.line,
                        column,
                        text,
                        MessageCode::NotANumber,
                        format!("{column} must be a number"),
                    ));
                    None
                }
            }
        };
        let cost_per_place = amount(3, "cost_per_place", false).unwrap_or(0.0);
        let cohort_size = amount(4, "cohort_size", false);
        let cost_per_cohort = amount(5, "cost_per_cohort", false).unwrap_or(0.0);
        let learner_hours = amount(6, "learner_hours", false);
        if cohort_size.is_some_and(|size| size < 1.0 || size.fract() != 0.0) {
            messages.push(Message::new(
                file,
                row.line,
                "cohort_size",
                row.get(4),
                MessageCode::OutOfRange,
                "cohort_size must be a whole number of at least 1",
            ));
        }
        if cost_per_cohort > 0.0 && cohort_size.is_none() {
            messages.push(Message::new(
                file,
                row.line,
                "cohort_size",
                "",
                MessageCode::MissingValue,
                "a cost per cohort needs a cohort size",
            ));
        }
        let status = SourceStatus::parse(row.get(8));
        if status.is_none() {
            messages.push(Message::new(
                file,
                row.line,
                "status",
                row.get(8),
                MessageCode::BadValue,
                "status must be published, secondary, configurable_default, unverified or illustrative",
            ));
        }
        let level = Some(row.get(1).to_owned()).filter(|level| !level.is_empty());
        if costs
            .iter()
            .any(|cost| cost.topic == topic && cost.level == level)
        {
            messages.push(Message::new(
                file,
                row.line,
                "topic",
                topic,
                MessageCode::DuplicateId,
                "this topic and level are priced twice",
            ));
        }
        let (Some(status), true) = (status, messages.len() == before) else {
            continue;
        };
        costs.push(UnitCost {
            topic: topic.to_owned(),
            level,
            delivery: row.get(2).to_owned(),
            cost_per_place,
            cohort_size: cohort_size.map(|size| size as u32),
            cost_per_cohort,
            learner_hours,
            source: row.get(7).to_owned(),
            status,
            origin,
        });
    }
    if has_errors(&messages) {
        Err(messages)
    } else {
        Ok(costs)
    }
}

/// The unit costs in use: shipped rows replaced by (topic, level) by area or file rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnitCosts {
    rows: Vec<UnitCost>,
}

impl UnitCosts {
    /// The shipped, illustrative unit costs.
    pub fn shipped() -> UnitCosts {
        UnitCosts {
            rows: parse_unit_costs(
                Catalogue::shipped(),
                "unit-costs.csv",
                UNIT_COSTS,
                CostOrigin::Shipped,
            )
            .unwrap_or_default(),
        }
    }

    /// Replaces rows by (topic, level) and adds new ones.
    pub fn with_overrides(mut self, overrides: Vec<UnitCost>) -> UnitCosts {
        for cost in overrides {
            self.rows
                .retain(|existing| !(existing.topic == cost.topic && existing.level == cost.level));
            self.rows.push(cost);
        }
        self
    }

    /// Every row.
    pub fn rows(&self) -> &[UnitCost] {
        &self.rows
    }

    /// The row pricing a (topic, level): exact, then the topic's all-levels row, then `*` for a
    /// training topic.
    pub fn lookup(
        &self,
        catalogue: &Catalogue,
        topic: &str,
        level: Option<&str>,
    ) -> Option<&UnitCost> {
        let exact = self
            .rows
            .iter()
            .find(|cost| cost.topic == topic && cost.level.as_deref() == level && level.is_some());
        let all_levels = || {
            self.rows
                .iter()
                .find(|cost| cost.topic == topic && cost.level.is_none())
        };
        let fallback = || {
            let training = catalogue
                .topic(topic)
                .is_some_and(|found| found.kind == TopicKind::Training);
            self.rows
                .iter()
                .find(|cost| training && cost.topic == ANY_OTHER_TRAINING)
        };
        exact.or_else(all_levels).or_else(fallback)
    }
}

/// Where a role group's starters rate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateOrigin {
    Area,
    Region,
    England,
}

impl RateOrigin {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RateOrigin::Area => "area",
            RateOrigin::Region => "region",
            RateOrigin::England => "england",
        }
    }
}

/// A role group's `starters_rate` (`metrics.md` §3), already resolved area → region → England.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StartersRate {
    pub value: f64,
    pub from: RateOrigin,
}

/// Where starters come from (§6).
#[derive(Debug, Clone, PartialEq)]
pub enum StartersSource {
    /// Per role group rates.
    Rates(BTreeMap<String, StartersRate>),
    /// A saved projection run: per role group, starters in years 1, 2, … (P50, or `det`).
    Projection {
        run: String,
        stat: String,
        as_of: Date,
        yearly: BTreeMap<String, Vec<f64>>,
    },
}

/// One TNA request.
#[derive(Debug, Clone, Copy)]
pub struct TnaRequest<'a> {
    pub area: &'a str,
    pub as_of: Date,
    pub horizon_months: u16,
    pub include_agency: bool,
    pub starters: &'a StartersSource,
    pub unit_costs: &'a UnitCosts,
    pub catalogue: &'a Catalogue,
    pub profile: &'a Profile,
}

/// A bad request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TnaError {
    #[error("the horizon must be 1 to 60 months, not {0}")]
    Horizon(u16),
}

/// The components of a row (§6).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Components {
    pub missing: u64,
    pub expired: u64,
    pub due_new: u64,
    pub expiring_in_horizon: u64,
    /// ⌈Σ s⌉.
    pub starters: u64,
    /// Σ s before rounding up.
    pub starters_exact: f64,
    /// Under way, reported, not counted.
    pub in_progress: u64,
}

impl Components {
    /// missing + expired + due_new + expiring_in_horizon + starters.
    pub fn places(&self) -> u64 {
        self.missing + self.expired + self.due_new + self.expiring_in_horizon + self.starters
    }

    fn add(&mut self, other: &Components) {
        self.missing += other.missing;
        self.expired += other.expired;
        self.due_new += other.due_new;
        self.expiring_in_horizon += other.expiring_in_horizon;
        self.starters += other.starters;
        self.starters_exact += other.starters_exact;
        self.in_progress += other.in_progress;
    }
}

/// One costed row: a (topic, level), optionally within a service or role group.
#[derive(Debug, Clone, PartialEq)]
pub struct TnaRow {
    /// The service group or role group of a breakdown row.
    pub group: Option<String>,
    pub topic: String,
    pub level: Option<String>,
    pub class: RowClass,
    pub delivery: Option<String>,
    pub components: Components,
    pub places: u64,
    pub cohorts: u64,
    /// `None` when no unit cost prices the row.
    pub cost: Option<f64>,
    pub hours: Option<f64>,
    /// The unit cost used.
    pub unit_cost: Option<UnitCost>,
}

/// Totals over rows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TnaTotals {
    pub components: Components,
    pub places: u64,
    pub cohorts: u64,
    pub cost: f64,
    pub hours: f64,
}

/// The training needs analysis of an area.
#[derive(Debug, Clone, PartialEq)]
pub struct Tna {
    pub area: String,
    pub as_of: Date,
    pub horizon_months: u16,
    /// T = add_months(D, H); the horizon is D … T − 1.
    pub horizon_end: Date,
    pub rows: Vec<TnaRow>,
    pub by_service_group: Vec<TnaRow>,
    pub by_role_group: Vec<TnaRow>,
    pub totals: TnaTotals,
    pub warnings: Vec<String>,
    /// Whether an illustrative unit cost was used (outputs open with a notice).
    pub illustrative_costs_used: bool,
}

type Key = (Option<String>, String, Option<String>);

#[derive(Default)]
struct Accumulator {
    rows: BTreeMap<Key, (Components, RowClass)>,
    order: Vec<Key>,
}

impl Accumulator {
    fn entry(&mut self, key: Key, class: RowClass) -> &mut Components {
        if !self.rows.contains_key(&key) {
            self.order.push(key.clone());
        }
        let entry = self
            .rows
            .entry(key)
            .or_insert((Components::default(), class));
        entry.1 = stronger(entry.1, class);
        &mut entry.0
    }
}

fn stronger(left: RowClass, right: RowClass) -> RowClass {
    let rank = |class: RowClass| match class {
        RowClass::Statutory => 2,
        RowClass::Local => 1,
        RowClass::Recommended => 0,
    };
    if rank(right) > rank(left) {
        right
    } else {
        left
    }
}

fn counted_kind(catalogue: &Catalogue, topic: &str) -> bool {
    catalogue.topic(topic).is_some_and(|found| {
        matches!(
            found.kind,
            TopicKind::Training | TopicKind::Induction | TopicKind::Qualification
        )
    })
}

/// The (topic, required level, class) a staff record of this role at this workplace would require,
/// grace and exemptions ignored (§6 starters).
fn required_topics(
    request: &TnaRequest<'_>,
    job_role: u16,
    workplace: &StaffFacts,
) -> Vec<(String, Option<String>, RowClass)> {
    let catalogue = request.catalogue;
    let mut topics: Vec<(String, Option<u8>, RowClass)> = Vec::new();
    for row in request.profile.rows() {
        if !row.applies_to(job_role, workplace.main_service, &workplace.service_users)
            || !counted_kind(catalogue, &row.topic)
        {
            continue;
        }
        let ordinal = row
            .level
            .as_deref()
            .and_then(|level| catalogue.level_ordinal(&row.topic, level));
        match topics.iter_mut().find(|(topic, _, _)| *topic == row.topic) {
            Some(entry) => {
                entry.1 = entry.1.max(ordinal);
                entry.2 = stronger(entry.2, row.class);
            }
            None => topics.push((row.topic.clone(), ordinal, row.class)),
        }
    }
    topics
        .into_iter()
        .map(|(topic, ordinal, class)| {
            let level = ordinal
                .and_then(|ordinal| catalogue.level_by_ordinal(&topic, ordinal))
                .map(|level| level.level.clone());
            (topic, level, class)
        })
        .collect()
}

/// The TNA of an area (§6) from the statuses at D of the staff records at its workplaces.
pub fn training_needs(request: &TnaRequest<'_>, statuses: &[StaffStatus]) -> Result<Tna, TnaError> {
    let horizon = request.horizon_months;
    if !(1..=60).contains(&horizon) {
        return Err(TnaError::Horizon(horizon));
    }
    let catalogue = request.catalogue;
    let horizon_end = add_months(request.as_of, i32::from(horizon));
    let mut warnings = Vec::new();
    let mut overall = Accumulator::default();
    let mut by_service = Accumulator::default();
    let mut by_role = Accumulator::default();
    let mut starters_exact: BTreeMap<Key, f64> = BTreeMap::new();

    for status in statuses {
        let staff = &status.staff;
        if staff.agency() && !request.include_agency {
            continue;
        }
        let service = service_group(staff.main_service).to_owned();
        let role = role_group(staff.job_role).to_owned();
        for pair in status
            .pairs
            .iter()
            .filter(|pair| counted_kind(catalogue, &pair.topic))
        {
            let mut component = Components::default();
            let in_progress = pair.detail == Some(Detail::InProgress);
            match pair.status {
                Status::Missing | Status::Expired | Status::NotYetDue if in_progress => {
                    component.in_progress = 1
                }
                Status::Missing => component.missing = 1,
                Status::Expired => component.expired = 1,
                Status::NotYetDue => component.due_new = 1,
                Status::Valid | Status::Expiring
                    if pair.expires_on.is_some_and(|expires| expires < horizon_end) =>
                {
                    component.expiring_in_horizon = 1;
                }
                _ => continue,
            }
            for (accumulator, group) in [
                (&mut overall, None),
                (&mut by_service, Some(service.clone())),
                (&mut by_role, Some(role.clone())),
            ] {
                accumulator
                    .entry((group, pair.topic.clone(), pair.level.clone()), pair.class)
                    .add(&component);
            }
        }
    }

    // Starters: cells (workplace, job role) of directly employed records.
    let mut cells: BTreeMap<(String, u16), (u64, &StaffFacts)> = BTreeMap::new();
    for status in statuses
        .iter()
        .filter(|status| status.staff.directly_employed())
    {
        let entry = cells
            .entry((status.staff.workplace.clone(), status.staff.job_role))
            .or_insert((0, &status.staff));
        entry.0 += 1;
    }
    let years_fraction = f64::from(horizon) / 12.0;
    let group_totals: BTreeMap<String, u64> =
        cells
            .iter()
            .fold(BTreeMap::new(), |mut totals, ((_, role), (count, _))| {
                *totals.entry(role_group(*role).to_owned()).or_insert(0) += count;
                totals
            });
    if let StartersSource::Projection { as_of, run, .. } = request.starters
        && *as_of != request.as_of
    {
        warnings.push(format!(
            "projection_base_differs: run {run} is as of {as_of}, the analysis as of {}",
            request.as_of
        ));
    }
    for ((_, role), (count, workplace)) in &cells {
        let group = role_group(*role);
        let starters = match request.starters {
            StartersSource::Rates(rates) => match rates.get(group) {
                Some(rate) => *count as f64 * rate.value * years_fraction,
                None => {
                    let warning = format!("no_starters_rate: role group {group}");
                    if !warnings.contains(&warning) {
                        warnings.push(warning);
                    }
                    0.0
                }
            },
            StartersSource::Projection { yearly, .. } => {
                let years = yearly.get(group).map(Vec::as_slice).unwrap_or(&[]);
                let whole_years = usize::from(horizon.div_ceil(12));
                let mut total = 0.0;
                for (index, value) in years.iter().take(whole_years).enumerate() {
                    let months_in_year = (i64::from(horizon) - 12 * index as i64).clamp(0, 12);
                    total += value * months_in_year as f64 / 12.0;
                }
                let share = group_totals.get(group).copied().unwrap_or(0);
                if share == 0 {
                    0.0
                } else {
                    total * *count as f64 / share as f64
                }
            }
        };
        if starters <= 0.0 {
            continue;
        }
        let service = service_group(workplace.main_service).to_owned();
        for (topic, level, class) in required_topics(request, *role, workplace) {
            for (accumulator, group) in [
                (&mut overall, None),
                (&mut by_service, Some(service.clone())),
                (&mut by_role, Some(group.to_owned())),
            ] {
                let key = (group, topic.clone(), level.clone());
                accumulator.entry(key.clone(), class);
                *starters_exact.entry(key).or_insert(0.0) += starters;
            }
        }
    }

    let mut illustrative_costs_used = false;
    let mut finish = |accumulator: Accumulator| -> Vec<TnaRow> {
        let mut rows: Vec<TnaRow> = accumulator
            .order
            .iter()
            .filter_map(|key| {
                let (mut components, class) = *accumulator.rows.get(key)?;
                let exact = starters_exact.get(key).copied().unwrap_or(0.0);
                components.starters_exact = exact;
                // Rounded to 9 decimals first so that 7.5000000001 from float sums is not 8.
                components.starters = ((exact * 1e9).round() / 1e9).ceil() as u64;
                let places = components.places();
                let unit_cost = request
                    .unit_costs
                    .lookup(catalogue, &key.1, key.2.as_deref())
                    .cloned();
                let cohorts = unit_cost
                    .as_ref()
                    .and_then(|cost| cost.cohort_size)
                    .map(|size| places.div_ceil(u64::from(size.max(1))))
                    .unwrap_or(0);
                let cost = unit_cost.as_ref().map(|cost| {
                    places as f64 * cost.cost_per_place + cohorts as f64 * cost.cost_per_cohort
                });
                let hours = unit_cost
                    .as_ref()
                    .map(|cost| places as f64 * cost.learner_hours.unwrap_or(0.0));
                if places > 0
                    && unit_cost
                        .as_ref()
                        .is_some_and(|cost| cost.status == SourceStatus::Illustrative)
                {
                    illustrative_costs_used = true;
                }
                Some(TnaRow {
                    group: key.0.clone(),
                    topic: key.1.clone(),
                    level: key.2.clone(),
                    class,
                    delivery: unit_cost.as_ref().map(|cost| cost.delivery.clone()),
                    components,
                    places,
                    cohorts,
                    cost,
                    hours,
                    unit_cost,
                })
            })
            .collect();
        rows.sort_by(|left, right| {
            (left.group.clone(), left.class != RowClass::Statutory)
                .cmp(&(right.group.clone(), right.class != RowClass::Statutory))
                .then_with(|| {
                    right
                        .cost
                        .unwrap_or(0.0)
                        .total_cmp(&left.cost.unwrap_or(0.0))
                })
                .then_with(|| left.topic.cmp(&right.topic))
                .then_with(|| left.level.cmp(&right.level))
        });
        rows
    };
    let rows = finish(overall);
    let by_service_group = finish(by_service);
    let by_role_group = finish(by_role);
    let mut totals = TnaTotals::default();
    for row in &rows {
        totals.components.add(&row.components);
        totals.places += row.places;
        totals.cohorts += row.cohorts;
        totals.cost += row.cost.unwrap_or(0.0);
        totals.hours += row.hours.unwrap_or(0.0);
        if row.places > 0 && row.unit_cost.is_none() {
            warnings.push(
                format!(
                    "no_unit_cost: {} {}",
                    row.topic,
                    row.level.as_deref().unwrap_or("")
                )
                .trim_end()
                .to_owned(),
            );
        }
    }
    Ok(Tna {
        area: request.area.to_owned(),
        as_of: request.as_of,
        horizon_months: horizon,
        horizon_end,
        rows,
        by_service_group,
        by_role_group,
        totals,
        warnings,
        illustrative_costs_used,
    })
}
