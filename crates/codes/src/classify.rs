//! Small closed classifications used by the code tables.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

/// Error returned when a classification name is not one of the known spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{value}` (expected one of: {expected})")]
pub struct ParseClassError {
    /// Which classification was being parsed, e.g. "role group".
    pub kind: &'static str,
    /// The text that did not match.
    pub value: String,
    /// The accepted spellings, comma separated.
    pub expected: &'static str,
}

/// Skills for Care job role group (metrics.md §1.1), from MAINJOBROLE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleGroup {
    /// Direct care roles (`direct_care`).
    DirectCare,
    /// Managers and supervisors (`manager`).
    Manager,
    /// Regulated professions (`regulated`).
    Regulated,
    /// Every other valid role (`other`).
    Other,
}

impl RoleGroup {
    /// All groups, in reporting order.
    pub const ALL: [RoleGroup; 4] = [
        RoleGroup::DirectCare,
        RoleGroup::Manager,
        RoleGroup::Regulated,
        RoleGroup::Other,
    ];

    /// The machine name used in filters and output (`direct_care`, `manager`, `regulated`, `other`).
    pub fn as_str(self) -> &'static str {
        match self {
            RoleGroup::DirectCare => "direct_care",
            RoleGroup::Manager => "manager",
            RoleGroup::Regulated => "regulated",
            RoleGroup::Other => "other",
        }
    }

    /// A human label for tables and reports.
    pub fn label(self) -> &'static str {
        match self {
            RoleGroup::DirectCare => "Direct care",
            RoleGroup::Manager => "Manager/supervisor",
            RoleGroup::Regulated => "Regulated profession",
            RoleGroup::Other => "Other",
        }
    }
}

impl fmt::Display for RoleGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RoleGroup {
    type Err = ParseClassError;

    /// Parses the machine name, ignoring ASCII case and surrounding spaces.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim();
        RoleGroup::ALL
            .into_iter()
            .find(|group| group.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| ParseClassError {
                kind: "role group",
                value: text.to_owned(),
                expected: "direct_care, manager, regulated, other",
            })
    }
}

/// Sector of a workplace, from ESTTYPE (metrics.md §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    /// ESTTYPE 1 or 3 (`local_authority`).
    LocalAuthority,
    /// ESTTYPE 6 (`private`).
    Private,
    /// ESTTYPE 7 (`voluntary`).
    Voluntary,
    /// ESTTYPE 8 (`other`).
    Other,
}

impl Sector {
    /// All sectors, in reporting order.
    pub const ALL: [Sector; 4] = [
        Sector::LocalAuthority,
        Sector::Private,
        Sector::Voluntary,
        Sector::Other,
    ];

    /// The machine name (`local_authority`, `private`, `voluntary`, `other`).
    pub fn as_str(self) -> &'static str {
        match self {
            Sector::LocalAuthority => "local_authority",
            Sector::Private => "private",
            Sector::Voluntary => "voluntary",
            Sector::Other => "other",
        }
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            Sector::LocalAuthority => "Local authority",
            Sector::Private => "Private",
            Sector::Voluntary => "Voluntary",
            Sector::Other => "Other",
        }
    }

    /// "Independent" = private + voluntary + other, i.e. not local authority.
    pub fn is_independent(self) -> bool {
        self != Sector::LocalAuthority
    }

    /// Parses the machine name, ignoring ASCII case and surrounding spaces.
    /// `independent` is a filter, not a sector, and is rejected here; see [`SectorFilter`].
    pub fn parse(text: &str) -> Result<Self, ParseClassError> {
        let wanted = text.trim();
        Sector::ALL
            .into_iter()
            .find(|sector| sector.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| ParseClassError {
                kind: "sector",
                value: text.to_owned(),
                expected: "local_authority, private, voluntary, other",
            })
    }
}

impl fmt::Display for Sector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Sector {
    type Err = ParseClassError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Sector::parse(text)
    }
}

/// A sector filter as given on the command line (`interfaces.md`): one sector or `independent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectorFilter {
    /// Exactly this sector.
    Only(Sector),
    /// Every sector except local authority.
    Independent,
}

impl SectorFilter {
    /// Whether a workplace in `sector` passes the filter.
    pub fn matches(self, sector: Sector) -> bool {
        match self {
            SectorFilter::Only(only) => only == sector,
            SectorFilter::Independent => sector.is_independent(),
        }
    }

    /// The machine name (`independent` or the sector's name).
    pub fn as_str(self) -> &'static str {
        match self {
            SectorFilter::Only(sector) => sector.as_str(),
            SectorFilter::Independent => "independent",
        }
    }
}

impl FromStr for SectorFilter {
    type Err = ParseClassError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.trim().eq_ignore_ascii_case("independent") {
            return Ok(SectorFilter::Independent);
        }
        Sector::parse(text)
            .map(SectorFilter::Only)
            .map_err(|error| ParseClassError {
                expected: "local_authority, private, voluntary, other, independent",
                ..error
            })
    }
}

