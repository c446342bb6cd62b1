//! Staff records and their training records (`ascwds-formats.md` §3, §4), written line by line.

use carecount_codes::Tables;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration};

use carecount_codes::special;

use crate::Context;
use crate::mix::{Mixes, PayForm, RolePay, chance, normal, one_of};
use crate::text::{Row, add_months, shift_days, years_after, years_before};
use crate::workplace::WorkplacePlan;

/// Header of the staff file (`ascwds-formats.md` §3.1, base variant), exactly.
pub const STAFF_HEADER: &str = "LOCALESTID,UNIQUEWORKERID,STATUS,DISPLAYID,NINUMBER,POSTCODE,DOB,GENDER,ETHNICITY,NATIONALITY,BRITISHCITIZENSHIP,COUNTRYOFBIRTH,YEAROFENTRY,DISABLED,CARECERT,L2CARECERT,RECSOURCE,HANDCVISA,INOUTUK,STARTDATE,STARTINSECT,DHA,APPRENTICE,EMPLSTATUS,ZEROHRCONT,DAYSSICK,SALARYINT,SALARY,HOURLYRATE,MAINJOBROLE,MAINJRDESC,CONTHOURS,AVGHOURS,NMCREG,AMHP,SCQUAL,NONSCQUAL,CWPCATEGORY,QUALACH01,QUALACH01NOTES,QUALACH02,QUALACH02NOTES,QUALACH03,QUALACH03NOTES";

/// Header of the training file (`ascwds-formats.md` §4.1), exactly.
pub const TRAINING_HEADER: &str = "LOCALESTID,UNIQUEWORKERID,CATEGORY,TRAININGNAME,ACCREDITED,WHODELIVERED,PROVIDERNAME,HOWDELIVERED,VALIDITY,DATECOMPLETED,EXPIRYDATE,NOTES";

/// Share of staff who are British (826), before the "don't know" codes (brief: ≈ 80%).
const BRITISH_SHARE: f64 = 0.80;
/// Share of care-providing staff answering SCQUAL = 1. With 5% "don't know", 4% of levels
/// unknown and 93% of all answers at level 2+, the Level 2+ rate of metrics.md §3 is
/// 0.382 × 0.93 / (0.95 − 0.04 × 0.382) = 0.3553 / 0.9347 ≈ 0.380 (issue 4: ≈ 38%).
const CARE_QUALIFIED_SHARE: f64 = 0.382;
/// Zero-hours chance by setting and contract (issue 4: ≈ 25% overall, higher in domiciliary care).
const ZERO_HOURS_DOMICILIARY_DIRECT: f64 = 0.38;
const ZERO_HOURS_OTHER_DIRECT: f64 = 0.07;
const ZERO_HOURS_DOMICILIARY_FLEXIBLE: f64 = 0.70;
const ZERO_HOURS_OTHER_FLEXIBLE: f64 = 0.60;
/// Mean years with the current employer (exponential), giving ≈ 75% in post 12 months or more.
const MEAN_TENURE_YEARS: f64 = 3.5;
/// Share of recent starters whose age is the younger of two draws (starters skew young).
const STARTER_YOUNGER_SHARE: f64 = 0.3;
/// Hours a full-time salary is quoted for (metrics.md §4 FTE conversion).
pub(crate) const FULL_TIME_HOURS: f64 = 37.5;
/// Paid hours in a year at full time, to turn an hourly median into an annual one.
pub(crate) const FULL_TIME_HOURS_PER_YEAR: f64 = 1955.0;

/// What the workplace line needs to know about a staff record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StaffOutcome {
    pub(crate) role: u32,
    /// EMPLSTATUS 1 or 2 (metrics.md §1).
    pub(crate) directly_employed: bool,
    /// Started in the 365 days up to the as-of date.
    pub(crate) starter: bool,
}

/// Hours in half-hour steps (the `^-?\d+(\.[05])?$` format of CONTHOURS and AVGHOURS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hours {
    Halves(u32),
    DontKnow,
}

impl Hours {
    fn text(self) -> String {
        match self {
            Hours::Halves(halves) if halves % 2 == 1 => format!("{}.5", halves / 2),
            Hours::Halves(halves) => format!("{}", halves / 2),
            Hours::DontKnow => "999".to_owned(),
        }
    }

    fn as_f64(self) -> Option<f64> {
        match self {
            Hours::Halves(halves) => Some(f64::from(halves) / 2.0),
            Hours::DontKnow => None,
        }
    }
}

