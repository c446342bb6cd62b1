//! Integration tests of carecount-store against real SQLite files in temporary directories.
//!
//! Plans are built by hand from small records (the validator's planning has its own tests); every
//! expectation below follows from the records the test wrote.

use std::path::{Path, PathBuf};

use carecount_ascwds::{Plan, PlannedStaff, PlannedWorkplace};
use carecount_domain::{
    Hundredths, RecordKey, Staff, StaffPersonal, Training, WorkforceCounts, Workplace, key,
};
use carecount_store::{AreaAssignment, SnapshotInfo, Store, StoreError};
use time::Date;
use time::macros::date;

// ---------------------------------------------------------------------------------------------
// Builders.

fn workplace(localestid: &str) -> Workplace {
    Workplace {
        localestid: localestid.to_string(),
        name: format!("{localestid} Care Home"),
        address1: "1 High Street".into(),
        address2: String::new(),
        address3: String::new(),
        post_town: "Rotherham".into(),
        postcode: "S60 1AA".into(),
        employer_type: Some(6),
        employer_type_other: None,
        share_with_cqc: Some(true),
        share_with_la: Some(false),
        cqc_regulated: true,
        provider_id: Some("1-100".into()),
        location_id: Some(format!("1-{localestid}")),
        main_service: 1,
        services: Vec::new(),
        no_other_services: true,
        service_users: Vec::new(),
        dha: None,
        dha_activities: None,
        total_perm_temp: 3,
        job_roles: vec![8],
        starters: WorkforceCounts::None,
        leavers: WorkforceCounts::PerRole(vec![1]),
        vacancies: WorkforceCounts::DontKnow,
        leaving_reasons: Vec::new(),
        repeat_training: None,
        cwp_aware: None,
        cwp_use: None,
        cwp_use_desc: None,
        sick_pay: None,
        pension: None,
        pension_contribution: Some(Hundredths(350)),
        pension_opt_out: None,
        holiday_days: Some(28),
        sleep_ins: None,
        sleep_in_pay: None,
        travel_time: None,
        travel_time_rate: None,
    }
}

fn staff(localestid: &str, worker: &str) -> Staff {
    let mut record = Staff::example();
    record.localestid = localestid.to_string();
    record.unique_worker_id = worker.to_string();
    record.salary_interval = Some(3);
    record.hourly_rate = Some(Hundredths(1250));
    record.personal = StaffPersonal {
        display_id: format!("Name-{worker}"),
        ni_number: Some(format!("NI-{worker}")),
        date_of_birth: Some(date!(1990 - 03 - 15)),
        postcode: Some(format!("PC-{worker}")),
    };
    record
}

fn training(localestid: &str, worker: &str, category: u32) -> Training {
    Training {
        localestid: localestid.to_string(),
        unique_worker_id: worker.to_string(),
        category,
        name: None,
        accredited: Some(1),
        who_delivered: Some(1),
        provider: None,
        how_delivered: Some(1),
        validity: None,
        completed: Some(date!(2025 - 06 - 01)),
        expires: Some(date!(2026 - 06 - 01)),
        notes: None,
    }
}

/// A first-import plan: workplaces WP1 (primary), WP2; staff WP1/S1, WP1/S2, WP2/S3; two training
/// records for S1 and one for S3.
fn first_plan() -> Plan {
    Plan {
        workplaces: vec![
            PlannedWorkplace {
                previous: None,
                record: workplace("WP1"),
                primary: true,
            },
            PlannedWorkplace {
                previous: None,
                record: workplace("WP2"),
                primary: false,
            },
        ],
        staff: vec![
            PlannedStaff {
                previous: None,
                record: staff("WP1", "S1"),
                days_sick_saved: false,
            },
            PlannedStaff {
                previous: None,
                record: staff("WP1", "S2"),
                days_sick_saved: false,
            },
            PlannedStaff {
                previous: None,
                record: staff("WP2", "S3"),
                days_sick_saved: false,
            },
        ],
        training: vec![
            training("WP1", "S1", 1),
            training("WP1", "S1", 2),
            training("WP2", "S3", 5),
        ],
        ..Plan::default()
    }
}

/// The same records as a continuation of the stored ones (every `previous` link set).
fn continued(plan: &Plan) -> Plan {
    let mut next = plan.clone();
    for w in &mut next.workplaces {
        w.previous = Some(key(&w.record.localestid));
    }
    for s in &mut next.staff {
        s.previous = Some((key(&s.record.localestid), key(&s.record.unique_worker_id)));
        s.days_sick_saved = false;
    }
    next
}

fn records_of(plan: &Plan) -> (Vec<Workplace>, Vec<Staff>, Vec<Training>) {
    (
        plan.workplaces.iter().map(|w| w.record.clone()).collect(),
        plan.staff.iter().map(|s| s.record.clone()).collect(),
        plan.training.clone(),
    )
}

struct TestStore {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Store,
}

fn new_store() -> TestStore {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("carecount.db");
    let store = Store::open(&path).expect("store opens");
    TestStore {
        _dir: dir,
        path,
        store,
    }
}

