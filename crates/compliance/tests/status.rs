//! §11 required tests 1–14: status derivation, with hand-worked expectations.

use carecount_compliance::facts::{
    Exemption, ExemptionReason, L2CareCertificate, SocialCareQualification, TrainingRecord,
    Validity,
};
use carecount_compliance::profile::OrgSettings;
use carecount_compliance::status::{ExpiryBasis, Rules};
use carecount_compliance::{Catalogue, Profile, Status};
use time::macros::date;

use crate::util::{detail, evaluate, pair, shipped_profile, staff};

const FIRE: u16 = 6;
const SAFEGUARDING: u16 = 20;

/// §11.1 Month-end clamp.
#[test]
fn required_01_month_end_clamp() {
    let profile = shipped_profile();
    let worker = staff(8);
    // Fire safety 31/01/2021, VALIDITY 1: 31 Jan + 1 month clamps to 28 Feb, minus a day = 27 Feb.
    let records = [TrainingRecord::ascwds(
        1,
        FIRE,
        "Fire safety",
        Some(date!(2021 - 01 - 31)),
        Validity::Months(1),
        None,
    )];
    let at_expiry = evaluate(&profile, &worker, &records, &[], date!(2021 - 02 - 27));
    let fire = pair(&at_expiry, "fire_safety");
    assert_eq!(fire.expires_on, Some(date!(2021 - 02 - 27)));
    assert_eq!(
        fire.record.as_ref().map(|record| record.expiry_basis),
        Some(ExpiryBasis::Validity)
    );
    assert_eq!(fire.status, Status::Expiring);
    assert_eq!(fire.days_left, Some(0));
    let next_day = evaluate(&profile, &worker, &records, &[], date!(2021 - 02 - 28));
    assert_eq!(pair(&next_day, "fire_safety").status, Status::Expired);

    // 29/02/2024 + 12 months = 28/02/2025 (clamped), − 1 day = 2025-02-27.
    let leap = [TrainingRecord::ascwds(
        2,
        FIRE,
        "",
        Some(date!(2024 - 02 - 29)),
        Validity::Months(12),
        None,
    )];
    let status = evaluate(&profile, &worker, &leap, &[], date!(2024 - 03 - 01));
    assert_eq!(
        pair(&status, "fire_safety").expires_on,
        Some(date!(2025 - 02 - 27))
    );
    // 15/03/2023 + 36 months = 15/03/2026, − 1 day = 2026-03-14.
    let three_years = [TrainingRecord::ascwds(
        3,
        FIRE,
        "",
        Some(date!(2023 - 03 - 15)),
        Validity::Months(36),
        None,
    )];
    let status = evaluate(&profile, &worker, &three_years, &[], date!(2024 - 03 - 01));
    assert_eq!(
        pair(&status, "fire_safety").expires_on,
        Some(date!(2026 - 03 - 14))
    );
}

