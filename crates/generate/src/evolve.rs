//! Next year's upload of the same workplaces ([`evolve`]): some staff leave (deletion by
//! omission), the rest continue with the same references and personal fields (`UPDATE`), new
//! starters join (`NEW`), and each workplace line's workforce counts tell what happened.
//!
//! The previous upload is read back from its own text (`read.rs`), so any upload this crate wrote
//! (generated or evolved) can be evolved again. All randomness comes from one ChaCha8 generator
//! seeded with the options' seed; the files are walked in order, so the same inputs give the same
//! bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use carecount_codes::special;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration};

use crate::ids::IdMaker;
use crate::mix::{Mixes, PayForm, StaffMix, chance, normal};
use crate::read::{Table, field, parse_date, set, write_record};
use crate::staff::{
    FULL_TIME_HOURS, FULL_TIME_HOURS_PER_YEAR, Slot, draw_contracted_halves, draw_days_sick,
    halves_text, salary_ceiling, salary_pounds, write_staff, write_training_line,
};
use crate::text::{add_months, shift_days, years_after};
use crate::workplace::{RoleCounts, VACANCY_PER_POST, WorkplacePlan, leaving_reasons, trim};
use crate::{
    Context, CoverageSet, GenerateError, GeneratedUpload, MAX_STAFF_PER_WORKPLACE, STAFF_HEADER,
    TRAINING_HEADER, Tuning, WORKPLACE_HEADER,
};

/// How to move an upload on to its next date.
#[derive(Debug, Clone, PartialEq)]
pub struct EvolveOptions {
    /// Seed of the random generator: same upload and options, same bytes.
    pub seed: u64,
    /// The new as-of date (typically one year after the previous upload's). Starters' start dates
    /// fall in the 365 days up to it.
    pub as_of: Date,
    /// Expected share of the previous staff records that leave (0–0.9), e.g. 0.25. Who leaves
    /// follows length of service, age and contract (more in the first year and under 20).
    pub turnover: f64,
    /// Expected growth of the number of staff records (−0.5–1), e.g. 0.01.
    pub growth: f64,
}

/// Highest chance that any one record leaves.
const MAX_LEAVE_CHANCE: f64 = 0.9;
/// Chance that a starter's job is a leaver's job refilled (else drawn from the service's mix).
const REPLACE_SAME_ROLE: f64 = 0.8;
/// Chance that a workplace without its registered manager appoints one during the year.
const MANAGER_HIRED: f64 = 0.75;
/// Per directly employed starter, chance of one more person who started and left within the year
/// (counted in STARTERS and LEAVERS, absent from both files: planning.md §5 "unseen early leavers").
const UNSEEN_PER_STARTER: f64 = 0.1;
/// Spread (standard deviation) of a workplace's growth around the options' growth.
const GROWTH_SPREAD: f64 = 0.04;
/// Yearly pay rise of continuing staff, uniform in this range (brief: about 3–7%).
const PAY_RISE: (f64, f64) = (1.03, 1.07);
/// Chance in a year that a temporary worker becomes permanent.
const TEMPORARY_TO_PERMANENT: f64 = 0.3;
/// Chance in a year that a zero-hours pool/bank worker takes a permanent zero-hours contract.
const BANK_TO_PERMANENT: f64 = 0.08;
/// Chance in a year that a worker on contracted hours changes them.
const HOURS_CHANGE: f64 = 0.08;
/// Chance that expired training is refreshed during the year.
const TRAINING_REFRESHED: f64 = 0.5;
/// Chance that a continuing worker records one new course during the year.
const NEW_TRAINING: f64 = 0.4;
/// Chance that a workplace answers 999 (don't know) to STARTERS, LEAVERS or VACANCIES.
const COUNT_UNKNOWN: f64 = 0.01;

/// Evolves `previous` to `options.as_of`: leavers omitted, continuing staff `UPDATE`d with the
/// same UNIQUEWORKERID, DOB, STARTDATE, NI number and name, starters `NEW` with fresh references
/// (`W<year>-<n>`) and a STARTDATE after the previous as-of date and in the 365 days up to the new
/// one, and every workplace line `UPDATE`d with TOTALPERMTEMP, STARTERS, LEAVERS,
/// VACANCIES and REASONS/REASONNOS that agree with the staff file.
///
/// # Errors
///
/// [`GenerateError::NotLater`] when the new date is not after the previous one,
/// [`GenerateError::Rate`] for a turnover or growth out of range, and
/// [`GenerateError::Previous`] when the files are not this crate's.
pub fn evolve(
    previous: &GeneratedUpload,
    options: &EvolveOptions,
) -> Result<GeneratedUpload, GenerateError> {
    evolve_with(previous, options, None)
}