fn apply(store: &mut Store, org: &str, as_of: Date, plan: &Plan) -> SnapshotInfo {
    store
        .apply(org, as_of, plan, &[], &mut |_, _| {})
        .expect("apply succeeds")
}

/// The organisation's records in the snapshot current on `date`.
fn state_at(
    store: &Store,
    org: &str,
    date: Option<Date>,
) -> Option<(Vec<Workplace>, Vec<Staff>, Vec<Training>)> {
    let snapshot = store.snapshot_at(org, date).expect("read")?;
    let scope = store.owner_scope(org).expect("scope");
    let records = store.org_records(&scope, &snapshot).expect("records");
    Some((records.workplaces, records.staff, records.training))
}

const TABLES: [&str; 9] = [
    "org",
    "snapshot",
    "workplace",
    "workplace_version",
    "staff",
    "staff_version",
    "staff_personal",
    "training_version",
    "audit_log",
];

/// Row counts of every table, in [`TABLES`] order.
fn row_counts(path: &Path) -> Vec<i64> {
    let connection = rusqlite::Connection::open(path).expect("open");
    TABLES
        .iter()
        .map(|table| {
            connection
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| {
                    row.get(0)
                })
                .expect("count")
        })
        .collect()
}

fn count(path: &Path, table: &str) -> i64 {
    let i = TABLES
        .iter()
        .position(|t| *t == table)
        .expect("known table");
    row_counts(path)[i]
}

// ---------------------------------------------------------------------------------------------
// Round trip and change detection.

#[test]
fn apply_then_read_back_gives_the_same_records_in_plan_order() {
    let mut t = new_store();
    let plan = first_plan();
    let info = apply(&mut t.store, "acme", date!(2026 - 03 - 31), &plan);
    assert_eq!(info.as_of, date!(2026 - 03 - 31));
    assert_eq!(info.org, "acme");
    assert_eq!(t.store.snapshot_at("acme", None).expect("read"), Some(info));
    assert_eq!(state_at(&t.store, "acme", None), Some(records_of(&plan)));
    assert_eq!(t.store.orgs().expect("orgs"), vec!["acme".to_string()]);

    // The validation state: personal fields, the primary flag.
    let existing = t
        .store
        .existing_state("acme", date!(2026 - 04 - 01))
        .expect("state");
    assert_eq!(existing.workplaces.len(), 2);
    assert!(existing.workplace("WP1").is_some_and(|w| w.primary));
    assert!(existing.workplace("WP2").is_some_and(|w| !w.primary));
    let s1 = existing.staff("WP1", "S1").expect("S1 stored");
    assert_eq!(s1.record.personal.ni_number.as_deref(), Some("NI-S1"));
    assert_eq!(s1.days_sick_saved_on, None);
    assert_eq!(existing.training.len(), 3);
    // Before the first import the organisation is an empty account.
    let before = t
        .store
        .existing_state("acme", date!(2026 - 03 - 30))
        .expect("state");
    assert!(before.workplaces.is_empty() && before.staff.is_empty() && before.training.is_empty());

    // 2 workplaces + 3 staff + 3 training versions; one personal row per staff version.
    assert_eq!(row_counts(&t.path), vec![1, 1, 2, 2, 3, 3, 3, 3, 1]);
}

#[test]
fn training_is_grouped_by_staff_in_staff_order() {
    let mut t = new_store();
    let mut plan = first_plan();
    // The training file may interleave staff; export groups each staff's records, in file order.
    plan.training = vec![
        training("WP2", "S3", 5),
        training("WP1", "S1", 1),
        training("WP2", "S3", 6),
    ];
    apply(&mut t.store, "acme", date!(2026 - 03 - 31), &plan);
    let (_, _, read) = state_at(&t.store, "acme", None).expect("snapshot");
    let order: Vec<(String, u32)> = read
        .iter()
        .map(|r| (r.unique_worker_id.clone(), r.category))
        .collect();
    // Staff order is S1, S2, S3.
    assert_eq!(
        order,
        vec![("S1".into(), 1), ("S3".into(), 5), ("S3".into(), 6)]
    );
}

#[test]
fn reapplying_an_unchanged_plan_writes_no_versions() {
    let mut t = new_store();
    let plan = first_plan();
    apply(&mut t.store, "acme", date!(2026 - 03 - 31), &plan);
    let before = row_counts(&t.path);
    apply(
        &mut t.store,
        "acme",
        date!(2026 - 04 - 30),
        &continued(&plan),
    );
    let after = row_counts(&t.path);
    // Only one snapshot row and one audit row more.
    let mut expected = before.clone();
    expected[1] += 1; // snapshot
    expected[8] += 1; // audit_log
    assert_eq!(after, expected);
    let audit = t.store.audit_log().expect("audit");
    assert_eq!(audit.len(), 2);
    assert!(
        audit[1].detail.contains("\"versions_written\":0"),
        "{}",
        audit[1].detail
    );
    assert_eq!(audit[1].action, "import");
    assert_eq!(audit[1].target, "acme");
    assert_eq!(state_at(&t.store, "acme", None), Some(records_of(&plan)));
}

