//! One workplace line: W01–W102 in the order of §2.3, then the typed record.
//!
//! The checks run in the order ASC-WDS runs them, because the per-line de-duplication by code
//! (§1.6) keeps only the first message of each code. Each section reads its columns, reports, and
//! returns what it accepted; the record is built from those at the end when the line has no error.

use crate::column::Col;
use carecount_codes::{Service, Tables, special};
use carecount_domain::{
    Answer, CwpUse, DhaActivities, Hundredths, RecordKey, ServiceEntry, ServiceUserEntry, Status,
    WorkforceCounts, Workplace, key,
};

use super::{Context, CrossColumns, WorkplaceLine};
use crate::js::{parse_float, parse_int};
use crate::message::{FileKind, LineMessages, Message};
use crate::row::Row;

/// Longest LOCALESTID + 1 (W02: 50 characters or more is an error).
const LOCALESTID_LIMIT: usize = 50;
const NAME_MAX: usize = 120;
const ADDRESS_MAX: usize = 40;
const POSTCODE_MAX: usize = 10;
const OTHERTYPE_MAX: usize = 240;
const DESCRIPTION_MAX: usize = 120;
/// CAPACITY / UTILISATION items must be below this (W61, W62).
const CAPACITY_LIMIT: i64 = 9999;
/// TOTALPERMTEMP and the workforce counts are 0–999 (W65, W74–W76).
const COUNT_MAX: i64 = 999;

/// Checks one line and builds its outcome.
pub(super) fn validate_line(row: Row<'_>, context: &Context<'_>) -> (WorkplaceLine, Vec<Message>) {
    let localestid = row.text(Col::LOCALESTID);
    let record_key = key(localestid);
    let mut messages = LineMessages::new(FileKind::Workplace, row.line(), localestid, None);
    let status_text = row.text(Col::STATUS);
    let cross = CrossColumns {
        status: status_text.to_string(),
        total_perm_temp: None,
        total_perm_temp_text: row.text(Col::TOTALPERMTEMP).to_string(),
        regtype: row.text(Col::REGTYPE).to_string(),
        main_service: row.text(Col::MAINSERVICE).to_string(),
        location_id: row.text(Col::LOCATIONID).to_string(),
        job_roles: row.text(Col::ALLJOBROLES).to_string(),
        starters: row.text(Col::STARTERS).to_string(),
        leavers: row.text(Col::LEAVERS).to_string(),
        vacancies: row.text(Col::VACANCIES).to_string(),
    };
    let mut outcome = WorkplaceLine {
        line: row.line(),
        localestid: localestid.to_string(),
        key: record_key,
        status: None,
        kept: true,
        record: None,
        cqc_regulated: None,
        main_service: None,
        dha: None,
        cross,
    };

    check_identity(row, &mut messages);
    let status = check_status(row, context, &mut messages);
    outcome.status = status;
    // UNCHECKED, DELETE and NOCHANGE lines are checked on their key columns only (§1.5); a line
    // with a blank or unknown STATUS is checked in full (§2.3 "otherwise").
    if status.is_some_and(|s| !s.is_full()) {
        return (outcome, messages.into_messages());
    }

    let mut full = FullLine {
        row,
        context,
        messages,
        key: outcome.key.clone(),
    };
    let accepted = full.check();
    outcome.cqc_regulated = accepted
        .regtype
        .map(|regtype| regtype == special::REGTYPE_CQC);
    outcome.main_service = accepted.main_service.map(|service| service.code);
    outcome.dha = accepted.dha;
    outcome.cross.total_perm_temp = accepted.total_perm_temp;
    if status.is_some() && !full.messages.has_error() {
        outcome.record = accepted.into_record(row);
    }
    (outcome, full.messages.into_messages())
}

/// W01–W04: LOCALESTID and ESTNAME.
fn check_identity(row: Row<'_>, messages: &mut LineMessages) {
    let localestid = row.text(Col::LOCALESTID);
    if is_blank(localestid) {
        messages.error(
            1010,
            "LOCALESTID",
            localestid,
            "LOCALESTID is blank: give the workplace's own reference",
        );
    } else if js_len(localestid) >= LOCALESTID_LIMIT {
        messages.error(
            1010,
            "LOCALESTID",
            localestid,
            "LOCALESTID must be shorter than 50 characters",
        );
    }
    let name = row.text(Col::ESTNAME);
    if is_blank(name) {
        messages.error(
            1030,
            "ESTNAME",
            name,
            "ESTNAME is blank: give the workplace's name",
        );
    } else if js_len(name) > NAME_MAX {
        messages.error(
            1030,
            "ESTNAME",
            name,
            "ESTNAME must be 120 characters or fewer",
        );
    }
}

/// W05–W11: STATUS, and STATUS against what the organisation already holds.
fn check_status(
    row: Row<'_>,
    context: &Context<'_>,
    messages: &mut LineMessages,
) -> Option<Status> {
    let text = row.text(Col::STATUS);
    if is_blank(text) {
        messages.error(
            1020,
            "STATUS",
            text,
            "STATUS is blank: use NEW, UPDATE, DELETE, UNCHECKED or NOCHANGE",
        );
        return None;
    }
    let Some(status) = Status::parse(text) else {
        messages.error(
            1020,
            "STATUS",
            text,
            "STATUS must be NEW, UPDATE, DELETE, UNCHECKED or NOCHANGE",
        );
        return None;
    };
    let exists = context
        .existing
        .workplace(row.text(Col::LOCALESTID))
        .is_some();
    match (status, exists) {
        (Status::New, true) => messages.error(
            1020,
            "STATUS",
            text,
            "STATUS is NEW but this workplace already exists: use UPDATE, NOCHANGE, UNCHECKED or DELETE",
        ),
        (Status::Delete, false) => {
            messages.error(1020, "STATUS", text, "STATUS is DELETE but this workplace does not exist")
        }
        (Status::Update | Status::Unchecked | Status::NoChange, false) => messages.error(
            1020,
            "STATUS",
            text,
            format!("STATUS is {} but this workplace does not exist: use NEW", status.as_str()),
        ),
        _ => {}
    }
    Some(status)
}