/// Who a new staff line is: its reference, the index of its NI number and whether it is a recent
/// starter (evolution) or a record of any length of service (first generation).
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    pub(crate) worker_id: String,
    /// Index handed to [`crate::ids::IdMaker::ni_number`] (unique per file).
    pub(crate) ni_index: u64,
    /// A starter: STARTDATE falls at most this many days before the as-of date (at most 364, so
    /// inside the STARTERS window). `None`: any length of service.
    pub(crate) recent_start: Option<i64>,
}

/// Writes one staff line (and its training lines) for the workplace.
pub(crate) fn write_staff(
    context: &mut Context,
    plan: &WorkplacePlan,
    slot: &Slot,
    global_index: u64,
    role: u32,
    staff_out: &mut String,
    training_out: &mut String,
) -> StaffOutcome {
    let as_of = context.as_of;
    let tables = context.tables;
    let is_manager = role == special::REGISTERED_MANAGER;
    let job_role = tables.job_roles.get(role);
    let care_providing = job_role.is_some_and(|row| row.care_providing);
    let role_pay = context.mixes.role_pay(role).cloned();
    let pay_factor = context.tuning.pay;

    context.coverage.contracts.tick(global_index);
    context.coverage.pay.tick(global_index);
    context.coverage.qualifications.tick(global_index);
    let forced_contract = if is_manager {
        None
    } else {
        context.coverage.contracts.take()
    };
    let forced_pay = if is_manager {
        None
    } else {
        context.coverage.pay.take()
    };
    let rng = &mut context.rng;
    let mixes = &context.mixes;

    let Work {
        contract,
        directly_employed,
        zero_hours,
        contracted,
        average,
    } = draw_work(rng, plan, is_manager, forced_contract);

    // Person: gender, name, age (issue 4: 22% male, 27% aged 55+).
    let gender = match rng.random_range(0..1000u32) {
        0..218 => 1,
        218..990 => 2,
        990..996 => 3,
        _ => 4,
    };
    let first_names = if gender == 1 || (gender > 2 && chance(rng, 0.5)) {
        &mixes.male_names
    } else {
        &mixes.female_names
    };
    let first_name = one_of(rng, first_names).map_or("Sam", String::as_str);
    let surname = one_of(rng, &mixes.surnames).map_or("Smith", String::as_str);
    let display_name = format!("{first_name} {surname}");
    let (age_from, age_to) = mixes.age_bands.pick(rng).copied().unwrap_or((30, 40));
    let mut age = rng.random_range(age_from..=age_to);
    if slot.recent_start.is_some() && chance(rng, STARTER_YOUNGER_SHARE) {
        // Starters are younger than the workforce: some take the younger of two draws.
        let (from, to) = mixes.age_bands.pick(rng).copied().unwrap_or((30, 40));
        age = age.min(rng.random_range(from..=to));
    }
    let birthday = years_before(as_of, age).unwrap_or(as_of);
    let date_of_birth = shift_days(birthday, -rng.random_range(0..=364i64)).unwrap_or(birthday);
    let sixteenth_birthday = years_after(date_of_birth, 16).unwrap_or(as_of).min(as_of);

    // Start date with this employer, after the 16th birthday and not after the as-of date.
    let tenure_days = if let Some(days) = slot.recent_start {
        rng.random_range(0..=days.clamp(0, 364))
    } else {
        (-(1.0 - rng.random::<f64>()).ln() * MEAN_TENURE_YEARS * 365.25) as i64
    };
    let mut start = shift_days(as_of, -tenure_days).unwrap_or(as_of);
    if start < sixteenth_birthday {
        let room = (as_of - sixteenth_birthday).whole_days().clamp(0, 365);
        start = shift_days(sixteenth_birthday, rng.random_range(0..=room))
            .unwrap_or(sixteenth_birthday);
    }
    let start = start.min(as_of);
    let starter = directly_employed && (as_of - start) < Duration::days(365);

    let start_year = start.year();
    let birth_year = date_of_birth.year();
    let origin = draw_origin(rng, tables, mixes, as_of, start, date_of_birth);
    let year_of_entry = origin.year_of_entry;

    // Sector start year: not after the start year, not before the 16th birthday (S56, S57).
    let sector_start = if chance(rng, 0.04) {
        special::DONT_KNOW
    } else {
        let earliest = (birth_year + 16)
            .max(year_of_entry.unwrap_or(i32::MIN))
            .min(start_year);
        let year = (start_year - geometric(rng, 3.0)).max(earliest);
        u32::try_from(year).unwrap_or(special::DONT_KNOW)
    };

    let (pay_interval, salary, hourly_rate) = draw_pay(
        rng,
        role,
        role_pay.as_ref(),
        forced_pay,
        contracted,
        pay_factor,
    );

    // Sickness (S64): half days allowed; not asked of agency staff here.
    let days_sick = if contract == 4 {
        None
    } else {
        Some(draw_days_sick(rng))
    };

    // Qualifications (S91–S105; metrics.md §3 Level 2+ rate).
    let regulated_profession = special::S94_REGULATED_PROFESSIONS.contains(&role);
    let qualified_share = if regulated_profession {
        0.9
    } else if care_providing {
        CARE_QUALIFIED_SHARE
    } else {
        0.6
    };
    let dont_know_share = if regulated_profession {
        0.0
    } else if care_providing {
        0.05
    } else {
        0.1
    };
    let qualification_draw = rng.random::<f64>();
    let social_care_qualification = if qualification_draw < qualified_share {
        let level = if care_providing {
            match rng.random_range(0..100u32) {
                0 => 0,
                1..3 => 1,
                3..58 => 2,
                58..90 => 3,
                90..94 => 4,
                94..96 => 5,
                _ => special::DONT_KNOW,
            }
        } else {
            match rng.random_range(0..100u32) {
                0..10 => 2,
                10..35 => 3,
                35..55 => 4,
                55..80 => 5,
                80..92 => 6,
                92..98 => 7,
                _ => special::DONT_KNOW,
            }
        };
        format!("1;{level}")
    } else if qualification_draw < qualified_share + dont_know_share {
        "999".to_owned()
    } else {
        "2".to_owned()
    };
    let other_qualification = match rng.random_range(0..100u32) {
        0..30 => format!(
            "1;{}",
            [2, 3, 4, 5, 6, 999]
                .get(rng.random_range(0..6usize))
                .copied()
                .unwrap_or(999)
        ),
        30..85 => "2".to_owned(),
        _ => "999".to_owned(),
    };
    let achieved_count = if social_care_qualification.starts_with("1;") {
        match rng.random_range(0..100u32) {
            0..65 => 1,
            65..90 => 2,
            _ => 3,
        }
    } else if chance(rng, 0.1) {
        1
    } else {
        0
    };
    let mut achieved: Vec<(u32, i32)> = Vec::with_capacity(achieved_count);
    let earliest_year = (birth_year + 16).max(as_of.year() - 100).min(as_of.year());
    for _ in 0..achieved_count {
        let (code, forced) = match context.coverage.qualifications.take() {
            Some(code) => (code, true),
            None => {
                let index = context.rng.random_range(0..tables.qualifications.len());
                (
                    tables
                        .qualifications
                        .iter()
                        .nth(index)
                        .map_or(109, |row| row.code),
                    false,
                )
            }
        };
        if achieved.iter().any(|(held, _)| *held == code) {
            if forced {
                context.coverage.qualifications.give_back(code);
            }
            continue;
        }
        let year = (as_of.year() - geometric(&mut context.rng, 6.0)).max(earliest_year);
        achieved.push((code, year));
    }
    let rng = &mut context.rng;

    let cwp_category = match rng.random_range(0..100u32) {
        0..10 => None,
        10..15 => Some(special::DONT_KNOW),
        _ if role == 8 && (as_of - start) < Duration::days(365) => Some(1),
        _ => role_pay.as_ref().map(|row| row.cwp_category),
    };

    let recruitment = match rng.random_range(0..100u32) {
        0..3 => 1,
        3..33 => 2,
        33..39 => 5,
        39..43 => 7,
        43..51 => 8,
        51..59 => 10,
        59..63 => 12,
        63..73 => 15,
        73..88 => special::RECRUITMENT_DONT_KNOW,
        88..90 => 17,
        _ => 18,
    };
    let disabled = match rng.random_range(0..100u32) {
        0..85 => 0,
        85..88 => 1,
        88..92 => 2,
        _ => 3,
    };
    let care_certificate = if care_providing {
        Some(match rng.random_range(0..100u32) {
            0..55 => 1,
            55..67 => 3,
            _ => 2,
        })
    } else {
        [Some(2), Some(2), Some(1), None, None]
            .get(rng.random_range(0..5usize))
            .copied()
            .flatten()
    };
    let level_two_certificate = if care_providing {
        match rng.random_range(0..100u32) {
            0..6 if as_of.year() >= 2024 => format!("1;{}", rng.random_range(2024..=as_of.year())),
            0..8 => "1".to_owned(),
            8..13 => "2".to_owned(),
            13..73 => "3".to_owned(),
            _ => String::new(),
        }
    } else {
        String::new()
    };
    let staff_dha = (job_role.is_some_and(|row| row.can_do_dha)
        && plan.service.dha_allowed
        && plan.dha == Some(1))
    .then(|| match rng.random_range(0..100u32) {
        0..45 => 1,
        45..90 => 2,
        _ => special::DONT_KNOW,
    });
    let apprentice = match rng.random_range(0..100u32) {
        0..4 => 1,
        4..92 => 2,
        _ => special::DONT_KNOW,
    };
    let role_description = match role {
        special::OTHER_CARE_ROLE => "Reablement assistant",
        special::OTHER_NON_CARE_ROLE => "Maintenance and facilities",
        _ => "",
    };
    let nurse_specialism =
        (role == special::REGISTERED_NURSE).then(|| match rng.random_range(0..100u32) {
            0..70 => 1,
            70..85 => 2,
            85..95 => 3,
            95..97 => 4,
            _ => 5,
        });
    let approved_mental_health =
        (role == special::SOCIAL_WORKER).then(|| match rng.random_range(0..100u32) {
            0..20 => 1,
            20..90 => 2,
            _ => special::DONT_KNOW,
        });
    let ni_number = if chance(rng, 0.03) {
        String::new()
    } else {
        context.ids.ni_number(slot.ni_index)
    };
    let home_postcode = crate::ids::postcode(rng, &mixes.post_areas);
    let worker_id = slot.worker_id.as_str();

    let mut row = Row::new(staff_out);
    row.text(&plan.local_id)
        .text(worker_id)
        .raw("NEW")
        .text(&display_name)
        .raw(&ni_number);
    row.raw(&home_postcode)
        .date(date_of_birth)
        .code(gender)
        .code(origin.ethnicity);
    row.code(origin.nationality)
        .opt_code(origin.citizenship)
        .opt_code(origin.country_of_birth);
    row.opt_num(year_of_entry.and_then(|year| u64::try_from(year).ok()));
    row.code(disabled)
        .opt_code(care_certificate)
        .raw(&level_two_certificate)
        .code(recruitment);
    row.opt_code(origin.visa)
        .opt_code(origin.in_out_uk)
        .date(start)
        .code(sector_start);
    row.opt_code(staff_dha).code(apprentice).code(contract);
    row.code(zero_hours).raw(days_sick.as_deref().unwrap_or(""));
    row.code(pay_interval)
        .opt_num(salary)
        .raw(hourly_rate.as_deref().unwrap_or(""));
    row.code(role).text(role_description);
    row.raw(&contracted.map(Hours::text).unwrap_or_default())
        .raw(&average.map(Hours::text).unwrap_or_default());
    row.opt_code(nurse_specialism)
        .opt_code(approved_mental_health);
    row.raw(&social_care_qualification)
        .raw(&other_qualification)
        .opt_code(cwp_category);
    for slot in 0..3 {
        match achieved.get(slot) {
            Some((code, year)) => {
                row.raw(&format!("{code};{year}"));
                if chance(rng, 0.03) {
                    row.text("Completed with distinction");
                } else {
                    row.blank();
                }
            }
            None => {
                row.blank().blank();
            }
        }
    }
    row.end();

    write_training(context, plan, worker_id, date_of_birth, training_out);

    StaffOutcome {
        role,
        directly_employed,
        starter,
    }
}