#[test]
fn a_changed_record_writes_exactly_one_version() {
    let mut t = new_store();
    let plan = first_plan();
    apply(&mut t.store, "acme", date!(2026 - 03 - 31), &plan);
    let before = row_counts(&t.path);
    let mut next = continued(&plan);
    next.staff[1].record.hourly_rate = Some(Hundredths(1300));
    apply(&mut t.store, "acme", date!(2026 - 04 - 30), &next);
    let after = row_counts(&t.path);
    let mut expected = before;
    expected[1] += 1; // snapshot
    expected[5] += 1; // staff_version
    expected[6] += 1; // staff_personal
    expected[8] += 1; // audit_log
    assert_eq!(after, expected);

    // A change of a personal field alone is a change too.
    let mut third = continued(&next);
    third.staff[0].record.personal.postcode = Some("S60 9ZZ".into());
    apply(&mut t.store, "acme", date!(2026 - 05 - 31), &third);
    assert_eq!(count(&t.path, "staff_version"), 5);

    // Each date shows its own value.
    let march = state_at(&t.store, "acme", Some(date!(2026 - 03 - 31))).expect("march");
    let april = state_at(&t.store, "acme", Some(date!(2026 - 04 - 30))).expect("april");
    let may = state_at(&t.store, "acme", Some(date!(2026 - 05 - 31))).expect("may");
    assert_eq!(march.1[1].hourly_rate, Some(Hundredths(1250)));
    assert_eq!(april.1[1].hourly_rate, Some(Hundredths(1300)));
    assert_eq!(april.1[0].personal.postcode.as_deref(), Some("PC-S1"));
    assert_eq!(may.1[0].personal.postcode.as_deref(), Some("S60 9ZZ"));
    assert_eq!(may, records_of(&third));
}

#[test]
fn a_changed_training_list_rewrites_only_that_staff_records_list() {
    let mut t = new_store();
    let plan = first_plan();
    apply(&mut t.store, "acme", date!(2026 - 03 - 31), &plan);
    let mut next = continued(&plan);
    // S1 loses category 2; S3's single record is unchanged.
    next.training.remove(1);
    apply(&mut t.store, "acme", date!(2026 - 04 - 30), &next);
    // 3 first versions + S1's new list of 1.
    assert_eq!(count(&t.path, "training_version"), 4);
    assert_eq!(
        state_at(&t.store, "acme", None).map(|s| s.2),
        Some(next.training.clone())
    );
    assert_eq!(
        state_at(&t.store, "acme", Some(date!(2026 - 04 - 01))).map(|s| s.2),
        Some(plan.training.clone())
    );
}

// ---------------------------------------------------------------------------------------------
// Dates.

#[test]
fn deleted_records_vanish_now_but_remain_as_of_the_earlier_date() {
    let mut t = new_store();
    let plan = first_plan();
    apply(&mut t.store, "acme", date!(2026 - 03 - 31), &plan);
    // WP2 and its staff S3 (with S3's training) are deleted by omission; S2 is deleted.
    let mut next = continued(&plan);
    next.workplaces.truncate(1);
    next.staff.truncate(1);
    next.training.truncate(2);
    apply(&mut t.store, "acme", date!(2026 - 04 - 30), &next);
    let now = state_at(&t.store, "acme", None).expect("now");
    assert_eq!(now, records_of(&next));
    let existing = t
        .store
        .existing_state("acme", date!(2026 - 05 - 01))
        .expect("state");
    assert!(existing.workplace("WP2").is_none());
    assert!(existing.staff("WP1", "S2").is_none());
    let earlier = state_at(&t.store, "acme", Some(date!(2026 - 04 - 29))).expect("earlier");
    assert_eq!(earlier, records_of(&plan));
}

#[test]
fn reads_between_snapshots_use_the_latest_on_or_before_the_date() {
    let mut t = new_store();
    let plan = first_plan();
    let january = apply(&mut t.store, "acme", date!(2026 - 01 - 01), &plan);
    let mut next = continued(&plan);
    next.workplaces[1].record.name = "Renamed".into();
    let june = apply(&mut t.store, "acme", date!(2026 - 06 - 01), &next);
    let at = |d: Date| {
        t.store
            .snapshot_at("acme", Some(d))
            .expect("read")
            .map(|s| s.id)
    };
    assert_eq!(at(date!(2025 - 12 - 31)), None);
    assert_eq!(at(date!(2026 - 01 - 01)), Some(january.id));
    assert_eq!(at(date!(2026 - 05 - 31)), Some(january.id));
    assert_eq!(at(date!(2026 - 06 - 01)), Some(june.id));
    assert_eq!(at(date!(2030 - 01 - 01)), Some(june.id));
    let name_on = |d: Date| state_at(&t.store, "acme", Some(d)).map(|s| s.0[1].name.clone());
    assert_eq!(
        name_on(date!(2026 - 03 - 15)),
        Some("WP2 Care Home".to_string())
    );
    assert_eq!(name_on(date!(2026 - 07 - 01)), Some("Renamed".to_string()));
    assert_eq!(
        t.store.snapshot_dates().expect("dates"),
        vec![date!(2026 - 01 - 01), date!(2026 - 06 - 01)]
    );
    // Analysis reads the snapshot current on the date too.
    let march = t
        .store
        .analysis_records(date!(2026 - 03 - 15))
        .expect("analysis");
    assert_eq!(
        march.snapshots.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![january.id]
    );
    assert_eq!(march.workplaces[1].workplace.name, "WP2 Care Home");
    // The workforce read is the same without the training records.
    let workforce = t
        .store
        .analysis_workforce(date!(2026 - 03 - 15))
        .expect("workforce");
    assert!(workforce.training.is_empty());
    assert!(
        !march.training.is_empty(),
        "the first plan has training records"
    );
    assert_eq!(workforce.workplaces, march.workplaces);
    assert_eq!(workforce.staff, march.staff);
    assert!(
        t.store
            .analysis_records(date!(2025 - 01 - 01))
            .expect("analysis")
            .workplaces
            .is_empty()
    );
}

