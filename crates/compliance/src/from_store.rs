//! Reading the store's records as compliance inputs: a staff record and its workplace as
//! [`StaffFacts`], ASC-WDS training lines and entered records as [`TrainingRecord`]s, stored
//! exemptions, the organisation's profile reference; and the loaders built on them: one
//! organisation's inputs through its owner scope ([`load_org`]), an area's, region's or England's
//! from analysis records ([`load_area`]), and the check of a training import against the stored
//! records ([`check_import`]). The CLI and the web app share these; who may ask is their business.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use carecount_domain::{QualificationAnswer, Staff, Training, Workplace};
use carecount_store::compliance::{
    ComplianceRecord, NewComplianceRecord, ProfileVersion, StoredExemption,
};
use carecount_store::{AnalysisWorkplace, Store};
use time::Date;

use crate::facts::{L2CareCertificate, SocialCareQualification};
use crate::figures::Audience;
use crate::import::{EnteredRecord, ImportContext, parse_training_import};
use crate::wire::{GroupJson, ProfileRefJson, StatusHeader};
use crate::{
    Catalogue, Exemption, ExemptionReason, Message, OrgSettings, Profile, Rules, StaffFacts,
    StaffInput, StaffStatus, TrainingRecord, Validity,
};

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

// ---------------------------------------------------------------------------------------------
// The loaders: an organisation (owner scope), an area, region or England (analysis records), and
// the training-import check. The CLI maps [`LoadError`] to its usage errors, the web app to its
// status codes.

/// Why an organisation's or an area's inputs could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] carecount_store::StoreError),
    /// The store holds no such organisation.
    #[error("unknown organisation {org:?}; the store holds: {}", list_or_none(.valid))]
    UnknownOrg { org: String, valid: Vec<String> },
    /// The organisation has no snapshot on or before the as-of date.
    #[error(
        "organisation {org:?} has no snapshot on or before {}",
        crate::date::format_iso(*.as_of)
    )]
    NoSnapshot { org: String, as_of: Date },
    /// No workplace is placed in the area (or region) on the as-of date.
    #[error(
        "unknown {kind} {given:?} (no workplace on {}); valid: {}",
        crate::date::format_iso(*.as_of),
        list_or_none(.valid)
    )]
    UnknownPlace {
        /// `area`, `region` or `England`.
        kind: &'static str,
        given: String,
        as_of: Date,
        /// The codes of that kind that hold workplaces on the as-of date.
        valid: Vec<String>,
    },
    /// The stored settings of an organisation's profile are out of range.
    #[error("the stored requirement settings of {org}: {error}")]
    Settings {
        org: String,
        error: crate::profile::SettingsError,
    },
    /// The stored requirement profile no longer passes the checks.
    #[error(
        "the stored requirement profile of {org} (version {version}) no longer checks: {}",
        .messages.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    )]
    BrokenProfile {
        org: String,
        version: u32,
        messages: Vec<Message>,
    },
    /// A staff record an import named disappeared between the check and the id lookup.
    #[error("staff record {staff} at {workplace} vanished while importing")]
    Vanished { workplace: String, staff: String },
}

fn list_or_none(valid: &[String]) -> String {
    if valid.is_empty() {
        "none".to_owned()
    } else {
        valid.join(", ")
    }
}

/// One staff record's inputs.
#[derive(Debug, Clone)]
pub struct StaffEntry {
    /// The store's stable staff id (entered records and exemptions are keyed by it; `-1` when
    /// the store has no id for the record).
    pub staff_id: i64,
    pub facts: StaffFacts,
    pub records: Vec<TrainingRecord>,
    pub exemptions: Vec<Exemption>,
}

