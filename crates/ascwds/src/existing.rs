//! What the store already holds for the organisation (the ASC-WDS "account"), as plain data the
//! validator checks `STATUS`, `Admin`, "unchanged" and transfer rules against. The store builds it;
//! this crate never reads the store.

use crate::fast::HashMap;
use std::sync::OnceLock;

use time::Date;

use carecount_domain::{RecordKey, Staff, Training, Workplace};

use crate::fast::key;

/// The organisation's current state.
#[derive(Debug, Clone, Default)]
pub struct ExistingState {
    /// Its workplaces (all parent-owned: F1 and F4 never fire).
    pub workplaces: Vec<ExistingWorkplace>,
    /// Its staff records.
    pub staff: Vec<ExistingStaff>,
    /// Its training records.
    pub training: Vec<Training>,
    /// CQC location IDs held by workplaces of *other* organisations in the store (W41).
    pub location_ids_elsewhere: Vec<String>,
    /// Look-up indexes, built on first use (fill the vectors before the first look-up).
    index: OnceLock<Index>,
}

#[derive(Debug, Clone, Default)]
struct Index {
    workplaces: HashMap<RecordKey, usize>,
    staff: HashMap<(RecordKey, RecordKey), usize>,
    staff_of: HashMap<RecordKey, Vec<usize>>,
}

#[derive(Debug, Clone)]
pub struct ExistingWorkplace {
    pub record: Workplace,
    /// The primary workplace: the first workplace line of the organisation's first import.
    pub primary: bool,
}

#[derive(Debug, Clone)]
pub struct ExistingStaff {
    /// Includes the personal fields (for `Admin` in NINUMBER/DOB).
    pub record: Staff,
    /// The as-of date of the import that last saved DAYSSICK (S13), if ever.
    pub days_sick_saved_on: Option<Date>,
}

impl ExistingState {
    /// A state from its parts.
    pub fn new(
        workplaces: Vec<ExistingWorkplace>,
        staff: Vec<ExistingStaff>,
        training: Vec<Training>,
        location_ids_elsewhere: Vec<String>,
    ) -> ExistingState {
        ExistingState {
            workplaces,
            staff,
            training,
            location_ids_elsewhere,
            index: OnceLock::new(),
        }
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let mut index = Index::default();
            for (i, w) in self.workplaces.iter().enumerate() {
                index
                    .workplaces
                    .entry(key(&w.record.localestid))
                    .or_insert(i);
            }
            for (i, s) in self.staff.iter().enumerate() {
                let wp = key(&s.record.localestid);
                index
                    .staff
                    .entry((wp.clone(), key(&s.record.unique_worker_id)))
                    .or_insert(i);
                index.staff_of.entry(wp).or_default().push(i);
            }
            index
        })
    }

    /// The stored workplace whose key equals `localestid` with whitespace removed (§1.2).
    pub fn workplace(&self, localestid: &str) -> Option<&ExistingWorkplace> {
        if self.workplaces.is_empty() {
            return None;
        }
        let i = *self.index().workplaces.get(&key(localestid))?;
        self.workplaces.get(i)
    }

    /// The stored staff record keyed by LOCALESTID + UNIQUEWORKERID (whitespace removed).
    pub fn staff(&self, localestid: &str, unique_worker_id: &str) -> Option<&ExistingStaff> {
        self.staff
            .get(self.staff_position(localestid, unique_worker_id)?)
    }

    /// Where [`ExistingState::staff`]'s record is in `self.staff`.
    pub fn staff_position(&self, localestid: &str, unique_worker_id: &str) -> Option<usize> {
        // A first upload (or a validation without a store) has nothing stored: skip building keys.
        if self.staff.is_empty() {
            return None;
        }
        self.index()
            .staff
            .get(&(key(localestid), key(unique_worker_id)))
            .copied()
    }

    /// The primary workplace, if the organisation has one.
    pub fn primary(&self) -> Option<&ExistingWorkplace> {
        self.workplaces.iter().find(|w| w.primary)
    }

    /// Stored staff of a workplace (by workplace key).
    pub fn staff_of(&self, workplace: &RecordKey) -> impl Iterator<Item = &ExistingStaff> + '_ {
        let indexes: &[usize] = self
            .index()
            .staff_of
            .get(workplace)
            .map_or(&[], Vec::as_slice);
        indexes.iter().filter_map(|&i| self.staff.get(i))
    }
}
