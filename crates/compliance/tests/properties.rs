//! Property tests of §11: statuses partition the requirements, rates lie in [0, 1], adding a
//! record valid at D never worsens a pair or lowers a rate, adding a row never improves a pair.

use carecount_compliance::facts::{StaffFacts, TrainingRecord, Validity};
use carecount_compliance::figures::{
    Audience, PairFilter, compliance_figures, disclose_compliance,
};
use carecount_compliance::profile::shipped_rows;
use carecount_compliance::status::{Rules, StaffInput, StaffStatus};
use carecount_compliance::{Catalogue, OrgSettings, Profile, Status};
use proptest::prelude::*;
use time::Date;
use time::macros::date;

use crate::util::CARE_HOME;

const D: Date = date!(2026 - 01 - 15);
const ROLES: &[u16] = &[
    1, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 23, 25, 26, 34, 35, 37, 38, 43, 45, 52,
];
const CATEGORIES: &[u16] = &[
    1, 2, 6, 7, 8, 9, 10, 11, 13, 14, 15, 17, 19, 20, 25, 28, 41, 42, 43, 45,
];
const TITLES: &[&str] = &[
    "",
    "Silver",
    "Gold refresher",
    "Tier 2",
    "Safeguarding children",
    "Platinum level",
];
const TOPICS: &[&str] = &[
    "fire_safety",
    "safeguarding_adults",
    "moving_people",
    "medication",
    "care_certificate",
    "supervision",
    "social_care_qualification",
    "nmc_registration",
    "dementia",
    "ommt_part2",
];

fn date_from(offset: i64) -> Date {
    carecount_compliance::date::add_days(D, offset)
}

fn staff_strategy() -> impl Strategy<Value = StaffFacts> {
    (
        prop::sample::select(ROLES),
        prop::option::of(-4000i64..60),
        prop::option::of(prop::sample::select(&[1u8, 2, 3][..])),
        prop::option::of(1.0f64..60.0),
        prop::option::of(2000i32..2026),
    )
        .prop_map(|(role, start, care_certificate, hours, start_in_sector)| {
            let mut staff = StaffFacts::new("WP1", "S1", role, CARE_HOME);
            staff.start_date = start.map(date_from);
            staff.care_certificate = care_certificate;
            staff.contracted_hours = hours;
            staff.start_in_sector = start_in_sector;
            staff
        })
}

fn record_strategy() -> impl Strategy<Value = TrainingRecord> {
    (
        prop::sample::select(CATEGORIES),
        prop::sample::select(TITLES),
        prop::option::of(-2000i64..30),
        prop::option::of(1u16..60),
        prop::option::of(-500i64..900),
        0u64..1000,
    )
        .prop_map(|(category, title, completed, validity, expires, id)| {
            let completed = completed.map(date_from);
            let expires = expires
                .map(date_from)
                .filter(|expires| completed.is_none_or(|completed| *expires > completed));
            let validity = validity.map(Validity::Months).unwrap_or(Validity::Blank);
            TrainingRecord::ascwds(id, category, title, completed, validity, expires)
        })
}

