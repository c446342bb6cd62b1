//! Requirement profiles of §3: the rows, the shipped profile `sfc-2024`, organisation overrides with
//! the statutory floor (§3.4) and the organisation's settings.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::catalogue::{Catalogue, check_level, parse_bounded};
use crate::codes::codes;
use crate::message::{Message, MessageCode, has_errors};
use crate::table::{self, Row, split_list};

const SHIPPED: &str = include_str!("../data/sfc-2024.csv");

/// The shipped profile's name.
pub const SHIPPED_PROFILE: &str = "sfc-2024";

const ROW_COLUMNS: &[&str] = &[
    "id",
    "topic",
    "level",
    "roles",
    "services",
    "service_users",
    "due_within_days",
    "refresh_months",
    "pro_rata",
    "exempt_if",
    "class",
    "source",
];

/// The class of a row (§3.1, §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RowClass {
    Statutory,
    Recommended,
    Local,
}

impl RowClass {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RowClass::Statutory => "statutory",
            RowClass::Recommended => "recommended",
            RowClass::Local => "local",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<RowClass> {
        Some(match text {
            "statutory" => RowClass::Statutory,
            "recommended" => RowClass::Recommended,
            "local" => RowClass::Local,
            _ => return None,
        })
    }
}

/// Which kind of code a selector lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SelectorKind {
    Roles,
    Services,
    ServiceUsers,
}

/// A `roles`, `services` or `service_users` selector: `all`, or a set of codes (keys expanded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// As written, e.g. `care_providing;16;37`.
    pub text: String,
    /// `None` for `all`; else the codes, keys expanded.
    codes: Option<BTreeSet<u16>>,
}

impl Selector {
    /// `all`.
    pub fn all() -> Selector {
        Selector {
            text: "all".to_owned(),
            codes: None,
        }
    }

    /// Whether `code` is selected.
    pub fn matches(&self, code: u16) -> bool {
        self.codes
            .as_ref()
            .is_none_or(|codes| codes.contains(&code))
    }

    /// Whether any of `codes` is selected (service users: "any served").
    pub fn matches_any(&self, codes: &[u16]) -> bool {
        match &self.codes {
            None => true,
            Some(selected) => codes.iter().any(|code| selected.contains(code)),
        }
    }

    /// Whether this selector selects everything `other` does.
    pub fn is_superset_of(&self, other: &Selector) -> bool {
        match (&self.codes, &other.codes) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(mine), Some(theirs)) => mine.is_superset(theirs),
        }
    }

    fn parse(kind: SelectorKind, text: &str) -> Result<Selector, String> {
        let parts = split_list(text);
        if parts.is_empty() || parts.iter().any(|part| part == "all") {
            return Ok(Selector {
                text: if text.is_empty() {
                    "all".to_owned()
                } else {
                    text.to_owned()
                },
                codes: None,
            });
        }
        let tables = codes();
        let mut selected = BTreeSet::new();
        for part in &parts {
            if let Ok(code) = part.parse::<u16>() {
                let known = match kind {
                    SelectorKind::Roles => tables.job_roles.contains_key(&code),
                    SelectorKind::Services => tables.services.contains_key(&code),
                    SelectorKind::ServiceUsers => tables.service_users.contains(&code),
                };
                if !known {
                    return Err(part.clone());
                }
                selected.insert(code);
                continue;
            }
            let expanded: Vec<u16> = match kind {
                SelectorKind::Roles if part == "care_providing" => {
                    tables.care_providing.iter().copied().collect()
                }
                SelectorKind::Roles
                    if ["direct_care", "manager", "regulated", "other"]
                        .contains(&part.as_str()) =>
                {
                    tables
                        .job_roles
                        .iter()
                        .filter(|(_, group)| *group == part)
                        .map(|(code, _)| *code)
                        .collect()
                }
                SelectorKind::Services
                    if [
                        "adult_residential",
                        "adult_day",
                        "adult_domiciliary",
                        "adult_community",
                        "healthcare",
                        "other",
                    ]
                    .contains(&part.as_str()) =>
                {
                    tables
                        .services
                        .iter()
                        .filter(|(_, group)| *group == part)
                        .map(|(code, _)| *code)
                        .collect()
                }
                _ => return Err(part.clone()),
            };
            selected.extend(expanded);
        }
        Ok(Selector {
            text: text.to_owned(),
            codes: Some(selected),
        })
    }
}

