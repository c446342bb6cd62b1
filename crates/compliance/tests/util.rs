//! Helpers shared by the tests.

use carecount_compliance::facts::{Exemption, StaffFacts, TrainingRecord};
use carecount_compliance::status::{PairStatus, Rules, StaffInput, StaffStatus};
use carecount_compliance::{Catalogue, OrgSettings, Profile};
use time::Date;

/// Care home without nursing (MAINSERVICE 2).
pub const CARE_HOME: u16 = 2;

pub fn shipped_profile() -> Profile {
    Profile::shipped(OrgSettings::default())
}

pub fn staff(job_role: u16) -> StaffFacts {
    StaffFacts::new("WP1", "S1", job_role, CARE_HOME)
}

pub fn evaluate(
    profile: &Profile,
    staff: &StaffFacts,
    records: &[TrainingRecord],
    exemptions: &[Exemption],
    as_of: Date,
) -> StaffStatus {
    let rules = Rules {
        catalogue: Catalogue::shipped(),
        profile,
    };
    rules.staff_status(
        StaffInput {
            staff,
            records,
            exemptions,
        },
        as_of,
    )
}

pub fn pair<'a>(status: &'a StaffStatus, topic: &str) -> &'a PairStatus {
    match status.pairs.iter().find(|pair| pair.topic == topic) {
        Some(pair) => pair,
        None => panic!(
            "no pair for {topic}: {:?}",
            status
                .pairs
                .iter()
                .map(|pair| &pair.topic)
                .collect::<Vec<_>>()
        ),
    }
}

pub fn detail(pair: &PairStatus) -> Option<String> {
    pair.detail.as_ref().map(ToString::to_string)
}

/// A pair with only a topic and a status, for figure tests.
pub fn synthetic_pair(topic: &str, status: carecount_compliance::Status) -> PairStatus {
    PairStatus {
        topic: topic.to_owned(),
        level: None,
        class: carecount_compliance::RowClass::Statutory,
        status,
        detail: None,
        expires_on: None,
        days_left: None,
        due_on: None,
        rows: vec!["R01".to_owned()],
        deciding_row: Some("R01".to_owned()),
        record: None,
        exemption: None,
        deciding_row_has_grace: false,
        expiring_days: 60,
        row_statuses: Vec::new(),
    }
}

/// A staff record at `workplace` with the given pairs.
pub fn synthetic_staff(workplace: &str, reference: &str, pairs: Vec<PairStatus>) -> StaffStatus {
    StaffStatus {
        staff: StaffFacts::new(workplace, reference, 8, CARE_HOME),
        pairs,
    }
}
