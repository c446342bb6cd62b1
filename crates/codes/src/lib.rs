//! carecount-codes: the ASC-WDS reference code tables (Appendix A of `ascwds-formats.md`), the
//! classifications of `metrics.md` §1.1 (role group, sector, care-providing roles, ethnic and
//! nationality groups) and the English geography (153 councils with adult social services
//! responsibilities, 9 regions; ONS 2023 codes).
//!
//! Every table is a CSV file in `data/`, embedded with `include_str!` and parsed once on first use
//! by [`tables()`]. Codes that the upload rules treat specially are named in [`special`].
//!
//! This crate is NOT a validator: it knows which codes exist and what their flags say, not how an
//! upload line is checked. It does no IO and has no knowledge of upload files, the store or metrics.
//!
//! ```
//! let tables = carecount_codes::tables();
//! let domiciliary = tables.services.get(8).expect("service 8 exists");
//! assert!(domiciliary.utilisation_question);
//! assert_eq!(tables.job_roles.get(16).map(|role| role.role_group),
//!            Some(carecount_codes::RoleGroup::Regulated));
//! ```

mod classify;
mod records;
pub mod special;

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;

pub use classify::{
    CqcRegulated, EthnicGroup, NationalityGroup, ParseClassError, QualificationGroup, RoleGroup,
    Sector, SectorFilter, ServiceCategory,
};
pub use records::{
    CodeName, Coded, Country, CwpAwareness, CwpCategory, CwpUseReason, DhaActivity, EmployerType,
    EnumValue, Ethnicity, JobRole, LocalAuthority, Nationality, Qualification, QualificationLevel,
    RecruitmentSource, Region, Service, ServiceUser, TrainingCategory, TrainingProvider,
    TravelTimeOption,
};

/// Code of the fictional demonstration area; deliberately not in the national table.
pub const DEMO_AREA_CODE: &str = "E99999999";
/// Name of the fictional demonstration area.
pub const DEMO_AREA_NAME: &str = "Demo LA";

