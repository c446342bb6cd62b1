//! Builds the typed [`Staff`] of a NEW or UPDATE line without errors. For UPDATE, columns left
//! blank (or whose value a warning dropped) keep the stored value (§1.4, §6.4); the qualification
//! list is the complete new list, with a stored year or notes kept where the file gives none.

use carecount_domain::{Hundredths, Qualification, Staff, StaffPersonal, Status};

use super::line::{CheckedLine, Halves, Pay, Values};
use crate::ExistingState;

/// The record after the line, or `None` when the line is not a NEW/UPDATE line with a contract and
/// main job role (lines with errors never reach here).
pub(super) fn build(
    line: &CheckedLine,
    transfer_to: Option<&str>,
    existing: &ExistingState,
) -> Option<Staff> {
    let values = &line.values;
    let contract = values.contract?;
    let main_job_role = values.main_job_role?;
    let renamed = line.new_worker_id.filter(|_| line.new_worker_id_accepted);
    match line.status? {
        Status::New => {
            // `from_values` already took LOCALESTID and UNIQUEWORKERID from the line.
            let mut staff = from_values(values, contract, main_job_role, line);
            if let Some(new_id) = renamed {
                staff.unique_worker_id = new_id.to_string();
            }
            Some(staff)
        }
        Status::Update => {
            let stored = &existing
                .staff(line.localestid, line.unique_worker_id)?
                .record;
            let mut staff = merge(stored, values, contract, main_job_role, line);
            staff.localestid =
                transfer_to.map_or_else(|| stored.localestid.clone(), str::to_string);
            staff.unique_worker_id =
                renamed.map_or_else(|| stored.unique_worker_id.clone(), str::to_string);
            Some(staff)
        }
        Status::Delete | Status::Unchecked | Status::NoChange => None,
    }
}

fn from_values(values: &Values, contract: u32, main_job_role: u32, line: &CheckedLine) -> Staff {
    let (days_sick_halves, days_sick_unknown) = halves_u32(values.days_sick);
    let (contracted_hours_halves, contracted_hours_unknown) = halves_i32(values.contracted_hours);
    let (average_hours_halves, average_hours_unknown) = halves_i32(values.average_hours);
    let (salary_interval, salary, hourly_rate) = pay_fields(values.pay);
    Staff {
        localestid: line.localestid.to_string(),
        unique_worker_id: line.unique_worker_id.to_string(),
        gender: values.gender,
        ethnicity: values.ethnicity,
        nationality: values.nationality,
        british_citizenship: values.british_citizenship,
        country_of_birth: values.country_of_birth,
        year_of_entry: values.year_of_entry,
        disabled: values.disabled,
        care_certificate: values.care_certificate,
        l2_care_certificate: values.l2_care_certificate.map(|(option, _)| option),
        l2_care_certificate_year: values.l2_care_certificate.and_then(|(_, year)| year),
        recruitment_source: values.recruitment_source,
        health_care_visa: values.health_care_visa,
        employed_from_outside_uk: values.employed_from_outside_uk,
        start_date: values.start_date,
        start_in_sector: values.start_in_sector,
        dha: values.dha,
        apprentice: values.apprentice,
        contract,
        zero_hours: values.zero_hours,
        days_sick_halves,
        days_sick_unknown,
        salary_interval,
        salary,
        hourly_rate,
        main_job_role,
        main_job_role_desc: values.main_job_role_desc.clone(),
        contracted_hours_halves,
        contracted_hours_unknown,
        average_hours_halves,
        average_hours_unknown,
        nmc_registration: values.nmc_registration,
        amhp: values.amhp,
        social_care_qualification: values.social_care_qualification,
        non_social_care_qualification: values.non_social_care_qualification,
        cwp_category: values.cwp_category,
        qualifications: values.qualifications.clone(),
        personal: StaffPersonal {
            display_id: line.display_id.to_string(),
            ni_number: values.ni_number.clone(),
            date_of_birth: values.date_of_birth,
            postcode: values.postcode.clone(),
        },
    }
}

