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

    // The XLSX of the same view: a header row, then staff record A's line with its date as a
    // date. 2028-05-14 as an Excel serial (days from 1899-12-30): 2000-01-01 is 36526; to
    // 2028-01-01 add 28 × 365 + 7 leap days (2000 … 2024) = 10227 → 46753; 14 May is day
    // 31 + 29 + 31 + 30 + 14 = 135 of a leap year → 46753 + 134 = 46887.
    let response = tower::ServiceExt::oneshot(
        app.clone(),
        get(
            &format!("/organisations/{ORG_A}/training?as_of={AS_OF}&topic=fire_safety&format=xlsx"),
            Some(&cookie),
            None,
        ),
    )
    .await
    .unwrap_or_else(|error| match error {});
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
            .unwrap_or_else(|error| panic!("an XLSX: {error}"));
    let range = calamine::Reader::worksheet_range(&mut workbook, "Training matrix")
        .unwrap_or_else(|error| panic!("the sheet: {error}"));
    let rows: Vec<&[calamine::Data]> = range.rows().collect();
    let header: Vec<String> = rows
        .first()
        .map(|row| row.iter().map(ToString::to_string).collect())
        .unwrap_or_default();
    assert_eq!(
        header.join(","),
        "localestid,uniqueworkerid,displayid,mainjobrole,startdate,status,fire_safety,fire_safety_date"
    );
    // As many staff rows as the CSV had lines after its header.
    assert_eq!(rows.len(), csv.body.lines().count());
    let ours = rows
        .iter()
        .find(|row| {
            row.first() == Some(&calamine::Data::String(workplace.clone()))
                && row.get(1) == Some(&calamine::Data::String(worker.clone()))
        })
        .unwrap_or_else(|| panic!("a row for staff record A"));
    assert_eq!(
        ours.get(6),
        Some(&calamine::Data::String("valid".to_string()))
    );
    match ours.get(7) {
        Some(calamine::Data::DateTime(when)) => assert_eq!(when.as_f64(), 46887.0),
        other => panic!("the expiry is a date: {other:?}"),
    }
    assert!(matches!(ours.get(3), Some(calamine::Data::Float(_))));

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
        // §9: another employer is not told the organisation exists (404); a commissioner is
        // refused (403).
        for (who, status) in [
            (Who::EmployerB, StatusCode::NOT_FOUND),
            (Who::Commissioner, StatusCode::FORBIDDEN),
        ] {
            let token = common::token(&app, who).await.unwrap_or_default();
            let answer = send(&app, get(&path, None, Some(&token))).await;
            assert_eq!(answer.status, status, "{path} as {who:?}");
        }
    }
    for (who, status) in [
        (Who::EmployerB, StatusCode::NOT_FOUND),
        (Who::Commissioner, StatusCode::FORBIDDEN),
    ] {
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
        assert_eq!(answer.status, status, "{who:?}");
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
        send(
            &app,
            get(
                &format!("/areas/{AREA}/compliance?as_of={AS_OF}"),
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
    // Area compliance: rates beside England; the fixture's workplaces are England's too, and
    // staff record A's fire safety line makes fire safety a required topic.
    assert!(answers[4].body.contains("Training compliance in"));
    assert!(answers[4].body.contains("England rate"));
    assert!(
        answers[4].body.contains("Fire safety"),
        "{}",
        answers[4].body
    );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_alerts_page_lists_and_exports_dates() {
    let fixture = common::fixture();
    add_records(&fixture);
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, _) = common::session(&app, Who::EmployerA)
        .await
        .unwrap_or_else(|| panic!("employer A signs in"));
    let base = format!("/organisations/{ORG_A}/training/alerts");
    let page = send(
        &app,
        get(&format!("{base}?as_of={AS_OF}"), Some(&cookie), None),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Training alerts"));
    assert!(page.body.contains("format=ics"));

    let csv = send(
        &app,
        get(
            &format!("{base}?as_of={AS_OF}&format=csv"),
            Some(&cookie),
            None,
        ),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type.starts_with("text/csv"));
    assert!(csv.body.starts_with(
        "workplace,staff,displayid,job_role,topic,level,class,status,detail,expires_on,days_left,due_on,rows,deciding_row,kind,rag,raised_on\r\n"
    ));

    // Staff record A's fire safety expires 2028-05-14. From 2025-06-01, 1200 days reach
    // 2028-09-13 (2025-06-01 + 365 = 2026-06-01, + 365 = 2027-06-01, + 366 = 2028-06-01, then
    // 104 more days: 29 in June, 31 in July, 31 in August, 13 in September): the calendar holds
    // the date. The default 365 days end 2026-06-01: it does not.
    let ics = |days: &str| {
        let path = format!("{base}?as_of={AS_OF}&format=ics{days}");
        let request = get(&path, Some(&cookie), None);
        let app = app.clone();
        async move { send(&app, request).await }
    };
    let long = ics("&days=1200").await;
    assert_eq!(long.status, StatusCode::OK);
    assert!(long.content_type.starts_with("text/calendar"));
    assert!(long.body.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(
        long.body.contains("DTSTART;VALUE=DATE:20280514\r\n"),
        "{}",
        long.body
    );
    let short = ics("").await;
    assert!(!short.body.contains("DTSTART;VALUE=DATE:20280514"));

    // An unknown format is refused.
    let bad = send(
        &app,
        get(&format!("{base}?format=pdf"), Some(&cookie), None),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

/// A multipart upload of the requirements form.
fn upload(path: &str, cookie: &str, csrf: &str, file: &str, expiring_days: &str) -> Request<Body> {
    let boundary = "carecount-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"requirements\"; filename=\"ours.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"expiring_days\"\r\n\r\n{expiring_days}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"due_soon_days\"\r\n\r\n30\r\n\
         --{boundary}--\r\n"
    );
    Request::post(path)
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requirements_upload_names_each_error_and_changes_nothing() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, csrf) = common::session(&app, Who::EmployerA)
        .await
        .unwrap_or_else(|| panic!("employer A signs in"));
    let path = format!("/organisations/{ORG_A}/requirements");
    let page = send(&app, get(&path, Some(&cookie), None)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("The shipped profile"));
    assert!(page.body.contains("R05"));
    assert!(page.body.contains("Check and save"));

    // compliance.md §11 test 17: line 3 an unknown topic, line 4 refresh −12, line 5 role 12,
    // lines 6 and 7 alike but due 42 and 84.
    let header_line = "id,topic,level,roles,services,service_users,due_within_days,refresh_months,pro_rata,exempt_if,class,source,action,reason\n";
    let bad = format!(
        "{header_line}L01,fire_safety,,all,all,all,7,12,no,,,,add,\n\
         L02,safeguard_adults,,all,all,all,42,,no,,,,add,\n\
         L03,fire_safety,,all,all,all,7,-12,no,,,,add,\n\
         L04,medication,,12,all,all,84,,no,,,,add,\n\
         L05,medication,,8,all,all,42,,no,,,,add,\n\
         L06,medication,,8,all,all,84,,no,,,,add,\n"
    );
    let refused = send(&app, upload(&path, &cookie, &csrf, &bad, "60")).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("govuk-error-summary"));
    assert!(
        refused
            .body
            .contains("ours.csv, line 3, column topic, value “safeguard_adults”"),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("line 4, column refresh_months, value “-12”")
    );
    assert!(refused.body.contains("line 5, column roles, value “12”"));
    let after = send(&app, get(&path, Some(&cookie), None)).await;
    assert!(after.body.contains("The shipped profile"), "nothing stored");

    // A window out of range is named too, and nothing is stored.
    let window = send(&app, upload(&path, &cookie, &csrf, header_line, "400")).await;
    assert_eq!(window.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        window.body.contains("href=\"#expiring_days\""),
        "{}",
        window.body
    );

    // §11 test 10: removing R15 with a reason is accepted and listed as loosened.
    let good = format!("{header_line}R15,,,,,,,,,,,,remove,\"day service, no medicines\"\n");
    let saved = send(&app, upload(&path, &cookie, &csrf, &good, "90")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(
        saved.location.ends_with("/requirements?saved=1"),
        "{}",
        saved.location
    );
    let shown = send(&app, get(&saved.location, Some(&cookie), None)).await;
    assert!(shown.body.contains("version 1"), "{}", shown.body);
    assert!(shown.body.contains("Loosened"));
    assert!(shown.body.contains("Reason: day service, no medicines"));
    assert!(shown.body.contains("90 days"));

    // A read-only employer sees the rows but no form, and may not post.
    let (reader, reader_csrf) = common::session(&app, Who::ReadOnlyA)
        .await
        .unwrap_or_else(|| panic!("reader signs in"));
    let read = send(&app, get(&path, Some(&reader), None)).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.body.contains("Check and save"));
    let denied = send(&app, upload(&path, &reader, &reader_csrf, &good, "60")).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}

/// The staff records of org A in its snapshot, as (LOCALESTID, UNIQUEWORKERID, MAINJOBROLE),
/// read straight from the store (not through the compliance code).
fn staff_of_a(fixture: &common::Fixture) -> Vec<(String, String, u32)> {
    let store = Store::open(&fixture.path).unwrap_or_else(|error| panic!("open: {error}"));
    let scope = store
        .owner_scope(ORG_A)
        .unwrap_or_else(|error| panic!("scope: {error}"));
    let snapshot = store
        .snapshot_at(ORG_A, None)
        .unwrap_or_else(|error| panic!("snapshot: {error}"))
        .unwrap_or_else(|| panic!("no snapshot"));
    store
        .org_records(&scope, &snapshot)
        .unwrap_or_else(|error| panic!("records: {error}"))
        .staff
        .iter()
        .map(|staff| {
            (
                staff.localestid.clone(),
                staff.unique_worker_id.clone(),
                staff.main_job_role,
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_matrix_filters_by_job_role_and_class_and_so_do_its_downloads() {
    let fixture = common::fixture();
    let role = add_records(&fixture);
    let staff = staff_of_a(&fixture);
    // Counted straight from the store: every staff record of org A, and those of staff record
    // A's job role. The filter must keep exactly the latter (and the fixture must have other
    // roles too, or the filter could not be seen to work).
    let total = staff.len();
    let of_role = staff.iter().filter(|(_, _, code)| *code == role).count();
    assert!(of_role >= 1 && of_role < total, "{of_role} of {total}");
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, _) = common::session(&app, Who::EmployerA)
        .await
        .unwrap_or_else(|| panic!("employer A signs in"));
    let fetch = |query: String| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move {
            send(
                &app,
                get(
                    &format!("/organisations/{ORG_A}/training?as_of={AS_OF}&{query}"),
                    Some(&cookie),
                    None,
                ),
            )
            .await
        }
    };

    // Job role: the CSV holds a header and one line per staff record of that role, each with
    // that MAINJOBROLE in its fourth column.
    let all = fetch("format=csv".to_string()).await;
    assert_eq!(all.body.lines().count(), total + 1);
    let by_role = fetch(format!("job_role={role}&format=csv")).await;
    assert_eq!(by_role.status, StatusCode::OK, "{}", by_role.body);
    assert_eq!(
        by_role.body.lines().count(),
        of_role + 1,
        "{}",
        by_role.body
    );
    for line in by_role.body.lines().skip(1) {
        assert_eq!(
            line.split(',').nth(3),
            Some(role.to_string().as_str()),
            "{line}"
        );
    }
    // The XLSX of the same view: a header row and the same staff rows.
    let response = tower::ServiceExt::oneshot(
        app.clone(),
        get(
            &format!("/organisations/{ORG_A}/training?as_of={AS_OF}&job-role={role}&format=xlsx"),
            Some(&cookie),
            None,
        ),
    )
    .await
    .unwrap_or_else(|error| match error {});
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
            .unwrap_or_else(|error| panic!("an XLSX: {error}"));
    let range = calamine::Reader::worksheet_range(&mut workbook, "Training matrix")
        .unwrap_or_else(|error| panic!("the sheet: {error}"));
    assert_eq!(range.rows().count(), of_role + 1);

    // Class: staff record A holds fire_safety (R02, statutory) and supervision (R28,
    // recommended) from `add_records`. Its workplace's statutory view has a fire_safety column
    // and no supervision or appraisal column (R30, recommended); the recommended view the other
    // way round.
    let (workplace, worker) = &fixture.staff_a;
    let statutory = fetch(format!("workplace={workplace}&class=statutory&format=csv")).await;
    let header = statutory
        .body
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(header.contains(",fire_safety,"), "{header}");
    assert!(
        !header.contains("supervision") && !header.contains("appraisal"),
        "{header}"
    );
    let recommended = fetch(format!(
        "workplace={workplace}&class=recommended&format=csv"
    ))
    .await;
    let header = recommended
        .body
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(header.contains(",supervision,"), "{header}");
    assert!(!header.contains("fire_safety"), "{header}");
    assert!(
        recommended
            .body
            .lines()
            .any(|line| line.starts_with(&format!("{workplace},{worker},"))),
        "{}",
        recommended.body
    );

    // The page keeps both choices in its GET form and in its download links.
    let page = fetch(format!("job_role={role}&class=statutory")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"name="job_role""#), "{}", page.body);
    assert!(
        page.body
            .contains(&format!(r#"<option value="{role}" selected>"#)),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"<option value="statutory" selected>"#));
    assert!(
        page.body
            .contains(&format!("job_role={role}&amp;class=statutory"))
    );
    assert!(page.body.contains(&format!("{of_role} staff record(s)")));

    // An unknown class is a bad request.
    let bad = fetch("class=mandatory".to_string()).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_area_dashboard_links_to_the_areas_training_needs_and_compliance() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, _) = common::session(&app, Who::Commissioner)
        .await
        .unwrap_or_else(|| panic!("the commissioner signs in"));
    let page = send(&app, get(&format!("/areas/{AREA}"), Some(&cookie), None)).await;
    assert_eq!(page.status, StatusCode::OK);
    for (href, words) in [
        (format!("/areas/{AREA}/training-needs"), "Training needs"),
        (format!("/areas/{AREA}/compliance"), "Area compliance"),
    ] {
        assert!(
            page.body.contains(&format!(r#"href="{href}">{words}</a>"#)),
            "{href}: {}",
            page.body
        );
        // Each link leads to a page the commissioner may open.
        let target = send(&app, get(&href, Some(&cookie), None)).await;
        assert_eq!(target.status, StatusCode::OK, "{href}");
    }
}

/// Counts of a staff list's pairs by status: (valid, expiring, expired, missing, not yet due),
/// for pairs of `class` whose deciding record is an ASC-WDS training line when `ascwds_only`.
fn demo_counts(statuses: &[carecount_compliance::StaffStatus], ascwds_only: bool) -> [usize; 5] {
    use carecount_compliance::{RecordSource, Status};
    let mut counts = [0; 5];
    for pair in statuses.iter().flat_map(|status| &status.pairs) {
        let from_ascwds = pair
            .record
            .as_ref()
            .is_some_and(|record| record.source == RecordSource::Ascwds);
        if ascwds_only && !from_ascwds {
            continue;
        }
        let slot = match pair.status {
            Status::Valid => 0,
            Status::Expiring => 1,
            Status::Expired => 2,
            Status::Missing => 3,
            Status::NotYetDue => 4,
            _ => continue,
        };
        if let Some(count) = counts.get_mut(slot) {
            *count += 1;
        }
    }
    counts
}

#[test]
fn the_demo_organisation_reads_as_a_manager_would_recognise_it() {
    use carecount_ascwds::{Given, InputFile};
    use carecount_compliance::from_store::{default_as_of, load_org};
    use carecount_store::AreaAssignment;
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("tempdir: {error}"));
    let mut store =
        Store::open(&dir.path().join("demo.db")).unwrap_or_else(|error| panic!("open: {error}"));
    let org = carecount_generate::demo_orgs()
        .into_iter()
        .find(|org| org.id == "demo-care")
        .unwrap_or_else(|| panic!("the demo has demo-care"));
    for (year, as_of) in carecount_generate::DEMO_DATES.iter().enumerate() {
        let upload = carecount_generate::demo_upload(&org, year);
        let file = |path: &str, text: String| {
            Some(InputFile {
                path: path.to_string(),
                bytes: text.into_bytes(),
            })
        };
        let given = Given::Explicit {
            workplace: file("workplace.csv", upload.workplace),
            staff: file("staff.csv", upload.staff),
            training: file("training.csv", upload.training),
        };
        let place = |_: &carecount_domain::Workplace| {
            Some(AreaAssignment {
                code: AREA.to_string(),
                name: "Demo LA".to_string(),
                region_code: Some("E12000003".to_string()),
            })
        };
        carecount_store::ingest::import(
            &mut store,
            "demo-care",
            *as_of,
            given,
            &place,
            false,
            &mut |_, _| {},
        )
        .unwrap_or_else(|error| panic!("import of {as_of}: {error}"));
    }

    // Without a date, a read describes the data's own date: the latest upload (2025-03-31),
    // not a "today" twenty months later when every yearly refresher has lapsed.
    let today = date!(2026 - 12 - 02);
    let as_of = default_as_of(&store, Some("demo-care"), today)
        .unwrap_or_else(|error| panic!("default date: {error}"));
    assert_eq!(as_of, date!(2025 - 03 - 31));
    let statuses = load_org(&store, "demo-care", as_of)
        .unwrap_or_else(|error| panic!("load: {error}"))
        .statuses();

    // The ASC-WDS lines as dated by the generator (only pairs their lines decide). Bounds, by
    // hand: a line written in an upload is completed within its validity 80% of the time (the
    // rest up to a year overdue). The last upload holds the year's starters' lines and new
    // courses (≥ 80% in date: a new course is completed in the year to D, inside any validity
    // of 12 months or more), and lines carried from earlier uploads, of which the expired ones
    // were refreshed half the time each year. Even if every carried line had lapsed and only
    // the refreshed half counted, at least half of the deciding lines are in date; at most the
    // 20% placed overdue plus the unrefreshed half of lapsed carried lines, so below 45%, are
    // expired. Lines completed in the last 60 days of a 12-month validity (60 ÷ 365 ≈ 16% of
    // in-date yearly lines) read "expiring".
    let [valid, expiring, expired, _, _] = demo_counts(&statuses, true);
    let decided = valid + expiring + expired;
    assert!(decided > 100, "{decided}");
    let in_date = (valid + expiring) as f64 / decided as f64;
    assert!(
        (0.5..=0.95).contains(&in_date),
        "{valid} {expiring} {expired}"
    );
    assert!(expiring > 0 && expired > 0, "{valid} {expiring} {expired}");
    assert!((expired as f64) < 0.45 * decided as f64);

    // New starters inside their induction window show "Due by" cells: the last year's starters
    // (about a quarter of 350 staff records, spread over the year) include some who started in
    // the 84 days of health and safety's grace (R01) before D, and ASC-WDS lines cover a
    // topic only now and then.
    let [_, _, _, _, not_yet_due] = demo_counts(&statuses, false);
    assert!(not_yet_due >= 5, "{not_yet_due}");

    // Twenty months on, the same records read far worse: that is what "today" showed.
    let later = load_org(&store, "demo-care", today)
        .unwrap_or_else(|error| panic!("load: {error}"))
        .statuses();
    let [later_valid, later_expiring, later_expired, _, _] = demo_counts(&later, true);
    let later_in_date = (later_valid + later_expiring) as f64
        / (later_valid + later_expiring + later_expired) as f64;
    assert!(later_in_date < in_date, "{later_in_date} vs {in_date}");
}
