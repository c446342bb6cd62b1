//! The demo data set description (`data/demo.csv`) and its three yearly uploads.

use std::collections::{BTreeMap, BTreeSet};

use carecount_generate::{
    DEMO_AREA_CODE, DEMO_DATES, DemoOrg, demo_orgs, demo_upload, try_demo_upload,
};
use time::macros::date;

use crate::support::*;

fn org(id: &str) -> DemoOrg {
    match demo_orgs().into_iter().find(|org| org.id == id) {
        Some(org) => org,
        None => panic!("no demo organisation {id}"),
    }
}

#[test]
fn demo_la_has_about_110_workplaces_and_5000_staff() {
    let orgs = demo_orgs();
    let demo: Vec<&DemoOrg> = orgs
        .iter()
        .filter(|org| org.area == DEMO_AREA_CODE)
        .collect();
    let workplaces: u32 = demo.iter().map(|org| org.workplaces).sum();
    let staff: u64 = demo.iter().map(|org| org.staff).sum();
    // interfaces.md: "about 110 workplaces and 5,000 staff records".
    assert!((100..=120).contains(&workplaces), "{workplaces}");
    assert!((4_800..=5_200).contains(&staff), "{staff}");
    assert!(
        demo.iter()
            .all(|org| org.area_name == "Demo LA" && org.region == "E12000003")
    );
    // Brief: demo-care ≈ 8 workplaces / 350 staff, demo-other ≈ 5 / 200, about 10 more.
    let care = org("demo-care");
    assert_eq!((care.workplaces, care.staff), (8, 350));
    let other = org("demo-other");
    assert_eq!((other.workplaces, other.staff), (5, 200));
    assert!(
        (10..=12).contains(&(demo.len() - 2)),
        "{} other orgs",
        demo.len() - 2
    );
}

#[test]
fn the_region_and_a_sample_of_england_are_real_councils() {
    let tables = carecount_codes::tables();
    let orgs = demo_orgs();
    // Every council of Yorkshire and The Humber, once.
    let region: BTreeSet<&str> = tables
        .local_authorities_in("E12000003")
        .map(|authority| authority.code.as_str())
        .collect();
    let yorkshire: Vec<&str> = orgs
        .iter()
        .filter(|org| org.area != DEMO_AREA_CODE && org.region == "E12000003")
        .map(|org| org.area.as_str())
        .collect();
    assert_eq!(yorkshire.len(), region.len());
    assert_eq!(yorkshire.iter().copied().collect::<BTreeSet<_>>(), region);
    // Two councils of each other region, each really in that region.
    let mut per_region: BTreeMap<&str, usize> = BTreeMap::new();
    for org in orgs.iter().filter(|org| org.region != "E12000003") {
        let Some(authority) = tables.local_authority(&org.area) else {
            panic!("{} is not a council", org.area)
        };
        assert_eq!(authority.region_code, org.region, "{}", org.id);
        assert_eq!(authority.name, org.area_name);
        *per_region.entry(org.region.as_str()).or_default() += 1;
    }
    assert_eq!(per_region.len(), tables.regions.len() - 1);
    assert!(
        per_region.values().all(|&count| count == 2),
        "{per_region:?}"
    );
    // Other areas: about 12 workplaces and 550 staff each; ids and seeds unique.
    for org in orgs.iter().filter(|org| org.area != DEMO_AREA_CODE) {
        assert!((10..=14).contains(&org.workplaces), "{}", org.id);
        assert!((400..=750).contains(&org.staff), "{}", org.id);
    }
    let ids: BTreeSet<&str> = orgs.iter().map(|org| org.id.as_str()).collect();
    let seeds: BTreeSet<u64> = orgs.iter().map(|org| org.seed).collect();
    assert_eq!(ids.len(), orgs.len());
    assert_eq!(seeds.len(), orgs.len());
    // Areas differ: multipliers are not all the same.
    let pays: BTreeSet<String> = orgs.iter().map(|org| format!("{:.2}", org.pay)).collect();
    assert!(pays.len() > 5);
}

#[test]
fn demo_dates_are_the_three_march_ends() {
    assert_eq!(
        DEMO_DATES,
        [
            date!(2023 - 03 - 31),
            date!(2024 - 03 - 31),
            date!(2025 - 03 - 31)
        ]
    );
}

#[test]
fn demo_years_import_one_on_top_of_the_other() {
    let org = org("demo-other");
    let mut state = carecount_ascwds::ExistingState::default();
    let mut previous_staff = 0;
    for (year, &as_of) in DEMO_DATES.iter().enumerate() {
        let upload = demo_upload(&org, year);
        assert_eq!(upload.as_of, as_of);
        let imported = import(&upload, &state);
        assert_eq!(
            imported.validation.errors(),
            0,
            "year {year}:\n{}",
            describe(&imported.validation)
        );
        assert_eq!(
            imported.validation.warnings(),
            0,
            "year {year}:\n{}",
            describe(&imported.validation)
        );
        let staff = upload.staff.lines().count() - 1;
        if year == 0 {
            assert_eq!(staff, 200);
        } else {
            // Growth 0% ± 4% per workplace: the total stays near 200.
            assert!(
                staff.abs_diff(previous_staff) < 30,
                "{previous_staff} → {staff}"
            );
        }
        previous_staff = staff;
        state = imported.state;
    }
    assert_eq!(demo_upload(&org, 2), demo_upload(&org, 2));
    assert!(try_demo_upload(&org, 3).is_err());
}

/// Median of the care workers' (role 8) hourly rates.
fn care_worker_median(text: &str) -> f64 {
    let parsed = parse(text);
    let mut rates: Vec<f64> = parsed
        .records
        .iter()
        .filter(|record| parsed.get(record, "MAINJOBROLE") == "8")
        .filter_map(|record| parsed.get(record, "HOURLYRATE").parse().ok())
        .collect();
    rates.sort_by(f64::total_cmp);
    rates.get(rates.len() / 2).copied().unwrap_or(0.0)
}

#[test]
fn pay_differs_by_area_and_reaches_the_national_level_in_2025() {
    // Camden's multiplier is 1.08, Lincolnshire's 0.97: 1.08 / 0.97 ≈ 1.11.
    let camden = demo_upload(&org("org-E09000007"), 0);
    let lincolnshire = demo_upload(&org("org-E10000019"), 0);
    let ratio = care_worker_median(&camden.staff) / care_worker_median(&lincolnshire.staff);
    assert!(ratio > 1.06, "{ratio}");
    // demo-la-03 (pay 0.98): 2023 at 0.91 × 0.98 of £12.00 ≈ £10.70, then two rises of ≈ 5%
    // → 10.70 × 1.05² ≈ £11.80 in 2025; ±5% allowed for the spread of 900 records.
    let org = org("demo-la-03");
    let first = care_worker_median(&demo_upload(&org, 0).staff);
    let last = care_worker_median(&demo_upload(&org, 2).staff);
    assert!((first - 10.70).abs() < 0.55, "2023 median {first}");
    assert!((last - 11.80).abs() < 0.6, "2025 median {last}");
}