/// What the full checks accepted, from which the record is built.
#[derive(Default)]
struct Accepted {
    employer_type: Option<u32>,
    employer_type_other: Option<String>,
    share_with_cqc: Option<bool>,
    share_with_la: Option<bool>,
    main_service: Option<&'static Service>,
    regtype: Option<u32>,
    provider_id: Option<String>,
    location_id: Option<String>,
    services: Vec<ServiceEntry>,
    no_other_services: bool,
    service_users: Vec<ServiceUserEntry>,
    dha: Option<Answer>,
    dha_activities: Option<DhaActivities>,
    total_perm_temp: Option<u32>,
    job_roles: Vec<u32>,
    starters: WorkforceCounts,
    leavers: WorkforceCounts,
    vacancies: WorkforceCounts,
    leaving_reasons: Vec<(u32, u32)>,
    repeat_training: Option<u32>,
    cwp_aware: Option<u32>,
    cwp_use: Option<CwpUse>,
    cwp_use_desc: Option<String>,
    sick_pay: Option<Answer>,
    pension: Option<Answer>,
    pension_contribution: Option<Hundredths>,
    pension_opt_out: Option<Answer>,
    holiday_days: Option<u32>,
    sleep_ins: Option<Answer>,
    sleep_in_pay: Option<u32>,
    travel_time: Option<u32>,
    travel_time_rate: Option<Hundredths>,
}

impl Accepted {
    fn into_record(self, row: Row<'_>) -> Option<Workplace> {
        Some(Workplace {
            localestid: row.text(Col::LOCALESTID).to_string(),
            name: row.text(Col::ESTNAME).to_string(),
            address1: row.text(Col::ADDRESS1).to_string(),
            address2: row.text(Col::ADDRESS2).to_string(),
            address3: row.text(Col::ADDRESS3).to_string(),
            post_town: row.text(Col::POSTTOWN).to_string(),
            postcode: row.text(Col::POSTCODE).to_string(),
            employer_type: self.employer_type,
            employer_type_other: self.employer_type_other,
            share_with_cqc: self.share_with_cqc,
            share_with_la: self.share_with_la,
            cqc_regulated: self.regtype? == special::REGTYPE_CQC,
            provider_id: self.provider_id,
            location_id: self.location_id,
            main_service: self.main_service?.code,
            services: self.services,
            no_other_services: self.no_other_services,
            service_users: self.service_users,
            dha: self.dha,
            dha_activities: self.dha_activities,
            total_perm_temp: self.total_perm_temp?,
            job_roles: self.job_roles,
            starters: self.starters,
            leavers: self.leavers,
            vacancies: self.vacancies,
            leaving_reasons: self.leaving_reasons,
            repeat_training: self.repeat_training,
            cwp_aware: self.cwp_aware,
            cwp_use: self.cwp_use,
            cwp_use_desc: self.cwp_use_desc,
            sick_pay: self.sick_pay,
            pension: self.pension,
            pension_contribution: self.pension_contribution,
            pension_opt_out: self.pension_opt_out,
            holiday_days: self.holiday_days,
            sleep_ins: self.sleep_ins,
            sleep_in_pay: self.sleep_in_pay,
            travel_time: self.travel_time,
            travel_time_rate: self.travel_time_rate,
        })
    }
}

/// The services list as the CAPACITY/UTILISATION checks need it.
struct ServicesRead<'a> {
    /// ALLSERVICES items other than `0`, as written.
    items: Vec<&'a str>,
    /// ALLSERVICES passed W43–W45 (its item count may be used, §2.3).
    valid: bool,
    /// One service (one item, or two with one `0`): positional lists are read leniently (§2.2).
    single: bool,
}

/// The per-line state of the full checks (NEW and UPDATE lines, or a line without a valid STATUS).
struct FullLine<'r, 'c> {
    row: Row<'r>,
    context: &'c Context<'c>,
    messages: LineMessages<'r>,
    /// LOCALESTID with whitespace removed.
    key: RecordKey,
}