/// §11.2 Precedence.
#[test]
fn required_02_precedence() {
    let profile = shipped_profile();
    let worker = staff(8);
    let as_of = date!(2026 - 02 - 01);
    let records = [
        // EXPIRYDATE wins over VALIDITY (which would give 2026-12-31).
        TrainingRecord::ascwds(
            1,
            FIRE,
            "",
            Some(date!(2026 - 01 - 01)),
            Validity::Months(12),
            Some(date!(2026 - 10 - 10)),
        ),
        // VALIDITY none counts as none: topic refresh 36 → 2024-05-01 + 36 months − 1 = 2027-04-30.
        TrainingRecord::ascwds(
            2,
            SAFEGUARDING,
            "Safeguarding",
            Some(date!(2024 - 05 - 01)),
            Validity::NoneSet,
            None,
        ),
    ];
    let status = evaluate(&profile, &worker, &records, &[], as_of);
    let fire = pair(&status, "fire_safety");
    assert_eq!(fire.expires_on, Some(date!(2026 - 10 - 10)));
    assert_eq!(
        fire.record.as_ref().map(|record| record.expiry_basis),
        Some(ExpiryBasis::ExpiryDate)
    );
    // R05 (bronze, cap 36) decides neither way differently: the cap gives the same 2027-04-30, and
    // on a tie the earlier step names the basis.
    let rules = Rules {
        catalogue: Catalogue::shipped(),
        profile: &profile,
    };
    let holdings = rules.holdings(&worker, &records, as_of);
    let safeguarding = holdings
        .evidence
        .iter()
        .find(|evidence| evidence.topic == "safeguarding_adults");
    let r05 = profile.row("R05");
    let (Some(safeguarding), Some(r05)) = (safeguarding, r05) else {
        panic!("missing evidence or R05")
    };
    assert_eq!(
        rules.expiry_under(safeguarding, r05),
        (Some(date!(2027 - 04 - 30)), ExpiryBasis::TopicRefresh)
    );

    // Leadership (never refreshed) 01/01/2010 → never. No shipped row requires it, so it is judged
    // under a row without a cap (R30's columns, topic swapped).
    let leadership = [TrainingRecord::ascwds(
        3,
        11,
        "",
        Some(date!(2010 - 01 - 01)),
        Validity::Blank,
        None,
    )];
    let holdings = rules.holdings(&worker, &leadership, as_of);
    let (Some(evidence), Some(r30)) = (holdings.evidence.first(), profile.row("R30")) else {
        panic!("no evidence")
    };
    assert_eq!(evidence.topic, "leadership_management");
    let mut uncapped = r30.clone();
    uncapped.topic = "leadership_management".to_owned();
    assert_eq!(
        rules.expiry_under(evidence, &uncapped),
        (None, ExpiryBasis::Never)
    );

    // A record completed 2026-03-01 is ignored at D 2026-02-28.
    let future = [TrainingRecord::ascwds(
        4,
        FIRE,
        "",
        Some(date!(2026 - 03 - 01)),
        Validity::Months(12),
        None,
    )];
    let status = evaluate(&profile, &worker, &future, &[], date!(2026 - 02 - 28));
    assert_eq!(pair(&status, "fire_safety").status, Status::Missing);
    assert!(pair(&status, "fire_safety").record.is_none());
}

/// §11.3 Cap.
#[test]
fn required_03_cap() {
    let profile = shipped_profile();
    let worker = staff(8);
    // VALIDITY 60 from 2024-01-01: record expiry 2028-12-31; R02's cap 36 → 2026-12-31.
    let records = [TrainingRecord::ascwds(
        1,
        FIRE,
        "",
        Some(date!(2024 - 01 - 01)),
        Validity::Months(60),
        None,
    )];
    let status = evaluate(&profile, &worker, &records, &[], date!(2025 - 01 - 01));
    let fire = pair(&status, "fire_safety");
    assert_eq!(fire.expires_on, Some(date!(2026 - 12 - 31)));
    assert_eq!(
        fire.record.as_ref().map(|record| record.expiry_basis),
        Some(ExpiryBasis::RequirementCap)
    );

    // An organisation adds fire_safety, all, cap 12.
    let file = "id,topic,level,roles,services,service_users,due_within_days,refresh_months,pro_rata,exempt_if,class,source,action,reason\n\
                L01,fire_safety,,all,all,all,7,12,no,,,annual fire drill policy,add,\n";
    let org = Profile::with_organisation(
        Catalogue::shipped(),
        carecount_compliance::profile::shipped_rows(),
        "org.csv",
        file,
        OrgSettings::default(),
    );
    let org = match org {
        Ok(org) => org,
        Err(messages) => panic!("{messages:?}"),
    };
    // Record 2025-06-15, VALIDITY 36: R02 gives 2028-06-14 (36 months − 1 day, the cap equal), the
    // added row 2026-06-14 (12 months − 1 day), which decides: expired at 2026-06-15.
    let records = [TrainingRecord::ascwds(
        2,
        FIRE,
        "",
        Some(date!(2025 - 06 - 15)),
        Validity::Months(36),
        None,
    )];
    let status = evaluate(&org, &worker, &records, &[], date!(2026 - 06 - 15));
    let fire = pair(&status, "fire_safety");
    assert_eq!(fire.status, Status::Expired);
    assert_eq!(fire.deciding_row.as_deref(), Some("L01"));
    assert_eq!(fire.expires_on, Some(date!(2026 - 06 - 14)));
    let r02 = fire.row_statuses.iter().find(|row| row.row_id == "R02");
    assert_eq!(
        r02.and_then(|row| row.winner.as_ref())
            .and_then(|winner| winner.expires_on),
        Some(date!(2028 - 06 - 14))
    );
    assert_eq!(r02.map(|row| row.status), Some(Status::Valid));
}

