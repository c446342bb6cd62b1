//! A persistent cache of analysis results: opaque byte blobs keyed by (store state, as-of date,
//! part name). The store does not know what the bytes mean (`carecount-metrics` writes its facts
//! here); it only guarantees that a blob is never read back once the store's data has changed.
//!
//! The state key is the number of snapshots and the largest snapshot id: every write of records
//! (an import, a web edit, `import --area`) goes through [`Store::apply`](crate::Store::apply),
//! which adds a snapshot, so any write changes the key and older entries are never read again.
//! Writing under a new key deletes every entry of the older keys. Besides the snapshots' own
//! as-of dates (which trends read every time), at most [`DATES_KEPT`] dates are kept per key (the
//! least recently written go first), so a web app asked for many dates does not grow the file
//! without bound.

use rusqlite::{Connection, Transaction, TransactionBehavior, params};
use time::Date;

use crate::codec::date_text;
use crate::error::Fail;
use crate::{Store, StoreError};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS fact_cache (
    id INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    as_of TEXT NOT NULL,
    part TEXT NOT NULL,
    data BLOB NOT NULL,
    UNIQUE (state, as_of, part)
) STRICT;
";

/// Dates kept per state key.
pub const DATES_KEPT: usize = 8;

/// Creates the cache table when missing (idempotent; runs on every open).
pub(crate) fn ensure_schema(connection: &Connection) -> rusqlite::Result<()> {
    connection.execute_batch(SCHEMA)
}

/// The store's data state: changes whenever a snapshot is added (or removed). Opaque.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheState(String);

impl CacheState {
    /// The key as text (for messages and tests).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Parts read from the cache, with the state they were read under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedParts {
    /// The store's state when the parts were read; pass it to [`Store::fact_cache_put`].
    pub state: CacheState,
    /// `(part name, bytes)` for each asked part that the cache holds for this state and date, in
    /// the order asked. A part not held is left out.
    pub parts: Vec<(String, Vec<u8>)>,
}

fn state_of(connection: &Connection) -> rusqlite::Result<CacheState> {
    connection.query_row(
        "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM snapshot",
        [],
        |row| {
            let count: i64 = row.get(0)?;
            let max: i64 = row.get(1)?;
            Ok(CacheState(format!("{count}:{max}")))
        },
    )
}

fn get(connection: &Connection, as_of: Date, names: &[&str]) -> Result<CachedParts, Fail> {
    let transaction = Transaction::new_unchecked(connection, TransactionBehavior::Deferred)?;
    let state = state_of(&transaction)?;
    let date = date_text(as_of);
    let mut parts = Vec::with_capacity(names.len());
    {
        let mut statement = transaction.prepare_cached(
            "SELECT data FROM fact_cache WHERE state = ?1 AND as_of = ?2 AND part = ?3",
        )?;
        for name in names {
            let mut rows = statement.query(params![state.0, date, name])?;
            if let Some(row) = rows.next()? {
                parts.push(((*name).to_string(), row.get::<_, Vec<u8>>(0)?));
            }
        }
    }
    transaction.commit()?;
    Ok(CachedParts { state, parts })
}

