//! The generator's own calibration data (`data/*.csv`, embedded) and the random helpers that draw
//! from it. These are modelling assumptions, not ASC-WDS reference codes: the codes themselves come
//! from `carecount-codes`.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::GenerateError;

/// A list of items with relative weights, drawn by cumulative weight.
#[derive(Debug, Clone)]
pub(crate) struct Weighted<T> {
    items: Vec<T>,
    cumulative: Vec<f64>,
}

impl<T> Weighted<T> {
    /// Builds the list, dropping items of weight 0 or less.
    pub(crate) fn new(pairs: impl IntoIterator<Item = (T, f64)>) -> Weighted<T> {
        let mut items = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0.0;
        for (item, weight) in pairs {
            if weight > 0.0 {
                total += weight;
                items.push(item);
                cumulative.push(total);
            }
        }
        Weighted { items, cumulative }
    }

    /// One item, or `None` when every weight was 0.
    pub(crate) fn pick(&self, rng: &mut ChaCha8Rng) -> Option<&T> {
        let total = *self.cumulative.last()?;
        let target = rng.random::<f64>() * total;
        let index = self.cumulative.partition_point(|&bound| bound <= target);
        self.items.get(index).or_else(|| self.items.last())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// A standard normal deviate (Box–Muller).
pub(crate) fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let uniform_one = 1.0 - rng.random::<f64>();
    let uniform_two = rng.random::<f64>();
    (-2.0 * uniform_one.ln()).sqrt() * (std::f64::consts::TAU * uniform_two).cos()
}

/// `true` with probability `probability` (clamped to 0–1).
pub(crate) fn chance(rng: &mut ChaCha8Rng, probability: f64) -> bool {
    rng.random::<f64>() < probability
}

/// One element of a non-empty slice, uniformly.
pub(crate) fn one_of<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        return None;
    }
    items.get(rng.random_range(0..items.len()))
}

/// The staff mix column a service uses for its job roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StaffMix {
    Residential,
    Nursing,
    Domiciliary,
    Community,
    Healthcare,
    Office,
}

impl StaffMix {
    fn parse(text: &str) -> Option<StaffMix> {
        Some(match text {
            "residential" => StaffMix::Residential,
            "nursing" => StaffMix::Nursing,
            "domiciliary" => StaffMix::Domiciliary,
            "community" => StaffMix::Community,
            "healthcare" => StaffMix::Healthcare,
            "office" => StaffMix::Office,
            _ => return None,
        })
    }

    fn column(self) -> usize {
        match self {
            StaffMix::Residential => 0,
            StaffMix::Nursing => 1,
            StaffMix::Domiciliary => 2,
            StaffMix::Community => 3,
            StaffMix::Healthcare => 4,
            StaffMix::Office => 5,
        }
    }

    const ALL: [StaffMix; 6] = [
        StaffMix::Residential,
        StaffMix::Nursing,
        StaffMix::Domiciliary,
        StaffMix::Community,
        StaffMix::Healthcare,
        StaffMix::Office,
    ];
}

/// `data/service_mix.csv`: how common each main service is and how big its workplaces are.
#[derive(Debug, Clone)]
pub(crate) struct ServiceMix {
    pub(crate) code: u32,
    pub(crate) weight: f64,
    pub(crate) size: f64,
    pub(crate) staff_mix: StaffMix,
}

/// How a job role is usually paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PayForm {
    Hourly,
    Annual,
}

/// `data/job_role_mix.csv`: per job role, its weight in each staff mix and its pay.
#[derive(Debug, Clone)]
pub(crate) struct RolePay {
    pub(crate) code: u32,
    pub(crate) pay_form: PayForm,
    /// Median hourly rate (£) or full-time annual salary (£).
    pub(crate) pay_median: f64,
    /// Usual Care Workforce Pathway category (A.14).
    pub(crate) cwp_category: u32,
}

/// `data/nationality_mix.csv`: the commonest non-British nationalities and a usual ethnicity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NationalityMix {
    pub(crate) code: u32,
    pub(crate) ethnicity: u32,
}

/// `data/training_mix.csv`: how often each category is recorded and its usual validity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TrainingMix {
    pub(crate) category: u32,
    /// Months, or `None` for training that does not expire.
    pub(crate) validity_months: Option<u32>,
}

