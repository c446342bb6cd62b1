//! Evidence and status (§4): what a staff record holds, each row's status and each pair's status
//! with its explanation, for any as-of date.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use time::Date;

use crate::catalogue::{Catalogue, TopicKind};
use crate::date::{add_days, add_months, days_between};
use crate::facts::{
    Exemption, ExemptionReason, L2CareCertificate, RecordSource, SocialCareQualification,
    StaffFacts, TrainingRecord, Validity,
};
use crate::message::{Message, MessageCode};
use crate::profile::{Profile, RequirementRow, RowClass};

/// QUALACH code of the Level 2 Adult Social Care Certificate (A.15).
const QUALACH_L2_ASCC: u16 = 158;

/// A pair's (or a row's) status (§4.4), declared worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Missing,
    Expired,
    Expiring,
    NotYetDue,
    Valid,
    Exempt,
}

impl Status {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Missing => "missing",
            Status::Expired => "expired",
            Status::Expiring => "expiring",
            Status::NotYetDue => "not_yet_due",
            Status::Valid => "valid",
            Status::Exempt => "exempt",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<Status> {
        [
            Status::Missing,
            Status::Expired,
            Status::Expiring,
            Status::NotYetDue,
            Status::Valid,
            Status::Exempt,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }

    /// Counted in `required` (§5).
    pub fn is_required(self) -> bool {
        matches!(
            self,
            Status::Valid | Status::Expiring | Status::Expired | Status::Missing
        )
    }
}

/// Why a status is what it is (§4.4, §4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    InProgress,
    LevelTooLow,
    LevelUnknown,
    RegistrationNotRecorded,
    UndatedRecord,
    StartDateUnknown,
    /// Released by a row's `exempt_if`: `rule:<id>`.
    Rule(String),
    /// An active exemption: its reason.
    Exemption(String),
}

impl fmt::Display for Detail {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Detail::InProgress => formatter.write_str("in_progress"),
            Detail::LevelTooLow => formatter.write_str("level_too_low"),
            Detail::LevelUnknown => formatter.write_str("level_unknown"),
            Detail::RegistrationNotRecorded => formatter.write_str("registration_not_recorded"),
            Detail::UndatedRecord => formatter.write_str("undated_record"),
            Detail::StartDateUnknown => formatter.write_str("start_date_unknown"),
            Detail::Rule(id) => write!(formatter, "rule:{id}"),
            Detail::Exemption(reason) => formatter.write_str(reason),
        }
    }
}

/// The step of §4.3 that gave an expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryBasis {
    ExpiryDate,
    Validity,
    TopicRefresh,
    RequirementCap,
    Never,
}

impl ExpiryBasis {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ExpiryBasis::ExpiryDate => "expirydate",
            ExpiryBasis::Validity => "validity",
            ExpiryBasis::TopicRefresh => "topic_refresh",
            ExpiryBasis::RequirementCap => "requirement_cap",
            ExpiryBasis::Never => "never",
        }
    }
}

/// One piece of evidence for a topic (§4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub topic: String,
    pub level: Option<String>,
    pub level_ordinal: Option<u8>,
    pub completed: Option<Date>,
    /// Step 1 of §4.3: EXPIRYDATE (or entered expiry), else completed + VALIDITY − 1 day.
    pub record_expiry: Option<(Date, ExpiryBasis)>,
    pub source: RecordSource,
    /// The record's id (`None` for staff-field evidence).
    pub id: Option<u64>,
    pub title: String,
}

/// Everything a staff record holds, as of D.
#[derive(Debug, Clone, Default)]
pub struct Holdings {
    pub evidence: Vec<Evidence>,
    /// Topics under way (Care Certificate, `l2_ascc`).
    pub in_progress: BTreeSet<String>,
    /// Topics held at an unknown level (SCQUAL `1;999`).
    pub level_unknown: BTreeSet<String>,
    /// Topics with undated records that cannot count.
    pub undated: BTreeSet<String>,
}

/// The winning record of a pair (§8 P `record`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WinningRecord {
    pub source: RecordSource,
    pub id: Option<u64>,
    pub title: String,
    pub level: Option<String>,
    pub completed: Option<Date>,
    /// `None` = never.
    pub expires_on: Option<Date>,
    pub expiry_basis: ExpiryBasis,
}

