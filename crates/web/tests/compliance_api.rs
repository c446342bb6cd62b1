//! The training-compliance JSON API of `compliance.md` §9 (`compliance_api.rs`): records added
//! over the API show in the matrix and the staff answer with the status worked out by hand; bad
//! files are 422 with every message and store nothing; read-only employers cannot write; area
//! answers carry no personal field; another organisation's row cannot be deleted.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use carecount_web::{AppState, router};
use serde_json::{Value, json};

use crate::common::{self, AREA, ORG_A, ORG_B, Who, send};

/// The as-of date of every request here (the fixture's snapshot is 2025-03-31).
const AS_OF: &str = "2025-06-01";

const IMPORT_HEADER: &str = "localestid,uniqueworkerid,topic,level,completed,expires,validity,title,provider,number,revalidation_due,notes";

fn request(method: Method, path: &str, token: &str, body: Option<(&str, String)>) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let body = match body {
        Some((content_type, text)) => {
            builder = builder.header(header::CONTENT_TYPE, content_type);
            Body::from(text)
        }
        None => Body::empty(),
    };
    builder.body(body).unwrap_or_default()
}

async fn token(app: &axum::Router, who: Who) -> String {
    common::token(app, who)
        .await
        .unwrap_or_else(|| panic!("{who:?} gets a token"))
}

fn org_path(org: &str, rest: &str) -> String {
    format!("/api/v1/organisations/{org}/{rest}")
}

