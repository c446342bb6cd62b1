//! `carecount report area|workplace` (`interfaces.md` "Workforce intelligence").

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use carecount_metrics::{Audience, SnapshotIndex};
use carecount_reports::format::Format;
use carecount_store::Store;
use clap::{Args, Subcommand, ValueEnum};

use crate::cmd_metric::AudienceArg;
use crate::global::{AsOfArg, DbArg};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Html,
    Json,
    Csv,
    Xlsx,
}

impl From<ReportFormat> for Format {
    fn from(f: ReportFormat) -> Format {
        match f {
            ReportFormat::Html => Format::Html,
            ReportFormat::Json => Format::Json,
            ReportFormat::Csv => Format::Csv,
            ReportFormat::Xlsx => Format::Xlsx,
        }
    }
}

/// Area and workplace profiles.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub report: Report,
}

#[derive(Debug, Subcommand)]
pub enum Report {
    /// The area profile: every figure beside region and England, with trends.
    Area(AreaArgs),
    /// A workplace's figures with benchmarks (comparison group, quartiles, rank).
    Workplace(WorkplaceArgs),
}

#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carecount report area --area \"Demo LA\" --db demo.db --as-of 2025-03-31 --format html --out demo-la.html"
)]
pub struct AreaArgs {
    /// A council's ONS code or name, or a user's own area.
    #[arg(long, value_name = "LA")]
    pub area: String,
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    /// commissioner (default: disclosure control) or employer.
    #[arg(long, value_enum, default_value = "commissioner")]
    pub audience: AudienceArg,
    #[arg(long, value_enum)]
    pub format: ReportFormat,
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carecount report workplace --org demo-care --workplace WP00001 --db demo.db --format html --out wp.html"
)]
pub struct WorkplaceArgs {
    /// The organisation.
    #[arg(long, value_name = "ID")]
    pub org: String,
    /// The workplace's LOCALESTID.
    #[arg(long, value_name = "LOCALESTID")]
    pub workplace: String,
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    #[arg(long, value_enum)]
    pub format: ReportFormat,
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

fn open(db: &DbArg) -> anyhow::Result<Store> {
    if !db.db.exists() {
        anyhow::bail!(
            "the store {} does not exist (import an upload first, or run `carecount demo`)",
            db.db.display()
        );
    }
    Store::open(&db.db).with_context(|| format!("opening the store {}", db.db.display()))
}

pub fn run(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    match &args.report {
        Report::Area(a) => area(a),
        Report::Workplace(w) => workplace(w),
    }
}

fn area(args: &AreaArgs) -> anyhow::Result<ExitCode> {
    let store = open(&args.db)?;
    let date = args.as_of.date();
    let code = crate::analysis::area_code(&args.area);
    let snapshots = crate::analysis::snapshots_until(&store, date)?;
    let audience: Audience = args.audience.into();
    let Some(profile) = carecount_metrics::area_profile(&snapshots, &code, None, audience) else {
        eprintln!(
            "error: no data as of {}: the store has no snapshot on or before that date",
            crate::global::format_date(date)
        );
        return Ok(ExitCode::from(2));
    };
    let current = snapshots.last().map(|s| {
        s.workplaces
            .iter()
            .any(|w| w.area_code.as_deref() == Some(code.as_str()))
    });
    if current != Some(true) {
        let mut areas: Vec<String> = snapshots
            .last()
            .map(|s| {
                s.workplaces
                    .iter()
                    .filter_map(|w| w.area_code.clone())
                    .collect()
            })
            .unwrap_or_default();
        areas.sort();
        areas.dedup();
        eprintln!(
            "error: no workplace is placed in area {:?} as of {}; areas in the store: {}",
            args.area,
            crate::global::format_date(date),
            areas.join(", ")
        );
        return Ok(ExitCode::from(2));
    }
    carecount_reports::area::area_report(&profile, args.format.into(), &args.out)?;
    eprintln!("area report written to {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}

fn workplace(args: &WorkplaceArgs) -> anyhow::Result<ExitCode> {
    let store = open(&args.db)?;
    let date = args.as_of.date();
    let snapshot = crate::analysis::snapshot_on(&store, date)?;
    let index = SnapshotIndex::new(&snapshot);
    let benchmark = match carecount_metrics::benchmark_workplace(&index, &args.org, &args.workplace)
    {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    carecount_reports::workplace::workplace_report(
        &benchmark,
        &crate::global::format_date(date),
        args.format.into(),
        &args.out,
    )?;
    eprintln!("workplace report written to {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
