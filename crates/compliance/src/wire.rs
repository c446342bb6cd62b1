//! The JSON shapes of §8, as serde structs producing exactly those keys, for the CLI and API to
//! print. Every key is present, null where it does not apply.

use std::collections::BTreeMap;

use serde::Serialize;
use time::Date;

use crate::alerts::{Alert, PairItem};
use crate::date::format_iso;
use crate::figures::{
    Audience, ComplianceFigures, Disclosed, Field, SuppressionReason, disclose_compliance,
};
use crate::profile::{OrgSettings, Profile};
use crate::status::{PairStatus, StaffStatus};
use crate::tna::{Components, StartersSource, Tna, TnaRow, UnitCosts};

fn iso(date: Option<Date>) -> Option<String> {
    date.map(format_iso)
}

/// F of §8.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FiguresJson {
    pub required: Option<u64>,
    pub valid: Option<u64>,
    pub expiring: Option<u64>,
    pub expired: Option<u64>,
    pub missing: Option<u64>,
    pub not_yet_due: Option<u64>,
    pub exempt: Option<u64>,
    pub in_progress: Option<u64>,
    pub compliance_rate: Option<f64>,
    pub staff_records: Option<u64>,
    pub workplaces: u64,
    pub suppression: BTreeMap<String, String>,
}

impl From<&Disclosed> for FiguresJson {
    fn from(shown: &Disclosed) -> Self {
        FiguresJson {
            required: shown.count(Field::Required),
            valid: shown.count(Field::Valid),
            expiring: shown.count(Field::Expiring),
            expired: shown.count(Field::Expired),
            missing: shown.count(Field::Missing),
            not_yet_due: shown.count(Field::NotYetDue),
            exempt: shown.count(Field::Exempt),
            in_progress: shown.count(Field::InProgress),
            compliance_rate: shown.compliance_rate(),
            staff_records: shown.count(Field::StaffRecords),
            workplaces: shown.figures.workplaces,
            suppression: shown
                .withheld
                .iter()
                .map(|(field, reason)| (field.as_str().to_owned(), reason.as_str().to_owned()))
                .collect(),
        }
    }
}

/// `group` of `compliance_status.v1`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GroupJson {
    pub org: Option<String>,
    pub workplace: Option<String>,
    pub staff: Option<String>,
    pub area: Option<String>,
    pub region: Option<String>,
}

/// `profile` of `compliance_status.v1`: the organisation's profile version in force at D.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProfileRefJson {
    pub version: Option<u32>,
    pub sha256: Option<String>,
}

/// `by_class`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ByClassJson {
    pub statutory: FiguresJson,
    pub recommended: FiguresJson,
    pub local: FiguresJson,
}

/// `comparison` of a topic row: the same figures for the region and England, filled by the caller.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ComparisonJson {
    pub region: Option<FiguresJson>,
    pub england: Option<FiguresJson>,
}

/// One `topics` entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicJson {
    pub topic: String,
    pub level: Option<String>,
    pub class: String,
    #[serde(flatten)]
    pub figures: FiguresJson,
    pub comparison: ComparisonJson,
}

/// `record` of P.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordJson {
    pub source: String,
    pub id: Option<u64>,
    pub title: String,
    pub level: Option<String>,
    pub completed: Option<String>,
    pub expires_on: Option<String>,
    pub expiry_basis: String,
}

/// `exemption` of P.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExemptionJson {
    pub id: u64,
    pub reason: String,
    pub note: String,
    pub from: String,
    pub until: Option<String>,
}

/// P of §8: a pair with its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairJson {
    pub topic: String,
    pub level: Option<String>,
    pub class: String,
    pub status: String,
    pub detail: Option<String>,
    pub expires_on: Option<String>,
    pub days_left: Option<i64>,
    pub due_on: Option<String>,
    pub rows: Vec<String>,
    pub deciding_row: Option<String>,
    pub record: Option<RecordJson>,
    pub exemption: Option<ExemptionJson>,
}

impl From<&PairStatus> for PairJson {
    fn from(pair: &PairStatus) -> Self {
        PairJson {
            topic: pair.topic.clone(),
            level: pair.level.clone(),
            class: pair.class.as_str().to_owned(),
            status: pair.status.as_str().to_owned(),
            detail: pair.detail.as_ref().map(ToString::to_string),
            expires_on: iso(pair.expires_on),
            days_left: pair.days_left,
            due_on: iso(pair.due_on),
            rows: pair.rows.clone(),
            deciding_row: pair.deciding_row.clone(),
            record: pair.record.as_ref().map(|record| RecordJson {
                source: record.source.as_str().to_owned(),
                id: record.id,
                title: record.title.clone(),
                level: record.level.clone(),
                completed: iso(record.completed),
                expires_on: iso(record.expires_on),
                expiry_basis: record.expiry_basis.as_str().to_owned(),
            }),
            exemption: pair.exemption.as_ref().map(|exemption| ExemptionJson {
                id: exemption.id,
                reason: exemption.reason.as_str().to_owned(),
                note: exemption.note.clone(),
                from: format_iso(exemption.from),
                until: iso(exemption.until),
            }),
        }
    }
}

