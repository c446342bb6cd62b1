//! The catalogue of §2: topics, level schemes, the ASC-WDS category mapping and equivalences,
//! shipped as CSV files in `data/` and replaceable by an administrator (checked as §10).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::codes::codes;
use crate::message::{Message, MessageCode, has_errors};
use crate::table::{self, Row, split_list};

const TOPICS: &str = include_str!("../data/topics.csv");
const LEVELS: &str = include_str!("../data/levels.csv");
const CATEGORIES: &str = include_str!("../data/categories.csv");
const EQUIVALENCES: &str = include_str!("../data/equivalences.csv");

const TOPICS_HEADER: &[&str] = &[
    "topic",
    "name",
    "kind",
    "scheme",
    "refresh_months",
    "expiring_days",
    "source",
    "status",
];
const LEVELS_HEADER: &[&str] = &["scheme", "level", "ordinal", "name", "keywords"];
const CATEGORIES_HEADER: &[&str] = &["category", "name_contains", "topics", "level"];
const EQUIVALENCES_HEADER: &[&str] = &["satisfier", "satisfier_level", "topic", "level", "note"];

/// What a topic is (§2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TopicKind {
    Training,
    Induction,
    Qualification,
    Registration,
    Supervision,
}

impl TopicKind {
    fn parse(text: &str) -> Option<TopicKind> {
        Some(match text {
            "training" => TopicKind::Training,
            "induction" => TopicKind::Induction,
            "qualification" => TopicKind::Qualification,
            "registration" => TopicKind::Registration,
            "supervision" => TopicKind::Supervision,
            _ => return None,
        })
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TopicKind::Training => "training",
            TopicKind::Induction => "induction",
            TopicKind::Qualification => "qualification",
            TopicKind::Registration => "registration",
            TopicKind::Supervision => "supervision",
        }
    }
}

/// How well founded a shipped value is (§2 `status`; also unit costs' `illustrative`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceStatus {
    Published,
    Secondary,
    ConfigurableDefault,
    Unverified,
    Illustrative,
}

impl SourceStatus {
    pub(crate) fn parse(text: &str) -> Option<SourceStatus> {
        Some(match text {
            "published" => SourceStatus::Published,
            "secondary" => SourceStatus::Secondary,
            "configurable_default" => SourceStatus::ConfigurableDefault,
            "unverified" => SourceStatus::Unverified,
            "illustrative" => SourceStatus::Illustrative,
            _ => return None,
        })
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceStatus::Published => "published",
            SourceStatus::Secondary => "secondary",
            SourceStatus::ConfigurableDefault => "configurable_default",
            SourceStatus::Unverified => "unverified",
            SourceStatus::Illustrative => "illustrative",
        }
    }
}

/// A row of `topics.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub topic: String,
    pub name: String,
    pub kind: TopicKind,
    /// The level scheme, `None` for an unlevelled topic.
    pub scheme: Option<String>,
    /// Months 1–999; `None` = never refreshed.
    pub refresh_months: Option<u16>,
    /// The topic's own expiring window; `None` = the organisation's.
    pub expiring_days: Option<u16>,
    pub source: String,
    pub status: SourceStatus,
}

/// A row of `levels.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    pub scheme: String,
    pub level: String,
    pub ordinal: u8,
    pub name: String,
    /// Lower-case keywords, each one or more whole words.
    pub keywords: Vec<String>,
}

/// A row of `categories.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryRule {
    pub category: u16,
    /// Lower case; `None` is the fallback.
    pub name_contains: Option<String>,
    pub topics: Vec<String>,
    pub level: Option<String>,
}

/// A row of `equivalences.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Equivalence {
    pub satisfier: String,
    pub satisfier_level: Option<String>,
    pub topic: String,
    pub level: Option<String>,
    pub note: String,
}

/// The four catalogue files' text, named as the caller wants them in messages.
#[derive(Debug, Clone, Copy)]
pub struct CatalogueFiles<'a> {
    pub topics: (&'a str, &'a str),
    pub levels: (&'a str, &'a str),
    pub categories: (&'a str, &'a str),
    pub equivalences: (&'a str, &'a str),
}

/// The catalogue in force (see [`Catalogue::shipped`]).
static IN_FORCE: OnceLock<Catalogue> = OnceLock::new();