/// `exempt_if` (§3.1): releases staff records with a known STARTINSECT before the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExemptIf {
    pub startinsect_before: i32,
}

/// One requirement row (§3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementRow {
    pub id: String,
    pub topic: String,
    pub level: Option<String>,
    pub roles: Selector,
    pub services: Selector,
    pub service_users: Selector,
    pub due_within_days: u16,
    pub refresh_months: Option<u16>,
    pub pro_rata: bool,
    pub exempt_if: Option<ExemptIf>,
    pub class: RowClass,
    pub source: String,
    /// The record number the row came from (header 1).
    pub line: u64,
}

impl RequirementRow {
    /// Whether the row applies to a staff record with this role, main service and service users.
    pub fn applies_to(&self, job_role: u16, main_service: u16, service_users: &[u16]) -> bool {
        self.roles.matches(job_role)
            && self.services.matches(main_service)
            && self.service_users.matches_any(service_users)
    }

    /// The CSV cell text of each column, in `ROW_COLUMNS` order.
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.topic.clone(),
            self.level.clone().unwrap_or_default(),
            self.roles.text.clone(),
            self.services.text.clone(),
            self.service_users.text.clone(),
            self.due_within_days.to_string(),
            self.refresh_months
                .map(|months| months.to_string())
                .unwrap_or_default(),
            if self.pro_rata { "yes" } else { "no" }.to_owned(),
            self.exempt_if
                .map(|rule| format!("startinsect_before:{}", rule.startinsect_before))
                .unwrap_or_default(),
            self.class.as_str().to_owned(),
            self.source.clone(),
        ]
    }
}

/// The column names of a requirement row.
pub fn row_columns() -> &'static [&'static str] {
    ROW_COLUMNS
}

