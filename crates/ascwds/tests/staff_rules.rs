//! Staff file rules S01–S105 and XS1–XS11 (`ascwds-formats.md` §3.4), the `Admin` replacement,
//! the UPDATE merge and the writer round trip. Expectations come from the spec tables by hand.
//!
//! Most tests call `staff::validate_lines` with hand-made workplace lines, so that each staff rule
//! is tested alone; `end_to_end_*` tests go through `carecount_ascwds::validate`.

use std::collections::HashMap;

use carecount_ascwds::csv::read;
use carecount_ascwds::recognise::staff_base_header;
use carecount_ascwds::staff::{StaffLine, validate_lines, write};
use carecount_ascwds::workplace::WorkplaceLine;
use carecount_ascwds::{
    ExistingStaff, ExistingState, ExistingWorkplace, FileKind, Given, InputFile, Message,
    ParsedFile, Severity,
};
use carecount_domain::{
    Answer, Hundredths, Qualification, QualificationAnswer, Staff, StaffPersonal, Status,
    WorkforceCounts, Workplace, key,
};
use time::Date;
use time::macros::date;

/// "Today" for every test: 2 December 2026.
const AS_OF: Date = date!(2026 - 12 - 02);

/// A clean NEW line for WP1/S1: a permanent care worker paid hourly.
fn base() -> Vec<(&'static str, &'static str)> {
    vec![
        ("LOCALESTID", "WP1"),
        ("UNIQUEWORKERID", "S1"),
        ("STATUS", "NEW"),
        ("DISPLAYID", "Alice"),
        ("NINUMBER", "AB123456C"),
        ("POSTCODE", "LS1 1AA"),
        ("DOB", "15/03/1990"),
        ("GENDER", "2"),
        ("ETHNICITY", "31"),
        ("NATIONALITY", "826"),
        ("COUNTRYOFBIRTH", "826"),
        ("DISABLED", "0"),
        ("CARECERT", "1"),
        ("L2CARECERT", "1;2025"),
        ("RECSOURCE", "1"),
        ("STARTDATE", "01/06/2015"),
        ("STARTINSECT", "2010"),
        ("APPRENTICE", "2"),
        ("EMPLSTATUS", "1"),
        ("ZEROHRCONT", "2"),
        ("DAYSSICK", "3.5"),
        ("SALARYINT", "3"),
        ("HOURLYRATE", "11.50"),
        ("MAINJOBROLE", "8"),
        ("CONTHOURS", "37.5"),
        ("SCQUAL", "1;2"),
        ("NONSCQUAL", "2"),
        ("CWPCATEGORY", "2"),
    ]
}

/// The record the clean base line means, written out by hand from `base()`.
fn base_record() -> Staff {
    Staff {
        localestid: "WP1".into(),
        unique_worker_id: "S1".into(),
        gender: Some(2),
        ethnicity: Some(31),
        nationality: Some(826),
        british_citizenship: None,
        country_of_birth: Some(826),
        year_of_entry: None,
        disabled: Some(0),
        care_certificate: Some(1),
        l2_care_certificate: Some(1),
        l2_care_certificate_year: Some(2025),
        recruitment_source: Some(1),
        health_care_visa: None,
        employed_from_outside_uk: None,
        start_date: Some(date!(2015 - 06 - 01)),
        start_in_sector: Some(2010),
        dha: None,
        apprentice: Some(Answer::No),
        contract: 1,
        zero_hours: Some(Answer::No),
        // 3.5 days = 7 half days.
        days_sick_halves: Some(7),
        days_sick_unknown: false,
        salary_interval: Some(3),
        salary: None,
        // £11.50 = 1150 pence.
        hourly_rate: Some(Hundredths(1150)),
        main_job_role: 8,
        main_job_role_desc: None,
        // 37.5 hours = 75 half hours.
        contracted_hours_halves: Some(75),
        contracted_hours_unknown: false,
        average_hours_halves: None,
        average_hours_unknown: false,
        nmc_registration: None,
        amhp: None,
        social_care_qualification: Some(QualificationAnswer::Yes { level: 2 }),
        non_social_care_qualification: Some(QualificationAnswer::No),
        cwp_category: Some(2),
        qualifications: Vec::new(),
        personal: StaffPersonal {
            display_id: "Alice".into(),
            ni_number: Some("AB123456C".into()),
            date_of_birth: Some(date!(1990 - 03 - 15)),
            postcode: Some("LS1 1AA".into()),
        },
    }
}

type Line = HashMap<String, String>;

/// The base line with some columns replaced.
fn line(overrides: &[(&str, &str)]) -> Line {
    let mut values: Line = base()
        .into_iter()
        .map(|(c, v)| (c.to_string(), v.to_string()))
        .collect();
    for (column, value) in overrides {
        values.insert(column.to_string(), value.to_string());
    }
    values
}

