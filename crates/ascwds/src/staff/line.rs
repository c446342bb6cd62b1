//! The per-line staff rules S01–S105 (§3.4), run in the order of §3.3. Each line's messages go
//! through [`LineMessages`], which keeps only the first message of each code (§1.6).

use crate::column::Col;
use carecount_codes::{Tables, special};
use carecount_domain::{Answer, Hundredths, Qualification, QualificationAnswer, RecordKey, Status};
use std::borrow::Cow;
use time::Date;

use super::parse::{
    add_years, all_digits, format_date, hourly_rate_pence, hours_halves, is_ni_number,
    is_staff_postcode, js_length, lenient_date, plain_integer, strict_date,
};
use crate::fast::key;
use crate::js::{parse_float, parse_int};
use crate::message::{FileKind, LineMessages};
use crate::row::Row;
use crate::{ExistingStaff, ExistingState};

/// Longest identifier ASC-WDS accepts in the staff file: length must be below 50 (S02, S04, S05, S08).
const ID_LIMIT: usize = 50;
/// MAINJRDESC must be shorter than 120 (S76); qualification notes may be 120 (S104).
const TEXT_LIMIT: usize = 120;
/// Highest accepted CONTHOURS / AVGHOURS (S81, S84), in half hours.
const MAX_HOURS_HALVES: i64 = 75 * 2;
/// `999` hours ("don't know"), in half hours.
const UNKNOWN_HOURS_HALVES: i64 = 999 * 2;
/// Highest accepted DAYSSICK (S64).
const MAX_DAYS_SICK: f64 = 366.0;
/// L2CARECERT years start in 2024 (S45).
const FIRST_L2_CARE_CERTIFICATE_YEAR: i64 = 2024;
/// Ages outside which a DOB is ignored (S21).
const MIN_AGE: i32 = 14;
const MAX_AGE: i32 = 100;
/// Qualification years may be at most this many years back (S103).
const QUALIFICATION_YEARS_BACK: i64 = 100;
/// EMPLSTATUS codes (A.18).
const CONTRACTS: [i64; 5] = [1, 2, 3, 4, 7];
/// EMPLSTATUS Pool/Bank, Agency, Other: CONTHOURS does not apply (S79).
const NOT_CONTRACTED: [i64; 3] = [3, 4, 7];
/// L2CARECERT options (A.18).
const L2_COMPLETED: i64 = 1;
const L2_STARTED: i64 = 2;
const L2_NO: i64 = 3;
/// SCQUAL / NONSCQUAL first item: Yes.
const QUALIFICATION_YES: i64 = 1;

/// A number of half units, or `999` "don't know" (DAYSSICK, CONTHOURS, AVGHOURS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Halves {
    Known(i64),
    Unknown,
}

/// SALARYINT with the amount it allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Pay {
    pub interval: u32,
    pub salary: Option<u32>,
    pub hourly_rate: Option<Hundredths>,
}

/// The values a fully validated line gives, each `None` when blank or dropped by a warning.
#[derive(Debug, Clone, Default)]
pub(super) struct Values {
    pub ni_number: Option<String>,
    pub postcode: Option<String>,
    pub date_of_birth: Option<Date>,
    pub gender: Option<u32>,
    pub ethnicity: Option<u32>,
    pub nationality: Option<u32>,
    pub british_citizenship: Option<Answer>,
    pub country_of_birth: Option<u32>,
    pub year_of_entry: Option<i32>,
    pub disabled: Option<u32>,
    pub care_certificate: Option<u32>,
    pub l2_care_certificate: Option<(u32, Option<i32>)>,
    pub recruitment_source: Option<u32>,
    pub health_care_visa: Option<Answer>,
    pub employed_from_outside_uk: Option<u32>,
    pub start_date: Option<Date>,
    pub start_in_sector: Option<i32>,
    pub dha: Option<Answer>,
    pub apprentice: Option<Answer>,
    pub contract: Option<u32>,
    pub zero_hours: Option<Answer>,
    pub days_sick: Option<Halves>,
    pub pay: Option<Pay>,
    pub main_job_role: Option<u32>,
    pub main_job_role_desc: Option<String>,
    pub contracted_hours: Option<Halves>,
    pub average_hours: Option<Halves>,
    pub nmc_registration: Option<u32>,
    pub amhp: Option<Answer>,
    pub social_care_qualification: Option<QualificationAnswer>,
    pub non_social_care_qualification: Option<QualificationAnswer>,
    pub cwp_category: Option<u32>,
    pub qualifications: Vec<Qualification>,
}

/// Raw numbers of a line that the file-wide salary check (XS4) compares, read like ASC-WDS does.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct PayFacts {
    pub salary_interval: Option<i64>,
    pub salary: Option<i64>,
    pub main_job_role: Option<i64>,
    pub contracted_hours: Option<f64>,
}

/// One staff line after its own rules.
#[derive(Debug)]
pub(super) struct CheckedLine<'a> {
    pub line: u32,
    pub localestid: &'a str,
    pub unique_worker_id: &'a str,
    /// LOCALESTID and UNIQUEWORKERID with whitespace removed (§1.2), built once per line.
    pub workplace_key: RecordKey,
    pub worker_key: RecordKey,
    /// CHGUNIQUEWRKID when given (non-blank).
    pub new_worker_id: Option<&'a str>,
    /// The key of CHGUNIQUEWRKID when given.
    pub new_worker_key: Option<RecordKey>,
    /// The CHGUNIQUEWRKID passed S05.
    pub new_worker_id_accepted: bool,
    /// TRANSFERSTAFFRECORD when given (non-blank).
    pub transfer: Option<&'a str>,
    /// STATUS, when valid.
    pub status: Option<Status>,
    pub display_id: &'a str,
    /// NINUMBER after `Admin` replacement, and whether S16 accepted it (non-blank).
    pub ni_number: String,
    pub ni_number_accepted: bool,
    /// DOB (after `Admin` replacement) when it reads as a date, accepted or not.
    pub date_of_birth_as_read: Option<Date>,
    /// MAINJOBROLE as read.
    pub main_job_role_as_read: Option<i64>,
    pub pay_facts: PayFacts,
    pub values: Values,
    pub messages: LineMessages<'a>,
}