/// Parses one row's 12 columns; `class_override` replaces the `class` column (organisation rows).
fn parse_row(
    catalogue: &Catalogue,
    file: &str,
    row: &Row,
    class_override: Option<RowClass>,
    messages: &mut Vec<Message>,
) -> Option<RequirementRow> {
    let before = messages.len();
    let id = row.get(0);
    if id.is_empty() {
        messages.push(Message::new(
            file,
            row.line,
            "id",
            id,
            MessageCode::MissingValue,
            "id is required",
        ));
    }
    let topic = row.get(1);
    if topic.is_empty() {
        messages.push(Message::new(
            file,
            row.line,
            "topic",
            topic,
            MessageCode::MissingValue,
            "topic is required",
        ));
    } else if catalogue.topic(topic).is_none() {
        messages.push(Message::new(
            file,
            row.line,
            "topic",
            topic,
            MessageCode::UnknownTopic,
            "no such topic in the catalogue",
        ));
    } else {
        check_level(
            catalogue,
            file,
            row.line,
            "level",
            topic,
            row.get(2),
            messages,
        );
    }
    let mut selectors = Vec::new();
    for (index, column, kind, code, what) in [
        (
            3,
            "roles",
            SelectorKind::Roles,
            MessageCode::UnknownRole,
            "an A.4 MAINJOBROLE code or a role key",
        ),
        (
            4,
            "services",
            SelectorKind::Services,
            MessageCode::UnknownService,
            "an A.2 MAINSERVICE code or a service key",
        ),
        (
            5,
            "service_users",
            SelectorKind::ServiceUsers,
            MessageCode::UnknownServiceUser,
            "an A.3 SERVICEUSERS code",
        ),
    ] {
        match Selector::parse(kind, row.get(index)) {
            Ok(selector) => selectors.push(selector),
            Err(bad) => {
                messages.push(Message::new(
                    file,
                    row.line,
                    column,
                    &bad,
                    code,
                    format!("{bad} is not {what}"),
                ));
                selectors.push(Selector::all());
            }
        }
    }
    let due = parse_bounded(file, row, "due_within_days", row.get(6), 0, 3650, messages)
        .flatten()
        .unwrap_or(0);
    let refresh =
        parse_bounded(file, row, "refresh_months", row.get(7), 1, 999, messages).flatten();
    let pro_rata = match row.get(8) {
        "yes" => true,
        "no" | "" => false,
        other => {
            messages.push(Message::new(
                file,
                row.line,
                "pro_rata",
                other,
                MessageCode::BadValue,
                "pro_rata must be yes or no",
            ));
            false
        }
    };
    let exempt_if = match row.get(9) {
        "" => None,
        text => match text
            .strip_prefix("startinsect_before:")
            .and_then(|year| year.parse::<i32>().ok())
        {
            Some(year) if (1900..=2100).contains(&year) => Some(ExemptIf {
                startinsect_before: year,
            }),
            _ => {
                messages.push(Message::new(
                    file,
                    row.line,
                    "exempt_if",
                    text,
                    MessageCode::BadValue,
                    "exempt_if must be startinsect_before:YYYY",
                ));
                None
            }
        },
    };
    let class = match class_override {
        Some(class) => class,
        None => match RowClass::parse(row.get(10)) {
            Some(class) => class,
            None => {
                messages.push(Message::new(
                    file,
                    row.line,
                    "class",
                    row.get(10),
                    MessageCode::BadValue,
                    "class must be statutory, recommended or local",
                ));
                RowClass::Local
            }
        },
    };
    if messages.len() > before {
        return None;
    }
    let mut selectors = selectors.into_iter();
    Some(RequirementRow {
        id: id.to_owned(),
        topic: topic.to_owned(),
        level: Some(row.get(2).to_owned()).filter(|level| !level.is_empty()),
        roles: selectors.next().unwrap_or_else(Selector::all),
        services: selectors.next().unwrap_or_else(Selector::all),
        service_users: selectors.next().unwrap_or_else(Selector::all),
        due_within_days: u16::try_from(due).unwrap_or(0),
        refresh_months: refresh.and_then(|months| u16::try_from(months).ok()),
        pro_rata,
        exempt_if,
        class,
        source: row.get(11).to_owned(),
        line: row.line,
    })
}

/// `contradictory_rows` (§10): same topic, level and selectors, different due, cap, `pro_rata` or
/// `exempt_if`. Reported on the later line, naming both.
fn check_contradictions(file: &str, rows: &[RequirementRow], messages: &mut Vec<Message>) {
    for (index, later) in rows.iter().enumerate() {
        let earlier = rows.iter().take(index).find(|earlier| {
            earlier.topic == later.topic
                && earlier.level == later.level
                && earlier.roles.codes == later.roles.codes
                && earlier.services.codes == later.services.codes
                && earlier.service_users.codes == later.service_users.codes
                && (earlier.due_within_days != later.due_within_days
                    || earlier.refresh_months != later.refresh_months
                    || earlier.pro_rata != later.pro_rata
                    || earlier.exempt_if != later.exempt_if)
        });
        if let Some(earlier) = earlier {
            messages.push(Message::new(
                file,
                later.line,
                "id",
                &later.id,
                MessageCode::ContradictoryRows,
                format!(
                    "lines {} ({}) and {} ({}) select the same staff for {} but differ in due, cap, pro_rata or exempt_if",
                    earlier.line, earlier.id, later.line, later.id, later.topic
                ),
            ));
        }
    }
}

fn check_duplicate_ids<'a>(
    file: &str,
    rows: impl Iterator<Item = (u64, &'a str)>,
    taken: &BTreeSet<String>,
    messages: &mut Vec<Message>,
) {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for (line, id) in rows {
        if id.is_empty() {
            continue;
        }
        if !seen.insert(id) || taken.contains(id) {
            messages.push(Message::new(
                file,
                line,
                "id",
                id,
                MessageCode::DuplicateId,
                format!("id {id} is already used"),
            ));
        }
    }
}

