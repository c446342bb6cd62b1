//! Workforce projections in the web app (issue 6, "Done when"; `planning.md` §8–§10): a
//! commissioner saves scenarios for their area, runs one on the area's data set and views or
//! downloads the projection (JSON, CSV or HTML); the API runs a scenario sent as the body.
//!
//! * Access: the area's commissioners and administrators; other signed-in users 403, anonymous
//!   callers 401 (or the sign-in page).
//! * Saved scenarios live in the table `saved_scenarios`, created on first use on a connection of
//!   our own to the store's database file (the store crate knows nothing of it).
//! * Every run is forced to the page's area and to the commissioner audience (disclosure control,
//!   `planning.md` §10: "always in web and API"), with at most [`MAX_RUNS`] Monte Carlo runs, on
//!   the blocking pool.
//!
//! This module does NOT compute anything itself: the model is `carecount-planning`'s.

use axum::Form;
use axum::body::Bytes;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use carecount_planning::scenario::{Audience, DataSource, EXAMPLE_SCENARIO, parse_scenario};
use carecount_planning::tables::TableSet;
use carecount_planning::{InputError, PlanningError, estimate, model, montecarlo, output};
use carecount_store::accounts::Role;
use maud::html;
use serde::Deserialize;

use crate::auth::{self, Caller};
use crate::data;
use crate::error::{ApiError, PageError};
use crate::pages::{encode, layout};
use crate::{AppState, WebError};

/// Most Monte Carlo runs one request may ask for.
pub const MAX_RUNS: u32 = 1000;
/// Runs the page's run form proposes.
pub const DEFAULT_RUNS: u32 = 200;
/// Seed the page's run form proposes.
pub const DEFAULT_SEED: u64 = 1;
/// Longest scenario name kept.
const NAME_MAX: usize = 100;

/// Output formats of a projection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
    Html,
}

impl Format {
    fn parse(text: &str) -> Result<Format, WebError> {
        match text {
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "html" => Ok(Format::Html),
            other => Err(WebError::BadRequest(format!(
                "there is no `{other}` format: choose json, csv or html"
            ))),
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Html => "html",
        }
    }
}

/// The area's ONS code when the caller may run projections for it: administrators for any known
/// area, commissioners for their own areas. Anonymous → 401, anyone else → 403.
fn require_area(caller: &Caller, area: &str) -> Result<String, WebError> {
    let user = caller.require_user()?;
    let code = data::area_code(area);
    match user.role {
        Role::Admin => {
            crate::api::check_area(&code, None)?;
            Ok(code)
        }
        Role::Commissioner if user.areas.iter().any(|own| data::area_code(own) == code) => Ok(code),
        _ => Err(WebError::Forbidden),
    }
}

/// Why a projection could not be made.
#[derive(Debug)]
enum RunFailure {
    /// The scenario (or what the model makes of it) is wrong: 422 with its location.
    Scenario(PlanningError),
    /// Anything else.
    Web(WebError),
}

impl From<carecount_store::StoreError> for RunFailure {
    fn from(error: carecount_store::StoreError) -> RunFailure {
        RunFailure::Web(error.into())
    }
}

impl From<WebError> for RunFailure {
    fn from(error: WebError) -> RunFailure {
        RunFailure::Web(error)
    }
}

/// Parses a scenario for the web: user tables (files on the server) are refused.
fn parse_for_web(
    file: &str,
    text: &str,
) -> Result<carecount_planning::scenario::Scenario, PlanningError> {
    let scenario = parse_scenario(file, text)?;
    if let Some((_, _, location)) = scenario.data.tables.first() {
        let mut error = location.clone();
        error.message =
            "user tables cannot be read in the web app; use the shipped tables or the command line"
                .to_string();
        return Err(error.into());
    }
    Ok(scenario)
}

