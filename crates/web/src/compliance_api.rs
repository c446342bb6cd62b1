//! The training-compliance JSON API of `compliance.md` §9 beyond the status and expiring answers
//! of `compliance_pages`: an organisation's matrix (JSON, CSV, XLSX), a staff record's status,
//! alerts (JSON, CSV, iCalendar), entered records, imports, exemptions and requirement profiles;
//! an area's unit costs; the shipped catalogue.
//!
//! Organisation paths answer their own employers and administrators; other employers get `404`
//! (the organisation is not theirs to know of), commissioners `403`, anonymous callers `401`.
//! Writes need an employer with edit rights or an administrator. Bad input is `422` problem+json
//! carrying every §10 message (file, line, column, value, severity, code), and nothing is stored.
//!
//! This module is NOT where statuses, checks or exports are computed (`carecount-compliance`)
//! nor where writes are audited (`carecount-store` audits each one in its transaction), nor where
//! inputs are loaded (`carecount_compliance::from_store`, shared with the CLI): it decides who may
//! ask. Reads without `as_of` describe the organisation's latest snapshot
//! (`from_store::default_as_of`).

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use carecount_compliance::figures::{PairFilter, compliance_figures};
use carecount_compliance::from_store::{
    self, OrgData, check_import, org_profile, profile_from_text,
};
use carecount_compliance::import::one_line_import;
use carecount_compliance::profile::rows_without_effect;
use carecount_compliance::tna::{CostOrigin, UnitCosts, parse_unit_costs};
use carecount_compliance::wire;
use carecount_compliance::{
    Catalogue, Exemption, ExemptionReason, Message, MessageCode, OrgSettings, Profile, Rules,
    Severity, StaffStatus, Status, alerts, export,
};
use carecount_store::Store;
use carecount_store::accounts::Role;
use carecount_store::compliance::NewExemption;
use serde_json::{Map, Value, json};
use time::Date;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::{AppState, Handler, RouteInfo, RouteKind, WebError, data};

/// The routes of this module, joined to the route table by `lib.rs`.
pub(crate) fn routes() -> Vec<(RouteInfo, Handler)> {
    use axum::routing::{delete, get, post, put};
    let route = |method, path, handler| {
        (
            RouteInfo {
                method,
                path,
                kind: RouteKind::Api,
            },
            handler,
        )
    };
    let upload = DefaultBodyLimit::max(crate::upload::UPLOAD_LIMIT);
    vec![
        route(
            "GET",
            "/api/v1/organisations/{org}/compliance/matrix",
            get(matrix),
        ),
        route(
            "GET",
            "/api/v1/organisations/{org}/compliance/staff/{workplace}/{staff}",
            get(staff_status),
        ),
        route(
            "GET",
            "/api/v1/organisations/{org}/compliance/alerts",
            get(alerts_answer),
        ),
        route(
            "GET",
            "/api/v1/organisations/{org}/training",
            get(list_training),
        ),
        route(
            "POST",
            "/api/v1/organisations/{org}/training",
            post(add_training),
        ),
        route(
            "POST",
            "/api/v1/organisations/{org}/training/import",
            post(import_training).layer(upload),
        ),
        route(
            "DELETE",
            "/api/v1/organisations/{org}/training/{id}",
            delete(delete_training),
        ),
        route(
            "POST",
            "/api/v1/organisations/{org}/exemptions",
            post(add_exemption),
        ),
        route(
            "DELETE",
            "/api/v1/organisations/{org}/exemptions/{id}",
            delete(delete_exemption),
        ),
        route(
            "GET",
            "/api/v1/organisations/{org}/requirements",
            get(show_requirements),
        ),
        route(
            "PUT",
            "/api/v1/organisations/{org}/requirements",
            put(set_requirements).layer(upload),
        ),
        route(
            "GET",
            "/api/v1/areas/{area}/training-costs",
            get(show_costs),
        ),
        route(
            "PUT",
            "/api/v1/areas/{area}/training-costs",
            put(set_costs).layer(upload),
        ),
        route("GET", "/api/v1/catalogue", get(catalogue)),
    ]
}

