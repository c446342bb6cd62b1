//! Account administration (issue 5 items 2 and 5): admins create, change, disable and enable
//! users; every user makes and revokes their own API tokens.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use carecount_web::{AppState, router};

use crate::common::{self, AREA, OTHER_AREA, PASSWORD, Who, fixture, send};

/// Posts a urlencoded form with a session cookie.
async fn post_form(app: &axum::Router, path: &str, cookie: &str, body: String) -> common::Answer {
    send(
        app,
        Request::post(path)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap_or_default(),
    )
    .await
}

/// Gets a page with a session cookie.
async fn get_page(app: &axum::Router, path: &str, cookie: &str) -> common::Answer {
    send(
        app,
        Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await
}

/// `GET /api/v1/me` with a Bearer token.
async fn me(app: &axum::Router, token: &str) -> common::Answer {
    send(
        app,
        Request::get("/api/v1/me")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await
}

/// `POST /api/v1/auth/token` for an email and password.
async fn token_for(app: &axum::Router, email: &str, password: &str) -> common::Answer {
    send(
        app,
        Request::post("/api/v1/auth/token")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                serde_json::json!({"email": email, "password": password}).to_string(),
            ))
            .unwrap_or_default(),
    )
    .await
}

/// The secret a page shows once: the text of the `<code>` after " is ".
fn shown_once(body: &str) -> Option<String> {
    let marker = " is <code>";
    let start = body.find(marker)? + marker.len();
    let rest = body.get(start..)?;
    let end = rest.find("</code>")?;
    rest.get(..end).map(str::to_string)
}

