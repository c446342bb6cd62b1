//! Account administration pages (issue 5, items 2 and 5): administrators create users, change a
//! user's role and scope, disable and enable users; every signed-in user manages their own API
//! tokens on `/account/tokens`. Every form carries the session's CSRF token, shows its errors in a
//! GOV.UK error summary (422, nothing changed) and every change is written to the audit log.
//!
//! Access rules come from `auth` ([`auth::require_admin`], [`Caller::require_user`]); passwords
//! and token values are made by `auth` and stored only hashed.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use carecount_store::Store;
use carecount_store::accounts::{ApiToken, AreaSummary, NewUser, OrgSummary, Role, User};
use maud::{Markup, html};
use serde::Deserialize;

use crate::auth::{self, Caller};
use crate::error::PageError;
use crate::pages::{encode, layout};
use crate::{AppState, WebError};

/// How long a token made on the tokens page lasts (days).
pub const NAMED_TOKEN_DAYS: i64 = 90;

/// Longest token name accepted (characters).
const TOKEN_NAME_LIMIT: usize = 100;

/// Longest email address accepted (RFC 5321's path limit).
const EMAIL_LIMIT: usize = 254;

/// Longest organisation id accepted.
const ORG_LIMIT: usize = 64;

/// The roles an administrator can give, with their labels, in form order.
const ROLES: [(Role, &str); 4] = [
    (
        Role::Employer,
        "Employer (can change the organisation's records)",
    ),
    (
        Role::ReadOnlyEmployer,
        "Employer, read-only (sees the organisation's records)",
    ),
    (
        Role::Commissioner,
        "Commissioner (aggregates of their areas only)",
    ),
    (Role::Admin, "Administrator"),
];

/// One field's error: (the field's id, the message).
type FieldError = (&'static str, String);

/// The user form (create and change). Every field is optional so that a missing field is a
/// form error, not a rejected request.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct UserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    areas: String,
}

/// A checked role and scope.
struct Scope {
    role: Role,
    organisation: Option<String>,
    areas: Vec<String>,
}

/// Checks role, organisation and areas. An organisation is kept for employers only and areas for
/// commissioners only (the form says so).
fn check_scope(form: &UserForm, errors: &mut Vec<FieldError>) -> Option<Scope> {
    let Some(role) = Role::parse(form.role.trim()) else {
        errors.push(("role", "Select a role".to_string()));
        return None;
    };
    let mut scope = Scope {
        role,
        organisation: None,
        areas: Vec::new(),
    };
    match role {
        Role::Employer | Role::ReadOnlyEmployer => {
            let org = form.organisation.trim();
            if org.is_empty() {
                errors.push((
                    "organisation",
                    "Enter the organisation of an employer".to_string(),
                ));
            } else if org.chars().count() > ORG_LIMIT
                || !org
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            {
                errors.push((
                    "organisation",
                    format!(
                        "Organisation must be an id of up to {ORG_LIMIT} letters, digits, hyphens, underscores or full stops"
                    ),
                ));
            } else {
                scope.organisation = Some(org.to_string());
            }
        }
        Role::Commissioner => {
            let mut areas = Vec::new();
            for given in form
                .areas
                .split([',', '\n', '\r'])
                .map(str::trim)
                .filter(|area| !area.is_empty())
            {
                match known_area(given) {
                    Some(code) if !areas.contains(&code) => areas.push(code),
                    Some(_) => {}
                    None => errors.push((
                        "areas",
                        format!("“{given}” is not a local authority: enter an ONS code or a council name"),
                    )),
                }
            }
            if areas.is_empty() && !errors.iter().any(|(field, _)| *field == "areas") {
                errors.push((
                    "areas",
                    "Enter at least one area of a commissioner".to_string(),
                ));
            }
            scope.areas = areas;
        }
        Role::Admin => {}
    }
    Some(scope)
}

/// The ONS code of a council (code or name) or of the demo area.
fn known_area(given: &str) -> Option<String> {
    if given.eq_ignore_ascii_case(carecount_codes::DEMO_AREA_CODE)
        || given.eq_ignore_ascii_case(carecount_codes::DEMO_AREA_NAME)
    {
        return Some(carecount_codes::DEMO_AREA_CODE.to_string());
    }
    carecount_codes::tables()
        .local_authority(given)
        .map(|la| la.code.clone())
}

/// Checks an email address's shape: one `@`, something before it, a domain with a dot, no spaces.
fn check_email(email: &str, errors: &mut Vec<FieldError>) {
    let well_formed = email.chars().count() <= EMAIL_LIMIT
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if email.is_empty() {
        errors.push(("email", "Enter an email address".to_string()));
    } else if !well_formed {
        errors.push((
            "email",
            "Enter an email address in the correct format, like name@example.com".to_string(),
        ));
    }
}

