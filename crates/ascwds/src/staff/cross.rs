//! The staff rules that look beyond one line (§3.4 second table): XS4, XS3, XS1, XS2 over the file
//! (§6.2 step 3), then XS5 (registered manager), XS6–XS8 (transfers) and XS9–XS11 (delegated
//! healthcare activities) against the workplace file and the stored state (§6.2 step 5).
//! None of these messages is de-duplicated.

use std::borrow::Cow;

use crate::fast::{HashMap, HashSet};

use carecount_codes::{Tables, special};
use carecount_domain::{Answer, RecordKey, Status};

use crate::fast::key;

use super::line::{CheckedLine, Halves};
use crate::ExistingState;
use crate::message::{FileKind, Message, Severity, cross_message};
use crate::workplace::WorkplaceLine;

/// Most weekly hours one person's records may add up to before XS3 (75 hours, in half hours).
const NI_HOURS_LIMIT_HALVES: i64 = 75 * 2;
/// XS4: "part time" below 37 hours, "full time" above 36 hours.
const PART_TIME_BELOW: f64 = 37.0;
const FULL_TIME_ABOVE: f64 = 36.0;

/// What the cross-file rules decided, per line (same order as the lines).
#[derive(Debug, Default)]
pub(super) struct CrossOutcome {
    pub messages: Vec<Vec<Message>>,
    pub accepted: Vec<bool>,
    pub transfer_to: Vec<Option<String>>,
}

/// What the staff rules need to know about a workplace named by a staff line.
#[derive(Debug, Clone, Copy, Default)]
struct WorkplaceFacts {
    cqc_regulated: bool,
    main_service: Option<u32>,
    dha: Option<Answer>,
}

pub(super) fn run(
    lines: &mut [CheckedLine],
    existing: &ExistingState,
    workplaces: &[WorkplaceLine],
    tables: &Tables,
) -> CrossOutcome {
    let mut outcome = CrossOutcome {
        messages: vec![Vec::new(); lines.len()],
        accepted: vec![true; lines.len()],
        transfer_to: vec![None; lines.len()],
    };
    let kept: HashMap<&RecordKey, &WorkplaceLine> = {
        let mut kept = HashMap::default();
        for workplace in workplaces.iter().filter(|w| w.kept) {
            kept.entry(&workplace.key).or_insert(workplace);
        }
        kept
    };
    salary_same_as_full_time(lines, existing, &mut outcome);
    ni_number_hours(lines, &mut outcome);
    duplicates_and_unknown_workplaces(lines, &kept, &mut outcome);
    registered_manager(lines, &kept, existing, &mut outcome);
    transfers(lines, &kept, existing, workplaces, &mut outcome);
    delegated_healthcare(lines, &kept, existing, tables, &mut outcome);
    outcome
}

fn message(
    line: &CheckedLine,
    severity: Severity,
    code: u32,
    column: &str,
    value: &str,
    text: String,
) -> Message {
    cross_message(
        FileKind::Staff,
        line.line,
        severity,
        code,
        column,
        value,
        text,
        line.localestid,
        Some(line.unique_worker_id),
    )
}

fn push(outcome: &mut CrossOutcome, index: usize, message: Message) {
    if let Some(messages) = outcome.messages.get_mut(index) {
        messages.push(message);
    }
}

/// XS4: an annual salary on part-time hours that equals a full-time salary for the same job role
/// (the line itself counts, so a lone line with 36 < CONTHOURS < 37 is flagged).
fn salary_same_as_full_time(
    lines: &[CheckedLine],
    existing: &ExistingState,
    outcome: &mut CrossOutcome,
) {
    let mut full_time: HashSet<(i64, i64)> = HashSet::default();
    for line in lines {
        let facts = line.pay_facts;
        let counts = !matches!(
            line.status,
            Some(Status::NoChange | Status::Unchecked | Status::Delete)
        );
        if counts
            && facts.salary_interval == Some(1)
            && let (Some(salary), Some(role), Some(hours)) =
                (facts.salary, facts.main_job_role, facts.contracted_hours)
            && hours > FULL_TIME_ABOVE
        {
            full_time.insert((salary, role));
        }
    }
    // Only stored records are looked up in `named`: without any, skip building it.
    let mut named: HashSet<&RecordKey> = HashSet::default();
    if !existing.staff.is_empty() {
        named.reserve(lines.len());
        named.extend(
            lines
                .iter()
                .filter(|l| {
                    matches!(
                        l.status,
                        Some(Status::New | Status::Update | Status::Delete)
                    )
                })
                .map(|l| &l.worker_key),
        );
    }
    for stored in &existing.staff {
        let record = &stored.record;
        if record.salary_interval == Some(special::SALARYINT_ANNUAL)
            && let (Some(salary), Some(halves)) = (record.salary, record.contracted_hours_halves)
            && f64::from(halves) / 2.0 > FULL_TIME_ABOVE
            && named.contains(&key(&record.unique_worker_id))
        {
            full_time.insert((i64::from(salary), i64::from(record.main_job_role)));
        }
    }
    for (index, line) in lines.iter().enumerate() {
        let facts = line.pay_facts;
        if matches!(line.status, Some(Status::Unchecked | Status::Delete))
            || facts.salary_interval != Some(1)
        {
            continue;
        }
        if let (Some(salary), Some(role), Some(hours)) =
            (facts.salary, facts.main_job_role, facts.contracted_hours)
            && hours < PART_TIME_BELOW
            && full_time.contains(&(salary, role))
        {
            let text = "SALARY is the same as a full-time salary for this job role although CONTHOURS is under 37: check SALARY is the actual pay, not the full-time equivalent".to_string();
            push(
                outcome,
                index,
                message(
                    line,
                    Severity::Warning,
                    1260,
                    "SALARY",
                    &salary.to_string(),
                    text,
                ),
            );
        }
    }
}