#[test]
fn the_later_of_two_imports_with_the_same_date_is_that_dates_state() {
    let mut t = new_store();
    let plan = first_plan();
    let first = apply(&mut t.store, "acme", date!(2026 - 03 - 31), &plan);
    let mut next = continued(&plan);
    next.workplaces[0].record.total_perm_temp = 40;
    let second = apply(&mut t.store, "acme", date!(2026 - 03 - 31), &next);
    assert!(second.id > first.id);
    assert_eq!(
        t.store
            .snapshot_at("acme", Some(date!(2026 - 03 - 31)))
            .expect("read")
            .map(|s| s.id),
        Some(second.id)
    );
    assert_eq!(
        state_at(&t.store, "acme", Some(date!(2026 - 03 - 31))),
        Some(records_of(&next))
    );
    // The first snapshot is still readable by itself.
    let scope = t.store.owner_scope("acme").expect("scope");
    let records = t.store.org_records(&scope, &first).expect("first");
    assert_eq!(records.workplaces[0].total_perm_temp, 3);
    assert_eq!(
        t.store.snapshot_dates().expect("dates"),
        vec![date!(2026 - 03 - 31)]
    );
}

#[test]
fn a_back_dated_import_changes_its_date_and_leaves_later_snapshots_alone() {
    let mut t = new_store();
    let plan = first_plan();
    apply(&mut t.store, "acme", date!(2026 - 01 - 01), &plan);
    // June: S2's rate changes.
    let mut june = continued(&plan);
    june.staff[1].record.hourly_rate = Some(Hundredths(1400));
    apply(&mut t.store, "acme", date!(2026 - 06 - 01), &june);
    let june_state = state_at(&t.store, "acme", Some(date!(2026 - 06 - 01))).expect("june");

    // A March import, based on January's state: WP1's total changes (unchanged Jan → Jun), S2's
    // rate changes (changed again in June), WP2 with S3 is deleted, and a new S4 arrives.
    let base = t
        .store
        .existing_state("acme", date!(2026 - 03 - 01))
        .expect("base");
    assert_eq!(
        base.staff("WP1", "S2").and_then(|s| s.record.hourly_rate),
        Some(Hundredths(1250))
    );
    let mut march = continued(&plan);
    march.workplaces[0].record.total_perm_temp = 9;
    march.staff[1].record.hourly_rate = Some(Hundredths(1300));
    march.workplaces.truncate(1);
    march.staff.truncate(2);
    march.training.truncate(2);
    march.staff.push(PlannedStaff {
        previous: None,
        record: staff("WP1", "S4"),
        days_sick_saved: false,
    });
    apply(&mut t.store, "acme", date!(2026 - 03 - 01), &march);

    assert_eq!(
        state_at(&t.store, "acme", Some(date!(2026 - 03 - 01))),
        Some(records_of(&march))
    );
    assert_eq!(
        state_at(&t.store, "acme", Some(date!(2026 - 05 - 31))),
        Some(records_of(&march))
    );
    assert_eq!(
        state_at(&t.store, "acme", Some(date!(2026 - 06 - 01))),
        Some(june_state.clone())
    );
    assert_eq!(state_at(&t.store, "acme", None), Some(june_state));
    assert_eq!(
        state_at(&t.store, "acme", Some(date!(2026 - 02 - 01))),
        Some(records_of(&plan))
    );

    // The next import (today's) builds on June, the latest.
    let latest = t
        .store
        .existing_state("acme", date!(2026 - 07 - 01))
        .expect("latest");
    assert_eq!(
        latest.workplace("WP1").map(|w| w.record.total_perm_temp),
        Some(3)
    );
    assert!(latest.staff("WP1", "S4").is_none());
}

// ---------------------------------------------------------------------------------------------
// All or nothing.

