//! `carecount compliance status|matrix|expiring|alerts|tna` (`compliance.md` §8), and the loader
//! that turns the store's records into `carecount-compliance` inputs for an organisation (owner
//! scope, with DISPLAYID) or an area (analysis records, no personal field).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use carecount_compliance::figures::{Audience, PairFilter, compliance_figures};
use carecount_compliance::from_store::{self, Place, profile_ref};
use carecount_compliance::tna::{
    CostOrigin, RateOrigin, StartersRate, StartersSource, TnaRequest, UnitCosts, parse_unit_costs,
    training_needs,
};
use carecount_compliance::wire::{GroupJson, StatusHeader};
use carecount_compliance::{
    Catalogue, Message, OrgSettings, Profile, RowClass, StaffStatus, Status, alerts, export, wire,
};
use carecount_store::Store;
use carecount_store::compliance::ProfileVersion;
use clap::{Args, Subcommand, ValueEnum};

use crate::global::{AsOfArg, DbArg, format_date, print_json};

// ---------------------------------------------------------------------------------------------
// Loading inputs: `carecount_compliance::from_store` loads; these map its errors to usage errors.

pub use carecount_compliance::from_store::{AreaData, OrgData};

/// Opens an existing store (a missing file is a usage error).
pub fn open_store(db: &Path) -> anyhow::Result<Store> {
    if !db.exists() {
        bail!(
            "the store {} does not exist (import an upload first, or run `carecount demo`)",
            db.display()
        );
    }
    Store::open(db).with_context(|| format!("opening the store {}", db.display()))
}

/// The profile of `org` in force on `as_of`: the shipped one with the organisation's version.
pub fn org_profile(
    store: &Store,
    org: &str,
    as_of: time::Date,
) -> anyhow::Result<(Profile, Option<ProfileVersion>)> {
    Ok(from_store::org_profile(store, org, as_of)?)
}

/// Builds one organisation's inputs at `as_of` through its owner scope. An unknown organisation,
/// or one with no snapshot on `as_of`, is a usage error naming the valid organisations.
pub fn load_org(store: &Store, org: &str, as_of: time::Date) -> anyhow::Result<OrgData> {
    Ok(from_store::load_org(store, org, as_of)?)
}

/// The as-of date of a read: `--as-of` when given, else today (`interfaces.md`: "Default: today"
/// for every command). The web pages default to the data's own date instead; see
/// `docs/decisions/compliance.md` ("Default as-of date of reads").
pub fn read_as_of(
    _store: &Store,
    flag: &AsOfArg,
    _org: Option<&str>,
) -> anyhow::Result<time::Date> {
    Ok(flag.as_of.unwrap_or_else(crate::global::today))
}

/// Which workplaces an area read covers.
#[derive(Debug, Clone)]
pub enum AreaSelector {
    Area(String),
    Region(String),
}

/// Builds an area's inputs at `as_of` from analysis records. An area no workplace is placed in is
/// a usage error naming the areas that hold workplaces.
pub fn load_area(
    store: &Store,
    selector: &AreaSelector,
    as_of: time::Date,
) -> anyhow::Result<AreaData> {
    let place = match selector {
        AreaSelector::Area(code) => Place::Area(code),
        AreaSelector::Region(code) => Place::Region(code),
    };
    Ok(from_store::load_area(store, place, as_of)?)
}

// ---------------------------------------------------------------------------------------------
// Shared output helpers.

/// Prints §10 messages (stderr for text; stdout JSON `{status, messages}` for json).
pub fn print_messages(messages: &[Message], json: bool) -> anyhow::Result<()> {
    if json {
        print_json(&messages_json(messages))?;
    } else {
        for message in messages {
            eprintln!("{message}");
        }
    }
    Ok(())
}

/// The `validate`-shaped JSON of messages.
pub fn messages_json(messages: &[Message]) -> serde_json::Value {
    let errors = messages
        .iter()
        .filter(|message| message.severity == carecount_compliance::Severity::Error)
        .count();
    serde_json::json!({
        "status": if errors > 0 { "failed" } else if messages.is_empty() { "passed" } else { "warnings" },
        "summary": {"errors": errors, "warnings": messages.len() - errors},
        "messages": messages.iter().map(message_json).collect::<Vec<_>>(),
    })
}

fn message_json(message: &Message) -> serde_json::Value {
    serde_json::json!({
        "file": message.file,
        "line": message.line,
        "column": message.column,
        "value": message.value,
        "severity": message.severity.as_str(),
        "code": message.code.as_str(),
        "message": message.message,
    })
}

/// Writes `text` to `out`, or stdout.
pub fn write_out(out: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
        }
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

fn json_text<T: serde::Serialize>(value: &T) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(value).context("serialising JSON output")?;
    text.push('\n');
    Ok(text)
}

