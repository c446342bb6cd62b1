//! Training compliance in the web app (`compliance.md` §9): the employer's training matrix and
//! its CSV, the organisation JSON, and the area answers (disclosure-controlled, no staff
//! reference or personal field).

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use carecount_store::Store;
use carecount_store::compliance::NewComplianceRecord;
use carecount_web::{AppState, router};
use time::macros::date;

use crate::common::{self, AREA, ORG_A, Who, send};

/// The as-of date of every request here (the fixture's snapshot is 2025-03-31).
const AS_OF: &str = "2025-06-01";

fn record(
    staff_id: i64,
    topic: &str,
    completed: time::Date,
    expires: Option<time::Date>,
) -> NewComplianceRecord {
    NewComplianceRecord {
        staff_id,
        topic: topic.to_string(),
        level: None,
        completed: Some(completed),
        expires,
        validity_months: None,
        title: String::new(),
        provider: String::new(),
        number: String::new(),
        revalidation_due: None,
        notes: String::new(),
    }
}

/// Adds entered records for the fixture's staff record of org A; returns its main job role.
fn add_records(fixture: &common::Fixture) -> u32 {
    let mut store = Store::open(&fixture.path).unwrap_or_else(|error| panic!("open: {error}"));
    let scope = store
        .owner_scope(ORG_A)
        .unwrap_or_else(|error| panic!("scope: {error}"));
    let snapshot = store
        .snapshot_at(ORG_A, None)
        .unwrap_or_else(|error| panic!("snapshot: {error}"))
        .unwrap_or_else(|| panic!("no snapshot"));
    let refs = store
        .compliance_staff(&scope, &snapshot)
        .unwrap_or_else(|error| panic!("refs: {error}"));
    let (workplace, worker) = &fixture.staff_a;
    let staff_id = refs
        .iter()
        .find(|found| &found.localestid == workplace && &found.unique_worker_id == worker)
        .map(|found| found.staff_id)
        .unwrap_or_else(|| panic!("staff record A has an id"));
    let records = store
        .org_records(&scope, &snapshot)
        .unwrap_or_else(|error| panic!("records: {error}"));
    let role = records
        .staff
        .iter()
        .find(|staff| &staff.localestid == workplace && &staff.unique_worker_id == worker)
        .map(|staff| staff.main_job_role)
        .unwrap_or_else(|| panic!("staff record A"));
    store
        .add_compliance_records(
            "test",
            ORG_A,
            &[
                record(
                    staff_id,
                    "fire_safety",
                    date!(2025 - 05 - 31),
                    Some(date!(2028 - 05 - 14)),
                ),
                record(staff_id, "supervision", date!(2025 - 05 - 20), None),
            ],
        )
        .unwrap_or_else(|error| panic!("add: {error}"));
    role
}