fn error_summary(errors: &[FieldError]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div class="govuk-error-summary" data-module="govuk-error-summary" {
                div role="alert" {
                    h2 class="govuk-error-summary__title" { "There is a problem" }
                    div class="govuk-error-summary__body" {
                        ul class="govuk-list govuk-error-summary__list" {
                            @for (field, message) in errors {
                                li { a href=(format!("#{field}")) { (message) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn success_banner(content: Markup) -> Markup {
    html! {
        div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="notice-title" data-module="govuk-notification-banner" {
            div class="govuk-notification-banner__header" {
                h2 class="govuk-notification-banner__title" id="notice-title" { "Success" }
            }
            div class="govuk-notification-banner__content" { (content) }
        }
    }
}

fn error_of<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, message)| message.as_str())
}

fn group_class(error: Option<&str>) -> &'static str {
    if error.is_some() {
        "govuk-form-group govuk-form-group--error"
    } else {
        "govuk-form-group"
    }
}

fn error_message(field: &str, error: Option<&str>) -> Markup {
    html! {
        @if let Some(error) = error {
            p id=(format!("{field}-error")) class="govuk-error-message" {
                span class="govuk-visually-hidden" { "Error: " } (error)
            }
        }
    }
}

/// The role, organisation and areas fields.
fn scope_fields(form: &UserForm, errors: &[FieldError]) -> Markup {
    let role_error = error_of(errors, "role");
    let org_error = error_of(errors, "organisation");
    let areas_error = error_of(errors, "areas");
    html! {
        div class=(group_class(role_error)) {
            fieldset class="govuk-fieldset" {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { "Role" }
                (error_message("role", role_error))
                div class="govuk-radios" data-module="govuk-radios" {
                    @for (index, (role, label)) in ROLES.iter().enumerate() {
                        @let id = if index == 0 { "role".to_string() } else { format!("role-{index}") };
                        div class="govuk-radios__item" {
                            input class="govuk-radios__input" id=(id) name="role" type="radio" value=(role.as_str()) checked[form.role == role.as_str()];
                            label class="govuk-label govuk-radios__label" for=(id) { (label) }
                        }
                    }
                }
            }
        }
        div class=(group_class(org_error)) {
            label class="govuk-label" for="organisation" { "Organisation (employers only)" }
            div id="organisation-hint" class="govuk-hint" { "The organisation's id, like demo-care. A new id is created by its first upload." }
            (error_message("organisation", org_error))
            input class="govuk-input govuk-!-width-one-half" id="organisation" name="organisation" type="text" spellcheck="false" aria-describedby="organisation-hint" value=(form.organisation);
        }
        div class=(group_class(areas_error)) {
            label class="govuk-label" for="areas" { "Areas (commissioners only)" }
            div id="areas-hint" class="govuk-hint" { "ONS codes or council names, one a line or separated by commas." }
            (error_message("areas", areas_error))
            textarea class="govuk-textarea" id="areas" name="areas" rows="3" aria-describedby="areas-hint" { (form.areas) }
        }
    }
}

fn new_user_page(
    caller: &Caller,
    form: &UserForm,
    errors: &[FieldError],
    notice: Option<Markup>,
) -> Html<String> {
    let email_error = error_of(errors, "email");
    layout(
        "Create a user",
        caller,
        html! {
            (error_summary(errors))
            @if let Some(notice) = notice { (success_banner(notice)) }
            h1 class="govuk-heading-l" { "Create a user" }
            form method="post" action="/admin/users/new" novalidate {
                input type="hidden" name="csrf" value=(caller.csrf());
                div class=(group_class(email_error)) {
                    label class="govuk-label" for="email" { "Email address" }
                    (error_message("email", email_error))
                    input class="govuk-input" id="email" name="email" type="email" autocomplete="off" spellcheck="false" value=(form.email);
                }
                (scope_fields(form, errors))
                p class="govuk-body" { "A password is made for the user and shown once, after you create the account." }
                button type="submit" class="govuk-button" data-module="govuk-button" { "Create user" }
            }
            p class="govuk-body" { a class="govuk-link" href="/admin/users" { "Back to users" } }
        },
    )
}

fn form_of(form: Result<Form<UserForm>, FormRejection>) -> UserForm {
    form.map(|Form(form)| form).unwrap_or_default()
}

/// `GET /admin/users/new`.
pub(crate) async fn new_user_form(caller: Caller) -> Result<Html<String>, PageError> {
    auth::require_admin(&caller)?;
    Ok(new_user_page(&caller, &UserForm::default(), &[], None))
}

/// `POST /admin/users/new`: creates the user with a random password (shown once); audited.
pub(crate) async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    form: Result<Form<UserForm>, FormRejection>,
) -> Result<Response, PageError> {
    auth::require_admin(&caller)?;
    let form = form_of(form);
    caller.check_csrf(&form.csrf)?;
    let email = form.email.trim().to_string();
    let mut errors = Vec::new();
    check_email(&email, &mut errors);
    let scope = check_scope(&form, &mut errors);
    let actor = caller.actor();
    let outcome = state
        .with_store(move |store, _| {
            let taken = store
                .users()?
                .iter()
                .any(|user| user.email.eq_ignore_ascii_case(&email));
            if taken && !email.is_empty() {
                errors.push((
                    "email",
                    "There is already a user with this email address".to_string(),
                ));
            }
            let Some(scope) = scope.filter(|_| errors.is_empty()) else {
                return Ok(Err(errors));
            };
            let password = crate::random_password();
            store.create_user(&NewUser {
                email: email.clone(),
                password_hash: auth::hash_password(&password)?,
                role: scope.role,
                organisation: scope.organisation.clone(),
                areas: scope.areas.clone(),
            })?;
            store.audit(&actor, "user_create", &email, &scope_detail(&scope))?;
            Ok(Ok((email, password)))
        })
        .await?;
    Ok(match outcome {
        Err(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            new_user_page(&caller, &form, &errors, None),
        )
            .into_response(),
        Ok((email, password)) => new_user_page(
            &caller,
            &UserForm::default(),
            &[],
            Some(html! {
                p class="govuk-notification-banner__heading" {
                    "The user " (email) " was created. Their password is " code { (password) } ". It is shown only once."
                }
            }),
        )
        .into_response(),
    })
}

fn scope_detail(scope: &Scope) -> String {
    let mut detail = format!("role {}", scope.role.as_str());
    if let Some(org) = &scope.organisation {
        detail.push_str(&format!(", organisation {org}"));
    }
    if !scope.areas.is_empty() {
        detail.push_str(&format!(", areas {}", scope.areas.join(" ")));
    }
    detail
}

fn user_id(id: &str) -> Result<i64, WebError> {
    id.parse()
        .map_err(|_| WebError::NotFound("there is no such user".to_string()))
}

fn find_user(store: &Store, id: i64) -> Result<(User, bool), WebError> {
    let user = store
        .user(id)?
        .ok_or_else(|| WebError::NotFound("there is no such user".to_string()))?;
    let disabled = store.disabled_users()?.contains(&id);
    Ok((user, disabled))
}

fn form_for(user: &User) -> UserForm {
    UserForm {
        csrf: String::new(),
        email: user.email.clone(),
        role: user.role.as_str().to_string(),
        organisation: user.organisation.clone().unwrap_or_default(),
        areas: user.areas.join("\n"),
    }
}

fn edit_user_page(
    caller: &Caller,
    user: &User,
    disabled: bool,
    form: &UserForm,
    errors: &[FieldError],
    notice: Option<Markup>,
) -> Html<String> {
    let base = format!("/admin/users/{}", user.id);
    layout(
        "Change a user",
        caller,
        html! {
            (error_summary(errors))
            @if let Some(notice) = notice { (success_banner(notice)) }
            span class="govuk-caption-l" { (user.email) }
            h1 class="govuk-heading-l" { "Change a user" }
            @if disabled {
                p class="govuk-body" { strong class="govuk-tag govuk-tag--red" { "Disabled" } " This user cannot sign in." }
            }
            form method="post" action=(base) novalidate {
                input type="hidden" name="csrf" value=(caller.csrf());
                (scope_fields(form, errors))
                button type="submit" class="govuk-button" data-module="govuk-button" { "Save changes" }
            }
            h2 class="govuk-heading-m" { @if disabled { "Enable" } @else { "Disable" } " this user" }
            @if disabled {
                form method="post" action=(format!("{base}/enable")) {
                    input type="hidden" name="csrf" value=(caller.csrf());
                    p class="govuk-body" { "The user can sign in again with their password." }
                    button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Enable user" }
                }
            } @else {
                form method="post" action=(format!("{base}/disable")) {
                    input type="hidden" name="csrf" value=(caller.csrf());
                    p class="govuk-body" { "The user is signed out everywhere, their API tokens stop working and they cannot sign in." }
                    button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" { "Disable user" }
                }
            }
            p class="govuk-body" { a class="govuk-link" href="/admin/users" { "Back to users" } }
        },
    )
}

/// `GET /admin/users/{id}`: the user's role and scope, and the disable button.
pub(crate) async fn edit_user_form(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    auth::require_admin(&caller)?;
    let id = user_id(&id)?;
    let (user, disabled) = state
        .with_store(move |store, _| find_user(store, id))
        .await?;
    Ok(edit_user_page(
        &caller,
        &user,
        disabled,
        &form_for(&user),
        &[],
        None,
    ))
}

/// `POST /admin/users/{id}`: changes role, organisation and areas; audited. An administrator
/// cannot change their own role (so that the service always keeps one administrator).
pub(crate) async fn update_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    form: Result<Form<UserForm>, FormRejection>,
) -> Result<Response, PageError> {
    let admin_id = auth::require_admin(&caller)?.id;
    let form = form_of(form);
    caller.check_csrf(&form.csrf)?;
    let id = user_id(&id)?;
    let mut errors = Vec::new();
    let scope = check_scope(&form, &mut errors);
    if id == admin_id
        && scope
            .as_ref()
            .is_some_and(|scope| scope.role != Role::Admin)
    {
        errors.push((
            "role",
            "You cannot change your own role: ask another administrator".to_string(),
        ));
    }
    let actor = caller.actor();
    let (user, disabled, outcome) = state
        .with_store(move |store, _| {
            let (user, disabled) = find_user(store, id)?;
            let Some(scope) = scope.filter(|_| errors.is_empty()) else {
                return Ok((user, disabled, Err(errors)));
            };
            store.update_user_scope(id, scope.role, scope.organisation.as_deref(), &scope.areas)?;
            store.audit(&actor, "user_update", &user.email, &scope_detail(&scope))?;
            let (user, disabled) = find_user(store, id)?;
            Ok((user, disabled, Ok(())))
        })
        .await?;
    Ok(match outcome {
        Err(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            edit_user_page(&caller, &user, disabled, &form, &errors, None),
        )
            .into_response(),
        Ok(()) => edit_user_page(
            &caller,
            &user,
            disabled,
            &form_for(&user),
            &[],
            Some(html! { p class="govuk-notification-banner__heading" { "The changes were saved." } }),
        )
        .into_response(),
    })
}

/// A form carrying only the CSRF token.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

fn csrf_of(form: Result<Form<CsrfOnly>, FormRejection>) -> String {
    form.map(|Form(form)| form.csrf).unwrap_or_default()
}

/// `POST /admin/users/{id}/disable`: ends the user's sessions and tokens and refuses sign-in;
/// audited. An administrator cannot disable themselves.
pub(crate) async fn disable_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Result<Response, PageError> {
    set_disabled(state, caller, id, csrf_of(form), true).await
}

/// `POST /admin/users/{id}/enable`: lets a disabled user sign in again; audited.
pub(crate) async fn enable_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Result<Response, PageError> {
    set_disabled(state, caller, id, csrf_of(form), false).await
}

async fn set_disabled(
    state: AppState,
    caller: Caller,
    id: String,
    csrf: String,
    disable: bool,
) -> Result<Response, PageError> {
    let admin_id = auth::require_admin(&caller)?.id;
    caller.check_csrf(&csrf)?;
    let id = user_id(&id)?;
    let actor = caller.actor();
    let (user, disabled) = state
        .with_store(move |store, _| {
            let (user, _) = find_user(store, id)?;
            if disable && id == admin_id {
                return Ok((user, false));
            }
            if disable {
                store.disable_user(id, auth::now_seconds())?;
                store.audit(&actor, "user_disable", &user.email, "admin")?;
            } else if store.enable_user(id)? {
                store.audit(&actor, "user_enable", &user.email, "admin")?;
            }
            find_user(store, id)
        })
        .await?;
    if disable && id == admin_id {
        let errors = [(
            "role",
            "You cannot disable your own account: ask another administrator".to_string(),
        )];
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            edit_user_page(&caller, &user, disabled, &form_for(&user), &errors, None),
        )
            .into_response());
    }
    let notice = if disabled {
        "The user is disabled: they are signed out and cannot sign in."
    } else {
        "The user is enabled: they can sign in with their password."
    };
    Ok(edit_user_page(
        &caller,
        &user,
        disabled,
        &form_for(&user),
        &[],
        Some(html! { p class="govuk-notification-banner__heading" { (notice) } }),
    )
    .into_response())
}

