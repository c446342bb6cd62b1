//! The authorization matrix (issue 5, "Tests"): every route of the router × every role, with
//! the expected status, and no personal field in any answer to a commissioner or anonymous
//! caller. The routes come from `carecount_web::route_table()`, the table `router()` is built
//! from: a new route without a row here fails `every_route_has_a_row`.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use carecount_web::{AppState, RouteInfo, route_table, router};

use crate::common::{self, AREA, EVERYONE, ORG_A, OTHER_AREA, PASSWORD, Who, fixture, send};

const OK: u16 = 200;
const SEE_OTHER: u16 = 303;
const UNAUTHORIZED: u16 = 401;
const FORBIDDEN: u16 = 403;
const BAD_REQUEST: u16 = 400;
const NOT_FOUND: u16 = 404;
const UNPROCESSABLE: u16 = 422;

/// The expected status of each route for each role, in [`EVERYONE`] order:
/// anonymous, employer A, employer B, read-only A, commissioner of the area, commissioner of
/// another area, admin. Requests use organisation A, the commissioner's area and a staff
/// record of A. Pages answer "not signed in" with a redirect to the sign-in page (303).
fn expectations() -> HashMap<(&'static str, &'static str), [u16; 7]> {
    let owner_api = [UNAUTHORIZED, OK, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK];
    let owner_page = [SEE_OTHER, OK, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK];
    let signed_in_page = [SEE_OTHER, OK, OK, OK, OK, OK, OK];
    let admin_page = [
        SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,
    ];
    let admin_invalid = [
        SEE_OTHER,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        UNPROCESSABLE,
    ];
    let everyone = [OK; 7];
    let editor_page = [
        SEE_OTHER, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,
    ];
    let editor_invalid = [
        SEE_OTHER,
        UNPROCESSABLE,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        UNPROCESSABLE,
    ];
    let editor_post = [
        SEE_OTHER,
        BAD_REQUEST,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        BAD_REQUEST,
    ];
    let projections_page = [
        SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK,
    ];
    let projections_invalid = [
        SEE_OTHER,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        UNPROCESSABLE,
        FORBIDDEN,
        UNPROCESSABLE,
    ];
    let compliance_owner = [UNAUTHORIZED, OK, NOT_FOUND, OK, FORBIDDEN, FORBIDDEN, OK];
    let compliance_page = [SEE_OTHER, OK, NOT_FOUND, OK, FORBIDDEN, FORBIDDEN, OK];
    let compliance_write = [
        UNAUTHORIZED,
        OK,
        NOT_FOUND,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        OK,
    ];
    let compliance_invalid = [
        UNAUTHORIZED,
        UNPROCESSABLE,
        NOT_FOUND,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        UNPROCESSABLE,
    ];
    let compliance_missing = [
        UNAUTHORIZED,
        NOT_FOUND,
        NOT_FOUND,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        NOT_FOUND,
    ];
    HashMap::from([
        // The anonymous column sends a wrong password.
        (
            ("POST", "/api/v1/auth/token"),
            [UNAUTHORIZED, OK, OK, OK, OK, OK, OK],
        ),
        (
            ("GET", "/api/v1/me"),
            [UNAUTHORIZED, OK, OK, OK, OK, OK, OK],
        ),
        (("GET", "/api/v1/openapi.json"), everyone),
        (("GET", "/api/v1/organisations/{org}/workplaces"), owner_api),
        (("GET", "/api/v1/organisations/{org}/staff"), owner_api),
        // Area aggregates: open to every caller, disclosure-controlled (interfaces.md).
        (("GET", "/api/v1/areas/{area}/metrics/{name}"), everyone),
        (("GET", "/api/v1/areas/{area}/profile"), everyone),
        (("GET", "/"), [SEE_OTHER; 7]),
        (
            ("GET", "/sign-in"),
            [
                OK, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER,
            ],
        ),
        // The anonymous column sends a wrong password.
        (
            ("POST", "/sign-in"),
            [
                UNAUTHORIZED,
                SEE_OTHER,
                SEE_OTHER,
                SEE_OTHER,
                SEE_OTHER,
                SEE_OTHER,
                SEE_OTHER,
            ],
        ),
        (("POST", "/sign-out"), [SEE_OTHER; 7]),
        (("GET", "/organisations/{org}"), owner_page),
        (("GET", "/organisations/{org}/workplaces"), owner_page),
        (("GET", "/organisations/{org}/staff"), owner_page),
        (
            (
                "GET",
                "/organisations/{org}/workplaces/{workplace}/staff/{worker}",
            ),
            owner_page,
        ),
        (("GET", "/organisations/{org}/staff/new"), editor_page),
        // The matrix posts only the CSRF token: a NEW line with every field blank fails
        // validation (422, nothing changed).
        (("POST", "/organisations/{org}/staff/new"), editor_invalid),
        (
            (
                "GET",
                "/organisations/{org}/workplaces/{workplace}/staff/{worker}/edit",
            ),
            editor_page,
        ),
        // A blank DISPLAYID fails even on an UPDATE line (ascwds-formats.md §1.5): 422.
        (
            (
                "POST",
                "/organisations/{org}/workplaces/{workplace}/staff/{worker}/edit",
            ),
            editor_invalid,
        ),
        // Employer A deletes the record; the admin, coming after, finds it gone (404).
        (
            (
                "POST",
                "/organisations/{org}/workplaces/{workplace}/staff/{worker}/delete",
            ),
            [
                SEE_OTHER, SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND,
            ],
        ),
        (("GET", "/organisations/{org}/export/{file}"), owner_page),
        (("GET", "/organisations/{org}/upload"), editor_page),
        // The matrix posts a plain form, not a multipart upload: 400 once allowed.
        (("POST", "/organisations/{org}/upload"), editor_post),
        // The matrix posts no `upload` field: 400 once allowed.
        (("POST", "/organisations/{org}/upload/confirm"), editor_post),
        (("GET", "/areas/{area}"), signed_in_page),
        (("GET", "/areas/{area}/download/{format}"), signed_in_page),
        // Projections: the area's commissioner and admins only.
        (("GET", "/areas/{area}/projections"), projections_page),
        // The matrix posts only the CSRF token: no name, no scenario → 422 with the errors.
        (("POST", "/areas/{area}/projections"), projections_invalid),
        // `{id}` is the spare user's id, no saved scenario: 404 once allowed.
        (
            ("POST", "/areas/{area}/projections/{id}/run"),
            [
                SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN, NOT_FOUND,
            ],
        ),
        // The matrix body (`csrf=…`) is not a valid scenario: 422 once allowed.
        (
            ("POST", "/api/v1/areas/{area}/projections"),
            [
                UNAUTHORIZED,
                FORBIDDEN,
                FORBIDDEN,
                FORBIDDEN,
                UNPROCESSABLE,
                FORBIDDEN,
                UNPROCESSABLE,
            ],
        ),
        // Training compliance (compliance.md §9): organisation answers for its owners; area
        // answers for any signed-in caller, always disclosure-controlled.
        // Other employers get 404 on every organisation compliance path (§9).
        (
            ("GET", "/api/v1/organisations/{org}/compliance"),
            compliance_owner,
        ),
        (
            ("GET", "/api/v1/organisations/{org}/compliance/expiring"),
            compliance_owner,
        ),
        (
            ("GET", "/api/v1/areas/{area}/compliance"),
            [UNAUTHORIZED, OK, OK, OK, OK, OK, OK],
        ),
        (
            ("GET", "/api/v1/areas/{area}/training-needs"),
            [UNAUTHORIZED, OK, OK, OK, OK, OK, OK],
        ),
        (("GET", "/organisations/{org}/training"), compliance_page),
        // The matrix deleted staff record A earlier in table order (the delete row above), so
        // those who may see or edit it find it gone: 404.
        (
            (
                "GET",
                "/organisations/{org}/workplaces/{workplace}/staff/{worker}/training",
            ),
            [
                SEE_OTHER, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND,
            ],
        ),
        (
            (
                "POST",
                "/organisations/{org}/workplaces/{workplace}/staff/{worker}/training",
            ),
            [
                SEE_OTHER, NOT_FOUND, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND,
            ],
        ),
        (("GET", "/areas/{area}/training-needs"), signed_in_page),
        // Compliance pages (compliance.md §9): alerts and requirements for the organisation's
        // owners (other employers 404); the upload for its editors (the matrix posts a plain
        // form, not the multipart upload: 400); area compliance for any signed-in caller,
        // disclosure-controlled.
        (
            ("GET", "/organisations/{org}/training/alerts"),
            compliance_page,
        ),
        (
            ("GET", "/organisations/{org}/requirements"),
            compliance_page,
        ),
        (
            ("POST", "/organisations/{org}/requirements"),
            [
                SEE_OTHER,
                BAD_REQUEST,
                NOT_FOUND,
                FORBIDDEN,
                FORBIDDEN,
                FORBIDDEN,
                BAD_REQUEST,
            ],
        ),
        (("GET", "/areas/{area}/compliance"), signed_in_page),
        // The compliance API (compliance.md §9, compliance_api.rs): other employers 404,
        // commissioners 403. Staff record A was deleted earlier in table order: 404.
        (
            ("GET", "/api/v1/organisations/{org}/compliance/matrix"),
            compliance_owner,
        ),
        (
            (
                "GET",
                "/api/v1/organisations/{org}/compliance/staff/{workplace}/{staff}",
            ),
            [
                UNAUTHORIZED,
                NOT_FOUND,
                NOT_FOUND,
                NOT_FOUND,
                FORBIDDEN,
                FORBIDDEN,
                NOT_FOUND,
            ],
        ),
        (
            ("GET", "/api/v1/organisations/{org}/compliance/alerts"),
            compliance_owner,
        ),
        (
            ("GET", "/api/v1/organisations/{org}/training"),
            compliance_owner,
        ),
        // The body names a staff record nobody holds: 422 (unknown_staff), nothing stored.
        (
            ("POST", "/api/v1/organisations/{org}/training"),
            compliance_invalid,
        ),
        // A file of the header alone: checked, nothing to store.
        (
            ("POST", "/api/v1/organisations/{org}/training/import"),
            compliance_write,
        ),
        // `{id}` (the spare user's id) is no record of org A: 404 once allowed.
        (
            ("DELETE", "/api/v1/organisations/{org}/training/{id}"),
            compliance_missing,
        ),
        (
            ("POST", "/api/v1/organisations/{org}/exemptions"),
            compliance_invalid,
        ),
        (
            ("DELETE", "/api/v1/organisations/{org}/exemptions/{id}"),
            compliance_missing,
        ),
        (
            ("GET", "/api/v1/organisations/{org}/requirements"),
            compliance_owner,
        ),
        // An empty file: no rows of the organisation's own, a new profile version.
        (
            ("PUT", "/api/v1/organisations/{org}/requirements"),
            compliance_write,
        ),
        (
            ("GET", "/api/v1/areas/{area}/training-costs"),
            [UNAUTHORIZED, OK, OK, OK, OK, OK, OK],
        ),
        // One valid unit-costs row: the area's commissioner and admins store it.
        (
            ("PUT", "/api/v1/areas/{area}/training-costs"),
            [
                UNAUTHORIZED,
                FORBIDDEN,
                FORBIDDEN,
                FORBIDDEN,
                OK,
                FORBIDDEN,
                OK,
            ],
        ),
        (
            ("GET", "/api/v1/catalogue"),
            [UNAUTHORIZED, OK, OK, OK, OK, OK, OK],
        ),
        (("GET", "/admin"), admin_page),
        (("GET", "/admin/users"), admin_page),
        (("POST", "/admin/users/{id}/password"), admin_page),
        (("GET", "/admin/audit"), admin_page),
        (("GET", "/admin/users/new"), admin_page),
        // The matrix posts only the CSRF token: no email, no role → 422 with the errors.
        (("POST", "/admin/users/new"), admin_invalid),
        // `{id}` is the spare user.
        (("GET", "/admin/users/{id}"), admin_page),
        // No role posted → 422.
        (("POST", "/admin/users/{id}"), admin_invalid),
        // The admin disables the spare user, then enables it again (table order).
        (("POST", "/admin/users/{id}/disable"), admin_page),
        (("POST", "/admin/users/{id}/enable"), admin_page),
        // Organisations and areas (administrators only); `{org}` is organisation A.
        (("GET", "/admin/organisations"), admin_page),
        (("GET", "/admin/organisations/{org}"), admin_page),
        (("GET", "/admin/areas"), admin_page),
        // The matrix posts only the CSRF token: no commissioner, area or action → 422.
        (("POST", "/admin/areas"), admin_invalid),
        // API tokens: every signed-in user manages their own.
        (("GET", "/account/tokens"), signed_in_page),
        // No name posted → 422.
        (
            ("POST", "/account/tokens"),
            [
                SEE_OTHER,
                UNPROCESSABLE,
                UNPROCESSABLE,
                UNPROCESSABLE,
                UNPROCESSABLE,
                UNPROCESSABLE,
                UNPROCESSABLE,
            ],
        ),
        // `{id}` (the spare user's id) is no token's hash: 404 for everyone signed in.
        (
            ("POST", "/account/tokens/{id}/revoke"),
            [
                SEE_OTHER, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
            ],
        ),
        (("GET", "/assets/{*file}"), everyone),
    ])
}

