//! `evolve`: next year's upload of the same workplaces.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use carecount_generate::{EvolveOptions, GenerateError, GeneratedUpload, evolve};
use time::macros::date;

use crate::support::*;

const NEXT: time::Date = date!(2026 - 03 - 31);

fn options(seed: u64) -> EvolveOptions {
    EvolveOptions {
        seed,
        as_of: NEXT,
        turnover: 0.25,
        growth: 0.01,
    }
}

fn evolved(previous: &GeneratedUpload, options: &EvolveOptions) -> GeneratedUpload {
    match evolve(previous, options) {
        Ok(upload) => upload,
        Err(error) => panic!("evolve failed: {error}"),
    }
}

/// A larger pair for the statistics: 60 workplaces, 4,000 staff records in year 1.
fn pair() -> &'static (GeneratedUpload, GeneratedUpload) {
    static PAIR: OnceLock<(GeneratedUpload, GeneratedUpload)> = OnceLock::new();
    PAIR.get_or_init(|| {
        let first = upload(60, 4_000, 21);
        let second = evolved(&first, &options(22));
        (first, second)
    })
}

type Key = (String, String);

/// Staff records by (LOCALESTID, UNIQUEWORKERID).
fn by_key(parsed: &Parsed) -> BTreeMap<Key, Vec<String>> {
    parsed
        .records
        .iter()
        .map(|record| {
            (
                (
                    parsed.get(record, "LOCALESTID").to_owned(),
                    parsed.get(record, "UNIQUEWORKERID").to_owned(),
                ),
                record.clone(),
            )
        })
        .collect()
}

fn in_window(start: time::Date, as_of: time::Date) -> bool {
    // STARTERS count starts in the 365 days up to the as-of date: as_of − 364 … as_of.
    start <= as_of && (as_of - start).whole_days() < 365
}

fn direct(contract: &str) -> bool {
    contract == "1" || contract == "2"
}

#[test]
fn continuing_staff_keep_their_identity_and_starters_are_new() {
    let (first, second) = pair();
    assert_eq!(second.as_of, NEXT);
    let old = parse(&first.staff);
    let new = parse(&second.staff);
    let old_keys = by_key(&old);
    let old_ni: HashSet<&str> = old
        .records
        .iter()
        .map(|record| old.get(record, "NINUMBER"))
        .filter(|ni| !ni.is_empty())
        .collect();
    let mut new_ni = HashSet::new();
    let (mut updates, mut starters) = (0, 0);
    for record in &new.records {
        let key = (
            new.get(record, "LOCALESTID").to_owned(),
            new.get(record, "UNIQUEWORKERID").to_owned(),
        );
        match new.get(record, "STATUS") {
            "UPDATE" => {
                updates += 1;
                let Some(before) = old_keys.get(&key) else {
                    panic!("UPDATE for a record that did not exist: {key:?}")
                };
                for column in ["DISPLAYID", "NINUMBER", "DOB", "STARTDATE", "GENDER"] {
                    assert_eq!(
                        new.get(record, column),
                        old.get(before, column),
                        "{column} of {key:?}"
                    );
                }
            }
            "NEW" => {
                starters += 1;
                assert!(!old_keys.contains_key(&key), "NEW reuses {key:?}");
                let Some(start) = date(new.get(record, "STARTDATE")) else {
                    panic!("starter without STARTDATE: {key:?}")
                };
                assert!(in_window(start, NEXT), "{key:?} started {start}");
                let ni = new.get(record, "NINUMBER");
                if !ni.is_empty() {
                    assert!(!old_ni.contains(ni), "starter reuses NI {ni}");
                    assert!(new_ni.insert(ni.to_owned()), "NI {ni} given twice");
                }
            }
            other => panic!("unexpected STATUS {other}"),
        }
    }
    assert!(updates > 0 && starters > 0);
    // The same workplaces, in the same order, all UPDATE.
    let old_places = parse(&first.workplace);
    let new_places = parse(&second.workplace);
    let ids = |parsed: &Parsed| -> Vec<String> {
        parsed
            .records
            .iter()
            .map(|record| parsed.get(record, "LOCALESTID").to_owned())
            .collect()
    };
    assert_eq!(ids(&old_places), ids(&new_places));
    assert!(
        new_places
            .records
            .iter()
            .all(|record| new_places.get(record, "STATUS") == "UPDATE")
    );
}

