//! The training line rules T01–T19 (§4.3). Training lines are not de-duplicated by code: every
//! rule that fires gives its message.

use carecount_codes::special::WHO_DELIVERED_EXTERNAL;
use carecount_domain::{Training, Validity};
use time::Date;

use super::date;
use crate::column::Col;
use crate::js::parse_int;
use crate::message::{FileKind, LineMessages};
use crate::row::Row;

pub const LOCALESTID: Col = Col::LOCALESTID;
pub const UNIQUEWORKERID: Col = Col::UNIQUEWORKERID;
pub const CATEGORY: Col = Col::CATEGORY;
pub const TRAININGNAME: Col = Col::TRAININGNAME;
pub const ACCREDITED: Col = Col::ACCREDITED;
pub const WHODELIVERED: Col = Col::WHODELIVERED;
pub const PROVIDERNAME: Col = Col::PROVIDERNAME;
pub const HOWDELIVERED: Col = Col::HOWDELIVERED;
pub const VALIDITY: Col = Col::VALIDITY;
pub const DATECOMPLETED: Col = Col::DATECOMPLETED;
pub const EXPIRYDATE: Col = Col::EXPIRYDATE;
pub const NOTES: Col = Col::NOTES;

/// Longest LOCALESTID / UNIQUEWORKERID the training file accepts (51+ is an error, App. B.9).
const MAX_REFERENCE: usize = 50;
const MAX_NAME: usize = 120;
const MAX_NOTES: usize = 1000;
const MAX_VALIDITY_MONTHS: i64 = 999;

/// What one line's own rules found.
pub struct Checked<'a> {
    pub messages: LineMessages<'a>,
    /// DATECOMPLETED when it is a valid date and not in the future (XT3 uses it).
    pub completed: Option<Date>,
    /// The record the line describes, when none of T01–T19 is an error.
    pub record: Option<Training>,
}

