//! Who is calling, and what they may see.
//!
//! * [`Caller`] is extracted from every request: a Bearer API token (`Authorization` header), else
//!   the session cookie, else nobody. A Bearer token that is wrong or expired is refused (401),
//!   never silently downgraded to anonymous.
//! * Passwords are argon2id PHC strings; unknown emails are checked against a stand-in hash so
//!   that timing does not tell which emails exist.
//! * Session and API tokens are 256 random bits, hex; the store keeps only their SHA-256.
//! * Access rules: [`require_owner`] (personal fields: the organisation's own employers and
//!   administrators), [`audience_for`] (disclosure control by role).

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use carecount_metrics::Audience;
use carecount_store::Store;
use carecount_store::accounts::{Role, User};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::{WebError, is_api};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "carecount_session";

/// The caller of a request.
#[derive(Debug, Clone)]
pub enum Caller {
    /// No credentials.
    Anonymous,
    /// A signed-in user (session cookie) or an API token holder.
    User {
        user: User,
        /// The session's CSRF token; `None` for API token callers (no forms).
        csrf: Option<String>,
        /// The SHA-256 of the session cookie (for signing out).
        session_hash: Option<String>,
    },
}

impl Caller {
    /// The user, when signed in.
    pub fn user(&self) -> Option<&User> {
        match self {
            Caller::Anonymous => None,
            Caller::User { user, .. } => Some(user),
        }
    }

    /// The user, or 401.
    pub fn require_user(&self) -> Result<&User, WebError> {
        self.user().ok_or(WebError::Unauthorized)
    }

    /// Who, for the audit log.
    pub fn actor(&self) -> String {
        self.user()
            .map_or_else(|| "anonymous".to_string(), |user| user.email.clone())
    }

    /// Checks a form's CSRF token against the session's (constant-time comparison).
    pub fn check_csrf(&self, given: &str) -> Result<(), WebError> {
        match self {
            Caller::User {
                csrf: Some(csrf), ..
            } if constant_time_eq(csrf.as_bytes(), given.as_bytes()) => Ok(()),
            Caller::Anonymous => Err(WebError::Unauthorized),
            _ => Err(WebError::Csrf),
        }
    }

    /// The session's CSRF token (empty for callers without a session).
    pub fn csrf(&self) -> &str {
        match self {
            Caller::User {
                csrf: Some(csrf), ..
            } => csrf,
            _ => "",
        }
    }
}

/// The rejection of [`Caller`]: problem+json under `/api/`, a page elsewhere.
pub struct CallerRejection {
    api: bool,
    error: WebError,
}

impl IntoResponse for CallerRejection {
    fn into_response(self) -> Response {
        if self.api {
            self.error.api_response()
        } else {
            self.error.page_response()
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = CallerRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Caller, CallerRejection> {
        let api = is_api(parts.uri.path());
        let reject = |error| CallerRejection { api, error };
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let text = value.to_str().unwrap_or_default();
            let token = text
                .strip_prefix("Bearer ")
                .or_else(|| text.strip_prefix("bearer "))
                .map(str::trim)
                .ok_or_else(|| reject(WebError::Unauthorized))?;
            let hash = token_hash(token);
            let now = now_seconds();
            let user = state
                .with_store(move |store, _| Ok(store.api_token_user(&hash, now)?))
                .await
                .map_err(reject)?;
            return match user {
                Some(user) => Ok(Caller::User {
                    user,
                    csrf: None,
                    session_hash: None,
                }),
                None => Err(reject(WebError::Unauthorized)),
            };
        }
        let Some(cookie) = session_cookie(&parts.headers) else {
            return Ok(Caller::Anonymous);
        };
        let hash = token_hash(&cookie);
        let idle = state.settings().idle_timeout_seconds;
        let now = now_seconds();
        let lookup = hash.clone();
        let session = state
            .with_store(move |store, _| Ok(store.session(&lookup, now, idle)?))
            .await
            .map_err(reject)?;
        Ok(match session {
            Some(session) => Caller::User {
                user: session.user,
                csrf: Some(session.csrf),
                session_hash: Some(hash),
            },
            None => Caller::Anonymous,
        })
    }
}

/// The session cookie's value, when sent.
fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|value| !value.is_empty())
}

/// Seconds since the Unix epoch, now.
pub fn now_seconds() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// A new random token: 32 bytes as 64 hex digits.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex(&bytes)
}

