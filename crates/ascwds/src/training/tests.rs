//! Unit tests of the training module with hand-built workplace and staff lines (the cross-file rules
//! need them; the integration tests in `tests/training_rules.rs` run the whole upload).

use carecount_domain::{Status, Training, Validity, key};
use time::Date;
use time::macros::date;

use super::*;
use crate::csv;
use crate::message::Severity;
use crate::recognise::TRAINING_HEADER;

const AS_OF: Date = date!(2026 - 06 - 30);

fn workplace(localestid: &str, kept: bool) -> WorkplaceLine {
    WorkplaceLine {
        line: 2,
        localestid: localestid.to_string(),
        key: key(localestid),
        status: Some(Status::New),
        kept,
        record: None,
        cqc_regulated: None,
        main_service: None,
        dha: None,
        cross: Default::default(),
    }
}

fn staff(localestid: &str, worker: &str, accepted: bool, born: Option<Date>) -> StaffLine {
    StaffLine {
        line: 2,
        localestid: localestid.to_string(),
        workplace_key: key(localestid),
        unique_worker_id: worker.to_string(),
        worker_key: key(worker),
        status: Some(Status::New),
        accepted,
        main_job_role: None,
        date_of_birth: born,
        transfer_to: None,
        record: None,
    }
}

fn parsed(body: &str) -> ParsedFile {
    ParsedFile::new(
        "training.csv".to_string(),
        csv::read(format!("{TRAINING_HEADER}\n{body}").as_bytes()),
    )
}

/// Workplace HOME1 (kept), GONE (not kept); staff HOME1/W1 born 10/05/2000, HOME1/W2 rejected.
fn run(body: &str) -> (Vec<TrainingLine>, Vec<Message>) {
    let workplaces = [workplace("HOME1", true), workplace("GONE", false)];
    let staff_lines = [
        staff("HOME1", "W1", true, Some(date!(2000 - 05 - 10))),
        staff("HOME1", "W2", false, None),
        staff("GONE", "W9", true, None),
    ];
    validate_lines(&parsed(body), &workplaces, &staff_lines, AS_OF)
}

fn codes(messages: &[Message]) -> Vec<(u32, Severity, &str)> {
    messages
        .iter()
        .map(|m| (m.code, m.severity, m.column.as_str()))
        .collect()
}

#[test]
fn a_clean_line_gives_its_record_and_no_message() {
    // VALIDITY 12 from 15/03/2025: 15/03/2026 − 1 day = 14/03/2026 is derived.
    let (lines, messages) =
        run("HOME1,W1,6,Fire safety,1,2,88,1,12,15/03/2025,,Annual refresher\n");
    assert_eq!(messages, []);
    assert_eq!(lines.len(), 1);
    let expected = Training {
        localestid: "HOME1".to_string(),
        unique_worker_id: "W1".to_string(),
        category: 6,
        name: Some("Fire safety".to_string()),
        accredited: Some(1),
        who_delivered: Some(2),
        provider: Some(88),
        how_delivered: Some(1),
        validity: Some(Validity::Months(12)),
        completed: Some(date!(2025 - 03 - 15)),
        expires: Some(date!(2026 - 03 - 14)),
        notes: Some("Annual refresher".to_string()),
    };
    assert_eq!(lines[0].record.as_ref(), Some(&expected));
    assert_eq!(lines[0].line, 2);
    assert_eq!(lines[0].workplace_key, key("HOME1"));
    assert_eq!(lines[0].worker_key, key("W1"));
}

#[test]
fn references_match_with_whitespace_removed() {
    let (lines, messages) = run("\" HOME 1\",\"W 1 \",6,,,,,,,,,\n");
    assert_eq!(messages, []);
    assert_eq!(lines[0].workplace_key, key("HOME1"));
    // The record keeps the references as written.
    assert_eq!(
        lines[0].record.as_ref().map(|r| r.localestid.as_str()),
        Some(" HOME 1")
    );
}

#[test]
fn xt1_unknown_or_dropped_workplace() {
    let (lines, messages) = run("NOWHERE,W1,6,,,,,,,,,\nGONE,W9,6,,,,,,,,,\n");
    assert_eq!(
        codes(&messages),
        [
            (997, Severity::Error, "LOCALESTID"),
            (997, Severity::Error, "LOCALESTID")
        ]
    );
    assert_eq!(messages[0].line, 2);
    assert_eq!(messages[0].value, "NOWHERE");
    assert_eq!(messages[1].line, 3);
    // XT2 is not added on top of XT1, and an erroneous line has no record.
    assert!(lines.iter().all(|l| l.record.is_none()));
}