/// [`evolve`] with a known vacancy rate per directly employed post (the demo's areas); `None`
/// carries on the previous upload's rate.
pub(crate) fn evolve_with(
    previous: &GeneratedUpload,
    options: &EvolveOptions,
    vacancy_per_post: Option<f64>,
) -> Result<GeneratedUpload, GenerateError> {
    if options.as_of <= previous.as_of {
        return Err(GenerateError::NotLater {
            previous: previous.as_of,
            next: options.as_of,
        });
    }
    check_rate(
        "turnover",
        options.turnover,
        0.0,
        MAX_LEAVE_CHANCE,
        "from 0 to 0.9",
    )?;
    check_rate("growth", options.growth, -0.5, 1.0, "from -0.5 to 1")?;
    let workplaces = Table::read("workplace", &previous.workplace)?;
    let staff = Table::read("staff", &previous.staff)?;
    let training = Table::read("training", &previous.training)?;
    if workplaces.header.join(",") != WORKPLACE_HEADER
        || staff.header.join(",") != STAFF_HEADER
        || training.header.join(",") != TRAINING_HEADER
    {
        return Err(GenerateError::Previous {
            file: "workplace, staff or training",
            reason: "its header is not the one this crate writes".to_owned(),
        });
    }
    let w = WorkplaceColumns::new(&workplaces)?;
    let s = StaffColumns::new(&staff)?;
    let t = TrainingColumns::new(&training)?;

    let mixes = crate::mix::load()?;
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let ids = IdMaker::new(&mut rng);
    let pay_level = pay_level(&staff, &s, &mixes) * (PAY_RISE.0 + PAY_RISE.1) / 2.0;
    let mut context = Context {
        tables: carecount_codes::tables(),
        mixes,
        rng,
        ids,
        as_of: options.as_of,
        coverage: CoverageSet::none(),
        training_lines: 0,
        tuning: Tuning {
            pay: pay_level,
            ..Tuning::default()
        },
    };
    let vacancy_rate = vacancy_per_post
        .filter(|rate| rate.is_finite())
        .map_or_else(
            || vacancy_rate(&workplaces, &w, &staff, &s),
            |rate| rate.clamp(0.0, 0.5),
        );

    // Every record's chance of leaving, scaled so that the expected share is the turnover.
    let local_authority: HashSet<&str> = workplaces
        .records
        .iter()
        .filter(|record| {
            field(record, w.employer_type)
                .parse::<u32>()
                .is_ok_and(|code| special::EMPLOYER_TYPES_LOCAL_AUTHORITY.contains(&code))
        })
        .map(|record| field(record, w.local_id))
        .collect();
    let weights: Vec<f64> = staff
        .records
        .iter()
        .map(|record| {
            leave_weight(
                record,
                &s,
                previous.as_of,
                local_authority.contains(field(record, s.local_id)),
            )
        })
        .collect();
    let weight_total: f64 = weights.iter().sum();
    let scale = if weight_total > 0.0 {
        options.turnover * weights.len() as f64 / weight_total
    } else {
        0.0
    };
    let leaving: Vec<bool> = weights
        .iter()
        .map(|weight| chance(&mut context.rng, (weight * scale).min(MAX_LEAVE_CHANCE)))
        .collect();

    let mut staff_by_workplace: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, record) in staff.records.iter().enumerate() {
        staff_by_workplace
            .entry(field(record, s.local_id))
            .or_default()
            .push(index);
    }
    let mut training_by_worker: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (index, record) in training.records.iter().enumerate() {
        training_by_worker
            .entry((field(record, t.local_id), field(record, t.worker_id)))
            .or_default()
            .push(index);
    }
    let used_ni: HashSet<&str> = staff
        .records
        .iter()
        .map(|record| field(record, s.ni_number))
        .filter(|ni| !ni.is_empty())
        .collect();

    let mut workplace_text = String::with_capacity(previous.workplace.len() + 1024);
    let mut staff_text = String::with_capacity(previous.staff.len() + previous.staff.len() / 8);
    let mut training_text =
        String::with_capacity(previous.training.len() + previous.training.len() / 4);
    for (text, header) in [
        (&mut workplace_text, WORKPLACE_HEADER),
        (&mut staff_text, STAFF_HEADER),
        (&mut training_text, TRAINING_HEADER),
    ] {
        text.push_str(header);
        text.push('\n');
    }

    // Starters start after the previous as-of date and at most 364 days before the new one.
    let start_window = ((options.as_of - previous.as_of).whole_days() - 1).clamp(0, 364);
    let mut next_ni = 0u64;
    let mut global_index = 0u64;
    for (workplace_index, workplace_record) in workplaces.records.iter().enumerate() {
        let local_id = field(workplace_record, w.local_id);
        let plan = rebuild_plan(&context, workplace_record, &w, workplace_index as u64)?;
        let members: &[usize] = staff_by_workplace.get(local_id).map_or(&[], Vec::as_slice);

        // Who leaves: never so many that LEAVERS reaches the new total (XW3).
        let mut leavers: Vec<usize> = Vec::new();
        let mut stayers: Vec<usize> = Vec::new();
        for &index in members {
            if leaving.get(index).copied().unwrap_or(false) {
                leavers.push(index);
            } else {
                stayers.push(index);
            }
        }
        let growth = options.growth + GROWTH_SPREAD * normal(&mut context.rng);
        let target = ((members.len() as f64) * (1.0 + growth))
            .round()
            .clamp(1.0, MAX_STAFF_PER_WORKPLACE as f64) as usize;
        let mut starters = target.saturating_sub(stayers.len());
        let direct_leavers = |leavers: &[usize]| {
            leavers
                .iter()
                .filter(|&&index| {
                    staff
                        .records
                        .get(index)
                        .is_some_and(|record| is_direct(field(record, s.contract)))
                })
                .count()
        };
        while !leavers.is_empty() && direct_leavers(&leavers) >= stayers.len() + starters {
            if let Some(index) = leavers.pop() {
                stayers.push(index);
                stayers.sort_unstable();
            }
        }
        let role_of = |index: usize| {
            staff
                .records
                .get(index)
                .and_then(|record| field(record, s.role).parse::<u32>().ok())
                .unwrap_or(8)
        };

        // Starters' roles: the registered manager first when one is appointed, then leavers'
        // jobs refilled, then the service's mix.
        let manager_stays = stayers
            .iter()
            .any(|&index| role_of(index) == special::REGISTERED_MANAGER);
        let mut roles: Vec<u32> = Vec::with_capacity(starters + 1);
        if plan.needs_manager
            && !manager_stays
            && (stayers.len() + starters < 2 || chance(&mut context.rng, MANAGER_HIRED))
        {
            roles.push(special::REGISTERED_MANAGER);
            starters = starters.max(1);
        }
        let mut refill: Vec<u32> = leavers
            .iter()
            .map(|&index| role_of(index))
            .filter(|&role| role != special::REGISTERED_MANAGER)
            .collect();
        refill.reverse();
        while roles.len() < starters {
            let role = if !refill.is_empty() && chance(&mut context.rng, REPLACE_SAME_ROLE) {
                refill.pop().unwrap_or(8)
            } else {
                context
                    .mixes
                    .roles(plan.staff_mix)
                    .and_then(|weighted| weighted.pick(&mut context.rng))
                    .copied()
                    .unwrap_or(8)
            };
            roles.push(role);
        }

        let mut counts: BTreeMap<u32, RoleCounts> = BTreeMap::new();
        for &index in &leavers {
            let role_counts = counts.entry(role_of(index)).or_default();
            if staff
                .records
                .get(index)
                .is_some_and(|record| is_direct(field(record, s.contract)))
            {
                role_counts.leavers += 1;
            }
        }

        // Continuing staff, in their previous order, then the starters.
        let mut worker_ids: HashSet<String> = HashSet::new();
        let mut has_manager = false;
        for &index in &stayers {
            let Some(record) = staff.records.get(index) else {
                continue;
            };
            let mut record = record.clone();
            continue_record(&mut context, &mut record, &s);
            let role = field(&record, s.role).parse::<u32>().unwrap_or(8);
            has_manager |= role == special::REGISTERED_MANAGER;
            let direct = is_direct(field(&record, s.contract));
            let started = parse_date(field(&record, s.start));
            let role_counts = counts.entry(role).or_default();
            if direct {
                role_counts.direct += 1;
                if started.is_some_and(|start| in_last_year(start, options.as_of)) {
                    role_counts.starters += 1;
                }
            }
            write_record(&mut staff_text, &record);
            let worker_id = field(&record, s.worker_id).to_owned();
            let date_of_birth = parse_date(field(&record, s.date_of_birth));
            let lines = training_by_worker
                .get(&(local_id, worker_id.as_str()))
                .map_or(&[][..], Vec::as_slice);
            continue_training(
                &mut context,
                &training,
                &t,
                lines,
                local_id,
                &worker_id,
                date_of_birth,
                &mut training_text,
            );
            worker_ids.insert(worker_id);
        }
        let mut sequence = 0u32;
        for &role in &roles {
            let worker_id = loop {
                sequence += 1;
                let candidate = format!("W{}-{sequence:04}", options.as_of.year());
                if !worker_ids.contains(&candidate) {
                    break candidate;
                }
            };
            let ni_index = loop {
                let candidate = next_ni;
                next_ni += 1;
                if !used_ni.contains(context.ids.ni_number(candidate).as_str()) {
                    break candidate;
                }
            };
            let slot = Slot {
                worker_id: worker_id.clone(),
                ni_index,
                recent_start: Some(start_window),
            };
            let outcome = write_staff(
                &mut context,
                &plan,
                &slot,
                global_index,
                role,
                &mut staff_text,
                &mut training_text,
            );
            global_index += 1;
            has_manager |= outcome.role == special::REGISTERED_MANAGER;
            let role_counts = counts.entry(outcome.role).or_default();
            if outcome.directly_employed {
                role_counts.direct += 1;
                if outcome.starter {
                    role_counts.starters += 1;
                }
            }
            worker_ids.insert(worker_id);
        }
        let total = u32::try_from(stayers.len() + roles.len()).unwrap_or(u32::MAX);

        // Unseen early leavers, within XW2 (STARTERS ≤ total) and XW3 (LEAVERS < total).
        let mut starters_sum: u32 = counts.values().map(|c| c.starters).sum();
        let mut leavers_sum: u32 = counts.values().map(|c| c.leavers).sum();
        for role_counts in counts.values_mut() {
            for _ in 0..role_counts.starters {
                if chance(&mut context.rng, UNSEEN_PER_STARTER)
                    && starters_sum < total
                    && leavers_sum + 1 < total
                {
                    role_counts.starters += 1;
                    role_counts.leavers += 1;
                    starters_sum += 1;
                    leavers_sum += 1;
                }
            }
        }

        // Vacancies at the area's previous rate; the registered manager's post when it is empty
        // (XW5); below the total (XW4).
        for role_counts in counts.values_mut() {
            for _ in 0..role_counts.direct {
                if chance(&mut context.rng, vacancy_rate) {
                    role_counts.vacancies += 1;
                }
            }
        }
        let manager_vacancy = plan.needs_manager && !has_manager;
        if manager_vacancy {
            counts
                .entry(special::REGISTERED_MANAGER)
                .or_default()
                .vacancies = 1;
        }
        let keep = manager_vacancy.then_some(special::REGISTERED_MANAGER);
        trim(
            &mut counts,
            total.saturating_sub(1),
            |role_counts| &mut role_counts.vacancies,
            keep,
        );

        let mut record = workplace_record.clone();
        update_workplace(
            &mut context.rng,
            &mut record,
            &w,
            &counts,
            total,
            !manager_vacancy,
        );
        write_record(&mut workplace_text, &record);
    }

    Ok(GeneratedUpload {
        as_of: options.as_of,
        workplace: workplace_text,
        staff: staff_text,
        training: training_text,
    })
}