/// Runs S01–S105 on one line. `qualification_pairs` is the number of QUALACH pairs in the header.
pub(super) fn check_line<'a>(
    row: &Row<'a>,
    qualification_pairs: u32,
    existing: &ExistingState,
    tables: &Tables,
    as_of: Date,
) -> CheckedLine<'a> {
    let localestid = row.text(Col::LOCALESTID);
    let unique_worker_id = row.text(Col::UNIQUEWORKERID);
    let mut messages = LineMessages::new(
        FileKind::Staff,
        row.line(),
        localestid,
        Some(unique_worker_id),
    );
    let stored = existing.staff(localestid, unique_worker_id);

    // S01, S02.
    if localestid.is_empty() {
        messages.error(
            1010,
            "LOCALESTID",
            "",
            "LOCALESTID has not been supplied: give the workplace reference",
        );
    } else if js_length(localestid) >= ID_LIMIT {
        messages.error(
            1010,
            "LOCALESTID",
            localestid,
            "LOCALESTID must be shorter than 50 characters",
        );
    }
    // S03, S04.
    if unique_worker_id.is_empty() {
        messages.error(
            1020,
            "UNIQUEWORKERID",
            "",
            "UNIQUEWORKERID has not been supplied: give the staff reference",
        );
    } else if js_length(unique_worker_id) >= ID_LIMIT {
        messages.error(
            1020,
            "UNIQUEWORKERID",
            unique_worker_id,
            "UNIQUEWORKERID must be shorter than 50 characters",
        );
    }
    // S05.
    let new_worker_id = non_blank(row.text(Col::CHGUNIQUEWRKID));
    let mut new_worker_id_accepted = new_worker_id.is_some();
    if let Some(new_id) = &new_worker_id
        && js_length(new_id) >= ID_LIMIT
    {
        new_worker_id_accepted = false;
        messages.error(
            1030,
            "CHGUNIQUEWRKID",
            new_id,
            "CHGUNIQUEWRKID must be shorter than 50 characters",
        );
    }
    // S06.
    let transfer = non_blank(row.text(Col::TRANSFERSTAFFRECORD));
    if let Some(target) = &transfer
        && stored.is_none()
    {
        messages.error(
            1400,
            "LOCALESTID",
            target,
            "TRANSFERSTAFFRECORD is given but this staff record does not exist at the workplace in LOCALESTID, so it cannot be moved",
        );
    }
    // S07, S08.
    let display_id = row.text(Col::DISPLAYID);
    if display_id.is_empty() {
        messages.error(
            1050,
            "DISPLAYID",
            "",
            "DISPLAYID is blank: give the name or ID of the member of staff",
        );
    } else if js_length(display_id) >= ID_LIMIT {
        messages.error(
            1050,
            "DISPLAYID",
            display_id,
            "DISPLAYID must be shorter than 50 characters",
        );
    }
    // S09–S12.
    let raw_status = row.text(Col::STATUS);
    let status = Status::parse(raw_status);
    let exists = stored.is_some();
    match status {
        None => messages.error(
            1040,
            "STATUS",
            raw_status,
            "STATUS is not valid: use NEW, UPDATE, DELETE, UNCHECKED or NOCHANGE",
        ),
        Some(Status::New) if exists => messages.error(
            1040,
            "STATUS",
            raw_status,
            "STATUS is NEW but this staff record already exists: use UPDATE, NOCHANGE, UNCHECKED or DELETE",
        ),
        Some(Status::Delete) if !exists => {
            messages.error(1040, "STATUS", raw_status, "STATUS is DELETE but this staff record does not exist")
        }
        Some(Status::Update | Status::Unchecked | Status::NoChange) if !exists => messages.error(
            1040,
            "STATUS",
            raw_status,
            "this staff record does not exist yet: change STATUS to NEW to add it",
        ),
        Some(_) => {}
    }
    // S13.
    if let Some(stored) = stored {
        days_sick_unchanged(row, raw_status, stored, as_of, &mut messages);
    }

    let ni_number = admin_replaced(row.text(Col::NINUMBER), stored, |s| {
        s.record.personal.ni_number.clone()
    });
    let dob_text = admin_replaced(row.text(Col::DOB), stored, |s| {
        s.record.personal.date_of_birth.map(format_date)
    });
    let date_of_birth_as_read = lenient_date(&dob_text);
    let main_job_role_as_read = parse_int(row.text(Col::MAINJOBROLE));
    let pay_facts = PayFacts {
        salary_interval: parse_int(row.text(Col::SALARYINT)),
        salary: parse_int(row.text(Col::SALARY)),
        main_job_role: main_job_role_as_read,
        contracted_hours: parse_float(row.text(Col::CONTHOURS)),
    };
    let full = !matches!(
        status,
        Some(Status::Unchecked | Status::Delete | Status::NoChange)
    );
    let mut checked = CheckedLine {
        line: row.line(),
        localestid,
        unique_worker_id,
        workplace_key: key(localestid),
        worker_key: key(unique_worker_id),
        new_worker_key: new_worker_id.map(key),
        new_worker_id,
        new_worker_id_accepted,
        transfer,
        status,
        display_id,
        ni_number,
        ni_number_accepted: false,
        date_of_birth_as_read,
        main_job_role_as_read,
        pay_facts,
        values: Values::default(),
        messages,
    };
    if full {
        let mut rules = FullRules {
            row,
            tables,
            as_of,
            line: &mut checked,
            dob_text: &dob_text,
        };
        rules.run(qualification_pairs);
    }
    checked
}

