//! Area and workplace reports written in every format from small hand-made snapshots, read
//! back (HTML as text, XLSX with calamine, CSV with csv, JSON with serde_json) and checked
//! against figures worked out by hand.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};
use carecount_codes::Sector;
use carecount_metrics::{
    Audience, Contract, Pay, RoleCounts, Snapshot, SnapshotIndex, StaffFacts, WorkplaceFacts,
    area_profile, benchmark_workplace,
};
use carecount_reports::area::area_report;
use carecount_reports::format::Format;
use carecount_reports::workplace::workplace_report;
use time::macros::date;

/// Rotherham and Sheffield (Yorkshire and The Humber), Camden (London).
const AREA: &str = "E08000018";
const NEIGHBOUR: &str = "E08000019";
const YORKSHIRE: &str = "E12000003";
const FAR: &str = "E09000007";
const LONDON: &str = "E12000007";

fn workplace(id: u64, area: &str, region: &str) -> WorkplaceFacts {
    WorkplaceFacts {
        id,
        org: "org".to_string(),
        localestid: format!("WP{id}"),
        area_code: Some(area.to_string()),
        region_code: Some(region.to_string()),
        sector: Sector::Private,
        main_service: 2,
        services: vec![2],
        total_perm_temp: None,
        starters: RoleCounts::none(),
        leavers: RoleCounts::none(),
        vacancies: RoleCounts::none(),
        leaver_reasons: Vec::new(),
    }
}

/// A permanent care worker (role 8) paid `hourly` pounds an hour (or nothing recorded).
fn care_worker(workplace: u64, hourly: Option<f64>) -> StaffFacts {
    StaffFacts {
        workplace,
        job_role: 8,
        contract: Some(Contract::Permanent),
        has_name_or_id: true,
        pay: hourly.map(Pay::Hourly),
        ..StaffFacts::default()
    }
}

/// The fixture, as of 31 March 2025:
///
/// * Rotherham (Yorkshire): workplaces 1, 2, 3 with 13 care workers each, paid £11.50, £12.00
///   and £12.50 an hour; one vacancy each; workplace 1 had 4 leavers (reason 1: 3, reason 2: 1).
/// * Sheffield (Yorkshire): workplaces 4, 5, 6 with 10 care workers each at £13.00, no
///   vacancies or leavers.
/// * Camden (London): workplaces 7, 8, 9 with 10 care workers each at £10.00; workplace 7 has
///   6 vacancies.
/// * `small` (London): workplace 10 with 4 care workers, nothing else recorded.
fn current() -> Snapshot {
    let mut workplaces = Vec::new();
    let mut staff = Vec::new();
    for (id, pay) in [(1, 11.5), (2, 12.0), (3, 12.5)] {
        let mut place = workplace(id, AREA, YORKSHIRE);
        place.vacancies = RoleCounts::known(&[(8, 1)]);
        if id == 1 {
            place.leavers = RoleCounts::known(&[(8, 4)]);
            place.leaver_reasons = vec![(1, 3), (2, 1)];
        }
        workplaces.push(place);
        staff.extend(vec![care_worker(id, Some(pay)); 13]);
    }
    for id in 4..=6 {
        workplaces.push(workplace(id, NEIGHBOUR, YORKSHIRE));
        staff.extend(vec![care_worker(id, Some(13.0)); 10]);
    }
    for id in 7..=9 {
        let mut place = workplace(id, FAR, LONDON);
        if id == 7 {
            place.vacancies = RoleCounts::known(&[(8, 6)]);
        }
        workplaces.push(place);
        staff.extend(vec![care_worker(id, Some(10.0)); 10]);
    }
    workplaces.push(workplace(10, "small", LONDON));
    staff.extend(vec![care_worker(10, None); 4]);
    Snapshot {
        as_of: date!(2025 - 03 - 31),
        workplaces,
        staff,
    }
}

/// A year earlier: only workplace 1 existed, with its 13 records.
fn older() -> Snapshot {
    let mut snapshot = current();
    snapshot.as_of = date!(2024 - 03 - 31);
    snapshot.workplaces.retain(|place| place.id == 1);
    snapshot.staff.retain(|record| record.workplace == 1);
    snapshot
}