/// XS3: the same National Insurance number on lines whose contracted hours add up to more than 75.
fn ni_number_hours(lines: &[CheckedLine], outcome: &mut CrossOutcome) {
    let mut groups: HashMap<&str, Vec<usize>> =
        HashMap::with_capacity_and_hasher(lines.len(), Default::default());
    for (index, line) in lines.iter().enumerate() {
        if line.ni_number_accepted {
            groups
                .entry(line.ni_number.as_str())
                .or_default()
                .push(index);
        }
    }
    let mut flagged: Vec<usize> = Vec::new();
    for indexes in groups.values().filter(|indexes| indexes.len() > 1) {
        let mut total: i64 = 0;
        let mut unknown = false;
        for line in indexes.iter().filter_map(|&i| lines.get(i)) {
            match line.values.contracted_hours {
                Some(Halves::Known(halves)) => total = total.saturating_add(halves),
                Some(Halves::Unknown) => unknown = true,
                None => {}
            }
        }
        if !unknown && total > NI_HOURS_LIMIT_HALVES {
            flagged.extend(indexes);
        }
    }
    flagged.sort_unstable();
    for index in flagged {
        if let Some(line) = lines.get(index) {
            let text = "this NINUMBER is on other staff records whose contracted hours add up to more than 75 a week".to_string();
            push(
                outcome,
                index,
                message(
                    line,
                    Severity::Error,
                    5570,
                    "NINUMBER",
                    &line.ni_number,
                    text,
                ),
            );
        }
    }
}

/// XS1 (duplicate staff reference within a workplace) and XS2 (workplace not in the workplace file).
fn duplicates_and_unknown_workplaces(
    lines: &[CheckedLine],
    kept: &HashMap<&RecordKey, &WorkplaceLine>,
    outcome: &mut CrossOutcome,
) {
    // Keys borrowed from the lines (computed once per line in `check_line`).
    // Sized once for every line: growing maps of a national file rehashes (and zeroes fresh
    // pages) again and again.
    let mut references: HashMap<(&RecordKey, &RecordKey), usize> =
        HashMap::with_capacity_and_hasher(lines.len(), Default::default());
    for line in lines {
        *references
            .entry((&line.workplace_key, &line.worker_key))
            .or_default() += 1;
    }
    let mut seen: HashSet<(&RecordKey, &RecordKey)> =
        HashSet::with_capacity_and_hasher(lines.len(), Default::default());
    for (index, line) in lines.iter().enumerate() {
        let workplace_key = &line.workplace_key;
        let own_reference = &line.worker_key;
        let renamed = line
            .new_worker_id
            .zip(line.new_worker_key.as_ref())
            .filter(|_| line.new_worker_id_accepted);
        let (column, value, value_key) = match renamed {
            Some((new_id, new_key)) => ("CHGUNIQUEWRKID", new_id, new_key),
            None => ("UNIQUEWORKERID", line.unique_worker_id, own_reference),
        };
        let line_key = (workplace_key, value_key);
        let rename_clash = line.new_worker_key.as_ref().is_some_and(|new_reference| {
            let others = references
                .get(&(workplace_key, new_reference))
                .copied()
                .unwrap_or(0);
            let itself = usize::from(new_reference == own_reference);
            others > itself
        });
        if seen.contains(&line_key) || rename_clash {
            if let Some(accepted) = outcome.accepted.get_mut(index) {
                *accepted = false;
            }
            let text = format!(
                "{column} {value} is not unique: another staff line of this workplace uses it"
            );
            push(
                outcome,
                index,
                message(line, Severity::Error, 998, column, value, text),
            );
            continue;
        }
        seen.insert(line_key);
        if !kept.contains_key(workplace_key) {
            if let Some(accepted) = outcome.accepted.get_mut(index) {
                *accepted = false;
            }
            let text = "LOCALESTID does not match a workplace in the workplace file".to_string();
            push(
                outcome,
                index,
                message(
                    line,
                    Severity::Error,
                    997,
                    "LOCALESTID",
                    line.localestid,
                    text,
                ),
            );
        }
    }
}

