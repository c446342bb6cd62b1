//! The generated files obey the rules of `ascwds-formats.md` that their content could break.
//! Each check names its rule; the real validator (crates/ascwds) will check all of them again.

use std::collections::{BTreeMap, BTreeSet};

use carecount_codes::{CqcRegulated, special};

use crate::support::*;

/// `^\d-\d{8,12}$` (W37, W40).
fn is_cqc_id(text: &str) -> bool {
    let mut parts = text.splitn(2, '-');
    let head = parts.next().unwrap_or("");
    let tail = parts.next().unwrap_or("");
    head.len() == 1
        && head.bytes().all(|b| b.is_ascii_digit())
        && (8..=12).contains(&tail.len())
        && tail.bytes().all(|b| b.is_ascii_digit())
}

/// Staff postcode `^[A-Za-z]{1,2}[0-9]{1,2}[A-Za-z]?\s[0-9][A-Za-z]{2}$` (S18).
fn is_staff_postcode(text: &str) -> bool {
    let Some((outward, inward)) = text.split_once(' ') else {
        return false;
    };
    let letters = outward.bytes().take_while(u8::is_ascii_alphabetic).count();
    let rest = outward.get(letters..).unwrap_or("");
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let tail = rest.get(digits..).unwrap_or("");
    let inward = inward.as_bytes();
    (1..=2).contains(&letters)
        && (1..=2).contains(&digits)
        && (tail.is_empty() || (tail.len() == 1 && tail.bytes().all(|b| b.is_ascii_alphabetic())))
        && inward.len() == 3
        && inward.first().is_some_and(u8::is_ascii_digit)
        && inward.iter().skip(1).all(u8::is_ascii_alphabetic)
}

/// `^\s*[a-zA-Z]{2}(?:\s*\d\s*){6}[a-zA-Z]?\s*$` for values without spaces (S16).
fn is_ni_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    (bytes.len() == 8 || bytes.len() == 9)
        && bytes.iter().take(2).all(u8::is_ascii_alphabetic)
        && bytes.iter().skip(2).take(6).all(u8::is_ascii_digit)
        && bytes.get(8).is_none_or(u8::is_ascii_alphabetic)
}

