//! Region and England figures persisted in the fact cache: a profile answered from them equals
//! one computed without any cache; damaged results are recomputed; a new import invalidates.

use carecount_ascwds::{Given, InputFile};
use carecount_metrics::load;
use carecount_metrics::results::{Answered, RESULTS_DATE, area_profile_stored};
use carecount_metrics::{AreaProfile, Audience, area_profile};
use carecount_store::{AreaAssignment, Store};
use time::Date;
use time::macros::date;

const EARLIER: Date = date!(2024 - 03 - 31);
const AS_OF: Date = date!(2025 - 03 - 31);
const AREA: &str = "E08000018";
const OTHER_AREA: &str = "E08000019";
const REGION: &str = "E12000003";

fn import(store: &mut Store, org: &str, seed: u64, staff: u64, area: &str, as_of: Date) {
    let upload = carecount_generate::generate(&carecount_generate::GenerateOptions {
        workplaces: 3,
        staff,
        seed,
        as_of,
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
    let placement = AreaAssignment {
        code: area.to_string(),
        name: area.to_string(),
        region_code: Some(REGION.to_string()),
    };
    let place = move |_: &carecount_domain::Workplace| Some(placement.clone());
    let outcome =
        carecount_store::ingest::import(store, org, as_of, given, &place, false, &mut |_, _| {})
            .unwrap_or_else(|error| panic!("import: {error}"));
    assert!(
        outcome.snapshot.is_some(),
        "the generated upload imports: {org} {as_of} {:?}",
        outcome.validation
    );
}

/// Organisation a0 in AREA on an earlier date (trends; its snapshot stays current on AS_OF), a
/// in AREA and b in OTHER_AREA of the same region on AS_OF.
fn small_store() -> Store {
    let mut store = Store::open_in_memory().unwrap_or_else(|error| panic!("open: {error}"));
    import(&mut store, "a0", 1, 30, AREA, EARLIER);
    import(&mut store, "a", 2, 40, AREA, AS_OF);
    import(&mut store, "b", 3, 25, OTHER_AREA, AS_OF);
    store
}

/// The profile from facts read straight from the records (no fact cache, no stored results).
fn reference(store: &Store, area: &str, audience: Audience) -> AreaProfile {
    let mut snapshots = Vec::new();
    let dates = store
        .snapshot_dates()
        .unwrap_or_else(|error| panic!("dates: {error}"));
    for d in dates.into_iter().filter(|d| *d < AS_OF).chain([AS_OF]) {
        snapshots.push(
            load::snapshot_on_where(store, d, &|_, _| true)
                .unwrap_or_else(|error| panic!("load: {error}")),
        );
    }
    area_profile(&snapshots, area, None, audience).unwrap_or_else(|| panic!("no profile"))
}

fn stored(store: &Store, area: &str, audience: Audience) -> (AreaProfile, Answered) {
    area_profile_stored(store, AS_OF, area, audience)
        .unwrap_or_else(|error| panic!("stored: {error}"))
        .unwrap_or_else(|| panic!("no profile"))
}

fn json(profile: &AreaProfile) -> String {
    serde_json::to_string(profile).unwrap_or_else(|error| panic!("json: {error}"))
}

#[test]
fn a_profile_from_stored_results_equals_one_computed_without_any_cache() {
    let store = small_store();
    let employer = reference(&store, AREA, Audience::Employer);
    let commissioner = reference(&store, AREA, Audience::Commissioner);
    assert_eq!(employer.trends.len(), 2, "two snapshot dates");
    // Nothing stored yet: computed from every workplace, then stored.
    let (first, how) = stored(&store, AREA, Audience::Employer);
    assert_eq!(how, Answered::Computed);
    assert_eq!(json(&first), json(&employer));
    // The same figures again, for both audiences: only the area's facts are read.
    for (audience, expected) in [
        (Audience::Employer, &employer),
        (Audience::Commissioner, &commissioner),
    ] {
        let (warm, how) = stored(&store, AREA, audience);
        assert_eq!(how, Answered::FromStoredResults, "{audience:?}");
        assert_eq!(json(&warm), json(expected), "{audience:?}");
        assert_eq!(&warm, expected, "{audience:?}");
    }
    // The other area of the region: whatever it computes is stored, then it is warm too.
    let other = reference(&store, OTHER_AREA, Audience::Commissioner);
    let (answer, _) = stored(&store, OTHER_AREA, Audience::Commissioner);
    assert_eq!(json(&answer), json(&other));
    let (answer, how) = stored(&store, OTHER_AREA, Audience::Commissioner);
    assert_eq!(how, Answered::FromStoredResults);
    assert_eq!(json(&answer), json(&other));
    // And the first area's results were kept when the second's were merged in.
    assert_eq!(
        stored(&store, AREA, Audience::Employer).1,
        Answered::FromStoredResults
    );
}

#[test]
fn damaged_or_foreign_stored_results_are_recomputed() {
    let store = small_store();
    let expected = reference(&store, AREA, Audience::Commissioner);
    stored(&store, AREA, Audience::Commissioner);
    let england = "results/england";
    let region = format!("results/region/{REGION}");
    let held = store
        .fact_cache_get(RESULTS_DATE, &[england, region.as_str()])
        .unwrap_or_else(|error| panic!("get: {error}"));
    assert_eq!(held.parts.len(), 2, "England and the region are stored");
    let mut foreign = held.parts[0].1.clone();
    foreign[6] ^= 1; // the fingerprint of another build
    let mut truncated = held.parts[1].1.clone();
    truncated.truncate(truncated.len() / 2);
    let damaged: [Vec<(String, Vec<u8>)>; 3] = [
        vec![(england.to_string(), b"garbage".to_vec())],
        vec![
            (england.to_string(), foreign),
            (region.clone(), held.parts[1].1.clone()),
        ],
        vec![
            (england.to_string(), held.parts[0].1.clone()),
            (region.clone(), truncated),
        ],
    ];
    for parts in damaged {
        assert!(
            store
                .fact_cache_put(&held.state, RESULTS_DATE, &parts)
                .unwrap_or_else(|error| panic!("put: {error}"))
        );
        let (answer, how) = stored(&store, AREA, Audience::Commissioner);
        assert_eq!(how, Answered::Computed);
        assert_eq!(json(&answer), json(&expected));
        let (answer, how) = stored(&store, AREA, Audience::Commissioner);
        assert_eq!(how, Answered::FromStoredResults);
        assert_eq!(json(&answer), json(&expected));
    }
}

#[test]
fn a_new_import_invalidates_the_stored_results() {
    let mut store = small_store();
    let (before, _) = stored(&store, AREA, Audience::Employer);
    assert_eq!(
        stored(&store, AREA, Audience::Employer).1,
        Answered::FromStoredResults
    );
    // Another organisation imports 20 records into the other area: England grows from
    // 30 + 40 + 25 = 95 (a0's earlier snapshot is still current) to 95 + 20 = 115 records.
    import(&mut store, "c", 4, 20, OTHER_AREA, AS_OF);
    let (after, how) = stored(&store, AREA, Audience::Employer);
    assert_eq!(how, Answered::Computed);
    assert_eq!(
        json(&after),
        json(&reference(&store, AREA, Audience::Employer))
    );
    let england_records = |profile: &AreaProfile| profile.headline[0].england.value;
    assert_eq!(england_records(&before), Some(95.0));
    assert_eq!(england_records(&after), Some(115.0));
}
