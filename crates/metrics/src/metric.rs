//! Every single-figure metric of `metrics.md` §2–§4, by name.

use time::Duration;

use crate::MetricsError;
use crate::classify;
use crate::facts::{CareCertificate, Pay, Qualification, RoleCounts, StaffFacts, WorkplaceFacts};
use crate::group::{Group, Member};
use crate::stats;
use crate::value::{FigureKind, MetricValue, ratio};

/// Every metric name `carecount metric` answers, in the order of `metrics.md`.
pub const METRIC_NAMES: &[&str] = &[
    "staff_records",
    "filled_posts",
    "vacant_posts",
    "total_posts",
    "record_completion",
    "vacancy_rate",
    "turnover_rate",
    "starters_rate",
    "stability_rate",
    "zero_hours_share",
    "qualification_l2_rate",
    "care_certificate_rate",
    "agency_share",
    "median_hourly_pay",
    "median_annual_pay",
    "median_annual_pay_fte",
    "mean_days_sick",
    "mean_years_in_sector",
];

/// The names of every metric (`metrics.md`), for listing and for error messages.
pub fn metric_names() -> &'static [&'static str] {
    METRIC_NAMES
}

/// Full-time weekly hours used to convert annual pay to full-time equivalent (`metrics.md` §4).
pub const FULL_TIME_HOURS: f64 = 37.5;

/// Computes the metric `name` for `group`, unsuppressed (apply [`crate::disclose`] for an
/// audience). An unknown name is an error listing the valid ones.
pub fn compute(name: &str, group: &Group<'_, '_>) -> Result<MetricValue, MetricsError> {
    let value = match name {
        "staff_records" => staff_records(group),
        "filled_posts" => filled_posts(group),
        "vacant_posts" => vacant_posts(group),
        "total_posts" => total_posts(group),
        "record_completion" => record_completion(group)?,
        "vacancy_rate" => workplace_rate(group, WorkplaceRate::Vacancy),
        "turnover_rate" => workplace_rate(group, WorkplaceRate::Turnover),
        "starters_rate" => workplace_rate(group, WorkplaceRate::Starters),
        "stability_rate" => stability_rate(group),
        "zero_hours_share" => record_rate(
            group,
            "zero_hours_share",
            |_| true,
            |record| record.zero_hours,
        ),
        "qualification_l2_rate" => record_rate(
            group,
            "qualification_l2_rate",
            |record| classify::is_care_providing(record.job_role),
            qualification_l2_answer,
        ),
        "care_certificate_rate" => record_rate(
            group,
            "care_certificate_rate",
            |record| classify::is_care_providing(record.job_role),
            |record| {
                record
                    .care_certificate
                    .map(|answer| answer == CareCertificate::Completed)
            },
        ),
        "agency_share" => record_rate(
            group,
            "agency_share",
            |_| true,
            |record| {
                record
                    .contract
                    .map(|contract| contract == crate::facts::Contract::Agency)
            },
        ),
        "median_hourly_pay" => pay_median(group, "median_hourly_pay", hourly_pay),
        "median_annual_pay" => pay_median(group, "median_annual_pay", annual_pay),
        "median_annual_pay_fte" => pay_median(group, "median_annual_pay_fte", annual_pay_fte),
        "mean_days_sick" => mean_days_sick(group),
        "mean_years_in_sector" => mean_years_in_sector(group),
        _ => {
            return Err(MetricsError::UnknownMetric {
                given: name.to_string(),
                valid: METRIC_NAMES.join(", "),
            });
        }
    };
    Ok(value)
}

/// The filled posts of one workplace and whether its declared total was reconciled
/// (`metrics.md` §2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reconciliation {
    /// Filled posts.
    pub filled_posts: f64,
    /// True when the declared total *t* was used although it disagrees with the records.
    pub unreconciled: bool,
}

/// The filled-posts rule of `metrics.md` §2 for *r* staff records and declared total *t*.
pub fn reconcile(records: u64, declared: Option<u32>) -> Reconciliation {
    let r = records as f64;
    let Some(declared) = declared else {
        return Reconciliation {
            filled_posts: r,
            unreconciled: false,
        };
    };
    let t = f64::from(declared);
    if records == u64::from(declared) {
        return Reconciliation {
            filled_posts: r,
            unreconciled: false,
        };
    }
    let mean = (r + t) / 2.0;
    let gap = (t - r).abs();
    if r >= 3.0 && t >= 3.0 && (gap < 5.0 || gap < 0.1 * mean) {
        Reconciliation {
            filled_posts: mean,
            unreconciled: false,
        }
    } else {
        Reconciliation {
            filled_posts: t,
            unreconciled: true,
        }
    }
}

