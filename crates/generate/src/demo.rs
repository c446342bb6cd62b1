//! The demo data set (`interfaces.md` "Web app and API"; issue 4 item 5) described as data:
//! `data/demo.csv` lists the organisations — the fictional council "Demo LA" (`E99999999`) with
//! `demo-care` and `demo-other`, one organisation per real council of Yorkshire and The Humber, and
//! two councils of each other region — with their size, seed and area multipliers. Each
//! organisation's three yearly uploads are [`generate`](crate::generate)d for the first date and
//! [`evolve`](crate::evolve)d for the next two, at the area's own turnover and vacancy rates.

use time::Date;
use time::macros::date;

use crate::evolve::{EvolveOptions, evolve_with};
use crate::mix::rows;
use crate::workplace::VACANCY_PER_POST;
use crate::{GenerateError, GenerateOptions, GeneratedUpload, MAX_STAFF_PER_WORKPLACE, Tuning};

/// The demo's snapshot dates: 31 March 2023, 2024 and 2025.
pub const DEMO_DATES: [Date; 3] = [
    date!(2023 - 03 - 31),
    date!(2024 - 03 - 31),
    date!(2025 - 03 - 31),
];

/// The ONS-shaped code of the fictional council.
pub const DEMO_AREA_CODE: &str = "E99999999";
/// The fictional council's name.
pub const DEMO_AREA_NAME: &str = "Demo LA";

/// Share of the previous year's staff records that leave in a year, before an area's multiplier
/// (with the unseen early leavers this gives LEAVERS ÷ directly employed ≈ 25%, issue 4).
const DEMO_TURNOVER: f64 = 0.24;
/// Pay in March 2023 against the 2024/25 calibration medians: two rises of about 5% bring it to
/// ≈ 1.0 by March 2025 (0.91 × 1.05² = 1.003).
const FIRST_YEAR_PAY: f64 = 0.91;

const DEMO_CSV: &str = include_str!("../data/demo.csv");

/// One organisation of the demo data set (a row of `data/demo.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOrg {
    /// Organisation identifier (`demo-care`, `demo-other`, `demo-la-03`, `org-E08000018`, …).
    pub id: String,
    /// ONS code of its area, or [`DEMO_AREA_CODE`] for Demo LA.
    pub area: String,
    /// The area's name: [`DEMO_AREA_NAME`] or the council's ONS name.
    pub area_name: String,
    /// ONS region code (Demo LA lies in Yorkshire and The Humber, `E12000003`).
    pub region: String,
    /// Workplaces (the same in every year).
    pub workplaces: u32,
    /// Staff records in the first year (later years follow turnover and growth).
    pub staff: u64,
    /// Seed of the first year; later years derive theirs from it.
    pub seed: u64,
    /// Multiplier of the national turnover (1.0 = national).
    pub turnover: f64,
    /// Multiplier of the national vacancy rate.
    pub vacancy: f64,
    /// Multiplier of national pay.
    pub pay: f64,
    /// Yearly growth of the number of staff records (0.01 = 1%).
    pub growth: f64,
}

/// Every organisation of the demo data set, in file order (Demo LA first).
///
/// `data/demo.csv` is embedded and checked by the tests, so a malformed row can only be a build
/// bug; such a row is skipped.
pub fn demo_orgs() -> Vec<DemoOrg> {
    parse_orgs().unwrap_or_default()
}

fn parse_orgs() -> Result<Vec<DemoOrg>, GenerateError> {
    let file = "demo.csv";
    let tables = carecount_codes::tables();
    let mut orgs = Vec::new();
    for (line, fields) in rows(DEMO_CSV) {
        let text = |index: usize| {
            fields
                .get(index)
                .map(|value| (*value).to_owned())
                .ok_or(GenerateError::Data { file, line })
        };
        let number = |index: usize| {
            text(index)?
                .parse::<f64>()
                .ok()
                .filter(|value| value.is_finite() && *value >= 0.0)
                .ok_or(GenerateError::Data { file, line })
        };
        let whole = |index: usize| {
            text(index)?
                .parse::<u64>()
                .map_err(|_| GenerateError::Data { file, line })
        };
        let area = text(1)?;
        let area_name = if area == DEMO_AREA_CODE {
            DEMO_AREA_NAME.to_owned()
        } else {
            tables
                .local_authority(&area)
                .map(|authority| authority.name.clone())
                .ok_or(GenerateError::Data { file, line })?
        };
        orgs.push(DemoOrg {
            id: text(0)?,
            area,
            area_name,
            region: text(2)?,
            workplaces: u32::try_from(whole(3)?).map_err(|_| GenerateError::Data { file, line })?,
            staff: whole(4)?,
            seed: whole(5)?,
            turnover: number(6)?,
            vacancy: number(7)?,
            pay: number(8)?,
            growth: number(9)?,
        });
    }
    Ok(orgs)
}