/// Summaries of these routes for the OpenAPI document (method, path, summary).
pub(crate) const ROUTE_SUMMARIES: [(&str, &str, &str); 14] = [
    (
        "GET",
        "/api/v1/organisations/{org}/compliance/matrix",
        "The training matrix (carecount.compliance_matrix.v1; query: as_of, workplace, topic…, status…, new_starters, format=json|csv|xlsx). Its own employers and administrators.",
    ),
    (
        "GET",
        "/api/v1/organisations/{org}/compliance/staff/{workplace}/{staff}",
        "One staff record's pairs with their explanation (carecount.compliance_status.v1; query: as_of, topic).",
    ),
    (
        "GET",
        "/api/v1/organisations/{org}/compliance/alerts",
        "Alerts (carecount.compliance_alerts.v1; query: as_of, workplace, days, format=json|csv|ics).",
    ),
    (
        "GET",
        "/api/v1/organisations/{org}/training",
        "Entered records and exemptions (carecount.training_list.v1; query: as_of, workplace, staff, topic).",
    ),
    (
        "POST",
        "/api/v1/organisations/{org}/training",
        "Adds one record (JSON object with the `training add` flags: workplace, staff, topic, level, completed, expires, validity, title, provider, number, revalidation_due, notes). 422 with every message; editors and administrators.",
    ),
    (
        "POST",
        "/api/v1/organisations/{org}/training/import",
        "Imports a `training import` CSV body (query: as_of, dry_run). 422 with every message, nothing stored; editors and administrators.",
    ),
    (
        "DELETE",
        "/api/v1/organisations/{org}/training/{id}",
        "Deletes an entered record of the organisation (404 when it holds no such record).",
    ),
    (
        "POST",
        "/api/v1/organisations/{org}/exemptions",
        "Exempts a pair (JSON: workplace, staff, topic, reason, note, from, until). 422 with every message.",
    ),
    (
        "DELETE",
        "/api/v1/organisations/{org}/exemptions/{id}",
        "Deletes an exemption of the organisation.",
    ),
    (
        "GET",
        "/api/v1/organisations/{org}/requirements",
        "The requirement profile in force (carecount.requirements.v1; query: as_of).",
    ),
    (
        "PUT",
        "/api/v1/organisations/{org}/requirements",
        "Replaces the organisation's requirement rows with the CSV body (query: as_of, expiring_days, due_soon_days, dry_run). 422 with every message.",
    ),
    (
        "GET",
        "/api/v1/areas/{area}/training-costs",
        "Unit costs in use for the area's training needs analysis (carecount.unit_costs.v1); any signed-in caller.",
    ),
    (
        "PUT",
        "/api/v1/areas/{area}/training-costs",
        "Replaces the area's unit costs with the CSV body (query: dry_run). The area's commissioners and administrators; 422 with every message.",
    ),
    (
        "GET",
        "/api/v1/catalogue",
        "Topics, levels, categories, equivalences and the shipped requirement profile (carecount.catalogue.v1); any signed-in caller.",
    ),
];

/// The name requests' bodies get in messages.
const BODY: &str = "request body";

// ---------------------------------------------------------------------------------------------
// Who may ask.

/// Organisation paths: its employers (edit or read-only) and administrators. Other employers get
/// 404, commissioners 403, anonymous callers 401 (`compliance.md` §9).
pub(crate) fn require_reader(caller: &Caller, org: &str) -> Result<Role, WebError> {
    let user = caller.require_user()?;
    match user.role {
        Role::Admin => Ok(Role::Admin),
        Role::Employer | Role::ReadOnlyEmployer if user.organisation.as_deref() == Some(org) => {
            Ok(user.role)
        }
        Role::Employer | Role::ReadOnlyEmployer => Err(WebError::NotFound(
            "there is no such organisation".to_string(),
        )),
        Role::Commissioner => Err(WebError::Forbidden),
    }
}

/// Writes: as [`require_reader`], and a read-only employer gets 403.
pub(crate) fn require_writer(caller: &Caller, org: &str) -> Result<(), WebError> {
    match require_reader(caller, org)? {
        Role::ReadOnlyEmployer => Err(WebError::Forbidden),
        _ => Ok(()),
    }
}

/// An area's unit costs may be replaced by its commissioners and administrators.
fn require_area_editor(caller: &Caller, area: &str) -> Result<String, WebError> {
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

// ---------------------------------------------------------------------------------------------
// Loading inputs: `carecount_compliance::from_store`, as for the CLI and the pages.

/// One organisation's inputs at `as_of` (access checked by the caller); administrators' reads
/// are audited. No snapshot on or before `as_of` is a 404.
fn load_org(store: &Store, caller: &Caller, org: &str, as_of: Date) -> Result<OrgData, WebError> {
    if caller.user().map(|user| user.role) == Some(Role::Admin) {
        store.owner_scope(org)?;
        store.audit(&caller.actor(), "admin_read", org, "compliance api")?;
    }
    Ok(from_store::load_org(store, org, as_of)?)
}

/// The as-of date of a read: the one asked for, else the date of the organisation's latest
/// snapshot on or before today (as the pages; `docs/decisions/compliance.md`).
fn read_as_of(store: &Store, asked: Option<Date>, org: &str) -> Result<Date, WebError> {
    match asked {
        Some(date) => Ok(date),
        None => Ok(from_store::default_as_of(
            store,
            Some(org),
            time::OffsetDateTime::now_utc().date(),
        )?),
    }
}

// ---------------------------------------------------------------------------------------------
// Query parameters, named as the CLI flags (`-` or `_`).

struct Params {
    values: BTreeMap<String, Vec<String>>,
}

impl Params {
    fn parse(query: &[(String, String)], allowed: &[&str]) -> Result<Params, WebError> {
        let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (key, value) in query {
            let key = key.replace('-', "_");
            if !allowed.contains(&key.as_str()) {
                return Err(WebError::BadRequest(format!(
                    "unknown query parameter `{key}`; valid parameters: {}",
                    allowed.join(", ")
                )));
            }
            if !value.is_empty() {
                values.entry(key).or_default().push(value.clone());
            }
        }
        Ok(Params { values })
    }

    fn one(&self, key: &str) -> Option<&str> {
        self.values
            .get(key)
            .and_then(|values| values.first())
            .map(String::as_str)
    }

    fn all(&self, key: &str) -> &[String] {
        self.values.get(key).map_or(&[], Vec::as_slice)
    }

    /// `as_of`, else today (UTC).
    fn as_of(&self) -> Result<Date, WebError> {
        match self.one("as_of") {
            Some(text) => data::parse_date(text),
            None => Ok(time::OffsetDateTime::now_utc().date()),
        }
    }

    /// `as_of` when given (reads default to the date the data describes: [`read_as_of`]).
    fn asked_as_of(&self) -> Result<Option<Date>, WebError> {
        self.one("as_of").map(data::parse_date).transpose()
    }

    fn flag(&self, key: &str) -> bool {
        self.one(key).is_some_and(|value| value != "false")
    }

    fn number(&self, key: &str) -> Result<Option<i64>, WebError> {
        self.one(key)
            .map(|value| {
                value.parse::<i64>().map_err(|_| {
                    WebError::BadRequest(format!("`{key}` must be a whole number, not `{value}`"))
                })
            })
            .transpose()
    }

    fn format(&self, allowed: &[&str]) -> Result<String, WebError> {
        let format = self.one("format").unwrap_or("json");
        if allowed.contains(&format) {
            Ok(format.to_owned())
        } else {
            Err(WebError::BadRequest(format!(
                "unknown format `{format}`; valid: {}",
                allowed.join(", ")
            )))
        }
    }

    fn topics(&self) -> Result<Vec<String>, WebError> {
        for topic in self.all("topic") {
            if Catalogue::shipped().topic(topic).is_none() {
                return Err(WebError::BadRequest(format!("unknown topic `{topic}`")));
            }
        }
        Ok(self.all("topic").to_vec())
    }
}

// ---------------------------------------------------------------------------------------------
// Answers.

fn json_response(status: StatusCode, value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        Err(error) => WebError::Internal(format!("JSON: {error}")).api_response(),
    }
}