fn check_rate(
    name: &'static str,
    value: f64,
    low: f64,
    high: f64,
    expected: &'static str,
) -> Result<(), GenerateError> {
    if value.is_finite() && (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(GenerateError::Rate {
            name,
            value: value.to_string(),
            expected,
        })
    }
}

/// EMPLSTATUS 1 or 2.
fn is_direct(contract: &str) -> bool {
    contract
        .parse::<u32>()
        .is_ok_and(|code| special::DIRECTLY_EMPLOYED.contains(&code))
}

/// Started in the 365 days up to `as_of` (the STARTERS window, as in `generate`).
fn in_last_year(start: Date, as_of: Date) -> bool {
    start <= as_of && (as_of - start) < Duration::days(365)
}

/// Relative chance of leaving in the coming year, from the record as it stood at the previous
/// as-of date: higher in the first year of service, under 25, at retirement age, on temporary,
/// bank, agency or zero-hours terms; lower with a local authority employer (issue 4: LA turnover
/// is well below the independent sector's).
fn leave_weight(record: &[String], s: &StaffColumns, as_of: Date, local_authority: bool) -> f64 {
    let mut weight = 1.0;
    if let Some(start) = parse_date(field(record, s.start)) {
        let years = (as_of - start).whole_days() as f64 / 365.25;
        weight *= if years < 1.0 {
            1.8
        } else if years < 2.0 {
            1.2
        } else {
            0.85
        };
    }
    if let Some(birth) = parse_date(field(record, s.date_of_birth)) {
        let age = (as_of - birth).whole_days() as f64 / 365.25;
        weight *= if age < 20.0 {
            1.6
        } else if age < 25.0 {
            1.3
        } else if age >= 65.0 {
            1.6
        } else {
            1.0
        };
    }
    weight *= match field(record, s.contract) {
        "2" => 1.4,
        "3" => 1.3,
        "4" => 1.5,
        "7" => 1.2,
        _ => 1.0,
    };
    if field(record, s.zero_hours) == "1" {
        weight *= 1.2;
    }
    if local_authority {
        weight *= 0.6;
    }
    weight
}