/// Statuses of `staff` under `profile` at `as_of` (in the order given).
pub fn statuses_of<'a>(
    profile: &Profile,
    staff: impl IntoIterator<Item = &'a StaffEntry>,
    as_of: Date,
) -> Vec<StaffStatus> {
    let rules = Rules {
        catalogue: Catalogue::shipped(),
        profile,
    };
    staff
        .into_iter()
        .map(|entry| {
            rules.staff_status(
                StaffInput {
                    staff: &entry.facts,
                    records: &entry.records,
                    exemptions: &entry.exemptions,
                },
                as_of,
            )
        })
        .collect()
}

/// One organisation's inputs at D.
#[derive(Debug)]
pub struct OrgData {
    pub org: String,
    pub as_of: Date,
    pub profile: Profile,
    pub version: Option<ProfileVersion>,
    pub staff: Vec<StaffEntry>,
}

impl OrgData {
    /// Statuses of every staff record (in store order).
    pub fn statuses(&self) -> Vec<StaffStatus> {
        statuses_of(&self.profile, &self.staff, self.as_of)
    }

    /// Statuses of some of the staff records.
    pub fn statuses_of<'a>(
        &self,
        entries: impl IntoIterator<Item = &'a StaffEntry>,
    ) -> Vec<StaffStatus> {
        statuses_of(&self.profile, entries, self.as_of)
    }

    /// `profile` of the status JSON.
    pub fn profile_ref(&self) -> ProfileRefJson {
        profile_ref(self.version.as_ref())
    }

    /// The entry of (LOCALESTID, UNIQUEWORKERID).
    pub fn entry(&self, workplace: &str, staff: &str) -> Option<&StaffEntry> {
        self.staff
            .iter()
            .find(|entry| entry.facts.workplace == workplace && entry.facts.staff == staff)
    }

    /// The staff id of (LOCALESTID, UNIQUEWORKERID).
    pub fn staff_id(&self, workplace: &str, staff: &str) -> Option<i64> {
        self.entry(workplace, staff).map(|entry| entry.staff_id)
    }

    /// (LOCALESTID, UNIQUEWORKERID) of a staff id.
    pub fn keys_of(&self, staff_id: i64) -> Option<(String, String)> {
        self.staff
            .iter()
            .find(|entry| entry.staff_id == staff_id)
            .map(|entry| (entry.facts.workplace.clone(), entry.facts.staff.clone()))
    }

    /// The employer's status header of a workplace or staff record of this organisation.
    pub fn header(&self, workplace: Option<String>, staff: Option<String>) -> StatusHeader {
        StatusHeader {
            as_of: self.as_of,
            audience: Audience::Employer,
            group: GroupJson {
                org: Some(self.org.clone()),
                workplace,
                staff,
                area: None,
                region: None,
            },
            profile: self.profile_ref(),
            expiring_days: self.profile.settings().expiring_days(),
        }
    }
}

/// The shipped profile with an organisation file (blank text: none) and settings; `file` names
/// the text in messages.
pub fn profile_from_text(
    file: &str,
    text: &str,
    settings: OrgSettings,
) -> Result<Profile, Vec<Message>> {
    if text.trim().is_empty() {
        return Ok(Profile::shipped(settings));
    }
    Profile::with_organisation(
        Catalogue::shipped(),
        crate::profile::shipped_rows(),
        file,
        text,
        settings,
    )
}

/// The profile of `org` in force on `as_of`: the shipped one with the organisation's version.
pub fn org_profile(
    store: &Store,
    org: &str,
    as_of: Date,
) -> Result<(Profile, Option<ProfileVersion>), LoadError> {
    let version = store.requirement_profile_at(org, Some(as_of))?;
    let profile = match &version {
        None => Profile::shipped(OrgSettings::default()),
        Some(version) => {
            let settings = OrgSettings::new(
                i64::from(version.expiring_days),
                i64::from(version.due_soon_days),
            )
            .map_err(|error| LoadError::Settings {
                org: org.to_owned(),
                error,
            })?;
            profile_from_text("requirements", &version.file_text, settings).map_err(|messages| {
                LoadError::BrokenProfile {
                    org: org.to_owned(),
                    version: version.version,
                    messages,
                }
            })?
        }
    };
    Ok((profile, version))
}

