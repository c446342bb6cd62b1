//! The JSON API under `/api/v1/` (`interfaces.md`, "Web app and API"). The wire types live here:
//! inner crates do not derive `Serialize` for personal records.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use carecount_domain::{Staff, Workplace};
use carecount_metrics::{GroupFilter, MetricValue};
use carecount_store::accounts::{Role, User};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::auth::{self, Caller};
use crate::data;
use crate::error::{ApiError, Problem};
use crate::{AppState, WebError};

/// `POST /api/v1/auth/token` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub email: String,
    pub password: String,
}

/// A new API token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer TOKEN`.
    pub token: String,
    /// UTC, RFC 3339.
    pub expires_at: String,
}

/// `GET /api/v1/me`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub email: String,
    /// `employer`, `employer_read_only`, `commissioner` or `admin`.
    pub role: String,
    /// The employer's organisation; `null` for other roles.
    pub organisation: Option<String>,
    /// Areas the user may see, each as the identifier used for `{area}`.
    pub areas: Vec<String>,
    /// Whether the user can only read.
    pub read_only: bool,
}

/// A workplace as the organisation's own users see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkplaceJson {
    pub localestid: String,
    pub name: String,
    pub post_town: String,
    pub postcode: String,
    pub main_service: u32,
    pub total_perm_temp: u32,
    pub cqc_regulated: bool,
    pub location_id: Option<String>,
}

/// `GET /api/v1/organisations/{org}/workplaces`.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkplacesJson {
    pub organisation: String,
    /// The as-of date of the organisation's latest snapshot (`null`: none yet).
    pub as_of: Option<String>,
    pub workplaces: Vec<WorkplaceJson>,
}

/// A staff record with its personal fields (the organisation's own users only).
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffJson {
    pub localestid: String,
    pub unique_worker_id: String,
    /// DISPLAYID: name or ID.
    pub display_id: String,
    pub ni_number: Option<String>,
    /// `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    pub postcode: Option<String>,
    pub gender: Option<u32>,
    pub ethnicity: Option<u32>,
    pub nationality: Option<u32>,
    pub main_job_role: u32,
    pub contract: u32,
    /// `YYYY-MM-DD`.
    pub start_date: Option<String>,
    pub salary_interval: Option<u32>,
    pub salary: Option<u32>,
    /// Pounds.
    pub hourly_rate: Option<f64>,
}

/// `GET /api/v1/organisations/{org}/staff`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffListJson {
    pub organisation: String,
    pub as_of: Option<String>,
    pub staff: Vec<StaffJson>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "carecount API",
        description = "Workforce records, intelligence and planning for adult social care (interfaces.md)."
    ),
    paths(token, me, workplaces, staff, area_metric, area_profile, openapi),
    components(schemas(
        TokenRequest,
        TokenResponse,
        Me,
        WorkplaceJson,
        WorkplacesJson,
        StaffJson,
        StaffListJson,
        Problem
    )),
    modifiers(&BearerAuth, &RouteTableDocs)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// Summaries of API routes whose handlers carry no `utoipa::path` annotation (their own
/// modules' doc comments say the same at more length).
const ROUTE_SUMMARIES: [(&str, &str, &str); 5] = [
    (
        "POST",
        "/api/v1/areas/{area}/projections",
        "Runs the scenario TOML of the body for the area (query: runs, seed, format=json|csv|html). The area's commissioners and administrators; a bad scenario is 422 with its file, line and column.",
    ),
    (
        "GET",
        "/api/v1/organisations/{org}/compliance",
        "Training compliance of the organisation (carecount.compliance_status.v1; query: workplace, staff, topic, as_of). Its own employers and administrators only.",
    ),
    (
        "GET",
        "/api/v1/organisations/{org}/compliance/expiring",
        "Training that expires soon in the organisation (carecount.compliance_expiring.v1; query: workplace, days, as_of). Its own employers and administrators only.",
    ),
    (
        "GET",
        "/api/v1/areas/{area}/compliance",
        "Training compliance figures of the area, disclosure-controlled, without staff (any signed-in caller).",
    ),
    (
        "GET",
        "/api/v1/areas/{area}/training-needs",
        "Training needs analysis of the area (carecount.tna.v1), disclosure-controlled (any signed-in caller).",
    ),
];

