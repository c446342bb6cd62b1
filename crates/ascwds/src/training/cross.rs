//! The training checks against the other files: XT1 (unknown workplace), XT2 (unknown staff
//! record), XT3 (training completed before the worker was 14).

use crate::fast::{HashMap, HashSet};

use carecount_domain::RecordKey;
use time::Date;

use super::{date, rules};
use crate::message::{FileKind, Message, Severity, cross_message};
use crate::row::Row;
use crate::staff::StaffLine;
use crate::workplace::WorkplaceLine;

/// Youngest age, in whole years, at which training can have been completed (XT3).
const MIN_TRAINING_AGE_YEARS: u32 = 14;

/// The kept workplace lines and accepted staff lines, keyed for look-up.
pub struct OtherFiles<'a> {
    workplaces: HashSet<&'a RecordKey>,
    staff: HashMap<(&'a RecordKey, &'a RecordKey), &'a StaffLine>,
}

impl<'a> OtherFiles<'a> {
    pub fn new(workplaces: &'a [WorkplaceLine], staff: &'a [StaffLine]) -> OtherFiles<'a> {
        let workplaces = workplaces
            .iter()
            .filter(|w| w.kept && !w.key.0.is_empty())
            .map(|w| &w.key)
            .collect();
        let mut by_key = HashMap::with_capacity_and_hasher(staff.len(), Default::default());
        for line in staff.iter().filter(|s| s.accepted) {
            by_key
                .entry((&line.workplace_key, &line.worker_key))
                .or_insert(line);
        }
        OtherFiles {
            workplaces,
            staff: by_key,
        }
    }

    /// Adds XT1–XT3 for one line to `messages`; whether any was added (all three are errors).
    /// XT2 is only checked for a known workplace and XT3 only for a matched staff record.
    /// `keys` are the line's LOCALESTID and UNIQUEWORKERID keys.
    pub fn check(
        &self,
        row: &Row<'_>,
        keys: (&RecordKey, &RecordKey),
        completed: Option<Date>,
        messages: &mut Vec<Message>,
    ) -> bool {
        let localestid = row.text(rules::LOCALESTID);
        let unique_worker_id = row.text(rules::UNIQUEWORKERID);
        let error = |code: u32, column: &str, value: &str, text: String| {
            cross_message(
                FileKind::Training,
                row.line(),
                Severity::Error,
                code,
                column,
                value,
                text,
                localestid,
                Some(unique_worker_id),
            )
        };
        let (workplace_key, worker_key) = keys;
        if !self.workplaces.contains(workplace_key) {
            messages.push(error(
                997,
                rules::LOCALESTID.name(),
                localestid,
                format!("LOCALESTID \"{localestid}\" does not exist in the workplace file"),
            ));
            return true;
        }
        let Some(staff) = self.staff.get(&(workplace_key, worker_key)) else {
            messages.push(error(
                996,
                rules::UNIQUEWORKERID.name(),
                unique_worker_id,
                format!(
                    "UNIQUEWORKERID \"{unique_worker_id}\" is not a staff record of workplace \"{localestid}\" in the staff file"
                ),
            ));
            return true;
        };
        if let (Some(born), Some(done)) = (staff.date_of_birth, completed)
            && !date::whole_years_between_at_least(born, done, MIN_TRAINING_AGE_YEARS)
        {
            messages.push(error(
                1080,
                rules::DATECOMPLETED.name(),
                row.text(rules::DATECOMPLETED),
                // The date of birth is personal data: the message names the rule, not the date.
                "DATECOMPLETED is less than 14 years after the staff record's date of birth: check both dates"
                    .to_string(),
            ));
            return true;
        }
        false
    }
}