/// Every calibration table, parsed.
#[derive(Debug, Clone)]
pub(crate) struct Mixes {
    pub(crate) services: Vec<ServiceMix>,
    pub(crate) role_pay: Vec<RolePay>,
    role_weights: Vec<Weighted<u32>>,
    pub(crate) nationalities: Weighted<NationalityMix>,
    pub(crate) age_bands: Weighted<(i32, i32)>,
    pub(crate) training: Weighted<TrainingMix>,
    pub(crate) training_validity: Vec<TrainingMix>,
    pub(crate) female_names: Vec<String>,
    pub(crate) male_names: Vec<String>,
    pub(crate) surnames: Vec<String>,
    pub(crate) towns: Vec<String>,
    pub(crate) streets: Vec<String>,
    pub(crate) homes: Vec<String>,
    pub(crate) post_areas: Vec<String>,
}

impl Mixes {
    /// Job-role weights for a staff mix.
    pub(crate) fn roles(&self, mix: StaffMix) -> Option<&Weighted<u32>> {
        self.role_weights.get(mix.column())
    }

    /// Pay and pathway facts for a job role.
    pub(crate) fn role_pay(&self, code: u32) -> Option<&RolePay> {
        self.role_pay.iter().find(|row| row.code == code)
    }

    /// The usual validity of a training category (none when not listed).
    pub(crate) fn validity_of(&self, category: u32) -> Option<u32> {
        self.training_validity
            .iter()
            .find(|row| row.category == category)
            .and_then(|row| row.validity_months)
    }
}

const SERVICE_MIX: &str = include_str!("../data/service_mix.csv");
const JOB_ROLE_MIX: &str = include_str!("../data/job_role_mix.csv");
const NATIONALITY_MIX: &str = include_str!("../data/nationality_mix.csv");
const AGE_BANDS: &str = include_str!("../data/age_bands.csv");
const TRAINING_MIX: &str = include_str!("../data/training_mix.csv");
const NAMES: &str = include_str!("../data/names.csv");

/// The data rows of an embedded CSV file (header skipped), split on commas; no field is quoted.
pub(crate) fn rows(text: &'static str) -> impl Iterator<Item = (usize, Vec<&'static str>)> {
    text.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| (index + 1, line.split(',').map(str::trim).collect()))
}

fn field<'a>(
    file: &'static str,
    line: usize,
    fields: &[&'a str],
    index: usize,
) -> Result<&'a str, GenerateError> {
    fields
        .get(index)
        .copied()
        .ok_or(GenerateError::Data { file, line })
}

fn number<N: std::str::FromStr>(
    file: &'static str,
    line: usize,
    fields: &[&str],
    index: usize,
) -> Result<N, GenerateError> {
    field(file, line, fields, index)?
        .parse()
        .map_err(|_| GenerateError::Data { file, line })
}