fn write(dir: &Path, name: &str, format: Format, area: &str, audience: Audience) -> PathBuf {
    let profile = area_profile(&[older(), current()], area, None, audience).unwrap();
    let path = dir.join(name);
    area_report(&profile, format, &path).unwrap();
    path
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header,
        [
            "section", "table", "group", "measure", "unit", "area", "region", "england"
        ]
    );
    reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn csv_line<'r>(
    rows: &'r [Vec<String>],
    section: &str,
    group: &str,
    measure: &str,
) -> &'r [String] {
    rows.iter()
        .find(|row| row[0] == section && row[2] == group && row[3] == measure)
        .unwrap_or_else(|| panic!("no CSV line {section}/{group}/{measure}"))
}

/// The HTML of one section.
fn section_html<'h>(html: &'h str, section_id: &str) -> &'h str {
    let start = html
        .find(&format!("<section id=\"{section_id}\">"))
        .unwrap();
    let section = &html[start..];
    &section[..section.find("</section>").unwrap()]
}

/// The row of an HTML table whose header cell is `label`, from a section, as cell texts.
fn html_row(html: &str, section_id: &str, label: &str) -> Vec<String> {
    let section = section_html(html, section_id);
    let marker = format!("<tr><th scope=\"row\">{label}</th>");
    let row_start = section
        .find(&marker)
        .unwrap_or_else(|| panic!("no row {label}"));
    let row = &section[row_start + marker.len()..];
    let row = &row[..row.find("</tr>").unwrap()];
    row.split("</td>")
        .filter(|cell| cell.contains("<td"))
        .map(|cell| cell[cell.find('>').unwrap() + 1..].to_string())
        .collect()
}

#[test]
fn html_report_shows_headline_figures_beside_region_and_england() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "a.html",
        Format::Html,
        AREA,
        Audience::Commissioner,
    );
    let html = std::fs::read_to_string(path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<h1>Adult social care workforce profile: Rotherham</h1>"));
    assert!(html.contains("Yorkshire and The Humber"));
    // Self-contained, no JavaScript, no external address.
    assert!(!html.to_lowercase().contains("<script"));
    assert!(!html.contains("http:") && !html.contains("https:"));
    assert!(!html.contains("<link") && !html.contains("src="));
    for element in [
        "html",
        "head",
        "body",
        "main",
        "section",
        "table",
        "thead",
        "tbody",
        "figure",
        "svg",
        "figcaption",
        "caption",
        "dl",
        "nav",
    ] {
        let opened = html.matches(&format!("<{element}>")).count()
            + html.matches(&format!("<{element} ")).count();
        let closed = html.matches(&format!("</{element}>")).count();
        assert_eq!(
            opened, closed,
            "<{element}> opened {opened}, closed {closed}"
        );
        assert!(opened > 0, "no <{element}>");
    }
    assert_eq!(html.matches("<tr>").count(), html.matches("</tr>").count());
    assert!(html.contains("role=\"img\""));
    assert!(html.contains("<title id=\"chart1-t\">"));
    assert!(html.contains("<section id=\"definitions\">"));
    assert!(html.contains("<dt>Vacancy rate</dt>"));

    // Vacancy rate: Rotherham 3 / (39 + 3) = 7.14% → 7.1%; Yorkshire 3 / (69 + 3) = 4.17% →
    // 4.2%; England (9 vacancies, 39 + 30 + 30 + 4 = 103 records) 9 / 112 = 8.04% → 8.0%.
    let vacancy = html_row(&html, "headline", "Vacancy rate");
    assert_eq!(vacancy[..3], ["7.1%", "4.2%", "8.0%"]);
    // Workplaces it rests on: 3, 6, 10 — for a commissioner a count of 3 is "< 5" like any
    // count from 1 to 4; records 39, 69, 103; none unknown.
    assert_eq!(vacancy[3..6], ["&lt; 5", "6", "10"]);
    assert_eq!(vacancy[9..12], ["0", "0", "0"]);
    assert_eq!(vacancy[6..9], ["39", "69", "103"]);
    // Turnover: 4 leavers / 39 = 10.26% → 10.3%; 4 / 69 = 5.80% → 5.8%; 4 / 103 = 3.88% → 3.9%.
    let turnover = html_row(&html, "headline", "Turnover rate");
    assert_eq!(turnover[..3], ["10.3%", "5.8%", "3.9%"]);
    // Median hourly pay, nearest rank: Rotherham 39 values, rank ⌈19.5⌉ = 20 → the 7th of the
    // 13 at £12.00; Yorkshire 69 values, rank 35 → 35 − 26 = 9th of the 13 at £12.50; England 99
    // values (10 × 30 first), rank 50 → 50 − 30 = 20th of Rotherham's 39 → £12.00.
    let pay = html_row(&html, "headline", "Median hourly pay");
    assert_eq!(pay[..3], ["£12.00", "£12.50", "£12.00"]);
    let records = html_row(&html, "headline", "Staff records");
    assert_eq!(records[..3], ["39", "69", "103"]);

    // Trends: staff records 13 in 2024 (Rotherham alone in that snapshot) then 39.
    let trend = html_row(&html, "trends", "Staff records");
    assert_eq!(trend[0], "13");
    assert_eq!(trend[3], "39");
    // Leavers' reasons: reason 1 gave 3 of the 4 leavers (75%), but 3 is withheld as < 5 and
    // its share rests on 4 leavers (under 10): not enough data — in the area, the region and
    // England alike.
    let reason = html_row(&html, "leavers_reasons", "Reason code 1");
    assert_eq!(reason[..3], ["&lt; 5"; 3]);
    assert_eq!(reason[3..], ["not enough data"; 3]);
    assert!(!section_html(&html, "leavers_reasons").contains("75.0%"));
}

