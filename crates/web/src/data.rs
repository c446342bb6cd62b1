//! Metric snapshots from the store (every organisation's snapshot current on a date, as facts),
//! cached per store version and date so that dashboards do not rebuild them on every request.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use carecount_metrics::{AreaProfile, Audience, ProfileMemo, Snapshot};
use carecount_store::Store;
use time::Date;

use crate::{AppState, WebError};

/// Snapshots per (store version, date).
#[derive(Default)]
pub(crate) struct Cache {
    version: i64,
    series: HashMap<Date, Arc<Vec<Snapshot>>>,
    /// Area profiles by (date, area code, disclosure-controlled).
    profiles: HashMap<(Date, String, bool), Arc<AreaProfile>>,
    /// Region and England figures of area profiles by date, so that the second area opened
    /// does not recompute England (emptied with the rest when the store changes).
    memos: HashMap<Date, Arc<Mutex<ProfileMemo>>>,
}

/// Area profiles kept at most (the cache is emptied beyond).
const PROFILES_MAX: usize = 256;

/// Dates whose profile memo is kept at most (the memos are emptied beyond).
const MEMOS_MAX: usize = 8;

fn lock(state: &AppState) -> Result<std::sync::MutexGuard<'_, Cache>, WebError> {
    state
        .inner
        .cache
        .lock()
        .map_err(|_| WebError::Internal("the snapshot cache is poisoned".to_string()))
}

/// The area profile of `code` as of `date` for `audience`, cached until the store gains a
/// snapshot. `None`: no data.
pub(crate) fn area_profile(
    store: &Store,
    state: &AppState,
    date: Date,
    code: &str,
    audience: Audience,
) -> Result<Option<Arc<AreaProfile>>, WebError> {
    let version = store.data_version()?;
    let key = (date, code.to_string(), audience == Audience::Commissioner);
    {
        let cache = lock(state)?;
        if cache.version == version
            && let Some(profile) = cache.profiles.get(&key)
        {
            return Ok(Some(profile.clone()));
        }
    }
    let series = snapshots_until(store, state, date)?;
    let memo = {
        let mut cache = lock(state)?;
        if cache.version == version {
            if cache.memos.len() >= MEMOS_MAX && !cache.memos.contains_key(&date) {
                cache.memos.clear();
            }
            cache.memos.entry(date).or_default().clone()
        } else {
            // The store changed while the series was read: a memo of its own, not kept.
            Arc::default()
        }
    };
    let profile = {
        // One profile at a time per date: a second request waits and then reuses England.
        let mut memo = memo
            .lock()
            .map_err(|_| WebError::Internal("the profile memo is poisoned".to_string()))?;
        carecount_metrics::area_profile_memo(&series, code, None, audience, &mut memo)
    };
    let Some(profile) = profile else {
        return Ok(None);
    };
    let profile = Arc::new(profile);
    let mut cache = lock(state)?;
    if cache.version == version {
        if cache.profiles.len() >= PROFILES_MAX {
            cache.profiles.clear();
        }
        cache.profiles.insert(key, profile.clone());
    }
    Ok(Some(profile))
}

/// The facts as of `date`, every workplace (dashboards set the area beside region and England),
/// read from the store's persistent fact cache (built by the first request after an import).
fn snapshot_on(store: &Store, date: Date) -> Result<Snapshot, WebError> {
    Ok(carecount_metrics::load::snapshot_scoped(
        store,
        date,
        &carecount_metrics::load::Scope::All,
    )?)
}

/// The date figures describe when none is asked: the latest snapshot date in the store (so that
/// "last 12 months" windows end on the data's own date), or today for an empty store.
pub(crate) fn default_date(store: &Store) -> Result<Date, WebError> {
    Ok(store
        .snapshot_dates()?
        .last()
        .copied()
        .unwrap_or_else(|| time::OffsetDateTime::now_utc().date()))
}

/// One snapshot per stored as-of date before `date`, then `date` itself (oldest first; the last
/// is current). Cached until the store gains a snapshot.
pub(crate) fn snapshots_until(
    store: &Store,
    state: &AppState,
    date: Date,
) -> Result<Arc<Vec<Snapshot>>, WebError> {
    let version = store.data_version()?;
    {
        let cache = state
            .inner
            .cache
            .lock()
            .map_err(|_| WebError::Internal("the snapshot cache is poisoned".to_string()))?;
        if cache.version == version
            && let Some(series) = cache.series.get(&date)
        {
            return Ok(series.clone());
        }
    }
    let mut series = Vec::new();
    for earlier in store.snapshot_dates()? {
        if earlier < date {
            series.push(snapshot_on(store, earlier)?);
        }
    }
    series.push(snapshot_on(store, date)?);
    let series = Arc::new(series);
    let mut cache = state
        .inner
        .cache
        .lock()
        .map_err(|_| WebError::Internal("the snapshot cache is poisoned".to_string()))?;
    if cache.version != version {
        cache.version = version;
        cache.series.clear();
        cache.profiles.clear();
        cache.memos.clear();
    }
    cache.series.insert(date, series.clone());
    Ok(series)
}