/// Parses a whole profile file in the shipped format (§3.1).
pub fn parse_requirements(
    catalogue: &Catalogue,
    file: &str,
    text: &str,
) -> Result<Vec<RequirementRow>, Vec<Message>> {
    let mut messages = Vec::new();
    let rows = match table::read(file, text, ROW_COLUMNS) {
        Ok(rows) => rows,
        Err(message) => return Err(vec![message]),
    };
    check_duplicate_ids(
        file,
        rows.iter().map(|row| (row.line, row.get(0))),
        &BTreeSet::new(),
        &mut messages,
    );
    let parsed: Vec<RequirementRow> = rows
        .iter()
        .filter_map(|row| parse_row(catalogue, file, row, None, &mut messages))
        .collect();
    check_contradictions(file, &parsed, &mut messages);
    messages.sort_by_key(|message| message.line);
    if has_errors(&messages) {
        Err(messages)
    } else {
        Ok(parsed)
    }
}

/// The shipped profile `sfc-2024` (§3.3), parsed once against the shipped catalogue.
pub fn shipped_rows() -> &'static [RequirementRow] {
    static ROWS: OnceLock<Vec<RequirementRow>> = OnceLock::new();
    ROWS.get_or_init(|| {
        parse_requirements(Catalogue::shipped(), "sfc-2024.csv", SHIPPED).unwrap_or_default()
    })
}

/// The shipped profile's CSV text.
pub fn shipped_text() -> &'static str {
    SHIPPED
}

/// What an organisation row does (§3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Add,
    Replace,
    Remove,
}

impl Action {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Replace => "replace",
            Action::Remove => "remove",
        }
    }
}

/// Where a listed row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Shipped,
    Organisation,
}

impl Origin {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Shipped => "shipped",
            Origin::Organisation => "organisation",
        }
    }
}

/// The state of a listed row (§8 `carecount.requirements.v1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    InForce,
    Replaced,
    Removed,
    Loosened,
}

impl RowState {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RowState::InForce => "in_force",
            RowState::Replaced => "replaced",
            RowState::Removed => "removed",
            RowState::Loosened => "loosened",
        }
    }
}

/// One row as `requirements show` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedRow {
    pub row: RequirementRow,
    pub origin: Origin,
    pub action: Option<Action>,
    pub state: RowState,
    pub reason: Option<String>,
}

/// An organisation's settings (§3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgSettings {
    expiring_days: u16,
    due_soon_days: u16,
}

impl Default for OrgSettings {
    fn default() -> Self {
        OrgSettings {
            expiring_days: 60,
            due_soon_days: 14,
        }
    }
}

/// A setting out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("expiring_days must be 1 to 365, not {0}")]
    ExpiringDays(i64),
    #[error("due_soon_days must be 0 to 365, not {0}")]
    DueSoonDays(i64),
}

impl OrgSettings {
    /// Checked settings: `expiring_days` 1–365, `due_soon_days` 0–365.
    pub fn new(expiring_days: i64, due_soon_days: i64) -> Result<OrgSettings, SettingsError> {
        let expiring = u16::try_from(expiring_days)
            .ok()
            .filter(|days| (1..=365).contains(days));
        let due_soon = u16::try_from(due_soon_days)
            .ok()
            .filter(|days| *days <= 365);
        match (expiring, due_soon) {
            (None, _) => Err(SettingsError::ExpiringDays(expiring_days)),
            (_, None) => Err(SettingsError::DueSoonDays(due_soon_days)),
            (Some(expiring_days), Some(due_soon_days)) => Ok(OrgSettings {
                expiring_days,
                due_soon_days,
            }),
        }
    }

    /// The organisation's expiring window in days [60].
    pub fn expiring_days(&self) -> u16 {
        self.expiring_days
    }

    /// The due-soon window in days [14].
    pub fn due_soon_days(&self) -> u16 {
        self.due_soon_days
    }
}