#[test]
fn suppressed_figures_never_print_a_number() {
    let dir = tempfile::tempdir().unwrap();
    // Area "small": one workplace, 4 records.
    let html = std::fs::read_to_string(write(
        dir.path(),
        "s.html",
        Format::Html,
        "small",
        Audience::Commissioner,
    ))
    .unwrap();
    let records = html_row(&html, "headline", "Staff records");
    // Area 4 → "< 5"; London 30 + 4 = 34; England 103.
    assert_eq!(records[..3], ["&lt; 5", "34", "103"]);
    let vacancy = html_row(&html, "headline", "Vacancy rate");
    // 0 / 4 posts: denominator under 10.
    assert_eq!(vacancy[0], "not enough data");
    // Nothing it rests on is shown either: withheld figures have no counts, and a count of 4
    // (records, not recorded) is "< 5" too.
    assert!(vacancy[3..].iter().all(|cell| cell != "4" && cell != "1"));
    // No record answered zero hours: "no data", which the metrics crate leaves unsuppressed
    // with its 4 records and 4 unknown; the report shows those counts as "< 5".
    let zero_hours = html_row(&html, "headline", "Zero-hours contracts");
    assert_eq!(zero_hours[0], "no data");
    assert_eq!(zero_hours[6], "&lt; 5");
    assert_eq!(zero_hours[9], "&lt; 5");

    let rows = read_csv(&write(
        dir.path(),
        "s.csv",
        Format::Csv,
        "small",
        Audience::Commissioner,
    ));
    let line = csv_line(&rows, "headline", "Staff records", "Value");
    assert_eq!(line[5..], ["< 5", "34", "103"]);
    // No area figure anywhere in the CSV is the withheld 4 records or the single workplace.
    for row in &rows {
        let area: f64 = match row[5].parse() {
            Ok(value) => value,
            Err(_) => continue,
        };
        assert!(
            area != 4.0 && !(row[3] == "Value" && row[0] == "coverage" && area == 1.0),
            "{row:?} prints a withheld number"
        );
    }

    let xlsx = write(
        dir.path(),
        "s.xlsx",
        Format::Xlsx,
        "small",
        Audience::Commissioner,
    );
    let mut workbook: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let range = workbook.worksheet_range("Headline figures").unwrap();
    let row = range
        .rows()
        .find(|row| row.first() == Some(&Data::String("Staff records".to_string())))
        .unwrap();
    assert_eq!(row[1], Data::String("< 5".to_string()));
    assert_eq!(row[2], Data::Float(34.0));
}

#[test]
fn employer_audience_shows_small_figures() {
    let dir = tempfile::tempdir().unwrap();
    let rows = read_csv(&write(
        dir.path(),
        "e.csv",
        Format::Csv,
        "small",
        Audience::Employer,
    ));
    let line = csv_line(&rows, "headline", "Staff records", "Value");
    assert_eq!(line[5..], ["4", "34", "103"]);
}

