//! Reference tables (`planning.md` §11): CSV with exact headers, `source` and `vintage` after the
//! listed columns and `status` after those on † tables. Shipped tables are embedded; user tables
//! replace them area by area. Parsing takes text, never a path: the caller reads files.

use crate::dims::{AGE_BANDS, LOS_BANDS, ROLE_GROUPS, SECTORS, SETTINGS, index_of};
use crate::error::InputError;
use crate::hash::sha256_hex;

/// Every table name of §11, in order.
pub const TABLE_NAMES: [&str; 17] = [
    "areas",
    "population",
    "prevalence",
    "settings",
    "serviceusers_needs",
    "leaving_reasons",
    "service_use",
    "staff_ratios",
    "base_stock",
    "leaving_hazards",
    "age_factors",
    "leaver_destinations",
    "joiner_mix",
    "transitions",
    "pa_inputs",
    "pay",
    "costs",
];

/// The listed columns of a table and whether it is a † table (with `status`).
pub fn table_columns(name: &str) -> Option<(&'static [&'static str], bool)> {
    let spec: (&'static [&'static str], bool) = match name {
        "areas" => (&["area_code", "area_name", "level", "parent_code"], false),
        "population" => (
            &[
                "area_code",
                "year",
                "sex",
                "age_min",
                "age_max",
                "population",
                "variant",
            ],
            false,
        ),
        "prevalence" => (
            &[
                "measure",
                "sex",
                "age_min",
                "age_max",
                "rate",
                "rate_low",
                "rate_high",
                "ci_level",
            ],
            false,
        ),
        "settings" => (&["mainservice", "setting"], false),
        "serviceusers_needs" => (&["serviceusers_code", "measure"], false),
        "leaving_reasons" => (&["reason_code", "label", "destination"], false),
        "service_use" => (
            &["area_code", "measure", "setting", "users_per_person"],
            false,
        ),
        "staff_ratios" => (
            &[
                "area_code",
                "setting",
                "role_group",
                "posts_per_user",
                "fte_per_post",
            ],
            false,
        ),
        "base_stock" => (
            &[
                "area_code",
                "as_of",
                "sector",
                "setting",
                "role_group",
                "age_band",
                "los_band",
                "filled_posts",
                "vacant_posts",
                "starters",
                "leavers",
            ],
            true,
        ),
        "leaving_hazards" => (
            &[
                "area_code",
                "los_basis",
                "role_group",
                "setting",
                "los_band",
                "hazard",
                "events",
                "exposure_years",
            ],
            true,
        ),
        "age_factors" => (&["area_code", "age_band", "factor"], true),
        "leaver_destinations" => (&["area_code", "destination", "share"], true),
        "joiner_mix" => (
            &["area_code", "role_group", "kind", "category", "share"],
            true,
        ),
        "transitions" => (
            &[
                "area_code",
                "from_role_group",
                "from_setting",
                "to_role_group",
                "to_setting",
                "mode",
                "rate",
                "share",
            ],
            false,
        ),
        "pa_inputs" => (
            &[
                "area_code",
                "year",
                "dp_recipients",
                "share_employing",
                "posts_per_employer",
            ],
            true,
        ),
        "pay" => (
            &[
                "area_code",
                "role_group",
                "hourly_pay",
                "statistic",
                "as_of",
            ],
            true,
        ),
        "costs" => (&["item", "role_group", "value", "unit", "price_year"], true),
        _ => return None,
    };
    Some(spec)
}

/// Where a table came from (§10 `inputs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the binary.
    Shipped,
    /// From the store.
    Store,
    /// Given by path in the scenario.
    User,
}

impl Origin {
    /// Name in output.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Shipped => "shipped",
            Origin::Store => "store",
            Origin::User => "user",
        }
    }
}

/// One data row: its record number (header = 1) and its fields.
#[derive(Debug, Clone)]
pub struct Row {
    /// Line (record number, header = 1).
    pub line: usize,
    /// Fields, one per header column.
    pub fields: Vec<String>,
}

/// A table read from CSV, checked for its header, not yet typed.
#[derive(Debug, Clone)]
pub struct RawTable {
    /// Table name (§11).
    pub name: String,
    /// File name for messages.
    pub file: String,
    /// Origin.
    pub origin: Origin,
    /// SHA-256 of the bytes.
    pub sha256: String,
    /// Header columns.
    pub header: Vec<String>,
    /// Rows.
    pub rows: Vec<Row>,
}