/// One `staff` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffJson {
    pub workplace: String,
    pub staff: String,
    pub displayid: String,
    pub job_role: u16,
    pub start_date: Option<String>,
    pub status: Option<String>,
    pub items: Vec<PairJson>,
}

impl From<&StaffStatus> for StaffJson {
    fn from(status: &StaffStatus) -> Self {
        StaffJson {
            workplace: status.staff.workplace.clone(),
            staff: status.staff.staff.clone(),
            displayid: status.staff.displayid.clone(),
            job_role: status.staff.job_role,
            start_date: iso(status.staff.start_date),
            status: status.status().map(|status| status.as_str().to_owned()),
            items: status.pairs.iter().map(PairJson::from).collect(),
        }
    }
}

/// `carecount.compliance_status.v1` and `carecount.compliance_matrix.v1`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComplianceStatusJson {
    pub schema: String,
    pub as_of: String,
    pub audience: String,
    pub group: GroupJson,
    pub profile: ProfileRefJson,
    pub expiring_days: u16,
    pub totals: FiguresJson,
    pub by_class: ByClassJson,
    pub topics: Vec<TopicJson>,
    pub staff: Option<Vec<StaffJson>>,
}

/// The common header of a status answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusHeader {
    pub as_of: Date,
    pub audience: Audience,
    pub group: GroupJson,
    pub profile: ProfileRefJson,
    pub expiring_days: u16,
}

/// Builds `compliance_status.v1`, or `compliance_matrix.v1` when `matrix`. Disclosure control
/// applies for commissioners, who never get `staff`.
pub fn compliance_status(
    header: &StatusHeader,
    figures: &ComplianceFigures,
    staff: Option<&[StaffStatus]>,
    matrix: bool,
) -> ComplianceStatusJson {
    let shown = disclose_compliance(figures, header.audience);
    let class_figures = |index: usize| {
        shown
            .by_class
            .get(index)
            .map(|(_, disclosed)| FiguresJson::from(disclosed))
            .unwrap_or_else(|| FiguresJson::from(&Disclosed::whole(Default::default())))
    };
    let staff = match header.audience {
        Audience::Commissioner => None,
        Audience::Employer => staff.map(|statuses| statuses.iter().map(StaffJson::from).collect()),
    };
    ComplianceStatusJson {
        schema: if matrix {
            "carecount.compliance_matrix.v1"
        } else {
            "carecount.compliance_status.v1"
        }
        .to_owned(),
        as_of: format_iso(header.as_of),
        audience: header.audience.as_str().to_owned(),
        group: header.group.clone(),
        profile: header.profile.clone(),
        expiring_days: header.expiring_days,
        totals: FiguresJson::from(&shown.totals),
        by_class: ByClassJson {
            statutory: class_figures(0),
            recommended: class_figures(1),
            local: class_figures(2),
        },
        topics: shown
            .topics
            .iter()
            .map(|(topic, disclosed)| TopicJson {
                topic: topic.topic.clone(),
                level: topic.level.clone(),
                class: topic.class.as_str().to_owned(),
                figures: FiguresJson::from(disclosed),
                comparison: ComparisonJson::default(),
            })
            .collect(),
        staff,
    }
}

/// An item of the expiring list: the staff record's keys and P.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemJson {
    pub workplace: String,
    pub staff: String,
    pub displayid: String,
    pub job_role: u16,
    #[serde(flatten)]
    pub pair: PairJson,
}

impl From<&PairItem<'_>> for ItemJson {
    fn from(item: &PairItem<'_>) -> Self {
        ItemJson {
            workplace: item.staff.staff.workplace.clone(),
            staff: item.staff.staff.staff.clone(),
            displayid: item.staff.staff.displayid.clone(),
            job_role: item.staff.staff.job_role,
            pair: PairJson::from(item.pair),
        }
    }
}

/// `carecount.compliance_expiring.v1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpiringJson {
    pub schema: String,
    pub as_of: String,
    pub items: Vec<ItemJson>,
}

