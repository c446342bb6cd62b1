//! `carecount training add|import|list|delete|exempt|unexempt` (`compliance.md` §8, §10): records
//! ASC-WDS does not hold (levels, registrations, supervision and appraisal), and exemptions.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use carecount_compliance::from_store;
use carecount_compliance::import::one_line_import;
use carecount_compliance::{Catalogue, Exemption, ExemptionReason, Message, Rules, Severity};
use carecount_store::compliance::NewExemption;
use clap::{Args, Subcommand};
use serde_json::json;

use crate::cmd_compliance::{
    check_staff_flags, check_topic_flag, load_org, messages_json, open_store, print_messages,
};
use crate::global::{AsOfArg, DbArg, OutputFormat, format_date, parse_date, print_json};

/// Who the CLI writes as in the audit log.
const ACTOR: &str = "cli";

/// Entered training records, registrations, supervision and exemptions.
#[derive(Debug, Args)]
pub struct TrainingArgs {
    #[command(subcommand)]
    pub command: TrainingCommand,
}

#[derive(Debug, Subcommand)]
pub enum TrainingCommand {
    /// Add one record (training, a registration, a supervision or appraisal meeting).
    Add(AddArgs),
    /// Add records from a CSV file, checked whole first.
    Import(ImportArgs),
    /// List entered records and exemptions.
    List(ListArgs),
    /// Delete an entered record.
    Delete(IdArgs),
    /// Exempt a staff record from a topic.
    Exempt(ExemptArgs),
    /// Delete an exemption.
    Unexempt(IdArgs),
}

/// `training add`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carecount training add --org acme --workplace WP1 --staff W001 --topic safeguarding_adults --level silver --completed 2026-01-15 --validity 12"
)]
pub struct AddArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    #[arg(long, value_name = "ID", default_value = "default")]
    pub org: String,
    /// LOCALESTID.
    #[arg(long, value_name = "W")]
    pub workplace: String,
    /// UNIQUEWORKERID.
    #[arg(long, value_name = "S")]
    pub staff: String,
    #[arg(long, value_name = "T")]
    pub topic: String,
    #[arg(long, value_name = "L")]
    pub level: Option<String>,
    /// Completion (or meeting, or registration) date, YYYY-MM-DD.
    #[arg(long, value_name = "D")]
    pub completed: String,
    /// Expiry date (required for a registration).
    #[arg(long, value_name = "D", conflicts_with = "validity")]
    pub expires: Option<String>,
    /// Validity in months, 1 to 999.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub validity: Option<String>,
    #[arg(long, value_name = "T")]
    pub title: Option<String>,
    #[arg(long, value_name = "T")]
    pub provider: Option<String>,
    #[arg(long, value_name = "T")]
    pub notes: Option<String>,
    /// A registration's PIN or number.
    #[arg(long, value_name = "PIN")]
    pub number: Option<String>,
    /// A registration's revalidation date.
    #[arg(long = "revalidation-due", value_name = "D")]
    pub revalidation_due: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// `training import`.
#[derive(Debug, Args)]
#[command(
    after_help = "Columns: localestid,uniqueworkerid,topic,level,completed,expires,validity,title,provider,number,revalidation_due,notes"
)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    #[arg(long, value_name = "ID", default_value = "default")]
    pub org: String,
    #[arg(long, value_name = "FILE")]
    pub file: PathBuf,
    /// Check and report; store nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// `training list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    #[arg(long, value_name = "ID", default_value = "default")]
    pub org: String,
    #[arg(long, value_name = "W")]
    pub workplace: Option<String>,
    #[arg(long, value_name = "S", requires = "workplace")]
    pub staff: Option<String>,
    #[arg(long, value_name = "T")]
    pub topic: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// `training delete` and `training unexempt`.
#[derive(Debug, Args)]
pub struct IdArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long, value_name = "ID", default_value = "default")]
    pub org: String,
    /// The record's or exemption's id (see `training list`).
    #[arg(long, value_name = "N")]
    pub id: i64,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// `training exempt`.
#[derive(Debug, Args)]
pub struct ExemptArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    #[arg(long, value_name = "ID", default_value = "default")]
    pub org: String,
    #[arg(long, value_name = "W")]
    pub workplace: String,
    #[arg(long, value_name = "S")]
    pub staff: String,
    #[arg(long, value_name = "T")]
    pub topic: String,
    /// long_term_absence | holds_equivalent | not_applicable_to_duties | other.
    #[arg(long, value_name = "R")]
    pub reason: String,
    /// Where the evidence is (holds_equivalent) or why (other).
    #[arg(long, value_name = "T", default_value = "")]
    pub note: String,
    /// First day (default: the as-of date).
    #[arg(long, value_name = "D", value_parser = parse_date)]
    pub from: Option<time::Date>,
    /// Last day (inclusive).
    #[arg(long, value_name = "D", value_parser = parse_date)]
    pub until: Option<time::Date>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Runs `carecount training …`.
