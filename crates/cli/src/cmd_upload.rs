//! `carecount validate` and `carecount import` (`interfaces.md` "Bulk-upload files").

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use carecount_ascwds::{ExistingState, Validation};
use carecount_store::{AreaAssignment, Store};
use clap::Args;
use serde::Serialize;

use crate::global::{AsOfArg, DbArg, OutputFormat, print_json};
use crate::upload::{UploadArgs, ValidationJson, print_text};

/// Check an upload against every ASC-WDS rule; changes nothing.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carecount validate upload/ --as-of 2026-11-01 --format json\n  carecount validate --workplace wp.csv --staff staff.csv --report errors.xlsx"
)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub upload: UploadArgs,
    #[command(flatten)]
    pub db: DbArg,
    /// The organisation whose stored state the upload is checked against.
    #[arg(long, default_value = "default", value_name = "ID")]
    pub org: String,
    #[command(flatten)]
    pub as_of: AsOfArg,
    /// Output for people (text) or scripts (json).
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Also write the error report: one row per message (.csv or .xlsx).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

/// Validate an upload and apply it to the organisation as a new dated snapshot.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carecount import upload/ --org acme --area E08000018 --as-of 2026-11-01\n  carecount import upload/ --org acme --dry-run --format json"
)]
pub struct ImportArgs {
    #[command(flatten)]
    pub upload: UploadArgs,
    #[command(flatten)]
    pub db: DbArg,
    /// The organisation (created on first import).
    #[arg(long, default_value = "default", value_name = "ID")]
    pub org: String,
    #[command(flatten)]
    pub as_of: AsOfArg,
    /// The area of the upload's workplaces: a council's ONS code or name, or your own area's name.
    #[arg(long, value_name = "LA")]
    pub area: Option<String>,
    /// The region of a user-defined area (ONS code or name).
    #[arg(long, value_name = "R", requires = "area")]
    pub region: Option<String>,
    /// Place each workplace by its POSTCODE with an ONS postcode directory CSV.
    #[arg(long, value_name = "FILE.csv")]
    pub postcode_lookup: Option<PathBuf>,
    /// Show what would change; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Output for people (text) or scripts (json).
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Also write the error report (.csv or .xlsx).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

/// The stored state of `org` at `as_of`, or an empty account when the store does not exist.
fn existing_state(db: &Path, org: &str, as_of: time::Date) -> anyhow::Result<ExistingState> {
    if !db.exists() {
        return Ok(ExistingState::default());
    }
    let store = Store::open(db).with_context(|| format!("opening the store {}", db.display()))?;
    Ok(store.existing_state(org, as_of)?)
}

fn exit_for(validation: &Validation) -> ExitCode {
    match validation.status() {
        carecount_ascwds::Status::Passed | carecount_ascwds::Status::Warnings => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}

fn write_report(validation: &Validation, report: Option<&Path>) -> anyhow::Result<()> {
    if let Some(path) = report {
        carecount_reports::upload_report::write(&validation.messages, path)?;
        eprintln!("error report written to {}", path.display());
    }
    Ok(())
}

pub fn validate(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let given = args.upload.read()?;
    let as_of = args.as_of.date();
    let existing = existing_state(&args.db.db, &args.org, as_of)?;
    let validation = match carecount_ascwds::validate_with(given, &existing, as_of, false) {
        Ok(v) => v,
        Err(problem) => {
            eprintln!("error: {problem}");
            return Ok(ExitCode::from(1));
        }
    };
    write_report(&validation, args.report.as_deref())?;
    match args.format {
        OutputFormat::Json => print_json(&ValidationJson::new(&validation))?,
        OutputFormat::Text => print_text(&validation),
    }
    Ok(exit_for(&validation))
}

#[derive(Debug, Serialize)]
struct ImportJson<'a> {
    #[serde(flatten)]
    validation: ValidationJson<'a>,
    changes: carecount_ascwds::ChangeCounts,
    snapshot: Option<SnapshotJson>,
    dry_run: bool,
    area: Option<&'a AreaAssignment>,
    notes: &'a [String],
}

#[derive(Debug, Serialize)]
struct SnapshotJson {
    id: i64,
    as_of: String,
}

pub fn import(args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let given = args.upload.read()?;
    let as_of = args.as_of.date();
    let mut notes = Vec::new();
    let area = match &args.area {
        Some(area) => Some(resolve_area(area, args.region.as_deref(), &mut notes)?),
        None => None,
    };
    let lookup = match &args.postcode_lookup {
        Some(path) => Some(crate::postcodes::PostcodeLookup::read(path)?),
        None => None,
    };
    let created = !args.db.db.exists();
    let mut store = Store::open(&args.db.db)
        .with_context(|| format!("opening the store {}", args.db.db.display()))?;
    let unplaced = std::cell::RefCell::new(Vec::new());
    let place = |w: &carecount_domain::Workplace| -> Option<AreaAssignment> {
        let placed = match &lookup {
            Some(lookup) => lookup.place(&w.postcode).or_else(|| area.clone()),
            None => area.clone(),
        };
        if placed.is_none() && lookup.is_some() {
            unplaced.borrow_mut().push(format!(
                "workplace {} (postcode {}) was not placed in any area",
                w.localestid, w.postcode
            ));
        }
        placed
    };
    let bar = crate::progress::bar(0, "importing");
    let outcome = carecount_store::ingest::import(
        &mut store,
        &args.org,
        as_of,
        given,
        &place,
        args.dry_run,
        &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    );
    bar.finish_and_clear();
    // An import that saved nothing into a store it created leaves no store behind: a failed or
    // dry-run first import changes nothing on disk.
    let saved = matches!(&outcome, Ok(o) if o.snapshot.is_some());
    if created && !saved {
        drop(store);
        remove_store_files(&args.db.db);
    }
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(carecount_store::ingest::ImportError::Upload(problem)) => {
            eprintln!("error: {problem}");
            return Ok(ExitCode::from(1));
        }
        Err(carecount_store::ingest::ImportError::Store(e)) => return Err(e.into()),
    };
    notes.extend(unplaced.into_inner());
    let validation = &outcome.validation;
    write_report(validation, args.report.as_deref())?;
    let plan = &outcome.plan;
    let clean = outcome.clean();
    let snapshot = outcome.snapshot.as_ref().map(|info| SnapshotJson {
        id: info.id,
        as_of: crate::global::format_date(info.as_of),
    });
    for note in &notes {
        eprintln!("note: {note}");
    }
    match args.format {
        OutputFormat::Json => print_json(&ImportJson {
            validation: ValidationJson::new(validation),
            changes: plan.counts,
            snapshot,
            dry_run: args.dry_run,
            area: area.as_ref(),
            notes: &notes,
        })?,
        OutputFormat::Text => {
            print_text(validation);
            let c = plan.counts;
            let what = if args.dry_run || !clean {
                "would change"
            } else {
                "changed"
            };
            println!("what {what}:");
            for (kind, n) in [
                ("workplaces", c.workplaces),
                ("staff records", c.staff),
                ("training records", c.training),
            ] {
                println!(
                    "  {kind}: {} new, {} updated, {} deleted, {} unchanged",
                    n.new, n.updated, n.deleted, n.unchanged
                );
            }
            let shown = 30;
            for change in plan.difference.iter().take(shown) {
                match &change.worker {
                    Some(worker) => println!(
                        "  {:<8} {} record {worker} at workplace {}",
                        change.change, change.kind, change.workplace
                    ),
                    None => println!(
                        "  {:<8} {} {}",
                        change.change, change.kind, change.workplace
                    ),
                }
            }
            if plan.difference.len() > shown {
                println!("  … and {} more changes", plan.difference.len() - shown);
            }
            match &snapshot {
                Some(s) => println!(
                    "snapshot {} as of {} saved for organisation {}",
                    s.id, s.as_of, args.org
                ),
                None if !clean => println!("nothing was changed: fix the errors and import again"),
                None => println!("dry run: nothing was changed"),
            }
        }
    }
    Ok(exit_for(validation))
}