/// Builds `compliance_expiring.v1`.
pub fn expiring_json(as_of: Date, items: &[PairItem<'_>]) -> ExpiringJson {
    ExpiringJson {
        schema: "carecount.compliance_expiring.v1".to_owned(),
        as_of: format_iso(as_of),
        items: items.iter().map(ItemJson::from).collect(),
    }
}

/// An alert: the item's keys plus `kind`, `rag`, `raised_on`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertJson {
    #[serde(flatten)]
    pub item: ItemJson,
    pub kind: String,
    pub rag: String,
    pub raised_on: Option<String>,
}

/// `carecount.compliance_alerts.v1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertsJson {
    pub schema: String,
    pub as_of: String,
    pub items: Vec<AlertJson>,
}

/// Builds `compliance_alerts.v1`. The alert's `due_on` is the item's `due_on`.
pub fn alerts_json(as_of: Date, alerts: &[Alert<'_>]) -> AlertsJson {
    AlertsJson {
        schema: "carecount.compliance_alerts.v1".to_owned(),
        as_of: format_iso(as_of),
        items: alerts
            .iter()
            .map(|alert| {
                let mut item = ItemJson::from(&alert.item);
                item.pair.due_on = iso(alert.due_on);
                AlertJson {
                    item,
                    kind: alert.kind.as_str().to_owned(),
                    rag: alert.rag.as_str().to_owned(),
                    raised_on: iso(alert.raised_on),
                }
            })
            .collect(),
    }
}

/// A requirement row of `carecount.requirements.v1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementJson {
    pub id: String,
    pub topic: String,
    pub level: Option<String>,
    pub roles: String,
    pub services: String,
    pub service_users: String,
    pub due_within_days: u16,
    pub refresh_months: Option<u16>,
    pub pro_rata: bool,
    pub exempt_if: Option<String>,
    pub class: String,
    pub source: String,
    pub origin: String,
    pub action: Option<String>,
    pub state: String,
    pub reason: Option<String>,
}

/// `settings` of `carecount.requirements.v1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingsJson {
    pub expiring_days: u16,
    pub due_soon_days: u16,
}

impl From<OrgSettings> for SettingsJson {
    fn from(settings: OrgSettings) -> Self {
        SettingsJson {
            expiring_days: settings.expiring_days(),
            due_soon_days: settings.due_soon_days(),
        }
    }
}

/// `carecount.requirements.v1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementsJson {
    pub schema: String,
    pub org: Option<String>,
    pub version: Option<u32>,
    pub effective_from: Option<String>,
    pub sha256: Option<String>,
    pub settings: SettingsJson,
    pub rows: Vec<RequirementJson>,
}

/// Builds `requirements.v1`; version, date and hash come from the store's profile version.
pub fn requirements_json(
    org: Option<&str>,
    version: Option<u32>,
    effective_from: Option<Date>,
    sha256: Option<&str>,
    profile: &Profile,
) -> RequirementsJson {
    RequirementsJson {
        schema: "carecount.requirements.v1".to_owned(),
        org: org.map(str::to_owned),
        version,
        effective_from: iso(effective_from),
        sha256: sha256.map(str::to_owned),
        settings: SettingsJson::from(profile.settings()),
        rows: profile
            .listing()
            .iter()
            .map(|listed| {
                let row = &listed.row;
                RequirementJson {
                    id: row.id.clone(),
                    topic: row.topic.clone(),
                    level: row.level.clone(),
                    roles: row.roles.text.clone(),
                    services: row.services.text.clone(),
                    service_users: row.service_users.text.clone(),
                    due_within_days: row.due_within_days,
                    refresh_months: row.refresh_months,
                    pro_rata: row.pro_rata,
                    exempt_if: row
                        .exempt_if
                        .map(|rule| format!("startinsect_before:{}", rule.startinsect_before)),
                    class: row.class.as_str().to_owned(),
                    source: row.source.clone(),
                    origin: listed.origin.as_str().to_owned(),
                    action: listed.action.map(|action| action.as_str().to_owned()),
                    state: listed.state.as_str().to_owned(),
                    reason: listed.reason.clone(),
                }
            })
            .collect(),
    }
}

/// A TNA row: §6's columns, the breakdown key when a breakdown, and `suppression`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TnaRowJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_group: Option<String>,
    pub topic: Option<String>,
    pub level: Option<String>,
    pub class: Option<String>,
    pub delivery: Option<String>,
    pub missing: Option<u64>,
    pub expired: Option<u64>,
    pub due_new: Option<u64>,
    pub expiring_in_horizon: Option<u64>,
    pub starters: Option<u64>,
    pub in_progress: Option<u64>,
    pub places: Option<u64>,
    pub cohorts: Option<u64>,
    pub cost: Option<f64>,
    pub hours: Option<f64>,
    pub suppression: BTreeMap<String, String>,
}