impl RawTable {
    /// Builds an error at a field of a row.
    pub fn err(&self, row: &Row, column: usize, message: impl Into<String>) -> InputError {
        InputError {
            file: self.file.clone(),
            line: row.line,
            column: column + 1,
            value: row.fields.get(column).cloned().unwrap_or_default(),
            message: format!(
                "{} (column `{}` of table {})",
                message.into(),
                self.header.get(column).map_or("", String::as_str),
                self.name
            ),
        }
    }

    fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|column| column == name)
            .unwrap_or(usize::MAX)
    }

    /// Text of a field by column name.
    pub fn text<'r>(&self, row: &'r Row, name: &str) -> &'r str {
        row.fields
            .get(self.column(name))
            .map_or("", |text| text.as_str())
    }

    /// A required number.
    pub fn number(&self, row: &Row, name: &str) -> Result<f64, InputError> {
        self.opt_number(row, name)?
            .ok_or_else(|| self.err(row, self.column(name), "a number is required"))
    }

    /// An optional number (blank = not given); must be finite.
    pub fn opt_number(&self, row: &Row, name: &str) -> Result<Option<f64>, InputError> {
        let text = self.text(row, name).trim();
        if text.is_empty() {
            return Ok(None);
        }
        match text.parse::<f64>() {
            Ok(number) if number.is_finite() => Ok(Some(number)),
            _ => Err(self.err(row, self.column(name), "not a number")),
        }
    }

    /// A required non-negative number.
    pub fn non_negative(&self, row: &Row, name: &str) -> Result<f64, InputError> {
        let number = self.number(row, name)?;
        if number < 0.0 {
            return Err(self.err(row, self.column(name), "must not be negative"));
        }
        Ok(number)
    }

    /// A required fraction in [0, 1].
    pub fn fraction(&self, row: &Row, name: &str) -> Result<f64, InputError> {
        let number = self.number(row, name)?;
        if !(0.0..=1.0).contains(&number) {
            return Err(self.err(row, self.column(name), "must be a fraction in [0, 1]"));
        }
        Ok(number)
    }

    /// A dimension value or `all` (→ `None`).
    pub fn dim(&self, row: &Row, name: &str, list: &[&str]) -> Result<Option<usize>, InputError> {
        let text = self.text(row, name).trim();
        if text == "all" {
            return Ok(None);
        }
        index_of(list, text).map(Some).ok_or_else(|| {
            self.err(
                row,
                self.column(name),
                format!("unknown value (one of {}, or all)", list.join(", ")),
            )
        })
    }

    /// The vintage of the table (first row's).
    pub fn vintage(&self) -> String {
        self.rows
            .first()
            .map(|row| self.text(row, "vintage").to_string())
            .unwrap_or_default()
    }

    /// The distinct statuses used (sorted), for † tables.
    pub fn statuses(&self) -> Vec<String> {
        let mut statuses: Vec<String> = self
            .rows
            .iter()
            .map(|row| self.text(row, "status").to_string())
            .filter(|status| !status.is_empty())
            .collect();
        statuses.sort();
        statuses.dedup();
        statuses
    }
}

