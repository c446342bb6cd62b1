//! The area profile (issue 4, modelled on the Rotherham strategy §4): headline figures,
//! breakdowns by service, sector, role group and job role, demographics, contracts, pay by role,
//! qualifications, Care Certificate, leavers' reasons and coverage, every figure beside the
//! region and England, plus trends across snapshots. The reports crate renders it.

use std::collections::BTreeMap;

use carecount_codes::{RoleGroup, Sector, SectorFilter};
use serde::Serialize;

use crate::classify;
use crate::disclosure::{Audience, Disclose, disclose};
use crate::facts::{Snapshot, WorkplaceFacts};
use crate::group::{Group, GroupFilter, SnapshotIndex};
use crate::memo::{Memoised, ProfileMemo, WorkplaceCount};
use crate::metric::{METRIC_NAMES, compute};
use crate::tables::{
    Demographics, Distribution, FieldCompleteness, PayRow, ReasonRow, ReturnCheck, contracts,
    demographics, field_completeness, la_return_check, leavers_reasons, pay_row, roles_present,
};
use crate::value::{Figure, MetricValue};

/// Metrics shown for every breakdown row.
pub const BREAKDOWN_METRICS: [&str; 5] = [
    "staff_records",
    "filled_posts",
    "vacant_posts",
    "vacancy_rate",
    "turnover_rate",
];

/// Metrics followed across snapshots.
pub const TREND_METRICS: [&str; 8] = [
    "staff_records",
    "filled_posts",
    "vacancy_rate",
    "turnover_rate",
    "stability_rate",
    "zero_hours_share",
    "qualification_l2_rate",
    "median_hourly_pay",
];

/// The same figure for the area, its region and England.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison<T> {
    /// The area's figure.
    pub area: T,
    /// The region's figure (`null` when the area has no known region).
    pub region: Option<T>,
    /// England's figure.
    pub england: T,
}

impl<T: Disclose> Disclose for Comparison<T> {
    fn disclose(&mut self, audience: Audience) {
        self.area.disclose(audience);
        self.region.disclose(audience);
        self.england.disclose(audience);
    }
}

/// One row of a breakdown: a category with its figures beside region and England.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakdownRow {
    /// Stable key (service code, sector name, role group name or job role code).
    pub key: String,
    /// Label for people.
    pub label: String,
    /// One entry per [`BREAKDOWN_METRICS`] name, in order.
    pub metrics: Vec<Comparison<MetricValue>>,
}

impl Disclose for BreakdownRow {
    fn disclose(&mut self, audience: Audience) {
        self.metrics.disclose(audience);
    }
}

/// Data coverage and quality of the area (`metrics.md` §5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// Workplaces of the area in the data set.
    pub workplaces: Figure,
    /// Workplaces whose declared total disagrees with their records (filled posts = declared).
    pub unreconciled_workplaces: Figure,
    /// Workplaces of the whole data set with no area (reported, not dropped).
    pub workplaces_without_area: Figure,
    /// Record completion (§2).
    pub record_completion: Comparison<MetricValue>,
    /// Field completeness of the area's records.
    pub field_completeness: Vec<FieldCompleteness>,
    /// The local authority return check over the area's local authority sector workplaces.
    pub la_return: ReturnCheck,
    /// Engagement against a reference register; `null` until a register can be loaded.
    pub engagement: Option<Figure>,
}

impl Disclose for Coverage {
    fn disclose(&mut self, audience: Audience) {
        self.workplaces.disclose(audience);
        self.unreconciled_workplaces.disclose(audience);
        self.workplaces_without_area.disclose(audience);
        self.record_completion.disclose(audience);
        self.field_completeness.disclose(audience);
        self.la_return.disclose(audience);
    }
}

/// The headline figures on one snapshot date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    /// The snapshot's as-of date.
    pub as_of: String,
    /// One entry per [`TREND_METRICS`] name, in order.
    pub metrics: Vec<Comparison<MetricValue>>,
}

impl Disclose for TrendPoint {
    fn disclose(&mut self, audience: Audience) {
        self.metrics.disclose(audience);
    }
}

