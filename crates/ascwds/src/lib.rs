//! carecount-ascwds: the ASC-WDS bulk-upload files — reading, recognising and validating an upload
//! exactly as `ascwds-formats.md` specifies, planning what it changes in the organisation's state,
//! and writing the three files back out (export).
//!
//! Pure: bytes and an [`ExistingState`] in, typed records and [`Message`]s out. It does not read
//! files from disk, open the store or print anything; the CLI and the web app do that. Code tables
//! come from `carecount-codes`; the typed records from `carecount-domain`.
//!
//! Layout: [`csv`] reads bytes like ASC-WDS's CSV reader (§1.1); [`recognise`] decides a file's kind
//! (§6.1); [`workplace`], [`staff`] and [`training`] hold each file's line rules, cross-file rules
//! and writer; [`plan`] turns a validated upload into the changes of §6.3–§6.4.

pub mod column;
pub mod csv;
pub mod existing;
pub mod fast;
pub mod js;
pub mod message;
pub mod plan;
pub mod recognise;
pub mod row;
pub mod staff;
pub mod training;
pub mod workplace;

pub use existing::{ExistingStaff, ExistingState, ExistingWorkplace};
pub use message::{FileKind, Message, Severity};
pub use plan::{
    Change, ChangeCounts, Counts, Plan, PlannedStaff, PlannedWorkplace, plan, plan_taking,
};
pub use recognise::{NotRecognised, Recognition};

use csv::RawFile;
use row::{Columns, Row};
use serde::Serialize;
use time::Date;

/// One input file: where it came from (for messages) and its bytes.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The files of an upload, as the user gave them.
#[derive(Debug, Clone)]
pub enum Given {
    /// Files of a directory, to be recognised by their header row.
    Directory(Vec<InputFile>),
    /// Files named by `--workplace`, `--staff`, `--training`: each must be of that kind.
    Explicit {
        workplace: Option<InputFile>,
        staff: Option<InputFile>,
        training: Option<InputFile>,
    },
}

/// A problem with the set of files itself (F6): nothing can be validated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error(
        "no workplace file: an upload needs a workplace file and a staff file (training is optional)"
    )]
    MissingWorkplace,
    #[error(
        "no staff file: an upload needs a workplace file and a staff file (training is optional)"
    )]
    MissingStaff,
    #[error(
        "two {kind} files ({first} and {second}): an upload holds at most one file of each kind"
    )]
    Duplicate {
        kind: &'static str,
        first: String,
        second: String,
    },
}

/// A recognised file, read and ready for its rules.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub path: String,
    pub raw: RawFile,
    pub columns: Columns,
}

impl ParsedFile {
    pub fn new(path: String, raw: RawFile) -> ParsedFile {
        let columns = Columns::new(&raw.header);
        ParsedFile { path, raw, columns }
    }

    /// Every data record.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.raw
            .records
            .iter()
            .map(|record| Row::new(record, &self.columns))
    }
}

/// One file's line of the `files` list.
#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    pub file: FileKind,
    pub path: String,
    pub records: usize,
}

/// The outcome of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    Warnings,
    Failed,
    FileNotRecognised,
}

/// Everything a validation run found.
#[derive(Debug, Clone)]
pub struct Validation {
    pub files: Vec<FileSummary>,
    /// Kinds (or file names, for a directory's unknown files) that were not recognised.
    pub files_not_recognised: Vec<String>,
    /// Why each was not recognised, for people.
    pub not_recognised_reasons: Vec<(String, NotRecognised)>,
    /// Sorted by file, line, code.
    pub messages: Vec<Message>,
    /// The per-line outcomes (absent when a file was not recognised).
    pub lines: Option<Lines>,
}

/// Per-line outcomes of the three files.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    pub workplaces: Vec<workplace::WorkplaceLine>,
    pub staff: Vec<staff::StaffLine>,
    pub training: Vec<training::TrainingLine>,
}

