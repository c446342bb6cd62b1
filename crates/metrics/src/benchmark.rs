//! Workplace benchmarks (`metrics.md` §7): the workplace's own value, a comparison group of
//! other workplaces with the same main service (local authority, widened to region, then
//! England, when it has fewer than 5 other workplaces), the quartiles of their own values and
//! the workplace's rank.

use serde::Serialize;

use crate::MetricsError;
use crate::disclosure::{Audience, Disclose};
use crate::facts::WorkplaceFacts;
use crate::group::{Group, GroupFilter, SnapshotIndex};
use crate::metric::compute;
use crate::stats::{nearest_rank, sorted};
use crate::value::{Figure, MetricValue};

/// Fewest other workplaces a comparison group may have before it is widened.
pub const MIN_COMPARATORS: usize = 5;

/// The metrics benchmarked, each with whether a lower value is better (`Some(true)`), a higher
/// one (`Some(false)`), or neither is ranked (`None`).
pub const BENCHMARKED: [(&str, Option<bool>); 12] = [
    ("vacancy_rate", Some(true)),
    ("turnover_rate", Some(true)),
    ("starters_rate", None),
    ("stability_rate", Some(false)),
    ("zero_hours_share", None),
    ("qualification_l2_rate", Some(false)),
    ("care_certificate_rate", Some(false)),
    ("agency_share", None),
    ("mean_days_sick", Some(true)),
    ("median_hourly_pay", Some(false)),
    ("median_annual_pay", Some(false)),
    ("median_annual_pay_fte", Some(false)),
];

/// Which geography the comparison group came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComparisonLevel {
    /// Same local authority.
    LocalAuthority,
    /// Same region.
    Region,
    /// England.
    England,
}

/// Quartiles of the comparison workplaces' own values (nearest rank).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quartiles {
    /// 25th percentile.
    pub q1: Figure,
    /// Median.
    pub median: Figure,
    /// 75th percentile.
    pub q3: Figure,
}

/// One benchmarked metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkRow {
    /// The metric name.
    pub metric: String,
    /// The workplace's own value.
    pub own: MetricValue,
    /// The comparison group's value over its pooled records.
    pub comparison: MetricValue,
    /// The geography of the comparison group.
    pub level: ComparisonLevel,
    /// The comparison group's area or region code (`null` for England).
    pub level_code: Option<String>,
    /// Other workplaces in the comparison group.
    pub comparison_workplaces: u64,
    /// Quartiles of the other workplaces' own values.
    pub quartiles: Quartiles,
    /// Rank of the workplace among itself and the others with a value (1 = best); `null` when
    /// the metric has no better direction or the workplace has no value.
    pub rank: Option<u64>,
    /// How many were ranked (the workplace and the others with a value).
    pub ranked_of: Option<u64>,
    /// `lower` or `higher` is better; `null` when not ranked.
    pub better: Option<String>,
}

impl Disclose for BenchmarkRow {
    fn disclose(&mut self, audience: Audience) {
        self.own.disclose(audience);
        self.comparison.disclose(audience);
        self.quartiles.q1.disclose(audience);
        self.quartiles.median.disclose(audience);
        self.quartiles.q3.disclose(audience);
    }
}

/// Every benchmark of one workplace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Benchmark {
    /// Organisation.
    pub org: String,
    /// LOCALESTID.
    pub workplace: String,
    /// MAINSERVICE code.
    pub main_service: u32,
    /// One row per benchmarked metric.
    pub rows: Vec<BenchmarkRow>,
}

impl Disclose for Benchmark {
    fn disclose(&mut self, audience: Audience) {
        self.rows.disclose(audience);
    }
}

