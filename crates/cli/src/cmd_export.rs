//! `carecount export`: the organisation's state as the three ASC-WDS files.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use carecount_store::Store;
use clap::{Args, ValueEnum};

use crate::global::{AsOfArg, DbArg};

#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum ExportFormat {
    /// The three ASC-WDS bulk-upload files.
    #[default]
    Ascwds,
}

/// Write the organisation's records as of a date as the three ASC-WDS bulk-upload files.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carecount export --org acme --out exported/\n  carecount export --org acme --as-of 2025-03-31 --out march-2025/"
)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// The organisation.
    #[arg(long, default_value = "default", value_name = "ID")]
    pub org: String,
    /// The snapshot current on this date (default: the latest).
    #[command(flatten)]
    pub as_of: AsOfArg,
    /// The directory to write workplace.csv, staff.csv and training.csv into (created if needed).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The file format.
    #[arg(long, value_enum, default_value_t)]
    pub format: ExportFormat,
}

pub fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    if !args.db.db.exists() {
        bail!("the store {} does not exist", args.db.db.display());
    }
    let store = Store::open(&args.db.db)
        .with_context(|| format!("opening the store {}", args.db.db.display()))?;
    let Some(snapshot) = store.snapshot_at(&args.org, args.as_of.as_of)? else {
        let orgs = store.orgs()?;
        bail!(
            "organisation {:?} has no snapshot{}; organisations in the store: {}",
            args.org,
            args.as_of
                .as_of
                .map(|d| format!(" on or before {}", crate::global::format_date(d)))
                .unwrap_or_default(),
            if orgs.is_empty() {
                "none".to_string()
            } else {
                orgs.join(", ")
            }
        );
    };
    let scope = store.owner_scope(&args.org)?;
    let records = store.org_records(&scope, &snapshot)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let files = [
        (
            "workplace.csv",
            carecount_ascwds::workplace::write(&records.workplaces),
        ),
        ("staff.csv", carecount_ascwds::staff::write(&records.staff)),
        (
            "training.csv",
            carecount_ascwds::training::write(&records.training),
        ),
    ];
    for (name, text) in files {
        let path = args.out.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    eprintln!(
        "exported {} workplaces, {} staff records, {} training records (snapshot {} as of {}) to {}",
        records.workplaces.len(),
        records.staff.len(),
        records.training.len(),
        snapshot.id,
        crate::global::format_date(snapshot.as_of),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
