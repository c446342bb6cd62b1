//! carecount-generate: seeded, realistic, fictional ASC-WDS bulk uploads (the workplace, staff and
//! training files of `ascwds-formats.md` §2–§4) for demos, tests and benchmarks, and the yearly
//! evolution of such an upload.
//!
//! [`generate`] takes a [`GenerateOptions`] (how many workplaces and staff records, a seed and the
//! as-of date) and returns the three files as text in a [`GeneratedUpload`]; [`write_to_dir`]
//! saves them as `workplace.csv`, `staff.csv` and `training.csv`. Every line is `NEW`, the files
//! are meant to pass every rule of the spec with no error and no warning, and the figures of
//! `metrics.md` come out near the 2024/25 national picture (vacancy ≈ 7%, turnover ≈ 25%, 22%
//! male, 27% aged 55+, care worker median pay ≈ £12.00, ≈ 38% Level 2+, ≈ 25% zero-hours). The
//! same options give the same bytes: all randomness comes from one ChaCha8 generator seeded with
//! the seed, and nothing iterates a hash map.
//!
//! [`evolve`] turns an upload into the next year's upload of the same workplaces: leavers are
//! omitted, continuing staff keep their references and personal fields (`UPDATE`), starters are
//! `NEW`, and the workplace counts (STARTERS, LEAVERS, VACANCIES, reasons) agree with what
//! happened, so that importing year 2 on top of year 1 is valid. [`demo_orgs`] describes the
//! demo data set (`data/demo.csv`: Demo LA, the rest of Yorkshire and The Humber, a sample of
//! England) and [`demo_upload`] gives any organisation's upload for each of [`DEMO_DATES`].
//!
//! This crate is NOT a validator or a general parser: it reads back only the files it wrote
//! (for [`evolve`]), and it does not check its output against the rules (the tests do that with
//! `carecount-ascwds`, a dev-dependency). It does not import anything into a store. Code lists
//! come from `carecount-codes`; the generator's own assumptions (service mix, job-role mix, pay
//! medians, age bands, training mix, fictional names, the demo's organisations) are the CSV files
//! in `data/`.
//!
//! ```
//! use carecount_generate::{GenerateOptions, generate};
//!
//! let options = GenerateOptions {
//!     workplaces: 3,
//!     staff: 40,
//!     seed: 7,
//!     as_of: time::macros::date!(2025 - 03 - 31),
//! };
//! let upload = generate(&options).expect("3 workplaces can hold 40 staff");
//! assert_eq!(upload.workplace.lines().count(), 1 + 3);
//! assert_eq!(upload.staff.lines().count(), 1 + 40);
//!
//! // A year later: the same three workplaces, some staff gone, some new.
//! let next_year = carecount_generate::EvolveOptions {
//!     seed: 8,
//!     as_of: time::macros::date!(2026 - 03 - 31),
//!     turnover: 0.25,
//!     growth: 0.01,
//! };
//! let next = carecount_generate::evolve(&upload, &next_year).expect("a later date");
//! assert_eq!(next.workplace.lines().count(), 1 + 3);
//! assert!(next.staff.lines().skip(1).any(|line| line.contains(",UPDATE,")));
//! ```

mod demo;
mod evolve;
mod ids;
mod mix;
mod read;
mod staff;
mod text;
mod workplace;

use std::collections::{BTreeMap, VecDeque};
use std::io;
use std::path::Path;

use carecount_codes::{Tables, special};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use time::Date;

pub use demo::{
    DEMO_AREA_CODE, DEMO_AREA_NAME, DEMO_DATES, DemoOrg, demo_orgs, demo_upload, demo_uploads,
    try_demo_upload,
};
pub use evolve::{EvolveOptions, evolve};
pub use staff::{STAFF_HEADER, TRAINING_HEADER};
pub use workplace::WORKPLACE_HEADER;

use crate::ids::IdMaker;
use crate::mix::Mixes;
use crate::workplace::RoleCounts;

/// The largest TOTALPERMTEMP a workplace line may carry (W65).
pub const MAX_STAFF_PER_WORKPLACE: u64 = 999;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Number of workplace lines (at least 1).
    pub workplaces: u32,
    /// Number of staff lines in all: at least one per workplace, at most 999 per workplace.
    pub staff: u64,
    /// Seed of the random generator: same options, same bytes.
    pub seed: u64,
    /// The date the data describes: ages, start dates, "last 12 months" and "not in the future"
    /// are measured against it.
    pub as_of: Date,
}

/// The three generated files, each a header line and one line per record, LF line ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedUpload {
    /// The date the files describe (the options' `as_of`); [`evolve`] measures the year from it.
    pub as_of: Date,
    /// The workplace file (`ascwds-formats.md` §2).
    pub workplace: String,
    /// The staff file (§3), base 44-column header.
    pub staff: String,
    /// The training file (§4).
    pub training: String,
}

