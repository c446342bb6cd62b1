//! `carecount requirements show|set|check` (`compliance.md` §3.4, §8, §10): the shipped profile,
//! an organisation's own rows and settings, checked whole before anything changes.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use carecount_compliance::profile::rows_without_effect;
use carecount_compliance::{Message, OrgSettings, Profile, wire};
use clap::{Args, Subcommand};

use crate::cmd_compliance::{load_org, open_store, org_profile, print_messages};
use crate::global::{AsOfArg, DbArg, OutputFormat, format_date, print_json};

const ACTOR: &str = "cli";

/// Requirement profiles.
#[derive(Debug, Args)]
pub struct RequirementsArgs {
    #[command(subcommand)]
    pub command: RequirementsCommand,
}

#[derive(Debug, Subcommand)]
pub enum RequirementsCommand {
    /// The profile in force: the shipped one, or an organisation's with its own rows.
    Show(ShowArgs),
    /// Replace an organisation's rows file and/or settings (a new profile version).
    Set(SetArgs),
    /// Check an organisation rows file; change nothing.
    Check(CheckArgs),
}

/// `requirements show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    /// The organisation; without it, the shipped profile.
    #[arg(long, value_name = "ID")]
    pub org: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// `requirements set`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carecount requirements set --org acme --file our-rows.csv --expiring-days 90"
)]
pub struct SetArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    #[arg(long, value_name = "ID", default_value = "default")]
    pub org: String,
    /// The organisation's whole rows file (the §3.1 columns plus action, reason).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Expiring window, 1 to 365 days.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub expiring_days: Option<i64>,
    /// Due-soon window, 0 to 365 days.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub due_soon_days: Option<i64>,
    /// Check and report; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// `requirements check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    #[arg(long, value_name = "FILE")]
    pub file: PathBuf,
    /// Also warn about rows no staff record of this organisation matches.
    #[arg(long, value_name = "ID")]
    pub org: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Runs `carecount requirements …`.
pub fn run(args: &RequirementsArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        RequirementsCommand::Show(args) => show(args),
        RequirementsCommand::Set(args) => set(args),
        RequirementsCommand::Check(args) => check(args),
    }
}

fn print_profile(answer: &wire::RequirementsJson, format: OutputFormat) -> anyhow::Result<()> {
    if format == OutputFormat::Json {
        return print_json(answer);
    }
    println!(
        "Requirement profile{}{}: expiring window {} days, due soon {} days",
        answer
            .org
            .as_deref()
            .map(|org| format!(" of {org}"))
            .unwrap_or_else(|| " sfc-2024 (shipped)".to_owned()),
        answer
            .version
            .map(|version| format!(" version {version}"))
            .unwrap_or_default(),
        answer.settings.expiring_days,
        answer.settings.due_soon_days
    );
    for row in &answer.rows {
        println!(
            "  {:<6} {:<30} {:<9} {:<11} {:<12} {:<9} due {:>4} cap {:>4}  roles {}{}",
            row.id,
            row.topic,
            row.level.as_deref().unwrap_or("-"),
            row.class,
            row.origin,
            row.state,
            row.due_within_days,
            row.refresh_months
                .map_or_else(|| "-".to_owned(), |months| months.to_string()),
            row.roles,
            row.reason
                .as_deref()
                .map(|reason| format!("  reason: {reason}"))
                .unwrap_or_default()
        );
    }
    Ok(())
}

fn show(args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let answer = match &args.org {
        None => wire::requirements_json(
            None,
            None,
            None,
            None,
            &Profile::shipped(OrgSettings::default()),
        ),
        Some(org) => {
            let as_of = args.as_of.date();
            let store = open_store(&args.db.db)?;
            let orgs = store.orgs()?;
            if !orgs.contains(org) {
                bail!(
                    "unknown organisation {org:?}; the store holds: {}",
                    orgs.join(", ")
                );
            }
            let (profile, version) = org_profile(&store, org, as_of)?;
            wire::requirements_json(
                Some(org),
                version.as_ref().map(|version| version.version),
                version.as_ref().map(|version| version.effective_from),
                version.as_ref().map(|version| version.sha256.as_str()),
                &profile,
            )
        }
    };
    print_profile(&answer, args.format)?;
    Ok(ExitCode::SUCCESS)
}