/// Contract, zero-hours answer and hours of one record.
struct Work {
    contract: u32,
    directly_employed: bool,
    zero_hours: u32,
    contracted: Option<Hours>,
    average: Option<Hours>,
}

/// Draws the contract (EMPLSTATUS) and the hours (S60–S63, S78–S84).
fn draw_work(
    rng: &mut ChaCha8Rng,
    plan: &WorkplacePlan,
    is_manager: bool,
    forced_contract: Option<u32>,
) -> Work {
    let contract = forced_contract.unwrap_or_else(|| {
        if is_manager {
            return special::EMPLSTATUS_PERMANENT;
        }
        let draw = rng.random_range(0..100u32);
        if plan.is_domiciliary() {
            match draw {
                0..76 => 1,
                76..81 => 2,
                81..93 => 3,
                93..96 => 4,
                _ => 7,
            }
        } else {
            match draw {
                0..80 => 1,
                80..86 => 2,
                86..95 => 3,
                95..98 => 4,
                _ => 7,
            }
        }
    });
    let directly_employed = special::DIRECTLY_EMPLOYED.contains(&contract);
    let zero_hours_chance = match (directly_employed, plan.is_domiciliary()) {
        _ if is_manager => 0.0,
        (true, true) => ZERO_HOURS_DOMICILIARY_DIRECT,
        (true, false) => ZERO_HOURS_OTHER_DIRECT,
        (false, true) => ZERO_HOURS_DOMICILIARY_FLEXIBLE,
        (false, false) => ZERO_HOURS_OTHER_FLEXIBLE,
    };
    let zero_hours = if !is_manager && chance(rng, 0.01) {
        special::DONT_KNOW
    } else if chance(rng, zero_hours_chance) {
        1
    } else {
        2
    };
    let (contracted, average) = if directly_employed && zero_hours == 2 {
        let halves = draw_contracted_halves(rng, is_manager);
        (Some(Hours::Halves(halves)), None)
    } else if directly_employed && zero_hours == special::DONT_KNOW {
        (None, None)
    } else if chance(rng, 0.01) {
        (None, Some(Hours::DontKnow))
    } else {
        (None, Some(Hours::Halves(rng.random_range(8..=96u32))))
    };

    Work {
        contract,
        directly_employed,
        zero_hours,
        contracted,
        average,
    }
}