/// Runs T01–T19 on one line, with `as_of` as today.
pub fn check<'a>(row: &Row<'a>, as_of: Date) -> Checked<'a> {
    let localestid = row.text(LOCALESTID);
    let unique_worker_id = row.text(UNIQUEWORKERID);
    let mut messages = LineMessages::new(
        FileKind::Training,
        row.line(),
        localestid,
        Some(unique_worker_id),
    );

    // T01, T02.
    if localestid.is_empty() {
        messages.error(
            1000,
            LOCALESTID.name(),
            localestid,
            "LOCALESTID is blank: give the workplace reference of the staff record",
        );
    } else if js_length(localestid) > MAX_REFERENCE {
        messages.error(
            1000,
            LOCALESTID.name(),
            localestid,
            "LOCALESTID is longer than 50 characters",
        );
    }
    // T03, T04.
    if unique_worker_id.is_empty() {
        messages.error(
            1010,
            UNIQUEWORKERID.name(),
            unique_worker_id,
            "UNIQUEWORKERID is blank: give the staff reference this training belongs to",
        );
    } else if js_length(unique_worker_id) > MAX_REFERENCE {
        messages.error(
            1010,
            UNIQUEWORKERID.name(),
            unique_worker_id,
            "UNIQUEWORKERID is longer than 50 characters",
        );
    }

    // T05, T06.
    let completed_text = row.text(DATECOMPLETED);
    let mut completed = None;
    if !completed_text.is_empty() {
        match date::parse(completed_text) {
            None => messages.error(
                1020,
                DATECOMPLETED.name(),
                completed_text,
                "DATECOMPLETED is not a valid date in the form DD/MM/YYYY",
            ),
            Some(day) if day > as_of => messages.error(
                1020,
                DATECOMPLETED.name(),
                completed_text,
                "DATECOMPLETED is in the future: give the date the training was completed",
            ),
            Some(day) => completed = Some(day),
        }
    }
    // T07, T08.
    let expiry_text = row.text(EXPIRYDATE);
    let mut expires = None;
    if !expiry_text.is_empty() {
        match date::parse(expiry_text) {
            None => messages.error(
                1030,
                EXPIRYDATE.name(),
                expiry_text,
                "EXPIRYDATE is not a valid date in the form DD/MM/YYYY",
            ),
            Some(day) if completed.is_some_and(|done| day <= done) => messages.error(
                1030,
                "EXPIRYDATE/DATECOMPLETED",
                expiry_text,
                "EXPIRYDATE must be after DATECOMPLETED",
            ),
            Some(day) => expires = Some(day),
        }
    }

    // T09.
    let name = row.text(TRAININGNAME);
    if js_length(name) > MAX_NAME {
        messages.error(
            1040,
            TRAININGNAME.name(),
            name,
            "TRAININGNAME is longer than 120 characters",
        );
    }
    // T10.
    let category_text = row.text(CATEGORY);
    let category = parse_int(category_text)
        .and_then(|code| u32::try_from(code).ok())
        .filter(|&code| carecount_codes::tables().training_categories.contains(code));
    if category.is_none() {
        messages.error(
            1050,
            CATEGORY.name(),
            category_text,
            "CATEGORY has not been supplied as a known training category code (Appendix A.16)",
        );
    }
    // T11.
    let accredited_text = row.text(ACCREDITED);
    let accredited = code_in(accredited_text, &[0, 1, 999]);
    if !accredited_text.is_empty() && accredited.is_none() {
        messages.error(
            1060,
            ACCREDITED.name(),
            accredited_text,
            "ACCREDITED must be 1 (yes), 0 (no) or 999 (don't know)",
        );
    }
    // T12.
    let notes = row.text(NOTES);
    if js_length(notes) > MAX_NOTES {
        messages.error(
            1070,
            NOTES.name(),
            notes,
            "NOTES is longer than 1000 characters",
        );
    }
    // T13.
    let who_text = row.text(WHODELIVERED);
    let who_delivered = code_in(who_text, &[1, WHO_DELIVERED_EXTERNAL]);
    if !who_text.is_empty() && who_delivered.is_none() {
        messages.error(
            1080,
            WHODELIVERED.name(),
            who_text,
            "WHODELIVERED must be 1 (in-house staff) or 2 (external provider)",
        );
    }
    // T14, T15.
    let provider_text = row.text(PROVIDERNAME);
    let external = parse_int(who_text) == Some(i64::from(WHO_DELIVERED_EXTERNAL));
    let mut provider = None;
    if external {
        provider = parse_int(provider_text)
            .and_then(|code| u32::try_from(code).ok())
            .filter(|&code| carecount_codes::tables().training_providers.contains(code));
        if provider.is_none() {
            messages.error(1090, PROVIDERNAME.name(), provider_text, "PROVIDERNAME must be a known training provider code (Appendix A.17, 999 for another provider) when WHODELIVERED is 2");
        }
    } else if !provider_text.is_empty() {
        messages.warning(2090, "WHODELIVERED/PROVIDERNAME", provider_text, "PROVIDERNAME will be ignored: it only applies when WHODELIVERED is 2 (external provider)");
    }
    // T16.
    let how_text = row.text(HOWDELIVERED);
    let how_delivered = code_in(how_text, &[1, 2]);
    if !how_text.is_empty() && how_delivered.is_none() {
        messages.error(
            1100,
            HOWDELIVERED.name(),
            how_text,
            "HOWDELIVERED must be 1 (face to face) or 2 (e-learning)",
        );
    }
    // T17.
    let validity_text = row.text(VALIDITY);
    let validity = if validity_text.is_empty() {
        None
    } else if validity_text == "none" {
        Some(Validity::None)
    } else {
        match parse_int(validity_text) {
            Some(months @ 1..=MAX_VALIDITY_MONTHS) => {
                u32::try_from(months).ok().map(Validity::Months)
            }
            _ => {
                messages.error(
                    1110,
                    VALIDITY.name(),
                    validity_text,
                    "VALIDITY must be \"none\" (lower case) or a number of months from 1 to 999",
                );
                None
            }
        }
    };
    // T18, T19, and the derived EXPIRYDATE (§4.2).
    match validity {
        Some(Validity::None) if !expiry_text.is_empty() => {
            messages.warning(
                2110,
                "EXPIRYDATE/VALIDITY",
                expiry_text,
                "VALIDITY is \"none\" (does not expire) but an EXPIRYDATE is given",
            );
        }
        Some(Validity::Months(months)) => {
            let derived = completed.and_then(|done| date::derived_expiry(done, months));
            match (expires, derived) {
                (Some(given), Some(derived)) if given != derived => {
                    let expected = date::format(derived);
                    messages.warning(
                        2110,
                        "EXPIRYDATE/VALIDITY",
                        expiry_text,
                        format!("EXPIRYDATE does not match VALIDITY: {months} months from DATECOMPLETED gives {expected}"),
                    );
                }
                (None, Some(derived)) if expiry_text.is_empty() => expires = Some(derived),
                _ => {}
            }
        }
        _ => {}
    }

    let record = match category {
        Some(category) if !messages.has_error() => Some(Training {
            localestid: localestid.to_string(),
            unique_worker_id: unique_worker_id.to_string(),
            category,
            name: non_empty(name),
            accredited,
            who_delivered,
            provider,
            how_delivered,
            validity,
            completed,
            expires,
            notes: non_empty(notes),
        }),
        _ => None,
    };
    Checked {
        messages,
        completed,
        record,
    }
}

/// JavaScript's `String.length`: UTF-16 code units, which is what ASC-WDS's limits count.
fn js_length(text: &str) -> usize {
    text.encode_utf16().count()
}

/// A code read with `parseInt` that is one of `allowed`; `None` when blank, not numeric or other.
fn code_in(text: &str, allowed: &[u32]) -> Option<u32> {
    let code = u32::try_from(parse_int(text)?).ok()?;
    allowed.contains(&code).then_some(code)
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}