/// Whether a service is CQC-regulated for the REGTYPE check (A.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CqcRegulated {
    /// Regulated: REGTYPE 2 expected.
    Yes,
    /// Not regulated: REGTYPE 2 is an error (W34).
    No,
    /// Head office: either REGTYPE is accepted.
    Either,
}

impl CqcRegulated {
    /// Whether a main service with this flag accepts REGTYPE 2 (CQC regulated).
    pub fn allows_regulated(self) -> bool {
        self != CqcRegulated::No
    }
}

/// Service category from the A.2 "Category (seed)" column; metrics.md calls it the service group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
pub enum ServiceCategory {
    /// "Adult residential".
    #[serde(rename = "Adult residential")]
    AdultResidential,
    /// "Adult day".
    #[serde(rename = "Adult day")]
    AdultDay,
    /// "Adult domiciliary".
    #[serde(rename = "Adult domiciliary")]
    AdultDomiciliary,
    /// "Adult community care".
    #[serde(rename = "Adult community care")]
    AdultCommunityCare,
    /// "Healthcare".
    #[serde(rename = "Healthcare")]
    Healthcare,
    /// "Other".
    #[serde(rename = "Other")]
    Other,
}

impl ServiceCategory {
    /// The label as written in the spec.
    pub fn label(self) -> &'static str {
        match self {
            ServiceCategory::AdultResidential => "Adult residential",
            ServiceCategory::AdultDay => "Adult day",
            ServiceCategory::AdultDomiciliary => "Adult domiciliary",
            ServiceCategory::AdultCommunityCare => "Adult community care",
            ServiceCategory::Healthcare => "Healthcare",
            ServiceCategory::Other => "Other",
        }
    }
}

/// Ethnic group, the "Group" column of A.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
pub enum EthnicGroup {
    /// "White".
    #[serde(rename = "White")]
    White,
    /// "Mixed / multiple ethnic groups".
    #[serde(rename = "Mixed / multiple ethnic groups")]
    Mixed,
    /// "Asian / Asian British".
    #[serde(rename = "Asian / Asian British")]
    Asian,
    /// "Black / African / Caribbean / Black British".
    #[serde(rename = "Black / African / Caribbean / Black British")]
    Black,
    /// "Other ethnic group".
    #[serde(rename = "Other ethnic group")]
    Other,
    /// "Don't know" (code 99): unknown for metrics.
    #[serde(rename = "Don't know")]
    DontKnow,
}

impl EthnicGroup {
    /// Short label used by metrics.md (White, Mixed, Asian, Black, Other, Don't know).
    pub fn label(self) -> &'static str {
        match self {
            EthnicGroup::White => "White",
            EthnicGroup::Mixed => "Mixed",
            EthnicGroup::Asian => "Asian",
            EthnicGroup::Black => "Black",
            EthnicGroup::Other => "Other",
            EthnicGroup::DontKnow => "Don't know",
        }
    }

    /// Whether the group counts as known for metrics (everything but "Don't know").
    pub fn is_known(self) -> bool {
        self != EthnicGroup::DontKnow
    }
}

/// Nationality group (metrics.md §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NationalityGroup {
    /// 826.
    British,
    /// One of the 27 EU member states.
    Eu,
    /// Any other valid code.
    NonEu,
    /// 998, 999, blank or an unknown code.
    Unknown,
}

impl NationalityGroup {
    /// Machine name (`british`, `eu`, `non_eu`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            NationalityGroup::British => "british",
            NationalityGroup::Eu => "eu",
            NationalityGroup::NonEu => "non_eu",
            NationalityGroup::Unknown => "unknown",
        }
    }
}

/// The qualification type, the "Group" column of A.15.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
pub enum QualificationGroup {
    /// "NVQ".
    #[serde(rename = "NVQ")]
    Nvq,
    /// "Award".
    #[serde(rename = "Award")]
    Award,
    /// "Certificate".
    #[serde(rename = "Certificate")]
    Certificate,
    /// "Diploma".
    #[serde(rename = "Diploma")]
    Diploma,
    /// "Degree".
    #[serde(rename = "Degree")]
    Degree,
    /// "Apprenticeship".
    #[serde(rename = "Apprenticeship")]
    Apprenticeship,
    /// "Other type of qualification".
    #[serde(rename = "Other type of qualification")]
    Other,
}

impl QualificationGroup {
    /// The label as written in the spec.
    pub fn label(self) -> &'static str {
        match self {
            QualificationGroup::Nvq => "NVQ",
            QualificationGroup::Award => "Award",
            QualificationGroup::Certificate => "Certificate",
            QualificationGroup::Diploma => "Diploma",
            QualificationGroup::Degree => "Degree",
            QualificationGroup::Apprenticeship => "Apprenticeship",
            QualificationGroup::Other => "Other type of qualification",
        }
    }
}