/// The previous pay level against the calibration medians: the median, over hourly-paid and
/// full-time salaried records, of pay ÷ the role's median (1.0 when nothing is known). It carries
/// an area's pay level (and the years of rises) over to its starters.
fn pay_level(staff: &Table, s: &StaffColumns, mixes: &Mixes) -> f64 {
    let mut ratios: Vec<f64> = Vec::new();
    for record in &staff.records {
        let Some(role_pay) = field(record, s.role)
            .parse::<u32>()
            .ok()
            .and_then(|role| mixes.role_pay(role))
        else {
            continue;
        };
        let (hourly_median, annual_median) = match role_pay.pay_form {
            PayForm::Hourly => (
                role_pay.pay_median,
                role_pay.pay_median * FULL_TIME_HOURS_PER_YEAR,
            ),
            PayForm::Annual => (
                role_pay.pay_median / FULL_TIME_HOURS_PER_YEAR,
                role_pay.pay_median,
            ),
        };
        let interval = field(record, s.pay_interval).parse::<u32>().ok();
        let ratio = if interval == Some(special::SALARYINT_HOURLY) {
            field(record, s.hourly_rate)
                .parse::<f64>()
                .ok()
                .map(|rate| rate / hourly_median)
        } else if interval == Some(special::SALARYINT_ANNUAL)
            && field(record, s.contracted)
                .parse::<f64>()
                .is_ok_and(|hours| hours >= FULL_TIME_HOURS)
        {
            field(record, s.salary)
                .parse::<f64>()
                .ok()
                .map(|salary| salary / annual_median)
        } else {
            None
        };
        if let Some(ratio) = ratio.filter(|ratio| ratio.is_finite() && *ratio > 0.0) {
            ratios.push(ratio);
        }
    }
    ratios.sort_by(f64::total_cmp);
    ratios.get(ratios.len() / 2).copied().unwrap_or(1.0)
}

