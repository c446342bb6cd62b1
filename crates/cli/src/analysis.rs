//! Loads metric facts from the store: every organisation's snapshot current on a date, merged into
//! one `carecount_metrics::Snapshot` with that date as D.

use carecount_store::Store;

pub use carecount_metrics::load::{snapshot_on, snapshot_on_where, snapshots_until};

/// Resolves `--area` (ONS code or council name, else a user's own area name as stored).
pub fn area_code(area: &str) -> String {
    carecount_codes::area_code(area)
}

/// Resolves `--region` (ONS code or name) to its code; anything else is kept as given.
pub fn region_code(region: &str) -> String {
    carecount_codes::tables()
        .region(region)
        .map(|r| r.code.clone())
        .unwrap_or_else(|| region.to_string())
}

/// The planning data set of an area (planning.md §12): every stored snapshot date, the area's
/// workplaces and staff with opaque stable numbers and ages, no personal field. `None` when the
/// store does not exist or holds no workplace in the area.
pub fn planning_data_set(
    db: &std::path::Path,
    area: &str,
) -> anyhow::Result<Option<carecount_planning::DataSet>> {
    use carecount_domain::WorkforceCounts;
    use carecount_planning::estimate::{SnapshotData, StaffFacts, WorkplaceFacts};
    if !db.exists() {
        return Ok(None);
    }
    let store = Store::open(db)?;
    let code = area_code(area);
    let total = |c: &WorkforceCounts| c.total().map(f64::from);
    let mut snapshots = Vec::new();
    for date in store.snapshot_dates()? {
        let records = store.analysis_workforce(date)?;
        let in_area: std::collections::HashSet<i64> = records
            .workplaces
            .iter()
            .filter(|w| w.area.as_ref().is_some_and(|a| a.code == code))
            .map(|w| w.id)
            .collect();
        if in_area.is_empty() {
            continue;
        }
        let workplaces = records
            .workplaces
            .iter()
            .filter(|w| in_area.contains(&w.id))
            .map(|w| {
                let r = &w.workplace;
                WorkplaceFacts {
                    workplace: w.id as u64,
                    main_service: u16::try_from(r.main_service).unwrap_or(0),
                    est_type: r
                        .employer_type
                        .and_then(|t| u8::try_from(t).ok())
                        .unwrap_or(0),
                    total_perm_temp: Some(f64::from(r.total_perm_temp)),
                    vacancies: total(&r.vacancies),
                    starters: total(&r.starters),
                    leavers: total(&r.leavers),
                    utilisation: r
                        .services
                        .iter()
                        .find(|s| s.code == r.main_service)
                        .and_then(|s| s.utilisation)
                        .map(|u| u as f64),
                    service_users: r
                        .service_users
                        .iter()
                        .filter_map(|u| u16::try_from(u.code).ok())
                        .collect(),
                }
            })
            .collect();
        let staff = records
            .staff
            .iter()
            .filter(|s| in_area.contains(&s.workplace_id))
            .map(|s| {
                let r = &s.staff;
                let hours = r
                    .contracted_hours_halves
                    .or(r.average_hours_halves)
                    .map(|h| f64::from(h) / 2.0);
                let hourly_pay = match (r.salary_interval, r.salary, r.hourly_rate) {
                    (Some(3), _, Some(rate)) => Some(rate.as_f64()),
                    (Some(1), Some(salary), _) => Some(
                        f64::from(salary) / (52.14 * hours.filter(|h| *h > 0.0).unwrap_or(37.5)),
                    ),
                    _ => None,
                };
                let international = match (r.health_care_visa, r.employed_from_outside_uk) {
                    (Some(carecount_domain::Answer::Yes), Some(1)) => Some(true),
                    (Some(carecount_domain::Answer::Yes), Some(2)) => Some(false),
                    (Some(carecount_domain::Answer::No), _) => Some(false),
                    _ => None,
                };
                StaffFacts {
                    worker: s.id as u64,
                    workplace: s.workplace_id as u64,
                    employment_status: u8::try_from(r.contract).unwrap_or(0),
                    main_job_role: u16::try_from(r.main_job_role).unwrap_or(0),
                    age_years: s.age.map(f64::from),
                    start_date: r.start_date,
                    start_in_sector: r.start_in_sector.filter(|y| *y != 999),
                    hours,
                    recruitment_source: r.recruitment_source.and_then(|c| u16::try_from(c).ok()),
                    hourly_pay,
                    international,
                }
            })
            .collect();
        snapshots.push(SnapshotData {
            as_of: date,
            workplaces,
            staff,
        });
    }
    Ok((!snapshots.is_empty()).then_some(carecount_planning::DataSet { snapshots }))
}