fn file_response(body: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

fn message_json(message: &Message) -> Value {
    json!({
        "file": message.file,
        "line": message.line,
        "column": message.column,
        "value": message.value,
        "severity": message.severity.as_str(),
        "code": message.code.as_str(),
        "message": message.message,
    })
}

fn messages_json(messages: &[Message]) -> Vec<Value> {
    messages.iter().map(message_json).collect()
}

/// `422` problem+json with every message (errors and warnings): nothing was stored.
fn unprocessable(messages: &[Message]) -> Response {
    let errors = messages
        .iter()
        .filter(|message| message.severity == Severity::Error)
        .count();
    let body = json!({
        "type": "https://carecount.invalid/problems/invalid-input",
        "title": "The input has errors; nothing was changed",
        "status": 422,
        "detail": format!(
            "{errors} error(s): {}",
            messages
                .iter()
                .filter(|message| message.severity == Severity::Error)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        "messages": messages_json(messages),
    });
    let mut response = (StatusCode::UNPROCESSABLE_ENTITY, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

/// A message about a request body's key (line 0: no line, as a flag).
fn body_message(column: &str, value: &str, code: MessageCode, text: String) -> Message {
    Message {
        file: BODY.to_owned(),
        line: 0,
        column: column.to_owned(),
        value: value.to_owned(),
        severity: code.severity(),
        code,
        message: text,
    }
}

fn body_text(body: &Bytes) -> Result<String, WebError> {
    String::from_utf8(body.to_vec())
        .map_err(|_| WebError::BadRequest("the body must be UTF-8 text".to_string()))
}

/// A JSON body as text values by key: strings as given, numbers written out, null as blank.
/// Unknown keys and other types are messages.
fn body_fields(
    body: &Bytes,
    keys: &[&str],
) -> Result<(BTreeMap<String, String>, Vec<Message>), WebError> {
    let object: Map<String, Value> = serde_json::from_slice(body).map_err(|error| {
        WebError::BadRequest(format!(
            "the body must be a JSON object with the keys {} (error at line {}, column {})",
            keys.join(", "),
            error.line(),
            error.column()
        ))
    })?;
    let mut fields = BTreeMap::new();
    let mut messages = Vec::new();
    for (key, value) in object {
        if !keys.contains(&key.as_str()) {
            messages.push(body_message(
                &key,
                "",
                MessageCode::BadValue,
                format!("unknown key `{key}`; valid keys: {}", keys.join(", ")),
            ));
            continue;
        }
        let text = match value {
            Value::Null => String::new(),
            Value::String(text) => text,
            Value::Number(number) => number.to_string(),
            other => {
                messages.push(body_message(
                    &key,
                    &other.to_string(),
                    MessageCode::BadValue,
                    format!("`{key}` must be a string"),
                ));
                continue;
            }
        };
        fields.insert(key, text);
    }
    Ok((fields, messages))
}

fn date_value(date: Option<Date>) -> Value {
    date.map_or(Value::Null, |date| json!(data::format_date(date)))
}

// ---------------------------------------------------------------------------------------------
// Reads.

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

fn check_workplace(data: &OrgData, workplace: Option<&str>) -> Result<(), WebError> {
    match workplace {
        Some(workplace)
            if !data
                .staff
                .iter()
                .any(|entry| entry.facts.workplace == workplace) =>
        {
            Err(WebError::NotFound(format!(
                "there is no workplace `{workplace}` in this organisation"
            )))
        }
        _ => Ok(()),
    }
}

/// `GET …/compliance/matrix`: `carecount.compliance_matrix.v1`, or the matrix CSV or XLSX.
async fn matrix(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let params = Params::parse(
        &query,
        &[
            "as_of",
            "workplace",
            "topic",
            "status",
            "new_starters",
            "format",
        ],
    )?;
    let format = params.format(&["json", "csv", "xlsx"])?;
    let topics = params.topics()?;
    let wanted: Vec<Status> = params
        .all("status")
        .iter()
        .map(|text| {
            Status::parse(text).ok_or_else(|| {
                WebError::BadRequest(format!(
                    "unknown status `{text}`; valid: valid, expiring, expired, missing, not_yet_due, exempt"
                ))
            })
        })
        .collect::<Result<_, _>>()?;
    let asked = params.asked_as_of()?;
    let answer = state
        .with_store(move |store, _| {
            require_reader(&caller, &org)?;
            let as_of = read_as_of(store, asked, &org)?;
            let data = load_org(store, &caller, &org, as_of)?;
            let workplace = params.one("workplace").map(str::to_owned);
            check_workplace(&data, workplace.as_deref())?;
            let year_ago = carecount_compliance::date::add_days(as_of, -364);
            let new_starters = params.flag("new_starters");
            let statuses: Vec<StaffStatus> = data
                .statuses_of(data.staff.iter().filter(|entry| {
                    workplace
                        .as_ref()
                        .is_none_or(|workplace| &entry.facts.workplace == workplace)
                }))
                .into_iter()
                .map(|mut status| {
                    if !topics.is_empty() {
                        status.pairs.retain(|pair| topics.contains(&pair.topic));
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
                    !new_starters
                        || status
                            .staff
                            .start_date
                            .is_some_and(|start| year_ago <= start && start <= as_of)
                })
                .collect();
            let columns = matrix_topics(&statuses);
            Ok(match format.as_str() {
                "csv" => file_response(
                    export::matrix_csv(&statuses, &columns).into_bytes(),
                    "text/csv; charset=utf-8",
                    "training-matrix.csv",
                ),
                "xlsx" => file_response(
                    export::matrix_xlsx(&statuses, &columns)
                        .map_err(|error| WebError::Internal(error.to_string()))?,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "training-matrix.xlsx",
                ),
                _ => {
                    let figures = compliance_figures(&statuses, &PairFilter::default());
                    let header = data.header(workplace, None);
                    json_response(
                        StatusCode::OK,
                        &wire::compliance_status(&header, &figures, Some(&statuses), true),
                    )
                }
            })
        })
        .await?;
    Ok(answer)
}

/// `GET …/compliance/staff/{workplace}/{staff}`: one staff record's pairs with explanations.
async fn staff_status(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, workplace, staff)): Path<(String, String, String)>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let params = Params::parse(&query, &["as_of", "topic"])?;
    let topics = params.topics()?;
    let asked = params.asked_as_of()?;
    let answer = state
        .with_store(move |store, _| {
            require_reader(&caller, &org)?;
            let as_of = read_as_of(store, asked, &org)?;
            let data = load_org(store, &caller, &org, as_of)?;
            let entry = data.entry(&workplace, &staff).ok_or_else(|| {
                WebError::NotFound("there is no such staff record in this workplace".to_string())
            })?;
            let statuses: Vec<StaffStatus> = data
                .statuses_of(std::iter::once(entry))
                .into_iter()
                .map(|mut status| {
                    if !topics.is_empty() {
                        status.pairs.retain(|pair| topics.contains(&pair.topic));
                    }
                    status
                })
                .collect();
            let figures = compliance_figures(&statuses, &PairFilter::default());
            let header = data.header(Some(workplace), Some(staff));
            Ok(json_response(
                StatusCode::OK,
                &wire::compliance_status(&header, &figures, Some(&statuses), false),
            ))
        })
        .await?;
    Ok(answer)
}

/// `GET …/compliance/alerts`: `carecount.compliance_alerts.v1`, CSV, or iCalendar (`days`
/// ahead, 365 by default, as `--days`).
async fn alerts_answer(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let params = Params::parse(&query, &["as_of", "workplace", "days", "format"])?;
    let format = params.format(&["json", "csv", "ics"])?;
    let days = match params.number("days")? {
        None => 365,
        Some(days) => u16::try_from(days)
            .ok()
            .filter(|days| (1..=3650).contains(days))
            .ok_or_else(|| WebError::BadRequest(format!("`days` must be 1 to 3650, not {days}")))?,
    };
    let asked = params.asked_as_of()?;
    let answer = state
        .with_store(move |store, _| {
            require_reader(&caller, &org)?;
            let as_of = read_as_of(store, asked, &org)?;
            let data = load_org(store, &caller, &org, as_of)?;
            let workplace = params.one("workplace");
            check_workplace(&data, workplace)?;
            let statuses = data.statuses_of(data.staff.iter().filter(|entry| {
                workplace.is_none_or(|workplace| entry.facts.workplace == workplace)
            }));
            let found = alerts::alerts(&statuses, as_of, data.profile.settings().due_soon_days());
            Ok(match format.as_str() {
                "csv" => file_response(
                    export::alerts_csv(&found).into_bytes(),
                    "text/csv; charset=utf-8",
                    "training-alerts.csv",
                ),
                "ics" => file_response(
                    export::alerts_ics(&org, &statuses, as_of, days).into_bytes(),
                    "text/calendar; charset=utf-8",
                    "training-alerts.ics",
                ),
                _ => json_response(StatusCode::OK, &wire::alerts_json(as_of, &found)),
            })
        })
        .await?;
    Ok(answer)
}

/// `GET …/training`: the entered records and exemptions (`carecount.training_list.v1`, as
/// `training list --format json`).
async fn list_training(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let params = Params::parse(&query, &["as_of", "workplace", "staff", "topic"])?;
    let topics = params.topics()?;
    let as_of = params.as_of()?;
    let workplace = params.one("workplace").map(str::to_owned);
    let staff = params.one("staff").map(str::to_owned);
    if staff.is_some() && workplace.is_none() {
        return Err(WebError::BadRequest(
            "`staff` needs `workplace`: a UNIQUEWORKERID is unique only within its workplace"
                .to_string(),
        )
        .into());
    }
    let answer = state
        .with_store(move |store, _| {
            require_reader(&caller, &org)?;
            let data = load_org(store, &caller, &org, as_of)?;
            check_workplace(&data, workplace.as_deref())?;
            let wanted = |staff_id: i64, topic: &str| {
                let place = match (&workplace, data.keys_of(staff_id)) {
                    (None, _) => true,
                    (Some(_), None) => false,
                    (Some(workplace), Some((found_workplace, found_staff))) => {
                        *workplace == found_workplace
                            && staff.as_ref().is_none_or(|staff| *staff == found_staff)
                    }
                };
                place && (topics.is_empty() || topics.iter().any(|wanted| wanted == topic))
            };
            let records: Vec<Value> = store
                .compliance_records(Some(&org))?
                .iter()
                .filter(|stored| wanted(stored.record.staff_id, &stored.record.topic))
                .map(|stored| {
                    let record = &stored.record;
                    let (workplace, staff) = data.keys_of(record.staff_id).unzip();
                    json!({
                        "id": stored.id,
                        "workplace": workplace,
                        "staff": staff,
                        "topic": record.topic,
                        "level": record.level,
                        "completed": date_value(record.completed),
                        "expires": date_value(record.expires),
                        "validity": record.validity_months,
                        "title": record.title,
                        "provider": record.provider,
                        "number": record.number,
                        "revalidation_due": date_value(record.revalidation_due),
                        "notes": record.notes,
                        "created_at": stored.created_at,
                    })
                })
                .collect();
            let exemptions: Vec<Value> = store
                .compliance_exemptions(Some(&org))?
                .iter()
                .filter(|stored| wanted(stored.exemption.staff_id, &stored.exemption.topic))
                .map(|stored| {
                    let given = &stored.exemption;
                    let (workplace, staff) = data.keys_of(given.staff_id).unzip();
                    json!({
                        "id": stored.id,
                        "workplace": workplace,
                        "staff": staff,
                        "topic": given.topic,
                        "reason": given.reason,
                        "note": given.note,
                        "from": data::format_date(given.from),
                        "until": date_value(given.until),
                        "active": given.from <= as_of && given.until.is_none_or(|until| as_of <= until),
                    })
                })
                .collect();
            Ok(json_response(
                StatusCode::OK,
                &json!({
                    "schema": "carecount.training_list.v1",
                    "org": org,
                    "as_of": data::format_date(as_of),
                    "records": records,
                    "exemptions": exemptions,
                }),
            ))
        })
        .await?;
    Ok(answer)
}

/// `GET …/requirements`: `carecount.requirements.v1` in force on `as_of`.
async fn show_requirements(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let params = Params::parse(&query, &["as_of"])?;
    let as_of = params.as_of()?;
    let answer = state
        .with_store(move |store, _| {
            require_reader(&caller, &org)?;
            store.owner_scope(&org)?;
            let (profile, version) = org_profile(store, &org, as_of)?;
            Ok(json_response(
                StatusCode::OK,
                &wire::requirements_json(
                    Some(&org),
                    version.as_ref().map(|version| version.version),
                    version.as_ref().map(|version| version.effective_from),
                    version.as_ref().map(|version| version.sha256.as_str()),
                    &profile,
                ),
            ))
        })
        .await?;
    Ok(answer)
}

/// The area's unit costs in use: shipped rows with its stored overrides.
fn costs_in_use(store: &Store, code: &str) -> Result<(UnitCosts, Value, Value), WebError> {
    let stored = store.unit_costs(code)?;
    let mut in_use = UnitCosts::shipped();
    if let Some(stored) = &stored {
        let rows = parse_unit_costs(
            Catalogue::shipped(),
            "unit-costs",
            &stored.file_text,
            CostOrigin::Area,
        )
        .map_err(|_| {
            WebError::Internal(format!("the stored unit costs of {code} no longer check"))
        })?;
        in_use = in_use.with_overrides(rows);
    }
    Ok((
        in_use,
        stored
            .as_ref()
            .map_or(Value::Null, |stored| json!(stored.version)),
        stored
            .as_ref()
            .map_or(Value::Null, |stored| json!(stored.sha256)),
    ))
}

/// `GET /api/v1/areas/{area}/training-costs`: `carecount.unit_costs.v1` (as `compliance costs
/// show --format json`). Unit costs hold no staff figure, so nothing needs withholding.
async fn show_costs(
    State(state): State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
) -> Result<Response, ApiError> {
    caller.require_user()?;
    let code = data::area_code(&area);
    crate::api::check_area(&code, None)?;
    let answer = state
        .with_store(move |store, _| {
            let (in_use, version, sha256) = costs_in_use(store, &code)?;
            let rows: Vec<Value> = in_use
                .rows()
                .iter()
                .map(|cost| {
                    json!({
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
            Ok(json_response(
                StatusCode::OK,
                &json!({
                    "schema": "carecount.unit_costs.v1",
                    "area": code,
                    "version": version,
                    "sha256": sha256,
                    "rows": rows,
                }),
            ))
        })
        .await?;
    Ok(answer)
}

/// `GET /api/v1/catalogue`: topics, levels, categories, equivalences and the shipped profile.
async fn catalogue(caller: Caller) -> Result<Response, ApiError> {
    caller.require_user()?;
    let catalogue = Catalogue::shipped();
    let topics: Vec<Value> = catalogue
        .topics()
        .iter()
        .map(|topic| {
            json!({
                "topic": topic.topic,
                "name": topic.name,
                "kind": topic.kind.as_str(),
                "scheme": topic.scheme,
                "refresh_months": topic.refresh_months,
                "expiring_days": topic.expiring_days,
                "source": topic.source,
                "status": topic.status.as_str(),
            })
        })
        .collect();
    let levels: Vec<Value> = catalogue
        .schemes()
        .flat_map(|scheme| catalogue.levels(scheme))
        .map(|level| {
            json!({
                "scheme": level.scheme,
                "level": level.level,
                "ordinal": level.ordinal,
                "name": level.name,
                "keywords": level.keywords,
            })
        })
        .collect();
    let categories: Vec<Value> = catalogue
        .categories()
        .iter()
        .map(|rule| {
            json!({
                "category": rule.category,
                "name_contains": rule.name_contains,
                "topics": rule.topics,
                "level": rule.level,
            })
        })
        .collect();
    let equivalences: Vec<Value> = catalogue
        .equivalences()
        .iter()
        .map(|rule| {
            json!({
                "satisfier": rule.satisfier,
                "satisfier_level": rule.satisfier_level,
                "topic": rule.topic,
                "level": rule.level,
                "note": rule.note,
            })
        })
        .collect();
    let profile = wire::requirements_json(
        None,
        None,
        None,
        None,
        &Profile::shipped(OrgSettings::default()),
    );
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "schema": "carecount.catalogue.v1",
            "topics": topics,
            "levels": levels,
            "categories": categories,
            "equivalences": equivalences,
            "profile": profile,
        }),
    ))
}

// ---------------------------------------------------------------------------------------------
// Writes.

/// A POSTed record's keys: the `training add` flags, naming the fields of the `training import`
/// columns in the same order (`workplace` = LOCALESTID, `staff` = UNIQUEWORKERID).
const RECORD_KEYS: [&str; 12] = [
    "workplace",
    "staff",
    "topic",
    "level",
    "completed",
    "expires",
    "validity",
    "title",
    "provider",
    "number",
    "revalidation_due",
    "notes",
];

/// One record's fields as a `training import` file of one line, with its header.
fn import_line(fields: &BTreeMap<String, String>) -> Result<String, WebError> {
    let value = |key: &str| fields.get(key).map_or("", |value| value.trim());
    one_line_import(RECORD_KEYS.map(value))
        .map_err(|error| WebError::Internal(format!("writing the record: {error}")))
}

/// What a checked write led to.
enum Written {
    Stored(Response),
    Invalid(Vec<Message>),
}

impl Written {
    fn response(self) -> Response {
        match self {
            Written::Stored(response) => response,
            Written::Invalid(messages) => unprocessable(&messages),
        }
    }
}

/// The messages renamed to the request body (the library names its own file).
fn in_body(messages: Vec<Message>) -> Vec<Message> {
    messages
        .into_iter()
        .map(|mut message| {
            message.file = BODY.to_owned();
            message
        })
        .collect()
}

/// `POST …/training`: one record as `training add` takes it, checked as one import line.
async fn add_training(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_writer(&caller, &org)?;
    let params = Params::parse(&query, &["as_of"])?;
    let as_of = params.as_of()?;
    let (fields, mut messages) = body_fields(&body, &RECORD_KEYS)?;
    let written = state
        .with_store(move |store, _| {
            let data = load_org(store, &caller, &org, as_of)?;
            let text = import_line(&fields)?;
            match check_import(store, &data, BODY, &text)? {
                Err(found) => {
                    messages.extend(in_body(found));
                    Ok(Written::Invalid(messages))
                }
                Ok(_) if !messages.is_empty() => Ok(Written::Invalid(messages)),
                Ok((records, warnings)) => {
                    let ids = store.add_compliance_records(&caller.actor(), &org, &records)?;
                    let status = if ids.is_empty() {
                        StatusCode::OK
                    } else {
                        StatusCode::CREATED
                    };
                    Ok(Written::Stored(json_response(
                        status,
                        &json!({
                            "stored": ids.len(),
                            "ids": ids,
                            "messages": messages_json(&in_body(warnings)),
                        }),
                    )))
                }
            }
        })
        .await?;
    Ok(written.response())
}

/// `POST …/training/import`: a `training import` CSV body, checked whole (`dry_run` stores
/// nothing).
async fn import_training(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_writer(&caller, &org)?;
    let params = Params::parse(&query, &["as_of", "dry_run"])?;
    let as_of = params.as_of()?;
    let dry_run = params.flag("dry_run");
    let text = body_text(&body)?;
    let written = state
        .with_store(move |store, _| {
            let data = load_org(store, &caller, &org, as_of)?;
            match check_import(store, &data, BODY, &text)? {
                Err(messages) => Ok(Written::Invalid(messages)),
                Ok((records, warnings)) => {
                    let ids = if dry_run || records.is_empty() {
                        Vec::new()
                    } else {
                        store.add_compliance_records(&caller.actor(), &org, &records)?
                    };
                    Ok(Written::Stored(json_response(
                        StatusCode::OK,
                        &json!({
                            "dry_run": dry_run,
                            "checked": records.len(),
                            "stored": ids.len(),
                            "ids": ids,
                            "messages": messages_json(&warnings),
                        }),
                    )))
                }
            }
        })
        .await?;
    Ok(written.response())
}

/// `{id}` of a DELETE: a number, else there is no such row.
fn row_id(id: &str, what: &str) -> Result<i64, WebError> {
    id.parse::<i64>()
        .map_err(|_| WebError::NotFound(format!("there is no {what} `{id}`")))
}

/// `DELETE …/training/{id}` and `DELETE …/exemptions/{id}`: 404 unless the organisation holds it.
async fn delete_row(
    state: AppState,
    caller: Caller,
    org: String,
    id: String,
    exemption: bool,
) -> Result<Response, ApiError> {
    require_writer(&caller, &org)?;
    let what = if exemption { "exemption" } else { "record" };
    let id = row_id(&id, what)?;
    let answer = state
        .with_store(move |store, _| {
            store.owner_scope(&org)?;
            let actor = caller.actor();
            let deleted = if exemption {
                store.delete_compliance_exemption(&actor, &org, id)?
            } else {
                store.delete_compliance_record(&actor, &org, id)?
            };
            if !deleted {
                return Err(WebError::NotFound(format!(
                    "the organisation holds no {what} {id}"
                )));
            }
            Ok(json_response(
                StatusCode::OK,
                &json!({"deleted": what, "id": id}),
            ))
        })
        .await?;
    Ok(answer)
}

async fn delete_training(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    delete_row(state, caller, org, id, false).await
}

async fn delete_exemption(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    delete_row(state, caller, org, id, true).await
}

const EXEMPTION_KEYS: [&str; 7] = [
    "workplace",
    "staff",
    "topic",
    "reason",
    "note",
    "from",
    "until",
];

/// A body date: blank is `None`; a bad one is a message.
fn body_date(
    fields: &BTreeMap<String, String>,
    key: &str,
    messages: &mut Vec<Message>,
) -> Option<Date> {
    let text = fields.get(key).map(|value| value.trim()).unwrap_or("");
    if text.is_empty() {
        return None;
    }
    match data::parse_date(text) {
        Ok(date) => Some(date),
        Err(_) => {
            messages.push(body_message(
                key,
                text,
                MessageCode::BadDate,
                format!("`{key}` must be a date YYYY-MM-DD"),
            ));
            None
        }
    }
}

/// `POST …/exemptions`: exempts a pair (§4.5), checked as `training exempt` checks it.
async fn add_exemption(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_writer(&caller, &org)?;
    let params = Params::parse(&query, &["as_of"])?;
    let as_of = params.as_of()?;
    let (fields, mut messages) = body_fields(&body, &EXEMPTION_KEYS)?;
    let written = state
        .with_store(move |store, _| {
            let data = load_org(store, &caller, &org, as_of)?;
            let text = |key: &str| fields.get(key).map(|value| value.trim()).unwrap_or("");
            for key in ["workplace", "staff", "topic", "reason"] {
                if text(key).is_empty() {
                    messages.push(body_message(
                        key,
                        "",
                        MessageCode::MissingValue,
                        format!("`{key}` is required"),
                    ));
                }
            }
            let topic = text("topic");
            if !topic.is_empty() && Catalogue::shipped().topic(topic).is_none() {
                messages.push(body_message(
                    "topic",
                    topic,
                    MessageCode::UnknownTopic,
                    format!("unknown topic `{topic}`"),
                ));
            }
            let reason = ExemptionReason::parse(text("reason"));
            if reason.is_none() && !text("reason").is_empty() {
                messages.push(body_message(
                    "reason",
                    text("reason"),
                    MessageCode::BadValue,
                    "the reason must be long_term_absence, holds_equivalent, not_applicable_to_duties or other".to_string(),
                ));
            }
            let entry = data.entry(text("workplace"), text("staff"));
            if entry.is_none() && !text("workplace").is_empty() && !text("staff").is_empty() {
                messages.push(body_message(
                    "staff",
                    text("staff"),
                    MessageCode::UnknownStaff,
                    format!(
                        "no staff record {} at workplace {} on {}",
                        text("staff"),
                        text("workplace"),
                        data::format_date(as_of)
                    ),
                ));
            }
            let from = body_date(&fields, "from", &mut messages).unwrap_or(as_of);
            let until = body_date(&fields, "until", &mut messages);
            let (Some(entry), Some(reason)) = (entry, reason) else {
                return Ok(Written::Invalid(messages));
            };
            let given = Exemption {
                id: 0,
                topic: topic.to_owned(),
                reason,
                note: text("note").to_owned(),
                from,
                until,
            };
            let rules = Rules {
                catalogue: Catalogue::shipped(),
                profile: &data.profile,
            };
            if let Err(found) = rules.check_exemption(&entry.facts, &given) {
                messages.extend(in_body(found));
            }
            if messages
                .iter()
                .any(|message| message.severity == Severity::Error)
            {
                return Ok(Written::Invalid(messages));
            }
            let id = store.add_compliance_exemption(
                &caller.actor(),
                &org,
                &NewExemption {
                    staff_id: entry.staff_id,
                    topic: given.topic.clone(),
                    reason: reason.as_str().to_owned(),
                    note: given.note.clone(),
                    from: given.from,
                    until: given.until,
                },
            )?;
            Ok(Written::Stored(json_response(
                StatusCode::CREATED,
                &json!({"exemption": id, "messages": messages_json(&messages)}),
            )))
        })
        .await?;
    Ok(written.response())
}

/// `PUT …/requirements`: the body is the organisation's whole rows file (§3.4; empty: no rows
/// of its own); `expiring_days` and `due_soon_days` default to the settings in force.
async fn set_requirements(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_writer(&caller, &org)?;
    let params = Params::parse(
        &query,
        &["as_of", "expiring_days", "due_soon_days", "dry_run"],
    )?;
    let as_of = params.as_of()?;
    let dry_run = params.flag("dry_run");
    let expiring_days = params.number("expiring_days")?;
    let due_soon_days = params.number("due_soon_days")?;
    let text = body_text(&body)?;
    let written = state
        .with_store(move |store, _| {
            let data = load_org(store, &caller, &org, as_of)?;
            let current = data.profile.settings();
            let settings = match OrgSettings::new(
                expiring_days.unwrap_or_else(|| i64::from(current.expiring_days())),
                due_soon_days.unwrap_or_else(|| i64::from(current.due_soon_days())),
            ) {
                Ok(settings) => settings,
                Err(error) => {
                    let (column, value) = match (expiring_days, due_soon_days) {
                        (Some(days), _) if !(1..=365).contains(&days) => ("expiring_days", days),
                        (_, Some(days)) => ("due_soon_days", days),
                        (Some(days), None) => ("expiring_days", days),
                        (None, None) => ("expiring_days", 0),
                    };
                    return Ok(Written::Invalid(vec![body_message(
                        column,
                        &value.to_string(),
                        MessageCode::OutOfRange,
                        error.to_string(),
                    )]));
                }
            };
            let profile = match profile_from_text(BODY, &text, settings) {
                Ok(profile) => profile,
                Err(messages) => return Ok(Written::Invalid(messages)),
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
            let warnings = rows_without_effect(&profile, BODY, &staff);
            let mut answer = if dry_run {
                json!({"schema": "carecount.requirements.v1", "dry_run": true})
            } else {
                let sha256 = carecount_compliance::sha256::hex_digest(text.as_bytes());
                let version = store.save_requirement_profile(
                    &caller.actor(),
                    &org,
                    as_of,
                    &text,
                    &sha256,
                    settings.expiring_days(),
                    settings.due_soon_days(),
                )?;
                serde_json::to_value(wire::requirements_json(
                    Some(&org),
                    Some(version.version),
                    Some(version.effective_from),
                    Some(&version.sha256),
                    &profile,
                ))
                .map_err(|error| WebError::Internal(format!("JSON: {error}")))?
            };
            if let Some(object) = answer.as_object_mut() {
                object.insert("messages".to_owned(), json!(messages_json(&warnings)));
            }
            Ok(Written::Stored(json_response(StatusCode::OK, &answer)))
        })
        .await?;
    Ok(written.response())
}

/// `PUT /api/v1/areas/{area}/training-costs`: the area's whole unit costs file (§6), checked
/// as `compliance costs set` checks it.
async fn set_costs(
    State(state): State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let code = require_area_editor(&caller, &area)?;
    let params = Params::parse(&query, &["dry_run"])?;
    let dry_run = params.flag("dry_run");
    let text = body_text(&body)?;
    let written = state
        .with_store(move |store, _| {
            if let Err(messages) =
                parse_unit_costs(Catalogue::shipped(), BODY, &text, CostOrigin::Area)
            {
                return Ok(Written::Invalid(messages));
            }
            let sha256 = carecount_compliance::sha256::hex_digest(text.as_bytes());
            let version = if dry_run {
                Value::Null
            } else {
                json!(store.save_unit_costs(&caller.actor(), &code, &text, &sha256)?)
            };
            Ok(Written::Stored(json_response(
                StatusCode::OK,
                &json!({"area": code, "dry_run": dry_run, "version": version, "sha256": sha256}),
            )))
        })
        .await?;
    Ok(written.response())
}