/// The pair of `topic` in a status answer's first staff record.
fn pair<'a>(answer: &'a Value, topic: &str) -> Option<&'a Value> {
    answer["staff"][0]["items"]
        .as_array()?
        .iter()
        .find(|item| item["topic"] == topic)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_posted_shows_in_the_staff_answer_and_the_matrix_then_can_be_deleted() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let employer = token(&app, Who::EmployerA).await;
    let (workplace, worker) = fixture.staff_a.clone();
    let record = json!({
        "workplace": workplace,
        "staff": worker,
        "topic": "fire_safety",
        "completed": "2025-05-31",
        "expires": "2028-05-14",
        "provider": "Local fire service",
    });
    let posted = send(
        &app,
        request(
            Method::POST,
            &org_path(ORG_A, &format!("training?as_of={AS_OF}")),
            &employer,
            Some(("application/json", record.to_string())),
        ),
    )
    .await;
    assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.body);
    let posted = common::json(&posted.body);
    assert_eq!(posted["stored"], 1);
    let id = posted["ids"][0].as_i64().unwrap_or_default();
    assert!(id > 0, "{posted}");

    // fire_safety completed 2025-05-31 with 2028-05-14 on the certificate (§4.3 step 1); R02's
    // 36-month cap gives add_months(2025-05-31, 36) − 1 day = 2028-05-30, later, so
    // E = 2028-05-14 (basis `expirydate`). A generated line was completed by 2025-03-31, so its
    // capped expiry is at most 2028-03-30: ours wins. From 2025-06-01 to 2028-06-01 is
    // 365 + 365 + 366 (29 Feb 2028) = 1096 days; 2028-05-14 is 18 days earlier: 1078 days left,
    // more than the 60-day window: `valid`.
    let staff = send(
        &app,
        request(
            Method::GET,
            &org_path(
                ORG_A,
                &format!("compliance/staff/{workplace}/{worker}?as_of={AS_OF}&topic=fire_safety"),
            ),
            &employer,
            None,
        ),
    )
    .await;
    assert_eq!(staff.status, StatusCode::OK, "{}", staff.body);
    let staff = common::json(&staff.body);
    assert_eq!(staff["schema"], "carecount.compliance_status.v1");
    let fire = pair(&staff, "fire_safety").unwrap_or_else(|| panic!("no pair: {staff}"));
    assert_eq!(fire["status"], "valid");
    assert_eq!(fire["expires_on"], "2028-05-14");
    assert_eq!(fire["days_left"], 1078);
    assert_eq!(fire["record"]["source"], "entered");
    assert_eq!(fire["record"]["expiry_basis"], "expirydate");
    assert_eq!(fire["class"], "statutory");
    // One pair, valid: required 1, valid 1, rate 1 ÷ 1.
    assert_eq!(staff["totals"]["required"], 1);
    assert_eq!(staff["totals"]["valid"], 1);
    assert_eq!(staff["totals"]["compliance_rate"], 1.0);

    // The matrix (JSON) lists the same cell for the staff record.
    let matrix = send(
        &app,
        request(
            Method::GET,
            &org_path(
                ORG_A,
                &format!("compliance/matrix?as_of={AS_OF}&workplace={workplace}&topic=fire_safety"),
            ),
            &employer,
            None,
        ),
    )
    .await;
    assert_eq!(matrix.status, StatusCode::OK, "{}", matrix.body);
    let matrix = common::json(&matrix.body);
    assert_eq!(matrix["schema"], "carecount.compliance_matrix.v1");
    let row = matrix["staff"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["staff"] == worker.as_str()))
        .unwrap_or_else(|| panic!("staff record A is in the matrix: {matrix}"));
    let cell = row["items"]
        .as_array()
        .and_then(|items| items.iter().find(|item| item["topic"] == "fire_safety"))
        .unwrap_or_else(|| panic!("fire_safety cell"));
    assert_eq!(cell["status"], "valid");
    assert_eq!(cell["expires_on"], "2028-05-14");

    // The matrix CSV: staff record A's row says `valid` and the date under `fire_safety`.
    let csv = send(
        &app,
        request(
            Method::GET,
            &org_path(
                ORG_A,
                &format!(
                    "compliance/matrix?as_of={AS_OF}&workplace={workplace}&topic=fire_safety&format=csv"
                ),
            ),
            &employer,
            None,
        ),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type.starts_with("text/csv"));
    let mut lines = csv.body.lines();
    assert_eq!(
        lines.next(),
        Some(
            "localestid,uniqueworkerid,displayid,mainjobrole,startdate,status,fire_safety,fire_safety_date"
        )
    );
    let line = csv
        .body
        .lines()
        .find(|line| line.starts_with(&format!("{workplace},{worker},")))
        .unwrap_or_else(|| panic!("no CSV row for staff record A: {}", csv.body));
    assert!(line.ends_with(",valid,valid,2028-05-14"), "{line}");

    // The XLSX is a workbook (a ZIP file).
    let xlsx = send(
        &app,
        request(
            Method::GET,
            &org_path(
                ORG_A,
                &format!("compliance/matrix?as_of={AS_OF}&format=xlsx"),
            ),
            &employer,
            None,
        ),
    )
    .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.body.starts_with("PK"));

    // Posting the same record again stores nothing (duplicate_record, a warning).
    let again = send(
        &app,
        request(
            Method::POST,
            &org_path(ORG_A, &format!("training?as_of={AS_OF}")),
            &employer,
            Some(("application/json", record.to_string())),
        ),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let again = common::json(&again.body);
    assert_eq!(again["stored"], 0);
    assert_eq!(again["messages"][0]["code"], "duplicate_record");

    // Employer B cannot delete org A's record, neither through its own organisation's path
    // (org B holds no such id) nor through org A's (not its organisation): 404 both.
    let employer_b = token(&app, Who::EmployerB).await;
    for org in [ORG_B, ORG_A] {
        let refused = send(
            &app,
            request(
                Method::DELETE,
                &org_path(org, &format!("training/{id}")),
                &employer_b,
                None,
            ),
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::NOT_FOUND,
            "{org}: {}",
            refused.body
        );
    }
    let list = send(
        &app,
        request(Method::GET, &org_path(ORG_A, "training"), &employer, None),
    )
    .await;
    let list = common::json(&list.body);
    assert_eq!(list["records"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["records"][0]["id"], id);
    assert_eq!(list["records"][0]["provider"], "Local fire service");

    let deleted = send(
        &app,
        request(
            Method::DELETE,
            &org_path(ORG_A, &format!("training/{id}")),
            &employer,
            None,
        ),
    )
    .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let list = send(
        &app,
        request(Method::GET, &org_path(ORG_A, "training"), &employer, None),
    )
    .await;
    assert_eq!(
        common::json(&list.body)["records"].as_array().map(Vec::len),
        Some(0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_organisations_id_is_not_found() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    // Org B's first staff record, from its matrix.
    let employer_b = token(&app, Who::EmployerB).await;
    let matrix = send(
        &app,
        request(
            Method::GET,
            &org_path(ORG_B, &format!("compliance/matrix?as_of={AS_OF}")),
            &employer_b,
            None,
        ),
    )
    .await;
    let matrix = common::json(&matrix.body);
    let workplace = matrix["staff"][0]["workplace"].as_str().unwrap_or_default();
    let worker = matrix["staff"][0]["staff"].as_str().unwrap_or_default();
    let posted = send(
        &app,
        request(
            Method::POST,
            &org_path(ORG_B, &format!("training?as_of={AS_OF}")),
            &employer_b,
            Some((
                "application/json",
                json!({"workplace": workplace, "staff": worker, "topic": "supervision", "completed": "2025-05-20"})
                    .to_string(),
            )),
        ),
    )
    .await;
    assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.body);
    let id = common::json(&posted.body)["ids"][0]
        .as_i64()
        .unwrap_or_default();
    // Employer A names org B's record under its own organisation: org A holds no such id.
    let employer_a = token(&app, Who::EmployerA).await;
    let refused = send(
        &app,
        request(
            Method::DELETE,
            &org_path(ORG_A, &format!("training/{id}")),
            &employer_a,
            None,
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    assert!(refused.content_type.starts_with("application/problem+json"));
    // The record is still there.
    let list = send(
        &app,
        request(Method::GET, &org_path(ORG_B, "training"), &employer_b, None),
    )
    .await;
    assert_eq!(
        common::json(&list.body)["records"].as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_import_is_422_with_every_message_and_stores_nothing() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let employer = token(&app, Who::EmployerA).await;
    let (workplace, worker) = fixture.staff_a.clone();
    // Line 2: a misspelt topic; line 3: no 13th month; line 4 is good but must not be stored.
    let body = format!(
        "{IMPORT_HEADER}\n\
         {workplace},{worker},fire_safty,,2025-05-01,,,,,,,\n\
         {workplace},{worker},fire_safety,,2025-13-01,,,,,,,\n\
         {workplace},{worker},health_safety,,2025-05-01,,,,,,,\n"
    );
    let answer = send(
        &app,
        request(
            Method::POST,
            &org_path(ORG_A, &format!("training/import?as_of={AS_OF}")),
            &employer,
            Some(("text/csv", body)),
        ),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert!(answer.content_type.starts_with("application/problem+json"));
    let problem = common::json(&answer.body);
    assert_eq!(problem["status"], 422);
    let messages = problem["messages"].as_array().cloned().unwrap_or_default();
    let found = |line: u64, column: &str, value: &str, code: &str| {
        messages.iter().any(|message| {
            message["line"] == line
                && message["column"] == column
                && message["value"] == value
                && message["code"] == code
                && message["file"] == "request body"
        })
    };
    assert!(
        found(2, "topic", "fire_safty", "unknown_topic"),
        "{problem}"
    );
    assert!(found(3, "completed", "2025-13-01", "bad_date"), "{problem}");
    let list = send(
        &app,
        request(Method::GET, &org_path(ORG_A, "training"), &employer, None),
    )
    .await;
    assert_eq!(
        common::json(&list.body)["records"].as_array().map(Vec::len),
        Some(0),
        "nothing stored"
    );
    // Without the two bad lines the file stores its one record.
    let good = format!("{IMPORT_HEADER}\n{workplace},{worker},health_safety,,2025-05-01,,,,,,,\n");
    let answer = send(
        &app,
        request(
            Method::POST,
            &org_path(ORG_A, &format!("training/import?as_of={AS_OF}")),
            &employer,
            Some(("text/csv", good)),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(common::json(&answer.body)["stored"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_employer_cannot_write() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let read_only = token(&app, Who::ReadOnlyA).await;
    let (workplace, worker) = fixture.staff_a.clone();
    let record = json!({"workplace": workplace, "staff": worker, "topic": "fire_safety", "completed": "2025-05-31"});
    let exemption = json!({"workplace": workplace, "staff": worker, "topic": "dementia", "reason": "long_term_absence"});
    let writes = [
        (
            Method::POST,
            "training",
            Some(("application/json", record.to_string())),
        ),
        (
            Method::POST,
            "training/import",
            Some(("text/csv", format!("{IMPORT_HEADER}\n"))),
        ),
        (Method::DELETE, "training/1", None),
        (
            Method::POST,
            "exemptions",
            Some(("application/json", exemption.to_string())),
        ),
        (Method::DELETE, "exemptions/1", None),
        (
            Method::PUT,
            "requirements",
            Some(("text/csv", String::new())),
        ),
    ];
    for (method, rest, body) in writes {
        let answer = send(
            &app,
            request(method.clone(), &org_path(ORG_A, rest), &read_only, body),
        )
        .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{method} {rest}");
    }
    // It still reads.
    let list = send(
        &app,
        request(
            Method::GET,
            &org_path(ORG_A, "requirements"),
            &read_only,
            None,
        ),
    )
    .await;
    assert_eq!(list.status, StatusCode::OK);
    // Nothing was stored by the refused writes.
    let store =
        carecount_store::Store::open(&fixture.path).unwrap_or_else(|error| panic!("open: {error}"));
    assert!(
        store
            .compliance_records(Some(ORG_A))
            .unwrap_or_default()
            .is_empty()
    );
    assert!(
        store
            .compliance_exemptions(Some(ORG_A))
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exemptions_and_requirements_check_the_statutory_floor() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let employer = token(&app, Who::EmployerA).await;
    let (workplace, worker) = fixture.staff_a.clone();
    // fire_safety is statutory (R02): `other` may not exempt it (§4.5).
    let other = json!({"workplace": workplace, "staff": worker, "topic": "fire_safety", "reason": "other", "note": "agency cover"});
    let answer = send(
        &app,
        request(
            Method::POST,
            &org_path(ORG_A, &format!("exemptions?as_of={AS_OF}")),
            &employer,
            Some(("application/json", other.to_string())),
        ),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    let problem = common::json(&answer.body);
    assert_eq!(problem["messages"][0]["code"], "statutory_exemption_reason");
    assert_eq!(problem["messages"][0]["value"], "other");
    // long_term_absence may, from 2025-05-01: on 2025-06-01 the pair is `exempt`.
    let absence = json!({"workplace": workplace, "staff": worker, "topic": "fire_safety", "reason": "long_term_absence", "from": "2025-05-01"});
    let answer = send(
        &app,
        request(
            Method::POST,
            &org_path(ORG_A, &format!("exemptions?as_of={AS_OF}")),
            &employer,
            Some(("application/json", absence.to_string())),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let staff = send(
        &app,
        request(
            Method::GET,
            &org_path(
                ORG_A,
                &format!("compliance/staff/{workplace}/{worker}?as_of={AS_OF}&topic=fire_safety"),
            ),
            &employer,
            None,
        ),
    )
    .await;
    let staff = common::json(&staff.body);
    let fire = pair(&staff, "fire_safety").unwrap_or_else(|| panic!("no pair: {staff}"));
    assert_eq!(fire["status"], "exempt");
    assert_eq!(fire["exemption"]["reason"], "long_term_absence");

    // R05 asks for safeguarding within 42 days; 90 loosens a statutory row (§3.4): 422.
    let header = "id,topic,level,roles,services,service_users,due_within_days,refresh_months,pro_rata,exempt_if,class,source,action,reason";
    let loosened =
        format!("{header}\nR05,safeguarding_adults,bronze,all,all,all,90,36,no,,,,replace,\n");
    let answer = send(
        &app,
        request(
            Method::PUT,
            &org_path(ORG_A, "requirements"),
            &employer,
            Some(("text/csv", loosened)),
        ),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    let problem = common::json(&answer.body);
    let message = &problem["messages"][0];
    assert_eq!(message["code"], "statutory_loosened");
    assert_eq!(message["line"], 2);
    assert_eq!(message["column"], "due_within_days");
    assert_eq!(message["value"], "90");
    let shown = send(
        &app,
        request(
            Method::GET,
            &org_path(ORG_A, "requirements"),
            &employer,
            None,
        ),
    )
    .await;
    assert!(
        common::json(&shown.body)["version"].is_null(),
        "nothing stored"
    );
    // Tightening is allowed: R05 due in 28 days, version 1, with a 30-day window.
    let tightened =
        format!("{header}\nR05,safeguarding_adults,bronze,all,all,all,28,36,no,,,,replace,\n");
    let answer = send(
        &app,
        request(
            Method::PUT,
            &org_path(ORG_A, "requirements?expiring_days=30"),
            &employer,
            Some(("text/csv", tightened)),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let profile = common::json(&answer.body);
    assert_eq!(profile["version"], 1);
    assert_eq!(profile["settings"]["expiring_days"], 30);
    let r05 = profile["rows"]
        .as_array()
        .and_then(|rows| {
            rows.iter()
                .find(|row| row["id"] == "R05" && row["state"] == "in_force")
        })
        .cloned()
        .unwrap_or_default();
    assert_eq!(r05["due_within_days"], 28, "{profile}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn area_answers_and_the_catalogue_hold_no_personal_field() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let commissioner = token(&app, Who::Commissioner).await;
    let costs = "topic,level,delivery,cost_per_place,cohort_size,cost_per_cohort,learner_hours,source,status\n\
         fire_safety,,elearning,30,,0,2,council framework 2025,published\n"
        .to_string();
    let answer = send(
        &app,
        request(
            Method::PUT,
            &format!("/api/v1/areas/{AREA}/training-costs"),
            &commissioner,
            Some(("text/csv", costs.clone())),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(common::json(&answer.body)["version"], 1);
    // Another area's commissioner may read but not replace them.
    let other = token(&app, Who::OtherCommissioner).await;
    let refused = send(
        &app,
        request(
            Method::PUT,
            &format!("/api/v1/areas/{AREA}/training-costs"),
            &other,
            Some(("text/csv", costs)),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // A negative cost is 422 naming line 2, the column and the value.
    let negative = "topic,level,delivery,cost_per_place,cohort_size,cost_per_cohort,learner_hours,source,status\n\
                    fire_safety,,elearning,-30,,0,2,council framework 2025,published\n";
    let answer = send(
        &app,
        request(
            Method::PUT,
            &format!("/api/v1/areas/{AREA}/training-costs"),
            &commissioner,
            Some(("text/csv", negative.to_string())),
        ),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    let problem = common::json(&answer.body);
    assert_eq!(problem["messages"][0]["line"], 2);
    assert_eq!(problem["messages"][0]["column"], "cost_per_place");
    assert_eq!(problem["messages"][0]["value"], "-30");

    let paths = [
        format!("/api/v1/areas/{AREA}/training-costs"),
        format!("/api/v1/areas/{AREA}/compliance?as_of={AS_OF}"),
        format!("/api/v1/areas/{AREA}/training-needs?as_of={AS_OF}"),
        "/api/v1/catalogue".to_string(),
    ];
    for path in &paths {
        let answer = send(&app, request(Method::GET, path, &commissioner, None)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
        if let Some(field) = fixture
            .personal
            .iter()
            .find(|field| answer.body.contains(field.as_str()))
        {
            panic!("{path} holds a personal field ({} characters)", field.len());
        }
        assert!(
            !answer.body.contains(&fixture.staff_a.1),
            "{path} names a staff reference"
        );
    }
    let costs = send(&app, request(Method::GET, &paths[0], &commissioner, None)).await;
    let costs = common::json(&costs.body);
    assert_eq!(costs["version"], 1);
    let fire = costs["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["topic"] == "fire_safety"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(fire["cost_per_place"], 30.0);
    assert_eq!(fire["origin"], "area");
    let catalogue = send(&app, request(Method::GET, &paths[3], &commissioner, None)).await;
    let catalogue = common::json(&catalogue.body);
    assert!(catalogue["topics"].as_array().is_some_and(|topics| {
        topics
            .iter()
            .any(|topic| topic["topic"] == "nmc_registration")
    }));
    // The shipped profile sfc-2024 holds R01 … R30 (§3.3).
    assert_eq!(
        catalogue["profile"]["rows"].as_array().map(Vec::len),
        Some(30)
    );
    // Anonymous callers are refused.
    let anonymous = send(
        &app,
        Request::get("/api/v1/catalogue")
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_appraisal_near_its_end_is_an_amber_alert_in_json_csv_and_ics() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let employer = token(&app, Who::EmployerA).await;
    let (workplace, worker) = fixture.staff_a.clone();
    let record = json!({"workplace": workplace, "staff": worker, "topic": "appraisal", "completed": "2024-06-20"});
    let posted = send(
        &app,
        request(
            Method::POST,
            &org_path(ORG_A, &format!("training?as_of={AS_OF}")),
            &employer,
            Some(("application/json", record.to_string())),
        ),
    )
    .await;
    assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.body);
    // Appraisal refreshes every 12 months (topics.csv; R30 has no cap): E = add_months(2024-06-20,
    // 12) − 1 day = 2025-06-19. On 2025-06-01, E − D = 18 days ≤ the 60-day window: `expiring`,
    // an amber alert raised on E − 60 = 2025-04-20 (19 Jun → 19 May is 31 days, → 20 Apr 29
    // more), due on E.
    let alerts = send(
        &app,
        request(
            Method::GET,
            &org_path(
                ORG_A,
                &format!("compliance/alerts?as_of={AS_OF}&workplace={workplace}"),
            ),
            &employer,
            None,
        ),
    )
    .await;
    assert_eq!(alerts.status, StatusCode::OK, "{}", alerts.body);
    let alerts = common::json(&alerts.body);
    assert_eq!(alerts["schema"], "carecount.compliance_alerts.v1");
    let alert = alerts["items"]
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .find(|item| item["staff"] == worker.as_str() && item["topic"] == "appraisal")
        })
        .cloned()
        .unwrap_or_else(|| panic!("no appraisal alert: {alerts}"));
    assert_eq!(alert["kind"], "expiring");
    assert_eq!(alert["rag"], "amber");
    assert_eq!(alert["raised_on"], "2025-04-20");
    assert_eq!(alert["due_on"], "2025-06-19");
    assert_eq!(alert["days_left"], 18);

    let csv = send(
        &app,
        request(
            Method::GET,
            &org_path(
                ORG_A,
                &format!("compliance/alerts?as_of={AS_OF}&workplace={workplace}&format=csv"),
            ),
            &employer,
            None,
        ),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type.starts_with("text/csv"));
    assert!(
        csv.body.lines().any(|line| line.contains(&worker)
            && line.contains("appraisal")
            && line.contains("2025-06-19")),
        "{}",
        csv.body
    );
    let ics = send(
        &app,
        request(
            Method::GET,
            &org_path(
                ORG_A,
                &format!("compliance/alerts?as_of={AS_OF}&workplace={workplace}&format=ics"),
            ),
            &employer,
            None,
        ),
    )
    .await;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(ics.content_type.starts_with("text/calendar"));
    assert!(ics.body.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(ics.body.contains("DTSTART;VALUE=DATE:20250619\r\n"));
    // A format the route does not offer is a 400 problem.
    let xlsx = send(
        &app,
        request(
            Method::GET,
            &org_path(ORG_A, "compliance/alerts?format=xlsx"),
            &employer,
            None,
        ),
    )
    .await;
    assert_eq!(xlsx.status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_every_compliance_api_route() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let answer = send(
        &app,
        Request::get("/api/v1/openapi.json")
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await;
    let document = common::json(&answer.body);
    let routes = [
        ("get", "/api/v1/organisations/{org}/compliance/matrix"),
        (
            "get",
            "/api/v1/organisations/{org}/compliance/staff/{workplace}/{staff}",
        ),
        ("get", "/api/v1/organisations/{org}/compliance/alerts"),
        ("get", "/api/v1/organisations/{org}/training"),
        ("post", "/api/v1/organisations/{org}/training"),
        ("post", "/api/v1/organisations/{org}/training/import"),
        ("delete", "/api/v1/organisations/{org}/training/{id}"),
        ("post", "/api/v1/organisations/{org}/exemptions"),
        ("delete", "/api/v1/organisations/{org}/exemptions/{id}"),
        ("get", "/api/v1/organisations/{org}/requirements"),
        ("put", "/api/v1/organisations/{org}/requirements"),
        ("get", "/api/v1/areas/{area}/training-costs"),
        ("put", "/api/v1/areas/{area}/training-costs"),
        ("get", "/api/v1/catalogue"),
    ];
    for (method, path) in routes {
        let summary = document["paths"][path][method]["summary"]
            .as_str()
            .unwrap_or_default();
        assert!(summary.len() > 20, "{method} {path} has no summary");
    }
}
