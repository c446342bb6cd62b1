//! The code tables this crate needs (job roles with their groups, services with their groups,
//! service users, training categories), from `carecount-codes`, keyed as the requirement rows'
//! selectors name them (`compliance.md` §3.1).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use carecount_codes::{RoleGroup, ServiceCategory, tables};

/// The reference tables, indexed once.
pub(crate) struct Codes {
    /// MAINJOBROLE code → role group key (`direct_care`, `manager`, `regulated`, `other`).
    pub job_roles: BTreeMap<u16, &'static str>,
    /// Care-providing roles (`metrics.md` §1.1).
    pub care_providing: BTreeSet<u16>,
    /// MAINSERVICE code → service group key (`adult_residential`, …).
    pub services: BTreeMap<u16, &'static str>,
    /// SERVICEUSERS codes.
    pub service_users: BTreeSet<u16>,
    /// CATEGORY code → A.16 name.
    pub training_categories: BTreeMap<u16, String>,
}

pub(crate) fn codes() -> &'static Codes {
    static CODES: OnceLock<Codes> = OnceLock::new();
    CODES.get_or_init(load)
}

/// The A.2 keys of `compliance.md` §3.1 for a service category.
fn service_key(category: ServiceCategory) -> &'static str {
    match category {
        ServiceCategory::AdultResidential => "adult_residential",
        ServiceCategory::AdultDay => "adult_day",
        ServiceCategory::AdultDomiciliary => "adult_domiciliary",
        ServiceCategory::AdultCommunityCare => "adult_community",
        ServiceCategory::Healthcare => "healthcare",
        ServiceCategory::Other => "other",
    }
}

fn small(code: u32) -> Option<u16> {
    u16::try_from(code).ok()
}

fn load() -> Codes {
    let tables = tables();
    let job_roles = tables
        .job_roles
        .iter()
        .filter_map(|role| Some((small(role.code)?, role.role_group.as_str())))
        .collect();
    let care_providing = tables
        .job_roles
        .iter()
        .filter(|role| role.care_providing)
        .filter_map(|role| small(role.code))
        .collect();
    let services = tables
        .services
        .iter()
        .filter_map(|service| Some((small(service.code)?, service_key(service.category))))
        .collect();
    let service_users = tables.service_users.codes().filter_map(small).collect();
    let training_categories = tables
        .training_categories
        .iter()
        .filter_map(|category| Some((small(category.code)?, category.name.clone())))
        .collect();
    Codes {
        job_roles,
        care_providing,
        services,
        service_users,
        training_categories,
    }
}

/// The role group key of a MAINJOBROLE code (`metrics.md` §1.1), `other` when unknown.
pub fn role_group(job_role: u16) -> &'static str {
    tables()
        .job_roles
        .get(u32::from(job_role))
        .map(|role| role.role_group)
        .unwrap_or(RoleGroup::Other)
        .as_str()
}

/// The service group key of a MAINSERVICE code (A.2), `other` when unknown.
pub fn service_group(main_service: u16) -> &'static str {
    tables()
        .services
        .get(u32::from(main_service))
        .map(|service| service_key(service.category))
        .unwrap_or("other")
}

/// Lower case, each run of other characters made `_` (§2, the key of a category's own topic).
#[cfg(test)]
pub(crate) fn slug(name: &str) -> String {
    name.to_lowercase()
        .split(|character: char| !character.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_follow_metrics_1_1() {
        // metrics.md §1.1: 8 care worker is direct care, 43 deputy manager a manager, 37 nursing
        // associate regulated, 25 administrative other.
        assert_eq!(role_group(8), "direct_care");
        assert_eq!(role_group(43), "manager");
        assert_eq!(role_group(37), "regulated");
        assert_eq!(role_group(25), "other");
        // Care-providing roles are exactly 4, 5, 7, 8, 9, 23, 45, 52.
        let expected: BTreeSet<u16> = [4, 5, 7, 8, 9, 23, 45, 52].into_iter().collect();
        assert_eq!(codes().care_providing, expected);
        assert_eq!(service_group(2), "adult_residential");
        assert_eq!(service_group(15), "adult_community");
        assert_eq!(
            slug("Children's, young people's related training"),
            "children_s_young_people_s_related_training"
        );
    }
}
