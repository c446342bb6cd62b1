//! The `carecount` binary: a thin shell over the library crates.
//!
//! `main` parses arguments with clap, turns them into typed requests, runs one command and maps
//! the outcome to the exit codes of `interfaces.md`: 0 success, 1 the input has errors (nothing
//! changed), 2 usage error, unreadable file or internal failure. All real work lives in the
//! library crates; `anyhow` lives here and nowhere else.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc instead of the system allocator: validating and importing an upload allocates and
/// frees millions of small strings, where glibc's malloc spent about a third of the time
/// (issue 3; figures in BENCHMARKS.md "Upload"). Built with `no_thp`: asking for transparent huge
/// pages made the kernel's page clearing dominate (docs/decisions/ascwds.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod analysis;
mod cmd_catalogue;
mod cmd_compliance;
mod cmd_demo;
mod cmd_export;
mod cmd_generate;
mod cmd_metric;
mod cmd_project;
mod cmd_report;
mod cmd_requirements;
mod cmd_serve;
mod cmd_training;
mod cmd_upload;
mod global;
mod postcodes;
mod progress;
mod upload;

/// Workforce intelligence and planning for adult social care in England.
#[derive(Debug, Parser)]
#[command(name = "carecount", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check an ASC-WDS bulk upload against every rule; changes nothing.
    Validate(cmd_upload::ValidateArgs),
    /// Validate an upload and apply it to an organisation as a new dated snapshot.
    Import(cmd_upload::ImportArgs),
    /// Write an organisation's records as the three ASC-WDS bulk-upload files.
    Export(cmd_export::ExportArgs),
    /// Load the demo data set through the real import path.
    Demo(cmd_demo::DemoArgs),
    /// Write a realistic fictional ASC-WDS upload.
    Generate(cmd_generate::GenerateArgs),
    /// One workforce metric for one group, as of a date.
    Metric(cmd_metric::MetricArgs),
    /// Area and workplace profiles (HTML, JSON, CSV, XLSX).
    Report(cmd_report::ReportArgs),
    /// Serve the web app and the JSON API.
    Serve(cmd_serve::ServeArgs),
    /// Run the workforce projection of planning.md under a scenario.
    Project(cmd_project::ProjectArgs),
    /// Training compliance: status, matrix, expiring, alerts, training needs analysis.
    Compliance(cmd_compliance::ComplianceArgs),
    /// Entered training records, registrations, supervision and exemptions.
    Training(cmd_training::TrainingArgs),
    /// Requirement profiles: show, set, check.
    Requirements(cmd_requirements::RequirementsArgs),
    /// The training catalogue: show, or replace it (administrators).
    Catalogue(cmd_catalogue::CatalogueArgs),
}

/// The store whose catalogue (`carecount catalogue set`) a command judges training with: the
/// `--db` of the compliance commands and of `serve` (none for a `serve --demo` store).
fn catalogue_db(command: &Command) -> Option<std::path::PathBuf> {
    match command {
        Command::Compliance(_)
        | Command::Training(_)
        | Command::Requirements(_)
        | Command::Catalogue(_) => {
            let mut args = std::env::args_os().skip(1);
            let mut db = std::path::PathBuf::from("carecount.db");
            while let Some(arg) = args.next() {
                if arg == "--db" {
                    if let Some(path) = args.next() {
                        db = path.into();
                    }
                } else if let Some(path) = arg.to_str().and_then(|arg| arg.strip_prefix("--db=")) {
                    db = path.into();
                }
            }
            Some(db)
        }
        Command::Serve(args) => match (&args.db, args.demo) {
            (Some(db), _) => Some(db.clone()),
            (None, false) => Some("carecount.db".into()),
            (None, true) => None,
        },
        _ => None,
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return match error.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    // Rust ignores SIGPIPE, so printing to a closed pipe (`carecount catalogue show | head`)
    // would fail mid-output; the default action ends the process quietly, as other tools do.
    // Not for `serve`: a client that hangs up must never end the server.
    #[cfg(unix)]
    if !matches!(cli.command, Command::Serve(_)) {
        // SAFETY: called before any thread is started; SIG_DFL is a valid handler.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Some(db) = catalogue_db(&cli.command) {
        cmd_catalogue::install_stored(&db)?;
    }
    match cli.command {
        Command::Validate(args) => cmd_upload::validate(&args),
        Command::Import(args) => cmd_upload::import(&args),
        Command::Export(args) => cmd_export::run(&args),
        Command::Demo(args) => cmd_demo::run(&args),
        Command::Generate(args) => cmd_generate::run(&args),
        Command::Metric(args) => cmd_metric::run(&args),
        Command::Report(args) => cmd_report::run(&args),
        Command::Serve(args) => cmd_serve::run(&args),
        Command::Project(args) => cmd_project::run(&args, &analysis::planning_data_set),
        Command::Compliance(args) => cmd_compliance::run(&args),
        Command::Training(args) => cmd_training::run(&args),
        Command::Requirements(args) => cmd_requirements::run(&args),
        Command::Catalogue(args) => cmd_catalogue::run(&args),
    }
}
