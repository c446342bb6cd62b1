//! The shipped catalogue and profile parse cleanly and match §2 and §3.3.

use carecount_compliance::catalogue::TopicKind;
use carecount_compliance::profile::shipped_rows;
use carecount_compliance::{Catalogue, RowClass};

#[test]
fn shipped_catalogue_parses_cleanly() {
    let parsed = Catalogue::parse(Catalogue::shipped_files());
    assert!(parsed.is_ok(), "{:?}", parsed.err());
    let catalogue = Catalogue::shipped();
    assert_eq!(
        catalogue.topic("care_certificate").map(|topic| topic.kind),
        Some(TopicKind::Induction)
    );
    assert_eq!(
        catalogue
            .topic("moving_people")
            .and_then(|topic| topic.refresh_months),
        Some(12)
    );
    assert_eq!(
        catalogue
            .topic("leadership_management")
            .and_then(|topic| topic.refresh_months),
        None
    );
    assert_eq!(
        catalogue
            .topic("swe_registration")
            .and_then(|topic| topic.expiring_days),
        Some(90)
    );
}

#[test]
fn shipped_profile_has_thirty_rows() {
    let rows = shipped_rows();
    assert_eq!(rows.len(), 30);
    let statutory: Vec<&str> = rows
        .iter()
        .filter(|row| row.class == RowClass::Statutory)
        .map(|row| row.id.as_str())
        .collect();
    assert_eq!(
        statutory,
        [
            "R01", "R02", "R03", "R04", "R05", "R06", "R07", "R08", "R25", "R26", "R27"
        ]
    );
}

/// §2: every A.16 code maps to topics; a code without a named topic maps to its own, keyed by its
/// A.16 name in lower case with each run of other characters made `_`; 21 `other` never expires.
#[test]
fn every_a16_category_is_mapped() {
    let catalogue = Catalogue::shipped();
    let named: &[(u16, &[&str])] = &[
        (1, &["positive_behaviour_support"]),
        (2, &["dementia"]),
        (6, &["fire_safety"]),
        (7, &["basic_life_support_first_aid"]),
        (8, &["food_hygiene"]),
        (9, &["health_safety"]),
        (10, &["infection_prevention"]),
        (11, &["leadership_management"]),
        (13, &["medication"]),
        (14, &["mental_capacity"]),
        (15, &["moving_people"]),
        (17, &["end_of_life"]),
        (19, &["positive_behaviour_support"]),
        (20, &["safeguarding_adults"]),
        (41, &["ommt_elearning"]),
        (42, &["ommt_part2"]),
        (43, &["ommt_part2"]),
        (45, &["moving_objects"]),
    ];
    let mut count = 0;
    for category in carecount_codes::tables().training_categories.iter() {
        let (Ok(code), name) = (u16::try_from(category.code), category.name.as_str()) else {
            panic!("bad A.16 code {}", category.code)
        };
        count += 1;
        let Some(fallback) = catalogue.category_rule(code, "") else {
            panic!("category {code} has no fallback row")
        };
        let expected: Vec<String> = match named.iter().find(|(named_code, _)| *named_code == code) {
            Some((_, topics)) => topics.iter().map(|topic| (*topic).to_owned()).collect(),
            None => {
                // e.g. "Children's, young people's related training" → children_s_young_people_s_related_training.
                let mut key = String::new();
                for part in name
                    .to_lowercase()
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|part| !part.is_empty())
                {
                    if !key.is_empty() {
                        key.push('_');
                    }
                    key.push_str(part);
                }
                vec![key]
            }
        };
        assert_eq!(fallback.topics, expected, "category {code}");
        for topic in &expected {
            assert!(
                catalogue.topic(topic).is_some(),
                "topic {topic} of category {code}"
            );
        }
    }
    assert_eq!(count, 48);
    assert_eq!(
        catalogue
            .topic("other")
            .and_then(|topic| topic.refresh_months),
        None
    );
    assert_eq!(
        catalogue
            .topic("coshh")
            .and_then(|topic| topic.refresh_months),
        Some(36)
    );
    assert!(
        !shipped_rows()
            .iter()
            .any(|row| row.topic == "other" || row.topic == "coshh")
    );
}

#[test]
fn a_replacement_catalogue_is_checked_whole() {
    // The shipped files are a valid replacement of themselves.
    assert!(Catalogue::replacement(Catalogue::shipped_files()).is_ok());

    // fire_safety is record 3 of topics.csv (header 1, health_safety 2): refresh −12 is out of
    // range (§10: 1–999 or blank).
    let shipped = Catalogue::shipped_files();
    let topics = shipped.topics.1.replacen(
        "fire_safety,Fire safety,training,,36,",
        "fire_safety,Fire safety,training,,-12,",
        1,
    );
    let files = carecount_compliance::catalogue::CatalogueFiles {
        topics: ("topics.csv", &topics),
        ..shipped
    };
    let Err(messages) = Catalogue::replacement(files) else {
        panic!("a refresh of -12 was accepted")
    };
    assert!(
        messages.iter().any(|message| message.file == "topics.csv"
            && message.line == 3
            && message.column == "refresh_months"
            && message.value == "-12"
            && message.code.as_str() == "out_of_range"),
        "{messages:?}"
    );

    // Dropping a level the shipped profile asks for (safeguarding `platinum`, §3.3) is refused
    // naming the shipped profile, so no organisation is left with a row that cannot apply.
    let levels: String = shipped
        .levels
        .1
        .lines()
        .filter(|line| !line.starts_with("bronze_platinum,platinum,"))
        .map(|line| format!("{line}\n"))
        .collect();
    let files = carecount_compliance::catalogue::CatalogueFiles {
        levels: ("levels.csv", &levels),
        ..shipped
    };
    let Err(messages) = Catalogue::replacement(files) else {
        panic!("a catalogue without platinum was accepted")
    };
    assert!(
        messages
            .iter()
            .any(|message| message.file.starts_with("sfc-2024.csv") && message.value == "platinum"),
        "{messages:?}"
    );
}
