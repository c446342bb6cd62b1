//! Shared helpers: generate, then read the files back with a real CSV parser.

use carecount_generate::{GenerateOptions, GeneratedUpload, generate};
use time::macros::date;

pub const AS_OF: time::Date = date!(2025 - 03 - 31);

pub fn options(workplaces: u32, staff: u64, seed: u64) -> GenerateOptions {
    GenerateOptions {
        workplaces,
        staff,
        seed,
        as_of: AS_OF,
    }
}

pub fn upload(workplaces: u32, staff: u64, seed: u64) -> GeneratedUpload {
    match generate(&options(workplaces, staff, seed)) {
        Ok(upload) => upload,
        Err(error) => panic!("generation failed: {error}"),
    }
}

/// A parsed file: header names and records (all as strings).
pub struct Parsed {
    pub header: Vec<String>,
    pub records: Vec<Vec<String>>,
}

impl Parsed {
    pub fn column(&self, name: &str) -> usize {
        match self.header.iter().position(|column| column == name) {
            Some(index) => index,
            None => panic!("no column {name}"),
        }
    }

    /// The value of a column in one record.
    pub fn get<'a>(&self, record: &'a [String], name: &str) -> &'a str {
        record.get(self.column(name)).map_or("", String::as_str)
    }
}

pub fn parse(text: &str) -> Parsed {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(header) => header.iter().map(str::to_owned).collect::<Vec<_>>(),
        Err(error) => panic!("bad header: {error}"),
    };
    let mut records = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                assert_eq!(
                    record.len(),
                    header.len(),
                    "record {} has {} fields",
                    records.len() + 2,
                    record.len()
                );
                records.push(record.iter().map(str::to_owned).collect());
            }
            Err(error) => panic!("bad record: {error}"),
        }
    }
    Parsed { header, records }
}

/// Parses `DD/MM/YYYY`.
pub fn date(text: &str) -> Option<time::Date> {
    let mut parts = text.split('/');
    let day: u8 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let year: i32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || text.len() != 10 {
        return None;
    }
    time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

/// Whole years from `birth` to `on`.
pub fn age(birth: time::Date, on: time::Date) -> i32 {
    let mut years = on.year() - birth.year();
    if (u8::from(on.month()), on.day()) < (u8::from(birth.month()), birth.day()) {
        years -= 1;
    }
    years
}

/// Items of a `;` list (none for an empty field).
pub fn items(field: &str) -> Vec<&str> {
    if field.is_empty() {
        Vec::new()
    } else {
        field.split(';').collect()
    }
}

/// Sum of a `;` list of integers (999 alone counts as unknown: `None`).
pub fn list_sum(field: &str) -> Option<u32> {
    if field == "999" {
        return None;
    }
    Some(
        items(field)
            .iter()
            .map(|item| item.parse::<u32>().unwrap_or(0))
            .sum(),
    )
}

/// What importing an upload leaves in the store, built the way the store does it: validate, then
/// plan on top of `existing`, then turn the planned records into the next `ExistingState`.
pub struct Imported {
    pub validation: carecount_ascwds::Validation,
    pub state: carecount_ascwds::ExistingState,
    pub plan: carecount_ascwds::Plan,
}

pub fn import(upload: &GeneratedUpload, existing: &carecount_ascwds::ExistingState) -> Imported {
    use carecount_ascwds::{ExistingStaff, ExistingState, ExistingWorkplace, Given, InputFile};
    let file = |path: &str, text: &str| InputFile {
        path: path.to_owned(),
        bytes: text.as_bytes().to_vec(),
    };
    let given = Given::Explicit {
        workplace: Some(file("workplace.csv", &upload.workplace)),
        staff: Some(file("staff.csv", &upload.staff)),
        training: Some(file("training.csv", &upload.training)),
    };
    let validation = match carecount_ascwds::validate(given, existing, upload.as_of) {
        Ok(validation) => validation,
        Err(error) => panic!("upload refused: {error}"),
    };
    let Some(lines) = validation.lines.as_ref() else {
        panic!(
            "files not recognised: {:?}",
            validation.files_not_recognised
        )
    };
    let plan = carecount_ascwds::plan(existing, lines);
    let state = ExistingState::new(
        plan.workplaces
            .iter()
            .map(|planned| ExistingWorkplace {
                record: planned.record.clone(),
                primary: planned.primary,
            })
            .collect(),
        plan.staff
            .iter()
            .map(|planned| ExistingStaff {
                record: planned.record.clone(),
                days_sick_saved_on: planned.days_sick_saved.then_some(upload.as_of),
            })
            .collect(),
        plan.training.clone(),
        Vec::new(),
    );
    Imported {
        validation,
        state,
        plan,
    }
}

/// The messages of a validation, one per line, for failure output.
pub fn describe(validation: &carecount_ascwds::Validation) -> String {
    validation
        .messages
        .iter()
        .take(30)
        .map(|message| {
            format!(
                "{:?} {:?} line {} code {} {} {:?}: {}",
                message.file,
                message.severity,
                message.line,
                message.code,
                message.column,
                message.value,
                message.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