#[test]
fn leaver_share_follows_the_turnover_and_its_patterns() {
    let (first, second) = pair();
    let old = parse(&first.staff);
    let new_keys = by_key(&parse(&second.staff));
    let mut total = 0u32;
    let mut gone = 0u32;
    // (records, leavers) by group.
    let mut first_year = (0u32, 0u32);
    let mut long_service = (0u32, 0u32);
    let mut under_twenty = (0u32, 0u32);
    let mut mid_age = (0u32, 0u32);
    for record in &old.records {
        let key = (
            old.get(record, "LOCALESTID").to_owned(),
            old.get(record, "UNIQUEWORKERID").to_owned(),
        );
        let left = !new_keys.contains_key(&key);
        total += 1;
        gone += u32::from(left);
        let start = date(old.get(record, "STARTDATE")).unwrap_or(AS_OF);
        let birth = date(old.get(record, "DOB")).unwrap_or(AS_OF);
        let service_days = (AS_OF - start).whole_days();
        let count = |group: &mut (u32, u32)| {
            group.0 += 1;
            group.1 += u32::from(left);
        };
        if service_days < 365 {
            count(&mut first_year);
        } else if service_days >= 2 * 365 {
            count(&mut long_service);
        }
        let age = age(birth, AS_OF);
        if age < 20 {
            count(&mut under_twenty);
        } else if (25..60).contains(&age) {
            count(&mut mid_age);
        }
    }
    // 4,000 records at an expected 25%: standard error √(0.25 × 0.75 / 4000) ≈ 0.0068, and a few
    // leavers are kept back where LEAVERS would reach the staff total; ±0.03 is over 4 errors.
    let share = f64::from(gone) / f64::from(total);
    assert!((share - 0.25).abs() < 0.03, "leaver share {share}");
    let rate = |group: (u32, u32)| f64::from(group.1) / f64::from(group.0.max(1));
    // Weights 1.8 (first year) against 0.85 (two years or more): about twice the rate.
    assert!(
        rate(first_year) > 1.4 * rate(long_service),
        "first year {first_year:?}, long service {long_service:?}"
    );
    // Weight 1.6 under 20 against 1.0 at 25–59 (≈ 100 records under 20: a lower bar of 1.2×).
    assert!(under_twenty.0 >= 50, "{under_twenty:?}");
    assert!(
        rate(under_twenty) > 1.2 * rate(mid_age),
        "under 20 {under_twenty:?}, 25–59 {mid_age:?}"
    );
}

