//! `carecount report area|workplace` (`interfaces.md` "Workforce intelligence").

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use carecount_metrics::{Audience, ProfileMemo, SnapshotIndex};
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
    after_help = "Examples:\n  carecount report area --area \"Demo LA\" --db demo.db --as-of 2025-03-31 --format html --out demo-la.html\n  carecount report area --all-areas --db demo.db --format json --out-dir reports/"
)]
pub struct AreaArgs {
    /// A council's ONS code or name, or a user's own area.
    #[arg(
        long,
        value_name = "LA",
        required_unless_present = "all_areas",
        conflicts_with = "all_areas"
    )]
    pub area: Option<String>,
    /// Every area of the store: one file per area in --out-dir, named by area code.
    #[arg(long, requires = "out_dir")]
    pub all_areas: bool,
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    /// commissioner (default: disclosure control) or employer.
    #[arg(long, value_enum, default_value = "commissioner")]
    pub audience: AudienceArg,
    #[arg(long, value_enum)]
    pub format: ReportFormat,
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "all_areas",
        conflicts_with = "all_areas"
    )]
    pub out: Option<PathBuf>,
    /// With --all-areas: the directory the reports are written to (created when missing).
    #[arg(long, value_name = "DIR", requires = "all_areas")]
    pub out_dir: Option<PathBuf>,
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
    if args.all_areas {
        return all_areas(args);
    }
    let (Some(area), Some(out)) = (&args.area, &args.out) else {
        anyhow::bail!("--area and --out are required without --all-areas");
    };
    let store = open(&args.db)?;
    let date = args.as_of.date();
    let code = crate::analysis::area_code(area);
    let audience: Audience = args.audience.into();
    // Region and England figures come from the store's fact cache when a profile of the same
    // data computed them before; then only the area's facts are read.
    let Some((profile, _)) =
        carecount_metrics::results::area_profile_stored(&store, date, &code, audience)?
    else {
        eprintln!(
            "error: no data as of {}: the store has no snapshot on or before that date",
            crate::global::format_date(date)
        );
        return Ok(ExitCode::from(2));
    };
    if profile.coverage.workplaces.value != Some(0.0) {
        carecount_reports::area::area_report(&profile, args.format.into(), out)?;
        eprintln!("area report written to {}", out.display());
        return Ok(ExitCode::SUCCESS);
    }
    let current = crate::analysis::snapshot_on(&store, date)?;
    let areas = areas_in(std::slice::from_ref(&current));
    eprintln!(
        "error: no workplace is placed in area {:?} as of {}; areas in the store: {}",
        area,
        crate::global::format_date(date),
        areas.join(", ")
    );
    Ok(ExitCode::from(2))
}

/// The areas workplaces of the current (last) snapshot are placed in, sorted.
fn areas_in(snapshots: &[carecount_metrics::Snapshot]) -> Vec<String> {
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
    areas
}

/// `--all-areas`: one report per area of the store, facts loaded once, one memo.
fn all_areas(args: &AreaArgs) -> anyhow::Result<ExitCode> {
    let Some(dir) = &args.out_dir else {
        anyhow::bail!("--all-areas needs --out-dir");
    };
    let store = open(&args.db)?;
    let date = args.as_of.date();
    let state = store.fact_cache_state()?;
    let snapshots = crate::analysis::snapshots_until(&store, date)?;
    let audience: Audience = args.audience.into();
    let areas = areas_in(&snapshots);
    if areas.is_empty() {
        eprintln!(
            "error: no workplace is placed in any area as of {}",
            crate::global::format_date(date)
        );
        return Ok(ExitCode::from(2));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let extension = match args.format {
        ReportFormat::Html => "html",
        ReportFormat::Json => "json",
        ReportFormat::Csv => "csv",
        ReportFormat::Xlsx => "xlsx",
    };
    let indexes: Vec<SnapshotIndex<'_>> = snapshots.iter().map(SnapshotIndex::new).collect();
    let mut memo = ProfileMemo::new();
    let bar = crate::progress::bar(areas.len() as u64, "areas");
    for code in &areas {
        let Some(profile) =
            carecount_metrics::area_profile_indexed(&indexes, code, None, audience, &mut memo)
        else {
            continue;
        };
        let out = dir.join(format!("{}.{extension}", file_name(code)));
        carecount_reports::area::area_report(&profile, args.format.into(), &out)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    // Keep the region and England figures for later single-area reports (not written when an
    // import happened meanwhile; a store that cannot be written still gave its reports).
    let _ = carecount_metrics::results::save_results(&store, &state, &memo);
    eprintln!(
        "{} area reports written to {} (region and England figures: {} computed, {} reused)",
        areas.len(),
        dir.display(),
        memo.computed(),
        memo.hits()
    );
    Ok(ExitCode::SUCCESS)
}

/// An area code as a file name: characters other than letters, digits, `-` and `_` (a user's
/// own area name may hold any) become `_`.
fn file_name(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
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