/// Nationality, citizenship, visa, country of birth, year of entry and ethnicity.
struct Origin {
    nationality: u32,
    citizenship: Option<u32>,
    country_of_birth: Option<u32>,
    year_of_entry: Option<i32>,
    visa: Option<u32>,
    in_out_uk: Option<u32>,
    ethnicity: u32,
}

/// Draws where a worker comes from, consistently with S27–S39 and S53.
fn draw_origin(
    rng: &mut ChaCha8Rng,
    tables: &Tables,
    mixes: &Mixes,
    as_of: Date,
    start: Date,
    date_of_birth: Date,
) -> Origin {
    let nationality_draw = rng.random::<f64>();
    let mut mix_ethnicity = None;
    let nationality = if nationality_draw < BRITISH_SHARE {
        special::NATIONALITY_BRITISH
    } else if nationality_draw < BRITISH_SHARE + 0.01 {
        special::NATIONALITY_DONT_KNOW
    } else if nationality_draw < BRITISH_SHARE + 0.015 {
        special::NATIONALITY_OTHER
    } else if nationality_draw < BRITISH_SHARE + 0.03 {
        let index = rng.random_range(0..tables.nationalities.len());
        tables
            .nationalities
            .iter()
            .nth(index)
            .map(|row| row.code)
            .filter(|code| {
                ![
                    special::NATIONALITY_BRITISH,
                    special::NATIONALITY_DONT_KNOW,
                    special::NATIONALITY_OTHER,
                ]
                .contains(code)
            })
            .unwrap_or(special::NATIONALITY_OTHER)
    } else {
        let row = mixes.nationalities.pick(rng).copied();
        mix_ethnicity = row.map(|row| row.ethnicity);
        row.map_or(special::NATIONALITY_OTHER, |row| row.code)
    };
    let is_british = nationality == special::NATIONALITY_BRITISH;
    let is_eu = tables
        .nationalities
        .get(nationality)
        .is_some_and(|row| row.eu);
    let citizenship = if is_british {
        None
    } else if nationality == special::NATIONALITY_DONT_KNOW {
        [Some(2), Some(2), Some(999), None]
            .get(rng.random_range(0..4usize))
            .copied()
            .flatten()
    } else {
        Some(match rng.random_range(0..100u32) {
            0..25 => 1,
            25..90 => 2,
            _ => special::DONT_KNOW,
        })
    };
    let visa_applies =
        (!is_british && nationality != special::NATIONALITY_DONT_KNOW && citizenship != Some(1))
            || (nationality == special::NATIONALITY_DONT_KNOW && citizenship == Some(2));
    let visa = visa_applies.then(|| {
        let draw = rng.random_range(0..100u32);
        if is_eu || nationality == special::NATIONALITY_OTHER {
            if draw < 95 { 2 } else { special::DONT_KNOW }
        } else {
            match draw {
                0..45 => 1,
                45..93 => 2,
                _ => special::DONT_KNOW,
            }
        }
    });
    let in_out_uk = (visa == Some(1)).then(|| match rng.random_range(0..100u32) {
        0..55 => 1,
        55..95 => 2,
        _ => special::DONT_KNOW,
    });
    let country_of_birth = if chance(rng, 0.02) {
        None
    } else if is_british {
        Some(match rng.random_range(0..100u32) {
            0..93 => special::COUNTRY_UNITED_KINGDOM,
            93..94 => special::COUNTRY_DONT_KNOW,
            _ => mixes
                .nationalities
                .pick(rng)
                .map(|row| row.code)
                .filter(|code| tables.countries.contains(*code))
                .unwrap_or(special::COUNTRY_OTHER),
        })
    } else if nationality == special::NATIONALITY_DONT_KNOW {
        Some(special::COUNTRY_DONT_KNOW)
    } else if tables.countries.contains(nationality) && !chance(rng, 0.1) {
        Some(nationality)
    } else {
        Some(special::COUNTRY_OTHER)
    };
    let start_year = start.year();
    let birth_year = date_of_birth.year();
    let year_of_entry = match country_of_birth {
        Some(code)
            if code != special::COUNTRY_UNITED_KINGDOM && code != special::COUNTRY_DONT_KNOW =>
        {
            let latest = start_year.min(as_of.year());
            let year = if in_out_uk == Some(1) {
                latest
            } else {
                latest - geometric(rng, 5.0)
            };
            Some(year.max(birth_year).min(latest))
        }
        _ => None,
    };
    let ethnicity = if is_british {
        match rng.random_range(0..1000u32) {
            0..780 => 31,
            780..790 => 32,
            790..810 => 34,
            810..825 => 35,
            825..835 => 36,
            835..845 => 37,
            845..850 => 38,
            850..880 => 39,
            880..895 => 40,
            895..905 => 41,
            905..910 => 43,
            910..935 => 44,
            935..955 => 45,
            955..960 => 46,
            960..965 => 47,
            965..975 => 98,
            _ => special::ETHNICITY_DONT_KNOW,
        }
    } else if let Some(code) = mix_ethnicity.filter(|_| !chance(rng, 0.1)) {
        code
    } else if is_eu {
        34
    } else {
        special::ETHNICITY_DONT_KNOW
    };

    Origin {
        nationality,
        citizenship,
        country_of_birth,
        year_of_entry,
        visa,
        in_out_uk,
        ethnicity,
    }
}

