//! Tables of `metrics.md` §4–§5: demographics, pay by job role, leavers' reasons, field
//! completeness and the local authority return check. Every cell is a [`Figure`] so that
//! disclosure control can pass over it.

use std::collections::BTreeMap;

use carecount_codes::{EthnicGroup, NationalityGroup};
use serde::Serialize;

use crate::classify;
use crate::disclosure::{Audience, Disclose};
use crate::facts::{Contract, Disability, Gender, StaffFacts};
use crate::group::Group;
use crate::metric::{annual_pay, annual_pay_fte, collect_values, hourly_pay, member_filled_posts};
use crate::stats::Summary;
use crate::value::Figure;

/// One row of a breakdown table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistributionRow {
    /// Stable key (`male`, `55_64`, `white`, `not_recorded`, ...).
    pub key: String,
    /// Label for people.
    pub label: String,
    /// Staff records in the row.
    pub records: Figure,
    /// Filled posts attributed to the row (the workplace's filled posts shared by records).
    pub filled_posts: Figure,
    /// Share of the records whose answer is known (`null` for the "not recorded" row).
    pub share: Figure,
}

/// A breakdown of a group's staff records by one characteristic, with a "not recorded" row
/// last; the rows' records and filled posts add up to the group's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    /// What the rows break down (`gender`, `age_band`, ...).
    pub name: String,
    /// Rows in a fixed order, the "not recorded" row last.
    pub rows: Vec<DistributionRow>,
}

impl Disclose for Distribution {
    fn disclose(&mut self, audience: Audience) {
        for row in &mut self.rows {
            row.records.disclose(audience);
            row.filled_posts.disclose(audience);
            row.share.disclose(audience);
            // A withheld count must not be recoverable from its share or posts (§6).
            if let Some(reason) = row.records.suppression_reason {
                row.share.withhold(reason);
                row.filled_posts.withhold(reason);
            }
        }
    }
}

/// Builds a distribution: `categories` are (key, label) pairs and `classify` gives a record's
/// category index, or `None` for not recorded.
pub fn distribution(
    group: &Group<'_, '_>,
    name: &str,
    categories: &[(String, String)],
    classify: impl Fn(&StaffFacts) -> Option<usize>,
) -> Distribution {
    let rows_len = categories.len() + 1;
    let not_recorded = categories.len();
    let mut records = vec![0u64; rows_len];
    let mut posts = vec![0.0f64; rows_len];
    let mut workplaces = vec![0u64; rows_len];
    let mut known_workplaces = 0u64;
    for member in &group.members {
        let filled = member_filled_posts(group, member);
        let admitted: Vec<&StaffFacts> = member
            .staff
            .iter()
            .copied()
            .filter(|record| group.filter.admits_role(record.job_role))
            .collect();
        if admitted.is_empty() {
            if let Some(slot) = posts.get_mut(not_recorded) {
                *slot += filled;
            }
            continue;
        }
        let per_record = filled / admitted.len() as f64;
        let mut seen = vec![false; rows_len];
        for record in admitted {
            let row = classify(record)
                .filter(|index| *index < not_recorded)
                .unwrap_or(not_recorded);
            if let (Some(count), Some(post), Some(flag)) =
                (records.get_mut(row), posts.get_mut(row), seen.get_mut(row))
            {
                *count += 1;
                *post += per_record;
                *flag = true;
            }
        }
        for (flag, count) in seen.iter().zip(workplaces.iter_mut()) {
            *count += u64::from(*flag);
        }
        known_workplaces += u64::from(seen.iter().take(not_recorded).any(|flag| *flag));
    }
    let known_records: u64 = records.iter().take(not_recorded).sum();
    let mut rows: Vec<DistributionRow> = categories
        .iter()
        .zip(records.iter().zip(&posts))
        .map(|((key, label), (count, post))| DistributionRow {
            key: key.clone(),
            label: label.clone(),
            records: Figure::count(*count as f64),
            filled_posts: Figure::count(*post),
            share: Figure::ratio(*count as f64, known_records as f64, known_workplaces),
        })
        .collect();
    rows.push(DistributionRow {
        key: "not_recorded".to_string(),
        label: "Not recorded".to_string(),
        records: Figure::count(records.get(not_recorded).copied().unwrap_or(0) as f64),
        filled_posts: Figure::count(posts.get(not_recorded).copied().unwrap_or(0.0)),
        share: Figure::statistic(None, 0, 0),
    });
    Distribution {
        name: name.to_string(),
        rows,
    }
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(key, label)| (key.to_string(), label.to_string()))
        .collect()
}