type ByStaff<T> = HashMap<(String, i64), Vec<T>>;

/// Entered records and exemptions of `org` (every organisation when `None`), by
/// (organisation, staff id).
fn entered_and_exempted(
    store: &Store,
    org: Option<&str>,
) -> Result<(ByStaff<ComplianceRecord>, ByStaff<StoredExemption>), LoadError> {
    let mut records: ByStaff<ComplianceRecord> = HashMap::new();
    for record in store.compliance_records(org)? {
        records
            .entry((record.org.clone(), record.record.staff_id))
            .or_default()
            .push(record);
    }
    let mut exemptions: ByStaff<StoredExemption> = HashMap::new();
    for stored in store.compliance_exemptions(org)? {
        exemptions
            .entry((stored.org.clone(), stored.exemption.staff_id))
            .or_default()
            .push(stored);
    }
    Ok((records, exemptions))
}

/// A staff record's entry: its ASC-WDS records, then its entered records completed by `as_of`,
/// and its exemptions.
fn entry(
    key: (String, i64),
    facts: StaffFacts,
    mut records: Vec<TrainingRecord>,
    entered: &mut ByStaff<ComplianceRecord>,
    exempted: &mut ByStaff<StoredExemption>,
    as_of: Date,
) -> StaffEntry {
    records.extend(
        entered
            .remove(&key)
            .unwrap_or_default()
            .iter()
            .filter_map(|record| entered_record(record, as_of)),
    );
    let exemptions = exempted
        .remove(&key)
        .unwrap_or_default()
        .iter()
        .filter_map(exemption)
        .collect();
    StaffEntry {
        staff_id: key.1,
        facts,
        records,
        exemptions,
    }
}

/// The as-of date of a read when the caller names none: the date the data describes, that is
/// the as-of date of the organisation's latest snapshot on or before `today` (with `org`), or of
/// the store's latest (without); `today` when there is none (or the organisation is unknown,
/// which the load then reports). See `docs/decisions/compliance.md` ("Default as-of date").
pub fn default_as_of(store: &Store, org: Option<&str>, today: Date) -> Result<Date, LoadError> {
    let latest = match org {
        Some(org) => {
            if !store.orgs()?.iter().any(|known| known == org) {
                return Ok(today);
            }
            store
                .snapshot_at(org, Some(today))?
                .map(|snapshot| snapshot.as_of)
        }
        None => store
            .snapshot_dates()?
            .into_iter()
            .filter(|date| *date <= today)
            .max(),
    };
    Ok(latest.unwrap_or(today))
}

/// One organisation's inputs at `as_of` through its owner scope (who may ask is the caller's
/// business). An unknown organisation or one with no snapshot on or before `as_of` is an error.
pub fn load_org(store: &Store, org: &str, as_of: Date) -> Result<OrgData, LoadError> {
    let orgs = store.orgs()?;
    if !orgs.iter().any(|known| known == org) {
        return Err(LoadError::UnknownOrg {
            org: org.to_owned(),
            valid: orgs,
        });
    }
    let scope = store.owner_scope(org)?;
    let Some(snapshot) = store.snapshot_at(org, Some(as_of))? else {
        return Err(LoadError::NoSnapshot {
            org: org.to_owned(),
            as_of,
        });
    };
    let records = store.org_records(&scope, &snapshot)?;
    let refs = store.compliance_staff(&scope, &snapshot)?;
    let ids: HashMap<(&str, &str), i64> = refs
        .iter()
        .map(|found| {
            (
                (found.localestid.as_str(), found.unique_worker_id.as_str()),
                found.staff_id,
            )
        })
        .collect();
    let workplaces: HashMap<&str, &Workplace> = records
        .workplaces
        .iter()
        .map(|workplace| (workplace.localestid.as_str(), workplace))
        .collect();
    let mut training: HashMap<(&str, &str), Vec<TrainingRecord>> = HashMap::new();
    for (index, line) in (1u64..).zip(&records.training) {
        training
            .entry((line.localestid.as_str(), line.unique_worker_id.as_str()))
            .or_default()
            .push(ascwds_record(index, line));
    }
    let (mut entered, mut exempted) = entered_and_exempted(store, Some(org))?;
    let (profile, version) = org_profile(store, org, as_of)?;
    let mut staff = Vec::with_capacity(records.staff.len());
    for member in &records.staff {
        let key = (member.localestid.as_str(), member.unique_worker_id.as_str());
        let staff_id = ids.get(&key).copied().unwrap_or(-1);
        let own = training.remove(&key).unwrap_or_default();
        let facts = staff_facts(member, workplaces.get(member.localestid.as_str()).copied());
        staff.push(entry(
            (org.to_owned(), staff_id),
            facts,
            own,
            &mut entered,
            &mut exempted,
            as_of,
        ));
    }
    Ok(OrgData {
        org: org.to_owned(),
        as_of,
        profile,
        version,
        staff,
    })
}

