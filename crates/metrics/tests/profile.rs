//! The area profile: region and England beside every figure, trends across snapshots,
//! disclosure for commissioners.

use carecount_metrics::{Audience, Snapshot, area_profile};
use time::macros::date;

use crate::common::*;

/// Area A (region R): 2 workplaces with 3 records each; area B (region R): 1 workplace with 4;
/// area C (region S): 1 workplace with 10.
fn current() -> Snapshot {
    let workplaces = vec![
        workplace(1, "A", "R"),
        workplace(2, "A", "R"),
        workplace(3, "B", "R"),
        workplace(4, "C", "S"),
    ];
    let mut staff_records = Vec::new();
    staff_records.extend(copies(3, staff(1)));
    staff_records.extend(copies(3, staff(2)));
    staff_records.extend(copies(4, staff(3)));
    staff_records.extend(copies(10, staff(4)));
    snapshot(workplaces, staff_records)
}

fn headline<'p>(
    profile: &'p carecount_metrics::AreaProfile,
    name: &str,
) -> &'p carecount_metrics::profile::Comparison<carecount_metrics::MetricValue> {
    profile
        .headline
        .iter()
        .find(|comparison| comparison.area.metric == name)
        .unwrap()
}

#[test]
fn figures_beside_region_and_england() {
    let profile = area_profile(&[current()], "A", None, Audience::Employer).unwrap();
    assert_eq!(profile.region.as_deref(), Some("R"));
    let records = headline(&profile, "staff_records");
    // Area 3 + 3 = 6; region R 6 + 4 = 10; England 10 + 10 = 20.
    assert_eq!(records.area.value, Some(6.0));
    assert_eq!(records.region.as_ref().unwrap().value, Some(10.0));
    assert_eq!(records.england.value, Some(20.0));
    assert_eq!(
        profile.headline.len(),
        carecount_metrics::metric_names().len()
    );
    // One service (2) and one job role (8) in the area.
    assert_eq!(profile.by_service.len(), 1);
    assert_eq!(
        profile.by_service[0].label,
        "Care home services without nursing"
    );
    assert_eq!(profile.by_job_role.len(), 1);
    assert_eq!(profile.by_job_role[0].metrics[0].england.value, Some(20.0));
    // Sectors: 4 sectors and independent; all private here.
    assert_eq!(profile.by_sector.len(), 5);
    assert_eq!(profile.by_sector[1].key, "private");
    assert_eq!(profile.by_sector[1].metrics[0].area.value, Some(6.0));
    assert_eq!(profile.by_sector[0].metrics[0].area.value, Some(0.0));
}

#[test]
fn trends_follow_every_snapshot_oldest_first() {
    let mut older = current();
    older.as_of = date!(2024 - 03 - 31);
    older.staff.truncate(3); // only workplace 1's three records
    let profile = area_profile(&[current(), older], "A", Some("R"), Audience::Employer).unwrap();
    assert_eq!(profile.as_of, "2025-03-31");
    let dates: Vec<&str> = profile
        .trends
        .iter()
        .map(|point| point.as_of.as_str())
        .collect();
    assert_eq!(dates, ["2024-03-31", "2025-03-31"]);
    // staff_records is the first trend metric: 3 then 6.
    assert_eq!(profile.trends[0].metrics[0].area.value, Some(3.0));
    assert_eq!(profile.trends[1].metrics[0].area.value, Some(6.0));
}

#[test]
fn commissioner_profile_withholds_small_figures_everywhere() {
    let profile = area_profile(&[current()], "B", None, Audience::Commissioner).unwrap();
    // Area B has 4 records: withheld as "< 5"; England's 20 is shown.
    let records = headline(&profile, "staff_records");
    assert!(records.area.suppressed);
    assert_eq!(records.area.value, None);
    assert_eq!(records.england.value, Some(20.0));
    // The gender table's not-recorded row for B (4 records) is withheld too.
    let not_recorded = profile.demographics.area.gender.rows.last().unwrap();
    assert!(not_recorded.records.suppressed);
    // Nowhere in the JSON does B's count of 4 appear as a records figure.
    let json = serde_json::to_value(&profile).unwrap();
    assert_eq!(
        json["headline"][0]["area"]["records"],
        serde_json::Value::Null
    );
    assert_eq!(json["audience"], serde_json::json!("commissioner"));
}

#[test]
fn no_snapshot_no_profile() {
    assert!(area_profile(&[], "A", None, Audience::Employer).is_none());
}

#[test]
fn a_shared_memo_gives_the_same_profiles_and_computes_england_once() {
    use carecount_metrics::{ProfileMemo, area_profile_memo};
    let snapshots = [current()];
    let mut memo = ProfileMemo::new();
    for audience in [Audience::Employer, Audience::Commissioner] {
        for area in ["A", "B", "C"] {
            let alone = area_profile(&snapshots, area, None, audience).unwrap();
            let shared = area_profile_memo(&snapshots, area, None, audience, &mut memo).unwrap();
            assert_eq!(
                serde_json::to_string(&shared).unwrap(),
                serde_json::to_string(&alone).unwrap()
            );
            assert_eq!(shared, alone);
        }
    }
}

#[test]
fn the_memo_is_hit_for_england_and_a_shared_region() {
    use carecount_metrics::{ProfileMemo, area_profile_memo};
    let snapshots = [current()];
    let mut memo = ProfileMemo::new();
    area_profile_memo(&snapshots, "A", None, Audience::Employer, &mut memo).unwrap();
    // Look-ups per level (A and B: service 2, job role 8, region R): headline 18, by service
    // 1 × 5, by service group 1 × 5, by sector 5 × 5, by role group 4 × 5, by job role 1 × 5,
    // pay 2 (all + role 8), qualifications 5, Care Certificate 5, record completion 1,
    // demographics 1, contracts 1, leavers' reasons 1, trends 8 = 102; two levels = 204, plus
    // England's workplaces without area = 205. Within A, the 8 trend metrics, the "all" rows
    // of qualifications and Care Certificate and record completion repeat headline figures:
    // 11 hits per level, 22 in all; 205 - 22 = 183 computed.
    assert_eq!(memo.hits(), 22);
    assert_eq!(memo.computed(), 183);
    assert_eq!(memo.len(), 183);
    // B has the same region, service and role: all 205 look-ups are hits, nothing computed.
    area_profile_memo(&snapshots, "B", None, Audience::Employer, &mut memo).unwrap();
    assert_eq!(memo.hits(), 22 + 205);
    assert_eq!(memo.computed(), 183);
    // C (region S): England's 102 + 1 are hits (none repeat inside the profile that are not
    // already held), region S's 102 look-ups compute 102 - 11 = 91 and hit 11.
    area_profile_memo(&snapshots, "C", None, Audience::Employer, &mut memo).unwrap();
    assert_eq!(memo.hits(), 22 + 205 + 103 + 11);
    assert_eq!(memo.computed(), 183 + 91);
}
