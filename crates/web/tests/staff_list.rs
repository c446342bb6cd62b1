//! The staff list page and `GET /api/v1/organisations/{org}/staff` read one page of records from
//! the store (issue 5, "Speed"): filters, windows and totals. Expected lists come from the
//! organisation's complete records (`org_records`) filtered here by the rules the page states.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use carecount_domain::Staff;
use carecount_web::{AppState, router};
use tower::ServiceExt;

use crate::common::{self, ORG_A, Who, fixture, send};

/// Organisation A's records in upload order (the list's order).
fn records_of_a(fixture: &common::Fixture) -> Vec<Staff> {
    let store =
        carecount_store::Store::open(&fixture.path).unwrap_or_else(|error| panic!("open: {error}"));
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
}

/// (status, X-Total-Count, worker IDs) of an API call.
async fn api(app: &axum::Router, token: &str, query: &str) -> (StatusCode, String, Vec<String>) {
    let response = app
        .clone()
        .oneshot(
            Request::get(format!("/api/v1/organisations/{ORG_A}/staff{query}"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap_or_default(),
        )
        .await
        .unwrap_or_else(|error| match error {});
    let status = response.status();
    let total = response
        .headers()
        .get("x-total-count")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let value = common::json(&String::from_utf8_lossy(&bytes));
    let workers = value["staff"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|record| {
            record["unique_worker_id"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    (status, total, workers)
}

fn workers(records: &[&Staff]) -> Vec<String> {
    records
        .iter()
        .map(|staff| staff.unique_worker_id.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_filters_and_windows_the_list_and_counts_every_match() {
    let fixture = fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let token = common::token(&app, Who::EmployerA)
        .await
        .unwrap_or_default();
    let all = records_of_a(&fixture);
    let everyone: Vec<&Staff> = all.iter().collect();
    // No query: all 40 records, in upload order, as before.
    let (status, total, listed) = api(&app, &token, "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((total.as_str(), listed.clone()), ("40", workers(&everyone)));
    // offset 30, limit 15 of 40: records 31 to 40, i.e. 10 of them; the total is still 40.
    let (_, total, listed) = api(&app, &token, "?offset=30&limit=15").await;
    assert_eq!(total, "40");
    assert_eq!(listed.len(), 10);
    assert_eq!(listed, workers(&everyone[30..]));
    // Past the end: nothing, total 40.
    let (_, total, listed) = api(&app, &token, "?offset=40&limit=5").await;
    assert_eq!((total.as_str(), listed.len()), ("40", 0));
    // Each filter alone, against the records filtered here.
    let first = all.first().unwrap_or_else(|| panic!("org A has staff"));
    let role = first.main_job_role;
    let contract = first.contract;
    let workplace = first.localestid.clone();
    let cases: [(String, Vec<&Staff>); 3] = [
        (
            format!("?role={role}"),
            all.iter().filter(|s| s.main_job_role == role).collect(),
        ),
        (
            format!("?contract={contract}"),
            all.iter().filter(|s| s.contract == contract).collect(),
        ),
        (
            format!("?workplace={workplace}&role={role}"),
            all.iter()
                .filter(|s| s.localestid == workplace && s.main_job_role == role)
                .collect(),
        ),
    ];
    for (query, expected) in cases {
        let (_, total, listed) = api(&app, &token, &query).await;
        assert!(!expected.is_empty(), "{query}: the first record passes");
        assert_eq!(total, expected.len().to_string(), "{query}");
        assert_eq!(listed, workers(&expected), "{query}");
    }
    // The search finds the first record by its worker ID in another case, and its own name.
    let by_worker = format!("?q={}", first.unique_worker_id.to_lowercase());
    let (_, _, listed) = api(&app, &token, &by_worker).await;
    assert!(listed.contains(&first.unique_worker_id), "{by_worker}");
    let expected: Vec<&Staff> = all
        .iter()
        .filter(|s| {
            let needle = first.personal.display_id.to_uppercase().to_lowercase();
            s.personal.display_id.to_lowercase().contains(&needle)
                || s.unique_worker_id.to_lowercase().contains(&needle)
        })
        .collect();
    let by_name = format!(
        "?q={}",
        first.personal.display_id.to_uppercase().replace(' ', "%20")
    );
    let (_, total, listed) = api(&app, &token, &by_name).await;
    assert_eq!(total, expected.len().to_string(), "{by_name}");
    assert_eq!(listed, workers(&expected), "{by_name}");
    // Words where numbers belong: 400 problem.
    let (status, _, _) = api(&app, &token, "?role=carer").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Another organisation's employer: 403 before any query is read.
    let other = common::token(&app, Who::EmployerB)
        .await
        .unwrap_or_default();
    let (status, _, _) = api(&app, &other, "?role=carer").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_the_filtered_count_and_pages() {
    let fixture = fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, csrf) = common::session(&app, Who::EmployerA)
        .await
        .unwrap_or_else(|| panic!("employer A signs in"));
    let page = |query: String| {
        let cookie = cookie.clone();
        let app = app.clone();
        async move {
            send(
                &app,
                Request::get(format!("/organisations/{ORG_A}/staff{query}"))
                    .header(header::COOKIE, cookie)
                    .body(Body::empty())
                    .unwrap_or_default(),
            )
            .await
        }
    };
    // 40 records, 50 a page: one page.
    let answer = page(String::new()).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer.body.contains("40 records found. Page 1 of 1."),
        "{}",
        answer.body
    );
    assert!(!answer.body.contains("rel=\"next\""));
    let all = records_of_a(&fixture);
    let first = all.first().unwrap_or_else(|| panic!("org A has staff"));
    let in_workplace = all
        .iter()
        .filter(|s| s.localestid == first.localestid)
        .count();
    let answer = page(format!("?workplace={}", first.localestid)).await;
    assert!(
        answer
            .body
            .contains(&format!("{in_workplace} records found. Page 1 of 1.")),
        "{}",
        answer.body
    );
    // The first record's row links to it.
    assert!(answer.body.contains(&format!(
        "/workplaces/{}/staff/{}",
        first.localestid, first.unique_worker_id
    )));
    // Page 2 of a one-page list is empty but still counts the matches.
    let answer = page("?page=2".to_string()).await;
    assert!(answer.body.contains("40 records found. Page 2 of 1."));
    assert!(!answer.body.contains(&first.personal.display_id));
    assert!(answer.body.contains("rel=\"prev\""));
    // Deleting a record writes a new snapshot: the (kept) total follows it, 40 − 1 = 39.
    let deleted = send(
        &app,
        Request::post(format!(
            "/organisations/{ORG_A}/workplaces/{}/staff/{}/delete",
            first.localestid, first.unique_worker_id
        ))
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={csrf}&reason=left")))
        .unwrap_or_default(),
    )
    .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
    let answer = page(String::new()).await;
    assert!(
        answer.body.contains("39 records found. Page 1 of 1."),
        "{}",
        answer.body
    );
    let answer = page(format!("?workplace={}", first.localestid)).await;
    assert!(
        answer
            .body
            .contains(&format!("{} records found.", in_workplace - 1)),
        "{}",
        answer.body
    );
}
