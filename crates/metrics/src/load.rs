//! Metric facts from the store: every organisation's snapshot current on a date, merged into one
//! [`Snapshot`] with that date as D. The CLI and the web app both read through here.
//!
//! Reading records from SQLite and parsing them is most of the cost of a figure, so the facts of
//! a date are kept in the store's fact cache ([`carecount_store::fact_cache`]) in the compact
//! form of [`crate::codec`], one part per area (plus one for unplaced workplaces) and an index
//! part naming them. The first load of a date after any import reads the whole date once and
//! writes every part in one transaction; later loads read only the parts their [`Scope`] needs.
//! A part that is missing, damaged or of another format version makes the loader rebuild.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use carecount_store::{AreaAssignment, Store, StoreError};
use time::Date;

use crate::codec::{self, IndexEntry};
use crate::facts::{Snapshot, StaffFacts, WorkplaceFacts, WorkplaceId};
use crate::from_domain::{Placement, staff_facts, workplace_facts};

/// The name of the index part in the cache.
const INDEX_PART: &str = "facts/index";
/// The name of the part of workplaces with no area.
const UNPLACED_PART: &str = "facts/unplaced";

fn area_part(code: &str) -> String {
    format!("facts/area/{code}")
}

/// Which workplaces a caller needs (with all their staff).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every workplace (England, benchmarks, the area profile).
    All,
    /// The workplaces placed in this area (ONS code, or a user's own area name).
    Area(String),
    /// The workplaces whose region is this ONS code.
    Region(String),
    /// The workplaces of this organisation.
    Org(String),
}

impl Scope {
    fn admits(&self, w: &WorkplaceFacts) -> bool {
        match self {
            Scope::All => true,
            Scope::Area(a) => w.area_code.as_deref() == Some(a.as_str()),
            Scope::Region(r) => w.region_code.as_deref() == Some(r.as_str()),
            Scope::Org(o) => w.org == *o,
        }
    }

    fn needs(&self, entry: &IndexEntry) -> bool {
        match self {
            Scope::All => true,
            Scope::Area(a) => entry.area.as_deref() == Some(a.as_str()),
            Scope::Region(r) => entry.regions.iter().any(|x| x == r),
            Scope::Org(o) => entry.orgs.iter().any(|x| x == o),
        }
    }
}

/// The facts as of `date`, all workplaces (through the cache).
pub fn snapshot_on(store: &Store, date: Date) -> Result<Snapshot, StoreError> {
    snapshot_scoped(store, date, &Scope::All)
}

/// The facts as of `date` of the workplaces in `scope`, in the order of an uncached load.
/// Reads the fact cache; on a miss builds it for the whole date (one full read).
pub fn snapshot_scoped(store: &Store, date: Date, scope: &Scope) -> Result<Snapshot, StoreError> {
    if let Some(snapshot) = from_cache(store, date, scope)? {
        return Ok(snapshot);
    }
    let state = store.fact_cache_state()?;
    let all = read_uncached(store, date, &|_, _| true)?;
    let blobs = encode_parts(&all);
    // The cache only saves time: a store that cannot be written (read-only file, a writer
    // holding the lock past the busy timeout) still answers, from the facts just read.
    let _ = store.fact_cache_put(&state, date, &blobs);
    if *scope == Scope::All {
        return Ok(all);
    }
    let workplaces: Vec<WorkplaceFacts> = all
        .workplaces
        .into_iter()
        .filter(|w| scope.admits(w))
        .collect();
    let ids: HashSet<WorkplaceId> = workplaces.iter().map(|w| w.id).collect();
    Ok(Snapshot {
        as_of: date,
        workplaces,
        staff: all
            .staff
            .into_iter()
            .filter(|s| ids.contains(&s.workplace))
            .collect(),
    })
}