#[test]
fn a_failing_apply_leaves_the_store_unchanged() {
    let mut t = new_store();
    let plan = first_plan();
    apply(&mut t.store, "acme", date!(2026 - 03 - 31), &plan);
    let counts_before = row_counts(&t.path);
    let state_before = state_at(&t.store, "acme", None);
    let main_file_before = std::fs::read(&t.path).expect("db bytes");

    // Many changes are written, then the last staff record repeats a key: the plan is refused.
    let mut broken = continued(&plan);
    broken.workplaces[0].record.name = "Changed".into();
    broken.staff[0].record.salary = Some(20000);
    broken.staff.push(PlannedStaff {
        previous: None,
        record: staff("WP1", "S1"),
        days_sick_saved: false,
    });
    let result = t
        .store
        .apply("acme", date!(2026 - 04 - 30), &broken, &[], &mut |_, _| {});
    // The staff_version key index refuses it (a real constraint error), before the plan check.
    assert!(
        matches!(
            result,
            Err(StoreError::Sqlite { .. } | StoreError::InvalidPlan { .. })
        ),
        "{:?}",
        result.err()
    );

    assert_eq!(row_counts(&t.path), counts_before);
    assert_eq!(state_at(&t.store, "acme", None), state_before);
    assert_eq!(
        t.store.snapshot_dates().expect("dates"),
        vec![date!(2026 - 03 - 31)]
    );
    assert_eq!(std::fs::read(&t.path).expect("db bytes"), main_file_before);
}

#[test]
fn an_sqlite_constraint_error_midway_rolls_everything_back() {
    let mut t = new_store();
    let plan = first_plan();
    apply(&mut t.store, "acme", date!(2026 - 03 - 31), &plan);
    // Simulate a database-level failure on the last kind of row written: training category 99.
    {
        let connection = rusqlite::Connection::open(&t.path).expect("open");
        connection
            .execute_batch(
                "CREATE TRIGGER refuse BEFORE INSERT ON training_version WHEN NEW.category = 99 \
                 BEGIN SELECT RAISE(ABORT, 'simulated constraint'); END;",
            )
            .expect("trigger");
    }
    let counts_before = row_counts(&t.path);
    let existing_before = t
        .store
        .existing_state("acme", date!(2026 - 05 - 01))
        .expect("state");
    let mut next = continued(&plan);
    next.workplaces.push(PlannedWorkplace {
        previous: None,
        record: workplace("WP3"),
        primary: false,
    });
    next.staff.push(PlannedStaff {
        previous: None,
        record: staff("WP3", "S9"),
        days_sick_saved: true,
    });
    next.training.push(training("WP3", "S9", 99));
    let result = t
        .store
        .apply("acme", date!(2026 - 04 - 30), &next, &[], &mut |_, _| {});
    assert!(
        matches!(result, Err(StoreError::Sqlite { .. })),
        "{:?}",
        result.err()
    );
    assert_eq!(row_counts(&t.path), counts_before);
    let existing_after = t
        .store
        .existing_state("acme", date!(2026 - 05 - 01))
        .expect("state");
    let summary = |e: &carecount_ascwds::ExistingState| {
        (
            e.workplaces
                .iter()
                .map(|w| (w.record.clone(), w.primary))
                .collect::<Vec<_>>(),
            e.staff
                .iter()
                .map(|s| (s.record.clone(), s.days_sick_saved_on))
                .collect::<Vec<_>>(),
            e.training.clone(),
        )
    };
    assert_eq!(summary(&existing_after), summary(&existing_before));
    assert!(t.store.orgs().expect("orgs") == vec!["acme".to_string()]);
}

#[test]
fn a_failed_first_import_does_not_create_the_organisation() {
    let mut t = new_store();
    let mut plan = first_plan();
    plan.training.push(training("NOWHERE", "S1", 1));
    let result = t
        .store
        .apply("acme", date!(2026 - 03 - 31), &plan, &[], &mut |_, _| {});
    assert!(matches!(result, Err(StoreError::InvalidPlan { .. })));
    assert!(t.store.orgs().expect("orgs").is_empty());
    assert_eq!(row_counts(&t.path), vec![0; 9]);
}

// ---------------------------------------------------------------------------------------------
// Privacy.

