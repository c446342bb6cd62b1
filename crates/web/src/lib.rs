//! carecount-web: the web app and the JSON API of `carecount serve` (issue 5, `interfaces.md`
//! "Web app and API").
//!
//! * [`router`] builds the axum router from one route table ([`route_table`]), so the
//!   authorization matrix test can enumerate every route; [`serve`] runs it on a listener.
//! * [`AppState`] holds the store's path; each request opens the store in `spawn_blocking`.
//! * The caller is an extractor ([`auth::Caller`]): a Bearer API token, a session cookie, or
//!   nobody. Access rules live in `auth`; pages and API handlers ask it, never decide themselves.
//! * Errors become `application/problem+json` under `/api/`, GOV.UK error pages elsewhere.
//!
//! This crate is NOT where metrics are computed (`carecount-metrics`), where personal fields are
//! scoped (`carecount-store`'s `owner_scope`), or where reports are rendered (`carecount-reports`).
//! It decides who may hold an owner scope and which audience a caller gets.

mod admin_pages;
pub mod api;
mod assets;
pub mod auth;
mod charts;
mod compliance_api;
mod compliance_pages;
mod data;
mod error;
mod pages;
mod projections;
mod records;
mod upload;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::MethodRouter;
use carecount_store::Store;
use tokio::net::TcpListener;

pub use error::WebError;
pub use upload::UPLOAD_LIMIT;

/// Largest request body accepted (bytes) except bulk uploads: forms and JSON are small.
pub const BODY_LIMIT: usize = 256 * 1024;

/// Tunable rules of accounts and sessions.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A session unused this long (seconds) is ended.
    pub idle_timeout_seconds: i64,
    /// API tokens expire this long (seconds) after they are issued.
    pub token_lifetime_seconds: i64,
    /// Consecutive failed sign-ins that lock an account.
    pub lock_after_failures: i64,
    /// How long (seconds) a locked account stays locked.
    pub lock_seconds: i64,
    /// Mark the session cookie `Secure` (behind HTTPS).
    pub secure_cookies: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            idle_timeout_seconds: 30 * 60,
            token_lifetime_seconds: 12 * 60 * 60,
            lock_after_failures: 5,
            lock_seconds: 15 * 60,
            secure_cookies: false,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store_path: PathBuf,
    /// Open connections to the store, reused across requests (opening one parses the schema:
    /// most of a small request's time).
    stores: Mutex<Vec<Store>>,
    settings: Settings,
    cache: Mutex<data::Cache>,
    pending: Mutex<upload::Pending>,
    /// Totals of staff lists, kept between pages (`records::StaffCounts`).
    staff_counts: Mutex<records::StaffCounts>,
}

impl AppState {
    /// State for the store at `store_path` with default [`Settings`].
    pub fn new(store_path: PathBuf) -> AppState {
        AppState::with_settings(store_path, Settings::default())
    }

    /// State with explicit settings.
    pub fn with_settings(store_path: PathBuf, settings: Settings) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                store_path,
                stores: Mutex::new(Vec::new()),
                settings,
                cache: Mutex::new(data::Cache::default()),
                pending: Mutex::new(upload::Pending::default()),
                staff_counts: Mutex::new(records::StaffCounts::default()),
            }),
        }
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// Uploads waiting for confirmation.
    pub(crate) fn pending(&self) -> &Mutex<upload::Pending> {
        &self.inner.pending
    }

    /// Totals of staff lists by snapshot and filter.
    pub(crate) fn staff_counts(&self) -> &Mutex<records::StaffCounts> {
        &self.inner.staff_counts
    }

    /// Runs `work` on an open store (a pooled connection, or a new one) on the blocking pool.
    pub(crate) async fn with_store<T, F>(&self, work: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store, &AppState) -> Result<T, WebError> + Send + 'static,
    {
        const POOLED: usize = 8;
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = state
                .inner
                .stores
                .lock()
                .ok()
                .and_then(|mut pool| pool.pop());
            let mut store = match pooled {
                Some(store) => store,
                None => Store::open(&state.inner.store_path)?,
            };
            let result = work(&mut store, &state);
            if let Ok(mut pool) = state.inner.stores.lock()
                && pool.len() < POOLED
            {
                pool.push(store);
            }
            result
        })
        .await
        .map_err(|error| WebError::Internal(format!("a worker failed: {error}")))?
    }
}

/// How a route answers errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    /// `/api/v1/…`: JSON, problem+json errors.
    Api,
    /// Server-rendered pages.
    Page,
    /// Static assets.
    Asset,
}

/// One route of the router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteInfo {
    pub method: &'static str,
    /// The axum path pattern (`{org}` placeholders).
    pub path: &'static str,
    pub kind: RouteKind,
}

