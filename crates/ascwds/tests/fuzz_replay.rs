//! Runs the fuzz target functions of `fuzz/src/lib.rs` on stable Rust: over every file of
//! `fuzz/corpus/*/` and over 2,000 pseudo-random inputs (random bytes and mutated valid uploads:
//! truncated rows, byte-order marks, CR/LF mixes, stray quotes). The targets assert that nothing
//! panics, record numbers increase and the training writer round-trips. Plus a cheap check that
//! the reader is a single pass: a 1 MB unterminated quoted field reads as one value.

#[path = "../../../fuzz/src/lib.rs"]
mod targets;

use std::path::{Path, PathBuf};

use carecount_ascwds::recognise::TRAINING_HEADER;
use carecount_ascwds::{ExistingState, FileKind, Given, InputFile, csv, validate};
use time::macros::date;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus")
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let dirs =
        std::fs::read_dir(corpus_dir()).unwrap_or_else(|e| panic!("fuzz/corpus is readable: {e}"));
    for dir in dirs.flatten() {
        if let Ok(entries) = std::fs::read_dir(dir.path()) {
            files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
        }
    }
    files.sort();
    files
}

#[test]
fn every_corpus_file_runs_through_both_targets() {
    let files = corpus_files();
    assert!(files.len() >= 4, "the seed corpus has files: {files:?}");
    for path in &files {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        targets::read_any(&bytes);
        targets::validate_upload(&bytes);
    }
}

#[test]
fn the_clean_seed_upload_passes() {
    // The seed corpus's clean upload is a real, valid upload: the targets see the accepted path too.
    let bytes =
        std::fs::read(corpus_dir().join("validate_upload/clean.upload")).unwrap_or_default();
    let mut parts = bytes.split(|&b| b == 0);
    let mut next = |path: &str| {
        parts.next().map(|b| InputFile {
            path: path.to_string(),
            bytes: b.to_vec(),
        })
    };
    let given = Given::Explicit {
        workplace: next("workplace.csv"),
        staff: next("staff.csv"),
        training: next("training.csv"),
    };
    let validation =
        validate(given, &ExistingState::default(), date!(2026 - 06 - 30)).expect("three files");
    let training: Vec<_> = validation
        .messages
        .iter()
        .filter(|m| m.file == FileKind::Training)
        .collect();
    assert!(training.is_empty(), "{training:#?}");
    let lines = validation.lines.expect("recognised");
    assert_eq!(
        lines.training.iter().filter(|l| l.record.is_some()).count(),
        3
    );
}

/// splitmix64: a small deterministic generator, so a failure is reproducible by its case number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One mutation of `input`, chosen at random.
fn mutate(rng: &mut Rng, input: &mut Vec<u8>) {
    let at = rng.below(input.len() + 1);
    match rng.below(12) {
        // Truncate (cuts a row short, or a quoted field open).
        0 => input.truncate(at),
        // A byte-order mark at the start or at a random place.
        1 => {
            let place = if rng.below(2) == 0 { 0 } else { at };
            input.splice(place..place, [0xEF, 0xBB, 0xBF]);
        }
        // LF → CRLF, or CRLF → LF, somewhere.
        2 => {
            if let Some(i) = input
                .iter()
                .skip(at)
                .position(|&b| b == b'\n')
                .map(|i| i + at)
            {
                input.insert(i, b'\r');
            }
        }
        3 => {
            if let Some(i) = input
                .windows(2)
                .skip(at)
                .position(|w| w == b"\r\n")
                .map(|i| i + at)
            {
                input.remove(i);
            }
        }
        // A bare CR, a stray quote, a comma, a NUL (file separator), a semicolon.
        4 => input.insert(at, b'\r'),
        5 => input.insert(at, b'"'),
        6 => input.insert(at, b','),
        7 => input.insert(at, [0u8, b';', b' '][rng.below(3)]),
        // Delete a run of bytes.
        8 => {
            let end = (at + rng.below(16)).min(input.len());
            input.drain(at..end);
        }
        // Duplicate a line.
        9 => {
            let start = input[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let end = input[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(input.len(), |i| at + i + 1);
            let line = input[start..end].to_vec();
            input.splice(end..end, line);
        }
        // Overwrite a byte with anything (invalid UTF-8 included).
        10 => {
            if let Some(b) = input.get_mut(at) {
                *b = rng.next() as u8;
            }
        }
        // Replace a digit with another digit (dates, codes, counts change).
        _ => {
            if let Some(b) = input.get_mut(at)
                && b.is_ascii_digit()
            {
                *b = b'0' + (rng.next() % 10) as u8;
            }
        }
    }
}

#[test]
fn two_thousand_random_and_mutated_inputs() {
    let seeds: Vec<Vec<u8>> = corpus_files()
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .collect();
    assert!(!seeds.is_empty());
    let mut rng = Rng(0x00C0_FFEE);
    for case in 0..2000 {
        let input = if case % 5 == 0 {
            // Plain random bytes, biased to CSV punctuation.
            let len = rng.below(300);
            let alphabet = b",\"\r\n\0;0123456789 ABCDEFNW/";
            (0..len)
                .map(|_| {
                    if rng.below(2) == 0 {
                        alphabet[rng.below(alphabet.len())]
                    } else {
                        rng.next() as u8
                    }
                })
                .collect()
        } else {
            let mut input = seeds[rng.below(seeds.len())].clone();
            for _ in 0..=rng.below(8) {
                mutate(&mut rng, &mut input);
            }
            input
        };
        let outcome = std::panic::catch_unwind(|| {
            targets::read_any(&input);
            targets::validate_upload(&input);
        });
        if outcome.is_err() {
            panic!(
                "case {case} panicked; input: {:?}",
                String::from_utf8_lossy(&input)
            );
        }
    }
}

#[test]
fn a_megabyte_unterminated_quote_is_read_in_one_pass() {
    // One quoted field opened on the first data line and never closed: the reader must take the
    // rest of the file as that value in one pass (a re-scanning reader would be quadratic here).
    let filler = "a,\"\"b\r\n".repeat(150_000);
    let text = format!("{TRAINING_HEADER}\nHOME1,W1,\"{filler}");
    assert!(text.len() > 1_000_000);
    let file = csv::read(text.as_bytes());
    assert_eq!(file.records.len(), 1);
    let record = &file.records[0];
    assert_eq!(record.len(), 3);
    // Each `""` became one quote: 150,000 × 7 bytes − 150,000 = 900,000 bytes.
    assert_eq!(record.field(2).map(str::len), Some(900_000));
    targets::validate_upload(text.as_bytes());
}
