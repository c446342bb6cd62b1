//! A staff record as held after a NEW or UPDATE line of the staff file (`ascwds-formats.md` §3).
//!
//! Personal fields (name or ID, NI number, date of birth, home postcode) live apart in
//! [`StaffPersonal`]: the store keeps them in their own table, readable only by the owning
//! organisation's queries. Analysis never needs them (it uses [`Staff::age_on`] … computed where
//! the date of birth is readable).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::{Answer, Hundredths};

/// One staff record (non-personal fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Staff {
    /// LOCALESTID of the workplace (as written in the staff line).
    pub localestid: String,
    /// UNIQUEWORKERID (after CHGUNIQUEWRKID renames it, the new value).
    pub unique_worker_id: String,
    /// GENDER 1 Male, 2 Female, 3 Don't know, 4 Other.
    pub gender: Option<u32>,
    /// ETHNICITY (A.5).
    pub ethnicity: Option<u32>,
    /// NATIONALITY (826 British, 998 don't know, 999 other, or A.6).
    pub nationality: Option<u32>,
    /// BRITISHCITIZENSHIP.
    pub british_citizenship: Option<Answer>,
    /// COUNTRYOFBIRTH (826 UK, 998, 999 or A.7).
    pub country_of_birth: Option<u32>,
    /// YEAROFENTRY.
    pub year_of_entry: Option<i32>,
    /// DISABLED 0 No, 1 Yes, 2 Undisclosed, 3 Don't know.
    pub disabled: Option<u32>,
    /// CARECERT 1 Yes completed, 2 No, 3 In progress.
    pub care_certificate: Option<u32>,
    /// L2CARECERT 1 completed (with optional year), 2 started, 3 No.
    pub l2_care_certificate: Option<u32>,
    pub l2_care_certificate_year: Option<i32>,
    /// RECSOURCE (A.8).
    pub recruitment_source: Option<u32>,
    /// HANDCVISA, INOUTUK (1 outside UK, 2 inside, 999).
    pub health_care_visa: Option<Answer>,
    pub employed_from_outside_uk: Option<u32>,
    /// STARTDATE.
    pub start_date: Option<Date>,
    /// STARTINSECT: a year, or `Some(999)` don't know.
    pub start_in_sector: Option<i32>,
    /// DHA, APPRENTICE.
    pub dha: Option<Answer>,
    pub apprentice: Option<Answer>,
    /// EMPLSTATUS 1 Permanent, 2 Temporary, 3 Pool/Bank, 4 Agency, 7 Other.
    pub contract: u32,
    /// ZEROHRCONT.
    pub zero_hours: Option<Answer>,
    /// DAYSSICK in half days (`Some(999 * 2)` is never used: don't know is `days_sick_unknown`).
    pub days_sick_halves: Option<u32>,
    pub days_sick_unknown: bool,
    /// SALARYINT 1 Annually, 3 Hourly, 999 Don't know.
    pub salary_interval: Option<u32>,
    /// SALARY (whole pounds).
    pub salary: Option<u32>,
    /// HOURLYRATE (pence).
    pub hourly_rate: Option<Hundredths>,
    /// MAINJOBROLE (A.4) and MAINJRDESC.
    pub main_job_role: u32,
    pub main_job_role_desc: Option<String>,
    /// CONTHOURS / AVGHOURS in half hours (`999` don't know is `*_unknown`).
    pub contracted_hours_halves: Option<i32>,
    pub contracted_hours_unknown: bool,
    pub average_hours_halves: Option<i32>,
    pub average_hours_unknown: bool,
    /// NMCREG 1–5 (nurses).
    pub nmc_registration: Option<u32>,
    /// AMHP (social workers).
    pub amhp: Option<Answer>,
    /// SCQUAL / NONSCQUAL.
    pub social_care_qualification: Option<QualificationAnswer>,
    pub non_social_care_qualification: Option<QualificationAnswer>,
    /// CWPCATEGORY (A.14).
    pub cwp_category: Option<u32>,
    /// QUALACHnn in file order.
    pub qualifications: Vec<Qualification>,
    /// Personal fields, held apart.
    pub personal: StaffPersonal,
}

/// The personal fields of a staff record: visible only to the employer that holds them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StaffPersonal {
    /// DISPLAYID: name or ID.
    pub display_id: String,
    /// NINUMBER as written (spaces kept).
    pub ni_number: Option<String>,
    /// DOB.
    pub date_of_birth: Option<Date>,
    /// POSTCODE (home).
    pub postcode: Option<String>,
}

/// SCQUAL / NONSCQUAL: `1;LEVEL` yes with level (999 = level not known), `2` no, `999` don't know.
///
/// A level the validator ignored (S95, S97) and NONSCQUAL `1` without a level are held as 999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QualificationAnswer {
    Yes { level: u32 },
    No,
    DontKnow,
}

/// One QUALACHnn pair: `CODE;YEAR` and its notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qualification {
    pub code: u32,
    pub year: Option<i32>,
    pub notes: Option<String>,
}

impl Staff {
    /// Completed years of age on `date`, when the date of birth is known.
    pub fn age_on(&self, date: Date) -> Option<i32> {
        let dob = self.personal.date_of_birth?;
        let mut age = date.year() - dob.year();
        if (date.month() as u8, date.day()) < (dob.month() as u8, dob.day()) {
            age -= 1;
        }
        Some(age)
    }
}

impl Staff {
    /// A minimal staff record (care worker, permanent) for tests in downstream crates.
    pub fn example() -> Staff {
        Staff {
            localestid: "WP1".into(),
            unique_worker_id: "S1".into(),
            gender: None,
            ethnicity: None,
            nationality: None,
            british_citizenship: None,
            country_of_birth: None,
            year_of_entry: None,
            disabled: None,
            care_certificate: None,
            l2_care_certificate: None,
            l2_care_certificate_year: None,
            recruitment_source: None,
            health_care_visa: None,
            employed_from_outside_uk: None,
            start_date: None,
            start_in_sector: None,
            dha: None,
            apprentice: None,
            contract: 1,
            zero_hours: None,
            days_sick_halves: None,
            days_sick_unknown: false,
            salary_interval: None,
            salary: None,
            hourly_rate: None,
            main_job_role: 8,
            main_job_role_desc: None,
            contracted_hours_halves: None,
            contracted_hours_unknown: false,
            average_hours_halves: None,
            average_hours_unknown: false,
            nmc_registration: None,
            amhp: None,
            social_care_qualification: None,
            non_social_care_qualification: None,
            cwp_category: None,
            qualifications: Vec::new(),
            personal: StaffPersonal {
                display_id: "S1".into(),
                ..StaffPersonal::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn age_counts_completed_years() {
        let mut staff = Staff::example();
        staff.personal.date_of_birth = Some(date!(1990 - 03 - 15));
        // 2026-03-14 is the day before the 36th birthday: 35 completed years.
        assert_eq!(staff.age_on(date!(2026 - 03 - 14)), Some(35));
        assert_eq!(staff.age_on(date!(2026 - 03 - 15)), Some(36));
        staff.personal.date_of_birth = None;
        assert_eq!(staff.age_on(date!(2026 - 03 - 15)), None);
    }
}
