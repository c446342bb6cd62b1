//! The fuzz target functions for `carecount-ascwds`, shared by the libFuzzer binaries in
//! `fuzz_targets/` (nightly, `cargo fuzz`) and the stable replay test
//! `crates/ascwds/tests/fuzz_replay.rs`, which includes this file as a module.
//!
//! Each function takes arbitrary bytes, must never panic, and asserts the reader's invariants.
//! It is NOT a test of validation results: only of robustness and of properties every input has.
//!
//! `validate_upload` input format: up to three files separated by a NUL byte, in the order
//! workplace, staff, training (`WORKPLACE\0STAFF\0TRAINING`); a missing part is a missing file.

use carecount_ascwds::csv::{self, RawFile};
use carecount_ascwds::{
    ExistingState, Given, InputFile, ParsedFile, recognise, training, validate,
};
use time::{Date, Month};

/// Reads any bytes as a bulk-upload file and recognises it; checks record numbers.
pub fn read_any(data: &[u8]) {
    let file = csv::read(data);
    check_record_numbers(&file);
    let _ = recognise::recognise(&file);
    let _ = recognise::staff_layout(&file.first_line);
}

/// Splits `data` into a workplace, staff and training file and validates them, both as named
/// files and as a directory, against an empty organisation; checks the outcome's invariants.
pub fn validate_upload(data: &[u8]) {
    let as_of = Date::from_calendar_date(2026, Month::June, 30).unwrap_or(Date::MIN);
    let mut parts = data.splitn(3, |&b| b == 0);
    let files: Vec<Option<InputFile>> = ["workplace.csv", "staff.csv", "training.csv"]
        .iter()
        .map(|path| {
            parts.next().map(|bytes| InputFile {
                path: (*path).to_string(),
                bytes: bytes.to_vec(),
            })
        })
        .collect();
    for file in files.iter().flatten() {
        check_record_numbers(&csv::read(&file.bytes));
    }
    let existing = ExistingState::default();
    let directory = Given::Directory(files.iter().flatten().cloned().collect());
    let mut files = files.into_iter();
    let explicit = Given::Explicit {
        workplace: files.next().flatten(),
        staff: files.next().flatten(),
        training: files.next().flatten(),
    };
    for given in [explicit, directory] {
        let Ok(validation) = validate(given, &existing, as_of) else {
            continue;
        };
        // Messages are sorted by file, line, code.
        for pair in validation.messages.windows(2) {
            if let [a, b] = pair {
                assert!(
                    (a.file, a.line, a.code) <= (b.file, b.line, b.code),
                    "messages out of order"
                );
            }
        }
        let Some(lines) = &validation.lines else {
            continue;
        };
        assert_increasing(lines.workplaces.iter().map(|l| l.line), "workplace lines");
        assert_increasing(lines.staff.iter().map(|l| l.line), "staff lines");
        assert_increasing(lines.training.iter().map(|l| l.line), "training lines");
        let _ = carecount_ascwds::plan(&existing, lines);
        check_training_round_trip(lines, as_of);
    }
}

/// Writing the accepted training records and validating the text again gives the same records.
fn check_training_round_trip(lines: &carecount_ascwds::Lines, as_of: Date) {
    let records: Vec<_> = lines
        .training
        .iter()
        .filter_map(|l| l.record.clone())
        .collect();
    if records.is_empty() {
        return;
    }
    let written = training::write(&records);
    let file = ParsedFile::new("training.csv".to_string(), csv::read(written.as_bytes()));
    let (again, _) = training::validate_lines(&file, &lines.workplaces, &lines.staff, as_of);
    let reread: Vec<_> = again.into_iter().filter_map(|l| l.record).collect();
    assert_eq!(reread, records, "training writer round trip");
    assert_eq!(
        training::write(&reread),
        written,
        "training writer is not byte-stable"
    );
}

/// Record numbers start at 2 and strictly increase.
fn check_record_numbers(file: &RawFile) {
    assert_increasing(file.records.iter().map(|r| r.line), "record numbers");
}

fn assert_increasing(lines: impl Iterator<Item = u32>, what: &str) {
    let mut last = 1;
    for line in lines {
        assert!(line > last, "{what} not increasing: {line} after {last}");
        last = line;
    }
}
