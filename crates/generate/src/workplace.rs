//! Workplaces: the plan drawn before their staff, and the workplace-file line written after them
//! (its counts come from the staff records, `ascwds-formats.md` §2.2 and XW1–XW5).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use carecount_codes::{CqcRegulated, Service, special};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::ids::postcode;
use crate::mix::{StaffMix, chance, normal, one_of};
use crate::text::Row;
use crate::{Context, GenerateError};

/// Header of the workplace file (`ascwds-formats.md` §2.1), exactly.
pub const WORKPLACE_HEADER: &str = "LOCALESTID,STATUS,ESTNAME,ADDRESS1,ADDRESS2,ADDRESS3,POSTTOWN,POSTCODE,ESTTYPE,OTHERTYPE,PERMCQC,PERMLA,REGTYPE,PROVNUM,LOCATIONID,MAINSERVICE,ALLSERVICES,CAPACITY,UTILISATION,SERVICEDESC,SERVICEUSERS,OTHERUSERDESC,DHA,DHAACTIVITIES,TOTALPERMTEMP,ALLJOBROLES,STARTERS,LEAVERS,VACANCIES,REASONS,REASONNOS,REPEATTRAINING,CWPAWARE,CWPUSE,CWPUSEDESC,SICKPAY,PENSION,ACTUALCONT,OPTOUTPEN,HOLIDAY,SLEEPINS,SLEEPINPAY,TRAVELTIME,TTDIFFRATE";

/// Probability that a regulated workplace (not a head office) has its registered manager in post;
/// otherwise it records a vacancy for one (XW5 is satisfied either way).
const REGISTERED_MANAGER_IN_POST: f64 = 0.92;
/// Turnover: chance that a directly employed post had a leaver in the last 12 months, by sector
/// (issue 4: independent-sector turnover ≈ 24.7%; local authorities lower).
const LEAVER_CHANCE_INDEPENDENT: f64 = 0.25;
const LEAVER_CHANCE_LOCAL_AUTHORITY: f64 = 0.14;
/// Vacancies per directly employed post so that vacancies / (posts + vacancies) ≈ 7.0%
/// (0.07 / 0.93 = 0.0753, less about 0.002 for the registered-manager vacancies added on top,
/// which come to about 8% of regulated workplaces).
pub(crate) const VACANCY_PER_POST: f64 = 0.073;
/// Reason-for-leaving codes used in REASONS (the spec enforces no list; see decisions).
const LEAVING_REASONS: [(u32, f64); 8] = [
    (1, 20.0),
    (2, 9.0),
    (3, 8.0),
    (4, 22.0),
    (5, 14.0),
    (6, 9.0),
    (7, 6.0),
    (8, 12.0),
];

/// Everything about a workplace that its staff records depend on.
#[derive(Debug, Clone)]
pub(crate) struct WorkplacePlan {
    pub(crate) index: u64,
    pub(crate) local_id: String,
    pub(crate) service: &'static Service,
    pub(crate) staff_mix: StaffMix,
    pub(crate) employer_type: u32,
    /// REGTYPE 2.
    pub(crate) regulated: bool,
    /// Registered manager required (XW5): regulated and not a head office.
    pub(crate) needs_manager: bool,
    /// The first staff record is the registered manager.
    pub(crate) has_manager: bool,
    pub(crate) staff_count: u32,
    /// Workplace DHA answer (1, 2, 999), only where the main service allows DHA.
    pub(crate) dha: Option<u32>,
}

impl WorkplacePlan {
    pub(crate) fn is_domiciliary(&self) -> bool {
        self.staff_mix == StaffMix::Domiciliary
    }

    pub(crate) fn is_local_authority(&self) -> bool {
        special::EMPLOYER_TYPES_LOCAL_AUTHORITY.contains(&self.employer_type)
    }
}

/// Per-job-role counts of one workplace, filled in while its staff are generated.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RoleCounts {
    pub(crate) direct: u32,
    pub(crate) starters: u32,
    pub(crate) leavers: u32,
    pub(crate) vacancies: u32,
}