#[test]
fn every_route_has_a_row() {
    let table = expectations();
    let missing: Vec<_> = route_table()
        .into_iter()
        .filter(|info| !table.contains_key(&(info.method, info.path)))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a matrix row: {missing:?}"
    );
    assert_eq!(
        table.len(),
        route_table().len(),
        "a matrix row names no route"
    );
}

/// Credentials of one role for the matrix.
struct Credentials {
    token: Option<String>,
    session: Option<(String, String)>,
}

fn concrete_path(info: &RouteInfo, fixture: &common::Fixture, format: &str) -> String {
    info.path
        .replace("{org}", ORG_A)
        .replace("{area}", AREA)
        .replace("{name}", "staff_records")
        .replace("{workplace}", &fixture.staff_a.0)
        .replace("{worker}", &fixture.staff_a.1)
        .replace("{staff}", &fixture.staff_a.1)
        .replace("{id}", &fixture.spare_id.to_string())
        .replace("{*file}", "govuk-frontend.min.css")
        .replace("{format}", format)
        .replace("{file}", "staff")
}

async fn request_for(
    app: &axum::Router,
    info: &RouteInfo,
    who: Who,
    credentials: &Credentials,
    path: &str,
) -> Request<Body> {
    let mut builder = Request::builder().method(info.method).uri(path);
    let mut body = Body::empty();
    match (info.method, info.path) {
        ("POST", "/api/v1/auth/token") => {
            let (email, password) = if who == Who::Anonymous {
                (Who::EmployerA.email(), "wrong")
            } else {
                (who.email(), PASSWORD)
            };
            builder = builder.header(header::CONTENT_TYPE, "application/json");
            body =
                Body::from(serde_json::json!({"email": email, "password": password}).to_string());
        }
        ("POST", "/sign-in") => {
            let (email, password) = if who == Who::Anonymous {
                (Who::EmployerA.email(), "wrong")
            } else {
                (who.email(), PASSWORD)
            };
            builder = builder.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            body = Body::from(format!(
                "email={}&password={}",
                email.replace('@', "%40"),
                password.replace(' ', "+")
            ));
        }
        ("POST", "/sign-out") => {
            // A fresh session, so that signing out does not end the one the matrix uses.
            if who != Who::Anonymous
                && let Some((cookie, csrf)) = common::session(app, who).await
            {
                builder = builder
                    .header(header::COOKIE, cookie)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                body = Body::from(format!("csrf={csrf}"));
            }
            return builder.body(body).unwrap_or_default();
        }
        // The compliance API's writes: a JSON record or exemption of a staff record nobody
        // holds, a training file of the header alone, an empty requirements file, one valid
        // unit-costs row.
        ("POST", "/api/v1/organisations/{org}/training") => {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
            body = Body::from(
                serde_json::json!({"workplace": "NO-SUCH-WORKPLACE", "staff": "NO-SUCH-STAFF",
                    "topic": "fire_safety", "completed": "2025-01-01"})
                .to_string(),
            );
        }
        ("POST", "/api/v1/organisations/{org}/exemptions") => {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
            body = Body::from(
                serde_json::json!({"workplace": "NO-SUCH-WORKPLACE", "staff": "NO-SUCH-STAFF",
                    "topic": "dementia", "reason": "long_term_absence"})
                .to_string(),
            );
        }
        ("POST", "/api/v1/organisations/{org}/training/import") => {
            builder = builder.header(header::CONTENT_TYPE, "text/csv");
            body = Body::from(
                "localestid,uniqueworkerid,topic,level,completed,expires,validity,title,provider,number,revalidation_due,notes\n",
            );
        }
        ("PUT", "/api/v1/areas/{area}/training-costs") => {
            builder = builder.header(header::CONTENT_TYPE, "text/csv");
            body = Body::from(
                "topic,level,delivery,cost_per_place,cohort_size,cost_per_cohort,learner_hours,source,status\n\
                 fire_safety,,elearning,30,,0,2,council framework,published\n",
            );
        }
        ("POST", _) => {
            if let Some((_, csrf)) = &credentials.session {
                builder = builder.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                body = Body::from(format!("csrf={csrf}"));
            }
        }
        _ => {}
    }
    if info.path.starts_with("/api/") {
        if let Some(token) = &credentials.token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
    } else if let Some((cookie, _)) = &credentials.session {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder.body(body).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_role_as_expected_and_commissioners_see_no_personal_field() {
    let fixture = fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let table = expectations();
    let mut credentials = Vec::new();
    for who in EVERYONE {
        let credential = if who == Who::Anonymous {
            Credentials {
                token: None,
                session: None,
            }
        } else {
            let token = common::token(&app, who).await;
            let session = common::session(&app, who).await;
            assert!(token.is_some(), "{who:?} gets an API token");
            assert!(session.is_some(), "{who:?} can sign in");
            Credentials { token, session }
        };
        credentials.push(credential);
    }
    let mut failures = Vec::new();
    for info in route_table() {
        let expected = table
            .get(&(info.method, info.path))
            .unwrap_or_else(|| panic!("no matrix row for {info:?}"));
        let formats: &[&str] = if info.path.contains("{format}") {
            &["json", "html", "csv", "xlsx"]
        } else {
            &["-"]
        };
        for format in formats {
            let path = concrete_path(&info, &fixture, format);
            for (index, who) in EVERYONE.iter().enumerate() {
                let request = request_for(&app, &info, *who, &credentials[index], &path).await;
                let answer = send(&app, request).await;
                if answer.status.as_u16() != expected[index] {
                    failures.push(format!(
                        "{} {path} as {who:?}: {} (expected {}) {}",
                        info.method,
                        answer.status,
                        expected[index],
                        answer.body.chars().take(200).collect::<String>()
                    ));
                }
                if info.path.starts_with("/api/") && !answer.status.is_success() {
                    if !answer.content_type.starts_with("application/problem+json") {
                        failures.push(format!(
                            "{} {path} as {who:?}: error type {}",
                            info.method, answer.content_type
                        ));
                    }
                    let problem = common::json(&answer.body);
                    for key in ["type", "title", "status", "detail"] {
                        if problem.get(key).is_none() {
                            failures.push(format!("{path} as {who:?}: problem has no {key}"));
                        }
                    }
                }
                let aggregates_only = matches!(
                    who,
                    Who::Anonymous | Who::Commissioner | Who::OtherCommissioner | Who::EmployerB
                );
                if aggregates_only
                    && let Some(field) = fixture
                        .personal
                        .iter()
                        .find(|field| answer.body.contains(field.as_str()))
                {
                    failures.push(format!(
                        "{} {path} as {who:?}: the answer contains a personal field of org A or B ({} characters)",
                        info.method,
                        field.len()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_sees_personal_fields_and_admin_reads_are_audited() {
    let fixture = fixture();
    let app = router(AppState::new(fixture.path.clone()));
    for (who, audited) in [(Who::EmployerA, false), (Who::Admin, true)] {
        let token = common::token(&app, who).await.unwrap_or_default();
        let answer = send(
            &app,
            Request::get(format!("/api/v1/organisations/{ORG_A}/staff"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap_or_default(),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK);
        let staff = common::json(&answer.body)["staff"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        // The fixture generated 40 staff records for organisation A.
        assert_eq!(staff.len(), 40);
        assert!(
            staff
                .iter()
                .all(|record| record["ni_number"].is_string() || record["ni_number"].is_null())
        );
        let store = carecount_store::Store::open(&fixture.path)
            .unwrap_or_else(|error| panic!("open: {error}"));
        let reads = store
            .audit_log()
            .unwrap_or_default()
            .into_iter()
            .filter(|entry| {
                entry.action == "admin_read" && entry.actor == who.email() && entry.target == ORG_A
            })
            .count();
        assert_eq!(reads, usize::from(audited), "{who:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commissioner_metrics_are_disclosure_controlled_and_me_lists_the_area() {
    let fixture = fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let token = common::token(&app, Who::Commissioner)
        .await
        .unwrap_or_default();
    let me = send(
        &app,
        Request::get("/api/v1/me")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await;
    let me = common::json(&me.body);
    assert_eq!(me["email"], Who::Commissioner.email());
    assert_eq!(me["role"], "commissioner");
    assert_eq!(me["areas"], serde_json::json!([AREA]));
    // Organisation A alone is 3 workplaces; one workplace of it is a group of 1 workplace, so a
    // rate resting on it is withheld for a commissioner (metrics.md §6: fewer than 3
    // workplaces) but shown to its own employer.
    let path = format!(
        "/api/v1/areas/{AREA}/metrics/vacancy_rate?org={ORG_A}&workplace={}",
        fixture.staff_a.0
    );
    for (who, suppressed) in [(Who::Commissioner, true), (Who::EmployerA, false)] {
        let token = common::token(&app, who).await.unwrap_or_default();
        let answer = send(
            &app,
            Request::get(&path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap_or_default(),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let value = common::json(&answer.body);
        assert_eq!(value["metric"], "vacancy_rate");
        assert_eq!(value["suppressed"], suppressed, "{who:?}: {value}");
        if suppressed {
            assert!(value["value"].is_null() && value["denominator"].is_null());
        }
    }
    // An area the data does not hold and no council has: 404 problem.
    let answer = send(
        &app,
        Request::get("/api/v1/areas/Nowhere/metrics/staff_records")
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    // A real council without data answers "no data", not an error.
    let answer = send(
        &app,
        Request::get("/api/v1/areas/E09000001/metrics/staff_records")
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    // Both areas hold 40 staff records (the fixture's generated uploads).
    for area in [AREA, OTHER_AREA] {
        let answer = send(
            &app,
            Request::get(format!("/api/v1/areas/{area}/metrics/staff_records"))
                .body(Body::empty())
                .unwrap_or_default(),
        )
        .await;
        assert_eq!(common::json(&answer.body)["value"], 40.0, "{area}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_problem_details() {
    let fixture = fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let cases = [
        (
            Request::get(format!("/api/v1/areas/{AREA}/metrics/no_such_metric")),
            404,
        ),
        (
            Request::get(format!(
                "/api/v1/areas/{AREA}/metrics/staff_records?colour=red"
            )),
            400,
        ),
        (
            Request::get(format!(
                "/api/v1/areas/{AREA}/metrics/staff_records?service=abc"
            )),
            400,
        ),
        (
            Request::get(format!(
                "/api/v1/areas/{AREA}/metrics/staff_records?as-of=2025-13-01"
            )),
            400,
        ),
        (
            Request::get(format!(
                "/api/v1/areas/{AREA}/metrics/staff_records?workplace=x"
            )),
            400,
        ),
        (Request::get("/api/v1/no/such/route"), 404),
        (
            Request::get("/api/v1/me").header(header::AUTHORIZATION, "Bearer not-a-token"),
            401,
        ),
    ];
    for (builder, status) in cases {
        let request = builder.body(Body::empty()).unwrap_or_default();
        let uri = request.uri().to_string();
        let answer = send(&app, request).await;
        assert_eq!(answer.status.as_u16(), status, "{uri}: {}", answer.body);
        assert!(
            answer.content_type.starts_with("application/problem+json"),
            "{uri}"
        );
    }
    // Malformed and oversized token requests.
    let malformed = send(
        &app,
        Request::post("/api/v1/auth/token")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{\"email\": 3}"))
            .unwrap_or_default(),
    )
    .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    let oversized = send(
        &app,
        Request::post("/api/v1/auth/token")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(vec![b' '; carecount_web::BODY_LIMIT + 1]))
            .unwrap_or_default(),
    )
    .await;
    assert_eq!(oversized.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_need_the_csrf_token_and_signing_out_ends_the_session() {
    let fixture = fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, csrf) = common::session(&app, Who::Admin)
        .await
        .unwrap_or_else(|| panic!("admin signs in"));
    let reset = |csrf: String| {
        Request::post(format!("/admin/users/{}/password", fixture.spare_id))
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}")))
            .unwrap_or_default()
    };
    let refused = send(&app, reset("0".repeat(64))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let done = send(&app, reset(csrf.clone())).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("It is shown only once"));
    let sign_out = send(
        &app,
        Request::post("/sign-out")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}")))
            .unwrap_or_default(),
    )
    .await;
    assert_eq!(sign_out.status, StatusCode::SEE_OTHER);
    let after = send(
        &app,
        Request::get("/admin")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "the old cookie no longer works"
    );
    assert_eq!(after.location, "/sign-in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_passwords_lock_the_account_even_against_the_right_one() {
    let fixture = fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let attempt = |password: &str| {
        Request::post("/api/v1/auth/token")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                serde_json::json!({"email": Who::EmployerB.email(), "password": password})
                    .to_string(),
            ))
            .unwrap_or_default()
    };
    // Settings::default(): lock after 5 consecutive failures. Attempts 1–4 are plain 401s,
    // the 5th locks (429), and then even the right password is refused.
    for n in 1..=4 {
        let answer = send(&app, attempt("wrong")).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    assert_eq!(
        send(&app, attempt("wrong")).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        send(&app, attempt(PASSWORD)).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another account is not affected.
    assert!(common::token(&app, Who::EmployerA).await.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_expires() {
    let fixture = fixture();
    let settings = carecount_web::Settings {
        idle_timeout_seconds: -1,
        ..carecount_web::Settings::default()
    };
    let app = router(AppState::with_settings(fixture.path.clone(), settings));
    // With a negative idle limit every session is already idle at its next use: signing in
    // works, but the cookie opens nothing.
    let session = common::session(&app, Who::Admin).await;
    assert!(
        session.is_none(),
        "an idle session must not render a signed-in page"
    );
}