/// Benchmarks the workplace `localestid` of organisation `org`.
pub fn benchmark_workplace(
    index: &SnapshotIndex<'_>,
    org: &str,
    localestid: &str,
) -> Result<Benchmark, MetricsError> {
    let own_filter = GroupFilter {
        org: Some(org.to_string()),
        workplace: Some(localestid.to_string()),
        ..GroupFilter::default()
    };
    let own_group = index.group(&own_filter);
    let Some(own_member) = own_group.members().first() else {
        return Err(MetricsError::UnknownWorkplace {
            org: org.to_string(),
            localestid: localestid.to_string(),
        });
    };
    let workplace: &WorkplaceFacts = own_member.workplace;
    let (others, level, level_code) = comparison_group(index, workplace);
    let singles: Vec<Group<'_, '_>> = others
        .members()
        .iter()
        .map(|member| others.single(member))
        .collect();
    let mut rows = Vec::new();
    for (name, lower_is_better) in BENCHMARKED {
        let own = compute(name, &own_group)?;
        let comparison = compute(name, &others)?;
        let mut values = Vec::new();
        for single in &singles {
            if let Some(value) = compute(name, single)?.value {
                values.push(value);
            }
        }
        let values = sorted(values);
        let n = values.len() as u64;
        let quartiles = Quartiles {
            q1: Figure::statistic(nearest_rank(&values, 25), n, n),
            median: Figure::statistic(nearest_rank(&values, 50), n, n),
            q3: Figure::statistic(nearest_rank(&values, 75), n, n),
        };
        let (rank, ranked_of) = match (lower_is_better, own.value) {
            (Some(lower), Some(own_value)) => {
                let better = values
                    .iter()
                    .filter(|value| {
                        if lower {
                            **value < own_value
                        } else {
                            **value > own_value
                        }
                    })
                    .count() as u64;
                (Some(better + 1), Some(n + 1))
            }
            _ => (None, None),
        };
        rows.push(BenchmarkRow {
            metric: name.to_string(),
            own,
            comparison,
            level,
            level_code: level_code.clone(),
            comparison_workplaces: others.members().len() as u64,
            quartiles,
            rank,
            ranked_of,
            better: lower_is_better.map(|lower| if lower { "lower" } else { "higher" }.to_string()),
        });
    }
    Ok(Benchmark {
        org: workplace.org.clone(),
        workplace: workplace.localestid.clone(),
        main_service: workplace.main_service,
        rows,
    })
}

/// The other workplaces with the same main service: in the local authority, else the region,
/// else England (§7).
fn comparison_group<'i, 'a>(
    index: &'i SnapshotIndex<'a>,
    workplace: &WorkplaceFacts,
) -> (Group<'i, 'a>, ComparisonLevel, Option<String>) {
    let not_self = |other: &WorkplaceFacts| other.id != workplace.id;
    let by_service = GroupFilter {
        service: Some(workplace.main_service),
        ..GroupFilter::default()
    };
    if let Some(area) = &workplace.area_code {
        let filter = GroupFilter {
            area: Some(area.clone()),
            ..by_service.clone()
        };
        let group = index.group_where(&filter, not_self);
        if group.members().len() >= MIN_COMPARATORS {
            return (group, ComparisonLevel::LocalAuthority, Some(area.clone()));
        }
    }
    if let Some(region) = &workplace.region_code {
        let filter = GroupFilter {
            region: Some(region.clone()),
            ..by_service.clone()
        };
        let group = index.group_where(&filter, not_self);
        if group.members().len() >= MIN_COMPARATORS {
            return (group, ComparisonLevel::Region, Some(region.clone()));
        }
    }
    (
        index.group_where(&by_service, not_self),
        ComparisonLevel::England,
        None,
    )
}

/// The first known value of metric `name` for `base` (its role and service filters) in `area`,
/// else in `region`, else in England — the geography fallback of §7 for a single figure,
/// unsuppressed. `None` when England has no value either.
pub fn with_geography_fallback(
    snapshot: &crate::Snapshot,
    name: &str,
    base: &GroupFilter,
    area: &str,
    region: Option<&str>,
) -> Result<Option<(f64, ComparisonLevel)>, MetricsError> {
    let mut candidates = vec![(
        GroupFilter {
            area: Some(area.to_owned()),
            ..base.clone()
        },
        ComparisonLevel::LocalAuthority,
    )];
    if let Some(region) = region {
        candidates.push((
            GroupFilter {
                region: Some(region.to_owned()),
                ..base.clone()
            },
            ComparisonLevel::Region,
        ));
    }
    candidates.push((base.clone(), ComparisonLevel::England));
    for (filter, level) in candidates {
        let found = crate::metric(snapshot, name, &filter)?;
        if let Some(value) = found.value.filter(|value| value.is_finite()) {
            return Ok(Some((value, level)));
        }
    }
    Ok(None)
}
