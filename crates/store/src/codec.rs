//! How records become stored text and back: JSON of the typed struct, with a staff record's
//! personal fields cut out of its JSON (they live in `staff_personal`), and dates as `YYYY-MM-DD`.

use std::sync::OnceLock;

use carecount_domain::{Staff, StaffPersonal};
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::Date;
use time::macros::format_description;

use crate::error::Fail;

/// Builds a version's fingerprint: two SipHash-1-3 hashes (std's `DefaultHasher`, fixed keys) of
/// the same length-prefixed parts under different prefixes, 16 bytes in all. If a Rust release
/// changes that hasher, every record looks changed once (one extra version each), never the reverse.
pub(crate) struct Fingerprint {
    first: std::hash::DefaultHasher,
    second: std::hash::DefaultHasher,
}

impl Fingerprint {
    pub(crate) fn new() -> Fingerprint {
        use std::hash::Hasher;
        let mut fingerprint = Fingerprint {
            first: std::hash::DefaultHasher::new(),
            second: std::hash::DefaultHasher::new(),
        };
        fingerprint.first.write(b"carecount-store/1");
        fingerprint.second.write(b"carecount-store/2");
        fingerprint
    }

    pub(crate) fn text(&mut self, text: &str) -> &mut Fingerprint {
        use std::hash::Hasher;
        for hasher in [&mut self.first, &mut self.second] {
            hasher.write_u64(text.len() as u64);
            hasher.write(text.as_bytes());
        }
        self
    }

    pub(crate) fn optional(&mut self, text: Option<&str>) -> &mut Fingerprint {
        use std::hash::Hasher;
        for hasher in [&mut self.first, &mut self.second] {
            hasher.write_u8(u8::from(text.is_some()));
        }
        self.text(text.unwrap_or_default())
    }

    pub(crate) fn number(&mut self, number: i64) -> &mut Fingerprint {
        use std::hash::Hasher;
        for hasher in [&mut self.first, &mut self.second] {
            hasher.write_i64(number);
        }
        self
    }

    pub(crate) fn finish(&self) -> Vec<u8> {
        use std::hash::Hasher;
        let mut bytes = Vec::with_capacity(16);
        bytes.extend_from_slice(&self.first.finish().to_le_bytes());
        bytes.extend_from_slice(&self.second.finish().to_le_bytes());
        bytes
    }
}

/// A date as stored: `YYYY-MM-DD` (sorts as text in date order).
pub(crate) fn date_text(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Reads a stored `YYYY-MM-DD` date; `what` names the row without its value.
pub(crate) fn parse_date(text: &str, what: impl FnOnce() -> String) -> Result<Date, Fail> {
    Date::parse(text, format_description!("[year]-[month]-[day]")).map_err(|_| Fail::Corrupt {
        what: what(),
        reason: "a stored date is not YYYY-MM-DD".to_string(),
    })
}

/// Reads an optional stored date.
pub(crate) fn parse_optional_date(
    text: Option<&str>,
    what: impl FnOnce() -> String,
) -> Result<Option<Date>, Fail> {
    text.map(|text| parse_date(text, what)).transpose()
}

/// The JSON of a record.
pub(crate) fn to_json<T: Serialize>(
    record: &T,
    what: impl FnOnce() -> String,
) -> Result<String, Fail> {
    serde_json::to_string(record).map_err(|error| Fail::Serialise {
        what: what(),
        reason: format!("{error}"),
    })
}

/// A record from its JSON.
pub(crate) fn from_json<T: DeserializeOwned>(
    data: &str,
    what: impl FnOnce() -> String,
) -> Result<T, Fail> {
    serde_json::from_str(data).map_err(|error| Fail::corrupt_json(what(), &error))
}

/// The text the `personal` member takes when it holds the default (empty) personal fields.
fn empty_personal_member() -> &'static str {
    static MEMBER: OnceLock<String> = OnceLock::new();
    MEMBER.get_or_init(|| {
        let value =
            serde_json::to_string(&StaffPersonal::default()).unwrap_or_else(|_| "{}".to_string());
        format!("\"personal\":{value}")
    })
}

/// The JSON of a staff record without its personal fields.
///
/// Fast path: `personal` is the struct's last member, so the record's JSON ends with
/// `,"personal":{…}}` where `{…}` is the JSON of the personal fields alone; that tail is cut off
/// (no copy of the record). Otherwise the record is serialised with empty personal fields and the
/// `personal` member is cut out. Inside a JSON string every `"` is escaped, so an unescaped
/// `"personal":{` can only be the struct's own member. Both give the same text.
pub(crate) fn staff_json_without_personal(
    staff: &Staff,
    what: impl Fn() -> String,
) -> Result<String, Fail> {
    let mut text = to_json(staff, &what)?;
    let personal = to_json(&staff.personal, &what)?;
    let tail_len = ",\"personal\":".len() + personal.len() + 1;
    if let Some(cut) = text.len().checked_sub(tail_len)
        && let Some(tail) = text.get(cut..)
        && tail
            .strip_prefix(",\"personal\":")
            .and_then(|t| t.strip_suffix('}'))
            == Some(&personal)
    {
        text.truncate(cut);
        text.push('}');
        return Ok(text);
    }
    let mut stripped = staff.clone();
    stripped.personal = StaffPersonal::default();
    let text = to_json(&stripped, &what)?;
    for pattern in member_patterns() {
        if let Some(at) = text.find(pattern.as_str()) {
            let mut cut = String::with_capacity(text.len() - pattern.len());
            cut.push_str(&text[..at]);
            cut.push_str(&text[at + pattern.len()..]);
            return Ok(cut);
        }
    }
    Err(Fail::Serialise {
        what: what(),
        reason: "the staff record has no `personal` member".to_string(),
    })
}