/// The age bands of `metrics.md` §1.1, as (key, label, lowest age, highest age).
pub const AGE_BANDS: [(&str, &str, u32, u32); 7] = [
    ("under_20", "Under 20", 0, 19),
    ("20_24", "20–24", 20, 24),
    ("25_34", "25–34", 25, 34),
    ("35_44", "35–44", 35, 44),
    ("45_54", "45–54", 45, 54),
    ("55_64", "55–64", 55, 64),
    ("65_plus", "65 and over", 65, u32::MAX),
];

/// The index in [`AGE_BANDS`] of an age.
pub fn age_band(age: u32) -> Option<usize> {
    AGE_BANDS
        .iter()
        .position(|(_, _, low, high)| (*low..=*high).contains(&age))
}

/// Demographic breakdowns (`metrics.md` §4): gender, age band, ethnic group, nationality group
/// and disability, each with a "not recorded" row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Demographics {
    /// By GENDER.
    pub gender: Distribution,
    /// By age band.
    pub age_band: Distribution,
    /// By ethnic group (A.5 "Group").
    pub ethnic_group: Distribution,
    /// By nationality group (British, EU, non-EU).
    pub nationality_group: Distribution,
    /// By DISABLED.
    pub disability: Distribution,
    /// Ages in whole years at D: median, mean, 10th and 90th percentiles.
    pub age: Summary,
}

impl Disclose for Demographics {
    fn disclose(&mut self, audience: Audience) {
        self.gender.disclose(audience);
        self.age_band.disclose(audience);
        self.ethnic_group.disclose(audience);
        self.nationality_group.disclose(audience);
        self.disability.disclose(audience);
        self.age.disclose(audience);
    }
}

const ETHNIC_GROUPS: [EthnicGroup; 5] = [
    EthnicGroup::White,
    EthnicGroup::Mixed,
    EthnicGroup::Asian,
    EthnicGroup::Black,
    EthnicGroup::Other,
];

/// The demographic breakdowns of a group.
pub fn demographics(group: &Group<'_, '_>) -> Demographics {
    let gender = distribution(
        group,
        "gender",
        &pairs(&[("male", "Male"), ("female", "Female"), ("other", "Other")]),
        |record| {
            record.gender.map(|gender| match gender {
                Gender::Male => 0,
                Gender::Female => 1,
                Gender::Other => 2,
            })
        },
    );
    let age_categories: Vec<(String, String)> = AGE_BANDS
        .iter()
        .map(|(key, label, _, _)| (key.to_string(), label.to_string()))
        .collect();
    let age = distribution(group, "age_band", &age_categories, |record| {
        record.age.and_then(age_band)
    });
    let ethnic_categories: Vec<(String, String)> = ETHNIC_GROUPS
        .iter()
        .map(|group| (group.label().to_lowercase(), group.label().to_string()))
        .collect();
    let ethnic = distribution(group, "ethnic_group", &ethnic_categories, |record| {
        let wanted = classify::ethnic_group(record.ethnicity)?;
        ETHNIC_GROUPS.iter().position(|group| *group == wanted)
    });
    let nationality = distribution(
        group,
        "nationality_group",
        &pairs(&[("british", "British"), ("eu", "EU"), ("non_eu", "Non-EU")]),
        |record| match classify::nationality_group(record.nationality)? {
            NationalityGroup::British => Some(0),
            NationalityGroup::Eu => Some(1),
            NationalityGroup::NonEu => Some(2),
            NationalityGroup::Unknown => None,
        },
    );
    let disability = distribution(
        group,
        "disability",
        &pairs(&[
            ("no", "Not disabled"),
            ("yes", "Disabled"),
            ("undisclosed", "Undisclosed"),
            ("dont_know", "Don't know"),
        ]),
        |record| {
            record.disabled.map(|answer| match answer {
                Disability::No => 0,
                Disability::Yes => 1,
                Disability::Undisclosed => 2,
                Disability::DontKnow => 3,
            })
        },
    );
    let (ages, age_workplaces) = collect_values(group, |record| record.age.map(f64::from));
    Demographics {
        age: Summary::of(ages, age_workplaces),
        gender,
        age_band: age,
        ethnic_group: ethnic,
        nationality_group: nationality,
        disability,
    }
}