/// Draws the pay interval and amount (S65–S72, XS4).
fn draw_pay(
    rng: &mut ChaCha8Rng,
    role: u32,
    role_pay: Option<&RolePay>,
    forced_pay: Option<u32>,
    contracted: Option<Hours>,
    pay_factor: f64,
) -> (u32, Option<u64>, Option<String>) {
    let default_form = role_pay.map_or(PayForm::Hourly, |row| row.pay_form);
    let pay_interval = forced_pay.unwrap_or_else(|| {
        if chance(rng, 0.03) {
            special::DONT_KNOW
        } else {
            match default_form {
                PayForm::Hourly => special::SALARYINT_HOURLY,
                PayForm::Annual => special::SALARYINT_ANNUAL,
            }
        }
    });
    let median = role_pay.map_or(12.0, |row| row.pay_median) * pay_factor;
    let (hourly_median, annual_median) = match default_form {
        PayForm::Hourly => (median, median * FULL_TIME_HOURS_PER_YEAR),
        PayForm::Annual => (median / FULL_TIME_HOURS_PER_YEAR, median),
    };
    let mut salary = None;
    let mut hourly_rate = None;
    if pay_interval == special::SALARYINT_HOURLY {
        // Lognormal around the role's median; the floor sits below the median so it stays put.
        let rate = (hourly_median * (0.07 * normal(rng)).exp()).max(hourly_median * 0.93);
        let pence = (rate * 100.0).round() as u64;
        hourly_rate = Some(format!("{}.{:02}", pence / 100, pence % 100));
    } else if pay_interval == special::SALARYINT_ANNUAL {
        let full_time = annual_median * (0.15 * normal(rng)).exp();
        let hours = contracted.and_then(Hours::as_f64);
        let actual = match hours {
            Some(hours) if hours > 0.0 && hours < FULL_TIME_HOURS => {
                full_time * hours / FULL_TIME_HOURS
            }
            _ => full_time,
        };
        let ceiling = salary_ceiling(role);
        let part_time = hours.is_some_and(|hours| hours < 37.0);
        salary = Some(salary_pounds(actual, ceiling, part_time));
    }

    (pay_interval, salary, hourly_rate)
}