/// Vacancies per directly employed post in the previous upload (workplaces that answered; the
/// registered managers' vacancies left out), `VACANCY_PER_POST` when nothing is known; at most
/// 0.5. It carries an area's vacancy level over to the next year.
fn vacancy_rate(workplaces: &Table, w: &WorkplaceColumns, staff: &Table, s: &StaffColumns) -> f64 {
    let mut direct: HashMap<&str, u32> = HashMap::new();
    for record in &staff.records {
        if is_direct(field(record, s.contract)) {
            *direct.entry(field(record, s.local_id)).or_default() += 1;
        }
    }
    let mut vacancies = 0u64;
    let mut posts = 0u64;
    for record in &workplaces.records {
        let answer = field(record, w.vacancies);
        if answer == "999" {
            continue;
        }
        // The registered manager's vacancy is added on top of the drawn ones (XW5): left out.
        vacancies += field(record, w.roles)
            .split(';')
            .zip(answer.split(';'))
            .filter(|(role, _)| *role != special::REGISTERED_MANAGER.to_string())
            .filter_map(|(_, item)| item.parse::<u64>().ok())
            .sum::<u64>();
        posts += u64::from(direct.get(field(record, w.local_id)).copied().unwrap_or(0));
    }
    if posts == 0 {
        VACANCY_PER_POST
    } else {
        (vacancies as f64 / posts as f64).min(0.5)
    }
}

