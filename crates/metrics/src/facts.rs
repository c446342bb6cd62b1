//! The input of every metric: plain facts about one snapshot, filled by the caller from the store.
//!
//! These types carry no personal field (no name, NI number, date of birth or postcode): an age in
//! whole years at the as-of date stands in for the date of birth. Code columns whose answers are
//! small enumerations arrive already typed ([`Contract`], [`Gender`], ...), with "don't know" and
//! blank both read as `None` (`metrics.md` §1 "Known / unknown"). Code columns with large code
//! tables (job role, service, ethnicity, nationality) arrive as their ASC-WDS code and are
//! classified through `carecount-codes`.

use std::collections::BTreeMap;

use carecount_codes::Sector;
use time::Date;

/// The store's identifier of a workplace, unique within a [`Snapshot`]. Staff facts refer to it.
pub type WorkplaceId = u64;

/// Everything the metrics know about one date: the workplaces current on it and their staff.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The as-of date D (`metrics.md` §1): "last 12 months" is the 365 days ending on D. When a
    /// metric is asked for a date between two imports, the caller passes the older snapshot's
    /// facts with `as_of` set to the requested date.
    pub as_of: Date,
    /// Every current workplace, of every organisation.
    pub workplaces: Vec<WorkplaceFacts>,
    /// Every current staff record; `workplace` names one of `workplaces`.
    pub staff: Vec<StaffFacts>,
}

/// One workplace line (ASC-WDS "Establishment"), as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkplaceFacts {
    /// Store identifier, unique within the snapshot.
    pub id: WorkplaceId,
    /// The organisation (ASC-WDS parent account) that holds the workplace (`--org`).
    pub org: String,
    /// LOCALESTID, the provider's reference (whitespace already removed).
    pub localestid: String,
    /// ONS code of the local authority the workplace is in (or a user's own area name), set at
    /// import by `--area` or the postcode lookup. `None`: not placed.
    pub area_code: Option<String>,
    /// ONS code of the region (E12…). `None`: not known.
    pub region_code: Option<String>,
    /// Sector from ESTTYPE (1, 3 → local authority; 6 private; 7 voluntary; 8 other).
    pub sector: Sector,
    /// MAINSERVICE code (Appendix A.2).
    pub main_service: u32,
    /// ALLSERVICES codes including the main service (a `0` item dropped).
    pub services: Vec<u32>,
    /// TOTALPERMTEMP, the declared total staff *t*; `None` when blank or 999 (unknown).
    pub total_perm_temp: Option<u32>,
    /// STARTERS (last 12 months) per ALLJOBROLES role.
    pub starters: RoleCounts,
    /// LEAVERS (last 12 months) per ALLJOBROLES role.
    pub leavers: RoleCounts,
    /// VACANCIES (current) per ALLJOBROLES role.
    pub vacancies: RoleCounts,
    /// REASONS with REASONNOS: (reason code, number of leavers), in file order.
    pub leaver_reasons: Vec<(u32, u32)>,
}

/// A workforce count column (STARTERS, LEAVERS or VACANCIES) read with ALLJOBROLES
/// (`ascwds-formats.md` §2.2 columns 26–29).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RoleCounts {
    /// A single `999` ("don't know"), or blank (not answered): the workplace is excluded from
    /// the rate and counted as unknown.
    #[default]
    Unknown,
    /// Known counts by MAINJOBROLE code. A role not in the map counts 0, so a single `0` with no
    /// roles listed ("none") is an empty map, and all zeros also mean none.
    Known(BTreeMap<u32, u32>),
}

impl RoleCounts {
    /// Known counts from `(job role, count)` pairs; a role listed twice adds up.
    pub fn known(pairs: &[(u32, u32)]) -> RoleCounts {
        let mut by_role = BTreeMap::new();
        for &(job_role, count) in pairs {
            *by_role.entry(job_role).or_insert(0) += count;
        }
        RoleCounts::Known(by_role)
    }

    /// Known "none for every role" (a single `0`).
    pub fn none() -> RoleCounts {
        RoleCounts::Known(BTreeMap::new())
    }

    /// The known count for the roles `accept` admits, or `None` when the answer is unknown.
    pub(crate) fn sum_where(&self, accept: impl Fn(u32) -> bool) -> Option<u64> {
        match self {
            RoleCounts::Unknown => None,
            RoleCounts::Known(by_role) => Some(
                by_role
                    .iter()
                    .filter(|(job_role, _)| accept(**job_role))
                    .map(|(_, count)| u64::from(*count))
                    .sum(),
            ),
        }
    }
}

