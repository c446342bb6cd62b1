//! Plain input types the caller (store, CLI) fills: a staff record's facts, its training records
//! and its exemptions. No parsing of ASC-WDS files happens here.

use time::Date;

/// L2CARECERT (`ascwds-formats.md` §3.2 column 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum L2CareCertificate {
    /// `1` or `1;YYYY`.
    Completed { year: Option<i32> },
    /// `2`.
    Started,
    /// `3`.
    No,
}

/// SCQUAL (`ascwds-formats.md` §3.2 column 36).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocialCareQualification {
    /// `1;LEVEL`; `level` is `None` for 999 (don't know).
    Held { level: Option<u8> },
    /// `2`.
    No,
    /// `999`.
    DontKnow,
}

/// One staff record (a post) as of D, with its workplace's facts the rows select on.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffFacts {
    /// LOCALESTID.
    pub workplace: String,
    /// UNIQUEWORKERID.
    pub staff: String,
    /// DISPLAYID.
    pub displayid: String,
    /// MAINJOBROLE.
    pub job_role: u16,
    /// EMPLSTATUS: 1 permanent, 2 temporary, 3 pool/bank, 4 agency, 7 other.
    pub employment_status: u8,
    /// ZEROHRCONT: 1 yes, 2 no, 999 don't know.
    pub zero_hours: Option<u16>,
    /// CONTHOURS (999 = don't know).
    pub contracted_hours: Option<f64>,
    /// AVGHOURS (999 = don't know).
    pub average_hours: Option<f64>,
    /// STARTDATE.
    pub start_date: Option<Date>,
    /// STARTINSECT when known (999 and blank are `None`).
    pub start_in_sector: Option<i32>,
    /// The workplace's MAINSERVICE.
    pub main_service: u16,
    /// The workplace's SERVICEUSERS.
    pub service_users: Vec<u16>,
    /// The workplace's sector key (`metrics.md` §1.1), for filters.
    pub sector: Option<String>,
    /// CARECERT: 1 completed, 2 no, 3 in progress.
    pub care_certificate: Option<u8>,
    /// L2CARECERT.
    pub l2_care_certificate: Option<L2CareCertificate>,
    /// QUALACHnn qualification codes held.
    pub qualifications: Vec<u16>,
    /// SCQUAL.
    pub social_care_qualification: Option<SocialCareQualification>,
    /// NMCREG specialism (evidence of nothing, §4.1).
    pub nmc_specialism: Option<u8>,
}

impl StaffFacts {
    /// A staff record with only the fields every test needs; the rest blank.
    pub fn new(workplace: &str, staff: &str, job_role: u16, main_service: u16) -> StaffFacts {
        StaffFacts {
            workplace: workplace.to_owned(),
            staff: staff.to_owned(),
            displayid: staff.to_owned(),
            job_role,
            employment_status: 1,
            zero_hours: None,
            contracted_hours: None,
            average_hours: None,
            start_date: None,
            start_in_sector: None,
            main_service,
            service_users: Vec::new(),
            sector: None,
            care_certificate: None,
            l2_care_certificate: None,
            qualifications: Vec::new(),
            social_care_qualification: None,
            nmc_specialism: None,
        }
    }

    /// Directly employed: EMPLSTATUS 1 or 2 (`metrics.md` §1).
    pub fn directly_employed(&self) -> bool {
        matches!(self.employment_status, 1 | 2)
    }

    /// Agency: EMPLSTATUS 4.
    pub fn agency(&self) -> bool {
        self.employment_status == 4
    }

    /// Weekly hours for pro-rata grace (§4.4): AVGHOURS for EMPLSTATUS 3, 4, 7 or ZEROHRCONT 1,
    /// else CONTHOURS; 999 is unknown.
    pub fn weekly_hours(&self) -> Option<f64> {
        let hours = if matches!(self.employment_status, 3 | 4 | 7) || self.zero_hours == Some(1) {
            self.average_hours
        } else {
            self.contracted_hours
        };
        hours.filter(|hours| (*hours - 999.0).abs() > f64::EPSILON && hours.is_finite())
    }
}