/// The checked catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    topics: Vec<Topic>,
    topic_index: BTreeMap<String, usize>,
    levels: BTreeMap<String, Vec<Level>>,
    categories: Vec<CategoryRule>,
    equivalences: Vec<Equivalence>,
}

impl Catalogue {
    /// The catalogue in force, parsed once: the shipped files (checked by this crate's tests),
    /// unless the binary installed an administrator's replacement with [`Catalogue::install`]
    /// before first use (`carecount catalogue set`, §2).
    pub fn shipped() -> &'static Catalogue {
        IN_FORCE.get_or_init(|| match Catalogue::parse(Catalogue::shipped_files()) {
            Ok(catalogue) => catalogue,
            // The shipped files parse cleanly (tested); an empty catalogue is the safe fallback.
            Err(_) => Catalogue {
                topics: Vec::new(),
                topic_index: BTreeMap::new(),
                levels: BTreeMap::new(),
                categories: Vec::new(),
                equivalences: Vec::new(),
            },
        })
    }

    /// Puts a replacement catalogue (checked by [`Catalogue::replacement`]) in force for this
    /// process. Only before the catalogue is first used: false when it already was, and the
    /// catalogue in force is then unchanged.
    pub fn install(catalogue: Catalogue) -> bool {
        IN_FORCE.set(catalogue).is_ok()
    }

    /// Checks an administrator's replacement catalogue whole (§2, §10): the four files, then the
    /// shipped requirement profile and unit costs against it (a replacement may not drop a
    /// topic or level they name). All messages are returned when any is an error.
    pub fn replacement(files: CatalogueFiles<'_>) -> Result<Catalogue, Vec<Message>> {
        let catalogue = Catalogue::parse(files)?;
        let mut messages = Vec::new();
        if let Err(found) = crate::profile::parse_requirements(
            &catalogue,
            "sfc-2024.csv (shipped profile)",
            crate::profile::shipped_text(),
        ) {
            messages.extend(found);
        }
        if let Err(found) = crate::tna::parse_unit_costs(
            &catalogue,
            "unit-costs.csv (shipped)",
            crate::tna::shipped_unit_costs_text(),
            crate::tna::CostOrigin::Shipped,
        ) {
            messages.extend(found);
        }
        if crate::message::has_errors(&messages) {
            Err(messages)
        } else {
            Ok(catalogue)
        }
    }

    /// The shipped files' text.
    pub fn shipped_files() -> CatalogueFiles<'static> {
        CatalogueFiles {
            topics: ("topics.csv", TOPICS),
            levels: ("levels.csv", LEVELS),
            categories: ("categories.csv", CATEGORIES),
            equivalences: ("equivalences.csv", EQUIVALENCES),
        }
    }

    /// Checks a whole catalogue (§2, §10). All messages are returned when any is an error.
    pub fn parse(files: CatalogueFiles<'_>) -> Result<Catalogue, Vec<Message>> {
        let mut messages = Vec::new();
        let levels = parse_levels(files.levels, &mut messages);
        let topics = parse_topics(files.topics, &levels, &mut messages);
        let topic_index: BTreeMap<String, usize> = topics
            .iter()
            .enumerate()
            .map(|(index, topic)| (topic.topic.clone(), index))
            .collect();
        let mut catalogue = Catalogue {
            topics,
            topic_index,
            levels,
            categories: Vec::new(),
            equivalences: Vec::new(),
        };
        catalogue.categories = parse_categories(files.categories, &catalogue, &mut messages);
        catalogue.equivalences = parse_equivalences(files.equivalences, &catalogue, &mut messages);
        if has_errors(&messages) {
            Err(messages)
        } else {
            Ok(catalogue)
        }
    }

    /// Every topic, in file order.
    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }

    /// A topic by key.
    pub fn topic(&self, topic: &str) -> Option<&Topic> {
        self.topic_index
            .get(topic)
            .and_then(|&index| self.topics.get(index))
    }

    /// A scheme's levels, lowest first.
    pub fn levels(&self, scheme: &str) -> &[Level] {
        self.levels.get(scheme).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every scheme key.
    pub fn schemes(&self) -> impl Iterator<Item = &str> {
        self.levels.keys().map(String::as_str)
    }

    /// The category rules, in file order.
    pub fn categories(&self) -> &[CategoryRule] {
        &self.categories
    }

    /// The equivalences.
    pub fn equivalences(&self) -> &[Equivalence] {
        &self.equivalences
    }

    /// The ordinal of `level` within `topic`'s scheme.
    pub fn level_ordinal(&self, topic: &str, level: &str) -> Option<u8> {
        let scheme = self.topic(topic)?.scheme.as_deref()?;
        self.levels(scheme)
            .iter()
            .find(|candidate| candidate.level == level)
            .map(|found| found.ordinal)
    }

    /// The lowest level of `topic`'s scheme, `None` for an unlevelled topic.
    pub fn lowest_level(&self, topic: &str) -> Option<&Level> {
        let scheme = self.topic(topic)?.scheme.as_deref()?;
        self.levels(scheme).first()
    }

    /// A level of `topic` by its ordinal.
    pub fn level_by_ordinal(&self, topic: &str, ordinal: u8) -> Option<&Level> {
        let scheme = self.topic(topic)?.scheme.as_deref()?;
        self.levels(scheme)
            .iter()
            .find(|level| level.ordinal == ordinal)
    }

    /// The first matching category rule for an ASC-WDS training line (§2 `categories.csv`).
    pub fn category_rule(&self, category: u16, training_name: &str) -> Option<&CategoryRule> {
        let lower = training_name.to_lowercase();
        self.categories
            .iter()
            .filter(|rule| rule.category == category)
            .find(|rule| match &rule.name_contains {
                None => true,
                Some(needle) => lower.contains(needle.as_str()),
            })
    }

    /// The highest level of `topic` whose keyword appears as whole words in `text` (§4.1).
    pub fn level_from_keywords(&self, topic: &str, text: &str) -> Option<&Level> {
        let scheme = self.topic(topic)?.scheme.as_deref()?;
        let words = words(text);
        self.levels(scheme).iter().rev().find(|level| {
            level
                .keywords
                .iter()
                .any(|keyword| contains_words(&words, &words_of(keyword)))
        })
    }
}

