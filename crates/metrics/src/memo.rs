//! The memo of an area profile's region- and England-level figures ([`ProfileMemo`]).
//!
//! England's figures (and a region's) are the same for every area of the same data, so the
//! profiles of many areas compute them once. Entries are keyed by the snapshot's as-of date, the
//! level's filter with its narrowing (a stable text, [`filter_key`]) and the figure computed (a
//! metric name or a comparison kind such as `demographics`). Area-level figures are never
//! memoised. The memo does not know the data: a caller keeps one memo per store state.

use std::collections::BTreeMap;

use time::Date;

use crate::group::GroupFilter;
use crate::tables::{Demographics, Distribution, PayRow, ReasonRow};
use crate::value::MetricValue;

/// The key of one memoised figure.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MemoKey {
    /// The as-of date of the snapshot the figure was computed on.
    pub as_of: Date,
    /// The level: `None` for England, else the region code.
    pub region: Option<String>,
    /// The level's filter with its narrowing ([`filter_key`]).
    pub filter: String,
    /// The figure: a metric name or a comparison kind.
    pub item: String,
}

/// A count of workplaces (memoised England-level count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkplaceCount(pub u64);

/// One memoised figure, undisclosed. Nearly every entry is a metric, so that variant is kept
/// inline and the rare large ones are boxed.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum MemoValue {
    /// A metric.
    Metric(MetricValue),
    /// A pay row.
    Pay(Box<PayRow>),
    /// Demographics.
    Demographics(Box<Demographics>),
    /// A distribution (contracts).
    Distribution(Distribution),
    /// Leavers' reasons.
    Reasons(Vec<ReasonRow>),
    /// A count of workplaces.
    Count(u64),
}

/// A value that can be kept in the memo.
pub(crate) trait Memoised: Clone {
    fn into_memo(self) -> MemoValue;
    fn from_memo(value: &MemoValue) -> Option<Self>;
}

macro_rules! memoised {
    ($type:ty, $variant:ident) => {
        impl Memoised for $type {
            fn into_memo(self) -> MemoValue {
                MemoValue::$variant(self)
            }
            fn from_memo(value: &MemoValue) -> Option<Self> {
                match value {
                    MemoValue::$variant(inner) => Some(inner.clone()),
                    _ => None,
                }
            }
        }
    };
}

macro_rules! memoised_boxed {
    ($type:ty, $variant:ident) => {
        impl Memoised for $type {
            fn into_memo(self) -> MemoValue {
                MemoValue::$variant(Box::new(self))
            }
            fn from_memo(value: &MemoValue) -> Option<Self> {
                match value {
                    MemoValue::$variant(inner) => Some((**inner).clone()),
                    _ => None,
                }
            }
        }
    };
}

memoised!(MetricValue, Metric);
memoised_boxed!(PayRow, Pay);
memoised_boxed!(Demographics, Demographics);
memoised!(Distribution, Distribution);
memoised!(Vec<ReasonRow>, Reasons);

impl Memoised for WorkplaceCount {
    fn into_memo(self) -> MemoValue {
        MemoValue::Count(self.0)
    }
    fn from_memo(value: &MemoValue) -> Option<Self> {
        match value {
            MemoValue::Count(count) => Some(WorkplaceCount(*count)),
            _ => None,
        }
    }
}

/// A stable text for a filter: every field in a fixed order, text fields escaped.
pub fn filter_key(filter: &GroupFilter) -> String {
    fn text(value: Option<&str>) -> String {
        value.map_or_else(|| "-".to_string(), |text| format!("{text:?}"))
    }
    fn number(value: Option<u32>) -> String {
        value.map_or_else(|| "-".to_string(), |number| number.to_string())
    }
    format!(
        "org={};workplace={};area={};region={};service={};sector={};job_role={};role_group={}",
        text(filter.org.as_deref()),
        text(filter.workplace.as_deref()),
        text(filter.area.as_deref()),
        text(filter.region.as_deref()),
        number(filter.service),
        text(filter.sector.map(|sector| sector.as_str())),
        number(filter.job_role),
        text(filter.role_group.map(|group| group.as_str())),
    )
}

/// Region- and England-level figures of area profiles, shared by the profiles of one store state
/// (see the module documentation). Pass it to [`crate::profile::area_profile_memo`].
#[derive(Debug, Clone, Default)]
pub struct ProfileMemo {
    entries: BTreeMap<MemoKey, MemoValue>,
    hits: u64,
    computed: u64,
    /// Answer-only mode: a missing entry is recorded in `missed` and not added.
    strict: bool,
    missed: bool,
}

impl ProfileMemo {
    /// An empty memo.
    pub fn new() -> ProfileMemo {
        ProfileMemo::default()
    }

    /// Figures answered from the memo so far.
    pub fn hits(&self) -> u64 {
        self.hits
    }

    /// Figures computed and added so far.
    pub fn computed(&self) -> u64 {
        self.computed
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry, in key order.
    pub fn entries(&self) -> impl Iterator<Item = (&MemoKey, &MemoValue)> {
        self.entries.iter()
    }

    /// Adds an entry (replacing one with the same key).
    pub fn insert(&mut self, key: MemoKey, value: MemoValue) {
        self.entries.insert(key, value);
    }

    /// In strict mode a missing entry is not computed into the memo: the profile being built
    /// is marked as incomplete ([`ProfileMemo::missed`]) and must be built again from the full
    /// data. Used to answer from a persisted memo with only the area's facts loaded.
    pub fn set_strict(&mut self, strict: bool) {
        self.strict = strict;
        self.missed = false;
    }

    /// Whether a strict look-up found no entry since [`ProfileMemo::set_strict`].
    pub fn missed(&self) -> bool {
        self.missed
    }

    /// Whether an entry is held for `key`.
    pub fn contains(&self, key: &MemoKey) -> bool {
        self.entries.contains_key(key)
    }

    /// The memoised value of `item` for `filter` on `as_of`, or `make()` added to the memo.
    pub(crate) fn get_or<T: Memoised>(
        &mut self,
        as_of: Date,
        filter: &GroupFilter,
        item: &str,
        make: impl FnOnce() -> T,
    ) -> T {
        let key = MemoKey {
            as_of,
            region: filter.region.clone(),
            filter: filter_key(filter),
            item: item.to_string(),
        };
        if let Some(value) = self.entries.get(&key).and_then(T::from_memo) {
            self.hits += 1;
            return value;
        }
        let value = make();
        if self.strict {
            self.missed = true;
            return value;
        }
        self.computed += 1;
        self.entries.insert(key, value.clone().into_memo());
        value
    }
}
