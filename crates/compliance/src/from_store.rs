//! Reading the store's records as compliance inputs: a staff record and its workplace as
//! [`StaffFacts`], ASC-WDS training lines and entered records as [`TrainingRecord`]s, stored
//! exemptions, the organisation's profile reference. The CLI and the web app share these.

use carecount_domain::{QualificationAnswer, Staff, Training, Workplace};
use carecount_store::compliance::{ComplianceRecord, ProfileVersion, StoredExemption};
use time::Date;

use crate::facts::{L2CareCertificate, SocialCareQualification};
use crate::wire::ProfileRefJson;
use crate::{Exemption, ExemptionReason, StaffFacts, TrainingRecord, Validity};

/// `profile` of the status JSON: the stored version, or the shipped profile's hash.
pub fn profile_ref(version: Option<&ProfileVersion>) -> ProfileRefJson {
    match version {
        Some(version) => ProfileRefJson {
            version: Some(version.version),
            sha256: Some(version.sha256.clone()),
        },
        None => ProfileRefJson {
            version: None,
            sha256: Some(crate::sha256::hex_digest(
                crate::profile::shipped_text().as_bytes(),
            )),
        },
    }
}

pub fn sector_key(workplace: &Workplace) -> Option<String> {
    use carecount_codes::Sector;
    let sector = workplace
        .employer_type
        .and_then(|code| carecount_codes::tables().sector_of(code))?;
    Some(
        match sector {
            Sector::LocalAuthority => "local_authority",
            Sector::Private => "private",
            Sector::Voluntary => "voluntary",
            Sector::Other => "other",
        }
        .to_owned(),
    )
}

pub fn hours(halves: Option<i32>, unknown: bool) -> Option<f64> {
    if unknown {
        return None;
    }
    halves.map(|halves| f64::from(halves) / 2.0)
}

/// A staff record's facts (`displayid` empty for analysis reads).
pub fn staff_facts(staff: &Staff, workplace: Option<&Workplace>) -> StaffFacts {
    let to_u16 = |value: u32| u16::try_from(value).unwrap_or(u16::MAX);
    let to_u8 = |value: u32| u8::try_from(value).unwrap_or(u8::MAX);
    StaffFacts {
        workplace: staff.localestid.clone(),
        staff: staff.unique_worker_id.clone(),
        displayid: staff.personal.display_id.clone(),
        job_role: to_u16(staff.main_job_role),
        employment_status: to_u8(staff.contract),
        zero_hours: staff.zero_hours.map(|answer| to_u16(answer.code())),
        contracted_hours: hours(
            staff.contracted_hours_halves,
            staff.contracted_hours_unknown,
        ),
        average_hours: hours(staff.average_hours_halves, staff.average_hours_unknown),
        start_date: staff.start_date,
        start_in_sector: staff.start_in_sector.filter(|year| *year != 999),
        main_service: workplace.map_or(0, |workplace| to_u16(workplace.main_service)),
        service_users: workplace.map_or_else(Vec::new, |workplace| {
            workplace
                .service_users
                .iter()
                .map(|user| to_u16(user.code))
                .collect()
        }),
        sector: workplace.and_then(sector_key),
        care_certificate: staff.care_certificate.map(to_u8),
        l2_care_certificate: staff.l2_care_certificate.and_then(|code| match code {
            1 => Some(L2CareCertificate::Completed {
                year: staff.l2_care_certificate_year,
            }),
            2 => Some(L2CareCertificate::Started),
            3 => Some(L2CareCertificate::No),
            _ => None,
        }),
        qualifications: staff
            .qualifications
            .iter()
            .map(|qualification| to_u16(qualification.code))
            .collect(),
        social_care_qualification: staff.social_care_qualification.map(|answer| match answer {
            QualificationAnswer::Yes { level } => SocialCareQualification::Held {
                level: u8::try_from(level).ok().filter(|level| *level <= 8),
            },
            QualificationAnswer::No => SocialCareQualification::No,
            QualificationAnswer::DontKnow => SocialCareQualification::DontKnow,
        }),
        nmc_specialism: staff.nmc_registration.map(to_u8),
    }
}

/// An ASC-WDS training line as a record.
pub fn ascwds_record(id: u64, training: &Training) -> TrainingRecord {
    let validity = match training.validity {
        None => Validity::Blank,
        Some(carecount_domain::Validity::None) => Validity::NoneSet,
        Some(carecount_domain::Validity::Months(months)) => {
            u16::try_from(months).map_or(Validity::Blank, Validity::Months)
        }
    };
    let mut record = TrainingRecord::ascwds(
        id,
        u16::try_from(training.category).unwrap_or(u16::MAX),
        training.name.as_deref().unwrap_or(""),
        training.completed,
        validity,
        training.expires,
    );
    record.notes = training.notes.clone().unwrap_or_default();
    record
}

/// An entered record as a record; `None` until it is completed (on or before D, §1).
pub fn entered_record(stored: &ComplianceRecord, as_of: Date) -> Option<TrainingRecord> {
    let record = &stored.record;
    if record.completed.is_some_and(|completed| completed > as_of) {
        return None;
    }
    let mut entered = TrainingRecord::entered(
        u64::try_from(stored.id).unwrap_or(0),
        &record.topic,
        record.level.as_deref(),
        record.completed,
        record.expires,
    );
    entered.title = record.title.clone();
    entered.notes = record.notes.clone();
    entered.validity = record
        .validity_months
        .map_or(Validity::Blank, Validity::Months);
    Some(entered)
}

/// A stored exemption as the core's; `None` for an unknown reason (never stored by carecount).
pub fn exemption(stored: &StoredExemption) -> Option<Exemption> {
    let given = &stored.exemption;
    Some(Exemption {
        id: u64::try_from(stored.id).unwrap_or(0),
        topic: given.topic.clone(),
        reason: ExemptionReason::parse(&given.reason)?,
        note: given.note.clone(),
        from: given.from,
        until: given.until,
    })
}