fn get(path: &str, cookie: Option<&str>, token: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(path);
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    builder.body(Body::empty()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_matrix_shows_an_added_record_in_words_and_exports_it() {
    let fixture = common::fixture();
    add_records(&fixture);
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, _) = common::session(&app, Who::EmployerA)
        .await
        .unwrap_or_else(|| panic!("employer A signs in"));
    let (workplace, worker) = &fixture.staff_a;
    // fire_safety completed 2025-05-31, expiry 2028-05-14 on the certificate (§4.3 step 1);
    // R02's 36-month cap gives add_months(2025-05-31, 36) − 1 day = 2028-05-30, later, so
    // E = 2028-05-14. Any generated line was completed by 2025-03-31, so its capped expiry is at
    // most 2028-03-30: ours wins. On 2025-06-01 that is about three years away: valid.
    let page = send(
        &app,
        get(
            &format!("/organisations/{ORG_A}/training?as_of={AS_OF}&workplace={workplace}&topic=fire_safety"),
            Some(&cookie),
            None,
        ),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Valid to 14 May 2028"), "{}", page.body);
    assert!(page.body.contains("govuk-tag--green"));
    assert!(page.body.contains("Compliance rate"));

    let csv = send(
        &app,
        get(
            &format!("/organisations/{ORG_A}/training?as_of={AS_OF}&topic=fire_safety&format=csv"),
            Some(&cookie),
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
    let ours = csv
        .body
        .lines()
        .find(|line| line.starts_with(&format!("{workplace},{worker},")))
        .unwrap_or_else(|| panic!("a line for staff record A: {}", csv.body));
    assert!(ours.ends_with(",valid,2028-05-14"), "{ours}");

    // An unknown status filter is a bad request, not an empty page.
    let bad = send(
        &app,
        get(
            &format!("/organisations/{ORG_A}/training?status=purple"),
            Some(&cookie),
            None,
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organisation_json_lists_a_staff_record_and_what_expires() {
    let fixture = common::fixture();
    let role = add_records(&fixture);
    let app = router(AppState::new(fixture.path.clone()));
    let token = common::token(&app, Who::EmployerA)
        .await
        .unwrap_or_default();
    let (workplace, worker) = &fixture.staff_a;
    let status = send(
        &app,
        get(
            &format!(
                "/api/v1/organisations/{ORG_A}/compliance?as_of={AS_OF}&workplace={workplace}&staff={worker}"
            ),
            None,
            Some(&token),
        ),
    )
    .await;
    assert_eq!(status.status, StatusCode::OK, "{}", status.body);
    let json = common::json(&status.body);
    assert_eq!(json["schema"], "carecount.compliance_status.v1");
    assert_eq!(json["audience"], "employer");
    assert_eq!(json["as_of"], AS_OF);
    let items = json["staff"][0]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let fire = items
        .iter()
        .find(|item| item["topic"] == "fire_safety")
        .unwrap_or_else(|| panic!("a fire_safety item: {json}"));
    assert_eq!(fire["status"], "valid");
    assert_eq!(fire["expires_on"], "2028-05-14");

    // Supervision held on 2025-05-20 keeps a record in date to add_months(d, 3) − 1 day =
    // 2025-08-19 under R28; a social worker (role 6) also has R29, capped at one month:
    // 2025-06-19, which then decides. Both fall within 90 days of 2025-06-01.
    let expected = if role == 6 {
        "2025-06-19"
    } else {
        "2025-08-19"
    };
    let expiring = send(
        &app,
        get(
            &format!("/api/v1/organisations/{ORG_A}/compliance/expiring?as_of={AS_OF}&days=90"),
            None,
            Some(&token),
        ),
    )
    .await;
    assert_eq!(expiring.status, StatusCode::OK, "{}", expiring.body);
    let json = common::json(&expiring.body);
    assert_eq!(json["schema"], "carecount.compliance_expiring.v1");
    let found = json["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .find(|item| item["staff"] == worker.as_str() && item["topic"] == "supervision")
        .unwrap_or_else(|| panic!("supervision of staff record A expires: {json}"));
    assert_eq!(found["expires_on"], expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_employers_commissioners_and_strangers_are_kept_out_of_the_organisation() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    for path in [
        format!("/api/v1/organisations/{ORG_A}/compliance"),
        format!("/api/v1/organisations/{ORG_A}/compliance/expiring"),
    ] {
        assert_eq!(
            send(&app, get(&path, None, None)).await.status,
            StatusCode::UNAUTHORIZED
        );
        for who in [Who::EmployerB, Who::Commissioner] {
            let token = common::token(&app, who).await.unwrap_or_default();
            let answer = send(&app, get(&path, None, Some(&token))).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path} as {who:?}");
        }
    }
    for who in [Who::EmployerB, Who::Commissioner] {
        let (cookie, _) = common::session(&app, who)
            .await
            .unwrap_or_else(|| panic!("{who:?} signs in"));
        let answer = send(
            &app,
            get(
                &format!("/organisations/{ORG_A}/training"),
                Some(&cookie),
                None,
            ),
        )
        .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{who:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn area_answers_hold_no_staff_reference_or_personal_field() {
    let fixture = common::fixture();
    add_records(&fixture);
    let app = router(AppState::new(fixture.path.clone()));
    let token = common::token(&app, Who::Commissioner)
        .await
        .unwrap_or_default();
    let (cookie, _) = common::session(&app, Who::Commissioner)
        .await
        .unwrap_or_else(|| panic!("the commissioner signs in"));
    let (_, worker) = &fixture.staff_a;
    let answers = [
        send(
            &app,
            get(
                &format!("/api/v1/areas/{AREA}/compliance?as_of={AS_OF}"),
                None,
                Some(&token),
            ),
        )
        .await,
        send(
            &app,
            get(
                &format!("/api/v1/areas/{AREA}/training-needs?as_of={AS_OF}"),
                None,
                Some(&token),
            ),
        )
        .await,
        send(
            &app,
            get(
                &format!("/areas/{AREA}/training-needs?as_of={AS_OF}"),
                Some(&cookie),
                None,
            ),
        )
        .await,
        send(
            &app,
            get(
                &format!("/areas/{AREA}/training-needs?as_of={AS_OF}&format=csv"),
                Some(&cookie),
                None,
            ),
        )
        .await,
    ];
    for answer in &answers {
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        if let Some(field) = fixture
            .personal
            .iter()
            .find(|field| answer.body.contains(field.as_str()))
        {
            panic!(
                "an area answer holds a personal field ({} characters)",
                field.len()
            );
        }
        assert!(
            !answer.body.contains(&format!("\"{worker}\""))
                && !answer.body.contains(&format!(",{worker},")),
            "an area answer names a staff record"
        );
    }
    let status = common::json(&answers[0].body);
    assert_eq!(status["schema"], "carecount.compliance_status.v1");
    assert_eq!(status["audience"], "commissioner");
    assert!(status["staff"].is_null());
    assert_eq!(status["group"]["area"], AREA);
    let tna = common::json(&answers[1].body);
    assert_eq!(tna["schema"], "carecount.tna.v1");
    assert_eq!(tna["audience"], "commissioner");
    // A 12-month horizon from 2025-06-01.
    assert_eq!(tna["horizon_months"], 12);
    assert!(answers[2].body.contains("Places and cost by topic"));
    assert!(answers[3].content_type.starts_with("text/csv"));
    assert!(
        answers[3]
            .body
            .starts_with("topic,level,class,delivery,missing")
    );

    // The workbook: an XLSX file is a ZIP archive, whose first bytes are "PK".
    let xlsx = send(
        &app,
        get(
            &format!("/areas/{AREA}/training-needs?as_of={AS_OF}&format=xlsx"),
            Some(&cookie),
            None,
        ),
    )
    .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.content_type.contains("spreadsheetml"));
    assert!(xlsx.body.starts_with("PK"));

    // An area without workplaces is a 404 problem; anonymous callers get 401.
    let nowhere = send(
        &app,
        get("/api/v1/areas/E09000001/compliance", None, Some(&token)),
    )
    .await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    let anonymous = send(
        &app,
        get(&format!("/api/v1/areas/{AREA}/training-needs"), None, None),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_employer_adds_a_registration_after_fixing_an_error() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, csrf) = common::session(&app, Who::EmployerA)
        .await
        .unwrap_or_else(|| panic!("employer A signs in"));
    let (workplace, worker) = &fixture.staff_a;
    let path = format!("/organisations/{ORG_A}/workplaces/{workplace}/staff/{worker}/training");
    let page = send(&app, get(&path, Some(&cookie), None)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("What is required, and why"));
    assert!(page.body.contains("Add record"));
    let post = |body: String| {
        Request::post(&path)
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap_or_default()
    };
    // No topic: an error summary, nothing stored.
    let invalid = send(
        &app,
        post(format!("csrf={csrf}&topic=&completed=2025-05-01")),
    )
    .await;
    assert_eq!(
        invalid.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        invalid.body
    );
    assert!(invalid.body.contains("govuk-error-summary"));
    let stored = |fixture: &common::Fixture| {
        Store::open(&fixture.path)
            .and_then(|store| store.compliance_records(Some(ORG_A)))
            .map(|records| records.len())
            .unwrap_or(usize::MAX)
    };
    assert_eq!(stored(&fixture), 0);
    // A wrong CSRF token is refused.
    let forged = send(
        &app,
        post(format!(
            "csrf={}&topic=appraisal&completed=2025-05-01",
            "0".repeat(64)
        )),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&fixture), 0);
    // An appraisal held on 2025-05-01: stored, and the page follows.
    let done = send(
        &app,
        post(format!(
            "csrf={csrf}&topic=appraisal&completed=2025-05-01&level=&expires=&number=&revalidation_due=&provider=&notes="
        )),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location, path);
    assert_eq!(stored(&fixture), 1);
    // Read-only employers see the page without the form.
    let (reader, _) = common::session(&app, Who::ReadOnlyA)
        .await
        .unwrap_or_else(|| panic!("reader signs in"));
    let page = send(&app, get(&path, Some(&reader), None)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Add record"));
}