/// Chooses main services: every service once, in code order, when there are at least as many
/// workplaces as services; the rest (or all, for fewer workplaces) drawn by national weight.
pub(crate) fn main_services(
    context: &mut Context,
    workplaces: u32,
) -> Result<Vec<u32>, GenerateError> {
    let all: Vec<u32> = context.mixes.services.iter().map(|row| row.code).collect();
    let weighted = crate::mix::Weighted::new(
        context
            .mixes
            .services
            .iter()
            .map(|row| (row.code, row.weight)),
    );
    let mut chosen = Vec::with_capacity(workplaces as usize);
    let round_robin = workplaces as usize >= all.len();
    for index in 0..workplaces as usize {
        let code = match all.get(index) {
            Some(&code) if round_robin => code,
            _ => *weighted.pick(&mut context.rng).ok_or(GenerateError::Data {
                file: "service_mix.csv",
                line: 0,
            })?,
        };
        chosen.push(code);
    }
    Ok(chosen)
}

/// Splits `staff` records over the workplaces: at least one each, at most 999 (TOTALPERMTEMP's
/// ceiling, W65), in proportion to a size drawn per workplace; the total is exact.
pub(crate) fn staff_counts(context: &mut Context, services: &[u32], staff: u64) -> Vec<u32> {
    let weights: Vec<f64> = services
        .iter()
        .map(|code| {
            let size = context
                .mixes
                .services
                .iter()
                .find(|row| row.code == *code)
                .map_or(1.0, |row| row.size);
            size * (0.7 * normal(&mut context.rng)).exp()
        })
        .collect();
    let mut counts = vec![1u32; services.len()];
    let mut remaining = staff.saturating_sub(services.len() as u64);
    while remaining > 0 {
        let open: Vec<usize> = (0..counts.len())
            .filter(|&index| counts.get(index).is_some_and(|&count| count < 999))
            .collect();
        if open.is_empty() {
            break;
        }
        let total: f64 = open.iter().filter_map(|&index| weights.get(index)).sum();
        let mut assigned = 0u64;
        for &index in &open {
            let weight = weights.get(index).copied().unwrap_or(0.0);
            let share = (remaining as f64 * weight / total).floor() as u64;
            if let Some(count) = counts.get_mut(index) {
                let add = share.min(u64::from(999 - *count)).min(remaining - assigned);
                *count += add as u32;
                assigned += add;
            }
        }
        remaining -= assigned;
        if assigned == 0 {
            // Fewer left than workplaces can share by proportion: one each, biggest weight first.
            let mut order = open;
            order.sort_by(|&left, &right| {
                let left_weight = weights.get(left).copied().unwrap_or(0.0);
                let right_weight = weights.get(right).copied().unwrap_or(0.0);
                right_weight.total_cmp(&left_weight).then(left.cmp(&right))
            });
            for index in order {
                if remaining == 0 {
                    break;
                }
                if let Some(count) = counts.get_mut(index) {
                    *count += 1;
                    remaining -= 1;
                }
            }
        }
    }
    counts
}