/// Filled posts of one workplace attributed to the roles the group's filter admits: the
/// workplace's filled posts shared in proportion to its staff records (`metrics.md` §2).
pub(crate) fn member_filled_posts(group: &Group<'_, '_>, member: &Member<'_, '_>) -> f64 {
    let all_records = member.staff.len() as u64;
    let filled = reconcile(all_records, member.workplace.total_perm_temp).filled_posts;
    if !group.filter.has_role_filter() {
        return filled;
    }
    let (role_records, _) = member.tally(&group.filter);
    if all_records == 0 {
        // No records to share by: the posts belong to the "not recorded" row.
        0.0
    } else {
        filled * role_records as f64 / all_records as f64
    }
}

fn base(group: &Group<'_, '_>, name: &str, kind: FigureKind) -> MetricValue {
    MetricValue {
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
        kind,
        basis_workplaces: 0,
        withheld_counts: Default::default(),
    }
}

fn count_records(group: &Group<'_, '_>) -> u64 {
    group
        .members
        .iter()
        .map(|member| member.tally(&group.filter).0)
        .sum()
}

/// `staff_records`: current staff records, all contract types (§2).
fn staff_records(group: &Group<'_, '_>) -> MetricValue {
    let records = count_records(group);
    let workplaces = group.members.len() as u64;
    MetricValue {
        value: Some(records as f64),
        workplaces: Some(workplaces),
        records: Some(records),
        basis_workplaces: workplaces,
        ..base(group, "staff_records", FigureKind::Count)
    }
}

/// `filled_posts`: the sum of workplace filled posts, or the role share of it (§2).
fn filled_posts(group: &Group<'_, '_>) -> MetricValue {
    let filled: f64 = group
        .members
        .iter()
        .map(|member| member_filled_posts(group, member))
        .sum();
    let workplaces = group.members.len() as u64;
    MetricValue {
        value: Some(filled),
        workplaces: Some(workplaces),
        records: Some(count_records(group)),
        basis_workplaces: workplaces,
        ..base(group, "filled_posts", FigureKind::Count)
    }
}

fn role_count(group: &Group<'_, '_>, counts: &RoleCounts) -> Option<u64> {
    counts.sum_where(|job_role| group.filter.admits_role(job_role))
}

/// (Σ known vacancies, workplaces with a known answer, workplaces unknown).
fn vacancy_sums(group: &Group<'_, '_>) -> (u64, u64, u64) {
    let mut vacant = 0;
    let mut known = 0;
    let mut unknown = 0;
    for member in &group.members {
        match role_count(group, &member.workplace.vacancies) {
            Some(count) => {
                vacant += count;
                known += 1;
            }
            None => unknown += 1,
        }
    }
    (vacant, known, unknown)
}

/// `vacant_posts`: Σ VACANCIES over known answers (§2).
fn vacant_posts(group: &Group<'_, '_>) -> MetricValue {
    let (vacant, known, unknown) = vacancy_sums(group);
    MetricValue {
        value: Some(vacant as f64),
        workplaces: Some(known),
        records: Some(count_records(group)),
        unknown: Some(unknown),
        basis_workplaces: known,
        ..base(group, "vacant_posts", FigureKind::Count)
    }
}

/// `total_posts`: filled posts + vacant posts (§2).
fn total_posts(group: &Group<'_, '_>) -> MetricValue {
    let filled = filled_posts(group).value.unwrap_or(0.0);
    let (vacant, _, unknown) = vacancy_sums(group);
    let workplaces = group.members.len() as u64;
    MetricValue {
        value: Some(filled + vacant as f64),
        workplaces: Some(workplaces),
        records: Some(count_records(group)),
        unknown: Some(unknown),
        basis_workplaces: workplaces,
        ..base(group, "total_posts", FigureKind::Count)
    }
}

/// `record_completion`: Σ min(r, t) / Σ t over workplaces with a known t (§2).
fn record_completion(group: &Group<'_, '_>) -> Result<MetricValue, MetricsError> {
    if group.filter.has_role_filter() {
        return Err(MetricsError::FilterNotApplicable {
            metric: "record_completion".to_string(),
            filter: "job role or role group".to_string(),
        });
    }
    let mut numerator = 0u64;
    let mut denominator = 0u64;
    let mut known = 0u64;
    let mut unknown = 0u64;
    let mut records = 0u64;
    for member in &group.members {
        match member.workplace.total_perm_temp {
            Some(declared) => {
                let r = member.staff.len() as u64;
                numerator += r.min(u64::from(declared));
                denominator += u64::from(declared);
                records += r;
                known += 1;
            }
            None => unknown += 1,
        }
    }
    Ok(ratio_value(
        group,
        "record_completion",
        numerator as f64,
        denominator as f64,
        RatioCounts {
            workplaces: known,
            records,
            unknown,
            basis_workplaces: known,
        },
    ))
}

