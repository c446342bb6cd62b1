//! One page of an organisation's staff list (issue 5, "Employer pages" and "Speed"): the staff
//! records of one snapshot that pass the list's filters, in the list's order, `LIMIT`/`OFFSET`
//! in SQLite, with the number of records that pass — without reading the rest of the
//! organisation (its other staff records' JSON, its workplaces or its training).
//!
//! Personal fields leave through an [`OwnerScope`] only, as in [`Store::org_records`].

use carecount_domain::Staff;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use crate::codec::{self, PersonalRow};
use crate::error::Fail;
use crate::read::At;
use crate::{OwnerScope, SnapshotInfo, Store, StoreError};

/// Creates this module's index when missing (idempotent; runs on every open). The index holds
/// the current rows in list order with the filtered columns, so that a page walks it in order
/// and a count reads it alone.
pub(crate) fn ensure_schema(connection: &Connection) -> rusqlite::Result<()> {
    connection.execute_batch(
        "CREATE INDEX IF NOT EXISTS staff_version_open_page
             ON staff_version(org, ord, staff_id, main_job_role, contract, localestid)
             WHERE valid_to IS NULL;",
    )
}

/// The staff list's filters. Every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct StaffFilter {
    /// Part of DISPLAYID (name or ID) or of UNIQUEWORKERID, ignoring case; blank: any record.
    pub search: String,
    /// MAINJOBROLE code.
    pub job_role: Option<u32>,
    /// EMPLSTATUS code.
    pub contract: Option<u32>,
    /// LOCALESTID of the workplace (exact).
    pub workplace: Option<String>,
}

/// Which records of the filtered list to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageWindow {
    /// Records skipped from the start of the filtered list.
    pub offset: u64,
    /// At most this many records; `None`: all the rest.
    pub limit: Option<u64>,
}

/// A page of the staff list, personal fields included.
#[derive(Clone, PartialEq)]
pub struct StaffPage {
    /// How many records pass the filters (all pages).
    pub total: u64,
    /// The page's records, in the order of [`crate::OrgRecords::staff`].
    pub staff: Vec<Staff>,
}

impl Store {
    /// The page `window` of the scope's organisation's staff records in `snapshot` that pass
    /// `filter`, in the order of [`Store::org_records`], and how many pass in all.
    pub fn staff_page(
        &self,
        scope: &OwnerScope,
        snapshot: &SnapshotInfo,
        filter: &StaffFilter,
        window: PageWindow,
    ) -> Result<StaffPage, StoreError> {
        let want = Want {
            count: true,
            rows: true,
        };
        let (total, staff) = query(
            &self.connection,
            &scope.org,
            snapshot.id,
            filter,
            window,
            want,
        )
        .map_err(|fail| fail.at(&self.path))?;
        Ok(StaffPage { total, staff })
    }

    /// How many of the scope's organisation's staff records in `snapshot` pass `filter` (the
    /// total of [`Store::staff_page`], for a caller that keeps totals between pages).
    pub fn staff_count(
        &self,
        scope: &OwnerScope,
        snapshot: &SnapshotInfo,
        filter: &StaffFilter,
    ) -> Result<u64, StoreError> {
        let want = Want {
            count: true,
            rows: false,
        };
        let none = PageWindow {
            offset: 0,
            limit: Some(0),
        };
        query(
            &self.connection,
            &scope.org,
            snapshot.id,
            filter,
            none,
            want,
        )
        .map(|(total, _)| total)
        .map_err(|fail| fail.at(&self.path))
    }

    /// The records of [`Store::staff_page`] without counting them.
    pub fn staff_rows(
        &self,
        scope: &OwnerScope,
        snapshot: &SnapshotInfo,
        filter: &StaffFilter,
        window: PageWindow,
    ) -> Result<Vec<Staff>, StoreError> {
        let want = Want {
            count: false,
            rows: true,
        };
        query(
            &self.connection,
            &scope.org,
            snapshot.id,
            filter,
            window,
            want,
        )
        .map(|(_, staff)| staff)
        .map_err(|fail| fail.at(&self.path))
    }
}