/// A time (epoch seconds) as `YYYY-MM-DD HH:MM UTC`.
fn when(seconds: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|at| at.format(format).ok())
        .unwrap_or_else(|| seconds.to_string())
}

fn tokens_page(
    caller: &Caller,
    tokens: &[ApiToken],
    name: &str,
    errors: &[FieldError],
    notice: Option<Markup>,
) -> Html<String> {
    let name_error = error_of(errors, "name");
    layout(
        "API tokens",
        caller,
        html! {
            (error_summary(errors))
            @if let Some(notice) = notice { (success_banner(notice)) }
            h1 class="govuk-heading-l" { "API tokens" }
            p class="govuk-body" {
                "Scripts send a token as " code { "Authorization: Bearer TOKEN" } " to the "
                a class="govuk-link" href="/api/v1/openapi.json" { "API" } ". A token acts as you, with your access. "
                "Tokens made here last " (NAMED_TOKEN_DAYS) " days."
            }
            @if tokens.is_empty() {
                p class="govuk-body" { "You have no API tokens." }
            } @else {
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-table__caption--m" { "Your tokens" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Name" }
                        th scope="col" class="govuk-table__header" { "Created" }
                        th scope="col" class="govuk-table__header" { "Last used" }
                        th scope="col" class="govuk-table__header" { "Expires" }
                        th scope="col" class="govuk-table__header" { span class="govuk-visually-hidden" { "Action" } }
                    } }
                    tbody class="govuk-table__body" {
                        @for token in tokens {
                            @let name = token.name.clone().unwrap_or_else(|| "Signed in with /api/v1/auth/token".to_string());
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { (name) }
                                td class="govuk-table__cell" { (when(token.created_at)) }
                                td class="govuk-table__cell" { (token.last_used.map_or_else(|| "Never".to_string(), when)) }
                                td class="govuk-table__cell" { (when(token.expires_at)) }
                                td class="govuk-table__cell" {
                                    form method="post" action=(format!("/account/tokens/{}/revoke", token.token_hash)) {
                                        input type="hidden" name="csrf" value=(caller.csrf());
                                        button type="submit" class="govuk-button govuk-button--warning govuk-!-margin-bottom-0" data-module="govuk-button" {
                                            "Revoke" span class="govuk-visually-hidden" { " " (name) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 class="govuk-heading-m" { "Create a token" }
            form method="post" action="/account/tokens" novalidate {
                input type="hidden" name="csrf" value=(caller.csrf());
                div class=(group_class(name_error)) {
                    label class="govuk-label" for="name" { "Name" }
                    div id="name-hint" class="govuk-hint" { "What the token is for, like “nightly export”." }
                    (error_message("name", name_error))
                    input class="govuk-input govuk-!-width-one-half" id="name" name="name" type="text" aria-describedby="name-hint" value=(name);
                }
                button type="submit" class="govuk-button" data-module="govuk-button" { "Create token" }
            }
        },
    )
}

/// `GET /account/tokens`: the caller's API tokens.
pub(crate) async fn tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Html<String>, PageError> {
    let user_id = caller.require_user()?.id;
    let tokens = state
        .with_store(move |store, _| Ok(store.api_tokens(user_id, auth::now_seconds())?))
        .await?;
    Ok(tokens_page(&caller, &tokens, "", &[], None))
}

/// The create-token form.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// `POST /account/tokens`: makes a named token, shown once; only its SHA-256 is stored; audited.
pub(crate) async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, PageError> {
    let user = caller.require_user()?.clone();
    let form = form.map(|Form(form)| form).unwrap_or_default();
    caller.check_csrf(&form.csrf)?;
    let name = form.name.trim().to_string();
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(("name", "Enter a name for the token".to_string()));
    } else if name.chars().count() > TOKEN_NAME_LIMIT {
        errors.push((
            "name",
            format!("Name must be {TOKEN_NAME_LIMIT} characters or fewer"),
        ));
    }
    let keep = name.clone();
    let (tokens, made) = state
        .with_store(move |store, _| {
            let now = auth::now_seconds();
            let made = if errors.is_empty() {
                let token = auth::new_token();
                let expires = now.saturating_add(NAMED_TOKEN_DAYS.saturating_mul(24 * 60 * 60));
                store.create_named_api_token(
                    &auth::token_hash(&token),
                    user.id,
                    &name,
                    now,
                    expires,
                )?;
                store.audit(&user.email, "api_token_create", &user.email, &name)?;
                Ok(token)
            } else {
                Err(errors)
            };
            Ok((store.api_tokens(user.id, now)?, made))
        })
        .await?;
    Ok(match made {
        Err(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            tokens_page(&caller, &tokens, &keep, &errors, None),
        )
            .into_response(),
        Ok(token) => tokens_page(
            &caller,
            &tokens,
            "",
            &[],
            Some(html! {
                p class="govuk-notification-banner__heading" {
                    "Your new token “" (keep) "” is " code { (token) } ". Copy it now: it is shown only once."
                }
            }),
        )
        .into_response(),
    })
}

/// `POST /account/tokens/{id}/revoke`: `{id}` is the token's SHA-256 as listed; a token the caller
/// does not hold is 404; audited.
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Result<Html<String>, PageError> {
    let user = caller.require_user()?.clone();
    caller.check_csrf(&csrf_of(form))?;
    let tokens = state
        .with_store(move |store, _| {
            if !store.revoke_api_token(user.id, &id)? {
                return Err(WebError::NotFound("you hold no such API token".to_string()));
            }
            store.audit(&user.email, "api_token_revoke", &user.email, "")?;
            Ok(store.api_tokens(user.id, auth::now_seconds())?)
        })
        .await?;
    Ok(tokens_page(
        &caller,
        &tokens,
        "",
        &[],
        Some(
            html! { p class="govuk-notification-banner__heading" { "The token was revoked: it no longer works." } },
        ),
    ))
}

/// The routes of the organisations and areas pages (joined to the route table in `lib.rs`).
pub(crate) fn routes() -> Vec<(crate::RouteInfo, crate::Handler)> {
    use crate::{RouteInfo, RouteKind};
    use axum::routing::{get, post};
    let route = |method, path, kind, handler| (RouteInfo { method, path, kind }, handler);
    vec![
        route(
            "GET",
            "/admin/organisations",
            RouteKind::Page,
            get(organisations),
        ),
        route(
            "GET",
            "/admin/organisations/{org}",
            RouteKind::Page,
            get(organisation),
        ),
        route("GET", "/admin/areas", RouteKind::Page, get(areas)),
        route("POST", "/admin/areas", RouteKind::Page, post(assign_area)),
    ]
}

/// An organisation's users, by email.
fn users_of<'a>(users: &'a [User], org: &str) -> Vec<&'a User> {
    users
        .iter()
        .filter(|user| user.organisation.as_deref() == Some(org))
        .collect()
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Employer => "Employer",
        Role::ReadOnlyEmployer => "Employer (read-only)",
        Role::Commissioner => "Commissioner",
        Role::Admin => "Administrator",
    }
}

