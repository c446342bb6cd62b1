//! Staff record forms (issue 5, "Employer pages"): create, edit, delete — validated by the same
//! rules as bulk upload. Each form becomes an upload of the organisation's current files (written
//! by `carecount-ascwds`) in which every other line is `UNCHECKED` (nothing saved) and the form's
//! line is `NEW`, `UPDATE` or `DELETE` (`ascwds-formats.md` §1.5); it goes through
//! `carecount_store::ingest::import`, so a form with an error changes nothing and its messages are
//! the upload's. Also the ASC-WDS file downloads (export).

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use carecount_ascwds::{FileKind, Given, InputFile, Message, Severity};
use carecount_domain::Staff;
use carecount_store::OrgRecords;
use carecount_store::staff_page::{PageWindow, StaffFilter, StaffPage};
use maud::html;
use serde::Deserialize;

use crate::auth::{self, Caller};
use crate::error::PageError;
use crate::pages::{encode, layout};
use crate::{AppState, WebError, api};

/// The form's fields: (form name, file column, label, hint).
const FIELDS: [(&str, &str, &str, &str); 9] = [
    (
        "workplace",
        "LOCALESTID",
        "Workplace reference",
        "The workplace's LOCALESTID",
    ),
    (
        "worker",
        "UNIQUEWORKERID",
        "Worker ID",
        "Unique within the workplace",
    ),
    ("display_id", "DISPLAYID", "Name or ID", ""),
    (
        "ni_number",
        "NINUMBER",
        "National Insurance number",
        "For example, QQ123456C",
    ),
    ("dob", "DOB", "Date of birth", "DD/MM/YYYY"),
    ("postcode", "POSTCODE", "Home postcode", ""),
    (
        "contract",
        "EMPLSTATUS",
        "Contract type",
        "1 permanent, 2 temporary, 3 pool or bank, 4 agency, 7 other",
    ),
    (
        "start_date",
        "STARTDATE",
        "Start date in the main job",
        "DD/MM/YYYY",
    ),
    (
        "job_role",
        "MAINJOBROLE",
        "Main job role",
        "The job role code",
    ),
];

/// The staff form as posted (every field text, as in the file).
#[derive(Debug, Deserialize, Default, Clone)]
pub(crate) struct StaffForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    workplace: String,
    #[serde(default)]
    worker: String,
    #[serde(default)]
    display_id: String,
    #[serde(default)]
    ni_number: String,
    #[serde(default)]
    dob: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    contract: String,
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    job_role: String,
}

impl StaffForm {
    fn value(&self, name: &str) -> &str {
        match name {
            "workplace" => &self.workplace,
            "worker" => &self.worker,
            "display_id" => &self.display_id,
            "ni_number" => &self.ni_number,
            "dob" => &self.dob,
            "postcode" => &self.postcode,
            "contract" => &self.contract,
            "start_date" => &self.start_date,
            "job_role" => &self.job_role,
            _ => "",
        }
    }

    fn from_row(row: &csv::StringRecord, header: &csv::StringRecord) -> StaffForm {
        let get = |column: &str| {
            header
                .iter()
                .position(|name| name == column)
                .and_then(|index| row.get(index))
                .unwrap_or_default()
                .to_string()
        };
        StaffForm {
            csrf: String::new(),
            workplace: get("LOCALESTID"),
            worker: get("UNIQUEWORKERID"),
            display_id: get("DISPLAYID"),
            ni_number: get("NINUMBER"),
            dob: get("DOB"),
            postcode: get("POSTCODE"),
            contract: get("EMPLSTATUS"),
            start_date: get("STARTDATE"),
            job_role: get("MAINJOBROLE"),
        }
    }
}

/// Employers who may edit (not read-only) of `org`, and administrators.
pub(crate) fn require_editor(caller: &Caller, org: &str) -> Result<(), WebError> {
    use carecount_store::accounts::Role;
    let user = caller.require_user()?;
    match user.role {
        Role::Admin => Ok(()),
        Role::Employer if user.organisation.as_deref() == Some(org) => Ok(()),
        _ => Err(WebError::Forbidden),
    }
}

/// Parses CSV text into its header and records.
fn parse_csv(text: &str) -> Result<(csv::StringRecord, Vec<csv::StringRecord>), WebError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|error| WebError::Internal(format!("reading written files: {error}")))?
        .clone();
    let rows = reader
        .records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| WebError::Internal(format!("reading written files: {error}")))?;
    Ok((header, rows))
}