/// The scope's facts from the cache, or `None` when the cache does not hold them for the
/// store's current state (or holds something unreadable).
fn from_cache(store: &Store, date: Date, scope: &Scope) -> Result<Option<Snapshot>, StoreError> {
    let found = store.fact_cache_get(date, &[INDEX_PART])?;
    let Some((_, bytes)) = found.parts.first() else {
        return Ok(None);
    };
    let Ok(index) = codec::decode_index(bytes) else {
        return Ok(None);
    };
    let names: Vec<&str> = index
        .iter()
        .filter(|entry| scope.needs(entry))
        .map(|entry| entry.part.as_str())
        .collect();
    let got = store.fact_cache_get(date, &names)?;
    if got.state != found.state || got.parts.len() != names.len() {
        return Ok(None);
    }
    let mut workplaces: Vec<(u32, WorkplaceFacts)> = Vec::new();
    let mut staff: Vec<(u32, StaffFacts)> = Vec::new();
    for (_, bytes) in &got.parts {
        let Ok(part) = codec::decode_part(bytes) else {
            return Ok(None);
        };
        workplaces.extend(part.workplaces);
        staff.extend(part.staff);
    }
    if *scope != Scope::All {
        workplaces.retain(|(_, w)| scope.admits(w));
        let ids: HashSet<WorkplaceId> = workplaces.iter().map(|(_, w)| w.id).collect();
        staff.retain(|(_, s)| ids.contains(&s.workplace));
    }
    workplaces.sort_unstable_by_key(|(position, _)| *position);
    staff.sort_unstable_by_key(|(position, _)| *position);
    Ok(Some(Snapshot {
        as_of: date,
        workplaces: workplaces.into_iter().map(|(_, w)| w).collect(),
        staff: staff.into_iter().map(|(_, s)| s).collect(),
    }))
}

/// The facts of one part, borrowed from a full load.
type Borrowed<'a> = (Vec<(u32, &'a WorkplaceFacts)>, Vec<(u32, &'a StaffFacts)>);

/// Splits a full load into one part per area plus one for unplaced workplaces, each staff
/// record with its workplace, and encodes them; returns `(name, bytes)` of every part, the index
/// last.
fn encode_parts(all: &Snapshot) -> Vec<(String, Vec<u8>)> {
    let mut by_area: BTreeMap<Option<&str>, Borrowed<'_>> = BTreeMap::new();
    let mut area_of: HashMap<WorkplaceId, Option<&str>> = HashMap::new();
    for (position, w) in all.workplaces.iter().enumerate() {
        let area = w.area_code.as_deref();
        area_of.insert(w.id, area);
        by_area
            .entry(area)
            .or_default()
            .0
            .push((position_u32(position), w));
    }
    for (position, s) in all.staff.iter().enumerate() {
        // A staff record always names a workplace of the load; one that did not would be
        // unplaced rather than lost.
        let area = area_of.get(&s.workplace).copied().flatten();
        by_area
            .entry(area)
            .or_default()
            .1
            .push((position_u32(position), s));
    }
    let mut blobs = Vec::with_capacity(by_area.len() + 1);
    let mut index = Vec::with_capacity(by_area.len());
    for (area, (workplaces, staff)) in by_area {
        let regions: BTreeSet<String> = workplaces
            .iter()
            .filter_map(|(_, w)| w.region_code.clone())
            .collect();
        let orgs: BTreeSet<String> = workplaces.iter().map(|(_, w)| w.org.clone()).collect();
        let name = area.map_or_else(|| UNPLACED_PART.to_string(), area_part);
        blobs.push((name.clone(), codec::encode_borrowed(&workplaces, &staff)));
        index.push(IndexEntry {
            part: name,
            area: area.map(str::to_string),
            regions: regions.into_iter().collect(),
            orgs: orgs.into_iter().collect(),
        });
    }
    blobs.push((INDEX_PART.to_string(), codec::encode_index(&index)));
    blobs
}

fn position_u32(position: usize) -> u32 {
    u32::try_from(position).unwrap_or(u32::MAX)
}

/// The facts as of `date` of the workplaces `keep(org, area)` accepts (an area's figures read
/// that area alone), read from the records directly (no cache).
pub fn snapshot_on_where(
    store: &Store,
    date: Date,
    keep: &dyn Fn(&str, Option<&AreaAssignment>) -> bool,
) -> Result<Snapshot, StoreError> {
    read_uncached(store, date, keep)
}

fn read_uncached(
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

/// One snapshot per stored as-of date before `date`, then `date` itself (for trends), all
/// workplaces, through the cache.
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
