//! Server-rendered pages in GOV.UK Design System markup (maud). Every page works without
//! JavaScript; forms post with a CSRF token; figures come formatted from `carecount-metrics`
//! (nothing is computed here, and withheld figures stay withheld).

use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use carecount_metrics::profile::BreakdownRow;
use carecount_metrics::{AreaProfile, GroupFilter, MetricValue};
use carecount_store::accounts::Role;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Deserialize;

use crate::api;
use crate::auth::{self, Caller};
use crate::charts;
use crate::data;
use crate::error::PageError;
use crate::{AppState, WebError};

/// Staff records per page of the staff list.
pub const STAFF_PAGE_SIZE: usize = 50;

pub(crate) fn layout(title: &str, caller: &Caller, content: Markup) -> Html<String> {
    let user = caller.user();
    let markup = html! {
        (DOCTYPE)
        html lang="en" class="govuk-template" {
            head {
                meta charset="utf-8";
                title { (title) " – carecount" }
                meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover";
                link rel="icon" sizes="48x48" href="/assets/images/favicon.ico";
                link rel="stylesheet" href="/assets/govuk-frontend.min.css";
            }
            body class="govuk-template__body" {
                a href="#main-content" class="govuk-skip-link" { "Skip to main content" }
                header class="govuk-header" data-module="govuk-header" {
                    div class="govuk-header__container govuk-width-container" {
                        div class="govuk-header__logo" {
                            a href="/" class="govuk-header__homepage-link" {
                                span class="govuk-header__product-name" { "carecount" }
                            }
                        }
                    }
                }
                @if let Some(user) = user {
                    section class="govuk-service-navigation" aria-label="Service information" {
                        div class="govuk-width-container" {
                            div class="govuk-service-navigation__container" {
                                nav aria-label="Menu" class="govuk-service-navigation__wrapper" {
                                    ul class="govuk-service-navigation__list" {
                                        @for (href, label) in nav_links(user) {
                                            li class="govuk-service-navigation__item" {
                                                a class="govuk-service-navigation__link" href=(href) { (label) }
                                            }
                                        }
                                        li class="govuk-service-navigation__item" {
                                            form method="post" action="/sign-out" {
                                                input type="hidden" name="csrf" value=(caller.csrf());
                                                button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" { "Sign out" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                div class="govuk-width-container" {
                    main class="govuk-main-wrapper" id="main-content" {
                        @if let Some(user) = user {
                            p class="govuk-body-s" { "Signed in as " (user.email) }
                        }
                        (content)
                    }
                }
                footer class="govuk-footer" {
                    div class="govuk-width-container" {
                        p class="govuk-body-s" {
                            "carecount – workforce intelligence for adult social care. "
                            a class="govuk-footer__link" href="/api/v1/openapi.json" { "API" }
                            " · "
                            a class="govuk-footer__link" href="/assets/LICENCE.txt" { "GOV.UK Frontend licence" }
                        }
                    }
                }
                script type="module" src="/assets/init.mjs" {}
            }
        }
    };
    Html(markup.into_string())
}

fn nav_links(user: &carecount_store::accounts::User) -> Vec<(String, String)> {
    let mut links = role_links(user);
    links.push(("/account/tokens".to_string(), "API tokens".to_string()));
    links
}

fn role_links(user: &carecount_store::accounts::User) -> Vec<(String, String)> {
    match user.role {
        Role::Employer | Role::ReadOnlyEmployer => match &user.organisation {
            Some(org) => vec![
                (
                    format!("/organisations/{}", encode(org)),
                    "Dashboard".to_string(),
                ),
                (
                    format!("/organisations/{}/workplaces", encode(org)),
                    "Workplaces".to_string(),
                ),
                (
                    format!("/organisations/{}/staff", encode(org)),
                    "Staff".to_string(),
                ),
                (
                    format!("/organisations/{}/training", encode(org)),
                    "Training".to_string(),
                ),
            ]
            .into_iter()
            .chain((user.role == Role::Employer).then(|| {
                (
                    format!("/organisations/{}/upload", encode(org)),
                    "Bulk upload".to_string(),
                )
            }))
            .collect(),
            None => Vec::new(),
        },
        Role::Commissioner => user
            .areas
            .iter()
            .map(|area| (format!("/areas/{}", encode(area)), data::area_name(area)))
            .collect(),
        Role::Admin => vec![
            (
                "/admin/organisations".to_string(),
                "Organisations".to_string(),
            ),
            ("/admin/areas".to_string(), "Areas".to_string()),
            ("/admin/users".to_string(), "Users".to_string()),
            ("/admin/audit".to_string(), "Audit log".to_string()),
        ],
    }
}

/// Percent-encodes a path segment.
pub(crate) fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The page of an error.
pub(crate) fn error_page(title: &str, detail: &str) -> Html<String> {
    layout(
        title,
        &Caller::Anonymous,
        html! {
            h1 class="govuk-heading-l" { (title) }
            p class="govuk-body" { (detail) }
            p class="govuk-body" { a class="govuk-link" href="/" { "Go to the start page" } }
        },
    )
}

/// `GET /`: each role's start page.
pub(crate) async fn home(caller: Caller) -> Response {
    let Some(user) = caller.user() else {
        return Redirect::to("/sign-in").into_response();
    };
    let target = match user.role {
        Role::Employer | Role::ReadOnlyEmployer => user
            .organisation
            .as_ref()
            .map(|org| format!("/organisations/{}", encode(org))),
        Role::Commissioner => user
            .areas
            .first()
            .map(|area| format!("/areas/{}", encode(area))),
        Role::Admin => Some("/admin".to_string()),
    };
    match target {
        Some(target) => Redirect::to(&target).into_response(),
        None => layout(
            "Nothing to show",
            &caller,
            html! { h1 class="govuk-heading-l" { "Your account has no organisation or area yet" } },
        )
        .into_response(),
    }
}

fn sign_in_page(caller: &Caller, error: Option<&str>, email: &str) -> Html<String> {
    layout(
        "Sign in",
        caller,
        html! {
            @if let Some(error) = error {
                div class="govuk-error-summary" data-module="govuk-error-summary" {
                    div role="alert" {
                        h2 class="govuk-error-summary__title" { "There is a problem" }
                        div class="govuk-error-summary__body" {
                            ul class="govuk-list govuk-error-summary__list" {
                                li { a href="#email" { (error) } }
                            }
                        }
                    }
                }
            }
            h1 class="govuk-heading-l" { "Sign in to carecount" }
            form method="post" action="/sign-in" novalidate {
                div class=(if error.is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                    label class="govuk-label" for="email" { "Email address" }
                    @if let Some(error) = error {
                        p id="email-error" class="govuk-error-message" {
                            span class="govuk-visually-hidden" { "Error: " } (error)
                        }
                    }
                    input class="govuk-input" id="email" name="email" type="email" autocomplete="email" spellcheck="false" value=(email);
                }
                div class="govuk-form-group" {
                    label class="govuk-label" for="password" { "Password" }
                    input class="govuk-input" id="password" name="password" type="password" autocomplete="current-password";
                }
                button type="submit" class="govuk-button" data-module="govuk-button" { "Sign in" }
            }
        },
    )
}

/// `GET /sign-in`.
pub(crate) async fn sign_in_form(caller: Caller) -> Response {
    if caller.user().is_some() {
        return Redirect::to("/").into_response();
    }
    sign_in_page(&caller, None, "").into_response()
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub(crate) struct SignInForm {
    email: String,
    password: String,
}

/// `POST /sign-in`: starts a session (HttpOnly, SameSite=Strict cookie) or shows the error.
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Result<Response, PageError> {
    let Ok(Form(form)) = form else {
        return Ok((
            StatusCode::BAD_REQUEST,
            sign_in_page(
                &Caller::Anonymous,
                Some("Enter your email address and password"),
                "",
            ),
        )
            .into_response());
    };
    let email = form.email.clone();
    let outcome = state
        .with_store(move |store, state| {
            match auth::authenticate(store, state, &form.email, &form.password, "web") {
                Ok(user) => {
                    let token = auth::new_token();
                    let csrf = auth::new_token();
                    store.create_session(
                        &auth::token_hash(&token),
                        user.id,
                        &csrf,
                        auth::now_seconds(),
                    )?;
                    Ok(Ok(token))
                }
                Err(error @ (WebError::BadCredentials | WebError::Locked)) => Ok(Err(error)),
                Err(other) => Err(other),
            }
        })
        .await?;
    match outcome {
        Ok(token) => {
            let mut response = Redirect::to("/").into_response();
            let cookie = auth::session_cookie_header(&token, state.settings().secure_cookies);
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            Ok(response)
        }
        Err(error) => {
            let message = match error {
                WebError::Locked => {
                    "Too many failed attempts: this account is locked for 15 minutes"
                }
                _ => "Enter a correct email address and password",
            };
            Ok((
                error.status(),
                sign_in_page(&Caller::Anonymous, Some(message), &email),
            )
                .into_response())
        }
    }
}

/// A form carrying only the CSRF token.
#[derive(Debug, Deserialize)]
pub(crate) struct CsrfForm {
    csrf: String,
}

fn csrf_of(form: Result<Form<CsrfForm>, FormRejection>) -> String {
    form.map(|Form(form)| form.csrf).unwrap_or_default()
}

/// `POST /sign-out`: ends the session.
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    caller: Caller,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Result<Response, PageError> {
    caller.check_csrf(&csrf_of(form))?;
    if let Caller::User {
        session_hash: Some(hash),
        ..
    } = &caller
    {
        let hash = hash.clone();
        let actor = caller.actor();
        state
            .with_store(move |store, _| {
                store.delete_session(&hash)?;
                store.audit(&actor, "logout", "account", "web")?;
                Ok(())
            })
            .await?;
    }
    let mut response = Redirect::to("/sign-in").into_response();
    if let Ok(value) = HeaderValue::from_str(&auth::clear_cookie_header()) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// A figure as text: withheld figures show their §6 text, rates as percentages.
fn show(value: &MetricValue) -> String {
    if value.suppressed {
        return value
            .suppression_reason
            .map_or("not enough data", |reason| reason.display_text())
            .to_string();
    }
    let Some(number) = value.value else {
        return "no data".to_string();
    };
    let name = value.metric.as_str();
    let ratio = value.kind == carecount_metrics::FigureKind::Ratio;
    if ratio && !name.starts_with("mean") {
        format!("{:.1}%", number * 100.0)
    } else if name.contains("hourly_pay") {
        format!("£{number:.2}")
    } else if name.contains("pay") {
        format!("£{}", thousands(number.round()))
    } else if number.fract() == 0.0 {
        thousands(number)
    } else {
        format!("{number:.1}")
    }
}

/// A whole number with thousands separators (`23084` → `23,084`).
fn thousands(number: f64) -> String {
    let digits = format!("{:.0}", number.abs());
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if number < 0.0 {
        out.insert(0, '-');
    }
    out
}

fn label(name: &str) -> String {
    let text = name.replace('_', " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

fn signed_in(caller: &Caller) -> Result<(), WebError> {
    caller.require_user().map(|_| ())
}

/// `GET /organisations/{org}`: the organisation's own metrics, unsuppressed.
pub(crate) async fn org_dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<Html<String>, PageError> {
    auth::require_owner(&caller, &org)?;
    let page_caller = caller.clone();
    let (as_of, values, benchmarks) = state
        .with_store(move |store, state| {
            store.owner_scope(&org)?;
            let date = data::default_date(store)?;
            let series = data::snapshots_until(store, state, date)?;
            let snapshot = series
                .last()
                .ok_or_else(|| WebError::Internal("no snapshot was built".to_string()))?;
            let filter = GroupFilter {
                org: Some(org.clone()),
                ..GroupFilter::default()
            };
            let audience = auth::audience_for(&caller, Some(&org));
            let values: Vec<MetricValue> = carecount_metrics::metric_names()
                .iter()
                .filter_map(|name| {
                    carecount_metrics::metric_for(snapshot, name, &filter, audience).ok()
                })
                .collect();
            let benchmarks = org_benchmarks(snapshot, &org, auth::audience_for(&caller, None));
            Ok((data::format_date(date), values, benchmarks))
        })
        .await?;
    Ok(layout(
        "Dashboard",
        &page_caller,
        html! {
            h1 class="govuk-heading-l" { "Your organisation's workforce" }
            p class="govuk-body" { "Figures as of " (as_of) "." }
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--m" { "Workforce metrics" }
                thead class="govuk-table__head" {
                    tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Metric" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Value" }
                    }
                }
                tbody class="govuk-table__body" {
                    @for value in &values {
                        tr class="govuk-table__row" {
                            th scope="row" class="govuk-table__header" { (label(&value.metric)) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (show(value)) }
                        }
                    }
                }
            }
            h2 class="govuk-heading-l" { "Benchmarks" }
            p class="govuk-body" {
                "Each workplace is compared with the other workplaces with the same main service in its local authority, "
                "or its region or England when the local authority has fewer than "
                (carecount_metrics::benchmark::MIN_COMPARATORS) " others. "
                "Figures of other workplaces are withheld when they are too few to publish."
            }
            @if benchmarks.is_empty() {
                p class="govuk-body" { "No workplace of this organisation is in the current snapshot." }
            }
            @for (index, benchmark) in benchmarks.iter().enumerate() {
                (benchmark_section(index, benchmark))
            }
        },
    ))
}

/// Benchmarks (`metrics.md` §7) of every workplace of `org` in `snapshot`, sorted by
/// LOCALESTID. The workplace's own figures stay unsuppressed (they are the employer's); the
/// comparison group's figures and quartiles describe other organisations' workplaces, so they
/// get disclosure control for `others` (commissioner for employers, none for administrators).
fn org_benchmarks(
    snapshot: &carecount_metrics::Snapshot,
    org: &str,
    others: carecount_metrics::Audience,
) -> Vec<carecount_metrics::Benchmark> {
    use carecount_metrics::Disclose;
    let index = carecount_metrics::SnapshotIndex::new(snapshot);
    let mut workplaces: Vec<&str> = snapshot
        .workplaces
        .iter()
        .filter(|workplace| workplace.org == org)
        .map(|workplace| workplace.localestid.as_str())
        .collect();
    workplaces.sort_unstable();
    workplaces.dedup();
    workplaces
        .into_iter()
        .filter_map(|localestid| {
            carecount_metrics::benchmark_workplace(&index, org, localestid).ok()
        })
        .map(|mut benchmark| {
            for row in &mut benchmark.rows {
                row.comparison.disclose(others);
                row.quartiles.q1.disclose(others);
                row.quartiles.median.disclose(others);
                row.quartiles.q3.disclose(others);
            }
            benchmark
        })
        .collect()
}

/// A benchmarked figure (rate, share, pay or mean) as text, from its metric name.
fn show_named(name: &str, figure: &carecount_metrics::Figure) -> String {
    if figure.suppressed {
        return figure.display();
    }
    let Some(number) = figure.value else {
        return "no data".to_string();
    };
    if name.ends_with("_rate") || name.ends_with("_share") {
        format!("{:.1}%", number * 100.0)
    } else if name.contains("hourly_pay") {
        format!("£{number:.2}")
    } else if name.contains("pay") {
        format!("£{}", thousands(number.round()))
    } else {
        format!("{number:.1}")
    }
}

/// The geography a comparison group came from, for people.
fn comparison_place(row: &carecount_metrics::BenchmarkRow) -> String {
    use carecount_metrics::ComparisonLevel;
    let code = row.level_code.as_deref().unwrap_or_default();
    match row.level {
        ComparisonLevel::LocalAuthority => format!("Local authority ({})", data::area_name(code)),
        ComparisonLevel::Region => format!("Region ({code})"),
        ComparisonLevel::England => "England".to_string(),
    }
}

/// One workplace's benchmark table and its vacancy and turnover chart.
fn benchmark_section(index: usize, benchmark: &carecount_metrics::Benchmark) -> Markup {
    let tables = carecount_codes::tables();
    let service = tables
        .services
        .name_of(benchmark.main_service)
        .unwrap_or("unknown service");
    let others = benchmark
        .rows
        .first()
        .map_or(0, |row| row.comparison_workplaces);
    let place = benchmark
        .rows
        .first()
        .map_or_else(|| "England".to_string(), comparison_place);
    html! {
        h3 class="govuk-heading-m" { "Workplace " (benchmark.workplace) " – " (service) }
        p class="govuk-body" {
            "Compared with " (others) (if others == 1 { " other workplace" } else { " other workplaces" })
            " with the same main service: " (place) "."
        }
        @for name in ["vacancy_rate", "turnover_rate"] {
            @if let Some(row) = benchmark.rows.iter().find(|row| row.metric == name) {
                (charts::bar_chart(
                    &format!("benchmark-{index}-{name}"),
                    &format!("{} of workplace {}", label(name), benchmark.workplace),
                    &format!("{} of workplace {} beside its comparison group ({}); lower is better. Withheld figures draw no bar.", label(name), benchmark.workplace, comparison_place(row)),
                    &[
                        charts::Bar { label: "This workplace".to_string(), value: if row.own.suppressed { None } else { row.own.value }, text: show(&row.own) },
                        charts::Bar { label: "Comparison".to_string(), value: if row.comparison.suppressed { None } else { row.comparison.value }, text: show(&row.comparison) },
                    ],
                ))
            }
        }
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-table__caption--s" { "Benchmarks of workplace " (benchmark.workplace) }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { "Metric" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "This workplace" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Comparison group" }
                th scope="col" class="govuk-table__header" { "Compared with" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Lower quartile" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Median" }
                th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Upper quartile" }
                th scope="col" class="govuk-table__header" { "Rank (1 = best)" }
            } }
            tbody class="govuk-table__body" {
                @for row in &benchmark.rows {
                    tr class="govuk-table__row" {
                        th scope="row" class="govuk-table__header" { (label(&row.metric)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (show(&row.own)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (show(&row.comparison)) }
                        td class="govuk-table__cell" { (comparison_place(row)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (show_named(&row.metric, &row.quartiles.q1)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (show_named(&row.metric, &row.quartiles.median)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" { (show_named(&row.metric, &row.quartiles.q3)) }
                        td class="govuk-table__cell" { (rank_text(row)) }
                    }
                }
            }
        }
    }
}

/// "2 of 7 (lower is better)", or "not ranked"; withheld with the comparison figure, since a
/// rank among too few workplaces would tell their values apart.
fn rank_text(row: &carecount_metrics::BenchmarkRow) -> String {
    if row.comparison.suppressed {
        return show(&row.comparison);
    }
    match (row.rank, row.ranked_of, row.better.as_deref()) {
        (Some(rank), Some(of), Some(better)) => format!("{rank} of {of} ({better} is better)"),
        (Some(rank), Some(of), None) => format!("{rank} of {of}"),
        _ => "not ranked".to_string(),
    }
}

/// `GET /organisations/{org}/workplaces`.
pub(crate) async fn org_workplaces(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<Html<String>, PageError> {
    auth::require_owner(&caller, &org)?;
    let page_caller = caller.clone();
    let export_base = format!("/organisations/{}/export", encode(&org));
    let records = state
        .with_store(move |store, _| api::owner_records(store, &caller, &org, "workplaces"))
        .await?;
    let tables = carecount_codes::tables();
    Ok(layout(
        "Workplaces",
        &page_caller,
        html! {
            h1 class="govuk-heading-l" { "Workplaces" }
            @match &records {
                None => p class="govuk-body" { "No records have been uploaded yet." },
                Some((as_of, records)) => {
                    p class="govuk-body" { "As of " (as_of) "." }
                    h2 class="govuk-heading-m" { "Download the ASC-WDS files" }
                    ul class="govuk-list" {
                        li { a class="govuk-link" href=(format!("{export_base}/workplace")) { "Workplace file (CSV)" } }
                        li { a class="govuk-link" href=(format!("{export_base}/staff")) { "Staff file (CSV)" } }
                        li { a class="govuk-link" href=(format!("{export_base}/training")) { "Training file (CSV)" } }
                    }
                    table class="govuk-table" {
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Reference" }
                            th scope="col" class="govuk-table__header" { "Name" }
                            th scope="col" class="govuk-table__header" { "Town" }
                            th scope="col" class="govuk-table__header" { "Main service" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Staff (declared)" }
                        } }
                        tbody class="govuk-table__body" {
                            @for workplace in &records.workplaces {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { (workplace.localestid) }
                                    td class="govuk-table__cell" { (workplace.name) }
                                    td class="govuk-table__cell" { (workplace.post_town) }
                                    td class="govuk-table__cell" { (tables.services.name_of(workplace.main_service).unwrap_or("unknown")) }
                                    td class="govuk-table__cell govuk-table__cell--numeric" { (workplace.total_perm_temp) }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// Search and filters of the staff list.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct StaffQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    contract: String,
    #[serde(default)]
    workplace: String,
    #[serde(default)]
    page: String,
}

/// `GET /organisations/{org}/staff`: search by name/ID or worker ID, filter by job role and
/// contract, paged.
pub(crate) async fn org_staff(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    query: Result<Query<StaffQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    auth::require_owner(&caller, &org)?;
    let query = query.map(|Query(query)| query).unwrap_or_default();
    let role: Option<u32> = match query.role.trim() {
        "" => None,
        text => Some(text.parse().map_err(|_| {
            WebError::BadRequest(format!("the job role must be a code number, not `{text}`"))
        })?),
    };
    let contract: Option<u32> = match query.contract.trim() {
        "" => None,
        text => Some(text.parse().map_err(|_| {
            WebError::BadRequest(format!("the contract must be a code number, not `{text}`"))
        })?),
    };
    let page: usize = match query.page.trim() {
        "" => 1,
        text => text
            .parse::<usize>()
            .ok()
            .filter(|page| *page >= 1)
            .ok_or_else(|| WebError::BadRequest(format!("`{text}` is not a page number")))?,
    };
    let page_caller = caller.clone();
    let org_for_links = org.clone();
    let filter = carecount_store::staff_page::StaffFilter {
        search: query.q.trim().to_string(),
        job_role: role,
        contract,
        workplace: Some(query.workplace.trim().to_string()).filter(|given| !given.is_empty()),
    };
    let window = carecount_store::staff_page::PageWindow {
        offset: ((page - 1) as u64).saturating_mul(STAFF_PAGE_SIZE as u64),
        limit: Some(STAFF_PAGE_SIZE as u64),
    };
    let (total, shown) = state
        .with_store(move |store, state| {
            crate::records::owner_staff_page(
                store,
                state,
                &caller,
                &org,
                "staff list",
                &filter,
                window,
            )
        })
        .await?
        .map(|(_, page)| (page.total, page.staff))
        .unwrap_or_default();
    let pages = usize::try_from(total)
        .unwrap_or(usize::MAX)
        .div_ceil(STAFF_PAGE_SIZE)
        .max(1);
    let tables = carecount_codes::tables();
    let contracts: Vec<_> = tables.enumeration("EMPLSTATUS").collect();
    let contract_name = |code: u32| {
        contracts
            .iter()
            .find(|value| value.code == code.to_string())
            .map_or_else(|| code.to_string(), |value| value.name.clone())
    };
    let link = |page: usize| {
        format!(
            "/organisations/{}/staff?q={}&role={}&contract={}{}&page={page}",
            encode(&org_for_links),
            encode(&query.q),
            encode(&query.role),
            encode(&query.contract),
            match query.workplace.trim() {
                "" => String::new(),
                workplace => format!("&workplace={}", encode(workplace)),
            }
        )
    };
    Ok(layout(
        "Staff records",
        &page_caller,
        html! {
            h1 class="govuk-heading-l" { "Staff records" }
            @if crate::records::require_editor(&page_caller, &org_for_links).is_ok() {
                a class="govuk-button" data-module="govuk-button" href=(format!("/organisations/{}/staff/new", encode(&org_for_links))) { "Add a staff record" }
            }
            form method="get" class="govuk-!-margin-bottom-6" {
                div class="govuk-form-group" {
                    label class="govuk-label" for="q" { "Search by name, ID or worker ID" }
                    input class="govuk-input govuk-!-width-one-half" id="q" name="q" type="search" value=(query.q);
                }
                @if !query.workplace.trim().is_empty() {
                    input type="hidden" name="workplace" value=(query.workplace.trim());
                }
                div class="govuk-form-group" {
                    label class="govuk-label" for="role" { "Main job role" }
                    select class="govuk-select" id="role" name="role" {
                        option value="" { "Any" }
                        @for job_role in tables.job_roles.iter() {
                            option value=(job_role.code) selected[role == Some(job_role.code)] { (job_role.name) }
                        }
                    }
                }
                div class="govuk-form-group" {
                    label class="govuk-label" for="contract" { "Contract" }
                    select class="govuk-select" id="contract" name="contract" {
                        option value="" { "Any" }
                        @for value in &contracts {
                            option value=(value.code) selected[Some(value.code.clone()) == contract.map(|c| c.to_string())] { (value.name) }
                        }
                    }
                }
                button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Search" }
            }
            p class="govuk-body" { (total) " records found. Page " (page) " of " (pages) "." }
            table class="govuk-table" {
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Name or ID" }
                    th scope="col" class="govuk-table__header" { "Worker ID" }
                    th scope="col" class="govuk-table__header" { "Workplace" }
                    th scope="col" class="govuk-table__header" { "Main job role" }
                    th scope="col" class="govuk-table__header" { "Contract" }
                } }
                tbody class="govuk-table__body" {
                    @for staff in &shown {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" {
                                a class="govuk-link" href=(format!("/organisations/{}/workplaces/{}/staff/{}", encode(&org_for_links), encode(&staff.localestid), encode(&staff.unique_worker_id))) { (staff.personal.display_id) }
                            }
                            td class="govuk-table__cell" { (staff.unique_worker_id) }
                            td class="govuk-table__cell" { (staff.localestid) }
                            td class="govuk-table__cell" { (tables.job_roles.name_of(staff.main_job_role).unwrap_or("unknown")) }
                            td class="govuk-table__cell" { (contract_name(staff.contract)) }
                        }
                    }
                }
            }
            nav class="govuk-pagination" aria-label="Pagination" {
                @if page > 1 {
                    div class="govuk-pagination__prev" { a class="govuk-link govuk-pagination__link" href=(link(page - 1)) rel="prev" { span class="govuk-pagination__link-title" { "Previous" } } }
                }
                @if page < pages {
                    div class="govuk-pagination__next" { a class="govuk-link govuk-pagination__link" href=(link(page + 1)) rel="next" { span class="govuk-pagination__link-title" { "Next" } } }
                }
            }
        },
    ))
}

/// `GET /organisations/{org}/workplaces/{workplace}/staff/{worker}`: one record.
pub(crate) async fn staff_record(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, workplace, worker)): Path<(String, String, String)>,
) -> Result<Html<String>, PageError> {
    auth::require_owner(&caller, &org)?;
    let page_caller = caller.clone();
    let org_for_links = org.clone();
    let records = state
        .with_store(move |store, _| api::owner_records(store, &caller, &org, "staff record"))
        .await?;
    let record = records
        .as_ref()
        .and_then(|(_, records)| {
            records
                .staff
                .iter()
                .find(|staff| staff.localestid == workplace && staff.unique_worker_id == worker)
        })
        .ok_or_else(|| WebError::NotFound("there is no such staff record".to_string()))?;
    let json = api::staff_json(record);
    let editable = crate::records::require_editor(&page_caller, &org_for_links).is_ok();
    let base = format!(
        "/organisations/{}/workplaces/{}/staff/{}",
        encode(&org_for_links),
        encode(&record.localestid),
        encode(&record.unique_worker_id)
    );
    let tables = carecount_codes::tables();
    let rows: Vec<(&str, String)> = vec![
        ("Name or ID", json.display_id.clone()),
        ("Worker ID", json.unique_worker_id.clone()),
        ("Workplace", json.localestid.clone()),
        ("NI number", json.ni_number.clone().unwrap_or_default()),
        (
            "Date of birth",
            json.date_of_birth.clone().unwrap_or_default(),
        ),
        ("Postcode", json.postcode.clone().unwrap_or_default()),
        (
            "Main job role",
            tables
                .job_roles
                .name_of(json.main_job_role)
                .unwrap_or("unknown")
                .to_string(),
        ),
        ("Start date", json.start_date.clone().unwrap_or_default()),
    ];
    Ok(layout(
        "Staff record",
        &page_caller,
        html! {
            h1 class="govuk-heading-l" { "Staff record" }
            dl class="govuk-summary-list" {
                @for (key, value) in &rows {
                    div class="govuk-summary-list__row" {
                        dt class="govuk-summary-list__key" { (key) }
                        dd class="govuk-summary-list__value" { (value) }
                    }
                }
            }
            p class="govuk-body" {
                a class="govuk-link" href=(format!("{base}/training")) { "Training, registrations and supervision" }
            }
            @if editable {
                p class="govuk-body" {
                    a class="govuk-link" href=(format!("{base}/edit")) { "Change this record" }
                }
                form method="post" action=(format!("{base}/delete")) {
                    input type="hidden" name="csrf" value=(page_caller.csrf());
                    div class="govuk-form-group" {
                        label class="govuk-label" for="reason" { "Reason for leaving (optional)" }
                        input class="govuk-input govuk-!-width-one-half" id="reason" name="reason" type="text";
                    }
                    button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" { "Delete this record" }
                }
            }
        },
    ))
}

/// Largest validation report (CSV bytes) offered as a download link on the report page.
const REPORT_LINK_LIMIT: usize = 1024 * 1024;

/// The validation report of an upload as CSV (`carecount_reports::upload_report`, the columns
/// of `validate --report`), or why it could not be written.
pub(crate) fn validation_report_csv(
    messages: &[carecount_ascwds::Message],
) -> Result<Vec<u8>, WebError> {
    let path = std::env::temp_dir().join(format!("carecount-validation-{}.csv", auth::new_token()));
    let written = carecount_reports::upload_report::write(messages, &path)
        .map_err(|error| WebError::Internal(format!("validation report: {error}")));
    let bytes = written.and_then(|()| {
        std::fs::read(&path)
            .map_err(|error| WebError::Internal(format!("validation report: {error}")))
    });
    let _ = std::fs::remove_file(&path);
    bytes
}

/// "Download the validation report (CSV)": a `data:` link carrying the report, so that it needs
/// no route, no stored copy and no JavaScript. A report over [`REPORT_LINK_LIMIT`] bytes is not
/// linked (the page says to run `carecount validate`).
pub(crate) fn validation_report_link(messages: &[carecount_ascwds::Message]) -> Markup {
    match validation_report_csv(messages) {
        Ok(bytes) if bytes.len() <= REPORT_LINK_LIMIT => {
            let href = format!(
                "data:text/csv;charset=utf-8,{}",
                encode(&String::from_utf8_lossy(&bytes))
            );
            html! {
                p class="govuk-body" {
                    a class="govuk-link" id="validation-report" href=(href) download="validation-report.csv" {
                        "Download the validation report (CSV)"
                    }
                }
            }
        }
        Ok(_) => html! {
            p class="govuk-body" {
                "The validation report is too large to download here: run "
                code { "carecount validate --report report.csv" } " on the files."
            }
        },
        Err(_) => html! {
            p class="govuk-body" { "The validation report could not be written for download." }
        },
    }
}

/// `GET /areas/{area}`: the area dashboard (headline figures beside region and England,
/// charts of vacancy and turnover, breakdowns by service, sector, role group and job role,
/// trends across snapshots, downloads), disclosure-controlled for all but administrators.
pub(crate) async fn area_dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
) -> Result<Html<String>, PageError> {
    signed_in(&caller)?;
    let page_caller = caller.clone();
    let area_for_links = area.clone();
    let profile = state
        .with_store(move |store, state| api::profile_for(store, state, &caller, &area, None))
        .await?;
    let cell = |value: Option<&MetricValue>| value.map_or_else(|| "–".to_string(), show);
    let base = format!("/areas/{}/download", encode(&area_for_links));
    Ok(layout(
        "Area dashboard",
        &page_caller,
        html! {
            h1 class="govuk-heading-l" { "Workforce of " (data::area_name(&profile.area)) }
            p class="govuk-body" {
                "As of " (profile.as_of) ". "
                @if profile.audience == "commissioner" {
                    "Small numbers are withheld (“< 5” or “not enough data”)."
                }
            }
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--m" { "Headline figures" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Metric" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "This area" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Region" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "England" }
                } }
                tbody class="govuk-table__body" {
                    @for row in &profile.headline {
                        tr class="govuk-table__row" {
                            th scope="row" class="govuk-table__header" { (label(&row.area.metric)) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (show(&row.area)) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (cell(row.region.as_ref())) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (show(&row.england)) }
                        }
                    }
                }
            }
            h2 class="govuk-heading-m" { "Vacancy and turnover beside the region and England" }
            @for (name, id) in [("vacancy_rate", "vacancy-chart"), ("turnover_rate", "turnover-chart")] {
                @if let Some(chart) = comparison_chart(&profile, name, id) { (chart) }
            }
            (breakdown_table("By main service", "Service", &profile.by_service))
            (breakdown_table("By sector", "Sector", &profile.by_sector))
            (breakdown_table("By job role group", "Role group", &profile.by_role_group))
            (breakdown_table("By job role", "Job role", &profile.by_job_role))
            (trends_table(&profile))
            h2 class="govuk-heading-m" { "Plan and develop the workforce" }
            ul class="govuk-list" {
                li { a class="govuk-link" href=(format!("/areas/{}/training-needs", encode(&area_for_links))) { "Training needs" } }
                li { a class="govuk-link" href=(format!("/areas/{}/compliance", encode(&area_for_links))) { "Area compliance" } }
                li { a class="govuk-link" href=(format!("/areas/{}/projections", encode(&area_for_links))) { "Workforce projections and scenarios" } }
            }
            h2 class="govuk-heading-m" { "Download" }
            ul class="govuk-list" {
                li { a class="govuk-link" href=(format!("{base}/html")) { "Area report (HTML)" } }
                li { a class="govuk-link" href=(format!("{base}/xlsx")) { "Area report (Excel)" } }
                li { a class="govuk-link" href=(format!("{base}/csv")) { "Area report (CSV)" } }
                li { a class="govuk-link" href=(format!("{base}/json")) { "Area profile (JSON)" } }
            }
        },
    ))
}

/// A breakdown of the area profile: one row per category, the area's [`BREAKDOWN_METRICS`]
/// figures (withheld ones in words).
///
/// [`BREAKDOWN_METRICS`]: carecount_metrics::profile::BREAKDOWN_METRICS
fn breakdown_table(caption: &str, first: &str, rows: &[BreakdownRow]) -> Markup {
    html! {
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-table__caption--m" { (caption) }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { (first) }
                @for name in carecount_metrics::profile::BREAKDOWN_METRICS {
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { (label(name)) }
                }
            } }
            tbody class="govuk-table__body" {
                @if rows.is_empty() {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" colspan=(carecount_metrics::profile::BREAKDOWN_METRICS.len() + 1) { "No data" }
                    }
                }
                @for row in rows {
                    tr class="govuk-table__row" {
                        th scope="row" class="govuk-table__header" { (row.label) }
                        @for value in &row.metrics {
                            td class="govuk-table__cell govuk-table__cell--numeric" { (show(&value.area)) }
                        }
                    }
                }
            }
        }
    }
}

/// Metrics of the trends table, as (name in `TREND_METRICS`, column heading).
const TREND_COLUMNS: [(&str, &str); 4] = [
    ("staff_records", "Staff records"),
    ("vacancy_rate", "Vacancy rate"),
    ("turnover_rate", "Turnover rate"),
    ("median_hourly_pay", "Median hourly pay"),
];

/// The area's figures on every snapshot date, oldest first.
fn trends_table(profile: &AreaProfile) -> Markup {
    let positions: Vec<Option<usize>> = TREND_COLUMNS
        .iter()
        .map(|(name, _)| {
            carecount_metrics::profile::TREND_METRICS
                .iter()
                .position(|trend| trend == name)
        })
        .collect();
    html! {
        table class="govuk-table" {
            caption class="govuk-table__caption govuk-table__caption--m" { "Trends across snapshots" }
            thead class="govuk-table__head" { tr class="govuk-table__row" {
                th scope="col" class="govuk-table__header" { "As of" }
                @for (_, heading) in TREND_COLUMNS {
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { (heading) }
                }
            } }
            tbody class="govuk-table__body" {
                @for point in &profile.trends {
                    tr class="govuk-table__row" {
                        th scope="row" class="govuk-table__header" { (point.as_of) }
                        @for position in &positions {
                            td class="govuk-table__cell govuk-table__cell--numeric" {
                                (position.and_then(|index| point.metrics.get(index)).map_or_else(|| "no data".to_string(), |value| show(&value.area)))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A bar chart of the headline metric `name` for the area, its region (when known) and England.
fn comparison_chart(profile: &AreaProfile, name: &str, id: &str) -> Option<Markup> {
    let row = profile
        .headline
        .iter()
        .find(|row| row.area.metric == name)?;
    let bar = |place: String, value: &MetricValue| charts::Bar {
        label: place,
        value: if value.suppressed { None } else { value.value },
        text: show(value),
    };
    let mut bars = vec![bar(data::area_name(&profile.area), &row.area)];
    if let Some(region) = &row.region {
        bars.push(bar("Region".to_string(), region));
    }
    bars.push(bar("England".to_string(), &row.england));
    let title = label(name);
    let caption = format!(
        "{title} of {} beside {}England, as of {}. Withheld figures draw no bar.",
        data::area_name(&profile.area),
        if row.region.is_some() {
            "its region and "
        } else {
            ""
        },
        profile.as_of
    );
    Some(charts::bar_chart(id, &title, &caption, &bars))
}

/// `GET /areas/{area}/download/{format}`: the area report (`html`, `xlsx`, `csv`, `json`),
/// disclosure-controlled for all but administrators; every download is audited.
pub(crate) async fn area_download(
    State(state): State<AppState>,
    caller: Caller,
    Path((area, format)): Path<(String, String)>,
) -> Result<Response, PageError> {
    signed_in(&caller)?;
    let (report_format, content_type, extension) = match format.as_str() {
        "html" => (
            carecount_reports::format::Format::Html,
            "text/html; charset=utf-8",
            "html",
        ),
        "xlsx" => (
            carecount_reports::format::Format::Xlsx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        "csv" => (
            carecount_reports::format::Format::Csv,
            "text/csv; charset=utf-8",
            "csv",
        ),
        "json" => (
            carecount_reports::format::Format::Json,
            "application/json",
            "json",
        ),
        other => {
            return Err(WebError::NotFound(format!(
                "there is no `{other}` download: choose html, xlsx, csv or json"
            ))
            .into());
        }
    };
    let bytes = state
        .with_store(move |store, state| {
            let profile = api::profile_for(store, state, &caller, &area, None)?;
            store.audit(
                &caller.actor(),
                "export",
                &profile.area,
                &format!("area report {extension}"),
            )?;
            let path = std::env::temp_dir()
                .join(format!("carecount-area-{}.{extension}", auth::new_token()));
            let written = carecount_reports::area::area_report(&profile, report_format, &path)
                .map_err(|error| WebError::Internal(format!("area report: {error}")));
            let bytes = written.and_then(|()| {
                std::fs::read(&path)
                    .map_err(|error| WebError::Internal(format!("area report: {error}")))
            });
            let _ = std::fs::remove_file(&path);
            bytes
        })
        .await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"area-report.{extension}\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// `GET /admin`: organisations.
pub(crate) async fn admin_home(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Html<String>, PageError> {
    auth::require_admin(&caller)?;
    let orgs = state.with_store(|store, _| Ok(store.orgs()?)).await?;
    Ok(layout(
        "Organisations",
        &caller,
        html! {
            h1 class="govuk-heading-l" { "Organisations" }
            p class="govuk-body" { (orgs.len()) " organisations hold records." }
            ul class="govuk-list govuk-list--bullet" {
                @for org in &orgs {
                    li {
                        (org) " – "
                        a class="govuk-link" href=(format!("/organisations/{}/workplaces", encode(org))) { "workplaces" }
                        " · "
                        a class="govuk-link" href=(format!("/organisations/{}/staff", encode(org))) { "staff (audited)" }
                    }
                }
            }
        },
    ))
}

fn users_page(
    caller: &Caller,
    users: &[carecount_store::accounts::User],
    notice: Option<Markup>,
) -> Html<String> {
    layout(
        "Users",
        caller,
        html! {
            @if let Some(notice) = notice {
                div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="notice-title" {
                    div class="govuk-notification-banner__header" {
                        h2 class="govuk-notification-banner__title" id="notice-title" { "Success" }
                    }
                    div class="govuk-notification-banner__content" { (notice) }
                }
            }
            h1 class="govuk-heading-l" { "Users" }
            p class="govuk-body" {
                a class="govuk-button" href="/admin/users/new" data-module="govuk-button" { "Create a user" }
            }
            table class="govuk-table" {
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Email" }
                    th scope="col" class="govuk-table__header" { "Role" }
                    th scope="col" class="govuk-table__header" { "Organisation or areas" }
                    th scope="col" class="govuk-table__header" { "Password" }
                } }
                tbody class="govuk-table__body" {
                    @for user in users {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" {
                                a class="govuk-link" href=(format!("/admin/users/{}", user.id)) {
                                    (user.email) span class="govuk-visually-hidden" { " (change)" }
                                }
                            }
                            td class="govuk-table__cell" { (user.role.as_str()) }
                            td class="govuk-table__cell" { (user.organisation.clone().unwrap_or_else(|| user.areas.join(", "))) }
                            td class="govuk-table__cell" {
                                form method="post" action=(format!("/admin/users/{}/password", user.id)) {
                                    input type="hidden" name="csrf" value=(caller.csrf());
                                    button type="submit" class="govuk-button govuk-button--warning govuk-!-margin-bottom-0" data-module="govuk-button" {
                                        "Reset password" span class="govuk-visually-hidden" { " of " (user.email) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// `GET /admin/users`.
pub(crate) async fn admin_users(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Html<String>, PageError> {
    auth::require_admin(&caller)?;
    let users = state.with_store(|store, _| Ok(store.users()?)).await?;
    Ok(users_page(&caller, &users, None))
}

/// `POST /admin/users/{id}/password`: issues a new random password (shown once), ends the
/// user's sessions and tokens, clears a lockout; audited.
pub(crate) async fn admin_reset_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Result<Html<String>, PageError> {
    auth::require_admin(&caller)?;
    caller.check_csrf(&csrf_of(form))?;
    let id: i64 = id
        .parse()
        .map_err(|_| WebError::NotFound("there is no such user".to_string()))?;
    let actor = caller.actor();
    let (email, password, users) = state
        .with_store(move |store, _| {
            let user = store
                .user(id)?
                .ok_or_else(|| WebError::NotFound("there is no such user".to_string()))?;
            let password = auth::new_token().chars().take(20).collect::<String>();
            store.set_password_hash(id, &auth::hash_password(&password)?)?;
            store.audit(&actor, "password_reset", &user.email, "admin")?;
            Ok((user.email, password, store.users()?))
        })
        .await?;
    Ok(users_page(
        &caller,
        &users,
        Some(html! {
            p class="govuk-notification-banner__heading" {
                "The new password of " (email) " is " code { (password) } ". It is shown only once."
            }
        }),
    ))
}

/// Filters of the audit log.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    target: String,
}

/// Audit rows shown at most (newest first).
const AUDIT_ROWS: usize = 500;

/// `GET /admin/audit`: the audit log, filterable by who, what and target.
pub(crate) async fn admin_audit(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    auth::require_admin(&caller)?;
    let query = query.map(|Query(query)| query).unwrap_or_default();
    let log = state.with_store(|store, _| Ok(store.audit_log()?)).await?;
    let matches = |field: &str, wanted: &str| {
        wanted.trim().is_empty() || field.to_lowercase().contains(&wanted.trim().to_lowercase())
    };
    let rows: Vec<_> = log
        .iter()
        .rev()
        .filter(|entry| {
            matches(&entry.actor, &query.actor)
                && matches(&entry.action, &query.action)
                && matches(&entry.target, &query.target)
        })
        .take(AUDIT_ROWS)
        .collect();
    Ok(layout(
        "Audit log",
        &caller,
        html! {
            h1 class="govuk-heading-l" { "Audit log" }
            form method="get" {
                @for (name, text, value) in [("actor", "Who", &query.actor), ("action", "Action", &query.action), ("target", "Target", &query.target)] {
                    div class="govuk-form-group" {
                        label class="govuk-label" for=(name) { (text) }
                        input class="govuk-input govuk-!-width-one-third" id=(name) name=(name) type="text" value=(value);
                    }
                }
                button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Filter" }
            }
            table class="govuk-table" {
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "When (UTC)" }
                    th scope="col" class="govuk-table__header" { "Who" }
                    th scope="col" class="govuk-table__header" { "Action" }
                    th scope="col" class="govuk-table__header" { "Target" }
                    th scope="col" class="govuk-table__header" { "Detail" }
                } }
                tbody class="govuk-table__body" {
                    @for entry in &rows {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (entry.at) }
                            td class="govuk-table__cell" { (entry.actor) }
                            td class="govuk-table__cell" { (entry.action) }
                            td class="govuk-table__cell" { (entry.target) }
                            td class="govuk-table__cell" { (truncate(&entry.detail, 200)) }
                        }
                    }
                }
            }
        },
    ))
}

fn truncate(text: &str, limit: usize) -> PreEscaped<String> {
    let cut: String = text.chars().take(limit).collect();
    PreEscaped(maud::html! { (cut) }.into_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(23084.0), "23,084");
        assert_eq!(thousands(1234567.0), "1,234,567");
        assert_eq!(thousands(-4500.0), "-4,500");
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(encode("Demo LA"), "Demo%20LA");
        assert_eq!(encode("a/b?c"), "a%2Fb%3Fc");
        assert_eq!(encode("E99999999"), "E99999999");
    }
}