fn set(args: &SetArgs) -> anyhow::Result<ExitCode> {
    if args.file.is_none() && args.expiring_days.is_none() && args.due_soon_days.is_none() {
        bail!("nothing to set: give --file, --expiring-days or --due-soon-days");
    }
    let file_text = args
        .file
        .as_ref()
        .map(|path| {
            std::fs::read_to_string(path).with_context(|| format!("cannot open {}", path.display()))
        })
        .transpose()?;
    let as_of = args.as_of.date();
    let mut store = open_store(&args.db.db)?;
    let data = load_org(&store, &args.org, as_of)?;
    let current = store.requirement_profile_at(&args.org, Some(as_of))?;
    let settings = OrgSettings::new(
        args.expiring_days
            .unwrap_or_else(|| i64::from(data.profile.settings().expiring_days())),
        args.due_soon_days
            .unwrap_or_else(|| i64::from(data.profile.settings().due_soon_days())),
    )?;
    let (file_name, text) = match (&args.file, file_text) {
        (Some(path), Some(text)) => (path.display().to_string(), text),
        _ => (
            "requirements".to_owned(),
            current
                .as_ref()
                .map(|version| version.file_text.clone())
                .unwrap_or_default(),
        ),
    };
    let json_output = args.format == OutputFormat::Json;
    let profile = match checked(&text, &file_name, settings) {
        Ok(profile) => profile,
        Err(messages) => {
            print_messages(&messages, json_output)?;
            return Ok(ExitCode::from(1));
        }
    };
    let staff: Vec<(u16, u16, Vec<u16>)> = data
        .staff
        .iter()
        .map(|entry| {
            (
                entry.facts.job_role,
                entry.facts.main_service,
                entry.facts.service_users.clone(),
            )
        })
        .collect();
    let warnings = rows_without_effect(&profile, &file_name, &staff);
    if !json_output {
        for warning in &warnings {
            eprintln!("{warning}");
        }
    }
    if args.dry_run {
        if json_output {
            print_json(&crate::cmd_compliance::messages_json(&warnings))?;
        } else {
            println!("dry run: the profile checks; nothing changed");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let sha256 = carecount_compliance::sha256::hex_digest(text.as_bytes());
    let version = store.save_requirement_profile(
        ACTOR,
        &args.org,
        as_of,
        &text,
        &sha256,
        settings.expiring_days(),
        settings.due_soon_days(),
    )?;
    let answer = wire::requirements_json(
        Some(&args.org),
        Some(version.version),
        Some(version.effective_from),
        Some(&version.sha256),
        &profile,
    );
    if json_output {
        print_json(&answer)?;
    } else {
        println!(
            "saved requirement profile version {} of {}, in force from {}",
            version.version,
            args.org,
            format_date(version.effective_from)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn checked(text: &str, file: &str, settings: OrgSettings) -> Result<Profile, Vec<Message>> {
    if text.trim().is_empty() {
        return Ok(Profile::shipped(settings));
    }
    Profile::with_organisation(
        carecount_compliance::Catalogue::shipped(),
        carecount_compliance::profile::shipped_rows(),
        file,
        text,
        settings,
    )
}

fn check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let file = args.file.display().to_string();
    let json_output = args.format == OutputFormat::Json;
    let profile = match checked(&text, &file, OrgSettings::default()) {
        Ok(profile) => profile,
        Err(messages) => {
            print_messages(&messages, json_output)?;
            return Ok(ExitCode::from(1));
        }
    };
    let warnings = match &args.org {
        None => Vec::new(),
        Some(org) => {
            let store = open_store(&args.db.db)?;
            let data = load_org(&store, org, args.as_of.date())?;
            let staff: Vec<(u16, u16, Vec<u16>)> = data
                .staff
                .iter()
                .map(|entry| {
                    (
                        entry.facts.job_role,
                        entry.facts.main_service,
                        entry.facts.service_users.clone(),
                    )
                })
                .collect();
            rows_without_effect(&profile, &file, &staff)
        }
    };
    if json_output {
        print_json(&crate::cmd_compliance::messages_json(&warnings))?;
    } else {
        for warning in &warnings {
            eprintln!("{warning}");
        }
        println!(
            "{file}: no errors ({} warning(s)); nothing changed",
            warnings.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