/// Resolves an `{area}` (ONS code or council name, else a user's own area name as stored) to
/// the code workplaces carry.
pub(crate) fn area_code(area: &str) -> String {
    carecount_codes::area_code(area)
}

/// A readable name for an area code.
pub(crate) fn area_name(code: &str) -> String {
    if code == carecount_codes::DEMO_AREA_CODE {
        return carecount_codes::DEMO_AREA_NAME.to_string();
    }
    carecount_codes::tables()
        .local_authority(code)
        .map_or_else(|| code.to_string(), |la| la.name.clone())
}

/// The areas workplaces of `snapshot` are placed in, sorted.
pub(crate) fn areas_in(snapshot: &Snapshot) -> Vec<String> {
    snapshot
        .workplaces
        .iter()
        .filter_map(|workplace| workplace.area_code.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Parses `YYYY-MM-DD`.
pub(crate) fn parse_date(text: &str) -> Result<Date, WebError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, format)
        .map_err(|_| WebError::BadRequest(format!("`{text}` is not a date of the form YYYY-MM-DD")))
}

/// Formats a date as `YYYY-MM-DD`.
pub(crate) fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use carecount_ascwds::{Given, InputFile};
    use carecount_store::AreaAssignment;
    use time::macros::date;

    const AS_OF: Date = date!(2025 - 03 - 31);

    fn import(store: &mut Store, org: &str, seed: u64, area: &str) {
        let upload = carecount_generate::generate(&carecount_generate::GenerateOptions {
            workplaces: 3,
            staff: 40,
            seed,
            as_of: AS_OF,
        })
        .unwrap_or_else(|error| panic!("generate: {error}"));
        let given = Given::Explicit {
            workplace: Some(InputFile {
                path: "workplace.csv".to_string(),
                bytes: upload.workplace.into_bytes(),
            }),
            staff: Some(InputFile {
                path: "staff.csv".to_string(),
                bytes: upload.staff.into_bytes(),
            }),
            training: None,
        };
        let placement = AreaAssignment {
            code: area.to_string(),
            name: area.to_string(),
            region_code: Some("E12000003".to_string()),
        };
        let place = move |_: &carecount_domain::Workplace| Some(placement.clone());
        let outcome = carecount_store::ingest::import(
            store,
            org,
            AS_OF,
            given,
            &place,
            false,
            &mut |_, _| {},
        )
        .unwrap_or_else(|error| panic!("import: {error}"));
        assert!(outcome.snapshot.is_some());
    }

    fn memo_counts(state: &AppState) -> (u64, u64) {
        let cache = lock(state).unwrap_or_else(|_| panic!("lock"));
        let memo = cache.memos.get(&AS_OF).unwrap_or_else(|| panic!("a memo"));
        let memo = memo.lock().unwrap_or_else(|_| panic!("lock"));
        (memo.hits(), memo.computed())
    }

    #[test]
    fn the_second_area_opened_reuses_england_and_the_region() {
        let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("tmp: {error}"));
        let path = dir.path().join("web.db");
        let mut store = Store::open(&path).unwrap_or_else(|error| panic!("open: {error}"));
        // Rotherham and Sheffield, both in Yorkshire and The Humber.
        import(&mut store, "a", 1, "E08000018");
        import(&mut store, "b", 2, "E08000019");
        let state = AppState::new(path);
        let audience = Audience::Commissioner;
        let profile = |code: &str| {
            area_profile(&store, &state, AS_OF, code, audience)
                .unwrap_or_else(|error| panic!("profile: {error}"))
                .unwrap_or_else(|| panic!("no profile"))
        };
        let first = profile("E08000018");
        let (hits, computed) = memo_counts(&state);
        let second = profile("E08000019");
        let (hits_after, computed_after) = memo_counts(&state);
        // At least England's and the region's 18 headline metrics and England's workplaces
        // without an area are reused: 2 × 18 + 1 = 37 more hits.
        assert!(hits_after >= hits + 37, "{hits} → {hits_after}");
        assert!(computed_after >= computed);
        // And the profiles are those computed without any memo.
        let series = snapshots_until(&store, &state, AS_OF).unwrap_or_else(|_| panic!("series"));
        for (code, got) in [("E08000018", first), ("E08000019", second)] {
            let expected = carecount_metrics::area_profile(&series, code, None, audience);
            assert_eq!(Some(&*got), expected.as_ref(), "{code}");
        }
    }
}