/// §11.4 Several records.
#[test]
fn required_04_several_records() {
    let profile = shipped_profile();
    let worker = staff(8);
    let as_of = date!(2026 - 01 - 15);
    let a = TrainingRecord::ascwds(
        1,
        SAFEGUARDING,
        "Safeguarding adults silver",
        Some(date!(2023 - 03 - 01)),
        Validity::Blank,
        None,
    );
    let b = TrainingRecord::ascwds(
        2,
        SAFEGUARDING,
        "Safeguarding adults bronze",
        Some(date!(2025 - 09 - 01)),
        Validity::Blank,
        None,
    );
    let c = TrainingRecord::ascwds(
        3,
        SAFEGUARDING,
        "Safeguarding adults gold",
        Some(date!(2022 - 11 - 15)),
        Validity::Blank,
        None,
    );
    let status = evaluate(
        &profile,
        &worker,
        &[a.clone(), b.clone(), c.clone()],
        &[],
        as_of,
    );
    let safeguarding = pair(&status, "safeguarding_adults");
    let row = |id: &str| {
        safeguarding
            .row_statuses
            .iter()
            .find(|row| row.row_id == id)
            .cloned()
    };
    let (Some(r05), Some(r10)) = (row("R05"), row("R10")) else {
        panic!("rows")
    };
    // R05: winner B (2025-09-01 + 36 months − 1 = 2028-08-31), valid.
    assert_eq!(r05.winner.as_ref().and_then(|winner| winner.id), Some(2));
    assert_eq!(
        r05.winner.as_ref().and_then(|winner| winner.expires_on),
        Some(date!(2028 - 08 - 31))
    );
    assert_eq!(r05.status, Status::Valid);
    // R10 (silver): A (2026-02-28) beats C (2025-11-14); 2026-01-15 → 2026-02-28 is 16 + 28 = 44 days.
    assert_eq!(r10.winner.as_ref().and_then(|winner| winner.id), Some(1));
    assert_eq!(r10.status, Status::Expiring);
    assert_eq!(safeguarding.status, Status::Expiring);
    assert_eq!(safeguarding.days_left, Some(44));
    assert_eq!(safeguarding.level.as_deref(), Some("silver"));
    assert_eq!(safeguarding.deciding_row.as_deref(), Some("R10"));
    // Without A: R10's winner is C, expired on 2025-11-14.
    let status = evaluate(&profile, &worker, &[b.clone(), c], &[], as_of);
    assert_eq!(pair(&status, "safeguarding_adults").status, Status::Expired);
    assert_eq!(
        pair(&status, "safeguarding_adults").expires_on,
        Some(date!(2025 - 11 - 14))
    );
    // Without A and C: only a bronze record, too low for R10.
    let status = evaluate(&profile, &worker, &[b], &[], as_of);
    assert_eq!(pair(&status, "safeguarding_adults").status, Status::Missing);
    assert_eq!(
        detail(pair(&status, "safeguarding_adults")).as_deref(),
        Some("level_too_low")
    );
}