#[test]
fn workplace_counts_agree_with_what_happened() {
    let (first, second) = pair();
    let old = parse(&first.staff);
    let new = parse(&second.staff);
    let places = parse(&second.workplace);
    let new_keys = by_key(&new);

    // Per workplace and role: directly employed records removed, and directly employed records
    // of year 2 that started in the window.
    let mut removed: HashMap<(String, String), u32> = HashMap::new();
    for record in &old.records {
        let key = (
            old.get(record, "LOCALESTID").to_owned(),
            old.get(record, "UNIQUEWORKERID").to_owned(),
        );
        if !new_keys.contains_key(&key) && direct(old.get(record, "EMPLSTATUS")) {
            *removed
                .entry((key.0, old.get(record, "MAINJOBROLE").to_owned()))
                .or_default() += 1;
        }
    }
    let mut started: HashMap<(String, String), u32> = HashMap::new();
    let mut records: HashMap<String, u32> = HashMap::new();
    let mut roles_held: HashMap<String, BTreeSet<String>> = HashMap::new();
    for record in &new.records {
        let place = new.get(record, "LOCALESTID").to_owned();
        *records.entry(place.clone()).or_default() += 1;
        let role = new.get(record, "MAINJOBROLE").to_owned();
        roles_held
            .entry(place.clone())
            .or_default()
            .insert(role.clone());
        let start = date(new.get(record, "STARTDATE"));
        if direct(new.get(record, "EMPLSTATUS")) && start.is_some_and(|s| in_window(s, NEXT)) {
            *started.entry((place, role)).or_default() += 1;
        }
    }

    let (mut checked, mut unseen_total, mut starters_seen) = (0, 0u32, 0u32);
    let (mut leavers_sum_all, mut removed_all) = (0u32, 0u32);
    for record in &places.records {
        let place = places.get(record, "LOCALESTID").to_owned();
        let total: u32 = places
            .get(record, "TOTALPERMTEMP")
            .parse()
            .unwrap_or(u32::MAX);
        assert_eq!(
            Some(&total),
            records.get(&place),
            "TOTALPERMTEMP of {place}"
        );
        let roles = items(places.get(record, "ALLJOBROLES"));
        for role in roles_held.get(&place).into_iter().flatten() {
            assert!(
                roles.contains(&role.as_str()),
                "{place}: role {role} not listed"
            );
        }
        let list = |column: &str| -> Option<Vec<u32>> {
            let text = places.get(record, column);
            (text != "999").then(|| {
                items(text)
                    .iter()
                    .map(|item| item.parse().unwrap_or(0))
                    .collect()
            })
        };
        let (Some(starters), Some(leavers)) = (list("STARTERS"), list("LEAVERS")) else {
            continue;
        };
        assert_eq!(starters.len(), roles.len());
        assert_eq!(leavers.len(), roles.len());
        for ((role, &starters), &leavers) in roles.iter().zip(&starters).zip(&leavers) {
            let key = (place.clone(), (*role).to_owned());
            let removed = removed.get(&key).copied().unwrap_or(0);
            let started = started.get(&key).copied().unwrap_or(0);
            // LEAVERS = removed + unseen and STARTERS = started + unseen, where "unseen" are the
            // people who joined and left within the year (in neither file), so the two
            // differences must be the same number, and not negative.
            assert!(
                leavers >= removed,
                "{key:?}: LEAVERS {leavers} < removed {removed}"
            );
            assert!(
                starters >= started,
                "{key:?}: STARTERS {starters} < {started}"
            );
            assert_eq!(leavers - removed, starters - started, "{key:?}");
            unseen_total += leavers - removed;
            starters_seen += started;
            leavers_sum_all += leavers;
            removed_all += removed;
        }
        let leavers_sum: u32 = leavers.iter().sum();
        let starters_sum: u32 = starters.iter().sum();
        assert!(leavers_sum < total, "{place}: XW3");
        assert!(starters_sum <= total, "{place}: XW2");
        if let Some(vacancies) = list("VACANCIES") {
            assert!(vacancies.iter().sum::<u32>() < total, "{place}: XW4");
        }
        let reasons: u32 = items(places.get(record, "REASONNOS"))
            .iter()
            .map(|item| item.parse::<u32>().unwrap_or(0))
            .sum();
        assert_eq!(reasons, leavers_sum, "{place}: W80");
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} workplaces answered");
    // Unseen early leavers: 0.1 per seen starter, so about 10% of them (0–20% allowed).
    let unseen_share = f64::from(unseen_total) / f64::from(starters_seen.max(1));
    assert!(
        (0.0..0.2).contains(&unseen_share),
        "{unseen_total} / {starters_seen}"
    );
    assert!(leavers_sum_all >= removed_all);
}