fn write_csv(header: &csv::StringRecord, rows: &[csv::StringRecord]) -> Result<String, WebError> {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let fail = |error: csv::Error| WebError::Internal(format!("writing files: {error}"));
    writer.write_record(header).map_err(fail)?;
    for row in rows {
        writer.write_record(row).map_err(fail)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| WebError::Internal(format!("writing files: {error}")))?;
    String::from_utf8(bytes).map_err(|error| WebError::Internal(format!("writing files: {error}")))
}

fn set(
    row: &csv::StringRecord,
    header: &csv::StringRecord,
    column: &str,
    value: &str,
) -> csv::StringRecord {
    let index = header.iter().position(|name| name == column);
    row.iter()
        .enumerate()
        .map(|(at, field)| if Some(at) == index { value } else { field })
        .collect()
}

/// What the form does to the staff file.
enum Change<'a> {
    Create(&'a StaffForm),
    Edit {
        key: (&'a str, &'a str),
        form: &'a StaffForm,
    },
    Delete {
        key: (&'a str, &'a str),
    },
}

fn key_of(row: &csv::StringRecord, header: &csv::StringRecord) -> (String, String) {
    let get = |column: &str| {
        header
            .iter()
            .position(|name| name == column)
            .and_then(|index| row.get(index))
            .unwrap_or_default()
            .to_string()
    };
    (get("LOCALESTID"), get("UNIQUEWORKERID"))
}

/// The upload of the organisation's current records with one change; returns the files and the
/// staff-file line (header = 1) of the changed record.
fn upload_with(records: &OrgRecords, change: &Change<'_>) -> Result<(Given, u32), WebError> {
    let workplace_text = carecount_ascwds::workplace::write(&records.workplaces);
    let (workplace_header, workplace_rows) = parse_csv(&workplace_text)?;
    let workplace_rows: Vec<_> = workplace_rows
        .iter()
        .map(|row| set(row, &workplace_header, "STATUS", "UNCHECKED"))
        .collect();
    let staff_text = carecount_ascwds::staff::write(&records.staff);
    let (staff_header, rows) = parse_csv(&staff_text)?;
    let mut staff_rows = Vec::new();
    let mut line = 0u32;
    for row in &rows {
        let key = key_of(row, &staff_header);
        let this = (key.0.as_str(), key.1.as_str());
        let status = match change {
            Change::Edit { key, .. } | Change::Delete { key } if *key == this => None,
            _ => Some("UNCHECKED"),
        };
        match (status, change) {
            (Some(status), _) => staff_rows.push(set(row, &staff_header, "STATUS", status)),
            (None, Change::Edit { form, .. }) => {
                let mut edited = set(row, &staff_header, "STATUS", "UPDATE");
                for (name, column, _, _) in FIELDS {
                    if name != "workplace" && name != "worker" {
                        edited = set(&edited, &staff_header, column, form.value(name).trim());
                    }
                }
                staff_rows.push(edited);
                line = staff_rows.len() as u32 + 1;
            }
            (None, _) => {
                staff_rows.push(set(row, &staff_header, "STATUS", "DELETE"));
                line = staff_rows.len() as u32 + 1;
            }
        }
    }
    if let Change::Create(form) = change {
        let mut row: csv::StringRecord = staff_header.iter().map(|_| "").collect();
        row = set(&row, &staff_header, "STATUS", "NEW");
        for (name, column, _, _) in FIELDS {
            row = set(&row, &staff_header, column, form.value(name).trim());
        }
        staff_rows.push(row);
        line = staff_rows.len() as u32 + 1;
    }
    if line == 0 {
        return Err(WebError::NotFound(
            "there is no such staff record".to_string(),
        ));
    }
    let removed = match change {
        Change::Delete { key } => Some(*key),
        _ => None,
    };
    let training: Vec<_> = records
        .training
        .iter()
        .filter(|training| {
            removed
                != Some((
                    training.localestid.as_str(),
                    training.unique_worker_id.as_str(),
                ))
        })
        .cloned()
        .collect();
    let file = |path: &str, text: String| InputFile {
        path: path.to_string(),
        bytes: text.into_bytes(),
    };
    Ok((
        Given::Explicit {
            workplace: Some(file(
                "workplace.csv",
                write_csv(&workplace_header, &workplace_rows)?,
            )),
            staff: Some(file("staff.csv", write_csv(&staff_header, &staff_rows)?)),
            training: Some(file(
                "training.csv",
                carecount_ascwds::training::write(&training),
            )),
        },
        line,
    ))
}