/// Resolves `--area` to a council of the reference table, or defines a user's own area.
fn resolve_area(
    area: &str,
    region: Option<&str>,
    notes: &mut Vec<String>,
) -> anyhow::Result<AreaAssignment> {
    let tables = carecount_codes::tables();
    if let Some(la) = tables.local_authority(area) {
        return Ok(AreaAssignment {
            code: la.code.clone(),
            name: la.name.clone(),
            region_code: Some(la.region_code.clone()),
        });
    }
    let region_code = match region {
        Some(r) => match tables.region(r) {
            Some(found) => Some(found.code.clone()),
            None => {
                let names: Vec<&str> = tables.regions.iter().map(|r| r.name.as_str()).collect();
                anyhow::bail!(
                    "--region {r:?} is not an English region; use one of: {}",
                    names.join(", ")
                )
            }
        },
        None => None,
    };
    if area == carecount_codes::DEMO_AREA_CODE
        || area.eq_ignore_ascii_case(carecount_codes::DEMO_AREA_NAME)
    {
        return Ok(AreaAssignment {
            code: carecount_codes::DEMO_AREA_CODE.to_string(),
            name: carecount_codes::DEMO_AREA_NAME.to_string(),
            region_code: region_code.or_else(|| {
                tables
                    .region("Yorkshire and The Humber")
                    .map(|r| r.code.clone())
            }),
        });
    }
    notes.push(format!(
        "area {area:?} is not a council in the reference table: it is defined as your own area{}",
        if region_code.is_some() {
            ""
        } else {
            " (no region: region comparisons fall back to England)"
        }
    ));
    Ok(AreaAssignment {
        code: area.to_string(),
        name: area.to_string(),
        region_code,
    })
}

/// Removes an SQLite store file with its WAL and shared-memory files.
fn remove_store_files(db: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(name));
    }
}