type Handler = MethodRouter<AppState>;

/// Every route: (method, path, kind, handler). [`router`] is built from this table and nothing
/// else, and [`route_table`] lists it for tests.
fn routes() -> Vec<(RouteInfo, Handler)> {
    use axum::routing::{get, post};
    let route = |method, path, kind, handler| (RouteInfo { method, path, kind }, handler);
    vec![
        route(
            "POST",
            "/api/v1/auth/token",
            RouteKind::Api,
            post(api::token),
        ),
        route("GET", "/api/v1/me", RouteKind::Api, get(api::me)),
        route(
            "GET",
            "/api/v1/openapi.json",
            RouteKind::Api,
            get(api::openapi),
        ),
        route(
            "GET",
            "/api/v1/organisations/{org}/workplaces",
            RouteKind::Api,
            get(api::workplaces),
        ),
        route(
            "GET",
            "/api/v1/organisations/{org}/staff",
            RouteKind::Api,
            get(api::staff),
        ),
        route(
            "GET",
            "/api/v1/areas/{area}/metrics/{name}",
            RouteKind::Api,
            get(api::area_metric),
        ),
        route(
            "GET",
            "/api/v1/areas/{area}/profile",
            RouteKind::Api,
            get(api::area_profile),
        ),
        route("GET", "/", RouteKind::Page, get(pages::home)),
        route("GET", "/sign-in", RouteKind::Page, get(pages::sign_in_form)),
        route("POST", "/sign-in", RouteKind::Page, post(pages::sign_in)),
        route("POST", "/sign-out", RouteKind::Page, post(pages::sign_out)),
        route(
            "GET",
            "/organisations/{org}",
            RouteKind::Page,
            get(pages::org_dashboard),
        ),
        route(
            "GET",
            "/organisations/{org}/workplaces",
            RouteKind::Page,
            get(pages::org_workplaces),
        ),
        route(
            "GET",
            "/organisations/{org}/staff",
            RouteKind::Page,
            get(pages::org_staff),
        ),
        route(
            "GET",
            "/organisations/{org}/workplaces/{workplace}/staff/{worker}",
            RouteKind::Page,
            get(pages::staff_record),
        ),
        route(
            "GET",
            "/organisations/{org}/staff/new",
            RouteKind::Page,
            get(records::new_form),
        ),
        route(
            "POST",
            "/organisations/{org}/staff/new",
            RouteKind::Page,
            post(records::create),
        ),
        route(
            "GET",
            "/organisations/{org}/workplaces/{workplace}/staff/{worker}/edit",
            RouteKind::Page,
            get(records::edit_form),
        ),
        route(
            "POST",
            "/organisations/{org}/workplaces/{workplace}/staff/{worker}/edit",
            RouteKind::Page,
            post(records::edit),
        ),
        route(
            "POST",
            "/organisations/{org}/workplaces/{workplace}/staff/{worker}/delete",
            RouteKind::Page,
            post(records::delete),
        ),
        route(
            "GET",
            "/organisations/{org}/export/{file}",
            RouteKind::Page,
            get(records::export),
        ),
        route(
            "GET",
            "/organisations/{org}/upload",
            RouteKind::Page,
            get(upload::upload_form),
        ),
        route(
            "POST",
            "/organisations/{org}/upload",
            RouteKind::Page,
            post(upload::upload_check).layer(DefaultBodyLimit::max(upload::UPLOAD_LIMIT)),
        ),
        route(
            "POST",
            "/organisations/{org}/upload/confirm",
            RouteKind::Page,
            post(upload::upload_confirm),
        ),
        route(
            "GET",
            "/areas/{area}",
            RouteKind::Page,
            get(pages::area_dashboard),
        ),
        route(
            "GET",
            "/areas/{area}/download/{format}",
            RouteKind::Page,
            get(pages::area_download),
        ),
        route(
            "GET",
            "/areas/{area}/projections",
            RouteKind::Page,
            get(projections::projections_page),
        ),
        route(
            "POST",
            "/areas/{area}/projections",
            RouteKind::Page,
            post(projections::save_scenario),
        ),
        route(
            "POST",
            "/areas/{area}/projections/{id}/run",
            RouteKind::Page,
            post(projections::run_saved),
        ),
        route(
            "POST",
            "/api/v1/areas/{area}/projections",
            RouteKind::Api,
            post(projections::api_project),
        ),
        route("GET", "/admin", RouteKind::Page, get(pages::admin_home)),
        route(
            "GET",
            "/admin/users",
            RouteKind::Page,
            get(pages::admin_users),
        ),
        route(
            "POST",
            "/admin/users/{id}/password",
            RouteKind::Page,
            post(pages::admin_reset_password),
        ),
        route(
            "GET",
            "/admin/audit",
            RouteKind::Page,
            get(pages::admin_audit),
        ),
        route(
            "GET",
            "/admin/users/new",
            RouteKind::Page,
            get(admin_pages::new_user_form),
        ),
        route(
            "POST",
            "/admin/users/new",
            RouteKind::Page,
            post(admin_pages::create_user),
        ),
        route(
            "GET",
            "/admin/users/{id}",
            RouteKind::Page,
            get(admin_pages::edit_user_form),
        ),
        route(
            "POST",
            "/admin/users/{id}",
            RouteKind::Page,
            post(admin_pages::update_user),
        ),
        route(
            "POST",
            "/admin/users/{id}/disable",
            RouteKind::Page,
            post(admin_pages::disable_user),
        ),
        route(
            "POST",
            "/admin/users/{id}/enable",
            RouteKind::Page,
            post(admin_pages::enable_user),
        ),
        route(
            "GET",
            "/account/tokens",
            RouteKind::Page,
            get(admin_pages::tokens),
        ),
        route(
            "POST",
            "/account/tokens",
            RouteKind::Page,
            post(admin_pages::create_token),
        ),
        route(
            "POST",
            "/account/tokens/{id}/revoke",
            RouteKind::Page,
            post(admin_pages::revoke_token),
        ),
        route(
            "GET",
            "/assets/{*file}",
            RouteKind::Asset,
            get(assets::asset),
        ),
    ]
    .into_iter()
    .chain(compliance_pages::routes())
    .chain(admin_pages::routes())
    .chain(compliance_api::routes())
    .collect()
}