/// A row's status for a staff record (§4.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowStatus {
    pub row_id: String,
    pub status: Status,
    pub detail: Option<Detail>,
    pub level_ordinal: Option<u8>,
    pub winner: Option<WinningRecord>,
    pub due_on: Option<Date>,
    /// Whether the row gives grace (G > 0).
    pub has_grace: bool,
}

/// A pair's status with its explanation (§4.2, §4.5; §8 P).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairStatus {
    pub topic: String,
    /// The required level: the highest among the rows.
    pub level: Option<String>,
    pub class: RowClass,
    pub status: Status,
    pub detail: Option<Detail>,
    /// The deciding row's winner's expiry (`None`: none, or never).
    pub expires_on: Option<Date>,
    /// `expires_on − D`.
    pub days_left: Option<i64>,
    pub due_on: Option<Date>,
    /// Every row of the pair, by id.
    pub rows: Vec<String>,
    pub deciding_row: Option<String>,
    pub record: Option<WinningRecord>,
    pub exemption: Option<Exemption>,
    /// Whether the deciding row gives grace (for `induction_overdue`, §7).
    pub deciding_row_has_grace: bool,
    /// The window X used for this pair.
    pub expiring_days: u16,
    /// Each row's own status, in row order.
    pub row_statuses: Vec<RowStatus>,
}

/// A staff record's statuses.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffStatus {
    pub staff: StaffFacts,
    pub pairs: Vec<PairStatus>,
}

impl StaffStatus {
    /// The staff record's status: its worst pair's (§5), `None` when nothing is required of it.
    pub fn status(&self) -> Option<Status> {
        self.pairs.iter().map(|pair| pair.status).min()
    }
}

/// The inputs for one staff record.
#[derive(Debug, Clone, Copy)]
pub struct StaffInput<'a> {
    pub staff: &'a StaffFacts,
    pub records: &'a [TrainingRecord],
    pub exemptions: &'a [Exemption],
}

/// The evaluation context: catalogue and profile in force.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub catalogue: &'a Catalogue,
    pub profile: &'a Profile,
}

impl<'a> Rules<'a> {
    /// Evidence of §4.1 as of D: records completed after D are ignored.
    pub fn holdings(
        &self,
        staff: &StaffFacts,
        records: &[TrainingRecord],
        as_of: Date,
    ) -> Holdings {
        let catalogue = self.catalogue;
        let mut holdings = Holdings::default();
        for record in records {
            if record.completed.is_some_and(|completed| completed > as_of) {
                continue;
            }
            let record_expiry = match (record.expires, record.validity, record.completed) {
                (Some(expires), _, _) => Some((expires, ExpiryBasis::ExpiryDate)),
                (None, Validity::Months(months), Some(completed)) => Some((
                    add_days(add_months(completed, i32::from(months)), -1),
                    ExpiryBasis::Validity,
                )),
                _ => None,
            };
            let mut topics: Vec<(String, Option<String>)> = Vec::new();
            match (&record.topic, record.category) {
                (Some(topic), _) => topics.push((topic.clone(), record.level.clone())),
                (None, Some(category)) => {
                    if let Some(rule) = catalogue.category_rule(category, &record.title) {
                        for topic in &rule.topics {
                            let mapped = rule
                                .level
                                .clone()
                                .filter(|level| catalogue.level_ordinal(topic, level).is_some());
                            let level = mapped.or_else(|| {
                                catalogue
                                    .level_from_keywords(topic, &record.title)
                                    .or_else(|| catalogue.level_from_keywords(topic, &record.notes))
                                    .map(|level| level.level.clone())
                            });
                            topics.push((topic.clone(), level));
                        }
                    }
                }
                (None, None) => {}
            }
            for (topic, level) in topics {
                let Some(topic_entry) = catalogue.topic(&topic) else {
                    continue;
                };
                if record.completed.is_none()
                    && record_expiry.is_none()
                    && topic_entry.refresh_months.is_some()
                {
                    holdings.undated.insert(topic);
                    continue;
                }
                let level = level.or_else(|| {
                    catalogue
                        .lowest_level(&topic)
                        .map(|lowest| lowest.level.clone())
                });
                let level_ordinal = level
                    .as_deref()
                    .and_then(|level| catalogue.level_ordinal(&topic, level));
                holdings.evidence.push(Evidence {
                    topic,
                    level,
                    level_ordinal,
                    completed: record.completed,
                    record_expiry,
                    source: record.source,
                    id: Some(record.id),
                    title: record.title.clone(),
                });
            }
        }
        self.staff_field_evidence(staff, &mut holdings);
        self.apply_equivalences(&mut holdings);
        holdings
    }