fn snapshot_date(summary: &OrgSummary) -> String {
    summary
        .latest_snapshot
        .map_or_else(|| "No records yet".to_string(), crate::data::format_date)
}

/// `GET /admin/organisations`: every organisation with its workplaces, staff records, latest
/// snapshot date and users (counts only: no record is read).
pub(crate) async fn organisations(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Html<String>, PageError> {
    auth::require_admin(&caller)?;
    let (summaries, users) = state
        .with_store(|store, _| Ok((store.org_summaries()?, store.users()?)))
        .await?;
    Ok(layout(
        "Organisations",
        &caller,
        html! {
            h1 class="govuk-heading-l" { "Organisations" }
            p class="govuk-body" { (summaries.len()) " organisations hold records. Counts are of each organisation's latest snapshot." }
            table class="govuk-table" {
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Organisation" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Workplaces" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Staff records" }
                    th scope="col" class="govuk-table__header" { "Latest snapshot" }
                    th scope="col" class="govuk-table__header" { "Users" }
                } }
                tbody class="govuk-table__body" {
                    @for summary in &summaries {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" {
                                a class="govuk-link" href=(format!("/admin/organisations/{}", encode(&summary.org))) { (summary.org) }
                            }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (summary.workplaces) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (summary.staff) }
                            td class="govuk-table__cell" { (snapshot_date(summary)) }
                            td class="govuk-table__cell" {
                                @let members = users_of(&users, &summary.org);
                                @if members.is_empty() { "None" }
                                @for (index, user) in members.iter().enumerate() {
                                    @if index > 0 { br; }
                                    a class="govuk-link" href=(format!("/admin/users/{}", user.id)) { (user.email) }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// `GET /admin/organisations/{org}`: one organisation's workplaces (with their areas and staff
/// counts), latest snapshot and users.
pub(crate) async fn organisation(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<Html<String>, PageError> {
    auth::require_admin(&caller)?;
    let read_org = org.clone();
    let (summary, workplaces, users, disabled) = state
        .with_store(move |store, _| {
            let summary = store.org_summary(&read_org)?.ok_or_else(|| {
                WebError::NotFound(format!("there is no organisation {read_org}"))
            })?;
            Ok((
                summary,
                store.org_workplace_summaries(&read_org)?,
                store.users()?,
                store.disabled_users()?,
            ))
        })
        .await?;
    let members = users_of(&users, &org);
    Ok(layout(
        &format!("Organisation {org}"),
        &caller,
        html! {
            span class="govuk-caption-l" { "Organisation" }
            h1 class="govuk-heading-l" { (org) }
            dl class="govuk-summary-list" {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { "Latest snapshot" }
                    dd class="govuk-summary-list__value" { (snapshot_date(&summary)) }
                }
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { "Snapshots" }
                    dd class="govuk-summary-list__value" { (summary.snapshots) }
                }
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { "Workplaces" }
                    dd class="govuk-summary-list__value" { (summary.workplaces) }
                }
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { "Staff records" }
                    dd class="govuk-summary-list__value" { (summary.staff) }
                }
            }
            p class="govuk-body" {
                a class="govuk-link" href=(format!("/organisations/{}/workplaces", encode(&org))) { "Workplace details" }
                " · "
                a class="govuk-link" href=(format!("/organisations/{}/staff", encode(&org))) { "Staff records (your reading is audited)" }
            }
            h2 class="govuk-heading-m" { "Workplaces" }
            @if workplaces.is_empty() {
                p class="govuk-body" { "No workplaces yet." }
            } @else {
                table class="govuk-table" {
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Reference" }
                        th scope="col" class="govuk-table__header" { "Name" }
                        th scope="col" class="govuk-table__header" { "Area" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Staff records" }
                    } }
                    tbody class="govuk-table__body" {
                        @for workplace in &workplaces {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { (workplace.localestid) }
                                td class="govuk-table__cell" { (workplace.name) }
                                td class="govuk-table__cell" {
                                    @match &workplace.area_code {
                                        Some(code) => { (workplace.area_name.clone().unwrap_or_else(|| code.clone())) " (" (code) ")" },
                                        None => "Not placed",
                                    }
                                }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (workplace.staff) }
                            }
                        }
                    }
                }
            }
            h2 class="govuk-heading-m" { "Users" }
            @if members.is_empty() {
                p class="govuk-body" { "No user belongs to this organisation." }
            } @else {
                table class="govuk-table" {
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Email" }
                        th scope="col" class="govuk-table__header" { "Role" }
                        th scope="col" class="govuk-table__header" { "Status" }
                    } }
                    tbody class="govuk-table__body" {
                        @for user in &members {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" {
                                    a class="govuk-link" href=(format!("/admin/users/{}", user.id)) { (user.email) }
                                }
                                td class="govuk-table__cell" { (role_label(user.role)) }
                                td class="govuk-table__cell" {
                                    @if disabled.contains(&user.id) { "Disabled" } @else { "Active" }
                                }
                            }
                        }
                    }
                }
            }
            p class="govuk-body" { a class="govuk-link" href="/admin/organisations" { "Back to organisations" } }
        },
    ))
}