fn words(text: &str) -> Vec<String> {
    words_of(&text.to_lowercase())
}

fn words_of(text: &str) -> Vec<String> {
    text.split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn contains_words(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

fn read_rows(file: (&str, &str), header: &[&str], messages: &mut Vec<Message>) -> Vec<Row> {
    match table::read(file.0, file.1, header) {
        Ok(rows) => rows,
        Err(message) => {
            messages.push(message);
            Vec::new()
        }
    }
}

/// Parses an optional integer in `low..=high`: blank → `Ok(None)`.
pub(crate) fn parse_bounded(
    file: &str,
    row: &Row,
    column: &str,
    value: &str,
    low: i64,
    high: i64,
    messages: &mut Vec<Message>,
) -> Option<Option<i64>> {
    if value.is_empty() {
        return Some(None);
    }
    match value.parse::<i64>() {
        Ok(number) if (low..=high).contains(&number) => Some(Some(number)),
        Ok(_) => {
            messages.push(Message::new(
                file,
                row.line,
                column,
                value,
                MessageCode::OutOfRange,
                format!("{column} must be a whole number from {low} to {high}"),
            ));
            None
        }
        Err(_) => {
            // A leading sign or digits followed by letters (`-12`, `12m`) is a number out of range
            // in the spec's examples; anything else is not a number.
            let looks_numeric = value
                .trim_start_matches(['-', '+'])
                .starts_with(|c: char| c.is_ascii_digit());
            let code = if looks_numeric {
                MessageCode::OutOfRange
            } else {
                MessageCode::NotANumber
            };
            messages.push(Message::new(
                file,
                row.line,
                column,
                value,
                code,
                format!("{column} must be a whole number from {low} to {high}"),
            ));
            None
        }
    }
}

fn require(file: &str, row: &Row, column: &str, value: &str, messages: &mut Vec<Message>) -> bool {
    if value.is_empty() {
        messages.push(Message::new(
            file,
            row.line,
            column,
            value,
            MessageCode::MissingValue,
            format!("{column} is required"),
        ));
        false
    } else {
        true
    }
}

fn parse_levels(file: (&str, &str), messages: &mut Vec<Message>) -> BTreeMap<String, Vec<Level>> {
    let mut levels: BTreeMap<String, Vec<Level>> = BTreeMap::new();
    for row in read_rows(file, LEVELS_HEADER, messages) {
        let (scheme, level, name) = (row.get(0), row.get(1), row.get(3));
        let ok = require(file.0, &row, "scheme", scheme, messages)
            & require(file.0, &row, "level", level, messages);
        let ordinal = parse_bounded(file.0, &row, "ordinal", row.get(2), 0, 99, messages);
        let Some(Some(ordinal)) = ordinal else {
            if matches!(ordinal, Some(None)) {
                require(file.0, &row, "ordinal", "", messages);
            }
            continue;
        };
        if !ok {
            continue;
        }
        let entry = levels.entry(scheme.to_owned()).or_default();
        if entry.iter().any(|existing| existing.level == level) {
            messages.push(Message::new(
                file.0,
                row.line,
                "level",
                level,
                MessageCode::DuplicateId,
                "this level is listed twice",
            ));
            continue;
        }
        let keywords = split_list(row.get(4))
            .into_iter()
            .map(|keyword| keyword.to_lowercase())
            .collect();
        entry.push(Level {
            scheme: scheme.to_owned(),
            level: level.to_owned(),
            ordinal: u8::try_from(ordinal).unwrap_or(u8::MAX),
            name: name.to_owned(),
            keywords,
        });
    }
    for scheme_levels in levels.values_mut() {
        scheme_levels.sort_by_key(|level| level.ordinal);
    }
    levels
}

fn parse_topics(
    file: (&str, &str),
    levels: &BTreeMap<String, Vec<Level>>,
    messages: &mut Vec<Message>,
) -> Vec<Topic> {
    let mut topics: Vec<Topic> = Vec::new();
    for row in read_rows(file, TOPICS_HEADER, messages) {
        let key = row.get(0);
        let mut ok = require(file.0, &row, "topic", key, messages);
        if topics.iter().any(|topic| topic.topic == key) {
            messages.push(Message::new(
                file.0,
                row.line,
                "topic",
                key,
                MessageCode::DuplicateId,
                "this topic is listed twice",
            ));
            ok = false;
        }
        let kind = TopicKind::parse(row.get(2));
        if kind.is_none() {
            messages.push(Message::new(
                file.0,
                row.line,
                "kind",
                row.get(2),
                MessageCode::BadValue,
                "kind must be training, induction, qualification, registration or supervision",
            ));
        }
        let scheme = row.get(3);
        if !scheme.is_empty() && !levels.contains_key(scheme) {
            messages.push(Message::new(
                file.0,
                row.line,
                "scheme",
                scheme,
                MessageCode::UnknownLevel,
                "no such level scheme in levels.csv",
            ));
            ok = false;
        }
        let refresh = parse_bounded(file.0, &row, "refresh_months", row.get(4), 1, 999, messages);
        let expiring = parse_bounded(file.0, &row, "expiring_days", row.get(5), 1, 365, messages);
        let status =
            SourceStatus::parse(row.get(7)).filter(|status| *status != SourceStatus::Illustrative);
        if status.is_none() {
            messages.push(Message::new(
                file.0,
                row.line,
                "status",
                row.get(7),
                MessageCode::BadValue,
                "status must be published, secondary, configurable_default or unverified",
            ));
        }
        let (Some(kind), Some(refresh), Some(expiring), Some(status), true) =
            (kind, refresh, expiring, status, ok)
        else {
            continue;
        };
        topics.push(Topic {
            topic: key.to_owned(),
            name: row.get(1).to_owned(),
            kind,
            scheme: (!scheme.is_empty()).then(|| scheme.to_owned()),
            refresh_months: refresh.and_then(|months| u16::try_from(months).ok()),
            expiring_days: expiring.and_then(|days| u16::try_from(days).ok()),
            source: row.get(6).to_owned(),
            status,
        });
    }
    topics
}

/// Checks `level` against `topic`'s scheme, pushing `unknown_level` or `level_not_applicable`.
pub(crate) fn check_level(
    catalogue: &Catalogue,
    file: &str,
    line: u64,
    column: &str,
    topic: &str,
    level: &str,
    messages: &mut Vec<Message>,
) -> bool {
    if level.is_empty() {
        return true;
    }
    let Some(found) = catalogue.topic(topic) else {
        return false;
    };
    match &found.scheme {
        None => {
            messages.push(Message::new(
                file,
                line,
                column,
                level,
                MessageCode::LevelNotApplicable,
                format!("topic {topic} has no levels"),
            ));
            false
        }
        Some(scheme) => {
            if catalogue
                .levels(scheme)
                .iter()
                .any(|candidate| candidate.level == level)
            {
                true
            } else {
                let valid: Vec<&str> = catalogue
                    .levels(scheme)
                    .iter()
                    .map(|candidate| candidate.level.as_str())
                    .collect();
                messages.push(Message::new(
                    file,
                    line,
                    column,
                    level,
                    MessageCode::UnknownLevel,
                    format!("level must be one of {}", valid.join(", ")),
                ));
                false
            }
        }
    }
}

fn parse_categories(
    file: (&str, &str),
    catalogue: &Catalogue,
    messages: &mut Vec<Message>,
) -> Vec<CategoryRule> {
    let mut rules = Vec::new();
    for row in read_rows(file, CATEGORIES_HEADER, messages) {
        let category_text = row.get(0);
        let category = match category_text.parse::<u16>() {
            Ok(code) if codes().training_categories.contains_key(&code) => Some(code),
            _ => {
                messages.push(Message::new(
                    file.0,
                    row.line,
                    "category",
                    category_text,
                    MessageCode::UnknownCategory,
                    "not a CATEGORY code of ascwds-formats.md A.16",
                ));
                None
            }
        };
        let topics = split_list(row.get(2));
        let mut ok = require(file.0, &row, "topics", row.get(2), messages);
        for topic in &topics {
            if catalogue.topic(topic).is_none() {
                messages.push(Message::new(
                    file.0,
                    row.line,
                    "topics",
                    topic,
                    MessageCode::UnknownTopic,
                    "no such topic in topics.csv",
                ));
                ok = false;
            }
        }
        let level = row.get(3);
        if ok
            && !level.is_empty()
            && !topics
                .iter()
                .any(|topic| catalogue.level_ordinal(topic, level).is_some())
        {
            messages.push(Message::new(
                file.0,
                row.line,
                "level",
                level,
                MessageCode::UnknownLevel,
                "the level is in none of the row's topics' schemes",
            ));
            ok = false;
        }
        let (Some(category), true) = (category, ok) else {
            continue;
        };
        let needle = row.get(1).to_lowercase();
        rules.push(CategoryRule {
            category,
            name_contains: (!needle.is_empty()).then_some(needle),
            topics,
            level: (!level.is_empty()).then(|| level.to_owned()),
        });
    }
    rules
}

fn parse_equivalences(
    file: (&str, &str),
    catalogue: &Catalogue,
    messages: &mut Vec<Message>,
) -> Vec<Equivalence> {
    let mut equivalences = Vec::new();
    for row in read_rows(file, EQUIVALENCES_HEADER, messages) {
        let mut ok = true;
        for (column, topic, level_column) in
            [("satisfier", row.get(0), 1), ("topic", row.get(2), 3)]
        {
            if catalogue.topic(topic).is_none() {
                messages.push(Message::new(
                    file.0,
                    row.line,
                    column,
                    topic,
                    MessageCode::UnknownTopic,
                    "no such topic in topics.csv",
                ));
                ok = false;
            } else {
                let level_name = if level_column == 1 {
                    "satisfier_level"
                } else {
                    "level"
                };
                ok &= check_level(
                    catalogue,
                    file.0,
                    row.line,
                    level_name,
                    topic,
                    row.get(level_column),
                    messages,
                );
            }
        }
        if !ok {
            continue;
        }
        equivalences.push(Equivalence {
            satisfier: row.get(0).to_owned(),
            satisfier_level: Some(row.get(1).to_owned()).filter(|level| !level.is_empty()),
            topic: row.get(2).to_owned(),
            level: Some(row.get(3).to_owned()).filter(|level| !level.is_empty()),
            note: row.get(4).to_owned(),
        });
    }
    equivalences
}