/// Where a training record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordSource {
    /// An ASC-WDS training line.
    Ascwds,
    /// Entered in carecount.
    Entered,
    /// A staff-file field (CARECERT, L2CARECERT, QUALACH, SCQUAL).
    StaffField,
}

impl RecordSource {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordSource::Ascwds => "ascwds",
            RecordSource::Entered => "entered",
            RecordSource::StaffField => "staff_field",
        }
    }
}

/// VALIDITY of an ASC-WDS line, or an entered record's validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Validity {
    /// Blank.
    #[default]
    Blank,
    /// `none`: no expiry was set (§4.3: counts as none).
    NoneSet,
    /// Months 1–999.
    Months(u16),
}

/// One training record of a staff record (§4.1): an ASC-WDS line (with `category`) or an entered
/// record (with `topic`, including registrations and supervision meetings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingRecord {
    pub id: u64,
    pub source: RecordSource,
    /// CATEGORY of an ASC-WDS line.
    pub category: Option<u16>,
    /// Topic of an entered record.
    pub topic: Option<String>,
    /// Level of an entered record (blank: the scheme's lowest).
    pub level: Option<String>,
    /// TRAININGNAME or the entered title.
    pub title: String,
    /// NOTES.
    pub notes: String,
    pub completed: Option<Date>,
    /// EXPIRYDATE or the entered expiry (a registration's expiry).
    pub expires: Option<Date>,
    pub validity: Validity,
}

impl TrainingRecord {
    /// An ASC-WDS training line.
    pub fn ascwds(
        id: u64,
        category: u16,
        title: &str,
        completed: Option<Date>,
        validity: Validity,
        expires: Option<Date>,
    ) -> TrainingRecord {
        TrainingRecord {
            id,
            source: RecordSource::Ascwds,
            category: Some(category),
            topic: None,
            level: None,
            title: title.to_owned(),
            notes: String::new(),
            completed,
            expires,
            validity,
        }
    }

    /// An entered record.
    pub fn entered(
        id: u64,
        topic: &str,
        level: Option<&str>,
        completed: Option<Date>,
        expires: Option<Date>,
    ) -> TrainingRecord {
        TrainingRecord {
            id,
            source: RecordSource::Entered,
            category: None,
            topic: Some(topic.to_owned()),
            level: level.map(str::to_owned),
            title: String::new(),
            notes: String::new(),
            completed,
            expires,
            validity: Validity::Blank,
        }
    }
}

/// Why a pair is exempted (§4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExemptionReason {
    LongTermAbsence,
    HoldsEquivalent,
    NotApplicableToDuties,
    Other,
}

impl ExemptionReason {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ExemptionReason::LongTermAbsence => "long_term_absence",
            ExemptionReason::HoldsEquivalent => "holds_equivalent",
            ExemptionReason::NotApplicableToDuties => "not_applicable_to_duties",
            ExemptionReason::Other => "other",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<ExemptionReason> {
        Some(match text {
            "long_term_absence" => ExemptionReason::LongTermAbsence,
            "holds_equivalent" => ExemptionReason::HoldsEquivalent,
            "not_applicable_to_duties" => ExemptionReason::NotApplicableToDuties,
            "other" => ExemptionReason::Other,
            _ => return None,
        })
    }

    /// Whether a statutory pair accepts this reason (§4.5).
    pub fn allowed_for_statutory(self) -> bool {
        matches!(
            self,
            ExemptionReason::LongTermAbsence | ExemptionReason::HoldsEquivalent
        )
    }
}

/// An employer's exemption of one pair (§4.5), `from`–`until` inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exemption {
    pub id: u64,
    pub topic: String,
    pub reason: ExemptionReason,
    pub note: String,
    pub from: Date,
    pub until: Option<Date>,
}

impl Exemption {
    /// Whether the exemption is active on `as_of`.
    pub fn active_on(&self, as_of: Date) -> bool {
        self.from <= as_of && self.until.is_none_or(|until| as_of <= until)
    }
}
