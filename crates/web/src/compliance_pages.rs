//! Training compliance in the web app (`compliance.md` §8–§9, issue 8 item 5): the status and
//! expiring JSON of an organisation, an area's disclosure-controlled compliance and training
//! needs analysis, the employer's training matrix page (with its CSV) and the commissioner's
//! training needs page (with its CSV).
//!
//! Statuses, figures, lists and the needs analysis are computed by `carecount-compliance`, and its
//! inputs are loaded by `carecount_compliance::from_store` (as for the CLI); this module turns
//! load errors into status codes and decides who may ask: organisation paths answer their own
//! employers and administrators, other employers `404`, commissioners `403` (§9). Area answers
//! are always for the commissioner audience and never hold a staff reference or name.

use carecount_compliance::from_store::{
    self, AreaData, LoadError, OrgData, Place, load_org, org_profile, profile_ref, statuses_of,
};
use std::collections::{BTreeMap, BTreeSet};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use carecount_compliance::figures::{Audience, PairFilter, compliance_figures};
use carecount_compliance::tna::{
    CostOrigin, RateOrigin, StartersRate, StartersSource, TnaRequest, UnitCosts, parse_unit_costs,
    training_needs,
};
use carecount_compliance::wire::{self, GroupJson, StatusHeader};
use carecount_compliance::{
    Catalogue, OrgSettings, Profile, RowClass, StaffStatus, Status, alerts, export,
};
use carecount_store::Store;
use carecount_store::accounts::Role;
use maud::{Markup, html};
use time::Date;

use crate::auth::Caller;
use crate::compliance_api::{require_reader, require_writer};
use crate::error::{ApiError, PageError};
use crate::pages::{encode, layout};
use crate::{AppState, Handler, RouteInfo, RouteKind, WebError, data};