fn evaluate(profile: &Profile, staff: &StaffFacts, records: &[TrainingRecord]) -> StaffStatus {
    let rules = Rules {
        catalogue: Catalogue::shipped(),
        profile,
    };
    rules.staff_status(
        StaffInput {
            staff,
            records,
            exemptions: &[],
        },
        D,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn statuses_partition_requirements(staff in staff_strategy(), records in prop::collection::vec(record_strategy(), 0..8)) {
        let profile = Profile::shipped(OrgSettings::default());
        let status = evaluate(&profile, &staff, &records);
        // One pair per topic of the applying rows, each with exactly one status.
        let mut expected: Vec<&str> = Vec::new();
        for row in profile.rows().iter().filter(|row| row.applies_to(staff.job_role, staff.main_service, &staff.service_users)) {
            if !expected.contains(&row.topic.as_str()) {
                expected.push(&row.topic);
            }
        }
        let topics: Vec<&str> = status.pairs.iter().map(|pair| pair.topic.as_str()).collect();
        prop_assert_eq!(topics, expected);
        let figures = compliance_figures(std::slice::from_ref(&status), &PairFilter::default()).totals;
        prop_assert_eq!(figures.required, figures.valid + figures.expiring + figures.expired + figures.missing);
        prop_assert_eq!(figures.required + figures.not_yet_due + figures.exempt, status.pairs.len() as u64);
        if let Some(rate) = figures.compliance_rate() {
            prop_assert!((0.0..=1.0).contains(&rate));
        }
        let shown = disclose_compliance(&compliance_figures(std::slice::from_ref(&status), &PairFilter::default()), Audience::Commissioner);
        if let Some(rate) = shown.totals.compliance_rate() {
            prop_assert!((0.0..=1.0).contains(&rate));
        }
    }

    #[test]
    fn a_valid_record_never_worsens(
        staff in staff_strategy(),
        records in prop::collection::vec(record_strategy(), 0..6),
        topic in prop::sample::select(TOPICS),
        completed_ago in 0i64..20,
    ) {
        let profile = Profile::shipped(OrgSettings::default());
        let rules = Rules { catalogue: Catalogue::shipped(), profile: &profile };
        let catalogue = Catalogue::shipped();
        let highest = catalogue
            .topic(topic)
            .and_then(|found| found.scheme.clone())
            .and_then(|scheme| catalogue.levels(&scheme).last().map(|level| level.level.clone()));
        let added = TrainingRecord::entered(5000, topic, highest.as_deref(), Some(date_from(-completed_ago)), Some(date_from(3000)));
        // "Valid at D": under every row of its topic the record alone gives E − D beyond any window.
        let holdings = rules.holdings(&staff, std::slice::from_ref(&added), D);
        let valid_everywhere = profile.rows().iter().filter(|row| row.topic == topic).all(|row| {
            holdings.evidence.iter().filter(|evidence| evidence.topic == topic).all(|evidence| {
                rules.expiry_under(evidence, row).0.is_none_or(|expiry| expiry > date_from(365))
            })
        });
        prop_assume!(valid_everywhere);
        let before = evaluate(&profile, &staff, &records);
        let mut more = records.clone();
        more.push(added);
        let after = evaluate(&profile, &staff, &more);
        for (old, new) in before.pairs.iter().zip(&after.pairs) {
            prop_assert_eq!(&old.topic, &new.topic);
            prop_assert!(new.status >= old.status, "{}: {:?} → {:?}", old.topic, old.status, new.status);
        }
        let rate = |status: &StaffStatus| compliance_figures(std::slice::from_ref(status), &PairFilter::default()).totals.compliance_rate();
        if let (Some(old), Some(new)) = (rate(&before), rate(&after)) {
            prop_assert!(new >= old);
        }
    }

    #[test]
    fn adding_a_row_never_improves(
        staff in staff_strategy(),
        records in prop::collection::vec(record_strategy(), 0..6),
        topic in prop::sample::select(TOPICS),
        due in 0u16..400,
        cap in prop::option::of(1u16..48),
    ) {
        let base = Profile::shipped(OrgSettings::default());
        let cap = cap.map(|months| months.to_string()).unwrap_or_default();
        let file = format!(
            "id,topic,level,roles,services,service_users,due_within_days,refresh_months,pro_rata,exempt_if,class,source,action,reason\n\
             L01,{topic},,all,all,all,{due},{cap},no,,,,add,\n"
        );
        let added = Profile::with_organisation(Catalogue::shipped(), shipped_rows(), "org.csv", &file, OrgSettings::default());
        let added = match added {
            Ok(profile) => profile,
            Err(messages) => return Err(TestCaseError::fail(format!("{messages:?}"))),
        };
        let before = evaluate(&base, &staff, &records);
        let after = evaluate(&added, &staff, &records);
        for old in &before.pairs {
            let new = after.pairs.iter().find(|pair| pair.topic == old.topic);
            prop_assert!(new.is_some());
            if let Some(new) = new {
                let comparable = |status: Status| if status == Status::Exempt { Status::Valid } else { status };
                // An exempt-by-rule pair becomes bound by a row without exempt_if: never better.
                prop_assert!(comparable(new.status) <= comparable(old.status) || old.status == Status::Exempt,
                    "{}: {:?} → {:?}", old.topic, old.status, new.status);
            }
        }
    }

    #[test]
    fn json_is_deterministic(staff in staff_strategy(), records in prop::collection::vec(record_strategy(), 0..6)) {
        let profile = Profile::shipped(OrgSettings::default());
        let first = evaluate(&profile, &staff, &records);
        let second = evaluate(&profile, &staff, &records);
        let json = |status: &StaffStatus| serde_json::to_string(&carecount_compliance::wire::StaffJson::from(status)).unwrap_or_default();
        prop_assert_eq!(json(&first), json(&second));
    }

    #[test]
    fn a_stricter_replacement_never_improves(
        staff in staff_strategy(),
        records in prop::collection::vec(record_strategy(), 0..6),
        index in 0usize..30,
        due_cut in 0u16..100,
        cap_cut in 0u16..24,
    ) {
        let shipped = shipped_rows();
        let Some(original) = shipped.get(index) else { return Ok(()) };
        let mut cells = original.cells();
        // Tighten: due shortened, cap shortened (or 36 months where there was none).
        cells[6] = original.due_within_days.saturating_sub(due_cut).to_string();
        cells[7] = match original.refresh_months {
            Some(cap) => cap.saturating_sub(cap_cut).max(1).to_string(),
            None => "36".to_owned(),
        };
        cells[10] = String::new();
        let line: Vec<String> = cells.iter().map(|cell| format!("\"{cell}\"")).collect();
        let file = format!(
            "id,topic,level,roles,services,service_users,due_within_days,refresh_months,pro_rata,exempt_if,class,source,action,reason\n{},replace,\n",
            line.join(",")
        );
        let stricter = Profile::with_organisation(Catalogue::shipped(), shipped, "org.csv", &file, OrgSettings::default());
        let stricter = match stricter {
            Ok(profile) => profile,
            Err(messages) => return Err(TestCaseError::fail(format!("{messages:?}"))),
        };
        let base = Profile::shipped(OrgSettings::default());
        let before = evaluate(&base, &staff, &records);
        let after = evaluate(&stricter, &staff, &records);
        for old in &before.pairs {
            let new = after.pairs.iter().find(|pair| pair.topic == old.topic);
            prop_assert!(new.is_some());
            if let Some(new) = new {
                prop_assert!(new.status <= old.status, "{}: {:?} → {:?}", old.topic, old.status, new.status);
            }
        }
    }
}