/// The area profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaProfile {
    /// The area (ONS code or a user's own area name).
    pub area: String,
    /// The region code used for comparison, when known.
    pub region: Option<String>,
    /// The as-of date of the current snapshot.
    pub as_of: String,
    /// `employer` or `commissioner`: whether disclosure control was applied.
    pub audience: String,
    /// Every metric of `metrics.md`, in [`METRIC_NAMES`] order.
    pub headline: Vec<Comparison<MetricValue>>,
    /// By main service (services present in the area).
    pub by_service: Vec<BreakdownRow>,
    /// By service group (A.2 category).
    pub by_service_group: Vec<BreakdownRow>,
    /// By sector, with independent last.
    pub by_sector: Vec<BreakdownRow>,
    /// By job role group.
    pub by_role_group: Vec<BreakdownRow>,
    /// By job role (roles present in the area).
    pub by_job_role: Vec<BreakdownRow>,
    /// Demographics.
    pub demographics: Comparison<Demographics>,
    /// Staff records by contract type.
    pub contracts: Comparison<Distribution>,
    /// Pay for all roles (first) and by job role present in the area.
    pub pay_by_role: Vec<Comparison<PayRow>>,
    /// `qualification_l2_rate` overall (first) and per role group.
    pub qualifications: Vec<BreakdownRow>,
    /// `care_certificate_rate` overall (first) and per role group.
    pub care_certificate: Vec<BreakdownRow>,
    /// Leavers' reasons.
    pub leavers_reasons: Comparison<Vec<ReasonRow>>,
    /// Coverage and data quality.
    pub coverage: Coverage,
    /// Headline figures on every snapshot date, oldest first.
    pub trends: Vec<TrendPoint>,
}

impl Disclose for AreaProfile {
    fn disclose(&mut self, audience: Audience) {
        self.headline.disclose(audience);
        self.by_service.disclose(audience);
        self.by_service_group.disclose(audience);
        self.by_sector.disclose(audience);
        self.by_role_group.disclose(audience);
        self.by_job_role.disclose(audience);
        self.demographics.disclose(audience);
        self.contracts.disclose(audience);
        self.pay_by_role.disclose(audience);
        self.qualifications.disclose(audience);
        self.care_certificate.disclose(audience);
        self.leavers_reasons.disclose(audience);
        self.coverage.disclose(audience);
        self.trends.disclose(audience);
    }
}

/// The three geographies of a profile: the area, its region and England.
struct Levels {
    area: GroupFilter,
    region: Option<GroupFilter>,
    england: GroupFilter,
}

impl Levels {
    fn new(area: &str, region: Option<&str>) -> Levels {
        Levels {
            area: GroupFilter::area(area),
            region: region.map(GroupFilter::region),
            england: GroupFilter::england(),
        }
    }

    /// Applies `narrow` to each level's filter and computes `make` for each; the region and
    /// England figures go through `memo` under `item` (what `make` computes).
    fn compare<T: Memoised>(
        &self,
        index: &SnapshotIndex<'_>,
        memo: &mut ProfileMemo,
        item: &str,
        narrow: impl Fn(&mut GroupFilter),
        make: impl Fn(&Group<'_, '_>) -> T,
    ) -> Comparison<T> {
        self.compare_where(index, memo, item, narrow, |_| true, make)
    }

    /// [`Levels::compare`] over the workplaces `keep` admits (`item` must name `keep`).
    fn compare_where<T: Memoised>(
        &self,
        index: &SnapshotIndex<'_>,
        memo: &mut ProfileMemo,
        item: &str,
        narrow: impl Fn(&mut GroupFilter),
        keep: impl Fn(&WorkplaceFacts) -> bool + Copy,
        make: impl Fn(&Group<'_, '_>) -> T,
    ) -> Comparison<T> {
        let narrowed = |base: &GroupFilter| {
            let mut filter = base.clone();
            narrow(&mut filter);
            filter
        };
        let mut at_level = |base: &GroupFilter| {
            let filter = narrowed(base);
            memo.get_or(index.as_of(), &filter, item, || {
                make(&index.group_where(&filter, keep))
            })
        };
        let region = self.region.as_ref().map(&mut at_level);
        let england = at_level(&self.england);
        Comparison {
            area: make(&index.group_where(&narrowed(&self.area), keep)),
            region,
            england,
        }
    }