/// One staff line (ASC-WDS "Worker"): a post held by one person at one workplace.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StaffFacts {
    /// The [`WorkplaceFacts::id`] of the workplace holding the record (LOCALESTID).
    pub workplace: WorkplaceId,
    /// MAINJOBROLE code (Appendix A.4).
    pub job_role: u32,
    /// EMPLSTATUS. `None` only if the store somehow lacks it (the column is mandatory).
    pub contract: Option<Contract>,
    /// ZEROHRCONT: `Some(true)` 1 Yes, `Some(false)` 2 No, `None` 999 or blank.
    pub zero_hours: Option<bool>,
    /// CONTHOURS weekly contracted hours; `None` blank or 999.
    pub contracted_hours: Option<f64>,
    /// AVGHOURS weekly average hours; `None` blank or 999.
    pub average_hours: Option<f64>,
    /// SALARYINT with SALARY or HOURLYRATE; `None` when SALARYINT is 999/blank or the amount is
    /// missing.
    pub pay: Option<Pay>,
    /// GENDER; `None` 3 (don't know) or blank.
    pub gender: Option<Gender>,
    /// Age in whole years at the as-of date, from DOB; `None` when DOB is blank.
    pub age: Option<u32>,
    /// ETHNICITY code (A.5); `None` for 99 (don't know) or blank.
    pub ethnicity: Option<u32>,
    /// NATIONALITY code (A.6); `None` for 998, 999 or blank.
    pub nationality: Option<u32>,
    /// DISABLED; every code is an answer, `None` only when blank (`metrics.md` §1).
    pub disabled: Option<Disability>,
    /// STARTDATE, start in the main job with this employer; `None` when blank.
    pub start_date: Option<Date>,
    /// STARTINSECT, year started in adult social care; `None` for 999 or blank.
    pub start_in_sector: Option<i32>,
    /// DAYSSICK in the last 12 months (halves allowed); `None` for 999 or blank.
    pub days_sick: Option<f64>,
    /// CARECERT; `None` only when blank.
    pub care_certificate: Option<CareCertificate>,
    /// SCQUAL, the social care qualification answer; `None` for 999 or blank.
    pub social_care_qualification: Option<Qualification>,
    /// NONSCQUAL, the non-social-care qualification answer; `None` for 999 or blank.
    pub other_qualification: Option<Qualification>,
    /// DISPLAYID is present (name or ID; mandatory, so normally true).
    pub has_name_or_id: bool,
}

/// EMPLSTATUS contract type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Contract {
    /// 1 Permanent.
    Permanent,
    /// 2 Temporary.
    Temporary,
    /// 3 Pool/Bank.
    PoolBank,
    /// 4 Agency.
    Agency,
    /// 7 Other.
    Other,
}

impl Contract {
    /// Directly employed = Permanent or Temporary (`metrics.md` §1).
    pub fn is_directly_employed(self) -> bool {
        matches!(self, Contract::Permanent | Contract::Temporary)
    }

    /// Stable lower-case name used in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Contract::Permanent => "permanent",
            Contract::Temporary => "temporary",
            Contract::PoolBank => "pool_bank",
            Contract::Agency => "agency",
            Contract::Other => "other",
        }
    }

    /// Label for people.
    pub fn label(self) -> &'static str {
        match self {
            Contract::Permanent => "Permanent",
            Contract::Temporary => "Temporary",
            Contract::PoolBank => "Pool/Bank",
            Contract::Agency => "Agency",
            Contract::Other => "Other",
        }
    }
}

/// Pay as recorded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pay {
    /// SALARYINT 1 with SALARY, in pounds a year.
    Annual(f64),
    /// SALARYINT 3 with HOURLYRATE, in pounds an hour.
    Hourly(f64),
}

/// GENDER answers other than "don't know".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Gender {
    /// 1 Male.
    Male,
    /// 2 Female.
    Female,
    /// 4 Other.
    Other,
}

/// DISABLED answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Disability {
    /// 0 No.
    No,
    /// 1 Yes.
    Yes,
    /// 2 Undisclosed.
    Undisclosed,
    /// 3 Don't know.
    DontKnow,
}

/// CARECERT answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CareCertificate {
    /// 1 Yes, completed.
    Completed,
    /// 2 No.
    No,
    /// 3 Yes, in progress or partially completed.
    InProgress,
}

/// SCQUAL / NONSCQUAL answers other than "don't know".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qualification {
    /// 2 No.
    No,
    /// `1;LEVEL` Yes, with the level 0–8 (A.13) or `None` for 999 / not given.
    Yes {
        /// Highest level 0–8; `None` when the level is 999 or missing.
        level: Option<u8>,
    },
}