/// The rows in force for an organisation (§4.2) with the listing `requirements show` gives.
#[derive(Debug, Clone)]
pub struct Profile {
    rows: Vec<RequirementRow>,
    listing: Vec<ListedRow>,
    settings: OrgSettings,
}

impl Profile {
    /// The shipped profile alone.
    pub fn shipped(settings: OrgSettings) -> Profile {
        let rows = shipped_rows().to_vec();
        let listing = rows
            .iter()
            .map(|row| ListedRow {
                row: row.clone(),
                origin: Origin::Shipped,
                action: None,
                state: RowState::InForce,
                reason: None,
            })
            .collect();
        Profile {
            rows,
            listing,
            settings,
        }
    }

    /// A profile from any base rows (tests, an administrator's replacement) with no organisation rows.
    pub fn from_rows(rows: Vec<RequirementRow>, settings: OrgSettings) -> Profile {
        let listing = rows
            .iter()
            .map(|row| ListedRow {
                row: row.clone(),
                origin: Origin::Shipped,
                action: None,
                state: RowState::InForce,
                reason: None,
            })
            .collect();
        Profile {
            rows,
            listing,
            settings,
        }
    }

    /// The shipped profile with an organisation's file applied (§3.4). Every §10 message is
    /// returned, and nothing is built, when any is an error.
    pub fn with_organisation(
        catalogue: &Catalogue,
        shipped: &[RequirementRow],
        file: &str,
        text: &str,
        settings: OrgSettings,
    ) -> Result<Profile, Vec<Message>> {
        let organisation = parse_organisation_rows(catalogue, shipped, file, text)?;
        Ok(Profile::apply(shipped, organisation, settings))
    }

    fn apply(
        shipped: &[RequirementRow],
        organisation: Vec<OrgRow>,
        settings: OrgSettings,
    ) -> Profile {
        let mut listing: Vec<ListedRow> = Vec::new();
        for base in shipped {
            let change = organisation
                .iter()
                .find(|org| org.action != Action::Add && org.target == base.id);
            let state = match change.map(|org| org.action) {
                Some(Action::Remove) => RowState::Removed,
                Some(Action::Replace) => RowState::Replaced,
                _ => RowState::InForce,
            };
            listing.push(ListedRow {
                row: base.clone(),
                origin: Origin::Shipped,
                action: None,
                state,
                reason: change.and_then(|org| org.reason.clone()),
            });
        }
        for org in organisation {
            if let Some(row) = org.row {
                let state = if org.loosened {
                    RowState::Loosened
                } else {
                    RowState::InForce
                };
                listing.push(ListedRow {
                    row,
                    origin: Origin::Organisation,
                    action: Some(org.action),
                    state,
                    reason: org.reason,
                });
            } else if org.action == Action::Remove {
                // A loosening removal shows as `loosened` on the shipped row (§3.4).
                if let Some(listed) = listing
                    .iter_mut()
                    .find(|listed| listed.origin == Origin::Shipped && listed.row.id == org.target)
                {
                    listed.state = RowState::Loosened;
                    listed.action = Some(Action::Remove);
                }
            }
        }
        let rows = listing
            .iter()
            .filter(|listed| match listed.origin {
                Origin::Shipped => listed.state == RowState::InForce,
                Origin::Organisation => true,
            })
            .map(|listed| listed.row.clone())
            .collect();
        Profile {
            rows,
            listing,
            settings,
        }
    }

    /// The rows in force.
    pub fn rows(&self) -> &[RequirementRow] {
        &self.rows
    }

    /// Every row with its origin, action, state and reason.
    pub fn listing(&self) -> &[ListedRow] {
        &self.listing
    }

    /// The organisation's settings.
    pub fn settings(&self) -> OrgSettings {
        self.settings
    }

    /// A row in force by id.
    pub fn row(&self, id: &str) -> Option<&RequirementRow> {
        self.rows.iter().find(|row| row.id == id)
    }
}

struct OrgRow {
    action: Action,
    /// The shipped id for replace/remove, the new id for add.
    target: String,
    row: Option<RequirementRow>,
    reason: Option<String>,
    loosened: bool,
}

