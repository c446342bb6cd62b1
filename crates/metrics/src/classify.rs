//! Classifications of `metrics.md` §1.1, read from `carecount-codes` (no code number is matched
//! here except through the code tables).

use std::sync::OnceLock;

use carecount_codes::{EthnicGroup, NationalityGroup, RoleGroup, tables};

/// Role group and care-providing flag of each job role code, indexed by code: metrics ask
/// these once per staff record, so a direct index replaces the table's binary search.
fn job_role_lookup() -> &'static [Option<(RoleGroup, bool)>] {
    static LOOKUP: OnceLock<Vec<Option<(RoleGroup, bool)>>> = OnceLock::new();
    LOOKUP.get_or_init(|| {
        let roles = &tables().job_roles;
        let highest = roles.codes().max().unwrap_or(0) as usize;
        let mut lookup = vec![None; highest + 1];
        for role in roles.iter() {
            if let Some(slot) = lookup.get_mut(role.code as usize) {
                *slot = Some((role.role_group, role.care_providing));
            }
        }
        lookup
    })
}

fn job_role_info(job_role: u32) -> Option<(RoleGroup, bool)> {
    job_role_lookup().get(job_role as usize).copied().flatten()
}

/// The role group of a MAINJOBROLE code; `None` for a code not in A.4.
pub(crate) fn role_group(job_role: u32) -> Option<RoleGroup> {
    job_role_info(job_role).map(|(group, _)| group)
}

/// Whether a MAINJOBROLE code is a care-providing role (qualification and Care Certificate rates).
pub(crate) fn is_care_providing(job_role: u32) -> bool {
    job_role_info(job_role).is_some_and(|(_, care_providing)| care_providing)
}

/// The ethnic group of an ETHNICITY code; `None` for unknown (99, blank or not in A.5).
pub(crate) fn ethnic_group(ethnicity: Option<u32>) -> Option<EthnicGroup> {
    let group = tables().ethnicities.get(ethnicity?)?.group;
    group.is_known().then_some(group)
}

/// The nationality group of a NATIONALITY code; `None` for unknown.
pub(crate) fn nationality_group(nationality: Option<u32>) -> Option<NationalityGroup> {
    match tables().nationality_group(nationality) {
        NationalityGroup::Unknown => None,
        group => Some(group),
    }
}

pub(crate) fn is_service(code: u32) -> bool {
    tables().services.contains(code)
}

pub(crate) fn is_job_role(code: u32) -> bool {
    tables().job_roles.contains(code)
}

/// The name of a service code, or the code itself when the table does not hold it.
pub(crate) fn service_name(code: u32) -> String {
    tables()
        .services
        .name_of(code)
        .map_or_else(|| code.to_string(), str::to_string)
}

/// The service group (A.2 category) label of a service code.
pub(crate) fn service_group_label(code: u32) -> Option<&'static str> {
    tables()
        .services
        .get(code)
        .map(|service| service.category.label())
}

/// The name of a job role code, or the code itself when the table does not hold it.
pub(crate) fn job_role_name(code: u32) -> String {
    tables()
        .job_roles
        .name_of(code)
        .map_or_else(|| code.to_string(), str::to_string)
}

/// "code name" pairs of every job role, for error messages.
pub(crate) fn job_role_codes_list() -> String {
    tables()
        .job_roles
        .iter()
        .map(|role| format!("{} {}", role.code, role.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "code name" pairs of every service, for error messages.
pub(crate) fn service_codes_list() -> String {
    tables()
        .services
        .iter()
        .map(|service| format!("{} {}", service.code, service.name))
        .collect::<Vec<_>>()
        .join(", ")
}
