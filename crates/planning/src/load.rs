//! The planning data set of an area read from the store (`planning.md` §12): opaque stable
//! numbers, ages and durations, never a personal field.

use carecount_domain::WorkforceCounts;
use carecount_store::{Store, StoreError};

use crate::estimate::{DataSet, SnapshotData, StaffFacts, WorkplaceFacts};

/// The planning data set of an area (planning.md §12): every stored snapshot date, the area's
/// workplaces and staff with opaque stable numbers and ages, no personal field. `None` when the
/// store holds no workplace in the area.
pub fn data_set(store: &Store, area: &str) -> Result<Option<DataSet>, StoreError> {
    let code = carecount_codes::area_code(area);
    let total = |c: &WorkforceCounts| c.total().map(f64::from);
    let mut snapshots = Vec::new();
    for date in store.snapshot_dates()? {
        let records =
            store.analysis_workforce_where(date, &|_, a| a.is_some_and(|a| a.code == code))?;
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
                    leaving_reasons: r
                        .leaving_reasons
                        .iter()
                        .map(|(code, leavers)| (*code, f64::from(*leavers)))
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
    Ok((!snapshots.is_empty()).then_some(DataSet { snapshots }))
}
