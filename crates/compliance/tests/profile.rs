//! §11 required tests 10 (overrides) and 17 (bad input, requirements part).

use carecount_compliance::profile::{Profile, RowState, parse_requirements, shipped_rows};
use carecount_compliance::{Catalogue, Message, OrgSettings};

const HEADER: &str = "id,topic,level,roles,services,service_users,due_within_days,refresh_months,pro_rata,exempt_if,class,source,action,reason\n";

fn apply(lines: &str) -> Result<Profile, Vec<Message>> {
    let text = format!("{HEADER}{lines}");
    Profile::with_organisation(
        Catalogue::shipped(),
        shipped_rows(),
        "org.csv",
        &text,
        OrgSettings::default(),
    )
}

fn codes(messages: &[Message]) -> Vec<(u64, &str, &str, &str)> {
    messages
        .iter()
        .map(|message| {
            (
                message.line,
                message.code.as_str(),
                message.column.as_str(),
                message.value.as_str(),
            )
        })
        .collect()
}

/// §11.10 Overrides accepted.
#[test]
fn required_10_overrides_accepted() {
    let profile = apply(
        "L01,fire_safety,,all,all,all,7,12,no,,,,add,\n\
         R05,safeguarding_adults,silver,all,all,all,42,36,no,,,,replace,\n\
         R15,,,,,,,,,,,,remove,\"day service, no medicines\"\n",
    );
    let profile = match profile {
        Ok(profile) => profile,
        Err(messages) => panic!("{messages:?}"),
    };
    let state = |id: &str| {
        profile
            .listing()
            .iter()
            .filter(|listed| listed.row.id == id)
            .map(|listed| listed.state)
            .collect::<Vec<_>>()
    };
    assert_eq!(state("L01"), [RowState::InForce]);
    // The shipped R05 is replaced; the organisation's R05 is in force at silver.
    assert_eq!(state("R05"), [RowState::Replaced, RowState::InForce]);
    assert_eq!(
        profile.row("R05").and_then(|row| row.level.as_deref()),
        Some("silver")
    );
    assert_eq!(state("R15"), [RowState::Loosened]);
    let r15 = profile
        .listing()
        .iter()
        .find(|listed| listed.row.id == "R15");
    assert_eq!(
        r15.and_then(|listed| listed.reason.as_deref()),
        Some("day service, no medicines")
    );
    assert!(profile.row("R15").is_none());
    // 30 shipped − R05 − R15 + L01 + new R05 = 30 rows in force.
    assert_eq!(profile.rows().len(), 30);
}

/// §11.10 Overrides rejected: exit 1, profile unchanged (nothing is built).
#[test]
fn required_10_overrides_rejected() {
    let rejected = |lines: &str| match apply(lines) {
        Ok(_) => panic!("accepted: {lines}"),
        Err(messages) => messages,
    };
    let messages = rejected("R05,safeguarding_adults,bronze,all,all,all,90,36,no,,,,replace,\n");
    assert_eq!(
        codes(&messages),
        [(2, "statutory_loosened", "due_within_days", "90")]
    );
    assert!(
        messages[0].message.contains("\"42\""),
        "{}",
        messages[0].message
    );
    let messages = rejected("R01,health_safety,,direct_care,all,all,84,36,no,,,,replace,\n");
    assert_eq!(
        codes(&messages),
        [(2, "statutory_loosened", "roles", "direct_care")]
    );
    let messages = rejected("R05,safeguarding_adults,bronze,all,all,all,42,,no,,,,replace,\n");
    assert_eq!(
        codes(&messages),
        [(2, "statutory_loosened", "refresh_months", "")]
    );
    let messages = rejected("R05,,,,,,,,,,,,remove,\n");
    assert_eq!(
        codes(&messages),
        [(2, "statutory_loosened", "action", "remove")]
    );
    let messages = rejected("R15,,,,,,,,,,,,remove,\n");
    assert_eq!(codes(&messages), [(2, "reason_required", "reason", "")]);
}

/// §11.17 Bad input, requirements file: four messages, nothing built.
#[test]
fn required_17_bad_requirements_file() {
    let lines = "L01,fire_safety,,all,all,all,7,12,no,,,,add,\n\
                 L02,safeguard_adults,,all,all,all,42,,no,,,,add,\n\
                 L03,fire_safety,,all,all,all,7,-12,no,,,,add,\n\
                 L04,medication,,12,all,all,84,,no,,,,add,\n\
                 L05,medication,,8,all,all,42,,no,,,,add,\n\
                 L06,medication,,8,all,all,84,,no,,,,add,\n";
    let Err(messages) = apply(lines) else {
        panic!("accepted")
    };
    assert_eq!(
        codes(&messages),
        [
            (3, "unknown_topic", "topic", "safeguard_adults"),
            (4, "out_of_range", "refresh_months", "-12"),
            (5, "unknown_role", "roles", "12"),
            (7, "contradictory_rows", "id", "L06"),
        ]
    );
    assert!(messages.iter().all(|message| message.file == "org.csv"));
    assert!(
        messages[3].message.contains("lines 6"),
        "{}",
        messages[3].message
    );
}

#[test]
fn bad_numbers_in_a_profile_file() {
    let text = "id,topic,level,roles,services,service_users,due_within_days,refresh_months,pro_rata,exempt_if,class,source\n\
                X1,fire_safety,,all,all,all,7,0,no,,statutory,\n\
                X2,fire_safety,,all,all,all,7,12m,no,,statutory,\n\
                X3,fire_safety,,all,all,all,3651,12,no,,statutory,\n\
                X4,fire_safety,,all,all,all,seven,12,no,,statutory,\n\
                X5,dementia,tier9,all,99,all,7,12,no,,statutory,\n\
                X6,fire_safety,bronze,all,all,77,7,12,no,,statutory,\n\
                X6,moving_people,,all,all,all,7,12,no,,statutory,\n";
    let Err(messages) = parse_requirements(Catalogue::shipped(), "p.csv", text) else {
        panic!("accepted")
    };
    assert_eq!(
        codes(&messages),
        [
            (2, "out_of_range", "refresh_months", "0"),
            (3, "out_of_range", "refresh_months", "12m"),
            (4, "out_of_range", "due_within_days", "3651"),
            (5, "not_a_number", "due_within_days", "seven"),
            (6, "unknown_level", "level", "tier9"),
            (6, "unknown_service", "services", "99"),
            (7, "level_not_applicable", "level", "bronze"),
            (7, "unknown_service_user", "service_users", "77"),
            (8, "duplicate_id", "id", "X6"),
        ]
    );
    let Err(messages) =
        parse_requirements(Catalogue::shipped(), "p.csv", "id,topic\nR1,fire_safety\n")
    else {
        panic!("accepted")
    };
    assert_eq!(codes(&messages), [(1, "header_mismatch", "", "id,topic")]);
}

/// §10: a row no staff record matches is a warning, not an error.
#[test]
fn row_without_effect_warns() {
    let Ok(profile) = apply("L01,medication,,26,all,all,84,,no,,,,add,\n") else {
        panic!("rejected")
    };
    // Only a care worker (8) in a care home (2): role 26 (ancillary) matches nobody.
    let warnings =
        carecount_compliance::profile::rows_without_effect(&profile, "org.csv", &[(8, 2, vec![])]);
    assert_eq!(codes(&warnings), [(2, "row_has_no_effect", "id", "L01")]);
    assert_eq!(
        warnings[0].severity,
        carecount_compliance::Severity::Warning
    );
}