/// Applies a change through the import path: `Ok(Ok(()))` saved, `Ok(Err(messages))` the
/// errors that stopped it (nothing changed).
fn apply_change(
    store: &mut carecount_store::Store,
    caller: &Caller,
    org: &str,
    change: &Change<'_>,
    what: &str,
) -> Result<Result<(), Vec<Message>>, WebError> {
    auth::require_owner(caller, org)?;
    let scope = store.owner_scope(org)?;
    let snapshot = store.snapshot_at(org, None)?.ok_or_else(|| {
        WebError::NotFound(
            "the organisation has no records yet: upload its files first".to_string(),
        )
    })?;
    let records = store.org_records(&scope, &snapshot)?;
    let (given, line) = upload_with(&records, change)?;
    let as_of = time::OffsetDateTime::now_utc().date().max(snapshot.as_of);
    let keep_area = |_: &carecount_domain::Workplace| None;
    let outcome = carecount_store::ingest::import(
        store,
        org,
        as_of,
        given,
        &keep_area,
        false,
        &mut |_, _| {},
    )
    .map_err(|error| WebError::BadRequest(error.to_string()))?;
    if outcome.snapshot.is_some() {
        store.audit(&caller.actor(), what, org, "staff record form")?;
        return Ok(Ok(()));
    }
    let errors: Vec<Message> = outcome
        .validation
        .messages
        .into_iter()
        .filter(|message| message.severity == Severity::Error)
        .filter(|message| message.file != FileKind::Staff || message.line == line)
        .collect();
    Ok(Err(errors))
}

fn field_of(column: &str) -> Option<&'static str> {
    FIELDS
        .iter()
        .find(|(_, field_column, _, _)| column.split('/').any(|part| part == *field_column))
        .map(|(name, _, _, _)| *name)
}

fn form_page(
    caller: &Caller,
    org: &str,
    title: &str,
    action: &str,
    form: &StaffForm,
    errors: &[Message],
    editing: bool,
) -> Html<String> {
    layout(
        title,
        caller,
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
            h1 class="govuk-heading-l" { (title) }
            form method="post" action=(action) novalidate {
                input type="hidden" name="csrf" value=(caller.csrf());
                @for (name, _, label, hint) in FIELDS {
                    @let field_errors: Vec<&Message> = errors.iter().filter(|message| field_of(&message.column) == Some(name)).collect();
                    @let fixed = editing && (name == "workplace" || name == "worker");
                    div class=(if field_errors.is_empty() { "govuk-form-group" } else { "govuk-form-group govuk-form-group--error" }) {
                        label class="govuk-label" for=(name) { (label) }
                        @if !hint.is_empty() {
                            div id=(format!("{name}-hint")) class="govuk-hint" { (hint) }
                        }
                        @for message in &field_errors {
                            p class="govuk-error-message" {
                                span class="govuk-visually-hidden" { "Error: " } (message.message)
                            }
                        }
                        input class=(if field_errors.is_empty() { "govuk-input govuk-!-width-one-half" } else { "govuk-input govuk-!-width-one-half govuk-input--error" })
                            id=(name) name=(name) type="text" value=(form.value(name)) readonly[fixed]
                            aria-describedby=[(!hint.is_empty()).then(|| format!("{name}-hint"))];
                    }
                }
                button type="submit" class="govuk-button" data-module="govuk-button" { "Save" }
            }
            p class="govuk-body" { a class="govuk-link" href=(format!("/organisations/{}/staff", encode(org))) { "Back to staff records" } }
        },
    )
}

/// `GET /organisations/{org}/staff/new`.
pub(crate) async fn new_form(
    caller: Caller,
    Path(org): Path<String>,
) -> Result<Html<String>, PageError> {
    require_editor(&caller, &org)?;
    let action = format!("/organisations/{}/staff/new", encode(&org));
    Ok(form_page(
        &caller,
        &org,
        "Add a staff record",
        &action,
        &StaffForm::default(),
        &[],
        false,
    ))
}

/// `POST /organisations/{org}/staff/new`.
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    form: Result<Form<StaffForm>, FormRejection>,
) -> Result<Response, PageError> {
    require_editor(&caller, &org)?;
    let Form(form) =
        form.map_err(|_| WebError::BadRequest("the form could not be read".to_string()))?;
    caller.check_csrf(&form.csrf)?;
    let (apply_caller, apply_org, apply_form) = (caller.clone(), org.clone(), form.clone());
    let outcome = state
        .with_store(move |store, _| {
            apply_change(
                store,
                &apply_caller,
                &apply_org,
                &Change::Create(&apply_form),
                "staff_create",
            )
        })
        .await?;
    respond(
        &caller,
        &org,
        "Add a staff record",
        &format!("/organisations/{}/staff/new", encode(&org)),
        &form,
        outcome,
        false,
    )
}

