//! The compiled GOV.UK Frontend assets (`assets/govuk/`, MIT licence in `LICENCE.txt`), embedded
//! in the binary: no runtime download. The stylesheet refers to `/assets/fonts/…` and
//! `/assets/images/…`, so they are served under `/assets/`.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// (path under `/assets/`, content type, bytes).
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "govuk-frontend.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/govuk/govuk-frontend.min.css"),
    ),
    (
        "govuk-frontend.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/govuk/govuk-frontend.min.js"),
    ),
    (
        "init.mjs",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/init.mjs"),
    ),
    (
        "manifest.json",
        "application/manifest+json",
        include_bytes!("../assets/govuk/manifest.json"),
    ),
    (
        "LICENCE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/govuk/LICENCE.txt"),
    ),
    (
        "fonts/bold-affa96571d-v2.woff",
        "font/woff",
        include_bytes!("../assets/govuk/fonts/bold-affa96571d-v2.woff"),
    ),
    (
        "fonts/bold-b542beb274-v2.woff2",
        "font/woff2",
        include_bytes!("../assets/govuk/fonts/bold-b542beb274-v2.woff2"),
    ),
    (
        "fonts/light-94a07e06a1-v2.woff2",
        "font/woff2",
        include_bytes!("../assets/govuk/fonts/light-94a07e06a1-v2.woff2"),
    ),
    (
        "fonts/light-f591b13f7d-v2.woff",
        "font/woff",
        include_bytes!("../assets/govuk/fonts/light-f591b13f7d-v2.woff"),
    ),
    (
        "images/favicon.ico",
        "image/x-icon",
        include_bytes!("../assets/govuk/images/favicon.ico"),
    ),
    (
        "images/favicon.svg",
        "image/svg+xml",
        include_bytes!("../assets/govuk/images/favicon.svg"),
    ),
    (
        "images/govuk-crest.svg",
        "image/svg+xml",
        include_bytes!("../assets/govuk/images/govuk-crest.svg"),
    ),
    (
        "images/govuk-icon-mask.svg",
        "image/svg+xml",
        include_bytes!("../assets/govuk/images/govuk-icon-mask.svg"),
    ),
    (
        "images/govuk-icon-180.png",
        "image/png",
        include_bytes!("../assets/govuk/images/govuk-icon-180.png"),
    ),
];

/// `GET /assets/{*file}`.
pub(crate) async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(path, _, _)| *path == file) {
        Some((_, content_type, bytes)) => {
            let mut response = (StatusCode::OK, *bytes).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            );
            response
        }
        None => crate::WebError::NotFound("there is no such file".to_string()).page_response(),
    }
}
