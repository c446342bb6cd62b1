//! A real server on 127.0.0.1:0 talking HTTP over a socket (zero2prod's `spawn_app`): the
//! calls scripts make (`interfaces.md`), as `contract-check` makes them.

use std::io::{Read, Write};
use std::net::TcpStream;

use carecount_web::AppState;

use crate::common::{self, PASSWORD, Who};

/// One HTTP/1.1 request with `Connection: close`; returns (status, content type, body).
fn http(
    address: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(address).unwrap_or_else(|error| panic!("connect: {error}"));
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    if let Some(token) = token {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    let body = body.unwrap_or_default();
    if !body.is_empty() {
        request.push_str("Content-Type: application/json\r\n");
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream
        .write_all(request.as_bytes())
        .unwrap_or_else(|error| panic!("write: {error}"));
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .unwrap_or_else(|error| panic!("read: {error}"));
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let content_type = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-type")
                .then(|| value.trim().to_string())
        })
        .unwrap_or_default();
    // Bodies may be chunked; the JSON object lies between the first `{` and the last `}`.
    let body = match (body.find('{'), body.rfind('}')) {
        (Some(start), Some(end)) if end >= start => body[start..=end].to_string(),
        _ => body.to_string(),
    };
    (status, content_type, body)
}

#[test]
fn the_script_contract_over_a_real_socket() {
    let fixture = common::fixture();
    let state = AppState::new(fixture.path.clone());
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = carecount_web::serve_blocking("127.0.0.1:0", state, |address| {
            let _ = sender.send(address);
        });
    });
    let address = receiver
        .recv_timeout(std::time::Duration::from_secs(30))
        .unwrap_or_else(|error| panic!("the server did not start: {error}"))
        .to_string();

    let (status, _, body) = http(&address, "GET", "/api/v1/openapi.json", None, None);
    assert_eq!(status, 200);
    let document = common::json(&body);
    assert!(document["openapi"].is_string(), "an OpenAPI document");
    for path in [
        "/api/v1/auth/token",
        "/api/v1/me",
        "/api/v1/organisations/{org}/workplaces",
        "/api/v1/organisations/{org}/staff",
        "/api/v1/areas/{area}/metrics/{name}",
        "/api/v1/areas/{area}/profile",
    ] {
        assert!(
            document["paths"][path].is_object(),
            "OpenAPI documents {path}"
        );
    }

    let login =
        serde_json::json!({"email": Who::EmployerA.email(), "password": PASSWORD}).to_string();
    let (status, _, body) = http(&address, "POST", "/api/v1/auth/token", None, Some(&login));
    assert_eq!(status, 200, "{body}");
    let answer = common::json(&body);
    let token = answer["token"].as_str().unwrap_or_default().to_string();
    assert_eq!(token.len(), 64);
    assert!(
        answer["expires_at"]
            .as_str()
            .is_some_and(|at| at.ends_with('Z'))
    );

    let wrong =
        serde_json::json!({"email": Who::EmployerA.email(), "password": "nope"}).to_string();
    let (status, content_type, body) =
        http(&address, "POST", "/api/v1/auth/token", None, Some(&wrong));
    assert_eq!(status, 401);
    assert!(content_type.starts_with("application/problem+json"));
    assert_eq!(common::json(&body)["status"], 401);

    let (status, _, body) = http(&address, "GET", "/api/v1/me", Some(&token), None);
    assert_eq!(status, 200);
    let me = common::json(&body);
    assert_eq!(me["email"], Who::EmployerA.email());
    assert_eq!(me["organisation"], common::ORG_A);
    assert!(me["areas"].is_array());

    let (status, _, _) = http(
        &address,
        "GET",
        "/api/v1/organisations/org-a/staff",
        Some(&token),
        None,
    );
    assert_eq!(status, 200);
    let (status, content_type, _) = http(
        &address,
        "GET",
        "/api/v1/organisations/org-a/staff",
        None,
        None,
    );
    assert_eq!(status, 401);
    assert!(content_type.starts_with("application/problem+json"));
}