/// Staff records by contract type (EMPLSTATUS), with filled posts shared by records.
pub fn contracts(group: &Group<'_, '_>) -> Distribution {
    const CONTRACTS: [Contract; 5] = [
        Contract::Permanent,
        Contract::Temporary,
        Contract::PoolBank,
        Contract::Agency,
        Contract::Other,
    ];
    let categories: Vec<(String, String)> = CONTRACTS
        .iter()
        .map(|contract| (contract.as_str().to_string(), contract.label().to_string()))
        .collect();
    distribution(group, "contract", &categories, |record| {
        let contract = record.contract?;
        CONTRACTS.iter().position(|wanted| *wanted == contract)
    })
}

/// Pay statistics for one job role (`metrics.md` §4).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PayRow {
    /// MAINJOBROLE code; `null` for all roles together.
    pub job_role: Option<u32>,
    /// Job role name.
    pub label: String,
    /// Hourly pay (SALARYINT 3).
    pub hourly: Summary,
    /// Annual pay (SALARYINT 1), as recorded.
    pub annual: Summary,
    /// Annual pay as full-time equivalent.
    pub annual_fte: Summary,
}

impl Disclose for Summary {
    fn disclose(&mut self, audience: Audience) {
        self.median.disclose(audience);
        self.mean.disclose(audience);
        self.p10.disclose(audience);
        self.p90.disclose(audience);
        self.n.disclose(audience);
    }
}

impl Disclose for PayRow {
    fn disclose(&mut self, audience: Audience) {
        self.hourly.disclose(audience);
        self.annual.disclose(audience);
        self.annual_fte.disclose(audience);
    }
}

/// Pay for the group's records of one job role (`Some(code)`), or of every role (`None`).
pub fn pay_row(group: &Group<'_, '_>, job_role: Option<u32>) -> PayRow {
    let narrowed = match job_role {
        Some(_) => group.with_job_role(job_role),
        None => group.clone(),
    };
    let summary = |extract: fn(&StaffFacts) -> Option<f64>| {
        let (values, workplaces) = collect_values(&narrowed, extract);
        Summary::of(values, workplaces)
    };
    PayRow {
        job_role,
        label: job_role.map_or_else(|| "All job roles".to_string(), classify::job_role_name),
        hourly: summary(hourly_pay),
        annual: summary(annual_pay),
        annual_fte: summary(annual_pay_fte),
    }
}

/// Pay by job role for the roles given (a role with no records still gets a row of no data).
pub fn pay_by_role(group: &Group<'_, '_>, job_roles: &[u32]) -> Vec<PayRow> {
    job_roles
        .iter()
        .map(|job_role| pay_row(group, Some(*job_role)))
        .collect()
}

/// The job roles present in a group's records, in code order.
pub fn roles_present(group: &Group<'_, '_>) -> Vec<u32> {
    let mut roles: Vec<u32> = group.records().map(|(_, record)| record.job_role).collect();
    roles.sort_unstable();
    roles.dedup();
    roles
}

