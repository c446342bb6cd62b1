//! Options shared by every command (`interfaces.md`, "Common to every command").

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};

/// Output format for people or scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

/// `--db`: the store. Default `./carecount.db`.
#[derive(Debug, Clone, Args)]
pub struct DbArg {
    /// The store: an SQLite file (created on first use).
    #[arg(long, value_name = "PATH", default_value = "carecount.db")]
    pub db: PathBuf,
}

/// `--as-of YYYY-MM-DD`: the date the data describes. Default: today.
#[derive(Debug, Clone, Args)]
pub struct AsOfArg {
    /// The date the data describes, and the "today" of every date rule (YYYY-MM-DD; default today).
    #[arg(long = "as-of", value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<time::Date>,
}

impl AsOfArg {
    /// The as-of date, or today (UTC) when none was given.
    pub fn date(&self) -> time::Date {
        self.as_of.unwrap_or_else(today)
    }
}

/// Today's date in UTC.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// Parses `YYYY-MM-DD` into a date (clap value parser).
pub fn parse_date(text: &str) -> Result<time::Date, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, format)
        .map_err(|_| format!("`{text}` is not a date of the form YYYY-MM-DD"))
}

/// Writes a JSON value to stdout, alone, pretty-printed with a final newline.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value).context("serialising JSON output")?;
    println!("{text}");
    Ok(())
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_date(date: time::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}