/// The plan `write_staff` needs, rebuilt from a workplace line.
fn rebuild_plan(
    context: &Context,
    record: &[String],
    w: &WorkplaceColumns,
    index: u64,
) -> Result<WorkplacePlan, GenerateError> {
    let malformed = |what: &str| GenerateError::Previous {
        file: "workplace",
        reason: format!("line {} has no valid {what}", index + 2),
    };
    let service_code: u32 = field(record, w.main_service)
        .parse()
        .map_err(|_| malformed("MAINSERVICE"))?;
    let service = context
        .tables
        .services
        .get(service_code)
        .ok_or_else(|| malformed("MAINSERVICE"))?;
    let staff_mix = context
        .mixes
        .services
        .iter()
        .find(|row| row.code == service_code)
        .map_or(StaffMix::Community, |row| row.staff_mix);
    let employer_type: u32 = field(record, w.employer_type)
        .parse()
        .map_err(|_| malformed("ESTTYPE"))?;
    let regulated = field(record, w.regulation) == special::REGTYPE_CQC.to_string();
    let needs_manager = regulated && service.code != special::HEAD_OFFICE;
    Ok(WorkplacePlan {
        index,
        local_id: field(record, w.local_id).to_owned(),
        service,
        staff_mix,
        employer_type,
        regulated,
        needs_manager,
        has_manager: false,
        staff_count: 0,
        dha: field(record, w.dha).parse().ok(),
    })
}

/// A continuing staff record: `UPDATE`, a pay rise, sometimes a new contract or new hours, and
/// DAYSSICK for the new year (never with the previous whole number of days, S13).
fn continue_record(context: &mut Context, record: &mut [String], s: &StaffColumns) {
    let rng = &mut context.rng;
    set(record, s.status, "UPDATE");
    let role = field(record, s.role).parse::<u32>().unwrap_or(8);
    let zero_hours = field(record, s.zero_hours).to_owned();
    match field(record, s.contract) {
        "2" if chance(rng, TEMPORARY_TO_PERMANENT) => set(record, s.contract, "1"),
        "3" if zero_hours == "1" && chance(rng, BANK_TO_PERMANENT) => set(record, s.contract, "1"),
        _ => {}
    }
    let old_hours = field(record, s.contracted).parse::<f64>().ok();
    let mut hours = old_hours;
    if old_hours.is_some() && zero_hours == "2" && chance(rng, HOURS_CHANGE) {
        let halves = draw_contracted_halves(rng, role == special::REGISTERED_MANAGER);
        set(record, s.contracted, halves_text(halves));
        hours = Some(f64::from(halves) / 2.0);
    }

    let rise = rng.random_range(PAY_RISE.0..PAY_RISE.1);
    match field(record, s.pay_interval).parse::<u32>().ok() {
        Some(special::SALARYINT_HOURLY) => {
            if let Ok(rate) = field(record, s.hourly_rate).parse::<f64>() {
                let pence = (rate * 100.0 * rise).round() as u64;
                set(
                    record,
                    s.hourly_rate,
                    format!("{}.{:02}", pence / 100, pence % 100),
                );
            }
        }
        Some(special::SALARYINT_ANNUAL) => {
            if let Ok(salary) = field(record, s.salary).parse::<f64>() {
                // Pro rata to the new hours (full time counts as 37.5, metrics.md §4).
                let share = |hours: Option<f64>| {
                    hours
                        .filter(|hours| *hours > 0.0)
                        .map_or(1.0, |hours| hours.min(FULL_TIME_HOURS) / FULL_TIME_HOURS)
                };
                let amount = salary / share(old_hours) * share(hours) * rise;
                let part_time = hours.is_some_and(|hours| hours < 37.0);
                let pounds = salary_pounds(amount, salary_ceiling(role), part_time);
                set(record, s.salary, pounds.to_string());
            }
        }
        _ => {}
    }

    let old_sick = field(record, s.days_sick).to_owned();
    if !old_sick.is_empty() {
        let whole = |text: &str| text.split('.').next().unwrap_or("").to_owned();
        let mut sick = draw_days_sick(rng);
        for _ in 0..8 {
            if whole(&sick) != whole(&old_sick) {
                break;
            }
            sick = draw_days_sick(rng);
        }
        if whole(&sick) == whole(&old_sick) {
            sick = if old_sick == "0" { "1" } else { "0" }.to_owned();
        }
        set(record, s.days_sick, sick);
    }
}