/// The pay differential between two roles: the difference of their medians (`a` − `b`), for
/// hourly pay; `None` when either has no hourly pay.
pub fn hourly_differential(group: &Group<'_, '_>, role_a: u32, role_b: u32) -> Option<f64> {
    let a = pay_row(group, Some(role_a)).hourly.median.value?;
    let b = pay_row(group, Some(role_b)).hourly.median.value?;
    Some(a - b)
}

/// Leavers by reason (`metrics.md` §4), summed over the group's workplaces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonRow {
    /// The reason code as given in REASONS (ASC-WDS enforces no code list).
    pub reason: u32,
    /// Leavers giving it.
    pub leavers: Figure,
    /// Share of all leavers with a reason.
    pub share: Figure,
}

impl Disclose for ReasonRow {
    fn disclose(&mut self, audience: Audience) {
        self.leavers.disclose(audience);
        self.share.disclose(audience);
        if let Some(reason) = self.leavers.suppression_reason {
            self.share.withhold(reason);
        }
    }
}

/// Leavers' reasons of a group, in reason-code order. Reasons are recorded per workplace, so
/// job-role filters do not apply to them.
pub fn leavers_reasons(group: &Group<'_, '_>) -> Vec<ReasonRow> {
    let mut by_reason: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
    let mut workplaces_with_reasons = 0u64;
    for member in &group.members {
        let mut any = false;
        let mut seen_here: Vec<u32> = Vec::new();
        for &(reason, count) in &member.workplace.leaver_reasons {
            let entry = by_reason.entry(reason).or_insert((0, 0));
            entry.0 += u64::from(count);
            if count > 0 && !seen_here.contains(&reason) {
                seen_here.push(reason);
                entry.1 += 1;
            }
            any |= count > 0;
        }
        workplaces_with_reasons += u64::from(any);
    }
    let total: u64 = by_reason.values().map(|(count, _)| count).sum();
    by_reason
        .into_iter()
        .map(|(reason, (count, _))| ReasonRow {
            reason,
            leavers: Figure::count(count as f64),
            share: Figure::ratio(count as f64, total as f64, workplaces_with_reasons),
        })
        .collect()
}

/// A test of whether a record has a field known.
pub type IsKnown = fn(&StaffFacts) -> bool;

/// The record fields whose completeness is measured (`metrics.md` §5), with a test of "known".
pub const FIELDS: [(&str, IsKnown); 16] = [
    ("name_or_id", |record| record.has_name_or_id),
    ("main_job_role", |record| {
        classify::is_job_role(record.job_role)
    }),
    ("contract", |record| record.contract.is_some()),
    ("date_of_birth", |record| record.age.is_some()),
    ("gender", |record| record.gender.is_some()),
    ("ethnicity", |record| record.ethnicity.is_some()),
    ("nationality", |record| record.nationality.is_some()),
    ("disability", |record| record.disabled.is_some()),
    ("start_date", |record| record.start_date.is_some()),
    ("start_in_sector", |record| record.start_in_sector.is_some()),
    ("days_sick", |record| record.days_sick.is_some()),
    ("zero_hours", |record| record.zero_hours.is_some()),
    ("hours", |record| {
        record.contracted_hours.is_some() || record.average_hours.is_some()
    }),
    ("pay", |record| record.pay.is_some()),
    ("social_care_qualification", |record| {
        record.social_care_qualification.is_some()
    }),
    ("other_qualification", |record| {
        record.other_qualification.is_some()
    }),
];

/// Completeness of one field: how many records of its population have it known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldCompleteness {
    /// Field name (one of [`FIELDS`]).
    pub field: String,
    /// Records with the field known.
    pub known: Figure,
    /// Share of current records with the field known.
    pub share: Figure,
}