#[test]
fn csv_is_one_long_table_with_unformatted_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let rows = read_csv(&write(
        dir.path(),
        "a.csv",
        Format::Csv,
        AREA,
        Audience::Commissioner,
    ));
    let vacancy = csv_line(&rows, "headline", "Vacancy rate", "Value");
    assert_eq!(vacancy[4], "fraction");
    // 3 / 42, 3 / 72, 9 / 112 as fractions.
    for (text, expected) in vacancy[5..]
        .iter()
        .zip([3.0 / 42.0, 3.0 / 72.0, 9.0 / 112.0])
    {
        let value: f64 = text.parse().unwrap();
        assert!((value - expected).abs() < 1e-12, "{text} vs {expected}");
    }
    let pay = csv_line(&rows, "headline", "Median hourly pay", "Value");
    assert_eq!(pay[4..], ["gbp_per_hour", "12", "12.5", "12"]);
    // The service breakdown: one service, care homes without nursing, 39 records.
    let service = csv_line(
        &rows,
        "by_service",
        "Care home services without nursing",
        "Staff records",
    );
    assert_eq!(service[5], "39");
    // Workplaces of that service: Rotherham 3 (a count under 5 for a commissioner), Yorkshire
    // 6, England 10.
    let workplaces = csv_line(
        &rows,
        "by_service",
        "Care home services without nursing",
        "Workplaces",
    );
    assert_eq!(workplaces[5..], ["< 5", "6", "10"]);
    // Trends: one line per metric and date; 2024 staff records 13.
    let trend = csv_line(&rows, "trends", "Staff records", "2024-03-31");
    assert_eq!(trend[5], "13");
    // Every section of the report has lines.
    for section in [
        "headline",
        "trends",
        "by_service",
        "by_service_group",
        "by_sector",
        "by_role_group",
        "by_job_role",
        "demographics",
        "contracts",
        "pay",
        "qualifications",
        "care_certificate",
        "leavers_reasons",
        "coverage",
    ] {
        assert!(
            rows.iter().any(|row| row[0] == section),
            "no {section} lines"
        );
    }
}

#[test]
fn xlsx_has_a_sheet_per_section_with_numbers_as_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "a.xlsx",
        Format::Xlsx,
        AREA,
        Audience::Commissioner,
    );
    let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        [
            "About",
            "Headline figures",
            "Trends",
            "By service",
            "By service group",
            "By sector",
            "By role group",
            "By job role",
            "Demographics",
            "Contracts",
            "Pay by job role",
            "Qualifications",
            "Care Certificate",
            "Leavers reasons",
            "Data coverage",
            "Definitions",
        ]
    );
    let range = workbook.worksheet_range("Headline figures").unwrap();
    let find = |label: &str| {
        range
            .rows()
            .find(|row| row.first() == Some(&Data::String(label.to_string())))
            .unwrap_or_else(|| panic!("no row {label}"))
            .to_vec()
    };
    let vacancy = find("Vacancy rate");
    // Rates are fractions (shown with a % format): 3 / 42.
    match vacancy[1] {
        Data::Float(value) => assert!((value - 3.0 / 42.0).abs() < 1e-12),
        ref other => panic!("vacancy rate is {other:?}"),
    }
    assert_eq!(find("Median hourly pay")[2], Data::Float(12.5));
    assert_eq!(find("Staff records")[3], Data::Float(103.0));
    // The header rows are there: the group heading and the geographies.
    assert!(
        range
            .rows()
            .any(|row| row.get(1) == Some(&Data::String("Value".to_string())))
    );
    assert!(
        range
            .rows()
            .any(|row| row.get(1) == Some(&Data::String("Rotherham".to_string())))
    );
    let definitions = workbook.worksheet_range("Definitions").unwrap();
    for name in carecount_metrics::metric_names() {
        assert!(
            definitions
                .rows()
                .any(|row| row.first() == Some(&Data::String((*name).to_string()))),
            "no definition of {name}"
        );
    }
}

#[test]
fn json_is_the_profile_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "a.json",
        Format::Json,
        AREA,
        Audience::Commissioner,
    );
    let text = std::fs::read_to_string(path).unwrap();
    let profile = area_profile(&[older(), current()], AREA, None, Audience::Commissioner).unwrap();
    assert_eq!(text, serde_json::to_string_pretty(&profile).unwrap() + "\n");
    let written: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(written["area"], "E08000018");
    assert_eq!(written["audience"], "commissioner");
}