/// A salary in whole pounds from an amount, kept inside the accepted range (S68–S70) and given
/// the parity of its hours: XS4 compares a part-time salary (CONTHOURS < 37) with full-time ones
/// (CONTHOURS > 36) of the same role, so part-time salaries are odd and full-time ones even and
/// none can match.
pub(crate) fn salary_pounds(amount: f64, ceiling: u32, part_time: bool) -> u64 {
    let mut pounds = (amount.round() as u32).clamp(special::SALARY_MIN + 100, ceiling - 2);
    if (pounds % 2 == 1) != part_time {
        pounds += 1;
    }
    u64::from(pounds)
}

/// The salary ceiling of a job role (S70).
pub(crate) fn salary_ceiling(role: u32) -> u32 {
    if role == special::SENIOR_MANAGEMENT {
        special::SALARY_MAX_SENIOR_MANAGEMENT
    } else {
        special::SALARY_MAX
    }
}

/// DAYSSICK in the last 12 months (S64): 5% don't know, 45% none, else about 8 days on average
/// in half days.
pub(crate) fn draw_days_sick(rng: &mut ChaCha8Rng) -> String {
    if chance(rng, 0.05) {
        "999".to_owned()
    } else if chance(rng, 0.45) {
        "0".to_owned()
    } else {
        let halves = ((-(1.0 - rng.random::<f64>()).ln() * 8.0 * 2.0).round() as u32).clamp(1, 732);
        Hours::Halves(halves).text()
    }
}