    fn metrics(
        &self,
        index: &SnapshotIndex<'_>,
        memo: &mut ProfileMemo,
        names: &[&str],
        narrow: impl Fn(&mut GroupFilter),
    ) -> Vec<Comparison<MetricValue>> {
        names
            .iter()
            .map(|name| {
                self.compare(index, memo, name, &narrow, |group| {
                    compute_known(name, group)
                })
            })
            .collect()
    }
}

/// Computes a metric known to take the group's filters (names from this module's lists).
fn compute_known(name: &str, group: &Group<'_, '_>) -> MetricValue {
    match compute(name, group) {
        Ok(value) => value,
        // Only record_completion refuses a filter, and profiles never give it a role filter; an
        // error here leaves the figure as "no data" rather than failing the profile.
        Err(_) => MetricValue {
            metric: name.to_string(),
            value: None,
            numerator: None,
            denominator: None,
            workplaces: None,
            records: None,
            unknown: None,
            suppressed: false,
            suppression_reason: None,
            group: group.description(),
            kind: crate::value::FigureKind::Ratio,
            basis_workplaces: 0,
            withheld_counts: Default::default(),
        },
    }
}

/// The most common region code among the area's workplaces.
pub(crate) fn infer_region(snapshot: &Snapshot, area: &str) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for workplace in &snapshot.workplaces {
        if workplace.area_code.as_deref() == Some(area)
            && let Some(region) = workplace.region_code.as_deref()
        {
            *counts.entry(region).or_insert(0) += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|left, right| left.1.cmp(&right.1).then(right.0.cmp(left.0)))
        .map(|(region, _)| region.to_string())
}

fn breakdown(
    levels: &Levels,
    index: &SnapshotIndex<'_>,
    memo: &mut ProfileMemo,
    names: &[&str],
    rows: Vec<(String, String, GroupFilter)>,
) -> Vec<BreakdownRow> {
    rows.into_iter()
        .map(|(key, label, narrow)| BreakdownRow {
            key,
            label,
            metrics: levels.metrics(index, memo, names, |filter| merge(filter, &narrow)),
        })
        .collect()
}

/// Adds the narrowing filters of `narrow` (service, sector, role) to `filter`.
fn merge(filter: &mut GroupFilter, narrow: &GroupFilter) {
    if narrow.service.is_some() {
        filter.service = narrow.service;
    }
    if narrow.sector.is_some() {
        filter.sector = narrow.sector;
    }
    if narrow.job_role.is_some() {
        filter.job_role = narrow.job_role;
    }
    if narrow.role_group.is_some() {
        filter.role_group = narrow.role_group;
    }
}

fn role_group_rows(include_all: bool) -> Vec<(String, String, GroupFilter)> {
    let mut rows = Vec::new();
    if include_all {
        rows.push((
            "all".to_string(),
            "All job roles".to_string(),
            GroupFilter::default(),
        ));
    }
    rows.extend(RoleGroup::ALL.iter().map(|group| {
        (
            group.as_str().to_string(),
            group.label().to_string(),
            GroupFilter {
                role_group: Some(*group),
                ..GroupFilter::default()
            },
        )
    }));
    rows
}

/// Builds the area profile from snapshots (oldest to newest; the last is current). `region`
/// names the comparison region; `None` takes the most common region of the area's workplaces.
/// The profile is returned with disclosure control applied for `audience`.
pub fn area_profile(
    snapshots: &[Snapshot],
    area: &str,
    region: Option<&str>,
    audience: Audience,
) -> Option<AreaProfile> {
    area_profile_memo(snapshots, area, region, audience, &mut ProfileMemo::new())
}