/// The assign/unassign form of the areas page.
#[derive(Debug, Deserialize, Default, Clone)]
pub(crate) struct AreaForm {
    #[serde(default)]
    csrf: String,
    /// The commissioner's user id.
    #[serde(default)]
    commissioner: String,
    /// ONS code or council name (or an area the store holds).
    #[serde(default)]
    area: String,
    /// `assign` or `unassign`.
    #[serde(default)]
    action: String,
}

/// An area's label: the council's name, or the name stored with its workplaces, or its code.
fn area_label(area: &AreaSummary) -> String {
    let named = crate::data::area_name(&area.code);
    if named != area.code {
        named
    } else {
        area.name.clone().unwrap_or_else(|| area.code.clone())
    }
}

fn areas_page(
    caller: &Caller,
    areas: &[AreaSummary],
    commissioners: &[User],
    form: &AreaForm,
    errors: &[FieldError],
    notice: Option<Markup>,
) -> Html<String> {
    let commissioner_error = error_of(errors, "commissioner");
    let area_error = error_of(errors, "area");
    let action_error = error_of(errors, "action");
    layout(
        "Areas",
        caller,
        html! {
            (error_summary(errors))
            @if let Some(notice) = notice { (success_banner(notice)) }
            h1 class="govuk-heading-l" { "Areas" }
            p class="govuk-body" { "Areas that hold workplaces (in their organisations' latest snapshots) or that a commissioner is assigned to." }
            table class="govuk-table" {
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Area" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Workplaces" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Organisations" }
                    th scope="col" class="govuk-table__header" { "Commissioners" }
                } }
                tbody class="govuk-table__body" {
                    @for area in areas {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (area_label(area)) " (" (area.code) ")" }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (area.workplaces) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (area.organisations) }
                            td class="govuk-table__cell" {
                                @if area.commissioners.is_empty() { "None" }
                                @for (index, user) in area.commissioners.iter().enumerate() {
                                    @if index > 0 { br; }
                                    a class="govuk-link" href=(format!("/admin/users/{}", user.id)) { (user.email) }
                                }
                            }
                        }
                    }
                }
            }
            h2 class="govuk-heading-m" { "Assign or unassign a commissioner" }
            form method="post" action="/admin/areas" novalidate {
                input type="hidden" name="csrf" value=(caller.csrf());
                div class=(group_class(commissioner_error)) {
                    label class="govuk-label" for="commissioner" { "Commissioner" }
                    (error_message("commissioner", commissioner_error))
                    select class="govuk-select" id="commissioner" name="commissioner" {
                        option value="" { "Select a commissioner" }
                        @for user in commissioners {
                            option value=(user.id) selected[form.commissioner == user.id.to_string()] { (user.email) }
                        }
                    }
                }
                div class=(group_class(area_error)) {
                    label class="govuk-label" for="area" { "Area" }
                    div id="area-hint" class="govuk-hint" { "An ONS code or a council name, like E08000018 or Rotherham." }
                    (error_message("area", area_error))
                    input class="govuk-input govuk-!-width-one-half" id="area" name="area" type="text" spellcheck="false" aria-describedby="area-hint" value=(form.area);
                }
                div class=(group_class(action_error)) {
                    fieldset class="govuk-fieldset" {
                        legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { "Change" }
                        (error_message("action", action_error))
                        div class="govuk-radios" data-module="govuk-radios" {
                            div class="govuk-radios__item" {
                                input class="govuk-radios__input" id="action" name="action" type="radio" value="assign" checked[form.action == "assign"];
                                label class="govuk-label govuk-radios__label" for="action" { "Assign the area to the commissioner" }
                            }
                            div class="govuk-radios__item" {
                                input class="govuk-radios__input" id="action-2" name="action" type="radio" value="unassign" checked[form.action == "unassign"];
                                label class="govuk-label govuk-radios__label" for="action-2" { "Unassign the area from the commissioner" }
                            }
                        }
                    }
                }
                button type="submit" class="govuk-button" data-module="govuk-button" { "Save" }
            }
        },
    )
}