/// Runs a scenario for `area_code` on the store at `store_path`, for commissioners.
fn run_projection(
    store: &carecount_store::Store,
    area_code: &str,
    file: &str,
    text: &str,
    runs: Option<u32>,
    seed: Option<u64>,
) -> Result<montecarlo::Projection, RunFailure> {
    let mut scenario = parse_for_web(file, text).map_err(RunFailure::Scenario)?;
    scenario.run.area = area_code.to_string();
    let effective_runs = runs.unwrap_or(if scenario.run.monte_carlo {
        scenario.run.runs
    } else {
        0
    });
    if effective_runs > MAX_RUNS {
        return Err(WebError::BadRequest(format!(
            "{effective_runs} runs is too many: at most {MAX_RUNS} (give fewer runs)"
        ))
        .into());
    }
    let tables = TableSet::shipped()
        .map_err(|error| WebError::Internal(format!("shipped table is broken: {error}")))?;
    let data_set = if scenario.data.source == DataSource::Store {
        carecount_planning::load::data_set(store, area_code)?
            .filter(|data_set| !data_set.snapshots.is_empty())
    } else {
        None
    };
    let as_of = match (scenario.run.as_of, &data_set) {
        (Some(date), _) => date,
        (None, Some(data_set)) => data_set
            .snapshots
            .iter()
            .map(|snapshot| snapshot.as_of)
            .max()
            .ok_or_else(|| WebError::Internal("a data set without snapshots".to_string()))?,
        (None, None) => {
            return Err(RunFailure::Scenario(
                InputError {
                    file: file.to_string(),
                    line: 1,
                    column: 1,
                    value: String::new(),
                    message: "[run] as_of is required: the store holds no data for this area"
                        .to_string(),
                }
                .into(),
            ));
        }
    };
    scenario.run.as_of = Some(as_of);
    let base_year = as_of.year();
    let options = montecarlo::RunOptions {
        runs: Some(effective_runs),
        seed,
        audience: Some(Audience::Commissioner),
        threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(2)),
    };
    let project = || -> Result<montecarlo::Projection, PlanningError> {
        let mut inputs = model::area_inputs(&tables, &scenario, area_code, base_year)?;
        if let Some(data_set) = &data_set {
            estimate::apply_data_set(data_set, &mut inputs, as_of, scenario.supply.prior_events)?;
        }
        estimate::calibrate(&mut inputs, &scenario, base_year)?;
        montecarlo::project(&scenario, &inputs, options)
    };
    project().map_err(RunFailure::Scenario)
}

/// The projection as text in `format`.
fn render(projection: &montecarlo::Projection, format: Format) -> Result<String, WebError> {
    match format {
        Format::Json => output::to_json(projection)
            .map_err(|error| WebError::Internal(format!("projection JSON: {error}"))),
        Format::Csv => Ok(output::to_csv(projection)),
        Format::Html => Ok(output::to_html(projection)),
    }
}

/// A file name fragment: letters, digits and `-` only.
fn slug(text: &str) -> String {
    let slug: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() {
        "projection".to_string()
    } else {
        slug
    }
}

/// The body of a projection, as a download (`attachment`) or shown inline.
fn projection_response(text: String, format: Format, download: Option<&str>) -> Response {
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Some(name) = download
        && let Ok(value) = HeaderValue::from_str(&format!(
            "attachment; filename=\"{}.{}\"",
            slug(name),
            format.extension()
        ))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

// ---------------------------------------------------------------------------------------------
// Saved scenarios

/// One saved scenario.
#[derive(Debug, Clone)]
struct Saved {
    id: i64,
    name: String,
    toml: String,
    saved_by: String,
    saved_at: i64,
}

fn sql_error(error: rusqlite::Error) -> WebError {
    WebError::Internal(format!("saved scenarios: {error}"))
}

/// A connection to the store's file with the `saved_scenarios` table present.
fn scenarios_db(state: &AppState) -> Result<rusqlite::Connection, WebError> {
    let connection = rusqlite::Connection::open(&state.inner.store_path).map_err(sql_error)?;
    connection
        .busy_timeout(std::time::Duration::from_secs(10))
        .map_err(sql_error)?;
    connection
        .execute(
            "CREATE TABLE IF NOT EXISTS saved_scenarios (
                id INTEGER PRIMARY KEY,
                area TEXT NOT NULL,
                name TEXT NOT NULL,
                toml TEXT NOT NULL,
                saved_by TEXT NOT NULL,
                saved_at INTEGER NOT NULL
            )",
            [],
        )
        .map_err(sql_error)?;
    Ok(connection)
}

