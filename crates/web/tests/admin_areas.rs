//! Administrators' organisations and areas pages (issue 5, "Admin pages"): counts from the
//! fixture (two organisations of 3 workplaces and 40 staff records each, one per area, one
//! commissioner per area) and the form that assigns and unassigns a commissioner's areas.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use carecount_web::{AppState, router};

use crate::common::{self, AREA, ORG_A, ORG_B, OTHER_AREA, Who, fixture, send};

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

/// Table cells (text between `<td …>` and `</td>`) of the row whose first cell contains `key`.
fn row_cells(body: &str, key: &str) -> Vec<String> {
    for row in body.split("<tr class=\"govuk-table__row\">").skip(1) {
        let row = row.split("</tr>").next().unwrap_or_default();
        let cells: Vec<String> = row
            .split("<td")
            .skip(1)
            .map(|cell| {
                let inner = cell.split_once('>').map_or("", |(_, rest)| rest);
                inner.split("</td>").next().unwrap_or_default().to_string()
            })
            .collect();
        if cells.first().is_some_and(|cell| cell.contains(key)) {
            return cells;
        }
    }
    Vec::new()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organisations_show_sizes_dates_and_users() {
    let fixture = fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, _) = common::session(&app, Who::Admin)
        .await
        .unwrap_or_else(|| panic!("admin signs in"));
    let list = get_page(&app, "/admin/organisations", &cookie).await;
    assert_eq!(list.status, StatusCode::OK);
    // org-a: 3 workplaces, 40 staff records, imported as of 2025-03-31; its users are
    // employer A and read-only A (by email), not employer B.
    let a = row_cells(&list.body, ORG_A);
    assert_eq!(a.get(1).map(String::as_str), Some("3"), "{a:?}");
    assert_eq!(a.get(2).map(String::as_str), Some("40"));
    assert_eq!(a.get(3).map(String::as_str), Some("2025-03-31"));
    let users = a.get(4).cloned().unwrap_or_default();
    assert!(users.contains(Who::EmployerA.email()) && users.contains(Who::ReadOnlyA.email()));
    assert!(!users.contains(Who::EmployerB.email()));
    // org-b: employer B and the spare user.
    let b = row_cells(&list.body, ORG_B);
    let users = b.get(4).cloned().unwrap_or_default();
    assert!(users.contains(Who::EmployerB.email()) && users.contains(common::SPARE));

    let one = get_page(&app, &format!("/admin/organisations/{ORG_A}"), &cookie).await;
    assert_eq!(one.status, StatusCode::OK);
    // Three workplace rows whose staff counts add up to 40.
    let staff: u64 = one
        .body
        .split("<tr class=\"govuk-table__row\">")
        .skip(1)
        .filter_map(|row| {
            let cells: Vec<&str> = row.split("<td").skip(1).collect();
            (cells.len() == 4).then(|| {
                cells[3]
                    .split_once('>')
                    .and_then(|(_, rest)| rest.split("</td>").next())
                    .and_then(|number| number.trim().parse::<u64>().ok())
                    .unwrap_or_default()
            })
        })
        .sum();
    assert_eq!(staff, 40, "{}", one.body);
    assert!(one.body.contains(Who::ReadOnlyA.email()));
    assert!(one.body.contains("Employer (read-only)"));
    // No personal field of a staff record is shown.
    assert!(
        !fixture
            .personal
            .iter()
            .any(|field| one.body.contains(field.as_str()))
    );
    let missing = get_page(&app, "/admin/organisations/no-such-org", &cookie).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_assigns_and_unassigns_a_commissioners_area() {
    let fixture = fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, csrf) = common::session(&app, Who::Admin)
        .await
        .unwrap_or_else(|| panic!("admin signs in"));
    let commissioner_id = carecount_store::Store::open(&fixture.path)
        .unwrap_or_else(|error| panic!("open: {error}"))
        .users()
        .unwrap_or_default()
        .into_iter()
        .find(|user| user.email == Who::Commissioner.email())
        .map(|user| user.id)
        .unwrap_or_else(|| panic!("the commissioner exists"));
    let areas_of = || {
        carecount_store::Store::open(&fixture.path)
            .unwrap_or_else(|error| panic!("open: {error}"))
            .user(commissioner_id)
            .ok()
            .flatten()
            .map(|user| user.areas)
            .unwrap_or_default()
    };
    let page = get_page(&app, "/admin/areas", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    // The demo area holds org A's 3 workplaces (1 organisation) and has its commissioner.
    let demo = row_cells(&page.body, AREA);
    assert_eq!(demo.get(1).map(String::as_str), Some("3"), "{demo:?}");
    assert_eq!(demo.get(2).map(String::as_str), Some("1"));
    assert!(
        demo.get(3)
            .is_some_and(|cell| cell.contains(Who::Commissioner.email()))
    );

    let form = |area: &str, action: &str| {
        format!("csrf={csrf}&commissioner={commissioner_id}&area={area}&action={action}")
    };
    // Rotherham by name: assigned; the commissioner now has both areas; audited.
    let done = post_form(&app, "/admin/areas", &cookie, form("Rotherham", "assign")).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("is now assigned to"));
    assert_eq!(areas_of(), [AREA.to_string(), OTHER_AREA.to_string()]);
    let other = row_cells(&done.body, OTHER_AREA);
    assert!(
        other
            .get(3)
            .is_some_and(|cell| cell.contains(Who::Commissioner.email()))
    );
    // Unassigning the demo area leaves Rotherham.
    let done = post_form(&app, "/admin/areas", &cookie, form(AREA, "unassign")).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(areas_of(), [OTHER_AREA.to_string()]);
    // The last area cannot be unassigned: 422, error summary, nothing changed.
    let refused = post_form(&app, "/admin/areas", &cookie, form(OTHER_AREA, "unassign")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("govuk-error-summary"));
    assert_eq!(areas_of(), [OTHER_AREA.to_string()]);
    // An unknown area and a missing action: both reported, 422.
    let refused = post_form(&app, "/admin/areas", &cookie, form("Atlantis", "")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#area\"") && refused.body.contains("href=\"#action\""));
    // Without the CSRF token: refused, nothing changed.
    let forged = post_form(
        &app,
        "/admin/areas",
        &cookie,
        format!("commissioner={commissioner_id}&area={AREA}&action=assign"),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(areas_of(), [OTHER_AREA.to_string()]);
    // Two changes, two audit entries naming the commissioner and the area.
    let audit: Vec<(String, String)> = carecount_store::Store::open(&fixture.path)
        .unwrap_or_else(|error| panic!("open: {error}"))
        .audit_log()
        .unwrap_or_default()
        .into_iter()
        .filter(|entry| entry.action.starts_with("area_"))
        .map(|entry| (entry.action, entry.detail))
        .collect();
    assert_eq!(
        audit,
        [
            ("area_assign".to_string(), OTHER_AREA.to_string()),
            ("area_unassign".to_string(), AREA.to_string()),
        ]
    );
}