/// `row_has_no_effect` warnings (§10): organisation rows that no staff record matches. The caller
/// gives the (job role, main service, service users) of its staff records.
pub fn rows_without_effect(
    profile: &Profile,
    file: &str,
    staff: &[(u16, u16, Vec<u16>)],
) -> Vec<Message> {
    profile
        .listing()
        .iter()
        .filter(|listed| listed.origin == Origin::Organisation)
        .filter(|listed| {
            !staff
                .iter()
                .any(|(role, service, users)| listed.row.applies_to(*role, *service, users))
        })
        .map(|listed| {
            Message::new(
                file,
                listed.row.line,
                "id",
                &listed.row.id,
                MessageCode::RowHasNoEffect,
                "no staff record matches this row",
            )
        })
        .collect()
}

fn parse_organisation_rows(
    catalogue: &Catalogue,
    shipped: &[RequirementRow],
    file: &str,
    text: &str,
) -> Result<Vec<OrgRow>, Vec<Message>> {
    let mut header: Vec<&str> = ROW_COLUMNS.to_vec();
    header.extend(["action", "reason"]);
    let rows = match table::read(file, text, &header) {
        Ok(rows) => rows,
        Err(message) => return Err(vec![message]),
    };
    let mut messages = Vec::new();
    let shipped_ids: BTreeSet<String> = shipped.iter().map(|row| row.id.clone()).collect();
    // Added rows take new ids; replace and remove name shipped ids, each at most once.
    check_duplicate_ids(
        file,
        rows.iter()
            .filter(|row| row.get(12) == "add")
            .map(|row| (row.line, row.get(0))),
        &shipped_ids,
        &mut messages,
    );
    check_duplicate_ids(
        file,
        rows.iter()
            .filter(|row| row.get(12) != "add")
            .map(|row| (row.line, row.get(0))),
        &BTreeSet::new(),
        &mut messages,
    );
    let mut organisation = Vec::new();
    for row in &rows {
        let reason = Some(row.get(13).to_owned()).filter(|reason| !reason.is_empty());
        let action = match row.get(12) {
            "add" => Action::Add,
            "replace" => Action::Replace,
            "remove" => Action::Remove,
            other => {
                messages.push(Message::new(
                    file,
                    row.line,
                    "action",
                    other,
                    MessageCode::BadValue,
                    "action must be add, replace or remove",
                ));
                continue;
            }
        };
        let id = row.get(0);
        let original = shipped.iter().find(|shipped_row| shipped_row.id == id);
        if action != Action::Add && original.is_none() {
            messages.push(Message::new(
                file,
                row.line,
                "id",
                id,
                MessageCode::UnknownRow,
                format!("no shipped row has id {id}"),
            ));
            continue;
        }
        match (action, original) {
            (Action::Add, _) => {
                if let Some(parsed) =
                    parse_row(catalogue, file, row, Some(RowClass::Local), &mut messages)
                {
                    organisation.push(OrgRow {
                        action,
                        target: parsed.id.clone(),
                        row: Some(parsed),
                        reason,
                        loosened: false,
                    });
                }
            }
            (Action::Remove, Some(original)) => {
                if original.class == RowClass::Statutory {
                    messages.push(Message::new(
                        file,
                        row.line,
                        "action",
                        "remove",
                        MessageCode::StatutoryLoosened,
                        format!("{} is statutory and cannot be removed", original.id),
                    ));
                } else if reason.is_none() {
                    messages.push(Message::new(
                        file,
                        row.line,
                        "reason",
                        "",
                        MessageCode::ReasonRequired,
                        format!("removing recommended row {} needs a reason", original.id),
                    ));
                } else {
                    organisation.push(OrgRow {
                        action,
                        target: original.id.clone(),
                        row: None,
                        reason,
                        loosened: true,
                    });
                }
            }
            (Action::Replace, Some(original)) => {
                let Some(mut parsed) =
                    parse_row(catalogue, file, row, Some(original.class), &mut messages)
                else {
                    continue;
                };
                parsed.source = if parsed.source.is_empty() {
                    original.source.clone()
                } else {
                    parsed.source
                };
                let loosened = looser_columns(catalogue, original, &parsed);
                if original.class == RowClass::Statutory {
                    for (column, value, shipped_value) in &loosened {
                        messages.push(Message::new(
                            file,
                            row.line,
                            column,
                            value,
                            MessageCode::StatutoryLoosened,
                            format!("{} is statutory: {column} {value:?} is looser than the shipped {shipped_value:?}", original.id),
                        ));
                    }
                    if !loosened.is_empty() {
                        continue;
                    }
                } else if !loosened.is_empty() && reason.is_none() {
                    messages.push(Message::new(
                        file,
                        row.line,
                        "reason",
                        "",
                        MessageCode::ReasonRequired,
                        format!("loosening recommended row {} needs a reason", original.id),
                    ));
                    continue;
                }
                organisation.push(OrgRow {
                    action,
                    target: original.id.clone(),
                    row: Some(parsed),
                    reason,
                    loosened: !loosened.is_empty(),
                });
            }
            (_, None) => {}
        }
    }
    let parsed_rows: Vec<RequirementRow> = organisation
        .iter()
        .filter_map(|org| org.row.clone())
        .collect();
    check_contradictions(file, &parsed_rows, &mut messages);
    messages.sort_by_key(|message| message.line);
    if has_errors(&messages) {
        Err(messages)
    } else {
        Ok(organisation)
    }
}

