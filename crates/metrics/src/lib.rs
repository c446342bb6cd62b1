//! carecount-metrics: every workforce figure of `metrics.md`, defined once.
//!
//! The crate takes a [`Snapshot`] of plain facts (workplaces and staff records as of one date,
//! filled by the caller from the store) and answers:
//!
//! * single metrics by name for any group ([`metric`], [`compute`], [`metric_names`]):
//!   posts and the filled-posts reconciliation (§2), rates (§3), pay medians and means (§4);
//! * tables (§4, §5): demographics, pay by job role, leavers' reasons, field completeness and
//!   the local authority return check ([`tables`]);
//! * workplace benchmarks with the LA → region → England fallback (§7, [`benchmark`]);
//! * the area profile with region and England beside every figure, and trends across snapshots
//!   ([`profile`]), its region and England figures memoised across areas ([`memo`]) and kept in
//!   the store's fact cache ([`results`]) so that one profile reads only its area's facts;
//! * disclosure control (§6) as a separate layer applied by [`Audience`] ([`disclose`],
//!   [`Disclose`]).
//!
//! It is NOT the store (it touches SQLite only through `carecount-store`: [`load`] reads the
//! records of a date and keeps their facts in the store's fact cache, in the binary form of
//! [`codec`]), NOT a renderer (HTML, XLSX and CSV belong to `carecount-reports`), and NOT the
//! place where code tables live (those come from `carecount-codes`). It sees no personal field:
//! ages arrive in whole years, never a date of birth, and no name, NI number or postcode is part
//! of the facts (nor, therefore, of the cache).
//!
//! ```
//! use carecount_metrics::{GroupFilter, Snapshot, metric};
//! use time::macros::date;
//!
//! let snapshot = Snapshot { as_of: date!(2025 - 03 - 31), workplaces: vec![], staff: vec![] };
//! let value = metric(&snapshot, "vacancy_rate", &GroupFilter::england()).unwrap();
//! assert_eq!(value.value, None); // an empty group has no data, never NaN
//! ```

mod classify;
pub mod codec;
pub mod disclosure;
pub mod facts;
pub mod from_domain;
pub mod group;
pub mod load;
pub mod memo;
pub mod metric;
pub mod profile;
pub mod results;
pub mod stats;
pub mod tables;
pub mod value;

pub mod benchmark;

pub use benchmark::{
    Benchmark, BenchmarkRow, ComparisonLevel, benchmark_workplace, with_geography_fallback,
};
pub use disclosure::{Audience, Disclose, disclose};
pub use facts::{
    CareCertificate, Contract, Disability, Gender, Pay, Qualification, RoleCounts, Snapshot,
    StaffFacts, WorkplaceFacts, WorkplaceId,
};
pub use group::{
    Group, GroupDescription, GroupFilter, SnapshotIndex, current_on, parse_role_group, parse_sector,
};
pub use memo::ProfileMemo;
pub use metric::{Reconciliation, compute, metric_names, reconcile};
pub use profile::{AreaProfile, area_profile, area_profile_indexed, area_profile_memo};
pub use value::{Figure, FigureKind, MetricValue, SuppressionReason};

/// Errors a caller can cause: unknown names or codes, or a filter a metric cannot take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetricsError {
    /// The metric name is not one of `metrics.md`.
    #[error("unknown metric `{given}`; valid metrics: {valid}")]
    UnknownMetric {
        /// The name given.
        given: String,
        /// The valid names.
        valid: String,
    },
    /// The service code is not in A.2.
    #[error("unknown service code {given}; valid services: {valid}")]
    UnknownService {
        /// The code given.
        given: u32,
        /// The valid codes with names.
        valid: String,
    },
    /// The job role code is not in A.4.
    #[error("unknown job role code {given}; valid job roles: {valid}")]
    UnknownJobRole {
        /// The code given.
        given: u32,
        /// The valid codes with names.
        valid: String,
    },
    /// The sector is not a sector name.
    #[error("unknown sector `{given}`; valid sectors: {valid}")]
    UnknownSector {
        /// The text given.
        given: String,
        /// The valid names.
        valid: String,
    },
    /// The role group is not a role group name.
    #[error("unknown role group `{given}`; valid role groups: {valid}")]
    UnknownRoleGroup {
        /// The text given.
        given: String,
        /// The valid names.
        valid: String,
    },
    /// The metric is not defined for the filter.
    #[error("metric `{metric}` cannot be filtered by {filter}")]
    FilterNotApplicable {
        /// The metric.
        metric: String,
        /// The filter it cannot take.
        filter: String,
    },
    /// No snapshot is current on the date asked (every import is later).
    #[error("no data as of {date}: the first snapshot is later")]
    NoSnapshot {
        /// The date asked, `YYYY-MM-DD`.
        date: String,
    },
    /// The workplace named for a benchmark is not in the snapshot.
    #[error("no workplace `{localestid}` in organisation `{org}`")]
    UnknownWorkplace {
        /// The organisation.
        org: String,
        /// The LOCALESTID.
        localestid: String,
    },
}

/// One metric for one group of a snapshot, unsuppressed (employer audience). Indexes the
/// snapshot on every call: to compute many figures, build a [`SnapshotIndex`] once and call
/// [`compute`] on its groups.
pub fn metric(
    snapshot: &Snapshot,
    name: &str,
    filter: &GroupFilter,
) -> Result<MetricValue, MetricsError> {
    filter.validate()?;
    let index = SnapshotIndex::new(snapshot);
    compute(name, &index.group(filter))
}

/// One metric for one group as of `date`, from the snapshot current on that date (the latest
/// on or before it), with `date` as D for every date rule. Unsuppressed.
pub fn metric_on(
    snapshots: &[Snapshot],
    date: time::Date,
    name: &str,
    filter: &GroupFilter,
) -> Result<MetricValue, MetricsError> {
    filter.validate()?;
    let snapshot = current_on(snapshots, date).ok_or_else(|| MetricsError::NoSnapshot {
        date: format_date(date),
    })?;
    let index = SnapshotIndex::at(snapshot, date);
    compute(name, &index.group(filter))
}

/// One metric for one group, with disclosure control for `audience`.
pub fn metric_for(
    snapshot: &Snapshot,
    name: &str,
    filter: &GroupFilter,
    audience: Audience,
) -> Result<MetricValue, MetricsError> {
    metric(snapshot, name, filter).map(|value| disclose(value, audience))
}

/// Formats a date as `YYYY-MM-DD`.
pub(crate) fn format_date(date: time::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}