impl<'r, 'c> FullLine<'r, 'c> {
    fn tables(&self) -> &'static Tables {
        self.context.tables
    }

    fn check(&mut self) -> Accepted {
        let mut accepted = Accepted::default();
        self.check_address();
        let employer_type_code = self.check_employer_type(&mut accepted);
        accepted.share_with_cqc = self.check_permission("PERMCQC", 1080);
        accepted.share_with_la = self.check_permission("PERMLA", 1090);
        let main_service_code = self.check_main_service();
        let main_known = main_service_code.and_then(|code| self.tables().services.get(code));
        let is_head_office = main_service_code == Some(special::HEAD_OFFICE);
        self.check_regtype(main_known, is_head_office, &mut accepted);
        let services = self.check_services(&mut accepted);
        self.check_service_users(&mut accepted);
        let dha_text = self.check_dha(&mut accepted);
        self.check_dha_activities(dha_text, &mut accepted);
        self.check_capacity(&services, &mut accepted);
        self.check_total(is_head_office, &mut accepted);
        let roles_valid_items = self.check_job_roles(&mut accepted);
        self.check_counts(&mut accepted);
        self.check_reasons(&mut accepted);
        self.check_optional_questions(&mut accepted);
        self.transform(
            employer_type_code,
            main_service_code,
            main_known,
            &services,
            roles_valid_items,
            &mut accepted,
        );
        accepted
    }

    /// W12–W19 (W20, W21 never fire: every postcode counts as found).
    fn check_address(&mut self) {
        let address1 = self.row.text(Col::ADDRESS1);
        if is_blank(address1) {
            self.messages.error(
                1040,
                "ADDRESS1",
                address1,
                "ADDRESS1 is blank: give the first line of the address",
            );
        } else if js_len(address1) > ADDRESS_MAX {
            self.messages.error(
                1040,
                "ADDRESS1",
                address1,
                "ADDRESS1 must be 40 characters or fewer",
            );
        }
        for (column, code) in [("ADDRESS2", 1045), ("ADDRESS3", 1050), ("POSTTOWN", 1055)] {
            let value = self.row.text_named(column);
            if js_len(value) > ADDRESS_MAX {
                self.messages.error(
                    code,
                    column,
                    value,
                    format!("{column} must be 40 characters or fewer"),
                );
            }
        }
        let postcode = self.row.text(Col::POSTCODE);
        if is_blank(postcode) {
            self.messages.error(
                1060,
                "POSTCODE",
                postcode,
                "POSTCODE is blank: give the workplace's postcode",
            );
        } else if js_len(postcode) > POSTCODE_MAX {
            self.messages.error(
                1060,
                "POSTCODE",
                postcode,
                "POSTCODE must be 10 characters or fewer",
            );
        } else if !contains_uk_postcode(postcode) {
            self.messages.error(
                1060,
                "POSTCODE",
                postcode,
                "POSTCODE is not a UK postcode (for example LS1 4HY)",
            );
        }
    }

    /// W22, W23, W25–W27 (W24 is in the transform pass). Returns the ESTTYPE code read.
    fn check_employer_type(&mut self, accepted: &mut Accepted) -> Option<u32> {
        let text = self.row.text(Col::ESTTYPE);
        let mut code = None;
        if is_blank(text) {
            self.messages.error(
                1070,
                "ESTTYPE",
                text,
                "ESTTYPE is blank: give the employer type code (A.1)",
            );
        } else {
            match parse_int(text)
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| (1..=8).contains(n))
            {
                Some(n) => code = Some(n),
                None => self.messages.error(
                    1070,
                    "ESTTYPE",
                    text,
                    "ESTTYPE must be an employer type code from 1 to 8",
                ),
            }
        }
        let other = self.row.text(Col::OTHERTYPE);
        if code == Some(special::EMPLOYER_TYPE_OTHER) {
            if is_blank(other) {
                self.messages.warning(
                    2070,
                    "OTHERTYPE",
                    other,
                    "OTHERTYPE is blank while ESTTYPE is 8 (other): the employer type will not be saved",
                );
                return code;
            }
            if js_len(other) > OTHERTYPE_MAX {
                self.messages.error(
                    1070,
                    "OTHERTYPE",
                    other,
                    "OTHERTYPE must be 240 characters or fewer",
                );
            }
            accepted.employer_type_other = Some(other.to_string());
        } else if !is_blank(other) {
            self.messages.warning(
                2070,
                "OTHERTYPE",
                other,
                "OTHERTYPE is only used when ESTTYPE is 8 (other): it will be ignored",
            );
        }
        accepted.employer_type = code;
        code
    }

    /// W28, W29: `1`, `0` or blank.
    fn check_permission(&mut self, column: &str, code: u32) -> Option<bool> {
        let text = self.row.text_named(column);
        match text {
            "1" => Some(true),
            "0" => Some(false),
            "" => None,
            _ => {
                self.messages.error(
                    code,
                    column,
                    text,
                    format!("{column} must be 1 (yes), 0 (no) or blank"),
                );
                None
            }
        }
    }

    /// W30 (W31 is in the transform pass). Returns the number read.
    fn check_main_service(&mut self) -> Option<u32> {
        let text = self.row.text(Col::MAINSERVICE);
        let code = parse_int(text).and_then(|n| u32::try_from(n).ok());
        if code.is_none() {
            self.messages.error(
                1000,
                "MAINSERVICE",
                text,
                "MAINSERVICE is blank or not a number: give the main service code",
            );
        }
        code
    }

    /// W32–W42.
    fn check_regtype(
        &mut self,
        main: Option<&'static Service>,
        is_head_office: bool,
        accepted: &mut Accepted,
    ) {
        let text = self.row.text(Col::REGTYPE);
        if is_blank(text) {
            self.messages.error(
                1100,
                "REGTYPE",
                text,
                "REGTYPE is blank: give 2 (CQC regulated) or 0 (not regulated)",
            );
            return;
        }
        let regtype = match parse_int(text) {
            Some(2) => special::REGTYPE_CQC,
            Some(0) => special::REGTYPE_NOT_CQC,
            _ => {
                self.messages.error(
                    1100,
                    "REGTYPE",
                    text,
                    "REGTYPE must be 2 (CQC regulated) or 0 (not regulated)",
                );
                return;
            }
        };
        accepted.regtype = Some(regtype);
        let regulated = regtype == special::REGTYPE_CQC;
        if let Some(service) = main {
            use carecount_codes::CqcRegulated;
            match (regulated, service.cqc_regulated) {
                (true, CqcRegulated::No) => self.messages.error(
                    1100,
                    "REGTYPE/MAINSERVICE",
                    text,
                    format!("REGTYPE is 2 (CQC regulated) but main service {} is not a CQC-regulated service", service.code),
                ),
                (false, CqcRegulated::Yes) => self.messages.error(
                    1100,
                    "REGTYPE/MAINSERVICE",
                    text,
                    format!("REGTYPE is 0 (not regulated) but main service {} is a CQC-regulated service", service.code),
                ),
                _ => {}
            }
        }
        let provider = self.row.text(Col::PROVNUM);
        let location = self.row.text(Col::LOCATIONID);
        if regulated {
            if is_blank(provider) {
                self.messages.error(
                    1105,
                    "PROVNUM",
                    provider,
                    "PROVNUM is blank: a CQC-regulated workplace needs its CQC provider ID",
                );
            } else if !is_cqc_id(provider) {
                self.messages.error(
                    1105,
                    "PROVNUM",
                    provider,
                    "PROVNUM must be a CQC provider ID like 1-123456789",
                );
            } else {
                accepted.provider_id = Some(provider.to_string());
            }
            if !is_head_office {
                if is_blank(location) {
                    self.messages.error(
                        1110,
                        "LOCATIONID",
                        location,
                        "LOCATIONID is blank: a CQC-regulated workplace needs its CQC location ID",
                    );
                } else if !is_cqc_id(location) {
                    self.messages.error(
                        1110,
                        "LOCATIONID",
                        location,
                        "LOCATIONID must be a CQC location ID like 1-123456789",
                    );
                }
            }
            if !is_blank(location) {
                if self.context.location_held_elsewhere(location, &self.key) {
                    self.messages.error(
                        1110,
                        "LOCATIONID",
                        location,
                        "LOCATIONID already belongs to another workplace: contact support if this is wrong",
                    );
                }
                accepted.location_id = Some(location.to_string());
            }
        } else {
            if !is_blank(provider) {
                self.messages.warning(
                    2105,
                    "PROVNUM",
                    provider,
                    "PROVNUM is not needed for a workplace that is not CQC regulated: it will be ignored",
                );
            }
            if !is_blank(location) {
                self.messages.warning(
                    2110,
                    "LOCATIONID",
                    location,
                    "LOCATIONID is not needed for a workplace that is not CQC regulated: it will be ignored",
                );
            }
        }
    }

    /// W43–W47 (W48 is in the transform pass). Fills the services with their descriptions.
    fn check_services(&mut self, accepted: &mut Accepted) -> ServicesRead<'r> {
        let text = self.row.text(Col::ALLSERVICES);
        let main = self.row.text(Col::MAINSERVICE);
        let all_items: Vec<&'r str> = text.split(';').collect();
        let items: Vec<&'r str> = all_items
            .iter()
            .copied()
            .filter(|item| *item != "0")
            .collect();
        let has_zero = items.len() != all_items.len();
        let mut valid = true;
        if !all_items.contains(&main) {
            self.messages.error(
                1120,
                "ALLSERVICES",
                text,
                "ALLSERVICES must include the MAINSERVICE code",
            );
            valid = false;
        }
        if has_zero && items.len() != 1 {
            self.messages.error(
                1121,
                "ALLSERVICES",
                text,
                "ALLSERVICES contains 0 (no other services) so it must list the main service only",
            );
            valid = false;
        }
        if all_items.iter().any(|item| parse_int(item).is_none()) {
            self.messages.error(
                1120,
                "ALLSERVICES",
                text,
                "ALLSERVICES has an empty or non-numeric item",
            );
            valid = false;
        }
        let single = items.len() == 1;
        let description_text = self.row.text(Col::SERVICEDESC);
        let descriptions = positional(description_text, single);
        if descriptions.len() != items.len() {
            self.messages.error(
                1120,
                "ALLSERVICES/CAPACITY/UTILISATION/SERVICEDESC",
                description_text,
                format!(
                    "SERVICEDESC has {} items but ALLSERVICES has {} services: give one item per service",
                    descriptions.len(),
                    items.len()
                ),
            );
        }
        let tables = self.tables();
        let mut entries = Vec::with_capacity(items.len());
        for (position, item) in items.iter().enumerate() {
            let code = parse_int(item).and_then(|n| u32::try_from(n).ok());
            let service = code.and_then(|code| tables.services.get(code));
            let description = if single {
                Some(description_text)
            } else {
                descriptions.get(position).copied()
            };
            let mut kept = None;
            if let (Some(service), Some(description)) = (service, description)
                && service.needs_description
            {
                if js_len(description) > DESCRIPTION_MAX {
                    self.messages.error(
                        1120,
                        "SERVICEDESC",
                        description,
                        format!(
                            "SERVICEDESC({}) must be 120 characters or fewer",
                            position + 1
                        ),
                    );
                }
                if !is_blank(description) {
                    kept = Some(description.to_string());
                }
            }
            if let Some(code) = code {
                entries.push(ServiceEntry {
                    code,
                    capacity: None,
                    utilisation: None,
                    description: kept,
                });
            }
        }
        accepted.services = entries;
        accepted.no_other_services = has_zero && items.len() == 1;
        ServicesRead {
            items,
            valid,
            single,
        }
    }

    /// W49–W52 (W53 is in the transform pass).
    fn check_service_users(&mut self, accepted: &mut Accepted) {
        let text = self.row.text(Col::SERVICEUSERS);
        if is_blank(text) {
            return;
        }
        let items: Vec<&str> = text.split(';').collect();
        if items.iter().any(|item| parse_int(item).is_none()) {
            self.messages.warning(
                2130,
                "SERVICEUSERS",
                text,
                "SERVICEUSERS has an empty or non-numeric item: the service users will be ignored",
            );
            return;
        }
        let description_text = self.row.text(Col::OTHERUSERDESC);
        let descriptions: Vec<&str> = description_text.split(';').collect();
        if descriptions.len() != items.len() {
            self.messages.error(
                1130,
                "SERVICEUSERS/OTHERUSERDESC",
                description_text,
                format!(
                    "OTHERUSERDESC has {} items but SERVICEUSERS has {}: give one item per service user group",
                    descriptions.len(),
                    items.len()
                ),
            );
        }
        let tables = self.tables();
        let mut users = Vec::with_capacity(items.len());
        for (position, item) in items.iter().enumerate() {
            let Some(code) = parse_int(item).and_then(|n| u32::try_from(n).ok()) else {
                // A negative code: unknown, reported by W53.
                users.push(ServiceUserEntry {
                    code: u32::MAX,
                    description: None,
                });
                continue;
            };
            let description = descriptions.get(position).copied().unwrap_or("");
            let mut kept = None;
            if tables
                .service_users
                .get(code)
                .is_some_and(|user| user.needs_description)
            {
                if is_blank(description) {
                    self.messages.warning(
                        2130,
                        "OTHERUSERDESC",
                        description,
                        format!(
                            "OTHERUSERDESC({}) is blank: describe service user group {code}",
                            position + 1
                        ),
                    );
                } else if js_len(description) > DESCRIPTION_MAX {
                    self.messages.error(
                        1130,
                        "OTHERUSERDESC",
                        description,
                        format!(
                            "OTHERUSERDESC({}) must be 120 characters or fewer",
                            position + 1
                        ),
                    );
                } else {
                    kept = Some(description.to_string());
                }
            }
            users.push(ServiceUserEntry {
                code,
                description: kept,
            });
        }
        accepted.service_users = users;
    }

    /// W54 (W55 is in the transform pass). Returns DHA as written.
    fn check_dha(&mut self, accepted: &mut Accepted) -> &'r str {
        let text = self.row.text(Col::DHA);
        accepted.dha = self.answer(
            text,
            2510,
            "DHA",
            "DHA must be 1 (yes), 2 (no) or 999 (don't know)",
        );
        text
    }

    /// W56–W58.
    fn check_dha_activities(&mut self, dha_text: &str, accepted: &mut Accepted) {
        let text = self.row.text(Col::DHAACTIVITIES);
        if is_blank(text) {
            return;
        }
        let dont_know = parse_int(text) == Some(i64::from(special::DHA_ACTIVITIES_DONT_KNOW))
            && !text.contains(';');
        if parse_int(dha_text) != Some(1) {
            if !dont_know {
                self.messages.warning(
                    2530,
                    "DHAACTIVITIES",
                    text,
                    "DHAACTIVITIES is only used when DHA is 1 (yes): it will be ignored",
                );
            }
            return;
        }
        if dont_know {
            accepted.dha_activities = Some(DhaActivities::DontKnow);
            return;
        }
        let tables = self.tables();
        let items: Vec<&str> = text.split(';').collect();
        let valid: Vec<u32> = items
            .iter()
            .filter_map(|item| parse_int(item).and_then(|n| u32::try_from(n).ok()))
            .filter(|code| {
                *code != special::DHA_ACTIVITIES_DONT_KNOW && tables.dha_activities.contains(*code)
            })
            .collect();
        if valid.is_empty() {
            self.messages.warning(
                2530,
                "DHAACTIVITIES",
                text,
                "DHAACTIVITIES has no valid activity code (1–8, or 999 alone): it will be ignored",
            );
            return;
        }
        if valid.len() != items.len() {
            self.messages.warning(
                2530,
                "DHAACTIVITIES",
                text,
                "DHAACTIVITIES has invalid activity codes: they will be ignored",
            );
        }
        accepted.dha_activities = Some(DhaActivities::Activities(valid));
    }

    /// W59–W64.
    fn check_capacity(&mut self, services: &ServicesRead<'_>, accepted: &mut Accepted) {
        let capacity_text = self.row.text(Col::CAPACITY);
        let utilisation_text = self.row.text(Col::UTILISATION);
        let capacities = positional(capacity_text, services.single);
        let utilisations = positional(utilisation_text, services.single);
        if capacities.len() != utilisations.len() {
            self.messages.error(
                1140,
                "CAPACITY/UTILISATION",
                capacity_text,
                "CAPACITY and UTILISATION must have the same number of items",
            );
        }
        let n_services = services.items.len();
        if services.valid && (capacities.len() != n_services || utilisations.len() != n_services) {
            self.messages.error(
                1140,
                "CAPACITY/UTILISATION",
                capacity_text,
                format!("CAPACITY and UTILISATION must have one item per service ({n_services})"),
            );
        }
        let capacity_values = self.quantities(&capacities, "CAPACITY");
        let utilisation_values = self.quantities(&utilisations, "UTILISATION");
        if !services.valid {
            return;
        }
        let tables = self.tables();
        for (position, entry) in accepted.services.iter_mut().enumerate() {
            let Some(service) = tables.services.get(entry.code) else {
                continue;
            };
            let capacity = capacity_values.get(position).copied().flatten();
            let utilisation = utilisation_values.get(position).copied().flatten();
            if let Some(value) = capacity {
                if service.capacity_question {
                    entry.capacity = Some(value);
                } else {
                    self.messages.error(
                        1140,
                        "CAPACITY",
                        capacity_text,
                        format!(
                            "CAPACITY({}): service {} has no capacity question, leave it blank",
                            position + 1,
                            entry.code
                        ),
                    );
                }
            }
            if let Some(value) = utilisation {
                if service.utilisation_question {
                    entry.utilisation = Some(value);
                } else {
                    self.messages.error(
                        1140,
                        "UTILISATION",
                        utilisation_text,
                        format!(
                            "UTILISATION({}): service {} has no utilisation question, leave it blank",
                            position + 1,
                            entry.code
                        ),
                    );
                }
            }
        }
    }

    /// W61/W62: each item blank or a whole number below 9999. `None` for blank or invalid items.
    fn quantities(&mut self, items: &[&str], column: &str) -> Vec<Option<i64>> {
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            if is_blank(item) {
                values.push(None);
                continue;
            }
            match parse_int(item).filter(|n| *n < CAPACITY_LIMIT) {
                Some(n) => values.push(Some(n)),
                None => {
                    self.messages.error(
                        1140,
                        column,
                        item,
                        format!("{column} items must be blank or whole numbers less than 9999"),
                    );
                    values.push(None);
                }
            }
        }
        values
    }

    /// W65, W66.
    fn check_total(&mut self, is_head_office: bool, accepted: &mut Accepted) {
        let text = self.row.text(Col::TOTALPERMTEMP);
        match parse_int(text).filter(|n| (0..=COUNT_MAX).contains(n)).and_then(|n| u32::try_from(n).ok()) {
            None => self.messages.error(
                1200,
                "TOTALPERMTEMP",
                text,
                "TOTALPERMTEMP must be a whole number from 0 to 999 (call support for larger workplaces)",
            ),
            Some(0) if !is_head_office => self.messages.error(
                1200,
                "TOTALPERMTEMP",
                text,
                "TOTALPERMTEMP can only be 0 for a head office (main service 72)",
            ),
            Some(total) => accepted.total_perm_temp = Some(total),
        }
    }

    /// W67, W68 (W69 is in the transform pass). Returns whether every item was a number.
    fn check_job_roles(&mut self, accepted: &mut Accepted) -> bool {
        let text = self.row.text(Col::ALLJOBROLES);
        if is_blank(text) {
            let any_count = ["STARTERS", "LEAVERS", "VACANCIES"].iter().any(|column| {
                self.row
                    .text_named(column)
                    .split(';')
                    .any(|item| parse_int(item).is_some_and(|n| n > 0 && n != COUNT_MAX))
            });
            if any_count {
                self.messages.error(
                    1280,
                    "ALLJOBROLES",
                    text,
                    "ALLJOBROLES is blank but STARTERS, LEAVERS or VACANCIES give counts: list the job roles",
                );
            }
            return true;
        }
        let mut all_numbers = true;
        let mut roles = Vec::new();
        for item in text.split(';') {
            match parse_int(item).and_then(|n| u32::try_from(n).ok()) {
                Some(code) => roles.push(code),
                None => all_numbers = false,
            }
        }
        if !all_numbers {
            self.messages.error(
                1280,
                "ALLJOBROLES",
                text,
                "ALLJOBROLES items must be job role codes (whole numbers)",
            );
        }
        accepted.job_roles = roles;
        all_numbers
    }

    /// W70–W76.
    fn check_counts(&mut self, accepted: &mut Accepted) {
        let roles_text = self.row.text(Col::ALLJOBROLES);
        let n_roles = if is_blank(roles_text) {
            None
        } else {
            Some(roles_text.split(';').count())
        };
        accepted.vacancies = self.counts("VACANCIES", "ALLJOBROLES/VACANCIES", 1300, n_roles);
        accepted.starters = self.counts("STARTERS", "ALLJOBROLES/STARTERS", 1310, n_roles);
        accepted.leavers = self.counts("LEAVERS", "ALLJOBROLES/LEAVERS", 1320, n_roles);
        if accepted.regtype != Some(special::REGTYPE_CQC)
            && let WorkforceCounts::PerRole(counts) = &mut accepted.vacancies
        {
            let mut dropped = false;
            for (role, count) in accepted.job_roles.iter().zip(counts.iter_mut()) {
                if *role == special::REGISTERED_MANAGER
                    && *count > 0
                    && *count != special::DONT_KNOW
                {
                    *count = 0;
                    dropped = true;
                }
            }
            if dropped {
                self.messages.warning(
                    2180,
                    "VACANCY",
                    self.row.text(Col::VACANCIES),
                    "a registered manager vacancy (job role 4) is only expected in a CQC-regulated workplace: it will be ignored",
                );
                if counts.iter().all(|count| *count == 0) {
                    accepted.vacancies = WorkforceCounts::None;
                }
            }
        }
    }

    /// One of STARTERS, LEAVERS, VACANCIES.
    fn counts(
        &mut self,
        column: &str,
        pair: &str,
        code: u32,
        n_roles: Option<usize>,
    ) -> WorkforceCounts {
        let text = self.row.text_named(column);
        if is_blank(text) {
            return WorkforceCounts::NotAnswered;
        }
        let items: Vec<&str> = text.split(';').collect();
        if let [only] = items.as_slice()
            && parse_int(only) == Some(COUNT_MAX)
        {
            return WorkforceCounts::DontKnow;
        }
        if let Some(n_roles) = n_roles
            && items.len() != n_roles
        {
            self.messages.error(
                code,
                pair,
                text,
                format!("{column} has {} items but ALLJOBROLES has {n_roles}: give one count per job role", items.len()),
            );
        }
        let mut values = Vec::with_capacity(items.len());
        let mut all_valid = true;
        for item in &items {
            match parse_int(item)
                .filter(|n| (0..=COUNT_MAX).contains(n))
                .and_then(|n| u32::try_from(n).ok())
            {
                Some(n) => values.push(n),
                None => all_valid = false,
            }
        }
        if !all_valid {
            self.messages.error(
                code,
                column,
                text,
                format!("{column} items must be whole numbers from 0 to 999"),
            );
        }
        if n_roles.is_none() {
            // Without job roles only the first item is kept; W67 reports a count above 0.
            return WorkforceCounts::None;
        }
        if values.iter().all(|n| *n == 0) {
            WorkforceCounts::None
        } else {
            WorkforceCounts::PerRole(values)
        }
    }

    /// W77–W80 (only when there are leavers and REASONS is given).
    fn check_reasons(&mut self, accepted: &mut Accepted) {
        let reasons_text = self.row.text(Col::REASONS);
        let leavers = accepted.leavers.total().unwrap_or(0);
        if leavers == 0 || is_blank(reasons_text) {
            return;
        }
        let numbers_text = self.row.text(Col::REASONNOS);
        let reasons: Vec<Option<u32>> = reasons_text.split(';').map(whole_number).collect();
        let numbers: Vec<Option<u32>> = numbers_text.split(';').map(whole_number).collect();
        if reasons.iter().any(Option::is_none) {
            self.messages.error(
                1360,
                "REASONS",
                reasons_text,
                "REASONS items must be leaving reason codes (whole numbers)",
            );
        }
        if numbers.iter().any(Option::is_none) {
            self.messages.error(
                1360,
                "REASONNOS",
                numbers_text,
                "REASONNOS items must be whole numbers 0 or more",
            );
        }
        if reasons.len() != numbers.len() {
            self.messages.error(
                1360,
                "REASONS/REASONNOS",
                numbers_text,
                "REASONS and REASONNOS must have the same number of items",
            );
        }
        let total: u64 = numbers.iter().flatten().map(|n| u64::from(*n)).sum();
        if total != u64::from(leavers) {
            self.messages.error(
                1360,
                "REASONNOS/LEAVERS",
                numbers_text,
                format!("REASONNOS add up to {total} but LEAVERS add up to {leavers}: they must be equal"),
            );
        }
        accepted.leaving_reasons = reasons
            .iter()
            .zip(numbers.iter())
            .filter_map(|(reason, number)| Some(((*reason)?, (*number)?)))
            .collect();
    }

    /// W81–W102 except the main-service checks of the transform pass.
    fn check_optional_questions(&mut self, accepted: &mut Accepted) {
        let tables = self.tables();
        let text = self.row.text(Col::REPEATTRAINING);
        accepted.repeat_training = self.code_in(
            text,
            |code| (1..=4).contains(&code),
            2420,
            "REPEATTRAINING",
            "REPEATTRAINING must be 1, 2, 3 or 4",
        );
        let text = self.row.text(Col::CWPAWARE);
        accepted.cwp_aware = self.code_in(
            text,
            |code| tables.cwp_awareness.contains(code),
            2480,
            "CWPAWARE",
            "CWPAWARE must be 1, 2, 3, 4 or 999",
        );
        self.check_cwp(accepted);
        accepted.sick_pay = self.yes_no_unknown("SICKPAY", 2450);
        let text = self.row.text(Col::HOLIDAY);
        if !text.is_empty() {
            match text
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| text.parse::<u32>().ok())
                .flatten()
            {
                Some(days) => accepted.holiday_days = Some(days),
                None => self.messages.warning(
                    2470,
                    "HOLIDAY",
                    text,
                    "HOLIDAY must be a whole number of days (digits only): it will be ignored",
                ),
            }
        }
        accepted.pension = self.yes_no_unknown("PENSION", 2460);
        self.check_contribution(accepted);
        let text = self.row.text(Col::OPTOUTPEN);
        accepted.pension_opt_out = self.answer(
            text,
            2550,
            "OPTOUTPEN",
            "OPTOUTPEN must be 1 (yes), 2 (no) or 999 (don't know)",
        );
        let text = self.row.text(Col::SLEEPINS);
        accepted.sleep_ins = self.answer(
            text,
            2560,
            "SLEEPINS",
            "SLEEPINS must be 1 (yes), 2 (no) or 999 (don't know)",
        );
        let text = self.row.text(Col::SLEEPINPAY);
        if !is_blank(text) {
            if self.row.text(Col::SLEEPINS) != "1" {
                self.messages.warning(
                    2572,
                    "SLEEPINPAY",
                    text,
                    "SLEEPINPAY is only used when SLEEPINS is 1 (yes): it will be ignored",
                );
            } else {
                accepted.sleep_in_pay = self.code_in(
                    text,
                    |code| matches!(code, 1 | 2 | special::DONT_KNOW),
                    2570,
                    "SLEEPINPAY",
                    "SLEEPINPAY must be 1 (hourly rate), 2 (flat rate) or 999 (don't know)",
                );
            }
        }
        let text = self.row.text(Col::TRAVELTIME);
        accepted.travel_time = self.code_in(
            text,
            |code| tables.travel_time.contains(code),
            2580,
            "TRAVELTIME",
            "TRAVELTIME must be 1, 2, 3, 4, 5, 6 or 999",
        );
        self.check_travel_rate(accepted);
    }

    /// W83–W86.
    fn check_cwp(&mut self, accepted: &mut Accepted) {
        let text = self.row.text(Col::CWPUSE);
        if !is_blank(text) {
            let mut items = text.split(';');
            let answer = items
                .next()
                .and_then(parse_int)
                .and_then(|n| u32::try_from(n).ok())
                .and_then(Answer::from_code);
            match answer {
                None => self.messages.warning(
                    2490,
                    "CWPUSE",
                    text,
                    "CWPUSE must start with 1 (yes), 2 (no) or 999 (don't know): it will be ignored",
                ),
                Some(Answer::Yes) => {
                    let tables = self.tables();
                    let mut reasons = Vec::new();
                    let mut invalid = false;
                    for item in items {
                        match parse_int(item).and_then(|n| u32::try_from(n).ok()).filter(|code| tables.cwp_use.contains(*code)) {
                            Some(code) => reasons.push(code),
                            None => invalid = true,
                        }
                    }
                    if invalid {
                        self.messages.warning(
                            2490,
                            "CWPUSE",
                            text,
                            "CWPUSE reasons must be codes 1 to 10: the invalid ones will be ignored",
                        );
                    }
                    accepted.cwp_use = Some(CwpUse { answer: Answer::Yes, reasons });
                }
                Some(answer) => accepted.cwp_use = Some(CwpUse { answer, reasons: Vec::new() }),
            }
        }
        let description = self.row.text(Col::CWPUSEDESC);
        if is_blank(description) {
            return;
        }
        let other_reason = accepted
            .cwp_use
            .as_ref()
            .is_some_and(|cwp| cwp.reasons.contains(&special::CWP_USE_OTHER_REASON));
        if js_len(description) > DESCRIPTION_MAX {
            self.messages.warning(
                2500,
                "CWPUSEDESC",
                description,
                "CWPUSEDESC must be 120 characters or fewer: it will be ignored",
            );
        } else if !other_reason {
            self.messages.warning(
                2500,
                "CWPUSEDESC",
                description,
                "CWPUSEDESC is only used with CWPUSE reason 10 (something else): it will be ignored",
            );
        } else {
            accepted.cwp_use_desc = Some(description.to_string());
        }
    }

    /// W90, W91.
    fn check_contribution(&mut self, accepted: &mut Accepted) {
        let text = self.row.text(Col::ACTUALCONT);
        if is_blank(text) {
            return;
        }
        if self.row.text(Col::PENSION) != "1" {
            self.messages.warning(
                2541,
                "ACTUALCONT",
                text,
                "ACTUALCONT is only used when PENSION is 1 (yes): it will be ignored",
            );
            return;
        }
        match parse_float(text)
            .and_then(hundredths)
            .filter(|h| h.0 > 300 && h.0 <= 10_000)
        {
            Some(percent) => accepted.pension_contribution = Some(percent),
            None => self.messages.warning(
                2540,
                "ACTUALCONT",
                text,
                "ACTUALCONT must be a percentage above 3 and at most 100: it will be ignored",
            ),
        }
    }

    /// W100, W101. A record too short to have TTDIFFRATE counts as giving it (§1.1).
    fn check_travel_rate(&mut self, accepted: &mut Accepted) {
        let value = self.row.get(Col::TTDIFFRATE);
        let text = value.unwrap_or("");
        if value.is_some() && is_blank(text) {
            return;
        }
        if accepted.travel_time != Some(special::TRAVEL_TIME_DIFFERENT_RATE) {
            self.messages.warning(
                2592,
                "TTDIFFRATE",
                text,
                "TTDIFFRATE is only used when TRAVELTIME is 3 (a different rate): it will be ignored",
            );
            return;
        }
        match parse_float(text)
            .and_then(hundredths)
            .filter(|h| h.0 >= 250 && h.0 <= 20_000)
        {
            Some(rate) => accepted.travel_time_rate = Some(rate),
            None => self.messages.warning(
                2590,
                "TTDIFFRATE",
                text,
                "TTDIFFRATE must be an hourly rate from £2.50 to £200: it will be ignored",
            ),
        }
    }

    /// The transform pass: unknown codes (W24, W31, W48, W53, W69) and the checks that depend on
    /// the main service (W55, W94, W97, W99, W102).
    fn transform(
        &mut self,
        employer_type: Option<u32>,
        main_service_code: Option<u32>,
        main: Option<&'static Service>,
        services: &ServicesRead<'_>,
        roles_all_numbers: bool,
        accepted: &mut Accepted,
    ) {
        let tables = self.tables();
        if let Some(code) = employer_type
            && !tables.employer_types.contains(code)
        {
            self.messages.error(
                1070,
                "ESTTYPE",
                self.row.text(Col::ESTTYPE),
                format!("ESTTYPE {code} is not a known employer type: use 1, 3, 6, 7 or 8"),
            );
            accepted.employer_type = None;
        }
        if let Some(code) = main_service_code
            && main.is_none()
        {
            self.messages.error(
                1000,
                "MAINSERVICE",
                self.row.text(Col::MAINSERVICE),
                format!("MAINSERVICE {code} is not a known service code"),
            );
        }
        accepted.main_service = main;
        for item in &services.items {
            if let Some(code) = parse_int(item)
                && u32::try_from(code)
                    .ok()
                    .is_none_or(|code| !tables.services.contains(code))
            {
                self.messages.error(
                    1120,
                    "ALLSERVICES",
                    self.row.text(Col::ALLSERVICES),
                    format!("ALLSERVICES: {code} is not a known service code"),
                );
            }
        }
        let mut unknown_users = Vec::new();
        accepted.service_users.retain(|user| {
            let known = tables.service_users.contains(user.code);
            if !known {
                unknown_users.push(user.code);
            }
            known
        });
        let users_text = self.row.text(Col::SERVICEUSERS);
        for code in unknown_users {
            let shown = if code == u32::MAX {
                users_text.to_string()
            } else {
                code.to_string()
            };
            self.messages.warning(
                1130,
                "SERVICEUSERS",
                users_text,
                format!(
                    "SERVICEUSERS: {shown} is not a known service user code and will be ignored"
                ),
            );
        }
        if roles_all_numbers {
            for code in &accepted.job_roles {
                if !tables.job_roles.contains(*code) {
                    self.messages.error(
                        1280,
                        "ALLJOBROLES",
                        self.row.text(Col::ALLJOBROLES),
                        format!("ALLJOBROLES: {code} is not a known job role code"),
                    );
                }
            }
        }
        let Some(main) = main else { return };
        if accepted.dha.is_some() && !main.dha_allowed {
            self.messages.warning(
                2520,
                "DHA",
                self.row.text(Col::DHA),
                format!("main service {} cannot carry out delegated healthcare activities: DHA will be ignored", main.code),
            );
            accepted.dha = None;
            accepted.dha_activities = None;
        }
        if !main.asks_sleep_ins() {
            if accepted.sleep_ins.take().is_some() {
                self.messages.warning(
                    2561,
                    "SLEEPINS",
                    self.row.text(Col::SLEEPINS),
                    format!(
                        "sleep-ins are not asked for main service {}: SLEEPINS will be ignored",
                        main.code
                    ),
                );
            }
            if accepted.sleep_in_pay.take().is_some() {
                self.messages.warning(
                    2571,
                    "SLEEPINPAY",
                    self.row.text(Col::SLEEPINPAY),
                    format!(
                        "sleep-ins are not asked for main service {}: SLEEPINPAY will be ignored",
                        main.code
                    ),
                );
            }
        }
        if !main.asks_travel_time() {
            if accepted.travel_time.take().is_some() {
                self.messages.warning(
                    2581,
                    "TRAVELTIME",
                    self.row.text(Col::TRAVELTIME),
                    format!(
                        "travel time is not asked for main service {}: TRAVELTIME will be ignored",
                        main.code
                    ),
                );
            }
            if accepted.travel_time_rate.take().is_some() {
                self.messages.warning(
                    2591,
                    "TTDIFFRATE",
                    self.row.text(Col::TTDIFFRATE),
                    format!(
                        "travel time is not asked for main service {}: TTDIFFRATE will be ignored",
                        main.code
                    ),
                );
            }
        }
    }

    /// A `1`/`2`/`999` answer; anything else but blank is warned about with `code` and dropped.
    fn answer(&mut self, text: &str, code: u32, column: &str, message: &str) -> Option<Answer> {
        if is_blank(text) {
            return None;
        }
        let answer = parse_int(text)
            .and_then(|n| u32::try_from(n).ok())
            .and_then(Answer::from_code);
        if answer.is_none() {
            self.messages
                .warning(code, column, text, format!("{message}: it will be ignored"));
        }
        answer
    }

    /// A code accepted by `valid`; anything else but blank is warned about and dropped.
    fn code_in(
        &mut self,
        text: &str,
        valid: impl Fn(u32) -> bool,
        code: u32,
        column: &str,
        message: &str,
    ) -> Option<u32> {
        if is_blank(text) {
            return None;
        }
        let value = parse_int(text)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| valid(*n));
        if value.is_none() {
            self.messages
                .warning(code, column, text, format!("{message}: it will be ignored"));
        }
        value
    }

    /// SICKPAY / PENSION: `1`, `0`, `unknown` (any case) or blank.
    fn yes_no_unknown(&mut self, column: &str, code: u32) -> Option<Answer> {
        let text = self.row.text_named(column);
        match text {
            "" => None,
            "1" => Some(Answer::Yes),
            "0" => Some(Answer::No),
            _ if text.eq_ignore_ascii_case("unknown") => Some(Answer::DontKnow),
            _ => {
                self.messages.warning(
                    code,
                    column,
                    text,
                    format!("{column} must be 1 (yes), 0 (no) or unknown: it will be ignored"),
                );
                None
            }
        }
    }
}

