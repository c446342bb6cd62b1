//! The training file rules of `ascwds-formats.md` §4.3 (T01–T19, XT1–XT3) end to end through
//! `carecount_ascwds::validate`: every rule is triggered and checked by file, line, code, severity
//! and column; subtle ones also have a test that they do not fire. Expected values come from the
//! spec; date arithmetic is shown in the comments.

use carecount_ascwds::recognise::{TRAINING_HEADER, WORKPLACE_HEADER, staff_base_header};
use carecount_ascwds::{
    ExistingState, FileKind, Given, InputFile, Message, Severity, Validation, validate,
};
use carecount_domain::{Training, Validity};
use time::Date;
use time::macros::date;

/// Today for every test.
const AS_OF: Date = date!(2026 - 06 - 30);

/// One line of a file with the given header: every column blank except `values`.
fn line_for(header: &str, values: &[(&str, &str)]) -> String {
    header
        .split(',')
        .map(|column| {
            values
                .iter()
                .find(|(name, _)| *name == column)
                .map_or("", |(_, value)| *value)
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Two workplaces, HOME1 and HOME2, as plain NEW lines.
fn workplace_file() -> String {
    let mut text = format!("{WORKPLACE_HEADER}\n");
    for (id, name) in [("HOME1", "Home One"), ("HOME2", "Home Two")] {
        let line = line_for(
            WORKPLACE_HEADER,
            &[
                ("LOCALESTID", id),
                ("STATUS", "NEW"),
                ("ESTNAME", name),
                ("ADDRESS1", "1 High Street"),
                ("POSTCODE", "LS1 1AA"),
                ("ESTTYPE", "6"),
                ("REGTYPE", "0"),
                ("MAINSERVICE", "8"),
                ("ALLSERVICES", "8"),
                ("TOTALPERMTEMP", "5"),
            ],
        );
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// Staff HOME1/W1 born 10/05/2000 and HOME2/W7 born 01/01/1980.
fn staff_file() -> String {
    let header = staff_base_header();
    let mut text = format!("{header}\n");
    for (wp, worker, dob) in [("HOME1", "W1", "10/05/2000"), ("HOME2", "W7", "01/01/1980")] {
        let line = line_for(
            &header,
            &[
                ("LOCALESTID", wp),
                ("UNIQUEWORKERID", worker),
                ("STATUS", "NEW"),
                ("DISPLAYID", worker),
                ("DOB", dob),
                ("GENDER", "2"),
                ("EMPLSTATUS", "1"),
                ("STARTDATE", "01/02/2020"),
                ("MAINJOBROLE", "25"),
                ("CONTHOURS", "37.5"),
            ],
        );
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// A clean training line for HOME1/W1 with `changes` applied: Fire safety (6), accredited, in-house,
/// face to face, valid 12 months, completed 15/03/2025, no expiry given.
fn training(changes: &[(&str, &str)]) -> String {
    let mut values = vec![
        ("LOCALESTID", "HOME1"),
        ("UNIQUEWORKERID", "W1"),
        ("CATEGORY", "6"),
        ("TRAININGNAME", "Fire safety"),
        ("ACCREDITED", "1"),
        ("WHODELIVERED", "1"),
        ("HOWDELIVERED", "1"),
        ("VALIDITY", "12"),
        ("DATECOMPLETED", "15/03/2025"),
    ];
    for &(column, value) in changes {
        values.retain(|(name, _)| *name != column);
        values.push((column, value));
    }
    line_for(TRAINING_HEADER, &values)
}

fn run_text(training_text: String) -> Validation {
    let file = |path: &str, text: String| {
        Some(InputFile {
            path: path.to_string(),
            bytes: text.into_bytes(),
        })
    };
    let given = Given::Explicit {
        workplace: file("workplace.csv", workplace_file()),
        staff: file("staff.csv", staff_file()),
        training: file("training.csv", training_text),
    };
    match validate(given, &ExistingState::default(), AS_OF) {
        Ok(validation) => validation,
        Err(error) => panic!("the upload is complete: {error}"),
    }
}

/// Validates the upload with these training lines (line 2 onwards).
fn run(lines: &[String]) -> Validation {
    run_text(format!("{TRAINING_HEADER}\n{}\n", lines.join("\n")))
}

fn training_messages(validation: &Validation) -> Vec<&Message> {
    validation
        .messages
        .iter()
        .filter(|m| m.file == FileKind::Training)
        .collect()
}

/// The messages of one line, as (code, severity, column).
fn found(validation: &Validation, line: u32) -> Vec<(u32, Severity, String)> {
    training_messages(validation)
        .into_iter()
        .filter(|m| m.line == line)
        .map(|m| (m.code, m.severity, m.column.clone()))
        .collect()
}

/// Asserts one line's messages exactly (ordered by code as `validate` sorts them).
fn expect(changes: &[(&str, &str)], expected: &[(u32, Severity, &str)]) -> Validation {
    let validation = run(&[training(changes)]);
    let expected: Vec<(u32, Severity, String)> = expected
        .iter()
        .map(|&(code, severity, column)| (code, severity, column.to_string()))
        .collect();
    assert_eq!(found(&validation, 2), expected, "messages for {changes:?}");
    validation
}

fn record(validation: &Validation, line: u32) -> Option<Training> {
    let lines = validation.lines.as_ref()?;
    lines
        .training
        .iter()
        .find(|l| l.line == line)?
        .record
        .clone()
}

use Severity::{Error as E, Warning as W};

#[test]
fn a_clean_training_file_has_no_messages() {
    let validation = run(&[
        training(&[]),
        training(&[
            ("CATEGORY", "21"),
            ("WHODELIVERED", "2"),
            ("PROVIDERNAME", "999"),
            ("VALIDITY", "none"),
        ]),
        training(&[
            ("LOCALESTID", "HOME2"),
            ("UNIQUEWORKERID", "W7"),
            ("EXPIRYDATE", "14/03/2026"),
        ]),
    ]);
    assert_eq!(training_messages(&validation), Vec::<&Message>::new());
    // 15/03/2025 + 12 months = 15/03/2026, minus one day = 14/03/2026 (derived).
    let first = record(&validation, 2).expect("line 2 is accepted");
    assert_eq!(first.expires, Some(date!(2026 - 03 - 14)));
    assert_eq!(first.validity, Some(Validity::Months(12)));
    assert_eq!(record(&validation, 3).and_then(|r| r.provider), Some(999));
}

#[test]
fn t01_t02_localestid() {
    expect(
        &[("LOCALESTID", "")],
        &[(997, E, "LOCALESTID"), (1000, E, "LOCALESTID")],
    );
    let long = "H".repeat(51);
    expect(
        &[("LOCALESTID", &long)],
        &[(997, E, "LOCALESTID"), (1000, E, "LOCALESTID")],
    );
}

#[test]
fn t02_fifty_characters_are_allowed() {
    // ≤ 50 passes in the training file (App. B.9); the unknown workplace is XT1 only.
    let fifty = "H".repeat(50);
    expect(&[("LOCALESTID", &fifty)], &[(997, E, "LOCALESTID")]);
}

#[test]
fn t03_t04_uniqueworkerid() {
    expect(
        &[("UNIQUEWORKERID", "")],
        &[(996, E, "UNIQUEWORKERID"), (1010, E, "UNIQUEWORKERID")],
    );
    let long = "W".repeat(51);
    expect(
        &[("UNIQUEWORKERID", &long)],
        &[(996, E, "UNIQUEWORKERID"), (1010, E, "UNIQUEWORKERID")],
    );
}

#[test]
fn t05_datecompleted_format() {
    for bad in [
        "5/03/2025",
        "2025-03-15",
        "31/02/2025",
        "15/3/2025",
        "\" 15/03/2025\"",
    ] {
        expect(&[("DATECOMPLETED", bad)], &[(1020, E, "DATECOMPLETED")]);
    }
}

#[test]
fn t06_datecompleted_in_the_future() {
    // Today (30/06/2026) is not in the future; tomorrow is.
    expect(&[("DATECOMPLETED", "30/06/2026"), ("VALIDITY", "")], &[]);
    let validation = expect(
        &[("DATECOMPLETED", "01/07/2026")],
        &[(1020, E, "DATECOMPLETED")],
    );
    assert_eq!(training_messages(&validation)[0].value, "01/07/2026");
}

#[test]
fn t07_expirydate_format() {
    expect(
        &[("EXPIRYDATE", "2026-03-14"), ("VALIDITY", "")],
        &[(1030, E, "EXPIRYDATE")],
    );
}

#[test]
fn t08_expiry_on_or_before_completion() {
    // Same day as completion: an error; the day after: fine (VALIDITY blank so T19 cannot apply).
    expect(
        &[("EXPIRYDATE", "15/03/2025"), ("VALIDITY", "")],
        &[(1030, E, "EXPIRYDATE/DATECOMPLETED")],
    );
    expect(
        &[("EXPIRYDATE", "01/01/2025"), ("VALIDITY", "")],
        &[(1030, E, "EXPIRYDATE/DATECOMPLETED")],
    );
    expect(&[("EXPIRYDATE", "16/03/2025"), ("VALIDITY", "")], &[]);
    // Only when DATECOMPLETED was accepted: a future completion date is T06 alone.
    expect(
        &[
            ("DATECOMPLETED", "01/07/2026"),
            ("EXPIRYDATE", "01/01/2026"),
            ("VALIDITY", ""),
        ],
        &[(1020, E, "DATECOMPLETED")],
    );
}

#[test]
fn t09_trainingname_length() {
    let ok = "n".repeat(120);
    expect(&[("TRAININGNAME", &ok)], &[]);
    let long = "n".repeat(121);
    expect(&[("TRAININGNAME", &long)], &[(1040, E, "TRAININGNAME")]);
}

#[test]
fn t10_category() {
    for bad in ["", "abc", "3", "0", "52", "-6"] {
        expect(&[("CATEGORY", bad)], &[(1050, E, "CATEGORY")]);
    }
    // parseInt reads a prefix: "6 fire" is 6.
    expect(&[("CATEGORY", "6 fire")], &[]);
}

#[test]
fn t11_accredited() {
    expect(&[("ACCREDITED", "2")], &[(1060, E, "ACCREDITED")]);
    for ok in ["0", "1", "999", ""] {
        expect(&[("ACCREDITED", ok)], &[]);
    }
}

#[test]
fn t12_notes_length() {
    let ok = "x".repeat(1000);
    expect(&[("NOTES", &ok)], &[]);
    let long = "x".repeat(1001);
    expect(&[("NOTES", &long)], &[(1070, E, "NOTES")]);
}

#[test]
fn t13_whodelivered() {
    expect(&[("WHODELIVERED", "3")], &[(1080, E, "WHODELIVERED")]);
}

#[test]
fn t14_provider_ignored_unless_external() {
    let validation = expect(
        &[("PROVIDERNAME", "88")],
        &[(2090, W, "WHODELIVERED/PROVIDERNAME")],
    );
    // A warning: the record is saved, without the provider.
    let saved = record(&validation, 2).expect("warnings keep the record");
    assert_eq!((saved.who_delivered, saved.provider), (Some(1), None));
    expect(
        &[("WHODELIVERED", ""), ("PROVIDERNAME", "88")],
        &[(2090, W, "WHODELIVERED/PROVIDERNAME")],
    );
}

#[test]
fn t15_provider_when_external() {
    expect(
        &[("WHODELIVERED", "2"), ("PROVIDERNAME", "89")],
        &[(1090, E, "PROVIDERNAME")],
    );
    expect(
        &[("WHODELIVERED", "2"), ("PROVIDERNAME", "Acme Training")],
        &[(1090, E, "PROVIDERNAME")],
    );
    expect(
        &[("WHODELIVERED", "2"), ("PROVIDERNAME", "")],
        &[(1090, E, "PROVIDERNAME")],
    );
    expect(&[("WHODELIVERED", "2"), ("PROVIDERNAME", "1")], &[]);
}

#[test]
fn t16_howdelivered() {
    expect(&[("HOWDELIVERED", "0")], &[(1100, E, "HOWDELIVERED")]);
    expect(&[("HOWDELIVERED", "2")], &[]);
}

#[test]
fn t17_validity() {
    for bad in ["0", "1000", "None", "NONE", "never", "-3"] {
        expect(&[("VALIDITY", bad)], &[(1110, E, "VALIDITY")]);
    }
    // Integer prefix: "12m" passes as 12 and derives the same expiry as 12.
    let validation = expect(&[("VALIDITY", "12m")], &[]);
    assert_eq!(
        record(&validation, 2).and_then(|r| r.expires),
        Some(date!(2026 - 03 - 14))
    );
    expect(&[("VALIDITY", "999")], &[]);
    expect(&[("VALIDITY", "1")], &[]);
}

#[test]
fn t18_none_validity_with_an_expiry() {
    expect(
        &[("VALIDITY", "none"), ("EXPIRYDATE", "14/03/2026")],
        &[(2110, W, "EXPIRYDATE/VALIDITY")],
    );
    expect(&[("VALIDITY", "none")], &[]);
}

#[test]
fn t19_expiry_does_not_match_validity() {
    // 31/01/2021 + 1 month = 28/02/2021 (clamped), − 1 day = 27/02/2021.
    let base = [("DATECOMPLETED", "31/01/2021"), ("VALIDITY", "1")];
    expect(&[base[0], base[1], ("EXPIRYDATE", "27/02/2021")], &[]);
    expect(
        &[base[0], base[1], ("EXPIRYDATE", "28/02/2021")],
        &[(2110, W, "EXPIRYDATE/VALIDITY")],
    );
    let derived = expect(&base, &[]);
    assert_eq!(
        record(&derived, 2).and_then(|r| r.expires),
        Some(date!(2021 - 02 - 27))
    );
    // Without a completion date nothing can be derived or compared.
    let no_date = expect(&[("DATECOMPLETED", ""), ("EXPIRYDATE", "01/01/2026")], &[]);
    assert_eq!(
        record(&no_date, 2).and_then(|r| r.expires),
        Some(date!(2026 - 01 - 01))
    );
}

#[test]
fn training_lines_are_not_deduplicated() {
    // T13 and XT3 share code 1080; both are reported on the same line.
    expect(
        &[
            ("WHODELIVERED", "5"),
            ("DATECOMPLETED", "01/01/2010"),
            ("VALIDITY", ""),
        ],
        &[(1080, E, "WHODELIVERED"), (1080, E, "DATECOMPLETED")],
    );
}

#[test]
fn xt1_workplace_not_in_the_workplace_file() {
    let validation = expect(&[("LOCALESTID", "HOME9")], &[(997, E, "LOCALESTID")]);
    assert!(record(&validation, 2).is_none());
}

#[test]
fn xt2_staff_record_not_in_the_staff_file() {
    expect(&[("UNIQUEWORKERID", "W2")], &[(996, E, "UNIQUEWORKERID")]);
    // W7 exists, but at HOME2.
    expect(&[("UNIQUEWORKERID", "W7")], &[(996, E, "UNIQUEWORKERID")]);
    // Whitespace is removed from keys: "W 1" is W1.
    expect(&[("UNIQUEWORKERID", "\"W 1\"")], &[]);
}

#[test]
fn xt3_completed_before_fourteen() {
    // Born 10/05/2000 → 14 on 10/05/2014.
    expect(
        &[("DATECOMPLETED", "09/05/2014"), ("VALIDITY", "")],
        &[(1080, E, "DATECOMPLETED")],
    );
    expect(&[("DATECOMPLETED", "10/05/2014"), ("VALIDITY", "")], &[]);
}

#[test]
fn messages_carry_file_line_value_and_keys() {
    let validation = run(&[training(&[]), training(&[("ACCREDITED", "7")])]);
    let messages = training_messages(&validation);
    assert_eq!(messages.len(), 1);
    let message = messages[0];
    assert_eq!(
        (message.file, message.line, message.code),
        (FileKind::Training, 3, 1060)
    );
    assert_eq!(message.value, "7");
    assert_eq!(message.workplace, "HOME1");
    assert_eq!(message.worker.as_deref(), Some("W1"));
}

#[test]
fn short_rows_read_as_blank() {
    // A row cut to 6 of 12 fields: the missing values are blank, no message (§1.1).
    let validation = run(&["HOME1,W1,6,Fire safety,1,1".to_string()]);
    assert_eq!(training_messages(&validation), Vec::<&Message>::new());
    // Cut to 2 fields: CATEGORY is missing, T10 only.
    let validation = run(&["HOME1,W1".to_string()]);
    assert_eq!(found(&validation, 2), [(1050, E, "CATEGORY".to_string())]);
}

#[test]
fn writer_round_trip() {
    let validation = run(&[
        training(&[]),
        training(&[
            ("TRAININGNAME", "\"Moving, handling \"\"safely\"\"\""),
            ("NOTES", "\"two\nlines\""),
        ]),
        training(&[
            ("CATEGORY", "2"),
            ("VALIDITY", "none"),
            ("WHODELIVERED", "2"),
            ("PROVIDERNAME", "12"),
        ]),
        training(&[
            ("LOCALESTID", "HOME2"),
            ("UNIQUEWORKERID", "W7"),
            ("TRAININGNAME", "\" padded \""),
        ]),
    ]);
    assert_eq!(training_messages(&validation), Vec::<&Message>::new());
    let records: Vec<Training> = (2..=5)
        .filter_map(|line| record(&validation, line))
        .collect();
    assert_eq!(records.len(), 4);
    assert_eq!(
        records[1].name.as_deref(),
        Some("Moving, handling \"safely\"")
    );
    let written = carecount_ascwds::training::write(&records);
    let again = run_text(written.clone());
    assert_eq!(training_messages(&again), Vec::<&Message>::new());
    let reread: Vec<Training> = (2..=5).filter_map(|line| record(&again, line)).collect();
    assert_eq!(reread, records);
    assert_eq!(carecount_ascwds::training::write(&reread), written);
    assert!(!written.contains('\r'));
    assert!(written.starts_with(&format!("{TRAINING_HEADER}\n")));
}