fn respond(
    caller: &Caller,
    org: &str,
    title: &str,
    action: &str,
    form: &StaffForm,
    outcome: Result<(), Vec<Message>>,
    editing: bool,
) -> Result<Response, PageError> {
    match outcome {
        Ok(()) => {
            Ok(Redirect::to(&format!("/organisations/{}/staff", encode(org))).into_response())
        }
        Err(errors) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            form_page(caller, org, title, action, form, &errors, editing),
        )
            .into_response()),
    }
}

/// The current values of one staff record as form text (from the written staff file).
fn current_form(
    records: &OrgRecords,
    workplace: &str,
    worker: &str,
) -> Result<StaffForm, WebError> {
    let record: Vec<Staff> = records
        .staff
        .iter()
        .filter(|staff| staff.localestid == workplace && staff.unique_worker_id == worker)
        .cloned()
        .collect();
    if record.is_empty() {
        return Err(WebError::NotFound(
            "there is no such staff record".to_string(),
        ));
    }
    let (header, rows) = parse_csv(&carecount_ascwds::staff::write(&record))?;
    rows.first()
        .map(|row| StaffForm::from_row(row, &header))
        .ok_or_else(|| WebError::NotFound("there is no such staff record".to_string()))
}

fn edit_action(org: &str, workplace: &str, worker: &str) -> String {
    format!(
        "/organisations/{}/workplaces/{}/staff/{}/edit",
        encode(org),
        encode(workplace),
        encode(worker)
    )
}

/// `GET …/staff/{worker}/edit`.
pub(crate) async fn edit_form(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, workplace, worker)): Path<(String, String, String)>,
) -> Result<Html<String>, PageError> {
    require_editor(&caller, &org)?;
    let (read_caller, read_org, read_workplace, read_worker) = (
        caller.clone(),
        org.clone(),
        workplace.clone(),
        worker.clone(),
    );
    let form = state
        .with_store(move |store, _| {
            let records = api::owner_records(store, &read_caller, &read_org, "staff edit form")?
                .ok_or_else(|| WebError::NotFound("there is no such staff record".to_string()))?;
            current_form(&records.1, &read_workplace, &read_worker)
        })
        .await?;
    Ok(form_page(
        &caller,
        &org,
        "Change a staff record",
        &edit_action(&org, &workplace, &worker),
        &form,
        &[],
        true,
    ))
}

/// `POST …/staff/{worker}/edit`.
pub(crate) async fn edit(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, workplace, worker)): Path<(String, String, String)>,
    form: Result<Form<StaffForm>, FormRejection>,
) -> Result<Response, PageError> {
    require_editor(&caller, &org)?;
    let Form(mut form) =
        form.map_err(|_| WebError::BadRequest("the form could not be read".to_string()))?;
    caller.check_csrf(&form.csrf)?;
    form.workplace = workplace.clone();
    form.worker = worker.clone();
    let (apply_caller, apply_org, apply_form) = (caller.clone(), org.clone(), form.clone());
    let (key_workplace, key_worker) = (workplace.clone(), worker.clone());
    let outcome = state
        .with_store(move |store, _| {
            let change = Change::Edit {
                key: (&key_workplace, &key_worker),
                form: &apply_form,
            };
            apply_change(store, &apply_caller, &apply_org, &change, "staff_update")
        })
        .await?;
    respond(
        &caller,
        &org,
        "Change a staff record",
        &edit_action(&org, &workplace, &worker),
        &form,
        outcome,
        true,
    )
}

/// The delete (or leave) form: a reason, kept in the audit log.
#[derive(Debug, Deserialize)]
pub(crate) struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// `POST …/staff/{worker}/delete`: deletes the record (a leaver, with the reason given).
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, workplace, worker)): Path<(String, String, String)>,
    form: Result<Form<DeleteForm>, FormRejection>,
) -> Result<Response, PageError> {
    require_editor(&caller, &org)?;
    let Form(form) =
        form.map_err(|_| WebError::BadRequest("the form could not be read".to_string()))?;
    caller.check_csrf(&form.csrf)?;
    let reason: String = form
        .reason
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let (apply_caller, apply_org) = (caller.clone(), org.clone());
    let outcome = state
        .with_store(move |store, _| {
            let change = Change::Delete {
                key: (&workplace, &worker),
            };
            let what = if reason.trim().is_empty() {
                "staff_delete".to_string()
            } else {
                format!("staff_delete (left: {})", reason.trim())
            };
            apply_change(store, &apply_caller, &apply_org, &change, &what)
        })
        .await?;
    match outcome {
        Ok(()) => {
            Ok(Redirect::to(&format!("/organisations/{}/staff", encode(&org))).into_response())
        }
        Err(errors) => Err(WebError::BadRequest(errors.first().map_or_else(
            || "the record could not be deleted".to_string(),
            |message| message.message.clone(),
        ))
        .into()),
    }
}

