//! Tests of the embedded tables. Expected counts are counted by hand from ascwds-formats.md
//! Appendix A and metrics.md §1.1.

use super::*;

fn loaded() -> Tables {
    match load() {
        Ok(tables) => tables,
        Err(error) => panic!("embedded tables must load: {error}"),
    }
}

#[test]
fn every_table_loads_with_the_row_counts_of_the_spec() {
    let tables = loaded();
    // A.1: codes 1, 3, 6, 7, 8.
    assert_eq!(tables.employer_types.len(), 5);
    // A.2: 1, 2, 5, 6, 7, 8, 10, 12 (8) + 13..=21 (9) + 52..=55 (4) + 60..=64 (5) + 66..=75 (10) = 36.
    assert_eq!(tables.services.len(), 36);
    // A.3: 1..=9 (9) + 18..=23 (6) + 25..=29 (5) + 31, 45, 46 (3) = 23.
    assert_eq!(tables.service_users.len(), 23);
    // A.4: 1..=11 (11) + 15,16,17 (3) + 23..=27 (5) + 34..=40 (7) + 42..=52 (11) = 37.
    assert_eq!(tables.job_roles.len(), 37);
    // A.5: 31..=47 (17) + 98, 99 = 19.
    assert_eq!(tables.ethnicities.len(), 19);
    // A.8: 1, 2, 5, 7, 8, 10, 12, 15, 16, 17, 18 = 11.
    assert_eq!(tables.recruitment_sources.len(), 11);
    // A.9: 1..=8 + 999 = 9.
    assert_eq!(tables.dha_activities.len(), 9);
    // A.10: 1..=4 + 999 = 5.
    assert_eq!(tables.cwp_awareness.len(), 5);
    // A.11: reasons 1..=10.
    assert_eq!(tables.cwp_use.len(), 10);
    // A.12: 1..=6 + 999 = 7.
    assert_eq!(tables.travel_time.len(), 7);
    // A.13: 0..=8 (9) + 999 = 10.
    assert_eq!(tables.qualification_levels.len(), 10);
    // A.14: 1..=7 + 998 + 999 = 9.
    assert_eq!(tables.cwp_categories.len(), 9);
    // A.16: 1, 2 (2) + 5..=23 without 24 (19) + 25..=51 (27) = 48.
    assert_eq!(tables.training_categories.len(), 48);
    // A.17: 1..=88 + 999 = 89.
    assert_eq!(tables.training_providers.len(), 89);
    // A.7: 249 listed codes + 826, 998, 999 (special codes named in the text) = 252.
    assert_eq!(tables.countries.len(), 252);
    assert_eq!(tables.regions.len(), 9);
    assert_eq!(tables.local_authorities.len(), 153);
}

#[test]
fn qualification_count_matches_the_spec_table() {
    let tables = loaded();
    // A.15 runs 1..=159 with gaps, then 301..=315 (15 apprenticeships).
    let apprenticeships = tables
        .qualifications
        .codes()
        .filter(|code| *code >= 301)
        .count();
    assert_eq!(apprenticeships, 15);
    // 144..=159 are the 2024–2025 additions: 16 codes, all present.
    assert!((144..=159).all(|code| tables.qualifications.contains(code)));
    // Gaps below 160, read from the table: 7, 11, 21, 23, 24, 29..=31, 40, 43..=47, 59..=61, 65, 66,
    // 69..=71, 75, 78..=81, 97, 106.
    let gaps = [
        7, 11, 21, 23, 24, 29, 30, 31, 40, 43, 44, 45, 46, 47, 59, 60, 61, 65, 66, 69, 70, 71, 75,
        78, 79, 80, 81, 97, 106,
    ];
    for absent in gaps {
        assert!(
            !tables.qualifications.contains(absent),
            "qualification {absent} should be absent"
        );
    }
    // 5 + 3 + 1 + 5 + 3 + 2 + 3 + 1 + 4 + 1 + 1 = 29 gaps, so 159 - 29 = 130 codes below 160,
    // plus 15 apprenticeships = 145.
    assert_eq!(gaps.len(), 29);
    assert_eq!(tables.qualifications.len(), 145);
}

#[test]
fn nationalities_are_deduplicated_and_include_the_special_codes() {
    let tables = loaded();
    // The spec table lists Australian (36) five times and French (250) eleven times; each once here.
    assert_eq!(tables.nationalities.name_of(36), Some("Australian"));
    assert_eq!(
        tables
            .nationalities
            .iter()
            .filter(|row| row.name == "French")
            .count(),
        1
    );
    assert_eq!(tables.nationalities.name_of(826), Some("British"));
    assert!(tables.nationalities.contains(998));
    assert!(tables.nationalities.contains(999));
    assert_eq!(tables.nationalities.name_of(995), Some("Kosovan"));
    // EU flags: exactly the 27 member states.
    assert_eq!(tables.nationalities.iter().filter(|row| row.eu).count(), 27);
    assert_eq!(tables.countries.iter().filter(|row| row.eu).count(), 27);
}

