//! Benchmark of `Store::apply` and the big reads (harness = false, timed with `std::time`).
//!
//! Builds a synthetic plan of 2,000 workplaces × 85 staff records (170,000) with 2 training
//! records each (340,000), applies it to an empty store file, re-applies it unchanged, then with
//! 1% of workplaces and staff records changed, and times the reads export and metrics use.
//!
//! Run: `cargo bench -p carecount-store` (sizes: `CARECOUNT_BENCH_WORKPLACES`, `..._STAFF`).

use std::time::Instant;

use carecount_ascwds::{Plan, PlannedStaff, PlannedWorkplace};
use carecount_domain::{
    Hundredths, Staff, StaffPersonal, Training, WorkforceCounts, Workplace, key,
};
use carecount_store::Store;
use time::macros::date;

fn workplace(i: usize) -> Workplace {
    Workplace {
        localestid: format!("WP{i:05}"),
        name: format!("Workplace {i}"),
        address1: format!("{i} High Street"),
        address2: String::new(),
        address3: String::new(),
        post_town: "Rotherham".into(),
        postcode: "S60 1AA".into(),
        employer_type: Some(6),
        employer_type_other: None,
        share_with_cqc: Some(true),
        share_with_la: Some(true),
        cqc_regulated: true,
        provider_id: Some("1-100".into()),
        location_id: Some(format!("1-{i:09}")),
        main_service: 1 + (i % 20) as u32,
        services: Vec::new(),
        no_other_services: true,
        service_users: Vec::new(),
        dha: None,
        dha_activities: None,
        total_perm_temp: 85,
        job_roles: vec![8, 22, 25],
        starters: WorkforceCounts::PerRole(vec![3, 1, 0]),
        leavers: WorkforceCounts::PerRole(vec![2, 0, 1]),
        vacancies: WorkforceCounts::PerRole(vec![4, 0, 0]),
        leaving_reasons: vec![(1, 2), (3, 1)],
        repeat_training: Some(1),
        cwp_aware: Some(1),
        cwp_use: None,
        cwp_use_desc: None,
        sick_pay: None,
        pension: None,
        pension_contribution: Some(Hundredths(300)),
        pension_opt_out: None,
        holiday_days: Some(28),
        sleep_ins: None,
        sleep_in_pay: None,
        travel_time: None,
        travel_time_rate: None,
    }
}

fn staff(workplace: usize, j: usize) -> Staff {
    let mut record = Staff::example();
    record.localestid = format!("WP{workplace:05}");
    record.unique_worker_id = format!("W{j:03}");
    record.gender = Some(1 + (j % 2) as u32);
    record.ethnicity = Some(31);
    record.nationality = Some(826);
    record.start_date = Some(date!(2020 - 01 - 01));
    record.main_job_role = [8, 22, 25][j % 3];
    record.contract = 1 + (j % 3) as u32;
    record.salary_interval = Some(3);
    record.hourly_rate = Some(Hundredths(1150 + (j as i64 % 50)));
    record.contracted_hours_halves = Some(75);
    record.personal = StaffPersonal {
        display_id: format!("Worker {workplace}-{j}"),
        ni_number: Some(format!("AB{:06}C", workplace * 100 + j)),
        date_of_birth: Some(date!(1980 - 01 - 01)),
        postcode: Some("S60 2BB".into()),
    };
    record
}

fn training(record: &Staff, category: u32) -> Training {
    Training {
        localestid: record.localestid.clone(),
        unique_worker_id: record.unique_worker_id.clone(),
        category,
        name: None,
        accredited: Some(1),
        who_delivered: Some(1),
        provider: None,
        how_delivered: Some(2),
        validity: None,
        completed: Some(date!(2025 - 06 - 01)),
        expires: Some(date!(2026 - 06 - 01)),
        notes: None,
    }
}