/// Why nothing could be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    /// Zero workplaces were asked for.
    #[error("at least one workplace is needed")]
    NoWorkplaces,
    /// Every workplace needs at least one staff record (W66 allows 0 only for a head office).
    #[error(
        "{staff} staff records cannot fill {workplaces} workplaces: give at least one per workplace"
    )]
    TooFewStaff { staff: u64, workplaces: u32 },
    /// TOTALPERMTEMP cannot exceed 999 (W65), nor NI numbers run out.
    #[error("{staff} staff records do not fit: at most {max} for this many workplaces")]
    TooManyStaff { staff: u64, max: u64 },
    /// An embedded calibration file is malformed (a build bug, caught by the unit tests).
    #[error("embedded data file data/{file} is malformed at line {line}")]
    Data { file: &'static str, line: usize },
    /// The upload given to [`evolve`] is not one this crate wrote.
    #[error("the previous {file} file cannot be evolved: {reason}")]
    Previous { file: &'static str, reason: String },
    /// [`evolve`] was asked for a date that is not after the previous upload's.
    #[error("the new as-of date {next} must be after the previous upload's {previous}")]
    NotLater { previous: Date, next: Date },
    /// An [`EvolveOptions`] rate is out of range or not a number.
    #[error("{name} is {value}: it must be {expected}")]
    Rate {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    /// A demo year index other than 0, 1 or 2.
    #[error("the demo has years 0, 1 and 2 ({DEMO_DATES:?}), not {0}")]
    DemoYear(usize),
}

/// Generates an upload. Same options, same bytes.
///
/// # Errors
///
/// [`GenerateError::NoWorkplaces`], [`GenerateError::TooFewStaff`] or
/// [`GenerateError::TooManyStaff`] when the counts cannot make a valid upload.
pub fn generate(options: &GenerateOptions) -> Result<GeneratedUpload, GenerateError> {
    generate_tuned(options, Tuning::default())
}

/// Multipliers that make one area differ from the national picture (the demo's areas).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Tuning {
    /// Multiplies the chance that a post had a leaver in the last 12 months.
    pub(crate) turnover: f64,
    /// Multiplies the vacancies drawn per post.
    pub(crate) vacancy: f64,
    /// Multiplies every pay median.
    pub(crate) pay: f64,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
            turnover: 1.0,
            vacancy: 1.0,
            pay: 1.0,
        }
    }
}

