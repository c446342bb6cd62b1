//! One struct per code table; fields mirror the columns of `data/*.csv`.

use serde::Deserialize;

use crate::classify::{
    CqcRegulated, EthnicGroup, QualificationGroup, RoleGroup, Sector, ServiceCategory,
};

/// A row that has a numeric code and a display name.
pub trait Coded {
    /// The code used in upload files.
    fn code(&self) -> u32;
    /// The display name.
    fn name(&self) -> &str;
}

macro_rules! coded {
    ($($ty:ty),* $(,)?) => {
        $(impl Coded for $ty {
            fn code(&self) -> u32 {
                self.code
            }
            fn name(&self) -> &str {
                &self.name
            }
        })*
    };
}

/// A.1 employer type (ESTTYPE).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EmployerType {
    pub code: u32,
    pub name: String,
    /// Sector classification (metrics.md §1.1).
    pub sector: Sector,
    /// The type needs a description in OTHERTYPE (code 8).
    pub needs_description: bool,
}

/// A.2 service (MAINSERVICE, ALLSERVICES).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Service {
    pub code: u32,
    pub name: String,
    /// ASC-WDS database id (traceability only).
    pub asc_id: u32,
    /// Service group.
    pub category: ServiceCategory,
    /// Whether REGTYPE 2 is expected / allowed.
    pub cqc_regulated: CqcRegulated,
    /// A CAPACITY value may be given for this service.
    pub capacity_question: bool,
    /// A UTILISATION value may be given for this service.
    pub utilisation_question: bool,
    /// "Other" service: SERVICEDESC expected.
    pub needs_description: bool,
    /// The service may carry out delegated healthcare activities.
    pub dha_allowed: bool,
    /// Pay/pensions question group (1 sleep-in and travel time; 2 sleep-in; 3 neither).
    pub pay_group: u8,
}

impl Service {
    /// The sleep-in questions apply (pay groups 1 and 2).
    pub fn asks_sleep_ins(&self) -> bool {
        self.pay_group == 1 || self.pay_group == 2
    }

    /// The travel-time questions apply (pay group 1).
    pub fn asks_travel_time(&self) -> bool {
        self.pay_group == 1
    }
}

/// A.3 service user group (SERVICEUSERS).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ServiceUser {
    pub code: u32,
    pub name: String,
    pub asc_id: u32,
    /// OTHERUSERDESC expected (3, 9, 21).
    pub needs_description: bool,
}

/// A.4 job role (MAINJOBROLE, ALLJOBROLES).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct JobRole {
    pub code: u32,
    pub name: String,
    pub asc_id: u32,
    /// The role can carry out delegated healthcare activities (XS9).
    pub can_do_dha: bool,
    /// Care-providing role (metrics.md §1.1: 4, 5, 7, 8, 9, 23, 45, 52).
    pub care_providing: bool,
    /// Skills for Care role group (metrics.md §1.1).
    pub role_group: RoleGroup,
}

/// A.5 ethnicity (ETHNICITY).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Ethnicity {
    pub code: u32,
    pub group: EthnicGroup,
    pub name: String,
    pub asc_id: u32,
}

/// A.6 nationality (NATIONALITY).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Nationality {
    pub code: u32,
    pub name: String,
    /// Nationality of one of the 27 EU member states.
    pub eu: bool,
}

/// A.7 country of birth (COUNTRYOFBIRTH).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Country {
    pub code: u32,
    pub name: String,
    /// The spec marks the name † (inferred from the ISO code).
    pub name_inferred: bool,
    /// One of the 27 EU member states.
    pub eu: bool,
}

/// A.8 recruitment source (RECSOURCE).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RecruitmentSource {
    pub code: u32,
    pub name: String,
    /// None for 16 (don't know), which has no ASC-WDS row.
    pub asc_id: Option<u32>,
}

/// A code table with only a code and a name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CodeName {
    pub code: u32,
    pub name: String,
}

/// A.9 delegated healthcare activity (DHAACTIVITIES).
pub type DhaActivity = CodeName;
/// A.10 Care Workforce Pathway awareness (CWPAWARE).
pub type CwpAwareness = CodeName;
/// A.11 Care Workforce Pathway use reason (CWPUSE items after `1;`).
pub type CwpUseReason = CodeName;
/// A.12 travel time pay option (TRAVELTIME).
pub type TravelTimeOption = CodeName;
/// A.14 Care Workforce Pathway role category (CWPCATEGORY).
pub type CwpCategory = CodeName;
/// A.17 training provider (PROVIDERNAME).
pub type TrainingProvider = CodeName;

/// A.13 qualification level (level part of SCQUAL / NONSCQUAL).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct QualificationLevel {
    pub code: u32,
    pub name: String,
    pub asc_id: u32,
}

/// A.15 qualification (QUALACHnn).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Qualification {
    pub code: u32,
    pub group: QualificationGroup,
    pub name: String,
    pub asc_id: u32,
    /// Level, where the spec gives it.
    pub level: Option<u8>,
}

/// A.16 training category (CATEGORY).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TrainingCategory {
    pub code: u32,
    pub name: String,
    pub asc_id: u32,
}

coded!(
    EmployerType,
    Service,
    ServiceUser,
    JobRole,
    Ethnicity,
    Nationality,
    Country,
    RecruitmentSource,
    CodeName,
    QualificationLevel,
    Qualification,
    TrainingCategory,
);

/// A.18 small enumeration value: one accepted code of one column.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EnumValue {
    /// Upload column name, e.g. `GENDER`.
    pub column: String,
    /// The code as written in the file (`1`, `999`, `unknown`, `none`, `NEW`).
    pub code: String,
    pub name: String,
}

/// English council with adult social services responsibilities (2023 boundaries).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LocalAuthority {
    /// ONS code (E06/E08/E09/E10).
    pub code: String,
    /// ONS name, e.g. "Bristol, City of".
    pub name: String,
    /// Common short name accepted in look-ups, e.g. "Bristol".
    pub alt_name: Option<String>,
    /// ONS region code (E12).
    pub region_code: String,
    pub region_name: String,
}

/// English region (ONS E12 code).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Region {
    pub code: String,
    pub name: String,
}