fn non_blank(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

/// `Admin` (any case) in NINUMBER/DOB stands for the stored value, blank for a new record (§3.2).
fn admin_replaced(
    text: &str,
    stored: Option<&ExistingStaff>,
    stored_value: impl Fn(&ExistingStaff) -> Option<String>,
) -> String {
    if text.eq_ignore_ascii_case("admin") {
        stored.and_then(stored_value).unwrap_or_default()
    } else {
        text.to_string()
    }
}

/// S13: the stored DAYSSICK was saved before today and the line repeats it (STATUS compared as
/// written, case-sensitively; only a stored number of days can match).
fn days_sick_unchanged(
    row: &Row<'_>,
    raw_status: &str,
    stored: &ExistingStaff,
    as_of: Date,
    messages: &mut LineMessages,
) {
    if raw_status != "UPDATE" && raw_status != "NOCHANGE" {
        return;
    }
    let saved_before_today = stored.days_sick_saved_on.is_some_and(|saved| saved < as_of);
    let (Some(stored_halves), Some(given)) = (
        stored.record.days_sick_halves,
        parse_int(row.text(Col::DAYSSICK)),
    ) else {
        return;
    };
    // The stored value in days (halves / 2) against the integer part of DAYSSICK.
    if saved_before_today && f64::from(stored_halves) / 2.0 == given as f64 {
        messages.warning(
            3240,
            "DAYSSICK",
            row.text(Col::DAYSSICK),
            "DAYSSICK is the same as last time: check it is the number of days sick in the last 12 months",
        );
    }
}

struct FullRules<'r, 'a> {
    row: &'r Row<'a>,
    tables: &'r Tables,
    as_of: Date,
    line: &'r mut CheckedLine<'a>,
    dob_text: &'r str,
}

impl<'a> FullRules<'_, 'a> {
    /// The value of `column`, borrowed from the record (not from `self`, so no copy is needed
    /// while messages are pushed).
    fn text(&self, column: Col) -> &'a str {
        self.row.text(column)
    }

    fn int(&self, column: Col) -> Option<i64> {
        parse_int(self.row.text(column))
    }

    fn error(&mut self, code: u32, column: &str, value: &str, message: &str) {
        self.line.messages.error(code, column, value, message);
    }

    fn warning(&mut self, code: u32, column: &str, value: &str, message: &str) {
        self.line.messages.warning(code, column, value, message);
    }

    fn run(&mut self, qualification_pairs: u32) {
        self.contract();
        self.ni_number();
        self.postcode();
        self.date_of_birth();
        self.gender();
        self.ethnicity();
        self.nationality();
        self.british_citizenship();
        self.country_of_birth();
        self.year_of_entry();
        self.visa();
        self.disabled();
        self.care_certificate();
        self.l2_care_certificate();
        self.recruitment_source();
        self.start_date();
        self.start_in_sector();
        self.dha_and_apprentice();
        self.zero_hours();
        self.days_sick();
        self.pay();
        self.main_job_role();
        self.contracted_hours();
        self.average_hours();
        self.nmc_registration();
        self.qualifications(qualification_pairs);
        self.social_care_qualification();
        self.non_social_care_qualification();
        self.amhp();
        self.cwp_category();
    }

    /// S14, S15.
    fn contract(&mut self) {
        let text = self.text(Col::EMPLSTATUS);
        match self.int(Col::EMPLSTATUS) {
            None | Some(0) => self.error(
                1220,
                "EMPLSTATUS",
                text,
                "EMPLSTATUS has not been supplied: give the contract type (1, 2, 3, 4 or 7)",
            ),
            Some(code) if CONTRACTS.contains(&code) => self.line.values.contract = u32::try_from(code).ok(),
            Some(_) => self.error(
                1220,
                "EMPLSTATUS",
                text,
                "EMPLSTATUS is not a contract type code: use 1 Permanent, 2 Temporary, 3 Pool/Bank, 4 Agency or 7 Other",
            ),
        }
    }

    /// S16.
    fn ni_number(&mut self) {
        let text = self.line.ni_number.clone();
        if text.is_empty() {
            return;
        }
        if is_ni_number(&text) {
            self.line.ni_number_accepted = true;
            self.line.values.ni_number = Some(text);
        } else {
            self.error(
                1060,
                "NINUMBER",
                &text,
                "NINUMBER is not a National Insurance number: two letters, six digits and an optional final letter",
            );
        }
    }

    /// S17, S18.
    fn postcode(&mut self) {
        let text = self.text(Col::POSTCODE);
        if text.is_empty() {
            self.warning(
                3070,
                "POSTCODE",
                "",
                "POSTCODE is blank: give the home postcode of the member of staff",
            );
        } else if is_staff_postcode(text) {
            self.line.values.postcode = Some(text.to_string());
        } else {
            self.error(
                1070,
                "POSTCODE",
                text,
                "POSTCODE is not a full postcode with one space, like LS1 1AA",
            );
        }
    }

    /// S19–S21.
    fn date_of_birth(&mut self) {
        let text = self.dob_text;
        if text.is_empty() {
            self.warning(
                3080,
                "DOB",
                "",
                "DOB is missing: give the date of birth as DD/MM/YYYY",
            );
            return;
        }
        let Some(dob) = self.line.date_of_birth_as_read else {
            self.warning(
                3080,
                "DOB",
                text,
                "DOB is not a date in the form DD/MM/YYYY and will be ignored",
            );
            return;
        };
        let oldest = add_years(self.as_of, -MAX_AGE);
        let youngest = add_years(self.as_of, -MIN_AGE);
        let in_range = oldest.is_some_and(|o| dob >= o) && youngest.is_some_and(|y| dob <= y);
        if in_range {
            self.line.values.date_of_birth = Some(dob);
        } else {
            self.warning(
                3080,
                "DOB",
                text,
                "DOB gives an age outside 14 to 100 years and will be ignored",
            );
        }
    }

    /// S22.
    fn gender(&mut self) {
        let text = self.text(Col::GENDER);
        if text.is_empty() {
            return;
        }
        match self.int(Col::GENDER) {
            Some(code @ 1..=4) => self.line.values.gender = u32::try_from(code).ok(),
            _ => self.error(
                1090,
                "GENDER",
                text,
                "GENDER is not valid: use 1 Male, 2 Female, 3 Don't know or 4 Other",
            ),
        }
    }

    /// S23, S24 (`0` is accepted and not saved).
    fn ethnicity(&mut self) {
        let text = self.text(Col::ETHNICITY);
        if text.is_empty() {
            return;
        }
        match self.int(Col::ETHNICITY) {
            None => self.error(
                1100,
                "ETHNICITY",
                text,
                "ETHNICITY must be an ethnicity code number",
            ),
            Some(0) => {}
            Some(code) => match u32::try_from(code)
                .ok()
                .filter(|&c| self.tables.ethnicities.contains(c))
            {
                Some(code) => self.line.values.ethnicity = Some(code),
                None => self.error(
                    1100,
                    "ETHNICITY",
                    text,
                    "ETHNICITY is not a known ethnicity code",
                ),
            },
        }
    }

    /// S25, S26 (`0` is accepted and not saved).
    fn nationality(&mut self) {
        let text = self.text(Col::NATIONALITY);
        if text.is_empty() {
            return;
        }
        match self.int(Col::NATIONALITY) {
            None => self.error(1110, "NATIONALITY", text, "NATIONALITY must be a whole number (a nationality code)"),
            Some(0) => {}
            Some(code) => match u32::try_from(code).ok().filter(|&c| self.tables.nationalities.contains(c)) {
                Some(code) => self.line.values.nationality = Some(code),
                None => self.error(
                    1110,
                    "NATIONALITY",
                    text,
                    format!("NATIONALITY code {code} is not valid: use 826, 998, 999 or a nationality code").as_str(),
                ),
            },
        }
    }

    /// S27, S28.
    fn british_citizenship(&mut self) {
        let text = self.text(Col::BRITISHCITIZENSHIP);
        if text.is_empty() {
            return;
        }
        if self.int(Col::NATIONALITY) == Some(i64::from(special::NATIONALITY_BRITISH)) {
            self.warning(
                3120,
                "BRITISHCITIZENSHIP",
                text,
                "BRITISHCITIZENSHIP is not needed for a British national and will be ignored",
            );
            return;
        }
        match answer(self.int(Col::BRITISHCITIZENSHIP)) {
            Some(value) => self.line.values.british_citizenship = Some(value),
            None => self.error(
                1120,
                "BRITISHCITIZENSHIP",
                text,
                "BRITISHCITIZENSHIP is not valid: use 1, 2 or 999",
            ),
        }
    }

    /// S29, S30 (`0` is accepted and not saved).
    fn country_of_birth(&mut self) {
        let text = self.text(Col::COUNTRYOFBIRTH);
        if text.is_empty() {
            return;
        }
        match self.int(Col::COUNTRYOFBIRTH) {
            None => self.error(1130, "COUNTRYOFBIRTH", text, "COUNTRYOFBIRTH must be a whole number (a country code)"),
            Some(0) => {}
            Some(code) => match u32::try_from(code).ok().filter(|&c| self.tables.countries.contains(c)) {
                Some(code) => self.line.values.country_of_birth = Some(code),
                None => self.error(
                    1130,
                    "COUNTRYOFBIRTH",
                    text,
                    format!("COUNTRYOFBIRTH code {code} is not valid: use 826, 998, 999 or a country code").as_str(),
                ),
            },
        }
    }

    /// S31–S35.
    fn year_of_entry(&mut self) {
        let text = self.text(Col::YEAROFENTRY);
        if text.is_empty() {
            return;
        }
        if text.len() != 4 || !all_digits(text) {
            self.error(
                1380,
                "YEAROFENTRY",
                text,
                "YEAROFENTRY must be a year of four digits, like 2015",
            );
            return;
        }
        let year = parse_int(text).unwrap_or_default();
        if year > i64::from(self.as_of.year()) {
            self.error(1380, "YEAROFENTRY", text, "YEAROFENTRY is in the future");
            return;
        }
        if let Some(dob) = self.line.date_of_birth_as_read
            && year < i64::from(dob.year())
        {
            self.error(
                1380,
                "YEAROFENTRY/DOB",
                text,
                "YEAROFENTRY is before the year of birth in DOB",
            );
            return;
        }
        let country = self.text(Col::COUNTRYOFBIRTH);
        if country.is_empty() {
            self.warning(
                3380,
                "YEAROFENTRY/COUNTRYOFBIRTH",
                text,
                "YEAROFENTRY will be ignored because COUNTRYOFBIRTH is missing",
            );
        } else if self.int(Col::COUNTRYOFBIRTH) == Some(i64::from(special::COUNTRY_UNITED_KINGDOM))
        {
            self.warning(
                3380,
                "YEAROFENTRY/COUNTRYOFBIRTH",
                text,
                "YEAROFENTRY will be ignored because COUNTRYOFBIRTH is the United Kingdom",
            );
        } else {
            self.line.values.year_of_entry = i32::try_from(year).ok();
        }
    }

    /// S36–S39.
    fn visa(&mut self) {
        let nationality = self.int(Col::NATIONALITY);
        let citizenship = self.int(Col::BRITISHCITIZENSHIP);
        let british = i64::from(special::NATIONALITY_BRITISH);
        let dont_know = i64::from(special::NATIONALITY_DONT_KNOW);
        let applicable = (!self.text(Col::NATIONALITY).is_empty()
            && nationality != Some(british)
            && nationality != Some(dont_know)
            && citizenship != Some(1))
            || (nationality == Some(dont_know) && citizenship == Some(2));
        let visa_text = self.text(Col::HANDCVISA);
        let visa = self.int(Col::HANDCVISA);
        if !visa_text.is_empty() {
            if !applicable {
                self.warning(
                    5570,
                    "HANDCVISA",
                    visa_text,
                    "HANDCVISA is only asked of staff who are not British nationals or citizens and will be ignored",
                );
            } else if let Some(value) = answer(visa) {
                self.line.values.health_care_visa = Some(value);
            } else {
                self.warning(
                    5570,
                    "HANDCVISA",
                    visa_text,
                    "HANDCVISA is not 1, 2 or 999 and will be ignored",
                );
            }
        }
        let inout_text = self.text(Col::INOUTUK);
        if inout_text.is_empty() {
            return;
        }
        if !(applicable && visa == Some(1)) {
            self.warning(
                5580,
                "INOUTUK",
                inout_text,
                "INOUTUK is only asked when HANDCVISA is 1 (holds a Health and Care Worker visa) and will be ignored",
            );
        } else if let Some(value) = answer(self.int(Col::INOUTUK)) {
            self.line.values.employed_from_outside_uk = Some(value.code());
        } else {
            self.warning(
                5580,
                "INOUTUK",
                inout_text,
                "INOUTUK is not 1, 2 or 999 and will be ignored",
            );
        }
    }

    /// S40.
    fn disabled(&mut self) {
        let text = self.text(Col::DISABLED);
        if text.is_empty() {
            return;
        }
        match self.int(Col::DISABLED) {
            Some(code @ 0..=3) => self.line.values.disabled = u32::try_from(code).ok(),
            _ => self.error(
                1150,
                "DISABLED",
                text,
                "DISABLED is not valid: use 0, 1, 2 or 3",
            ),
        }
    }

    /// S41.
    fn care_certificate(&mut self) {
        let text = self.text(Col::CARECERT);
        if text.is_empty() {
            return;
        }
        match self.int(Col::CARECERT) {
            Some(code @ 1..=3) => self.line.values.care_certificate = u32::try_from(code).ok(),
            _ => self.error(
                1160,
                "CARECERT",
                text,
                "CARECERT is not valid: use 1, 2 or 3",
            ),
        }
    }

    /// S42–S46.
    fn l2_care_certificate(&mut self) {
        let text = self.text(Col::L2CARECERT);
        if text.is_empty() {
            return;
        }
        let mut items = text.split(';');
        let option = parse_int(items.next().unwrap_or_default());
        let year_text = items.next().unwrap_or_default();
        match option {
            Some(L2_STARTED) if !year_text.is_empty() => self.warning(
                5600,
                "L2CARECERT",
                text,
                "L2CARECERT option 2 (started) cannot have a year; the value will be ignored",
            ),
            Some(L2_NO) if !year_text.is_empty() => self.warning(
                5610,
                "L2CARECERT",
                text,
                "L2CARECERT option 3 (no) cannot have a year; the value will be ignored",
            ),
            Some(code @ (L2_STARTED | L2_NO)) => {
                self.line.values.l2_care_certificate = Some((code as u32, None))
            }
            Some(L2_COMPLETED) => {
                let year = self.l2_year(text, year_text);
                self.line.values.l2_care_certificate = Some((1, year));
            }
            _ => self.warning(
                5590,
                "L2CARECERT",
                text,
                "L2CARECERT is not 1, 2 or 3 and will be ignored",
            ),
        }
    }

    fn l2_year(&mut self, text: &str, year_text: &str) -> Option<i32> {
        if year_text.is_empty() {
            return None;
        }
        if !all_digits(year_text) {
            self.warning(
                5640,
                "L2CARECERT",
                text,
                "the L2CARECERT year is not a valid year and will be ignored",
            );
            return None;
        }
        let year = parse_int(year_text).unwrap_or_default();
        if year < FIRST_L2_CARE_CERTIFICATE_YEAR {
            self.warning(
                5620,
                "L2CARECERT",
                text,
                "the L2CARECERT year cannot be before 2024 and will be ignored",
            );
            return None;
        }
        if year > i64::from(self.as_of.year()) {
            self.warning(
                5630,
                "L2CARECERT",
                text,
                "the L2CARECERT year cannot be in the future and will be ignored",
            );
            return None;
        }
        i32::try_from(year).ok()
    }

    /// S47, S48.
    fn recruitment_source(&mut self) {
        let text = self.text(Col::RECSOURCE);
        if text.is_empty() {
            return;
        }
        let known = self
            .int(Col::RECSOURCE)
            .and_then(|c| u32::try_from(c).ok())
            .filter(|&c| {
                c == special::RECRUITMENT_DONT_KNOW || self.tables.recruitment_sources.contains(c)
            });
        match known {
            Some(code) => self.line.values.recruitment_source = Some(code),
            None => self.error(
                1180,
                "RECSOURCE",
                text,
                "RECSOURCE is not a known recruitment source code",
            ),
        }
    }

    /// S49–S53.
    fn start_date(&mut self) {
        let text = self.text(Col::STARTDATE);
        if text.is_empty() {
            self.warning(
                2000,
                "STARTDATE",
                "",
                "STARTDATE is missing: give the start date in the main job as DD/MM/YYYY",
            );
            return;
        }
        let Some(start) = strict_date(text) else {
            self.warning(
                3190,
                "STARTDATE",
                text,
                "STARTDATE is not a date in the form DD/MM/YYYY and will be ignored",
            );
            return;
        };
        if start > self.as_of {
            self.warning(
                3190,
                "STARTDATE",
                text,
                "STARTDATE is in the future and will be ignored",
            );
            return;
        }
        if let Some(dob) = self.line.date_of_birth_as_read
            && add_years(dob, MIN_AGE).is_none_or(|fourteenth| start < fourteenth)
        {
            self.warning(
                3190,
                "STARTDATE",
                text,
                "STARTDATE is before the 14th birthday and will be ignored",
            );
            return;
        }
        if let Some(year) = self.int(Col::YEAROFENTRY)
            && i64::from(start.year()) < year
        {
            self.warning(
                3190,
                "STARTDATE",
                text,
                "STARTDATE is before YEAROFENTRY and will be ignored",
            );
            return;
        }
        self.line.values.start_date = Some(start);
    }

    /// S54–S57.
    fn start_in_sector(&mut self) {
        let text = self.text(Col::STARTINSECT);
        if text.is_empty() {
            self.warning(
                3200,
                "STARTINSECT",
                "",
                "STARTINSECT is missing: give the year started in adult social care",
            );
            return;
        }
        let begins_with_year = text.get(..4).is_some_and(all_digits);
        if !begins_with_year && !text.ends_with("999") {
            self.warning(
                3200,
                "STARTINSECT",
                text,
                "STARTINSECT is not a year (YYYY) or 999 and will be ignored",
            );
            return;
        }
        let dont_know = i64::from(special::DONT_KNOW);
        let year = if begins_with_year {
            parse_int(text).unwrap_or(dont_know)
        } else {
            dont_know
        };
        if year != dont_know {
            if let Some(start) = self.line.values.start_date
                && year > i64::from(start.year())
            {
                self.warning(
                    3200,
                    "STARTINSECT",
                    text,
                    "STARTINSECT is after the year of STARTDATE and will be ignored",
                );
                return;
            }
            if let Some(dob) = self.line.date_of_birth_as_read
                && year < i64::from(dob.year()) + i64::from(MIN_AGE)
            {
                self.warning(
                    3200,
                    "STARTINSECT",
                    text,
                    "STARTINSECT is before the 14th birthday and will be ignored",
                );
                return;
            }
        }
        self.line.values.start_in_sector = i32::try_from(year).ok();
    }

    /// S58, S59.
    fn dha_and_apprentice(&mut self) {
        let text = self.text(Col::DHA);
        if !text.is_empty() {
            match answer(self.int(Col::DHA)) {
                Some(value) => self.line.values.dha = Some(value),
                None => self.warning(
                    5660,
                    "DHA",
                    text,
                    "DHA is not 1, 2 or 999 and will be ignored",
                ),
            }
        }
        let text = self.text(Col::APPRENTICE);
        if !text.is_empty() {
            match answer(self.int(Col::APPRENTICE)) {
                Some(value) => self.line.values.apprentice = Some(value),
                None => self.warning(
                    3210,
                    "APPRENTICE",
                    text,
                    "APPRENTICE is not 1, 2 or 999 and will be ignored",
                ),
            }
        }
    }

    /// S60–S63.
    fn zero_hours(&mut self) {
        let text = self.text(Col::ZEROHRCONT);
        let hours = parse_float(self.text(Col::CONTHOURS));
        let zero_hours = self.int(Col::ZEROHRCONT);
        if hours.is_some_and(|h| h > 0.0) && text.is_empty() {
            self.warning(
                3230,
                "ZEROHRCONT",
                "",
                "CONTHOURS is given but ZEROHRCONT is blank: say whether this is a zero-hours contract",
            );
        }
        let value = answer(zero_hours);
        if !text.is_empty() && value.is_none() {
            self.error(
                1230,
                "ZEROHRCONT",
                text,
                "ZEROHRCONT is not valid: use 1, 2 or 999",
            );
        }
        let hours_text = self.text(Col::CONTHOURS);
        if hours.is_some_and(|h| h > 0.0) && matches!(value, Some(Answer::Yes | Answer::DontKnow)) {
            self.error(
                1230,
                "CONTHOURS/ZEROHRCONT",
                hours_text,
                "CONTHOURS is given for a zero-hours (or don't know) contract: give AVGHOURS instead, or set ZEROHRCONT to 2",
            );
        }
        if hours == Some(0.0) && value == Some(Answer::No) {
            self.warning(
                3230,
                "CONTHOURS/ZEROHRCONT",
                hours_text,
                "CONTHOURS is 0 but ZEROHRCONT says this is not a zero-hours contract",
            );
        }
        self.line.values.zero_hours = value;
    }

    /// S64.
    fn days_sick(&mut self) {
        let text = self.text(Col::DAYSSICK);
        if text.is_empty() {
            return;
        }
        let days = parse_float(text);
        if days == Some(f64::from(special::DONT_KNOW)) {
            self.line.values.days_sick = Some(Halves::Unknown);
            return;
        }
        match days {
            Some(days) if (0.0..=MAX_DAYS_SICK).contains(&days) && (days * 2.0).fract() == 0.0 => {
                self.line.values.days_sick = Some(Halves::Known((days * 2.0) as i64));
            }
            _ => self.warning(
                1240,
                "DAYSSICK",
                text,
                "DAYSSICK must be 0 to 366 in whole or half days, or 999; it will be ignored",
            ),
        }
    }

    /// S65–S72.
    fn pay(&mut self) {
        let interval_text = self.text(Col::SALARYINT);
        let interval = self.int(Col::SALARYINT);
        if !interval_text.is_empty() {
            match interval {
                None => self.error(
                    1250,
                    "SALARYINT",
                    interval_text,
                    "SALARYINT must be a whole number: 1, 3 or 999",
                ),
                Some(1 | 3 | 999) => {}
                Some(_) => self.error(
                    1250,
                    "SALARYINT",
                    interval_text,
                    "SALARYINT is not valid: use 1 Annually, 3 Hourly or 999",
                ),
            }
        }
        let interval_blank = interval_text.is_empty();
        let salary_text = self.text(Col::SALARY);
        let mut salary = None;
        if interval == Some(1) {
            let maximum =
                if self.line.main_job_role_as_read == Some(i64::from(special::SENIOR_MANAGEMENT)) {
                    special::SALARY_MAX_SENIOR_MANAGEMENT
                } else {
                    special::SALARY_MAX
                };
            match self.int(Col::SALARY) {
                Some(amount)
                    if (i64::from(special::SALARY_MIN)..=i64::from(maximum)).contains(&amount) =>
                {
                    salary = u32::try_from(amount).ok();
                }
                _ => self.error(
                    1260,
                    "SALARY",
                    salary_text,
                    format!(
                        "SALARY must be a whole number of pounds between £500 and £{maximum} a year"
                    )
                    .as_str(),
                ),
            }
        } else if !salary_text.is_empty() && interval == Some(999) {
            self.warning(
                3260,
                "SALARY",
                salary_text,
                "SALARY will be ignored because SALARYINT is 999 (don't know)",
            );
        } else if !salary_text.is_empty()
            && (interval_blank || interval == Some(3))
            && !self.line.messages.has_code(1250)
        {
            self.error(
                1251,
                "SALARYINT/SALARY",
                salary_text,
                "SALARY is given but SALARYINT is not 1 (annually): make them agree",
            );
        }
        let rate_text = self.text(Col::HOURLYRATE);
        let mut hourly_rate = None;
        if interval == Some(3) {
            match hourly_rate_pence(rate_text) {
                Some(pence) => hourly_rate = Some(Hundredths(pence)),
                None => self.error(
                    1270,
                    "HOURLYRATE",
                    rate_text,
                    "HOURLYRATE must be an amount in pounds with at most two decimals, like 11.50",
                ),
            }
        } else if !rate_text.is_empty() && interval == Some(999) {
            self.warning(
                3270,
                "HOURLYRATE",
                rate_text,
                "HOURLYRATE will be ignored because SALARYINT is 999 (don't know)",
            );
        } else if !rate_text.is_empty()
            && (interval_blank || interval == Some(1))
            && !self.line.messages.has_code(1250)
        {
            self.error(
                1252,
                "SALARYINT/HOURLYRATE",
                rate_text,
                "HOURLYRATE is given but SALARYINT is not 3 (hourly): make them agree",
            );
        }
        if let Some(interval @ (1 | 3 | 999)) = interval {
            self.line.values.pay = Some(Pay {
                interval: interval as u32,
                salary,
                hourly_rate,
            });
        }
    }

    /// S73–S77.
    fn main_job_role(&mut self) {
        let text = self.text(Col::MAINJOBROLE);
        let role = self.line.main_job_role_as_read;
        match role {
            None => self.error(
                1280,
                "MAINJOBROLE",
                text,
                "MAINJOBROLE has not been supplied: give the main job role code",
            ),
            Some(code) => match u32::try_from(code)
                .ok()
                .filter(|&c| self.tables.job_roles.contains(c))
            {
                Some(code) => self.line.values.main_job_role = Some(code),
                None => self.error(
                    1280,
                    "MAINJOBROLE",
                    text,
                    "MAINJOBROLE is not a known job role code",
                ),
            },
        }
        let description = self.text(Col::MAINJRDESC);
        let needs_description = role.is_some_and(|r| {
            special::ROLES_NEEDING_DESCRIPTION
                .iter()
                .any(|&c| i64::from(c) == r)
        });
        if needs_description && description.is_empty() {
            self.error(
                1290,
                "MAINJRDESC",
                "",
                "MAINJRDESC has not been supplied: describe the other job role",
            );
        } else if js_length(description) >= TEXT_LIMIT {
            self.error(
                1290,
                "MAINJRDESC",
                description,
                "MAINJRDESC must be shorter than 120 characters",
            );
        } else if !description.is_empty() && !needs_description {
            self.warning(
                3290,
                "MAINJRDESC",
                description,
                "MAINJRDESC is only needed for MAINJOBROLE 23 or 27 and will be ignored",
            );
        } else if !description.is_empty() {
            self.line.values.main_job_role_desc = Some(description.to_string());
        }
    }

    /// S78–S81.
    fn contracted_hours(&mut self) {
        let text = self.text(Col::CONTHOURS);
        if text.is_empty() {
            return;
        }
        let contract = self.int(Col::EMPLSTATUS);
        if self.int(Col::ZEROHRCONT) == Some(1) {
            self.warning(
                3300,
                "CONTHOURS",
                text,
                "CONTHOURS will be ignored for a zero-hours contract",
            );
        } else if contract.is_some_and(|c| NOT_CONTRACTED.contains(&c)) {
            self.warning(
                3300,
                "CONTHOURS",
                text,
                "CONTHOURS will be ignored for Pool/Bank, Agency or Other contracts: give AVGHOURS",
            );
        } else if let Some(hours) = self.hours("CONTHOURS", 3300, text) {
            self.line.values.contracted_hours = Some(hours);
        }
    }

    /// S82–S84.
    fn average_hours(&mut self) {
        let text = self.text(Col::AVGHOURS);
        if text.is_empty() {
            return;
        }
        let contract = self.int(Col::EMPLSTATUS);
        if contract.is_some_and(|c| c == 1 || c == 2) && self.int(Col::ZEROHRCONT) != Some(1) {
            self.warning(
                3310,
                "AVGHOURS",
                text,
                "AVGHOURS will be ignored for Permanent or Temporary staff not on zero hours: give CONTHOURS",
            );
        } else if let Some(hours) = self.hours("AVGHOURS", 3310, text) {
            self.line.values.average_hours = Some(hours);
        }
    }

    fn hours(&mut self, column: &str, code: u32, text: &str) -> Option<Halves> {
        match hours_halves(text) {
            Some(halves) if halves < 0 => None,
            Some(UNKNOWN_HOURS_HALVES) => Some(Halves::Unknown),
            Some(halves) if halves > MAX_HOURS_HALVES => {
                self.warning(code, column, text, &format!("{column} is more than 75 hours a week and will be ignored"));
                return None;
            }
            Some(halves) => Some(Halves::Known(halves)),
            None => None,
        }
        .or_else(|| {
            self.warning(
                code,
                column,
                text,
                &format!("{column} must be hours a week (0 to 75, in whole or half hours) or 999; it will be ignored"),
            );
            None
        })
    }

    /// S85–S87.
    fn nmc_registration(&mut self) {
        let text = self.text(Col::NMCREG);
        let nurse = self.line.main_job_role_as_read == Some(i64::from(special::REGISTERED_NURSE));
        if !nurse {
            if !text.is_empty() {
                self.warning(
                    3340,
                    "NMCREG",
                    text,
                    "NMCREG is only needed for registered nurses and will be ignored",
                );
            }
            return;
        }
        match self.int(Col::NMCREG) {
            None => self.warning(
                3340,
                "NMCREG",
                text,
                "NMCREG has not been supplied for a registered nurse",
            ),
            Some(code @ 1..=5) => self.line.values.nmc_registration = u32::try_from(code).ok(),
            Some(_) => self.warning(
                3340,
                "NMCREG",
                text,
                "NMCREG is not 1 to 5 and will be ignored",
            ),
        }
    }

    /// S99–S105.
    fn qualifications(&mut self, pairs: u32) {
        for number in 1..=pairs {
            // The base pairs by position; QUALACH04 and later by name (their names are built only
            // for those). Values borrow from the record, not from `self`.
            let row: Row<'_> = *self.row;
            let known = usize::try_from(number - 1)
                .ok()
                .and_then(|i| Col::QUALIFICATION_PAIRS.get(i));
            let (text, column, notes_column): (&str, Cow<'static, str>, Cow<'static, str>) =
                match known {
                    Some(&(column, notes_column)) => (
                        row.text(column),
                        Cow::Borrowed(column.name()),
                        Cow::Borrowed(notes_column.name()),
                    ),
                    None => {
                        let column = format!("QUALACH{number:02}");
                        let notes_column = format!("{column}NOTES");
                        (
                            row.text_named(&column),
                            Cow::Owned(column),
                            Cow::Owned(notes_column),
                        )
                    }
                };
            if text.is_empty() {
                continue;
            }
            let notes = row.text_named_or(known.map(|pair| pair.1), &notes_column);
            // QUALACH04 and higher: ASC-WDS drops their messages (§1.6, S105).
            let codes = match number {
                1 => Some((5010, 5015, 5020)),
                2 => Some((5030, 5035, 5040)),
                3 => Some((5050, 5055, 5060)),
                _ => None,
            };
            if let Some(qualification) =
                self.qualification(&column, &notes_column, text, notes, codes)
            {
                self.line.values.qualifications.push(qualification);
            }
        }
    }

    fn qualification(
        &mut self,
        column: &str,
        notes_column: &str,
        text: &str,
        notes: &str,
        codes: Option<(u32, u32, u32)>,
    ) -> Option<Qualification> {
        let (code_text, year_text) = match text.split_once(';') {
            Some((code, rest)) => (code, rest.split(';').next().unwrap_or_default()),
            None => (text, ""),
        };
        let Some(code) = parse_int(code_text) else {
            if let Some((code, _, _)) = codes {
                self.error(
                    code,
                    column,
                    text,
                    &format!("{column} must start with a qualification code number"),
                );
            }
            return None;
        };
        let Some(code) = u32::try_from(code)
            .ok()
            .filter(|&c| self.tables.qualifications.contains(c))
        else {
            if let Some((message_code, _, _)) = codes {
                self.error(
                    message_code,
                    column,
                    text,
                    &format!("{column}: qualification {code} is unknown"),
                );
            }
            return None;
        };
        let year = self.qualification_year(
            column,
            text,
            year_text,
            codes.map(|(_, year_code, _)| year_code),
        );
        let notes = if js_length(notes) > TEXT_LIMIT {
            if let Some((_, _, notes_code)) = codes {
                self.warning(
                    notes_code,
                    notes_column,
                    notes,
                    &format!("{notes_column} is longer than 120 characters and will be ignored"),
                );
            }
            None
        } else {
            non_blank(notes).map(str::to_string)
        };
        Some(Qualification { code, year, notes })
    }

    fn qualification_year(
        &mut self,
        column: &str,
        text: &str,
        year_text: &str,
        code: Option<u32>,
    ) -> Option<i32> {
        if year_text.is_empty() {
            if let Some(code) = code {
                self.warning(
                    code,
                    column,
                    text,
                    &format!("{column}: the year achieved is blank"),
                );
            }
            return None;
        }
        let this_year = i64::from(self.as_of.year());
        match plain_integer(year_text) {
            Some(year) if (this_year - QUALIFICATION_YEARS_BACK..=this_year).contains(&year) => {
                i32::try_from(year).ok()
            }
            Some(_) => {
                if let Some(code) = code {
                    self.error(
                        code,
                        column,
                        text,
                        &format!("{column}: the year achieved must be within the last 100 years and not in the future"),
                    );
                }
                None
            }
            None => {
                if let Some(code) = code {
                    self.error(
                        code,
                        column,
                        text,
                        &format!("{column}: the year achieved is not a valid year"),
                    );
                }
                None
            }
        }
    }

    /// S91–S95.
    fn social_care_qualification(&mut self) {
        let text = self.text(Col::SCQUAL);
        if text.is_empty() {
            self.warning(
                3360,
                "SCQUAL",
                "",
                "SCQUAL is blank: say whether a social care qualification is held",
            );
            return;
        }
        let mut items = text.split(';');
        let answer = parse_int(items.next().unwrap_or_default());
        let level_text = items.next().unwrap_or_default();
        match answer {
            Some(QUALIFICATION_YES) if level_text.is_empty() => {
                self.error(
                    1360,
                    "SCQUAL",
                    text,
                    "SCQUAL is 1 (yes) but has no level: write 1;LEVEL",
                );
                let regulated = self.line.main_job_role_as_read.is_some_and(|r| {
                    special::S94_REGULATED_PROFESSIONS
                        .iter()
                        .any(|&c| i64::from(c) == r)
                });
                if regulated {
                    self.warning(
                        3360,
                        "SCQUAL",
                        text,
                        "this main job role is a regulated profession: give the level of the relevant qualification in SCQUAL",
                    );
                }
            }
            Some(QUALIFICATION_YES) => {
                let level = self.level(level_text, 1360, "SCQUAL", text);
                self.line.values.social_care_qualification =
                    Some(QualificationAnswer::Yes { level });
            }
            Some(2) => self.line.values.social_care_qualification = Some(QualificationAnswer::No),
            Some(999) => {
                self.line.values.social_care_qualification = Some(QualificationAnswer::DontKnow)
            }
            _ => self.error(
                1360,
                "SCQUAL",
                text,
                "SCQUAL is not valid: use 1;LEVEL, 2 or 999",
            ),
        }
    }

    /// S96, S97.
    fn non_social_care_qualification(&mut self) {
        let text = self.text(Col::NONSCQUAL);
        if text.is_empty() {
            return;
        }
        let mut items = text.split(';');
        let answer = parse_int(items.next().unwrap_or_default());
        let level_text = items.next().unwrap_or_default();
        match answer {
            Some(QUALIFICATION_YES) => {
                let level = if level_text.is_empty() {
                    special::DONT_KNOW
                } else {
                    self.level(level_text, 1370, "NONSCQUAL", text)
                };
                self.line.values.non_social_care_qualification =
                    Some(QualificationAnswer::Yes { level });
            }
            Some(2) => {
                self.line.values.non_social_care_qualification = Some(QualificationAnswer::No)
            }
            Some(999) => {
                self.line.values.non_social_care_qualification = Some(QualificationAnswer::DontKnow)
            }
            _ => self.error(
                1370,
                "NONSCQUAL",
                text,
                "NONSCQUAL is not valid: use 1[;LEVEL], 2 or 999",
            ),
        }
    }

    /// A qualification level (A.13); an unknown one is dropped to 999 "don't know" (S95, S97).
    fn level(&mut self, level_text: &str, code: u32, column: &str, text: &str) -> u32 {
        let known = parse_int(level_text)
            .and_then(|l| u32::try_from(l).ok())
            .filter(|&l| self.tables.qualification_levels.contains(l));
        known.unwrap_or_else(|| {
            self.warning(
                code,
                column,
                text,
                &format!("the level in {column} is not a known level and will be ignored"),
            );
            special::DONT_KNOW
        })
    }

    /// S88–S90.
    fn amhp(&mut self) {
        let text = self.text(Col::AMHP);
        let social_worker =
            self.line.main_job_role_as_read == Some(i64::from(special::SOCIAL_WORKER));
        if !social_worker {
            if !text.is_empty() {
                self.warning(
                    3380,
                    "AMHP",
                    text,
                    "AMHP is only needed for social workers and will be ignored",
                );
            }
            return;
        }
        if text.is_empty() {
            self.warning(
                3380,
                "AMHP",
                "",
                "AMHP has not been supplied for a social worker: use 1, 2 or 999",
            );
            return;
        }
        match answer(self.int(Col::AMHP)) {
            Some(value) => self.line.values.amhp = Some(value),
            None => self.warning(
                3380,
                "AMHP",
                text,
                "AMHP is not 1, 2 or 999 and will be ignored",
            ),
        }
    }

    /// S98.
    fn cwp_category(&mut self) {
        let text = self.text(Col::CWPCATEGORY);
        if text.is_empty() {
            return;
        }
        let known = self
            .int(Col::CWPCATEGORY)
            .and_then(|c| u32::try_from(c).ok())
            .filter(|&c| self.tables.cwp_categories.contains(c));
        match known {
            Some(code) => self.line.values.cwp_category = Some(code),
            None => self.warning(
                5650,
                "CWPCATEGORY",
                text,
                "CWPCATEGORY is not 1 to 7, 998 or 999 and will be ignored",
            ),
        }
    }
}

/// `1`, `2` or `999` read as an [`Answer`].
fn answer(code: Option<i64>) -> Option<Answer> {
    code.and_then(|c| u32::try_from(c).ok())
        .and_then(Answer::from_code)
}
