//! The `carecount` binary: a thin shell over the library crates.
//!
//! `main` parses arguments with clap, turns them into typed requests, runs one command and maps
//! the outcome to the exit codes of `interfaces.md`: 0 success, 1 the input has errors (nothing
//! changed), 2 usage error, unreadable file or internal failure. All real work lives in the
//! library crates; `anyhow` lives here and nowhere else.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod global;

/// Workforce intelligence and planning for adult social care in England.
#[derive(Debug, Parser)]
#[command(name = "carecount", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {}

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
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {}
}
