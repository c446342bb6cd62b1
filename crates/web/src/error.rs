//! Errors become responses in one place: `application/problem+json` for the API, a GOV.UK error
//! page for everything else. No error text carries a personal field: store errors name tables and
//! ids, and handlers never put a record's content into an error.

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// What went wrong with a request.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No credentials, or expired ones.
    #[error("sign in, or give a valid API token, to see this")]
    Unauthorized,
    /// Wrong email or password.
    #[error("the email address or password is not right")]
    BadCredentials,
    /// Too many failed sign-ins.
    #[error(
        "too many failed sign-ins: this account is locked for a while; try again later or ask an administrator to reset the password"
    )]
    Locked,
    /// Signed in, but not allowed.
    #[error("you do not have access to this")]
    Forbidden,
    /// A form without the right CSRF token.
    #[error("this form has expired: go back, reload the page and try again")]
    Csrf,
    /// Nothing there.
    #[error("{0}")]
    NotFound(String),
    /// The request is malformed (a wrong type, an unknown name or filter).
    #[error("{0}")]
    BadRequest(String),
    /// Something failed on our side; the detail goes to the log, not to the caller.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<carecount_store::StoreError> for WebError {
    fn from(error: carecount_store::StoreError) -> WebError {
        match error {
            carecount_store::StoreError::UnknownOrg { .. } => {
                WebError::NotFound("there is no such organisation".to_string())
            }
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl WebError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthorized | WebError::BadCredentials => StatusCode::UNAUTHORIZED,
            WebError::Locked => StatusCode::TOO_MANY_REQUESTS,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            WebError::Unauthorized => "Not signed in",
            WebError::BadCredentials => "Wrong email or password",
            WebError::Locked => "Account locked",
            WebError::Forbidden => "Forbidden",
            WebError::Csrf => "Form expired",
            WebError::NotFound(_) => "Page not found",
            WebError::BadRequest(_) => "Bad request",
            WebError::Internal(_) => "Sorry, there is a problem with the service",
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            WebError::Unauthorized => "unauthorized",
            WebError::BadCredentials => "bad-credentials",
            WebError::Locked => "locked",
            WebError::Forbidden => "forbidden",
            WebError::Csrf => "csrf",
            WebError::NotFound(_) => "not-found",
            WebError::BadRequest(_) => "bad-request",
            WebError::Internal(_) => "internal",
        }
    }

    /// What the caller is told (internal detail withheld).
    fn detail(&self) -> String {
        match self {
            WebError::Internal(detail) => {
                eprintln!("carecount-web: internal error: {detail}");
                "the request could not be completed; the error has been logged".to_string()
            }
            other => other.to_string(),
        }
    }

    /// The problem+json response (API).
    pub fn api_response(&self) -> Response {
        let problem = Problem {
            r#type: format!("https://carecount.invalid/problems/{}", self.slug()),
            title: self.title().to_string(),
            status: self.status().as_u16(),
            detail: self.detail(),
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (self.status(), body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if matches!(self, WebError::Unauthorized) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }

    /// The GOV.UK error page (pages). Not signed in → sent to the sign-in page.
    pub fn page_response(&self) -> Response {
        if matches!(self, WebError::Unauthorized) {
            return axum::response::Redirect::to("/sign-in").into_response();
        }
        let page = crate::pages::error_page(self.title(), &self.detail());
        (self.status(), page).into_response()
    }
}

/// RFC 9457 problem details (`interfaces.md`: `{"type", "title", "status", "detail"}`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    pub r#type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
}

/// An API handler's error.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl From<WebError> for ApiError {
    fn from(error: WebError) -> ApiError {
        ApiError(error)
    }
}

impl From<carecount_store::StoreError> for ApiError {
    fn from(error: carecount_store::StoreError) -> ApiError {
        ApiError(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.api_response()
    }
}

/// A page handler's error.
#[derive(Debug)]
pub struct PageError(pub WebError);

impl From<WebError> for PageError {
    fn from(error: WebError) -> PageError {
        PageError(error)
    }
}

impl From<carecount_store::StoreError> for PageError {
    fn from(error: carecount_store::StoreError) -> PageError {
        PageError(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.page_response()
    }
}

/// Unknown paths: problem+json under `/api/`, a GOV.UK page elsewhere.
pub(crate) async fn not_found(uri: Uri) -> Response {
    let error = WebError::NotFound("there is nothing at this address".to_string());
    if is_api(uri.path()) {
        error.api_response()
    } else {
        error.page_response()
    }
}

/// Whether a path belongs to the JSON API.
pub(crate) fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}