/// Checks a topic (and level) flag: unknown ones are a usage error listing valid values.
pub fn check_topic_flag(topic: &str, level: Option<&str>) -> anyhow::Result<()> {
    let catalogue = Catalogue::shipped();
    let Some(found) = catalogue.topic(topic) else {
        bail!(
            "unknown topic {topic:?}; valid topics: {}",
            catalogue
                .topics()
                .iter()
                .map(|topic| topic.topic.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    };
    if let Some(level) = level {
        let levels = found
            .scheme
            .as_deref()
            .map(|scheme| catalogue.levels(scheme))
            .unwrap_or_default();
        if !levels.iter().any(|known| known.level == level) {
            bail!(
                "unknown level {level:?} for topic {topic}; valid levels: {}",
                if levels.is_empty() {
                    "none (the topic has no levels)".to_owned()
                } else {
                    levels
                        .iter()
                        .map(|known| known.level.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            );
        }
    }
    Ok(())
}

/// Checks `--workplace` (and `--staff`) against an organisation's records at D.
pub fn check_staff_flags(
    data: &OrgData,
    workplace: Option<&str>,
    staff: Option<&str>,
) -> anyhow::Result<()> {
    if let Some(workplace) = workplace {
        let known: BTreeSet<&str> = data
            .staff
            .iter()
            .map(|entry| entry.facts.workplace.as_str())
            .collect();
        if !known.contains(workplace) {
            bail!(
                "unknown workplace {workplace:?} in organisation {}; valid: {}",
                data.org,
                known.into_iter().collect::<Vec<_>>().join(", ")
            );
        }
        if let Some(staff) = staff {
            let known: Vec<&str> = data
                .staff
                .iter()
                .filter(|entry| entry.facts.workplace == workplace)
                .map(|entry| entry.facts.staff.as_str())
                .collect();
            if !known.contains(&staff) {
                bail!(
                    "unknown staff record {staff:?} at workplace {workplace}; valid: {}",
                    known.join(", ")
                );
            }
        }
    } else if staff.is_some() {
        bail!("--staff needs --workplace");
    }
    Ok(())
}

fn keep_staff(status: &StaffStatus, workplace: Option<&str>, staff: Option<&str>) -> bool {
    workplace.is_none_or(|workplace| status.staff.workplace == workplace)
        && staff.is_none_or(|staff| status.staff.staff == staff)
}

// ---------------------------------------------------------------------------------------------
// Arguments.

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AudienceArg {
    /// The organisation's own figures, whole.
    Employer,
    /// Disclosure control (compliance.md §5.1).
    Commissioner,
}

impl From<AudienceArg> for Audience {
    fn from(audience: AudienceArg) -> Audience {
        match audience {
            AudienceArg::Employer => Audience::Employer,
            AudienceArg::Commissioner => Audience::Commissioner,
        }
    }
}

/// Output formats of the compliance commands (each command accepts its own subset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
    Csv,
    Html,
    Ics,
    Xlsx,
}

/// Training compliance: status, matrix, expiring list, alerts, training needs analysis.
#[derive(Debug, Args)]
pub struct ComplianceArgs {
    #[command(subcommand)]
    pub command: ComplianceCommand,
}

#[derive(Debug, Subcommand)]
pub enum ComplianceCommand {
    /// Compliance figures of an organisation, workplace, staff record, area or region.
    Status(StatusArgs),
    /// The training matrix: staff records × required topics.
    Matrix(MatrixArgs),
    /// Pairs whose training expires in the next N days.
    Expiring(ExpiringArgs),
    /// The alerts feed (JSON, CSV, iCalendar).
    Alerts(AlertsArgs),
    /// The costed training needs analysis of an area.
    Tna(TnaArgs),
    /// An area's unit costs for the training needs analysis: show or set.
    Costs(CostsArgs),
}

/// `compliance status`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carecount compliance status --org acme --workplace WP1 --staff W001 --as-of 2026-11-01 --format json\n  carecount compliance status --area E08000018 --topic safeguarding_adults --level bronze"
)]
pub struct StatusArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    /// The organisation (default `default` unless --area or --region is given).
    #[arg(long, value_name = "ID", conflicts_with_all = ["area", "region"])]
    pub org: Option<String>,
    /// One workplace (LOCALESTID) of --org.
    #[arg(long, value_name = "W")]
    pub workplace: Option<String>,
    /// One staff record (UNIQUEWORKERID) of --workplace: its pairs are listed.
    #[arg(long, value_name = "S", requires = "workplace")]
    pub staff: Option<String>,
    /// A council's ONS code or name.
    #[arg(long, value_name = "LA", conflicts_with = "region")]
    pub area: Option<String>,
    /// A region's ONS code or name.
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Only this topic.
    #[arg(long, value_name = "T")]
    pub topic: Option<String>,
    /// Only this level of --topic.
    #[arg(long, value_name = "L", requires = "topic")]
    pub level: Option<String>,
    /// statutory | recommended | local.
    #[arg(long, value_name = "C")]
    pub class: Option<String>,
    /// Staff records of this MAINJOBROLE code.
    #[arg(long = "job-role", value_name = "N")]
    pub job_role: Option<u16>,
    /// direct_care | manager | regulated | other.
    #[arg(long = "role-group", value_name = "G")]
    pub role_group: Option<String>,
    /// Workplaces of this MAINSERVICE code.
    #[arg(long, value_name = "N")]
    pub service: Option<u16>,
    /// local_authority | private | voluntary | other.
    #[arg(long, value_name = "S")]
    pub sector: Option<String>,
    /// employer (whole figures) or commissioner (disclosure control). Default: employer for
    /// --org, commissioner for --area and --region.
    #[arg(long, value_enum)]
    pub audience: Option<AudienceArg>,
    /// text or json.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `compliance matrix`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carecount compliance matrix --org acme --status expired --status missing --format csv --out matrix.csv"
)]
pub struct MatrixArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    #[arg(long, value_name = "ID", default_value = "default")]
    pub org: String,
    /// One workplace (LOCALESTID).
    #[arg(long, value_name = "W")]
    pub workplace: Option<String>,
    /// Only these topics (repeatable).
    #[arg(long, value_name = "T")]
    pub topic: Vec<String>,
    /// Only staff records with a pair of one of these statuses (repeatable).
    #[arg(long, value_name = "S")]
    pub status: Vec<String>,
    /// Only staff records who started in the 365 days ending on the as-of date.
    #[arg(long)]
    pub new_starters: bool,
    /// Write here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// text, json, csv, html or xlsx (xlsx needs --out).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `compliance expiring`.
