//! `carecount serve [--db PATH] [--bind 127.0.0.1:8080] [--demo]` (`interfaces.md`, "Web app and
//! API"): the web app and the JSON API.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use carecount_store::Store;
use clap::Args;

/// Serve the web app and the JSON API.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carecount serve --demo\n  carecount serve --db carecount.db --bind 127.0.0.1:8080"
)]
pub struct ServeArgs {
    /// The store (an SQLite file). Default: ./carecount.db, or with --demo a fresh temporary one.
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Load the demo data set and create the demo accounts (passwords printed, or
    /// CARECOUNT_DEMO_PASSWORD when set).
    #[arg(long)]
    pub demo: bool,
}

/// Removes the temporary demo store when serving ends.
struct TemporaryStore(Option<PathBuf>);

impl Drop for TemporaryStore {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }
}

pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let (path, temporary) = match (&args.db, args.demo) {
        (Some(path), _) => (path.clone(), TemporaryStore(None)),
        (None, false) => (PathBuf::from("carecount.db"), TemporaryStore(None)),
        (None, true) => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|elapsed| elapsed.as_nanos())
                .unwrap_or_default();
            let path = std::env::temp_dir()
                .join(format!("carecount-demo-{}-{nanos}.db", std::process::id()));
            (path.clone(), TemporaryStore(Some(path)))
        }
    };
    let mut store =
        Store::open(&path).with_context(|| format!("opening the store {}", path.display()))?;
    if args.demo {
        let summary = crate::cmd_demo::load_demo(&mut store)?;
        eprintln!(
            "loaded the demo data set into {}: {} organisations, {} workplaces, {} staff records",
            path.display(),
            summary.orgs,
            summary.workplaces,
            summary.staff
        );
        let (password, given) = match std::env::var("CARECOUNT_DEMO_PASSWORD") {
            Ok(password) if !password.is_empty() => (password, true),
            _ => (carecount_web::random_password(), false),
        };
        carecount_web::create_demo_accounts(&store, &password)
            .map_err(|error| anyhow::anyhow!("creating the demo accounts: {error}"))?;
        eprintln!(
            "demo accounts (password {}):",
            if given {
                "from CARECOUNT_DEMO_PASSWORD"
            } else {
                "printed below"
            }
        );
        for account in carecount_web::DEMO_ACCOUNTS {
            if given {
                eprintln!("  {:<36} {}", account.email, account.description);
            } else {
                eprintln!(
                    "  {:<36} password {password}  {}",
                    account.email, account.description
                );
            }
        }
    }
    drop(store);
    let state = carecount_web::AppState::new(path.clone());
    carecount_web::serve_blocking(&args.bind, state, |address| {
        eprintln!("listening on http://{address}");
    })
    .with_context(|| format!("serving on {}", args.bind))?;
    drop(temporary);
    Ok(ExitCode::SUCCESS)
}