/// A role group's rate in `starters_source.rates`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateJson {
    pub value: f64,
    pub from: String,
}

/// `starters_source`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StartersSourceJson {
    pub kind: String,
    pub run: Option<String>,
    pub stat: Option<String>,
    pub rates: Option<BTreeMap<String, RateJson>>,
}

/// A `unit_costs` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitCostJson {
    pub topic: String,
    pub level: Option<String>,
    pub origin: String,
    pub status: String,
}

/// `carecount.tna.v1`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TnaJson {
    pub schema: String,
    pub area: String,
    pub as_of: String,
    pub horizon_months: u16,
    pub horizon_end: String,
    pub audience: String,
    pub starters_source: StartersSourceJson,
    pub unit_costs: Vec<UnitCostJson>,
    pub rows: Vec<TnaRowJson>,
    pub by_service_group: Vec<TnaRowJson>,
    pub by_role_group: Vec<TnaRowJson>,
    pub totals: TnaRowJson,
    pub warnings: Vec<String>,
}

const TNA_COUNTS: [&str; 7] = [
    "missing",
    "expired",
    "due_new",
    "expiring_in_horizon",
    "starters",
    "in_progress",
    "places",
];
const TNA_PARTS: [&str; 5] = [
    "missing",
    "expired",
    "due_new",
    "expiring_in_horizon",
    "starters",
];

/// The counts of one TNA row with what is withheld.
#[derive(Debug, Clone, PartialEq)]
struct TnaCells {
    counts: BTreeMap<&'static str, u64>,
    withheld: BTreeMap<&'static str, SuppressionReason>,
}

impl TnaCells {
    fn new(components: &Components, places: u64, audience: Audience) -> TnaCells {
        let counts: BTreeMap<&'static str, u64> = [
            ("missing", components.missing),
            ("expired", components.expired),
            ("due_new", components.due_new),
            ("expiring_in_horizon", components.expiring_in_horizon),
            ("starters", components.starters),
            ("in_progress", components.in_progress),
            ("places", places),
        ]
        .into_iter()
        .collect();
        let mut withheld = BTreeMap::new();
        if audience == Audience::Commissioner {
            for name in TNA_COUNTS {
                if counts
                    .get(name)
                    .is_some_and(|count| (1..=4).contains(count))
                {
                    withheld.insert(name, SuppressionReason::CountBelow5);
                }
            }
        }
        TnaCells { counts, withheld }
    }

    fn count(&self, name: &str) -> u64 {
        self.counts.get(name).copied().unwrap_or(0)
    }

    fn shown(&self, name: &str) -> bool {
        !self.withheld.contains_key(name)
    }

    /// places = the sum of the five components (§5.1 identity 4 within a row).
    fn protect(&mut self) -> bool {
        if !self.shown("places") || TNA_PARTS.iter().filter(|name| !self.shown(name)).count() != 1 {
            return false;
        }
        let smallest = TNA_PARTS
            .iter()
            .filter(|name| self.shown(name))
            .min_by_key(|name| self.count(name))
            .copied();
        match smallest {
            Some(name) => {
                self.withheld.insert(name, SuppressionReason::Complementary);
                true
            }
            None => false,
        }
    }
}

