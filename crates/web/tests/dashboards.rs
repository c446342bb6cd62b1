//! The commissioner's area dashboard and the employer's dashboard (issue 5 items 3–4):
//! breakdowns, trends, inline SVG charts, benchmarks, and disclosure control on each.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use carecount_web::{AppState, router};

use crate::common::{self, AREA, ORG_A, Who, send};

async fn page(app: &axum::Router, who: Who, path: &str) -> common::Answer {
    let (cookie, _) = common::session(app, who)
        .await
        .unwrap_or_else(|| panic!("{who:?} signs in"));
    send(
        app,
        Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap_or_default(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_area_dashboard_has_breakdowns_trends_and_charts_with_small_numbers_withheld() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let answer = page(&app, Who::Commissioner, &format!("/areas/{AREA}")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = &answer.body;
    for caption in [
        "Headline figures",
        "By main service",
        "By sector",
        "By job role group",
        "By job role",
        "Trends across snapshots",
    ] {
        assert!(
            body.contains(&format!("govuk-table__caption--m\">{caption}</caption>")),
            "missing table `{caption}`"
        );
    }
    // The fixture imported one snapshot, as of 2025-03-31: one row of trends.
    assert!(body.contains("<th scope=\"row\" class=\"govuk-table__header\">2025-03-31</th>"));
    // Two charts (vacancy, turnover), each a figure with a caption and a titled SVG image.
    assert_eq!(body.matches("<figure").count(), 2);
    assert_eq!(body.matches("<figcaption").count(), 2);
    assert_eq!(body.matches("role=\"img\"").count(), 2);
    assert!(body.contains("<title id=\"vacancy-chart-title\">Vacancy rate: Demo LA: "));
    assert!(body.contains("<title id=\"turnover-chart-title\">Turnover rate: Demo LA: "));
    // The area's region is known (E12000003), so each chart has three places.
    assert!(body.contains("; Region: "));
    assert!(body.contains("; England: "));
    // No script but the shared progressive-enhancement module.
    assert_eq!(body.matches("<script").count(), 1);
    // 40 staff records over every job role present: some role has 1 to 4 records, shown
    // only as "< 5" (escaped in HTML) to a commissioner.
    assert!(body.contains("&lt; 5"));
    for value in &fixture.personal {
        assert!(
            !body.contains(value.as_str()),
            "the commissioner's dashboard shows a personal field"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_employer_dashboard_benchmarks_each_workplace_without_revealing_others() {
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let path = format!("/organisations/{ORG_A}");
    let employer = page(&app, Who::EmployerA, &path).await;
    assert_eq!(employer.status, StatusCode::OK);
    let body = &employer.body;
    assert!(body.contains("<h2 class=\"govuk-heading-l\">Benchmarks</h2>"));
    // The fixture gave organisation A three workplaces: one benchmark table each, with 12
    // benchmarked metrics (metrics.md §7) per table.
    assert_eq!(body.matches("Benchmarks of workplace ").count(), 3);
    assert_eq!(
        body.matches("<h3 class=\"govuk-heading-m\">Workplace ")
            .count(),
        3
    );
    assert!(body.contains(&format!("Benchmarks of workplace {}", fixture.staff_a.0)));
    assert_eq!(body.matches("Rank (1 = best)").count(), 3);
    assert_eq!(body.matches("Median hourly pay</th>").count(), 4); // 3 benchmarks + headline
    // A vacancy and a turnover chart per workplace.
    assert_eq!(body.matches("<figure").count(), 6);
    // The store holds 6 workplaces, so a comparison group has at most 5 others: their
    // quartiles rest on at most 5 values (< 10) and are withheld from another employer.
    assert!(body.contains("not enough data"));

    // A rank is withheld with the comparison figure (it would tell too few workplaces apart);
    // the fixture's small comparison groups make some rows so.
    let mut withheld_rows = 0;
    for row in body.split("<tr class=\"govuk-table__row\">").skip(1) {
        let cells: Vec<&str> = row
            .split("<td class=\"govuk-table__cell")
            .skip(1)
            .filter_map(|cell| {
                cell.split_once('>')
                    .and_then(|(_, rest)| rest.split_once("</td>"))
            })
            .map(|(text, _)| text)
            .collect();
        // Benchmark rows: own, comparison, place, 3 quartiles, rank.
        if let [_, comparison, _, _, _, _, rank] = cells.as_slice()
            && *comparison == "not enough data"
        {
            withheld_rows += 1;
            assert_eq!(*rank, "not enough data");
        }
    }
    assert!(withheld_rows > 0);

    // The administrator sees every figure: nothing is withheld on the same page.
    let admin = page(&app, Who::Admin, &path).await;
    assert_eq!(admin.status, StatusCode::OK);
    assert_eq!(admin.body.matches("Benchmarks of workplace ").count(), 3);
    assert!(!admin.body.contains("not enough data"));
    assert!(!admin.body.contains("&lt; 5"));
}

/// Percent-decodes the body of a `data:` link (`%HH` escapes only, as the page writes them).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let escaped = (byte == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(decoded) => {
                out.push(decoded);
                index += 3;
            }
            None => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upload_report_page_links_the_validation_report_as_csv() {
    const BOUNDARY: &str = "carecount-dashboard-boundary";
    let fixture = common::fixture();
    let app = router(AppState::new(fixture.path.clone()));
    let (cookie, csrf) = common::session(&app, Who::EmployerA)
        .await
        .unwrap_or_else(|| panic!("employer A signs in"));
    let upload = carecount_generate::generate(&carecount_generate::GenerateOptions {
        workplaces: 1,
        staff: 3,
        seed: 5,
        as_of: time::macros::date!(2025 - 03 - 31),
    })
    .unwrap_or_else(|error| panic!("generate: {error}"));
    // A staff record with 3 of the file's columns: at least one error on the staff file.
    let header = upload.staff.lines().next().unwrap_or_default().to_string();
    let broken = format!("{header}\nWP00001,W0001,NEW\n");
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"as_of\"\r\n\r\n2025-03-31\r\n"
    );
    for (name, content) in [("workplace", upload.workplace.as_str()), ("staff", &broken)] {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.csv\"\r\n\
             Content-Type: text/csv\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    let answer = send(
        &app,
        Request::post(format!("/organisations/{ORG_A}/upload"))
            .header(header::COOKIE, &cookie)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body))
            .unwrap_or_default(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.contains("Download the validation report (CSV)"));
    let marker = "href=\"data:text/csv;charset=utf-8,";
    let start = answer
        .body
        .find(marker)
        .map(|at| at + marker.len())
        .unwrap_or_else(|| panic!("a data link"));
    let encoded: String = answer
        .body
        .get(start..)
        .unwrap_or_default()
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let csv = percent_decode(&encoded);
    let mut lines = csv.lines();
    // The columns of the CSV report (ascwds-formats.md §7.2, with `File` first).
    assert_eq!(
        lines.next(),
        Some(
            "File,Type,Workplace reference (LOCALESTID),Staff reference (UNIQUEWORKERID),\
             Column header,Line number,Code,Value,Error message"
        )
    );
    assert!(
        lines.any(|line| line.starts_with("Staff Records,ERROR,")),
        "{csv}"
    );
    assert!(answer.body.contains("download=\"validation-report.csv\""));
}
