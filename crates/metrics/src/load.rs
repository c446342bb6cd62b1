//! Metric facts from the store: every organisation's snapshot current on a date, merged into one
//! [`Snapshot`] with that date as D. The CLI and the web app both read through here.

use carecount_store::{AreaAssignment, Store, StoreError};
use time::Date;

use crate::facts::{Snapshot, WorkplaceId};
use crate::from_domain::{Placement, staff_facts, workplace_facts};

/// The facts as of `date`, all workplaces.
pub fn snapshot_on(store: &Store, date: Date) -> Result<Snapshot, StoreError> {
    snapshot_on_where(store, date, &|_, _| true)
}

/// The facts as of `date` of the workplaces `keep(org, area)` accepts (an area's figures read
/// that area alone).
pub fn snapshot_on_where(
    store: &Store,
    date: Date,
    keep: &dyn Fn(&str, Option<&AreaAssignment>) -> bool,
) -> Result<Snapshot, StoreError> {
    let records = store.analysis_workforce_where(date, keep)?;
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

/// One snapshot per stored as-of date before `date`, then `date` itself (for trends).
pub fn snapshots_until(store: &Store, date: Date) -> Result<Vec<Snapshot>, StoreError> {
    let mut out = Vec::new();
    for d in store.snapshot_dates()? {
        if d < date {
            out.push(snapshot_on(store, d)?);
        }
    }
    out.push(snapshot_on(store, date)?);
    Ok(out)
}