/// Draws the plan of workplace `index`.
pub(crate) fn plan(
    context: &mut Context,
    index: u64,
    service_code: u32,
    staff_count: u32,
    manager_forced: bool,
) -> Result<WorkplacePlan, GenerateError> {
    let service = context
        .tables
        .services
        .get(service_code)
        .ok_or(GenerateError::Data {
            file: "service_mix.csv",
            line: 0,
        })?;
    let staff_mix = context
        .mixes
        .services
        .iter()
        .find(|row| row.code == service_code)
        .map_or(StaffMix::Community, |row| row.staff_mix);
    let rng = &mut context.rng;
    let employer_type = match rng.random_range(0..1000u32) {
        0..770 => 6,
        770..900 => 7,
        900..940 => 1,
        940..950 => 3,
        _ => special::EMPLOYER_TYPE_OTHER,
    };
    let regulated = match service.cqc_regulated {
        CqcRegulated::Yes => true,
        CqcRegulated::No => false,
        CqcRegulated::Either => chance(rng, 0.5),
    };
    let needs_manager = regulated && service.code != special::HEAD_OFFICE;
    let has_manager = needs_manager
        && (manager_forced || staff_count < 2 || chance(rng, REGISTERED_MANAGER_IN_POST));
    let dha = service
        .dha_allowed
        .then(|| match rng.random_range(0..100u32) {
            0..35 => 1,
            35..80 => 2,
            _ => special::DONT_KNOW,
        });
    Ok(WorkplacePlan {
        index,
        local_id: format!("WP{:05}", index + 1),
        service,
        staff_mix,
        employer_type,
        regulated,
        needs_manager,
        has_manager,
        staff_count,
        dha,
    })
}

/// Draws leavers and vacancies for each role from its directly employed posts, keeps the totals
/// below the staff total (XW3, XW4), and adds the registered-manager vacancy where one is needed.
pub(crate) fn finish_counts(
    context: &mut Context,
    plan: &WorkplacePlan,
    counts: &mut BTreeMap<u32, RoleCounts>,
) {
    let leaver_chance = if plan.is_local_authority() {
        LEAVER_CHANCE_LOCAL_AUTHORITY
    } else {
        LEAVER_CHANCE_INDEPENDENT
    } * context.tuning.turnover;
    let vacancy_chance = VACANCY_PER_POST * context.tuning.vacancy;
    for role_counts in counts.values_mut() {
        for _ in 0..role_counts.direct {
            if chance(&mut context.rng, leaver_chance) {
                role_counts.leavers += 1;
            }
            if chance(&mut context.rng, vacancy_chance) {
                role_counts.vacancies += 1;
            }
        }
    }
    let ceiling = plan.staff_count.saturating_sub(1);
    let manager_vacancy = plan.needs_manager && !plan.has_manager;
    if manager_vacancy {
        counts
            .entry(special::REGISTERED_MANAGER)
            .or_default()
            .vacancies = 1;
    }
    trim(
        counts,
        ceiling,
        |role_counts| &mut role_counts.leavers,
        None,
    );
    let keep = manager_vacancy.then_some(special::REGISTERED_MANAGER);
    trim(
        counts,
        ceiling,
        |role_counts| &mut role_counts.vacancies,
        keep,
    );
}

/// Lowers the largest of one count until the total is at most `ceiling`, never touching `keep`.
pub(crate) fn trim(
    counts: &mut BTreeMap<u32, RoleCounts>,
    ceiling: u32,
    field: impl Fn(&mut RoleCounts) -> &mut u32,
    keep: Option<u32>,
) {
    loop {
        let total: u32 = counts
            .values_mut()
            .map(|role_counts| *field(role_counts))
            .sum();
        if total <= ceiling {
            return;
        }
        let mut largest: Option<(u32, u32)> = None;
        for (&role, role_counts) in counts.iter_mut() {
            let value = *field(role_counts);
            if Some(role) != keep && value > 0 && largest.is_none_or(|(_, best)| value > best) {
                largest = Some((role, value));
            }
        }
        match largest.and_then(|(role, _)| counts.get_mut(&role)) {
            Some(role_counts) => *field(role_counts) -= 1,
            None => return,
        }
    }
}

fn join(values: impl Iterator<Item = String>) -> String {
    values.collect::<Vec<_>>().join(";")
}