/// The workplace a line's rules refer to: the TRANSFERSTAFFRECORD target of a moving UPDATE line,
/// else its LOCALESTID.
fn effective_workplace<'l>(line: &'l CheckedLine) -> Cow<'l, RecordKey> {
    match (&line.transfer, line.status) {
        (Some(target), Some(Status::Update)) => Cow::Owned(key(target)),
        _ => Cow::Borrowed(&line.workplace_key),
    }
}

/// A workplace's facts: the file's values for NEW/UPDATE lines, the stored ones for
/// UNCHECKED/NOCHANGE lines; `None` for DELETE lines, invalid lines and workplaces not in the file.
fn workplace_facts(
    workplace_key: &RecordKey,
    kept: &HashMap<&RecordKey, &WorkplaceLine>,
    existing: &ExistingState,
) -> Option<WorkplaceFacts> {
    let workplace = kept.get(workplace_key)?;
    match workplace.status? {
        Status::New | Status::Update => Some(WorkplaceFacts {
            cqc_regulated: workplace.cqc_regulated == Some(true),
            main_service: workplace.main_service,
            dha: workplace.dha,
        }),
        Status::Unchecked | Status::NoChange => {
            let stored = &existing.workplace(&workplace.localestid)?.record;
            Some(WorkplaceFacts {
                cqc_regulated: stored.cqc_regulated,
                main_service: Some(stored.main_service),
                dha: stored.dha,
            })
        }
        Status::Delete => None,
    }
}

/// XS5: a registered manager needs a CQC-regulated workplace.
fn registered_manager(
    lines: &[CheckedLine],
    kept: &HashMap<&RecordKey, &WorkplaceLine>,
    existing: &ExistingState,
    outcome: &mut CrossOutcome,
) {
    for (index, line) in lines.iter().enumerate() {
        let new_or_update = matches!(line.status, Some(Status::New | Status::Update));
        if !new_or_update
            || line.main_job_role_as_read != Some(i64::from(special::REGISTERED_MANAGER))
        {
            continue;
        }
        let regulated = workplace_facts(&effective_workplace(line), kept, existing)
            .is_some_and(|w| w.cqc_regulated);
        if !regulated {
            let text =
                "MAINJOBROLE is 4 (registered manager) but the workplace is not regulated by CQC"
                    .to_string();
            let value = line
                .main_job_role_as_read
                .map(|r| r.to_string())
                .unwrap_or_default();
            push(
                outcome,
                index,
                message(line, Severity::Error, 1280, "MAINJOBROLE", &value, text),
            );
        }
    }
}

