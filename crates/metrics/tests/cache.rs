//! The fact cache: the binary codec round-trips; a cached load equals an uncached one; a new
//! snapshot invalidates; a damaged or foreign blob is rebuilt, never a panic.

use std::collections::BTreeMap;

use carecount_ascwds::{Given, InputFile};
use carecount_codes::Sector;
use carecount_metrics::codec::{self, FactsPart, IndexEntry};
use carecount_metrics::load::{self, Scope};
use carecount_metrics::{
    CareCertificate, Contract, Disability, Gender, GroupFilter, Pay, Qualification, RoleCounts,
    Snapshot, StaffFacts, WorkplaceFacts, metric,
};
use carecount_store::{AreaAssignment, Store};
use proptest::prelude::*;
use time::Date;
use time::macros::date;

const AS_OF: Date = date!(2025 - 03 - 31);

// ------------------------------------------------------------------ codec

fn role_counts() -> impl Strategy<Value = RoleCounts> {
    prop_oneof![
        Just(RoleCounts::Unknown),
        proptest::collection::btree_map(any::<u32>(), any::<u32>(), 0..4)
            .prop_map(|m: BTreeMap<u32, u32>| RoleCounts::Known(m)),
    ]
}

fn text() -> impl Strategy<Value = String> {
    // Any Unicode, including the empty string.
    ".{0,12}"
}

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(-0.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        -1.0e9f64..1.0e9
    ]
}

fn workplace() -> impl Strategy<Value = WorkplaceFacts> {
    (
        (any::<u64>(), text(), text()),
        (proptest::option::of(text()), proptest::option::of(text())),
        prop::sample::select(Sector::ALL.to_vec()),
        any::<u32>(),
        proptest::collection::vec(any::<u32>(), 0..5),
        proptest::option::of(any::<u32>()),
        (role_counts(), role_counts(), role_counts()),
        proptest::collection::vec((any::<u32>(), any::<u32>()), 0..4),
    )
        .prop_map(
            |(
                (id, org, localestid),
                (area_code, region_code),
                sector,
                main_service,
                services,
                total_perm_temp,
                (starters, leavers, vacancies),
                leaver_reasons,
            )| WorkplaceFacts {
                id,
                org,
                localestid,
                area_code,
                region_code,
                sector,
                main_service,
                services,
                total_perm_temp,
                starters,
                leavers,
                vacancies,
                leaver_reasons,
            },
        )
}

fn qualification() -> impl Strategy<Value = Qualification> {
    prop_oneof![
        Just(Qualification::No),
        proptest::option::of(any::<u8>()).prop_map(|level| Qualification::Yes { level }),
    ]
}

fn staff() -> impl Strategy<Value = StaffFacts> {
    let first = (
        any::<u64>(),
        any::<u32>(),
        proptest::option::of(prop::sample::select(vec![
            Contract::Permanent,
            Contract::Temporary,
            Contract::PoolBank,
            Contract::Agency,
            Contract::Other,
        ])),
        proptest::option::of(any::<bool>()),
        proptest::option::of(finite()),
        proptest::option::of(finite()),
        proptest::option::of(prop_oneof![
            finite().prop_map(Pay::Annual),
            finite().prop_map(Pay::Hourly)
        ]),
        proptest::option::of(prop::sample::select(vec![
            Gender::Male,
            Gender::Female,
            Gender::Other,
        ])),
        proptest::option::of(any::<u32>()),
        proptest::option::of(any::<u32>()),
    );
    let second = (
        proptest::option::of(any::<u32>()),
        proptest::option::of(prop::sample::select(vec![
            Disability::No,
            Disability::Yes,
            Disability::Undisclosed,
            Disability::DontKnow,
        ])),
        // Every date `time` can represent (Julian days of -9999-01-01 to 9999-12-31).
        proptest::option::of(
            (Date::MIN.to_julian_day()..=Date::MAX.to_julian_day())
                .prop_map(|d| Date::from_julian_day(d).unwrap_or(Date::MIN)),
        ),
        proptest::option::of(any::<i32>()),
        proptest::option::of(finite()),
        proptest::option::of(prop::sample::select(vec![
            CareCertificate::Completed,
            CareCertificate::No,
            CareCertificate::InProgress,
        ])),
        proptest::option::of(qualification()),
        proptest::option::of(qualification()),
        any::<bool>(),
    );
    (first, second).prop_map(
        |(
            (
                workplace,
                job_role,
                contract,
                zero_hours,
                contracted_hours,
                average_hours,
                pay,
                gender,
                age,
                ethnicity,
            ),
            (
                nationality,
                disabled,
                start_date,
                start_in_sector,
                days_sick,
                care_certificate,
                social_care_qualification,
                other_qualification,
                has_name_or_id,
            ),
        )| StaffFacts {
            workplace,
            job_role,
            contract,
            zero_hours,
            contracted_hours,
            average_hours,
            pay,
            gender,
            age,
            ethnicity,
            nationality,
            disabled,
            start_date,
            start_in_sector,
            days_sick,
            care_certificate,
            social_care_qualification,
            other_qualification,
            has_name_or_id,
        },
    )
}