/// Reads a table's CSV text and checks its header exactly.
pub fn read_table(
    name: &str,
    file: &str,
    text: &str,
    origin: Origin,
) -> Result<RawTable, InputError> {
    let at = |line: usize, column: usize, value: &str, message: String| InputError {
        file: file.to_string(),
        line,
        column,
        value: value.to_string(),
        message,
    };
    let (columns, dagger) =
        table_columns(name).ok_or_else(|| at(1, 1, name, "unknown table name".to_string()))?;
    let mut expected: Vec<&str> = columns.to_vec();
    expected.extend(["source", "vintage"]);
    if dagger {
        expected.push("status");
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(record)) => record
            .iter()
            .map(|field| field.trim_start_matches('\u{feff}').to_string())
            .collect(),
        Some(Err(error)) => return Err(at(1, 1, "", format!("unreadable CSV: {error}"))),
        None => return Err(at(1, 1, "", "empty table: header missing".to_string())),
    };
    for (index, want) in expected.iter().enumerate() {
        let got = header.get(index).map_or("", String::as_str);
        if got != *want {
            return Err(at(
                1,
                index + 1,
                got,
                format!(
                    "header mismatch for table {name}: expected `{want}` (header: {})",
                    expected.join(",")
                ),
            ));
        }
    }
    if let Some(extra) = header.get(expected.len()) {
        return Err(at(
            1,
            expected.len() + 1,
            extra,
            format!("header mismatch for table {name}: unexpected extra column"),
        ));
    }
    let mut rows = Vec::new();
    for (index, record) in records.enumerate() {
        let line = index + 2;
        let record = record.map_err(|error| at(line, 1, "", format!("unreadable CSV: {error}")))?;
        if record.len() == 1 && record.get(0).is_some_and(|field| field.trim().is_empty()) {
            continue;
        }
        if record.len() != expected.len() {
            return Err(at(
                line,
                record.len().min(expected.len()) + 1,
                record.get(expected.len()).unwrap_or(""),
                format!(
                    "row has {} fields, the header {}",
                    record.len(),
                    expected.len()
                ),
            ));
        }
        rows.push(Row {
            line,
            fields: record.iter().map(str::to_string).collect(),
        });
    }
    let table = RawTable {
        name: name.to_string(),
        file: file.to_string(),
        origin,
        sha256: sha256_hex(text.as_bytes()),
        header,
        rows,
    };
    if dagger {
        for row in &table.rows {
            let status = table.text(row, "status");
            if !["published", "secondary", "derived", "interim"].contains(&status) {
                return Err(table.err(
                    row,
                    table.column("status"),
                    "status must be published, secondary, derived or interim",
                ));
            }
        }
    }
    Ok(table)
}

/// The shipped tables' texts, embedded (`crates/planning/data/reference/`).
pub const SHIPPED: [(&str, &str); 14] = [
    ("areas", include_str!("../data/reference/areas.csv")),
    (
        "population",
        include_str!("../data/reference/population.csv"),
    ),
    (
        "prevalence",
        include_str!("../data/reference/prevalence.csv"),
    ),
    ("settings", include_str!("../data/reference/settings.csv")),
    (
        "serviceusers_needs",
        include_str!("../data/reference/serviceusers_needs.csv"),
    ),
    (
        "leaving_reasons",
        include_str!("../data/reference/leaving_reasons.csv"),
    ),
    (
        "base_stock",
        include_str!("../data/reference/base_stock.csv"),
    ),
    (
        "leaving_hazards",
        include_str!("../data/reference/leaving_hazards.csv"),
    ),
    (
        "age_factors",
        include_str!("../data/reference/age_factors.csv"),
    ),
    (
        "leaver_destinations",
        include_str!("../data/reference/leaver_destinations.csv"),
    ),
    (
        "joiner_mix",
        include_str!("../data/reference/joiner_mix.csv"),
    ),
    ("pa_inputs", include_str!("../data/reference/pa_inputs.csv")),
    ("pay", include_str!("../data/reference/pay.csv")),
    ("costs", include_str!("../data/reference/costs.csv")),
];

/// `source` of the council rows the shipped `areas` table gains from `carecount-codes`.
pub const LA_AREA_SOURCE: &str = "ONS codes via carecount-codes; no LA tables shipped: the \
region's tables are used, base stock and population as an equal share of the region (interim)";

/// The shipped `areas` text with one `la` row per council of `carecount-codes` (§11 "areas lists
/// every LA"), each under its region, appended after the shipped rows (England, regions, demo LA).
/// Councils already listed in the shipped file are not repeated.
pub fn shipped_areas_text(shipped: &str) -> String {
    let quote = |field: &str| {
        if field.contains([',', '"', '\n']) {
            format!("\"{}\"", field.replace('"', "\"\""))
        } else {
            field.to_string()
        }
    };
    let mut text = shipped.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    for council in &carecount_codes::tables().local_authorities {
        let listed = shipped
            .lines()
            .any(|line| line.split(',').next() == Some(council.code.as_str()));
        if listed {
            continue;
        }
        text.push_str(&format!(
            "{},{},la,{},{},2023\n",
            quote(&council.code),
            quote(&council.name),
            quote(&council.region_code),
            quote(LA_AREA_SOURCE),
        ));
    }
    text
}

/// A set of raw tables: per name, the shipped one and any user ones (user rows replace shipped
/// rows for every area they have rows for).
#[derive(Debug, Clone, Default)]
pub struct TableSet {
    /// Tables in load order; later ones take precedence area by area.
    pub tables: Vec<RawTable>,
}