#[test]
fn continuing_staff_get_a_pay_rise_and_new_sickness() {
    let (first, second) = pair();
    let old = parse(&first.staff);
    let new = parse(&second.staff);
    let old_keys = by_key(&old);
    let (mut hourly, mut salaried) = (0, 0);
    for record in new
        .records
        .iter()
        .filter(|record| new.get(record, "STATUS") == "UPDATE")
    {
        let key = (
            new.get(record, "LOCALESTID").to_owned(),
            new.get(record, "UNIQUEWORKERID").to_owned(),
        );
        let Some(before) = old_keys.get(&key) else {
            panic!("{key:?} missing")
        };
        let number = |parsed: &Parsed, row: &[String], column: &str| -> Option<f64> {
            parsed.get(row, column).parse().ok()
        };
        if let (Some(now), Some(then)) = (
            number(&new, record, "HOURLYRATE"),
            number(&old, before, "HOURLYRATE"),
        ) {
            // 3–7% rise, rounded to the penny: £12.00 → £12.36 … £12.84, so ±£0.005 around it.
            assert!(
                now >= then * 1.03 - 0.006 && now <= then * 1.07 + 0.006,
                "{key:?}: {then} → {now}"
            );
            hourly += 1;
        }
        let same_hours = new.get(record, "CONTHOURS") == old.get(before, "CONTHOURS");
        if let (Some(now), Some(then), true) = (
            number(&new, record, "SALARY"),
            number(&old, before, "SALARY"),
            same_hours,
        ) {
            // Same hours: 3–7%, plus at most £1.50 for rounding to pounds and the parity step.
            assert!(
                now >= then * 1.03 - 1.5 && now <= then * 1.07 + 1.5,
                "{key:?}: {then} → {now}"
            );
            salaried += 1;
        }
        let sick_before = old.get(before, "DAYSSICK");
        let sick_now = new.get(record, "DAYSSICK");
        assert_eq!(sick_before.is_empty(), sick_now.is_empty(), "{key:?}");
        if !sick_now.is_empty() {
            let whole = |text: &str| text.split('.').next().unwrap_or("").to_owned();
            // S13 warns when the whole days are unchanged.
            assert_ne!(whole(sick_before), whole(sick_now), "{key:?}");
        }
    }
    assert!(
        hourly > 100 && salaried > 20,
        "{hourly} hourly, {salaried} salaried"
    );
}

#[test]
fn training_is_carried_over_and_refreshed() {
    let (first, second) = pair();
    let old = parse(&first.training);
    let new = parse(&second.training);
    let staff = parse(&second.staff);
    let continuing: HashSet<Key> = staff
        .records
        .iter()
        .filter(|record| staff.get(record, "STATUS") == "UPDATE")
        .map(|record| {
            (
                staff.get(record, "LOCALESTID").to_owned(),
                staff.get(record, "UNIQUEWORKERID").to_owned(),
            )
        })
        .collect();
    let lines = |parsed: &Parsed| {
        let mut map: HashMap<(Key, String), Vec<String>> = HashMap::new();
        for record in &parsed.records {
            let key = (
                parsed.get(record, "LOCALESTID").to_owned(),
                parsed.get(record, "UNIQUEWORKERID").to_owned(),
            );
            map.insert(
                (key, parsed.get(record, "CATEGORY").to_owned()),
                record.clone(),
            );
        }
        map
    };
    let before = lines(&old);
    let after = lines(&new);
    let (mut carried, mut refreshed, mut added) = (0, 0, 0);
    for ((worker, category), record) in &before {
        if !continuing.contains(worker) {
            continue;
        }
        let Some(now) = after.get(&(worker.clone(), category.clone())) else {
            panic!("{worker:?} lost training {category}")
        };
        carried += 1;
        let then_done = old.get(record, "DATECOMPLETED");
        let now_done = new.get(now, "DATECOMPLETED");
        if then_done != now_done {
            refreshed += 1;
            let Some(done) = date(now_done) else {
                panic!("bad date {now_done}")
            };
            assert!(in_window(done, NEXT), "refreshed on {done}");
            // Only expired training is refreshed: its expiry (given, or completion + VALIDITY
            // months − 1 day) fell before the new as-of date.
            let then = date(then_done).unwrap_or(NEXT);
            assert!(then < done);
        }
    }
    for ((worker, category), record) in &after {
        if continuing.contains(worker) && !before.contains_key(&(worker.clone(), category.clone()))
        {
            added += 1;
            if let Some(done) = date(new.get(record, "DATECOMPLETED")) {
                assert!(in_window(done, NEXT), "new course completed {done}");
            }
        }
    }
    assert!(
        carried > 1000 && refreshed > 10 && added > 100,
        "{carried} {refreshed} {added}"
    );
}