/// XS6–XS8: moving staff records with TRANSFERSTAFFRECORD.
fn transfers(
    lines: &[CheckedLine],
    kept: &HashMap<&RecordKey, &WorkplaceLine>,
    existing: &ExistingState,
    workplaces: &[WorkplaceLine],
    outcome: &mut CrossOutcome,
) {
    // (index, target as written, target key, reference key, reference as written)
    let moving: Vec<(usize, &str, RecordKey, RecordKey, &str)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.status == Some(Status::Update))
        .filter_map(|(i, l)| {
            let target = l.transfer?;
            let reference = l.new_worker_id.unwrap_or(l.unique_worker_id);
            Some((i, target, key(target), key(reference), reference))
        })
        .collect();
    if moving.is_empty() {
        return;
    }
    let is_moving: HashSet<usize> = moving.iter().map(|m| m.0).collect();
    let line_reference = |l: &CheckedLine| key(l.new_worker_id.unwrap_or(l.unique_worker_id));

    // XS8 first.
    let mut per_target: HashMap<(&RecordKey, &RecordKey), usize> = HashMap::default();
    for (_, _, target, reference, _) in &moving {
        *per_target.entry((target, reference)).or_default() += 1;
    }
    let new_at: HashSet<(RecordKey, RecordKey)> = lines
        .iter()
        .filter(|l| l.status == Some(Status::New))
        .map(|l| (key(l.localestid), line_reference(l)))
        .collect();
    let mut any_duplicate = false;
    for (index, _, target, reference, written) in &moving {
        let twice = per_target.get(&(target, reference)).copied().unwrap_or(0) > 1;
        if twice || new_at.contains(&(target.clone(), reference.clone())) {
            any_duplicate = true;
            if let Some(line) = lines.get(*index) {
                let text = format!(
                    "staff reference {written} is moved to a workplace that will already have a staff record with that reference from this file"
                );
                push(
                    outcome,
                    *index,
                    message(line, Severity::Error, 1403, "UNIQUEWORKERID", written, text),
                );
            }
        }
    }
    if any_duplicate {
        return;
    }

    // XS6 and XS7.
    // Valid targets, compared exactly as written: a stored workplace that has a line in the
    // workplace file, or a NEW line of the workplace file.
    let stored_targets: HashSet<&str> = existing
        .workplaces
        .iter()
        .map(|w| w.record.localestid.as_str())
        .filter(|localestid| kept.contains_key(&key(localestid)))
        .collect();
    let new_targets: HashSet<&str> = workplaces
        .iter()
        .filter(|w| w.kept && w.status == Some(Status::New))
        .map(|w| w.localestid.as_str())
        .collect();
    let staying_at: HashSet<(RecordKey, RecordKey)> = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            l.status.is_some() && l.status != Some(Status::New) && !is_moving.contains(i)
        })
        .map(|(_, l)| (key(l.localestid), line_reference(l)))
        .collect();
    for (index, target, target_key, reference, written) in &moving {
        let Some(line) = lines.get(*index) else {
            continue;
        };
        if !stored_targets.contains(target) && !new_targets.contains(target) {
            let text = format!(
                "TRANSFERSTAFFRECORD {target} is not a workplace in the workplace file to move this record to"
            );
            push(
                outcome,
                *index,
                message(
                    line,
                    Severity::Error,
                    1401,
                    "TRANSFERSTAFFRECORD",
                    target,
                    text,
                ),
            );
            continue;
        }
        let clash = existing.staff(target, written).is_some()
            || staying_at.contains(&(target_key.clone(), reference.clone()));
        if clash {
            let text = format!(
                "workplace {target} already has a staff record with reference {written}: give this record a new reference with CHGUNIQUEWRKID"
            );
            push(
                outcome,
                *index,
                message(line, Severity::Error, 1402, "UNIQUEWORKERID", written, text),
            );
            continue;
        }
        if let Some(slot) = outcome.transfer_to.get_mut(*index) {
            *slot = Some((*target).to_string());
        }
    }
}

/// XS9–XS11: a DHA answer where the role or the workplace cannot carry out delegated healthcare
/// activities is dropped.
fn delegated_healthcare(
    lines: &mut [CheckedLine],
    kept: &HashMap<&RecordKey, &WorkplaceLine>,
    existing: &ExistingState,
    tables: &Tables,
    outcome: &mut CrossOutcome,
) {
    for (index, line) in lines.iter_mut().enumerate() {
        if !matches!(line.status, Some(Status::New | Status::Update)) {
            continue;
        }
        let Some(dha) = line.values.dha else { continue };
        let value = dha.code().to_string();
        let role_cannot = line
            .values
            .main_job_role
            .and_then(|role| tables.job_roles.get(role))
            .is_some_and(|role| !role.can_do_dha);
        let facts = workplace_facts(&effective_workplace(line), kept, existing);
        let service_cannot = facts
            .and_then(|w| w.main_service)
            .and_then(|service| tables.services.get(service))
            .is_some_and(|service| !service.dha_allowed);
        let workplace_no = facts.is_some_and(|w| w.dha == Some(Answer::No));
        let dropped = if role_cannot {
            Some((
                5661,
                "this main job role cannot carry out delegated healthcare activities; DHA will be ignored",
            ))
        } else if service_cannot {
            Some((
                5662,
                "the workplace's main service cannot carry out delegated healthcare activities; DHA will be ignored",
            ))
        } else if workplace_no {
            Some((
                5663,
                "the workplace answered No to delegated healthcare activities; DHA will be ignored",
            ))
        } else {
            None
        };
        if let Some((code, text)) = dropped {
            line.values.dha = None;
            push(
                outcome,
                index,
                message(
                    line,
                    Severity::Warning,
                    code,
                    "DHA",
                    &value,
                    text.to_string(),
                ),
            );
        }
    }
}