struct RatioCounts {
    workplaces: u64,
    records: u64,
    unknown: u64,
    basis_workplaces: u64,
}

fn ratio_value(
    group: &Group<'_, '_>,
    name: &str,
    numerator: f64,
    denominator: f64,
    counts: RatioCounts,
) -> MetricValue {
    MetricValue {
        value: ratio(numerator, denominator),
        numerator: Some(numerator),
        denominator: Some(denominator),
        workplaces: Some(counts.workplaces),
        records: Some(counts.records),
        unknown: Some(counts.unknown),
        basis_workplaces: counts.basis_workplaces,
        ..base(group, name, FigureKind::Ratio)
    }
}

/// The three rates answered by workplaces (§3 table and "By job role").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WorkplaceRate {
    Vacancy,
    Turnover,
    Starters,
}

impl WorkplaceRate {
    fn name(self) -> &'static str {
        match self {
            WorkplaceRate::Vacancy => "vacancy_rate",
            WorkplaceRate::Turnover => "turnover_rate",
            WorkplaceRate::Starters => "starters_rate",
        }
    }

    fn counts(self, workplace: &WorkplaceFacts) -> &RoleCounts {
        match self {
            WorkplaceRate::Vacancy => &workplace.vacancies,
            WorkplaceRate::Turnover => &workplace.leavers,
            WorkplaceRate::Starters => &workplace.starters,
        }
    }
}

fn is_directly_employed(record: &StaffFacts) -> bool {
    record
        .contract
        .is_some_and(|contract| contract.is_directly_employed())
}

/// Vacancy, turnover or starters rate: Σ counts over Σ directly employed records (plus Σ
/// vacancies for the vacancy rate), over workplaces whose answer is known (§3).
fn workplace_rate(group: &Group<'_, '_>, rate: WorkplaceRate) -> MetricValue {
    let mut numerator = 0u64;
    let mut direct_records = 0u64;
    let mut known = 0u64;
    let mut unknown = 0u64;
    for member in &group.members {
        let Some(count) = role_count(group, rate.counts(member.workplace)) else {
            unknown += 1;
            continue;
        };
        known += 1;
        numerator += count;
        direct_records += member.tally(&group.filter).1;
    }
    let denominator = match rate {
        WorkplaceRate::Vacancy => direct_records + numerator,
        WorkplaceRate::Turnover | WorkplaceRate::Starters => direct_records,
    };
    ratio_value(
        group,
        rate.name(),
        numerator as f64,
        denominator as f64,
        RatioCounts {
            workplaces: known,
            records: direct_records,
            unknown,
            basis_workplaces: known,
        },
    )
}

/// A record-based rate (§3): `population` selects the rate's records, `answer` gives
/// `Some(true)` for the numerator, `Some(false)` for the rest of the denominator and `None` for
/// unknown.
fn record_rate(
    group: &Group<'_, '_>,
    name: &str,
    population: impl Fn(&StaffFacts) -> bool,
    answer: impl Fn(&StaffFacts) -> Option<bool>,
) -> MetricValue {
    let mut numerator = 0u64;
    let mut denominator = 0u64;
    let mut records = 0u64;
    let mut workplaces = 0u64;
    let mut basis_workplaces = 0u64;
    for member in &group.members {
        let mut member_records = 0u64;
        let mut member_known = 0u64;
        for record in member.staff.iter().copied() {
            if !group.filter.admits_role(record.job_role) || !population(record) {
                continue;
            }
            member_records += 1;
            if let Some(yes) = answer(record) {
                member_known += 1;
                if yes {
                    numerator += 1;
                }
            }
        }
        records += member_records;
        denominator += member_known;
        workplaces += u64::from(member_records > 0);
        basis_workplaces += u64::from(member_known > 0);
    }
    ratio_value(
        group,
        name,
        numerator as f64,
        denominator as f64,
        RatioCounts {
            workplaces,
            records,
            unknown: records - denominator,
            basis_workplaces,
        },
    )
}

/// `stability_rate`: directly employed records in post for 365 days or more (§3).
fn stability_rate(group: &Group<'_, '_>) -> MetricValue {
    let threshold = group.as_of - Duration::days(365);
    record_rate(group, "stability_rate", is_directly_employed, |record| {
        record.start_date.map(|start| start <= threshold)
    })
}

/// SCQUAL answer for the Level 2+ rate: yes at level 2–8 → true; no, or yes at 0–1 → false;
/// don't know or yes with an unknown level → unknown (§3).
fn qualification_l2_answer(record: &StaffFacts) -> Option<bool> {
    match record.social_care_qualification? {
        Qualification::No => Some(false),
        Qualification::Yes { level } => level.map(|level| (2..=8).contains(&level)),
    }
}