/// A continuing worker's training: every previous line carried over, expired ones sometimes
/// refreshed (completed again in the last 12 months), and sometimes one new course.
#[allow(clippy::too_many_arguments)]
fn continue_training(
    context: &mut Context,
    training: &Table,
    t: &TrainingColumns,
    lines: &[usize],
    local_id: &str,
    worker_id: &str,
    date_of_birth: Option<Date>,
    out: &mut String,
) {
    let as_of = context.as_of;
    let year_ago = shift_days(as_of, -364).unwrap_or(as_of);
    let mut held: BTreeSet<u32> = BTreeSet::new();
    for &index in lines {
        let Some(record) = training.records.get(index) else {
            continue;
        };
        let mut record = record.clone();
        if let Ok(category) = field(&record, t.category).parse::<u32>() {
            held.insert(category);
        }
        let completed = parse_date(field(&record, t.completed));
        let months = field(&record, t.validity).parse::<u32>().ok();
        let expiry = parse_date(field(&record, t.expiry)).or_else(|| {
            completed
                .zip(months)
                .and_then(|(done, months)| add_months(done, months))
                .and_then(|date| shift_days(date, -1))
        });
        if let (Some(done), Some(expiry)) = (completed, expiry)
            && expiry < as_of
            && chance(&mut context.rng, TRAINING_REFRESHED)
        {
            let earliest = year_ago.max(done.next_day().unwrap_or(done));
            let span = (as_of - earliest).whole_days().max(0);
            let renewed = shift_days(earliest, context.rng.random_range(0..=span))
                .unwrap_or(as_of)
                .min(as_of);
            set(&mut record, t.completed, date_text(renewed));
            if !field(&record, t.expiry).is_empty() {
                let new_expiry =
                    add_months(renewed, months.unwrap_or(12)).and_then(|date| shift_days(date, -1));
                set(
                    &mut record,
                    t.expiry,
                    new_expiry.map(date_text).unwrap_or_default(),
                );
            }
        }
        write_record(out, &record);
    }
    if chance(&mut context.rng, NEW_TRAINING) {
        let sixteenth = date_of_birth
            .and_then(|birth| years_after(birth, 16))
            .unwrap_or(year_ago);
        let earliest = year_ago.max(sixteenth).min(as_of);
        let category = (0..5).find_map(|_| {
            context
                .mixes
                .training
                .pick(&mut context.rng)
                .map(|row| row.category)
                .filter(|category| !held.contains(category))
        });
        if let Some(category) = category {
            write_training_line(context, local_id, worker_id, category, earliest, out);
        }
    }
}

fn date_text(date: Date) -> String {
    let mut text = String::with_capacity(10);
    crate::text::push_date(&mut text, date);
    text
}