/// Why an embedded table could not be loaded. Only a broken data file causes this.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A row could not be read or did not fit the table's columns.
    #[error("data/{file}: {source}")]
    Csv {
        file: &'static str,
        #[source]
        source: csv::Error,
    },
    /// The same code appears twice.
    #[error("data/{file}: code {code} appears more than once")]
    DuplicateCode { file: &'static str, code: String },
    /// A row refers to something that does not exist (e.g. a local authority's region).
    #[error("data/{file}: {detail}")]
    BadReference { file: &'static str, detail: String },
}

/// A code table: rows ordered by code, looked up by code.
#[derive(Debug, Clone)]
pub struct Table<T> {
    rows: Vec<T>,
}

impl<T: Coded> Table<T> {
    fn new(file: &'static str, mut rows: Vec<T>) -> Result<Self, LoadError> {
        rows.sort_by_key(Coded::code);
        if let Some(pair) = rows.windows(2).find(|pair| match pair {
            [first, second] => first.code() == second.code(),
            _ => false,
        }) && let Some(first) = pair.first()
        {
            return Err(LoadError::DuplicateCode {
                file,
                code: first.code().to_string(),
            });
        }
        Ok(Table { rows })
    }

    /// The row with this code.
    pub fn get(&self, code: u32) -> Option<&T> {
        self.rows
            .binary_search_by_key(&code, Coded::code)
            .ok()
            .and_then(|index| self.rows.get(index))
    }

    /// Whether this code exists.
    pub fn contains(&self, code: u32) -> bool {
        self.get(code).is_some()
    }

    /// The display name of a code.
    pub fn name_of(&self, code: u32) -> Option<&str> {
        self.get(code).map(Coded::name)
    }

    /// All rows in code order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.rows.iter()
    }

    /// All codes in order.
    pub fn codes(&self) -> impl Iterator<Item = u32> + '_ {
        self.rows.iter().map(Coded::code)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Every reference table.
#[derive(Debug, Clone)]
pub struct Tables {
    /// A.1 ESTTYPE.
    pub employer_types: Table<EmployerType>,
    /// A.2 MAINSERVICE / ALLSERVICES.
    pub services: Table<Service>,
    /// A.3 SERVICEUSERS.
    pub service_users: Table<ServiceUser>,
    /// A.4 MAINJOBROLE / ALLJOBROLES.
    pub job_roles: Table<JobRole>,
    /// A.5 ETHNICITY.
    pub ethnicities: Table<Ethnicity>,
    /// A.6 NATIONALITY.
    pub nationalities: Table<Nationality>,
    /// A.7 COUNTRYOFBIRTH.
    pub countries: Table<Country>,
    /// A.8 RECSOURCE.
    pub recruitment_sources: Table<RecruitmentSource>,
    /// A.9 DHAACTIVITIES.
    pub dha_activities: Table<DhaActivity>,
    /// A.10 CWPAWARE.
    pub cwp_awareness: Table<CwpAwareness>,
    /// A.11 CWPUSE reasons.
    pub cwp_use: Table<CwpUseReason>,
    /// A.12 TRAVELTIME.
    pub travel_time: Table<TravelTimeOption>,
    /// A.13 qualification levels.
    pub qualification_levels: Table<QualificationLevel>,
    /// A.14 CWPCATEGORY.
    pub cwp_categories: Table<CwpCategory>,
    /// A.15 QUALACHnn codes.
    pub qualifications: Table<Qualification>,
    /// A.16 training CATEGORY.
    pub training_categories: Table<TrainingCategory>,
    /// A.17 PROVIDERNAME.
    pub training_providers: Table<TrainingProvider>,
    /// A.18 small enumerations, one row per (column, code).
    pub enumerations: Vec<EnumValue>,
    /// Councils with adult social services responsibilities, ordered by ONS code.
    pub local_authorities: Vec<LocalAuthority>,
    /// English regions, ordered by ONS code.
    pub regions: Vec<Region>,
}

impl Tables {
    /// A local authority by exact ONS code or by name (ONS name or common short name), ignoring
    /// case and surrounding spaces.
    pub fn local_authority(&self, code_or_name: &str) -> Option<&LocalAuthority> {
        let wanted = code_or_name.trim();
        self.local_authorities
            .iter()
            .find(|authority| authority.code == wanted)
            .or_else(|| {
                self.local_authorities.iter().find(|authority| {
                    authority.name.eq_ignore_ascii_case(wanted)
                        || authority
                            .alt_name
                            .as_deref()
                            .is_some_and(|alt| alt.eq_ignore_ascii_case(wanted))
                })
            })
    }

    /// A region by exact ONS code or by name, ignoring case and surrounding spaces.
    pub fn region(&self, code_or_name: &str) -> Option<&Region> {
        let wanted = code_or_name.trim();
        self.regions
            .iter()
            .find(|region| region.code == wanted)
            .or_else(|| {
                self.regions
                    .iter()
                    .find(|region| region.name.eq_ignore_ascii_case(wanted))
            })
    }

    /// The local authorities of a region (by region code).
    pub fn local_authorities_in<'a>(
        &'a self,
        region_code: &'a str,
    ) -> impl Iterator<Item = &'a LocalAuthority> + 'a {
        self.local_authorities
            .iter()
            .filter(move |authority| authority.region_code == region_code)
    }

    /// The accepted values of one A.18 column (e.g. `GENDER`), case-sensitive column name.
    pub fn enumeration<'a>(&'a self, column: &'a str) -> impl Iterator<Item = &'a EnumValue> + 'a {
        self.enumerations
            .iter()
            .filter(move |value| value.column == column)
    }

    /// Sector of an ESTTYPE code, or None for an unknown code.
    pub fn sector_of(&self, employer_type: u32) -> Option<Sector> {
        self.employer_types.get(employer_type).map(|row| row.sector)
    }

    /// Role group of a MAINJOBROLE code, or None for an invalid code.
    pub fn role_group_of(&self, job_role: u32) -> Option<RoleGroup> {
        self.job_roles.get(job_role).map(|row| row.role_group)
    }

    /// Nationality group (metrics.md §1.1): 826 British, EU-27 codes EU, any other valid code
    /// non-EU; 998, 999, blank (None) and unknown codes are unknown.
    pub fn nationality_group(&self, nationality: Option<u32>) -> NationalityGroup {
        match nationality {
            Some(special::NATIONALITY_BRITISH) => NationalityGroup::British,
            Some(special::NATIONALITY_DONT_KNOW | special::NATIONALITY_OTHER) | None => {
                NationalityGroup::Unknown
            }
            Some(code) => match self.nationalities.get(code) {
                Some(row) if row.eu => NationalityGroup::Eu,
                Some(_) => NationalityGroup::NonEu,
                None => NationalityGroup::Unknown,
            },
        }
    }
}

/// Every table, parsed on first use.
///
/// # Panics
///
/// Panics only if an embedded data file is malformed. That is a build-time bug, not a user error:
/// the unit tests call [`load`] on the same data and fail first.
pub fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    #[allow(clippy::expect_used)]
    TABLES.get_or_init(|| load().expect("embedded code tables are valid (checked by unit tests)"))
}