    fn staff_field_evidence(&self, staff: &StaffFacts, holdings: &mut Holdings) {
        let field = |topic: &str, level: Option<String>, title: &str| {
            let level_ordinal = level
                .as_deref()
                .and_then(|level| self.catalogue.level_ordinal(topic, level));
            Evidence {
                topic: topic.to_owned(),
                level,
                level_ordinal,
                completed: None,
                record_expiry: None,
                source: RecordSource::StaffField,
                id: None,
                title: title.to_owned(),
            }
        };
        match staff.care_certificate {
            Some(1) => holdings
                .evidence
                .push(field("care_certificate", None, "CARECERT 1")),
            Some(3) => {
                holdings.in_progress.insert("care_certificate".to_owned());
            }
            _ => {}
        }
        match staff.l2_care_certificate {
            Some(L2CareCertificate::Completed { .. }) => {
                holdings
                    .evidence
                    .push(field("l2_ascc", None, "L2CARECERT 1"))
            }
            Some(L2CareCertificate::Started) => {
                holdings.in_progress.insert("l2_ascc".to_owned());
            }
            _ => {}
        }
        if staff.qualifications.contains(&QUALACH_L2_ASCC) {
            holdings
                .evidence
                .push(field("l2_ascc", None, "QUALACH 158"));
        }
        match staff.social_care_qualification {
            Some(SocialCareQualification::Held { level: Some(level) }) if level <= 8 => {
                holdings.evidence.push(field(
                    "social_care_qualification",
                    Some(format!("l{level}")),
                    "SCQUAL",
                ));
            }
            Some(SocialCareQualification::Held { .. }) => {
                holdings
                    .level_unknown
                    .insert("social_care_qualification".to_owned());
            }
            _ => {}
        }
    }

    fn apply_equivalences(&self, holdings: &mut Holdings) {
        let catalogue = self.catalogue;
        let mut added = Vec::new();
        for equivalence in catalogue.equivalences() {
            let needed = equivalence
                .satisfier_level
                .as_deref()
                .and_then(|level| catalogue.level_ordinal(&equivalence.satisfier, level));
            for evidence in holdings
                .evidence
                .iter()
                .filter(|evidence| evidence.topic == equivalence.satisfier)
            {
                if needed
                    .is_some_and(|needed| evidence.level_ordinal.is_none_or(|held| held < needed))
                {
                    continue;
                }
                let level = equivalence.level.clone().or_else(|| {
                    catalogue
                        .lowest_level(&equivalence.topic)
                        .map(|lowest| lowest.level.clone())
                });
                let level_ordinal = level
                    .as_deref()
                    .and_then(|level| catalogue.level_ordinal(&equivalence.topic, level));
                added.push(Evidence {
                    topic: equivalence.topic.clone(),
                    level,
                    level_ordinal,
                    ..evidence.clone()
                });
            }
            if holdings.in_progress.contains(&equivalence.satisfier) {
                holdings.in_progress.insert(equivalence.topic.clone());
            }
        }
        holdings.evidence.extend(added);
    }

    /// E of a piece of evidence under a row (§4.3); `None` = never.
    pub fn expiry_under(
        &self,
        evidence: &Evidence,
        row: &RequirementRow,
    ) -> (Option<Date>, ExpiryBasis) {
        if evidence.source == RecordSource::StaffField {
            return (None, ExpiryBasis::Never);
        }
        let refresh = self
            .catalogue
            .topic(&evidence.topic)
            .and_then(|topic| topic.refresh_months);
        let step_two = match (evidence.record_expiry, evidence.completed, refresh) {
            (Some((date, basis)), _, _) => (Some(date), basis),
            (None, Some(completed), Some(months)) => (
                Some(add_days(add_months(completed, i32::from(months)), -1)),
                ExpiryBasis::TopicRefresh,
            ),
            _ => (None, ExpiryBasis::Never),
        };
        match (row.refresh_months, evidence.completed) {
            (Some(cap), Some(completed)) => {
                let capped = add_days(add_months(completed, i32::from(cap)), -1);
                match step_two.0 {
                    Some(date) if date <= capped => step_two,
                    _ => (Some(capped), ExpiryBasis::RequirementCap),
                }
            }
            _ => step_two,
        }
    }