#[test]
fn nationality_group_follows_metrics() {
    let tables = loaded();
    assert_eq!(
        tables.nationality_group(Some(826)),
        NationalityGroup::British
    );
    assert_eq!(tables.nationality_group(Some(616)), NationalityGroup::Eu); // Polish
    assert_eq!(tables.nationality_group(Some(356)), NationalityGroup::NonEu); // Indian
    assert_eq!(
        tables.nationality_group(Some(998)),
        NationalityGroup::Unknown
    );
    assert_eq!(
        tables.nationality_group(Some(999)),
        NationalityGroup::Unknown
    );
    assert_eq!(tables.nationality_group(None), NationalityGroup::Unknown);
    assert_eq!(tables.nationality_group(Some(1)), NationalityGroup::Unknown);
}

#[test]
fn countries_mark_inferred_names() {
    let tables = loaded();
    let laos = tables.countries.get(418);
    assert_eq!(
        laos.map(|row| row.name.as_str()),
        Some("Lao People's Democratic Republic")
    );
    assert_eq!(laos.map(|row| row.name_inferred), Some(true));
    assert_eq!(
        tables.countries.get(4).map(|row| row.name_inferred),
        Some(false)
    );
    assert_eq!(tables.countries.name_of(826), Some("United Kingdom"));
    // † marks 418, 531, 534, 535 and 995: five names.
    assert_eq!(
        tables
            .countries
            .iter()
            .filter(|row| row.name_inferred)
            .count(),
        5
    );
}

#[test]
fn service_flags_match_a2() {
    let tables = loaded();
    let domiciliary = tables.services.get(special::DOMICILIARY_CARE);
    let Some(domiciliary) = domiciliary else {
        panic!("service 8 missing")
    };
    assert_eq!(domiciliary.cqc_regulated, CqcRegulated::Yes);
    assert!(!domiciliary.capacity_question);
    assert!(domiciliary.utilisation_question);
    assert_eq!(domiciliary.pay_group, 1);
    assert!(domiciliary.asks_travel_time() && domiciliary.asks_sleep_ins());
    assert_eq!(domiciliary.category, ServiceCategory::AdultDomiciliary);

    let Some(head_office) = tables.services.get(special::HEAD_OFFICE) else {
        panic!("72 missing")
    };
    assert_eq!(head_office.cqc_regulated, CqcRegulated::Either);
    assert!(head_office.needs_description && !head_office.dha_allowed);

    let Some(nursing_home) = tables.services.get(1) else {
        panic!("1 missing")
    };
    assert!(nursing_home.capacity_question && nursing_home.utilisation_question);
    assert_eq!(nursing_home.pay_group, 2);
    assert!(nursing_home.asks_sleep_ins() && !nursing_home.asks_travel_time());

    // Capacity questions in A.2: 1, 2, 5, 6, 7, 17 = 6 services.
    assert_eq!(
        tables
            .services
            .iter()
            .filter(|row| row.capacity_question)
            .count(),
        6
    );
    // CQC "yes": 1, 2, 8, 17, 54, 55, 61, 62, 63, 64, 66, 67, 68, 69, 70, 74 = 16.
    let regulated = tables
        .services
        .iter()
        .filter(|row| row.cqc_regulated == CqcRegulated::Yes);
    assert_eq!(regulated.count(), 16);
    // "Other" → SERVICEDESC: 5, 7, 12, 21, 52, 71, 72, 75 = 8.
    assert_eq!(
        tables
            .services
            .iter()
            .filter(|row| row.needs_description)
            .count(),
        8
    );
    // DHA not allowed: 10, 13, 19, 60, 72 = 5.
    assert_eq!(
        tables
            .services
            .iter()
            .filter(|row| !row.dha_allowed)
            .count(),
        5
    );
    // Pay group 1: 8, 12.
    let group_one: Vec<u32> = tables
        .services
        .iter()
        .filter(|row| row.pay_group == 1)
        .map(|row| row.code)
        .collect();
    assert_eq!(group_one, vec![8, 12]);
}

