//! The workplace file rules of `ascwds-formats.md` §2 (W01–W102, XW1–XW7, F2, F3) end to end
//! through `carecount_ascwds::validate`: every rule is triggered and checked by file, line, code,
//! severity and column; subtle ones also have a case where they must not fire. Expected values
//! come from the spec tables (§2.4, Appendix A), with the arithmetic in comments.

use carecount_ascwds::recognise::{WORKPLACE_HEADER, staff_base_header};
use carecount_ascwds::workplace::write;
use carecount_ascwds::{
    ExistingState, ExistingWorkplace, FileKind, Given, InputFile, Message, Severity, Validation,
    validate,
};
use carecount_domain::{
    Answer, CwpUse, DhaActivities, Hundredths, ServiceEntry, ServiceUserEntry, WorkforceCounts,
    Workplace,
};
use time::Date;
use time::macros::date;

const AS_OF: Date = date!(2026 - 06 - 30);
const E: Severity = Severity::Error;

/// Column overrides of one line.
type Overrides = Vec<(&'static str, String)>;
/// (rule id, overrides, code, severity, column) of a case that must fire on line 2.
type FiringCase<'a> = (&'a str, Overrides, u32, Severity, &'a str);
const W: Severity = Severity::Warning;

/// A clean NEW line: a CQC-regulated care home without nursing (service 2: CQC-regulated, capacity
/// and utilisation questions, pay group 2), two job roles (4 registered manager, 8 care worker)
/// and two staff records in the staff file (see `staff_file`).
const BASE: &[(&str, &str)] = &[
    ("LOCALESTID", "HOME1"),
    ("STATUS", "NEW"),
    ("ESTNAME", "Home One"),
    ("ADDRESS1", "1 High Street"),
    ("POSTCODE", "LS1 4HY"),
    ("ESTTYPE", "6"),
    ("REGTYPE", "2"),
    ("PROVNUM", "1-101010101"),
    ("LOCATIONID", "1-202020202"),
    ("MAINSERVICE", "2"),
    ("ALLSERVICES", "2"),
    ("CAPACITY", "30"),
    ("UTILISATION", "25"),
    ("TOTALPERMTEMP", "2"),
    ("ALLJOBROLES", "4;8"),
    ("STARTERS", "0;1"),
    ("LEAVERS", "0;1"),
    ("VACANCIES", "0;1"),
    ("REASONS", "3"),
    ("REASONNOS", "1"),
];

/// Overrides for a domiciliary care main service (8: CQC-regulated, utilisation question only,
/// pay group 1).
const DOMICILIARY: &[(&str, &str)] = &[
    ("MAINSERVICE", "8"),
    ("ALLSERVICES", "8"),
    ("CAPACITY", ""),
    ("UTILISATION", "25"),
];

/// Overrides for a head office (72: either REGTYPE, no capacity questions, no DHA, pay group 3).
const HEAD_OFFICE: &[(&str, &str)] = &[
    ("MAINSERVICE", "72"),
    ("ALLSERVICES", "72"),
    ("CAPACITY", ""),
    ("UTILISATION", ""),
];

/// Overrides for a day care service that CQC does not regulate (6: capacity and utilisation,
/// pay group 3), so REGTYPE 0.
const NOT_REGULATED: &[(&str, &str)] = &[
    ("REGTYPE", "0"),
    ("PROVNUM", ""),
    ("LOCATIONID", ""),
    ("MAINSERVICE", "6"),
    ("ALLSERVICES", "6"),
];

/// One CSV line of `header` with `values` (later pairs override earlier ones; others blank).
fn line_for(header: &str, values: &[(&str, &str)]) -> String {
    header
        .split(',')
        .map(|column| {
            values
                .iter()
                .rev()
                .find(|(name, _)| *name == column)
                .map_or("", |(_, value)| *value)
        })
        .map(quote)
        .collect::<Vec<_>>()
        .join(",")
}

fn quote(value: &str) -> String {
    if value.contains([',', '"']) || value.starts_with(' ') || value.ends_with(' ') {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// BASE with `overrides` applied.
fn with(overrides: &[(&str, &str)]) -> Vec<(&'static str, String)> {
    let mut values: Vec<(&'static str, String)> =
        BASE.iter().map(|(c, v)| (*c, v.to_string())).collect();
    for (column, value) in overrides {
        let column: &'static str = WORKPLACE_HEADER
            .split(',')
            .find(|c| c == column)
            .expect("a workplace column");
        values.push((column, value.to_string()));
    }
    values
}

fn workplace_file(lines: &[Vec<(&'static str, String)>]) -> String {
    let mut text = format!("{WORKPLACE_HEADER}\n");
    for values in lines {
        let pairs: Vec<(&str, &str)> = values.iter().map(|(c, v)| (*c, v.as_str())).collect();
        text.push_str(&line_for(WORKPLACE_HEADER, &pairs));
        text.push('\n');
    }
    text
}

/// Staff lines (workplace, worker, main job role), STATUS NEW.
fn staff_file(rows: &[(&str, &str, &str)]) -> String {
    let header = staff_base_header();
    let mut text = format!("{header}\n");
    for (workplace, worker, role) in rows {
        text.push_str(&line_for(
            &header,
            &[
                ("LOCALESTID", workplace),
                ("UNIQUEWORKERID", worker),
                ("STATUS", "NEW"),
                ("DISPLAYID", worker),
                ("DOB", "10/05/1990"),
                ("GENDER", "2"),
                ("EMPLSTATUS", "1"),
                ("STARTDATE", "01/02/2020"),
                ("MAINJOBROLE", role),
                ("CONTHOURS", "37.5"),
            ],
        ));
        text.push('\n');
    }
    text
}

/// The two staff of HOME1: a registered manager (4) and a care worker (8).
const STAFF: &[(&str, &str, &str)] = &[("HOME1", "W1", "4"), ("HOME1", "W2", "8")];

fn run_files(workplaces: String, staff: String, existing: &ExistingState) -> Validation {
    let given = Given::Explicit {
        workplace: Some(InputFile {
            path: "workplace.csv".into(),
            bytes: workplaces.into_bytes(),
        }),
        staff: Some(InputFile {
            path: "staff.csv".into(),
            bytes: staff.into_bytes(),
        }),
        training: None,
    };
    validate(given, existing, AS_OF).expect("a valid set of files")
}

fn run(lines: &[Vec<(&'static str, String)>], existing: &ExistingState) -> Validation {
    run_files(workplace_file(lines), staff_file(STAFF), existing)
}

fn run_one(overrides: &[(&str, &str)]) -> Validation {
    run(&[with(overrides)], &ExistingState::default())
}

fn workplace_messages(validation: &Validation) -> Vec<&Message> {
    validation
        .messages
        .iter()
        .filter(|m| m.file == FileKind::Workplace)
        .collect()
}

fn has(validation: &Validation, line: u32, code: u32, severity: Severity, column: &str) -> bool {
    workplace_messages(validation)
        .iter()
        .any(|m| m.line == line && m.code == code && m.severity == severity && m.column == column)
}

fn has_code(validation: &Validation, code: u32) -> bool {
    workplace_messages(validation)
        .iter()
        .any(|m| m.code == code)
}

fn record(validation: &Validation, index: usize) -> Option<Workplace> {
    validation
        .lines
        .as_ref()?
        .workplaces
        .get(index)?
        .record
        .clone()
}

/// The record of BASE with `overrides`, asserting the line has no error.
fn record_of(overrides: &[(&str, &str)]) -> Workplace {
    let validation = run_one(overrides);
    record(&validation, 0)
        .unwrap_or_else(|| panic!("no record: {:#?}", workplace_messages(&validation)))
}

fn existing(workplaces: Vec<(Workplace, bool)>, elsewhere: Vec<String>) -> ExistingState {
    ExistingState::new(
        workplaces
            .into_iter()
            .map(|(record, primary)| ExistingWorkplace { record, primary })
            .collect(),
        Vec::new(),
        Vec::new(),
        elsewhere,
    )
}

fn long(n: usize) -> String {
    "x".repeat(n)
}

/// Cases triggered on the single line (line 2) of a new, empty organisation.
/// (rule id, overrides on BASE, code, severity, column)
#[test]
fn every_line_rule_fires_with_its_code_severity_and_column() {
    let name_121 = long(121);
    let text_41 = long(41);
    let text_121 = long(121);
    let text_241 = long(241);
    let localestid_50 = long(50);
    let dom = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, String)> {
        DOMICILIARY
            .iter()
            .chain(extra.iter())
            .map(|(c, v)| (*c, v.to_string()))
            .collect()
    };
    let head = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, String)> {
        HEAD_OFFICE
            .iter()
            .chain(extra.iter())
            .map(|(c, v)| (*c, v.to_string()))
            .collect()
    };
    let plain = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, String)> {
        extra.iter().map(|(c, v)| (*c, v.to_string())).collect()
    };
    let unregulated = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, String)> {
        NOT_REGULATED
            .iter()
            .chain(extra.iter())
            .map(|(c, v)| (*c, v.to_string()))
            .collect()
    };
    let owned = |pairs: Vec<(&'static str, String)>| pairs;
    let cases: Vec<FiringCase<'_>> = vec![
        ("W01", plain(&[("LOCALESTID", "")]), 1010, E, "LOCALESTID"),
        (
            "W02",
            owned(vec![("LOCALESTID", localestid_50.clone())]),
            1010,
            E,
            "LOCALESTID",
        ),
        ("W03", plain(&[("ESTNAME", "")]), 1030, E, "ESTNAME"),
        (
            "W04",
            owned(vec![("ESTNAME", name_121.clone())]),
            1030,
            E,
            "ESTNAME",
        ),
        ("W05", plain(&[("STATUS", "")]), 1020, E, "STATUS"),
        ("W06", plain(&[("STATUS", "CHGSUB")]), 1020, E, "STATUS"),
        ("W08", plain(&[("STATUS", "DELETE")]), 1020, E, "STATUS"),
        ("W09", plain(&[("STATUS", "UNCHECKED")]), 1020, E, "STATUS"),
        ("W10", plain(&[("STATUS", "nochange")]), 1020, E, "STATUS"),
        ("W11", plain(&[("STATUS", "UPDATE")]), 1020, E, "STATUS"),
        ("W12", plain(&[("ADDRESS1", "")]), 1040, E, "ADDRESS1"),
        (
            "W13",
            owned(vec![("ADDRESS1", text_41.clone())]),
            1040,
            E,
            "ADDRESS1",
        ),
        (
            "W14",
            owned(vec![("ADDRESS2", text_41.clone())]),
            1045,
            E,
            "ADDRESS2",
        ),
        (
            "W15",
            owned(vec![("ADDRESS3", text_41.clone())]),
            1050,
            E,
            "ADDRESS3",
        ),
        (
            "W16",
            owned(vec![("POSTTOWN", text_41.clone())]),
            1055,
            E,
            "POSTTOWN",
        ),
        ("W17", plain(&[("POSTCODE", "")]), 1060, E, "POSTCODE"),
        // 11 characters.
        (
            "W18",
            plain(&[("POSTCODE", "LS1 4HY 123")]),
            1060,
            E,
            "POSTCODE",
        ),
        ("W19", plain(&[("POSTCODE", "12345")]), 1060, E, "POSTCODE"),
        ("W22", plain(&[("ESTTYPE", "")]), 1070, E, "ESTTYPE"),
        ("W23", plain(&[("ESTTYPE", "9")]), 1070, E, "ESTTYPE"),
        ("W23 text", plain(&[("ESTTYPE", "abc")]), 1070, E, "ESTTYPE"),
        ("W24", plain(&[("ESTTYPE", "4")]), 1070, E, "ESTTYPE"),
        (
            "W25",
            plain(&[("ESTTYPE", "8"), ("OTHERTYPE", "")]),
            2070,
            W,
            "OTHERTYPE",
        ),
        (
            "W26",
            owned(vec![
                ("ESTTYPE", "8".into()),
                ("OTHERTYPE", text_241.clone()),
            ]),
            1070,
            E,
            "OTHERTYPE",
        ),
        (
            "W27",
            plain(&[("ESTTYPE", "6"), ("OTHERTYPE", "Trust")]),
            2070,
            W,
            "OTHERTYPE",
        ),
        ("W28", plain(&[("PERMCQC", "2")]), 1080, E, "PERMCQC"),
        ("W29", plain(&[("PERMLA", "yes")]), 1090, E, "PERMLA"),
        ("W30", plain(&[("MAINSERVICE", "")]), 1000, E, "MAINSERVICE"),
        // 3 is not in A.2.
        (
            "W31",
            plain(&[("MAINSERVICE", "3"), ("ALLSERVICES", "3")]),
            1000,
            E,
            "MAINSERVICE",
        ),
        ("W32", plain(&[("REGTYPE", "")]), 1100, E, "REGTYPE"),
        ("W33", plain(&[("REGTYPE", "1")]), 1100, E, "REGTYPE"),
        // 6 (day care) is not CQC-regulated in A.2.
        (
            "W34",
            plain(&[("MAINSERVICE", "6"), ("ALLSERVICES", "6")]),
            1100,
            E,
            "REGTYPE/MAINSERVICE",
        ),
        // 2 (care home) is CQC-regulated.
        (
            "W35",
            plain(&[("REGTYPE", "0")]),
            1100,
            E,
            "REGTYPE/MAINSERVICE",
        ),
        ("W36", plain(&[("PROVNUM", "")]), 1105, E, "PROVNUM"),
        // Seven digits after the hyphen; 8–12 are needed.
        (
            "W37",
            plain(&[("PROVNUM", "1-1234567")]),
            1105,
            E,
            "PROVNUM",
        ),
        (
            "W38",
            unregulated(&[("PROVNUM", "1-101010101")]),
            2105,
            W,
            "PROVNUM",
        ),
        ("W39", plain(&[("LOCATIONID", "")]), 1110, E, "LOCATIONID"),
        (
            "W40",
            plain(&[("LOCATIONID", "12345")]),
            1110,
            E,
            "LOCATIONID",
        ),
        (
            "W42",
            unregulated(&[("LOCATIONID", "1-202020202")]),
            2110,
            W,
            "LOCATIONID",
        ),
        (
            "W43",
            plain(&[("ALLSERVICES", "1")]),
            1120,
            E,
            "ALLSERVICES",
        ),
        (
            "W44",
            plain(&[("ALLSERVICES", "2;1;0")]),
            1121,
            E,
            "ALLSERVICES",
        ),
        (
            "W45",
            plain(&[("ALLSERVICES", "2;;1")]),
            1120,
            E,
            "ALLSERVICES",
        ),
        (
            "W46",
            plain(&[
                ("ALLSERVICES", "2;1"),
                ("CAPACITY", "30;20"),
                ("UTILISATION", "25;20"),
                ("SERVICEDESC", ""),
            ]),
            1120,
            E,
            "ALLSERVICES/CAPACITY/UTILISATION/SERVICEDESC",
        ),
        (
            "W47",
            owned(vec![
                ("ALLSERVICES", "2;5".into()),
                ("CAPACITY", "30;5".into()),
                ("UTILISATION", "25;5".into()),
                ("SERVICEDESC", format!(";{text_121}")),
            ]),
            1120,
            E,
            "SERVICEDESC",
        ),
        (
            "W48",
            plain(&[
                ("ALLSERVICES", "2;3"),
                ("CAPACITY", "30;"),
                ("UTILISATION", "25;"),
                ("SERVICEDESC", ";"),
            ]),
            1120,
            E,
            "ALLSERVICES",
        ),
        (
            "W49",
            plain(&[("SERVICEUSERS", "1;x"), ("OTHERUSERDESC", ";")]),
            2130,
            W,
            "SERVICEUSERS",
        ),
        (
            "W50",
            plain(&[("SERVICEUSERS", "1;2"), ("OTHERUSERDESC", "")]),
            1130,
            E,
            "SERVICEUSERS/OTHERUSERDESC",
        ),
        (
            "W51",
            plain(&[("SERVICEUSERS", "3"), ("OTHERUSERDESC", "")]),
            2130,
            W,
            "OTHERUSERDESC",
        ),
        (
            "W52",
            owned(vec![
                ("SERVICEUSERS", "3".into()),
                ("OTHERUSERDESC", text_121.clone()),
            ]),
            1130,
            E,
            "OTHERUSERDESC",
        ),
        // 24 is not in A.3.
        (
            "W53",
            plain(&[("SERVICEUSERS", "1;24"), ("OTHERUSERDESC", ";")]),
            1130,
            W,
            "SERVICEUSERS",
        ),
        ("W54", plain(&[("DHA", "3")]), 2510, W, "DHA"),
        // Head office (72) cannot do DHA.
        ("W55", head(&[("DHA", "1")]), 2520, W, "DHA"),
        (
            "W56",
            plain(&[("DHA", "2"), ("DHAACTIVITIES", "1;2")]),
            2530,
            W,
            "DHAACTIVITIES",
        ),
        (
            "W57",
            plain(&[("DHA", "1"), ("DHAACTIVITIES", "9;10")]),
            2530,
            W,
            "DHAACTIVITIES",
        ),
        (
            "W58",
            plain(&[("DHA", "1"), ("DHAACTIVITIES", "1;9")]),
            2530,
            W,
            "DHAACTIVITIES",
        ),
        // Single service: UTILISATION 25;1 keeps both numbers (2 items) against CAPACITY's 1.
        (
            "W59",
            plain(&[("UTILISATION", "25;1")]),
            1140,
            E,
            "CAPACITY/UTILISATION",
        ),
        (
            "W60",
            plain(&[
                ("ALLSERVICES", "2;1"),
                ("SERVICEDESC", ";"),
                ("CAPACITY", "30"),
                ("UTILISATION", "25"),
            ]),
            1140,
            E,
            "CAPACITY/UTILISATION",
        ),
        // Two services and empty fields: one item each, two services (§2.2 note).
        (
            "W60 blank",
            plain(&[
                ("ALLSERVICES", "2;1"),
                ("SERVICEDESC", ";"),
                ("CAPACITY", ""),
                ("UTILISATION", ""),
            ]),
            1140,
            E,
            "CAPACITY/UTILISATION",
        ),
        ("W61", plain(&[("CAPACITY", "9999")]), 1140, E, "CAPACITY"),
        (
            "W62",
            plain(&[("UTILISATION", "10000")]),
            1140,
            E,
            "UTILISATION",
        ),
        // Domiciliary care (8) has no capacity question.
        ("W63", dom(&[("CAPACITY", "5")]), 1140, E, "CAPACITY"),
        // Service 61 (community learning disability, CQC-regulated) has no utilisation question.
        (
            "W64",
            plain(&[
                ("MAINSERVICE", "61"),
                ("ALLSERVICES", "61"),
                ("CAPACITY", ""),
                ("UTILISATION", "5"),
            ]),
            1140,
            E,
            "UTILISATION",
        ),
        (
            "W65",
            plain(&[("TOTALPERMTEMP", "1000")]),
            1200,
            E,
            "TOTALPERMTEMP",
        ),
        (
            "W65 blank",
            plain(&[("TOTALPERMTEMP", "")]),
            1200,
            E,
            "TOTALPERMTEMP",
        ),
        (
            "W66",
            plain(&[("TOTALPERMTEMP", "0")]),
            1200,
            E,
            "TOTALPERMTEMP",
        ),
        (
            "W67",
            plain(&[
                ("ALLJOBROLES", ""),
                ("STARTERS", "2"),
                ("LEAVERS", ""),
                ("VACANCIES", ""),
                ("REASONS", ""),
            ]),
            1280,
            E,
            "ALLJOBROLES",
        ),
        (
            "W68",
            plain(&[("ALLJOBROLES", "4;x")]),
            1280,
            E,
            "ALLJOBROLES",
        ),
        // 12 is a retired job role code (A.4).
        (
            "W69",
            plain(&[("ALLJOBROLES", "4;12")]),
            1280,
            E,
            "ALLJOBROLES",
        ),
        (
            "W70",
            unregulated(&[("VACANCIES", "1;1")]),
            2180,
            W,
            "VACANCY",
        ),
        (
            "W71",
            plain(&[("VACANCIES", "1")]),
            1300,
            E,
            "ALLJOBROLES/VACANCIES",
        ),
        (
            "W72",
            plain(&[("STARTERS", "1;1;1")]),
            1310,
            E,
            "ALLJOBROLES/STARTERS",
        ),
        (
            "W73",
            plain(&[("LEAVERS", "1")]),
            1320,
            E,
            "ALLJOBROLES/LEAVERS",
        ),
        (
            "W74",
            plain(&[("VACANCIES", "0;1000")]),
            1300,
            E,
            "VACANCIES",
        ),
        ("W75", plain(&[("STARTERS", "0;x")]), 1310, E, "STARTERS"),
        ("W76", plain(&[("LEAVERS", "0;-1")]), 1320, E, "LEAVERS"),
        ("W77", plain(&[("REASONS", "x")]), 1360, E, "REASONS"),
        ("W78", plain(&[("REASONNOS", "x")]), 1360, E, "REASONNOS"),
        (
            "W79",
            plain(&[("REASONS", "3;4"), ("REASONNOS", "1")]),
            1360,
            E,
            "REASONS/REASONNOS",
        ),
        // REASONNOS 2 against LEAVERS 0 + 1 = 1.
        (
            "W80",
            plain(&[("REASONNOS", "2")]),
            1360,
            E,
            "REASONNOS/LEAVERS",
        ),
        (
            "W81",
            plain(&[("REPEATTRAINING", "5")]),
            2420,
            W,
            "REPEATTRAINING",
        ),
        ("W82", plain(&[("CWPAWARE", "5")]), 2480, W, "CWPAWARE"),
        ("W83", plain(&[("CWPUSE", "3")]), 2490, W, "CWPUSE"),
        ("W84", plain(&[("CWPUSE", "1;2;11")]), 2490, W, "CWPUSE"),
        (
            "W85",
            owned(vec![
                ("CWPUSE", "1;10".into()),
                ("CWPUSEDESC", text_121.clone()),
            ]),
            2500,
            W,
            "CWPUSEDESC",
        ),
        (
            "W86",
            plain(&[("CWPUSE", "1;2"), ("CWPUSEDESC", "Our own reason")]),
            2500,
            W,
            "CWPUSEDESC",
        ),
        ("W87", plain(&[("SICKPAY", "yes")]), 2450, W, "SICKPAY"),
        ("W88", plain(&[("HOLIDAY", "25.5")]), 2470, W, "HOLIDAY"),
        ("W89", plain(&[("PENSION", "2")]), 2460, W, "PENSION"),
        (
            "W90",
            plain(&[("PENSION", "0"), ("ACTUALCONT", "5")]),
            2541,
            W,
            "ACTUALCONT",
        ),
        (
            "W91",
            plain(&[("PENSION", "1"), ("ACTUALCONT", "3")]),
            2540,
            W,
            "ACTUALCONT",
        ),
        // 3.004 rounds to 3.00, which is not above 3.
        (
            "W91 rounding",
            plain(&[("PENSION", "1"), ("ACTUALCONT", "3.004")]),
            2540,
            W,
            "ACTUALCONT",
        ),
        (
            "W91 text",
            plain(&[("PENSION", "1"), ("ACTUALCONT", "five")]),
            2540,
            W,
            "ACTUALCONT",
        ),
        ("W92", plain(&[("OPTOUTPEN", "3")]), 2550, W, "OPTOUTPEN"),
        ("W93", plain(&[("SLEEPINS", "3")]), 2560, W, "SLEEPINS"),
        // Head office is pay group 3: no sleep-in questions.
        ("W94", head(&[("SLEEPINS", "1")]), 2561, W, "SLEEPINS"),
        (
            "W95",
            plain(&[("SLEEPINS", "2"), ("SLEEPINPAY", "1")]),
            2572,
            W,
            "SLEEPINPAY",
        ),
        (
            "W96",
            plain(&[("SLEEPINS", "1"), ("SLEEPINPAY", "3")]),
            2570,
            W,
            "SLEEPINPAY",
        ),
        (
            "W97",
            head(&[("SLEEPINS", "1"), ("SLEEPINPAY", "1")]),
            2571,
            W,
            "SLEEPINPAY",
        ),
        ("W98", dom(&[("TRAVELTIME", "7")]), 2580, W, "TRAVELTIME"),
        // Care home (2) is pay group 2: no travel-time questions.
        ("W99", plain(&[("TRAVELTIME", "1")]), 2581, W, "TRAVELTIME"),
        (
            "W100",
            dom(&[("TRAVELTIME", "1"), ("TTDIFFRATE", "10")]),
            2592,
            W,
            "TTDIFFRATE",
        ),
        (
            "W101",
            dom(&[("TRAVELTIME", "3"), ("TTDIFFRATE", "2.49")]),
            2590,
            W,
            "TTDIFFRATE",
        ),
        (
            "W101 high",
            dom(&[("TRAVELTIME", "3"), ("TTDIFFRATE", "200.01")]),
            2590,
            W,
            "TTDIFFRATE",
        ),
        (
            "W102",
            plain(&[("TRAVELTIME", "3"), ("TTDIFFRATE", "10")]),
            2591,
            W,
            "TTDIFFRATE",
        ),
    ];
    let mut failures = Vec::new();
    for (id, overrides, code, severity, column) in &cases {
        let pairs: Vec<(&str, &str)> = overrides.iter().map(|(c, v)| (*c, v.as_str())).collect();
        let validation = run_one(&pairs);
        if !has(&validation, 2, *code, *severity, column) {
            failures.push(format!(
                "{id}: expected {code} {severity:?} {column}, got {:#?}",
                workplace_messages(&validation)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_clean_file_has_no_workplace_messages_and_gives_the_record() {
    let validation = run_one(&[]);
    assert!(
        workplace_messages(&validation).is_empty(),
        "{:#?}",
        workplace_messages(&validation)
    );
    let expected = Workplace {
        localestid: "HOME1".into(),
        name: "Home One".into(),
        address1: "1 High Street".into(),
        address2: String::new(),
        address3: String::new(),
        post_town: String::new(),
        postcode: "LS1 4HY".into(),
        employer_type: Some(6),
        employer_type_other: None,
        share_with_cqc: None,
        share_with_la: None,
        cqc_regulated: true,
        provider_id: Some("1-101010101".into()),
        location_id: Some("1-202020202".into()),
        main_service: 2,
        services: vec![ServiceEntry {
            code: 2,
            capacity: Some(30),
            utilisation: Some(25),
            description: None,
        }],
        no_other_services: false,
        service_users: Vec::new(),
        dha: None,
        dha_activities: None,
        total_perm_temp: 2,
        job_roles: vec![4, 8],
        starters: WorkforceCounts::PerRole(vec![0, 1]),
        leavers: WorkforceCounts::PerRole(vec![0, 1]),
        vacancies: WorkforceCounts::PerRole(vec![0, 1]),
        leaving_reasons: vec![(3, 1)],
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
    };
    assert_eq!(record(&validation, 0), Some(expected));
    let line = &validation.lines.as_ref().expect("lines").workplaces[0];
    assert_eq!(
        (line.cqc_regulated, line.main_service, line.kept),
        (Some(true), Some(2), true)
    );
}

/// Cases that must NOT produce the given code on line 2.
#[test]
fn near_misses_do_not_fire() {
    let localestid_49 = long(49);
    let name_120 = long(120);
    let text_40 = long(40);
    let desc_120 = long(120);
    let cases: Vec<(&str, Overrides, u32)> = vec![
        ("W02 at 49", vec![("LOCALESTID", localestid_49)], 1010),
        ("W04 at 120", vec![("ESTNAME", name_120)], 1030),
        ("W13 at 40", vec![("ADDRESS1", text_40)], 1040),
        // Lenient, unanchored postcode check (Appendix B.10): 9 characters with rubbish around it.
        ("W19 lenient", vec![("POSTCODE", "x LS14HY".into())], 1060),
        ("W19 lower case", vec![("POSTCODE", "ls1 4hy".into())], 1060),
        // Head office accepts either REGTYPE and needs no LOCATIONID.
        (
            "W34 head office",
            head_office(&[("REGTYPE", "2"), ("LOCATIONID", "")]),
            1100,
        ),
        (
            "W35 head office",
            head_office(&[("REGTYPE", "0"), ("PROVNUM", ""), ("LOCATIONID", "")]),
            1100,
        ),
        ("W39 head office", head_office(&[("LOCATIONID", "")]), 1110),
        (
            "W37 twelve digits",
            vec![("PROVNUM", "1-123456789012".into())],
            1105,
        ),
        ("W44 main only", vec![("ALLSERVICES", "2;0".into())], 1121),
        (
            "W46 two blank descriptions",
            vec![
                ("ALLSERVICES", "2;1".into()),
                ("CAPACITY", "30;20".into()),
                ("UTILISATION", "25;20".into()),
                ("SERVICEDESC", ";".into()),
            ],
            1120,
        ),
        // Single service: a text description is dropped before counting (§2.2 notes).
        (
            "W46 single service text",
            vec![("SERVICEDESC", "Residential;Nursing".into())],
            1120,
        ),
        (
            "W47 at 120",
            vec![
                ("ALLSERVICES", "2;5".into()),
                ("CAPACITY", "30;5".into()),
                ("UTILISATION", "25;5".into()),
                ("SERVICEDESC", format!(";{desc_120}")),
            ],
            1120,
        ),
        (
            "W50 same count",
            vec![
                ("SERVICEUSERS", "1;2".into()),
                ("OTHERUSERDESC", ";".into()),
            ],
            1130,
        ),
        (
            "W56 DHA 2 with 999",
            vec![("DHA", "2".into()), ("DHAACTIVITIES", "999".into())],
            2530,
        ),
        // Single service: `thirty` is dropped, `30;0` keeps one item (§2.2 notes).
        (
            "W61 single service text",
            vec![("CAPACITY", "thirty".into())],
            1140,
        ),
        (
            "W60 single service 30;0",
            vec![("ALLSERVICES", "2;0".into()), ("CAPACITY", "30;0".into())],
            1140,
        ),
        ("W61 below limit", vec![("CAPACITY", "9998".into())], 1140),
        // Negative values are not rejected (§2.2).
        ("W61 negative", vec![("CAPACITY", "-5".into())], 1140),
        (
            "W66 head office",
            head_office(&[("TOTALPERMTEMP", "0")]),
            1200,
        ),
        (
            "W67 zeros and 999",
            vec![
                ("ALLJOBROLES", "".into()),
                ("STARTERS", "0".into()),
                ("LEAVERS", "999".into()),
                ("VACANCIES", "".into()),
                ("REASONS", "".into()),
            ],
            1280,
        ),
        ("W70 regulated", vec![("VACANCIES", "1;1".into())], 2180),
        ("W71 single 999", vec![("VACANCIES", "999".into())], 1300),
        // No leavers: REASONS is not read.
        (
            "W77 no leavers",
            vec![("LEAVERS", "0;0".into()), ("REASONS", "x".into())],
            1360,
        ),
        (
            "W87 unknown any case",
            vec![("SICKPAY", "UNKNOWN".into())],
            2450,
        ),
        // 3.005 → 3.01 (rounded above 3 is not, 3.01 is).
        (
            "W91 just above 3",
            vec![("PENSION", "1".into()), ("ACTUALCONT", "3.01".into())],
            2540,
        ),
        (
            "W91 100",
            vec![("PENSION", "1".into()), ("ACTUALCONT", "100".into())],
            2540,
        ),
        (
            "W101 at 2.50",
            domiciliary(&[("TRAVELTIME", "3"), ("TTDIFFRATE", "2.5")]),
            2590,
        ),
        // 200.004 rounds to 200.00.
        (
            "W101 rounds to 200",
            domiciliary(&[("TRAVELTIME", "3"), ("TTDIFFRATE", "200.004")]),
            2590,
        ),
    ];
    let mut failures = Vec::new();
    for (id, overrides, code) in &cases {
        let pairs: Vec<(&str, &str)> = overrides.iter().map(|(c, v)| (*c, v.as_str())).collect();
        let validation = run_one(&pairs);
        let on_line: Vec<&Message> = workplace_messages(&validation)
            .into_iter()
            .filter(|m| m.line == 2)
            .collect();
        if on_line.iter().any(|m| m.code == *code) {
            failures.push(format!("{id}: {code} fired: {on_line:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn head_office(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, String)> {
    HEAD_OFFICE
        .iter()
        .chain(extra.iter())
        .map(|(c, v)| (*c, v.to_string()))
        .collect()
}

fn domiciliary(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, String)> {
    DOMICILIARY
        .iter()
        .chain(extra.iter())
        .map(|(c, v)| (*c, v.to_string()))
        .collect()
}

#[test]
fn status_is_checked_against_the_stored_workplaces() {
    let stored = record_of(&[]);
    let state = existing(vec![(stored, true)], Vec::new());
    // W07: NEW for a workplace that exists (key ignores whitespace: "HOME 1" = "HOME1").
    let validation = run(&[with(&[("LOCALESTID", "HOME 1")])], &state);
    assert!(has(&validation, 2, 1020, E, "STATUS"));
    // UPDATE, NOCHANGE, UNCHECKED, DELETE of an existing workplace: no STATUS error.
    for status in ["UPDATE", "NOCHANGE", "UNCHECKED", "delete"] {
        let validation = run(&[with(&[("STATUS", status)])], &state);
        assert!(
            !has_code(&validation, 1020),
            "{status}: {:#?}",
            workplace_messages(&validation)
        );
    }
}

#[test]
fn key_only_statuses_skip_the_other_checks() {
    let stored = record_of(&[]);
    let state = existing(vec![(stored, true)], Vec::new());
    // A NOCHANGE line with a broken postcode and ESTTYPE: only LOCALESTID/ESTNAME/STATUS are read.
    let validation = run(
        &[with(&[
            ("STATUS", "NOCHANGE"),
            ("POSTCODE", ""),
            ("ESTTYPE", "x"),
        ])],
        &state,
    );
    assert!(!has_code(&validation, 1060) && !has_code(&validation, 1070));
    // …but ESTNAME must still be present (§1.5).
    let validation = run(&[with(&[("STATUS", "DELETE"), ("ESTNAME", "")])], &state);
    assert!(has(&validation, 2, 1030, E, "ESTNAME"));
    let line = &validation.lines.as_ref().expect("lines").workplaces[0];
    assert!(line.record.is_none());
}

#[test]
fn w41_location_ids_held_by_another_workplace() {
    // Held by another organisation.
    let state = existing(Vec::new(), vec!["1-202020202".into()]);
    let validation = run(&[with(&[])], &state);
    assert!(has(&validation, 2, 1110, E, "LOCATIONID"));
    // Held by another stored workplace of the organisation (HOME9).
    let mut other = record_of(&[]);
    other.localestid = "HOME9".into();
    let state = existing(vec![(other, true)], Vec::new());
    let validation = run(
        &[
            with(&[]),
            with(&[("LOCALESTID", "HOME9"), ("STATUS", "NOCHANGE")]),
        ],
        &state,
    );
    assert!(has(&validation, 2, 1110, E, "LOCATIONID"));
    // Its own stored location ID is not "held elsewhere".
    let own = record_of(&[]);
    let state = existing(vec![(own, true)], Vec::new());
    let validation = run(&[with(&[("STATUS", "UPDATE")])], &state);
    assert!(
        !has_code(&validation, 1110),
        "{:#?}",
        workplace_messages(&validation)
    );
}

#[test]
fn dropped_values_are_none_in_the_record() {
    // W25: employer type 8 without OTHERTYPE is not saved.
    assert_eq!(
        record_of(&[("ESTTYPE", "8"), ("OTHERTYPE", "")]).employer_type,
        None
    );
    // W27: OTHERTYPE without ESTTYPE 8 is ignored.
    assert_eq!(
        record_of(&[("OTHERTYPE", "Trust")]).employer_type_other,
        None
    );
    // W38/W42: not regulated → no provider or location ID.
    let unregulated = record_of(&[
        ("REGTYPE", "0"),
        ("MAINSERVICE", "6"),
        ("ALLSERVICES", "6"),
        ("VACANCIES", "0;1"),
    ]);
    assert_eq!(
        (
            unregulated.provider_id,
            unregulated.location_id,
            unregulated.cqc_regulated
        ),
        (None, None, false)
    );
    // W53: the unknown service user 24 is dropped, 1 kept.
    assert_eq!(
        record_of(&[("SERVICEUSERS", "1;24"), ("OTHERUSERDESC", ";")]).service_users,
        vec![ServiceUserEntry {
            code: 1,
            description: None
        }]
    );
    // W49: a non-numeric item drops the whole list.
    assert!(
        record_of(&[("SERVICEUSERS", "1;x"), ("OTHERUSERDESC", ";")])
            .service_users
            .is_empty()
    );
    // W55: DHA for a head office is dropped, with its activities.
    let head = record_of(&[
        ("MAINSERVICE", "72"),
        ("ALLSERVICES", "72"),
        ("CAPACITY", ""),
        ("UTILISATION", ""),
        ("DHA", "1"),
        ("DHAACTIVITIES", "1"),
    ]);
    assert_eq!((head.dha, head.dha_activities), (None, None));
    // W58: the invalid activity 9 is dropped.
    assert_eq!(
        record_of(&[("DHA", "1"), ("DHAACTIVITIES", "1;9")]).dha_activities,
        Some(DhaActivities::Activities(vec![1]))
    );
    // W70 (decision): a registered manager vacancy in a non-CQC workplace is dropped: 1;1 → 0;1.
    let rm = record_of(&[
        ("REGTYPE", "0"),
        ("PROVNUM", ""),
        ("LOCATIONID", ""),
        ("MAINSERVICE", "6"),
        ("ALLSERVICES", "6"),
        ("VACANCIES", "1;1"),
    ]);
    assert_eq!(rm.vacancies, WorkforceCounts::PerRole(vec![0, 1]));
    // W84: reason 11 dropped, 2 kept.
    assert_eq!(
        record_of(&[("CWPUSE", "1;2;11")]).cwp_use,
        Some(CwpUse {
            answer: Answer::Yes,
            reasons: vec![2]
        })
    );
    // W99/W102: travel time for a care home (pay group 2) is dropped.
    let care_home = record_of(&[("TRAVELTIME", "3"), ("TTDIFFRATE", "10")]);
    assert_eq!(
        (care_home.travel_time, care_home.travel_time_rate),
        (None, None)
    );
}

#[test]
fn dedup_keeps_the_first_message_of_a_code() {
    // ALLSERVICES "2;;1": W45 (empty item) comes before W46 (SERVICEDESC count) — both 1120.
    let validation = run_one(&[("ALLSERVICES", "2;;1")]);
    let messages: Vec<&Message> = workplace_messages(&validation)
        .into_iter()
        .filter(|m| m.code == 1120)
        .collect();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].column, "ALLSERVICES");
}

#[test]
fn xw1_total_staff_must_match_new_and_update_staff_lines() {
    // TOTALPERMTEMP 3 against 2 staff lines.
    let validation = run_one(&[("TOTALPERMTEMP", "3")]);
    assert!(has(&validation, 2, 2200, W, "TOTALPERMTEMP"));
    // A NOCHANGE line has no accepted TOTALPERMTEMP: always warned.
    let state = existing(vec![(record_of(&[]), true)], Vec::new());
    let validation = run(&[with(&[("STATUS", "NOCHANGE")])], &state);
    assert!(has(&validation, 2, 2200, W, "TOTALPERMTEMP"));
    // An UNCHECKED line is not checked.
    let validation = run(&[with(&[("STATUS", "UNCHECKED")])], &state);
    assert!(!has_code(&validation, 2200));
}

#[test]
fn xw2_to_xw4_compare_sums_with_the_staff_total() {
    // Staff total 2 (XW1 passes). STARTERS 0 + 3 = 3 > 2.
    assert!(has(
        &run_one(&[("STARTERS", "0;3")]),
        2,
        2310,
        W,
        "STARTERS"
    ));
    // 0 + 2 = 2 is not more than 2.
    assert!(!has_code(&run_one(&[("STARTERS", "0;2")]), 2310));
    // LEAVERS 0 + 2 = 2 ≥ 2 (REASONNOS 2 to match).
    assert!(has(
        &run_one(&[("LEAVERS", "0;2"), ("REASONNOS", "2")]),
        2,
        2320,
        W,
        "LEAVERS"
    ));
    // VACANCIES 0 + 2 = 2 ≥ 2.
    assert!(has(
        &run_one(&[("VACANCIES", "0;2")]),
        2,
        2300,
        W,
        "VACANCIES"
    ));
    // 999 items are skipped: 999 + 1 → 1, less than 2.
    assert!(!has_code(&run_one(&[("VACANCIES", "999;1")]), 2300));
    // Only when XW1 passes: TOTALPERMTEMP 3 ≠ 2 staff → no XW2 even with 0 + 9 starters.
    assert!(!has_code(
        &run_one(&[("TOTALPERMTEMP", "3"), ("STARTERS", "0;9")]),
        2310
    ));
}

#[test]
fn xw5_a_cqc_workplace_needs_a_registered_manager_or_a_vacancy() {
    let care_workers = staff_file(&[("HOME1", "W1", "8"), ("HOME1", "W2", "8")]);
    // No staff with role 4 and no vacancy for role 4 (VACANCIES 0;1 is for role 8).
    let validation = run_files(
        workplace_file(&[with(&[])]),
        care_workers.clone(),
        &ExistingState::default(),
    );
    assert!(has(&validation, 2, 2301, W, "VACANCIES"));
    // A vacancy for role 4 satisfies it.
    let validation = run_files(
        workplace_file(&[with(&[("VACANCIES", "1;0")])]),
        care_workers,
        &ExistingState::default(),
    );
    assert!(!has_code(&validation, 2301));
    // A registered manager on staff satisfies it (the base staff file).
    assert!(!has_code(&run_one(&[]), 2301));
}

#[test]
fn xw6_a_repeated_localestid_is_flagged_on_the_later_line_and_dropped() {
    let validation = run(
        &[
            with(&[]),
            with(&[("LOCALESTID", "HOME 1"), ("LOCATIONID", "1-303030303")]),
        ],
        &ExistingState::default(),
    );
    assert!(has(&validation, 3, 998, E, "LOCALESTID"));
    assert!(!has(&validation, 2, 998, E, "LOCALESTID"));
    let lines = &validation.lines.as_ref().expect("lines").workplaces;
    assert_eq!((lines[0].kept, lines[1].kept), (true, false));
    assert_eq!(validation.files[0].records, 1);
}

#[test]
fn xw7_a_repeated_location_id_is_flagged_on_the_later_line() {
    let validation = run(
        &[with(&[]), with(&[("LOCALESTID", "HOME2")])],
        &ExistingState::default(),
    );
    assert!(has(&validation, 3, 998, E, "LOCATIONID"));
    assert!(!has(&validation, 2, 998, E, "LOCATIONID"));
    // NOCHANGE lines use the stored location ID, and come first: the NEW line 2 is flagged.
    let mut stored = record_of(&[]);
    stored.localestid = "HOME2".into();
    let state = existing(vec![(stored, true)], Vec::new());
    let validation = run(
        &[
            with(&[]),
            with(&[("LOCALESTID", "HOME2"), ("STATUS", "NOCHANGE")]),
        ],
        &state,
    );
    assert!(
        has(&validation, 2, 998, E, "LOCATIONID"),
        "{:#?}",
        workplace_messages(&validation)
    );
    // Two stored workplaces without a location ID, both NOCHANGE, collide (Appendix B.15).
    let mut a = record_of(&[]);
    a.location_id = None;
    let mut b = a.clone();
    b.localestid = "HOME2".into();
    let state = existing(vec![(a, true), (b, false)], Vec::new());
    let validation = run(
        &[
            with(&[("STATUS", "NOCHANGE")]),
            with(&[("LOCALESTID", "HOME2"), ("STATUS", "NOCHANGE")]),
        ],
        &state,
    );
    assert!(has(&validation, 3, 998, E, "LOCATIONID"));
}

#[test]
fn f2_f3_the_primary_workplace_must_be_in_the_file_and_not_deleted() {
    let mut primary = record_of(&[]);
    primary.localestid = "MAIN".into();
    primary.location_id = Some("1-999999999".into());
    let state = existing(vec![(primary, true)], Vec::new());
    // F2: MAIN is missing (reported on line 1, column LOCALESTID).
    let validation = run(&[with(&[])], &state);
    assert!(has(&validation, 1, 955, E, "LOCALESTID"));
    // F3: MAIN deleted (line 1, column STATUS).
    let validation = run(
        &[
            with(&[]),
            with(&[("LOCALESTID", "MAIN"), ("STATUS", "DELETE")]),
        ],
        &state,
    );
    assert!(has(&validation, 1, 956, E, "STATUS"));
    assert!(!has_code(&validation, 955));
    // First import: no primary, no F2.
    assert!(!has_code(&run_one(&[]), 955));
}

#[test]
fn a_short_record_does_not_crash_and_ttdiffrate_counts_as_given() {
    // Four of 44 fields (ASC-WDS crashes here; we report the missing mandatory values).
    let text = format!("{WORKPLACE_HEADER}\nHOME1,NEW,Home One,1 High Street\n");
    let validation = run_files(text, staff_file(STAFF), &ExistingState::default());
    assert!(has(&validation, 2, 1060, E, "POSTCODE"));
    // W100: a missing TTDIFFRATE counts as given while TRAVELTIME is not 3 (§1.1).
    let full = workplace_file(&[with(&[])]);
    let cut = full
        .trim_end()
        .rsplit_once(',')
        .map(|(head, _)| format!("{head}\n"))
        .expect("a comma");
    let validation = run_files(cut, staff_file(STAFF), &ExistingState::default());
    assert!(has(&validation, 2, 2592, W, "TTDIFFRATE"));
}

/// A record using every part of the format.
fn rich_lines() -> Vec<Vec<(&'static str, String)>> {
    let pairs = |list: &[(&'static str, &'static str)]| -> Vec<(&'static str, String)> {
        list.iter().map(|(c, v)| (*c, v.to_string())).collect()
    };
    vec![
        with(&[
            ("ESTNAME", "Home One, \"The Elms\""),
            ("ADDRESS2", " Padded "),
            ("POSTTOWN", "Leeds"),
            ("PERMCQC", "1"),
            ("PERMLA", "0"),
            ("ALLSERVICES", "2;5;8"),
            ("CAPACITY", "30;5;"),
            ("UTILISATION", "25;;40"),
            ("SERVICEDESC", ";Respite flats;"),
            ("SERVICEUSERS", "1;3;9"),
            ("OTHERUSERDESC", ";Older people, other;"),
            ("DHA", "1"),
            ("DHAACTIVITIES", "1;8"),
            ("ALLJOBROLES", "4;8;25"),
            ("STARTERS", "999"),
            ("LEAVERS", "0;2;999"),
            ("VACANCIES", "0;0;0"),
            ("REASONS", "3;7"),
            ("REASONNOS", "1;1"),
            ("TOTALPERMTEMP", "2"),
            ("REPEATTRAINING", "2"),
            ("CWPAWARE", "999"),
            ("CWPUSE", "1;3;10"),
            ("CWPUSEDESC", "Planning"),
            ("SICKPAY", "Unknown"),
            ("PENSION", "1"),
            ("ACTUALCONT", "5.5"),
            ("OPTOUTPEN", "2"),
            ("HOLIDAY", "28"),
            ("SLEEPINS", "1"),
            ("SLEEPINPAY", "2"),
        ]),
        pairs(&[
            ("LOCALESTID", "DOM 2"),
            ("STATUS", "new"),
            ("ESTNAME", "Domiciliary Two"),
            ("ADDRESS1", "2 Low Road"),
            ("POSTCODE", "M1 1AE"),
            ("ESTTYPE", "8"),
            ("REGTYPE", "2"),
            ("PROVNUM", "1-101010101"),
            ("LOCATIONID", "1-404040404"),
            ("MAINSERVICE", "8"),
            ("ALLSERVICES", "8;0"),
            ("UTILISATION", "40;"),
            ("TOTALPERMTEMP", "1"),
            ("VACANCIES", "999"),
            ("TRAVELTIME", "3"),
            ("TTDIFFRATE", "12.5"),
            ("SICKPAY", "0"),
        ]),
        pairs(&[
            ("LOCALESTID", "HQ"),
            ("STATUS", "NEW"),
            ("ESTNAME", "Head Office"),
            ("ADDRESS1", "3 Mill Lane"),
            ("POSTCODE", "SW1A 1AA"),
            ("ESTTYPE", "8"),
            ("OTHERTYPE", "Community interest company"),
            ("REGTYPE", "0"),
            ("MAINSERVICE", "72"),
            ("ALLSERVICES", "72"),
            ("SERVICEDESC", "Back office; payroll"),
            ("TOTALPERMTEMP", "0"),
            ("STARTERS", "0"),
        ]),
    ]
}

#[test]
fn the_writer_round_trips_through_validation() {
    let staff = staff_file(&[
        ("HOME1", "W1", "4"),
        ("HOME1", "W2", "8"),
        ("DOM 2", "W3", "4"),
    ]);
    let first = run_files(
        workplace_file(&rich_lines()),
        staff.clone(),
        &ExistingState::default(),
    );
    let records: Vec<Workplace> = first
        .lines
        .as_ref()
        .expect("lines")
        .workplaces
        .iter()
        .filter_map(|l| l.record.clone())
        .collect();
    assert_eq!(records.len(), 3, "{:#?}", workplace_messages(&first));
    // Spot checks of the typed values, from the spec.
    let home = &records[0];
    assert_eq!(home.name, "Home One, \"The Elms\"");
    assert_eq!(home.address2, " Padded ");
    assert_eq!(
        home.services,
        vec![
            ServiceEntry {
                code: 2,
                capacity: Some(30),
                utilisation: Some(25),
                description: None
            },
            ServiceEntry {
                code: 5,
                capacity: Some(5),
                utilisation: None,
                description: Some("Respite flats".into())
            },
            ServiceEntry {
                code: 8,
                capacity: None,
                utilisation: Some(40),
                description: None
            },
        ]
    );
    assert_eq!(
        home.service_users,
        vec![
            ServiceUserEntry {
                code: 1,
                description: None
            },
            ServiceUserEntry {
                code: 3,
                description: Some("Older people, other".into())
            },
            // 9 needs a description: none given → W51 warning, code kept.
            ServiceUserEntry {
                code: 9,
                description: None
            },
        ]
    );
    assert_eq!(home.starters, WorkforceCounts::DontKnow);
    assert_eq!(home.leavers, WorkforceCounts::PerRole(vec![0, 2, 999]));
    // 0 + 2 (+ 999 skipped) = 2 leavers = 1 + 1 reasons.
    assert_eq!(home.leavers.total(), Some(2));
    assert_eq!(home.vacancies, WorkforceCounts::None);
    assert_eq!(home.leaving_reasons, vec![(3, 1), (7, 1)]);
    assert_eq!(home.sick_pay, Some(Answer::DontKnow));
    assert_eq!(home.pension_contribution, Some(Hundredths(550)));
    assert_eq!(home.sleep_in_pay, Some(2));
    let dom = &records[1];
    assert!(dom.no_other_services);
    assert_eq!(
        dom.employer_type, None,
        "ESTTYPE 8 without OTHERTYPE is not saved (W25)"
    );
    assert_eq!(dom.travel_time_rate, Some(Hundredths(1250)));
    let hq = &records[2];
    assert_eq!(
        hq.services[0].description.as_deref(),
        Some("Back office; payroll")
    );
    assert_eq!(hq.starters, WorkforceCounts::None);

    let written = write(&records);
    assert!(written.starts_with(&format!("{WORKPLACE_HEADER}\n")));
    assert!(
        written
            .lines()
            .skip(1)
            .all(|line| line.split(',').nth(1) == Some("NEW") || line.contains('"'))
    );
    let second = run_files(written.clone(), staff, &ExistingState::default());
    let again: Vec<Workplace> = second
        .lines
        .as_ref()
        .expect("lines")
        .workplaces
        .iter()
        .filter_map(|l| l.record.clone())
        .collect();
    assert_eq!(again, records, "{:#?}", workplace_messages(&second));
    assert_eq!(write(&again), written);
}

#[test]
fn the_writer_quotes_minimally() {
    let mut record = record_of(&[]);
    record.name = "A \"B\", C".into();
    record.address2 = " lead".into();
    let text = write(&[record]);
    let line = text.lines().nth(1).expect("a data line");
    assert!(line.starts_with("HOME1,NEW,\"A \"\"B\"\", C\",1 High Street,\" lead\",,,LS1 4HY,6,"));
    assert!(text.ends_with('\n') && !text.contains('\r'));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Values that exercise the lenient readers: prefixes, blanks, `;` lists, `0`, `999`, quotes,
    /// padding, long text.
    const POOL: &[&str] = &[
        "",
        "0",
        "1",
        "2",
        "3",
        "4",
        "8",
        "9",
        "10",
        "25",
        "72",
        "999",
        "9999",
        "-3",
        "12abc",
        "3.5",
        "1;0",
        "0;1",
        ";",
        "1;;2",
        "2;5;8",
        "4;8",
        "0;0",
        "1;2;3",
        "x",
        "unknown",
        "Yes",
        " 7",
        "a,b",
        "\"q\"",
        "1-101010101",
        "LS1 4HY",
        "200.004",
        "2.5",
    ];

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => proptest::sample::select(POOL).prop_map(str::to_string),
            1 => "[ -~]{0,130}",
        ]
    }

    /// Columns randomised on top of BASE (the key columns stay valid so that records appear).
    const COLUMNS: &[&str] = &[
        "ESTTYPE",
        "OTHERTYPE",
        "PERMCQC",
        "REGTYPE",
        "PROVNUM",
        "LOCATIONID",
        "MAINSERVICE",
        "ALLSERVICES",
        "CAPACITY",
        "UTILISATION",
        "SERVICEDESC",
        "SERVICEUSERS",
        "OTHERUSERDESC",
        "DHA",
        "DHAACTIVITIES",
        "TOTALPERMTEMP",
        "ALLJOBROLES",
        "STARTERS",
        "LEAVERS",
        "VACANCIES",
        "REASONS",
        "REASONNOS",
        "REPEATTRAINING",
        "CWPAWARE",
        "CWPUSE",
        "CWPUSEDESC",
        "SICKPAY",
        "PENSION",
        "ACTUALCONT",
        "OPTOUTPEN",
        "HOLIDAY",
        "SLEEPINS",
        "SLEEPINPAY",
        "TRAVELTIME",
        "TTDIFFRATE",
        "ADDRESS2",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Never panics; every record the validator builds is written and read back unchanged.
        #[test]
        fn records_round_trip_and_nothing_panics(
            picks in proptest::collection::vec((0..COLUMNS.len(), value()), 0..12)
        ) {
            let overrides: Vec<(&str, &str)> =
                picks.iter().filter_map(|(i, v)| Some((*COLUMNS.get(*i)?, v.as_str()))).collect();
            let validation = run_one(&overrides);
            if let Some(first) = record(&validation, 0) {
                let written = write(std::slice::from_ref(&first));
                let again = run_files(written.clone(), staff_file(STAFF), &ExistingState::default());
                prop_assert_eq!(record(&again, 0), Some(first.clone()), "{}", written);
                prop_assert_eq!(write(&[first]), written);
            }
        }
    }
}