fn audit_actions(fixture: &common::Fixture) -> Vec<(String, String, String)> {
    carecount_store::Store::open(&fixture.path)
        .unwrap_or_else(|error| panic!("open: {error}"))
        .audit_log()
        .unwrap_or_default()
        .into_iter()
        .map(|entry| (entry.actor, entry.action, entry.target))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_a_commissioner_who_can_then_get_an_api_token() {
    let fixture = fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, csrf) = common::session(&app, Who::Admin)
        .await
        .unwrap_or_else(|| panic!("admin signs in"));
    let email = "new-commissioner@example.test";
    // "Rotherham" is a council name: it is stored as its ONS code, E08000018 (OTHER_AREA).
    let body = format!(
        "csrf={csrf}&email={}&role=commissioner&organisation=&areas=Rotherham",
        email.replace('@', "%40")
    );
    let created = post_form(&app, "/admin/users/new", &cookie, body.clone()).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let password = shown_once(&created.body).unwrap_or_else(|| panic!("no password shown"));
    // crate::random_password: 20 hex digits.
    assert_eq!(password.len(), 20);

    let answer = token_for(&app, email, &password).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let token = common::json(&answer.body)["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let me = common::json(&me(&app, &token).await.body);
    assert_eq!(me["role"], "commissioner");
    assert_eq!(me["areas"], serde_json::json!([OTHER_AREA]));
    assert!(audit_actions(&fixture).contains(&(
        Who::Admin.email().to_string(),
        "user_create".to_string(),
        email.to_string()
    )));

    // The same email again (in capitals) is refused with an error summary; nothing is created.
    let again = post_form(
        &app,
        "/admin/users/new",
        &cookie,
        body.replace("new-commissioner", "NEW-Commissioner"),
    )
    .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("govuk-error-summary"));
    assert!(
        again
            .body
            .contains("There is already a user with this email address")
    );
    // A wrong CSRF token is refused before anything is read.
    let forged = post_form(
        &app,
        "/admin/users/new",
        &cookie,
        body.replace(&csrf, &"0".repeat(64)),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // An unknown area is an error of the areas field.
    let unknown = post_form(
        &app,
        "/admin/users/new",
        &cookie,
        format!("csrf={csrf}&email=x%40example.test&role=commissioner&areas=Atlantis"),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("href=\"#areas\""));
    let store =
        carecount_store::Store::open(&fixture.path).unwrap_or_else(|error| panic!("open: {error}"));
    // The fixture's 7 users (6 roles and the spare) and the one created here.
    assert_eq!(store.users().unwrap_or_default().len(), 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_named_token_works_until_it_is_revoked() {
    let fixture = fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, csrf) = common::session(&app, Who::EmployerA)
        .await
        .unwrap_or_else(|| panic!("employer signs in"));
    let made = post_form(
        &app,
        "/account/tokens",
        &cookie,
        format!("csrf={csrf}&name=backup+script"),
    )
    .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let token = shown_once(&made.body).unwrap_or_else(|| panic!("no token shown"));
    assert_eq!(token.len(), 64);
    assert!(made.body.contains("backup script"));

    let answer = me(&app, &token).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(common::json(&answer.body)["email"], Who::EmployerA.email());
    // The list shows the name and, after that use, a last-used time instead of "Never".
    let list = get_page(&app, "/account/tokens", &cookie).await;
    assert!(list.body.contains("backup script"));
    assert!(!list.body.contains(">Never<"), "the token was just used");
    // The store keeps the hash, never the token.
    assert!(!list.body.contains(&token));

    let hash = carecount_web::auth::token_hash(&token);
    // Another user cannot revoke it (404: they hold no such token).
    let (other_cookie, other_csrf) = common::session(&app, Who::EmployerB)
        .await
        .unwrap_or_else(|| panic!("employer B signs in"));
    let path = format!("/account/tokens/{hash}/revoke");
    let refused = post_form(&app, &path, &other_cookie, format!("csrf={other_csrf}")).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(me(&app, &token).await.status, StatusCode::OK);

    let revoked = post_form(&app, &path, &cookie, format!("csrf={csrf}")).await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert!(!revoked.body.contains("backup script"));
    assert_eq!(me(&app, &token).await.status, StatusCode::UNAUTHORIZED);

    // A blank name is a form error.
    let blank = post_form(
        &app,
        "/account/tokens",
        &cookie,
        format!("csrf={csrf}&name=+"),
    )
    .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("Enter a name for the token"));
    let actions = audit_actions(&fixture);
    for action in ["api_token_create", "api_token_revoke"] {
        assert!(
            actions
                .iter()
                .any(|(actor, done, _)| actor == Who::EmployerA.email() && done == action),
            "{action}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_user_loses_tokens_and_sign_in_until_enabled() {
    let fixture = fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, csrf) = common::session(&app, Who::Admin)
        .await
        .unwrap_or_else(|| panic!("admin signs in"));
    let token = common::token(&app, Who::EmployerB)
        .await
        .unwrap_or_else(|| panic!("employer B gets a token"));
    let store =
        carecount_store::Store::open(&fixture.path).unwrap_or_else(|error| panic!("open: {error}"));
    let employer_b = store
        .users()
        .unwrap_or_default()
        .into_iter()
        .find(|user| user.email == Who::EmployerB.email())
        .unwrap_or_else(|| panic!("employer B exists"));
    let base = format!("/admin/users/{}", employer_b.id);

    let disabled = post_form(
        &app,
        &format!("{base}/disable"),
        &cookie,
        format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(disabled.status, StatusCode::OK);
    assert!(disabled.body.contains("Disabled"));
    assert_eq!(me(&app, &token).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        token_for(&app, Who::EmployerB.email(), PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert!(common::session(&app, Who::EmployerB).await.is_none());

    let enabled = post_form(
        &app,
        &format!("{base}/enable"),
        &cookie,
        format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(enabled.status, StatusCode::OK);
    assert_eq!(
        token_for(&app, Who::EmployerB.email(), PASSWORD)
            .await
            .status,
        StatusCode::OK
    );

    // An admin cannot disable themselves, nor take away their own admin role.
    let admin_id = store
        .users()
        .unwrap_or_default()
        .into_iter()
        .find(|user| user.email == Who::Admin.email())
        .map(|user| user.id)
        .unwrap_or_default();
    let own = format!("/admin/users/{admin_id}");
    let refused = post_form(
        &app,
        &format!("{own}/disable"),
        &cookie,
        format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let demoted = post_form(
        &app,
        &own,
        &cookie,
        format!("csrf={csrf}&role=employer&organisation=org-a"),
    )
    .await;
    assert_eq!(demoted.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::session(&app, Who::Admin).await.is_some());

    let actions = audit_actions(&fixture);
    for action in ["user_disable", "user_enable"] {
        assert!(
            actions.contains(&(
                Who::Admin.email().to_string(),
                action.to_string(),
                Who::EmployerB.email().to_string()
            )),
            "{action}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_changes_a_users_role_and_scope() {
    let fixture = fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, csrf) = common::session(&app, Who::Admin)
        .await
        .unwrap_or_else(|| panic!("admin signs in"));
    let path = format!("/admin/users/{}", fixture.spare_id);
    let form = get_page(&app, &path, &cookie).await;
    assert_eq!(form.status, StatusCode::OK);
    // The spare user is an employer of org B: its radio is checked.
    assert!(form.body.contains("value=\"employer\" checked"));

    let changed = post_form(
        &app,
        &path,
        &cookie,
        format!("csrf={csrf}&role=commissioner&organisation=org-b&areas={AREA}"),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let token = token_for(&app, common::SPARE, PASSWORD).await;
    let token = common::json(&token.body)["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let me = common::json(&me(&app, &token).await.body);
    // A commissioner keeps no organisation: the one posted is dropped.
    assert_eq!(me["role"], "commissioner");
    assert_eq!(me["organisation"], serde_json::Value::Null);
    assert_eq!(me["areas"], serde_json::json!([AREA]));
    // An unknown user is 404.
    let missing = post_form(
        &app,
        "/admin/users/999999",
        &cookie,
        format!("csrf={csrf}&role=admin"),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_lists_every_api_route_of_the_router() {
    let fixture = fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let answer = send(
        &app,
        Request::get("/api/v1/openapi.json")
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let document = common::json(&answer.body);
    let api_routes: Vec<_> = carecount_web::route_table()
        .into_iter()
        .filter(|info| info.kind == carecount_web::RouteKind::Api)
        .collect();
    // interfaces.md's fixed endpoints alone are more than 5.
    assert!(api_routes.len() > 5);
    for info in api_routes {
        let operation = &document["paths"][info.path][info.method.to_lowercase()];
        assert!(
            operation.is_object(),
            "{} {} is missing from the OpenAPI document",
            info.method,
            info.path
        );
    }
    // The projections route is documented with its summary and its path parameter.
    let projections = &document["paths"]["/api/v1/areas/{area}/projections"]["post"];
    assert!(
        projections["summary"]
            .as_str()
            .is_some_and(|summary| summary.contains("scenario"))
    );
    assert_eq!(projections["parameters"][0]["name"], "area");
}