/// §11.5 Levels.
#[test]
fn required_05_levels() {
    let profile = shipped_profile();
    let rules = Rules {
        catalogue: Catalogue::shipped(),
        profile: &profile,
    };
    let worker = staff(8);
    let as_of = date!(2026 - 01 - 15);
    let completed = Some(date!(2025 - 06 - 01));
    let levels_of = |category: u16, title: &str| -> Vec<(String, Option<String>)> {
        let record = TrainingRecord::ascwds(1, category, title, completed, Validity::Blank, None);
        rules
            .holdings(&worker, &[record], as_of)
            .evidence
            .into_iter()
            .map(|evidence| (evidence.topic, evidence.level))
            .collect()
    };
    let owned = |topic: &str, level: Option<&str>| (topic.to_owned(), level.map(str::to_owned));
    assert_eq!(
        levels_of(20, "Safeguarding Adults – Silver (classroom)"),
        vec![owned("safeguarding_adults", Some("silver"))]
    );
    assert_eq!(
        levels_of(20, "Safeguarding refresher"),
        vec![owned("safeguarding_adults", Some("bronze"))]
    );
    assert_eq!(
        levels_of(20, "Safeguarding adults and children"),
        vec![
            owned("safeguarding_adults", Some("bronze")),
            owned("safeguarding_children", None)
        ]
    );
    assert_eq!(
        levels_of(25, "Safeguarding children"),
        vec![owned("safeguarding_children", None)]
    );
    assert_eq!(levels_of(41, ""), vec![owned("ommt_elearning", None)]);

    // 43 (tier 2) satisfies R08 (tier1); 42 alone leaves R09 (tier2) missing, level_too_low.
    let tier2 = [TrainingRecord::ascwds(
        1,
        43,
        "",
        completed,
        Validity::Blank,
        None,
    )];
    let status = evaluate(&profile, &worker, &tier2, &[], as_of);
    let ommt = pair(&status, "ommt_part2");
    assert_eq!(
        ommt.row_statuses
            .iter()
            .find(|row| row.row_id == "R08")
            .map(|row| row.status),
        Some(Status::Valid)
    );
    assert_eq!(ommt.status, Status::Valid);
    let tier1 = [TrainingRecord::ascwds(
        1,
        42,
        "",
        completed,
        Validity::Blank,
        None,
    )];
    let status = evaluate(&profile, &worker, &tier1, &[], as_of);
    let ommt = pair(&status, "ommt_part2");
    assert_eq!(ommt.status, Status::Missing);
    assert_eq!(ommt.deciding_row.as_deref(), Some("R09"));
    assert_eq!(detail(ommt).as_deref(), Some("level_too_low"));
    // 41 counts for ommt_elearning only.
    let elearning = [TrainingRecord::ascwds(
        1,
        41,
        "",
        completed,
        Validity::Blank,
        None,
    )];
    let status = evaluate(&profile, &worker, &elearning, &[], as_of);
    assert_eq!(pair(&status, "ommt_elearning").status, Status::Valid);
    assert_eq!(pair(&status, "ommt_part2").status, Status::Missing);
}