#[test]
fn a_users_own_area_name_is_escaped() {
    let mut snapshot = current();
    let name = "<script>alert(1)</script> & Co";
    for place in &mut snapshot.workplaces {
        if place.id <= 3 {
            place.area_code = Some(name.to_string());
        }
    }
    let profile = area_profile(&[snapshot], name, None, Audience::Commissioner).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.html");
    area_report(&profile, Format::Html, &path).unwrap();
    let html = std::fs::read_to_string(path).unwrap();
    assert!(!html.contains("<script"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"));
}

#[test]
fn workplace_report_gives_benchmarks_in_every_format() {
    let snapshot = current();
    let index = SnapshotIndex::new(&snapshot);
    let benchmark = benchmark_workplace(&index, "org", "WP1").unwrap();
    let dir = tempfile::tempdir().unwrap();

    // CSV. Rotherham has only 2 other care homes without nursing (< 5), so the group widens
    // to Yorkshire: workplaces 2, 3, 4, 5, 6.
    let csv_path = dir.path().join("w.csv");
    workplace_report(&benchmark, "2025-03-31", Format::Csv, &csv_path).unwrap();
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let vacancy = rows.iter().find(|row| &row[0] == "vacancy_rate").unwrap();
    // Own 1 / (13 + 1); comparison (1 + 1) / (13 + 13 + 30 + 2) = 2 / 58.
    let own: f64 = vacancy[3].parse().unwrap();
    let comparison: f64 = vacancy[4].parse().unwrap();
    assert!((own - 1.0 / 14.0).abs() < 1e-12);
    assert!((comparison - 2.0 / 58.0).abs() < 1e-12);
    assert_eq!(&vacancy[5], "region");
    assert_eq!(&vacancy[6], YORKSHIRE);
    assert_eq!(&vacancy[7], "5");
    // Others' values sorted: 0, 0, 0, 1/14, 1/14. Q1 rank ⌈1.25⌉ = 2 → 0; median rank 3 → 0;
    // Q3 rank ⌈3.75⌉ = 4 → 1/14.
    assert_eq!(&vacancy[8], "0");
    assert_eq!(&vacancy[9], "0");
    let q3: f64 = vacancy[10].parse().unwrap();
    assert!((q3 - 1.0 / 14.0).abs() < 1e-12);
    // Lower is better: 3 others are strictly lower, so rank 4 of 6.
    assert_eq!(&vacancy[11], "4");
    assert_eq!(&vacancy[12], "6");
    assert_eq!(&vacancy[13], "lower");

    // HTML: 4 leavers / 13 = 30.77% → 30.8%, beside 0 / 56 = 0.0%; rank 6 of 6.
    let html_path = dir.path().join("w.html");
    workplace_report(&benchmark, "2025-03-31", Format::Html, &html_path).unwrap();
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(!html.contains("<script"));
    let turnover = html_row(&html, "benchmarks", "Turnover rate");
    assert_eq!(
        turnover,
        [
            "30.8%",
            "0.0%",
            "region: Yorkshire and The Humber",
            "5",
            "0.0%",
            "0.0%",
            "0.0%",
            "6",
            "6",
            "lower is better"
        ]
    );

    // XLSX: a Benchmarks sheet with numbers.
    let xlsx_path = dir.path().join("w.xlsx");
    workplace_report(&benchmark, "2025-03-31", Format::Xlsx, &xlsx_path).unwrap();
    let mut workbook: Xlsx<_> = open_workbook(&xlsx_path).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        ["About", "Benchmarks", "Definitions"]
    );
    let range = workbook.worksheet_range("Benchmarks").unwrap();
    let pay = range
        .rows()
        .find(|row| row.first() == Some(&Data::String("Median hourly pay".to_string())))
        .unwrap();
    // Own £11.50 (13 values of 11.5); others: 13 × 12.00, 13 × 12.50, 30 × 13.00 = 56 values,
    // rank 28 → 28 − 26 = 2nd of the £13.00 → £13.00.
    assert_eq!(pay[1], Data::Float(11.5));
    assert_eq!(pay[2], Data::Float(13.0));

    // JSON: the benchmark as it is.
    let json_path = dir.path().join("w.json");
    workplace_report(&benchmark, "2025-03-31", Format::Json, &json_path).unwrap();
    let text = std::fs::read_to_string(json_path).unwrap();
    assert_eq!(
        text,
        serde_json::to_string_pretty(&benchmark).unwrap() + "\n"
    );
}
