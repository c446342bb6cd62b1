//! `carecount catalogue show | catalogue set --dir DIR` (`compliance.md` §2, §8, §10): the
//! catalogue of topics, levels, ASC-WDS category mapping and equivalences in force, and an
//! administrator's replacement, checked whole before anything changes.
//!
//! The store crate has no table for a replaced catalogue, so this module keeps one of its own,
//! `compliance_catalogue_version`, in the store's SQLite file (as the web app keeps its saved
//! scenarios). `main` puts the newest version in force with [`install_stored`] before any
//! command that judges training runs (compliance, training, requirements, catalogue, serve).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use carecount_compliance::Catalogue;
use carecount_compliance::catalogue::CatalogueFiles;
use clap::{Args, Subcommand};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::cmd_compliance::{open_store, print_messages};
use crate::global::{DbArg, OutputFormat, print_json};

/// Who the CLI writes as in the audit log.
const ACTOR: &str = "cli";

/// The four files of a catalogue directory, in `CatalogueFiles` order.
const FILES: [&str; 4] = [
    "topics.csv",
    "levels.csv",
    "categories.csv",
    "equivalences.csv",
];

/// The catalogue of topics and levels (administrators).
#[derive(Debug, Args)]
pub struct CatalogueArgs {
    #[command(subcommand)]
    pub command: CatalogueCommand,
}

#[derive(Debug, Subcommand)]
pub enum CatalogueCommand {
    /// The catalogue in force: topics, levels, category mapping, equivalences.
    Show(ShowArgs),
    /// Replace the catalogue with a directory's topics.csv, levels.csv, categories.csv and
    /// equivalences.csv, checked whole (exit 1 naming file, line, column and value).
    Set(SetArgs),
}

/// `catalogue show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// `catalogue set`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carecount catalogue set --dir our-catalogue/ --db carecount.db"
)]
pub struct SetArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// A directory holding topics.csv, levels.csv, categories.csv and equivalences.csv.
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Runs `carecount catalogue …`.
pub fn run(args: &CatalogueArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        CatalogueCommand::Show(args) => show(args),
        CatalogueCommand::Set(args) => set(args),
    }
}

/// A stored catalogue version.
struct Stored {
    version: i64,
    sha256: String,
    created_at: String,
    texts: [String; 4],
}

const CREATE: &str = "CREATE TABLE IF NOT EXISTS compliance_catalogue_version (
    version INTEGER PRIMARY KEY AUTOINCREMENT,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    topics TEXT NOT NULL,
    levels TEXT NOT NULL,
    categories TEXT NOT NULL,
    equivalences TEXT NOT NULL
)";

/// The newest stored catalogue of the store at `db`, if any (a missing file or table: none).
fn newest(db: &Path) -> anyhow::Result<Option<Stored>> {
    if !db.exists() {
        return Ok(None);
    }
    let connection = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening the store {}", db.display()))?;
    let exists: Option<String> = connection
        .query_row(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'compliance_catalogue_version'",
            [],
            |row| row.get(0),
        )
        .optional()
        .context("reading the store's tables")?;
    if exists.is_none() {
        return Ok(None);
    }
    connection
        .query_row(
            "SELECT version, sha256, created_at, topics, levels, categories, equivalences \
             FROM compliance_catalogue_version ORDER BY version DESC LIMIT 1",
            [],
            |row| {
                Ok(Stored {
                    version: row.get(0)?,
                    sha256: row.get(1)?,
                    created_at: row.get(2)?,
                    texts: [row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?],
                })
            },
        )
        .optional()
        .context("reading the stored catalogue")
}

fn files_of(texts: &[String; 4]) -> CatalogueFiles<'_> {
    let [topics, levels, categories, equivalences] = texts;
    CatalogueFiles {
        topics: (FILES[0], topics),
        levels: (FILES[1], levels),
        categories: (FILES[2], categories),
        equivalences: (FILES[3], equivalences),
    }
}

/// Puts the store's newest catalogue in force for this process (before anything reads the
/// catalogue). No stored catalogue: the shipped one stays.
pub fn install_stored(db: &Path) -> anyhow::Result<()> {
    let Some(stored) = newest(db)? else {
        return Ok(());
    };
    let catalogue = Catalogue::replacement(files_of(&stored.texts)).map_err(|messages| {
        anyhow::anyhow!(
            "the stored catalogue (version {}) no longer checks: {}",
            stored.version,
            messages
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )
    })?;
    if !Catalogue::install(catalogue) {
        bail!("the catalogue was read before the stored one could be put in force");
    }
    Ok(())
}