/// Writes the workplace line.
pub(crate) fn write_line(
    context: &mut Context,
    plan: &WorkplacePlan,
    counts: &BTreeMap<u32, RoleCounts>,
    out: &mut String,
) {
    let tables = context.tables;
    let rng = &mut context.rng;
    let mixes = &context.mixes;
    let service = plan.service;

    let home = one_of(rng, &mixes.homes).map_or("Willow House", String::as_str);
    let town = one_of(rng, &mixes.towns).map_or("Ashbury", String::as_str);
    let street = one_of(rng, &mixes.streets).map_or("High Street", String::as_str);
    let surname = one_of(rng, &mixes.surnames).map_or("Smith", String::as_str);
    let name = match plan.staff_mix {
        StaffMix::Residential => format!("{home} Care Home"),
        StaffMix::Nursing => format!("{home} Nursing Home"),
        StaffMix::Domiciliary => format!("{surname} Home Care {town}"),
        StaffMix::Community => format!("{town} {home} Services"),
        StaffMix::Healthcare => format!("{home} {town} Health Services"),
        StaffMix::Office => format!("{surname} Care Group Head Office"),
    };
    // Some names carry the town after a comma, so that the quoting rule is exercised.
    let name = if chance(rng, 0.15) {
        format!("{name}, {town}")
    } else {
        name
    };
    let address_one = format!("{} {street}", rng.random_range(1..=250u32));
    let address_two = if chance(rng, 0.3) {
        format!("Unit {}", rng.random_range(1..=20u32))
    } else {
        String::new()
    };
    let workplace_postcode = postcode(rng, &mixes.post_areas);

    let mut services = vec![service.code];
    if service.code != special::HEAD_OFFICE && chance(rng, 0.3) {
        let extra = rng.random_range(1..=2usize);
        for _ in 0..extra {
            if let Some(other) = one_of(rng, &mixes.services)
                && other.code != special::HEAD_OFFICE
                && !services.contains(&other.code)
            {
                services.push(other.code);
            }
        }
    }
    let mut capacity = Vec::with_capacity(services.len());
    let mut utilisation = Vec::with_capacity(services.len());
    let mut descriptions = Vec::with_capacity(services.len());
    for code in &services {
        let Some(row) = tables.services.get(*code) else {
            continue;
        };
        let places = if row.capacity_question {
            let (low, high) = match row.code {
                special::CARE_HOME_WITH_NURSING => (30, 90),
                special::CARE_HOME_WITHOUT_NURSING => (10, 60),
                17 => (2, 20),
                _ => (5, 40),
            };
            Some(rng.random_range(low..=high))
        } else {
            None
        };
        capacity.push(
            places
                .map(|value: u32| value.to_string())
                .unwrap_or_default(),
        );
        let used = if row.utilisation_question {
            Some(match places {
                Some(places) => (f64::from(places) * rng.random_range(0.78..0.99)).round() as u32,
                None => (f64::from(plan.staff_count) * rng.random_range(0.8..2.5))
                    .round()
                    .clamp(1.0, 9998.0) as u32,
            })
        } else {
            None
        };
        utilisation.push(used.map(|value| value.to_string()).unwrap_or_default());
        descriptions.push(if row.needs_description {
            service_description(row.code).to_owned()
        } else {
            String::new()
        });
    }

    let user_pool: &[u32] = match plan.staff_mix {
        StaffMix::Residential | StaffMix::Nursing => &[1, 2, 3, 25, 26, 28],
        StaffMix::Domiciliary => &[1, 3, 4, 5, 25, 28, 9],
        StaffMix::Community => &[5, 6, 4, 9, 7, 23, 18, 19],
        StaffMix::Healthcare => &[6, 8, 29, 5, 22, 31, 21],
        StaffMix::Office => &[],
    };
    let mut users: Vec<u32> = user_pool
        .iter()
        .copied()
        .filter(|_| chance(rng, 0.45))
        .collect();
    if users.is_empty()
        && let Some(&first) = user_pool.first()
    {
        users.push(first);
    }
    let user_descriptions: Vec<&str> = users
        .iter()
        .map(|code| {
            if special::SERVICE_USERS_NEEDING_DESCRIPTION.contains(code) {
                match code {
                    3 => "Older people needing general support",
                    9 => "Adults recovering from illness",
                    _ => "Families of people we support",
                }
            } else {
                ""
            }
        })
        .collect();

    let dha_activities = match plan.dha {
        Some(1) if chance(rng, 0.1) => special::DHA_ACTIVITIES_DONT_KNOW.to_string(),
        Some(1) => {
            let mut activities: Vec<u32> = (1..=8).filter(|_| chance(rng, 0.3)).collect();
            if activities.is_empty() {
                activities.push(rng.random_range(1..=8));
            }
            join(activities.iter().map(u32::to_string))
        }
        _ => String::new(),
    };

    let vacancies_unknown = (plan.has_manager || !plan.needs_manager) && chance(rng, 0.02);
    let leavers_unknown = chance(rng, 0.01);
    let starters_unknown = chance(rng, 0.01);
    let roles = join(counts.keys().map(u32::to_string));
    let list = |pick: fn(&RoleCounts) -> u32| {
        join(
            counts
                .values()
                .map(|role_counts| pick(role_counts).to_string()),
        )
    };
    let starters = if starters_unknown {
        "999".to_owned()
    } else {
        list(|c| c.starters)
    };
    let leavers_total: u32 = counts.values().map(|role_counts| role_counts.leavers).sum();
    let leavers = if leavers_unknown {
        "999".to_owned()
    } else {
        list(|c| c.leavers)
    };
    let vacancies = if vacancies_unknown {
        "999".to_owned()
    } else {
        list(|c| c.vacancies)
    };
    let (reasons, reason_numbers) = if leavers_unknown || leavers_total == 0 {
        (String::new(), String::new())
    } else {
        leaving_reasons(rng, leavers_total)
    };

    let cwp_aware = match rng.random_range(0..10u32) {
        0 => None,
        1..=2 => Some(1),
        3..=5 => Some(2),
        6..=7 => Some(3),
        8 => Some(4),
        _ => Some(special::DONT_KNOW),
    };
    let mut cwp_description = "";
    let cwp_use = match cwp_aware {
        Some(1..=3) => match rng.random_range(0..10u32) {
            0..=3 => {
                let mut reasons: Vec<u32> = (1..=10).filter(|_| chance(rng, 0.25)).collect();
                if reasons.is_empty() {
                    reasons.push(rng.random_range(1..=9));
                }
                if reasons.contains(&special::CWP_USE_OTHER_REASON) {
                    cwp_description = "Planning supervision and appraisal conversations";
                }
                format!("1;{}", join(reasons.iter().map(u32::to_string)))
            }
            4..=7 => "2".to_owned(),
            _ => "999".to_owned(),
        },
        _ => String::new(),
    };
    let sick_pay = ["1", "0", "0", "unknown", ""]
        .get(rng.random_range(0..5usize))
        .copied()
        .unwrap_or("");
    let pension = ["1", "0", "0", "unknown", ""]
        .get(rng.random_range(0..5usize))
        .copied()
        .unwrap_or("");
    let actual_contribution = if pension == "1" {
        format!(
            "{}.{}",
            rng.random_range(4..=8u32),
            if chance(rng, 0.5) { "5" } else { "0" }
        )
    } else {
        String::new()
    };
    let opt_out = [Some(1), Some(2), Some(999), None]
        .get(rng.random_range(0..4usize))
        .copied()
        .flatten();
    let holiday = chance(rng, 0.8).then(|| rng.random_range(28..=33u32));
    let sleep_ins = service
        .asks_sleep_ins()
        .then(|| [1, 2, 999].get(rng.random_range(0..3usize)).copied())
        .flatten();
    let sleep_in_pay = (sleep_ins == Some(1))
        .then(|| [1, 2, 999].get(rng.random_range(0..3usize)).copied())
        .flatten();
    let travel_time = if service.asks_travel_time() {
        let options: Vec<u32> = tables.travel_time.codes().collect();
        one_of(rng, &options).copied()
    } else {
        None
    };
    let travel_rate = (travel_time == Some(special::TRAVEL_TIME_DIFFERENT_RATE)).then(|| {
        format!(
            "{}.{:02}",
            rng.random_range(10..=14u32),
            rng.random_range(0..100u32)
        )
    });

    let mut row = Row::new(out);
    row.text(&plan.local_id)
        .raw("NEW")
        .text(&name)
        .text(&address_one)
        .text(&address_two)
        .blank()
        .text(town);
    row.text(&workplace_postcode).code(plan.employer_type);
    if plan.employer_type == special::EMPLOYER_TYPE_OTHER {
        row.text("Community interest company");
    } else {
        row.blank();
    }
    row.num(u64::from(chance(rng, 0.85)))
        .num(u64::from(chance(rng, 0.8)));
    if plan.regulated {
        row.raw("2").text(&context.ids.provider_id(plan.index));
        if service.code == special::HEAD_OFFICE {
            row.blank();
        } else {
            row.text(&context.ids.location_id(plan.index));
        }
    } else {
        row.raw("0").blank().blank();
    }
    row.code(service.code)
        .raw(&join(services.iter().map(u32::to_string)));
    row.raw(&capacity.join(";"))
        .raw(&utilisation.join(";"))
        .text(&descriptions.join(";"));
    row.raw(&join(users.iter().map(u32::to_string)))
        .text(&user_descriptions.join(";"));
    row.opt_num(plan.dha.map(u64::from)).raw(&dha_activities);
    row.code(plan.staff_count);
    row.raw(&roles)
        .raw(&starters)
        .raw(&leavers)
        .raw(&vacancies)
        .raw(&reasons)
        .raw(&reason_numbers);
    let repeat_training = (!chance(rng, 0.2)).then(|| rng.random_range(1..=4u64));
    row.opt_num(repeat_training)
        .opt_code(cwp_aware)
        .raw(&cwp_use)
        .text(cwp_description);
    row.raw(sick_pay)
        .raw(pension)
        .raw(&actual_contribution)
        .opt_code(opt_out);
    row.opt_code(holiday)
        .opt_code(sleep_ins)
        .opt_code(sleep_in_pay);
    row.opt_code(travel_time)
        .raw(travel_rate.as_deref().unwrap_or(""));
    row.end();
}

