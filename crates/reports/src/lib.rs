//! carecount-reports: turns analysis results and validation messages into files people open —
//! the upload error report (CSV, XLSX), and the area and workplace profiles (HTML, XLSX, CSV, JSON).
//!
//! It computes nothing: figures come from `carecount-metrics` (and messages from
//! `carecount-ascwds`) already final; this crate only lays them out. It does not read the store.

pub mod upload_report;

pub mod area;
pub mod csv_out;
pub mod doc;
pub mod format;
pub mod html;
pub mod svg;
pub mod workplace;
pub mod xlsx;

/// A report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("writing {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("writing CSV {path}: {source}")]
    Csv { path: String, source: csv::Error },
    #[error("writing XLSX {path}: {source}")]
    Xlsx {
        path: String,
        source: rust_xlsxwriter::XlsxError,
    },
    #[error("{path}: unknown report format (use a .csv or .xlsx file name)")]
    UnknownFormat { path: String },
    #[error("writing JSON {path}: {source}")]
    Json {
        path: String,
        source: serde_json::Error,
    },
    #[error("embedded data file {file} is malformed: {message}")]
    EmbeddedData { file: String, message: String },
}