fn protect_tna(total: &mut TnaCells, rows: &mut [TnaCells]) {
    loop {
        let mut changed = total.protect();
        for row in rows.iter_mut() {
            changed |= row.protect();
        }
        for name in TNA_COUNTS {
            if !total.shown(name) || rows.iter().filter(|row| !row.shown(name)).count() != 1 {
                continue;
            }
            let smallest = rows
                .iter()
                .enumerate()
                .filter(|(_, row)| row.shown(name))
                .min_by_key(|(_, row)| row.count(name))
                .map(|(index, _)| index);
            if let Some(row) = smallest.and_then(|index| rows.get_mut(index)) {
                row.withheld.insert(name, SuppressionReason::Complementary);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

#[derive(Clone, Copy)]
enum Breakdown {
    None,
    Service,
    Role,
}

fn tna_row_json(
    row: Option<&TnaRow>,
    totals: Option<&crate::tna::TnaTotals>,
    cells: &TnaCells,
    breakdown: Breakdown,
) -> TnaRowJson {
    let shown = |name: &str| cells.shown(name).then(|| cells.count(name));
    let places_shown = cells.shown("places");
    let group = row.and_then(|row| row.group.clone());
    let mut suppression: BTreeMap<String, String> = cells
        .withheld
        .iter()
        .map(|(name, reason)| ((*name).to_owned(), reason.as_str().to_owned()))
        .collect();
    let places_reason = cells
        .withheld
        .get("places")
        .map(|reason| reason.as_str().to_owned());
    if let Some(reason) = places_reason {
        for name in ["cohorts", "cost", "hours"] {
            suppression.insert(name.to_owned(), reason.clone());
        }
    }
    let (cohorts, cost, hours) = match (row, totals) {
        (Some(row), _) => (Some(row.cohorts), row.cost, row.hours),
        (None, Some(totals)) => (Some(totals.cohorts), Some(totals.cost), Some(totals.hours)),
        (None, None) => (None, None, None),
    };
    TnaRowJson {
        service_group: if matches!(breakdown, Breakdown::Service) {
            group.clone()
        } else {
            None
        },
        role_group: if matches!(breakdown, Breakdown::Role) {
            group
        } else {
            None
        },
        topic: row.map(|row| row.topic.clone()),
        level: row.and_then(|row| row.level.clone()),
        class: row.map(|row| row.class.as_str().to_owned()),
        delivery: row.and_then(|row| row.delivery.clone()),
        missing: shown("missing"),
        expired: shown("expired"),
        due_new: shown("due_new"),
        expiring_in_horizon: shown("expiring_in_horizon"),
        starters: shown("starters"),
        in_progress: shown("in_progress"),
        places: shown("places"),
        cohorts: cohorts.filter(|_| places_shown),
        cost: cost.filter(|_| places_shown),
        hours: hours.filter(|_| places_shown),
        suppression,
    }
}

fn tna_rows(
    rows: &[TnaRow],
    audience: Audience,
    breakdown: Breakdown,
    total: &TnaCells,
) -> Vec<TnaRowJson> {
    let mut cells: Vec<TnaCells> = rows
        .iter()
        .map(|row| TnaCells::new(&row.components, row.places, audience))
        .collect();
    let mut total = total.clone();
    if audience == Audience::Commissioner {
        protect_tna(&mut total, &mut cells);
    }
    rows.iter()
        .zip(&cells)
        .map(|(row, cells)| tna_row_json(Some(row), None, cells, breakdown))
        .collect()
}

/// Builds `carecount.tna.v1`, with §5.1 for commissioners (cost, cohorts and hours withheld
/// wherever places are).
pub fn tna_json(
    tna: &Tna,
    audience: Audience,
    starters: &StartersSource,
    unit_costs: &UnitCosts,
) -> TnaJson {
    let mut total = TnaCells::new(&tna.totals.components, tna.totals.places, audience);
    if audience == Audience::Commissioner {
        let mut cells: Vec<TnaCells> = tna
            .rows
            .iter()
            .map(|row| TnaCells::new(&row.components, row.places, audience))
            .collect();
        protect_tna(&mut total, &mut cells);
    }
    let starters_source = match starters {
        StartersSource::Rates(rates) => StartersSourceJson {
            kind: "rates".to_owned(),
            run: None,
            stat: None,
            rates: Some(
                rates
                    .iter()
                    .map(|(group, rate)| {
                        (
                            group.clone(),
                            RateJson {
                                value: rate.value,
                                from: rate.from.as_str().to_owned(),
                            },
                        )
                    })
                    .collect(),
            ),
        },
        StartersSource::Projection { run, stat, .. } => StartersSourceJson {
            kind: "projection".to_owned(),
            run: Some(run.clone()),
            stat: Some(stat.clone()),
            rates: None,
        },
    };
    TnaJson {
        schema: "carecount.tna.v1".to_owned(),
        area: tna.area.clone(),
        as_of: format_iso(tna.as_of),
        horizon_months: tna.horizon_months,
        horizon_end: format_iso(tna.horizon_end),
        audience: audience.as_str().to_owned(),
        starters_source,
        unit_costs: unit_costs
            .rows()
            .iter()
            .map(|cost| UnitCostJson {
                topic: cost.topic.clone(),
                level: cost.level.clone(),
                origin: cost.origin.as_str().to_owned(),
                status: cost.status.as_str().to_owned(),
            })
            .collect(),
        rows: tna_rows(&tna.rows, audience, Breakdown::None, &total),
        by_service_group: tna_rows(&tna.by_service_group, audience, Breakdown::Service, &total),
        by_role_group: tna_rows(&tna.by_role_group, audience, Breakdown::Role, &total),
        totals: tna_row_json(None, Some(&tna.totals), &total, Breakdown::None),
        warnings: tna.warnings.clone(),
    }
}