#[test]
fn personal_fields_are_kept_out_of_version_json_and_analysis() {
    let mut t = new_store();
    let plan = first_plan();
    apply(&mut t.store, "acme", date!(2026 - 03 - 01), &plan);
    let connection = rusqlite::Connection::open(&t.path).expect("open");
    let mut statement = connection
        .prepare("SELECT data FROM staff_version")
        .expect("prepare");
    let data: Vec<String> = statement
        .query_map([], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(data.len(), 3);
    for text in &data {
        for forbidden in [
            "Name-",
            "NI-",
            "PC-",
            "1990",
            "personal",
            "display_id",
            "ni_number",
            "postcode",
        ] {
            assert!(!text.contains(forbidden), "{forbidden} in {text}");
        }
    }

    let analysis = t
        .store
        .analysis_records(date!(2026 - 03 - 14))
        .expect("analysis");
    assert_eq!(analysis.staff.len(), 3);
    for s in &analysis.staff {
        assert_eq!(s.staff.personal, StaffPersonal::default());
        // Born 1990-03-15: on 2026-03-14, the day before the 36th birthday, 35 completed years.
        assert_eq!(s.age, Some(35));
        assert_eq!(s.org, "acme");
    }
    let on_birthday = t
        .store
        .analysis_records(date!(2026 - 03 - 15))
        .expect("analysis");
    assert!(on_birthday.staff.iter().all(|s| s.age == Some(36)));
    // Staff link to their workplaces' stable ids.
    let wp2 = analysis
        .workplaces
        .iter()
        .find(|w| w.workplace.localestid == "WP2")
        .expect("WP2");
    let s3 = analysis
        .staff
        .iter()
        .find(|s| s.staff.unique_worker_id == "S3")
        .expect("S3");
    assert_eq!(s3.workplace_id, wp2.id);
    assert_eq!(
        analysis
            .training
            .iter()
            .filter(|r| r.staff_id == s3.id)
            .count(),
        1
    );
}

#[test]
fn personal_fields_need_the_owning_organisations_scope() {
    let mut t = new_store();
    let acme = apply(&mut t.store, "acme", date!(2026 - 03 - 31), &first_plan());
    apply(&mut t.store, "other", date!(2026 - 03 - 31), &first_plan());
    let other_scope = t.store.owner_scope("other").expect("scope");
    assert_eq!(other_scope.org(), "other");
    let refused = t.store.org_records(&other_scope, &acme);
    assert!(matches!(refused, Err(StoreError::WrongOrg { .. })));
    assert!(matches!(
        t.store.owner_scope("nobody"),
        Err(StoreError::UnknownOrg { .. })
    ));
    // A forged snapshot value naming the other organisation is checked against the stored row.
    let forged = SnapshotInfo {
        org: "other".into(),
        ..acme
    };
    assert!(matches!(
        t.store.org_records(&other_scope, &forged),
        Err(StoreError::WrongOrg { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Identity, areas, DAYSSICK, location IDs.

#[test]
fn a_rename_or_transfer_keeps_the_stable_staff_id() {
    let mut t = new_store();
    let plan = first_plan();
    apply(&mut t.store, "acme", date!(2026 - 03 - 31), &plan);
    let before = t
        .store
        .analysis_records(date!(2026 - 03 - 31))
        .expect("analysis");
    let id_of = |records: &carecount_store::AnalysisRecords, worker: &str| {
        records
            .staff
            .iter()
            .find(|s| s.staff.unique_worker_id == worker)
            .map(|s| (s.id, s.workplace_id))
    };
    let (s1_id, wp1_id) = id_of(&before, "S1").expect("S1");
    let (s3_id, _) = id_of(&before, "S3").expect("S3");
    let wp2_id = before
        .workplaces
        .iter()
        .find(|w| w.workplace.localestid == "WP2")
        .map(|w| w.id)
        .expect("WP2");

    let mut next = continued(&plan);
    // S1 is renamed S10 (CHGUNIQUEWRKID); S3 moves from WP2 to WP1 (TRANSFERSTAFFRECORD).
    next.staff[0].record.unique_worker_id = "S10".into();
    next.staff[2].record.localestid = "WP1".into();
    for record in &mut next.training {
        if record.unique_worker_id == "S1" {
            record.unique_worker_id = "S10".into();
        } else {
            record.localestid = "WP1".into();
        }
    }
    apply(&mut t.store, "acme", date!(2026 - 04 - 30), &next);
    let after = t
        .store
        .analysis_records(date!(2026 - 04 - 30))
        .expect("analysis");
    assert_eq!(id_of(&after, "S10"), Some((s1_id, wp1_id)));
    assert_eq!(id_of(&after, "S3"), Some((s3_id, wp1_id)));
    assert_ne!(wp1_id, wp2_id);
    assert_eq!(id_of(&after, "S1"), None);
    assert_eq!(
        after
            .training
            .iter()
            .filter(|r| r.staff_id == s1_id)
            .count(),
        2
    );
    assert_eq!(state_at(&t.store, "acme", None), Some(records_of(&next)));
}

#[test]
fn areas_are_kept_until_an_import_gives_another() {
    let mut t = new_store();
    let plan = first_plan();
    let rotherham = AreaAssignment {
        code: "E08000018".into(),
        name: "Rotherham".into(),
        region_code: Some("E12000003".into()),
    };
    let areas = vec![(RecordKey("WP1".into()), rotherham.clone())];
    t.store
        .apply("acme", date!(2026 - 03 - 31), &plan, &areas, &mut |_, _| {})
        .expect("apply");
    let area_of = |store: &Store, d: Date, wp: &str| {
        store
            .analysis_records(d)
            .expect("analysis")
            .workplaces
            .into_iter()
            .find(|w| w.workplace.localestid == wp)
            .and_then(|w| w.area)
    };
    assert_eq!(
        area_of(&t.store, date!(2026 - 03 - 31), "WP1"),
        Some(rotherham.clone())
    );
    assert_eq!(area_of(&t.store, date!(2026 - 03 - 31), "WP2"), None);
    // A later import without areas keeps the assignment and writes no version.
    let versions = count(&t.path, "workplace_version");
    apply(
        &mut t.store,
        "acme",
        date!(2026 - 04 - 30),
        &continued(&plan),
    );
    assert_eq!(
        area_of(&t.store, date!(2026 - 04 - 30), "WP1"),
        Some(rotherham.clone())
    );
    assert_eq!(count(&t.path, "workplace_version"), versions);
    // A new assignment is a new version of that workplace only.
    let own = AreaAssignment {
        code: "My patch".into(),
        name: "My patch".into(),
        region_code: None,
    };
    let areas = vec![(RecordKey("WP1".into()), own.clone())];
    t.store
        .apply(
            "acme",
            date!(2026 - 05 - 31),
            &continued(&plan),
            &areas,
            &mut |_, _| {},
        )
        .expect("apply");
    assert_eq!(count(&t.path, "workplace_version"), versions + 1);
    assert_eq!(area_of(&t.store, date!(2026 - 05 - 31), "WP1"), Some(own));
    assert_eq!(
        area_of(&t.store, date!(2026 - 04 - 30), "WP1"),
        Some(rotherham)
    );
}

#[test]
fn days_sick_saved_on_is_the_as_of_of_the_import_that_saved_it() {
    let mut t = new_store();
    let mut plan = first_plan();
    plan.staff[0].days_sick_saved = true;
    apply(&mut t.store, "acme", date!(2026 - 03 - 31), &plan);
    let saved_on = |store: &Store, d: Date, worker: &str| {
        store
            .existing_state("acme", d)
            .expect("state")
            .staff("WP1", worker)
            .and_then(|s| s.days_sick_saved_on)
    };
    assert_eq!(
        saved_on(&t.store, date!(2026 - 03 - 31), "S1"),
        Some(date!(2026 - 03 - 31))
    );
    assert_eq!(saved_on(&t.store, date!(2026 - 03 - 31), "S2"), None);
    // Not saved again: carried over.
    apply(
        &mut t.store,
        "acme",
        date!(2026 - 04 - 30),
        &continued(&plan),
    );
    assert_eq!(
        saved_on(&t.store, date!(2026 - 04 - 30), "S1"),
        Some(date!(2026 - 03 - 31))
    );
    // Saved again: the new date.
    let mut third = continued(&plan);
    third.staff[0].days_sick_saved = true;
    apply(&mut t.store, "acme", date!(2026 - 05 - 31), &third);
    assert_eq!(
        saved_on(&t.store, date!(2026 - 05 - 31), "S1"),
        Some(date!(2026 - 05 - 31))
    );
    let analysis = t
        .store
        .analysis_records(date!(2026 - 05 - 31))
        .expect("analysis");
    let s1 = analysis
        .staff
        .iter()
        .find(|s| s.staff.unique_worker_id == "S1")
        .expect("S1");
    assert_eq!(s1.days_sick_saved_on, Some(date!(2026 - 05 - 31)));
}

#[test]
fn location_ids_elsewhere_come_from_other_organisations_current_workplaces() {
    let mut t = new_store();
    apply(&mut t.store, "acme", date!(2026 - 03 - 31), &first_plan());
    let mut other = first_plan();
    other.workplaces[0].record.location_id = Some("1-OTHER".into());
    other.workplaces[1].record.location_id = None;
    apply(&mut t.store, "other", date!(2026 - 06 - 30), &other);
    let acme = t
        .store
        .existing_state("acme", date!(2026 - 07 - 01))
        .expect("state");
    assert_eq!(acme.location_ids_elsewhere, vec!["1-OTHER".to_string()]);
    // Before "other" imported, nobody else held one.
    let earlier = t
        .store
        .existing_state("acme", date!(2026 - 04 - 01))
        .expect("state");
    assert!(earlier.location_ids_elsewhere.is_empty());
    let other_state = t
        .store
        .existing_state("other", date!(2026 - 07 - 01))
        .expect("state");
    assert_eq!(
        other_state.location_ids_elsewhere,
        vec!["1-WP1".to_string(), "1-WP2".to_string()]
    );
    // An organisation the store does not hold is an empty account that still sees them.
    let new = t
        .store
        .existing_state("new", date!(2026 - 07 - 01))
        .expect("state");
    assert!(new.workplaces.is_empty());
    assert_eq!(new.location_ids_elsewhere.len(), 3);
}

// ---------------------------------------------------------------------------------------------
// The file itself.

#[test]
fn progress_reports_reach_the_total() {
    let mut t = new_store();
    let plan = first_plan();
    let mut calls = Vec::new();
    t.store
        .apply(
            "acme",
            date!(2026 - 03 - 31),
            &plan,
            &[],
            &mut |done, total| calls.push((done, total)),
        )
        .expect("apply");
    // 2 workplaces + 3 staff + 3 training = 8 records.
    assert_eq!(calls.first(), Some(&(0, 8)));
    assert_eq!(calls.last(), Some(&(8, 8)));
}

#[test]
fn the_store_survives_reopening_and_refuses_a_newer_schema() {
    let mut t = new_store();
    apply(&mut t.store, "acme", date!(2026 - 03 - 31), &first_plan());
    let path = t.path.clone();
    drop(t.store);
    let reopened = Store::open(&path).expect("reopen");
    assert_eq!(
        state_at(&reopened, "acme", None),
        Some(records_of(&first_plan()))
    );
    drop(reopened);
    rusqlite::Connection::open(&path)
        .expect("open")
        .pragma_update(None, "user_version", 99)
        .expect("pragma");
    let refused = Store::open(&path);
    assert!(matches!(
        refused,
        Err(StoreError::SchemaTooNew { found: 99, .. })
    ));
    if let Err(error) = refused {
        assert!(error.to_string().contains("carecount.db"), "{error}");
    }
}

#[test]
fn audit_rows_can_be_added_and_read() {
    let t = new_store();
    let id = t
        .store
        .audit("admin@example.test", "login", "web", "{}")
        .expect("audit");
    let log = t.store.audit_log().expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].id, id);
    assert_eq!(
        (log[0].actor.as_str(), log[0].action.as_str()),
        ("admin@example.test", "login")
    );
}

#[test]
fn an_in_memory_store_works_like_a_file() {
    let mut store = Store::open_in_memory().expect("memory");
    apply(&mut store, "acme", date!(2026 - 03 - 31), &first_plan());
    assert_eq!(
        state_at(&store, "acme", None),
        Some(records_of(&first_plan()))
    );
    assert_eq!(store.path(), ":memory:");
}

// ---------------------------------------------------------------------------------------------
// kill -9 in the middle of an import.

/// The plan of the kill test's imports: `workplaces` × 20 staff with two training records each;
/// `changed` alters every other staff record and workplace.
fn kill_test_plan(changed: bool) -> Plan {
    let mut plan = Plan::default();
    for i in 0..150 {
        let mut record = workplace(&format!("K{i:03}"));
        if changed && i % 2 == 0 {
            record.total_perm_temp = 99;
        }
        plan.workplaces.push(PlannedWorkplace {
            previous: None,
            record,
            primary: i == 0,
        });
        for j in 0..20 {
            let mut record = staff(&format!("K{i:03}"), &format!("W{j:02}"));
            if changed && j % 2 == 0 {
                record.hourly_rate = Some(Hundredths(1999));
            }
            plan.training
                .push(training(&record.localestid, &record.unique_worker_id, 1));
            plan.training
                .push(training(&record.localestid, &record.unique_worker_id, 2));
            plan.staff.push(PlannedStaff {
                previous: None,
                record,
                days_sick_saved: false,
            });
        }
    }
    plan
}

const KILL_CHILD: &str = "CARECOUNT_STORE_KILL_TEST_STORE";
const KILL_BASE: Date = date!(2026 - 01 - 01);

/// Kills the child on every path out of the test.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_process_killed_during_imports_leaves_each_snapshot_whole() {
    if let Some(path) = std::env::var_os(KILL_CHILD) {
        // The child: import forever (until killed), alternating the two plans, one day apart.
        let mut store = Store::open(Path::new(&path)).expect("child opens");
        let plans = [
            continued(&kill_test_plan(false)),
            continued(&kill_test_plan(true)),
        ];
        for day in 1..100_000i64 {
            let as_of = KILL_BASE + time::Duration::days(day);
            let plan = &plans[usize::from(day % 2 == 1)];
            store
                .apply("acme", as_of, plan, &[], &mut |_, _| {})
                .expect("child import");
        }
        return;
    }
    let mut t = new_store();
    apply(&mut t.store, "acme", KILL_BASE, &kill_test_plan(false));
    let exe = std::env::current_exe().expect("test binary");
    let child = std::process::Command::new(exe)
        .args([
            "a_process_killed_during_imports_leaves_each_snapshot_whole",
            "--exact",
            "--test-threads=1",
        ])
        .env(KILL_CHILD, &t.path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn child");
    let mut child = KillOnDrop(child);
    // Wait until the child has committed two imports, then kill it at some point of the third.
    let started = std::time::Instant::now();
    while t.store.snapshot_dates().expect("dates").len() < 3 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "the child made no progress"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    std::thread::sleep(std::time::Duration::from_millis(37));
    child.0.kill().expect("SIGKILL");
    child.0.wait().expect("reaped");
    drop(child);

    let store = Store::open(&t.path).expect("reopen after kill");
    let connection = rusqlite::Connection::open(&t.path).expect("open");
    let integrity: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("check");
    assert_eq!(integrity, "ok");
    // Every committed snapshot is exactly its plan: unchanged on even days, changed on odd days.
    let dates = store.snapshot_dates().expect("dates");
    assert!(dates.len() >= 3);
    let expected = [
        records_of(&kill_test_plan(false)),
        records_of(&kill_test_plan(true)),
    ];
    for d in dates {
        let day = (d - KILL_BASE).whole_days();
        let want = &expected[usize::from(day % 2 == 1)];
        assert_eq!(
            state_at(&store, "acme", Some(d)).as_ref(),
            Some(want),
            "snapshot of {d}"
        );
    }
    // And the store takes the next import.
    let mut store = store;
    apply(
        &mut store,
        "acme",
        date!(2030 - 01 - 01),
        &continued(&kill_test_plan(true)),
    );
}