/// Which workplaces an area read covers: a council's, a region's or England's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    Area(&'a str),
    Region(&'a str),
    England,
}

impl Place<'_> {
    /// Whether the place covers the workplace.
    pub fn covers(&self, workplace: &AnalysisWorkplace) -> bool {
        match self {
            Place::Area(code) => workplace
                .area
                .as_ref()
                .is_some_and(|placed| placed.code == *code),
            Place::Region(code) => workplace
                .area
                .as_ref()
                .is_some_and(|placed| placed.region_code.as_deref() == Some(*code)),
            Place::England => true,
        }
    }
}

/// An area's (region's, England's) inputs: analysis records, no personal field.
#[derive(Debug)]
pub struct AreaData {
    /// Per organisation (in name order): its name, profile and staff entries.
    pub orgs: Vec<(String, Profile, Vec<StaffEntry>)>,
    pub as_of: Date,
    /// The region code of the place's workplaces, when known.
    pub region: Option<String>,
}

impl AreaData {
    /// Statuses of every staff record, organisation by organisation.
    pub fn statuses(&self) -> Vec<StaffStatus> {
        self.orgs
            .iter()
            .flat_map(|(_, profile, staff)| statuses_of(profile, staff, self.as_of))
            .collect()
    }
}

/// The inputs of every workplace `place` covers on `as_of`, from analysis records (DISPLAYID
/// blanked). A place no workplace is in is [`LoadError::UnknownPlace`].
pub fn load_area(store: &Store, place: Place<'_>, as_of: Date) -> Result<AreaData, LoadError> {
    let records = store.analysis_records(as_of)?;
    let chosen: HashMap<i64, &AnalysisWorkplace> = records
        .workplaces
        .iter()
        .filter(|workplace| place.covers(workplace))
        .map(|workplace| (workplace.id, workplace))
        .collect();
    if chosen.is_empty() {
        let valid: BTreeSet<String> = records
            .workplaces
            .iter()
            .filter_map(|workplace| {
                workplace.area.as_ref().map(|area| match place {
                    Place::Region(_) => area.region_code.clone().unwrap_or_default(),
                    Place::Area(_) | Place::England => area.code.clone(),
                })
            })
            .filter(|code| !code.is_empty())
            .collect();
        let (kind, given) = match place {
            Place::Area(code) => ("area", code),
            Place::Region(code) => ("region", code),
            Place::England => ("England", "England"),
        };
        return Err(LoadError::UnknownPlace {
            kind,
            given: given.to_owned(),
            as_of,
            valid: valid.into_iter().collect(),
        });
    }
    let region = records
        .workplaces
        .iter()
        .filter(|workplace| chosen.contains_key(&workplace.id))
        .find_map(|workplace| {
            workplace
                .area
                .as_ref()
                .and_then(|placed| placed.region_code.clone())
        });
    let mut training: HashMap<i64, Vec<TrainingRecord>> = HashMap::new();
    for (index, line) in (1u64..).zip(&records.training) {
        if chosen.contains_key(&line.workplace_id) {
            training
                .entry(line.staff_id)
                .or_default()
                .push(ascwds_record(index, &line.training));
        }
    }
    let (mut entered, mut exempted) = entered_and_exempted(store, None)?;
    let mut by_org: BTreeMap<String, Vec<StaffEntry>> = BTreeMap::new();
    for member in &records.staff {
        let Some(workplace) = chosen.get(&member.workplace_id) else {
            continue;
        };
        let mut facts = staff_facts(&member.staff, Some(&workplace.workplace));
        facts.displayid = String::new();
        let own = training.remove(&member.id).unwrap_or_default();
        let built = entry(
            (member.org.clone(), member.id),
            facts,
            own,
            &mut entered,
            &mut exempted,
            as_of,
        );
        by_org.entry(member.org.clone()).or_default().push(built);
    }
    let mut orgs = Vec::new();
    for (org, staff) in by_org {
        let (profile, _) = org_profile(store, &org, as_of)?;
        orgs.push((org, profile, staff));
    }
    Ok(AreaData {
        orgs,
        as_of,
        region,
    })
}