/// The compliance routes, joined to the route table by `lib.rs`.
pub(crate) fn routes() -> Vec<(RouteInfo, Handler)> {
    use axum::routing::get;
    let route = |method, path, kind, handler| (RouteInfo { method, path, kind }, handler);
    vec![
        route(
            "GET",
            "/api/v1/organisations/{org}/compliance",
            RouteKind::Api,
            get(org_status_api),
        ),
        route(
            "GET",
            "/api/v1/organisations/{org}/compliance/expiring",
            RouteKind::Api,
            get(org_expiring_api),
        ),
        route(
            "GET",
            "/api/v1/areas/{area}/compliance",
            RouteKind::Api,
            get(area_status_api),
        ),
        route(
            "GET",
            "/api/v1/areas/{area}/training-needs",
            RouteKind::Api,
            get(area_tna_api),
        ),
        route(
            "GET",
            "/organisations/{org}/training",
            RouteKind::Page,
            get(matrix_page),
        ),
        route(
            "GET",
            "/areas/{area}/training-needs",
            RouteKind::Page,
            get(tna_page),
        ),
        route(
            "GET",
            "/organisations/{org}/workplaces/{workplace}/staff/{worker}/training",
            RouteKind::Page,
            get(staff_training_page),
        ),
        route(
            "POST",
            "/organisations/{org}/workplaces/{workplace}/staff/{worker}/training",
            RouteKind::Page,
            axum::routing::post(add_staff_record),
        ),
        route(
            "GET",
            "/organisations/{org}/training/alerts",
            RouteKind::Page,
            get(alerts_page),
        ),
        route(
            "GET",
            "/organisations/{org}/requirements",
            RouteKind::Page,
            get(requirements_page),
        ),
        route(
            "POST",
            "/organisations/{org}/requirements",
            RouteKind::Page,
            axum::routing::post(upload_requirements),
        ),
        route(
            "GET",
            "/areas/{area}/compliance",
            RouteKind::Page,
            get(area_compliance_page),
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Loading inputs: `carecount_compliance::from_store` loads (as for the CLI); its errors become
// status codes here.

impl From<LoadError> for WebError {
    fn from(error: LoadError) -> WebError {
        match error {
            LoadError::Store(error) => WebError::from(error),
            LoadError::UnknownOrg { .. } => {
                WebError::NotFound("there is no such organisation".to_string())
            }
            LoadError::NoSnapshot { as_of, .. } => WebError::NotFound(format!(
                "the organisation has no records on or before {}",
                data::format_date(as_of)
            )),
            LoadError::UnknownPlace { given, as_of, .. } => WebError::NotFound(format!(
                "no workplace is placed in the area `{given}` on {}",
                data::format_date(as_of)
            )),
            LoadError::Settings { error, .. } => {
                WebError::Internal(format!("requirement settings: {error}"))
            }
            LoadError::BrokenProfile { org, version, .. } => WebError::Internal(format!(
                "the stored requirement profile of {org} (version {version}) no longer checks"
            )),
            LoadError::Vanished { .. } => {
                WebError::Internal("an imported staff record vanished".to_string())
            }
        }
    }
}

/// An area's inputs from analysis records (no personal field). An area no workplace is placed
/// in on `as_of` is a 404.
fn load_area(store: &Store, area: &str, as_of: Date) -> Result<AreaData, WebError> {
    Ok(from_store::load_area(store, Place::Area(area), as_of)?)
}

// ---------------------------------------------------------------------------------------------
// Query parameters.

/// Parsed query parameters: `as_of` (or `as-of`), `workplace`, `staff`, `topic` (repeatable),
/// `status` (repeatable), `days`, `horizon_months`, `format`, `new_starters`, `job_role`
/// (a MAINJOBROLE code), `class` (statutory, recommended or local).
#[derive(Debug, Default)]
struct Params {
    as_of: Option<Date>,
    workplace: Option<String>,
    staff: Option<String>,
    topics: Vec<String>,
    statuses: Vec<Status>,
    days: Option<u16>,
    horizon_months: Option<u16>,
    format: Option<String>,
    new_starters: bool,
    job_role: Option<u16>,
    class: Option<RowClass>,
}

fn params(query: &[(String, String)], allowed: &[&str]) -> Result<Params, WebError> {
    let mut out = Params::default();
    for (key, value) in query {
        let key = key.replace('-', "_");
        if !allowed.contains(&key.as_str()) {
            return Err(WebError::BadRequest(format!(
                "unknown query parameter `{key}`; valid parameters: {}",
                allowed.join(", ")
            )));
        }
        if value.is_empty() {
            // An empty select ("all") means no filter.
            continue;
        }
        let number = |value: &str| {
            value.parse::<u16>().map_err(|_| {
                WebError::BadRequest(format!("`{key}` must be a whole number, not `{value}`"))
            })
        };
        match key.as_str() {
            "as_of" => out.as_of = Some(data::parse_date(value)?),
            "workplace" => out.workplace = Some(value.clone()),
            "staff" => out.staff = Some(value.clone()),
            "topic" => {
                if Catalogue::shipped().topic(value).is_none() {
                    return Err(WebError::BadRequest(format!("unknown topic `{value}`")));
                }
                out.topics.push(value.clone());
            }
            "status" => out.statuses.push(Status::parse(value).ok_or_else(|| {
                WebError::BadRequest(format!(
                    "unknown status `{value}`; valid: valid, expiring, expired, missing, not_yet_due, exempt"
                ))
            })?),
            "days" => out.days = Some(number(value)?),
            "horizon_months" => {
                let months = number(value)?;
                if !(1..=60).contains(&months) {
                    return Err(WebError::BadRequest(format!(
                        "`horizon_months` must be 1 to 60, not {months}"
                    )));
                }
                out.horizon_months = Some(months);
            }
            "format" => out.format = Some(value.clone()),
            "new_starters" => out.new_starters = value != "false",
            "job_role" => out.job_role = Some(number(value)?),
            "class" => {
                out.class = Some(RowClass::parse(value).ok_or_else(|| {
                    WebError::BadRequest(format!(
                        "unknown class `{value}`; valid: statutory, recommended, local"
                    ))
                })?);
            }
            _ => {}
        }
    }
    if out.staff.is_some() && out.workplace.is_none() {
        return Err(WebError::BadRequest(
            "`staff` needs `workplace`: a UNIQUEWORKERID is unique only within its workplace"
                .to_string(),
        ));
    }
    Ok(out)
}

/// The as-of date of a compliance answer: the one asked for, else the date the data describes
/// (the organisation's latest snapshot with `org`, the store's without; today when none).
fn as_of_or_default(store: &Store, params: &Params, org: Option<&str>) -> Result<Date, WebError> {
    match params.as_of {
        Some(date) => Ok(date),
        None => Ok(from_store::default_as_of(
            store,
            org,
            time::OffsetDateTime::now_utc().date(),
        )?),
    }
}

// ---------------------------------------------------------------------------------------------
// Organisation answers.

/// The organisation's inputs for its owner (checked here); administrators' reads are audited.
fn owner_data(
    store: &Store,
    caller: &Caller,
    org: &str,
    as_of: Date,
    what: &str,
) -> Result<OrgData, WebError> {
    require_reader(caller, org)?;
    if caller.user().map(|user| user.role) == Some(Role::Admin) {
        store.audit(&caller.actor(), "admin_read", org, what)?;
    }
    Ok(load_org(store, org, as_of)?)
}

/// The statuses of the staff records passing the workplace and staff filters. An unknown
/// workplace or staff record is a 404.
fn filtered_statuses(data: &OrgData, params: &Params) -> Result<Vec<StaffStatus>, WebError> {
    if let Some(workplace) = &params.workplace
        && !data
            .staff
            .iter()
            .any(|entry| &entry.facts.workplace == workplace)
    {
        return Err(WebError::NotFound(format!(
            "there is no workplace `{workplace}` in this organisation"
        )));
    }
    if let Some(staff) = &params.staff
        && !data.staff.iter().any(|entry| {
            Some(&entry.facts.workplace) == params.workplace.as_ref() && &entry.facts.staff == staff
        })
    {
        return Err(WebError::NotFound(
            "there is no such staff record in this workplace".to_string(),
        ));
    }
    Ok(statuses_of(&data.profile, &data.staff, data.as_of)
        .into_iter()
        .filter(|status| {
            params
                .workplace
                .as_ref()
                .is_none_or(|workplace| &status.staff.workplace == workplace)
                && params
                    .staff
                    .as_ref()
                    .is_none_or(|staff| &status.staff.staff == staff)
        })
        .collect())
}

fn org_status(
    store: &Store,
    caller: &Caller,
    org: &str,
    params: &Params,
) -> Result<wire::ComplianceStatusJson, WebError> {
    let as_of = as_of_or_default(store, params, Some(org))?;
    let data = owner_data(store, caller, org, as_of, "compliance")?;
    let statuses = filtered_statuses(&data, params)?;
    let filter = PairFilter {
        topic: params.topics.first().cloned(),
        ..PairFilter::default()
    };
    let figures = compliance_figures(&statuses, &filter);
    let header = StatusHeader {
        as_of,
        audience: Audience::Employer,
        group: GroupJson {
            org: Some(org.to_owned()),
            workplace: params.workplace.clone(),
            staff: params.staff.clone(),
            area: None,
            region: None,
        },
        profile: profile_ref(data.version.as_ref()),
        expiring_days: data.profile.settings().expiring_days(),
    };
    let listed: Vec<StaffStatus> = statuses
        .into_iter()
        .map(|mut status| {
            status.pairs.retain(|pair| filter.pair_matches(pair));
            status
        })
        .collect();
    let staff = params.staff.as_ref().map(|_| listed.as_slice());
    Ok(wire::compliance_status(&header, &figures, staff, false))
}

/// `GET /api/v1/organisations/{org}/compliance`: `carecount.compliance_status.v1` for the
/// organisation's own employers and administrators (`workplace`, `staff`, `topic`, `as_of`).
pub(crate) async fn org_status_api(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<wire::ComplianceStatusJson>, ApiError> {
    let params = params(&query, &["as_of", "workplace", "staff", "topic"])?;
    let answer = state
        .with_store(move |store, _| org_status(store, &caller, &org, &params))
        .await?;
    Ok(Json(answer))
}

/// `GET /api/v1/organisations/{org}/compliance/expiring`: `carecount.compliance_expiring.v1`
/// (`workplace`, `days`, `as_of`).
pub(crate) async fn org_expiring_api(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<wire::ExpiringJson>, ApiError> {
    let params = params(&query, &["as_of", "workplace", "days"])?;
    let answer = state
        .with_store(move |store, _| {
            let as_of = as_of_or_default(store, &params, Some(&org))?;
            let data = owner_data(store, &caller, &org, as_of, "compliance expiring")?;
            let statuses = filtered_statuses(&data, &params)?;
            let days = params
                .days
                .unwrap_or_else(|| data.profile.settings().expiring_days());
            let items = alerts::expiring(&statuses, as_of, days);
            Ok(wire::expiring_json(as_of, &items))
        })
        .await?;
    Ok(Json(answer))
}

// ---------------------------------------------------------------------------------------------
// Area answers: signed-in callers, always disclosure-controlled.

fn area_status(
    store: &Store,
    area: &str,
    params: &Params,
) -> Result<wire::ComplianceStatusJson, WebError> {
    let as_of = as_of_or_default(store, params, None)?;
    let code = data::area_code(area);
    let loaded = load_area(store, &code, as_of)?;
    let statuses = loaded.statuses();
    let filter = PairFilter {
        topic: params.topics.first().cloned(),
        ..PairFilter::default()
    };
    let figures = compliance_figures(&statuses, &filter);
    let header = StatusHeader {
        as_of,
        audience: Audience::Commissioner,
        group: GroupJson {
            org: None,
            workplace: None,
            staff: None,
            area: Some(code),
            region: loaded.region.clone(),
        },
        profile: profile_ref(None),
        expiring_days: OrgSettings::default().expiring_days(),
    };
    Ok(wire::compliance_status(&header, &figures, None, false))
}

/// `GET /api/v1/areas/{area}/compliance`: the area's figures, disclosure-controlled, no staff.
pub(crate) async fn area_status_api(
    State(state): State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<wire::ComplianceStatusJson>, ApiError> {
    caller.require_user()?;
    let params = params(&query, &["as_of", "topic"])?;
    let answer = state
        .with_store(move |store, _| area_status(store, &area, &params))
        .await?;
    Ok(Json(answer))
}

/// Starters rates by role group: the area's, else the region's, else England's (as the CLI).
fn starters_rates(
    snapshot: &carecount_metrics::Snapshot,
    area: &str,
    region: Option<&str>,
) -> Result<BTreeMap<String, StartersRate>, WebError> {
    let bad = |error: carecount_metrics::MetricsError| WebError::Internal(error.to_string());
    let mut rates = BTreeMap::new();
    for group in ["direct_care", "manager", "regulated", "other"] {
        let filter = carecount_metrics::GroupFilter {
            role_group: Some(carecount_metrics::parse_role_group(group).map_err(bad)?),
            ..carecount_metrics::GroupFilter::default()
        };
        let found = carecount_metrics::with_geography_fallback(
            snapshot,
            "starters_rate",
            &filter,
            area,
            region,
        )
        .map_err(bad)?;
        if let Some((value, level)) = found {
            let from = match level {
                carecount_metrics::ComparisonLevel::LocalAuthority => RateOrigin::Area,
                carecount_metrics::ComparisonLevel::Region => RateOrigin::Region,
                carecount_metrics::ComparisonLevel::England => RateOrigin::England,
            };
            rates.insert(group.to_owned(), StartersRate { value, from });
        }
    }
    Ok(rates)
}

/// The area's training needs analysis for the commissioner audience.
fn area_tna(
    store: &Store,
    state: &AppState,
    area: &str,
    params: &Params,
) -> Result<(wire::TnaJson, bool, UnitCosts), WebError> {
    let as_of = as_of_or_default(store, params, None)?;
    let code = data::area_code(area);
    let loaded = load_area(store, &code, as_of)?;
    let catalogue = Catalogue::shipped();
    let mut unit_costs = UnitCosts::shipped();
    if let Some(stored) = store.unit_costs(&code)? {
        let rows = parse_unit_costs(catalogue, "unit-costs", &stored.file_text, CostOrigin::Area)
            .map_err(|_| {
            WebError::Internal(format!("the stored unit costs of {code} no longer check"))
        })?;
        unit_costs = unit_costs.with_overrides(rows);
    }
    let series = data::snapshots_until(store, state, as_of)?;
    let snapshot = series
        .last()
        .ok_or_else(|| WebError::Internal("no snapshot was built".to_string()))?;
    let starters =
        StartersSource::Rates(starters_rates(snapshot, &code, loaded.region.as_deref())?);
    let statuses = loaded.statuses();
    let Some((_, profile, _)) = loaded.orgs.first() else {
        return Err(WebError::NotFound(format!(
            "no organisation holds workplaces in {code}"
        )));
    };
    let request = TnaRequest {
        area: &code,
        as_of,
        horizon_months: params.horizon_months.unwrap_or(12),
        include_agency: false,
        starters: &starters,
        unit_costs: &unit_costs,
        catalogue,
        profile,
    };
    let result = training_needs(&request, &statuses)
        .map_err(|error| WebError::BadRequest(error.to_string()))?;
    Ok((
        wire::tna_json(&result, Audience::Commissioner, &starters, &unit_costs),
        result.illustrative_costs_used,
        unit_costs,
    ))
}

/// `GET /api/v1/areas/{area}/training-needs`: `carecount.tna.v1`, disclosure-controlled.
pub(crate) async fn area_tna_api(
    State(state): State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<wire::TnaJson>, ApiError> {
    caller.require_user()?;
    let params = params(&query, &["as_of", "horizon_months"])?;
    let (answer, _, _) = state
        .with_store(move |store, state| area_tna(store, state, &area, &params))
        .await?;
    Ok(Json(answer))
}

// ---------------------------------------------------------------------------------------------
// Pages.

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `14 Mar 2027`.
pub(crate) fn short_date(date: Date) -> String {
    let month = MONTHS
        .get(usize::from(u8::from(date.month())).saturating_sub(1))
        .copied()
        .unwrap_or("");
    format!("{} {month} {}", date.day(), date.year())
}

/// A matrix cell: the words and the GOV.UK tag colour (`compliance.md` §9).
pub(crate) fn cell_words(pair: &carecount_compliance::PairStatus) -> (String, &'static str) {
    let date = |date: Option<Date>| date.map(short_date).unwrap_or_default();
    match pair.status {
        Status::Valid => match pair.expires_on {
            Some(expires) => (format!("Valid to {}", short_date(expires)), "green"),
            None => ("Valid".to_string(), "green"),
        },
        Status::Expiring => {
            let days = pair.days_left.unwrap_or_default();
            let unit = if days == 1 { "day" } else { "days" };
            (
                format!("Expires {} ({days} {unit})", date(pair.expires_on)),
                "yellow",
            )
        }
        Status::Expired => match pair.expires_on {
            Some(expired) => (format!("Expired {}", short_date(expired)), "red"),
            None => ("Expired".to_string(), "red"),
        },
        Status::Missing => ("Missing".to_string(), "red"),
        Status::NotYetDue => match pair.due_on {
            Some(due) => (format!("Due by {}", short_date(due)), "grey"),
            None => ("Not yet due".to_string(), "grey"),
        },
        Status::Exempt => ("Exempt".to_string(), "grey"),
    }
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

fn topic_name(topic: &str) -> String {
    Catalogue::shipped()
        .topic(topic)
        .map_or_else(|| topic.to_string(), |found| found.name.clone())
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_string(), |rate| format!("{:.0}%", rate * 100.0))
}

const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn attachment(body: impl IntoResponse, content_type: &'static str, name: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// What the matrix page shows.
struct MatrixView {
    as_of: Date,
    workplaces: Vec<String>,
    /// The MAINJOBROLE codes of the organisation's staff records, for the job role filter.
    job_roles: Vec<u16>,
    all_topics: Vec<String>,
    statuses: Vec<StaffStatus>,
    topics: Vec<String>,
}

fn matrix_view(
    store: &Store,
    caller: &Caller,
    org: &str,
    params: &Params,
) -> Result<MatrixView, WebError> {
    let as_of = as_of_or_default(store, params, Some(org))?;
    let data = owner_data(store, caller, org, as_of, "training matrix")?;
    let all = statuses_of(&data.profile, &data.staff, as_of);
    let workplaces: Vec<String> = all
        .iter()
        .map(|status| status.staff.workplace.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let job_roles: Vec<u16> = all
        .iter()
        .map(|status| status.staff.job_role)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let all_topics = matrix_topics(&all);
    let year_ago = carecount_compliance::date::add_days(as_of, -364);
    let statuses: Vec<StaffStatus> = filtered_statuses(&data, params)?
        .into_iter()
        .filter(|status| {
            params
                .job_role
                .is_none_or(|role| status.staff.job_role == role)
        })
        .map(|mut status| {
            if !params.topics.is_empty() {
                status
                    .pairs
                    .retain(|pair| params.topics.contains(&pair.topic));
            }
            if let Some(class) = params.class {
                status.pairs.retain(|pair| pair.class == class);
            }
            status
        })
        .filter(|status| {
            params.statuses.is_empty()
                || status
                    .pairs
                    .iter()
                    .any(|pair| params.statuses.contains(&pair.status))
        })
        .filter(|status| {
            !params.new_starters
                || status
                    .staff
                    .start_date
                    .is_some_and(|start| year_ago <= start && start <= as_of)
        })
        .collect();
    let topics = matrix_topics(&statuses);
    Ok(MatrixView {
        as_of,
        workplaces,
        job_roles,
        all_topics,
        statuses,
        topics,
    })
}

const STATUS_CHOICES: [(&str, &str); 6] = [
    ("expired", "Expired"),
    ("missing", "Missing"),
    ("expiring", "Expiring"),
    ("not_yet_due", "Not yet due"),
    ("valid", "Valid"),
    ("exempt", "Exempt"),
];

const CLASS_CHOICES: [(&str, &str); 3] = [
    ("statutory", "Statutory"),
    ("recommended", "Recommended"),
    ("local", "Local"),
];

fn matrix_markup(org: &str, view: &MatrixView, params: &Params, query: &str) -> Markup {
    let chosen_workplace = params.workplace.clone().unwrap_or_default();
    let chosen_topic = params.topics.first().cloned().unwrap_or_default();
    let chosen_status = params
        .statuses
        .first()
        .map(|status| status.as_str())
        .unwrap_or_default();
    let chosen_class = params.class.map(RowClass::as_str).unwrap_or_default();
    let role_names = &carecount_codes::tables().job_roles;
    let csv_link = format!(
        "/organisations/{}/training?{}{}format=csv",
        encode(org),
        query,
        if query.is_empty() { "" } else { "&" }
    );
    let staff_link = |status: &StaffStatus| {
        format!(
            "/organisations/{}/workplaces/{}/staff/{}/training",
            encode(org),
            encode(&status.staff.workplace),
            encode(&status.staff.staff)
        )
    };
    html! {
        h1 class="govuk-heading-l" { "Training matrix" }
        p class="govuk-body" {
            "Training status of each staff record on " (short_date(view.as_of))
            ". Each cell says the status in words; a blank cell means the topic is not required."
        }
        form method="get" action=(format!("/organisations/{}/training", encode(org))) novalidate {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-quarter govuk-form-group" {
                    label class="govuk-label" for="workplace" { "Workplace" }
                    select class="govuk-select" id="workplace" name="workplace" {
                        option value="" { "All workplaces" }
                        @for workplace in &view.workplaces {
                            option value=(workplace) selected[*workplace == chosen_workplace] { (workplace) }
                        }
                    }
                }
                div class="govuk-grid-column-one-quarter govuk-form-group" {
                    label class="govuk-label" for="job_role" { "Job role" }
                    select class="govuk-select" id="job_role" name="job_role" {
                        option value="" { "All job roles" }
                        @for role in &view.job_roles {
                            option value=(role) selected[params.job_role == Some(*role)] {
                                (role_names.name_of(u32::from(*role)).map_or_else(|| format!("Job role {role}"), str::to_string))
                            }
                        }
                    }
                }
                div class="govuk-grid-column-one-quarter govuk-form-group" {
                    label class="govuk-label" for="class" { "Class" }
                    select class="govuk-select" id="class" name="class" {
                        option value="" { "All classes" }
                        @for (value, label) in CLASS_CHOICES {
                            option value=(value) selected[value == chosen_class] { (label) }
                        }
                    }
                }
            }
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-quarter govuk-form-group" {
                    label class="govuk-label" for="topic" { "Topic" }
                    select class="govuk-select" id="topic" name="topic" {
                        option value="" { "All topics" }
                        @for topic in &view.all_topics {
                            option value=(topic) selected[*topic == chosen_topic] { (topic_name(topic)) }
                        }
                    }
                }
                div class="govuk-grid-column-one-quarter govuk-form-group" {
                    label class="govuk-label" for="status" { "Status" }
                    select class="govuk-select" id="status" name="status" {
                        option value="" { "Any status" }
                        @for (value, label) in STATUS_CHOICES {
                            option value=(value) selected[value == chosen_status] { (label) }
                        }
                    }
                }
                div class="govuk-grid-column-one-quarter govuk-form-group" {
                    div class="govuk-checkboxes govuk-checkboxes--small" {
                        div class="govuk-checkboxes__item" {
                            input class="govuk-checkboxes__input" id="new_starters" name="new_starters" type="checkbox" value="true" checked[params.new_starters];
                            label class="govuk-label govuk-checkboxes__label" for="new_starters" { "New starters only" }
                        }
                    }
                }
            }
            button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Apply filters" }
        }
        ul class="govuk-list" {
            li { a class="govuk-link" href=(format!("/organisations/{}/training/alerts", encode(org))) { "Training alerts" } }
            li { a class="govuk-link" href=(format!("/organisations/{}/requirements", encode(org))) { "Training requirements" } }
        }
        ul class="govuk-list" {
            li { a class="govuk-link" href=(csv_link) { "Download this view (CSV)" } }
            li { a class="govuk-link" href=(csv_link.replace("format=csv", "format=xlsx")) { "Download this view (XLSX)" } }
        }
        @if view.statuses.is_empty() {
            p class="govuk-body" { "No staff record matches these filters." }
        } @else {
            div class="govuk-table-wrapper" style="overflow-x: auto" {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--m" {
                    (view.statuses.len()) " staff record(s)"
                }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Staff record" }
                    @for topic in &view.topics {
                        th scope="col" class="govuk-table__header" { (topic_name(topic)) }
                    }
                } }
                tbody class="govuk-table__body" {
                    tr class="govuk-table__row" {
                        th scope="row" class="govuk-table__header" { "Compliance rate" }
                        @for topic in &view.topics {
                            @let filter = PairFilter { topic: Some(topic.clone()), ..PairFilter::default() };
                            td class="govuk-table__cell" {
                                (percent(compliance_figures(&view.statuses, &filter).totals.compliance_rate()))
                            }
                        }
                    }
                    @for status in &view.statuses {
                        tr class="govuk-table__row" {
                            th scope="row" class="govuk-table__header" {
                                a class="govuk-link" href=(staff_link(status)) {
                                    (status.staff.displayid)
                                }
                                br;
                                span class="govuk-body-s" { (status.staff.workplace) " · " (status.staff.staff) }
                            }
                            @for topic in &view.topics {
                                td class="govuk-table__cell" {
                                    @if let Some(pair) = status.pairs.iter().find(|pair| &pair.topic == topic) {
                                        @let (words, colour) = cell_words(pair);
                                        strong class=(format!("govuk-tag govuk-tag--{colour}")) { (words) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            }
        }
    }
}

fn query_string(query: &[(String, String)]) -> String {
    query
        .iter()
        .filter(|(key, value)| key != "format" && !value.is_empty())
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `GET /organisations/{org}/training`: the employer's training matrix; `?format=csv` downloads
/// the filtered view as the matrix CSV of `compliance.md` §8.
pub(crate) async fn matrix_page(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    require_reader(&caller, &org)?;
    let params = params(
        &query,
        &[
            "as_of",
            "workplace",
            "topic",
            "status",
            "format",
            "new_starters",
            "job_role",
            "class",
        ],
    )?;
    let format = params.format.clone().unwrap_or_else(|| "html".to_string());
    if !["html", "csv", "xlsx"].contains(&format.as_str()) {
        return Err(WebError::BadRequest(format!(
            "there is no `{format}` format here: choose html, csv or xlsx"
        ))
        .into());
    }
    let page_caller = caller.clone();
    let page_org = org.clone();
    let (view, params) = state
        .with_store(move |store, _| {
            let view = matrix_view(store, &caller, &org, &params)?;
            if let Some(format) = params.format.as_deref().filter(|format| *format != "html") {
                store.audit(
                    &caller.actor(),
                    "export",
                    &org,
                    &format!("training matrix {format}"),
                )?;
            }
            Ok((view, params))
        })
        .await?;
    if format == "csv" {
        return Ok(attachment(
            export::matrix_csv(&view.statuses, &view.topics),
            "text/csv; charset=utf-8",
            "training-matrix.csv",
        ));
    }
    if format == "xlsx" {
        let bytes = export::matrix_xlsx(&view.statuses, &view.topics)
            .map_err(|error| WebError::Internal(format!("training matrix XLSX: {error}")))?;
        return Ok(attachment(bytes, XLSX_TYPE, "training-matrix.xlsx"));
    }
    let markup = matrix_markup(&page_org, &view, &params, &query_string(&query));
    Ok(layout("Training matrix", &page_caller, markup).into_response())
}

fn count(value: Option<u64>) -> String {
    value.map_or_else(|| "< 5".to_string(), |value| value.to_string())
}

fn money(value: Option<f64>) -> String {
    value.map_or_else(
        || "withheld".to_string(),
        |value| format!("£{}", thousands(value.round())),
    )
}

fn thousands(value: f64) -> String {
    let digits = format!("{value:.0}");
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest.to_string()),
        None => ("", digits),
    };
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    format!("{sign}{out}")
}

// The columns of the TNA CSV and XLSX (§6's columns, as the JSON rows): one list with the
// library's XLSX writer.
use carecount_compliance::export::TNA_COLUMNS;

/// One TNA cell: text, or a number (blank when withheld or not applicable).
enum TnaCell {
    Text(String),
    Number(Option<f64>),
}

impl TnaCell {
    fn csv(&self) -> String {
        match self {
            TnaCell::Text(text) => text.clone(),
            TnaCell::Number(value) => value.map(|v| v.to_string()).unwrap_or_default(),
        }
    }
}

fn tna_cells(row: &wire::TnaRowJson, label: &str) -> Vec<TnaCell> {
    let count = |value: Option<u64>| TnaCell::Number(value.map(|v| v as f64));
    let text = |value: &Option<String>| TnaCell::Text(value.clone().unwrap_or_default());
    vec![
        TnaCell::Text(row.topic.clone().unwrap_or_else(|| label.to_string())),
        text(&row.level),
        text(&row.class),
        text(&row.delivery),
        count(row.missing),
        count(row.expired),
        count(row.due_new),
        count(row.expiring_in_horizon),
        count(row.starters),
        count(row.in_progress),
        count(row.places),
        count(row.cohorts),
        TnaCell::Number(row.cost),
        TnaCell::Number(row.hours),
        TnaCell::Text(
            row.suppression
                .iter()
                .map(|(field, reason)| format!("{field}:{reason}"))
                .collect::<Vec<_>>()
                .join(";"),
        ),
    ]
}

/// The TNA CSV: the rows, then the totals row (`compliance.md` §8: CSV carries the JSON's columns).
fn tna_csv(answer: &wire::TnaJson) -> Result<String, WebError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let bad = |error: csv::Error| WebError::Internal(format!("TNA CSV: {error}"));
    writer.write_record(TNA_COLUMNS).map_err(bad)?;
    for row in answer.rows.iter().chain(std::iter::once(&answer.totals)) {
        let cells: Vec<String> = tna_cells(row, "total").iter().map(TnaCell::csv).collect();
        writer.write_record(cells).map_err(bad)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| WebError::Internal(format!("TNA CSV: {error}")))?;
    String::from_utf8(bytes).map_err(|error| WebError::Internal(format!("TNA CSV: {error}")))
}

fn tna_markup(area: &str, answer: &wire::TnaJson, illustrative: bool) -> Markup {
    let csv_link = format!(
        "/areas/{}/training-needs?format=csv&horizon_months={}",
        encode(area),
        answer.horizon_months
    );
    html! {
        h1 class="govuk-heading-l" { "Training needs of " (data::area_name(&answer.area)) }
        p class="govuk-body" {
            "Learner places needed from " (answer.as_of) " to " (answer.horizon_end)
            " (" (answer.horizon_months) " months): gaps, expiries and expected starters. "
            "Small numbers are withheld (“< 5”)."
        }
        @if illustrative {
            div class="govuk-inset-text" {
                "Costs use illustrative unit costs: replace them with local prices before buying."
            }
        }
        form method="get" action=(format!("/areas/{}/training-needs", encode(area))) novalidate {
            div class="govuk-form-group" {
                label class="govuk-label" for="horizon_months" { "Horizon in months (1 to 60)" }
                input class="govuk-input govuk-input--width-3" id="horizon_months" name="horizon_months" type="text" inputmode="numeric" value=(answer.horizon_months);
            }
            button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Update" }
        }
        ul class="govuk-list" {
            li { a class="govuk-link" href=(format!("/areas/{}/compliance", encode(area))) { "Training compliance in this area" } }
            li { a class="govuk-link" href=(csv_link) { "Download the training needs analysis (CSV)" } }
            li { a class="govuk-link" href=(csv_link.replace("format=csv", "format=xlsx")) { "Download the training needs analysis (Excel)" } }
        }
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-table__caption--m" { "Places and cost by topic" }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { "Topic" }
                th scope="col" class="govuk-table__header" { "Level" }
                th scope="col" class="govuk-table__header" { "Class" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Missing" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Expired" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Expiring" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Starters" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Places" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Cost" }
            } }
            tbody class="govuk-table__body" {
                @for row in &answer.rows {
                    tr class="govuk-table__row" {
                        th scope="row" class="govuk-table__header" {
                            (row.topic.as_deref().map(topic_name).unwrap_or_default())
                        }
                        td class="govuk-table__cell" { (row.level.as_deref().unwrap_or("–")) }
                        td class="govuk-table__cell" { (row.class.as_deref().unwrap_or("–")) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (count(row.missing)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (count(row.expired)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (count(row.expiring_in_horizon)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (count(row.starters)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (count(row.places)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (money(row.cost)) }
                    }
                }
                tr class="govuk-table__row" {
                    th scope="row" class="govuk-table__header" colspan="7" { "Total" }
                    td class="govuk-table__cell govuk-table__cell--numeric" { (count(answer.totals.places)) }
                    td class="govuk-table__cell govuk-table__cell--numeric" { (money(answer.totals.cost)) }
                }
            }
        }
        @if !answer.warnings.is_empty() {
            h2 class="govuk-heading-m" { "Notes" }
            ul class="govuk-list govuk-list--bullet" {
                @for warning in &answer.warnings { li { (warning) } }
            }
        }
    }
}

/// `GET /areas/{area}/training-needs`: the commissioner's costed training needs analysis
/// (`?horizon_months=`, `?format=csv|xlsx`), disclosure-controlled for every caller.
pub(crate) async fn tna_page(
    State(state): State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    caller.require_user()?;
    let params = params(&query, &["as_of", "horizon_months", "format"])?;
    let format = params.format.clone().unwrap_or_else(|| "html".to_string());
    if !["html", "csv", "xlsx"].contains(&format.as_str()) {
        return Err(WebError::BadRequest(format!(
            "there is no `{format}` format here: choose html, csv or xlsx"
        ))
        .into());
    }
    let page_caller = caller.clone();
    let page_area = area.clone();
    let download = format != "html";
    let audit_format = format.clone();
    let (answer, illustrative, unit_costs) = state
        .with_store(move |store, state| {
            let found = area_tna(store, state, &area, &params)?;
            if download {
                store.audit(
                    &caller.actor(),
                    "export",
                    &found.0.area,
                    &format!("training needs {audit_format}"),
                )?;
            }
            Ok(found)
        })
        .await?;
    if format == "csv" {
        return Ok(attachment(
            tna_csv(&answer)?,
            "text/csv; charset=utf-8",
            "training-needs.csv",
        ));
    }
    if format == "xlsx" {
        let mut response = export::tna_xlsx(&answer, &unit_costs, illustrative)
            .map_err(|error| WebError::Internal(format!("TNA XLSX: {error}")))?
            .into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        );
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"training-needs.xlsx\""),
        );
        return Ok(response);
    }
    Ok(layout(
        "Training needs",
        &page_caller,
        tna_markup(&page_area, &answer, illustrative),
    )
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// A staff record's training page, with the form for what ASC-WDS does not hold.

/// The fields of the add-a-record form (the `training import` columns, `compliance.md` §8).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub(crate) struct RecordForm {
    csrf: String,
    topic: String,
    level: String,
    completed: String,
    expires: String,
    number: String,
    revalidation_due: String,
    provider: String,
    notes: String,
}

/// Topics offered by the form: registrations, supervision and appraisal first (what ASC-WDS
/// cannot hold), then the rest of the catalogue.
fn form_topics() -> Vec<(String, String)> {
    let first = [
        "nmc_registration",
        "swe_registration",
        "hcpc_registration",
        "supervision",
        "appraisal",
        "care_certificate",
    ];
    let catalogue = Catalogue::shipped();
    let mut out: Vec<(String, String)> = first
        .iter()
        .filter_map(|topic| catalogue.topic(topic))
        .map(|topic| (topic.topic.clone(), topic.name.clone()))
        .collect();
    out.extend(
        catalogue
            .topics()
            .iter()
            .filter(|topic| !first.contains(&topic.topic.as_str()))
            .map(|topic| (topic.topic.clone(), topic.name.clone())),
    );
    out
}

/// The form's field id for a §10 message column.
fn field_of(column: &str) -> Option<&'static str> {
    Some(match column {
        "topic" => "topic",
        "level" => "level",
        "completed" => "completed",
        "expires" => "expires",
        "number" => "number",
        "revalidation_due" => "revalidation_due",
        "provider" => "provider",
        "notes" => "notes",
        _ => return None,
    })
}

fn staff_training_markup(
    org: &str,
    status: &StaffStatus,
    editable: bool,
    csrf: &str,
    form: &RecordForm,
    errors: &[carecount_compliance::Message],
) -> Markup {
    let action = format!(
        "/organisations/{}/workplaces/{}/staff/{}/training",
        encode(org),
        encode(&status.staff.workplace),
        encode(&status.staff.staff)
    );
    let error_for = |field: &str| {
        errors
            .iter()
            .find(|message| field_of(&message.column) == Some(field))
            .map(|message| message.message.clone())
    };
    let text_field = |id: &'static str, label: &'static str, hint: &'static str, value: &str| {
        let error = error_for(id);
        html! {
            div class=(if error.is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                label class="govuk-label" for=(id) { (label) }
                @if !hint.is_empty() { div class="govuk-hint" id=(format!("{id}-hint")) { (hint) } }
                @if let Some(error) = &error {
                    p class="govuk-error-message" id=(format!("{id}-error")) {
                        span class="govuk-visually-hidden" { "Error: " } (error)
                    }
                }
                input class=(if error.is_some() { "govuk-input govuk-input--error" } else { "govuk-input" })
                    id=(id) name=(id) type="text" value=(value);
            }
        }
    };
    html! {
        @if !errors.is_empty() {
            div class="govuk-error-summary" data-module="govuk-error-summary" {
                div role="alert" {
                    h2 class="govuk-error-summary__title" { "There is a problem" }
                    div class="govuk-error-summary__body" {
                        ul class="govuk-list govuk-error-summary__list" {
                            @for message in errors {
                                li {
                                    @match field_of(&message.column) {
                                        Some(field) => a href=(format!("#{field}")) { (message.message) },
                                        None => (message.message),
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h1 class="govuk-heading-l" { "Training record of " (status.staff.displayid) }
        p class="govuk-body" { "Workplace " (status.staff.workplace) ", staff record " (status.staff.staff) "." }
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-table__caption--m" { "What is required, and why" }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { "Topic" }
                th scope="col" class="govuk-table__header" { "Status" }
                th scope="col" class="govuk-table__header" { "Evidence" }
                th scope="col" class="govuk-table__header" { "Requirement" }
            } }
            tbody class="govuk-table__body" {
                @for pair in &status.pairs {
                    @let (words, colour) = cell_words(pair);
                    @let explained = wire::PairJson::from(pair);
                    tr class="govuk-table__row" {
                        th scope="row" class="govuk-table__header" {
                            (topic_name(&pair.topic))
                            @if let Some(level) = &pair.level { " (" (level) ")" }
                        }
                        td class="govuk-table__cell" {
                            strong class=(format!("govuk-tag govuk-tag--{colour}")) { (words) }
                            @if let Some(detail) = &explained.detail { br; span class="govuk-body-s" { (detail.replace('_', " ")) } }
                        }
                        td class="govuk-table__cell" {
                            @match &explained.record {
                                Some(record) => {
                                    (if record.title.is_empty() { topic_name(&pair.topic) } else { record.title.clone() })
                                    " (" (record.source) ")"
                                    @if let Some(completed) = &record.completed { ", completed " (completed) }
                                    @if let Some(expires) = &record.expires_on { ", expires " (expires) " (" (record.expiry_basis.replace('_', " ")) ")" }
                                },
                                None => "No record",
                            }
                        }
                        td class="govuk-table__cell" {
                            (pair.class.as_str()) ", rule " (explained.deciding_row.clone().unwrap_or_else(|| explained.rows.join(", ")))
                        }
                    }
                }
            }
        }
        @if editable {
            h2 class="govuk-heading-m" id="add" { "Add a registration, supervision or training record" }
            p class="govuk-body" { "Dates as YYYY-MM-DD. A registration needs its expiry date." }
            form method="post" action=(action) novalidate {
                input type="hidden" name="csrf" value=(csrf);
                @let topic_error = error_for("topic");
                div class=(if topic_error.is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                    label class="govuk-label" for="topic" { "Topic" }
                    @if let Some(error) = &topic_error {
                        p class="govuk-error-message" id="topic-error" { span class="govuk-visually-hidden" { "Error: " } (error) }
                    }
                    select class="govuk-select" id="topic" name="topic" {
                        option value="" { "Choose a topic" }
                        @for (topic, name) in form_topics() {
                            option value=(topic) selected[topic == form.topic] { (name) }
                        }
                    }
                }
                (text_field("level", "Level", "Only for a topic with levels, for example bronze or l3", &form.level))
                (text_field("completed", "Completed, met or registered on", "", &form.completed))
                (text_field("expires", "Expires on", "Leave blank for the topic's usual refresh", &form.expires))
                (text_field("number", "Registration number (PIN)", "", &form.number))
                (text_field("revalidation_due", "Revalidation due", "", &form.revalidation_due))
                (text_field("provider", "Provider", "", &form.provider))
                (text_field("notes", "Notes", "", &form.notes))
                button type="submit" class="govuk-button" data-module="govuk-button" { "Add record" }
            }
        }
    }
}

fn may_edit(caller: &Caller, org: &str) -> bool {
    crate::records::require_editor(caller, org).is_ok()
}

/// The staff record's status and the organisation inputs, or 404.
fn staff_status_of(
    data: &OrgData,
    workplace: &str,
    worker: &str,
) -> Result<(i64, StaffStatus), WebError> {
    let entry = data
        .staff
        .iter()
        .find(|entry| entry.facts.workplace == workplace && entry.facts.staff == worker)
        .ok_or_else(|| WebError::NotFound("there is no such staff record".to_string()))?;
    let status = statuses_of(&data.profile, std::slice::from_ref(entry), data.as_of)
        .into_iter()
        .next()
        .ok_or_else(|| WebError::Internal("no status was derived".to_string()))?;
    Ok((entry.staff_id, status))
}

/// `GET /organisations/{org}/workplaces/{workplace}/staff/{worker}/training`: each pair with its
/// explanation, and (for editors) the form to add a record.
pub(crate) async fn staff_training_page(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, workplace, worker)): Path<(String, String, String)>,
) -> Result<Html<String>, PageError> {
    require_reader(&caller, &org)?;
    let page_caller = caller.clone();
    let page_org = org.clone();
    let status = state
        .with_store(move |store, _| {
            let today = time::OffsetDateTime::now_utc().date();
            let data = owner_data(store, &caller, &org, today, "staff training")?;
            staff_status_of(&data, &workplace, &worker).map(|(_, status)| status)
        })
        .await?;
    let editable = may_edit(&page_caller, &page_org);
    Ok(layout(
        "Training record",
        &page_caller,
        staff_training_markup(
            &page_org,
            &status,
            editable,
            page_caller.csrf(),
            &RecordForm::default(),
            &[],
        ),
    ))
}

/// What a post of the form led to.
enum Added {
    Stored,
    Invalid(Box<StaffStatus>, Vec<carecount_compliance::Message>),
}

/// `POST …/training`: checks the record as one `training import` line (§10) and stores it, or
/// shows the page again with a GOV.UK error summary (422), nothing stored.
pub(crate) async fn add_staff_record(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, workplace, worker)): Path<(String, String, String)>,
    form: Result<axum::Form<RecordForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    require_writer(&caller, &org)?;
    let form = form.map(|axum::Form(form)| form).unwrap_or_default();
    caller.check_csrf(&form.csrf)?;
    let page_caller = caller.clone();
    let page_org = org.clone();
    let redirect = format!(
        "/organisations/{}/workplaces/{}/staff/{}/training",
        encode(&org),
        encode(&workplace),
        encode(&worker)
    );
    let given = form.clone();
    let outcome = state
        .with_store(move |store, _| {
            let today = time::OffsetDateTime::now_utc().date();
            let data = owner_data(store, &caller, &org, today, "staff training")?;
            let (staff_id, status) = staff_status_of(&data, &workplace, &worker)?;
            let text = import_line(&workplace, &worker, &given)?;
            let known: BTreeSet<(String, String)> =
                BTreeSet::from([(workplace.clone(), worker.clone())]);
            let context = carecount_compliance::import::ImportContext {
                catalogue: Catalogue::shipped(),
                as_of: today,
                known_staff: &known,
                stored: &[],
            };
            match carecount_compliance::import::parse_training_import(context, "form", &text) {
                Err(messages) => Ok(Added::Invalid(Box::new(status), messages)),
                Ok(outcome) => {
                    let records: Vec<carecount_store::compliance::NewComplianceRecord> = outcome
                        .records
                        .into_iter()
                        .map(|entered| from_store::new_record(staff_id, entered))
                        .collect();
                    store.add_compliance_records(&caller.actor(), &org, &records)?;
                    Ok(Added::Stored)
                }
            }
        })
        .await?;
    match outcome {
        Added::Stored => Ok(axum::response::Redirect::to(&redirect).into_response()),
        Added::Invalid(status, messages) => {
            let errors: Vec<carecount_compliance::Message> = messages
                .into_iter()
                .filter(|message| message.severity == carecount_compliance::Severity::Error)
                .collect();
            let page = layout(
                "Training record",
                &page_caller,
                staff_training_markup(&page_org, &status, true, page_caller.csrf(), &form, &errors),
            );
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// The form as one `training import` line with its header.
fn import_line(workplace: &str, worker: &str, form: &RecordForm) -> Result<String, WebError> {
    carecount_compliance::import::one_line_import([
        workplace,
        worker,
        form.topic.trim(),
        form.level.trim(),
        form.completed.trim(),
        form.expires.trim(),
        "",
        "",
        form.provider.trim(),
        form.number.trim(),
        form.revalidation_due.trim(),
        form.notes.trim(),
    ])
    .map_err(|error| WebError::Internal(format!("writing the record: {error}")))
}

// ---------------------------------------------------------------------------------------------
// Alerts (§7, §9): the employer's alerts page with its CSV and iCalendar downloads.

/// One alert as the page shows it.
struct AlertLine {
    rag: &'static str,
    kind: &'static str,
    workplace: String,
    staff: String,
    displayid: String,
    topic: String,
    level: Option<String>,
    due_on: Option<Date>,
    raised_on: Option<Date>,
}

/// The words of an alert kind (§7).
fn kind_words(kind: &str) -> &'static str {
    match kind {
        "expiring" => "Expiring",
        "expired" => "Expired",
        "induction_overdue" => "Induction overdue",
        "missing" => "Missing",
        "due_soon" => "Due soon",
        _ => "Alert",
    }
}

/// What the alerts route answers: a download or the page's lines.
enum AlertsAnswer {
    File(String, &'static str, &'static str),
    Page {
        as_of: Date,
        workplaces: Vec<String>,
        lines: Vec<AlertLine>,
    },
}

/// `GET /organisations/{org}/training/alerts`: the alerts of §7 for the organisation's owners;
/// `?format=csv` and `?format=ics` download them (the calendar holds names: owners only).
pub(crate) async fn alerts_page(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    require_reader(&caller, &org)?;
    let params = params(&query, &["as_of", "workplace", "days", "format"])?;
    let format = params.format.clone().unwrap_or_else(|| "html".to_string());
    if !["html", "csv", "ics"].contains(&format.as_str()) {
        return Err(WebError::BadRequest(format!(
            "there is no `{format}` format here: choose html, csv or ics"
        ))
        .into());
    }
    let page_caller = caller.clone();
    let page_org = org.clone();
    let chosen_workplace = params.workplace.clone().unwrap_or_default();
    let answer = state
        .with_store(move |store, _| {
            let as_of = as_of_or_default(store, &params, Some(&org))?;
            let data = owner_data(store, &caller, &org, as_of, "training alerts")?;
            let statuses = filtered_statuses(&data, &params)?;
            let found = alerts::alerts(&statuses, as_of, data.profile.settings().due_soon_days());
            if format != "html" {
                store.audit(
                    &caller.actor(),
                    "export",
                    &org,
                    &format!("training alerts {format}"),
                )?;
            }
            Ok(match format.as_str() {
                "csv" => AlertsAnswer::File(
                    export::alerts_csv(&found),
                    "text/csv; charset=utf-8",
                    "training-alerts.csv",
                ),
                "ics" => AlertsAnswer::File(
                    export::alerts_ics(&org, &statuses, as_of, params.days.unwrap_or(365)),
                    "text/calendar; charset=utf-8",
                    "training-alerts.ics",
                ),
                _ => AlertsAnswer::Page {
                    as_of,
                    workplaces: data
                        .staff
                        .iter()
                        .map(|entry| entry.facts.workplace.clone())
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect(),
                    lines: found
                        .iter()
                        .map(|alert| AlertLine {
                            rag: alert.rag.as_str(),
                            kind: alert.kind.as_str(),
                            workplace: alert.item.staff.staff.workplace.clone(),
                            staff: alert.item.staff.staff.staff.clone(),
                            displayid: alert.item.staff.staff.displayid.clone(),
                            topic: alert.item.pair.topic.clone(),
                            level: alert.item.pair.level.clone(),
                            due_on: alert.due_on,
                            raised_on: alert.raised_on,
                        })
                        .collect(),
                },
            })
        })
        .await?;
    match answer {
        AlertsAnswer::File(body, content_type, name) => Ok(attachment(body, content_type, name)),
        AlertsAnswer::Page {
            as_of,
            workplaces,
            lines,
        } => {
            let markup = alerts_markup(
                &page_org,
                as_of,
                &workplaces,
                &chosen_workplace,
                &lines,
                &query_string(&query),
            );
            Ok(layout("Training alerts", &page_caller, markup).into_response())
        }
    }
}

fn alerts_markup(
    org: &str,
    as_of: Date,
    workplaces: &[String],
    chosen: &str,
    lines: &[AlertLine],
    query: &str,
) -> Markup {
    let base = format!("/organisations/{}/training/alerts", encode(org));
    let download = |format: &str| {
        format!(
            "{base}?{query}{}format={format}",
            if query.is_empty() { "" } else { "&" }
        )
    };
    let date = |date: Option<Date>| date.map(short_date).unwrap_or_else(|| "–".to_string());
    html! {
        h1 class="govuk-heading-l" { "Training alerts" }
        p class="govuk-body" {
            "What needs doing on " (short_date(as_of)) ": training that has expired, is expiring or is missing, inductions overdue and training due soon. "
            "carecount sends no e-mail: download the calendar to see these dates in your own diary."
        }
        p class="govuk-body" {
            a class="govuk-link" href=(format!("/organisations/{}/training", encode(org))) { "Back to the training matrix" }
        }
        form method="get" action=(base.clone()) novalidate {
            div class="govuk-form-group" {
                label class="govuk-label" for="workplace" { "Workplace" }
                select class="govuk-select" id="workplace" name="workplace" {
                    option value="" { "All workplaces" }
                    @for workplace in workplaces {
                        option value=(workplace) selected[workplace == chosen] { (workplace) }
                    }
                }
            }
            button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Apply filter" }
        }
        ul class="govuk-list" {
            li { a class="govuk-link" href=(download("csv")) { "Download these alerts (CSV)" } }
            li { a class="govuk-link" href=(download("ics")) { "Download the expiry and due dates for a calendar (iCalendar)" } }
        }
        @if lines.is_empty() {
            p class="govuk-body" { "There are no alerts." }
        } @else {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--m" { (lines.len()) " alert(s), most urgent first" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Alert" }
                    th scope="col" class="govuk-table__header" { "Staff record" }
                    th scope="col" class="govuk-table__header" { "Topic" }
                    th scope="col" class="govuk-table__header" { "Due or expiry date" }
                    th scope="col" class="govuk-table__header" { "Raised on" }
                } }
                tbody class="govuk-table__body" {
                    @for line in lines {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" {
                                @let colour = if line.rag == "red" { "red" } else { "yellow" };
                                strong class=(format!("govuk-tag govuk-tag--{colour}")) { (kind_words(line.kind)) }
                            }
                            td class="govuk-table__cell" {
                                a class="govuk-link" href=(format!("/organisations/{}/workplaces/{}/staff/{}/training", encode(org), encode(&line.workplace), encode(&line.staff))) {
                                    (line.displayid)
                                }
                                br;
                                span class="govuk-body-s" { (line.workplace) " · " (line.staff) }
                            }
                            td class="govuk-table__cell" {
                                (topic_name(&line.topic))
                                @if let Some(level) = &line.level { " (" (level) ")" }
                            }
                            td class="govuk-table__cell" { (date(line.due_on)) }
                            td class="govuk-table__cell" { (date(line.raised_on)) }
                        }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Requirements (§3, §9): the profile in force and the upload of an organisation's rows.

/// The page's words for a row state.
fn state_words(state: &str) -> (&'static str, &'static str) {
    match state {
        "in_force" => ("In force", "green"),
        "replaced" => ("Replaced", "grey"),
        "removed" => ("Removed", "grey"),
        "loosened" => ("Loosened", "yellow"),
        _ => ("Unknown", "grey"),
    }
}

/// What the requirements page shows.
struct RequirementsView {
    answer: wire::RequirementsJson,
    editable: bool,
}

fn requirements_view(
    store: &Store,
    caller: &Caller,
    org: &str,
    as_of: Date,
) -> Result<RequirementsView, WebError> {
    require_reader(caller, org)?;
    if caller.user().map(|user| user.role) == Some(Role::Admin) {
        store.audit(&caller.actor(), "admin_read", org, "requirements")?;
    }
    store.owner_scope(org)?;
    let (profile, version) = org_profile(store, org, as_of)?;
    Ok(RequirementsView {
        answer: wire::requirements_json(
            Some(org),
            version.as_ref().map(|version| version.version),
            version.as_ref().map(|version| version.effective_from),
            version.as_ref().map(|version| version.sha256.as_str()),
            &profile,
        ),
        editable: may_edit(caller, org),
    })
}

/// The values a failed upload keeps in the form.
#[derive(Debug, Default, Clone)]
struct SettingsForm {
    expiring_days: String,
    due_soon_days: String,
}

fn requirements_markup(
    org: &str,
    view: &RequirementsView,
    csrf: &str,
    form: &SettingsForm,
    errors: &[carecount_compliance::Message],
    saved: Option<u32>,
) -> Markup {
    let answer = &view.answer;
    let field_error = |column: &str| {
        errors
            .iter()
            .find(|message| message.column == column && message.line == 0)
            .map(|message| message.message.clone())
    };
    let file_errors = errors
        .iter()
        .any(|message| message.line > 0 || message.column == "file");
    let number_field = |id: &'static str, label: &'static str, hint: &'static str, value: &str| {
        let error = field_error(id);
        html! {
            div class=(if error.is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                label class="govuk-label" for=(id) { (label) }
                div class="govuk-hint" id=(format!("{id}-hint")) { (hint) }
                @if let Some(error) = &error {
                    p class="govuk-error-message" id=(format!("{id}-error")) {
                        span class="govuk-visually-hidden" { "Error: " } (error)
                    }
                }
                input class=(if error.is_some() { "govuk-input govuk-input--width-3 govuk-input--error" } else { "govuk-input govuk-input--width-3" })
                    id=(id) name=(id) type="text" inputmode="numeric" value=(value) aria-describedby=(format!("{id}-hint"));
            }
        }
    };
    html! {
        @if !errors.is_empty() {
            div class="govuk-error-summary" data-module="govuk-error-summary" {
                div role="alert" {
                    h2 class="govuk-error-summary__title" { "There is a problem" }
                    div class="govuk-error-summary__body" {
                        p class="govuk-body" { "Nothing was changed. Correct the file and upload it again." }
                        ul class="govuk-list govuk-error-summary__list" {
                            @for message in errors {
                                li {
                                    @let target = if message.line == 0 && message.column != "file" { message.column.clone() } else { "requirements".to_string() };
                                    a href=(format!("#{target}")) {
                                        @if message.line > 0 {
                                            (message.file) ", line " (message.line) ", column " (message.column)
                                            @if !message.value.is_empty() { ", value “" (message.value) "”" }
                                            ": "
                                        }
                                        (message.message)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(version) = saved {
            div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="saved-title" data-module="govuk-notification-banner" {
                div class="govuk-notification-banner__header" {
                    h2 class="govuk-notification-banner__title" id="saved-title" { "Success" }
                }
                div class="govuk-notification-banner__content" {
                    p class="govuk-notification-banner__heading" { "Requirements saved as version " (version) "." }
                }
            }
        }
        h1 class="govuk-heading-l" { "Training requirements" }
        p class="govuk-body" {
            "The requirement rows in force for this organisation: the shipped profile (Skills for Care 2024) with the organisation's own rows. "
            "Statutory rows are the floor: they can be made stricter, never looser. A recommended row removed or loosened needs a reason."
        }
        p class="govuk-body" {
            a class="govuk-link" href=(format!("/organisations/{}/training", encode(org))) { "Back to the training matrix" }
        }
        dl class="govuk-summary-list" {
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { "Profile version" }
                dd class="govuk-summary-list__value" {
                    @match answer.version {
                        Some(version) => { (version) @if let Some(from) = &answer.effective_from { ", in force from " (from) } },
                        None => "The shipped profile (no rows of the organisation's own)",
                    }
                }
            }
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { "Expiring window" }
                dd class="govuk-summary-list__value" { (answer.settings.expiring_days) " days" }
            }
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { "Due soon window" }
                dd class="govuk-summary-list__value" { (answer.settings.due_soon_days) " days" }
            }
        }
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-table__caption--m" { "Requirement rows" }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { "Row" }
                th scope="col" class="govuk-table__header" { "Topic" }
                th scope="col" class="govuk-table__header" { "Applies to" }
                th scope="col" class="govuk-table__header" { "Due within" }
                th scope="col" class="govuk-table__header" { "Refresh" }
                th scope="col" class="govuk-table__header" { "Class" }
                th scope="col" class="govuk-table__header" { "Origin and source" }
                th scope="col" class="govuk-table__header" { "State" }
            } }
            tbody class="govuk-table__body" {
                @for row in &answer.rows {
                    @let (words, colour) = state_words(&row.state);
                    tr class="govuk-table__row" {
                        th scope="row" class="govuk-table__header" { (row.id) }
                        td class="govuk-table__cell" {
                            (topic_name(&row.topic))
                            @if let Some(level) = &row.level { " (" (level) ")" }
                        }
                        td class="govuk-table__cell" {
                            "roles " (row.roles) "; services " (row.services)
                            @if row.service_users != "all" { "; service users " (row.service_users) }
                            @if let Some(rule) = &row.exempt_if { "; exempt if " (rule) }
                        }
                        td class="govuk-table__cell" {
                            @if row.due_within_days == 0 { "–" } @else { (row.due_within_days) " days" @if row.pro_rata { " (pro rata)" } }
                        }
                        td class="govuk-table__cell" {
                            @match row.refresh_months { Some(months) => { (months) " months" }, None => "topic's own" }
                        }
                        td class="govuk-table__cell" { (row.class) }
                        td class="govuk-table__cell" {
                            (row.origin)
                            @if let Some(action) = &row.action { " (" (action) ")" }
                            br; span class="govuk-body-s" { (row.source) }
                        }
                        td class="govuk-table__cell" {
                            strong class=(format!("govuk-tag govuk-tag--{colour}")) { (words) }
                            @if let Some(reason) = &row.reason { br; span class="govuk-body-s" { "Reason: " (reason) } }
                        }
                    }
                }
            }
        }
        @if view.editable {
            h2 class="govuk-heading-m" id="upload" { "Upload the organisation's rows" }
            p class="govuk-body" {
                "A CSV file of the organisation's own rows, checked whole: if any line has an error, nothing changes. "
                "The file replaces the organisation's rows from today. Without a file only the windows change."
            }
            form method="post" action=(format!("/organisations/{}/requirements", encode(org))) enctype="multipart/form-data" novalidate {
                input type="hidden" name="csrf" value=(csrf);
                div class=(if file_errors { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                    label class="govuk-label" for="requirements" { "Requirements file (CSV)" }
                    @if file_errors {
                        p class="govuk-error-message" id="requirements-error" {
                            span class="govuk-visually-hidden" { "Error: " } "The file has errors: see the list above"
                        }
                    }
                    input class=(if file_errors { "govuk-file-upload govuk-file-upload--error" } else { "govuk-file-upload" }) id="requirements" name="requirements" type="file" accept=".csv,text/csv";
                }
                (number_field("expiring_days", "Expiring window in days", "1 to 365", &form.expiring_days))
                (number_field("due_soon_days", "Due soon window in days", "0 to 365", &form.due_soon_days))
                button type="submit" class="govuk-button" data-module="govuk-button" { "Check and save" }
            }
        }
    }
}

/// `GET /organisations/{org}/requirements`: the requirement profile in force today, with the
/// upload form for those who may edit.
pub(crate) async fn requirements_page(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Html<String>, PageError> {
    require_reader(&caller, &org)?;
    let mut saved = None;
    for (key, value) in &query {
        match key.as_str() {
            "saved" => saved = value.parse::<u32>().ok(),
            other => {
                return Err(WebError::BadRequest(format!(
                    "unknown query parameter `{other}`; valid parameters: saved"
                ))
                .into());
            }
        }
    }
    let page_caller = caller.clone();
    let page_org = org.clone();
    let view = state
        .with_store(move |store, _| {
            let today = time::OffsetDateTime::now_utc().date();
            requirements_view(store, &caller, &org, today)
        })
        .await?;
    let form = SettingsForm {
        expiring_days: view.answer.settings.expiring_days.to_string(),
        due_soon_days: view.answer.settings.due_soon_days.to_string(),
    };
    Ok(layout(
        "Training requirements",
        &page_caller,
        requirements_markup(&page_org, &view, page_caller.csrf(), &form, &[], saved),
    ))
}

/// A §10-shaped message about a form field (line 0: no file line).
fn field_message(
    column: &str,
    value: &str,
    code: carecount_compliance::MessageCode,
    text: String,
) -> carecount_compliance::Message {
    carecount_compliance::Message {
        file: "form".to_string(),
        line: 0,
        column: column.to_string(),
        value: value.to_string(),
        severity: code.severity(),
        code,
        message: text,
    }
}

/// What an upload led to.
enum Uploaded {
    Saved(u32),
    Invalid(Box<RequirementsView>, Vec<carecount_compliance::Message>),
}

/// `POST /organisations/{org}/requirements`: a multipart form with `csrf`, the file
/// `requirements` and the two windows. The file is checked whole (§10); on any error the page
/// comes back (422) with a GOV.UK error summary naming file, line, column and value, and nothing
/// is stored. Employers with edit rights and administrators only.
pub(crate) async fn upload_requirements(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    require_writer(&caller, &org)?;
    let mut multipart = multipart.map_err(|_| {
        WebError::BadRequest("the requirements must be sent as a multipart form".to_string())
    })?;
    let mut csrf = String::new();
    let mut file: Option<(String, String)> = None;
    let mut form = SettingsForm::default();
    loop {
        let field = multipart.next_field().await.map_err(|error| {
            WebError::BadRequest(format!("the form could not be read: {}", error.body_text()))
        })?;
        let Some(field) = field else { break };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().unwrap_or_default().to_string();
        let bytes = field.bytes().await.map_err(|error| {
            WebError::BadRequest(format!("the form could not be read: {}", error.body_text()))
        })?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "csrf" => csrf = text,
            "expiring_days" => form.expiring_days = text.trim().to_string(),
            "due_soon_days" => form.due_soon_days = text.trim().to_string(),
            "requirements" if !bytes.is_empty() || !file_name.is_empty() => {
                let file_name = if file_name.is_empty() {
                    "requirements.csv".to_string()
                } else {
                    file_name
                };
                file = Some((file_name, text));
            }
            _ => {}
        }
    }
    caller.check_csrf(&csrf)?;
    let page_caller = caller.clone();
    let page_org = org.clone();
    let given = form.clone();
    let outcome =
        state
            .with_store(move |store, _| {
                let today = time::OffsetDateTime::now_utc().date();
                let (_, current) = org_profile(store, &org, today)?;
                let view = requirements_view(store, &caller, &org, today)?;
                let shown = view.answer.settings.clone();
                let mut errors = Vec::new();
                let mut number = |column: &str, text: &str, default: u16| -> i64 {
                    if text.is_empty() {
                        return i64::from(default);
                    }
                    text.parse::<i64>().unwrap_or_else(|_| {
                        errors.push(field_message(
                            column,
                            text,
                            carecount_compliance::MessageCode::NotANumber,
                            format!(
                                "Enter the {} as a whole number of days",
                                column.replace('_', " ")
                            ),
                        ));
                        -1
                    })
                };
                let expiring = number("expiring_days", &given.expiring_days, shown.expiring_days);
                let due_soon = number("due_soon_days", &given.due_soon_days, shown.due_soon_days);
                let settings = if errors.is_empty() {
                    match OrgSettings::new(expiring, due_soon) {
                        Ok(settings) => Some(settings),
                        Err(_) => {
                            let (column, value, range) = if (1..=365).contains(&expiring) {
                                ("due_soon_days", due_soon, "0 to 365")
                            } else {
                                ("expiring_days", expiring, "1 to 365")
                            };
                            errors.push(field_message(
                                column,
                                &value.to_string(),
                                carecount_compliance::MessageCode::OutOfRange,
                                format!("The {} must be {range} days", column.replace('_', " ")),
                            ));
                            None
                        }
                    }
                } else {
                    None
                };
                let (file_name, text) = file.unwrap_or_else(|| {
                    (
                        "requirements.csv".to_string(),
                        current
                            .as_ref()
                            .map(|version| version.file_text.clone())
                            .unwrap_or_default(),
                    )
                });
                let checked = if text.trim().is_empty() {
                    Ok(())
                } else {
                    Profile::with_organisation(
                        Catalogue::shipped(),
                        carecount_compliance::profile::shipped_rows(),
                        &file_name,
                        &text,
                        settings.unwrap_or_default(),
                    )
                    .map(|_| ())
                };
                if let Err(messages) = checked {
                    errors.extend(messages.into_iter().filter(|message| {
                        message.severity == carecount_compliance::Severity::Error
                    }));
                }
                match settings {
                    Some(settings) if errors.is_empty() => {
                        let sha256 = carecount_compliance::sha256::hex_digest(text.as_bytes());
                        let version = store.save_requirement_profile(
                            &caller.actor(),
                            &org,
                            today,
                            &text,
                            &sha256,
                            settings.expiring_days(),
                            settings.due_soon_days(),
                        )?;
                        Ok(Uploaded::Saved(version.version))
                    }
                    _ => Ok(Uploaded::Invalid(Box::new(view), errors)),
                }
            })
            .await?;
    match outcome {
        Uploaded::Saved(version) => Ok(axum::response::Redirect::to(&format!(
            "/organisations/{}/requirements?saved={version}",
            encode(&page_org)
        ))
        .into_response()),
        Uploaded::Invalid(view, errors) => {
            let page = layout(
                "Training requirements",
                &page_caller,
                requirements_markup(&page_org, &view, page_caller.csrf(), &form, &errors, None),
            );
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Area compliance (§5, §9): rates by topic and level beside the region and England.

/// An area's figures with the region's and England's (all for the commissioner audience).
struct AreaCompliance {
    area: wire::ComplianceStatusJson,
    region: Option<wire::ComplianceStatusJson>,
    england: wire::ComplianceStatusJson,
}

fn place_figures(
    store: &Store,
    place: Place<'_>,
    as_of: Date,
    group: GroupJson,
) -> Result<Option<(wire::ComplianceStatusJson, Option<String>)>, WebError> {
    let loaded = match from_store::load_area(store, place, as_of) {
        Ok(loaded) => loaded,
        Err(LoadError::UnknownPlace { .. }) => return Ok(None),
        Err(other) => return Err(other.into()),
    };
    let statuses = loaded.statuses();
    let figures = compliance_figures(&statuses, &PairFilter::default());
    let header = StatusHeader {
        as_of,
        audience: Audience::Commissioner,
        group,
        profile: profile_ref(None),
        expiring_days: OrgSettings::default().expiring_days(),
    };
    Ok(Some((
        wire::compliance_status(&header, &figures, None, false),
        loaded.region,
    )))
}

fn area_compliance(store: &Store, area: &str, as_of: Date) -> Result<AreaCompliance, WebError> {
    let code = data::area_code(area);
    let group = |area: Option<&str>, region: Option<&str>| GroupJson {
        area: area.map(str::to_owned),
        region: region.map(str::to_owned),
        ..GroupJson::default()
    };
    let (mut answer, region) =
        place_figures(store, Place::Area(&code), as_of, group(Some(&code), None))?.ok_or_else(
            || {
                WebError::NotFound(format!(
                    "no workplace is placed in the area `{code}` on {}",
                    data::format_date(as_of)
                ))
            },
        )?;
    answer.group.region = region.clone();
    let region_answer = match &region {
        Some(region) => place_figures(
            store,
            Place::Region(region),
            as_of,
            group(None, Some(region)),
        )?
        .map(|(answer, _)| answer),
        None => None,
    };
    let england = place_figures(store, Place::England, as_of, group(None, None))?
        .map(|(answer, _)| answer)
        .ok_or_else(|| WebError::Internal("no workplace in England".to_string()))?;
    for topic in &mut answer.topics {
        let same = |other: &wire::TopicJson| {
            other.topic == topic.topic && other.level == topic.level && other.class == topic.class
        };
        topic.comparison.region = region_answer
            .as_ref()
            .and_then(|found| found.topics.iter().find(|other| same(other)))
            .map(|other| other.figures.clone());
        topic.comparison.england = england
            .topics
            .iter()
            .find(|other| same(other))
            .map(|other| other.figures.clone());
    }
    Ok(AreaCompliance {
        area: answer,
        region: region_answer,
        england,
    })
}

/// A disclosure-controlled rate in words.
fn shown_rate(figures: Option<&wire::FiguresJson>) -> String {
    match figures {
        None => "no data".to_string(),
        Some(figures) => match figures.compliance_rate {
            Some(rate) => percent(Some(rate)),
            None if figures.required == Some(0) => "none required".to_string(),
            None => "not enough data".to_string(),
        },
    }
}

fn area_compliance_markup(area: &str, view: &AreaCompliance) -> Markup {
    let answer = &view.area;
    let totals = &answer.totals;
    html! {
        h1 class="govuk-heading-l" { "Training compliance in " (data::area_name(area)) }
        p class="govuk-body" {
            "Share of required training held in date on " (answer.as_of)
            " at the area's workplaces, by topic and level, beside the region and England. "
            "Small numbers are withheld (“< 5”) and rates on too few staff records or workplaces show “not enough data”. "
            "No staff record is shown."
        }
        ul class="govuk-list" {
            li { a class="govuk-link" href=(format!("/areas/{}/training-needs", encode(area))) { "Training needs analysis of this area" } }
        }
        dl class="govuk-summary-list" {
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { "Compliance rate, all topics" }
                dd class="govuk-summary-list__value" { (shown_rate(Some(totals))) }
            }
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { "Region" }
                dd class="govuk-summary-list__value" { (shown_rate(view.region.as_ref().map(|region| &region.totals))) }
            }
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { "England" }
                dd class="govuk-summary-list__value" { (shown_rate(Some(&view.england.totals))) }
            }
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { "Required (topic and staff record pairs)" }
                dd class="govuk-summary-list__value" { (count(totals.required)) }
            }
            div class="govuk-summary-list__row" {
                dt class="govuk-summary-list__key" { "Workplaces" }
                dd class="govuk-summary-list__value" { (totals.workplaces) }
            }
        }
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-table__caption--m" { "Compliance by topic and level" }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { "Topic" }
                th scope="col" class="govuk-table__header" { "Level" }
                th scope="col" class="govuk-table__header" { "Class" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Required" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Expired" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Missing" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Area rate" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Region rate" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "England rate" }
            } }
            tbody class="govuk-table__body" {
                @for topic in &answer.topics {
                    tr class="govuk-table__row" {
                        th scope="row" class="govuk-table__header" { (topic_name(&topic.topic)) }
                        td class="govuk-table__cell" { (topic.level.as_deref().unwrap_or("–")) }
                        td class="govuk-table__cell" { (topic.class) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (count(topic.figures.required)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (count(topic.figures.expired)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (count(topic.figures.missing)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (shown_rate(Some(&topic.figures))) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (shown_rate(topic.comparison.region.as_ref())) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (shown_rate(topic.comparison.england.as_ref())) }
                    }
                }
            }
        }
    }
}

/// `GET /areas/{area}/compliance`: the area's compliance rates by topic and level beside the
/// region and England, disclosure-controlled for every signed-in caller, no staff reference.
pub(crate) async fn area_compliance_page(
    State(state): State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Html<String>, PageError> {
    caller.require_user()?;
    let params = params(&query, &["as_of"])?;
    let page_caller = caller.clone();
    let page_area = data::area_code(&area);
    let view = state
        .with_store(move |store, _| {
            let as_of = as_of_or_default(store, &params, None)?;
            area_compliance(store, &area, as_of)
        })
        .await?;
    Ok(layout(
        "Training compliance",
        &page_caller,
        area_compliance_markup(&page_area, &view),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn short_dates_read_like_the_spec() {
        // compliance.md §9 writes "Valid to 14 Mar 2027" and "Expires 2 Mar 2026".
        assert_eq!(short_date(date!(2027 - 03 - 14)), "14 Mar 2027");
        assert_eq!(short_date(date!(2026 - 03 - 02)), "2 Mar 2026");
        assert_eq!(short_date(date!(2026 - 12 - 31)), "31 Dec 2026");
    }

    #[test]
    fn money_has_thousands_separators() {
        // 1234567.4 rounds to 1234567 → "1,234,567".
        assert_eq!(money(Some(1_234_567.4)), "£1,234,567");
        assert_eq!(money(Some(999.0)), "£999");
        assert_eq!(money(None), "withheld");
    }

    #[test]
    fn unknown_parameters_and_statuses_are_refused() {
        let query = |key: &str, value: &str| vec![(key.to_string(), value.to_string())];
        assert!(params(&query("colour", "red"), &["as_of"]).is_err());
        assert!(params(&query("status", "purple"), &["status"]).is_err());
        assert!(params(&query("horizon_months", "61"), &["horizon_months"]).is_err());
        assert!(params(&query("staff", "W1"), &["staff", "workplace"]).is_err());
        let parsed = params(&query("as-of", "2025-06-01"), &["as_of"]);
        assert_eq!(
            parsed.ok().and_then(|p| p.as_of),
            Some(date!(2025 - 06 - 01))
        );
    }
}