/// Contracted hours in half hours: managers 37.5–45; others 37.5 (25%), 40 (10%) or 16–45,
/// skipping 36.5 so that a salaried line never matches itself in XS4.
pub(crate) fn draw_contracted_halves(rng: &mut ChaCha8Rng, is_manager: bool) -> u32 {
    if is_manager {
        rng.random_range(75..=90u32)
    } else {
        match rng.random_range(0..100u32) {
            0..25 => 75,
            25..35 => 80,
            _ => match rng.random_range(32..=90u32) {
                73 => 72,
                other => other,
            },
        }
    }
}

/// Hours written from half hours (`37.5`, `40`).
pub(crate) fn halves_text(halves: u32) -> String {
    Hours::Halves(halves).text()
}

/// A whole number of years, geometric with the given mean (at least 0).
fn geometric(rng: &mut rand_chacha::ChaCha8Rng, mean: f64) -> i32 {
    let value = -(1.0 - rng.random::<f64>()).ln() * mean;
    value.floor().min(60.0) as i32
}

/// Writes the training lines of one staff record: 0–5 (mean ≈ 2.05), distinct categories.
fn write_training(
    context: &mut Context,
    plan: &WorkplacePlan,
    worker_id: &str,
    date_of_birth: Date,
    out: &mut String,
) {
    let as_of = context.as_of;
    let count = match context.rng.random_range(0..100u32) {
        0..18 => 0,
        18..42 => 1,
        42..64 => 2,
        64..80 => 3,
        80..91 => 4,
        _ => 5,
    };
    let sixteenth_birthday = years_after(date_of_birth, 16).unwrap_or(as_of).min(as_of);
    let three_years_ago = years_before(as_of, 3).unwrap_or(as_of);
    let earliest = sixteenth_birthday.max(three_years_ago);
    let mut categories: Vec<u32> = Vec::with_capacity(count);
    for _ in 0..count {
        context.coverage.training.tick(context.training_lines);
        let category = match context.coverage.training.take() {
            Some(category) => Some(category),
            None => (0..5).find_map(|_| {
                context
                    .mixes
                    .training
                    .pick(&mut context.rng)
                    .map(|row| row.category)
                    .filter(|category| !categories.contains(category))
            }),
        };
        let Some(category) = category else { continue };
        if categories.contains(&category) {
            // A covered category this record already has: leave it for the next record.
            context.coverage.training.give_back(category);
            continue;
        }
        categories.push(category);
        context.training_lines += 1;
        write_training_line(context, &plan.local_id, worker_id, category, earliest, out);
    }
}

/// Writes one training line of `category`, completed (when a date is given) between `earliest`
/// and the as-of date.
pub(crate) fn write_training_line(
    context: &mut Context,
    local_id: &str,
    worker_id: &str,
    category: u32,
    earliest: Date,
    out: &mut String,
) {
    let as_of = context.as_of;
    let tables = context.tables;
    let span = (as_of - earliest).whole_days().max(0);
    let rng = &mut context.rng;
    let name = tables
        .training_categories
        .name_of(category)
        .unwrap_or("Training");
    let accredited = [Some(1), Some(1), Some(1), Some(0), Some(0), Some(999), None]
        .get(rng.random_range(0..7usize))
        .copied()
        .flatten();
    let who = match rng.random_range(0..100u32) {
        0..45 => Some(1),
        45..95 => Some(special::WHO_DELIVERED_EXTERNAL),
        _ => None,
    };
    let provider = (who == Some(special::WHO_DELIVERED_EXTERNAL)).then(|| {
        let index = rng.random_range(0..tables.training_providers.len());
        tables
            .training_providers
            .iter()
            .nth(index)
            .map_or(special::TRAINING_PROVIDER_OTHER, |row| row.code)
    });
    let how = match rng.random_range(0..100u32) {
        0..50 => Some(1),
        50..95 => Some(2),
        _ => None,
    };
    let usual_validity = context.mixes.validity_of(category);
    let validity = if chance(rng, 0.1) {
        Validity::Blank
    } else {
        usual_validity.map_or(Validity::None, Validity::Months)
    };
    // One draw, as always (the stream of every later line and record is unchanged); it places
    // the completion by the line's validity: see [`completion_days_back`].
    let months = match validity {
        Validity::Months(months) => Some(months),
        Validity::Blank => usual_validity,
        Validity::None => None,
    };
    let completed = (!chance(rng, 0.05)).then(|| {
        let offset = rng.random_range(0..=span);
        shift_days(as_of, -completion_days_back(offset, span, months)).unwrap_or(as_of)
    });
    let expiry = match (validity, completed) {
        (Validity::Months(months), Some(done)) if chance(rng, 0.7) => {
            add_months(done, months).and_then(|date| shift_days(date, -1))
        }
        (Validity::Blank, Some(done)) if chance(rng, 0.2) => {
            add_months(done, 12).and_then(|date| shift_days(date, -1))
        }
        _ => None,
    };
    let notes = match rng.random_range(0..100u32) {
        0..2 => "Refresher booked, awaiting date",
        2..3 => "Trainer noted \"good practice\"",
        _ => "",
    };

    let mut row = Row::new(out);
    row.text(local_id).text(worker_id).code(category).text(name);
    row.opt_code(accredited).opt_code(who).opt_code(provider);
    row.opt_code(how);
    match validity {
        Validity::Months(months) => row.code(months),
        Validity::None => row.raw("none"),
        Validity::Blank => row.blank(),
    };
    row.opt_date(completed).opt_date(expiry).text(notes);
    row.end();
}

