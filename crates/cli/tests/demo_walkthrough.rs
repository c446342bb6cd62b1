//! The demo data set through the binary: `demo`, the area figures a commissioner sees, the area
//! report, a workplace report and a projection on it.

use std::path::Path;
use std::process::{Command, Output};

fn carecount(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carecount"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

fn ok(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn demo_loads_and_answers_for_its_area() {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("demo.db");
    ok(&carecount(&["demo", "--db", s(&db)]));

    // interfaces.md: the demo area is big enough that its headline figures are shown to its
    // commissioner; the demo targets ~5,000 staff records and vacancy ≈ 7–9%.
    let o = carecount(&[
        "metric",
        "vacancy_rate",
        "--db",
        s(&db),
        "--area",
        "Demo LA",
        "--as-of",
        "2025-03-31",
        "--audience",
        "commissioner",
        "--format",
        "json",
    ]);
    ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["suppressed"], false, "{v:#}");
    let rate = v["value"].as_f64().expect("a value");
    assert!((0.04..0.12).contains(&rate), "demo vacancy rate {rate}");
    let o = carecount(&[
        "metric",
        "staff_records",
        "--db",
        s(&db),
        "--area",
        "E99999999",
        "--as-of",
        "2025-03-31",
        "--format",
        "json",
    ]);
    ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let records = v["value"].as_f64().expect("a count");
    assert!(
        (4_500.0..5_600.0).contains(&records),
        "Demo LA holds {records} staff records"
    );

    // Three yearly snapshots: the 2023 figure exists too (trends).
    let o = carecount(&[
        "metric",
        "staff_records",
        "--db",
        s(&db),
        "--area",
        "Demo LA",
        "--as-of",
        "2023-03-31",
        "--format",
        "json",
    ]);
    ok(&o);

    // The area report: self-contained HTML with inline SVG charts and no script.
    let html = tmp.path().join("area.html");
    ok(&carecount(&[
        "report",
        "area",
        "--area",
        "Demo LA",
        "--db",
        s(&db),
        "--as-of",
        "2025-03-31",
        "--format",
        "html",
        "--out",
        s(&html),
    ]));
    let text = std::fs::read_to_string(&html).expect("html");
    assert!(text.contains("<svg"), "the report has charts");
    assert!(!text.contains("<script"), "the report runs no script");
    // A commissioner's report names no staff record: no NI number shape anywhere.
    let ni = text.as_bytes().windows(9).any(|w| {
        w[..2].iter().all(u8::is_ascii_uppercase)
            && w[2..8].iter().all(u8::is_ascii_digit)
            && w[8].is_ascii_uppercase()
    });
    assert!(
        !ni,
        "the area report holds something shaped like an NI number"
    );

    let xlsx = tmp.path().join("area.xlsx");
    ok(&carecount(&[
        "report",
        "area",
        "--area",
        "Demo LA",
        "--db",
        s(&db),
        "--as-of",
        "2025-03-31",
        "--format",
        "xlsx",
        "--out",
        s(&xlsx),
    ]));
    assert!(std::fs::metadata(&xlsx).expect("xlsx").len() > 1000);

    // The demo employer's training picture has in-date, expiring and overdue supervision, and
    // registrations for its nurses (issue 8: the matrix shows something a manager recognises).
    let o = carecount(&[
        "compliance",
        "status",
        "--org",
        "demo-care",
        "--db",
        s(&db),
        "--as-of",
        "2025-03-31",
        "--format",
        "json",
    ]);
    ok(&o);
    let status: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let topic = |name: &str| {
        status["topics"]
            .as_array()
            .expect("topics")
            .iter()
            .find(|t| t["topic"] == name)
            .cloned()
            .unwrap_or_default()
    };
    let supervision = topic("supervision");
    for key in ["valid", "expiring", "expired"] {
        assert!(
            supervision[key].as_u64().unwrap_or(0) > 0,
            "supervision {key}: {supervision}"
        );
    }
    assert!(topic("nmc_registration")["required"].as_u64().unwrap_or(0) > 0);

    // The example scenario runs as it is on the demo data set (interfaces.md `project --example`).
    let o = carecount(&["project", "--example"]);
    ok(&o);
    let scenario = tmp.path().join("scenario.toml");
    std::fs::write(&scenario, &o.stdout).expect("write scenario");
    let out = tmp.path().join("projection.json");
    ok(&carecount(&[
        "project",
        "--scenario",
        s(&scenario),
        "--db",
        s(&db),
        "--runs",
        "5",
        "--seed",
        "1",
        "--format",
        "json",
        "--out",
        s(&out),
    ]));
    let projection: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("json")).expect("json");
    assert_eq!(projection["schema"], "carecount.projection.v1");
    assert_eq!(projection["runs"], 5);
}