    /// G, the grace in days, after pro-rata (§4.4).
    pub fn grace_days(row: &RequirementRow, staff: &StaffFacts) -> i64 {
        let grace = i64::from(row.due_within_days);
        if !row.pro_rata {
            return grace;
        }
        match staff.weekly_hours() {
            Some(hours) if hours > 0.0 && hours < 37.5 => {
                let stretched = (grace as f64 * 37.5 / hours).ceil();
                let stretched = if stretched.is_finite() {
                    stretched as i64
                } else {
                    i64::MAX
                };
                (2 * grace).min(stretched)
            }
            _ => grace,
        }
    }

    fn expiring_window(&self, topic: &str) -> u16 {
        self.catalogue
            .topic(topic)
            .and_then(|topic| topic.expiring_days)
            .unwrap_or(self.profile.settings().expiring_days())
    }

    /// A row's status for a staff record (§4.4).
    pub fn row_status(
        &self,
        row: &RequirementRow,
        staff: &StaffFacts,
        holdings: &Holdings,
        as_of: Date,
    ) -> RowStatus {
        let catalogue = self.catalogue;
        let row_ordinal = row
            .level
            .as_deref()
            .and_then(|level| catalogue.level_ordinal(&row.topic, level));
        let of_topic: Vec<&Evidence> = holdings
            .evidence
            .iter()
            .filter(|evidence| evidence.topic == row.topic)
            .collect();
        let candidates: Vec<&Evidence> = of_topic
            .iter()
            .copied()
            .filter(|evidence| match row_ordinal {
                None => true,
                Some(needed) => evidence.level_ordinal.is_some_and(|held| held >= needed),
            })
            .collect();
        let winner = candidates
            .iter()
            .map(|evidence| (*evidence, self.expiry_under(evidence, row)))
            .max_by(|(left, (left_expiry, _)), (right, (right_expiry, _))| {
                compare_expiry(*left_expiry, *right_expiry)
                    .then(left.level_ordinal.cmp(&right.level_ordinal))
                    .then(left.completed.cmp(&right.completed))
                    .then(source_rank(left.source).cmp(&source_rank(right.source)))
                    .then(right.id.cmp(&left.id))
            });
        let grace = Rules::grace_days(row, staff);
        let due_on = match staff.start_date {
            Some(start) if grace > 0 => Some(add_days(start, grace)),
            _ => None,
        };
        let window = i64::from(self.expiring_window(&row.topic));
        let winning_expiry = winner.map(|(_, (expiry, _))| expiry);
        let status = match winning_expiry {
            Some(None) => Status::Valid,
            Some(Some(expiry)) if expiry >= as_of => {
                if days_between(as_of, expiry) <= window {
                    Status::Expiring
                } else {
                    Status::Valid
                }
            }
            _ if due_on.is_some_and(|due| as_of <= due) => Status::NotYetDue,
            Some(_) => Status::Expired,
            None => Status::Missing,
        };
        let detail = if matches!(status, Status::Valid | Status::Expiring) {
            None
        } else if holdings.in_progress.contains(&row.topic) {
            Some(Detail::InProgress)
        } else if status == Status::Missing {
            let kind = catalogue.topic(&row.topic).map(|topic| topic.kind);
            if !of_topic.is_empty() {
                Some(Detail::LevelTooLow)
            } else if holdings.level_unknown.contains(&row.topic) {
                Some(Detail::LevelUnknown)
            } else if kind == Some(TopicKind::Registration) {
                Some(Detail::RegistrationNotRecorded)
            } else if holdings.undated.contains(&row.topic) {
                Some(Detail::UndatedRecord)
            } else if grace > 0 && staff.start_date.is_none() {
                Some(Detail::StartDateUnknown)
            } else {
                None
            }
        } else if status == Status::Expired && grace > 0 && staff.start_date.is_none() {
            Some(Detail::StartDateUnknown)
        } else {
            None
        };
        RowStatus {
            row_id: row.id.clone(),
            status,
            detail,
            level_ordinal: row_ordinal,
            winner: winner.map(|(evidence, (expires_on, expiry_basis))| WinningRecord {
                source: evidence.source,
                id: evidence.id,
                title: evidence.title.clone(),
                level: evidence.level.clone(),
                completed: evidence.completed,
                expires_on,
                expiry_basis,
            }),
            due_on,
            has_grace: grace > 0,
        }
    }