/// §11.6 Window edges.
#[test]
fn required_06_window_edges() {
    let worker = staff(8);
    let as_of = date!(2026 - 01 - 01);
    let with_expiry = |expires| {
        [TrainingRecord::ascwds(
            1,
            FIRE,
            "",
            Some(date!(2025 - 06 - 01)),
            Validity::Blank,
            Some(expires),
        )]
    };
    let sixty = shipped_profile();
    let ninety = Profile::shipped(OrgSettings::new(90, 14).unwrap_or_default());
    let status_at = |profile: &Profile, expires| {
        pair(
            &evaluate(profile, &worker, &with_expiry(expires), &[], as_of),
            "fire_safety",
        )
        .status
    };
    // 2026-01-01 → 2026-03-02 is 30 + 28 + 1 = 59 + 1 = 60 days: expiring; 2026-03-03 is 61: valid.
    assert_eq!(status_at(&sixty, date!(2026 - 03 - 02)), Status::Expiring);
    assert_eq!(status_at(&sixty, date!(2026 - 03 - 03)), Status::Valid);
    assert_eq!(status_at(&ninety, date!(2026 - 03 - 03)), Status::Expiring);
    assert_eq!(status_at(&sixty, date!(2026 - 01 - 01)), Status::Expiring);
    assert_eq!(status_at(&sixty, date!(2025 - 12 - 31)), Status::Expired);

    // Social Work England's own window is 90 days; registration to 2026-11-30.
    let mut social_worker = staff(6);
    social_worker.start_date = Some(date!(2020 - 01 - 01));
    let registration = [TrainingRecord::entered(
        1,
        "swe_registration",
        None,
        Some(date!(2025 - 12 - 01)),
        Some(date!(2026 - 11 - 30)),
    )];
    // 2026-08-31 → 2026-11-30: 30 (Sep) + 31 (Oct) + 30 (Nov) = 91 days: valid; from 09-01, 90: expiring.
    let status = evaluate(
        &sixty,
        &social_worker,
        &registration,
        &[],
        date!(2026 - 08 - 31),
    );
    assert_eq!(pair(&status, "swe_registration").status, Status::Valid);
    let status = evaluate(
        &sixty,
        &social_worker,
        &registration,
        &[],
        date!(2026 - 09 - 01),
    );
    assert_eq!(pair(&status, "swe_registration").status, Status::Expiring);
    assert_eq!(pair(&status, "swe_registration").days_left, Some(90));
}

/// §11.7 Grace edges.
#[test]
fn required_07_grace_edges() {
    let profile = shipped_profile();
    let mut worker = staff(8);
    worker.start_date = Some(date!(2026 - 01 - 01));
    worker.care_certificate = Some(2);
    worker.contracted_hours = Some(37.5);
    // R21: 2026-01-01 + 84 days = 2026-03-26 (31 + 28 = 59 to 1 Mar, + 25).
    let status = evaluate(&profile, &worker, &[], &[], date!(2026 - 03 - 26));
    let care_certificate = pair(&status, "care_certificate");
    assert_eq!(care_certificate.due_on, Some(date!(2026 - 03 - 26)));
    assert_eq!(care_certificate.status, Status::NotYetDue);
    let status = evaluate(&profile, &worker, &[], &[], date!(2026 - 03 - 27));
    assert_eq!(pair(&status, "care_certificate").status, Status::Missing);

    // 25 hours: G = min(168, ⌈84 × 37.5 / 25⌉ = 126) = 126 → 2026-05-07 (120 days to 1 May, + 6).
    worker.contracted_hours = Some(25.0);
    let status = evaluate(&profile, &worker, &[], &[], date!(2026 - 03 - 27));
    assert_eq!(
        pair(&status, "care_certificate").due_on,
        Some(date!(2026 - 05 - 07))
    );
    // 10 hours: ⌈84 × 3.75⌉ = 315, capped at 2 × 84 = 168 → 2026-06-18 (151 days to 1 Jun, + 17).
    worker.contracted_hours = Some(10.0);
    let status = evaluate(&profile, &worker, &[], &[], date!(2026 - 03 - 27));
    assert_eq!(
        pair(&status, "care_certificate").due_on,
        Some(date!(2026 - 06 - 18))
    );

    // R02 fire safety, 7 days: due 2026-01-08.
    let status = evaluate(&profile, &worker, &[], &[], date!(2026 - 01 - 08));
    assert_eq!(pair(&status, "fire_safety").status, Status::NotYetDue);
    let status = evaluate(&profile, &worker, &[], &[], date!(2026 - 01 - 09));
    assert_eq!(pair(&status, "fire_safety").status, Status::Missing);

    // A bronze record expired 2025-12-01: R05 not yet due at 2026-02-01 (due 2026-01-01 + 42 = 02-12).
    let expired = [TrainingRecord::ascwds(
        1,
        SAFEGUARDING,
        "",
        Some(date!(2022 - 12 - 02)),
        Validity::Blank,
        Some(date!(2025 - 12 - 01)),
    )];
    let status = evaluate(&profile, &worker, &expired, &[], date!(2026 - 02 - 01));
    let r05 = pair(&status, "safeguarding_adults")
        .row_statuses
        .iter()
        .find(|row| row.row_id == "R05")
        .cloned();
    assert_eq!(r05.as_ref().map(|row| row.status), Some(Status::NotYetDue));
    assert_eq!(r05.and_then(|row| row.due_on), Some(date!(2026 - 02 - 12)));

    // STARTDATE blank: no grace, missing the next day, start_date_unknown.
    worker.start_date = None;
    let status = evaluate(&profile, &worker, &[], &[], date!(2026 - 01 - 02));
    assert_eq!(pair(&status, "fire_safety").status, Status::Missing);
    assert_eq!(
        detail(pair(&status, "fire_safety")).as_deref(),
        Some("start_date_unknown")
    );
}