/// A positional list (CAPACITY, UTILISATION, SERVICEDESC). With a single service ASC-WDS keeps
/// only the items that read as a non-zero number, and an empty result counts as one blank item
/// (§2.2 notes); otherwise every `;` item counts.
fn positional(text: &str, single: bool) -> Vec<&str> {
    if !single {
        return text.split(';').collect();
    }
    let kept: Vec<&str> = text
        .split(';')
        .filter(|item| parse_float(item).is_some_and(|n| n != 0.0))
        .collect();
    if kept.is_empty() { vec![""] } else { kept }
}

/// A whole number 0 or more read with `parseInt`.
fn whole_number(text: &str) -> Option<u32> {
    parse_int(text).and_then(|n| u32::try_from(n).ok())
}

/// A number rounded to two decimals, held exactly.
fn hundredths(value: f64) -> Option<Hundredths> {
    let scaled = (value * 100.0).round();
    if scaled.is_finite() && scaled.abs() < 1e15 {
        Some(Hundredths(scaled as i64))
    } else {
        None
    }
}

/// Blank: empty or only whitespace (a quoted `"  "` is blank too).
fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// JavaScript's `length`: UTF-16 code units.
fn js_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// `^\d-\d{8,12}$` (PROVNUM, LOCATIONID).
pub(super) fn is_cqc_id(text: &str) -> bool {
    let bytes = text.as_bytes();
    match bytes {
        [first, b'-', rest @ ..] => {
            first.is_ascii_digit()
                && (8..=12).contains(&rest.len())
                && rest.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// W19: after removing everything but ASCII letters and digits and upper-casing, a UK postcode
/// (`A9 9AA`, `A99 9AA`, `A9A 9AA`, `AA9 9AA`, `AA99 9AA`, `AA9A 9AA`, or `GIR 0AA`) appears
/// somewhere in the text: the check is unanchored, so it is lenient (§2.4, Appendix B.10).
pub(super) fn contains_uk_postcode(text: &str) -> bool {
    let cleaned: Vec<u8> = text
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_uppercase())
        .collect();
    (0..cleaned.len()).any(|start| cleaned.get(start..).is_some_and(postcode_at))
}

fn postcode_at(text: &[u8]) -> bool {
    if text.starts_with(b"GIR0AA") {
        return true;
    }
    let inward = |rest: &[u8]| {
        matches!(rest, [digit, first, second, ..]
            if digit.is_ascii_digit() && first.is_ascii_uppercase() && second.is_ascii_uppercase())
    };
    for letters in 1..=2 {
        let Some((area, rest)) = text.split_at_checked(letters) else {
            return false;
        };
        if !area.iter().all(u8::is_ascii_uppercase) {
            return false;
        }
        let Some((district_digit, rest)) = rest.split_first() else {
            continue;
        };
        if !district_digit.is_ascii_digit() {
            continue;
        }
        if inward(rest) {
            return true;
        }
        if let Some((extra, rest)) = rest.split_first()
            && extra.is_ascii_alphanumeric()
            && inward(rest)
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cqc_ids_are_a_digit_a_hyphen_and_8_to_12_digits() {
        assert!(is_cqc_id("1-12345678"));
        assert!(is_cqc_id("1-123456789012"));
        assert!(!is_cqc_id("1-1234567"));
        assert!(!is_cqc_id("1-1234567890123"));
        assert!(!is_cqc_id("12-12345678"));
        assert!(!is_cqc_id("1-1234567a"));
        assert!(!is_cqc_id(""));
    }

    #[test]
    fn the_postcode_check_is_lenient() {
        assert!(contains_uk_postcode("LS1 4HY"));
        assert!(contains_uk_postcode("ls14hy"));
        assert!(contains_uk_postcode("SW1A 1AA"));
        assert!(contains_uk_postcode("M1 1AE"));
        assert!(contains_uk_postcode("GIR 0AA"));
        // Unanchored: surrounding rubbish is accepted.
        assert!(contains_uk_postcode("xx LS1 4HY"));
        assert!(!contains_uk_postcode("12345"));
        assert!(!contains_uk_postcode("LS1"));
        assert!(!contains_uk_postcode("1LS 4HY"));
    }

    #[test]
    fn single_service_positional_lists_keep_non_zero_numbers() {
        assert_eq!(positional("30;0", true), vec!["30"]);
        assert_eq!(positional("30;", true), vec!["30"]);
        assert_eq!(positional("thirty", true), vec![""]);
        assert_eq!(positional("", true), vec![""]);
        assert_eq!(positional(";", false), vec!["", ""]);
    }

    #[test]
    fn hundredths_round_to_two_decimals() {
        // 12.5 × 100 = 1250; 0.125 × 100 = 12.5 exactly, which rounds half away from zero to 13.
        assert_eq!(hundredths(12.5), Some(Hundredths(1250)));
        assert_eq!(hundredths(0.125), Some(Hundredths(13)));
        assert_eq!(hundredths(f64::INFINITY), None);
    }
}