/// Adds every API route of the route table that no handler annotation documents, so that the
/// document lists every `/api/v1/` route the router serves.
struct RouteTableDocs;

impl utoipa::Modify for RouteTableDocs {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::security::SecurityRequirement;
        use utoipa::openapi::{ContentBuilder, Ref, Required, ResponseBuilder};
        for info in crate::route_table() {
            if info.kind != crate::RouteKind::Api {
                continue;
            }
            let method = match info.method {
                "GET" => HttpMethod::Get,
                "POST" => HttpMethod::Post,
                "PUT" => HttpMethod::Put,
                "DELETE" => HttpMethod::Delete,
                _ => continue,
            };
            if openapi
                .paths
                .get_path_operation(info.path, method.clone())
                .is_some()
            {
                continue;
            }
            let summary = ROUTE_SUMMARIES
                .iter()
                .chain(crate::compliance_api::ROUTE_SUMMARIES.iter())
                .find(|(known_method, path, _)| *known_method == info.method && *path == info.path)
                .map(|(_, _, summary)| *summary);
            let problem = ResponseBuilder::new()
                .description("problem details (RFC 9457)")
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build();
            let mut operation = OperationBuilder::new()
                .summary(summary)
                .security(SecurityRequirement::new("bearer", Vec::<String>::new()))
                .response("200", ResponseBuilder::new().description("success").build())
                .response("default", problem);
            for name in info
                .path
                .split('/')
                .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
            {
                operation = operation.parameter(
                    ParameterBuilder::new()
                        .name(name)
                        .parameter_in(ParameterIn::Path)
                        .required(Required::True)
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
                );
            }
            openapi
                .paths
                .add_path_operation(info.path, vec![method], operation.build());
        }
    }
}

/// The OpenAPI document, generated from the handlers' annotations and the route table.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The OpenAPI document.
#[utoipa::path(get, path = "/api/v1/openapi.json", responses((status = 200, description = "OpenAPI 3.1 document")))]
pub async fn openapi() -> Response {
    match openapi_document().to_pretty_json() {
        Ok(text) => ([(header::CONTENT_TYPE, "application/json")], text).into_response(),
        Err(error) => WebError::Internal(format!("OpenAPI document: {error}")).api_response(),
    }
}

/// Exchanges an email and password for an API token.
#[utoipa::path(post, path = "/api/v1/auth/token", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem),
              (status = 429, body = Problem, description = "locked after too many failures")))]
