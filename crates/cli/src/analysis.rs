//! Loads metric facts from the store: every organisation's snapshot current on a date, merged into
//! one `carecount_metrics::Snapshot` with that date as D.

use carecount_store::Store;

pub use carecount_metrics::load::{Scope, snapshot_on, snapshot_scoped, snapshots_until};

/// Resolves `--area` (ONS code or council name, else a user's own area name as stored).
pub fn area_code(area: &str) -> String {
    carecount_codes::area_code(area)
}

/// Resolves `--region` (ONS code or name) to its code; anything else is kept as given.
pub fn region_code(region: &str) -> String {
    carecount_codes::tables()
        .region(region)
        .map(|r| r.code.clone())
        .unwrap_or_else(|| region.to_string())
}

/// The planning data set of an area (see `carecount_planning::load`).
pub fn planning_data_set(
    db: &std::path::Path,
    area: &str,
) -> anyhow::Result<Option<carecount_planning::DataSet>> {
    if !db.exists() {
        return Ok(None);
    }
    let store = Store::open(db)?;
    Ok(carecount_planning::load::data_set(&store, area)?)
}
