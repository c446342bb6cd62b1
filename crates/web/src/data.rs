//! Metric snapshots from the store (every organisation's snapshot current on a date, as facts),
//! cached per store version and date so that dashboards do not rebuild them on every request.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use carecount_metrics::{AreaProfile, Audience, Snapshot};
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
}

/// Area profiles kept at most (the cache is emptied beyond).
const PROFILES_MAX: usize = 256;

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
    let Some(profile) = carecount_metrics::area_profile(&series, code, None, audience) else {
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

/// The facts as of `date`.
fn snapshot_on(store: &Store, date: Date) -> Result<Snapshot, WebError> {
    Ok(carecount_metrics::load::snapshot_on(store, date)?)
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
