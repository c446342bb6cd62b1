//! The area profile's core aggregations over a whole store, timed, for the DuckDB comparison of
//! `scripts/duckdb-compare` (a benchmark, not part of the product).
//!
//! ```text
//! cargo run --release -p carecount-metrics --example core_aggregations -- STORE.db YYYY-MM-DD [OUT_DIR]
//! ```
//!
//! Loads every workplace's facts as of the date through the fact cache, then for every area
//! computes: staff records by role group × sector, vacancy and turnover rates (numerators and
//! denominators) and the median hourly pay of every job role present. Prints the load and compute
//! times (milliseconds) as one JSON line. With OUT_DIR, also writes the facts the aggregations
//! read as `workplaces.csv` and `staff.csv` (no personal field: codes, counts and pay only).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use carecount_codes::{RoleGroup, Sector, SectorFilter};
use carecount_metrics::load::{Scope, snapshot_scoped};
use carecount_metrics::{GroupFilter, Pay, RoleCounts, Snapshot, SnapshotIndex, compute};
use carecount_store::Store;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(db), Some(date)) = (args.next(), args.next()) else {
        return Err("usage: core_aggregations STORE.db YYYY-MM-DD [OUT_DIR]".into());
    };
    let out = args.next();
    let date = time::Date::parse(
        &date,
        time::macros::format_description!("[year]-[month]-[day]"),
    )?;
    let store = Store::open(Path::new(&db))?;

    let started = Instant::now();
    let snapshot = snapshot_scoped(&store, date, &Scope::All)?;
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;

    let started = Instant::now();
    let index = SnapshotIndex::new(&snapshot);
    let areas: BTreeSet<&str> = snapshot
        .workplaces
        .iter()
        .filter_map(|w| w.area_code.as_deref())
        .collect();
    let mut figures = 0usize;
    let mut checksum = 0.0f64;
    for area in &areas {
        let base = GroupFilter::area(area);
        for group in RoleGroup::ALL {
            for sector in Sector::ALL {
                let filter = GroupFilter {
                    role_group: Some(group),
                    sector: Some(SectorFilter::Only(sector)),
                    ..base.clone()
                };
                let value = compute("staff_records", &index.group(&filter))?;
                checksum += value.value.unwrap_or(0.0);
                figures += 1;
            }
        }
        let area_group = index.group(&base);
        for name in ["vacancy_rate", "turnover_rate"] {
            let value = compute(name, &area_group)?;
            checksum += value.numerator.unwrap_or(0.0) + value.denominator.unwrap_or(0.0);
            figures += 1;
        }
        let roles: BTreeSet<u32> = area_group
            .members()
            .iter()
            .flat_map(|m| m.staff.iter().map(|s| s.job_role))
            .collect();
        for role in roles {
            let filter = GroupFilter {
                job_role: Some(role),
                ..base.clone()
            };
            let value = compute("median_hourly_pay", &index.group(&filter))?;
            checksum += value.value.unwrap_or(0.0);
            figures += 1;
        }
    }
    let compute_ms = started.elapsed().as_secs_f64() * 1000.0;
    println!(
        "{{\"areas\": {}, \"workplaces\": {}, \"staff\": {}, \"figures\": {figures}, \"load_ms\": {load_ms:.1}, \"compute_ms\": {compute_ms:.1}, \"checksum\": {checksum:.3}}}",
        areas.len(),
        snapshot.workplaces.len(),
        snapshot.staff.len()
    );
    if let Some(out) = out {
        write_csv(&snapshot, Path::new(&out))?;
    }
    Ok(())
}

fn total(counts: &RoleCounts) -> String {
    match counts {
        RoleCounts::Unknown => String::new(),
        RoleCounts::Known(by_role) => by_role
            .values()
            .map(|n| u64::from(*n))
            .sum::<u64>()
            .to_string(),
    }
}

fn write_csv(snapshot: &Snapshot, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("workplaces.csv"))?);
    writeln!(
        w,
        "id,area,region,sector,main_service,total_perm_temp,vacancies,leavers,starters"
    )?;
    for wp in &snapshot.workplaces {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{}",
            wp.id,
            wp.area_code.as_deref().unwrap_or(""),
            wp.region_code.as_deref().unwrap_or(""),
            wp.sector.as_str(),
            wp.main_service,
            wp.total_perm_temp.map_or(String::new(), |t| t.to_string()),
            total(&wp.vacancies),
            total(&wp.leavers),
            total(&wp.starters),
        )?;
    }
    w.flush()?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("staff.csv"))?);
    writeln!(w, "workplace,job_role,role_group,contract,hourly_rate")?;
    for s in &snapshot.staff {
        let role_group = carecount_codes::tables()
            .role_group_of(s.job_role)
            .map_or("", |g| g.as_str());
        writeln!(
            w,
            "{},{},{},{},{}",
            s.workplace,
            s.job_role,
            role_group,
            s.contract.map_or("", |c| c.as_str()),
            match s.pay {
                Some(Pay::Hourly(rate)) => rate.to_string(),
                _ => String::new(),
            },
        )?;
    }
    w.flush()
}
