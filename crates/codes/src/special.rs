//! Codes that the upload rules (ascwds-formats.md §2.4, §3.4, §4.3, Appendix A) and metrics.md give
//! a special meaning. Rules should name these instead of repeating bare numbers.

// Employer types (A.1, W24–W27).
/// ESTTYPE "Other": OTHERTYPE expected.
pub const EMPLOYER_TYPE_OTHER: u32 = 8;
/// ESTTYPE codes in the 1–8 range with no mapping (W24).
pub const EMPLOYER_TYPES_UNMAPPED: [u32; 3] = [2, 4, 5];
/// ESTTYPE codes meaning a local authority.
pub const EMPLOYER_TYPES_LOCAL_AUTHORITY: [u32; 2] = [1, 3];

// Services (A.2).
/// Care home services with nursing.
pub const CARE_HOME_WITH_NURSING: u32 = 1;
/// Care home services without nursing.
pub const CARE_HOME_WITHOUT_NURSING: u32 = 2;
/// Domiciliary care services.
pub const DOMICILIARY_CARE: u32 = 8;
/// Head office: either REGTYPE, no LOCATIONID, TOTALPERMTEMP may be 0 (W34, W39, W66, XW5).
pub const HEAD_OFFICE: u32 = 72;

// REGTYPE (A.18).
/// REGTYPE for a CQC-regulated workplace.
pub const REGTYPE_CQC: u32 = 2;
/// REGTYPE for a workplace not regulated by CQC.
pub const REGTYPE_NOT_CQC: u32 = 0;

// Service users (A.3, W51).
/// Service-user groups that need OTHERUSERDESC.
pub const SERVICE_USERS_NEEDING_DESCRIPTION: [u32; 3] = [3, 9, 21];

// Job roles (A.4).
/// Senior management: SALARY ceiling £250,000 (S67).
pub const SENIOR_MANAGEMENT: u32 = 1;
/// Registered manager (XS5, XW5, W70).
pub const REGISTERED_MANAGER: u32 = 4;
/// Social worker: AMHP applies (S88, S89); regulated profession (S94).
pub const SOCIAL_WORKER: u32 = 6;
/// Occupational therapist: regulated profession (S94).
pub const OCCUPATIONAL_THERAPIST: u32 = 15;
/// Registered nurse: NMCREG applies (S85, S87); regulated profession (S94).
pub const REGISTERED_NURSE: u32 = 16;
/// Other (directly involved in providing care): MAINJRDESC required (S75).
pub const OTHER_CARE_ROLE: u32 = 23;
/// Other (not directly involved in providing care): MAINJRDESC required (S75).
pub const OTHER_NON_CARE_ROLE: u32 = 27;
/// Roles that need MAINJRDESC (S75).
pub const ROLES_NEEDING_DESCRIPTION: [u32; 2] = [OTHER_CARE_ROLE, OTHER_NON_CARE_ROLE];
/// Regulated professions for the S94 qualification warning (6, 15, 16). Note: the metrics
/// `regulated` role group is wider (adds 17 and 37); use `JobRole::role_group` for that.
pub const S94_REGULATED_PROFESSIONS: [u32; 3] =
    [SOCIAL_WORKER, OCCUPATIONAL_THERAPIST, REGISTERED_NURSE];
/// Job role codes that are not valid (A.4): 12–14, 18–22, 28–33, 41.
pub const RETIRED_JOB_ROLES: [u32; 15] =
    [12, 13, 14, 18, 19, 20, 21, 22, 28, 29, 30, 31, 32, 33, 41];

// Salary (S67).
/// Minimum annual salary (SALARYINT 1).
pub const SALARY_MIN: u32 = 500;
/// Maximum annual salary for all roles except senior management.
pub const SALARY_MAX: u32 = 200_000;
/// Maximum annual salary for senior management (role 1).
pub const SALARY_MAX_SENIOR_MANAGEMENT: u32 = 250_000;

// Generic "don't know" and identity codes.
/// The usual "don't know" answer (many columns; A.18).
pub const DONT_KNOW: u32 = 999;
/// Ethnicity "Don't know" (A.5).
pub const ETHNICITY_DONT_KNOW: u32 = 99;
/// GENDER "Don't know".
pub const GENDER_DONT_KNOW: u32 = 3;
/// NATIONALITY British (S27, S36).
pub const NATIONALITY_BRITISH: u32 = 826;
/// NATIONALITY / COUNTRYOFBIRTH "Don't know".
pub const NATIONALITY_DONT_KNOW: u32 = 998;
/// NATIONALITY / COUNTRYOFBIRTH "Other (not specified)".
pub const NATIONALITY_OTHER: u32 = 999;
/// COUNTRYOFBIRTH United Kingdom (S35).
pub const COUNTRY_UNITED_KINGDOM: u32 = 826;
/// COUNTRYOFBIRTH "Don't know".
pub const COUNTRY_DONT_KNOW: u32 = 998;
/// COUNTRYOFBIRTH "Other (not specified)".
pub const COUNTRY_OTHER: u32 = 999;
/// RECSOURCE "Don't know" (S48 accepts it although it has no ASC-WDS row).
pub const RECRUITMENT_DONT_KNOW: u32 = 16;

// Contracts (A.18; metrics.md "directly employed").
/// EMPLSTATUS Permanent.
pub const EMPLSTATUS_PERMANENT: u32 = 1;
/// EMPLSTATUS Temporary.
pub const EMPLSTATUS_TEMPORARY: u32 = 2;
/// EMPLSTATUS values that are "directly employed".
pub const DIRECTLY_EMPLOYED: [u32; 2] = [EMPLSTATUS_PERMANENT, EMPLSTATUS_TEMPORARY];
/// SALARYINT Annually.
pub const SALARYINT_ANNUAL: u32 = 1;
/// SALARYINT Hourly.
pub const SALARYINT_HOURLY: u32 = 3;

// Workplace questions.
/// DHAACTIVITIES "don't know which activities" (only alone, only with DHA=1).
pub const DHA_ACTIVITIES_DONT_KNOW: u32 = 999;
/// CWPUSE first item Yes: reasons follow.
pub const CWP_USE_YES: u32 = 1;
/// CWPUSE reason "something else": CWPUSEDESC.
pub const CWP_USE_OTHER_REASON: u32 = 10;
/// TRAVELTIME "a different travel time rate": TTDIFFRATE.
pub const TRAVEL_TIME_DIFFERENT_RATE: u32 = 3;
/// CWPCATEGORY "None of the above".
pub const CWP_CATEGORY_NONE: u32 = 998;

// Training (A.16, A.17, §4.3).
/// Training category "Other".
pub const TRAINING_CATEGORY_OTHER: u32 = 21;
/// PROVIDERNAME "other provider".
pub const TRAINING_PROVIDER_OTHER: u32 = 999;
/// WHODELIVERED External provider: PROVIDERNAME applies (T15).
pub const WHO_DELIVERED_EXTERNAL: u32 = 2;
