//! A workplace as held after a NEW or UPDATE line of the workplace file (`ascwds-formats.md` §2).
//!
//! Field names follow the columns; codes are BUDI codes (Appendix A). A value the validator
//! dropped with a warning ("will be ignored") is `None` here.

use serde::{Deserialize, Serialize};

use crate::{Answer, Hundredths};

/// One workplace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workplace {
    /// LOCALESTID as written (trimmed); match on [`crate::key`] of it.
    pub localestid: String,
    /// ESTNAME.
    pub name: String,
    /// ADDRESS1 … POSTTOWN ("" when blank).
    pub address1: String,
    pub address2: String,
    pub address3: String,
    pub post_town: String,
    /// POSTCODE as written.
    pub postcode: String,
    /// ESTTYPE (A.1), `None` when not saved (e.g. 8 without OTHERTYPE, W25).
    pub employer_type: Option<u32>,
    /// OTHERTYPE, kept only with ESTTYPE 8.
    pub employer_type_other: Option<String>,
    /// PERMCQC / PERMLA: `Some(true)` for `1`, `Some(false)` for `0`, `None` blank.
    pub share_with_cqc: Option<bool>,
    pub share_with_la: Option<bool>,
    /// REGTYPE 2.
    pub cqc_regulated: bool,
    /// PROVNUM / LOCATIONID (kept only when CQC regulated).
    pub provider_id: Option<String>,
    pub location_id: Option<String>,
    /// MAINSERVICE (A.2).
    pub main_service: u32,
    /// ALLSERVICES in file order (main service included), with the positional CAPACITY,
    /// UTILISATION and SERVICEDESC items.
    pub services: Vec<ServiceEntry>,
    /// ALLSERVICES written as `MAIN;0`: "no other services".
    pub no_other_services: bool,
    /// SERVICEUSERS with positional OTHERUSERDESC.
    pub service_users: Vec<ServiceUserEntry>,
    /// DHA and DHAACTIVITIES.
    pub dha: Option<Answer>,
    pub dha_activities: Option<DhaActivities>,
    /// TOTALPERMTEMP.
    pub total_perm_temp: u32,
    /// ALLJOBROLES and the positional counts.
    pub job_roles: Vec<u32>,
    pub starters: WorkforceCounts,
    pub leavers: WorkforceCounts,
    pub vacancies: WorkforceCounts,
    /// REASONS with positional REASONNOS: (reason code, number of leavers).
    pub leaving_reasons: Vec<(u32, u32)>,
    /// REPEATTRAINING 1–4.
    pub repeat_training: Option<u32>,
    /// CWPAWARE (A.10).
    pub cwp_aware: Option<u32>,
    /// CWPUSE with its reasons, and CWPUSEDESC.
    pub cwp_use: Option<CwpUse>,
    pub cwp_use_desc: Option<String>,
    /// SICKPAY / PENSION: `Some(Answer::Yes)` for `1`, `Some(Answer::No)` for `0`,
    /// `Some(Answer::DontKnow)` for `unknown`.
    pub sick_pay: Option<Answer>,
    pub pension: Option<Answer>,
    /// ACTUALCONT (percent, two decimals).
    pub pension_contribution: Option<Hundredths>,
    /// OPTOUTPEN.
    pub pension_opt_out: Option<Answer>,
    /// HOLIDAY (days).
    pub holiday_days: Option<u32>,
    /// SLEEPINS / SLEEPINPAY (1 hourly, 2 flat, 999 don't know).
    pub sleep_ins: Option<Answer>,
    pub sleep_in_pay: Option<u32>,
    /// TRAVELTIME (A.12) and TTDIFFRATE (£, two decimals).
    pub travel_time: Option<u32>,
    pub travel_time_rate: Option<Hundredths>,
}

/// One ALLSERVICES item with its positional extras.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceEntry {
    pub code: u32,
    /// CAPACITY item: a whole number below 9999 (negative values are accepted, §2.2).
    pub capacity: Option<i64>,
    /// UTILISATION item, as CAPACITY.
    pub utilisation: Option<i64>,
    /// SERVICEDESC item, kept only for an "other" service (A.2).
    pub description: Option<String>,
}

/// One SERVICEUSERS item with its positional OTHERUSERDESC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceUserEntry {
    pub code: u32,
    pub description: Option<String>,
}

/// DHAACTIVITIES: a list of A.9 codes or "don't know which".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DhaActivities {
    Activities(Vec<u32>),
    DontKnow,
}

/// STARTERS / LEAVERS / VACANCIES.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum WorkforceCounts {
    /// Blank: not answered.
    #[default]
    NotAnswered,
    /// A single `999`.
    DontKnow,
    /// `0` with no job roles, or all zeros: "None".
    None,
    /// One count per ALLJOBROLES item, each 0–999; an item `999` means "don't know" for that role.
    PerRole(Vec<u32>),
}

impl WorkforceCounts {
    /// The total, when known (`None` → 0). Per-role `999` items ("don't know") are skipped, as
    /// ASC-WDS does when it sums the counts (`ascwds-formats.md` §2.4 XW2–XW4).
    pub fn total(&self) -> Option<u32> {
        match self {
            WorkforceCounts::NotAnswered | WorkforceCounts::DontKnow => None,
            WorkforceCounts::None => Some(0),
            WorkforceCounts::PerRole(counts) => Some(
                counts
                    .iter()
                    .filter(|&&count| count != DONT_KNOW_COUNT)
                    .sum(),
            ),
        }
    }
}

/// The per-role count meaning "don't know".
const DONT_KNOW_COUNT: u32 = 999;

/// CWPUSE: the answer and, when Yes, the reasons (A.11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CwpUse {
    pub answer: Answer,
    pub reasons: Vec<u32>,
}