/// §11.8 Care Certificate.
#[test]
fn required_08_care_certificate() {
    let profile = shipped_profile();
    let mut worker = staff(8);
    worker.start_date = Some(date!(2025 - 01 - 06));
    worker.contracted_hours = Some(37.5);
    worker.care_certificate = Some(3);
    // Due 2025-01-06 + 84 = 2025-03-31 (25 days to 31 Jan, 28 in Feb, 31 in Mar).
    let status = evaluate(&profile, &worker, &[], &[], date!(2025 - 02 - 01));
    let care_certificate = pair(&status, "care_certificate");
    assert_eq!(care_certificate.status, Status::NotYetDue);
    assert_eq!(care_certificate.due_on, Some(date!(2025 - 03 - 31)));
    assert_eq!(detail(care_certificate).as_deref(), Some("in_progress"));
    let status = evaluate(&profile, &worker, &[], &[], date!(2025 - 06 - 01));
    assert_eq!(pair(&status, "care_certificate").status, Status::Missing);
    assert_eq!(
        detail(pair(&status, "care_certificate")).as_deref(),
        Some("in_progress")
    );

    worker.care_certificate = Some(1);
    let status = evaluate(&profile, &worker, &[], &[], date!(2040 - 06 - 01));
    assert_eq!(pair(&status, "care_certificate").status, Status::Valid);
    assert_eq!(pair(&status, "care_certificate").expires_on, None);

    worker.care_certificate = Some(2);
    worker.l2_care_certificate = Some(L2CareCertificate::Completed { year: Some(2025) });
    let status = evaluate(&profile, &worker, &[], &[], date!(2025 - 06 - 01));
    assert_eq!(pair(&status, "care_certificate").status, Status::Valid);

    worker.l2_care_certificate = None;
    worker.start_in_sector = Some(2012);
    let status = evaluate(&profile, &worker, &[], &[], date!(2025 - 06 - 01));
    assert_eq!(pair(&status, "care_certificate").status, Status::Exempt);
    assert_eq!(
        detail(pair(&status, "care_certificate")).as_deref(),
        Some("rule:R21")
    );
}