/// The SHA-256 of a token, hex (what the store keeps).
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn argon2() -> Argon2<'static> {
    // OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane).
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with argon2id and a random salt (a PHC string).
pub fn hash_password(password: &str) -> Result<String, WebError> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|error| WebError::Internal(format!("salt: {error}")))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| WebError::Internal(format!("hashing a password: {error}")))
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

fn stand_in_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password("stand-in password of no account").unwrap_or_default())
}

/// Checks an email and password with throttling: after
/// [`crate::Settings::lock_after_failures`] consecutive failures the account is locked for
/// [`crate::Settings::lock_seconds`]. Every attempt is written to the audit log (by email, never
/// with the password). Runs on the blocking pool (argon2 is slow on purpose).
pub(crate) fn authenticate(
    store: &Store,
    state: &AppState,
    email: &str,
    password: &str,
    channel: &str,
) -> Result<User, WebError> {
    let now = now_seconds();
    let email = email.trim();
    let Some(credentials) = store.credentials(email)? else {
        let _ = verify_password(password, stand_in_hash());
        store.audit(email, "login_failed", "account", channel)?;
        return Err(WebError::BadCredentials);
    };
    if credentials.locked_until > now {
        store.audit(email, "login_refused_locked", "account", channel)?;
        return Err(WebError::Locked);
    }
    if !verify_password(password, &credentials.password_hash) {
        let settings = state.settings();
        let locked_until = store.record_login_failure(
            credentials.user.id,
            now,
            settings.lock_after_failures,
            settings.lock_seconds,
        )?;
        store.audit(email, "login_failed", "account", channel)?;
        return Err(if locked_until > now {
            WebError::Locked
        } else {
            WebError::BadCredentials
        });
    }
    store.record_login_success(credentials.user.id)?;
    store.audit(&credentials.user.email, "login", "account", channel)?;
    Ok(credentials.user)
}

/// Personal fields of `org`: its own employers (edit or read-only) and administrators only.
/// Anonymous → 401; anyone else → 403 (whether or not the organisation exists).
pub fn require_owner(caller: &Caller, org: &str) -> Result<(), WebError> {
    let user = caller.require_user()?;
    match user.role {
        Role::Admin => Ok(()),
        Role::Employer | Role::ReadOnlyEmployer if user.organisation.as_deref() == Some(org) => {
            Ok(())
        }
        _ => Err(WebError::Forbidden),
    }
}

/// Administrators only.
pub fn require_admin(caller: &Caller) -> Result<&User, WebError> {
    let user = caller.require_user()?;
    if user.role == Role::Admin {
        Ok(user)
    } else {
        Err(WebError::Forbidden)
    }
}

/// The audience of an aggregate: administrators, and employers asking about their own
/// organisation only (`org` filter equal to theirs), see figures unsuppressed; everyone else —
/// commissioners, other employers, anonymous callers — gets disclosure control (`metrics.md` §6).
pub fn audience_for(caller: &Caller, org_filter: Option<&str>) -> Audience {
    match caller.user() {
        Some(user) if user.role == Role::Admin => Audience::Employer,
        Some(user)
            if matches!(user.role, Role::Employer | Role::ReadOnlyEmployer)
                && org_filter.is_some()
                && user.organisation.as_deref() == org_filter =>
        {
            Audience::Employer
        }
        _ => Audience::Commissioner,
    }
}

/// The areas a user may pick from (`/api/v1/me` `areas`): a commissioner's own areas; for
/// employers and administrators, the areas of the store's data (they see every area
/// disclosure-controlled, or unsuppressed for admins).
pub(crate) fn areas_of(user: &User, store_areas: &[String]) -> Vec<String> {
    match user.role {
        Role::Commissioner => user.areas.clone(),
        _ => store_areas.to_vec(),
    }
}

/// The `Set-Cookie` value that starts a session.
pub(crate) fn session_cookie_header(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends it.
pub(crate) fn clear_cookie_header() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse").unwrap_or_default();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("correct horsf", &hash));
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        // SHA-256("abc") is the FIPS 180-2 test vector.
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(new_token().len(), 64);
        assert_ne!(new_token(), new_token());
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            axum::http::HeaderValue::from_static("a=1; carecount_session=xyz; b=2"),
        );
        assert_eq!(session_cookie(&headers).as_deref(), Some("xyz"));
    }
}
