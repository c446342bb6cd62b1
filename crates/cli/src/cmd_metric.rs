//! `carecount metric NAME` (`interfaces.md` "Workforce intelligence").

use std::process::ExitCode;

use anyhow::Context;
use carecount_metrics::{Audience, GroupFilter, MetricsError};
use carecount_store::Store;
use clap::{Args, ValueEnum};

use crate::global::{AsOfArg, DbArg, OutputFormat, print_json};

#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum AudienceArg {
    /// Whoever holds the store: figures unsuppressed.
    #[default]
    Employer,
    /// Disclosure control of metrics.md §6 applied.
    Commissioner,
}

impl From<AudienceArg> for Audience {
    fn from(a: AudienceArg) -> Audience {
        match a {
            AudienceArg::Employer => Audience::Employer,
            AudienceArg::Commissioner => Audience::Commissioner,
        }
    }
}

/// The group filters shared by `metric` and the reports.
#[derive(Debug, Clone, Args)]
pub struct FilterArgs {
    /// Workplaces of this organisation.
    #[arg(long, value_name = "ID")]
    pub org: Option<String>,
    /// One workplace (LOCALESTID) of --org.
    #[arg(long, value_name = "LOCALESTID")]
    pub workplace: Option<String>,
    /// A council's ONS code or name, or a user's own area.
    #[arg(long, value_name = "LA")]
    pub area: Option<String>,
    /// A region's ONS code or name.
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Workplaces whose main service is this code (ascwds-formats.md A.2).
    #[arg(long, value_name = "CODE")]
    pub service: Option<u32>,
    /// local_authority | private | voluntary | other | independent.
    #[arg(long, value_name = "SECTOR")]
    pub sector: Option<String>,
    /// Staff records of this main job role code (A.4).
    #[arg(long = "job-role", value_name = "CODE")]
    pub job_role: Option<u32>,
    /// direct_care | manager | regulated | other.
    #[arg(long = "role-group", value_name = "GROUP")]
    pub role_group: Option<String>,
}

impl FilterArgs {
    pub fn to_filter(&self) -> Result<GroupFilter, MetricsError> {
        Ok(GroupFilter {
            org: self.org.clone(),
            workplace: self.workplace.clone(),
            area: self.area.as_deref().map(crate::analysis::area_code),
            region: self.region.as_deref().map(crate::analysis::region_code),
            service: self.service,
            sector: self
                .sector
                .as_deref()
                .map(carecount_metrics::group::parse_sector)
                .transpose()?,
            job_role: self.job_role,
            role_group: self
                .role_group
                .as_deref()
                .map(carecount_metrics::group::parse_role_group)
                .transpose()?,
        })
    }
}

/// One workforce metric for one group, as of a date.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carecount metric vacancy_rate --area E08000018 --as-of 2025-03-31 --format json\n  carecount metric median_hourly_pay --org acme --job-role 8"
)]
pub struct MetricArgs {
    /// The metric (metrics.md), e.g. vacancy_rate, turnover_rate, filled_posts.
    pub name: String,
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// employer (unsuppressed) or commissioner (disclosure control).
    #[arg(long, value_enum, default_value_t)]
    pub audience: AudienceArg,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

pub fn run(args: &MetricArgs) -> anyhow::Result<ExitCode> {
    let usage = |e: MetricsError| -> anyhow::Result<ExitCode> {
        eprintln!("error: {e}");
        Ok(ExitCode::from(2))
    };
    if !carecount_metrics::metric_names().contains(&args.name.as_str()) {
        return usage(MetricsError::UnknownMetric {
            given: args.name.clone(),
            valid: carecount_metrics::metric_names().join(", "),
        });
    }
    let filter = match args
        .filter
        .to_filter()
        .and_then(|f| f.validate().map(|()| f))
    {
        Ok(f) => f,
        Err(e) => return usage(e),
    };
    if !args.db.db.exists() {
        anyhow::bail!(
            "the store {} does not exist (import an upload first, or run `carecount demo`)",
            args.db.db.display()
        );
    }
    let store = Store::open(&args.db.db)
        .with_context(|| format!("opening the store {}", args.db.db.display()))?;
    if filter.workplace.is_some() && filter.org.is_none() && store.orgs()?.len() > 1 {
        anyhow::bail!("--workplace needs --org: the store holds more than one organisation");
    }
    // Read only the workplaces the group can contain (an area's figures on a national store read
    // that area's part of the fact cache alone).
    let scope = if let Some(area) = &filter.area {
        crate::analysis::Scope::Area(area.clone())
    } else if let Some(region) = &filter.region {
        crate::analysis::Scope::Region(region.clone())
    } else if let Some(org) = &filter.org {
        crate::analysis::Scope::Org(org.clone())
    } else {
        crate::analysis::Scope::All
    };
    let snapshot = crate::analysis::snapshot_scoped(&store, args.as_of.date(), &scope)?;
    let value =
        match carecount_metrics::metric_for(&snapshot, &args.name, &filter, args.audience.into()) {
            Ok(v) => v,
            Err(e) => return usage(e),
        };
    match args.format {
        OutputFormat::Json => print_json(&value)?,
        OutputFormat::Text => {
            let shown = match (value.value, value.suppressed) {
                (_, true) => format!(
                    "suppressed ({})",
                    value
                        .suppression_reason
                        .map(|r| format!("{r:?}"))
                        .unwrap_or_default()
                ),
                (None, false) => "no data".to_string(),
                (Some(v), false) => format!("{v}"),
            };
            println!("{} = {shown}", value.metric);
            if let (Some(n), Some(d)) = (value.numerator, value.denominator) {
                println!("  numerator {n}, denominator {d}");
            }
            println!(
                "  workplaces {}, records {}, unknown {}",
                value.workplaces.map_or("-".into(), |v| v.to_string()),
                value.records.map_or("-".into(), |v| v.to_string()),
                value.unknown.map_or("-".into(), |v| v.to_string())
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
