//! Projections in the web app (issue 6, "Done when"): a commissioner saves a scenario for their
//! area, runs it and downloads the result; the API runs a scenario body; bad scenarios are 422.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use carecount_web::{AppState, router};

use crate::common::{self, AREA, OTHER_AREA, Who, send};

/// A small scenario: three years on the fixture's data set (as of its import date).
const SMALL: &str = "format = 1
name = \"Small\"

[run]
area = \"E99999999\"
as_of = \"2025-03-31\"
horizon_years = 3
";

/// Percent-encodes a form value (every byte but ASCII letters and digits).
fn form_value(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

fn api_post(path: &str, token: Option<&str>, body: &str) -> Request<Body> {
    let mut builder = Request::post(path).header(header::CONTENT_TYPE, "application/toml");
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    builder
        .body(Body::from(body.to_string()))
        .unwrap_or_default()
}

fn form_post(path: &str, cookie: &str, body: String) -> Request<Body> {
    Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_runs_a_scenario_for_the_commissioners_area_only() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let token = common::token(&app, Who::Commissioner)
        .await
        .unwrap_or_else(|| panic!("the commissioner gets a token"));
    let path = format!("/api/v1/areas/{AREA}/projections?runs=5&seed=7");
    let answer = send(&app, api_post(&path, Some(&token), SMALL)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(answer.content_type.starts_with("application/json"));
    let projection = common::json(&answer.body);
    assert_eq!(projection["schema"], "carecount.projection.v1");
    // The query's runs and seed win over the scenario's; the web forces the commissioner
    // audience whatever the scenario says.
    assert_eq!(projection["runs"], 5);
    assert_eq!(projection["seed"], 7);
    assert_eq!(projection["audience"], "commissioner");
    assert_eq!(projection["horizon_years"], 3);
    let rows = projection["rows"].as_array().cloned().unwrap_or_default();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|row| row["area"] == AREA));

    // The same run as CSV: the §10 header with a column per percentile (10, 50, 90).
    let csv_path = format!("/api/v1/areas/{AREA}/projections?runs=5&seed=7&format=csv");
    let csv = send(&app, api_post(&csv_path, Some(&token), SMALL)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.body.lines().next(),
        Some("scenario,area,year,period,role_group,setting,sector,measure,det,mean,p10,p50,p90")
    );

    // `[run] area` is forced to the path's area: a scenario naming another area still runs
    // for this one.
    let elsewhere = SMALL.replace(AREA, OTHER_AREA);
    let forced = send(&app, api_post(&path, Some(&token), &elsewhere)).await;
    assert_eq!(forced.status, StatusCode::OK, "{}", forced.body);
    let forced = common::json(&forced.body);
    let forced_rows = forced["rows"].as_array().cloned().unwrap_or_default();
    assert!(!forced_rows.is_empty());
    assert!(forced_rows.iter().all(|row| row["area"] == AREA));

    // A bad key: `are` on line 5, column 1 (lines: format, name, blank, [run], are).
    let bad = "format = 1\nname = \"x\"\n\n[run]\nare = \"E99999999\"\n";
    let answer = send(&app, api_post(&path, Some(&token), bad)).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.content_type.starts_with("application/problem+json"));
    let problem = common::json(&answer.body);
    assert_eq!(problem["status"], 422);
    assert_eq!(problem["line"], 5);
    assert_eq!(problem["column"], 1);
    assert_eq!(problem["value"], "are");

    // Too many runs: 400 before anything runs.
    let many = format!("/api/v1/areas/{AREA}/projections?runs=1001");
    let answer = send(&app, api_post(&many, Some(&token), SMALL)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);

    // Employers and the other area's commissioner: 403; nobody: 401.
    for who in [Who::EmployerA, Who::OtherCommissioner] {
        let other = common::token(&app, who).await;
        let answer = send(&app, api_post(&path, other.as_deref(), SMALL)).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{who:?}");
    }
    let answer = send(&app, api_post(&path, None, SMALL)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commissioner_saves_a_scenario_runs_it_and_downloads_the_result() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, csrf) = common::session(&app, Who::Commissioner)
        .await
        .unwrap_or_else(|| panic!("the commissioner signs in"));
    let page_path = format!("/areas/{AREA}/projections");
    let page = send(
        &app,
        Request::get(&page_path)
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("No scenario is saved"));
    // The form is prefilled with the example scenario (quotes escaped in the textarea).
    assert!(page.body.contains("area = &quot;E99999999&quot;"));

    // A bad scenario: the error summary shows line 5, column 1 and the value.
    let bad = "format = 1\nname = \"x\"\n\n[run]\nare = \"E99999999\"\n";
    let answer = send(
        &app,
        form_post(
            &page_path,
            &cookie,
            format!("csrf={csrf}&name=Bad&toml={}", form_value(bad)),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("govuk-error-summary"));
    assert!(answer.body.contains("Line 5, column 1"), "{}", answer.body);
    assert!(answer.body.contains("“are”"));

    // A wrong CSRF token is refused.
    let answer = send(
        &app,
        form_post(
            &page_path,
            &cookie,
            format!("csrf=nope&name=Small&toml={}", form_value(SMALL)),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);

    let answer = send(
        &app,
        form_post(
            &page_path,
            &cookie,
            format!("csrf={csrf}&name=Small+run&toml={}", form_value(SMALL)),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let page = send(
        &app,
        Request::get(&page_path)
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await;
    assert!(page.body.contains("Small run"));
    let marker = format!("action=\"{page_path}/");
    let start = page
        .body
        .find(&marker)
        .map(|start| start + marker.len())
        .unwrap_or_else(|| panic!("no run form"));
    let id: String = page
        .body
        .get(start..)
        .unwrap_or_default()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(!id.is_empty());
    let run_path = format!("{page_path}/{id}/run");

    // Download as JSON.
    let answer = send(
        &app,
        form_post(
            &run_path,
            &cookie,
            format!("csrf={csrf}&runs=5&seed=3&format=json"),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(answer.content_type.starts_with("application/json"));
    let projection = common::json(&answer.body);
    assert_eq!(projection["schema"], "carecount.projection.v1");
    assert_eq!(projection["runs"], 5);
    assert_eq!(projection["seed"], 3);
    assert_eq!(projection["audience"], "commissioner");

    // Run and view: the HTML projection inline.
    let answer = send(
        &app,
        form_post(&run_path, &cookie, format!("csrf={csrf}&runs=5&seed=3")),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.content_type.starts_with("text/html"));
    assert!(answer.body.contains("<svg"), "the page has fan charts");

    // More than 1,000 runs: 400.
    let answer = send(
        &app,
        form_post(&run_path, &cookie, format!("csrf={csrf}&runs=1001")),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);

    // The other area's commissioner cannot run it, even through their own area's path (the
    // scenario belongs to this area): 403 here, 404 there.
    let (other_cookie, other_csrf) = common::session(&app, Who::OtherCommissioner)
        .await
        .unwrap_or_else(|| panic!("the other commissioner signs in"));
    let answer = send(
        &app,
        form_post(&run_path, &other_cookie, format!("csrf={other_csrf}")),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let answer = send(
        &app,
        form_post(
            &format!("/areas/{OTHER_AREA}/projections/{id}/run"),
            &other_cookie,
            format!("csrf={other_csrf}"),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}
