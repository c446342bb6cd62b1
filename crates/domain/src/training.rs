//! A training record: one line of the training file (`ascwds-formats.md` §4).

use serde::{Deserialize, Serialize};
use time::Date;

/// One training record of one staff record, holding exactly what an accepted training line means.
///
/// Codes are the file's codes (Appendix A.16–A.18). A value the rules ignored (PROVIDERNAME when
/// WHODELIVERED is not 2, §4.3 T14) is `None`; `expires` is the EXPIRYDATE as given, or derived from
/// DATECOMPLETED and VALIDITY when the line left it blank (§4.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Training {
    /// LOCALESTID and UNIQUEWORKERID of the staff record, as written on the line.
    pub localestid: String,
    pub unique_worker_id: String,
    /// CATEGORY (A.16).
    pub category: u32,
    /// TRAININGNAME (`None` when blank).
    pub name: Option<String>,
    /// ACCREDITED 1 Yes, 0 No, 999 Don't know.
    pub accredited: Option<u32>,
    /// WHODELIVERED 1 In-house, 2 External.
    pub who_delivered: Option<u32>,
    /// PROVIDERNAME: a provider code (A.17), only with WHODELIVERED 2.
    pub provider: Option<u32>,
    /// HOWDELIVERED 1 Face to face, 2 E-learning.
    pub how_delivered: Option<u32>,
    /// VALIDITY: `Some(Validity::None)` for `none`, months otherwise.
    pub validity: Option<Validity>,
    /// DATECOMPLETED, EXPIRYDATE (as given or derived, §4.2).
    pub completed: Option<Date>,
    pub expires: Option<Date>,
    /// NOTES (`None` when blank).
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