pub async fn token(
    axum::extract::State(state): axum::extract::State<AppState>,
    body: Bytes,
) -> Result<Json<TokenResponse>, ApiError> {
    let request: TokenRequest = serde_json::from_slice(&body).map_err(|error| {
        WebError::BadRequest(format!(
            "the body must be a JSON object {{\"email\", \"password\"}} ({:?} error at line {}, column {})",
            error.classify(),
            error.line(),
            error.column()
        ))
    })?;
    let response = state
        .with_store(move |store, state| {
            let user = auth::authenticate(store, state, &request.email, &request.password, "api")?;
            let token = auth::new_token();
            let now = auth::now_seconds();
            let expires = now.saturating_add(state.settings().token_lifetime_seconds);
            store.create_api_token(&auth::token_hash(&token), user.id, now, expires)?;
            let expires_at = time::OffsetDateTime::from_unix_timestamp(expires)
                .ok()
                .and_then(|at| {
                    at.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_default();
            Ok(TokenResponse { token, expires_at })
        })
        .await?;
    Ok(Json(response))
}

/// The caller's account.
#[utoipa::path(get, path = "/api/v1/me", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = Problem)))]
pub async fn me(
    axum::extract::State(state): axum::extract::State<AppState>,
    caller: Caller,
) -> Result<Json<Me>, ApiError> {
    let user = caller.require_user()?.clone();
    let me = state
        .with_store(move |store, state| me_of(store, state, &user))
        .await?;
    Ok(Json(me))
}

pub(crate) fn me_of(
    store: &carecount_store::Store,
    state: &AppState,
    user: &User,
) -> Result<Me, WebError> {
    let store_areas = if user.role == Role::Commissioner {
        Vec::new()
    } else {
        let date = data::default_date(store)?;
        let series = data::snapshots_until(store, state, date)?;
        series.last().map(data::areas_in).unwrap_or_default()
    };
    Ok(Me {
        email: user.email.clone(),
        role: match user.role {
            Role::ReadOnlyEmployer => "employer".to_string(),
            other => other.as_str().to_string(),
        },
        organisation: user.organisation.clone(),
        areas: auth::areas_of(user, &store_areas),
        read_only: user.role == Role::ReadOnlyEmployer,
    })
}

/// The organisation's records in its latest snapshot, for its owner (checked by the caller).
pub(crate) fn owner_records(
    store: &carecount_store::Store,
    caller: &Caller,
    org: &str,
    what: &str,
) -> Result<Option<(String, carecount_store::OrgRecords)>, WebError> {
    auth::require_owner(caller, org)?;
    let scope = store.owner_scope(org)?;
    if caller.user().map(|user| user.role) == Some(Role::Admin) {
        store.audit(&caller.actor(), "admin_read", org, what)?;
    }
    let Some(snapshot) = store.snapshot_at(org, None)? else {
        return Ok(None);
    };
    let records = store.org_records(&scope, &snapshot)?;
    Ok(Some((data::format_date(snapshot.as_of), records)))
}

pub(crate) fn workplace_json(workplace: &Workplace) -> WorkplaceJson {
    WorkplaceJson {
        localestid: workplace.localestid.clone(),
        name: workplace.name.clone(),
        post_town: workplace.post_town.clone(),
        postcode: workplace.postcode.clone(),
        main_service: workplace.main_service,
        total_perm_temp: workplace.total_perm_temp,
        cqc_regulated: workplace.cqc_regulated,
        location_id: workplace.location_id.clone(),
    }
}

pub(crate) fn staff_json(staff: &Staff) -> StaffJson {
    StaffJson {
        localestid: staff.localestid.clone(),
        unique_worker_id: staff.unique_worker_id.clone(),
        display_id: staff.personal.display_id.clone(),
        ni_number: staff.personal.ni_number.clone(),
        date_of_birth: staff.personal.date_of_birth.map(data::format_date),
        postcode: staff.personal.postcode.clone(),
        gender: staff.gender,
        ethnicity: staff.ethnicity,
        nationality: staff.nationality,
        main_job_role: staff.main_job_role,
        contract: staff.contract,
        start_date: staff.start_date.map(data::format_date),
        salary_interval: staff.salary_interval,
        salary: staff.salary,
        hourly_rate: staff.hourly_rate.map(|rate| rate.0 as f64 / 100.0),
    }
}

/// The organisation's workplaces (its own employers and administrators only).
#[utoipa::path(get, path = "/api/v1/organisations/{org}/workplaces", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation identifier")),
    responses((status = 200, body = WorkplacesJson), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn workplaces(
    axum::extract::State(state): axum::extract::State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<Json<WorkplacesJson>, ApiError> {
    let answer = state
        .with_store(move |store, _| {
            let records = owner_records(store, &caller, &org, "workplaces")?;
            Ok(WorkplacesJson {
                organisation: org,
                as_of: records.as_ref().map(|(as_of, _)| as_of.clone()),
                workplaces: records
                    .map(|(_, records)| records.workplaces.iter().map(workplace_json).collect())
                    .unwrap_or_default(),
            })
        })
        .await?;
    Ok(Json(answer))
}

/// Optional filters and window of `GET /api/v1/organisations/{org}/staff` (none: every record).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffQuery {
    /// Part of the name or ID (DISPLAYID) or worker ID, ignoring case.
    pub q: Option<String>,
    /// MAINJOBROLE code.
    pub role: Option<u32>,
    /// EMPLSTATUS code.
    pub contract: Option<u32>,
    /// LOCALESTID of a workplace.
    pub workplace: Option<String>,
    /// Records to skip (default 0).
    pub offset: Option<u64>,
    /// At most this many records (default: all).
    pub limit: Option<u64>,
}

/// The organisation's staff records with personal fields (its own employers and administrators
/// only; every administrator read is written to the audit log), in upload order, optionally
/// filtered and windowed; the `X-Total-Count` header gives how many records pass the filters.
#[utoipa::path(get, path = "/api/v1/organisations/{org}/staff", security(("bearer" = [])),
    params(("org" = String, Path, description = "organisation identifier"), StaffQuery),
    responses((status = 200, body = StaffListJson), (status = 400, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn staff(
    axum::extract::State(state): axum::extract::State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    query: Result<Query<StaffQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    auth::require_owner(&caller, &org)?;
    let Query(query) = query.map_err(|rejection| {
        WebError::BadRequest(format!(
            "the query could not be read ({}): q and workplace are text, role, contract, offset and limit whole numbers",
            rejection.body_text()
        ))
    })?;
    let filter = carecount_store::staff_page::StaffFilter {
        search: query.q.unwrap_or_default().trim().to_string(),
        job_role: query.role,
        contract: query.contract,
        workplace: query
            .workplace
            .map(|given| given.trim().to_string())
            .filter(|given| !given.is_empty()),
    };
    let window = carecount_store::staff_page::PageWindow {
        offset: query.offset.unwrap_or_default(),
        limit: query.limit,
    };
    let (total, answer) = state
        .with_store(move |store, state| {
            let page = crate::records::owner_staff_page(
                store, state, &caller, &org, "staff", &filter, window,
            )?;
            Ok((
                page.as_ref().map_or(0, |(_, page)| page.total),
                StaffListJson {
                    organisation: org,
                    as_of: page.as_ref().map(|(as_of, _)| as_of.clone()),
                    staff: page
                        .map(|(_, page)| page.staff.iter().map(staff_json).collect())
                        .unwrap_or_default(),
                },
            ))
        })
        .await?;
    Ok(([("x-total-count", total.to_string())], Json(answer)).into_response())
}

/// The query parameters a metric takes, named like the CLI flags.
pub const METRIC_PARAMETERS: [&str; 8] = [
    "org",
    "workplace",
    "region",
    "service",
    "sector",
    "job-role",
    "role-group",
    "as-of",
];

/// A parsed metric request: the group and the date.
pub(crate) struct MetricRequest {
    pub filter: GroupFilter,
    pub as_of: Option<time::Date>,
}

pub(crate) fn metric_request(
    area: &str,
    query: &[(String, String)],
) -> Result<MetricRequest, WebError> {
    let mut filter = GroupFilter {
        area: Some(data::area_code(area)),
        ..GroupFilter::default()
    };
    let mut as_of = None;
    let mut seen = std::collections::BTreeSet::new();
    for (key, value) in query {
        if !seen.insert(key.as_str()) {
            return Err(WebError::BadRequest(format!(
                "the query parameter `{key}` is given twice"
            )));
        }
        let number = |value: &str| {
            value.parse::<u32>().map_err(|_| {
                WebError::BadRequest(format!("`{key}` must be a code number, not `{value}`"))
            })
        };
        let metrics_error =
            |error: carecount_metrics::MetricsError| WebError::BadRequest(error.to_string());
        match key.as_str() {
            "org" => filter.org = Some(value.clone()),
            "workplace" => filter.workplace = Some(value.clone()),
            "region" => {
                filter.region = Some(
                    carecount_codes::tables()
                        .region(value)
                        .map_or_else(|| value.clone(), |region| region.code.clone()),
                )
            }
            "service" => filter.service = Some(number(value)?),
            "sector" => {
                filter.sector = Some(carecount_metrics::parse_sector(value).map_err(metrics_error)?)
            }
            "job-role" => filter.job_role = Some(number(value)?),
            "role-group" => {
                filter.role_group =
                    Some(carecount_metrics::parse_role_group(value).map_err(metrics_error)?)
            }
            "as-of" => as_of = Some(data::parse_date(value)?),
            other => {
                return Err(WebError::BadRequest(format!(
                    "unknown query parameter `{other}`; valid parameters: {}",
                    METRIC_PARAMETERS.join(", ")
                )));
            }
        }
    }
    if filter.workplace.is_some() && filter.org.is_none() {
        return Err(WebError::BadRequest(
            "`workplace` needs `org`: a LOCALESTID is unique only within its organisation"
                .to_string(),
        ));
    }
    filter
        .validate()
        .map_err(|error| WebError::BadRequest(error.to_string()))?;
    Ok(MetricRequest { filter, as_of })
}

/// An area is known when it is a council (ONS code or name), the demo area, or carries
/// workplaces in the data.
pub(crate) fn check_area(
    code: &str,
    snapshot: Option<&carecount_metrics::Snapshot>,
) -> Result<(), WebError> {
    let known = carecount_codes::tables().local_authority(code).is_some()
        || code == carecount_codes::DEMO_AREA_CODE
        || snapshot
            .is_some_and(|snapshot| data::areas_in(snapshot).iter().any(|area| area == code));
    if known {
        Ok(())
    } else {
        Err(WebError::NotFound(format!(
            "there is no area `{code}`: give an ONS local authority code or name, or an area of the data"
        )))
    }
}

/// One metric for one group of an area: the `metric` JSON of `interfaces.md`. Commissioners,
/// other employers and anonymous callers get disclosure control (`metrics.md` §6).
#[utoipa::path(get, path = "/api/v1/areas/{area}/metrics/{name}",
    params(("area" = String, Path, description = "ONS code, council name or a user's own area"),
           ("name" = String, Path, description = "metric name (metrics.md)"),
           ("org" = Option<String>, Query), ("workplace" = Option<String>, Query),
           ("region" = Option<String>, Query), ("service" = Option<u32>, Query),
           ("sector" = Option<String>, Query), ("job-role" = Option<u32>, Query),
           ("role-group" = Option<String>, Query), ("as-of" = Option<String>, Query)),
    responses((status = 200, description = "the metric JSON (interfaces.md)"),
              (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn area_metric(
    axum::extract::State(state): axum::extract::State<AppState>,
    caller: Caller,
    Path((area, name)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<MetricValue>, ApiError> {
    if !carecount_metrics::metric_names().contains(&name.as_str()) {
        return Err(WebError::NotFound(format!(
            "unknown metric `{name}`; valid metrics: {}",
            carecount_metrics::metric_names().join(", ")
        ))
        .into());
    }
    let request = metric_request(&area, &query)?;
    let audience = auth::audience_for(&caller, request.filter.org.as_deref());
    let value = state
        .with_store(move |store, state| {
            let date = match request.as_of {
                Some(date) => date,
                None => data::default_date(store)?,
            };
            let series = data::snapshots_until(store, state, date)?;
            let snapshot = series
                .last()
                .ok_or_else(|| WebError::Internal("no snapshot was built".to_string()))?;
            check_area(
                request.filter.area.as_deref().unwrap_or_default(),
                Some(snapshot),
            )?;
            carecount_metrics::metric_for(snapshot, &name, &request.filter, audience)
                .map_err(|error| WebError::BadRequest(error.to_string()))
        })
        .await?;
    Ok(Json(value))
}

/// `?as-of=` of the profile.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileQuery {
    #[serde(rename = "as-of")]
    pub as_of: Option<String>,
}

/// The area profile JSON for the caller's audience.
pub(crate) fn profile_for(
    store: &carecount_store::Store,
    state: &AppState,
    caller: &Caller,
    area: &str,
    as_of: Option<&str>,
) -> Result<carecount_metrics::AreaProfile, WebError> {
    let date = match as_of {
        Some(text) => data::parse_date(text)?,
        None => data::default_date(store)?,
    };
    let code = data::area_code(area);
    let series = data::snapshots_until(store, state, date)?;
    check_area(&code, series.last())?;
    data::area_profile(store, state, date, &code, auth::audience_for(caller, None))?
        .map(|profile| (*profile).clone())
        .ok_or_else(|| WebError::NotFound("there is no data for this area".to_string()))
}

/// The area profile, disclosure-controlled for everyone but administrators.
#[utoipa::path(get, path = "/api/v1/areas/{area}/profile",
    params(("area" = String, Path, description = "ONS code, council name or a user's own area"),
           ("as-of" = Option<String>, Query)),
    responses((status = 200, description = "the area profile JSON (interfaces.md, report area)"),
              (status = 404, body = Problem)))]
pub async fn area_profile(
    axum::extract::State(state): axum::extract::State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
    query: Result<Query<ProfileQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<carecount_metrics::AreaProfile>, ApiError> {
    let Query(query) =
        query.map_err(|error| WebError::BadRequest(format!("query parameters: {error}")))?;
    let profile = state
        .with_store(move |store, state| {
            profile_for(store, state, &caller, &area, query.as_of.as_deref())
        })
        .await?;
    Ok(Json(profile))
}