/// The areas page's data: areas and the commissioners (by email).
fn areas_data(store: &Store) -> Result<(Vec<AreaSummary>, Vec<User>), WebError> {
    let areas = store.area_summaries()?;
    let commissioners = store
        .users()?
        .into_iter()
        .filter(|user| user.role == Role::Commissioner)
        .collect();
    Ok((areas, commissioners))
}

/// `GET /admin/areas`: every area with its workplaces, organisations and commissioners, and
/// the form that assigns or unassigns a commissioner.
pub(crate) async fn areas(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Html<String>, PageError> {
    auth::require_admin(&caller)?;
    let (areas, commissioners) = state.with_store(|store, _| areas_data(store)).await?;
    Ok(areas_page(
        &caller,
        &areas,
        &commissioners,
        &AreaForm::default(),
        &[],
        None,
    ))
}

/// The area a form names: a council (ONS code or name), the demo area, or an area the store
/// holds (by code, ignoring case).
fn resolve_area(given: &str, areas: &[AreaSummary]) -> Option<String> {
    known_area(given).or_else(|| {
        areas
            .iter()
            .find(|area| area.code.eq_ignore_ascii_case(given))
            .map(|area| area.code.clone())
    })
}

/// `POST /admin/areas`: assigns or unassigns an area of a commissioner; audited. Errors (422,
/// nothing changed) in a GOV.UK error summary.
pub(crate) async fn assign_area(
    State(state): State<AppState>,
    caller: Caller,
    form: Result<Form<AreaForm>, FormRejection>,
) -> Result<Response, PageError> {
    use carecount_store::accounts::AreaChange;
    auth::require_admin(&caller)?;
    let form = form.map(|Form(form)| form).unwrap_or_default();
    caller.check_csrf(&form.csrf)?;
    let actor = caller.actor();
    let posted = form.clone();
    let (areas, commissioners, outcome) = state
        .with_store(move |store, _| {
            let (areas, commissioners) = areas_data(store)?;
            let mut errors: Vec<FieldError> = Vec::new();
            let commissioner = commissioners
                .iter()
                .find(|user| user.id.to_string() == posted.commissioner.trim())
                .cloned();
            if commissioner.is_none() {
                errors.push(("commissioner", "Select a commissioner".to_string()));
            }
            let given = posted.area.trim();
            let area = resolve_area(given, &areas);
            if given.is_empty() {
                errors.push(("area", "Enter an area".to_string()));
            } else if area.is_none() {
                errors.push((
                    "area",
                    format!("“{given}” is not a local authority: enter an ONS code or a council name"),
                ));
            }
            let assign = match posted.action.as_str() {
                "assign" => Some(true),
                "unassign" => Some(false),
                _ => {
                    errors.push(("action", "Select assign or unassign".to_string()));
                    None
                }
            };
            let (Some(user), Some(area), Some(assign), true) =
                (commissioner, area, assign, errors.is_empty())
            else {
                return Ok((areas, commissioners, Err(errors)));
            };
            let name = crate::data::area_name(&area);
            let outcome = match store.set_commissioner_area(user.id, &area, assign)? {
                AreaChange::Changed => {
                    let action = if assign { "area_assign" } else { "area_unassign" };
                    store.audit(&actor, action, &user.email, &area)?;
                    Ok(if assign {
                        format!("{name} ({area}) is now assigned to {}.", user.email)
                    } else {
                        format!("{name} ({area}) is no longer assigned to {}.", user.email)
                    })
                }
                AreaChange::Unchanged => Ok(if assign {
                    format!("{name} ({area}) was already assigned to {}: nothing changed.", user.email)
                } else {
                    format!("{name} ({area}) was not assigned to {}: nothing changed.", user.email)
                }),
                AreaChange::LastArea => Err(vec![(
                    "area",
                    format!("{name} is the only area of {}: assign another area first, or change their role", user.email),
                )]),
                AreaChange::NoSuchUser | AreaChange::NotACommissioner => {
                    Err(vec![("commissioner", "Select a commissioner".to_string())])
                }
            };
            // Read again so that the table shows the change.
            let (areas, commissioners) = areas_data(store)?;
            Ok((areas, commissioners, outcome))
        })
        .await?;
    Ok(match outcome {
        Err(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            areas_page(&caller, &areas, &commissioners, &form, &errors, None),
        )
            .into_response(),
        Ok(message) => areas_page(
            &caller,
            &areas,
            &commissioners,
            &AreaForm::default(),
            &[],
            Some(html! { p class="govuk-notification-banner__heading" { (message) } }),
        )
        .into_response(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(form: &UserForm) -> Vec<&'static str> {
        let mut errors = Vec::new();
        check_email(form.email.trim(), &mut errors);
        check_scope(form, &mut errors);
        errors.into_iter().map(|(field, _)| field).collect()
    }

    #[test]
    fn a_commissioner_needs_known_areas_and_names_become_codes() {
        let form = UserForm {
            email: "c@example.test".to_string(),
            role: "commissioner".to_string(),
            areas: "Rotherham, E99999999\nRotherham".to_string(),
            ..UserForm::default()
        };
        let mut errors = Vec::new();
        let scope = check_scope(&form, &mut errors);
        assert!(errors.is_empty());
        // Rotherham's ONS code is E08000018; the repeated name is kept once.
        assert_eq!(
            scope.map(|scope| scope.areas),
            Some(vec!["E08000018".to_string(), "E99999999".to_string()])
        );
        let unknown = UserForm {
            areas: "Atlantis".to_string(),
            ..form
        };
        assert_eq!(errors_of(&unknown), vec!["areas"]);
    }

    #[test]
    fn missing_and_malformed_fields_are_each_reported() {
        assert_eq!(errors_of(&UserForm::default()), vec!["email", "role"]);
        let employer = UserForm {
            email: "not an email".to_string(),
            role: "employer".to_string(),
            organisation: "bad org!".to_string(),
            ..UserForm::default()
        };
        assert_eq!(errors_of(&employer), vec!["email", "organisation"]);
        let admin = UserForm {
            email: "a@example.test".to_string(),
            role: "admin".to_string(),
            organisation: "ignored".to_string(),
            ..UserForm::default()
        };
        assert!(errors_of(&admin).is_empty());
    }

    #[test]
    fn times_are_shown_in_utc() {
        // 86400 × 365 + 3600 + 60 seconds after the epoch is 1971-01-01 01:01 UTC.
        assert_eq!(when(86_400 * 365 + 3_600 + 60), "1971-01-01 01:01 UTC");
    }
}
