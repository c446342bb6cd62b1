//! Compliance figures (§5) for any group of staff records, and disclosure control (§5.1).

use std::collections::{BTreeMap, BTreeSet};

use crate::codes::role_group;
use crate::profile::RowClass;
use crate::status::{Detail, PairStatus, StaffStatus, Status};

/// Who is looking (§5.1): employers see their own figures whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Employer,
    Commissioner,
}

impl Audience {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Employer => "employer",
            Audience::Commissioner => "commissioner",
        }
    }
}

/// The counts of §5 for one group of pairs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub required: u64,
    pub valid: u64,
    pub expiring: u64,
    pub expired: u64,
    pub missing: u64,
    pub not_yet_due: u64,
    pub exempt: u64,
    pub in_progress: u64,
    /// Staff records contributing to `required`.
    pub staff_records: u64,
    /// Workplaces contributing to `required`.
    pub workplaces: u64,
}

impl Figures {
    /// (valid + expiring) ÷ required; `None` when required is 0.
    pub fn compliance_rate(&self) -> Option<f64> {
        (self.required > 0).then(|| (self.valid + self.expiring) as f64 / self.required as f64)
    }
}

/// Accumulates pairs into [`Figures`], counting distinct staff records and workplaces.
#[derive(Debug, Clone, Default)]
pub struct FiguresBuilder {
    figures: Figures,
    staff_records: BTreeSet<(String, String)>,
    workplaces: BTreeSet<String>,
}

impl FiguresBuilder {
    /// Adds one pair of the staff record at `workplace`/`staff`.
    pub fn add(&mut self, workplace: &str, staff: &str, pair: &PairStatus) {
        let figures = &mut self.figures;
        match pair.status {
            Status::Valid => figures.valid += 1,
            Status::Expiring => figures.expiring += 1,
            Status::Expired => figures.expired += 1,
            Status::Missing => figures.missing += 1,
            Status::NotYetDue => figures.not_yet_due += 1,
            Status::Exempt => figures.exempt += 1,
        }
        if pair.detail == Some(Detail::InProgress) {
            figures.in_progress += 1;
        }
        if pair.status.is_required() {
            figures.required += 1;
            self.staff_records
                .insert((workplace.to_owned(), staff.to_owned()));
            self.workplaces.insert(workplace.to_owned());
        }
    }

    /// The figures.
    pub fn finish(&self) -> Figures {
        Figures {
            staff_records: self.staff_records.len() as u64,
            workplaces: self.workplaces.len() as u64,
            ..self.figures
        }
    }
}

/// Filters of `compliance status` (§5, §8).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PairFilter {
    pub topic: Option<String>,
    /// Only with `topic`: pairs at this required level.
    pub level: Option<String>,
    pub class: Option<RowClass>,
    pub job_role: Option<u16>,
    pub role_group: Option<String>,
    pub service: Option<u16>,
    pub sector: Option<String>,
}

impl PairFilter {
    /// Whether a staff record passes the staff filters.
    pub fn staff_matches(&self, status: &StaffStatus) -> bool {
        let staff = &status.staff;
        self.job_role.is_none_or(|role| staff.job_role == role)
            && self
                .role_group
                .as_deref()
                .is_none_or(|group| role_group(staff.job_role) == group)
            && self
                .service
                .is_none_or(|service| staff.main_service == service)
            && self
                .sector
                .as_deref()
                .is_none_or(|sector| staff.sector.as_deref() == Some(sector))
    }

    /// Whether a pair passes the pair filters.
    pub fn pair_matches(&self, pair: &PairStatus) -> bool {
        self.topic
            .as_deref()
            .is_none_or(|topic| pair.topic == topic)
            && self
                .level
                .as_deref()
                .is_none_or(|level| pair.level.as_deref() == Some(level))
            && self.class.is_none_or(|class| pair.class == class)
    }
}

/// Figures of one (topic, level, class) (§8 `topics`).
#[derive(Debug, Clone, PartialEq)]
pub struct TopicFigures {
    pub topic: String,
    pub level: Option<String>,
    pub class: RowClass,
    pub figures: Figures,
}

/// The figures of `compliance status` before disclosure control.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplianceFigures {
    pub totals: Figures,
    /// Statutory, recommended, local, always all three.
    pub by_class: Vec<(RowClass, Figures)>,
    /// By topic, level and class, in topic order of first appearance.
    pub topics: Vec<TopicFigures>,
}

/// (topic, required level, class).
type TopicKey = (String, Option<String>, RowClass);