#[derive(Debug, Args)]
pub struct ExpiringArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    #[arg(long, value_name = "ID", default_value = "default")]
    pub org: String,
    #[arg(long, value_name = "W")]
    pub workplace: Option<String>,
    /// Days ahead (default: the organisation's expiring window).
    #[arg(long, value_name = "N")]
    pub days: Option<u16>,
    /// text or json.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `compliance alerts`.
#[derive(Debug, Args)]
pub struct AlertsArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    #[arg(long, value_name = "ID", default_value = "default")]
    pub org: String,
    #[arg(long, value_name = "W")]
    pub workplace: Option<String>,
    /// Calendar window in days for --format ics (default 365).
    #[arg(long, value_name = "N", default_value_t = 365)]
    pub days: u16,
    /// Write here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// text, json, csv or ics.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `compliance tna`.
#[derive(Debug, Args)]
pub struct TnaArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    /// A council's ONS code or name.
    #[arg(long, value_name = "LA")]
    pub area: String,
    /// Horizon in months, 1 to 60.
    #[arg(long, value_name = "H", default_value_t = 12)]
    pub horizon_months: u16,
    /// Unit costs file replacing shipped rows by (topic, level).
    #[arg(long, value_name = "FILE")]
    pub costs: Option<PathBuf>,
    /// Count agency staff records too.
    #[arg(long)]
    pub include_agency: bool,
    /// A projection run saved for the area, for starters instead of starters rates.
    #[arg(long, value_name = "RUN")]
    pub projection: Option<String>,
    /// employer (whole) or commissioner (default; disclosure control).
    #[arg(long, value_enum)]
    pub audience: Option<AudienceArg>,
    /// Write here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// text, json, csv or xlsx (xlsx needs --out).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `carecount compliance …`.
pub fn run(args: &ComplianceArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        ComplianceCommand::Status(args) => status(args),
        ComplianceCommand::Matrix(args) => matrix(args),
        ComplianceCommand::Expiring(args) => expiring(args),
        ComplianceCommand::Alerts(args) => alerts_command(args),
        ComplianceCommand::Tna(args) => tna(args),
        ComplianceCommand::Costs(args) => costs(args),
    }
}

