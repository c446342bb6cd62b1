//! Bulk upload in the browser: check (dry run, nothing changes) → confirm → a new snapshot.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use carecount_web::{AppState, router};
use time::macros::date;

use crate::common::{self, Who, send};

const BOUNDARY: &str = "carecount-test-boundary";

fn multipart(csrf: &str, files: &[(&str, &str)]) -> Body {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"as_of\"\r\n\r\n2025-03-31\r\n"
    );
    for (name, content) in files {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.csv\"\r\n\
             Content-Type: text/csv\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    Body::from(body)
}

fn upload_request(cookie: &str, org: &str, body: Body) -> Request<Body> {
    Request::post(format!("/organisations/{org}/upload"))
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .unwrap_or_default()
}

fn hidden(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker)? + marker.len();
    Some(
        page.get(start..)?
            .chars()
            .take_while(|c| *c != '"')
            .collect(),
    )
}

fn orgs(path: &std::path::Path) -> Vec<String> {
    carecount_store::Store::open(path)
        .and_then(|store| store.orgs())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_is_checked_then_confirmed_and_a_bad_one_changes_nothing() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, csrf) = common::session(&app, Who::Admin)
        .await
        .unwrap_or_else(|| panic!("admin signs in"));
    let upload = carecount_generate::generate(&carecount_generate::GenerateOptions {
        workplaces: 2,
        staff: 12,
        seed: 33,
        as_of: date!(2025 - 03 - 31),
    })
    .unwrap_or_else(|error| panic!("generate: {error}"));

    // A staff file whose only record has three of its 44 columns: an error, nothing changes.
    let header = upload.staff.lines().next().unwrap_or_default().to_string();
    let broken = format!("{header}\nWP00001,W0001,NEW\n");
    let answer = send(
        &app,
        upload_request(
            &cookie,
            "org-c",
            multipart(
                &csrf,
                &[("workplace", &upload.workplace), ("staff", &broken)],
            ),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer.body.contains("govuk-error-summary"),
        "{}",
        answer.body
    );
    assert!(!answer.body.contains("Confirm and save"));
    assert!(!orgs(&fixture.path).contains(&"org-c".to_string()));

    // Without the CSRF token: refused.
    let answer = send(
        &app,
        upload_request(
            &cookie,
            "org-c",
            multipart(
                "forged",
                &[("workplace", &upload.workplace), ("staff", &upload.staff)],
            ),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);

    // The clean upload: checked, nothing written yet.
    let answer = send(
        &app,
        upload_request(
            &cookie,
            "org-c",
            multipart(
                &csrf,
                &[
                    ("workplace", &upload.workplace),
                    ("staff", &upload.staff),
                    ("training", &upload.training),
                ],
            ),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(answer.body.contains("What will change"));
    // A first upload of 2 workplaces and 12 staff records: all new.
    assert!(
        answer.body.contains(
            ">Workplaces</th><td class=\"govuk-table__cell govuk-table__cell--numeric\">2</td>"
        ),
        "{}",
        answer.body
    );
    assert!(answer.body.contains(
        ">Staff records</th><td class=\"govuk-table__cell govuk-table__cell--numeric\">12</td>"
    ));
    let token = hidden(&answer.body, "upload").unwrap_or_else(|| panic!("a confirm form"));
    assert!(
        !orgs(&fixture.path).contains(&"org-c".to_string()),
        "a check writes nothing"
    );

    let confirm = |token: &str| {
        Request::post("/organisations/org-c/upload/confirm")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}&upload={token}")))
            .unwrap_or_default()
    };
    let saved = send(&app, confirm(&token)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("Upload saved"));
    assert!(orgs(&fixture.path).contains(&"org-c".to_string()));
    // A token is used once.
    assert_eq!(
        send(&app, confirm(&token)).await.status,
        StatusCode::NOT_FOUND
    );

    // The new records are the organisation's: 12 staff records through the API.
    let api_token = common::token(&app, Who::Admin).await.unwrap_or_default();
    let staff = send(
        &app,
        Request::get("/api/v1/organisations/org-c/staff")
            .header(header::AUTHORIZATION, format!("Bearer {api_token}"))
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await;
    assert_eq!(
        common::json(&staff.body)["staff"].as_array().map(Vec::len),
        Some(12)
    );
}
