//! The staff file writer (export): the base header plus as many QUALACH pairs as the record with
//! most qualifications needs (at least three), one line per record with STATUS `NEW`, LF line ends,
//! dates `DD/MM/YYYY`, minimal quoting. Reading and validating the output gives the same records.

use carecount_domain::{Answer, QualificationAnswer, Staff};

use super::parse::format_date;
use crate::recognise::staff_base_header;

/// Columns of the base header before the qualification pairs.
const BASE_PAIRS: usize = 3;

/// The staff file for `records`: the base header plus as many QUALACH pairs as the record with most
/// qualifications needs (at least three), STATUS `NEW`, LF line ends.
pub fn write(records: &[Staff]) -> String {
    let pairs = records
        .iter()
        .map(|r| r.qualifications.len())
        .max()
        .unwrap_or(0)
        .max(BASE_PAIRS);
    let mut out = staff_base_header();
    for number in BASE_PAIRS + 1..=pairs {
        out.push_str(&format!(",QUALACH{number:02},QUALACH{number:02}NOTES"));
    }
    out.push('\n');
    for record in records {
        let fields = fields(record, pairs);
        let line: Vec<String> = fields.iter().map(|f| quote(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

fn fields(r: &Staff, pairs: usize) -> Vec<String> {
    let number = |value: Option<u32>| value.map(|v| v.to_string()).unwrap_or_default();
    let year = |value: Option<i32>| value.map(|v| v.to_string()).unwrap_or_default();
    let answer = |value: Option<Answer>| value.map(|a| a.code().to_string()).unwrap_or_default();
    let mut fields = vec![
        r.localestid.clone(),
        r.unique_worker_id.clone(),
        "NEW".to_string(),
        r.personal.display_id.clone(),
        r.personal.ni_number.clone().unwrap_or_default(),
        r.personal.postcode.clone().unwrap_or_default(),
        r.personal
            .date_of_birth
            .map(format_date)
            .unwrap_or_default(),
        number(r.gender),
        number(r.ethnicity),
        number(r.nationality),
        answer(r.british_citizenship),
        number(r.country_of_birth),
        year(r.year_of_entry),
        number(r.disabled),
        number(r.care_certificate),
        match (r.l2_care_certificate, r.l2_care_certificate_year) {
            (Some(option), Some(year)) => format!("{option};{year}"),
            (Some(option), None) => option.to_string(),
            (None, _) => String::new(),
        },
        number(r.recruitment_source),
        answer(r.health_care_visa),
        number(r.employed_from_outside_uk),
        r.start_date.map(format_date).unwrap_or_default(),
        year(r.start_in_sector),
        answer(r.dha),
        answer(r.apprentice),
        r.contract.to_string(),
        answer(r.zero_hours),
        halves(r.days_sick_halves.map(i64::from), r.days_sick_unknown),
        number(r.salary_interval),
        number(r.salary),
        r.hourly_rate
            .map(|rate| rate.to_string())
            .unwrap_or_default(),
        r.main_job_role.to_string(),
        r.main_job_role_desc.clone().unwrap_or_default(),
        halves(
            r.contracted_hours_halves.map(i64::from),
            r.contracted_hours_unknown,
        ),
        halves(
            r.average_hours_halves.map(i64::from),
            r.average_hours_unknown,
        ),
        number(r.nmc_registration),
        answer(r.amhp),
        qualification_answer(r.social_care_qualification),
        qualification_answer(r.non_social_care_qualification),
        number(r.cwp_category),
    ];
    for index in 0..pairs {
        match r.qualifications.get(index) {
            Some(q) => {
                fields.push(match q.year {
                    Some(year) => format!("{};{year}", q.code),
                    None => q.code.to_string(),
                });
                fields.push(q.notes.clone().unwrap_or_default());
            }
            None => {
                fields.push(String::new());
                fields.push(String::new());
            }
        }
    }
    fields
}

/// Half units as a number: `11` → `5.5`, `10` → `5`; "don't know" → `999`.
fn halves(value: Option<i64>, unknown: bool) -> String {
    if unknown {
        return "999".to_string();
    }
    match value {
        Some(halves) if halves % 2 == 0 => (halves / 2).to_string(),
        Some(halves) => format!("{}.5", halves / 2),
        None => String::new(),
    }
}

fn qualification_answer(value: Option<QualificationAnswer>) -> String {
    match value {
        Some(QualificationAnswer::Yes { level }) => format!("1;{level}"),
        Some(QualificationAnswer::No) => "2".to_string(),
        Some(QualificationAnswer::DontKnow) => "999".to_string(),
        None => String::new(),
    }
}

/// Quotes a value only when it must be: it holds `,` `"` CR or LF, or starts or ends with whitespace.
fn quote(value: &str) -> String {
    let needs = value.contains([',', '"', '\r', '\n'])
        || value.starts_with(char::is_whitespace)
        || value.ends_with(char::is_whitespace);
    if needs {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_print_as_days_or_hours() {
        // 11 half days = 5.5 days; 10 = 5; 999 for don't know.
        assert_eq!(halves(Some(11), false), "5.5");
        assert_eq!(halves(Some(10), false), "5");
        assert_eq!(halves(None, true), "999");
        assert_eq!(halves(None, false), "");
    }

    #[test]
    fn quoting_is_minimal() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote(" padded"), "\" padded\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn at_least_three_qualification_pairs_and_more_when_needed() {
        let header_only = write(&[]);
        assert_eq!(header_only, format!("{}\n", staff_base_header()));
        let mut record = Staff::example();
        record.qualifications = (1..=4)
            .map(|code| carecount_domain::Qualification {
                code,
                year: None,
                notes: None,
            })
            .collect();
        let text = write(&[record]);
        assert!(text.starts_with(&format!(
            "{},QUALACH04,QUALACH04NOTES\n",
            staff_base_header()
        )));
    }
}