/// [`area_profile`] with the region and England figures taken from (and added to) `memo`, so
/// that the profiles of many areas of the same data compute England once. The memo must only
/// ever see snapshots of one store state: it is keyed by as-of date, level filter and figure,
/// not by the data. The figures are cloned out of the memo before disclosure control.
pub fn area_profile_memo(
    snapshots: &[Snapshot],
    area: &str,
    region: Option<&str>,
    audience: Audience,
    memo: &mut ProfileMemo,
) -> Option<AreaProfile> {
    let indexes: Vec<SnapshotIndex<'_>> = snapshots.iter().map(SnapshotIndex::new).collect();
    area_profile_indexed(&indexes, area, region, audience, memo)
}

/// [`area_profile_memo`] over snapshots already indexed (one [`SnapshotIndex::new`] per
/// snapshot), so that the profiles of many areas index the snapshots once.
pub fn area_profile_indexed(
    indexes: &[SnapshotIndex<'_>],
    area: &str,
    region: Option<&str>,
    audience: Audience,
    memo: &mut ProfileMemo,
) -> Option<AreaProfile> {
    let index = indexes.iter().max_by_key(|index| index.snapshot().as_of)?;
    let current = index.snapshot();
    let region = region
        .map(str::to_string)
        .or_else(|| infer_region(current, area));
    let levels = Levels::new(area, region.as_deref());
    let area_group = index.group(&levels.area);

    let headline = levels.metrics(index, memo, METRIC_NAMES, |_| {});

    let mut services: Vec<u32> = area_group
        .members()
        .iter()
        .map(|member| member.workplace.main_service)
        .collect();
    services.sort_unstable();
    services.dedup();
    let service_rows: Vec<(String, String, GroupFilter)> = services
        .iter()
        .map(|service| {
            (
                service.to_string(),
                classify::service_name(*service),
                GroupFilter {
                    service: Some(*service),
                    ..GroupFilter::default()
                },
            )
        })
        .collect();
    let by_service = breakdown(&levels, index, memo, &BREAKDOWN_METRICS, service_rows);
    let by_service_group = service_group_breakdown(&levels, index, memo, &services);

    let mut sector_rows: Vec<(String, String, GroupFilter)> = Sector::ALL
        .iter()
        .map(|sector| {
            (
                sector.as_str().to_string(),
                sector.label().to_string(),
                GroupFilter {
                    sector: Some(SectorFilter::Only(*sector)),
                    ..GroupFilter::default()
                },
            )
        })
        .collect();
    sector_rows.push((
        "independent".to_string(),
        "Independent".to_string(),
        GroupFilter {
            sector: Some(SectorFilter::Independent),
            ..GroupFilter::default()
        },
    ));
    let by_sector = breakdown(&levels, index, memo, &BREAKDOWN_METRICS, sector_rows);
    let by_role_group = breakdown(
        &levels,
        index,
        memo,
        &BREAKDOWN_METRICS,
        role_group_rows(false),
    );

    let roles = roles_present(&area_group);
    let role_rows: Vec<(String, String, GroupFilter)> = roles
        .iter()
        .map(|role| {
            (
                role.to_string(),
                classify::job_role_name(*role),
                GroupFilter {
                    job_role: Some(*role),
                    ..GroupFilter::default()
                },
            )
        })
        .collect();
    let by_job_role = breakdown(&levels, index, memo, &BREAKDOWN_METRICS, role_rows);

    let mut pay_by_role = vec![levels.compare(
        index,
        memo,
        "pay_row/all",
        |_| {},
        |group| pay_row(group, None),
    )];
    for role in &roles {
        pay_by_role.push(levels.compare(
            index,
            memo,
            &format!("pay_row/{role}"),
            |_| {},
            |group| pay_row(group, Some(*role)),
        ));
    }

    let qualifications = breakdown(
        &levels,
        index,
        memo,
        &["qualification_l2_rate"],
        role_group_rows(true),
    );
    let care_certificate = breakdown(
        &levels,
        index,
        memo,
        &["care_certificate_rate"],
        role_group_rows(true),
    );

    let unreconciled = area_group
        .members()
        .iter()
        .filter(|member| {
            crate::metric::reconcile(member.staff.len() as u64, member.workplace.total_perm_temp)
                .unreconciled
        })
        .count();
    let without_area = memo.get_or(
        index.as_of(),
        &levels.england,
        "workplaces_without_area",
        || {
            WorkplaceCount(
                current
                    .workplaces
                    .iter()
                    .filter(|workplace| workplace.area_code.is_none())
                    .count() as u64,
            )
        },
    );
    let la_sector = GroupFilter {
        sector: Some(SectorFilter::Only(Sector::LocalAuthority)),
        ..levels.area.clone()
    };
    let coverage = Coverage {
        workplaces: Figure::count(area_group.members().len() as f64),
        unreconciled_workplaces: Figure::count(unreconciled as f64),
        workplaces_without_area: Figure::count(without_area.0 as f64),
        record_completion: levels.compare(
            index,
            memo,
            "record_completion",
            |_| {},
            |group| compute_known("record_completion", group),
        ),
        field_completeness: field_completeness(&area_group),
        la_return: la_return_check(&index.group(&la_sector)),
        engagement: None,
    };

    let mut ordered: Vec<&SnapshotIndex<'_>> = indexes.iter().collect();
    ordered.sort_by_key(|snapshot_index| snapshot_index.snapshot().as_of);
    let trends = ordered
        .into_iter()
        .map(|snapshot_index| TrendPoint {
            as_of: crate::format_date(snapshot_index.snapshot().as_of),
            metrics: levels.metrics(snapshot_index, memo, &TREND_METRICS, |_| {}),
        })
        .collect();

    let mut profile = AreaProfile {
        area: area.to_string(),
        region,
        as_of: crate::format_date(current.as_of),
        audience: match audience {
            Audience::Employer => "employer",
            Audience::Commissioner => "commissioner",
        }
        .to_string(),
        headline,
        by_service,
        by_service_group,
        by_sector,
        by_role_group,
        by_job_role,
        demographics: levels.compare(index, memo, "demographics", |_| {}, demographics),
        contracts: levels.compare(index, memo, "contracts", |_| {}, contracts),
        pay_by_role,
        qualifications,
        care_certificate,
        leavers_reasons: levels.compare(index, memo, "leavers_reasons", |_| {}, leavers_reasons),
        coverage,
        trends,
    };
    profile.disclose(audience);
    Some(profile)
}

/// Breakdown by service group: each row pools the services of one A.2 category.
fn service_group_breakdown(
    levels: &Levels,
    index: &SnapshotIndex<'_>,
    memo: &mut ProfileMemo,
    area_services: &[u32],
) -> Vec<BreakdownRow> {
    let mut labels: Vec<&'static str> = area_services
        .iter()
        .filter_map(|service| classify::service_group_label(*service))
        .collect();
    labels.sort_unstable();
    labels.dedup();
    labels
        .into_iter()
        .map(|label| {
            let in_group = move |workplace: &WorkplaceFacts| {
                classify::service_group_label(workplace.main_service) == Some(label)
            };
            let metrics = BREAKDOWN_METRICS
                .iter()
                .map(|name| {
                    levels.compare_where(
                        index,
                        memo,
                        &format!("service_group/{label}/{name}"),
                        |_| {},
                        in_group,
                        |group| compute_known(name, group),
                    )
                })
                .collect();
            BreakdownRow {
                key: label.to_lowercase().replace(' ', "_"),
                label: label.to_string(),
                metrics,
            }
        })
        .collect()
}

/// One metric for the area beside region and England, with disclosure for `audience`.
pub fn compare_metric(
    snapshot: &Snapshot,
    name: &str,
    area: &str,
    region: Option<&str>,
    audience: Audience,
) -> Result<Comparison<MetricValue>, crate::MetricsError> {
    let index = SnapshotIndex::new(snapshot);
    let region = region
        .map(str::to_string)
        .or_else(|| infer_region(snapshot, area));
    let levels = Levels::new(area, region.as_deref());
    let area_value = disclose(compute(name, &index.group(&levels.area))?, audience);
    let region_value = match &levels.region {
        Some(filter) => Some(disclose(compute(name, &index.group(filter))?, audience)),
        None => None,
    };
    let england_value = disclose(compute(name, &index.group(&levels.england))?, audience);
    Ok(Comparison {
        area: area_value,
        region: region_value,
        england: england_value,
    })
}