impl Validation {
    pub fn errors(&self) -> usize {
        self.messages
            .iter()
            .filter(|m| m.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.messages
            .iter()
            .filter(|m| m.severity == Severity::Warning)
            .count()
    }

    pub fn status(&self) -> Status {
        if !self.files_not_recognised.is_empty() {
            Status::FileNotRecognised
        } else if self.errors() > 0 {
            Status::Failed
        } else if self.warnings() > 0 {
            Status::Warnings
        } else {
            Status::Passed
        }
    }
}

/// Recognises the files, runs every rule against `existing` with `as_of` as today.
pub fn validate(
    given: Given,
    existing: &ExistingState,
    as_of: Date,
) -> Result<Validation, UploadError> {
    validate_with(given, existing, as_of, true)
}

/// [`validate`], keeping the typed records in [`Lines`] only when `keep_records` (an import
/// needs them to plan; a check does not, and at national scale they are gigabytes).
pub fn validate_with(
    given: Given,
    existing: &ExistingState,
    as_of: Date,
    keep_records: bool,
) -> Result<Validation, UploadError> {
    let mut not_recognised = Vec::new();
    let mut reasons = Vec::new();
    // Files are recognised from their first line and read in full only when their rules run, one
    // at a time, so that a national upload never holds two whole files as records at once.
    let mut slots: [Option<InputFile>; 3] = [None, None, None];
    let slot = |kind: FileKind| match kind {
        FileKind::Workplace => 0,
        FileKind::Staff => 1,
        FileKind::Training => 2,
    };
    match given {
        Given::Directory(files) => {
            for file in files {
                match recognise::recognise(&header_of(&file.bytes)) {
                    Recognition::Recognised(kind) => {
                        let i = slot(kind);
                        if let Some(first) = &slots[i] {
                            return Err(UploadError::Duplicate {
                                kind: kind.as_str(),
                                first: first.path.clone(),
                                second: file.path,
                            });
                        }
                        slots[i] = Some(file);
                    }
                    Recognition::NotRecognised(reason) => {
                        let name = match reason {
                            NotRecognised::HeaderMismatch(kind) => kind.as_str().to_string(),
                            NotRecognised::WorkplaceBom => FileKind::Workplace.as_str().to_string(),
                            _ => file_name(&file.path),
                        };
                        not_recognised.push(name);
                        reasons.push((file.path, reason));
                    }
                }
            }
        }
        Given::Explicit {
            workplace,
            staff,
            training,
        } => {
            for (kind, file) in [
                (FileKind::Workplace, workplace),
                (FileKind::Staff, staff),
                (FileKind::Training, training),
            ] {
                let Some(file) = file else { continue };
                match recognise::recognise(&header_of(&file.bytes)) {
                    Recognition::Recognised(found) if found == kind => {
                        slots[slot(kind)] = Some(file);
                    }
                    Recognition::Recognised(found) => {
                        not_recognised.push(kind.as_str().to_string());
                        reasons.push((file.path, NotRecognised::HeaderMismatch(found)));
                    }
                    Recognition::NotRecognised(reason) => {
                        not_recognised.push(kind.as_str().to_string());
                        reasons.push((file.path, reason));
                    }
                }
            }
        }
    }
    let [workplace_file, staff_file, training_file] = slots;
    if !not_recognised.is_empty() {
        let files = [
            (FileKind::Workplace, &workplace_file),
            (FileKind::Staff, &staff_file),
            (FileKind::Training, &training_file),
        ]
        .into_iter()
        .filter_map(|(kind, f)| {
            f.as_ref().map(|f| FileSummary {
                file: kind,
                path: f.path.clone(),
                records: csv::read(&f.bytes).records.len(),
            })
        })
        .collect();
        return Ok(Validation {
            files,
            files_not_recognised: not_recognised,
            not_recognised_reasons: reasons,
            messages: Vec::new(),
            lines: None,
        });
    }
    let workplace_file = workplace_file.ok_or(UploadError::MissingWorkplace)?;
    let staff_file = staff_file.ok_or(UploadError::MissingStaff)?;

    let mut files = Vec::new();
    let parse = |file: InputFile| {
        let raw = csv::read(&file.bytes);
        ParsedFile::new(file.path, raw)
    };
    let parsed = parse(workplace_file);
    let (mut workplaces, mut messages) = workplace::validate_lines(&parsed, existing, as_of);
    if !keep_records {
        workplaces.iter_mut().for_each(|line| line.record = None);
    }
    files.push(FileSummary {
        file: FileKind::Workplace,
        path: parsed.path.clone(),
        records: workplaces.iter().filter(|w| w.kept).count(),
    });
    drop(parsed);
    let parsed = parse(staff_file);
    let (mut staff, staff_messages) = staff::validate_lines(&parsed, existing, &workplaces, as_of);
    if !keep_records {
        staff.iter_mut().for_each(|line| line.record = None);
    }
    messages.extend(staff_messages);
    files.push(FileSummary {
        file: FileKind::Staff,
        path: parsed.path.clone(),
        records: parsed.raw.records.len(),
    });
    drop(parsed);
    let training = match training_file {
        Some(file) => {
            let parsed = parse(file);
            let (mut training, training_messages) =
                training::validate_lines(&parsed, &workplaces, &staff, as_of);
            if !keep_records {
                training.iter_mut().for_each(|line| line.record = None);
            }
            messages.extend(training_messages);
            files.push(FileSummary {
                file: FileKind::Training,
                path: parsed.path.clone(),
                records: parsed.raw.records.len(),
            });
            training
        }
        None => Vec::new(),
    };
    messages.extend(workplace::account_checks(&workplaces, &staff, existing));
    message::sort(&mut messages);
    Ok(Validation {
        files,
        files_not_recognised: Vec::new(),
        not_recognised_reasons: Vec::new(),
        messages,
        lines: Some(Lines {
            workplaces,
            staff,
            training,
        }),
    })
}

/// The file's first line only (with its line end), enough to recognise it (§6.1).
fn header_of(bytes: &[u8]) -> RawFile {
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| i + 1);
    csv::read(bytes.get(..end).unwrap_or(bytes))
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}
