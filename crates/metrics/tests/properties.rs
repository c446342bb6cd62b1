//! Invariants over random small snapshots: rates lie in [0, 1]; breakdowns add up to totals.

use carecount_metrics::tables::demographics;
use carecount_metrics::{Contract, Gender, GroupFilter, RoleCounts, SnapshotIndex, metric};
use proptest::prelude::*;

use crate::common::*;

fn arbitrary_snapshot() -> impl Strategy<Value = carecount_metrics::Snapshot> {
    let workplace_strategy = (
        proptest::option::of(0u32..40),
        proptest::option::of(0u32..6),
        proptest::option::of(0u32..6),
    );
    let staff_strategy = (
        0u64..4,
        prop::sample::select(vec![7u32, 8, 25, 4]),
        0usize..5,
        0usize..4,
        proptest::option::of(any::<bool>()),
    );
    (
        proptest::collection::vec(workplace_strategy, 1..4),
        proptest::collection::vec(staff_strategy, 0..40),
    )
        .prop_map(|(workplace_facts, staff_facts)| {
            let count = workplace_facts.len() as u64;
            let workplaces = workplace_facts
                .into_iter()
                .enumerate()
                .map(|(position, (declared, vacancies, leavers))| {
                    let mut facts = workplace(position as u64, "A", "R");
                    facts.total_perm_temp = declared;
                    facts.vacancies =
                        vacancies.map_or(RoleCounts::Unknown, |n| RoleCounts::known(&[(8, n)]));
                    facts.leavers =
                        leavers.map_or(RoleCounts::Unknown, |n| RoleCounts::known(&[(8, n)]));
                    facts
                })
                .collect();
            let contracts = [
                Contract::Permanent,
                Contract::Temporary,
                Contract::PoolBank,
                Contract::Agency,
                Contract::Other,
            ];
            let genders = [
                None,
                Some(Gender::Male),
                Some(Gender::Female),
                Some(Gender::Other),
            ];
            let staff_records = staff_facts
                .into_iter()
                .map(|(at, job_role, contract, gender, zero_hours)| {
                    let mut record = staff_as(at % count, job_role, contracts[contract]);
                    record.gender = genders[gender];
                    record.zero_hours = zero_hours;
                    record
                })
                .collect();
            snapshot(workplaces, staff_records)
        })
}

proptest! {
    #[test]
    fn shares_lie_between_0_and_1(snapshot in arbitrary_snapshot()) {
        for name in ["zero_hours_share", "agency_share", "record_completion", "vacancy_rate"] {
            let value = metric(&snapshot, name, &GroupFilter::area("A")).unwrap();
            if let Some(share) = value.value {
                prop_assert!((0.0..=1.0).contains(&share), "{} = {}", name, share);
            }
        }
    }

    #[test]
    fn gender_breakdown_adds_up(snapshot in arbitrary_snapshot()) {
        let index = SnapshotIndex::new(&snapshot);
        let filter = GroupFilter::area("A");
        let table = demographics(&index.group(&filter)).gender;
        let records: f64 = table.rows.iter().filter_map(|row| row.records.value).sum();
        let posts: f64 = table.rows.iter().filter_map(|row| row.filled_posts.value).sum();
        let total_records = metric(&snapshot, "staff_records", &filter).unwrap().value.unwrap();
        let total_posts = metric(&snapshot, "filled_posts", &filter).unwrap().value.unwrap();
        prop_assert_eq!(records, total_records);
        prop_assert!((posts - total_posts).abs() < 1e-9, "{} vs {}", posts, total_posts);
    }

    #[test]
    fn role_shares_of_filled_posts_add_up(snapshot in arbitrary_snapshot()) {
        let total = metric(&snapshot, "filled_posts", &GroupFilter::area("A")).unwrap().value.unwrap();
        let by_role: f64 = [4u32, 7, 8, 25]
            .iter()
            .map(|role| {
                let filter = GroupFilter { job_role: Some(*role), ..GroupFilter::area("A") };
                metric(&snapshot, "filled_posts", &filter).unwrap().value.unwrap()
            })
            .sum();
        // Workplaces with posts but no records put them in "not recorded", so by-role ≤ total.
        prop_assert!(by_role <= total + 1e-9);
        let index = SnapshotIndex::new(&snapshot);
        let unrecorded: f64 = index
            .group(&GroupFilter::area("A"))
            .members()
            .iter()
            .filter(|member| member.staff.is_empty())
            .map(|member| carecount_metrics::reconcile(0, member.workplace.total_perm_temp).filled_posts)
            .sum();
        prop_assert!((by_role + unrecorded - total).abs() < 1e-9);
    }
}
