//! Bulk upload in the browser (issue 5, "Employer pages"): the three ASC-WDS files → the
//! validation report (the messages of `validate`) and "what will change" (a dry run of
//! `carecount_store::ingest::import`) → confirm → a new snapshot. A failed or unconfirmed upload
//! changes nothing. Uploads waiting for confirmation are kept in memory, bound to the user and
//! organisation, for [`PENDING_SECONDS`].

use std::collections::HashMap;

use axum::Form;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::FormRejection;
use axum::extract::{Multipart, Path, State};
use axum::response::Html;
use carecount_ascwds::{Given, InputFile, Severity, Status};
use maud::html;
use serde::Deserialize;

use crate::auth::{self, Caller};
use crate::error::PageError;
use crate::pages::{encode, layout};
use crate::{AppState, WebError, data};

/// Largest upload accepted (bytes, the three files together).
pub const UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

/// How long an upload waits for confirmation (seconds).
pub const PENDING_SECONDS: i64 = 30 * 60;

/// Uploads kept waiting at most (the oldest goes first).
const PENDING_MAX: usize = 16;

/// Messages listed on the report page at most (the rest are counted).
const MESSAGES_SHOWN: usize = 500;

/// A validated upload waiting for confirmation.
pub(crate) struct PendingUpload {
    org: String,
    user_id: i64,
    as_of: time::Date,
    files: [Option<InputFile>; 3],
    created: i64,
}

/// The uploads waiting for confirmation, by random token.
#[derive(Default)]
pub(crate) struct Pending {
    uploads: HashMap<String, PendingUpload>,
}

impl Pending {
    fn insert(&mut self, token: String, upload: PendingUpload) {
        let now = auth::now_seconds();
        self.uploads
            .retain(|_, pending| now.saturating_sub(pending.created) <= PENDING_SECONDS);
        while self.uploads.len() >= PENDING_MAX {
            let oldest = self
                .uploads
                .iter()
                .min_by_key(|(_, pending)| pending.created)
                .map(|(token, _)| token.clone());
            match oldest {
                Some(token) => self.uploads.remove(&token),
                None => break,
            };
        }
        self.uploads.insert(token, upload);
    }

    fn take(&mut self, token: &str, org: &str, user_id: i64) -> Option<PendingUpload> {
        let now = auth::now_seconds();
        let fits = self.uploads.get(token).is_some_and(|pending| {
            pending.org == org
                && pending.user_id == user_id
                && now.saturating_sub(pending.created) <= PENDING_SECONDS
        });
        if fits {
            self.uploads.remove(token)
        } else {
            None
        }
    }
}

/// Employers who may edit (not read-only) of `org`, and administrators.
fn require_editor(caller: &Caller, org: &str) -> Result<i64, WebError> {
    use carecount_store::accounts::Role;
    let user = caller.require_user()?;
    match user.role {
        Role::Admin => Ok(user.id),
        Role::Employer if user.organisation.as_deref() == Some(org) => Ok(user.id),
        _ => Err(WebError::Forbidden),
    }
}

fn given(files: &[Option<InputFile>; 3]) -> Given {
    let [workplace, staff, training] = files.clone();
    Given::Explicit {
        workplace,
        staff,
        training,
    }
}

/// `GET /organisations/{org}/upload`.
pub(crate) async fn upload_form(
    caller: Caller,
    Path(org): Path<String>,
) -> Result<Html<String>, PageError> {
    require_editor(&caller, &org)?;
    let today = data::format_date(time::OffsetDateTime::now_utc().date());
    Ok(layout(
        "Bulk upload",
        &caller,
        html! {
            h1 class="govuk-heading-l" { "Bulk upload" }
            p class="govuk-body" { "Upload your ASC-WDS workplace and staff files (the training file is optional). Nothing changes until you confirm." }
            form method="post" action=(format!("/organisations/{}/upload", encode(&org))) enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(caller.csrf());
                @for (name, text) in [("workplace", "Workplace file"), ("staff", "Staff file"), ("training", "Training file (optional)")] {
                    div class="govuk-form-group" {
                        label class="govuk-label" for=(name) { (text) }
                        input class="govuk-file-upload" id=(name) name=(name) type="file" accept=".csv,text/csv";
                    }
                }
                div class="govuk-form-group" {
                    label class="govuk-label" for="as_of" { "Date the data describes (YYYY-MM-DD)" }
                    input class="govuk-input govuk-input--width-10" id="as_of" name="as_of" type="text" value=(today);
                }
                button type="submit" class="govuk-button" data-module="govuk-button" { "Check the files" }
            }
        },
    ))
}

