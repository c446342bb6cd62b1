//! The workplace file writer (export): one canonical line per record, such that reading and
//! validating the file gives back the same records.

use carecount_domain::{Answer, DhaActivities, WorkforceCounts, Workplace};

use crate::recognise::WORKPLACE_HEADER;

/// The workplace file for `records`: the exact header, one line per record with STATUS `NEW`,
/// LF line ends. `parse(write(x)) == x` for every record the validator produces.
pub fn write(records: &[Workplace]) -> String {
    let mut out = String::with_capacity(WORKPLACE_HEADER.len() + 1 + records.len() * 160);
    out.push_str(WORKPLACE_HEADER);
    out.push('\n');
    for record in records {
        let fields = fields(record);
        for (index, field) in fields.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            push_field(&mut out, field);
        }
        out.push('\n');
    }
    out
}

/// The 44 values of a record, in header order.
fn fields(record: &Workplace) -> Vec<String> {
    let single = record.services.len() == 1;
    let positional = |value: &dyn Fn(&carecount_domain::ServiceEntry) -> String| -> String {
        record
            .services
            .iter()
            .map(value)
            .collect::<Vec<_>>()
            .join(";")
    };
    let mut all_services = join(record.services.iter().map(|s| s.code));
    if record.no_other_services {
        all_services.push_str(";0");
    }
    let descriptions = if single {
        record
            .services
            .first()
            .and_then(|s| s.description.clone())
            .unwrap_or_default()
    } else {
        positional(&|s| s.description.clone().unwrap_or_default())
    };
    let (reasons, reason_numbers): (Vec<u32>, Vec<u32>) =
        record.leaving_reasons.iter().copied().unzip();
    vec![
        record.localestid.clone(),
        "NEW".to_string(),
        record.name.clone(),
        record.address1.clone(),
        record.address2.clone(),
        record.address3.clone(),
        record.post_town.clone(),
        record.postcode.clone(),
        // An employer type dropped by W25 is written back as 8 with a blank OTHERTYPE, which
        // reads back as the same dropped value.
        record
            .employer_type
            .unwrap_or(carecount_codes::special::EMPLOYER_TYPE_OTHER)
            .to_string(),
        record.employer_type_other.clone().unwrap_or_default(),
        flag(record.share_with_cqc),
        flag(record.share_with_la),
        if record.cqc_regulated { "2" } else { "0" }.to_string(),
        record.provider_id.clone().unwrap_or_default(),
        record.location_id.clone().unwrap_or_default(),
        record.main_service.to_string(),
        all_services,
        positional(&|s| optional(s.capacity)),
        positional(&|s| optional(s.utilisation)),
        descriptions,
        join(record.service_users.iter().map(|u| u.code)),
        record
            .service_users
            .iter()
            .map(|u| u.description.clone().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(";"),
        answer(record.dha),
        match &record.dha_activities {
            None => String::new(),
            Some(DhaActivities::DontKnow) => {
                carecount_codes::special::DHA_ACTIVITIES_DONT_KNOW.to_string()
            }
            Some(DhaActivities::Activities(codes)) => join(codes.iter().copied()),
        },
        record.total_perm_temp.to_string(),
        join(record.job_roles.iter().copied()),
        counts(&record.starters, record.job_roles.len()),
        counts(&record.leavers, record.job_roles.len()),
        counts(&record.vacancies, record.job_roles.len()),
        join(reasons.into_iter()),
        join(reason_numbers.into_iter()),
        optional(record.repeat_training),
        optional(record.cwp_aware),
        match &record.cwp_use {
            None => String::new(),
            Some(cwp) => {
                let mut text = cwp.answer.code().to_string();
                for reason in &cwp.reasons {
                    text.push(';');
                    text.push_str(&reason.to_string());
                }
                text
            }
        },
        record.cwp_use_desc.clone().unwrap_or_default(),
        yes_no_unknown(record.sick_pay),
        yes_no_unknown(record.pension),
        optional(record.pension_contribution),
        answer(record.pension_opt_out),
        optional(record.holiday_days),
        answer(record.sleep_ins),
        optional(record.sleep_in_pay),
        optional(record.travel_time),
        optional(record.travel_time_rate),
    ]
}

fn join(values: impl Iterator<Item = u32>) -> String {
    values.map(|v| v.to_string()).collect::<Vec<_>>().join(";")
}

fn optional<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn flag(value: Option<bool>) -> String {
    match value {
        Some(true) => "1",
        Some(false) => "0",
        None => "",
    }
    .to_string()
}

fn answer(value: Option<Answer>) -> String {
    optional(value.map(Answer::code))
}

/// SICKPAY / PENSION spelling.
fn yes_no_unknown(value: Option<Answer>) -> String {
    match value {
        Some(Answer::Yes) => "1",
        Some(Answer::No) => "0",
        Some(Answer::DontKnow) => "unknown",
        None => "",
    }
    .to_string()
}

/// STARTERS / LEAVERS / VACANCIES: "None" is one `0` per job role (a single `0` without roles).
fn counts(counts: &WorkforceCounts, n_roles: usize) -> String {
    match counts {
        WorkforceCounts::NotAnswered => String::new(),
        WorkforceCounts::DontKnow => carecount_codes::special::DONT_KNOW.to_string(),
        WorkforceCounts::None => vec!["0"; n_roles.max(1)].join(";"),
        WorkforceCounts::PerRole(values) => join(values.iter().copied()),
    }
}

/// Minimal quoting: a value containing `,` `"` CR or LF, or with leading/trailing whitespace, is
/// quoted with inner quotes doubled.
fn push_field(out: &mut String, value: &str) {
    let needs_quotes = value.contains([',', '"', '\r', '\n'])
        || value.starts_with(char::is_whitespace)
        || value.ends_with(char::is_whitespace);
    if needs_quotes {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}