#[test]
fn year_two_imports_on_top_of_year_one() {
    let first = upload(12, 500, 5);
    let second = evolved(&first, &options(6));
    let year_one = import(&first, &carecount_ascwds::ExistingState::default());
    assert_eq!(
        year_one.validation.errors(),
        0,
        "{}",
        describe(&year_one.validation)
    );
    let year_two = import(&second, &year_one.state);
    assert_eq!(
        year_two.validation.errors(),
        0,
        "{}",
        describe(&year_two.validation)
    );
    assert_eq!(
        year_two.validation.warnings(),
        0,
        "{}",
        describe(&year_two.validation)
    );
    // The plan: NEW lines are new, the rest updated or unchanged, and the leavers deleted.
    let staff = parse(&second.staff);
    let news = staff
        .records
        .iter()
        .filter(|record| staff.get(record, "STATUS") == "NEW")
        .count() as u64;
    let counts = year_two.plan.counts.staff;
    assert_eq!(counts.new, news);
    assert_eq!(
        counts.updated + counts.unchanged,
        staff.records.len() as u64 - news
    );
    assert_eq!(counts.deleted, 500 - (counts.updated + counts.unchanged));
    assert_eq!(year_two.plan.counts.workplaces.new, 0);
    assert_eq!(year_two.plan.counts.workplaces.deleted, 0);

    // A third year, evolved from the evolved upload, imports on top of the second.
    let third = evolved(
        &second,
        &EvolveOptions {
            seed: 7,
            as_of: date!(2027 - 03 - 31),
            turnover: 0.3,
            growth: 0.0,
        },
    );
    let year_three = import(&third, &year_two.state);
    assert_eq!(
        year_three.validation.errors(),
        0,
        "{}",
        describe(&year_three.validation)
    );
}

#[test]
fn same_inputs_same_bytes() {
    let first = upload(5, 120, 9);
    let one = evolved(&first, &options(3));
    let two = evolved(&first, &options(3));
    assert_eq!(one, two);
    let other = evolved(&first, &options(4));
    assert_ne!(one.staff, other.staff);
}

#[test]
fn impossible_requests_are_refused() {
    let first = upload(2, 20, 1);
    let too_early = EvolveOptions {
        as_of: AS_OF,
        ..options(1)
    };
    assert!(matches!(
        evolve(&first, &too_early),
        Err(GenerateError::NotLater { .. })
    ));
    for turnover in [-0.1, 1.5, f64::NAN] {
        let bad = EvolveOptions {
            turnover,
            ..options(1)
        };
        assert!(matches!(
            evolve(&first, &bad),
            Err(GenerateError::Rate { .. })
        ));
    }
    let mut broken = first.clone();
    broken.staff = "LOCALESTID,UNIQUEWORKERID\nWP00001,W0001\n".to_owned();
    assert!(matches!(
        evolve(&broken, &options(1)),
        Err(GenerateError::Previous { .. })
    ));
}

#[test]
fn a_shorter_step_puts_starters_after_the_previous_date() {
    let first = upload(6, 300, 13);
    // 31/03/2025 + 91 days = 30/06/2025.
    let quarter = date!(2025 - 06 - 30);
    let next = evolved(
        &first,
        &EvolveOptions {
            seed: 14,
            as_of: quarter,
            turnover: 0.06,
            growth: 0.02,
        },
    );
    let staff = parse(&next.staff);
    let mut starters = 0;
    for record in &staff.records {
        if staff.get(record, "STATUS") == "NEW" {
            starters += 1;
            let start = date(staff.get(record, "STARTDATE")).unwrap_or(AS_OF);
            assert!(start > AS_OF && start <= quarter, "started {start}");
        }
    }
    assert!(starters > 0);
}