pub(crate) fn hourly_pay(record: &StaffFacts) -> Option<f64> {
    match record.pay? {
        Pay::Hourly(rate) => Some(rate),
        Pay::Annual(_) => None,
    }
}

pub(crate) fn annual_pay(record: &StaffFacts) -> Option<f64> {
    match record.pay? {
        Pay::Annual(salary) => Some(salary),
        Pay::Hourly(_) => None,
    }
}

/// Annual pay as full-time equivalent: SALARY × 37.5 / CONTHOURS when 0 < CONTHOURS < 37.5,
/// else SALARY (§4).
pub(crate) fn annual_pay_fte(record: &StaffFacts) -> Option<f64> {
    let salary = annual_pay(record)?;
    match record.contracted_hours {
        Some(hours) if hours > 0.0 && hours < FULL_TIME_HOURS => {
            Some(salary * FULL_TIME_HOURS / hours)
        }
        _ => Some(salary),
    }
}

/// Values of `extract` over the group's records, with the number of workplaces giving one and
/// the number of records whose pay is unknown.
pub(crate) fn collect_values(
    group: &Group<'_, '_>,
    extract: impl Fn(&StaffFacts) -> Option<f64>,
) -> (Vec<f64>, u64) {
    let mut values = Vec::new();
    let mut workplaces = 0u64;
    let role_filter = group.filter.has_role_filter();
    for member in &group.members {
        if role_filter && member.tally(&group.filter).0 == 0 {
            continue;
        }
        let before = values.len();
        values.extend(
            member
                .staff
                .iter()
                .filter(|record| group.filter.admits_role(record.job_role))
                .filter_map(|record| extract(record)),
        );
        workplaces += u64::from(values.len() > before);
    }
    (values, workplaces)
}

/// A pay median (§4): nearest-rank median over records of every contract type giving that pay
/// form; `records` is n, `unknown` the group's records whose pay is not recorded at all.
fn pay_median(
    group: &Group<'_, '_>,
    name: &str,
    extract: impl Fn(&StaffFacts) -> Option<f64>,
) -> MetricValue {
    let (mut values, workplaces) = collect_values(group, extract);
    let pay_unknown = group
        .records()
        .filter(|(_, record)| record.pay.is_none())
        .count() as u64;
    MetricValue {
        value: stats::nearest_rank_unsorted(&mut values, 50),
        workplaces: Some(workplaces),
        records: Some(values.len() as u64),
        unknown: Some(pay_unknown),
        basis_workplaces: workplaces,
        ..base(group, name, FigureKind::Statistic)
    }
}

/// A mean over a population of records (§4): `value` gives the record's value or `None` when
/// unknown.
fn record_mean(
    group: &Group<'_, '_>,
    name: &str,
    population: impl Fn(&StaffFacts) -> bool,
    value: impl Fn(&StaffFacts) -> Option<f64>,
) -> MetricValue {
    let mut sum = 0.0;
    let mut known = 0u64;
    let mut records = 0u64;
    let mut workplaces = 0u64;
    let mut basis_workplaces = 0u64;
    for member in &group.members {
        let mut member_records = 0u64;
        let mut member_known = 0u64;
        for record in member.staff.iter().copied() {
            if !group.filter.admits_role(record.job_role) || !population(record) {
                continue;
            }
            member_records += 1;
            if let Some(amount) = value(record) {
                sum += amount;
                member_known += 1;
            }
        }
        records += member_records;
        known += member_known;
        workplaces += u64::from(member_records > 0);
        basis_workplaces += u64::from(member_known > 0);
    }
    ratio_value(
        group,
        name,
        sum,
        known as f64,
        RatioCounts {
            workplaces,
            records,
            unknown: records - known,
            basis_workplaces,
        },
    )
}

/// `mean_days_sick`: mean DAYSSICK over directly employed records with a known answer (§4).
fn mean_days_sick(group: &Group<'_, '_>) -> MetricValue {
    record_mean(group, "mean_days_sick", is_directly_employed, |record| {
        record.days_sick
    })
}

/// `mean_years_in_sector`: mean of year(D) − STARTINSECT over records of every contract type
/// with a known year; a year after year(D) is read as unknown.
fn mean_years_in_sector(group: &Group<'_, '_>) -> MetricValue {
    let year = group.as_of.year();
    record_mean(
        group,
        "mean_years_in_sector",
        |_| true,
        |record| {
            record
                .start_in_sector
                .filter(|start| *start <= year)
                .map(|start| f64::from(year - start))
        },
    )
}