impl Disclose for FieldCompleteness {
    fn disclose(&mut self, audience: Audience) {
        self.known.disclose(audience);
        self.share.disclose(audience);
    }
}

/// Share of the group's current records with each field known (`metrics.md` §5).
pub fn field_completeness(group: &Group<'_, '_>) -> Vec<FieldCompleteness> {
    FIELDS
        .iter()
        .map(|(field, is_known)| {
            let (known, records, workplaces) = field_counts(group, |_| true, *is_known);
            FieldCompleteness {
                field: field.to_string(),
                known: Figure::count(known as f64),
                share: Figure::ratio(known as f64, records as f64, workplaces),
            }
        })
        .collect()
}

/// (records known, records in population, workplaces with population records).
fn field_counts(
    group: &Group<'_, '_>,
    population: impl Fn(&StaffFacts) -> bool,
    is_known: impl Fn(&StaffFacts) -> bool,
) -> (u64, u64, u64) {
    let mut known = 0;
    let mut records = 0;
    let mut workplaces = 0;
    for member in &group.members {
        let before = records;
        for record in member.staff.iter().copied() {
            if group.filter.admits_role(record.job_role) && population(record) {
                records += 1;
                known += u64::from(is_known(record));
            }
        }
        workplaces += u64::from(records > before);
    }
    (known, records, workplaces)
}

/// One field of the local authority return check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReturnField {
    /// Field name.
    pub field: String,
    /// Share required (1.0 or 0.9).
    pub required: f64,
    /// Share of the field's population with it known; `null` when the population is empty.
    pub share: Figure,
    /// Whether the requirement is met (an empty population meets it).
    pub pass: bool,
}

/// The local authority return completeness check (`metrics.md` §5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReturnCheck {
    /// True when every field passes.
    pub pass: bool,
    /// Names of the failing fields.
    pub failing_fields: Vec<String>,
    /// Every field checked.
    pub fields: Vec<ReturnField>,
}

impl Disclose for ReturnCheck {
    fn disclose(&mut self, audience: Audience) {
        for field in &mut self.fields {
            field.share.disclose(audience);
        }
    }
}

/// Checks the group's records against the local authority return requirements: 100% with name
/// or ID, main job role and contract; at least 90% with date of birth, gender, ethnicity, days
/// sick (not agency or pool/bank), zero-hours answer, hours, pay, social care qualification and
/// other qualification.
pub fn la_return_check(group: &Group<'_, '_>) -> ReturnCheck {
    let everyone = |_: &StaffFacts| true;
    let not_agency_or_bank = |record: &StaffFacts| {
        !matches!(record.contract, Some(Contract::Agency | Contract::PoolBank))
    };
    let mut fields = Vec::new();
    for (field, is_known) in FIELDS {
        let (required, days_sick) = match field {
            "name_or_id" | "main_job_role" | "contract" => (1.0, false),
            "date_of_birth"
            | "gender"
            | "ethnicity"
            | "zero_hours"
            | "hours"
            | "pay"
            | "social_care_qualification"
            | "other_qualification" => (0.9, false),
            "days_sick" => (0.9, true),
            _ => continue,
        };
        let (known, records, workplaces) = if days_sick {
            field_counts(group, not_agency_or_bank, is_known)
        } else {
            field_counts(group, everyone, is_known)
        };
        // Compare in integers: known / records ≥ required ⇔ 10 × known ≥ 10 × required × records.
        let pass = if required >= 1.0 {
            known == records
        } else {
            10 * known >= 9 * records
        };
        fields.push(ReturnField {
            field: field.to_string(),
            required,
            share: Figure::ratio(known as f64, records as f64, workplaces),
            pass,
        });
    }
    let failing_fields: Vec<String> = fields
        .iter()
        .filter(|field| !field.pass)
        .map(|field| field.field.clone())
        .collect();
    ReturnCheck {
        pass: failing_fields.is_empty(),
        failing_fields,
        fields,
    }
}