fn formats(format: Format, allowed: &[Format]) -> anyhow::Result<()> {
    if !allowed.contains(&format) {
        bail!(
            "--format {format:?} is not offered here; use one of: {}",
            allowed
                .iter()
                .map(|format| format!("{format:?}").to_lowercase())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}

fn parse_status_flag(text: &str) -> anyhow::Result<Status> {
    Status::parse(text).with_context(|| {
        format!(
            "unknown status {text:?}; valid: valid, expiring, expired, missing, not_yet_due, exempt"
        )
    })
}

// ---------------------------------------------------------------------------------------------
// status

fn status(args: &StatusArgs) -> anyhow::Result<ExitCode> {
    formats(args.format, &[Format::Text, Format::Json])?;
    if let Some(topic) = &args.topic {
        check_topic_flag(topic, args.level.as_deref())?;
    }
    let class = args
        .class
        .as_deref()
        .map(|text| {
            RowClass::parse(text).with_context(|| {
                format!("unknown class {text:?}; valid: statutory, recommended, local")
            })
        })
        .transpose()?;
    if let Some(group) = &args.role_group
        && !["direct_care", "manager", "regulated", "other"].contains(&group.as_str())
    {
        bail!("unknown role group {group:?}; valid: direct_care, manager, regulated, other");
    }
    if let Some(sector) = &args.sector
        && !["local_authority", "private", "voluntary", "other"].contains(&sector.as_str())
    {
        bail!("unknown sector {sector:?}; valid: local_authority, private, voluntary, other");
    }
    let filter = PairFilter {
        topic: args.topic.clone(),
        level: args.level.clone(),
        class,
        job_role: args.job_role,
        role_group: args.role_group.clone(),
        service: args.service,
        sector: args.sector.clone(),
    };
    let store = open_store(&args.db.db)?;
    let selector = match (&args.area, &args.region) {
        (Some(area), _) => Some(AreaSelector::Area(crate::analysis::area_code(area))),
        (None, Some(region)) => Some(AreaSelector::Region(crate::analysis::region_code(region))),
        (None, None) => None,
    };
    let org_of_answer = args.org.as_deref().unwrap_or("default");
    let as_of = read_as_of(
        &store,
        &args.as_of,
        selector.is_none().then_some(org_of_answer),
    )?;
    let answer = match selector {
        Some(selector) => {
            if args.workplace.is_some() {
                bail!("--workplace needs --org, not --area or --region");
            }
            let data = load_area(&store, &selector, as_of)?;
            let statuses = data.statuses();
            let figures = compliance_figures(&statuses, &filter);
            let (area, region) = match &selector {
                AreaSelector::Area(code) => (Some(code.clone()), data.region.clone()),
                AreaSelector::Region(code) => (None, Some(code.clone())),
            };
            let header = StatusHeader {
                as_of,
                audience: args.audience.map_or(Audience::Commissioner, Audience::from),
                group: GroupJson {
                    org: None,
                    workplace: None,
                    staff: None,
                    area,
                    region,
                },
                profile: profile_ref(None),
                expiring_days: OrgSettings::default().expiring_days(),
            };
            wire::compliance_status(&header, &figures, None, false)
        }
        None => {
            let org = args.org.clone().unwrap_or_else(|| "default".to_owned());
            let data = load_org(&store, &org, as_of)?;
            check_staff_flags(&data, args.workplace.as_deref(), args.staff.as_deref())?;
            let statuses: Vec<StaffStatus> = data
                .statuses()
                .into_iter()
                .filter(|status| {
                    keep_staff(status, args.workplace.as_deref(), args.staff.as_deref())
                })
                .collect();
            let figures = compliance_figures(&statuses, &filter);
            let header = StatusHeader {
                as_of,
                audience: args.audience.map_or(Audience::Employer, Audience::from),
                group: GroupJson {
                    org: Some(org.clone()),
                    workplace: args.workplace.clone(),
                    staff: args.staff.clone(),
                    area: None,
                    region: None,
                },
                profile: data.profile_ref(),
                expiring_days: data.profile.settings().expiring_days(),
            };
            let listed: Vec<StaffStatus> = statuses
                .into_iter()
                .map(|mut status| {
                    status.pairs.retain(|pair| filter.pair_matches(pair));
                    status
                })
                .collect();
            let staff = args.staff.as_ref().map(|_| listed.as_slice());
            wire::compliance_status(&header, &figures, staff, false)
        }
    };
    match args.format {
        Format::Json => print_json(&answer)?,
        _ => print_status_text(&answer),
    }
    Ok(ExitCode::SUCCESS)
}

/// A figure for people: the number, or why it is withheld (§5.1: "< 5", "not enough data",
/// "withheld").
fn shown(figures: &wire::FiguresJson, field: &str, value: Option<u64>) -> String {
    match value {
        Some(value) => value.to_string(),
        None => withheld(figures, field),
    }
}

fn withheld(figures: &wire::FiguresJson, field: &str) -> String {
    match figures.suppression.get(field).map(String::as_str) {
        Some("count_below_5") => "< 5",
        Some("denominator_below_10") | Some("fewer_than_3_workplaces") => "not enough data",
        Some(_) => "withheld",
        None => "-",
    }
    .to_owned()
}

fn rate(figures: &wire::FiguresJson) -> String {
    match figures.compliance_rate {
        Some(value) => format!("{:.1}%", value * 100.0),
        None => withheld(figures, "compliance_rate"),
    }
}

fn print_status_text(answer: &wire::ComplianceStatusJson) {
    let group = &answer.group;
    let name = [
        group
            .org
            .as_deref()
            .map(|org| format!("organisation {org}")),
        group.workplace.as_deref().map(|w| format!("workplace {w}")),
        group.staff.as_deref().map(|s| format!("staff {s}")),
        group.area.as_deref().map(|a| format!("area {a}")),
        group.region.as_deref().map(|r| format!("region {r}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    println!(
        "Training compliance of {name} on {} ({})",
        answer.as_of, answer.audience
    );
    let totals = &answer.totals;
    println!(
        "  compliance rate {}: required {}, valid {}, expiring {}, expired {}, missing {}, not yet due {}, exempt {}",
        rate(totals),
        shown(totals, "required", totals.required),
        shown(totals, "valid", totals.valid),
        shown(totals, "expiring", totals.expiring),
        shown(totals, "expired", totals.expired),
        shown(totals, "missing", totals.missing),
        shown(totals, "not_yet_due", totals.not_yet_due),
        shown(totals, "exempt", totals.exempt)
    );
    for topic in &answer.topics {
        let figures = &topic.figures;
        println!(
            "  {:<34} {:<9} {:<11} rate {:>6}  required {:>4}  expired {:>4}  missing {:>4}",
            topic.topic,
            topic.level.as_deref().unwrap_or("-"),
            topic.class,
            rate(figures),
            shown(figures, "required", figures.required),
            shown(figures, "expired", figures.expired),
            shown(figures, "missing", figures.missing)
        );
    }
    for staff in answer.staff.iter().flatten() {
        println!(
            "  {} {} ({}): {}",
            staff.workplace,
            staff.staff,
            staff.displayid,
            staff.status.as_deref().unwrap_or("nothing required")
        );
        for item in &staff.items {
            println!(
                "    {:<34} {:<9} {:<12} {}",
                item.topic,
                item.level.as_deref().unwrap_or("-"),
                item.status,
                item.expires_on
                    .as_deref()
                    .map(|date| format!("expires {date}"))
                    .or_else(|| item.due_on.as_deref().map(|date| format!("due {date}")))
                    .unwrap_or_default()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// matrix

fn matrix(args: &MatrixArgs) -> anyhow::Result<ExitCode> {
    formats(
        args.format,
        &[
            Format::Text,
            Format::Json,
            Format::Csv,
            Format::Html,
            Format::Xlsx,
        ],
    )?;
    if args.format == Format::Xlsx && args.out.is_none() {
        bail!("--format xlsx writes a workbook: give --out FILE");
    }
    for topic in &args.topic {
        check_topic_flag(topic, None)?;
    }
    let wanted: Vec<Status> = args
        .status
        .iter()
        .map(|text| parse_status_flag(text))
        .collect::<anyhow::Result<_>>()?;
    let store = open_store(&args.db.db)?;
    let as_of = read_as_of(&store, &args.as_of, Some(&args.org))?;
    let data = load_org(&store, &args.org, as_of)?;
    check_staff_flags(&data, args.workplace.as_deref(), None)?;
    let year_ago = carecount_compliance::date::add_days(as_of, -364);
    let statuses: Vec<StaffStatus> = data
        .statuses()
        .into_iter()
        .filter(|status| keep_staff(status, args.workplace.as_deref(), None))
        .map(|mut status| {
            if !args.topic.is_empty() {
                status.pairs.retain(|pair| args.topic.contains(&pair.topic));
            }
            status
        })
        .filter(|status| {
            wanted.is_empty()
                || status
                    .pairs
                    .iter()
                    .any(|pair| wanted.contains(&pair.status))
        })
        .filter(|status| {
            !args.new_starters
                || status
                    .staff
                    .start_date
                    .is_some_and(|start| year_ago <= start && start <= as_of)
        })
        .collect();
    let topics = matrix_topics(&statuses);
    let text = match args.format {
        Format::Json => {
            let figures = compliance_figures(&statuses, &PairFilter::default());
            let header = StatusHeader {
                as_of,
                audience: Audience::Employer,
                group: GroupJson {
                    org: Some(data.org.clone()),
                    workplace: args.workplace.clone(),
                    staff: None,
                    area: None,
                    region: None,
                },
                profile: data.profile_ref(),
                expiring_days: data.profile.settings().expiring_days(),
            };
            json_text(&wire::compliance_status(
                &header,
                &figures,
                Some(&statuses),
                true,
            ))?
        }
        Format::Csv => export::matrix_csv(&statuses, &topics),
        Format::Html => matrix_html(&data.org, as_of, &statuses, &topics),
        Format::Xlsx => {
            let bytes = export::matrix_xlsx(&statuses, &topics)?;
            if let Some(path) = &args.out {
                std::fs::write(path, bytes)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            return Ok(ExitCode::SUCCESS);
        }
        _ => matrix_text(&statuses, &topics),
    };
    write_out(args.out.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

/// The topics any listed staff record requires, in catalogue order.
fn matrix_topics(statuses: &[StaffStatus]) -> Vec<String> {
    let used: BTreeSet<&str> = statuses
        .iter()
        .flat_map(|status| status.pairs.iter().map(|pair| pair.topic.as_str()))
        .collect();
    Catalogue::shipped()
        .topics()
        .iter()
        .filter(|topic| used.contains(topic.topic.as_str()))
        .map(|topic| topic.topic.clone())
        .collect()
}

fn cell_text(status: &StaffStatus, topic: &str) -> String {
    match status.pairs.iter().find(|pair| pair.topic == topic) {
        None => String::new(),
        Some(pair) => {
            let date = pair.expires_on.or(pair.due_on).map(format_date);
            match date {
                Some(date) => format!("{} {date}", pair.status.as_str()),
                None => pair.status.as_str().to_owned(),
            }
        }
    }
}

fn matrix_text(statuses: &[StaffStatus], topics: &[String]) -> String {
    let mut out = String::new();
    for status in statuses {
        out.push_str(&format!(
            "{} {} ({}) role {}: {}\n",
            status.staff.workplace,
            status.staff.staff,
            status.staff.displayid,
            status.staff.job_role,
            status.status().map_or("nothing required", Status::as_str)
        ));
        for topic in topics {
            let cell = cell_text(status, topic);
            if !cell.is_empty() {
                out.push_str(&format!("  {topic:<34} {cell}\n"));
            }
        }
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn matrix_html(
    org: &str,
    as_of: time::Date,
    statuses: &[StaffStatus],
    topics: &[String],
) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Training matrix: {}</title></head><body>\n<h1>Training matrix: {} on {}</h1>\n<table>\n<thead><tr><th scope=\"col\">Workplace</th><th scope=\"col\">Staff</th><th scope=\"col\">Display ID</th><th scope=\"col\">Status</th>",
        escape(org),
        escape(org),
        format_date(as_of)
    );
    for topic in topics {
        out.push_str(&format!("<th scope=\"col\">{}</th>", escape(topic)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for status in statuses {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            escape(&status.staff.workplace),
            escape(&status.staff.staff),
            escape(&status.staff.displayid),
            status.status().map_or("", Status::as_str)
        ));
        for topic in topics {
            out.push_str(&format!("<td>{}</td>", escape(&cell_text(status, topic))));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</body></html>\n");
    out
}

// ---------------------------------------------------------------------------------------------
// expiring, alerts

fn expiring(args: &ExpiringArgs) -> anyhow::Result<ExitCode> {
    formats(args.format, &[Format::Text, Format::Json, Format::Csv])?;
    let store = open_store(&args.db.db)?;
    let as_of = read_as_of(&store, &args.as_of, Some(&args.org))?;
    let data = load_org(&store, &args.org, as_of)?;
    check_staff_flags(&data, args.workplace.as_deref(), None)?;
    let statuses: Vec<StaffStatus> = data
        .statuses()
        .into_iter()
        .filter(|status| keep_staff(status, args.workplace.as_deref(), None))
        .collect();
    let days = args
        .days
        .unwrap_or_else(|| data.profile.settings().expiring_days());
    let items = alerts::expiring(&statuses, as_of, days);
    match args.format {
        Format::Json => print_json(&wire::expiring_json(as_of, &items))?,
        Format::Csv => print!("{}", expiring_csv(&items)?),
        _ => {
            println!(
                "{} pair(s) expiring from {} to {}",
                items.len(),
                format_date(as_of),
                format_date(carecount_compliance::date::add_days(as_of, i64::from(days)))
            );
            for item in &items {
                println!(
                    "  {} {} {} {:<34} {:<9} expires {}",
                    item.pair.expires_on.map(format_date).unwrap_or_default(),
                    item.staff.staff.workplace,
                    item.staff.staff.staff,
                    item.pair.topic,
                    item.pair.level.as_deref().unwrap_or("-"),
                    item.pair
                        .days_left
                        .map_or_else(String::new, |days| format!("in {days} days"))
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn alerts_command(args: &AlertsArgs) -> anyhow::Result<ExitCode> {
    formats(
        args.format,
        &[Format::Text, Format::Json, Format::Csv, Format::Ics],
    )?;
    let store = open_store(&args.db.db)?;
    let as_of = read_as_of(&store, &args.as_of, Some(&args.org))?;
    let data = load_org(&store, &args.org, as_of)?;
    check_staff_flags(&data, args.workplace.as_deref(), None)?;
    let statuses: Vec<StaffStatus> = data
        .statuses()
        .into_iter()
        .filter(|status| keep_staff(status, args.workplace.as_deref(), None))
        .collect();
    let found = alerts::alerts(&statuses, as_of, data.profile.settings().due_soon_days());
    let text = match args.format {
        Format::Json => json_text(&wire::alerts_json(as_of, &found))?,
        Format::Csv => export::alerts_csv(&found),
        Format::Ics => export::alerts_ics(&data.org, &statuses, as_of, args.days),
        _ => {
            let mut out = format!("{} alert(s) on {}\n", found.len(), format_date(as_of));
            for alert in &found {
                out.push_str(&format!(
                    "  {:<5} {:<17} {} {} {:<34} raised {}\n",
                    alert.rag.as_str(),
                    alert.kind.as_str(),
                    alert.item.staff.staff.workplace,
                    alert.item.staff.staff.staff,
                    alert.item.pair.topic,
                    alert.raised_on.map_or_else(|| "-".to_owned(), format_date)
                ));
            }
            out
        }
    };
    write_out(args.out.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------------------------
// tna

fn starters_rates(
    store: &Store,
    area: &str,
    region: Option<&str>,
    as_of: time::Date,
) -> anyhow::Result<BTreeMap<String, StartersRate>> {
    let snapshot = crate::analysis::snapshot_on(store, as_of)?;
    let mut rates = BTreeMap::new();
    for group in ["direct_care", "manager", "regulated", "other"] {
        let filter = carecount_metrics::GroupFilter {
            role_group: Some(carecount_metrics::group::parse_role_group(group)?),
            ..carecount_metrics::GroupFilter::england()
        };
        let found = carecount_metrics::with_geography_fallback(
            &snapshot,
            "starters_rate",
            &filter,
            area,
            region,
        )?;
        if let Some((value, level)) = found {
            rates.insert(
                group.to_owned(),
                StartersRate {
                    value,
                    from: rate_origin(level),
                },
            );
        }
    }
    Ok(rates)
}

/// Where a starters rate came from, in the TNA's words.
fn rate_origin(level: carecount_metrics::ComparisonLevel) -> RateOrigin {
    match level {
        carecount_metrics::ComparisonLevel::LocalAuthority => RateOrigin::Area,
        carecount_metrics::ComparisonLevel::Region => RateOrigin::Region,
        carecount_metrics::ComparisonLevel::England => RateOrigin::England,
    }
}

fn tna(args: &TnaArgs) -> anyhow::Result<ExitCode> {
    formats(
        args.format,
        &[Format::Text, Format::Json, Format::Csv, Format::Xlsx],
    )?;
    if args.format == Format::Xlsx && args.out.is_none() {
        bail!("--format xlsx writes a workbook: give --out FILE");
    }
    if let Some(run) = &args.projection {
        // No command saves projection runs in the store yet, so no run can be named.
        bail!("unknown projection run {run:?}; the store holds no saved projection runs");
    }
    if !(1..=60).contains(&args.horizon_months) {
        bail!(
            "--horizon-months must be 1 to 60, not {}",
            args.horizon_months
        );
    }
    let store = open_store(&args.db.db)?;
    let as_of = read_as_of(&store, &args.as_of, None)?;
    let area = crate::analysis::area_code(&args.area);
    let data = load_area(&store, &AreaSelector::Area(area.clone()), as_of)?;
    let catalogue = Catalogue::shipped();
    let mut unit_costs = UnitCosts::shipped();
    if let Some(stored) = store.unit_costs(&area)? {
        match parse_unit_costs(catalogue, "unit-costs", &stored.file_text, CostOrigin::Area) {
            Ok(rows) => unit_costs = unit_costs.with_overrides(rows),
            Err(messages) => bail!(
                "the stored unit costs of {area} no longer check: {}",
                messages
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }
    }
    if let Some(path) = &args.costs {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let name = path.display().to_string();
        match parse_unit_costs(catalogue, &name, &text, CostOrigin::File) {
            Ok(rows) => unit_costs = unit_costs.with_overrides(rows),
            Err(messages) => {
                print_messages(&messages, args.format == Format::Json)?;
                return Ok(ExitCode::from(1));
            }
        }
    }
    let starters = StartersSource::Rates(starters_rates(
        &store,
        &area,
        data.region.as_deref(),
        as_of,
    )?);
    let statuses = data.statuses();
    // Statuses are judged under each organisation's own profile; the starters' requirements use
    // the first organisation's (decision recorded in docs/decisions/compliance-cli.md).
    let Some((_, profile, _)) = data.orgs.first() else {
        bail!("no organisation holds workplaces in {area}");
    };
    let request = TnaRequest {
        area: &area,
        as_of,
        horizon_months: args.horizon_months,
        include_agency: args.include_agency,
        starters: &starters,
        unit_costs: &unit_costs,
        catalogue,
        profile,
    };
    let result = training_needs(&request, &statuses)?;
    let audience = args.audience.map_or(Audience::Commissioner, Audience::from);
    let answer = wire::tna_json(&result, audience, &starters, &unit_costs);
    let text = match args.format {
        Format::Json => json_text(&answer)?,
        Format::Csv => tna_csv(&answer)?,
        Format::Xlsx => {
            let bytes = export::tna_xlsx(&answer, &unit_costs, result.illustrative_costs_used)?;
            if let Some(path) = &args.out {
                std::fs::write(path, bytes)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            return Ok(ExitCode::SUCCESS);
        }
        _ => tna_text(&answer, result.illustrative_costs_used),
    };
    write_out(args.out.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

fn tna_text(answer: &wire::TnaJson, illustrative: bool) -> String {
    let mut out = String::new();
    if illustrative {
        out.push_str(
            "Notice: illustrative unit costs were used; replace them with local figures.\n",
        );
    }
    out.push_str(&format!(
        "Training needs analysis of {} from {} to {} ({} months, {})\n",
        answer.area, answer.as_of, answer.horizon_end, answer.horizon_months, answer.audience
    ));
    let number = |value: Option<u64>| value.map_or_else(|| "< 5".to_owned(), |v| v.to_string());
    let money =
        |value: Option<f64>| value.map_or_else(|| "withheld".to_owned(), |v| format!("£{v:.0}"));
    for row in &answer.rows {
        out.push_str(&format!(
            "  {:<34} {:<9} {:<11} places {:>5}  cohorts {:>4}  cost {:>10}\n",
            row.topic.as_deref().unwrap_or("-"),
            row.level.as_deref().unwrap_or("-"),
            row.class.as_deref().unwrap_or("-"),
            number(row.places),
            number(row.cohorts),
            money(row.cost)
        ));
    }
    out.push_str(&format!(
        "  total places {}, cost {}\n",
        number(answer.totals.places),
        money(answer.totals.cost)
    ));
    for warning in &answer.warnings {
        out.push_str(&format!("  warning: {warning}\n"));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// costs

/// `compliance costs`.
#[derive(Debug, Args)]
pub struct CostsArgs {
    #[command(subcommand)]
    pub command: CostsCommand,
}

#[derive(Debug, Subcommand)]
pub enum CostsCommand {
    /// The unit costs in use for an area (shipped rows replaced by the area's own).
    Show(CostsShowArgs),
    /// Replace an area's unit costs file (checked whole first).
    Set(CostsSetArgs),
}

/// `compliance costs show`.
#[derive(Debug, Args)]
pub struct CostsShowArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// A council's ONS code or name.
    #[arg(long, value_name = "LA")]
    pub area: String,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `compliance costs set`.
#[derive(Debug, Args)]
#[command(
    after_help = "Columns: topic,level,delivery,cost_per_place,cohort_size,cost_per_cohort,learner_hours,source,status"
)]
pub struct CostsSetArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    /// A council's ONS code or name.
    #[arg(long, value_name = "LA")]
    pub area: String,
    #[arg(long, value_name = "FILE")]
    pub file: PathBuf,
    /// Check and report; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

fn costs(args: &CostsArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        CostsCommand::Show(args) => costs_show(args),
        CostsCommand::Set(args) => costs_set(args),
    }
}

/// The area's code when it is a council, the demo area or holds workplaces on `as_of`.
fn known_area(store: &Store, area: &str, as_of: time::Date) -> anyhow::Result<String> {
    let code = crate::analysis::area_code(area);
    if carecount_codes::tables().local_authority(&code).is_some()
        || code == carecount_codes::DEMO_AREA_CODE
    {
        return Ok(code);
    }
    load_area(store, &AreaSelector::Area(code.clone()), as_of)?;
    Ok(code)
}

fn costs_show(args: &CostsShowArgs) -> anyhow::Result<ExitCode> {
    formats(args.format, &[Format::Text, Format::Json])?;
    let store = open_store(&args.db.db)?;
    let area = known_area(&store, &args.area, crate::global::today())?;
    let stored = store.unit_costs(&area)?;
    let mut in_use = UnitCosts::shipped();
    if let Some(stored) = &stored {
        match parse_unit_costs(
            Catalogue::shipped(),
            "unit-costs",
            &stored.file_text,
            CostOrigin::Area,
        ) {
            Ok(rows) => in_use = in_use.with_overrides(rows),
            Err(messages) => bail!(
                "the stored unit costs of {area} no longer check: {}",
                messages
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }
    }
    let rows: Vec<serde_json::Value> = in_use
        .rows()
        .iter()
        .map(|cost| {
            serde_json::json!({
                "topic": cost.topic,
                "level": cost.level,
                "delivery": cost.delivery,
                "cost_per_place": cost.cost_per_place,
                "cohort_size": cost.cohort_size,
                "cost_per_cohort": cost.cost_per_cohort,
                "learner_hours": cost.learner_hours,
                "source": cost.source,
                "status": cost.status.as_str(),
                "origin": cost.origin.as_str(),
            })
        })
        .collect();
    if args.format == Format::Json {
        print_json(&serde_json::json!({
            "schema": "carecount.unit_costs.v1",
            "area": area,
            "version": stored.as_ref().map(|stored| stored.version),
            "sha256": stored.as_ref().map(|stored| stored.sha256.clone()),
            "rows": rows,
        }))?;
    } else {
        println!(
            "Unit costs of {area}{}",
            stored
                .as_ref()
                .map(|stored| format!(" (version {})", stored.version))
                .unwrap_or_else(|| " (shipped, illustrative)".to_owned())
        );
        for cost in in_use.rows() {
            println!(
                "  {:<34} {:<9} {:<12} £{} a place, £{} a cohort of {}, {} hours ({}, {})",
                cost.topic,
                cost.level.as_deref().unwrap_or("-"),
                cost.delivery,
                cost.cost_per_place,
                cost.cost_per_cohort,
                cost.cohort_size
                    .map_or_else(|| "-".to_owned(), |size| size.to_string()),
                cost.learner_hours
                    .map_or_else(|| "-".to_owned(), |hours| hours.to_string()),
                cost.status.as_str(),
                cost.origin.as_str()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn costs_set(args: &CostsSetArgs) -> anyhow::Result<ExitCode> {
    formats(args.format, &[Format::Text, Format::Json])?;
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let mut store = open_store(&args.db.db)?;
    let area = known_area(&store, &args.area, args.as_of.date())?;
    let file = args.file.display().to_string();
    let json_output = args.format == Format::Json;
    if let Err(messages) = parse_unit_costs(Catalogue::shipped(), &file, &text, CostOrigin::Area) {
        print_messages(&messages, json_output)?;
        return Ok(ExitCode::from(1));
    }
    if args.dry_run {
        if json_output {
            print_json(&messages_json(&[]))?;
        } else {
            println!("dry run: {file} checks; nothing changed");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let sha256 = carecount_compliance::sha256::hex_digest(text.as_bytes());
    let version = store.save_unit_costs("cli", &area, &text, &sha256)?;
    if json_output {
        print_json(&serde_json::json!({"area": area, "version": version, "sha256": sha256}))?;
    } else {
        println!("saved unit costs version {version} of {area}");
    }
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------------------------
// CSV of lists

fn csv_text(rows: Vec<Vec<String>>) -> anyhow::Result<String> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        writer.write_record(&row)?;
    }
    let bytes = writer.into_inner().context("writing CSV")?;
    String::from_utf8(bytes).context("CSV is UTF-8")
}

/// The expiring list as CSV: the JSON item's scalar keys.
fn expiring_csv(items: &[alerts::PairItem<'_>]) -> anyhow::Result<String> {
    let mut rows = vec![
        [
            "workplace",
            "staff",
            "displayid",
            "job_role",
            "topic",
            "level",
            "class",
            "status",
            "expires_on",
            "days_left",
            "due_on",
            "deciding_row",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for item in items {
        let (staff, pair) = (&item.staff.staff, item.pair);
        rows.push(vec![
            staff.workplace.clone(),
            staff.staff.clone(),
            staff.displayid.clone(),
            staff.job_role.to_string(),
            pair.topic.clone(),
            pair.level.clone().unwrap_or_default(),
            pair.class.as_str().to_owned(),
            pair.status.as_str().to_owned(),
            pair.expires_on.map(format_date).unwrap_or_default(),
            pair.days_left
                .map(|days| days.to_string())
                .unwrap_or_default(),
            pair.due_on.map(format_date).unwrap_or_default(),
            pair.deciding_row.clone().unwrap_or_default(),
        ]);
    }
    csv_text(rows)
}

/// The TNA as CSV: one line per row of `rows`, `by_service_group`, `by_role_group` and the
/// totals, named in `table`; withheld cells say why (§5.1 "< 5", "withheld").
fn tna_csv(answer: &wire::TnaJson) -> anyhow::Result<String> {
    const COUNTS: [&str; 9] = [
        "missing",
        "expired",
        "due_new",
        "expiring_in_horizon",
        "starters",
        "in_progress",
        "places",
        "cohorts",
        "cost",
    ];
    let mut header: Vec<String> = [
        "table",
        "service_group",
        "role_group",
        "topic",
        "level",
        "class",
        "delivery",
    ]
    .map(str::to_owned)
    .to_vec();
    header.extend(COUNTS.iter().map(|name| (*name).to_owned()));
    header.push("hours".to_owned());
    let mut rows = vec![header];
    let cell = |row: &wire::TnaRowJson, name: &str, value: Option<String>| -> String {
        value.unwrap_or_else(|| match row.suppression.get(name).map(String::as_str) {
            Some("count_below_5") => "< 5".to_owned(),
            Some(_) => "withheld".to_owned(),
            None => String::new(),
        })
    };
    let tables: [(&str, &[wire::TnaRowJson]); 4] = [
        ("rows", &answer.rows),
        ("by_service_group", &answer.by_service_group),
        ("by_role_group", &answer.by_role_group),
        ("totals", std::slice::from_ref(&answer.totals)),
    ];
    for (table, list) in tables {
        for row in list {
            let count = |value: Option<u64>| value.map(|value| value.to_string());
            let number = |value: Option<f64>| value.map(|value| value.to_string());
            let values = [
                count(row.missing),
                count(row.expired),
                count(row.due_new),
                count(row.expiring_in_horizon),
                count(row.starters),
                count(row.in_progress),
                count(row.places),
                count(row.cohorts),
                number(row.cost),
            ];
            let mut line = vec![
                table.to_owned(),
                row.service_group.clone().unwrap_or_default(),
                row.role_group.clone().unwrap_or_default(),
                row.topic.clone().unwrap_or_default(),
                row.level.clone().unwrap_or_default(),
                row.class.clone().unwrap_or_default(),
                row.delivery.clone().unwrap_or_default(),
            ];
            for (name, value) in COUNTS.iter().zip(values) {
                line.push(cell(row, name, value));
            }
            line.push(cell(row, "hours", number(row.hours)));
            rows.push(line);
        }
    }
    csv_text(rows)
}