/// The empty `personal` member with its comma after, before, or alone.
fn member_patterns() -> &'static [String; 3] {
    static PATTERNS: OnceLock<[String; 3]> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let member = empty_personal_member();
        [
            format!(",{member}"),
            format!("{member},"),
            member.to_string(),
        ]
    })
}

/// Rebuilds a staff record from its stored JSON and personal fields (serde accepts members in any
/// order, so the `personal` member is put first).
pub(crate) fn staff_from_parts(
    data: &str,
    personal: &StaffPersonal,
    what: impl Fn() -> String,
) -> Result<Staff, Fail> {
    let personal_json = to_json(personal, &what)?;
    let rest = data.strip_prefix('{').ok_or_else(|| Fail::Corrupt {
        what: what(),
        reason: "the stored JSON is not an object".to_string(),
    })?;
    let mut text = String::with_capacity(data.len() + personal_json.len() + 16);
    text.push_str("{\"personal\":");
    text.push_str(&personal_json);
    if !rest.trim_start().starts_with('}') {
        text.push(',');
    }
    text.push_str(rest);
    from_json(&text, what)
}

/// The stored form of the personal fields.
pub(crate) struct PersonalRow {
    pub display_id: String,
    pub ni_number: Option<String>,
    pub date_of_birth: Option<String>,
    pub postcode: Option<String>,
}

impl PersonalRow {
    pub(crate) fn of(personal: &StaffPersonal) -> PersonalRow {
        PersonalRow {
            display_id: personal.display_id.clone(),
            ni_number: personal.ni_number.clone(),
            date_of_birth: personal.date_of_birth.map(date_text),
            postcode: personal.postcode.clone(),
        }
    }

    pub(crate) fn into_personal(
        self,
        what: impl FnOnce() -> String,
    ) -> Result<StaffPersonal, Fail> {
        Ok(StaffPersonal {
            display_id: self.display_id,
            ni_number: self.ni_number,
            date_of_birth: parse_optional_date(self.date_of_birth.as_deref(), what)?,
            postcode: self.postcode,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn staff_json_round_trips_without_personal_fields() {
        let mut staff = Staff::example();
        // A description holding the very text that is cut out must survive: inside a JSON string
        // its quotes are escaped, so it cannot be mistaken for the member.
        staff.main_job_role_desc = Some(format!(",{}", empty_personal_member()));
        staff.personal = StaffPersonal {
            display_id: "Jane \"personal\":{ Doe".into(),
            ni_number: Some("AB 12 34 56 C".into()),
            date_of_birth: Some(date!(1980 - 02 - 29)),
            postcode: Some("S1 2AB".into()),
        };
        let what = || "test".to_string();
        let data = staff_json_without_personal(&staff, what).unwrap_or_default();
        assert_eq!(
            data.matches("personal").count(),
            1,
            "only the description mentions it: {data}"
        );
        assert!(!data.contains("AB 12"));
        assert!(!data.contains("1980"));
        let back = staff_from_parts(&data, &staff.personal, what).ok();
        assert_eq!(back, Some(staff));
    }

    #[test]
    fn staff_json_without_personal_is_the_record_minus_its_personal_member() {
        // Oracle independent of the text surgery: the record with empty personal fields as a JSON
        // object, minus its "personal" key, must equal the stored text read as a JSON object.
        let mut staff = Staff::example();
        staff.personal = StaffPersonal {
            display_id: "O\"Brien }".into(),
            ni_number: Some("AB123456C".into()),
            date_of_birth: Some(date!(1990 - 01 - 31)),
            postcode: None,
        };
        let data = staff_json_without_personal(&staff, String::new).unwrap_or_default();
        let got: serde_json::Value = serde_json::from_str(&data).unwrap_or_default();
        let mut stripped = staff.clone();
        stripped.personal = StaffPersonal::default();
        let mut want = serde_json::to_value(&stripped).unwrap_or_default();
        if let Some(object) = want.as_object_mut() {
            object.remove("personal");
        }
        assert_eq!(got, want);
        assert!(!data.contains("Brien") && !data.contains("AB123456C"));
        // The text ends where the last non-personal member ends: no dangling comma.
        assert!(data.ends_with('}') && !data.contains(",}"));
    }

    #[test]
    fn dates_are_iso_text() {
        assert_eq!(date_text(date!(2026 - 03 - 05)), "2026-03-05");
        assert_eq!(
            parse_date("2026-03-05", String::new).ok(),
            Some(date!(2026 - 03 - 05))
        );
        assert!(parse_date("05/03/2026", String::new).is_err());
    }
}
