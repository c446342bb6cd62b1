//! Builders for tiny hand-made snapshots.

use carecount_codes::Sector;
use carecount_metrics::{Contract, RoleCounts, Snapshot, StaffFacts, WorkplaceFacts};
use time::Date;
use time::macros::date;

/// The as-of date used throughout: 31 March 2025.
pub const AS_OF: Date = date!(2025 - 03 - 31);

/// A workplace in `area`/`region` with main service 2 (care home without nursing), private
/// sector, declared total unknown, and every workforce answer "none".
pub fn workplace(id: u64, area: &str, region: &str) -> WorkplaceFacts {
    WorkplaceFacts {
        id,
        org: "org".to_string(),
        localestid: format!("WP{id}"),
        area_code: Some(area.to_string()),
        region_code: Some(region.to_string()),
        sector: Sector::Private,
        main_service: 2,
        services: vec![2],
        total_perm_temp: None,
        starters: RoleCounts::none(),
        leavers: RoleCounts::none(),
        vacancies: RoleCounts::none(),
        leaver_reasons: Vec::new(),
    }
}

/// A permanent care worker (role 8) at `workplace` with nothing else recorded.
pub fn staff(workplace: u64) -> StaffFacts {
    StaffFacts {
        workplace,
        job_role: 8,
        contract: Some(Contract::Permanent),
        has_name_or_id: true,
        ..StaffFacts::default()
    }
}

/// A staff record of `job_role` and `contract` at `workplace`.
pub fn staff_as(workplace: u64, job_role: u32, contract: Contract) -> StaffFacts {
    StaffFacts {
        job_role,
        contract: Some(contract),
        ..staff(workplace)
    }
}

/// `n` copies of a record.
pub fn copies(n: usize, record: StaffFacts) -> Vec<StaffFacts> {
    vec![record; n]
}

pub fn snapshot(workplaces: Vec<WorkplaceFacts>, staff: Vec<StaffFacts>) -> Snapshot {
    Snapshot {
        as_of: AS_OF,
        workplaces,
        staff,
    }
}

/// Asserts two floats agree to 1e-9.
#[track_caller]
pub fn assert_close(actual: Option<f64>, expected: f64) {
    match actual {
        Some(value) => assert!(
            (value - expected).abs() < 1e-9,
            "expected {expected}, got {value}"
        ),
        None => panic!("expected {expected}, got no value"),
    }
}
