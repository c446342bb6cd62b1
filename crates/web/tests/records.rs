//! Staff record forms: validated by the bulk-upload rules through the import path.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use carecount_web::{AppState, router};

use crate::common::{self, ORG_A, Who, send};

async fn staff_of_a(app: &axum::Router, token: &str) -> Vec<serde_json::Value> {
    let answer = send(
        app,
        Request::get(format!("/api/v1/organisations/{ORG_A}/staff"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await;
    common::json(&answer.body)["staff"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn post(path: &str, cookie: &str, body: String) -> Request<Body> {
    Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_a_record_with_an_error_fix_it_change_it_and_delete_it() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, csrf) = common::session(&app, Who::EmployerA)
        .await
        .unwrap_or_else(|| panic!("employer A signs in"));
    let token = common::token(&app, Who::EmployerA)
        .await
        .unwrap_or_default();
    let before = staff_of_a(&app, &token).await;
    // The fixture generated 40 staff records for organisation A.
    assert_eq!(before.len(), 40);
    let role = before
        .first()
        .and_then(|record| record["main_job_role"].as_u64())
        .unwrap_or_else(|| panic!("a job role"));
    let workplace = fixture.staff_a.0.clone();
    let new_path = format!("/organisations/{ORG_A}/staff/new");
    let fields = |job_role: &str| {
        format!(
            "csrf={csrf}&workplace={workplace}&worker=FORM1&display_id=Form+Person&ni_number=&dob=&postcode=&contract=1&start_date=&job_role={job_role}"
        )
    };

    // No main job role: the upload rule's error, beside the field; nothing saved.
    let answer = send(&app, post(&new_path, &cookie, fields(""))).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("govuk-error-summary"));
    assert!(
        answer.body.contains("href=\"#job_role\""),
        "{}",
        answer.body
    );
    assert_eq!(staff_of_a(&app, &token).await.len(), 40);

    // Fixed: saved, 40 + 1 records.
    let answer = send(&app, post(&new_path, &cookie, fields(&role.to_string()))).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let after = staff_of_a(&app, &token).await;
    assert_eq!(after.len(), 41);
    assert!(after.iter().any(
        |record| record["unique_worker_id"] == "FORM1" && record["display_id"] == "Form Person"
    ));

    // Changed: the new name is stored, still 41 records.
    let base = format!("/organisations/{ORG_A}/workplaces/{workplace}/staff/FORM1");
    let answer = send(
        &app,
        post(
            &format!("{base}/edit"),
            &cookie,
            format!(
                "csrf={csrf}&display_id=Renamed+Person&ni_number=&dob=&postcode=&contract=1&start_date=&job_role={role}"
            ),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let after = staff_of_a(&app, &token).await;
    assert_eq!(after.len(), 41);
    assert!(
        after
            .iter()
            .any(|record| record["unique_worker_id"] == "FORM1"
                && record["display_id"] == "Renamed Person")
    );

    // Deleted (a leaver): back to 40, and the reason is in the audit log.
    let answer = send(
        &app,
        post(
            &format!("{base}/delete"),
            &cookie,
            format!("csrf={csrf}&reason=moved+away"),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(staff_of_a(&app, &token).await.len(), 40);
    let log = carecount_store::Store::open(&fixture.path)
        .and_then(|store| store.audit_log())
        .unwrap_or_default();
    assert!(
        log.iter()
            .any(|entry| entry.action == "staff_delete (left: moved away)")
    );

    // Read-only users and other employers cannot use the forms.
    for who in [Who::ReadOnlyA, Who::EmployerB] {
        let (cookie, csrf) = common::session(&app, who)
            .await
            .unwrap_or_else(|| panic!("{who:?} signs in"));
        let answer = send(
            &app,
            post(&new_path, &cookie, format!("csrf={csrf}&job_role={role}")),
        )
        .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{who:?}");
    }
}