impl TableSet {
    /// The shipped tables.
    pub fn shipped() -> Result<TableSet, InputError> {
        let mut set = TableSet::default();
        for (name, text) in SHIPPED {
            let owned;
            let text = if name == "areas" {
                owned = shipped_areas_text(text);
                owned.as_str()
            } else {
                text
            };
            set.tables.push(read_table(
                name,
                &format!("shipped:{name}.csv"),
                text,
                Origin::Shipped,
            )?);
        }
        Ok(set)
    }

    /// Adds a user (or store) table; it takes precedence over earlier ones area by area.
    pub fn add(&mut self, table: RawTable) {
        self.tables.push(table);
    }

    /// The tables of a name, in precedence order (last wins).
    pub fn named(&self, name: &str) -> Vec<&RawTable> {
        self.tables
            .iter()
            .filter(|table| table.name == name)
            .collect()
    }

    /// Rows of a table for the first area of `chain` that has any, with the table they came from;
    /// the latest table with rows for that area wins. Returns the area code used.
    pub fn rows_for_area<'s>(
        &'s self,
        name: &str,
        chain: &[String],
    ) -> Option<(&'s RawTable, Vec<&'s Row>, String)> {
        for area in chain {
            for table in self.named(name).into_iter().rev() {
                let rows: Vec<&Row> = table
                    .rows
                    .iter()
                    .filter(|row| table.text(row, "area_code") == area)
                    .collect();
                if !rows.is_empty() {
                    return Some((table, rows, area.clone()));
                }
            }
        }
        None
    }

    /// All rows of a table without an area column (the latest table wins whole).
    pub fn whole<'s>(&'s self, name: &str) -> Option<&'s RawTable> {
        self.named(name).last().copied()
    }
}

/// A parsed `areas` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    /// ONS code.
    pub code: String,
    /// Name.
    pub name: String,
    /// england, region or la.
    pub level: String,
    /// Parent's code (blank for England).
    pub parent: String,
}

/// Reads the areas table.
pub fn areas(set: &TableSet) -> Result<Vec<Area>, InputError> {
    let mut areas: Vec<Area> = Vec::new();
    for table in set.named("areas") {
        for row in &table.rows {
            let level = table.text(row, "level");
            if !["england", "region", "la"].contains(&level) {
                return Err(table.err(row, 2, "level must be england, region or la"));
            }
            let area = Area {
                code: table.text(row, "area_code").to_string(),
                name: table.text(row, "area_name").to_string(),
                level: level.to_string(),
                parent: table.text(row, "parent_code").to_string(),
            };
            areas.retain(|existing| existing.code != area.code);
            areas.push(area);
        }
    }
    Ok(areas)
}

/// The areas `"la:*"` runs (§8): every `la` row, except the fictional demo LA when real
/// councils are listed too (so national totals hold real councils only).
pub fn every_la(areas: &[Area]) -> Vec<&Area> {
    let all: Vec<&Area> = areas.iter().filter(|area| area.level == "la").collect();
    let real: Vec<&Area> = all
        .iter()
        .copied()
        .filter(|area| area.code != carecount_codes::DEMO_AREA_CODE)
        .collect();
    if real.is_empty() { all } else { real }
}

/// The area with a code or name, and its chain to England (itself first).
pub fn area_chain(areas: &[Area], wanted: &str) -> Option<Vec<String>> {
    let start = areas.iter().find(|area| area.code == wanted).or_else(|| {
        areas
            .iter()
            .find(|area| area.name.eq_ignore_ascii_case(wanted))
    })?;
    let mut chain = vec![start.code.clone()];
    let mut current = start;
    while !current.parent.is_empty() && chain.len() < 8 {
        let Some(parent) = areas.iter().find(|area| area.code == current.parent) else {
            break;
        };
        chain.push(parent.code.clone());
        current = parent;
    }
    Some(chain)
}

/// Parses a role group, setting, sector, age or LOS band name or `all`.
pub fn dim_lists() -> [(&'static str, &'static [&'static str]); 5] {
    [
        ("role_group", &ROLE_GROUPS),
        ("setting", &SETTINGS),
        ("sector", &SECTORS),
        ("age_band", &AGE_BANDS),
        ("los_band", &LOS_BANDS),
    ]
}