/// Sums the pairs of `statuses` passing `filter` (§5).
pub fn compliance_figures(statuses: &[StaffStatus], filter: &PairFilter) -> ComplianceFigures {
    let mut totals = FiguresBuilder::default();
    let mut classes: BTreeMap<RowClass, FiguresBuilder> = BTreeMap::new();
    let mut topics: Vec<(TopicKey, FiguresBuilder)> = Vec::new();
    for status in statuses
        .iter()
        .filter(|status| filter.staff_matches(status))
    {
        let (workplace, staff) = (status.staff.workplace.as_str(), status.staff.staff.as_str());
        for pair in status.pairs.iter().filter(|pair| filter.pair_matches(pair)) {
            totals.add(workplace, staff, pair);
            classes
                .entry(pair.class)
                .or_default()
                .add(workplace, staff, pair);
            let key = (pair.topic.clone(), pair.level.clone(), pair.class);
            match topics.iter_mut().find(|(existing, _)| *existing == key) {
                Some((_, builder)) => builder.add(workplace, staff, pair),
                None => {
                    let mut builder = FiguresBuilder::default();
                    builder.add(workplace, staff, pair);
                    topics.push((key, builder));
                }
            }
        }
    }
    ComplianceFigures {
        totals: totals.finish(),
        by_class: [RowClass::Statutory, RowClass::Recommended, RowClass::Local]
            .into_iter()
            .map(|class| {
                (
                    class,
                    classes
                        .get(&class)
                        .map(FiguresBuilder::finish)
                        .unwrap_or_default(),
                )
            })
            .collect(),
        topics: topics
            .into_iter()
            .map(|((topic, level, class), builder)| TopicFigures {
                topic,
                level,
                class,
                figures: builder.finish(),
            })
            .collect(),
    }
}

/// A figure that may be withheld (§5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Required,
    Valid,
    Expiring,
    Expired,
    Missing,
    NotYetDue,
    Exempt,
    InProgress,
    StaffRecords,
    ComplianceRate,
}

impl Field {
    /// The JSON key.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Required => "required",
            Field::Valid => "valid",
            Field::Expiring => "expiring",
            Field::Expired => "expired",
            Field::Missing => "missing",
            Field::NotYetDue => "not_yet_due",
            Field::Exempt => "exempt",
            Field::InProgress => "in_progress",
            Field::StaffRecords => "staff_records",
            Field::ComplianceRate => "compliance_rate",
        }
    }

    const COUNTS: [Field; 9] = [
        Field::Required,
        Field::Valid,
        Field::Expiring,
        Field::Expired,
        Field::Missing,
        Field::NotYetDue,
        Field::Exempt,
        Field::InProgress,
        Field::StaffRecords,
    ];

    /// Counts that add up across topics, levels and classes (identity 4).
    const ADDITIVE: [Field; 7] = [
        Field::Valid,
        Field::Expiring,
        Field::Expired,
        Field::Missing,
        Field::NotYetDue,
        Field::Exempt,
        Field::InProgress,
    ];

    fn count(self, figures: &Figures) -> u64 {
        match self {
            Field::Required => figures.required,
            Field::Valid => figures.valid,
            Field::Expiring => figures.expiring,
            Field::Expired => figures.expired,
            Field::Missing => figures.missing,
            Field::NotYetDue => figures.not_yet_due,
            Field::Exempt => figures.exempt,
            Field::InProgress => figures.in_progress,
            Field::StaffRecords => figures.staff_records,
            Field::ComplianceRate => 0,
        }
    }
}

/// Why a figure is withheld (§5.1, `metrics.md` §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionReason {
    CountBelow5,
    DenominatorBelow10,
    FewerThan3Workplaces,
    Complementary,
}

impl SuppressionReason {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionReason::CountBelow5 => "count_below_5",
            SuppressionReason::DenominatorBelow10 => "denominator_below_10",
            SuppressionReason::FewerThan3Workplaces => "fewer_than_3_workplaces",
            SuppressionReason::Complementary => "complementary",
        }
    }
}

/// Figures with what is withheld from this audience.
#[derive(Debug, Clone, PartialEq)]
pub struct Disclosed {
    pub figures: Figures,
    pub withheld: BTreeMap<Field, SuppressionReason>,
}

impl Disclosed {
    /// Everything shown (employers).
    pub fn whole(figures: Figures) -> Disclosed {
        Disclosed {
            figures,
            withheld: BTreeMap::new(),
        }
    }

    /// A count as shown: `None` when withheld.
    pub fn count(&self, field: Field) -> Option<u64> {
        (!self.withheld.contains_key(&field)).then(|| field.count(&self.figures))
    }

    /// The rate as shown: `None` when withheld or undefined.
    pub fn compliance_rate(&self) -> Option<f64> {
        if self.withheld.contains_key(&Field::ComplianceRate) {
            None
        } else {
            self.figures.compliance_rate()
        }
    }

    fn shown(&self, field: Field) -> bool {
        !self.withheld.contains_key(&field)
    }