/// What a query computes.
#[derive(Debug, Clone, Copy)]
struct Want {
    count: bool,
    rows: bool,
}

/// `LIKE` pattern matching `text` anywhere, with `\` escaping `%`, `_` and `\`.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The `WHERE` of the filtered list (after `At::clause`) and its parameters. With `search_in_sql`
/// the search is a `LIKE` (ASCII case folding; needs the `p` join).
fn where_clause(
    at: &At,
    org: &str,
    filter: &StaffFilter,
    search_in_sql: bool,
) -> (String, Vec<Value>) {
    let mut sql = at.clause("v");
    let mut values = at.params(org);
    let mut add = |condition: &dyn Fn(usize) -> String, value: Value| {
        values.push(value);
        sql.push_str(" AND ");
        sql.push_str(&condition(values.len()));
    };
    if let Some(role) = filter.job_role {
        add(
            &|n| format!("v.main_job_role = ?{n}"),
            Value::Integer(role.into()),
        );
    }
    if let Some(contract) = filter.contract {
        add(
            &|n| format!("v.contract = ?{n}"),
            Value::Integer(contract.into()),
        );
    }
    if let Some(workplace) = &filter.workplace {
        add(
            &|n| format!("v.localestid = ?{n}"),
            Value::Text(workplace.clone()),
        );
    }
    let needle = filter.search.trim();
    if search_in_sql && !needle.is_empty() {
        add(
            &|n| {
                format!(
                    "(p.display_id LIKE ?{n} ESCAPE '\\' OR v.unique_worker_id LIKE ?{n} ESCAPE '\\')"
                )
            },
            Value::Text(like_pattern(needle)),
        );
    }
    (sql, values)
}

const ORDER: &str = " ORDER BY v.ord, v.staff_id";
const COLUMNS_FROM: &str =
    "v.id, v.data, p.display_id, p.ni_number, p.date_of_birth, p.postcode FROM staff_version v";
const PERSONAL_JOIN: &str = " JOIN staff_personal p ON p.staff_version_id = v.id";

fn record_from(row: &rusqlite::Row<'_>) -> Result<Staff, Fail> {
    let version_id: i64 = row.get(0)?;
    let data: String = row.get(1)?;
    let what = || format!("staff version {version_id}");
    let personal = PersonalRow {
        display_id: row.get(2)?,
        ni_number: row.get(3)?,
        date_of_birth: row.get(4)?,
        postcode: row.get(5)?,
    }
    .into_personal(what)?;
    codec::staff_from_parts(&data, &personal, what)
}

