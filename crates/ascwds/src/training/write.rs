//! The training file writer: the canonical text of typed records, such that reading and validating
//! it gives the same records back (§4, `rules_common` writer contract).

use std::borrow::Cow;

use carecount_domain::{Training, Validity};

use super::date;
use crate::recognise::TRAINING_HEADER;

/// The training file for `records`: the exact header, one line per record, LF line ends, dates
/// `DD/MM/YYYY`, minimal quoting. EXPIRYDATE is written as held (a derived one included).
pub fn write(records: &[Training]) -> String {
    let mut out = String::with_capacity(TRAINING_HEADER.len() + 1 + records.len() * 64);
    out.push_str(TRAINING_HEADER);
    out.push('\n');
    for record in records {
        let fields: [Cow<'_, str>; 12] = [
            quote(&record.localestid),
            quote(&record.unique_worker_id),
            record.category.to_string().into(),
            optional_text(record.name.as_deref()),
            optional_code(record.accredited),
            optional_code(record.who_delivered),
            optional_code(record.provider),
            optional_code(record.how_delivered),
            match record.validity {
                None => Cow::Borrowed(""),
                Some(Validity::None) => Cow::Borrowed("none"),
                Some(Validity::Months(months)) => months.to_string().into(),
            },
            record
                .completed
                .map(date::format)
                .unwrap_or_default()
                .into(),
            record.expires.map(date::format).unwrap_or_default().into(),
            optional_text(record.notes.as_deref()),
        ];
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(field);
        }
        out.push('\n');
    }
    out
}

fn optional_text(value: Option<&str>) -> Cow<'_, str> {
    value.map_or(Cow::Borrowed(""), quote)
}

fn optional_code(value: Option<u32>) -> Cow<'static, str> {
    value.map_or(Cow::Borrowed(""), |code| code.to_string().into())
}

/// Quotes a value that holds `,` `"` CR or LF, or starts or ends with whitespace (which an
/// unquoted reading would trim); inner quotes are doubled.
fn quote(value: &str) -> Cow<'_, str> {
    let needs = value.contains([',', '"', '\r', '\n']) || value.trim() != value;
    if needs {
        Cow::Owned(format!("\"{}\"", value.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(value)
    }
}