    /// Identities 1–3 of §5.1 on this object; true when something changed.
    fn apply_identities(&mut self) -> bool {
        let mut changed = false;
        let rate_shown =
            self.shown(Field::ComplianceRate) && self.figures.compliance_rate().is_some();
        let mut identities: Vec<&[Field]> = Vec::new();
        if self.shown(Field::Required) {
            identities.push(&[
                Field::Valid,
                Field::Expiring,
                Field::Expired,
                Field::Missing,
            ]);
            if rate_shown {
                identities.push(&[Field::Valid, Field::Expiring]);
                identities.push(&[Field::Expired, Field::Missing]);
            }
        }
        for parts in identities {
            changed |= self.protect(parts);
        }
        changed
    }

    /// Where exactly one of `parts` is withheld, withholds the smallest other shown part.
    fn protect(&mut self, parts: &[Field]) -> bool {
        let withheld = parts.iter().filter(|field| !self.shown(**field)).count();
        if withheld != 1 {
            return false;
        }
        let smallest = parts
            .iter()
            .filter(|field| self.shown(**field))
            .min_by_key(|field| field.count(&self.figures))
            .copied();
        match smallest {
            Some(field) => {
                self.withheld
                    .insert(field, SuppressionReason::Complementary);
                true
            }
            None => false,
        }
    }
}

/// The primary rules of §5.1 for one object, then identities 1–3.
pub fn disclose(figures: Figures, audience: Audience) -> Disclosed {
    let mut disclosed = Disclosed::whole(figures);
    if audience == Audience::Employer {
        return disclosed;
    }
    for field in Field::COUNTS {
        if (1..=4).contains(&field.count(&figures)) {
            disclosed
                .withheld
                .insert(field, SuppressionReason::CountBelow5);
        }
    }
    if figures.required < 10 {
        disclosed
            .withheld
            .insert(Field::ComplianceRate, SuppressionReason::DenominatorBelow10);
    } else if figures.workplaces < 3 {
        disclosed.withheld.insert(
            Field::ComplianceRate,
            SuppressionReason::FewerThan3Workplaces,
        );
    }
    while disclosed.apply_identities() {}
    disclosed
}

/// Identity 4 of §5.1 between a total and its parts (topics, levels or classes, in output order),
/// re-running identities 1–3 until nothing changes. `required` and the rate are never withheld
/// by this rule.
pub fn protect_totals(total: &mut Disclosed, parts: &mut [Disclosed]) {
    loop {
        let mut changed = false;
        for field in Field::ADDITIVE {
            if !total.shown(field) {
                continue;
            }
            let withheld = parts.iter().filter(|part| !part.shown(field)).count();
            if withheld != 1 {
                continue;
            }
            let smallest = parts
                .iter()
                .enumerate()
                .filter(|(_, part)| part.shown(field))
                .min_by_key(|(_, part)| field.count(&part.figures))
                .map(|(index, _)| index);
            if let Some(part) = smallest.and_then(|index| parts.get_mut(index)) {
                part.withheld
                    .insert(field, SuppressionReason::Complementary);
                changed = true;
            }
        }
        changed |= total.apply_identities();
        for part in parts.iter_mut() {
            changed |= part.apply_identities();
        }
        if !changed {
            break;
        }
    }
}

/// The figures of `compliance status` as shown to an audience.
#[derive(Debug, Clone, PartialEq)]
pub struct DisclosedCompliance {
    pub totals: Disclosed,
    pub by_class: Vec<(RowClass, Disclosed)>,
    pub topics: Vec<(TopicFigures, Disclosed)>,
}

/// Applies §5.1 to a whole `compliance status` answer.
pub fn disclose_compliance(figures: &ComplianceFigures, audience: Audience) -> DisclosedCompliance {
    let mut totals = disclose(figures.totals, audience);
    let mut by_class: Vec<Disclosed> = figures
        .by_class
        .iter()
        .map(|(_, class)| disclose(*class, audience))
        .collect();
    let mut topics: Vec<Disclosed> = figures
        .topics
        .iter()
        .map(|topic| disclose(topic.figures, audience))
        .collect();
    if audience == Audience::Commissioner {
        loop {
            let before = (totals.clone(), by_class.clone(), topics.clone());
            protect_totals(&mut totals, &mut by_class);
            protect_totals(&mut totals, &mut topics);
            if before == (totals.clone(), by_class.clone(), topics.clone()) {
                break;
            }
        }
    }
    DisclosedCompliance {
        totals,
        by_class: figures
            .by_class
            .iter()
            .map(|(class, _)| *class)
            .zip(by_class)
            .collect(),
        topics: figures.topics.iter().cloned().zip(topics).collect(),
    }
}