/// `POST /organisations/{org}/upload`: validates (dry run) and shows the report.
pub(crate) async fn upload_check(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Html<String>, PageError> {
    let user_id = require_editor(&caller, &org)?;
    let mut multipart = multipart.map_err(|_| {
        WebError::BadRequest("the upload must be sent as a multipart form".to_string())
    })?;
    let mut csrf = String::new();
    let mut as_of_text = String::new();
    let mut files: [Option<InputFile>; 3] = [None, None, None];
    loop {
        let field = multipart.next_field().await.map_err(|error| {
            WebError::BadRequest(format!(
                "the upload could not be read: {}",
                error.body_text()
            ))
        })?;
        let Some(field) = field else { break };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().unwrap_or_default().to_string();
        let bytes = field.bytes().await.map_err(|error| {
            WebError::BadRequest(format!(
                "the upload could not be read: {}",
                error.body_text()
            ))
        })?;
        let slot = match name.as_str() {
            "csrf" => {
                csrf = String::from_utf8_lossy(&bytes).into_owned();
                continue;
            }
            "as_of" => {
                as_of_text = String::from_utf8_lossy(&bytes).trim().to_string();
                continue;
            }
            "workplace" => 0,
            "staff" => 1,
            "training" => 2,
            _ => continue,
        };
        if !bytes.is_empty()
            && let Some(entry) = files.get_mut(slot)
        {
            *entry = Some(InputFile {
                path: if file_name.is_empty() {
                    format!("{name}.csv")
                } else {
                    file_name
                },
                bytes: bytes.to_vec(),
            });
        }
    }
    caller.check_csrf(&csrf)?;
    let as_of = if as_of_text.is_empty() {
        time::OffsetDateTime::now_utc().date()
    } else {
        data::parse_date(&as_of_text)?
    };
    let check_org = org.clone();
    let check_files = files.clone();
    let outcome = state.with_store(move |store, _| {
        let keep_area = |_: &carecount_domain::Workplace| None;
        carecount_store::ingest::import(
            store,
            &check_org,
            as_of,
            given(&check_files),
            &keep_area,
            true,
            &mut |_, _| {},
        )
        .map_err(|error| match error {
            carecount_store::ingest::ImportError::Upload(upload) => {
                WebError::BadRequest(upload.to_string())
            }
            carecount_store::ingest::ImportError::Store(store) => store.into(),
        })
    });
    let outcome = match outcome.await {
        Ok(outcome) => outcome,
        Err(WebError::BadRequest(reason)) => {
            return Ok(report_page(&caller, &org, Err(&reason), None));
        }
        Err(other) => return Err(other.into()),
    };
    let token = if outcome.clean() {
        let token = auth::new_token();
        state
            .pending()
            .lock()
            .map_err(|_| WebError::Internal("the upload list is poisoned".to_string()))?
            .insert(
                token.clone(),
                PendingUpload {
                    org: org.clone(),
                    user_id,
                    as_of,
                    files,
                    created: auth::now_seconds(),
                },
            );
        Some(token)
    } else {
        None
    };
    Ok(report_page(&caller, &org, Ok(&outcome), token.as_deref()))
}

fn report_page(
    caller: &Caller,
    org: &str,
    outcome: Result<&carecount_store::ingest::ImportOutcome, &str>,
    token: Option<&str>,
) -> Html<String> {
    let status = outcome.map(|outcome| outcome.validation.status());
    let errors: Vec<&carecount_ascwds::Message> = outcome
        .map(|outcome| outcome.validation.messages.iter().collect())
        .unwrap_or_default();
    let n_errors = errors
        .iter()
        .filter(|message| message.severity == Severity::Error)
        .count();
    let n_warnings = errors.len().saturating_sub(n_errors);
    layout(
        "Upload report",
        caller,
        html! {
            @match (&status, outcome) {
                (Err(_), Err(reason)) => {
                    div class="govuk-error-summary" data-module="govuk-error-summary" {
                        div role="alert" {
                            h2 class="govuk-error-summary__title" { "There is a problem with the files" }
                            div class="govuk-error-summary__body" { p class="govuk-body" { (reason) } }
                        }
                    }
                }
                (Ok(Status::Failed | Status::FileNotRecognised), _) => {
                    div class="govuk-error-summary" data-module="govuk-error-summary" {
                        div role="alert" {
                            h2 class="govuk-error-summary__title" { "The upload has " (n_errors) " errors: nothing was changed" }
                            div class="govuk-error-summary__body" {
                                ul class="govuk-list govuk-error-summary__list" {
                                    li { a href="#messages" { "Correct the lines listed below and upload the files again" } }
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
            h1 class="govuk-heading-l" { "Upload report" }
            @if let Ok(outcome) = outcome {
                p class="govuk-body" { (n_errors) " errors, " (n_warnings) " warnings." }
                (crate::pages::validation_report_link(&outcome.validation.messages))
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-table__caption--m" { "What will change" }
                    thead class="govuk-table__head" { tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Records" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "New" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Updated" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Deleted" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Unchanged" }
                    } }
                    tbody class="govuk-table__body" {
                        @for (kind, counts) in [("Workplaces", outcome.plan.counts.workplaces), ("Staff records", outcome.plan.counts.staff), ("Training records", outcome.plan.counts.training)] {
                            tr class="govuk-table__row" {
                                th scope="row" class="govuk-table__header" { (kind) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (counts.new) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (counts.updated) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (counts.deleted) }
                                td class="govuk-table__cell govuk-table__cell--numeric" { (counts.unchanged) }
                            }
                        }
                    }
                }
                @if !errors.is_empty() {
                    table class="govuk-table" id="messages" {
                        caption class="govuk-table__caption govuk-table__caption--m" { "Messages" }
                        thead class="govuk-table__head" { tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "File" }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Line" }
                            th scope="col" class="govuk-table__header" { "Type" }
                            th scope="col" class="govuk-table__header" { "Code" }
                            th scope="col" class="govuk-table__header" { "Column" }
                            th scope="col" class="govuk-table__header" { "Message" }
                        } }
                        tbody class="govuk-table__body" {
                            @for message in errors.iter().take(MESSAGES_SHOWN) {
                                tr class="govuk-table__row" {
                                    td class="govuk-table__cell" { (message.file.as_str()) }
                                    td class="govuk-table__cell govuk-table__cell--numeric" { (message.line) }
                                    td class="govuk-table__cell" { (if message.severity == Severity::Error { "error" } else { "warning" }) }
                                    td class="govuk-table__cell" { (message.code) }
                                    td class="govuk-table__cell" { (message.column) }
                                    td class="govuk-table__cell" { (message.message) }
                                }
                            }
                        }
                    }
                    @if errors.len() > MESSAGES_SHOWN {
                        p class="govuk-body" { "… and " (errors.len() - MESSAGES_SHOWN) " more messages." }
                    }
                }
            }
            @if let Some(token) = token {
                form method="post" action=(format!("/organisations/{}/upload/confirm", encode(org))) {
                    input type="hidden" name="csrf" value=(caller.csrf());
                    input type="hidden" name="upload" value=(token);
                    button type="submit" class="govuk-button" data-module="govuk-button" { "Confirm and save" }
                }
            }
            p class="govuk-body" { a class="govuk-link" href=(format!("/organisations/{}/upload", encode(org))) { "Upload other files" } }
        },
    )
}

/// The confirmation form.
#[derive(Debug, Deserialize)]
pub(crate) struct ConfirmForm {
    csrf: String,
    upload: String,
}

/// `POST /organisations/{org}/upload/confirm`: applies the checked upload as a new snapshot.
pub(crate) async fn upload_confirm(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    form: Result<Form<ConfirmForm>, FormRejection>,
) -> Result<Html<String>, PageError> {
    let user_id = require_editor(&caller, &org)?;
    let Form(form) =
        form.map_err(|_| WebError::BadRequest("the confirmation form is incomplete".to_string()))?;
    caller.check_csrf(&form.csrf)?;
    let pending = state
        .pending()
        .lock()
        .map_err(|_| WebError::Internal("the upload list is poisoned".to_string()))?
        .take(&form.upload, &org, user_id)
        .ok_or_else(|| {
            WebError::NotFound(
                "this upload is no longer waiting: it was saved already, or it expired; upload the files again"
                    .to_string(),
            )
        })?;
    let actor = caller.actor();
    let apply_org = org.clone();
    let snapshot = state
        .with_store(move |store, _| {
            let keep_area = |_: &carecount_domain::Workplace| None;
            let outcome = carecount_store::ingest::import(
                store,
                &apply_org,
                pending.as_of,
                given(&pending.files),
                &keep_area,
                false,
                &mut |_, _| {},
            )
            .map_err(|error| WebError::BadRequest(error.to_string()))?;
            let snapshot = outcome.snapshot.ok_or_else(|| {
                WebError::BadRequest(
                    "the records changed since the check and the upload no longer validates; nothing was changed"
                        .to_string(),
                )
            })?;
            store.audit(
                &actor,
                "import",
                &apply_org,
                &format!("web upload, snapshot {}", snapshot.id),
            )?;
            Ok(snapshot)
        })
        .await?;
    Ok(layout(
        "Upload saved",
        &caller,
        html! {
            div class="govuk-panel govuk-panel--confirmation" {
                h1 class="govuk-panel__title" { "Upload saved" }
                div class="govuk-panel__body" { "Your records as of " (data::format_date(snapshot.as_of)) " are saved" }
            }
            p class="govuk-body" { a class="govuk-link" href=(format!("/organisations/{}/staff", encode(&org))) { "See your staff records" } }
        },
    ))
}