/// Parses every embedded table, reporting the first problem.
pub fn load() -> Result<Tables, LoadError> {
    let regions: Vec<Region> = parse("regions.csv", include_str!("../data/regions.csv"))?;
    let local_authorities: Vec<LocalAuthority> = parse(
        "local_authorities.csv",
        include_str!("../data/local_authorities.csv"),
    )?;
    check_geography(&regions, &local_authorities)?;

    Ok(Tables {
        employer_types: table(
            "employer_types.csv",
            include_str!("../data/employer_types.csv"),
        )?,
        services: table("services.csv", include_str!("../data/services.csv"))?,
        service_users: table(
            "service_users.csv",
            include_str!("../data/service_users.csv"),
        )?,
        job_roles: table("job_roles.csv", include_str!("../data/job_roles.csv"))?,
        ethnicities: table("ethnicities.csv", include_str!("../data/ethnicities.csv"))?,
        nationalities: table(
            "nationalities.csv",
            include_str!("../data/nationalities.csv"),
        )?,
        countries: table("countries.csv", include_str!("../data/countries.csv"))?,
        recruitment_sources: table(
            "recruitment_sources.csv",
            include_str!("../data/recruitment_sources.csv"),
        )?,
        dha_activities: table(
            "dha_activities.csv",
            include_str!("../data/dha_activities.csv"),
        )?,
        cwp_awareness: table(
            "cwp_awareness.csv",
            include_str!("../data/cwp_awareness.csv"),
        )?,
        cwp_use: table("cwp_use.csv", include_str!("../data/cwp_use.csv"))?,
        travel_time: table("travel_time.csv", include_str!("../data/travel_time.csv"))?,
        qualification_levels: table(
            "qualification_levels.csv",
            include_str!("../data/qualification_levels.csv"),
        )?,
        cwp_categories: table(
            "cwp_categories.csv",
            include_str!("../data/cwp_categories.csv"),
        )?,
        qualifications: table(
            "qualifications.csv",
            include_str!("../data/qualifications.csv"),
        )?,
        training_categories: table(
            "training_categories.csv",
            include_str!("../data/training_categories.csv"),
        )?,
        training_providers: table(
            "training_providers.csv",
            include_str!("../data/training_providers.csv"),
        )?,
        enumerations: parse_enumerations()?,
        local_authorities,
        regions,
    })
}

fn parse<T: DeserializeOwned>(file: &'static str, text: &str) -> Result<Vec<T>, LoadError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, csv::Error>>()
        .map_err(|source| LoadError::Csv { file, source })
}

fn table<T: DeserializeOwned + Coded>(
    file: &'static str,
    text: &str,
) -> Result<Table<T>, LoadError> {
    Table::new(file, parse(file, text)?)
}

fn parse_enumerations() -> Result<Vec<EnumValue>, LoadError> {
    const FILE: &str = "enumerations.csv";
    let values: Vec<EnumValue> = parse(FILE, include_str!("../data/enumerations.csv"))?;
    let mut seen = HashSet::new();
    for value in &values {
        if !seen.insert((value.column.as_str(), value.code.as_str())) {
            return Err(LoadError::DuplicateCode {
                file: FILE,
                code: format!("{} {}", value.column, value.code),
            });
        }
    }
    Ok(values)
}

fn check_geography(regions: &[Region], authorities: &[LocalAuthority]) -> Result<(), LoadError> {
    let mut region_codes = HashSet::new();
    for region in regions {
        if !region_codes.insert(region.code.as_str()) {
            return Err(LoadError::DuplicateCode {
                file: "regions.csv",
                code: region.code.clone(),
            });
        }
    }
    let mut authority_codes = HashSet::new();
    for authority in authorities {
        if !authority_codes.insert(authority.code.as_str()) {
            return Err(LoadError::DuplicateCode {
                file: "local_authorities.csv",
                code: authority.code.clone(),
            });
        }
        let region_matches = regions.iter().any(|region| {
            region.code == authority.region_code && region.name == authority.region_name
        });
        if !region_matches {
            return Err(LoadError::BadReference {
                file: "local_authorities.csv",
                detail: format!(
                    "{} {} names region {} {} which is not in regions.csv",
                    authority.code, authority.name, authority.region_code, authority.region_name
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

/// Resolves an area as users write it — a council's ONS code or name, "Demo LA", or the name of a
/// user's own area — to the code workplaces carry (a council's ONS code, else the text as given).
pub fn area_code(area: &str) -> String {
    if let Some(la) = tables().local_authority(area) {
        return la.code.clone();
    }
    if area.eq_ignore_ascii_case(DEMO_AREA_NAME) {
        return DEMO_AREA_CODE.to_string();
    }
    area.to_string()
}

#[cfg(test)]
mod area_code_tests {
    #[test]
    fn councils_by_name_or_code_the_demo_area_and_own_areas() {
        assert_eq!(super::area_code("Rotherham"), "E08000018");
        assert_eq!(super::area_code("E08000018"), "E08000018");
        assert_eq!(super::area_code("demo la"), "E99999999");
        assert_eq!(super::area_code("Testshire"), "Testshire");
    }
}