#[test]
fn xt2_unknown_or_rejected_staff_record() {
    let (lines, messages) = run("HOME1,W3,6,,,,,,,,,\nHOME1,W2,6,,,,,,,,,\n");
    assert_eq!(
        codes(&messages),
        [
            (996, Severity::Error, "UNIQUEWORKERID"),
            (996, Severity::Error, "UNIQUEWORKERID")
        ]
    );
    assert_eq!(messages[0].worker.as_deref(), Some("W3"));
    assert!(lines.iter().all(|l| l.record.is_none()));
}

#[test]
fn xt2_uses_the_renamed_staff_key() {
    // A staff line renamed by CHGUNIQUEWRKID is keyed by the new reference.
    let mut renamed = staff("HOME1", "OLD", true, None);
    renamed.worker_key = key("NEW");
    let workplaces = [workplace("HOME1", true)];
    let staff_lines = [renamed];
    let (_, messages) = validate_lines(
        &parsed("HOME1,OLD,6,,,,,,,,,\nHOME1,NEW,6,,,,,,,,,\n"),
        &workplaces,
        &staff_lines,
        AS_OF,
    );
    assert_eq!(codes(&messages), [(996, Severity::Error, "UNIQUEWORKERID")]);
    assert_eq!(messages[0].line, 2);
}

#[test]
fn xt3_training_before_the_fourteenth_birthday() {
    // Born 10/05/2000: the 14th birthday is 10/05/2014. 09/05/2014 is a day short; 10/05/2014 is fine.
    let (lines, messages) = run("HOME1,W1,6,,,,,,,09/05/2014,,\nHOME1,W1,6,,,,,,,10/05/2014,,\n");
    assert_eq!(codes(&messages), [(1080, Severity::Error, "DATECOMPLETED")]);
    assert_eq!(messages[0].line, 2);
    assert_eq!(messages[0].value, "09/05/2014");
    assert!(lines[0].record.is_none());
    assert!(lines[1].record.is_some());
}

#[test]
fn xt3_needs_a_known_date_of_birth_and_an_accepted_completion_date() {
    let workplaces = [workplace("HOME1", true)];
    let staff_lines = [staff("HOME1", "W5", true, None)];
    let (_, messages) = validate_lines(
        &parsed("HOME1,W5,6,,,,,,,01/01/1990,,\n"),
        &workplaces,
        &staff_lines,
        AS_OF,
    );
    assert_eq!(messages, []);
    // A malformed DATECOMPLETED gives T05 only.
    let (_, messages) = run("HOME1,W1,6,,,,,,,1/1/2001,,\n");
    assert_eq!(codes(&messages), [(1020, Severity::Error, "DATECOMPLETED")]);
}

#[test]
fn writer_round_trip_gives_the_same_records_and_bytes() {
    let body = concat!(
        "HOME1,W1,6,Fire safety,1,2,88,1,12,15/03/2025,,\n",
        "HOME1,W1,21,\"Other, with comma\",0,1,,2,none,01/01/2024,,\"Said \"\"fine\"\"\nsecond line\"\n",
        "HOME1,W1,2,\" padded \",999,,,,,,,\n",
        "HOME1,W1,13,,,,,,36,31/01/2021,31/12/2026,\n",
    );
    let (lines, messages) = run(body);
    // Line 5: 31/01/2021 + 36 months − 1 day = 30/01/2024, not 31/12/2026 → T19 warning only.
    assert_eq!(
        codes(&messages),
        [(2110, Severity::Warning, "EXPIRYDATE/VALIDITY")]
    );
    let records: Vec<Training> = lines.iter().filter_map(|l| l.record.clone()).collect();
    assert_eq!(records.len(), 4);
    let written = write(&records);
    let (again, _) = run(written
        .strip_prefix(&format!("{TRAINING_HEADER}\n"))
        .unwrap_or(""));
    let reread: Vec<Training> = again.iter().filter_map(|l| l.record.clone()).collect();
    assert_eq!(reread, records);
    assert_eq!(write(&reread), written);
    // The derived expiry is written out; quoting is minimal.
    assert!(written.contains("\nHOME1,W1,6,Fire safety,1,2,88,1,12,15/03/2025,14/03/2026,\n"));
    assert!(written.contains("\nHOME1,W1,2,\" padded \",999,,,,,,,\n"));
}

#[test]
fn writer_header_and_line_ends() {
    assert_eq!(write(&[]), format!("{TRAINING_HEADER}\n"));
}