/// §11.9 Exemption.
#[test]
fn required_09_exemption() {
    let profile = shipped_profile();
    let rules = Rules {
        catalogue: Catalogue::shipped(),
        profile: &profile,
    };
    let worker = staff(8);
    let records = [TrainingRecord::ascwds(
        1,
        FIRE,
        "",
        Some(date!(2022 - 12 - 01)),
        Validity::Blank,
        Some(date!(2025 - 11 - 30)),
    )];
    let absence = Exemption {
        id: 7,
        topic: "fire_safety".to_owned(),
        reason: ExemptionReason::LongTermAbsence,
        note: String::new(),
        from: date!(2026 - 01 - 01),
        until: Some(date!(2026 - 06 - 30)),
    };
    assert!(rules.check_exemption(&worker, &absence).is_ok());
    let status = evaluate(
        &profile,
        &worker,
        &records,
        std::slice::from_ref(&absence),
        date!(2026 - 03 - 01),
    );
    assert_eq!(pair(&status, "fire_safety").status, Status::Exempt);
    assert_eq!(
        detail(pair(&status, "fire_safety")).as_deref(),
        Some("long_term_absence")
    );
    assert!(!Status::Exempt.is_required());
    let status = evaluate(
        &profile,
        &worker,
        &records,
        std::slice::from_ref(&absence),
        date!(2026 - 07 - 01),
    );
    assert_eq!(pair(&status, "fire_safety").status, Status::Expired);

    let not_applicable = Exemption {
        reason: ExemptionReason::NotApplicableToDuties,
        ..absence.clone()
    };
    let refused = rules.check_exemption(&worker, &not_applicable);
    let codes = |result: Result<(), Vec<carecount_compliance::Message>>| {
        result.map_err(|messages| {
            messages
                .iter()
                .map(|message| message.code.as_str())
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(codes(refused), Err(vec!["statutory_exemption_reason"]));
    // holds_equivalent is allowed on a statutory pair but needs a note saying where the evidence is.
    let no_note = Exemption {
        reason: ExemptionReason::HoldsEquivalent,
        ..absence.clone()
    };
    assert_eq!(
        codes(rules.check_exemption(&worker, &no_note)),
        Err(vec!["missing_value"])
    );
    let medication = Exemption {
        topic: "medication".to_owned(),
        ..not_applicable
    };
    assert!(rules.check_exemption(&worker, &medication).is_ok());
}

/// §11.12 Worst row.
#[test]
fn required_12_worst_row() {
    let profile = shipped_profile();
    let mut social_worker = staff(6);
    social_worker.start_date = Some(date!(2020 - 01 - 01));
    let supervision = [TrainingRecord::entered(
        1,
        "supervision",
        None,
        Some(date!(2026 - 01 - 15)),
        None,
    )];
    // R28: + 3 months − 1 = 2026-04-14; R29 (cap 1): + 1 month − 1 = 2026-02-14.
    let status = evaluate(
        &profile,
        &social_worker,
        &supervision,
        &[],
        date!(2026 - 02 - 10),
    );
    let pair_status = pair(&status, "supervision");
    let row = |id: &str| {
        pair_status
            .row_statuses
            .iter()
            .find(|row| row.row_id == id)
            .cloned()
    };
    let (Some(r28), Some(r29)) = (row("R28"), row("R29")) else {
        panic!("rows")
    };
    assert_eq!(
        r28.winner.as_ref().and_then(|winner| winner.expires_on),
        Some(date!(2026 - 04 - 14))
    );
    assert_eq!(r28.status, Status::Valid); // 18 + 31 + 14 = 63 days
    assert_eq!(r29.status, Status::Expiring); // 4 days
    assert_eq!(pair_status.status, Status::Expiring);
    assert_eq!(pair_status.days_left, Some(4));
    assert_eq!(pair_status.deciding_row.as_deref(), Some("R29"));
    let status = evaluate(
        &profile,
        &social_worker,
        &supervision,
        &[],
        date!(2026 - 02 - 20),
    );
    assert_eq!(pair(&status, "supervision").status, Status::Expired);
    let mut care_worker = staff(8);
    care_worker.start_date = Some(date!(2020 - 01 - 01));
    let status = evaluate(
        &profile,
        &care_worker,
        &supervision,
        &[],
        date!(2026 - 02 - 20),
    );
    assert_eq!(pair(&status, "supervision").status, Status::Expiring);
    assert_eq!(pair(&status, "supervision").days_left, Some(53)); // 8 + 31 + 14
    // 2025-11-30 + 3 months = 2026-02-28 (clamped from 30th... Feb has 28), − 1 = 2026-02-27.
    let older = [TrainingRecord::entered(
        1,
        "supervision",
        None,
        Some(date!(2025 - 11 - 30)),
        None,
    )];
    let status = evaluate(&profile, &care_worker, &older, &[], date!(2025 - 12 - 01));
    assert_eq!(
        pair(&status, "supervision").expires_on,
        Some(date!(2026 - 02 - 27))
    );
}

/// §11.13 NMC lapse.
#[test]
fn required_13_nmc_lapse() {
    let profile = shipped_profile();
    let mut nurse = staff(16);
    nurse.nmc_specialism = Some(1);
    let registration = [TrainingRecord::entered(
        1,
        "nmc_registration",
        None,
        Some(date!(2025 - 06 - 01)),
        Some(date!(2026 - 05 - 31)),
    )];
    // 2026-04-01 → 2026-05-31 is 29 + 31 = 60 days: expiring (NMC window 60).
    let status = evaluate(&profile, &nurse, &registration, &[], date!(2026 - 04 - 01));
    assert_eq!(pair(&status, "nmc_registration").status, Status::Expiring);
    assert_eq!(pair(&status, "nmc_registration").days_left, Some(60));
    let status = evaluate(&profile, &nurse, &registration, &[], date!(2026 - 05 - 31));
    assert_eq!(pair(&status, "nmc_registration").days_left, Some(0));
    let status = evaluate(&profile, &nurse, &registration, &[], date!(2026 - 06 - 01));
    assert_eq!(pair(&status, "nmc_registration").status, Status::Expired);
    assert_eq!(
        pair(&status, "nmc_registration").class.as_str(),
        "statutory"
    );
    let status = evaluate(&profile, &nurse, &[], &[], date!(2026 - 06 - 01));
    assert_eq!(pair(&status, "nmc_registration").status, Status::Missing);
    assert_eq!(
        detail(pair(&status, "nmc_registration")).as_deref(),
        Some("registration_not_recorded")
    );
}

/// §11.14 Qualifications.
#[test]
fn required_14_qualifications() {
    let profile = shipped_profile();
    let as_of = date!(2026 - 01 - 15);
    let mut worker = staff(8);
    worker.start_date = Some(date!(2020 - 01 - 01));
    let with = |worker: &carecount_compliance::StaffFacts, qualification| {
        let mut worker = worker.clone();
        worker.social_care_qualification = Some(qualification);
        evaluate(&profile, &worker, &[], &[], as_of)
    };
    let status = with(&worker, SocialCareQualification::Held { level: Some(3) });
    assert_eq!(
        pair(&status, "social_care_qualification").status,
        Status::Valid
    );
    assert_eq!(
        pair(&status, "social_care_qualification").level.as_deref(),
        Some("l2")
    );
    let status = with(&worker, SocialCareQualification::Held { level: None });
    assert_eq!(
        pair(&status, "social_care_qualification").status,
        Status::Missing
    );
    assert_eq!(
        detail(pair(&status, "social_care_qualification")).as_deref(),
        Some("level_unknown")
    );
    let status = with(&worker, SocialCareQualification::No);
    assert_eq!(
        pair(&status, "social_care_qualification").status,
        Status::Missing
    );
    assert_eq!(detail(pair(&status, "social_care_qualification")), None);
    worker.job_role = 7;
    let status = with(&worker, SocialCareQualification::Held { level: Some(2) });
    assert_eq!(
        pair(&status, "social_care_qualification").level.as_deref(),
        Some("l3")
    );
    assert_eq!(
        detail(pair(&status, "social_care_qualification")).as_deref(),
        Some("level_too_low")
    );
}