fn query(
    connection: &Connection,
    org: &str,
    snapshot: i64,
    filter: &StaffFilter,
    window: PageWindow,
    want: Want,
) -> Result<(u64, Vec<Staff>), Fail> {
    let found: Option<(String, String)> = connection
        .query_row(
            "SELECT org, as_of FROM snapshot WHERE id = ?1",
            params![snapshot],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let (snapshot_org, as_of) = found.ok_or(Fail::UnknownSnapshot(snapshot))?;
    if snapshot_org != org {
        return Err(Fail::WrongOrg {
            snapshot,
            snapshot_org,
            scope_org: org.to_string(),
        });
    }
    let at = At::of(connection, org, snapshot, &as_of)?;
    let offset = i64::try_from(window.offset).unwrap_or(i64::MAX);
    // SQLite: a negative LIMIT means no limit.
    let limit = window
        .limit
        .map_or(-1, |limit| i64::try_from(limit).unwrap_or(i64::MAX));
    let needle = filter.search.trim();
    // With a column filter on the latest snapshot, the page index holds every column the filter
    // reads: SQLite would otherwise pick the narrower `staff_version_open` and read the rows.
    let filtered =
        filter.job_role.is_some() || filter.contract.is_some() || filter.workplace.is_some();
    let indexed = if filtered && matches!(at, At::Latest) {
        " INDEXED BY staff_version_open_page"
    } else {
        ""
    };
    if needle.is_ascii() {
        let (clause, values) = where_clause(&at, org, filter, true);
        let mut total = 0;
        if want.count {
            let join = if needle.is_empty() { "" } else { PERSONAL_JOIN };
            let counted: i64 = connection.query_row(
                &format!("SELECT count(*) FROM staff_version v{indexed}{join}{clause}"),
                params_from_iter(values.iter()),
                |row| row.get(0),
            )?;
            total = u64::try_from(counted).unwrap_or_default();
        }
        let mut staff = Vec::new();
        if want.rows {
            let n = values.len();
            let sql = format!(
                "SELECT {COLUMNS_FROM}{indexed}{PERSONAL_JOIN}{clause}{ORDER} LIMIT ?{} OFFSET ?{}",
                n + 1,
                n + 2
            );
            let mut values = values;
            values.push(Value::Integer(limit));
            values.push(Value::Integer(offset));
            let mut statement = connection.prepare(&sql)?;
            let mut rows = statement.query(params_from_iter(values.iter()))?;
            while let Some(row) = rows.next()? {
                staff.push(record_from(row)?);
            }
        }
        return Ok((total, staff));
    }
    // A search with letters outside ASCII: SQLite folds ASCII case only, so the search runs here
    // (Unicode lower case, as before) over the narrow columns, and only the page's rows are read.
    let needle = needle.to_lowercase();
    let (clause, values) = where_clause(&at, org, filter, false);
    let mut statement = connection.prepare(&format!(
        "SELECT v.id, p.display_id, v.unique_worker_id FROM staff_version v{indexed}{PERSONAL_JOIN}{clause}{ORDER}"
    ))?;
    let mut rows = statement.query(params_from_iter(values.iter()))?;
    let mut matching = Vec::new();
    while let Some(row) = rows.next()? {
        let display_id: String = row.get(1)?;
        let worker: String = row.get(2)?;
        if display_id.to_lowercase().contains(&needle) || worker.to_lowercase().contains(&needle) {
            matching.push(row.get::<_, i64>(0)?);
        }
    }
    let total = matching.len() as u64;
    let mut staff = Vec::new();
    if want.rows {
        let take = usize::try_from(window.limit.unwrap_or(u64::MAX)).unwrap_or(usize::MAX);
        let skip = usize::try_from(window.offset).unwrap_or(usize::MAX);
        let mut one = connection.prepare(&format!(
            "SELECT {COLUMNS_FROM}{PERSONAL_JOIN} WHERE v.id = ?1"
        ))?;
        for id in matching.into_iter().skip(skip).take(take) {
            let mut rows = one.query(params![id])?;
            if let Some(row) = rows.next()? {
                staff.push(record_from(row)?);
            }
        }
    }
    Ok((total, staff))
}

#[cfg(test)]
pub(crate) mod tests {
    use carecount_ascwds::{Plan, PlannedStaff, PlannedWorkplace};
    use carecount_domain::{StaffPersonal, WorkforceCounts, Workplace, key};
    use time::macros::date;

    use super::*;

    pub(crate) fn workplace(localestid: &str) -> Workplace {
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
            share_with_cqc: None,
            share_with_la: None,
            cqc_regulated: false,
            provider_id: None,
            location_id: None,
            main_service: 1,
            services: Vec::new(),
            no_other_services: true,
            service_users: Vec::new(),
            dha: None,
            dha_activities: None,
            total_perm_temp: 3,
            job_roles: vec![8],
            starters: WorkforceCounts::None,
            leavers: WorkforceCounts::None,
            vacancies: WorkforceCounts::None,
            leaving_reasons: Vec::new(),
            repeat_training: None,
            cwp_aware: None,
            cwp_use: None,
            cwp_use_desc: None,
            sick_pay: None,
            pension: None,
            pension_contribution: None,
            pension_opt_out: None,
            holiday_days: None,
            sleep_ins: None,
            sleep_in_pay: None,
            travel_time: None,
            travel_time_rate: None,
        }
    }

    /// Staff `worker` of `localestid` with the given display id, job role and contract.
    pub(crate) fn staff(
        localestid: &str,
        worker: &str,
        display_id: &str,
        role: u32,
        contract: u32,
    ) -> Staff {
        let mut record = Staff::example();
        record.localestid = localestid.to_string();
        record.unique_worker_id = worker.to_string();
        record.main_job_role = role;
        record.contract = contract;
        record.personal = StaffPersonal {
            display_id: display_id.to_string(),
            ni_number: Some(format!("NI-{worker}")),
            date_of_birth: None,
            postcode: None,
        };
        record
    }

    pub(crate) fn planned(record: Staff) -> PlannedStaff {
        PlannedStaff {
            previous: None,
            record,
            days_sick_saved: false,
        }
    }

    /// Two workplaces and seven staff records:
    ///
    /// | # | workplace | worker | display id   | role | contract |
    /// |---|-----------|--------|--------------|------|----------|
    /// | 1 | WP1       | A1     | Ann Smith    | 8    | 1        |
    /// | 2 | WP1       | A2     | Bob Smyth    | 8    | 2        |
    /// | 3 | WP1       | X_3    | Cara Jones   | 7    | 1        |
    /// | 4 | WP2       | B1     | Dan SMITH    | 8    | 1        |
    /// | 5 | WP2       | B2     | Émile Zola   | 3    | 4        |
    /// | 6 | WP2       | B3     | 100% Staff   | 8    | 1        |
    /// | 7 | WP2       | B4     | Eve Brown    | 7    | 2        |
    fn store() -> (Store, OwnerScope, SnapshotInfo) {
        let mut store = Store::open_in_memory().expect("store opens");
        let plan = Plan {
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
                planned(staff("WP1", "A1", "Ann Smith", 8, 1)),
                planned(staff("WP1", "A2", "Bob Smyth", 8, 2)),
                planned(staff("WP1", "X_3", "Cara Jones", 7, 1)),
                planned(staff("WP2", "B1", "Dan SMITH", 8, 1)),
                planned(staff("WP2", "B2", "Émile Zola", 3, 4)),
                planned(staff("WP2", "B3", "100% Staff", 8, 1)),
                planned(staff("WP2", "B4", "Eve Brown", 7, 2)),
            ],
            ..Plan::default()
        };
        let snapshot = store
            .apply("org", date!(2025 - 03 - 31), &plan, &[], &mut |_, _| {})
            .expect("apply succeeds");
        let scope = store.owner_scope("org").expect("scope");
        (store, scope, snapshot)
    }

    fn workers(page: &StaffPage) -> Vec<&str> {
        page.staff
            .iter()
            .map(|staff| staff.unique_worker_id.as_str())
            .collect()
    }

    const ALL: PageWindow = PageWindow {
        offset: 0,
        limit: None,
    };

    fn page_of(filter: StaffFilter, window: PageWindow) -> (u64, Vec<String>) {
        let (store, scope, snapshot) = store();
        let page = store
            .staff_page(&scope, &snapshot, &filter, window)
            .expect("page");
        (
            page.total,
            workers(&page).into_iter().map(str::to_string).collect(),
        )
    }

    #[test]
    fn no_filter_gives_every_record_in_upload_order_with_personal_fields() {
        let (store, scope, snapshot) = store();
        let page = store
            .staff_page(&scope, &snapshot, &StaffFilter::default(), ALL)
            .expect("page");
        assert_eq!(page.total, 7);
        assert_eq!(workers(&page), ["A1", "A2", "X_3", "B1", "B2", "B3", "B4"]);
        let records = store.org_records(&scope, &snapshot).expect("records");
        assert!(page.staff == records.staff, "same records as org_records");
        assert_eq!(page.staff[0].personal.display_id, "Ann Smith");
        assert_eq!(page.staff[0].personal.ni_number.as_deref(), Some("NI-A1"));
    }

    #[test]
    fn pages_are_windows_of_the_filtered_list_and_the_total_counts_all_pages() {
        // 7 records, pages of 3: [A1 A2 X_3] [B1 B2 B3] [B4]; a page past the end is empty.
        let window = |offset, limit| PageWindow {
            offset,
            limit: Some(limit),
        };
        assert_eq!(
            page_of(StaffFilter::default(), window(3, 3)),
            (7, vec!["B1".into(), "B2".into(), "B3".into()])
        );
        assert_eq!(
            page_of(StaffFilter::default(), window(6, 3)),
            (7, vec!["B4".into()])
        );
        assert_eq!(page_of(StaffFilter::default(), window(9, 3)), (7, vec![]));
        // Role 8 is A1 A2 B1 B3 (4 records); its second page of 3 is B3 alone.
        let role_8 = StaffFilter {
            job_role: Some(8),
            ..StaffFilter::default()
        };
        assert_eq!(page_of(role_8, window(3, 3)), (4, vec!["B3".into()]));
    }

    #[test]
    fn filters_combine() {
        // Contract 1: A1 X_3 B1 B3.
        let contract_1 = StaffFilter {
            contract: Some(1),
            ..StaffFilter::default()
        };
        assert_eq!(
            page_of(contract_1.clone(), ALL),
            (4, vec!["A1".into(), "X_3".into(), "B1".into(), "B3".into()])
        );
        // Contract 1 in WP2: B1 B3.
        let in_wp2 = StaffFilter {
            workplace: Some("WP2".to_string()),
            ..contract_1
        };
        assert_eq!(
            page_of(in_wp2.clone(), ALL),
            (2, vec!["B1".into(), "B3".into()])
        );
        // …with role 8 as well: still B1 B3; with role 7: none.
        let role_7 = StaffFilter {
            job_role: Some(7),
            ..in_wp2
        };
        assert_eq!(page_of(role_7, ALL), (0, vec![]));
    }

    #[test]
    fn search_ignores_case_and_looks_at_the_name_and_the_worker_id() {
        let search = |text: &str| StaffFilter {
            search: text.to_string(),
            ..StaffFilter::default()
        };
        // "smith": Ann Smith and Dan SMITH (not Bob Smyth).
        assert_eq!(
            page_of(search("smith"), ALL),
            (2, vec!["A1".into(), "B1".into()])
        );
        // "b" matches the names Bob Smyth and Eve Brown and the worker IDs B1…B4:
        // A2, B1, B2, B3, B4 — 5 records, in list order.
        assert_eq!(
            page_of(search(" b "), ALL),
            (
                5,
                vec![
                    "A2".into(),
                    "B1".into(),
                    "B2".into(),
                    "B3".into(),
                    "B4".into()
                ]
            )
        );
        // LIKE wildcards are taken literally: "_" is in X_3 only, "%" in "100% Staff" only.
        assert_eq!(page_of(search("_"), ALL), (1, vec!["X_3".into()]));
        assert_eq!(page_of(search("%"), ALL), (1, vec!["B3".into()]));
        // Outside ASCII: "émile" finds "Émile Zola" (Unicode lower case).
        assert_eq!(page_of(search("ÉMILE"), ALL), (1, vec!["B2".into()]));
        // A non-ASCII search with a filter and a window: "é" with role 3 → B2; offset 1 → none.
        let accented = StaffFilter {
            job_role: Some(3),
            ..search("é")
        };
        assert_eq!(page_of(accented.clone(), ALL), (1, vec!["B2".into()]));
        assert_eq!(
            page_of(
                accented,
                PageWindow {
                    offset: 1,
                    limit: Some(50)
                }
            ),
            (1, vec![])
        );
        // A search with a filter: "smith" and contract 1 → A1, B1; with contract 2 → none.
        let combined = StaffFilter {
            contract: Some(2),
            ..search("smith")
        };
        assert_eq!(page_of(combined, ALL), (0, vec![]));
    }

    #[test]
    fn a_later_snapshot_does_not_change_an_earlier_page() {
        let (mut store, scope, first) = store();
        // The second snapshot keeps A1 only.
        let plan = Plan {
            workplaces: vec![PlannedWorkplace {
                previous: Some(key("WP1")),
                record: workplace("WP1"),
                primary: true,
            }],
            staff: vec![PlannedStaff {
                previous: Some((key("WP1"), key("A1"))),
                record: staff("WP1", "A1", "Ann Smith", 8, 1),
                days_sick_saved: false,
            }],
            ..Plan::default()
        };
        let second = store
            .apply("org", date!(2025 - 09 - 30), &plan, &[], &mut |_, _| {})
            .expect("second apply");
        let now = store
            .staff_page(&scope, &second, &StaffFilter::default(), ALL)
            .expect("page");
        assert_eq!((now.total, workers(&now)), (1, vec!["A1"]));
        let before = store
            .staff_page(&scope, &first, &StaffFilter::default(), ALL)
            .expect("page");
        assert_eq!(before.total, 7);
        // A filter on the earlier snapshot (read by position, not by the page index): role 8
        // was A1 A2 B1 B3 then.
        let role_8 = StaffFilter {
            job_role: Some(8),
            ..StaffFilter::default()
        };
        let before = store
            .staff_page(&scope, &first, &role_8, ALL)
            .expect("page");
        assert_eq!(
            (before.total, workers(&before)),
            (4, vec!["A1", "A2", "B1", "B3"])
        );
    }

    #[test]
    fn count_and_rows_alone_agree_with_the_page() {
        let (store, scope, snapshot) = store();
        // Contract 1 or 2 in WP1 with role 8: A1 (contract 1) and A2 (contract 2), each alone.
        for (contract, worker) in [(1, "A1"), (2, "A2")] {
            let filter = StaffFilter {
                contract: Some(contract),
                job_role: Some(8),
                workplace: Some("WP1".to_string()),
                ..StaffFilter::default()
            };
            assert_eq!(store.staff_count(&scope, &snapshot, &filter).ok(), Some(1));
            let rows = store
                .staff_rows(&scope, &snapshot, &filter, ALL)
                .expect("rows");
            let ids: Vec<&str> = rows.iter().map(|s| s.unique_worker_id.as_str()).collect();
            assert_eq!(ids, [worker]);
        }
        // Non-ASCII search, count only: "É" is in "Émile Zola" only.
        let accented = StaffFilter {
            search: "é".to_string(),
            ..StaffFilter::default()
        };
        assert_eq!(
            store.staff_count(&scope, &snapshot, &accented).ok(),
            Some(1)
        );
    }

    #[test]
    fn another_organisations_snapshot_is_refused() {
        let (mut store, _, snapshot) = store();
        let plan = Plan {
            workplaces: vec![PlannedWorkplace {
                previous: None,
                record: workplace("W9"),
                primary: true,
            }],
            ..Plan::default()
        };
        store
            .apply("other", date!(2025 - 03 - 31), &plan, &[], &mut |_, _| {})
            .expect("apply other");
        let other = store.owner_scope("other").expect("scope");
        let refused = store.staff_page(&other, &snapshot, &StaffFilter::default(), ALL);
        assert!(matches!(refused, Err(StoreError::WrongOrg { .. })));
    }

    #[test]
    fn the_page_walks_the_index_in_order() {
        let (store, _, _) = store();
        let plan: Vec<String> = store
            .connection
            .prepare(
                "EXPLAIN QUERY PLAN SELECT v.id FROM staff_version v WHERE v.org = ?1 \
                 AND v.valid_to IS NULL ORDER BY v.ord, v.staff_id LIMIT 50",
            )
            .expect("explain")
            .query_map(params!["org"], |row| row.get::<_, String>(3))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("plan");
        let plan = plan.join("\n");
        assert!(plan.contains("staff_version_open_page"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "no sort: {plan}");
    }
}