/// [`generate`] with an area's multipliers.
pub(crate) fn generate_tuned(
    options: &GenerateOptions,
    tuning: Tuning,
) -> Result<GeneratedUpload, GenerateError> {
    if options.workplaces == 0 {
        return Err(GenerateError::NoWorkplaces);
    }
    if options.staff < u64::from(options.workplaces) {
        return Err(GenerateError::TooFewStaff {
            staff: options.staff,
            workplaces: options.workplaces,
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let ids = IdMaker::new(&mut rng);
    let max = (u64::from(options.workplaces) * MAX_STAFF_PER_WORKPLACE).min(ids.ni_capacity());
    if options.staff > max {
        return Err(GenerateError::TooManyStaff {
            staff: options.staff,
            max,
        });
    }
    let tables = carecount_codes::tables();
    let mixes = mix::load()?;
    let coverage = CoverageSet::new(tables, options.staff);
    let mut context = Context {
        tables,
        mixes,
        rng,
        ids,
        as_of: options.as_of,
        coverage,
        training_lines: 0,
        tuning,
    };

    let services = workplace::main_services(&mut context, options.workplaces)?;
    let staff_counts = workplace::staff_counts(&mut context, &services, options.staff);

    // About 250 bytes a staff line, 110 a training line, 400 a workplace line.
    let staff_total = usize::try_from(options.staff).unwrap_or(usize::MAX);
    let mut workplace_text =
        String::with_capacity(WORKPLACE_HEADER.len() + 1 + services.len() * 400);
    let mut staff_text =
        String::with_capacity(STAFF_HEADER.len() + 1 + staff_total.saturating_mul(250));
    let mut training_text =
        String::with_capacity(TRAINING_HEADER.len() + 1 + staff_total.saturating_mul(220));
    for (text, header) in [
        (&mut workplace_text, WORKPLACE_HEADER),
        (&mut staff_text, STAFF_HEADER),
        (&mut training_text, TRAINING_HEADER),
    ] {
        text.push_str(header);
        text.push('\n');
    }

    let mut global_index = 0u64;
    let mut manager_seen = false;
    for (index, (&service, &staff_count)) in services.iter().zip(&staff_counts).enumerate() {
        // The first workplace that needs a registered manager always has one in post, so that
        // job role 4 is covered whenever a regulated service is.
        let manager_forced = !manager_seen;
        let plan = workplace::plan(
            &mut context,
            index as u64,
            service,
            staff_count,
            manager_forced,
        )?;
        manager_seen |= plan.has_manager;
        let mut counts: BTreeMap<u32, RoleCounts> = BTreeMap::new();
        for position in 0..staff_count {
            let role = choose_role(&mut context, &plan, position, global_index);
            let slot = staff::Slot {
                worker_id: format!("W{:04}", position + 1),
                ni_index: global_index,
                recent_start: None,
            };
            let outcome = staff::write_staff(
                &mut context,
                &plan,
                &slot,
                global_index,
                role,
                &mut staff_text,
                &mut training_text,
            );
            let role_counts = counts.entry(outcome.role).or_default();
            if outcome.directly_employed {
                role_counts.direct += 1;
                if outcome.starter {
                    role_counts.starters += 1;
                }
            }
            global_index += 1;
        }
        workplace::finish_counts(&mut context, &plan, &mut counts);
        workplace::write_line(&mut context, &plan, &counts, &mut workplace_text);
    }

    Ok(GeneratedUpload {
        as_of: options.as_of,
        workplace: workplace_text,
        staff: staff_text,
        training: training_text,
    })
}

/// Writes `workplace.csv`, `staff.csv` and `training.csv` into `dir`, creating it if needed.
///
/// # Errors
///
/// Any error creating the directory or writing a file.
pub fn write_to_dir(upload: &GeneratedUpload, dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("workplace.csv"), &upload.workplace)?;
    std::fs::write(dir.join("staff.csv"), &upload.staff)?;
    std::fs::write(dir.join("training.csv"), &upload.training)?;
    Ok(())
}

/// Shared state of one run.
pub(crate) struct Context {
    pub(crate) tables: &'static Tables,
    pub(crate) mixes: Mixes,
    pub(crate) rng: ChaCha8Rng,
    pub(crate) ids: IdMaker,
    pub(crate) as_of: Date,
    pub(crate) coverage: CoverageSet,
    /// Training lines written so far (paces the training-category coverage).
    pub(crate) training_lines: u64,
    /// The area's multipliers.
    pub(crate) tuning: Tuning,
}

/// Values that must each appear at least once when the counts allow. Each queue hands out its
/// values one at a time, spread over the run: a value falls due every `stride` ticks, and the
/// next eligible record takes it. `stride` is chosen so that every value falls due within about
/// the first half to quarter of the run.
#[derive(Debug, Clone)]
pub(crate) struct Coverage {
    queue: VecDeque<u32>,
    stride: u64,
    due: u64,
}

impl Coverage {
    fn new(values: Vec<u32>, ticks: u64, spread: u64) -> Coverage {
        let slots = (values.len() as u64).saturating_mul(spread).max(1);
        Coverage {
            queue: values.into(),
            stride: (ticks / slots).max(1),
            due: 0,
        }
    }

    /// Counts one tick (a staff record, a training line).
    pub(crate) fn tick(&mut self, tick: u64) {
        if !self.queue.is_empty() && tick.is_multiple_of(self.stride) {
            self.due += 1;
        }
    }

    /// The next value, if one is due.
    pub(crate) fn take(&mut self) -> Option<u32> {
        if self.due == 0 {
            return None;
        }
        let value = self.queue.pop_front()?;
        self.due -= 1;
        Some(value)
    }

    /// Returns a taken value that could not be used.
    pub(crate) fn give_back(&mut self, value: u32) {
        self.queue.push_front(value);
        self.due += 1;
    }
}

/// The coverage queues of one run.
#[derive(Debug, Clone)]
pub(crate) struct CoverageSet {
    pub(crate) roles: Coverage,
    pub(crate) contracts: Coverage,
    pub(crate) pay: Coverage,
    pub(crate) qualifications: Coverage,
    pub(crate) training: Coverage,
}

impl CoverageSet {
    /// No value is forced (evolution draws every starter from the mixes).
    pub(crate) fn none() -> CoverageSet {
        let empty = || Coverage::new(Vec::new(), 1, 1);
        CoverageSet {
            roles: empty(),
            contracts: empty(),
            pay: empty(),
            qualifications: empty(),
            training: empty(),
        }
    }

    fn new(tables: &Tables, staff: u64) -> CoverageSet {
        let roles = tables
            .job_roles
            .codes()
            .filter(|&code| code != special::REGISTERED_MANAGER)
            .collect();
        CoverageSet {
            roles: Coverage::new(roles, staff, 3),
            contracts: Coverage::new(vec![1, 2, 3, 4, 7], staff, 4),
            pay: Coverage::new(
                vec![
                    special::SALARYINT_ANNUAL,
                    special::SALARYINT_HOURLY,
                    special::DONT_KNOW,
                ],
                staff,
                4,
            ),
            qualifications: Coverage::new(tables.qualifications.codes().collect(), staff, 4),
            training: Coverage::new(
                tables.training_categories.codes().collect(),
                staff.saturating_mul(2),
                4,
            ),
        }
    }
}

/// The job role of one staff record: the registered manager first where the plan has one, then
/// a covered role when one is due, else a draw from the service's staff mix.
fn choose_role(
    context: &mut Context,
    plan: &workplace::WorkplacePlan,
    position: u32,
    global_index: u64,
) -> u32 {
    context.coverage.roles.tick(global_index);
    if position == 0 && plan.has_manager {
        return special::REGISTERED_MANAGER;
    }
    if let Some(role) = context.coverage.roles.take() {
        return role;
    }
    context
        .mixes
        .roles(plan.staff_mix)
        .and_then(|weighted| weighted.pick(&mut context.rng))
        .copied()
        .unwrap_or(8)
}
