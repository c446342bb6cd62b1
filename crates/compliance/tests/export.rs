//! The matrix exports (§8): the XLSX read back with calamine carries the CSV's columns, job
//! roles as numbers and dates as dates.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use carecount_compliance::Status;
use carecount_compliance::export::{self, matrix_csv, matrix_xlsx};
use carecount_compliance::tna::UnitCosts;
use carecount_compliance::wire;
use time::macros::date;

use crate::util::{synthetic_pair, synthetic_staff};

fn statuses() -> Vec<carecount_compliance::StaffStatus> {
    let mut fire = synthetic_pair("fire_safety", Status::Valid);
    fire.expires_on = Some(date!(2027 - 03 - 14));
    let mut medication = synthetic_pair("medication", Status::NotYetDue);
    medication.due_on = Some(date!(2026 - 03 - 26));
    let mut first = synthetic_staff("WP1", "W001", vec![fire, medication]);
    first.staff.displayid = "Ann".to_owned();
    first.staff.start_date = Some(date!(2026 - 01 - 01));
    let second = synthetic_staff(
        "WP1",
        "W002",
        vec![synthetic_pair("fire_safety", Status::Missing)],
    );
    vec![first, second]
}

fn topics() -> Vec<String> {
    vec!["fire_safety".to_owned(), "medication".to_owned()]
}

#[test]
fn matrix_csv_has_the_spec_columns() {
    let text = matrix_csv(&statuses(), &topics());
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines.first().copied(),
        Some(
            "localestid,uniqueworkerid,displayid,mainjobrole,startdate,status,fire_safety,fire_safety_date,medication,medication_date"
        )
    );
    // Worst pair of W001 is not_yet_due (valid is better); W002 is missing, medication not
    // required; `StaffFacts::new` uses the reference as DISPLAYID.
    assert_eq!(
        lines.get(1).copied(),
        Some("WP1,W001,Ann,8,2026-01-01,not_yet_due,valid,2027-03-14,not_yet_due,2026-03-26")
    );
    assert_eq!(
        lines.get(2).copied(),
        Some("WP1,W002,W002,8,,missing,missing,,,")
    );
}

#[test]
fn matrix_xlsx_reads_back_with_numbers_and_dates() {
    let bytes = match matrix_xlsx(&statuses(), &topics()) {
        Ok(bytes) => bytes,
        Err(error) => panic!("{error}"),
    };
    let mut workbook: Xlsx<_> = match open_workbook_from_rs(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(error) => panic!("{error}"),
    };
    let range = match workbook.worksheet_range("Training matrix") {
        Ok(range) => range,
        Err(error) => panic!("{error}"),
    };
    // A header row and two staff rows; 6 + 2 × 2 columns.
    assert_eq!(range.get_size(), (3, 10));
    let cell = |row: usize, column: usize| range.get((row, column)).cloned();
    assert_eq!(cell(0, 0), Some(Data::String("localestid".to_owned())));
    assert_eq!(
        cell(0, 7),
        Some(Data::String("fire_safety_date".to_owned()))
    );
    assert_eq!(cell(1, 2), Some(Data::String("Ann".to_owned())));
    // MAINJOBROLE 8 is a number, not text.
    assert_eq!(cell(1, 3), Some(Data::Float(8.0)));
    let serial = |found: Option<Data>| match found {
        Some(Data::DateTime(when)) => when.as_f64(),
        other => panic!("not a date: {other:?}"),
    };
    // Excel serials count days from 1899-12-30: 2000-01-01 is 36526; to 2026-01-01 add
    // 26 × 365 + 7 leap days (2000 … 2024) = 9497 → 46023.
    assert_eq!(serial(cell(1, 4)), 46023.0);
    // 2027-01-01 = 46023 + 365 = 46388; 14 March is day 31 + 28 + 14 = 73 → 46388 + 72 = 46460.
    assert_eq!(serial(cell(1, 7)), 46460.0);
    // 2026-03-26: 46023 + 31 + 28 + 25 = 46107.
    assert_eq!(serial(cell(1, 9)), 46107.0);
    assert_eq!(cell(2, 6), Some(Data::String("missing".to_owned())));
    // Not required, no start date: empty cells.
    assert_eq!(cell(2, 4), Some(Data::Empty));
    assert_eq!(cell(2, 8), Some(Data::Empty));
}