fn saved_list(state: &AppState, area: &str) -> Result<Vec<Saved>, WebError> {
    let connection = scenarios_db(state)?;
    let mut statement = connection
        .prepare(
            "SELECT id, name, toml, saved_by, saved_at FROM saved_scenarios
             WHERE area = ?1 ORDER BY name, id",
        )
        .map_err(sql_error)?;
    let rows = statement
        .query_map([area], |row| {
            Ok(Saved {
                id: row.get(0)?,
                name: row.get(1)?,
                toml: row.get(2)?,
                saved_by: row.get(3)?,
                saved_at: row.get(4)?,
            })
        })
        .map_err(sql_error)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(sql_error)
}

fn saved_one(state: &AppState, area: &str, id: i64) -> Result<Saved, WebError> {
    saved_list(state, area)?
        .into_iter()
        .find(|saved| saved.id == id)
        .ok_or_else(|| WebError::NotFound("there is no such saved scenario".to_string()))
}

fn save(state: &AppState, area: &str, name: &str, toml: &str, by: &str) -> Result<i64, WebError> {
    let connection = scenarios_db(state)?;
    connection
        .execute(
            "INSERT INTO saved_scenarios (area, name, toml, saved_by, saved_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![area, name, toml, by, auth::now_seconds()],
        )
        .map_err(sql_error)?;
    Ok(connection.last_insert_rowid())
}

/// The example scenario with its `[run] area` set to `code`.
fn example_for(code: &str) -> String {
    EXAMPLE_SCENARIO.replacen(
        &format!("area = \"{}\"", carecount_codes::DEMO_AREA_CODE),
        &format!("area = \"{code}\""),
        1,
    )
}

// ---------------------------------------------------------------------------------------------
// Pages

/// One line of an error summary: the message and where it points.
struct Problem {
    message: String,
    line: Option<usize>,
    column: Option<usize>,
    value: Option<String>,
}

fn problem_of(error: &PlanningError) -> Problem {
    match error {
        PlanningError::Input(input) => Problem {
            message: input.message.clone(),
            line: Some(input.line),
            column: Some(input.column),
            value: Some(input.value.clone()),
        },
        PlanningError::Model(message) => Problem {
            message: message.clone(),
            line: None,
            column: None,
            value: None,
        },
    }
}

fn date_of(seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds).map_or_else(
        |_| "–".to_string(),
        |moment| data::format_date(moment.date()),
    )
}

