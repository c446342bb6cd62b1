//! `carecount generate` (`interfaces.md`): writes a realistic, valid, fictional upload.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use carecount_generate::{GenerateOptions, generate, write_to_dir};
use clap::Args;

use crate::global::AsOfArg;

/// Write a fictional ASC-WDS upload (workplace.csv, staff.csv, training.csv).
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Example:\n  carecount generate --out upload/ --workplaces 20 --staff 400 --seed 1 --as-of 2026-11-01\n  carecount generate --from upload/ --from-as-of 2026-11-01 --out next/ --as-of 2027-11-01   # a year later: leavers gone, starters NEW, the rest UPDATE"
)]
pub struct GenerateArgs {
    /// Directory to write workplace.csv, staff.csv and training.csv into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of workplaces.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub workplaces: u32,
    /// Number of staff records in all (at least one and at most 999 per workplace).
    #[arg(long, value_name = "N", default_value_t = 400)]
    pub staff: u64,
    /// Seed: the same seed gives the same bytes.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub as_of: AsOfArg,
    /// Instead of a new upload, write the next one of an upload generated earlier (a directory):
    /// the same workplaces at --as-of, with leavers omitted, starters NEW and the rest UPDATE.
    #[arg(long, value_name = "DIR", requires = "from_as_of")]
    pub from: Option<PathBuf>,
    /// The as-of date of the upload given with --from.
    #[arg(long = "from-as-of", value_name = "YYYY-MM-DD", value_parser = crate::global::parse_date, requires = "from")]
    pub from_as_of: Option<time::Date>,
    /// With --from: the share of staff records that leave (default 0.25).
    #[arg(long, value_name = "RATE", default_value_t = 0.25, requires = "from")]
    pub turnover: f64,
}

/// Generates the upload and writes it. Impossible counts are a usage error (exit 2).
pub fn run(args: &GenerateArgs) -> anyhow::Result<ExitCode> {
    let options = GenerateOptions {
        workplaces: args.workplaces,
        staff: args.staff,
        seed: args.seed,
        as_of: args.as_of.date(),
    };
    let result = match (&args.from, args.from_as_of) {
        (Some(dir), Some(previous_as_of)) => {
            let read = |name: &str| {
                std::fs::read_to_string(dir.join(name))
                    .with_context(|| format!("cannot open {}", dir.join(name).display()))
            };
            let previous = carecount_generate::GeneratedUpload {
                as_of: previous_as_of,
                workplace: read("workplace.csv")?,
                staff: read("staff.csv")?,
                training: read("training.csv")?,
            };
            let evolve = carecount_generate::EvolveOptions {
                seed: args.seed,
                as_of: options.as_of,
                turnover: args.turnover,
                growth: 0.01,
            };
            carecount_generate::evolve(&previous, &evolve)
        }
        _ => generate(&options),
    };
    let upload = match result {
        Ok(upload) => upload,
        Err(error) => {
            eprintln!("error: {error}");
            return Ok(ExitCode::from(2));
        }
    };
    write_to_dir(&upload, &args.out)
        .with_context(|| format!("writing the upload to {}", args.out.display()))?;
    let training_records = upload.training.lines().count().saturating_sub(1);
    eprintln!(
        "wrote {} workplaces, {} staff records and {} training records to {}",
        upload.workplace.lines().count().saturating_sub(1),
        upload.staff.lines().count().saturating_sub(1),
        training_records,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
