//! The memoised region and England figures of area profiles ([`ProfileMemo`]) kept in the
//! store's fact cache, so that one area profile reads only the area's facts plus these figures.
//!
//! The parts are `results/england`, `results/region/CODE` (every as-of date's entries of that
//! level) and `results/index` (the region codes stored), in the form of
//! [`codec::encode_results`]. The fact cache replaces every part of a date on each write, so the
//! results live under a date of their own, [`RESULTS_DATE`], that no snapshot can have. They are
//! keyed by the store state like the facts: a new import makes them unreadable. A part that does
//! not decode (damaged, another build) is ignored and its figures recomputed.

use carecount_store::{CacheState, Store, StoreError};
use time::Date;
use time::macros::date;

use crate::codec;
use crate::disclosure::Audience;
use crate::load::{self, Scope};
use crate::memo::{MemoKey, MemoValue, ProfileMemo};
use crate::profile::{AreaProfile, area_profile_memo, infer_region};

/// The cache date the results are kept under (never a snapshot's as-of date).
pub const RESULTS_DATE: Date = date!(0001 - 01 - 01);

const ENGLAND_PART: &str = "results/england";
const INDEX_PART: &str = "results/index";

fn region_part(code: &str) -> String {
    format!("results/region/{code}")
}

/// The stored entries of England and of `region` (when given), with the state they were read
/// under. Parts missing or unreadable give no entries.
pub fn load_results(
    store: &Store,
    region: Option<&str>,
) -> Result<(CacheState, ProfileMemo), StoreError> {
    let region_name = region.map(region_part);
    let mut names = vec![ENGLAND_PART];
    if let Some(name) = &region_name {
        names.push(name);
    }
    let got = store.fact_cache_get(RESULTS_DATE, &names)?;
    let mut memo = ProfileMemo::new();
    for (_, bytes) in &got.parts {
        if let Ok(entries) = codec::decode_results(bytes) {
            for (key, value) in entries {
                memo.insert(key, value);
            }
        }
    }
    Ok((got.state, memo))
}

/// Adds the entries of `memo` to those stored (a stored entry with the same key is replaced)
/// and writes them back under `state`. `false` when nothing was written because a snapshot was
/// added since `state` was read (the entries would be stale).
pub fn save_results(
    store: &Store,
    state: &CacheState,
    memo: &ProfileMemo,
) -> Result<bool, StoreError> {
    let index = store.fact_cache_get(RESULTS_DATE, &[INDEX_PART])?;
    if index.state != *state {
        return Ok(false);
    }
    let mut regions: Vec<String> = index
        .parts
        .first()
        .and_then(|(_, bytes)| decode_index(bytes))
        .unwrap_or_default();
    let mut names = vec![ENGLAND_PART.to_string()];
    names.extend(regions.iter().map(|code| region_part(code)));
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let stored = store.fact_cache_get(RESULTS_DATE, &name_refs)?;
    if stored.state != *state {
        return Ok(false);
    }
    let mut merged = ProfileMemo::new();
    for (_, bytes) in &stored.parts {
        if let Ok(entries) = codec::decode_results(bytes) {
            for (key, value) in entries {
                merged.insert(key, value);
            }
        }
    }
    for (key, value) in memo.entries() {
        merged.insert(key.clone(), value.clone());
    }
    let mut by_level: std::collections::BTreeMap<Option<&str>, Vec<(&MemoKey, &MemoValue)>> =
        std::collections::BTreeMap::new();
    for (key, value) in merged.entries() {
        by_level
            .entry(key.region.as_deref())
            .or_default()
            .push((key, value));
    }
    regions = by_level
        .keys()
        .flatten()
        .map(|code| code.to_string())
        .collect();
    let mut parts: Vec<(String, Vec<u8>)> = by_level
        .into_iter()
        .map(|(level, entries)| {
            let name = level.map_or_else(|| ENGLAND_PART.to_string(), region_part);
            (name, codec::encode_results(entries))
        })
        .collect();
    parts.push((INDEX_PART.to_string(), encode_index(&regions)));
    store.fact_cache_put(state, RESULTS_DATE, &parts)
}

/// The index of stored regions: the entries' form with one key per region and no value is
/// more than needed; a plain list of codes, one per line, prefixed by a tag.
fn encode_index(regions: &[String]) -> Vec<u8> {
    let mut text = String::from("carecount results index 1\n");
    for code in regions {
        text.push_str(code);
        text.push('\n');
    }
    text.into_bytes()
}

fn decode_index(bytes: &[u8]) -> Option<Vec<String>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut lines = text.lines();
    if lines.next()? != "carecount results index 1" {
        return None;
    }
    Some(lines.map(str::to_string).collect())
}

/// How an area profile was answered (for measurements and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// Every region and England figure came from the stored results: only the area's facts
    /// were read.
    FromStoredResults,
    /// Some were missing: every workplace's facts were read and the new figures stored.
    Computed,
}

/// The area profile of `area` as of `date` (snapshots of every stored date before it, then
/// `date`), answered from the stored region and England figures when they are all there, so
/// that only the area's facts are read; otherwise from every workplace's facts, storing the
/// figures computed. `None` when no snapshot is current (as [`crate::area_profile`]).
pub fn area_profile_stored(
    store: &Store,
    date: Date,
    area: &str,
    audience: Audience,
) -> Result<Option<(AreaProfile, Answered)>, StoreError> {
    let before = store.fact_cache_state()?;
    let mut dates: Vec<Date> = store
        .snapshot_dates()?
        .into_iter()
        .filter(|d| *d < date)
        .collect();
    dates.push(date);
    let scope = Scope::Area(area.to_string());
    let mut area_snapshots = Vec::with_capacity(dates.len());
    for d in &dates {
        area_snapshots.push(load::snapshot_scoped(store, *d, &scope)?);
    }
    let region = area_snapshots
        .iter()
        .max_by_key(|snapshot| snapshot.as_of)
        .and_then(|current| infer_region(current, area));
    let (state, mut memo) = load_results(store, region.as_deref())?;
    if state == before && !memo.is_empty() {
        memo.set_strict(true);
        let profile = area_profile_memo(&area_snapshots, area, None, audience, &mut memo);
        if !memo.missed() {
            return Ok(profile.map(|profile| (profile, Answered::FromStoredResults)));
        }
        memo.set_strict(false);
    }
    drop(area_snapshots);
    let snapshots = load::snapshots_until(store, date)?;
    let computed_before = memo.computed();
    let profile = area_profile_memo(&snapshots, area, None, audience, &mut memo);
    if memo.computed() > computed_before {
        // Like the facts, the results only save time: a store that cannot be written still
        // answers.
        let _ = save_results(store, &state, &memo);
    }
    Ok(profile.map(|profile| (profile, Answered::Computed)))
}
