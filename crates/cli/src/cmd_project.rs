//! `carecount project` (`interfaces.md` §Planning, `planning.md` §8–§10): reads the scenario and
//! any user tables named in it, runs the projection and writes JSON, CSV or HTML. A bad scenario
//! or table exits 1 with file:line:column and value, and nothing is written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use carecount_planning::scenario::{Audience, DataSource, EXAMPLE_SCENARIO, parse_scenario};
use carecount_planning::tables::{Origin, TableSet, read_table};
use carecount_planning::{DataSet, PlanningError, estimate, model, montecarlo, output};

/// Output format of a projection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProjectFormat {
    /// One JSON object (`planning.md` §10), byte-identical for the same inputs and seed.
    Json,
    /// A line per row and measure.
    Csv,
    /// A self-contained page with fan charts, comparisons and the risk matrix.
    Html,
}

/// Who the output is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AudienceArg {
    /// The store holder: nothing suppressed.
    Employer,
    /// Disclosure control (`metrics.md` §6) on rows with few records or workplaces.
    Commissioner,
}

/// Runs the projection model on a scenario.
#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Example:\n  carecount project --example > demo.toml\n  carecount project --scenario demo.toml --format html --out demo.html"
)]
pub struct ProjectArgs {
    /// The scenario file (TOML, `planning.md` §8).
    #[arg(long, value_name = "FILE.toml", required_unless_present = "example")]
    pub scenario: Option<PathBuf>,
    /// The store (its data set is used when the scenario's `[data] source` is `store`).
    #[arg(long, value_name = "PATH", default_value = "carecount.db")]
    pub db: PathBuf,
    /// Monte Carlo runs (0 = deterministic only); overrides the scenario.
    #[arg(long, value_name = "N")]
    pub runs: Option<u32>,
    /// Random seed; overrides the scenario.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: ProjectFormat,
    /// Output file (default: standard output).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the commented example scenario and exit.
    #[arg(long)]
    pub example: bool,
    /// Audience; overrides the scenario's `[output] audience`.
    #[arg(long, value_enum)]
    pub audience: Option<AudienceArg>,
}

fn input_failure(error: &PlanningError) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(1)
}

/// Runs `carecount project`. `data_for(area)` gives the store's data set for an area, when the
/// store holds one (called only when the scenario's `[data] source` is the store).
pub fn run(
    args: &ProjectArgs,
    data_for: &dyn Fn(&std::path::Path, &str) -> anyhow::Result<Option<DataSet>>,
) -> anyhow::Result<ExitCode> {
    if args.example {
        return write_output(args.out.as_deref(), EXAMPLE_SCENARIO).map(|()| ExitCode::SUCCESS);
    }
    let path = args
        .scenario
        .as_deref()
        .context("--scenario FILE.toml is required")?;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the scenario {}", path.display()))?;
    let file_name = path.display().to_string();
    let scenario = match parse_scenario(&file_name, &text) {
        Ok(scenario) => scenario,
        Err(error) => return Ok(input_failure(&error.into())),
    };
    let mut tables = match TableSet::shipped() {
        Ok(tables) => tables,
        Err(error) => anyhow::bail!("shipped table is broken: {error}"),
    };
    let base_dir = path.parent().unwrap_or(Path::new("."));
    for (name, table_path, location) in &scenario.data.tables {
        let full = base_dir.join(table_path);
        let table_text = match std::fs::read_to_string(&full) {
            Ok(table_text) => table_text,
            Err(error) => {
                eprintln!(
                    "error: {}:{}:{}: cannot read table {name} at {} ({error}) (value `{}`)",
                    location.file,
                    location.line,
                    location.column,
                    full.display(),
                    location.value
                );
                return Ok(ExitCode::from(2));
            }
        };
        match read_table(name, &full.display().to_string(), &table_text, Origin::User) {
            Ok(table) => tables.add(table),
            Err(error) => return Ok(input_failure(&error.into())),
        }
    }
    let data = if scenario.data.source == DataSource::Store && scenario.run.area != "la:*" {
        data_for(&args.db, &scenario.run.area)?.filter(|data| !data.snapshots.is_empty())
    } else {
        None
    };
    let as_of = match (scenario.run.as_of, &data) {
        (Some(date), _) => date,
        (None, Some(data)) => match data.snapshots.iter().map(|s| s.as_of).max() {
            Some(date) => date,
            None => anyhow::bail!("no base date: give [run] as_of"),
        },
        (None, None) => {
            eprintln!("error: {file_name}: [run] as_of is required when there is no data set");
            return Ok(ExitCode::from(1));
        }
    };
    let mut scenario = scenario;
    scenario.run.as_of = Some(as_of);
    let base_year = as_of.year();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let options = montecarlo::RunOptions {
        runs: args.runs,
        seed: args.seed,
        audience: args.audience.map(|audience| match audience {
            AudienceArg::Employer => Audience::Employer,
            AudienceArg::Commissioner => Audience::Commissioner,
        }),
        threads,
    };
    let project_area =
        |area: &str, data: Option<&DataSet>| -> Result<montecarlo::Projection, PlanningError> {
            let mut inputs = model::area_inputs(&tables, &scenario, area, base_year)?;
            if let Some(data) = data {
                estimate::apply_data_set(data, &mut inputs, as_of, scenario.supply.prior_events)?;
            }
            estimate::calibrate(&mut inputs, &scenario, base_year)?;
            montecarlo::project(&scenario, &inputs, options)
        };
    let result = if scenario.run.area == "la:*" {
        // Every LA of the areas table; the store's data set describes one area, so it is not used.
        let areas = match carecount_planning::tables::areas(&tables) {
            Ok(areas) => areas,
            Err(error) => return Ok(input_failure(&error.into())),
        };
        let mut projections = Vec::new();
        let mut failure = None;
        for area in carecount_planning::tables::every_la(&areas) {
            match project_area(&area.code, None) {
                Ok(projection) => projections.push(projection),
                Err(error) => {
                    failure = Some(error);
                    break;
                }
            }
        }
        match failure {
            Some(error) => Err(error),
            None => montecarlo::merge_projections(projections)
                .ok_or_else(|| PlanningError::Model("the areas table lists no LA".to_string())),
        }
    } else {
        project_area(&scenario.run.area, data.as_ref())
    };
    let projection = match result {
        Ok(projection) => projection,
        Err(error) => return Ok(input_failure(&error)),
    };
    let text = match args.format {
        ProjectFormat::Json => {
            output::to_json(&projection).context("serialising the projection")?
        }
        ProjectFormat::Csv => output::to_csv(&projection),
        ProjectFormat::Html => output::to_html(&projection),
    };
    write_output(args.out.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

fn write_output(out: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(text.as_bytes()) {
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.context("writing to standard output"),
            }
        }
    }
}
