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
    after_help = "Example:\n  carecount generate --out upload/ --workplaces 20 --staff 400 --seed 1 --as-of 2026-11-01"
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
}

/// Generates the upload and writes it. Impossible counts are a usage error (exit 2).
pub fn run(args: &GenerateArgs) -> anyhow::Result<ExitCode> {
    let options = GenerateOptions {
        workplaces: args.workplaces,
        staff: args.staff,
        seed: args.seed,
        as_of: args.as_of.date(),
    };
    let upload = match generate(&options) {
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
        options.workplaces,
        options.staff,
        training_records,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
