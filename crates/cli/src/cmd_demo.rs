//! `carecount demo`: loads the demo data set through the real import path (`interfaces.md`).

use std::process::ExitCode;

use carecount_store::Store;
use clap::Args;

use crate::global::DbArg;

/// Load the demo data set (Demo LA, its region, a sample of England; three yearly snapshots).
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carecount demo --db demo.db\n  carecount metric vacancy_rate --db demo.db --area \"Demo LA\""
)]
pub struct DemoArgs {
    #[command(flatten)]
    pub db: DbArg,
}

/// What the demo loaded.
#[derive(Debug, Default, Clone)]
pub struct DemoSummary {
    pub orgs: usize,
    pub snapshots: usize,
    pub workplaces: usize,
    pub staff: usize,
}

/// Loads the demo data set into `store` (placeholder until the demo generator lands).
pub fn load_demo(store: &mut Store) -> anyhow::Result<DemoSummary> {
    let _ = store;
    Ok(DemoSummary::default())
}

pub fn run(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let mut store = Store::open(&args.db.db)?;
    let summary = load_demo(&mut store)?;
    eprintln!(
        "loaded the demo data set into {}: {} organisations, {} snapshots, {} workplaces, {} staff records",
        args.db.db.display(),
        summary.orgs,
        summary.snapshots,
        summary.workplaces,
        summary.staff
    );
    Ok(ExitCode::SUCCESS)
}