/// `GET /organisations/{org}/export/{file}`: the organisation's current ASC-WDS file
/// (`workplace`, `staff` or `training`), audited.
pub(crate) async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Path((org, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    auth::require_owner(&caller, &org)?;
    if !matches!(file.as_str(), "workplace" | "staff" | "training") {
        return Err(WebError::NotFound(format!(
            "there is no `{file}` file: choose workplace, staff or training"
        ))
        .into());
    }
    let (read_org, read_file) = (org.clone(), file.clone());
    let text = state
        .with_store(move |store, _| {
            let records =
                api::owner_records(store, &caller, &read_org, "export")?.ok_or_else(|| {
                    WebError::NotFound("the organisation has no records yet".to_string())
                })?;
            store.audit(
                &caller.actor(),
                "export",
                &read_org,
                &format!("{read_file}.csv"),
            )?;
            Ok(match read_file.as_str() {
                "workplace" => carecount_ascwds::workplace::write(&records.1.workplaces),
                "staff" => carecount_ascwds::staff::write(&records.1.staff),
                _ => carecount_ascwds::training::write(&records.1.training),
            })
        })
        .await?;
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(
        &format!("attachment; filename=\"{org}-{file}.csv\"").replace(['\r', '\n'], ""),
    ) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// Totals of staff lists, so that paging through a list of a national organisation counts it
/// once per snapshot and filter. Keyed by organisation, snapshot id and creation time (a store
/// written anew at the same path gives other times) and the filter; a written snapshot has a new
/// id, so nothing is ever stale. At most [`STAFF_COUNTS_KEPT`] totals are kept.
#[derive(Debug, Default)]
pub(crate) struct StaffCounts {
    totals: std::collections::HashMap<(String, i64, String, StaffFilter), u64>,
}

/// How many staff list totals the app keeps (then it starts again).
pub(crate) const STAFF_COUNTS_KEPT: usize = 4096;

impl StaffCounts {
    fn get(&self, key: &(String, i64, String, StaffFilter)) -> Option<u64> {
        self.totals.get(key).copied()
    }

    fn put(&mut self, key: (String, i64, String, StaffFilter), total: u64) {
        if self.totals.len() >= STAFF_COUNTS_KEPT {
            self.totals.clear();
        }
        self.totals.insert(key, total);
    }
}

/// The page `window` of the organisation's current staff records that pass `filter`, with the
/// as-of date of its latest snapshot (`None`: no snapshot yet) and the number of records that
/// pass, for its owner; every administrator read is audited (as [`api::owner_records`]). Reads
/// only the page's records; the total is counted once per snapshot and filter.
pub(crate) fn owner_staff_page(
    store: &carecount_store::Store,
    state: &AppState,
    caller: &Caller,
    org: &str,
    what: &str,
    filter: &StaffFilter,
    window: PageWindow,
) -> Result<Option<(String, StaffPage)>, WebError> {
    use carecount_store::accounts::Role;
    auth::require_owner(caller, org)?;
    let scope = store.owner_scope(org)?;
    if caller.user().map(|user| user.role) == Some(Role::Admin) {
        store.audit(&caller.actor(), "admin_read", org, what)?;
    }
    let Some(snapshot) = store.snapshot_at(org, None)? else {
        return Ok(None);
    };
    let key = (
        org.to_string(),
        snapshot.id,
        snapshot.created_at.clone(),
        filter.clone(),
    );
    let cached = state
        .staff_counts()
        .lock()
        .ok()
        .and_then(|counts| counts.get(&key));
    let total = match cached {
        Some(total) => total,
        None => {
            let total = store.staff_count(&scope, &snapshot, filter)?;
            if let Ok(mut counts) = state.staff_counts().lock() {
                counts.put(key, total);
            }
            total
        }
    };
    let staff = store.staff_rows(&scope, &snapshot, filter, window)?;
    Ok(Some((
        crate::data::format_date(snapshot.as_of),
        StaffPage { total, staff },
    )))
}