fn put(
    connection: &Connection,
    state: &CacheState,
    as_of: Date,
    parts: &[(String, Vec<u8>)],
) -> Result<bool, Fail> {
    let transaction = Transaction::new_unchecked(connection, TransactionBehavior::Immediate)?;
    if state_of(&transaction)? != *state {
        // The data changed since the parts were computed: they would be stale.
        return Ok(false);
    }
    let date = date_text(as_of);
    transaction.execute("DELETE FROM fact_cache WHERE state <> ?1", params![state.0])?;
    transaction.execute(
        "DELETE FROM fact_cache WHERE state = ?1 AND as_of = ?2",
        params![state.0, date],
    )?;
    // Keep every snapshot date (what trends read on every report, so they must not push each
    // other out) and the DATES_KEPT - 1 most recently written other dates.
    let mut others: Vec<(String, i64)> = {
        let mut statement = transaction.prepare(
            "SELECT as_of, MAX(id) FROM fact_cache WHERE state = ?1 \
             AND as_of NOT IN (SELECT as_of FROM snapshot) \
             GROUP BY as_of ORDER BY MAX(id) DESC",
        )?;
        let rows = statement.query_map(params![state.0], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if others.len() >= DATES_KEPT {
        for (old, _) in others.split_off(DATES_KEPT.saturating_sub(1)) {
            transaction.execute(
                "DELETE FROM fact_cache WHERE state = ?1 AND as_of = ?2",
                params![state.0, old],
            )?;
        }
    }
    {
        let mut insert = transaction
            .prepare("INSERT INTO fact_cache (state, as_of, part, data) VALUES (?1, ?2, ?3, ?4)")?;
        for (name, data) in parts {
            insert.execute(params![state.0, date, name, data])?;
        }
    }
    transaction.commit()?;
    Ok(true)
}

impl Store {
    /// The store's current data state (see [`CacheState`]).
    pub fn fact_cache_state(&self) -> Result<CacheState, StoreError> {
        state_of(&self.connection).map_err(|error| Fail::Sqlite(error).at(&self.path))
    }

    /// The parts `names` cached for `as_of` under the store's current state, read in one
    /// transaction together with that state.
    pub fn fact_cache_get(&self, as_of: Date, names: &[&str]) -> Result<CachedParts, StoreError> {
        get(&self.connection, as_of, names).map_err(|fail| fail.at(&self.path))
    }

    /// Stores `parts` for `as_of` under `state` in one transaction, replacing whatever that date
    /// held and deleting every entry of other states. When the store's state is no longer
    /// `state` (a snapshot was added since the parts were computed) nothing is written and
    /// `false` is returned.
    pub fn fact_cache_put(
        &self,
        state: &CacheState,
        as_of: Date,
        parts: &[(String, Vec<u8>)],
    ) -> Result<bool, StoreError> {
        put(&self.connection, state, as_of, parts).map_err(|fail| fail.at(&self.path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn parts(names: &[(&str, &[u8])]) -> Vec<(String, Vec<u8>)> {
        names
            .iter()
            .map(|(n, d)| ((*n).to_string(), d.to_vec()))
            .collect()
    }

    #[test]
    fn put_then_get_returns_the_bytes_asked_for() -> Result<(), StoreError> {
        let store = Store::open_in_memory()?;
        let day = date!(2026 - 11 - 01);
        let empty = store.fact_cache_get(day, &["a"])?;
        assert!(empty.parts.is_empty());
        // An empty store: no snapshot, count 0 and max id 0.
        assert_eq!(empty.state.as_str(), "0:0");
        let written =
            store.fact_cache_put(&empty.state, day, &parts(&[("a", b"1"), ("b", b"22")]))?;
        assert!(written);
        let got = store.fact_cache_get(day, &["b", "missing", "a"])?;
        assert_eq!(got.parts, parts(&[("b", b"22"), ("a", b"1")]));
        // Another date holds nothing.
        assert!(
            store
                .fact_cache_get(date!(2026 - 11 - 02), &["a"])?
                .parts
                .is_empty()
        );
        Ok(())
    }

    #[test]
    fn a_stale_state_writes_nothing() -> Result<(), StoreError> {
        let store = Store::open_in_memory()?;
        let day = date!(2026 - 11 - 01);
        let stale = CacheState("7:9".to_string());
        assert!(!store.fact_cache_put(&stale, day, &parts(&[("a", b"1")]))?);
        assert!(store.fact_cache_get(day, &["a"])?.parts.is_empty());
        Ok(())
    }

    #[test]
    fn snapshot_dates_are_never_pushed_out() -> Result<(), StoreError> {
        let store = Store::open_in_memory()?;
        store
            .connection
            .execute_batch(
                "INSERT INTO org (id, created_at) VALUES ('o', 'now');
             INSERT INTO snapshot (org, as_of, created_at, note, summary)
                 VALUES ('o', '2026-01-01', 'now', '', '');",
            )
            .map_err(|error| Fail::Sqlite(error).at("test"))?;
        let state = store.fact_cache_state()?;
        // One snapshot with id 1.
        assert_eq!(state.as_str(), "1:1");
        let snapshot_date = date!(2026 - 01 - 01);
        assert!(store.fact_cache_put(&state, snapshot_date, &parts(&[("a", b"s")]))?);
        for day in 1..=(DATES_KEPT as i64 + 2) {
            let d = snapshot_date + time::Duration::days(day);
            assert!(store.fact_cache_put(&state, d, &parts(&[("a", b"x")]))?);
        }
        // DATES_KEPT + 2 later dates were written after it; the snapshot's date is still held.
        assert_eq!(
            store.fact_cache_get(snapshot_date, &["a"])?.parts,
            parts(&[("a", b"s")])
        );
        Ok(())
    }

    #[test]
    fn at_most_dates_kept_dates_are_kept() -> Result<(), StoreError> {
        let store = Store::open_in_memory()?;
        let state = store.fact_cache_state()?;
        let first = date!(2026 - 01 - 01);
        for day in 0..=DATES_KEPT {
            let d = first + time::Duration::days(day as i64);
            assert!(store.fact_cache_put(&state, d, &parts(&[("a", b"x")]))?);
        }
        // DATES_KEPT + 1 dates written: the first written is gone, the second and last are kept.
        assert!(store.fact_cache_get(first, &["a"])?.parts.is_empty());
        assert_eq!(
            store
                .fact_cache_get(first + time::Duration::days(1), &["a"])?
                .parts
                .len(),
            1
        );
        let last = first + time::Duration::days(DATES_KEPT as i64);
        assert_eq!(store.fact_cache_get(last, &["a"])?.parts.len(), 1);
        Ok(())
    }
}