fn quote(value: &str) -> String {
    if value.contains([',', '"', '\n']) || value.starts_with(' ') || value.ends_with(' ') {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// A staff file: the base header, with the optional columns when `optional` names them, and
/// `extra_pairs` QUALACH pairs after QUALACH03.
fn staff_text(optional: &[&str], extra_pairs: u32, lines: &[Line]) -> String {
    let base_header = staff_base_header();
    let mut columns: Vec<String> = base_header.split(',').map(str::to_string).collect();
    for (offset, column) in ["CHGUNIQUEWRKID", "TRANSFERSTAFFRECORD"]
        .iter()
        .filter(|c| optional.contains(c))
        .enumerate()
    {
        columns.insert(2 + offset, column.to_string());
    }
    for number in 4..4 + extra_pairs {
        columns.push(format!("QUALACH{number:02}"));
        columns.push(format!("QUALACH{number:02}NOTES"));
    }
    let mut text = columns.join(",");
    text.push('\n');
    for values in lines {
        let fields: Vec<String> = columns
            .iter()
            .map(|c| quote(values.get(c).map(String::as_str).unwrap_or("")))
            .collect();
        text.push_str(&fields.join(","));
        text.push('\n');
    }
    text
}

fn parsed(text: &str) -> ParsedFile {
    ParsedFile::new("staff.csv".into(), read(text.as_bytes()))
}

/// A workplace line as the workplace rules would give it.
fn workplace(
    localestid: &str,
    status: Status,
    cqc: bool,
    main_service: u32,
    dha: Option<Answer>,
) -> WorkplaceLine {
    WorkplaceLine {
        line: 2,
        localestid: localestid.into(),
        key: key(localestid),
        status: Some(status),
        kept: true,
        record: None,
        cqc_regulated: status.is_full().then_some(cqc),
        main_service: status.is_full().then_some(main_service),
        dha: if status.is_full() { dha } else { None },
        cross: Default::default(),
    }
}

/// WP1 and WP2: NEW, CQC regulated, care home with nursing (service 1, DHA allowed), DHA Yes.
fn new_workplaces() -> Vec<WorkplaceLine> {
    vec![
        workplace("WP1", Status::New, true, 1, Some(Answer::Yes)),
        workplace("WP2", Status::New, true, 1, Some(Answer::Yes)),
    ]
}

fn run_file(
    text: &str,
    existing: &ExistingState,
    workplaces: &[WorkplaceLine],
) -> (Vec<StaffLine>, Vec<Message>) {
    validate_lines(&parsed(text), existing, workplaces, AS_OF)
}

/// One NEW line, empty account.
fn run(overrides: &[(&str, &str)]) -> (Vec<StaffLine>, Vec<Message>) {
    run_file(
        &staff_text(&[], 0, &[line(overrides)]),
        &ExistingState::default(),
        &new_workplaces(),
    )
}

fn messages_of(overrides: &[(&str, &str)]) -> Vec<Message> {
    run(overrides).1
}

/// Whether a message with this code, severity and column is there.
fn has(messages: &[Message], code: u32, severity: Severity, column: &str) -> bool {
    messages
        .iter()
        .any(|m| m.code == code && m.severity == severity && m.column == column)
}

fn assert_has(messages: &[Message], code: u32, severity: Severity, column: &str) {
    assert!(
        has(messages, code, severity, column),
        "expected {code} {severity:?} {column} in {messages:#?}"
    );
}

fn only(messages: &[Message], code: u32, severity: Severity, column: &str) {
    assert_eq!(
        messages.len(),
        1,
        "expected exactly one message, got {messages:#?}"
    );
    assert_has(messages, code, severity, column);
}

/// A stored staff record WP1/`worker` holding the base record's values.
fn stored_staff(localestid: &str, worker: &str) -> ExistingStaff {
    let mut record = base_record();
    record.localestid = localestid.into();
    record.unique_worker_id = worker.into();
    ExistingStaff {
        record,
        days_sick_saved_on: Some(date!(2026 - 01 - 10)),
    }
}

fn stored_workplace(
    localestid: &str,
    cqc_regulated: bool,
    main_service: u32,
    dha: Option<Answer>,
) -> ExistingWorkplace {
    let none = WorkforceCounts::default();
    ExistingWorkplace {
        record: Workplace {
            localestid: localestid.into(),
            name: format!("{localestid} home"),
            address1: "1 Street".into(),
            address2: String::new(),
            address3: String::new(),
            post_town: "Leeds".into(),
            postcode: "LS1 1AA".into(),
            employer_type: Some(6),
            employer_type_other: None,
            share_with_cqc: None,
            share_with_la: None,
            cqc_regulated,
            provider_id: None,
            location_id: None,
            main_service,
            services: Vec::new(),
            no_other_services: false,
            service_users: Vec::new(),
            dha,
            dha_activities: None,
            total_perm_temp: 10,
            job_roles: Vec::new(),
            starters: none.clone(),
            leavers: none.clone(),
            vacancies: none,
            leaving_reasons: Vec::new(),
            repeat_training: None,
            cwp_aware: None,
            cwp_use: None,
            cwp_use_desc: None,
            sick_pay: None,
            pension: None,
            pension_contribution: None,
            pension_opt_out: None,
            holiday_days: None,
            sleep_ins: None,
            sleep_in_pay: None,
            travel_time: None,
            travel_time_rate: None,
        },
        primary: localestid == "WP1",
    }
}

fn state(staff: Vec<ExistingStaff>) -> ExistingState {
    ExistingState::new(
        vec![
            stored_workplace("WP1", true, 1, Some(Answer::Yes)),
            stored_workplace("WP2", true, 1, Some(Answer::Yes)),
        ],
        staff,
        Vec::new(),
        Vec::new(),
    )
}

fn update_workplaces() -> Vec<WorkplaceLine> {
    vec![
        workplace("WP1", Status::Update, true, 1, Some(Answer::Yes)),
        workplace("WP2", Status::Update, true, 1, Some(Answer::Yes)),
    ]
}

// ---------------------------------------------------------------------------------------------
// A clean line.

#[test]
fn a_clean_line_gives_no_message_and_the_record_it_means() {
    let (lines, messages) = run(&[]);
    assert!(messages.is_empty(), "{messages:#?}");
    let [staff] = lines.as_slice() else {
        panic!("one line expected")
    };
    assert_eq!(staff.line, 2);
    assert!(staff.accepted);
    assert_eq!(staff.status, Some(Status::New));
    assert_eq!(staff.workplace_key, key("WP1"));
    assert_eq!(staff.worker_key, key("S1"));
    assert_eq!(staff.main_job_role, Some(8));
    assert_eq!(staff.date_of_birth, Some(date!(1990 - 03 - 15)));
    assert_eq!(staff.record.as_ref(), Some(&base_record()));
}

// ---------------------------------------------------------------------------------------------
// S01–S13: keys and STATUS.

#[test]
fn s01_s02_localestid_blank_or_50_long() {
    // A blank LOCALESTID also matches no workplace: S01 and XS2.
    let messages = messages_of(&[("LOCALESTID", "")]);
    assert_has(&messages, 1010, Severity::Error, "LOCALESTID");
    let fifty = "W".repeat(50);
    let (_, messages) = run_file(
        &staff_text(&[], 0, &[line(&[("LOCALESTID", &fifty)])]),
        &ExistingState::default(),
        &[workplace(&fifty, Status::New, true, 1, Some(Answer::Yes))],
    );
    only(&messages, 1010, Severity::Error, "LOCALESTID");
    // 49 characters is below the limit of 50.
    let forty_nine = "W".repeat(49);
    let (_, messages) = run_file(
        &staff_text(&[], 0, &[line(&[("LOCALESTID", &forty_nine)])]),
        &ExistingState::default(),
        &[workplace(
            &forty_nine,
            Status::New,
            true,
            1,
            Some(Answer::Yes),
        )],
    );
    assert!(messages.is_empty(), "{messages:#?}");
}

#[test]
fn s03_s04_uniqueworkerid_blank_or_50_long() {
    only(
        &messages_of(&[("UNIQUEWORKERID", "")]),
        1020,
        Severity::Error,
        "UNIQUEWORKERID",
    );
    only(
        &messages_of(&[("UNIQUEWORKERID", &"S".repeat(50))]),
        1020,
        Severity::Error,
        "UNIQUEWORKERID",
    );
    assert!(messages_of(&[("UNIQUEWORKERID", &"S".repeat(49))]).is_empty());
}

#[test]
fn s05_chguniquewrkid_50_long() {
    let text = staff_text(
        &["CHGUNIQUEWRKID"],
        0,
        &[line(&[("CHGUNIQUEWRKID", &"N".repeat(50))])],
    );
    let (lines, messages) = run_file(&text, &ExistingState::default(), &new_workplaces());
    only(&messages, 1030, Severity::Error, "CHGUNIQUEWRKID");
    // Not accepted: the line keeps its old reference as key.
    assert_eq!(lines[0].worker_key, key("S1"));
}

#[test]
fn s06_transfer_of_a_record_that_does_not_exist() {
    let text = staff_text(
        &["TRANSFERSTAFFRECORD"],
        0,
        &[line(&[("TRANSFERSTAFFRECORD", "WP2")])],
    );
    let (_, messages) = run_file(&text, &ExistingState::default(), &new_workplaces());
    // NEW line: only S06 (no transfer checks, they are for UPDATE lines).
    only(&messages, 1400, Severity::Error, "LOCALESTID");
}

#[test]
fn s07_s08_displayid_blank_or_50_long() {
    only(
        &messages_of(&[("DISPLAYID", "")]),
        1050,
        Severity::Error,
        "DISPLAYID",
    );
    only(
        &messages_of(&[("DISPLAYID", &"D".repeat(50))]),
        1050,
        Severity::Error,
        "DISPLAYID",
    );
}

#[test]
fn s09_status_not_one_of_the_five() {
    only(
        &messages_of(&[("STATUS", "CHGSUB")]),
        1040,
        Severity::Error,
        "STATUS",
    );
    only(
        &messages_of(&[("STATUS", "")]),
        1040,
        Severity::Error,
        "STATUS",
    );
    // A quoted value keeps its spaces: " NEW " is not NEW.
    only(
        &messages_of(&[("STATUS", " NEW ")]),
        1040,
        Severity::Error,
        "STATUS",
    );
    // Any case is accepted.
    assert!(messages_of(&[("STATUS", "new")]).is_empty());
}

#[test]
fn s10_new_but_the_record_exists() {
    let existing = state(vec![stored_staff("WP1", "S1")]);
    let (lines, messages) = run_file(
        &staff_text(&[], 0, &[line(&[])]),
        &existing,
        &update_workplaces(),
    );
    only(&messages, 1040, Severity::Error, "STATUS");
    assert!(lines[0].record.is_none());
}

#[test]
fn s11_s12_status_needs_an_existing_record() {
    only(
        &messages_of(&[("STATUS", "DELETE")]),
        1040,
        Severity::Error,
        "STATUS",
    );
    for status in ["UPDATE", "UNCHECKED", "NOCHANGE"] {
        only(
            &messages_of(&[("STATUS", status)]),
            1040,
            Severity::Error,
            "STATUS",
        );
    }
}

#[test]
fn s13_days_sick_unchanged_since_an_earlier_import() {
    // Stored: 3 days (6 half days), saved 10/01/2026. Line: 3.5, whose integer part is 3.
    let mut stored = stored_staff("WP1", "S1");
    stored.record.days_sick_halves = Some(6);
    let existing = state(vec![stored.clone()]);
    let run_status = |status: &str, existing: &ExistingState| {
        let text = staff_text(&[], 0, &[line(&[("STATUS", status), ("DAYSSICK", "3.5")])]);
        run_file(&text, existing, &update_workplaces()).1
    };
    only(
        &run_status("UPDATE", &existing),
        3240,
        Severity::Warning,
        "DAYSSICK",
    );
    only(
        &run_status("NOCHANGE", &existing),
        3240,
        Severity::Warning,
        "DAYSSICK",
    );
    // STATUS is compared as written: lower case does not trigger it.
    assert!(run_status("update", &existing).is_empty());
    // Saved today (the as-of date) does not count as "before today".
    stored.days_sick_saved_on = Some(AS_OF);
    assert!(run_status("UPDATE", &state(vec![stored.clone()])).is_empty());
    // Stored 3.5 days (7 halves) is not equal to the integer part 3.
    stored.days_sick_saved_on = Some(date!(2026 - 01 - 10));
    stored.record.days_sick_halves = Some(7);
    assert!(run_status("UPDATE", &state(vec![stored])).is_empty());
}

#[test]
fn unchecked_delete_and_nochange_lines_stop_after_status() {
    let existing = state(vec![stored_staff("WP1", "S1")]);
    for status in ["UNCHECKED", "DELETE", "NOCHANGE"] {
        let text = staff_text(
            &[],
            0,
            &[line(&[
                ("STATUS", status),
                ("EMPLSTATUS", "9"),
                ("POSTCODE", "bad"),
                ("SCQUAL", ""),
            ])],
        );
        let (lines, messages) = run_file(&text, &existing, &update_workplaces());
        assert!(messages.is_empty(), "{status}: {messages:#?}");
        assert!(lines[0].record.is_none());
        assert!(lines[0].accepted);
    }
}

// ---------------------------------------------------------------------------------------------
// S14–S35.

#[test]
fn s14_s15_emplstatus() {
    only(
        &messages_of(&[("EMPLSTATUS", "")]),
        1220,
        Severity::Error,
        "EMPLSTATUS",
    );
    only(
        &messages_of(&[("EMPLSTATUS", "0")]),
        1220,
        Severity::Error,
        "EMPLSTATUS",
    );
    only(
        &messages_of(&[("EMPLSTATUS", "abc")]),
        1220,
        Severity::Error,
        "EMPLSTATUS",
    );
    only(
        &messages_of(&[("EMPLSTATUS", "5")]),
        1220,
        Severity::Error,
        "EMPLSTATUS",
    );
    // 2 Temporary is a contract with CONTHOURS.
    assert!(messages_of(&[("EMPLSTATUS", "2")]).is_empty());
}

#[test]
fn s16_ni_number_format() {
    only(
        &messages_of(&[("NINUMBER", "AB12345")]),
        1060,
        Severity::Error,
        "NINUMBER",
    );
    only(
        &messages_of(&[("NINUMBER", "A B123456")]),
        1060,
        Severity::Error,
        "NINUMBER",
    );
    assert!(messages_of(&[("NINUMBER", "ab 12 34 56 c")]).is_empty());
    assert!(messages_of(&[("NINUMBER", "")]).is_empty());
}

#[test]
fn s17_s18_postcode() {
    only(
        &messages_of(&[("POSTCODE", "")]),
        3070,
        Severity::Warning,
        "POSTCODE",
    );
    only(
        &messages_of(&[("POSTCODE", "LS11AA")]),
        1070,
        Severity::Error,
        "POSTCODE",
    );
    only(
        &messages_of(&[("POSTCODE", "LS1  1AA")]),
        1070,
        Severity::Error,
        "POSTCODE",
    );
}

#[test]
fn s19_s20_s21_date_of_birth() {
    only(&messages_of(&[("DOB", "")]), 3080, Severity::Warning, "DOB");
    only(
        &messages_of(&[("DOB", "1990-03-15")]),
        3080,
        Severity::Warning,
        "DOB",
    );
    // 01/01/2020 is 6 years before 02/12/2026: younger than 14, ignored.
    let (lines, messages) = run(&[("DOB", "01/01/2020"), ("STARTDATE", "")]);
    assert_has(&messages, 3080, Severity::Warning, "DOB");
    assert_eq!(
        lines[0]
            .record
            .as_ref()
            .and_then(|r| r.personal.date_of_birth),
        None
    );
    // Exactly 14 years: 02/12/2012 is accepted; a day later (03/12/2012) is not.
    assert!(!has(
        &messages_of(&[
            ("DOB", "02/12/2012"),
            ("STARTDATE", ""),
            ("STARTINSECT", "")
        ]),
        3080,
        Severity::Warning,
        "DOB"
    ));
    assert_has(
        &messages_of(&[
            ("DOB", "03/12/2012"),
            ("STARTDATE", ""),
            ("STARTINSECT", ""),
        ]),
        3080,
        Severity::Warning,
        "DOB",
    );
    // Older than 100: 01/12/1926 is before 02/12/1926.
    assert_has(
        &messages_of(&[("DOB", "01/12/1926")]),
        3080,
        Severity::Warning,
        "DOB",
    );
    // Two-digit year 67 is read as 2067: in the future, so ignored.
    assert_has(
        &messages_of(&[("DOB", "06/04/67")]),
        3080,
        Severity::Warning,
        "DOB",
    );
}

#[test]
fn s22_gender() {
    only(
        &messages_of(&[("GENDER", "5")]),
        1090,
        Severity::Error,
        "GENDER",
    );
    assert!(messages_of(&[("GENDER", "4")]).is_empty());
}

#[test]
fn s23_s24_ethnicity_and_its_silent_zero() {
    only(
        &messages_of(&[("ETHNICITY", "x")]),
        1100,
        Severity::Error,
        "ETHNICITY",
    );
    only(
        &messages_of(&[("ETHNICITY", "5")]),
        1100,
        Severity::Error,
        "ETHNICITY",
    );
    let (lines, messages) = run(&[("ETHNICITY", "0")]);
    assert!(messages.is_empty());
    assert_eq!(lines[0].record.as_ref().and_then(|r| r.ethnicity), None);
}

#[test]
fn s25_s26_nationality() {
    only(
        &messages_of(&[("NATIONALITY", "abc")]),
        1110,
        Severity::Error,
        "NATIONALITY",
    );
    // 1 is not a nationality code (A.6 starts at 4).
    only(
        &messages_of(&[("NATIONALITY", "1")]),
        1110,
        Severity::Error,
        "NATIONALITY",
    );
    assert!(messages_of(&[("NATIONALITY", "0")]).is_empty());
    assert!(messages_of(&[("NATIONALITY", "998"), ("BRITISHCITIZENSHIP", "1")]).is_empty());
}

#[test]
fn s27_s28_british_citizenship() {
    only(
        &messages_of(&[("BRITISHCITIZENSHIP", "1")]),
        3120,
        Severity::Warning,
        "BRITISHCITIZENSHIP",
    );
    // Afghan (4), answer 3 is not 1/2/999.
    only(
        &messages_of(&[("NATIONALITY", "4"), ("BRITISHCITIZENSHIP", "3")]),
        1120,
        Severity::Error,
        "BRITISHCITIZENSHIP",
    );
}

#[test]
fn s29_s30_country_of_birth() {
    only(
        &messages_of(&[("COUNTRYOFBIRTH", "x")]),
        1130,
        Severity::Error,
        "COUNTRYOFBIRTH",
    );
    only(
        &messages_of(&[("COUNTRYOFBIRTH", "1")]),
        1130,
        Severity::Error,
        "COUNTRYOFBIRTH",
    );
    assert!(messages_of(&[("COUNTRYOFBIRTH", "0")]).is_empty());
}

#[test]
fn s31_to_s35_year_of_entry() {
    let abroad = [("COUNTRYOFBIRTH", "4")];
    let with = |year: &str| {
        let mut overrides = abroad.to_vec();
        overrides.push(("YEAROFENTRY", year));
        messages_of(&overrides)
    };
    only(&with("15"), 1380, Severity::Error, "YEAROFENTRY");
    // The as-of year is 2026: 2027 is in the future. The rejected year still takes part in the
    // STARTDATE check (§3.3): 01/06/2015 is before 01/01/2027, so S53 fires as well.
    let messages = with("2027");
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert_has(&messages, 1380, Severity::Error, "YEAROFENTRY");
    assert_has(&messages, 3190, Severity::Warning, "STARTDATE");
    // DOB 1990: 1985 is before it.
    only(&with("1985"), 1380, Severity::Error, "YEAROFENTRY/DOB");
    assert!(with("2010").is_empty());
    only(
        &messages_of(&[("COUNTRYOFBIRTH", ""), ("YEAROFENTRY", "2010")]),
        3380,
        Severity::Warning,
        "YEAROFENTRY/COUNTRYOFBIRTH",
    );
    let (lines, messages) = run(&[("YEAROFENTRY", "2010")]);
    only(
        &messages,
        3380,
        Severity::Warning,
        "YEAROFENTRY/COUNTRYOFBIRTH",
    );
    assert_eq!(lines[0].record.as_ref().and_then(|r| r.year_of_entry), None);
}

#[test]
fn per_line_deduplication_keeps_the_first_message_of_a_code() {
    // YEAROFENTRY ignored (3380) comes before the AMHP warning (3380) for a social worker: §1.6.
    let messages = messages_of(&[("YEAROFENTRY", "2010"), ("MAINJOBROLE", "6"), ("AMHP", "")]);
    only(
        &messages,
        3380,
        Severity::Warning,
        "YEAROFENTRY/COUNTRYOFBIRTH",
    );
}

// ---------------------------------------------------------------------------------------------
// S36–S48.

#[test]
fn s36_s37_visa() {
    // British: the question does not apply.
    only(
        &messages_of(&[("HANDCVISA", "1")]),
        5570,
        Severity::Warning,
        "HANDCVISA",
    );
    // Not British national but a British citizen: does not apply either.
    only(
        &messages_of(&[
            ("NATIONALITY", "4"),
            ("BRITISHCITIZENSHIP", "1"),
            ("HANDCVISA", "1"),
        ]),
        5570,
        Severity::Warning,
        "HANDCVISA",
    );
    // Applies; 3 is not an answer.
    only(
        &messages_of(&[("NATIONALITY", "4"), ("HANDCVISA", "3")]),
        5570,
        Severity::Warning,
        "HANDCVISA",
    );
    // Nationality don't know and not a citizen: applies.
    let (lines, messages) = run(&[
        ("NATIONALITY", "998"),
        ("BRITISHCITIZENSHIP", "2"),
        ("HANDCVISA", "1"),
    ]);
    assert!(messages.is_empty(), "{messages:#?}");
    assert_eq!(
        lines[0].record.as_ref().and_then(|r| r.health_care_visa),
        Some(Answer::Yes)
    );
}

#[test]
fn s38_s39_inside_or_outside_the_uk() {
    only(
        &messages_of(&[("NATIONALITY", "4"), ("HANDCVISA", "2"), ("INOUTUK", "1")]),
        5580,
        Severity::Warning,
        "INOUTUK",
    );
    only(
        &messages_of(&[("NATIONALITY", "4"), ("HANDCVISA", "1"), ("INOUTUK", "5")]),
        5580,
        Severity::Warning,
        "INOUTUK",
    );
    let (lines, messages) = run(&[("NATIONALITY", "4"), ("HANDCVISA", "1"), ("INOUTUK", "1")]);
    assert!(messages.is_empty());
    assert_eq!(
        lines[0]
            .record
            .as_ref()
            .and_then(|r| r.employed_from_outside_uk),
        Some(1)
    );
}

#[test]
fn s40_s41_disabled_and_care_certificate() {
    only(
        &messages_of(&[("DISABLED", "4")]),
        1150,
        Severity::Error,
        "DISABLED",
    );
    only(
        &messages_of(&[("CARECERT", "4")]),
        1160,
        Severity::Error,
        "CARECERT",
    );
}

#[test]
fn s42_to_s46_level_2_care_certificate() {
    only(
        &messages_of(&[("L2CARECERT", "4")]),
        5590,
        Severity::Warning,
        "L2CARECERT",
    );
    only(
        &messages_of(&[("L2CARECERT", "2;2025")]),
        5600,
        Severity::Warning,
        "L2CARECERT",
    );
    only(
        &messages_of(&[("L2CARECERT", "3;2025")]),
        5610,
        Severity::Warning,
        "L2CARECERT",
    );
    only(
        &messages_of(&[("L2CARECERT", "1;abc")]),
        5640,
        Severity::Warning,
        "L2CARECERT",
    );
    only(
        &messages_of(&[("L2CARECERT", "1;2023")]),
        5620,
        Severity::Warning,
        "L2CARECERT",
    );
    // The as-of year is 2026.
    only(
        &messages_of(&[("L2CARECERT", "1;2027")]),
        5630,
        Severity::Warning,
        "L2CARECERT",
    );
    // The year is dropped, the answer kept.
    let (lines, _) = run(&[("L2CARECERT", "1;2023")]);
    let record = lines[0].record.clone().unwrap_or_else(|| panic!("record"));
    assert_eq!(
        (record.l2_care_certificate, record.l2_care_certificate_year),
        (Some(1), None)
    );
    // Option 2 with a year: the whole value is dropped.
    let (lines, _) = run(&[("L2CARECERT", "2;2025")]);
    assert_eq!(
        lines[0].record.as_ref().and_then(|r| r.l2_care_certificate),
        None
    );
}

#[test]
fn s47_s48_recruitment_source() {
    only(
        &messages_of(&[("RECSOURCE", "x")]),
        1180,
        Severity::Error,
        "RECSOURCE",
    );
    // 3 is not in A.8.
    only(
        &messages_of(&[("RECSOURCE", "3")]),
        1180,
        Severity::Error,
        "RECSOURCE",
    );
    assert!(messages_of(&[("RECSOURCE", "16")]).is_empty());
}

// ---------------------------------------------------------------------------------------------
// S49–S64.

#[test]
fn s49_to_s53_start_date() {
    only(
        &messages_of(&[("STARTDATE", "")]),
        2000,
        Severity::Warning,
        "STARTDATE",
    );
    only(
        &messages_of(&[("STARTDATE", "1/6/2015")]),
        3190,
        Severity::Warning,
        "STARTDATE",
    );
    only(
        &messages_of(&[("STARTDATE", "31/06/2015")]),
        3190,
        Severity::Warning,
        "STARTDATE",
    );
    // After 02/12/2026.
    let future = messages_of(&[("STARTDATE", "03/12/2026")]);
    only(&future, 3190, Severity::Warning, "STARTDATE");
    // DOB 15/03/1990: the 14th birthday is 15/03/2004. STARTINSECT cleared so it does not compare.
    only(
        &messages_of(&[("STARTDATE", "14/03/2004"), ("STARTINSECT", "999")]),
        3190,
        Severity::Warning,
        "STARTDATE",
    );
    assert!(messages_of(&[("STARTDATE", "15/03/2004"), ("STARTINSECT", "2004")]).is_empty());
    // YEAROFENTRY 2016 (born abroad): a start on 01/06/2015 is before 01/01/2016.
    only(
        &messages_of(&[("COUNTRYOFBIRTH", "4"), ("YEAROFENTRY", "2016")]),
        3190,
        Severity::Warning,
        "STARTDATE",
    );
    let (lines, _) = run(&[("STARTDATE", "1/6/2015")]);
    assert_eq!(lines[0].record.as_ref().and_then(|r| r.start_date), None);
}

#[test]
fn s54_to_s57_start_in_sector() {
    only(
        &messages_of(&[("STARTINSECT", "")]),
        3200,
        Severity::Warning,
        "STARTINSECT",
    );
    only(
        &messages_of(&[("STARTINSECT", "abc")]),
        3200,
        Severity::Warning,
        "STARTINSECT",
    );
    // STARTDATE year 2015: 2016 is later.
    only(
        &messages_of(&[("STARTINSECT", "2016")]),
        3200,
        Severity::Warning,
        "STARTINSECT",
    );
    // DOB 1990 + 14 = 2004: 2003 is before.
    only(
        &messages_of(&[("STARTINSECT", "2003")]),
        3200,
        Severity::Warning,
        "STARTINSECT",
    );
    let (lines, messages) = run(&[("STARTINSECT", "999")]);
    assert!(messages.is_empty());
    assert_eq!(
        lines[0].record.as_ref().and_then(|r| r.start_in_sector),
        Some(999)
    );
}

#[test]
fn s58_s59_dha_and_apprentice() {
    only(
        &messages_of(&[("DHA", "3")]),
        5660,
        Severity::Warning,
        "DHA",
    );
    only(
        &messages_of(&[("APPRENTICE", "3")]),
        3210,
        Severity::Warning,
        "APPRENTICE",
    );
}

#[test]
fn s60_to_s63_zero_hours() {
    only(
        &messages_of(&[("ZEROHRCONT", "")]),
        3230,
        Severity::Warning,
        "ZEROHRCONT",
    );
    only(
        &messages_of(&[("ZEROHRCONT", "3")]),
        1230,
        Severity::Error,
        "ZEROHRCONT",
    );
    // CONTHOURS 37.5 with ZEROHRCONT 999: S62, and S78 does not apply (it needs ZEROHRCONT 1).
    only(
        &messages_of(&[("ZEROHRCONT", "999")]),
        1230,
        Severity::Error,
        "CONTHOURS/ZEROHRCONT",
    );
    // ZEROHRCONT 1 with CONTHOURS: S62 and S78 (CONTHOURS ignored).
    let messages = messages_of(&[("ZEROHRCONT", "1")]);
    assert_has(&messages, 1230, Severity::Error, "CONTHOURS/ZEROHRCONT");
    assert_has(&messages, 3300, Severity::Warning, "CONTHOURS");
    only(
        &messages_of(&[("CONTHOURS", "0")]),
        3230,
        Severity::Warning,
        "CONTHOURS/ZEROHRCONT",
    );
}

#[test]
fn s64_days_sick() {
    only(
        &messages_of(&[("DAYSSICK", "3.25")]),
        1240,
        Severity::Warning,
        "DAYSSICK",
    );
    only(
        &messages_of(&[("DAYSSICK", "367")]),
        1240,
        Severity::Warning,
        "DAYSSICK",
    );
    only(
        &messages_of(&[("DAYSSICK", "-1")]),
        1240,
        Severity::Warning,
        "DAYSSICK",
    );
    only(
        &messages_of(&[("DAYSSICK", "x")]),
        1240,
        Severity::Warning,
        "DAYSSICK",
    );
    assert!(messages_of(&[("DAYSSICK", "366")]).is_empty());
    let (lines, messages) = run(&[("DAYSSICK", "999")]);
    assert!(messages.is_empty());
    let record = lines[0].record.clone().unwrap_or_else(|| panic!("record"));
    assert_eq!(
        (record.days_sick_halves, record.days_sick_unknown),
        (None, true)
    );
}

// ---------------------------------------------------------------------------------------------
// S65–S90.

#[test]
fn s65_s66_salary_interval() {
    only(
        &messages_of(&[("SALARYINT", "x"), ("HOURLYRATE", "")]),
        1250,
        Severity::Error,
        "SALARYINT",
    );
    only(
        &messages_of(&[("SALARYINT", "2"), ("HOURLYRATE", "")]),
        1250,
        Severity::Error,
        "SALARYINT",
    );
}

#[test]
fn s67_annual_salary_range() {
    let annual = |salary: &'static str, role: &'static str| {
        messages_of(&[
            ("SALARYINT", "1"),
            ("SALARY", salary),
            ("HOURLYRATE", ""),
            ("MAINJOBROLE", role),
        ])
    };
    only(&annual("499", "8"), 1260, Severity::Error, "SALARY");
    only(&annual("200001", "8"), 1260, Severity::Error, "SALARY");
    only(&annual("", "8"), 1260, Severity::Error, "SALARY");
    assert!(annual("500", "8").is_empty());
    assert!(annual("200000", "8").is_empty());
    // Senior management (1) may earn up to £250,000.
    assert!(annual("250000", "1").is_empty());
    only(&annual("250001", "1"), 1260, Severity::Error, "SALARY");
}

#[test]
fn s68_s69_salary_without_annual_interval() {
    only(
        &messages_of(&[
            ("SALARYINT", "999"),
            ("SALARY", "20000"),
            ("HOURLYRATE", ""),
        ]),
        3260,
        Severity::Warning,
        "SALARY",
    );
    only(
        &messages_of(&[("SALARYINT", ""), ("SALARY", "20000"), ("HOURLYRATE", "")]),
        1251,
        Severity::Error,
        "SALARYINT/SALARY",
    );
    // SALARYINT 3 with a SALARY: 1251 (the hourly rate is fine).
    only(
        &messages_of(&[("SALARY", "20000")]),
        1251,
        Severity::Error,
        "SALARYINT/SALARY",
    );
    // An earlier 1250 suppresses 1251.
    only(
        &messages_of(&[("SALARYINT", "x"), ("SALARY", "20000"), ("HOURLYRATE", "")]),
        1250,
        Severity::Error,
        "SALARYINT",
    );
}

#[test]
fn s70_s71_s72_hourly_rate() {
    only(
        &messages_of(&[("HOURLYRATE", "11.505")]),
        1270,
        Severity::Error,
        "HOURLYRATE",
    );
    only(
        &messages_of(&[("HOURLYRATE", "")]),
        1270,
        Severity::Error,
        "HOURLYRATE",
    );
    only(
        &messages_of(&[("SALARYINT", "999")]),
        3270,
        Severity::Warning,
        "HOURLYRATE",
    );
    only(
        &messages_of(&[("SALARYINT", "1"), ("SALARY", "20000")]),
        1252,
        Severity::Error,
        "SALARYINT/HOURLYRATE",
    );
    only(
        &messages_of(&[("SALARYINT", "")]),
        1252,
        Severity::Error,
        "SALARYINT/HOURLYRATE",
    );
}

#[test]
fn s73_s74_main_job_role() {
    only(
        &messages_of(&[("MAINJOBROLE", "")]),
        1280,
        Severity::Error,
        "MAINJOBROLE",
    );
    only(
        &messages_of(&[("MAINJOBROLE", "x")]),
        1280,
        Severity::Error,
        "MAINJOBROLE",
    );
    // 12 is a retired code (A.4).
    only(
        &messages_of(&[("MAINJOBROLE", "12")]),
        1280,
        Severity::Error,
        "MAINJOBROLE",
    );
}

#[test]
fn s75_s76_s77_main_job_role_description() {
    only(
        &messages_of(&[("MAINJOBROLE", "23")]),
        1290,
        Severity::Error,
        "MAINJRDESC",
    );
    only(
        &messages_of(&[("MAINJOBROLE", "27"), ("MAINJRDESC", &"d".repeat(120))]),
        1290,
        Severity::Error,
        "MAINJRDESC",
    );
    let (lines, messages) = run(&[("MAINJOBROLE", "23"), ("MAINJRDESC", &"d".repeat(119))]);
    assert!(messages.is_empty(), "{messages:#?}");
    assert_eq!(
        lines[0]
            .record
            .as_ref()
            .and_then(|r| r.main_job_role_desc.clone()),
        Some("d".repeat(119))
    );
    let (lines, messages) = run(&[("MAINJRDESC", "Cook")]);
    only(&messages, 3290, Severity::Warning, "MAINJRDESC");
    assert_eq!(
        lines[0]
            .record
            .as_ref()
            .and_then(|r| r.main_job_role_desc.clone()),
        None
    );
}

#[test]
fn s78_to_s81_contracted_hours() {
    // S79: Pool/Bank (3); ZEROHRCONT 2 and no AVGHOURS otherwise.
    only(
        &messages_of(&[("EMPLSTATUS", "3")]),
        3300,
        Severity::Warning,
        "CONTHOURS",
    );
    only(
        &messages_of(&[("CONTHOURS", "37.2")]),
        3300,
        Severity::Warning,
        "CONTHOURS",
    );
    only(
        &messages_of(&[("CONTHOURS", "-1")]),
        3300,
        Severity::Warning,
        "CONTHOURS",
    );
    only(
        &messages_of(&[("CONTHOURS", "75.5")]),
        3300,
        Severity::Warning,
        "CONTHOURS",
    );
    assert!(messages_of(&[("CONTHOURS", "75")]).is_empty());
    let (lines, messages) = run(&[("CONTHOURS", "999")]);
    assert!(messages.is_empty());
    let record = lines[0].record.clone().unwrap_or_else(|| panic!("record"));
    assert_eq!(
        (
            record.contracted_hours_halves,
            record.contracted_hours_unknown
        ),
        (None, true)
    );
}

#[test]
fn s82_s83_s84_average_hours() {
    only(
        &messages_of(&[("AVGHOURS", "20")]),
        3310,
        Severity::Warning,
        "AVGHOURS",
    );
    let agency = |hours: &'static str| {
        messages_of(&[("EMPLSTATUS", "4"), ("CONTHOURS", ""), ("AVGHOURS", hours)])
    };
    only(&agency("abc"), 3310, Severity::Warning, "AVGHOURS");
    only(&agency("80"), 3310, Severity::Warning, "AVGHOURS");
    assert!(agency("20.5").is_empty());
    // Zero-hours permanent staff give AVGHOURS.
    assert!(messages_of(&[("ZEROHRCONT", "1"), ("CONTHOURS", ""), ("AVGHOURS", "12")]).is_empty());
}

#[test]
fn s85_s86_s87_nurse_registration() {
    only(
        &messages_of(&[("MAINJOBROLE", "16")]),
        3340,
        Severity::Warning,
        "NMCREG",
    );
    only(
        &messages_of(&[("NMCREG", "1")]),
        3340,
        Severity::Warning,
        "NMCREG",
    );
    only(
        &messages_of(&[("MAINJOBROLE", "16"), ("NMCREG", "6")]),
        3340,
        Severity::Warning,
        "NMCREG",
    );
    let (lines, messages) = run(&[("MAINJOBROLE", "16"), ("NMCREG", "02")]);
    assert!(messages.is_empty());
    assert_eq!(
        lines[0].record.as_ref().and_then(|r| r.nmc_registration),
        Some(2)
    );
}

#[test]
fn s88_s89_s90_amhp() {
    only(
        &messages_of(&[("MAINJOBROLE", "6")]),
        3380,
        Severity::Warning,
        "AMHP",
    );
    only(
        &messages_of(&[("MAINJOBROLE", "6"), ("AMHP", "3")]),
        3380,
        Severity::Warning,
        "AMHP",
    );
    only(
        &messages_of(&[("AMHP", "1")]),
        3380,
        Severity::Warning,
        "AMHP",
    );
    assert!(messages_of(&[("MAINJOBROLE", "6"), ("AMHP", "999")]).is_empty());
}

// ---------------------------------------------------------------------------------------------
// S91–S105.

#[test]
fn s91_to_s95_social_care_qualification() {
    only(
        &messages_of(&[("SCQUAL", "")]),
        3360,
        Severity::Warning,
        "SCQUAL",
    );
    only(
        &messages_of(&[("SCQUAL", "3")]),
        1360,
        Severity::Error,
        "SCQUAL",
    );
    only(
        &messages_of(&[("SCQUAL", "1")]),
        1360,
        Severity::Error,
        "SCQUAL",
    );
    // A social worker (6) with SCQUAL 1 and no level: the 1360 error and the 3360 warning.
    let messages = messages_of(&[("SCQUAL", "1"), ("MAINJOBROLE", "6"), ("AMHP", "2")]);
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert_has(&messages, 1360, Severity::Error, "SCQUAL");
    assert_has(&messages, 3360, Severity::Warning, "SCQUAL");
    // Level 9 is not in A.13: a warning, level kept as 999 "don't know".
    let (lines, messages) = run(&[("SCQUAL", "1;9")]);
    only(&messages, 1360, Severity::Warning, "SCQUAL");
    assert_eq!(
        lines[0]
            .record
            .as_ref()
            .and_then(|r| r.social_care_qualification),
        Some(QualificationAnswer::Yes { level: 999 })
    );
}

#[test]
fn s96_s97_non_social_care_qualification() {
    only(
        &messages_of(&[("NONSCQUAL", "3")]),
        1370,
        Severity::Error,
        "NONSCQUAL",
    );
    only(
        &messages_of(&[("NONSCQUAL", "1;12")]),
        1370,
        Severity::Warning,
        "NONSCQUAL",
    );
    // `1` alone: level defaults to 999.
    let (lines, messages) = run(&[("NONSCQUAL", "1")]);
    assert!(messages.is_empty());
    assert_eq!(
        lines[0]
            .record
            .as_ref()
            .and_then(|r| r.non_social_care_qualification),
        Some(QualificationAnswer::Yes { level: 999 })
    );
}

#[test]
fn s98_cwp_category() {
    only(
        &messages_of(&[("CWPCATEGORY", "8")]),
        5650,
        Severity::Warning,
        "CWPCATEGORY",
    );
    assert!(messages_of(&[("CWPCATEGORY", "998")]).is_empty());
}

#[test]
fn s99_s100_qualification_codes() {
    only(
        &messages_of(&[("QUALACH01", "x;2010")]),
        5010,
        Severity::Error,
        "QUALACH01",
    );
    only(
        &messages_of(&[("QUALACH02", "x;2010")]),
        5030,
        Severity::Error,
        "QUALACH02",
    );
    only(
        &messages_of(&[("QUALACH03", "x;2010")]),
        5050,
        Severity::Error,
        "QUALACH03",
    );
    // 7 is not in A.15.
    only(
        &messages_of(&[("QUALACH01", "7;2010")]),
        5010,
        Severity::Error,
        "QUALACH01",
    );
}

#[test]
fn s101_s102_s103_qualification_years() {
    only(
        &messages_of(&[("QUALACH02", "1")]),
        5035,
        Severity::Warning,
        "QUALACH02",
    );
    only(
        &messages_of(&[("QUALACH03", "1;02015")]),
        5055,
        Severity::Error,
        "QUALACH03",
    );
    only(
        &messages_of(&[("QUALACH03", "1;2015a")]),
        5055,
        Severity::Error,
        "QUALACH03",
    );
    // 2026 − 100 = 1926 is the earliest year; 2026 the latest.
    only(
        &messages_of(&[("QUALACH01", "1;1925")]),
        5015,
        Severity::Error,
        "QUALACH01",
    );
    only(
        &messages_of(&[("QUALACH01", "1;2027")]),
        5015,
        Severity::Error,
        "QUALACH01",
    );
    assert!(messages_of(&[("QUALACH01", "1;1926")]).is_empty());
    assert!(messages_of(&[("QUALACH01", "1;2026")]).is_empty());
}

#[test]
fn s104_qualification_notes() {
    let (lines, messages) = run(&[
        ("QUALACH01", "1;2010"),
        ("QUALACH01NOTES", &"n".repeat(121)),
    ]);
    only(&messages, 5020, Severity::Warning, "QUALACH01NOTES");
    assert_eq!(
        lines[0].record.as_ref().map(|r| r.qualifications.clone()),
        Some(vec![Qualification {
            code: 1,
            year: Some(2010),
            notes: None
        }])
    );
    assert!(
        messages_of(&[
            ("QUALACH01", "1;2010"),
            ("QUALACH01NOTES", &"n".repeat(120))
        ])
        .is_empty()
    );
}

#[test]
fn s105_qualach04_and_higher_are_silent() {
    let text = staff_text(
        &[],
        2,
        &[line(&[
            ("QUALACH04", "x;2010"),
            ("QUALACH05", "3;02015"),
            ("QUALACH05NOTES", &"n".repeat(121)),
        ])],
    );
    let (lines, messages) = run_file(&text, &ExistingState::default(), &new_workplaces());
    assert!(messages.is_empty(), "{messages:#?}");
    // The bad code is not saved; the bad year and the long notes are dropped.
    assert_eq!(
        lines[0].record.as_ref().map(|r| r.qualifications.clone()),
        Some(vec![Qualification {
            code: 3,
            year: None,
            notes: None
        }])
    );
}

// ---------------------------------------------------------------------------------------------
// Admin, UPDATE merge, rename and transfer.

#[test]
fn admin_keeps_the_stored_ni_number_and_date_of_birth() {
    let mut stored = stored_staff("WP1", "S1");
    stored.record.personal.ni_number = Some("ZZ 99 88 77 A".into());
    stored.record.personal.date_of_birth = Some(date!(1980 - 07 - 04));
    let existing = state(vec![stored]);
    let text = staff_text(
        &[],
        0,
        &[line(&[
            ("STATUS", "UPDATE"),
            ("NINUMBER", "Admin"),
            ("DOB", "ADMIN"),
        ])],
    );
    let (lines, messages) = run_file(&text, &existing, &update_workplaces());
    assert!(messages.is_empty(), "{messages:#?}");
    assert_eq!(lines[0].date_of_birth, Some(date!(1980 - 07 - 04)));
    let personal = lines[0]
        .record
        .as_ref()
        .map(|r| r.personal.clone())
        .unwrap_or_default();
    assert_eq!(personal.ni_number.as_deref(), Some("ZZ 99 88 77 A"));
    assert_eq!(personal.date_of_birth, Some(date!(1980 - 07 - 04)));
    // A new record: Admin means blank, so DOB is missing (S19) and no NI number is kept.
    let (lines, messages) = run(&[("NINUMBER", "admin"), ("DOB", "Admin")]);
    only(&messages, 3080, Severity::Warning, "DOB");
    assert_eq!(
        lines[0]
            .record
            .as_ref()
            .and_then(|r| r.personal.ni_number.clone()),
        None
    );
}

#[test]
fn update_keeps_stored_values_for_blank_columns_and_replaces_the_qualifications() {
    let mut stored = stored_staff("WP1", "S1");
    stored.record.gender = Some(1);
    stored.record.recruitment_source = Some(5);
    stored.record.qualifications = vec![
        Qualification {
            code: 1,
            year: Some(2010),
            notes: Some("kept".into()),
        },
        Qualification {
            code: 2,
            year: Some(2012),
            notes: None,
        },
    ];
    let existing = state(vec![stored.clone()]);
    let text = staff_text(
        &[],
        0,
        &[line(&[
            ("STATUS", "UPDATE"),
            ("GENDER", ""),
            ("RECSOURCE", ""),
            ("ETHNICITY", "32"),
            ("QUALACH01", "1"),
            ("QUALACH02", "3;2020"),
        ])],
    );
    let (lines, messages) = run_file(&text, &existing, &update_workplaces());
    // QUALACH01 without a year: S101 warning only.
    only(&messages, 5015, Severity::Warning, "QUALACH01");
    let record = lines[0].record.clone().unwrap_or_else(|| panic!("record"));
    let mut expected = stored.record;
    expected.ethnicity = Some(32);
    // Qualification 1 keeps its stored year and notes; 2 is not listed and goes; 3 is added.
    expected.qualifications = vec![
        Qualification {
            code: 1,
            year: Some(2010),
            notes: Some("kept".into()),
        },
        Qualification {
            code: 3,
            year: Some(2020),
            notes: None,
        },
    ];
    assert_eq!(record, expected);
}

#[test]
fn rename_changes_the_key_and_the_record_reference() {
    let existing = state(vec![stored_staff("WP1", "S1")]);
    let text = staff_text(
        &["CHGUNIQUEWRKID"],
        0,
        &[line(&[("STATUS", "UPDATE"), ("CHGUNIQUEWRKID", "S 9")])],
    );
    let (lines, messages) = run_file(&text, &existing, &update_workplaces());
    assert!(messages.is_empty(), "{messages:#?}");
    assert_eq!(lines[0].worker_key, key("S9"));
    assert_eq!(lines[0].unique_worker_id, "S1");
    assert_eq!(
        lines[0]
            .record
            .as_ref()
            .map(|r| r.unique_worker_id.as_str()),
        Some("S 9")
    );
}

#[test]
fn a_valid_transfer_moves_the_record() {
    let existing = state(vec![stored_staff("WP1", "S1")]);
    let text = staff_text(
        &["TRANSFERSTAFFRECORD"],
        0,
        &[line(&[
            ("STATUS", "UPDATE"),
            ("TRANSFERSTAFFRECORD", "WP2"),
        ])],
    );
    let (lines, messages) = run_file(&text, &existing, &update_workplaces());
    assert!(messages.is_empty(), "{messages:#?}");
    assert_eq!(lines[0].transfer_to.as_deref(), Some("WP2"));
    assert_eq!(lines[0].workplace_key, key("WP1"));
    assert_eq!(
        lines[0].record.as_ref().map(|r| r.localestid.as_str()),
        Some("WP2")
    );
}

// ---------------------------------------------------------------------------------------------
// XS1–XS11.

#[test]
fn xs1_duplicate_references_in_a_workplace() {
    // "S 1" is S1 once whitespace is removed.
    let text = staff_text(
        &[],
        0,
        &[
            line(&[]),
            line(&[("UNIQUEWORKERID", "S 1"), ("NINUMBER", "")]),
        ],
    );
    let (lines, messages) = run_file(&text, &ExistingState::default(), &new_workplaces());
    only(&messages, 998, Severity::Error, "UNIQUEWORKERID");
    assert_eq!(messages[0].line, 3);
    assert!(lines[0].accepted);
    assert!(!lines[1].accepted);
    // The same reference in another workplace is fine.
    let text = staff_text(
        &[],
        0,
        &[line(&[]), line(&[("LOCALESTID", "WP2"), ("NINUMBER", "")])],
    );
    assert!(
        run_file(&text, &ExistingState::default(), &new_workplaces())
            .1
            .is_empty()
    );
}

#[test]
fn xs1_rename_onto_another_lines_reference() {
    let existing = state(vec![stored_staff("WP1", "S1")]);
    let text = staff_text(
        &["CHGUNIQUEWRKID"],
        0,
        &[
            line(&[("STATUS", "UPDATE"), ("CHGUNIQUEWRKID", "S2")]),
            line(&[("UNIQUEWORKERID", "S2"), ("NINUMBER", "")]),
        ],
    );
    let (lines, messages) = run_file(&text, &existing, &update_workplaces());
    only(&messages, 998, Severity::Error, "CHGUNIQUEWRKID");
    assert_eq!(messages[0].line, 2);
    assert!(!lines[0].accepted);
    assert!(lines[1].accepted);
}

#[test]
fn xs2_workplace_not_in_the_workplace_file() {
    let (lines, messages) = run_file(
        &staff_text(&[], 0, &[line(&[("LOCALESTID", "WP9")])]),
        &ExistingState::default(),
        &new_workplaces(),
    );
    only(&messages, 997, Severity::Error, "LOCALESTID");
    assert!(!lines[0].accepted);
    assert!(lines[0].record.is_none());
}

#[test]
fn xs3_one_ni_number_over_75_hours() {
    // 40 + 37.5 = 77.5 hours > 75: both lines flagged.
    let text = staff_text(
        &[],
        0,
        &[
            line(&[("CONTHOURS", "40")]),
            line(&[("UNIQUEWORKERID", "S2")]),
        ],
    );
    let (_, messages) = run_file(&text, &ExistingState::default(), &new_workplaces());
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(
        messages
            .iter()
            .all(|m| m.code == 5570 && m.severity == Severity::Error && m.column == "NINUMBER")
    );
    // 37.5 + 37.5 = 75: not more than 75.
    let text = staff_text(&[], 0, &[line(&[]), line(&[("UNIQUEWORKERID", "S2")])]);
    assert!(
        run_file(&text, &ExistingState::default(), &new_workplaces())
            .1
            .is_empty()
    );
    // A 999 (don't know) on one of them suppresses the check.
    let text = staff_text(
        &[],
        0,
        &[
            line(&[("CONTHOURS", "999")]),
            line(&[("UNIQUEWORKERID", "S2"), ("CONTHOURS", "75")]),
        ],
    );
    assert!(
        run_file(&text, &ExistingState::default(), &new_workplaces())
            .1
            .is_empty()
    );
}

#[test]
fn xs4_part_time_salary_equal_to_a_full_time_one() {
    let annual = [("SALARYINT", "1"), ("SALARY", "20000"), ("HOURLYRATE", "")];
    let mut part_time = annual.to_vec();
    part_time.extend([
        ("UNIQUEWORKERID", "S2"),
        ("NINUMBER", ""),
        ("CONTHOURS", "20"),
    ]);
    // Line 2: 37.5 hours (> 36) at £20,000; line 3: 20 hours (< 37) at £20,000, same role 8.
    let text = staff_text(&[], 0, &[line(&annual), line(&part_time)]);
    let (_, messages) = run_file(&text, &ExistingState::default(), &new_workplaces());
    only(&messages, 1260, Severity::Warning, "SALARY");
    assert_eq!(messages[0].line, 3);
    // A lone line with 36 < 36.5 < 37 matches itself.
    let mut lone = annual.to_vec();
    lone.push(("CONTHOURS", "36.5"));
    only(&messages_of(&lone), 1260, Severity::Warning, "SALARY");
    // A different role does not match.
    let mut other_role = part_time.clone();
    other_role.push(("MAINJOBROLE", "3"));
    let text = staff_text(&[], 0, &[line(&annual), line(&other_role)]);
    assert!(
        run_file(&text, &ExistingState::default(), &new_workplaces())
            .1
            .is_empty()
    );
}

#[test]
fn xs4_matches_a_stored_full_time_worker_named_in_the_file() {
    // Stored WP1/S7: annual £20,000, 37.5 hours, role 8; the file deletes it.
    let mut stored = stored_staff("WP1", "S7");
    stored.record.salary_interval = Some(1);
    stored.record.salary = Some(20000);
    stored.record.hourly_rate = None;
    let existing = state(vec![stored]);
    let text = staff_text(
        &[],
        0,
        &[
            line(&[("UNIQUEWORKERID", "S7"), ("STATUS", "DELETE")]),
            line(&[
                ("SALARYINT", "1"),
                ("SALARY", "20000"),
                ("HOURLYRATE", ""),
                ("CONTHOURS", "20"),
            ]),
        ],
    );
    let (_, messages) = run_file(&text, &existing, &update_workplaces());
    only(&messages, 1260, Severity::Warning, "SALARY");
    assert_eq!(messages[0].line, 3);
}

#[test]
fn xs5_registered_manager_needs_a_cqc_regulated_workplace() {
    let manager = line(&[("MAINJOBROLE", "4")]);
    let not_regulated = vec![workplace("WP1", Status::New, false, 1, Some(Answer::Yes))];
    let (_, messages) = run_file(
        &staff_text(&[], 0, std::slice::from_ref(&manager)),
        &ExistingState::default(),
        &not_regulated,
    );
    only(&messages, 1280, Severity::Error, "MAINJOBROLE");
    assert!(
        run_file(
            &staff_text(&[], 0, std::slice::from_ref(&manager)),
            &ExistingState::default(),
            &new_workplaces()
        )
        .1
        .is_empty()
    );
    // An UNCHECKED workplace: its stored value decides (WP1 stored as not regulated here).
    let existing = ExistingState::new(
        vec![stored_workplace("WP1", false, 1, None)],
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let unchecked = vec![workplace("WP1", Status::Unchecked, true, 1, None)];
    let (_, messages) = run_file(&staff_text(&[], 0, &[manager]), &existing, &unchecked);
    only(&messages, 1280, Severity::Error, "MAINJOBROLE");
}

#[test]
fn xs6_transfer_target_not_in_the_workplace_file() {
    let existing = state(vec![stored_staff("WP1", "S1")]);
    let text = staff_text(
        &["TRANSFERSTAFFRECORD"],
        0,
        &[line(&[
            ("STATUS", "UPDATE"),
            ("TRANSFERSTAFFRECORD", "WP7"),
        ])],
    );
    let (lines, messages) = run_file(&text, &existing, &update_workplaces());
    only(&messages, 1401, Severity::Error, "TRANSFERSTAFFRECORD");
    assert_eq!(lines[0].transfer_to, None);
    // Compared exactly: "WP 2" is not the stored "WP2".
    let text = staff_text(
        &["TRANSFERSTAFFRECORD"],
        0,
        &[line(&[
            ("STATUS", "UPDATE"),
            ("TRANSFERSTAFFRECORD", "WP 2"),
        ])],
    );
    only(
        &run_file(&text, &existing, &update_workplaces()).1,
        1401,
        Severity::Error,
        "TRANSFERSTAFFRECORD",
    );
}

#[test]
fn xs7_target_already_has_the_reference() {
    let existing = state(vec![stored_staff("WP1", "S1"), stored_staff("WP2", "S1")]);
    let text = staff_text(
        &["TRANSFERSTAFFRECORD"],
        0,
        &[
            line(&[("STATUS", "UPDATE"), ("TRANSFERSTAFFRECORD", "WP2")]),
            line(&[("LOCALESTID", "WP2"), ("STATUS", "UNCHECKED")]),
        ],
    );
    let (_, messages) = run_file(&text, &existing, &update_workplaces());
    only(&messages, 1402, Severity::Error, "UNIQUEWORKERID");
}

#[test]
fn xs8_two_records_moved_to_one_target_with_one_reference() {
    let existing = state(vec![stored_staff("WP1", "S1"), stored_staff("WP3", "S1")]);
    let workplaces = vec![
        workplace("WP1", Status::Update, true, 1, Some(Answer::Yes)),
        workplace("WP3", Status::Update, true, 1, Some(Answer::Yes)),
        // WP7 is not in the file: XS6 would fire, but 1403 skips the other transfer checks.
    ];
    let text = staff_text(
        &["TRANSFERSTAFFRECORD"],
        0,
        &[
            line(&[("STATUS", "UPDATE"), ("TRANSFERSTAFFRECORD", "WP7")]),
            line(&[
                ("LOCALESTID", "WP3"),
                ("STATUS", "UPDATE"),
                ("TRANSFERSTAFFRECORD", "WP7"),
                ("NINUMBER", ""),
            ]),
        ],
    );
    let (_, messages) = run_file(&text, &existing, &workplaces);
    // XS5 does not apply (role 8); both moving lines get 1403, neither gets 1401.
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(
        messages.iter().all(|m| m.code == 1403
            && m.severity == Severity::Error
            && m.column == "UNIQUEWORKERID")
    );
}

#[test]
fn xs9_xs10_xs11_dha_dropped() {
    // Administrative (25) cannot carry out DHA.
    let (lines, messages) = run(&[("DHA", "1"), ("MAINJOBROLE", "25")]);
    only(&messages, 5661, Severity::Warning, "DHA");
    assert_eq!(lines[0].record.as_ref().and_then(|r| r.dha), None);
    // Head office (72) cannot carry out DHA.
    let head_office = vec![workplace("WP1", Status::New, true, 72, Some(Answer::Yes))];
    let (_, messages) = run_file(
        &staff_text(&[], 0, &[line(&[("DHA", "1")])]),
        &ExistingState::default(),
        &head_office,
    );
    only(&messages, 5662, Severity::Warning, "DHA");
    // The workplace answered No.
    let answered_no = vec![workplace("WP1", Status::New, true, 1, Some(Answer::No))];
    let (_, messages) = run_file(
        &staff_text(&[], 0, &[line(&[("DHA", "2")])]),
        &ExistingState::default(),
        &answered_no,
    );
    only(&messages, 5663, Severity::Warning, "DHA");
    // Care worker in a care home that does DHA: kept.
    let (lines, messages) = run(&[("DHA", "1")]);
    assert!(messages.is_empty());
    assert_eq!(
        lines[0].record.as_ref().and_then(|r| r.dha),
        Some(Answer::Yes)
    );
}

// ---------------------------------------------------------------------------------------------
// Robustness and the writer.

#[test]
fn short_and_odd_rows_never_panic() {
    let header = staff_base_header();
    let text = format!(
        "{header}\nWP1,S1,NEW,Bob\nWP1\n,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n\"\u{e9}\u{e9}\",x\n"
    );
    let (lines, messages) = run_file(&text, &ExistingState::default(), &new_workplaces());
    assert_eq!(lines.len(), 4);
    // The first short row misses EMPLSTATUS and MAINJOBROLE: S14 and S73.
    assert!(messages.iter().any(|m| m.line == 2 && m.code == 1220));
    assert!(messages.iter().any(|m| m.line == 2 && m.code == 1280));
}

fn messy_record() -> Staff {
    let mut record = base_record();
    record.unique_worker_id = "S 2".into();
    record.personal.display_id = "Smith, \"Jo\"".into();
    record.personal.ni_number = Some(" AB 12 34 56 ".into());
    record.main_job_role = 23;
    record.main_job_role_desc = Some("Activities,\nco-ordinator".into());
    record.contract = 4;
    record.zero_hours = None;
    record.contracted_hours_halves = None;
    record.average_hours_halves = Some(41);
    record.days_sick_halves = None;
    record.days_sick_unknown = true;
    record.salary_interval = Some(1);
    record.salary = Some(21500);
    record.hourly_rate = None;
    record.non_social_care_qualification = Some(QualificationAnswer::Yes { level: 999 });
    record.qualifications = (1..=5)
        .map(|code| Qualification {
            code,
            year: Some(2000 + code as i32),
            notes: Some(format!("note {code}")),
        })
        .collect();
    record
}

#[test]
fn writer_round_trip_gives_the_same_records_and_the_same_text() {
    let records = vec![base_record(), messy_record()];
    let text = write(&records);
    // Five qualifications need two pairs beyond the base three.
    assert!(
        text.lines()
            .next()
            .is_some_and(|h| h.ends_with("QUALACH05,QUALACH05NOTES"))
    );
    let (lines, messages) = run_file(&text, &ExistingState::default(), &new_workplaces());
    assert!(messages.is_empty(), "{messages:#?}");
    let read_back: Vec<Staff> = lines.iter().filter_map(|l| l.record.clone()).collect();
    assert_eq!(read_back, records);
    assert_eq!(write(&read_back), text);
}

#[test]
fn writer_writes_the_base_line_as_expected() {
    let text = write(&[base_record()]);
    let expected_line = "WP1,S1,NEW,Alice,AB123456C,LS1 1AA,15/03/1990,2,31,826,,826,,0,1,1;2025,1,,,01/06/2015,2010,,2,1,2,3.5,3,,11.50,8,,37.5,,,,1;2,2,2,,,,,,";
    assert_eq!(text, format!("{}\n{expected_line}\n", staff_base_header()));
}

// ---------------------------------------------------------------------------------------------
// End to end through `validate`.

fn workplace_file() -> String {
    let header = carecount_ascwds::recognise::WORKPLACE_HEADER;
    // One NEW CQC-regulated care home with nursing (service 1), 10 staff.
    let line = "WP1,NEW,Oak House,1 Street,,,Leeds,LS1 1AA,6,,,,2,1-101010101,1-202020202,1,1,20,18,,1,,1,1,10,8,1,0,0,,,1,1,2,,1,1,3.5,2,28,1,1,,";
    format!("{header}\n{line}\n")
}

#[test]
fn end_to_end_staff_messages_carry_file_line_code_and_column() {
    let staff = staff_text(
        &[],
        0,
        &[
            line(&[]),
            line(&[
                ("UNIQUEWORKERID", "S2"),
                ("NINUMBER", ""),
                ("POSTCODE", "bad"),
            ]),
        ],
    );
    let given = Given::Explicit {
        workplace: Some(InputFile {
            path: "wp.csv".into(),
            bytes: workplace_file().into_bytes(),
        }),
        staff: Some(InputFile {
            path: "staff.csv".into(),
            bytes: staff.into_bytes(),
        }),
        training: None,
    };
    let validation = carecount_ascwds::validate(given, &ExistingState::default(), AS_OF)
        .unwrap_or_else(|e| panic!("{e}"));
    let staff_messages: Vec<&Message> = validation
        .messages
        .iter()
        .filter(|m| m.file == FileKind::Staff)
        .collect();
    assert_eq!(staff_messages.len(), 1, "{staff_messages:#?}");
    let message = staff_messages[0];
    assert_eq!(
        (message.line, message.code, message.severity),
        (3, 1070, Severity::Error)
    );
    assert_eq!(message.column, "POSTCODE");
    assert_eq!(message.value, "bad");
    assert_eq!(message.workplace, "WP1");
    assert_eq!(message.worker.as_deref(), Some("S2"));
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9;./ -]{0,9}",
            ".{0,6}",
            Just("999".to_string()),
            Just("1".to_string()),
            Just(String::new()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Any values in any column, with a stored record to update or move, give lines and
        /// messages without panicking.
        #[test]
        fn any_values(values in proptest::collection::vec(value(), 48), status in 0usize..6) {
            let statuses = ["NEW", "UPDATE", "DELETE", "UNCHECKED", "NOCHANGE", "bad"];
            let mut columns: Vec<String> = staff_base_header().split(',').map(str::to_string).collect();
            columns.push("CHGUNIQUEWRKID".into());
            columns.push("TRANSFERSTAFFRECORD".into());
            let mut row: Line = columns.iter().cloned().zip(values.iter().cloned()).collect();
            row.insert("LOCALESTID".into(), "WP1".into());
            row.insert("UNIQUEWORKERID".into(), "S1".into());
            row.insert("STATUS".into(), statuses.get(status).copied().unwrap_or("NEW").into());
            let text = staff_text(&["CHGUNIQUEWRKID", "TRANSFERSTAFFRECORD"], 1, &[row.clone(), row]);
            let existing = state(vec![stored_staff("WP1", "S1"), stored_staff("WP2", "S1")]);
            let (lines, _) = run_file(&text, &existing, &update_workplaces());
            prop_assert_eq!(lines.len(), 2);
        }
    }
}

#[test]
fn xs5_a_deleted_workplace_counts_as_not_regulated() {
    let existing = ExistingState::new(
        vec![stored_workplace("WP1", true, 1, Some(Answer::Yes))],
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let deleted = vec![workplace("WP1", Status::Delete, true, 1, None)];
    let text = staff_text(&[], 0, &[line(&[("MAINJOBROLE", "4")])]);
    let (_, messages) = run_file(&text, &existing, &deleted);
    only(&messages, 1280, Severity::Error, "MAINJOBROLE");
}

#[test]
fn xs10_xs11_use_the_stored_workplace_for_unchecked_lines() {
    // Stored WP1 is a head office (72): no DHA; the UNCHECKED workplace line carries no values.
    let existing = ExistingState::new(
        vec![stored_workplace("WP1", true, 72, Some(Answer::Yes))],
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let unchecked = vec![workplace("WP1", Status::Unchecked, true, 1, None)];
    let text = staff_text(&[], 0, &[line(&[("DHA", "1")])]);
    only(
        &run_file(&text, &existing, &unchecked).1,
        5662,
        Severity::Warning,
        "DHA",
    );
    // Stored care home whose DHA answer is No.
    let existing = ExistingState::new(
        vec![stored_workplace("WP1", true, 1, Some(Answer::No))],
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    only(
        &run_file(&text, &existing, &unchecked).1,
        5663,
        Severity::Warning,
        "DHA",
    );
}

#[test]
fn nochange_lines_give_their_keys_and_date_of_birth_but_no_record() {
    let existing = state(vec![stored_staff("WP1", "S1")]);
    let text = staff_text(&[], 0, &[line(&[("STATUS", "NOCHANGE"), ("DOB", "Admin")])]);
    let (lines, messages) = run_file(&text, &existing, &update_workplaces());
    assert!(messages.is_empty(), "{messages:#?}");
    let [staff] = lines.as_slice() else {
        panic!("one line expected")
    };
    assert_eq!(staff.status, Some(Status::NoChange));
    assert!(staff.accepted);
    assert!(staff.record.is_none());
    // `Admin` stands for the stored 15/03/1990.
    assert_eq!(staff.date_of_birth, Some(date!(1990 - 03 - 15)));
}