/// Parses every embedded calibration table.
pub(crate) fn load() -> Result<Mixes, GenerateError> {
    let file = "service_mix.csv";
    let mut services = Vec::new();
    for (line, fields) in rows(SERVICE_MIX) {
        services.push(ServiceMix {
            code: number(file, line, &fields, 0)?,
            weight: number(file, line, &fields, 1)?,
            size: number(file, line, &fields, 2)?,
            staff_mix: StaffMix::parse(field(file, line, &fields, 3)?)
                .ok_or(GenerateError::Data { file, line })?,
        });
    }

    let file = "job_role_mix.csv";
    let mut role_pay = Vec::new();
    let mut per_mix: Vec<Vec<(u32, f64)>> = vec![Vec::new(); StaffMix::ALL.len()];
    for (line, fields) in rows(JOB_ROLE_MIX) {
        let code: u32 = number(file, line, &fields, 0)?;
        for mix in StaffMix::ALL {
            let weight: f64 = number(file, line, &fields, 1 + mix.column())?;
            if let Some(list) = per_mix.get_mut(mix.column()) {
                list.push((code, weight));
            }
        }
        let pay_form = match field(file, line, &fields, 7)? {
            "hourly" => PayForm::Hourly,
            "annual" => PayForm::Annual,
            _ => return Err(GenerateError::Data { file, line }),
        };
        role_pay.push(RolePay {
            code,
            pay_form,
            pay_median: number(file, line, &fields, 8)?,
            cwp_category: number(file, line, &fields, 9)?,
        });
    }
    let role_weights = per_mix.into_iter().map(Weighted::new).collect();

    let file = "nationality_mix.csv";
    let mut nationalities = Vec::new();
    for (line, fields) in rows(NATIONALITY_MIX) {
        let weight: f64 = number(file, line, &fields, 1)?;
        nationalities.push((
            NationalityMix {
                code: number(file, line, &fields, 0)?,
                ethnicity: number(file, line, &fields, 2)?,
            },
            weight,
        ));
    }

    let file = "age_bands.csv";
    let mut age_bands = Vec::new();
    for (line, fields) in rows(AGE_BANDS) {
        let from: i32 = number(file, line, &fields, 0)?;
        let to: i32 = number(file, line, &fields, 1)?;
        let weight: f64 = number(file, line, &fields, 2)?;
        if from > to || from < 16 || to > 80 {
            return Err(GenerateError::Data { file, line });
        }
        age_bands.push(((from, to), weight));
    }

    let file = "training_mix.csv";
    let mut training = Vec::new();
    let mut training_validity = Vec::new();
    for (line, fields) in rows(TRAINING_MIX) {
        let validity_months = match field(file, line, &fields, 2)? {
            "none" => None,
            _ => Some(number(file, line, &fields, 2)?),
        };
        let row = TrainingMix {
            category: number(file, line, &fields, 0)?,
            validity_months,
        };
        training_validity.push(row);
        training.push((row, number::<f64>(file, line, &fields, 1)?));
    }

    let file = "names.csv";
    let mut mixes = Mixes {
        services,
        role_pay,
        role_weights,
        nationalities: Weighted::new(nationalities),
        age_bands: Weighted::new(age_bands),
        training: Weighted::new(training),
        training_validity,
        female_names: Vec::new(),
        male_names: Vec::new(),
        surnames: Vec::new(),
        towns: Vec::new(),
        streets: Vec::new(),
        homes: Vec::new(),
        post_areas: Vec::new(),
    };
    for (line, fields) in rows(NAMES) {
        let value = field(file, line, &fields, 1)?.to_owned();
        let list = match field(file, line, &fields, 0)? {
            "female" => &mut mixes.female_names,
            "male" => &mut mixes.male_names,
            "surname" => &mut mixes.surnames,
            "town" => &mut mixes.towns,
            "street" => &mut mixes.streets,
            "home" => &mut mixes.homes,
            "postarea" => &mut mixes.post_areas,
            _ => return Err(GenerateError::Data { file, line }),
        };
        list.push(value);
    }
    let lists = [
        &mixes.female_names,
        &mixes.male_names,
        &mixes.surnames,
        &mixes.towns,
        &mixes.streets,
        &mixes.homes,
        &mixes.post_areas,
    ];
    if lists.iter().any(|list| list.is_empty())
        || mixes.age_bands.is_empty()
        || mixes.training.is_empty()
    {
        return Err(GenerateError::Data { file, line: 0 });
    }
    Ok(mixes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn mixes() -> Mixes {
        match load() {
            Ok(mixes) => mixes,
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn calibration_files_match_the_code_tables() {
        let tables = carecount_codes::tables();
        let mixes = mixes();
        let mixed_services: Vec<u32> = mixes.services.iter().map(|row| row.code).collect();
        assert_eq!(
            mixed_services,
            tables.services.codes().collect::<Vec<_>>(),
            "one row per A.2 service"
        );
        let mixed_roles: Vec<u32> = mixes.role_pay.iter().map(|row| row.code).collect();
        assert_eq!(
            mixed_roles,
            tables.job_roles.codes().collect::<Vec<_>>(),
            "one row per A.4 role"
        );
        for row in &mixes.role_pay {
            assert!(
                tables.cwp_categories.contains(row.cwp_category),
                "CWP category of role {}",
                row.code
            );
        }
        let categories: Vec<u32> = mixes
            .training_validity
            .iter()
            .map(|row| row.category)
            .collect();
        assert_eq!(
            categories,
            tables.training_categories.codes().collect::<Vec<_>>(),
            "one row per A.16 category"
        );
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..500 {
            let Some(row) = mixes.nationalities.pick(&mut rng) else {
                panic!("empty nationality mix")
            };
            assert!(tables.nationalities.contains(row.code));
            assert!(tables.ethnicities.contains(row.ethnicity));
        }
    }

    #[test]
    fn weighted_pick_follows_the_weights() {
        // Weights 1 : 3 → the second item about 75% of 20,000 draws (standard error ≈ 0.3%).
        let weighted = Weighted::new([("a", 1.0), ("b", 3.0), ("never", 0.0)]);
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut second = 0;
        for _ in 0..20_000 {
            match weighted.pick(&mut rng) {
                Some(&"b") => second += 1,
                Some(&"a") => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        let share = f64::from(second) / 20_000.0;
        assert!((share - 0.75).abs() < 0.015, "{share}");
    }
}