fn page(
    caller: &Caller,
    area: &str,
    code: &str,
    saved: &[Saved],
    name: &str,
    toml: &str,
    problems: &[Problem],
) -> Html<String> {
    let base = format!("/areas/{}/projections", encode(area));
    layout(
        "Projections",
        caller,
        html! {
            @if !problems.is_empty() {
                div class="govuk-error-summary" data-module="govuk-error-summary" {
                    div role="alert" {
                        h2 class="govuk-error-summary__title" { "There is a problem" }
                        div class="govuk-error-summary__body" {
                            ul class="govuk-list govuk-error-summary__list" {
                                @for problem in problems {
                                    li {
                                        a href=(if problem.line.is_some() { "#toml" } else { "#name" }) {
                                            @if let (Some(line), Some(column)) = (problem.line, problem.column) {
                                                "Line " (line) ", column " (column) ": "
                                            }
                                            (problem.message)
                                            @if let Some(value) = problem.value.as_deref().filter(|value| !value.is_empty()) {
                                                " (value “" (value) "”)"
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h1 class="govuk-heading-l" { "Workforce projections for " (data::area_name(code)) }
            p class="govuk-body" {
                "Run a saved scenario on this area's data set. Small numbers are withheld. "
                "Runs are limited to " (MAX_RUNS) "."
            }
            h2 class="govuk-heading-m" { "Saved scenarios" }
            @if saved.is_empty() {
                p class="govuk-body" { "No scenario is saved for this area yet." }
            } @else {
                table class="govuk-table" {
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Scenario" }
                        th scope="col" class="govuk-table__header" { "Saved by" }
                        th scope="col" class="govuk-table__header" { "Saved on" }
                        th scope="col" class="govuk-table__header" { "Run" }
                    } }
                    tbody class="govuk-table__body" {
                        @for scenario in saved {
                            tr class="govuk-table__row" {
                                th scope="row" class="govuk-table__header" { (scenario.name) }
                                td class="govuk-table__cell" { (scenario.saved_by) }
                                td class="govuk-table__cell" { (date_of(scenario.saved_at)) }
                                td class="govuk-table__cell" {
                                    form method="post" action=(format!("{base}/{}/run", scenario.id)) novalidate {
                                        input type="hidden" name="csrf" value=(caller.csrf());
                                        div class="govuk-form-group" {
                                            label class="govuk-label" for=(format!("runs-{}", scenario.id)) { "Runs" }
                                            input class="govuk-input govuk-input--width-5" id=(format!("runs-{}", scenario.id)) name="runs" type="text" inputmode="numeric" value=(DEFAULT_RUNS);
                                        }
                                        div class="govuk-form-group" {
                                            label class="govuk-label" for=(format!("seed-{}", scenario.id)) { "Seed" }
                                            input class="govuk-input govuk-input--width-10" id=(format!("seed-{}", scenario.id)) name="seed" type="text" inputmode="numeric" value=(DEFAULT_SEED);
                                        }
                                        div class="govuk-button-group" {
                                            button type="submit" class="govuk-button" data-module="govuk-button" { "Run and view" }
                                            button type="submit" name="format" value="html" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Download HTML" }
                                            button type="submit" name="format" value="csv" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Download CSV" }
                                            button type="submit" name="format" value="json" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Download JSON" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 class="govuk-heading-m" { "Save a scenario" }
            form method="post" action=(base) novalidate {
                input type="hidden" name="csrf" value=(caller.csrf());
                div class="govuk-form-group" {
                    label class="govuk-label" for="name" { "Name" }
                    input class="govuk-input govuk-!-width-one-half" id="name" name="name" type="text" value=(name);
                }
                div class=(if problems.iter().any(|problem| problem.line.is_some()) { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                    label class="govuk-label" for="toml" { "Scenario (TOML)" }
                    div id="toml-hint" class="govuk-hint" {
                        "The scenario file of the planning specification. Its [run] area is always this area; user tables cannot be used here."
                    }
                    textarea class="govuk-textarea govuk-!-font-family-monospace" id="toml" name="toml" rows="30" aria-describedby="toml-hint" { (toml) }
                }
                button type="submit" class="govuk-button" data-module="govuk-button" { "Save scenario" }
            }
        },
    )
}

/// `GET /areas/{area}/projections`: saved scenarios with run buttons, and the save form.
pub(crate) async fn projections_page(
    State(state): State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
) -> Result<Html<String>, PageError> {
    let code = require_area(&caller, &area)?;
    let list_code = code.clone();
    let saved = state
        .with_store(move |_, state| saved_list(state, &list_code))
        .await?;
    Ok(page(
        &caller,
        &area,
        &code,
        &saved,
        "",
        &example_for(&code),
        &[],
    ))
}

/// The save form.
#[derive(Debug, Deserialize)]
pub(crate) struct SaveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    toml: String,
}

/// `POST /areas/{area}/projections`: saves a scenario once it parses; else 422 with the errors.
pub(crate) async fn save_scenario(
    State(state): State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
    form: Result<Form<SaveForm>, FormRejection>,
) -> Result<Response, PageError> {
    let code = require_area(&caller, &area)?;
    let Form(form) =
        form.map_err(|_| WebError::BadRequest("the form could not be read".to_string()))?;
    caller.check_csrf(&form.csrf)?;
    let name = form.name.trim().to_string();
    let mut problems = Vec::new();
    if name.is_empty() {
        problems.push(Problem {
            message: "Enter a name for the scenario".to_string(),
            line: None,
            column: None,
            value: None,
        });
    } else if name.chars().count() > NAME_MAX {
        problems.push(Problem {
            message: format!("The name must be {NAME_MAX} characters or fewer"),
            line: None,
            column: None,
            value: None,
        });
    }
    if let Err(error) = parse_for_web(&name, &form.toml) {
        problems.push(problem_of(&error));
    }
    if !problems.is_empty() {
        let list_code = code.clone();
        let saved = state
            .with_store(move |_, state| saved_list(state, &list_code))
            .await?;
        let page = page(
            &caller, &area, &code, &saved, &form.name, &form.toml, &problems,
        );
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let actor = caller.actor();
    state
        .with_store(move |store, state| {
            let id = save(state, &code, &name, &form.toml, &actor)?;
            store.audit(&actor, "projection_save", &code, &format!("scenario {id}"))?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/areas/{}/projections", encode(&area))).into_response())
}

/// The run form.
#[derive(Debug, Deserialize)]
pub(crate) struct RunForm {
    #[serde(default)]
    csrf: String,
    runs: Option<String>,
    seed: Option<String>,
    format: Option<String>,
}

/// `?format=` of a run.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FormatQuery {
    format: Option<String>,
}

fn number<T: std::str::FromStr>(name: &str, text: Option<&str>, default: T) -> Result<T, WebError> {
    match text.map(str::trim).filter(|text| !text.is_empty()) {
        None => Ok(default),
        Some(text) => text.parse().map_err(|_| {
            WebError::BadRequest(format!("`{name}` must be a whole number, not `{text}`"))
        }),
    }
}

/// `POST /areas/{area}/projections/{id}/run`: runs a saved scenario for this area (commissioner
/// audience). No format: the HTML projection shown inline; `format` (query or form) `html`,
/// `csv` or `json`: a download.
pub(crate) async fn run_saved(
    State(state): State<AppState>,
    caller: Caller,
    Path((area, id)): Path<(String, String)>,
    query: Result<Query<FormatQuery>, QueryRejection>,
    form: Result<Form<RunForm>, FormRejection>,
) -> Result<Response, PageError> {
    let code = require_area(&caller, &area)?;
    let Form(form) =
        form.map_err(|_| WebError::BadRequest("the form could not be read".to_string()))?;
    caller.check_csrf(&form.csrf)?;
    let id: i64 = id
        .parse()
        .map_err(|_| WebError::NotFound("there is no such saved scenario".to_string()))?;
    let Query(query) =
        query.map_err(|error| WebError::BadRequest(format!("query parameters: {error}")))?;
    let format = match query.format.or(form.format) {
        Some(text) => Some(Format::parse(&text)?),
        None => None,
    };
    let runs = number("runs", form.runs.as_deref(), DEFAULT_RUNS)?;
    let seed = number("seed", form.seed.as_deref(), DEFAULT_SEED)?;
    if runs > MAX_RUNS {
        return Err(
            WebError::BadRequest(format!("{runs} runs is too many: at most {MAX_RUNS}")).into(),
        );
    }
    let actor = caller.actor();
    let run_code = code.clone();
    let outcome = state
        .with_store(move |store, state| {
            let saved = saved_one(state, &run_code, id)?;
            store.audit(
                &actor,
                "projection_run",
                &run_code,
                &format!("scenario {id}, {runs} runs, seed {seed}"),
            )?;
            let result = run_projection(
                store,
                &run_code,
                &saved.name,
                &saved.toml,
                Some(runs),
                Some(seed),
            );
            Ok((saved, result))
        })
        .await?;
    let (saved, result) = outcome;
    match result {
        Ok(projection) => {
            let text = render(&projection, format.unwrap_or(Format::Html))?;
            Ok(match format {
                Some(format) => projection_response(text, format, Some(&saved.name)),
                None => projection_response(text, Format::Html, None),
            })
        }
        Err(RunFailure::Web(error)) => Err(error.into()),
        Err(RunFailure::Scenario(error)) => {
            let list_code = code.clone();
            let list = state
                .with_store(move |_, state| saved_list(state, &list_code))
                .await?;
            let page = page(
                &caller,
                &area,
                &code,
                &list,
                &saved.name,
                &saved.toml,
                &[problem_of(&error)],
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// API

/// `?runs=&seed=&format=` of the API.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiQuery {
    pub runs: Option<u32>,
    pub seed: Option<u64>,
    pub format: Option<String>,
}

/// 422 problem+json for a scenario error, with its location as extension members.
fn scenario_problem(error: &PlanningError) -> Response {
    let mut body = serde_json::json!({
        "type": "https://carecount.invalid/problems/invalid-scenario",
        "title": "The scenario is not valid",
        "status": 422,
        "detail": error.to_string(),
    });
    if let (PlanningError::Input(input), Some(object)) = (error, body.as_object_mut()) {
        object.insert("file".to_string(), input.file.clone().into());
        object.insert("line".to_string(), input.line.into());
        object.insert("column".to_string(), input.column.into());
        object.insert("value".to_string(), input.value.clone().into());
        object.insert("message".to_string(), input.message.clone().into());
    }
    let mut response = (
        StatusCode::UNPROCESSABLE_ENTITY,
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

/// `POST /api/v1/areas/{area}/projections?runs=N&seed=S&format=json|csv|html`: runs the scenario
/// TOML of the body for the area (commissioner audience). Bad scenario → 422 problem+json with
/// file, line, column and value.
pub async fn api_project(
    State(state): State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
    query: Result<Query<ApiQuery>, QueryRejection>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let code = require_area(&caller, &area)?;
    let Query(query) =
        query.map_err(|error| WebError::BadRequest(format!("query parameters: {error}")))?;
    let format = Format::parse(query.format.as_deref().unwrap_or("json"))?;
    if let Some(runs) = query.runs
        && runs > MAX_RUNS
    {
        return Err(
            WebError::BadRequest(format!("{runs} runs is too many: at most {MAX_RUNS}")).into(),
        );
    }
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| WebError::BadRequest("the scenario must be UTF-8 text (TOML)".to_string()))?;
    let actor = caller.actor();
    let result = state
        .with_store(move |store, _| {
            store.audit(&actor, "projection_run", &code, "api")?;
            Ok(run_projection(
                store,
                &code,
                "scenario.toml",
                &text,
                query.runs,
                query.seed,
            ))
        })
        .await?;
    match result {
        Ok(projection) => Ok(projection_response(
            render(&projection, format)?,
            format,
            None,
        )),
        Err(RunFailure::Scenario(error)) => Ok(scenario_problem(&error)),
        Err(RunFailure::Web(error)) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_letters_and_digits_only() {
        // "Pay rise 10%" → spaces and % become '-', trailing '-' trimmed.
        assert_eq!(slug("Pay rise 10%"), "Pay-rise-10");
        assert_eq!(slug("///"), "projection");
    }

    #[test]
    fn the_example_names_the_page_area() {
        let text = example_for("E08000018");
        assert!(text.contains("area = \"E08000018\""));
        assert!(!text.contains("E99999999"));
        // And it still parses.
        assert!(parse_for_web("example", &text).is_ok());
    }

    #[test]
    fn user_tables_are_refused_with_their_location() {
        let text = "format = 1\nname = \"x\"\n[run]\narea = \"E99999999\"\nas_of = \"2025-03-31\"\n[data]\ntables = { population = \"/etc/passwd\" }\n";
        match parse_for_web("t.toml", text) {
            Err(PlanningError::Input(error)) => {
                // `tables` is on line 7; the path value starts after `tables = { population = `.
                assert_eq!(error.line, 7);
                assert!(error.value.contains("/etc/passwd"));
                assert!(error.message.contains("user tables"));
            }
            other => panic!("expected an input error, got {other:?}"),
        }
    }

    #[test]
    fn formats_parse_and_unknown_ones_are_refused() {
        assert_eq!(Format::parse("csv").ok(), Some(Format::Csv));
        assert!(Format::parse("xlsx").is_err());
    }
}
