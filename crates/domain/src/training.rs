//! A training record: one line of the training file (`ascwds-formats.md` §4).

use serde::{Deserialize, Serialize};
use time::Date;

/// One training record of one staff record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Training {
    /// LOCALESTID and UNIQUEWORKERID of the staff record.
    pub localestid: String,
    pub unique_worker_id: String,
    /// CATEGORY (A.16).
    pub category: u32,
    /// TRAININGNAME.
    pub name: Option<String>,
    /// ACCREDITED 1 Yes, 0 No, 999 Don't know.
    pub accredited: Option<u32>,
    /// WHODELIVERED 1 In-house, 2 External.
    pub who_delivered: Option<u32>,
    /// PROVIDERNAME: a provider code (A.17).
    pub provider: Option<u32>,
    /// HOWDELIVERED 1 Face to face, 2 E-learning.
    pub how_delivered: Option<u32>,
    /// VALIDITY: `Some(Validity::None)` for `none`, months otherwise.
    pub validity: Option<Validity>,
    /// DATECOMPLETED, EXPIRYDATE (as given or derived, §4.2).
    pub completed: Option<Date>,
    pub expires: Option<Date>,
    /// NOTES.
    pub notes: Option<String>,
}

/// VALIDITY.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Validity {
    /// `none`: does not expire.
    None,
    /// A number of months, 1–999.
    Months(u32),
}