/// The organisation's stored entered records as the import checks them (`duplicate_record`).
pub fn stored_entered(data: &OrgData, stored: &[ComplianceRecord]) -> Vec<EnteredRecord> {
    stored
        .iter()
        .filter_map(|record| {
            let (workplace, staff) = data.keys_of(record.record.staff_id)?;
            let mut training = entered_record(record, Date::MAX)?;
            training.id = 0;
            Some(EnteredRecord {
                workplace,
                staff,
                record: training,
                provider: record.record.provider.clone(),
                number: record.record.number.clone(),
                revalidation_due: record.record.revalidation_due,
            })
        })
        .collect()
}

/// A checked import: the records to store and the warnings, or every message.
pub type Checked = Result<(Vec<NewComplianceRecord>, Vec<Message>), Vec<Message>>;

/// Checks a whole `training import` text (`file` names it in messages) against the organisation
/// at D and its stored entered records. Stores nothing.
pub fn check_import(
    store: &Store,
    data: &OrgData,
    file: &str,
    text: &str,
) -> Result<Checked, LoadError> {
    let known: BTreeSet<(String, String)> = data
        .staff
        .iter()
        .map(|entry| (entry.facts.workplace.clone(), entry.facts.staff.clone()))
        .collect();
    let stored = stored_entered(data, &store.compliance_records(Some(&data.org))?);
    let context = ImportContext {
        catalogue: Catalogue::shipped(),
        as_of: data.as_of,
        known_staff: &known,
        stored: &stored,
    };
    let outcome = match parse_training_import(context, file, text) {
        Ok(outcome) => outcome,
        Err(messages) => return Ok(Err(messages)),
    };
    let mut records = Vec::with_capacity(outcome.records.len());
    for entered in outcome.records {
        let Some(staff_id) = data.staff_id(&entered.workplace, &entered.staff) else {
            return Err(LoadError::Vanished {
                workplace: entered.workplace,
                staff: entered.staff,
            });
        };
        records.push(new_record(staff_id, entered));
    }
    Ok(Ok((records, outcome.warnings)))
}

/// A checked import line as the store's new record of staff record `staff_id`.
pub fn new_record(staff_id: i64, entered: EnteredRecord) -> NewComplianceRecord {
    let record = entered.record;
    NewComplianceRecord {
        staff_id,
        topic: record.topic.unwrap_or_default(),
        level: record.level,
        completed: record.completed,
        expires: record.expires,
        validity_months: match record.validity {
            Validity::Months(months) => Some(months),
            _ => None,
        },
        title: record.title,
        provider: entered.provider,
        number: entered.number,
        revalidation_due: entered.revalidation_due,
        notes: record.notes,
    }
}