/// `^-?\d+(\.[05])?$`, 0–75 or 999 (S80, S81, S83, S84).
fn hours_ok(text: &str) -> bool {
    if text == "999" {
        return true;
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    whole.bytes().all(|b| b.is_ascii_digit())
        && !whole.is_empty()
        && (fraction.is_empty() || fraction == "0" || fraction == "5")
        && text
            .parse::<f64>()
            .is_ok_and(|hours| (0.0..=75.0).contains(&hours))
}

/// `date` + `months`, the day clamped to the month's end, then − 1 day (§4.2), computed
/// independently of the crate.
fn expected_expiry(completed: time::Date, months: i32) -> Option<time::Date> {
    let index = completed.year() * 12 + i32::from(u8::from(completed.month())) - 1 + months;
    let year = index.div_euclid(12);
    let month = time::Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let last_day = (28..=31u8)
        .rev()
        .find(|&day| time::Date::from_calendar_date(year, month, day).is_ok())?;
    let day = completed.day().min(last_day);
    time::Date::from_calendar_date(year, month, day)
        .ok()?
        .previous_day()
}

#[test]
fn workplace_lines_obey_the_workplace_rules() {
    let tables = carecount_codes::tables();
    for seed in [1, 2, 3] {
        let upload = upload(60, 3000, seed);
        let file = parse(&upload.workplace);
        let staff = parse(&upload.staff);
        let mut managers: BTreeSet<&str> = BTreeSet::new();
        for record in &staff.records {
            if staff.get(record, "MAINJOBROLE") == "4" {
                managers.insert(staff.get(record, "LOCALESTID"));
            }
        }
        let mut local_ids = BTreeSet::new();
        let mut location_ids = BTreeSet::new();
        for record in &file.records {
            let local_id = file.get(record, "LOCALESTID");
            assert!(local_ids.insert(local_id), "XW6: {local_id} repeated");
            assert!(!local_id.is_empty() && local_id.len() < 50, "W01/W02");
            let name = file.get(record, "ESTNAME");
            assert!(!name.is_empty() && name.len() <= 120, "W03/W04");
            let address = file.get(record, "ADDRESS1");
            assert!(!address.is_empty() && address.len() <= 40, "W12/W13");
            assert!(file.get(record, "POSTTOWN").len() <= 40, "W16");
            assert!(is_staff_postcode(file.get(record, "POSTCODE")), "W19");
            let employer_type: u32 = file.get(record, "ESTTYPE").parse().unwrap_or(0);
            assert!(tables.employer_types.contains(employer_type), "W23/W24");
            assert_eq!(
                employer_type == special::EMPLOYER_TYPE_OTHER,
                !file.get(record, "OTHERTYPE").is_empty(),
                "W25/W27"
            );

            let main: u32 = file.get(record, "MAINSERVICE").parse().unwrap_or(0);
            let Some(service) = tables.services.get(main) else {
                panic!("W31: {main}")
            };
            let regtype = file.get(record, "REGTYPE");
            match service.cqc_regulated {
                CqcRegulated::Yes => assert_eq!(regtype, "2", "W35 at {local_id}"),
                CqcRegulated::No => assert_eq!(regtype, "0", "W34 at {local_id}"),
                CqcRegulated::Either => assert!(regtype == "0" || regtype == "2"),
            }
            let provider = file.get(record, "PROVNUM");
            let location = file.get(record, "LOCATIONID");
            if regtype == "2" {
                assert!(is_cqc_id(provider), "W36/W37");
                if main == special::HEAD_OFFICE {
                    assert!(location.is_empty() || is_cqc_id(location));
                } else {
                    assert!(is_cqc_id(location), "W39/W40");
                }
            } else {
                assert!(provider.is_empty() && location.is_empty(), "W38/W42");
            }
            if !location.is_empty() {
                assert!(
                    location_ids.insert(location.to_owned()),
                    "XW7: {location} repeated"
                );
            }

            let services = items(file.get(record, "ALLSERVICES"));
            assert!(services.contains(&main.to_string().as_str()), "W43");
            let count = services.len();
            let capacity = file.get(record, "CAPACITY").split(';').collect::<Vec<_>>();
            let utilisation = file
                .get(record, "UTILISATION")
                .split(';')
                .collect::<Vec<_>>();
            let descriptions = file
                .get(record, "SERVICEDESC")
                .split(';')
                .collect::<Vec<_>>();
            assert_eq!(
                (capacity.len(), utilisation.len(), descriptions.len()),
                (count, count, count),
                "W46/W59/W60"
            );
            for (position, code) in services.iter().enumerate() {
                let Some(row) = tables.services.get(code.parse().unwrap_or(0)) else {
                    panic!("W48: {code}")
                };
                let capacity_item = capacity.get(position).copied().unwrap_or("");
                let utilisation_item = utilisation.get(position).copied().unwrap_or("");
                assert!(
                    capacity_item.is_empty() || row.capacity_question,
                    "W63 for service {code}"
                );
                assert!(
                    utilisation_item.is_empty() || row.utilisation_question,
                    "W64 for service {code}"
                );
                for item in [capacity_item, utilisation_item] {
                    assert!(
                        item.is_empty() || item.parse::<u32>().is_ok_and(|value| value < 9999),
                        "W61/W62"
                    );
                }
                let description = descriptions.get(position).copied().unwrap_or("");
                assert!(description.len() <= 120, "W47");
            }

            let users = items(file.get(record, "SERVICEUSERS"));
            let user_descriptions = items(file.get(record, "OTHERUSERDESC"));
            if !users.is_empty() {
                assert_eq!(
                    file.get(record, "OTHERUSERDESC").split(';').count(),
                    users.len(),
                    "W50"
                );
            }
            for (position, code) in users.iter().enumerate() {
                let code: u32 = code.parse().unwrap_or(0);
                assert!(tables.service_users.contains(code), "W53");
                if special::SERVICE_USERS_NEEDING_DESCRIPTION.contains(&code) {
                    assert!(
                        !user_descriptions
                            .get(position)
                            .copied()
                            .unwrap_or("")
                            .is_empty(),
                        "W51"
                    );
                }
            }

            let dha = file.get(record, "DHA");
            assert!(dha.is_empty() || service.dha_allowed, "W55");
            assert!(
                file.get(record, "DHAACTIVITIES").is_empty() || dha == "1",
                "W56"
            );

            let total: u32 = file.get(record, "TOTALPERMTEMP").parse().unwrap_or(0);
            let roles = items(file.get(record, "ALLJOBROLES"));
            for role in &roles {
                assert!(tables.job_roles.contains(role.parse().unwrap_or(0)), "W69");
            }
            for column in ["STARTERS", "LEAVERS", "VACANCIES"] {
                let value = file.get(record, column);
                if value != "999" {
                    assert_eq!(items(value).len(), roles.len(), "W71–W73 {column}");
                }
            }
            if let Some(starters) = list_sum(file.get(record, "STARTERS")) {
                assert!(starters <= total, "XW2 at {local_id}");
            }
            let leavers = list_sum(file.get(record, "LEAVERS"));
            if let Some(leavers) = leavers {
                assert!(leavers < total, "XW3 at {local_id}");
            }
            let vacancies_field = file.get(record, "VACANCIES");
            if let Some(vacancies) = list_sum(vacancies_field) {
                assert!(vacancies < total, "XW4 at {local_id}");
            }
            if regtype != "2" {
                let position = roles.iter().position(|role| *role == "4");
                let vacancy = position.and_then(|index| items(vacancies_field).get(index).copied());
                assert!(
                    vacancy.is_none_or(|value| value == "0"),
                    "W70 at {local_id}"
                );
            }
            if regtype == "2" && main != special::HEAD_OFFICE && !managers.contains(local_id) {
                let position = roles.iter().position(|role| *role == "4");
                let vacancy = position.and_then(|index| items(vacancies_field).get(index).copied());
                assert!(
                    vacancy.is_some_and(|value| value != "0"),
                    "XW5 at {local_id}"
                );
            }
            let reasons = items(file.get(record, "REASONS"));
            let reason_numbers = items(file.get(record, "REASONNOS"));
            assert_eq!(reasons.len(), reason_numbers.len(), "W79");
            if let Some(leavers) = leavers.filter(|&leavers| leavers > 0) {
                let sum: u32 = reason_numbers
                    .iter()
                    .map(|value| value.parse::<u32>().unwrap_or(0))
                    .sum();
                assert_eq!(sum, leavers, "W80 at {local_id}");
            }

            let sleep_ins = file.get(record, "SLEEPINS");
            assert!(sleep_ins.is_empty() || service.asks_sleep_ins(), "W94");
            assert!(
                file.get(record, "SLEEPINPAY").is_empty() || sleep_ins == "1",
                "W95"
            );
            let travel = file.get(record, "TRAVELTIME");
            assert!(travel.is_empty() || service.asks_travel_time(), "W99");
            let rate = file.get(record, "TTDIFFRATE");
            assert!(rate.is_empty() || travel == "3", "W100");
            assert!(
                rate.is_empty()
                    || rate
                        .parse::<f64>()
                        .is_ok_and(|pounds| (2.5..=200.0).contains(&pounds)),
                "W101"
            );
            let pension = file.get(record, "PENSION");
            let contribution = file.get(record, "ACTUALCONT");
            assert!(contribution.is_empty() || pension == "1", "W90");
            assert!(
                contribution.is_empty()
                    || contribution
                        .parse::<f64>()
                        .is_ok_and(|c| c > 3.0 && c <= 100.0),
                "W91"
            );
            let cwp_use = file.get(record, "CWPUSE");
            let description = file.get(record, "CWPUSEDESC");
            assert!(
                description.is_empty()
                    || items(cwp_use).iter().skip(1).any(|reason| *reason == "10"),
                "W86"
            );
            assert!(
                file.get(record, "HOLIDAY")
                    .bytes()
                    .all(|b| b.is_ascii_digit()),
                "W88"
            );
        }
    }
}

#[test]
#[allow(clippy::too_many_lines)]
fn staff_lines_obey_the_staff_rules() {
    let tables = carecount_codes::tables();
    for seed in [1, 2] {
        let upload = upload(60, 3000, seed);
        let workplaces = parse(&upload.workplace);
        let file = parse(&upload.staff);
        let mut regulated = BTreeMap::new();
        let mut workplace_dha = BTreeMap::new();
        let mut workplace_service = BTreeMap::new();
        for record in &workplaces.records {
            let local_id = workplaces.get(record, "LOCALESTID");
            regulated.insert(local_id, workplaces.get(record, "REGTYPE") == "2");
            workplace_dha.insert(local_id, workplaces.get(record, "DHA"));
            workplace_service.insert(
                local_id,
                workplaces
                    .get(record, "MAINSERVICE")
                    .parse::<u32>()
                    .unwrap_or(0),
            );
        }
        let mut keys = BTreeSet::new();
        let mut ni_numbers = BTreeSet::new();
        // (role, salary) pairs of full-time salaried lines, for XS4.
        let mut full_time_salaries = BTreeSet::new();
        let mut part_time_salaries = Vec::new();
        for record in &file.records {
            let get = |name: &str| file.get(record, name);
            let local_id = get("LOCALESTID");
            assert!(regulated.contains_key(local_id), "XS2");
            assert!(keys.insert((local_id, get("UNIQUEWORKERID"))), "XS1");
            let display = get("DISPLAYID");
            assert!(!display.is_empty() && display.len() < 50, "S07/S08");
            let ni = get("NINUMBER");
            if !ni.is_empty() {
                assert!(is_ni_number(ni), "S16: {ni}");
                assert!(ni_numbers.insert(ni), "NI {ni} repeated");
            }
            assert!(
                is_staff_postcode(get("POSTCODE")),
                "S17/S18: {}",
                get("POSTCODE")
            );
            let Some(birth) = date(get("DOB")) else {
                panic!("S19/S20: {}", get("DOB"))
            };
            let years = age(birth, AS_OF);
            assert!((16..=80).contains(&years), "age {years}");
            assert!(["1", "2", "3", "4"].contains(&get("GENDER")), "S22");
            assert!(
                tables
                    .ethnicities
                    .contains(get("ETHNICITY").parse().unwrap_or(0)),
                "S24"
            );
            let nationality: u32 = get("NATIONALITY").parse().unwrap_or(0);
            assert!(tables.nationalities.contains(nationality), "S26");
            let citizenship = get("BRITISHCITIZENSHIP");
            assert!(citizenship.is_empty() || nationality != 826, "S27");
            let country = get("COUNTRYOFBIRTH");
            if !country.is_empty() {
                assert!(
                    tables.countries.contains(country.parse().unwrap_or(0)),
                    "S30"
                );
            }
            let entry = get("YEAROFENTRY");
            let Some(start) = date(get("STARTDATE")) else {
                panic!("S49/S50")
            };
            if !entry.is_empty() {
                assert!(!country.is_empty() && country != "826", "S34/S35");
                let year: i32 = entry.parse().unwrap_or(0);
                assert!(year <= AS_OF.year() && year >= birth.year(), "S32/S33");
                assert!(start.year() >= year, "S53");
            }
            let visa_applies = (nationality != 826 && nationality != 998 && citizenship != "1")
                || (nationality == 998 && citizenship == "2");
            let visa = get("HANDCVISA");
            assert!(visa.is_empty() || visa_applies, "S36");
            assert!(get("INOUTUK").is_empty() || visa == "1", "S38");
            assert!(start <= AS_OF, "S51");
            assert!(age(birth, start) >= 14, "S52");
            let sector = get("STARTINSECT");
            if sector != "999" {
                let year: i32 = sector.parse().unwrap_or(0);
                assert!(year <= start.year() && year >= birth.year() + 14, "S56/S57");
            }
            let level_two = get("L2CARECERT");
            if let Some(year) = level_two.strip_prefix("1;") {
                let year: i32 = year.parse().unwrap_or(0);
                assert!((2024..=AS_OF.year()).contains(&year), "S45/S46");
            }
            let contract = get("EMPLSTATUS");
            assert!(["1", "2", "3", "4", "7"].contains(&contract), "S15");
            let zero_hours = get("ZEROHRCONT");
            assert!(["1", "2", "999"].contains(&zero_hours), "S61 and no S60");
            let contracted = get("CONTHOURS");
            let average = get("AVGHOURS");
            if !contracted.is_empty() {
                assert!(hours_ok(contracted), "S80/S81");
                assert!(zero_hours == "2", "S62/S78");
                assert!(contract == "1" || contract == "2", "S79");
                assert!(contracted != "0", "S63");
            }
            if !average.is_empty() {
                assert!(hours_ok(average), "S83/S84");
                assert!(
                    !(contract == "1" || contract == "2") || zero_hours == "1",
                    "S82"
                );
            }
            let days_sick = get("DAYSSICK");
            if !days_sick.is_empty() && days_sick != "999" {
                let value: f64 = days_sick.parse().unwrap_or(-1.0);
                assert!(
                    (0.0..=366.0).contains(&value) && (value * 2.0).fract() == 0.0,
                    "S64"
                );
            }
            let role: u32 = get("MAINJOBROLE").parse().unwrap_or(0);
            let Some(job_role) = tables.job_roles.get(role) else {
                panic!("S74: {role}")
            };
            let interval = get("SALARYINT");
            let salary = get("SALARY");
            let hourly = get("HOURLYRATE");
            match interval {
                "1" => {
                    let pounds: u32 = salary.parse().unwrap_or(0);
                    let ceiling = if role == 1 { 250_000 } else { 200_000 };
                    assert!((500..=ceiling).contains(&pounds), "S67");
                    assert!(hourly.is_empty(), "S72");
                    match contracted.parse::<f64>() {
                        Ok(hours) if hours > 36.0 && hours < 37.0 => panic!("XS4 self-match"),
                        Ok(hours) if hours > 36.0 => {
                            full_time_salaries.insert((role, pounds));
                        }
                        Ok(_) => part_time_salaries.push((role, pounds)),
                        Err(_) => {}
                    }
                }
                "3" => {
                    let (pounds, pence) = hourly.split_once('.').unwrap_or((hourly, ""));
                    assert!(
                        !pounds.is_empty() && pounds.bytes().all(|b| b.is_ascii_digit()),
                        "S70"
                    );
                    assert!(
                        pence.len() <= 2 && pence.bytes().all(|b| b.is_ascii_digit()),
                        "S70"
                    );
                    assert!(salary.is_empty(), "S69");
                }
                "999" => assert!(salary.is_empty() && hourly.is_empty(), "S68/S71"),
                other => panic!("S66: {other}"),
            }
            let description = get("MAINJRDESC");
            assert_eq!(role == 23 || role == 27, !description.is_empty(), "S75/S77");
            assert!(description.len() < 120, "S76");
            assert_eq!(role == 16, !get("NMCREG").is_empty(), "S85/S86");
            assert_eq!(role == 6, !get("AMHP").is_empty(), "S88/S90");
            let social_care = get("SCQUAL");
            match social_care.split_once(';') {
                Some(("1", level)) => assert!(
                    tables
                        .qualification_levels
                        .contains(level.parse().unwrap_or(100)),
                    "S95"
                ),
                None => assert!(
                    social_care == "2" || social_care == "999",
                    "S91/S92/S93: {social_care}"
                ),
                Some(_) => panic!("S92: {social_care}"),
            }
            let mut held = BTreeSet::new();
            for column in ["QUALACH01", "QUALACH02", "QUALACH03"] {
                let value = get(column);
                if value.is_empty() {
                    continue;
                }
                let Some((code, year)) = value.split_once(';') else {
                    panic!("S101: {value}")
                };
                let code: u32 = code.parse().unwrap_or(0);
                assert!(tables.qualifications.contains(code), "S100");
                assert!(held.insert(code), "same qualification twice");
                let year: i32 = year.parse().unwrap_or(0);
                assert!(year <= AS_OF.year() && year >= AS_OF.year() - 100, "S103");
            }
            assert!(
                role != 4 || regulated.get(local_id).copied().unwrap_or(false),
                "XS5 at {local_id}"
            );
            if !get("DHA").is_empty() {
                assert!(job_role.can_do_dha, "XS9");
                let service = workplace_service
                    .get(local_id)
                    .and_then(|code| tables.services.get(*code));
                assert!(service.is_some_and(|service| service.dha_allowed), "XS10");
                assert!(workplace_dha.get(local_id).copied() != Some("2"), "XS11");
            }
        }
        for pair in &part_time_salaries {
            assert!(!full_time_salaries.contains(pair), "XS4: {pair:?}");
        }
    }
}

#[test]
fn training_lines_obey_the_training_rules() {
    let tables = carecount_codes::tables();
    let upload = upload(40, 2000, 4);
    let staff = parse(&upload.staff);
    let file = parse(&upload.training);
    let mut births = BTreeMap::new();
    for record in &staff.records {
        births.insert(
            (
                staff.get(record, "LOCALESTID"),
                staff.get(record, "UNIQUEWORKERID"),
            ),
            date(staff.get(record, "DOB")),
        );
    }
    let mut matched_expiry = 0;
    for record in &file.records {
        let get = |name: &str| file.get(record, name);
        let key = (get("LOCALESTID"), get("UNIQUEWORKERID"));
        let Some(birth) = births.get(&key).copied().flatten() else {
            panic!("XT1/XT2: {key:?}")
        };
        assert!(
            tables
                .training_categories
                .contains(get("CATEGORY").parse().unwrap_or(0)),
            "T10"
        );
        assert!(get("TRAININGNAME").len() <= 120, "T09");
        assert!(["", "0", "1", "999"].contains(&get("ACCREDITED")), "T11");
        let who = get("WHODELIVERED");
        assert!(["", "1", "2"].contains(&who), "T13");
        let provider = get("PROVIDERNAME");
        assert!(provider.is_empty() || who == "2", "T14");
        if who == "2" {
            assert!(
                tables
                    .training_providers
                    .contains(provider.parse().unwrap_or(0)),
                "T15"
            );
        }
        assert!(["", "1", "2"].contains(&get("HOWDELIVERED")), "T16");
        let completed = get("DATECOMPLETED");
        let expiry = get("EXPIRYDATE");
        let completed_date = if completed.is_empty() {
            None
        } else {
            let Some(done) = date(completed) else {
                panic!("T05: {completed}")
            };
            assert!(done <= AS_OF, "T06");
            assert!(age(birth, done) >= 14, "XT3");
            Some(done)
        };
        if !expiry.is_empty() {
            let Some(expires) = date(expiry) else {
                panic!("T07: {expiry}")
            };
            assert!(completed_date.is_none_or(|done| expires > done), "T08");
        }
        match get("VALIDITY") {
            "" => {}
            "none" => assert!(expiry.is_empty(), "T18"),
            months => {
                let months: i32 = months.parse().unwrap_or(0);
                assert!((1..=999).contains(&months), "T17");
                if let (Some(done), false) = (completed_date, expiry.is_empty()) {
                    assert_eq!(date(expiry), expected_expiry(done, months), "T19");
                    matched_expiry += 1;
                }
            }
        }
        assert!(get("NOTES").len() <= 1000, "T12");
    }
    assert!(
        matched_expiry > 100,
        "the T19 check ran on {matched_expiry} lines only"
    );
}