/// SERVICEDESC text for an "other" service (≤ 120 characters, no `;`).
fn service_description(code: u32) -> &'static str {
    match code {
        5 => "Respite and step-down beds",
        7 => "Community lunch club",
        12 => "Reablement at home",
        21 => "Befriending and wellbeing calls",
        52 => "Housing support",
        71 => "Hospital discharge support",
        72 => "Head office functions",
        75 => "Transitions service for young adults",
        _ => "Other service",
    }
}

/// Splits the leavers over one to three reasons; REASONNOS sums to the leavers (W80).
pub(crate) fn leaving_reasons(rng: &mut ChaCha8Rng, leavers: u32) -> (String, String) {
    let weighted = crate::mix::Weighted::new(LEAVING_REASONS);
    let wanted = rng.random_range(1..=3u32).min(leavers);
    let mut reasons: Vec<u32> = Vec::new();
    for _ in 0..wanted * 3 {
        if reasons.len() as u32 >= wanted {
            break;
        }
        if let Some(&code) = weighted.pick(rng)
            && !reasons.contains(&code)
        {
            reasons.push(code);
        }
    }
    if reasons.is_empty() {
        reasons.push(8);
    }
    reasons.sort_unstable();
    let mut numbers = vec![1u32; reasons.len()];
    let mut left = leavers - reasons.len() as u32;
    while left > 0 {
        let slot = rng.random_range(0..numbers.len());
        if let Some(number) = numbers.get_mut(slot) {
            *number += 1;
            left -= 1;
        }
    }
    let mut reason_text = String::new();
    let mut number_text = String::new();
    for (position, (reason, number)) in reasons.iter().zip(&numbers).enumerate() {
        if position > 0 {
            reason_text.push(';');
            number_text.push(';');
        }
        let _ = write!(reason_text, "{reason}");
        let _ = write!(number_text, "{number}");
    }
    (reason_text, number_text)
}
