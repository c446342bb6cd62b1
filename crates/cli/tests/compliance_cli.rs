//! End-to-end tests of `carecount compliance|training|requirements` (`compliance.md` §8, §10)
//! through the real binary: generate a small upload, import it, then add records of our own and
//! check the answers against dates worked out by hand.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const AS_OF: &str = "2026-11-01";
const ORG: &str = "acme";
const AREA: &str = "E08000018";

fn carecount(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carecount"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is one JSON object ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

/// A store holding one generated organisation (3 workplaces, 30 staff records) as of 2026-11-01.
struct Fixture {
    dir: tempfile::TempDir,
    db: PathBuf,
    upload: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let upload = dir.path().join("upload");
        let db = dir.path().join("carecount.db");
        let o = carecount(&[
            "generate",
            "--out",
            s(&upload),
            "--workplaces",
            "3",
            "--staff",
            "30",
            "--as-of",
            AS_OF,
        ]);
        assert!(
            o.status.success(),
            "generate: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let o = carecount(&[
            "import",
            s(&upload),
            "--db",
            s(&db),
            "--org",
            ORG,
            "--area",
            AREA,
            "--as-of",
            AS_OF,
        ]);
        assert!(
            o.status.success(),
            "import: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        Fixture { dir, db, upload }
    }

    /// Runs a command with `--db` and `--as-of` appended.
    fn run(&self, args: &[&str]) -> Output {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--db", s(&self.db), "--as-of", AS_OF]);
        carecount(&all)
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write file");
        path
    }

    /// The first staff record (LOCALESTID, UNIQUEWORKERID) with this MAINJOBROLE.
    fn staff_with_role(&self, role: &str) -> (String, String) {
        let mut reader = csv::Reader::from_path(self.upload.join("staff.csv")).expect("staff.csv");
        let headers = reader.headers().expect("header").clone();
        let column = |name: &str| headers.iter().position(|h| h == name).expect("column");
        let (w, s, r) = (
            column("LOCALESTID"),
            column("UNIQUEWORKERID"),
            column("MAINJOBROLE"),
        );
        for record in reader.records() {
            let record = record.expect("record");
            if &record[r] == role {
                return (record[w].to_owned(), record[s].to_owned());
            }
        }
        panic!("the generated upload has no staff record with MAINJOBROLE {role}");
    }

    fn staff_pair(&self, workplace: &str, staff: &str, topic: &str) -> serde_json::Value {
        let o = self.run(&[
            "compliance",
            "status",
            "--org",
            ORG,
            "--workplace",
            workplace,
            "--staff",
            staff,
            "--topic",
            topic,
            "--format",
            "json",
        ]);
        assert_eq!(
            code(&o),
            0,
            "status: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let answer = json(&o);
        let items = answer["staff"][0]["items"]
            .as_array()
            .expect("items")
            .clone();
        assert_eq!(items.len(), 1, "one pair for {topic}: {items:?}");
        items[0].clone()
    }
}

#[test]
fn an_added_safeguarding_record_is_valid_with_its_expiry_worked_out_by_hand() {
    let f = Fixture::new();
    let (workplace, staff) = f.staff_with_role("8"); // a care worker: rows R05 (bronze) and R10 (silver)
    let o = f.run(&[
        "training",
        "add",
        "--org",
        ORG,
        "--workplace",
        &workplace,
        "--staff",
        &staff,
        "--topic",
        "safeguarding_adults",
        "--level",
        "silver",
        "--completed",
        "2026-01-15",
        "--validity",
        "12",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "add: {}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(json(&o)["stored"], 1);

    let pair = f.staff_pair(&workplace, &staff, "safeguarding_adults");
    // §4.3 step 1: add_months(2026-01-15, 12) − 1 day = 2027-01-15 − 1 = 2027-01-14 (`validity`).
    assert_eq!(pair["record"]["source"], "entered");
    assert_eq!(pair["record"]["completed"], "2026-01-15");
    assert_eq!(pair["record"]["expires_on"], "2027-01-14");
    assert_eq!(pair["record"]["expiry_basis"], "validity");
    assert_eq!(pair["expires_on"], "2027-01-14");
    // 2026-11-01 → 2026-12-01 is 30 days, → 2027-01-01 61, → 2027-01-14 74; 74 > 60: valid.
    assert_eq!(pair["days_left"], 74);
    assert_eq!(pair["status"], "valid");
    // Both rows are valid with the same winner: the higher level (silver, R10) decides (§4.2).
    assert_eq!(pair["level"], "silver");
    assert_eq!(pair["deciding_row"], "R10");
    assert_eq!(pair["class"], "statutory");

    // The expiring list: E − D = 74, so in with --days 74, out with --days 73.
    let listed = |days: &str| {
        let o = f.run(&[
            "compliance",
            "expiring",
            "--org",
            ORG,
            "--days",
            days,
            "--format",
            "json",
        ]);
        assert_eq!(code(&o), 0);
        let answer = json(&o);
        assert_eq!(answer["schema"], "carecount.compliance_expiring.v1");
        answer["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|item| {
                item["workplace"] == workplace.as_str()
                    && item["staff"] == staff.as_str()
                    && item["topic"] == "safeguarding_adults"
            })
    };
    assert!(listed("74"));
    assert!(!listed("73"));

    // `training list` shows it, and `training delete` removes it.
    let o = f.run(&["training", "list", "--org", ORG, "--format", "json"]);
    let records = json(&o)["records"].as_array().expect("records").clone();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["validity"], 12);
    let id = records[0]["id"].to_string();
    let o = carecount(&[
        "training",
        "delete",
        "--db",
        s(&f.db),
        "--org",
        ORG,
        "--id",
        &id,
    ]);
    assert_eq!(
        code(&o),
        0,
        "delete: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = carecount(&[
        "training",
        "delete",
        "--db",
        s(&f.db),
        "--org",
        ORG,
        "--id",
        &id,
    ]);
    assert_eq!(code(&o), 2, "deleting twice names no such record");
    let o = f.run(&["training", "list", "--org", ORG, "--format", "json"]);
    assert_eq!(json(&o)["records"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_nurse_registration_expiring_in_sixty_days_raises_an_amber_alert() {
    let f = Fixture::new();
    let (workplace, staff) = f.staff_with_role("16"); // a nurse: R25 nmc_registration
    let path = f.file(
        "registrations.csv",
        &format!(
            "localestid,uniqueworkerid,topic,level,completed,expires,validity,title,provider,number,revalidation_due,notes\n\
             {workplace},{staff},nmc_registration,,2025-06-01,2026-12-31,,NMC register,,12A3456E,2026-12-31,\n"
        ),
    );
    let o = f.run(&[
        "training",
        "import",
        "--org",
        ORG,
        "--file",
        s(&path),
        "--format",
        "json",
    ]);
    assert_eq!(
        code(&o),
        0,
        "import: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(json(&o)["stored"], 1);

    let pair = f.staff_pair(&workplace, &staff, "nmc_registration");
    // Registrations: E = their expiry. 2026-12-31 − 2026-11-01 = 30 + 30 = 60 ≤ 60: expiring.
    assert_eq!(pair["expires_on"], "2026-12-31");
    assert_eq!(pair["days_left"], 60);
    assert_eq!(pair["status"], "expiring");
    assert_eq!(pair["record"]["expiry_basis"], "expirydate");

    // Alert `expiring`, amber, raised on E − X = 2026-12-31 − 60 days = 2026-11-01 (§7).
    let o = f.run(&["compliance", "alerts", "--org", ORG, "--format", "json"]);
    assert_eq!(code(&o), 0);
    let answer = json(&o);
    assert_eq!(answer["schema"], "carecount.compliance_alerts.v1");
    let alert = answer["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["staff"] == staff.as_str() && item["topic"] == "nmc_registration")
        .expect("an alert for the registration")
        .clone();
    assert_eq!(alert["kind"], "expiring");
    assert_eq!(alert["rag"], "amber");
    assert_eq!(alert["raised_on"], "2026-11-01");

    // Importing the same file again skips the record with a warning (§8 `duplicate_record`).
    let o = f.run(&[
        "training",
        "import",
        "--org",
        ORG,
        "--file",
        s(&path),
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0);
    let answer = json(&o);
    assert_eq!(answer["stored"], 0);
    assert_eq!(answer["messages"][0]["code"], "duplicate_record");
}

#[test]
fn an_import_naming_an_unknown_staff_record_stores_nothing() {
    let f = Fixture::new();
    let (workplace, staff) = f.staff_with_role("8");
    let path = f.file(
        "training.csv",
        &format!(
            "localestid,uniqueworkerid,topic,level,completed,expires,validity,title,provider,number,revalidation_due,notes\n\
             {workplace},{staff},fire_safety,,2026-02-01,,12,Fire safety,,,,\n\
             {workplace},NOSUCHWORKER,fire_safety,,2026-02-01,,12,Fire safety,,,,\n\
             {workplace},{staff},fire_safety,,2026-02-01,,12m,Fire safety,,,,\n"
        ),
    );
    let o = f.run(&[
        "training",
        "import",
        "--org",
        ORG,
        "--file",
        s(&path),
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 1);
    let answer = json(&o);
    let messages = answer["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(messages[0]["code"], "unknown_staff");
    assert_eq!(messages[0]["line"], 3); // header is line 1
    assert_eq!(messages[0]["column"], "uniqueworkerid");
    assert_eq!(messages[0]["value"], "NOSUCHWORKER");
    assert_eq!(messages[1]["code"], "out_of_range");
    assert_eq!(messages[1]["line"], 4);
    assert_eq!(messages[1]["value"], "12m");
    let o = f.run(&["training", "list", "--org", ORG, "--format", "json"]);
    assert_eq!(
        json(&o)["records"].as_array().map(Vec::len),
        Some(0),
        "nothing stored"
    );
}

#[test]
fn flags_naming_unknown_things_are_usage_errors() {
    let f = Fixture::new();
    let (workplace, staff) = f.staff_with_role("8");
    for args in [
        vec!["compliance", "status", "--org", "nosuch"],
        vec![
            "compliance",
            "status",
            "--org",
            ORG,
            "--topic",
            "safeguard_adults",
        ],
        vec![
            "compliance",
            "status",
            "--org",
            ORG,
            "--topic",
            "safeguarding_adults",
            "--level",
            "diamond",
        ],
        vec!["compliance", "status", "--org", ORG, "--workplace", "NOWP"],
        vec!["compliance", "status", "--area", "E06000001"],
        vec![
            "training",
            "add",
            "--org",
            ORG,
            "--workplace",
            &workplace,
            "--staff",
            "W9999",
            "--topic",
            "fire_safety",
            "--completed",
            "2026-01-01",
        ],
        vec![
            "training",
            "exempt",
            "--org",
            ORG,
            "--workplace",
            &workplace,
            "--staff",
            &staff,
            "--topic",
            "medication",
            "--reason",
            "holiday",
        ],
    ] {
        let o = f.run(&args);
        assert_eq!(
            code(&o),
            2,
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // Valid values are listed.
    let o = f.run(&["compliance", "status", "--org", "nosuch"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains(ORG));
}

#[test]
fn a_flagged_record_with_bad_dates_exits_one_and_stores_nothing() {
    let f = Fixture::new();
    let (workplace, staff) = f.staff_with_role("8");
    for (completed, expires, code_wanted) in [
        ("2026-11-02", "2027-11-02", "future_date"), // after D
        ("2026-01-15", "2026-01-15", "expiry_not_after_completion"),
        ("15/01/2026", "2027-01-14", "bad_date"),
    ] {
        let o = f.run(&[
            "training",
            "add",
            "--org",
            ORG,
            "--workplace",
            &workplace,
            "--staff",
            &staff,
            "--topic",
            "fire_safety",
            "--completed",
            completed,
            "--expires",
            expires,
            "--format",
            "json",
        ]);
        assert_eq!(code(&o), 1, "{completed} {expires}");
        assert_eq!(json(&o)["messages"][0]["code"], code_wanted);
    }
    let o = f.run(&["training", "list", "--org", ORG, "--format", "json"]);
    assert_eq!(json(&o)["records"].as_array().map(Vec::len), Some(0));
}

const HEADER: &str = "id,topic,level,roles,services,service_users,due_within_days,refresh_months,pro_rata,exempt_if,class,source,action,reason";

#[test]
fn a_requirements_file_with_four_errors_is_rejected_whole() {
    let f = Fixture::new();
    // compliance.md §11.17: line 3 unknown topic, line 4 refresh −12, line 5 role 12, lines 6 and 7
    // alike but due 42 and 84.
    let path = f.file(
        "bad.csv",
        &format!(
            "{HEADER}\n\
             L01,fire_safety,,all,all,all,7,12,no,,local,,add,\n\
             L02,safeguard_adults,,all,all,all,42,36,no,,local,,add,\n\
             L03,health_safety,,all,all,all,84,-12,no,,local,,add,\n\
             L04,health_safety,,12,all,all,84,12,no,,local,,add,\n\
             L05,medication,,all,all,all,42,12,no,,local,,add,\n\
             L06,medication,,all,all,all,84,12,no,,local,,add,\n"
        ),
    );
    for command in ["check", "set"] {
        let mut args = vec![
            "requirements",
            command,
            "--file",
            s(&path),
            "--format",
            "json",
        ];
        if command == "set" {
            args.extend(["--org", ORG]);
        }
        let o = f.run(&args);
        assert_eq!(
            code(&o),
            1,
            "{command}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let answer = json(&o);
        let found: Vec<(String, u64, String)> = answer["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .map(|m| {
                (
                    m["code"].as_str().unwrap_or_default().to_owned(),
                    m["line"].as_u64().unwrap_or_default(),
                    m["column"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let codes: Vec<(&str, u64)> = found.iter().map(|(c, l, _)| (c.as_str(), *l)).collect();
        assert_eq!(codes.len(), 4, "{found:?}");
        assert_eq!(codes[0], ("unknown_topic", 3));
        assert_eq!(found[0].2, "topic");
        assert_eq!(codes[1], ("out_of_range", 4));
        assert_eq!(codes[2], ("unknown_role", 5));
        assert_eq!(codes[3].0, "contradictory_rows");
    }
    // The profile is unchanged: still the shipped one, no version.
    let o = f.run(&["requirements", "show", "--org", ORG, "--format", "json"]);
    assert_eq!(code(&o), 0);
    assert_eq!(json(&o)["version"], serde_json::Value::Null);
}

#[test]
fn a_loosened_statutory_row_is_rejected_and_an_accepted_file_makes_a_version() {
    let f = Fixture::new();
    // §11.10: replacing R05 with due 90 loosens the statutory floor (shipped 42).
    let loose = f.file(
        "loose.csv",
        &format!(
            "{HEADER}\nR05,safeguarding_adults,bronze,all,all,all,90,36,no,,statutory,,replace,\n"
        ),
    );
    let o = f.run(&[
        "requirements",
        "set",
        "--org",
        ORG,
        "--file",
        s(&loose),
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 1);
    let answer = json(&o);
    assert_eq!(answer["messages"][0]["code"], "statutory_loosened");
    assert_eq!(answer["messages"][0]["column"], "due_within_days");
    assert_eq!(answer["messages"][0]["value"], "90");

    // §11.10 accepted: add fire_safety cap 12; remove R15 with a reason.
    let good = f.file(
        "good.csv",
        &format!(
            "{HEADER}\n\
             L01,fire_safety,,all,all,all,84,12,no,,local,,add,\n\
             R15,,,,,,,,,,,,remove,\"day service, no medicines\"\n"
        ),
    );
    let o = f.run(&[
        "requirements",
        "set",
        "--org",
        ORG,
        "--file",
        s(&good),
        "--expiring-days",
        "90",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "set: {}", String::from_utf8_lossy(&o.stderr));
    let answer = json(&o);
    assert_eq!(answer["schema"], "carecount.requirements.v1");
    assert_eq!(answer["version"], 1);
    assert_eq!(answer["effective_from"], AS_OF);
    assert_eq!(answer["settings"]["expiring_days"], 90);
    let rows = answer["rows"].as_array().expect("rows");
    let r15 = rows
        .iter()
        .find(|row| row["id"] == "R15")
        .expect("R15 listed");
    assert_eq!(r15["state"], "loosened");
    assert_eq!(r15["reason"], "day service, no medicines");
    let l01 = rows
        .iter()
        .find(|row| row["id"] == "L01")
        .expect("L01 listed");
    assert_eq!(l01["class"], "local");
    assert_eq!(l01["refresh_months"], 12);

    // Status now uses version 1 and its 90-day window.
    let o = f.run(&["compliance", "status", "--org", ORG, "--format", "json"]);
    let answer = json(&o);
    assert_eq!(answer["profile"]["version"], 1);
    assert_eq!(answer["expiring_days"], 90);

    // Settings alone make version 2 and keep the rows file.
    let o = f.run(&[
        "requirements",
        "set",
        "--org",
        ORG,
        "--expiring-days",
        "30",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0);
    let answer = json(&o);
    assert_eq!(answer["version"], 2);
    assert_eq!(answer["settings"]["expiring_days"], 30);
    assert!(
        answer["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .any(|row| row["id"] == "L01")
    );
    // An out-of-range window is a usage error; nothing saved.
    let o = f.run(&["requirements", "set", "--org", ORG, "--expiring-days", "0"]);
    assert_eq!(code(&o), 2);
    let o = f.run(&["requirements", "show", "--org", ORG, "--format", "json"]);
    assert_eq!(json(&o)["version"], 2);
}

#[test]
fn exemptions_follow_the_statutory_rule() {
    let f = Fixture::new();
    let (workplace, staff) = f.staff_with_role("8"); // care_providing: R15 medication applies
    // §11.9: not_applicable_to_duties cannot exempt statutory fire safety …
    let o = f.run(&[
        "training",
        "exempt",
        "--org",
        ORG,
        "--workplace",
        &workplace,
        "--staff",
        &staff,
        "--topic",
        "fire_safety",
        "--reason",
        "not_applicable_to_duties",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        json(&o)["messages"][0]["code"],
        "statutory_exemption_reason"
    );
    // … but is accepted on recommended medication.
    let o = f.run(&[
        "training",
        "exempt",
        "--org",
        ORG,
        "--workplace",
        &workplace,
        "--staff",
        &staff,
        "--topic",
        "medication",
        "--reason",
        "not_applicable_to_duties",
        "--from",
        "2026-10-01",
        "--format",
        "json",
    ]);
    assert_eq!(
        code(&o),
        0,
        "exempt: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let id = json(&o)["exemption"].to_string();
    let pair = f.staff_pair(&workplace, &staff, "medication");
    assert_eq!(pair["status"], "exempt");
    assert_eq!(pair["exemption"]["reason"], "not_applicable_to_duties");
    assert_eq!(pair["exemption"]["from"], "2026-10-01");
    let o = carecount(&[
        "training",
        "unexempt",
        "--db",
        s(&f.db),
        "--org",
        ORG,
        "--id",
        &id,
    ]);
    assert_eq!(code(&o), 0);
    let pair = f.staff_pair(&workplace, &staff, "medication");
    assert_ne!(pair["status"], "exempt");
}

#[test]
fn matrix_exports_and_area_answers() {
    let f = Fixture::new();
    let o = f.run(&["compliance", "matrix", "--org", ORG, "--format", "csv"]);
    assert_eq!(code(&o), 0);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    assert!(
        header.starts_with("localestid,uniqueworkerid,displayid,mainjobrole,startdate,status,")
    );
    assert!(header.contains(",fire_safety,fire_safety_date,"));
    assert_eq!(lines.count(), 30, "one line per staff record");

    let o = f.run(&["compliance", "matrix", "--org", ORG, "--format", "json"]);
    let answer = json(&o);
    assert_eq!(answer["schema"], "carecount.compliance_matrix.v1");
    assert_eq!(answer["staff"].as_array().map(Vec::len), Some(30));

    let out = f.dir.path().join("matrix.html");
    let o = f.run(&[
        "compliance",
        "matrix",
        "--org",
        ORG,
        "--format",
        "html",
        "--out",
        s(&out),
    ]);
    assert_eq!(code(&o), 0);
    assert!(
        std::fs::read_to_string(&out)
            .expect("html")
            .contains("<table>")
    );

    // XLSX needs --out (a workbook on a terminal helps nobody), then writes a zip (the XLSX
    // cells themselves are read back with calamine in carecount-compliance's tests).
    let o = f.run(&["compliance", "matrix", "--org", ORG, "--format", "xlsx"]);
    assert_eq!(code(&o), 2);
    let out = f.dir.path().join("matrix.xlsx");
    let o = f.run(&[
        "compliance",
        "matrix",
        "--org",
        ORG,
        "--format",
        "xlsx",
        "--out",
        s(&out),
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        std::fs::read(&out)
            .expect("xlsx")
            .starts_with(b"PK\x03\x04")
    );

    // The area's TNA workbook.
    let out = f.dir.path().join("tna.xlsx");
    let o = f.run(&[
        "compliance",
        "tna",
        "--area",
        AREA,
        "--format",
        "xlsx",
        "--out",
        s(&out),
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        std::fs::read(&out)
            .expect("xlsx")
            .starts_with(b"PK\x03\x04")
    );

    // ICS: CRLF lines.
    let o = f.run(&["compliance", "alerts", "--org", ORG, "--format", "ics"]);
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("BEGIN:VCALENDAR\r\n"));

    // Area: commissioner audience, no staff list, no DISPLAYID anywhere.
    let o = f.run(&["compliance", "status", "--area", AREA, "--format", "json"]);
    assert_eq!(
        code(&o),
        0,
        "area status: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let answer = json(&o);
    assert_eq!(answer["audience"], "commissioner");
    assert_eq!(answer["group"]["area"], AREA);
    assert_eq!(answer["staff"], serde_json::Value::Null);

    // TNA: horizon end add_months(2026-11-01, 12) = 2027-11-01.
    let o = f.run(&["compliance", "tna", "--area", AREA, "--format", "json"]);
    assert_eq!(code(&o), 0, "tna: {}", String::from_utf8_lossy(&o.stderr));
    let answer = json(&o);
    assert_eq!(answer["schema"], "carecount.tna.v1");
    assert_eq!(answer["horizon_end"], "2027-11-01");
    assert_eq!(answer["audience"], "commissioner");
    let o = f.run(&["compliance", "tna", "--area", AREA, "--format", "csv"]);
    assert_eq!(code(&o), 0);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(text.starts_with("table,service_group,role_group,topic,level,class,delivery,missing,"));
    assert!(
        text.lines()
            .last()
            .is_some_and(|line| line.starts_with("totals,"))
    );
    let o = f.run(&["compliance", "tna", "--area", AREA, "--projection", "run1"]);
    assert_eq!(code(&o), 2, "no projection run can be saved yet");
    let o = f.run(&["compliance", "expiring", "--org", ORG, "--format", "csv"]);
    assert_eq!(code(&o), 0);
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("workplace,staff,displayid,job_role,topic,")
    );
    let o = f.run(&[
        "compliance",
        "tna",
        "--area",
        AREA,
        "--horizon-months",
        "61",
    ]);
    assert_eq!(code(&o), 2);
}

#[test]
fn area_unit_costs_price_the_training_needs_analysis() {
    let f = Fixture::new();
    // fire_safety: £10 a place plus £100 a cohort of 8, 2 hours a place.
    let costs = f.file(
        "costs.csv",
        "topic,level,delivery,cost_per_place,cohort_size,cost_per_cohort,learner_hours,source,status\n\
         fire_safety,,taught,10,8,100,2,local tender 2026,published\n",
    );
    let o = carecount(&[
        "compliance",
        "costs",
        "set",
        "--db",
        s(&f.db),
        "--area",
        AREA,
        "--file",
        s(&costs),
        "--format",
        "json",
    ]);
    assert_eq!(
        code(&o),
        0,
        "costs set: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(json(&o)["version"], 1);
    let o = carecount(&[
        "compliance",
        "costs",
        "show",
        "--db",
        s(&f.db),
        "--area",
        AREA,
        "--format",
        "json",
    ]);
    let answer = json(&o);
    let fire = answer["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row["topic"] == "fire_safety")
        .expect("fire_safety priced")
        .clone();
    assert_eq!(fire["origin"], "area");
    assert_eq!(fire["cost_per_place"], 10.0);

    let o = f.run(&[
        "compliance",
        "tna",
        "--area",
        AREA,
        "--audience",
        "employer",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "tna: {}", String::from_utf8_lossy(&o.stderr));
    let answer = json(&o);
    let row = answer["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row["topic"] == "fire_safety")
        .expect("a fire safety row")
        .clone();
    let places = row["places"]
        .as_u64()
        .expect("places shown to the employer");
    assert!(places > 0);
    // places = missing + expired + due_new + expiring_in_horizon + starters (§6).
    let parts: u64 = [
        "missing",
        "expired",
        "due_new",
        "expiring_in_horizon",
        "starters",
    ]
    .iter()
    .map(|key| row[*key].as_u64().expect("component"))
    .sum();
    assert_eq!(places, parts);
    // cohorts = ⌈places / 8⌉; cost = places × 10 + cohorts × 100; hours = places × 2.
    let cohorts = places.div_ceil(8);
    assert_eq!(row["cohorts"].as_u64(), Some(cohorts));
    assert_eq!(
        row["cost"].as_f64(),
        Some((places * 10 + cohorts * 100) as f64)
    );
    assert_eq!(row["hours"].as_f64(), Some((places * 2) as f64));

    // A bad costs file: exit 1, version unchanged.
    let bad = f.file(
        "bad-costs.csv",
        "topic,level,delivery,cost_per_place,cohort_size,cost_per_cohort,learner_hours,source,status\n\
         fire_safety,,taught,-10,8,100,2,local,published\n",
    );
    let o = carecount(&[
        "compliance",
        "costs",
        "set",
        "--db",
        s(&f.db),
        "--area",
        AREA,
        "--file",
        s(&bad),
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 1);
    assert_eq!(json(&o)["messages"][0]["code"], "out_of_range");
    let o = carecount(&[
        "compliance",
        "costs",
        "show",
        "--db",
        s(&f.db),
        "--area",
        AREA,
        "--format",
        "json",
    ]);
    assert_eq!(json(&o)["version"], 1);
}

/// Writes the shipped catalogue files to `dir`, with `topics.csv` changed by `edit`.
fn catalogue_dir(dir: &Path, edit: impl Fn(&str) -> String) {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../compliance/data");
    std::fs::create_dir_all(dir).expect("catalogue dir");
    for name in [
        "topics.csv",
        "levels.csv",
        "categories.csv",
        "equivalences.csv",
    ] {
        let text = std::fs::read_to_string(data.join(name)).expect("shipped file");
        let text = if name == "topics.csv" {
            edit(&text)
        } else {
            text
        };
        std::fs::write(dir.join(name), text).expect("write catalogue file");
    }
}

fn fire_safety_refresh(f: &Fixture) -> serde_json::Value {
    let o = carecount(&["catalogue", "show", "--db", s(&f.db), "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let answer = json(&o);
    answer["topics"]
        .as_array()
        .expect("topics")
        .iter()
        .find(|topic| topic["topic"] == "fire_safety")
        .map(|topic| topic["refresh_months"].clone())
        .expect("fire_safety")
}

#[test]
fn catalogue_set_is_checked_whole_then_in_force() {
    let f = Fixture::new();
    // The shipped catalogue: fire safety every 36 months (§2).
    assert_eq!(fire_safety_refresh(&f), 36);

    // fire_safety is record 3 of topics.csv (header 1, health_safety 2); −12 is out of range.
    let bad = f.dir.path().join("bad-catalogue");
    catalogue_dir(&bad, |text| {
        text.replacen(
            "fire_safety,Fire safety,training,,36,",
            "fire_safety,Fire safety,training,,-12,",
            1,
        )
    });
    let o = carecount(&["catalogue", "set", "--db", s(&f.db), "--dir", s(&bad)]);
    assert_eq!(code(&o), 1);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("topics.csv:3:") && stderr.contains("[refresh_months] \"-12\""),
        "{stderr}"
    );
    assert_eq!(fire_safety_refresh(&f), 36, "nothing changed");

    // A clean directory with fire safety every 24 months: stored, then in force.
    let good = f.dir.path().join("good-catalogue");
    catalogue_dir(&good, |text| {
        text.replacen(
            "fire_safety,Fire safety,training,,36,",
            "fire_safety,Fire safety,training,,24,",
            1,
        )
    });
    let o = carecount(&[
        "catalogue",
        "set",
        "--db",
        s(&f.db),
        "--dir",
        s(&good),
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(json(&o)["version"], 1);
    assert_eq!(fire_safety_refresh(&f), 24);
    let o = f.run(&["compliance", "status", "--org", ORG, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
}