/// The routes of [`router`], in table order.
pub fn route_table() -> Vec<RouteInfo> {
    routes().into_iter().map(|(info, _)| info).collect()
}

/// The whole app: pages, API and assets, with body limits and problem+json / HTML fallbacks.
pub fn router(state: AppState) -> Router {
    let mut router: Router<AppState> = Router::new();
    for (info, handler) in routes() {
        router = router.route(info.path, handler);
    }
    router
        .fallback(error::not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            upload::UPLOAD_LIMIT,
        ))
        .with_state(state)
}

/// Serves the app on `listener` until the process is stopped (Ctrl-C or SIGTERM end it cleanly).
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    // Build the current snapshot's facts in the background, so that the first dashboard is fast.
    let warm = state.clone();
    tokio::spawn(async move {
        let _ = warm
            .with_store(|store, state| {
                let date = data::default_date(store)?;
                data::snapshots_until(store, state, date).map(|_| ())
            })
            .await;
    });
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

/// Binds `bind`, calls `on_listening` with the bound address once connections are accepted, and
/// serves until stopped — on a runtime of its own, so the binary needs no async code.
pub fn serve_blocking(
    bind: &str,
    state: AppState,
    on_listening: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(bind).await?;
        on_listening(listener.local_addr()?);
        serve(listener, state).await
    })
}

/// One demo account: email, role description, password.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub email: &'static str,
    pub description: &'static str,
}

/// The demo accounts of `interfaces.md` ("Web app and API").
pub const DEMO_ACCOUNTS: [DemoAccount; 4] = [
    DemoAccount {
        email: "employer@demo.carecount.test",
        description: "employer (edit) of demo-care",
    },
    DemoAccount {
        email: "employer2@demo.carecount.test",
        description: "employer (edit) of demo-other",
    },
    DemoAccount {
        email: "commissioner@demo.carecount.test",
        description: "commissioner of Demo LA (E99999999)",
    },
    DemoAccount {
        email: "admin@demo.carecount.test",
        description: "administrator",
    },
];

/// Creates (or resets) the four demo accounts with `password`.
pub fn create_demo_accounts(store: &Store, password: &str) -> Result<(), WebError> {
    use carecount_store::accounts::{NewUser, Role};
    let hash = auth::hash_password(password)?;
    let users = [
        (Role::Employer, Some("demo-care"), Vec::new()),
        (Role::Employer, Some("demo-other"), Vec::new()),
        (
            Role::Commissioner,
            None,
            vec![carecount_codes::DEMO_AREA_CODE.to_string()],
        ),
        (Role::Admin, None, Vec::new()),
    ];
    for (account, (role, organisation, areas)) in DEMO_ACCOUNTS.iter().zip(users) {
        store.upsert_user(&NewUser {
            email: account.email.to_string(),
            password_hash: hash.clone(),
            role,
            organisation: organisation.map(str::to_string),
            areas,
        })?;
    }
    Ok(())
}

/// A random password for people to type (20 hex digits, 80 bits).
pub fn random_password() -> String {
    auth::new_token().chars().take(20).collect()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
