//! Rough timing of one metric and one area profile on a synthetic snapshot (not a benchmark:
//! the recorded benchmarks use `carecount generate` data; see BENCHMARKS.md).
//!
//! `cargo run -p carecount-metrics --example profile_timing -- WORKPLACES STAFF_PER_WORKPLACE`

use std::time::Instant;

use carecount_codes::Sector;
use carecount_metrics::{
    Audience, Contract, Gender, GroupFilter, Pay, RoleCounts, Snapshot, SnapshotIndex, StaffFacts,
    WorkplaceFacts, area_profile, compute,
};
use time::macros::date;

fn main() {
    let mut args = std::env::args().skip(1);
    let workplaces: u64 = args
        .next()
        .and_then(|text| text.parse().ok())
        .unwrap_or(2_000);
    let per_workplace: u64 = args.next().and_then(|text| text.parse().ok()).unwrap_or(85);
    let roles = [8u32, 8, 8, 7, 52, 4, 25, 26, 16, 3];
    let services = [1u32, 2, 8, 55, 6];
    let contracts = [
        Contract::Permanent,
        Contract::Permanent,
        Contract::Temporary,
        Contract::PoolBank,
        Contract::Agency,
    ];
    let mut snapshot = Snapshot {
        as_of: date!(2025 - 03 - 31),
        workplaces: Vec::new(),
        staff: Vec::new(),
    };
    for id in 0..workplaces {
        let area = format!("LA{}", id % 153);
        let region = format!("R{}", id % 153 % 9);
        snapshot.workplaces.push(WorkplaceFacts {
            id,
            org: format!("org{}", id / 10),
            localestid: format!("WP{id}"),
            area_code: Some(area),
            region_code: Some(region),
            sector: if id % 7 == 0 {
                Sector::LocalAuthority
            } else {
                Sector::Private
            },
            main_service: services[(id % 5) as usize],
            services: vec![services[(id % 5) as usize]],
            total_perm_temp: Some(per_workplace as u32 + (id % 7) as u32),
            starters: RoleCounts::known(&[(8, 3), (7, 1)]),
            leavers: RoleCounts::known(&[(8, 4)]),
            vacancies: RoleCounts::known(&[(8, 2)]),
            leaver_reasons: vec![(1, 2), (2, 2)],
        });
        for number in 0..per_workplace {
            let seed = id * 131 + number * 7;
            snapshot.staff.push(StaffFacts {
                workplace: id,
                job_role: roles[(seed % 10) as usize],
                contract: Some(contracts[(seed % 5) as usize]),
                zero_hours: Some(seed % 4 == 0),
                contracted_hours: Some(20.0 + (seed % 20) as f64),
                pay: Some(if seed % 3 == 0 {
                    Pay::Annual(20_000.0 + (seed % 9_000) as f64)
                } else {
                    Pay::Hourly(11.0 + (seed % 400) as f64 / 100.0)
                }),
                gender: Some(if seed % 5 == 0 {
                    Gender::Male
                } else {
                    Gender::Female
                }),
                age: Some(18 + (seed % 50) as u32),
                ethnicity: Some(31 + (seed % 15) as u32),
                nationality: Some(if seed % 6 == 0 { 616 } else { 826 }),
                days_sick: Some((seed % 10) as f64),
                start_in_sector: Some(2000 + (seed % 25) as i32),
                has_name_or_id: true,
                ..StaffFacts::default()
            });
        }
    }
    println!(
        "{} workplaces, {} staff records",
        snapshot.workplaces.len(),
        snapshot.staff.len()
    );
    let started = Instant::now();
    let index = SnapshotIndex::new(&snapshot);
    println!("index: {:?}", started.elapsed());
    let started = Instant::now();
    let value = compute("vacancy_rate", &index.group(&GroupFilter::area("LA1")));
    println!(
        "one metric for an area: {:?} ({:?})",
        started.elapsed(),
        value.map(|v| v.value)
    );
    let started = Instant::now();
    let profile = area_profile(
        std::slice::from_ref(&snapshot),
        "LA1",
        None,
        Audience::Commissioner,
    );
    println!(
        "area profile: {:?} ({} headline)",
        started.elapsed(),
        profile.map_or(0, |p| p.headline.len())
    );
}