pub fn run(args: &TrainingArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        TrainingCommand::Add(args) => add(args),
        TrainingCommand::Import(args) => import(args),
        TrainingCommand::List(args) => list(args),
        TrainingCommand::Delete(args) => delete(args, false),
        TrainingCommand::Exempt(args) => exempt(args),
        TrainingCommand::Unexempt(args) => delete(args, true),
    }
}

fn add(args: &AddArgs) -> anyhow::Result<ExitCode> {
    check_topic_flag(&args.topic, args.level.as_deref())?;
    let as_of = args.as_of.date();
    let mut store = open_store(&args.db.db)?;
    let data = load_org(&store, &args.org, as_of)?;
    check_staff_flags(&data, Some(&args.workplace), Some(&args.staff))?;
    // The flags go through the import's checks as one line, so both paths judge alike (§10).
    let text_of = |value: &Option<String>| value.clone().unwrap_or_default();
    let (level, expires, validity) = (
        text_of(&args.level),
        text_of(&args.expires),
        text_of(&args.validity),
    );
    let (title, provider, number) = (
        text_of(&args.title),
        text_of(&args.provider),
        text_of(&args.number),
    );
    let (revalidation_due, notes) = (text_of(&args.revalidation_due), text_of(&args.notes));
    let text = one_line_import([
        &args.workplace,
        &args.staff,
        &args.topic,
        &level,
        &args.completed,
        &expires,
        &validity,
        &title,
        &provider,
        &number,
        &revalidation_due,
        &notes,
    ])
    .context("writing the record")?;
    let json_output = args.format == OutputFormat::Json;
    match from_store::check_import(&store, &data, "training add", &text)? {
        Err(messages) => {
            print_messages(&messages, json_output)?;
            Ok(ExitCode::from(1))
        }
        Ok((records, warnings)) => {
            let ids = store.add_compliance_records(ACTOR, &args.org, &records)?;
            report_stored(&ids, &warnings, json_output, false)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn report_stored(
    ids: &[i64],
    warnings: &[Message],
    json_output: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    if json_output {
        let mut value = messages_json(warnings);
        value["dry_run"] = json!(dry_run);
        value["stored"] = json!(ids.len());
        value["ids"] = json!(ids);
        print_json(&value)?;
    } else {
        for warning in warnings {
            eprintln!("{warning}");
        }
        if dry_run {
            println!("dry run: nothing stored");
        } else {
            println!(
                "stored {} record(s){}",
                ids.len(),
                if ids.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", id {}",
                        ids.iter()
                            .map(i64::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            );
        }
    }
    Ok(())
}

fn import(args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let as_of = args.as_of.date();
    let mut store = open_store(&args.db.db)?;
    let data = load_org(&store, &args.org, as_of)?;
    let file = args.file.display().to_string();
    let json_output = args.format == OutputFormat::Json;
    match from_store::check_import(&store, &data, &file, &text)? {
        Err(messages) => {
            print_messages(&messages, json_output)?;
            Ok(ExitCode::from(1))
        }
        Ok((records, warnings)) => {
            let ids = if args.dry_run || records.is_empty() {
                Vec::new()
            } else {
                store.add_compliance_records(ACTOR, &args.org, &records)?
            };
            if args.dry_run && !json_output {
                println!("{} record(s) would be stored", records.len());
            }
            report_stored(&ids, &warnings, json_output, args.dry_run)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn date_json(date: Option<time::Date>) -> serde_json::Value {
    date.map_or(serde_json::Value::Null, |date| json!(format_date(date)))
}

fn list(args: &ListArgs) -> anyhow::Result<ExitCode> {
    if let Some(topic) = &args.topic {
        check_topic_flag(topic, None)?;
    }
    let as_of = args.as_of.date();
    let store = open_store(&args.db.db)?;
    let data = load_org(&store, &args.org, as_of)?;
    check_staff_flags(&data, args.workplace.as_deref(), args.staff.as_deref())?;
    let keys = |staff_id: i64| {
        data.staff
            .iter()
            .find(|entry| entry.staff_id == staff_id)
            .map(|entry| (entry.facts.workplace.clone(), entry.facts.staff.clone()))
    };
    let wanted = |staff_id: i64, topic: &str| {
        let found = keys(staff_id);
        let place_ok = match (&args.workplace, &found) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(workplace), Some((found_workplace, found_staff))) => {
                workplace == found_workplace
                    && args.staff.as_ref().is_none_or(|staff| staff == found_staff)
            }
        };
        place_ok && args.topic.as_deref().is_none_or(|wanted| wanted == topic)
    };
    let records: Vec<serde_json::Value> = store
        .compliance_records(Some(&args.org))?
        .iter()
        .filter(|stored| wanted(stored.record.staff_id, &stored.record.topic))
        .map(|stored| {
            let record = &stored.record;
            let (workplace, staff) = keys(record.staff_id).unzip();
            json!({
                "id": stored.id,
                "workplace": workplace,
                "staff": staff,
                "topic": record.topic,
                "level": record.level,
                "completed": date_json(record.completed),
                "expires": date_json(record.expires),
                "validity": record.validity_months,
                "title": record.title,
                "provider": record.provider,
                "number": record.number,
                "revalidation_due": date_json(record.revalidation_due),
                "notes": record.notes,
                "created_at": stored.created_at,
            })
        })
        .collect();
    let exemptions: Vec<serde_json::Value> = store
        .compliance_exemptions(Some(&args.org))?
        .iter()
        .filter(|stored| wanted(stored.exemption.staff_id, &stored.exemption.topic))
        .map(|stored| {
            let given = &stored.exemption;
            let (workplace, staff) = keys(given.staff_id).unzip();
            json!({
                "id": stored.id,
                "workplace": workplace,
                "staff": staff,
                "topic": given.topic,
                "reason": given.reason,
                "note": given.note,
                "from": format_date(given.from),
                "until": date_json(given.until),
                "active": given.from <= as_of && given.until.is_none_or(|until| as_of <= until),
            })
        })
        .collect();
    if args.format == OutputFormat::Json {
        print_json(&json!({
            "schema": "carecount.training_list.v1",
            "org": args.org,
            "as_of": format_date(as_of),
            "records": records,
            "exemptions": exemptions,
        }))?;
    } else {
        println!(
            "{} entered record(s), {} exemption(s)",
            records.len(),
            exemptions.len()
        );
        let text = |value: &serde_json::Value| match value {
            serde_json::Value::Null => "-".to_owned(),
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        for record in &records {
            println!(
                "  record {} {} {} {} {} completed {} expires {}",
                text(&record["id"]),
                text(&record["workplace"]),
                text(&record["staff"]),
                text(&record["topic"]),
                text(&record["level"]),
                text(&record["completed"]),
                text(&record["expires"])
            );
        }
        for exemption in &exemptions {
            println!(
                "  exemption {} {} {} {} {} from {} until {}",
                text(&exemption["id"]),
                text(&exemption["workplace"]),
                text(&exemption["staff"]),
                text(&exemption["topic"]),
                text(&exemption["reason"]),
                text(&exemption["from"]),
                text(&exemption["until"])
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn delete(args: &IdArgs, exemption: bool) -> anyhow::Result<ExitCode> {
    let mut store = open_store(&args.db.db)?;
    let orgs = store.orgs()?;
    if !orgs.contains(&args.org) {
        bail!(
            "unknown organisation {:?}; the store holds: {}",
            args.org,
            orgs.join(", ")
        );
    }
    let (deleted, what) = if exemption {
        (
            store.delete_compliance_exemption(ACTOR, &args.org, args.id)?,
            "exemption",
        )
    } else {
        (
            store.delete_compliance_record(ACTOR, &args.org, args.id)?,
            "record",
        )
    };
    if !deleted {
        bail!(
            "organisation {} has no {what} {} (see `carecount training list`)",
            args.org,
            args.id
        );
    }
    if args.format == OutputFormat::Json {
        print_json(&json!({"deleted": what, "id": args.id}))?;
    } else {
        println!("deleted {what} {}", args.id);
    }
    Ok(ExitCode::SUCCESS)
}

fn exempt(args: &ExemptArgs) -> anyhow::Result<ExitCode> {
    check_topic_flag(&args.topic, None)?;
    let Some(reason) = ExemptionReason::parse(&args.reason) else {
        bail!(
            "unknown reason {:?}; valid: long_term_absence, holds_equivalent, not_applicable_to_duties, other",
            args.reason
        );
    };
    let as_of = args.as_of.date();
    let mut store = open_store(&args.db.db)?;
    let data = load_org(&store, &args.org, as_of)?;
    check_staff_flags(&data, Some(&args.workplace), Some(&args.staff))?;
    let Some(entry) = data
        .staff
        .iter()
        .find(|entry| entry.facts.workplace == args.workplace && entry.facts.staff == args.staff)
    else {
        bail!("unknown staff record {} at {}", args.staff, args.workplace);
    };
    let given = Exemption {
        id: 0,
        topic: args.topic.clone(),
        reason,
        note: args.note.clone(),
        from: args.from.unwrap_or(as_of),
        until: args.until,
    };
    let rules = Rules {
        catalogue: Catalogue::shipped(),
        profile: &data.profile,
    };
    let json_output = args.format == OutputFormat::Json;
    if let Err(messages) = rules.check_exemption(&entry.facts, &given)
        && messages
            .iter()
            .any(|message| message.severity == Severity::Error)
    {
        let messages: Vec<Message> = messages
            .into_iter()
            .map(|mut message| {
                message.file = "training exempt".to_owned();
                message
            })
            .collect();
        print_messages(&messages, json_output)?;
        return Ok(ExitCode::from(1));
    }
    let id = store.add_compliance_exemption(
        ACTOR,
        &args.org,
        &NewExemption {
            staff_id: entry.staff_id,
            topic: given.topic.clone(),
            reason: reason.as_str().to_owned(),
            note: given.note.clone(),
            from: given.from,
            until: given.until,
        },
    )?;
    if json_output {
        print_json(&json!({"exemption": id}))?;
    } else {
        println!("stored exemption {id}");
    }
    Ok(ExitCode::SUCCESS)
}
