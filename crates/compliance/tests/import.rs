//! §11.17 (training import part) and the other `training import` checks.

use std::collections::BTreeSet;

use carecount_compliance::Catalogue;
use carecount_compliance::import::{ImportContext, parse_training_import};
use time::macros::date;

const HEADER: &str = "localestid,uniqueworkerid,topic,level,completed,expires,validity,title,provider,number,revalidation_due,notes\n";

fn known() -> BTreeSet<(String, String)> {
    [
        ("WP1".to_owned(), "S1".to_owned()),
        ("WP1".to_owned(), "N1".to_owned()),
    ]
    .into_iter()
    .collect()
}

#[test]
fn required_17_unknown_staff_stores_nothing() {
    let staff = known();
    let context = ImportContext {
        catalogue: Catalogue::shipped(),
        as_of: date!(2026 - 03 - 01),
        known_staff: &staff,
        stored: &[],
    };
    let text = format!(
        "{HEADER}WP1,S1,fire_safety,,2026-01-10,,,Fire,,,,\nWP1,S9,fire_safety,,2026-01-10,,,Fire,,,,\n"
    );
    let Err(messages) = parse_training_import(context, "training.csv", &text) else {
        panic!("accepted")
    };
    let codes: Vec<(u64, &str, &str, &str)> = messages
        .iter()
        .map(|m| (m.line, m.code.as_str(), m.column.as_str(), m.value.as_str()))
        .collect();
    assert_eq!(codes, [(3, "unknown_staff", "uniqueworkerid", "S9")]);
}

#[test]
fn import_checks_dates_levels_and_duplicates() {
    let staff = known();
    let context = ImportContext {
        catalogue: Catalogue::shipped(),
        as_of: date!(2026 - 03 - 01),
        known_staff: &staff,
        stored: &[],
    };
    let text = format!(
        "{HEADER}\
         WP1,S1,safeguarding_adults,silver,2026-01-10,,,,,,,\n\
         WP1,S1,safeguarding_adults,silver,2026-01-10,,,,,,,\n\
         WP1,N1,nmc_registration,,2025-06-01,2026-05-31,,,,12A3456B,2026-05-31,\n"
    );
    let Ok(outcome) = parse_training_import(context, "training.csv", &text) else {
        panic!("rejected")
    };
    // The repeated line is skipped with a warning; two records are kept.
    assert_eq!(outcome.records.len(), 2);
    assert_eq!(
        outcome
            .warnings
            .iter()
            .map(|m| (m.line, m.code.as_str()))
            .collect::<Vec<_>>(),
        [(3, "duplicate_record")]
    );
    // Importing the same file again with those stored skips both.
    let context = ImportContext {
        stored: &outcome.records,
        ..context
    };
    let Ok(again) = parse_training_import(context, "training.csv", &text) else {
        panic!("rejected")
    };
    assert!(again.records.is_empty());

    let bad = format!(
        "{HEADER}\
         WP1,S1,safeguarding_adults,tier1,2026-01-10,,,,,,,\n\
         WP1,S1,fire_safety,,2026-03-02,,,,,,,\n\
         WP1,S1,fire_safety,,2026-01-10,2026-01-10,,,,,,\n\
         WP1,S1,fire_safety,,10/01/2026,,,,,,,\n\
         WP1,N1,nmc_registration,,2025-06-01,,,,,,,\n\
         WP1,S1,fire_safety,,2026-01-10,,0,,,,,\n"
    );
    let Err(messages) = parse_training_import(context, "training.csv", &bad) else {
        panic!("accepted")
    };
    let codes: Vec<(u64, &str, &str)> = messages
        .iter()
        .map(|m| (m.line, m.code.as_str(), m.column.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (2, "unknown_level", "level"),
            (3, "future_date", "completed"),
            (4, "expiry_not_after_completion", "expires"),
            (5, "bad_date", "completed"),
            (6, "missing_value", "expires"),
            (7, "out_of_range", "validity"),
        ]
    );
}

#[test]
fn one_line_import_writes_the_header_and_quotes_a_comma() {
    use carecount_compliance::import::one_line_import;
    let text = one_line_import([
        "WP1",
        "W001",
        "fire_safety",
        "",
        "2025-01-15",
        "",
        "12",
        "",
        "",
        "",
        "",
        "refresher, classroom",
    ])
    .unwrap_or_else(|error| panic!("{error}"));
    // The §8 header, then the fields with the note quoted (it holds a comma).
    assert_eq!(
        text,
        "localestid,uniqueworkerid,topic,level,completed,expires,validity,title,provider,number,revalidation_due,notes\n\
         WP1,W001,fire_safety,,2025-01-15,,12,,,,,\"refresher, classroom\"\n"
    );
}