proptest! {
    #[test]
    fn facts_round_trip(
        workplaces in proptest::collection::vec((any::<u32>(), workplace()), 0..6),
        staff in proptest::collection::vec((any::<u32>(), staff()), 0..30),
    ) {
        let part = FactsPart { workplaces, staff };
        let bytes = codec::encode_part(&part);
        prop_assert_eq!(codec::decode_part(&bytes), Ok(part));
    }

    #[test]
    fn index_round_trips(
        entries in proptest::collection::vec(
            (text(), proptest::option::of(text()), proptest::collection::vec(text(), 0..3),
             proptest::collection::vec(text(), 0..3)),
            0..6,
        )
    ) {
        let entries: Vec<IndexEntry> = entries
            .into_iter()
            .map(|(part, area, regions, orgs)| IndexEntry { part, area, regions, orgs })
            .collect();
        prop_assert_eq!(codec::decode_index(&codec::encode_index(&entries)), Ok(entries));
    }

    #[test]
    fn any_truncation_or_garbage_is_an_error_not_a_panic(
        staff in proptest::collection::vec((any::<u32>(), staff()), 1..5),
        cut in any::<prop::sample::Index>(),
        garbage in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let bytes = codec::encode_part(&FactsPart { workplaces: Vec::new(), staff });
        // Every strict prefix lacks at least the last field: always an error.
        let at = cut.index(bytes.len());
        prop_assert!(codec::decode_part(&bytes[..at]).is_err());
        // Random bytes after a valid header: an error or some facts, never a panic.
        let mut noisy = bytes[..6].to_vec();
        noisy.extend_from_slice(&garbage);
        let _ = codec::decode_part(&noisy);
        let _ = codec::decode_index(&noisy);
    }
}

// ------------------------------------------------------------------ a small store

const AREA: &str = "E08000018";
const OTHER_AREA: &str = "E06000052";
const REGION: &str = "E12000003";

fn import(
    store: &mut Store,
    org: &str,
    seed: u64,
    workplaces: u32,
    staff: u64,
    area: Option<AreaAssignment>,
) {
    let upload = carecount_generate::generate(&carecount_generate::GenerateOptions {
        workplaces,
        staff,
        seed,
        as_of: AS_OF,
    })
    .unwrap_or_else(|error| panic!("generate: {error}"));
    let given = Given::Explicit {
        workplace: Some(InputFile {
            path: "workplace.csv".to_string(),
            bytes: upload.workplace.into_bytes(),
        }),
        staff: Some(InputFile {
            path: "staff.csv".to_string(),
            bytes: upload.staff.into_bytes(),
        }),
        training: None,
    };
    let place = move |_: &carecount_domain::Workplace| area.clone();
    let outcome =
        carecount_store::ingest::import(store, org, AS_OF, given, &place, false, &mut |_, _| {})
            .unwrap_or_else(|error| panic!("import: {error}"));
    assert!(
        outcome.snapshot.is_some(),
        "the generated upload must import"
    );
}

fn placed(code: &str, region: &str) -> Option<AreaAssignment> {
    Some(AreaAssignment {
        code: code.to_string(),
        name: code.to_string(),
        region_code: Some(region.to_string()),
    })
}

/// Three organisations: A in AREA (3 workplaces, 40 staff), B in OTHER_AREA (2, 25), C unplaced
/// (2, 10).
fn store() -> Store {
    let mut store = Store::open_in_memory().unwrap_or_else(|error| panic!("open: {error}"));
    import(&mut store, "a", 11, 3, 40, placed(AREA, REGION));
    import(&mut store, "b", 22, 2, 25, placed(OTHER_AREA, REGION));
    import(&mut store, "c", 33, 2, 10, None);
    store
}

fn uncached(store: &Store, scope: &Scope) -> Snapshot {
    let keep = |org: &str, area: Option<&AreaAssignment>| match scope {
        Scope::All => true,
        Scope::Area(a) => area.is_some_and(|x| x.code == *a),
        Scope::Region(r) => area.is_some_and(|x| x.region_code.as_deref() == Some(r.as_str())),
        Scope::Org(o) => o == org,
    };
    load::snapshot_on_where(store, AS_OF, &keep).unwrap_or_else(|error| panic!("load: {error}"))
}

