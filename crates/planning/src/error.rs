//! Errors. Bad scenarios and tables name the file, line, column and value (`planning.md` §8,
//! issue 6 "Bad input").

/// A problem in an input file, located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message} (value `{value}`)")]
pub struct InputError {
    /// File name as given (or the shipped table's name).
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
    /// The offending text.
    pub value: String,
    /// What is wrong.
    pub message: String,
}

/// Any failure of the planning crate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanningError {
    /// A scenario or table is malformed.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The inputs are well formed but cannot support the projection asked for.
    #[error("{0}")]
    Model(String),
}

/// Line and column (both from 1, column in characters) of a byte offset in a text.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |position| position + 1);
    let column = before
        .get(line_start..)
        .map_or(0, |rest| rest.chars().count())
        + 1;
    (line, column)
}

/// Builds an input error at a byte span of a text.
pub fn at_span(
    file: &str,
    text: &str,
    span: std::ops::Range<usize>,
    message: impl Into<String>,
) -> InputError {
    let (line, column) = line_column(text, span.start);
    let value: String = text
        .get(span.clone())
        .unwrap_or("")
        .trim()
        .chars()
        .take(80)
        .collect();
    InputError {
        file: file.to_string(),
        line,
        column,
        value,
        message: message.into(),
    }
}