/// The columns in which `replacement` is not at least as strict as `original` (§3.4), each as
/// (column, value, shipped value).
pub fn looser_columns(
    catalogue: &Catalogue,
    original: &RequirementRow,
    replacement: &RequirementRow,
) -> Vec<(String, String, String)> {
    let mut looser = Vec::new();
    let mut push = |column: &str, value: String, shipped: String| {
        looser.push((column.to_owned(), value, shipped))
    };
    if replacement.topic != original.topic {
        push("topic", replacement.topic.clone(), original.topic.clone());
    }
    let ordinal = |row: &RequirementRow| match &row.level {
        Some(level) => catalogue.level_ordinal(&row.topic, level),
        None => catalogue
            .lowest_level(&row.topic)
            .map(|level| level.ordinal),
    };
    if replacement.topic == original.topic && ordinal(replacement) < ordinal(original) {
        push(
            "level",
            replacement.level.clone().unwrap_or_default(),
            original.level.clone().unwrap_or_default(),
        );
    }
    if replacement.due_within_days > original.due_within_days {
        push(
            "due_within_days",
            replacement.due_within_days.to_string(),
            original.due_within_days.to_string(),
        );
    }
    let cap_looser = match (original.refresh_months, replacement.refresh_months) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(shipped), Some(given)) => given > shipped,
    };
    if cap_looser {
        let text = |cap: Option<u16>| cap.map(|months| months.to_string()).unwrap_or_default();
        push(
            "refresh_months",
            text(replacement.refresh_months),
            text(original.refresh_months),
        );
    }
    for (column, given, shipped) in [
        ("roles", &replacement.roles, &original.roles),
        ("services", &replacement.services, &original.services),
        (
            "service_users",
            &replacement.service_users,
            &original.service_users,
        ),
    ] {
        if !given.is_superset_of(shipped) {
            push(column, given.text.clone(), shipped.text.clone());
        }
    }
    if replacement.pro_rata && !original.pro_rata {
        push("pro_rata", "yes".to_owned(), "no".to_owned());
    }
    let exempt_looser = match (original.exempt_if, replacement.exempt_if) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(shipped), Some(given)) => given.startinsect_before > shipped.startinsect_before,
    };
    if exempt_looser {
        let text = |rule: Option<ExemptIf>| {
            rule.map(|rule| format!("startinsect_before:{}", rule.startinsect_before))
                .unwrap_or_default()
        };
        push(
            "exempt_if",
            text(replacement.exempt_if),
            text(original.exempt_if),
        );
    }
    looser
}