    /// The rows in force that apply to a staff record (selectors only; `exempt_if` not applied).
    pub fn applying_rows(&self, staff: &StaffFacts) -> impl Iterator<Item = &'a RequirementRow> {
        let (role, service, users) = (
            staff.job_role,
            staff.main_service,
            staff.service_users.clone(),
        );
        self.profile
            .rows()
            .iter()
            .filter(move |row| row.applies_to(role, service, &users))
    }

    /// Every pair of a staff record at D (§4.2), in topic order of first applying row.
    pub fn staff_status(&self, input: StaffInput<'_>, as_of: Date) -> StaffStatus {
        let staff = input.staff;
        let holdings = self.holdings(staff, input.records, as_of);
        let mut by_topic: Vec<(String, Vec<&RequirementRow>)> = Vec::new();
        for row in self.applying_rows(staff) {
            match by_topic.iter_mut().find(|(topic, _)| *topic == row.topic) {
                Some((_, rows)) => rows.push(row),
                None => by_topic.push((row.topic.clone(), vec![row])),
            }
        }
        let pairs = by_topic
            .into_iter()
            .map(|(topic, rows)| self.pair_status(&topic, &rows, input, &holdings, as_of))
            .collect();
        StaffStatus {
            staff: staff.clone(),
            pairs,
        }
    }

    fn pair_status(
        &self,
        topic: &str,
        rows: &[&RequirementRow],
        input: StaffInput<'_>,
        holdings: &Holdings,
        as_of: Date,
    ) -> PairStatus {
        let staff = input.staff;
        let catalogue = self.catalogue;
        let class = if rows.iter().any(|row| row.class == RowClass::Statutory) {
            RowClass::Statutory
        } else if rows.iter().any(|row| row.class == RowClass::Local) {
            RowClass::Local
        } else {
            RowClass::Recommended
        };
        let binding: Vec<&RequirementRow> = rows
            .iter()
            .copied()
            .filter(|row| {
                !row.exempt_if.is_some_and(|rule| {
                    staff
                        .start_in_sector
                        .is_some_and(|year| year < rule.startinsect_before)
                })
            })
            .collect();
        let level_of = |rows: &[&RequirementRow]| {
            rows.iter()
                .filter_map(|row| {
                    row.level
                        .as_deref()
                        .and_then(|level| catalogue.level_ordinal(topic, level))
                })
                .max()
                .and_then(|ordinal| catalogue.level_by_ordinal(topic, ordinal))
                .map(|level| level.level.clone())
        };
        let row_ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
        let window = self.expiring_window(topic);
        let exempt =
            |detail: Detail, exemption: Option<Exemption>, level: Option<String>| PairStatus {
                topic: topic.to_owned(),
                level,
                class,
                status: Status::Exempt,
                detail: Some(detail),
                expires_on: None,
                days_left: None,
                due_on: None,
                rows: row_ids.clone(),
                deciding_row: None,
                record: None,
                exemption,
                deciding_row_has_grace: false,
                expiring_days: window,
                row_statuses: Vec::new(),
            };
        if let Some(exemption) = input
            .exemptions
            .iter()
            .find(|exemption| exemption.topic == topic && exemption.active_on(as_of))
        {
            let level = level_of(if binding.is_empty() { rows } else { &binding });
            return exempt(
                Detail::Exemption(exemption.reason.as_str().to_owned()),
                Some(exemption.clone()),
                level,
            );
        }
        if binding.is_empty() {
            let first = rows
                .iter()
                .map(|row| row.id.clone())
                .min()
                .unwrap_or_default();
            return exempt(Detail::Rule(first), None, level_of(rows));
        }
        let row_statuses: Vec<RowStatus> = binding
            .iter()
            .map(|row| self.row_status(row, staff, holdings, as_of))
            .collect();
        let deciding = row_statuses.iter().min_by(|left, right| {
            left.status
                .cmp(&right.status)
                .then_with(|| {
                    let expiry =
                        |status: &RowStatus| status.winner.as_ref().map(|winner| winner.expires_on);
                    compare_decider_expiry(expiry(left), expiry(right))
                })
                .then(right.level_ordinal.cmp(&left.level_ordinal))
                .then(left.row_id.cmp(&right.row_id))
        });
        let expires_on = deciding
            .and_then(|status| status.winner.as_ref())
            .and_then(|winner| winner.expires_on);
        PairStatus {
            topic: topic.to_owned(),
            level: level_of(&binding),
            class,
            status: deciding
                .map(|status| status.status)
                .unwrap_or(Status::Missing),
            detail: deciding.and_then(|status| status.detail.clone()),
            expires_on,
            days_left: expires_on.map(|expires| days_between(as_of, expires)),
            due_on: deciding.and_then(|status| status.due_on),
            rows: row_ids,
            deciding_row: deciding.map(|status| status.row_id.clone()),
            record: deciding.and_then(|status| status.winner.clone()),
            exemption: None,
            deciding_row_has_grace: deciding.is_some_and(|status| status.has_grace),
            expiring_days: window,
            row_statuses,
        }
    }

    /// Checks an exemption before it is stored (§4.5): a statutory pair accepts only
    /// `long_term_absence` and `holds_equivalent`; `holds_equivalent` and `other` need a note;
    /// `until` may not be before `from`. Every problem is returned.
    pub fn check_exemption(
        &self,
        staff: &StaffFacts,
        exemption: &Exemption,
    ) -> Result<(), Vec<Message>> {
        let mut messages = Vec::new();
        let statutory = self
            .applying_rows(staff)
            .any(|row| row.topic == exemption.topic && row.class == RowClass::Statutory);
        if statutory && !exemption.reason.allowed_for_statutory() {
            messages.push(Message::new(
                "exemption",
                0,
                "reason",
                exemption.reason.as_str(),
                MessageCode::StatutoryExemptionReason,
                format!(
                    "{} is statutory: only long_term_absence or holds_equivalent may exempt it",
                    exemption.topic
                ),
            ));
        }
        let needs_note = matches!(
            exemption.reason,
            ExemptionReason::HoldsEquivalent | ExemptionReason::Other
        );
        if needs_note && exemption.note.trim().is_empty() {
            messages.push(Message::new(
                "exemption",
                0,
                "note",
                "",
                MessageCode::MissingValue,
                format!(
                    "an exemption for {} needs a note",
                    exemption.reason.as_str()
                ),
            ));
        }
        if let Some(until) = exemption.until
            && until < exemption.from
        {
            messages.push(Message::new(
                "exemption",
                0,
                "until",
                &crate::date::format_iso(until),
                MessageCode::OutOfRange,
                "until is before from",
            ));
        }
        if messages.is_empty() {
            Ok(())
        } else {
            Err(messages)
        }
    }
}

/// Orders expiries with never (`None`) latest.
fn compare_expiry(left: Option<Date>, right: Option<Date>) -> Ordering {
    match (left, right) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(left), Some(right)) => left.cmp(&right),
    }
}

/// Deciding row order (§4.2): no winner first, then the winner expiring first (never last).
fn compare_decider_expiry(left: Option<Option<Date>>, right: Option<Option<Date>>) -> Ordering {
    match (left, right) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(left), Some(right)) => compare_expiry(left, right),
    }
}

/// Entered before imported (§4.4 tie-break): a higher rank wins.
fn source_rank(source: RecordSource) -> u8 {
    match source {
        RecordSource::Entered => 2,
        RecordSource::Ascwds => 1,
        RecordSource::StaffField => 0,
    }
}

/// Counts of each status among pairs, keyed by status.
pub fn count_statuses<'p>(pairs: impl Iterator<Item = &'p PairStatus>) -> BTreeMap<Status, u64> {
    let mut counts = BTreeMap::new();
    for pair in pairs {
        *counts.entry(pair.status).or_insert(0) += 1;
    }
    counts
}
