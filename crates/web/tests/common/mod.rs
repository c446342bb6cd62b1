//! A small store for tests: two organisations from `carecount_generate` imported through the
//! real path (`ingest::import`), each in its own area, and one user per role.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use carecount_ascwds::{Given, InputFile};
use carecount_store::accounts::{NewUser, Role};
use carecount_store::{AreaAssignment, Store};
use time::macros::date;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery staple";
/// The area of organisation A (the demo area code) and of its commissioner.
pub const AREA: &str = "E99999999";
/// Rotherham: the area of organisation B and of the other commissioner.
pub const OTHER_AREA: &str = "E08000018";
pub const ORG_A: &str = "org-a";
pub const ORG_B: &str = "org-b";

/// The roles of the authorization matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    EmployerA,
    EmployerB,
    ReadOnlyA,
    Commissioner,
    OtherCommissioner,
    Admin,
}

pub const EVERYONE: [Who; 7] = [
    Who::Anonymous,
    Who::EmployerA,
    Who::EmployerB,
    Who::ReadOnlyA,
    Who::Commissioner,
    Who::OtherCommissioner,
    Who::Admin,
];

impl Who {
    pub fn email(self) -> &'static str {
        match self {
            Who::Anonymous => "nobody@example.test",
            Who::EmployerA => "employer-a@example.test",
            Who::EmployerB => "employer-b@example.test",
            Who::ReadOnlyA => "reader-a@example.test",
            Who::Commissioner => "commissioner@example.test",
            Who::OtherCommissioner => "commissioner-other@example.test",
            Who::Admin => "admin@example.test",
        }
    }
}

/// The email of a spare user whose password the admin resets in the matrix.
pub const SPARE: &str = "spare@example.test";

/// A test store on disk (removed with the directory).
pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub path: PathBuf,
    /// Personal fields of every stored staff record (NI numbers, DOBs, postcodes, display ids).
    pub personal: Vec<String>,
    /// (LOCALESTID, UNIQUEWORKERID) of a staff record of org A.
    pub staff_a: (String, String),
    pub spare_id: i64,
}

fn import(store: &mut Store, org: &str, seed: u64, area: AreaAssignment) {
    let upload = carecount_generate::generate(&carecount_generate::GenerateOptions {
        workplaces: 3,
        staff: 40,
        seed,
        as_of: date!(2025 - 03 - 31),
    })
    .unwrap_or_else(|error| panic!("generate: {error}"));
    let given = Given::Explicit {
        workplace: Some(InputFile {
            path: "workplace.csv".to_string(),
            bytes: upload.workplace.into_bytes(),
        }),
        staff: Some(InputFile {
            path: "staff.csv".to_string(),
            bytes: upload.staff.into_bytes(),
        }),
        training: Some(InputFile {
            path: "training.csv".to_string(),
            bytes: upload.training.into_bytes(),
        }),
    };
    let place = move |_: &carecount_domain::Workplace| Some(area.clone());
    let outcome = carecount_store::ingest::import(
        store,
        org,
        date!(2025 - 03 - 31),
        given,
        &place,
        false,
        &mut |_, _| {},
    )
    .unwrap_or_else(|error| panic!("import: {error}"));
    assert!(
        outcome.snapshot.is_some(),
        "the generated upload must import"
    );
}

pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("tempdir: {error}"));
    let path = dir.path().join("test.db");
    let mut store = Store::open(&path).unwrap_or_else(|error| panic!("open: {error}"));
    let region = Some("E12000003".to_string());
    import(
        &mut store,
        ORG_A,
        11,
        AreaAssignment {
            code: AREA.to_string(),
            name: "Demo LA".to_string(),
            region_code: region.clone(),
        },
    );
    import(
        &mut store,
        ORG_B,
        22,
        AreaAssignment {
            code: OTHER_AREA.to_string(),
            name: "Rotherham".to_string(),
            region_code: region,
        },
    );
    let hash = carecount_web::auth::hash_password(PASSWORD)
        .unwrap_or_else(|error| panic!("hash: {error}"));
    let users = [
        (Who::EmployerA, Role::Employer, Some(ORG_A), vec![]),
        (Who::EmployerB, Role::Employer, Some(ORG_B), vec![]),
        (Who::ReadOnlyA, Role::ReadOnlyEmployer, Some(ORG_A), vec![]),
        (Who::Commissioner, Role::Commissioner, None, vec![AREA]),
        (
            Who::OtherCommissioner,
            Role::Commissioner,
            None,
            vec![OTHER_AREA],
        ),
        (Who::Admin, Role::Admin, None, vec![]),
    ];
    for (who, role, organisation, areas) in users {
        store
            .create_user(&NewUser {
                email: who.email().to_string(),
                password_hash: hash.clone(),
                role,
                organisation: organisation.map(str::to_string),
                areas: areas.into_iter().map(str::to_string).collect(),
            })
            .unwrap_or_else(|error| panic!("user: {error}"));
    }
    let spare_id = store
        .create_user(&NewUser {
            email: SPARE.to_string(),
            password_hash: hash,
            role: Role::Employer,
            organisation: Some(ORG_B.to_string()),
            areas: vec![],
        })
        .unwrap_or_else(|error| panic!("user: {error}"));
    let mut personal = Vec::new();
    let mut staff_a = None;
    for org in [ORG_A, ORG_B] {
        let scope = store
            .owner_scope(org)
            .unwrap_or_else(|error| panic!("scope: {error}"));
        let snapshot = store
            .snapshot_at(org, None)
            .unwrap_or_else(|error| panic!("snapshot: {error}"))
            .unwrap_or_else(|| panic!("no snapshot of {org}"));
        let records = store
            .org_records(&scope, &snapshot)
            .unwrap_or_else(|error| panic!("records: {error}"));
        for staff in &records.staff {
            if staff_a.is_none() {
                staff_a = Some((staff.localestid.clone(), staff.unique_worker_id.clone()));
            }
            let fields = &staff.personal;
            personal.push(fields.display_id.clone());
            personal.extend(fields.ni_number.clone());
            personal.extend(fields.postcode.clone());
            personal.extend(fields.date_of_birth.map(|dob| {
                format!(
                    "{:04}-{:02}-{:02}",
                    dob.year(),
                    u8::from(dob.month()),
                    dob.day()
                )
            }));
        }
    }
    // Short values (e.g. a two-letter display id) could match anywhere by chance; the generator's
    // personal fields are longer than this.
    personal.retain(|value| value.len() >= 6);
    assert!(
        personal.len() > 100,
        "the fixture must carry personal fields to look for"
    );
    Fixture {
        _dir: dir,
        path,
        personal,
        staff_a: staff_a.unwrap_or_else(|| panic!("org A has no staff")),
        spare_id,
    }
}

/// A request's outcome.
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub location: String,
    pub set_cookie: String,
    pub body: String,
}

pub async fn send(app: &axum::Router, request: Request<Body>) -> Answer {
    let response: Response = app
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|error| match error {});
    let header_text = |name| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let content_type = header_text(header::CONTENT_TYPE);
    let location = header_text(header::LOCATION);
    let set_cookie = header_text(header::SET_COOKIE);
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    Answer {
        status,
        content_type,
        location,
        set_cookie,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
}

/// Signs `who` in on the API; returns the token.
pub async fn token(app: &axum::Router, who: Who) -> Option<String> {
    let body = serde_json::json!({"email": who.email(), "password": PASSWORD}).to_string();
    let request = Request::post("/api/v1/auth/token")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_default();
    let answer = send(app, request).await;
    json(&answer.body)["token"].as_str().map(str::to_string)
}

/// A session of `who`: (cookie header value, CSRF token from a rendered form).
pub async fn session(app: &axum::Router, who: Who) -> Option<(String, String)> {
    let body = format!(
        "email={}&password={}",
        who.email().replace('@', "%40"),
        PASSWORD.replace(' ', "+")
    );
    let request = Request::post("/sign-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap_or_default();
    let answer = send(app, request).await;
    let cookie = answer.set_cookie.split(';').next()?.to_string();
    if !cookie.starts_with("carecount_session=") || cookie.len() < 30 {
        return None;
    }
    // Every signed-in page carries the sign-out form with the session's CSRF token.
    let page = send(
        app,
        Request::get(format!("/areas/{AREA}"))
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await;
    let marker = "name=\"csrf\" value=\"";
    let start = page.body.find(marker)? + marker.len();
    let csrf: String = page
        .body
        .get(start..)?
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    Some((cookie, csrf))
}