/// The workplace line of the new year: `UPDATE`, TOTALPERMTEMP = staff records, the per-role
/// counts (1% of workplaces answer 999 to each), and the reasons for leaving.
fn update_workplace(
    rng: &mut ChaCha8Rng,
    record: &mut [String],
    w: &WorkplaceColumns,
    counts: &BTreeMap<u32, RoleCounts>,
    total: u32,
    vacancies_may_be_unknown: bool,
) {
    let join = |pick: fn(&RoleCounts) -> u32| {
        counts
            .values()
            .map(|role_counts| pick(role_counts).to_string())
            .collect::<Vec<_>>()
            .join(";")
    };
    let starters_unknown = chance(rng, COUNT_UNKNOWN);
    let leavers_unknown = chance(rng, COUNT_UNKNOWN);
    let vacancies_unknown = vacancies_may_be_unknown && chance(rng, COUNT_UNKNOWN);
    let leavers_total: u32 = counts.values().map(|role_counts| role_counts.leavers).sum();
    let (reasons, reason_numbers) = if leavers_unknown || leavers_total == 0 {
        (String::new(), String::new())
    } else {
        leaving_reasons(rng, leavers_total)
    };
    let unknown_or = |unknown: bool, text: String| if unknown { "999".to_owned() } else { text };
    set(record, w.status, "UPDATE");
    set(record, w.total, total.to_string());
    set(
        record,
        w.roles,
        counts
            .keys()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(";"),
    );
    set(
        record,
        w.starters,
        unknown_or(starters_unknown, join(|c| c.starters)),
    );
    set(
        record,
        w.leavers,
        unknown_or(leavers_unknown, join(|c| c.leavers)),
    );
    set(
        record,
        w.vacancies,
        unknown_or(vacancies_unknown, join(|c| c.vacancies)),
    );
    set(record, w.reasons, reasons);
    set(record, w.reason_numbers, reason_numbers);
}

/// Column positions of the workplace file.
struct WorkplaceColumns {
    local_id: usize,
    status: usize,
    employer_type: usize,
    regulation: usize,
    main_service: usize,
    dha: usize,
    total: usize,
    roles: usize,
    starters: usize,
    leavers: usize,
    vacancies: usize,
    reasons: usize,
    reason_numbers: usize,
}

impl WorkplaceColumns {
    fn new(table: &Table) -> Result<WorkplaceColumns, GenerateError> {
        Ok(WorkplaceColumns {
            local_id: table.column("LOCALESTID")?,
            status: table.column("STATUS")?,
            employer_type: table.column("ESTTYPE")?,
            regulation: table.column("REGTYPE")?,
            main_service: table.column("MAINSERVICE")?,
            dha: table.column("DHA")?,
            total: table.column("TOTALPERMTEMP")?,
            roles: table.column("ALLJOBROLES")?,
            starters: table.column("STARTERS")?,
            leavers: table.column("LEAVERS")?,
            vacancies: table.column("VACANCIES")?,
            reasons: table.column("REASONS")?,
            reason_numbers: table.column("REASONNOS")?,
        })
    }
}

/// Column positions of the staff file.
struct StaffColumns {
    local_id: usize,
    worker_id: usize,
    status: usize,
    ni_number: usize,
    date_of_birth: usize,
    start: usize,
    contract: usize,
    zero_hours: usize,
    days_sick: usize,
    pay_interval: usize,
    salary: usize,
    hourly_rate: usize,
    role: usize,
    contracted: usize,
}

impl StaffColumns {
    fn new(table: &Table) -> Result<StaffColumns, GenerateError> {
        Ok(StaffColumns {
            local_id: table.column("LOCALESTID")?,
            worker_id: table.column("UNIQUEWORKERID")?,
            status: table.column("STATUS")?,
            ni_number: table.column("NINUMBER")?,
            date_of_birth: table.column("DOB")?,
            start: table.column("STARTDATE")?,
            contract: table.column("EMPLSTATUS")?,
            zero_hours: table.column("ZEROHRCONT")?,
            days_sick: table.column("DAYSSICK")?,
            pay_interval: table.column("SALARYINT")?,
            salary: table.column("SALARY")?,
            hourly_rate: table.column("HOURLYRATE")?,
            role: table.column("MAINJOBROLE")?,
            contracted: table.column("CONTHOURS")?,
        })
    }
}

/// Column positions of the training file.
struct TrainingColumns {
    local_id: usize,
    worker_id: usize,
    category: usize,
    validity: usize,
    completed: usize,
    expiry: usize,
}

impl TrainingColumns {
    fn new(table: &Table) -> Result<TrainingColumns, GenerateError> {
        Ok(TrainingColumns {
            local_id: table.column("LOCALESTID")?,
            worker_id: table.column("UNIQUEWORKERID")?,
            category: table.column("CATEGORY")?,
            validity: table.column("VALIDITY")?,
            completed: table.column("DATECOMPLETED")?,
            expiry: table.column("EXPIRYDATE")?,
        })
    }
}