fn plan(workplaces: usize, staff_per_workplace: usize) -> Plan {
    let mut plan = Plan::default();
    for i in 0..workplaces {
        plan.workplaces.push(PlannedWorkplace {
            previous: None,
            record: workplace(i),
            primary: i == 0,
        });
        for j in 0..staff_per_workplace {
            let record = staff(i, j);
            plan.training.push(training(&record, 1));
            plan.training.push(training(&record, 2));
            plan.staff.push(PlannedStaff {
                previous: None,
                record,
                days_sick_saved: false,
            });
        }
    }
    plan
}

fn continued(plan: &Plan) -> Plan {
    let mut next = plan.clone();
    for w in &mut next.workplaces {
        w.previous = Some(key(&w.record.localestid));
    }
    for s in &mut next.staff {
        s.previous = Some((key(&s.record.localestid), key(&s.record.unique_worker_id)));
    }
    next
}

fn size_from_env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let workplaces = size_from_env("CARECOUNT_BENCH_WORKPLACES", 2_000);
    let per_workplace = size_from_env("CARECOUNT_BENCH_STAFF", 85);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.db");
    let mut store = Store::open(&path)?;

    let first = plan(workplaces, per_workplace);
    let records = (first.workplaces.len() + first.staff.len() + first.training.len()) as f64;
    println!(
        "plan: {} workplaces, {} staff records, {} training records",
        first.workplaces.len(),
        first.staff.len(),
        first.training.len()
    );

    let timed = |label: &str, seconds: f64, rows: f64| {
        println!(
            "{label:<40} {seconds:>8.2} s   {:>10.0} records/s",
            rows / seconds
        );
    };

    let start = Instant::now();
    store.apply("bench", date!(2026 - 03 - 31), &first, &[], &mut |_, _| {})?;
    timed(
        "apply into an empty store",
        start.elapsed().as_secs_f64(),
        records,
    );

    let unchanged = continued(&first);
    let start = Instant::now();
    store.apply(
        "bench",
        date!(2026 - 04 - 30),
        &unchanged,
        &[],
        &mut |_, _| {},
    )?;
    timed("re-apply unchanged", start.elapsed().as_secs_f64(), records);

    let mut changed = continued(&first);
    for (i, w) in changed.workplaces.iter_mut().enumerate() {
        if i % 100 == 0 {
            w.record.total_perm_temp += 1;
        }
    }
    for (i, s) in changed.staff.iter_mut().enumerate() {
        if i % 100 == 0 {
            s.record.hourly_rate = Some(Hundredths(2000));
        }
    }
    let start = Instant::now();
    store.apply(
        "bench",
        date!(2026 - 05 - 31),
        &changed,
        &[],
        &mut |_, _| {},
    )?;
    timed(
        "re-apply with 1% changed",
        start.elapsed().as_secs_f64(),
        records,
    );

    let start = Instant::now();
    let existing = store.existing_state("bench", date!(2026 - 05 - 31))?;
    timed(
        "existing_state (latest)",
        start.elapsed().as_secs_f64(),
        records,
    );
    drop(existing);

    let start = Instant::now();
    let existing = store.existing_state("bench", date!(2026 - 04 - 30))?;
    timed(
        "existing_state (an earlier snapshot)",
        start.elapsed().as_secs_f64(),
        records,
    );
    drop(existing);

    let start = Instant::now();
    let snapshot = store.snapshot_at("bench", None)?.ok_or("no snapshot")?;
    let scope = store.owner_scope("bench")?;
    let exported = store.org_records(&scope, &snapshot)?;
    timed(
        "org_records (export)",
        start.elapsed().as_secs_f64(),
        records,
    );
    drop(exported);

    let start = Instant::now();
    let analysis = store.analysis_records(date!(2026 - 05 - 31))?;
    timed("analysis_records", start.elapsed().as_secs_f64(), records);
    drop(analysis);

    drop(store);
    let bytes: u64 = std::fs::read_dir(dir.path())?
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!("store size on disk: {:.1} MB", bytes as f64 / 1e6);
    Ok(())
}
