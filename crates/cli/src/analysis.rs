//! Loads metric facts from the store: every organisation's snapshot current on a date, merged into
//! one `carecount_metrics::Snapshot` with that date as D.

use carecount_metrics::from_domain::{Placement, staff_facts, workplace_facts};
use carecount_metrics::{Snapshot, WorkplaceId};
use carecount_store::Store;
use time::Date;

/// The facts as of `date`.
pub fn snapshot_on(store: &Store, date: Date) -> anyhow::Result<Snapshot> {
    let records = store.analysis_records(date)?;
    let workplaces = records
        .workplaces
        .iter()
        .map(|w| {
            let placement = Placement {
                org: w.org.clone(),
                area_code: w.area.as_ref().map(|a| a.code.clone()),
                region_code: w.area.as_ref().and_then(|a| a.region_code.clone()),
            };
            workplace_facts(w.id as WorkplaceId, &placement, &w.workplace)
        })
        .collect();
    let staff = records
        .staff
        .iter()
        .map(|s| staff_facts(s.workplace_id as WorkplaceId, &s.staff, s.age))
        .collect();
    Ok(Snapshot {
        as_of: date,
        workplaces,
        staff,
    })
}

/// One snapshot per stored as-of date up to `date` (for trends), the last being `date` itself.
pub fn snapshots_until(store: &Store, date: Date) -> anyhow::Result<Vec<Snapshot>> {
    let mut out = Vec::new();
    for d in store.snapshot_dates()? {
        if d < date {
            out.push(snapshot_on(store, d)?);
        }
    }
    out.push(snapshot_on(store, date)?);
    Ok(out)
}

/// Resolves `--area` (ONS code or council name, else a user's own area name as stored) to the
/// code workplaces carry.
pub fn area_code(area: &str) -> String {
    let tables = carecount_codes::tables();
    if let Some(la) = tables.local_authority(area) {
        return la.code.clone();
    }
    if area.eq_ignore_ascii_case(carecount_codes::DEMO_AREA_NAME) {
        return carecount_codes::DEMO_AREA_CODE.to_string();
    }
    area.to_string()
}

/// Resolves `--region` (ONS code or name) to its code; anything else is kept as given.
pub fn region_code(region: &str) -> String {
    carecount_codes::tables()
        .region(region)
        .map(|r| r.code.clone())
        .unwrap_or_else(|| region.to_string())
}