/// The stored record updated by the line's values: a value the line gives replaces the stored one,
/// a missing one keeps it. Compound answers (days sick, hours, pay, L2 certificate) move together.
fn merge(
    stored: &Staff,
    values: &Values,
    contract: u32,
    main_job_role: u32,
    line: &CheckedLine,
) -> Staff {
    let new = from_values(values, contract, main_job_role, line);
    let mut merged = stored.clone();
    macro_rules! keep_or_replace {
        ($($field:ident),* $(,)?) => {
            $( if new.$field.is_some() { merged.$field = new.$field.clone(); } )*
        };
    }
    keep_or_replace!(
        gender,
        ethnicity,
        nationality,
        british_citizenship,
        country_of_birth,
        year_of_entry,
        disabled,
        care_certificate,
        recruitment_source,
        health_care_visa,
        employed_from_outside_uk,
        start_date,
        start_in_sector,
        dha,
        apprentice,
        zero_hours,
        main_job_role_desc,
        nmc_registration,
        amhp,
        social_care_qualification,
        non_social_care_qualification,
        cwp_category,
    );
    merged.contract = contract;
    merged.main_job_role = main_job_role;
    if values.l2_care_certificate.is_some() {
        merged.l2_care_certificate = new.l2_care_certificate;
        merged.l2_care_certificate_year = new.l2_care_certificate_year;
    }
    if values.days_sick.is_some() {
        merged.days_sick_halves = new.days_sick_halves;
        merged.days_sick_unknown = new.days_sick_unknown;
    }
    if values.contracted_hours.is_some() {
        merged.contracted_hours_halves = new.contracted_hours_halves;
        merged.contracted_hours_unknown = new.contracted_hours_unknown;
    }
    if values.average_hours.is_some() {
        merged.average_hours_halves = new.average_hours_halves;
        merged.average_hours_unknown = new.average_hours_unknown;
    }
    if values.pay.is_some() {
        merged.salary_interval = new.salary_interval;
        merged.salary = new.salary;
        merged.hourly_rate = new.hourly_rate;
    }
    merged.qualifications = new
        .qualifications
        .iter()
        .map(|qualification| {
            let held = stored
                .qualifications
                .iter()
                .find(|q| q.code == qualification.code);
            Qualification {
                code: qualification.code,
                year: qualification.year.or_else(|| held.and_then(|q| q.year)),
                notes: qualification
                    .notes
                    .clone()
                    .or_else(|| held.and_then(|q| q.notes.clone())),
            }
        })
        .collect();
    merged.personal.display_id = new.personal.display_id;
    if new.personal.ni_number.is_some() {
        merged.personal.ni_number = new.personal.ni_number;
    }
    if new.personal.date_of_birth.is_some() {
        merged.personal.date_of_birth = new.personal.date_of_birth;
    }
    if new.personal.postcode.is_some() {
        merged.personal.postcode = new.personal.postcode;
    }
    merged
}

fn halves_u32(value: Option<Halves>) -> (Option<u32>, bool) {
    match value {
        Some(Halves::Known(halves)) => (u32::try_from(halves).ok(), false),
        Some(Halves::Unknown) => (None, true),
        None => (None, false),
    }
}

fn halves_i32(value: Option<Halves>) -> (Option<i32>, bool) {
    match value {
        Some(Halves::Known(halves)) => (i32::try_from(halves).ok(), false),
        Some(Halves::Unknown) => (None, true),
        None => (None, false),
    }
}

fn pay_fields(pay: Option<Pay>) -> (Option<u32>, Option<u32>, Option<Hundredths>) {
    match pay {
        Some(pay) => (Some(pay.interval), pay.salary, pay.hourly_rate),
        None => (None, None, None),
    }
}