fn cached(store: &Store, scope: &Scope) -> Snapshot {
    load::snapshot_scoped(store, AS_OF, scope).unwrap_or_else(|error| panic!("load: {error}"))
}

fn count(snapshot: &Snapshot, name: &str, filter: &GroupFilter) -> Option<f64> {
    metric(snapshot, name, filter)
        .unwrap_or_else(|error| panic!("metric: {error}"))
        .value
}

#[test]
fn a_cached_load_equals_an_uncached_load_for_every_scope() {
    let store = store();
    let scopes = [
        Scope::All,
        Scope::Area(AREA.to_string()),
        Scope::Area(OTHER_AREA.to_string()),
        Scope::Area("nowhere".to_string()),
        Scope::Region(REGION.to_string()),
        Scope::Org("c".to_string()),
        Scope::Org("b".to_string()),
    ];
    for scope in &scopes {
        let expected = uncached(&store, scope);
        // The first load builds the cache (a miss), the second reads it (a hit).
        assert_eq!(cached(&store, scope), expected, "first load of {scope:?}");
        assert_eq!(cached(&store, scope), expected, "cached load of {scope:?}");
    }
    // By construction: A holds 3 workplaces and 40 staff records in AREA; all three
    // organisations 3 + 2 + 2 = 7 workplaces and 40 + 25 + 10 = 75 records.
    let area = cached(&store, &Scope::Area(AREA.to_string()));
    assert_eq!((area.workplaces.len(), area.staff.len()), (3, 40));
    let all = cached(&store, &Scope::All);
    assert_eq!((all.workplaces.len(), all.staff.len()), (7, 75));
    // The region holds A and B: 40 + 25 = 65 records; C's unplaced workplaces are not in it.
    assert_eq!(
        cached(&store, &Scope::Region(REGION.to_string()))
            .staff
            .len(),
        65
    );
}

#[test]
fn a_new_snapshot_invalidates_the_cache() {
    let mut store = Store::open_in_memory().unwrap_or_else(|error| panic!("open: {error}"));
    import(&mut store, "a", 11, 3, 40, placed(AREA, REGION));
    let filter = GroupFilter {
        area: Some(AREA.to_string()),
        ..GroupFilter::default()
    };
    let scope = Scope::Area(AREA.to_string());
    // A's 40 records, read twice (the second from the cache).
    assert_eq!(
        count(&cached(&store, &scope), "staff_records", &filter),
        Some(40.0)
    );
    assert_eq!(
        count(&cached(&store, &scope), "staff_records", &filter),
        Some(40.0)
    );
    // Another organisation imports into the same area on the same date: 40 + 25 = 65.
    import(&mut store, "b", 22, 2, 25, placed(AREA, REGION));
    assert_eq!(
        count(&cached(&store, &scope), "staff_records", &filter),
        Some(65.0)
    );
    assert_eq!(cached(&store, &scope), uncached(&store, &scope));
}

#[test]
fn a_damaged_or_foreign_blob_is_rebuilt() {
    let store = store();
    let expected = uncached(&store, &Scope::All);
    assert_eq!(cached(&store, &Scope::All), expected);
    let index_name = "facts/index";
    let area_name = format!("facts/area/{AREA}");
    let held = store
        .fact_cache_get(AS_OF, &[index_name, area_name.as_str()])
        .unwrap_or_else(|error| panic!("get: {error}"));
    assert_eq!(
        held.parts.len(),
        2,
        "the index and the area part are cached"
    );
    let index = held.parts[0].1.clone();
    let mut foreign = held.parts[1].1.clone();
    // Byte 4 is the format version: a blob of a later format is not read.
    foreign[4] = codec::FORMAT_VERSION + 1;
    let damaged: [Vec<(String, Vec<u8>)>; 3] = [
        vec![(index_name.to_string(), b"not facts".to_vec())],
        vec![
            (index_name.to_string(), index.clone()),
            (area_name.clone(), foreign),
        ],
        // The index names parts the cache no longer holds.
        vec![(index_name.to_string(), index)],
    ];
    for parts in damaged {
        assert!(
            store
                .fact_cache_put(&held.state, AS_OF, &parts)
                .unwrap_or_else(|error| panic!("put: {error}"))
        );
        assert_eq!(
            cached(&store, &Scope::Area(AREA.to_string())),
            uncached(&store, &Scope::Area(AREA.to_string()))
        );
        assert_eq!(cached(&store, &Scope::All), expected);
    }
}