/// The organisation's upload for `DEMO_DATES[year_index]`: generated for year 0, evolved from the
/// year before for years 1 and 2. Deterministic.
///
/// # Errors
///
/// [`GenerateError::DemoYear`] for a year index above 2; the errors of
/// [`generate`](crate::generate) and [`evolve`](crate::evolve) for impossible sizes or rates.
pub fn try_demo_upload(org: &DemoOrg, year_index: usize) -> Result<GeneratedUpload, GenerateError> {
    if year_index >= DEMO_DATES.len() {
        return Err(GenerateError::DemoYear(year_index));
    }
    let mut uploads = demo_uploads(org, year_index + 1)?;
    uploads.pop().ok_or(GenerateError::DemoYear(year_index))
}

/// [`try_demo_upload`] for the demo's own rows, which cannot fail: the year index is clamped to
/// 0–2 and the sizes and rates to what [`generate`](crate::generate) and
/// [`evolve`](crate::evolve) accept. A
/// broken embedded calibration file (a build bug the unit tests catch) gives an upload with
/// headers only.
pub fn demo_upload(org: &DemoOrg, year_index: usize) -> GeneratedUpload {
    let mut safe = org.clone();
    safe.workplaces = safe.workplaces.max(1);
    let workplaces = u64::from(safe.workplaces);
    safe.staff = safe
        .staff
        .clamp(workplaces, workplaces * MAX_STAFF_PER_WORKPLACE);
    let clamp = |value: f64, low: f64, high: f64| {
        if value.is_finite() {
            value.clamp(low, high)
        } else {
            1.0
        }
    };
    safe.turnover = clamp(safe.turnover, 0.0, 3.0);
    safe.vacancy = clamp(safe.vacancy, 0.0, 5.0);
    safe.pay = clamp(safe.pay, 0.5, 2.0);
    safe.growth = clamp(safe.growth, -0.5, 1.0);
    let year = year_index.min(DEMO_DATES.len() - 1);
    try_demo_upload(&safe, year).unwrap_or_else(|_| GeneratedUpload {
        as_of: DEMO_DATES.get(year).copied().unwrap_or(DEMO_DATES[0]),
        workplace: format!("{}\n", crate::WORKPLACE_HEADER),
        staff: format!("{}\n", crate::STAFF_HEADER),
        training: format!("{}\n", crate::TRAINING_HEADER),
    })
}

/// The first `years` uploads of the organisation (at most 3), each evolved from the one before.
///
/// # Errors
///
/// As [`try_demo_upload`].
pub fn demo_uploads(org: &DemoOrg, years: usize) -> Result<Vec<GeneratedUpload>, GenerateError> {
    let options = GenerateOptions {
        workplaces: org.workplaces,
        staff: org.staff,
        seed: org.seed,
        as_of: DEMO_DATES[0],
    };
    let tuning = Tuning {
        turnover: org.turnover,
        vacancy: org.vacancy,
        pay: org.pay * FIRST_YEAR_PAY,
    };
    let mut uploads = vec![crate::generate_tuned(&options, tuning)?];
    for (year, &as_of) in DEMO_DATES.iter().enumerate().take(years).skip(1) {
        let evolve_options = EvolveOptions {
            seed: org.seed.wrapping_add(1_000_000 * year as u64),
            as_of,
            turnover: (DEMO_TURNOVER * org.turnover).min(0.9),
            growth: org.growth,
        };
        let previous = uploads.last().ok_or(GenerateError::DemoYear(year))?;
        let next = evolve_with(
            previous,
            &evolve_options,
            Some(VACANCY_PER_POST * org.vacancy),
        )?;
        uploads.push(next);
    }
    uploads.truncate(years.max(1));
    Ok(uploads)
}