/// Share of refreshable training lines completed within their validity on the upload's as-of
/// date (valid or expiring there); the rest expired up to a year before. Employers mostly keep
/// refreshers in date, so a registered manager sees most topics valid, some expiring and some
/// overdue (issue 8 item 6; `docs/decisions/compliance.md`).
const IN_DATE_SHARE: f64 = 0.8;

/// How many days before the as-of date a line is completed, from a uniform draw `offset` in
/// `0..=span` (`span` = days from the earliest possible completion to the as-of date):
/// without a validity, uniformly over the span (as before); with `months` of validity, the
/// first [`IN_DATE_SHARE`] of draws fall evenly within the validity (completed at most
/// validity − 1 day ago, so still in date) and the rest up to a year (or one validity, when
/// shorter) beyond it. Never more than `span` days back.
fn completion_days_back(offset: i64, span: i64, months: Option<u32>) -> i64 {
    if span <= 0 {
        return 0;
    }
    let Some(months) = months.filter(|months| *months > 0) else {
        return span - offset;
    };
    let u = offset.clamp(0, span) as f64 / span as f64;
    // Days in `months` months, rounded down (365.25 / 12 = 30.4375 a month).
    let window = (f64::from(months) * 30.4375).floor();
    let back = if u < IN_DATE_SHARE {
        (u / IN_DATE_SHARE) * (window - 1.0)
    } else {
        window + ((u - IN_DATE_SHARE) / (1.0 - IN_DATE_SHARE)) * window.min(365.0)
    };
    (back.floor() as i64).min(span)
}

#[derive(Debug, Clone, Copy)]
enum Validity {
    Months(u32),
    None,
    Blank,
}

#[cfg(test)]
mod tests {
    use super::completion_days_back;

    #[test]
    fn completion_dates_fall_mostly_within_the_validity() {
        // 12 months = floor(12 × 30.4375) = 365 days; span 1095 (three years).
        // The first draw is today. Just short of 80% of the span (875 of 1095: u = 0.79909)
        // is 0.79909 / 0.8 × 364 = 363.6 → 363 days back, in date; at 80% (876) the overdue
        // share starts, 365 days back (a yearly line completed then ran out yesterday).
        assert_eq!(completion_days_back(0, 1095, Some(12)), 0);
        assert_eq!(completion_days_back(875, 1095, Some(12)), 363);
        assert_eq!(completion_days_back(876, 1095, Some(12)), 365);
        // Halfway through the in-date share: u = 438 / 1095 = 0.4, 0.4 / 0.8 × 364 = 182.
        assert_eq!(completion_days_back(438, 1095, Some(12)), 182);
        // Past it, overdue by up to a year: the last draw is 365 + 365 = 730 days back.
        assert_eq!(completion_days_back(1095, 1095, Some(12)), 730);
        // Never before the earliest possible date: 36 months = 1095 days, span 400.
        assert_eq!(completion_days_back(400, 400, Some(36)), 400);
        // Without a validity, uniform over the span as before (offset from the earliest day).
        assert_eq!(completion_days_back(100, 1095, None), 995);
        assert_eq!(completion_days_back(5, 0, Some(12)), 0);
    }
}