#[test]
fn job_roles_carry_groups_and_flags() {
    let tables = loaded();
    assert_eq!(
        tables.role_group_of(special::REGISTERED_NURSE),
        Some(RoleGroup::Regulated)
    );
    assert_eq!(
        tables.role_group_of(special::REGISTERED_MANAGER),
        Some(RoleGroup::Manager)
    );
    assert_eq!(tables.role_group_of(8), Some(RoleGroup::DirectCare));
    assert_eq!(tables.role_group_of(25), Some(RoleGroup::Other));
    assert_eq!(tables.role_group_of(41), None);
    let count = |group: RoleGroup| {
        tables
            .job_roles
            .iter()
            .filter(|row| row.role_group == group)
            .count()
    };
    // metrics.md §1.1 lists 12 direct care, 7 manager and 5 regulated codes; 37 - 24 = 13 other.
    assert_eq!(count(RoleGroup::DirectCare), 12);
    assert_eq!(count(RoleGroup::Manager), 7);
    assert_eq!(count(RoleGroup::Regulated), 5);
    assert_eq!(count(RoleGroup::Other), 13);
    // Care-providing: 4, 5, 7, 8, 9, 23, 45, 52 (metrics.md §1.1 and A.4 agree).
    let care: Vec<u32> = tables
        .job_roles
        .iter()
        .filter(|row| row.care_providing)
        .map(|row| row.code)
        .collect();
    assert_eq!(care, vec![4, 5, 7, 8, 9, 23, 45, 52]);
    // Registered nurse cannot carry out DHA; care worker can.
    assert_eq!(
        tables.job_roles.get(16).map(|row| row.can_do_dha),
        Some(false)
    );
    assert_eq!(
        tables.job_roles.get(8).map(|row| row.can_do_dha),
        Some(true)
    );
    for retired in special::RETIRED_JOB_ROLES {
        assert!(
            !tables.job_roles.contains(retired),
            "role {retired} is retired"
        );
    }
}

#[test]
fn employer_types_map_to_sectors() {
    let tables = loaded();
    assert_eq!(tables.sector_of(1), Some(Sector::LocalAuthority));
    assert_eq!(tables.sector_of(3), Some(Sector::LocalAuthority));
    assert_eq!(tables.sector_of(6), Some(Sector::Private));
    assert_eq!(tables.sector_of(7), Some(Sector::Voluntary));
    assert_eq!(tables.sector_of(8), Some(Sector::Other));
    for unmapped in special::EMPLOYER_TYPES_UNMAPPED {
        assert_eq!(tables.sector_of(unmapped), None);
    }
    assert!(!Sector::LocalAuthority.is_independent());
    assert!(Sector::Private.is_independent() && Sector::Voluntary.is_independent());
    assert!(Sector::Other.is_independent());
    assert_eq!(
        tables
            .employer_types
            .get(8)
            .map(|row| row.needs_description),
        Some(true)
    );
}

#[test]
fn other_tables_spot_checks() {
    let tables = loaded();
    let Some(dont_know) = tables.ethnicities.get(special::ETHNICITY_DONT_KNOW) else {
        panic!("99")
    };
    assert_eq!(dont_know.group, EthnicGroup::DontKnow);
    assert_eq!(
        tables.ethnicities.get(44).map(|row| row.group),
        Some(EthnicGroup::Black)
    );
    assert_eq!(
        tables.recruitment_sources.get(16).map(|row| row.asc_id),
        Some(None)
    );
    assert_eq!(
        tables.recruitment_sources.get(18).map(|row| row.asc_id),
        Some(Some(9))
    );
    let needs: Vec<u32> = tables
        .service_users
        .iter()
        .filter(|row| row.needs_description)
        .map(|row| row.code)
        .collect();
    assert_eq!(needs, special::SERVICE_USERS_NEEDING_DESCRIPTION.to_vec());
    let Some(nursing_degree) = tables.qualifications.get(153) else {
        panic!("153")
    };
    assert_eq!(nursing_degree.group, QualificationGroup::Degree);
    assert_eq!(nursing_degree.level, Some(6));
    assert_eq!(
        tables.qualifications.get(1).map(|row| row.level),
        Some(None)
    );
    assert_eq!(tables.training_categories.name_of(21), Some("Other"));
    assert_eq!(
        tables.training_categories.get(41).map(|row| row.asc_id),
        Some(38)
    );
    assert_eq!(tables.training_providers.name_of(999), Some("other"));
    assert_eq!(
        tables.training_providers.name_of(88),
        Some("Skills for Care")
    );
    assert_eq!(tables.qualification_levels.name_of(0), Some("Entry level"));
}

#[test]
fn small_enumerations() {
    let tables = loaded();
    let gender: Vec<&str> = tables
        .enumeration("GENDER")
        .map(|value| value.code.as_str())
        .collect();
    assert_eq!(gender, vec!["1", "2", "3", "4"]);
    let emplstatus: Vec<&str> = tables
        .enumeration("EMPLSTATUS")
        .map(|value| value.code.as_str())
        .collect();
    assert_eq!(emplstatus, vec!["1", "2", "3", "4", "7"]);
    assert!(
        tables
            .enumeration("SICKPAY")
            .any(|value| value.code == "unknown")
    );
    assert_eq!(tables.enumeration("STATUS").count(), 5);
    assert_eq!(tables.enumeration("NOSUCHCOLUMN").count(), 0);
}

