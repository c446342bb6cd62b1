//! Reading an upload from disk (`interfaces.md` "Bulk-upload files") and printing a validation.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use carecount_ascwds::{Given, InputFile, Severity, Validation};
use clap::Args;
use serde::Serialize;

/// The files of an upload: a directory, or each file by its kind.
#[derive(Debug, Clone, Args)]
pub struct UploadArgs {
    /// A directory holding the files (recognised by their header row, not their names).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The workplace file.
    #[arg(long, value_name = "FILE")]
    pub workplace: Option<PathBuf>,
    /// The staff file.
    #[arg(long, value_name = "FILE")]
    pub staff: Option<PathBuf>,
    /// The training file (optional).
    #[arg(long, value_name = "FILE")]
    pub training: Option<PathBuf>,
}

impl UploadArgs {
    /// Reads the files. A path that cannot be opened is an error (exit 2).
    pub fn read(&self) -> anyhow::Result<Given> {
        let explicit = self.workplace.is_some() || self.staff.is_some() || self.training.is_some();
        match (&self.dir, explicit) {
            (Some(_), true) => {
                bail!("give either a directory or --workplace/--staff/--training, not both")
            }
            (None, false) => bail!(
                "no upload given: name a directory, or --workplace FILE --staff FILE [--training FILE]"
            ),
            (Some(dir), false) => {
                let mut paths = Vec::new();
                let entries = std::fs::read_dir(dir)
                    .with_context(|| format!("cannot open directory {}", dir.display()))?;
                for entry in entries {
                    let entry =
                        entry.with_context(|| format!("reading directory {}", dir.display()))?;
                    let path = entry.path();
                    let hidden = entry.file_name().to_string_lossy().starts_with('.');
                    if path.is_file() && !hidden {
                        paths.push(path);
                    }
                }
                paths.sort();
                let files = paths
                    .iter()
                    .map(|p| read_file(p))
                    .collect::<anyhow::Result<Vec<_>>>()?;
                Ok(Given::Directory(files))
            }
            (None, true) => Ok(Given::Explicit {
                workplace: self.workplace.as_deref().map(read_file).transpose()?,
                staff: self.staff.as_deref().map(read_file).transpose()?,
                training: self.training.as_deref().map(read_file).transpose()?,
            }),
        }
    }
}

fn read_file(path: &Path) -> anyhow::Result<InputFile> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(InputFile {
        path: path.display().to_string(),
        bytes,
    })
}

/// The `validate` JSON object of `interfaces.md`.
#[derive(Debug, Serialize)]
pub struct ValidationJson<'a> {
    pub status: carecount_ascwds::Status,
    pub files: &'a [carecount_ascwds::FileSummary],
    pub files_not_recognised: &'a [String],
    pub summary: Summary,
    pub messages: &'a [carecount_ascwds::Message],
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

impl<'a> ValidationJson<'a> {
    pub fn new(validation: &'a Validation) -> ValidationJson<'a> {
        ValidationJson {
            status: validation.status(),
            files: &validation.files,
            files_not_recognised: &validation.files_not_recognised,
            summary: Summary {
                errors: validation.errors(),
                warnings: validation.warnings(),
            },
            messages: &validation.messages,
        }
    }
}

/// Prints a validation for people (stdout).
pub fn print_text(validation: &Validation) {
    for (path, reason) in &validation.not_recognised_reasons {
        println!("{path}: not recognised: {reason}. No rule was run.");
    }
    for file in &validation.files {
        println!(
            "{} file {}: {} records",
            file.file.as_str(),
            file.path,
            file.records
        );
    }
    let path_of = |kind: carecount_ascwds::FileKind| {
        validation
            .files
            .iter()
            .find(|f| f.file == kind)
            .map(|f| f.path.as_str())
            .unwrap_or(kind.as_str())
    };
    for m in &validation.messages {
        let severity = match m.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let who = match &m.worker {
            Some(worker) => format!("workplace {} staff {}", m.workplace, worker),
            None => format!("workplace {}", m.workplace),
        };
        println!(
            "{}:{}: {severity} {} [{}] value {:?} ({who}): {}",
            path_of(m.file),
            m.line,
            m.code,
            m.column,
            m.value,
            m.message
        );
    }
    let status = match validation.status() {
        carecount_ascwds::Status::Passed => "passed",
        carecount_ascwds::Status::Warnings => "passed with warnings",
        carecount_ascwds::Status::Failed => "failed",
        carecount_ascwds::Status::FileNotRecognised => "file not recognised",
    };
    println!(
        "{status}: {} errors, {} warnings",
        validation.errors(),
        validation.warnings()
    );
}