fn show(args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let stored = newest(&args.db.db)?;
    let catalogue = Catalogue::shipped();
    let (version, sha256) = match &stored {
        Some(stored) => (Some(stored.version), Some(stored.sha256.clone())),
        None => (None, None),
    };
    if args.format == OutputFormat::Json {
        let levels: Vec<serde_json::Value> = catalogue
            .schemes()
            .flat_map(|scheme| catalogue.levels(scheme))
            .map(|level| {
                serde_json::json!({"scheme": level.scheme, "level": level.level,
                    "ordinal": level.ordinal, "name": level.name, "keywords": level.keywords})
            })
            .collect();
        print_json(&serde_json::json!({
            "schema": "carecount.catalogue.v1",
            "origin": if stored.is_some() { "administrator" } else { "shipped" },
            "version": version,
            "sha256": sha256,
            "topics": catalogue.topics().iter().map(|topic| serde_json::json!({
                "topic": topic.topic, "name": topic.name, "kind": topic.kind.as_str(),
                "scheme": topic.scheme, "refresh_months": topic.refresh_months,
                "expiring_days": topic.expiring_days, "source": topic.source,
                "status": topic.status.as_str(),
            })).collect::<Vec<_>>(),
            "levels": levels,
            "categories": catalogue.categories().iter().map(|rule| serde_json::json!({
                "category": rule.category, "name_contains": rule.name_contains,
                "topics": rule.topics, "level": rule.level,
            })).collect::<Vec<_>>(),
            "equivalences": catalogue.equivalences().iter().map(|rule| serde_json::json!({
                "satisfier": rule.satisfier, "satisfier_level": rule.satisfier_level,
                "topic": rule.topic, "level": rule.level, "note": rule.note,
            })).collect::<Vec<_>>(),
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    match &stored {
        Some(stored) => println!(
            "Catalogue: administrator's version {} of {} (sha256 {})",
            stored.version, stored.created_at, stored.sha256
        ),
        None => println!("Catalogue: shipped"),
    }
    println!("Topics ({}):", catalogue.topics().len());
    for topic in catalogue.topics() {
        let refresh = topic
            .refresh_months
            .map_or_else(|| "never".to_owned(), |months| format!("{months} months"));
        println!(
            "  {:<34} {:<13} {:<16} refresh {:<10} {}",
            topic.topic,
            topic.kind.as_str(),
            topic.scheme.as_deref().unwrap_or("-"),
            refresh,
            topic.status.as_str()
        );
    }
    println!("Levels:");
    for scheme in catalogue.schemes() {
        let levels: Vec<&str> = catalogue
            .levels(scheme)
            .iter()
            .map(|level| level.level.as_str())
            .collect();
        println!("  {scheme}: {}", levels.join(", "));
    }
    println!(
        "Category rules: {}; equivalences: {}",
        catalogue.categories().len(),
        catalogue.equivalences().len()
    );
    Ok(ExitCode::SUCCESS)
}

fn set(args: &SetArgs) -> anyhow::Result<ExitCode> {
    let mut texts: [String; 4] = Default::default();
    for (text, name) in texts.iter_mut().zip(FILES) {
        let path = args.dir.join(name);
        *text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
    }
    let json = args.format == OutputFormat::Json;
    if let Err(messages) = Catalogue::replacement(files_of(&texts)) {
        print_messages(&messages, json)?;
        return Ok(ExitCode::from(1));
    }
    let store = open_store(&args.db.db)?;
    let sha256 = carecount_compliance::sha256::hex_digest(texts.concat().as_bytes());
    let mut connection = Connection::open(&args.db.db)
        .with_context(|| format!("opening the store {}", args.db.db.display()))?;
    let transaction = connection
        .transaction()
        .context("starting the catalogue change")?;
    transaction
        .execute(CREATE, [])
        .context("creating the catalogue table")?;
    let now = time::OffsetDateTime::now_utc();
    let created_at = format!(
        "{}T{:02}:{:02}:{:02}Z",
        crate::global::format_date(now.date()),
        now.hour(),
        now.minute(),
        now.second()
    );
    let [topics, levels, categories, equivalences] = &texts;
    transaction
        .execute(
            "INSERT INTO compliance_catalogue_version \
             (actor, created_at, sha256, topics, levels, categories, equivalences) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                ACTOR,
                created_at,
                sha256,
                topics,
                levels,
                categories,
                equivalences
            ],
        )
        .context("storing the catalogue")?;
    let version = transaction.last_insert_rowid();
    transaction.commit().context("storing the catalogue")?;
    store.audit(
        ACTOR,
        "catalogue_set",
        "catalogue",
        &format!(
            "version {version} from {} (sha256 {sha256})",
            args.dir.display()
        ),
    )?;
    if json {
        print_json(&serde_json::json!({
            "schema": "carecount.catalogue_set.v1",
            "version": version,
            "sha256": sha256,
        }))?;
    } else {
        println!(
            "catalogue version {version} stored (sha256 {sha256}); it is in force from the next command"
        );
    }
    Ok(ExitCode::SUCCESS)
}