#[test]
fn geography_lookups() {
    let tables = loaded();
    let rotherham = tables.local_authority("E08000018");
    assert_eq!(rotherham.map(|la| la.name.as_str()), Some("Rotherham"));
    assert_eq!(
        rotherham.map(|la| la.region_code.as_str()),
        Some("E12000003")
    );
    assert_eq!(
        tables
            .local_authority("  rotherham ")
            .map(|la| la.code.as_str()),
        Some("E08000018")
    );
    assert_eq!(
        tables.local_authority("bristol").map(|la| la.code.as_str()),
        Some("E06000023")
    );
    assert_eq!(
        tables
            .local_authority("Bristol, City of")
            .map(|la| la.code.as_str()),
        Some("E06000023")
    );
    assert!(
        tables.local_authority("e08000018").is_none(),
        "codes are matched exactly"
    );
    assert!(tables.local_authority(DEMO_AREA_CODE).is_none());
    assert!(tables.local_authority(DEMO_AREA_NAME).is_none());
    assert_eq!(
        tables
            .region("yorkshire and the humber")
            .map(|region| region.code.as_str()),
        Some("E12000003")
    );
    assert_eq!(
        tables
            .region("E12000007")
            .map(|region| region.name.as_str()),
        Some("London")
    );
    assert!(tables.region("Wales").is_none());
    for authority in &tables.local_authorities {
        assert!(
            tables.region(&authority.region_code).is_some(),
            "{} has no region",
            authority.code
        );
        let prefix = authority.code.get(..3);
        assert!(
            matches!(prefix, Some("E06" | "E08" | "E09" | "E10")),
            "{}",
            authority.code
        );
    }
    // Per region, counted from the 2023 list: London has 33 boroughs (incl. City of London);
    // North East 12 (7 unitaries + 5 Tyne and Wear districts).
    assert_eq!(tables.local_authorities_in("E12000007").count(), 33);
    assert_eq!(tables.local_authorities_in("E12000001").count(), 12);
    // No duplicate names either (name look-ups must be unambiguous).
    let mut names: Vec<String> = tables
        .local_authorities
        .iter()
        .map(|la| la.name.to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 153);
}

#[test]
fn table_lookup_is_by_code_and_rejects_duplicates() {
    let rows = vec![
        CodeName {
            code: 5,
            name: "five".into(),
        },
        CodeName {
            code: 2,
            name: "two".into(),
        },
    ];
    let table = match Table::new("test.csv", rows) {
        Ok(table) => table,
        Err(error) => panic!("{error}"),
    };
    assert_eq!(table.codes().collect::<Vec<_>>(), vec![2, 5]);
    assert_eq!(table.name_of(5), Some("five"));
    assert!(!table.contains(3));
    let duplicated = vec![
        CodeName {
            code: 2,
            name: "a".into(),
        },
        CodeName {
            code: 2,
            name: "b".into(),
        },
    ];
    assert!(matches!(
        Table::new("test.csv", duplicated),
        Err(LoadError::DuplicateCode { .. })
    ));
}

#[test]
fn broken_csv_is_reported_with_its_file() {
    let result: Result<Vec<CodeName>, LoadError> = parse("bad.csv", "code,name\nx,oops\n");
    match result {
        Err(LoadError::Csv { file, .. }) => assert_eq!(file, "bad.csv"),
        other => panic!("expected a CSV error, got {other:?}"),
    }
}

#[test]
fn classification_names_round_trip() {
    for group in RoleGroup::ALL {
        assert_eq!(group.as_str().parse::<RoleGroup>(), Ok(group));
    }
    assert_eq!(
        "Direct_Care".parse::<RoleGroup>(),
        Ok(RoleGroup::DirectCare)
    );
    assert!("nurse".parse::<RoleGroup>().is_err());
    for sector in Sector::ALL {
        assert_eq!(Sector::parse(sector.as_str()), Ok(sector));
    }
    assert!(Sector::parse("independent").is_err());
    let independent: Result<SectorFilter, _> = "independent".parse();
    assert_eq!(independent, Ok(SectorFilter::Independent));
    assert!(SectorFilter::Independent.matches(Sector::Voluntary));
    assert!(!SectorFilter::Independent.matches(Sector::LocalAuthority));
    assert!(SectorFilter::Only(Sector::Private).matches(Sector::Private));
    assert!(CqcRegulated::Either.allows_regulated() && !CqcRegulated::No.allows_regulated());
}

#[test]
fn tables_is_loaded_once() {
    let first: *const Tables = tables();
    let second: *const Tables = tables();
    assert_eq!(first, second);
}