fn tna_row(topic: Option<&str>, places: Option<u64>, cost: Option<f64>) -> wire::TnaRowJson {
    wire::TnaRowJson {
        service_group: None,
        role_group: None,
        topic: topic.map(str::to_owned),
        level: None,
        class: topic.map(|_| "statutory".to_owned()),
        delivery: topic.map(|_| "taught".to_owned()),
        missing: Some(2),
        expired: Some(3),
        due_new: Some(2),
        expiring_in_horizon: Some(10),
        starters: Some(8),
        in_progress: Some(0),
        places,
        cohorts: places.map(|_| 3),
        cost,
        hours: places.map(|places| places as f64 * 6.0),
        suppression: BTreeMap::new(),
    }
}

#[test]
fn tna_xlsx_has_the_spec_sheets_numbers_and_withheld_text() {
    // §11 test 15: moving_people 25 places, 3 cohorts, £1,800 (3 × £600), 150 hours (25 × 6).
    let places = tna_row(Some("moving_people"), Some(25), Some(1800.0));
    let mut small = tna_row(Some("medication"), None, None);
    small.missing = None;
    small.suppression = BTreeMap::from([
        ("missing".to_owned(), "count_below_5".to_owned()),
        ("places".to_owned(), "complementary".to_owned()),
    ]);
    let answer = wire::TnaJson {
        schema: "carecount.tna.v1".to_owned(),
        area: "E99999999".to_owned(),
        as_of: "2026-04-01".to_owned(),
        horizon_months: 12,
        horizon_end: "2027-04-01".to_owned(),
        audience: "commissioner".to_owned(),
        starters_source: wire::StartersSourceJson {
            kind: "rates".to_owned(),
            run: None,
            stat: None,
            rates: None,
        },
        unit_costs: Vec::new(),
        rows: vec![places, small],
        by_service_group: Vec::new(),
        by_role_group: Vec::new(),
        totals: tna_row(None, Some(25), Some(1800.0)),
        warnings: Vec::new(),
    };
    let bytes = match export::tna_xlsx(&answer, &UnitCosts::shipped(), true) {
        Ok(bytes) => bytes,
        Err(error) => panic!("{error}"),
    };
    let mut workbook: Xlsx<_> = match open_workbook_from_rs(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(error) => panic!("{error}"),
    };
    assert_eq!(
        workbook.sheet_names(),
        [
            "Summary",
            "Places",
            "By service",
            "By role group",
            "Unit costs",
            "Assumptions"
        ]
    );
    let range = match workbook.worksheet_range("Places") {
        Ok(range) => range,
        Err(error) => panic!("{error}"),
    };
    let cell = |row: usize, column: usize| range.get((row, column)).cloned();
    // Columns: topic 0 … missing 4 … places 10, cohorts 11, cost 12, hours 13.
    assert_eq!(cell(0, 10), Some(Data::String("places".to_owned())));
    assert_eq!(cell(1, 0), Some(Data::String("moving_people".to_owned())));
    assert_eq!(cell(1, 10), Some(Data::Float(25.0)));
    assert_eq!(cell(1, 11), Some(Data::Float(3.0)));
    assert_eq!(cell(1, 12), Some(Data::Float(1800.0)));
    assert_eq!(cell(1, 13), Some(Data::Float(150.0)));
    // Withheld: text, and cost and hours go with places.
    assert_eq!(cell(2, 4), Some(Data::String("< 5".to_owned())));
    assert_eq!(cell(2, 10), Some(Data::String("withheld".to_owned())));
    assert_eq!(cell(2, 12), Some(Data::String("withheld".to_owned())));
    // The total row last.
    assert_eq!(cell(3, 0), Some(Data::String("total".to_owned())));
    let summary = match workbook.worksheet_range("Summary") {
        Ok(range) => range,
        Err(error) => panic!("{error}"),
    };
    let total_places = summary
        .rows()
        .find(|row| row.first() == Some(&Data::String("Total places".to_owned())))
        .and_then(|row| row.get(1).cloned());
    assert_eq!(total_places, Some(Data::Float(25.0)));
}
