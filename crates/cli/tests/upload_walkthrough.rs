//! End-to-end: the README walk-through through the real binary — generate, validate, import,
//! re-import a changed upload, export, round trip, bad input, and kill -9 atomicity.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

fn generate(dir: &Path, workplaces: u32, staff: u32, seed: u32) -> PathBuf {
    let out = dir.join(format!("gen-{workplaces}-{staff}-{seed}"));
    let o = carecount(&[
        "generate",
        "--out",
        s(&out),
        "--workplaces",
        &workplaces.to_string(),
        "--staff",
        &staff.to_string(),
        "--seed",
        &seed.to_string(),
        "--as-of",
        "2026-11-01",
    ]);
    assert!(
        o.status.success(),
        "generate: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("file"),
            )
        })
        .collect();
    files.sort();
    files
}

fn export(db: &Path, org: &str, out: &Path) -> Vec<(String, Vec<u8>)> {
    let o = carecount(&["export", "--db", s(db), "--org", org, "--out", s(out)]);
    assert!(
        o.status.success(),
        "export: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    read_tree(out)
}

#[test]
fn generated_upload_validates_imports_and_round_trips() {
    let tmp = tempfile::tempdir().expect("tmp");
    let upload = generate(tmp.path(), 12, 300, 7);

    let o = carecount(&[
        "validate",
        s(&upload),
        "--as-of",
        "2026-11-01",
        "--format",
        "json",
    ]);
    let v = json(&o);
    assert_eq!(o.status.code(), Some(0), "{v:#}");
    assert_eq!(v["summary"]["errors"], 0, "{v:#}");
    assert_eq!(v["files_not_recognised"], serde_json::json!([]));

    let db = tmp.path().join("store.db");
    let o = carecount(&[
        "import",
        s(&upload),
        "--db",
        s(&db),
        "--org",
        "acme",
        "--area",
        "Testshire",
        "--as-of",
        "2026-11-01",
        "--format",
        "json",
    ]);
    let v = json(&o);
    assert_eq!(o.status.code(), Some(0), "{v:#}");
    assert_eq!(v["changes"]["workplaces"]["new"], 12);
    assert_eq!(v["changes"]["staff"]["new"], 300);
    assert_eq!(v["snapshot"]["as_of"], "2026-11-01");

    // Export → import into an empty store → export: byte-identical; the export validates clean.
    let first = export(&db, "acme", &tmp.path().join("e1"));
    let o = carecount(&[
        "validate",
        s(&tmp.path().join("e1")),
        "--as-of",
        "2026-11-01",
        "--format",
        "json",
    ]);
    assert_eq!(json(&o)["summary"]["errors"], 0);
    let db2 = tmp.path().join("store2.db");
    let o = carecount(&[
        "import",
        s(&tmp.path().join("e1")),
        "--db",
        s(&db2),
        "--org",
        "acme",
        "--as-of",
        "2026-11-01",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let second = export(&db2, "acme", &tmp.path().join("e2"));
    assert_eq!(first.len(), 3);
    assert!(
        first == second,
        "export → import → export is not byte-identical"
    );
}

/// Rewrites one column of the staff file (all lines, or one) — a tiny CSV editor for the tests.
fn edit_staff(dir: &Path, edit: impl Fn(usize, &mut Vec<String>, &[String])) {
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("text");
        if !text.starts_with("LOCALESTID,UNIQUEWORKERID,STATUS,") {
            continue;
        }
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let header: Vec<String> = lines[0].split(',').map(str::to_string).collect();
        for (i, line) in lines.iter_mut().enumerate().skip(1) {
            // Generated values never hold quoted commas in the columns these tests touch.
            let mut fields: Vec<String> = split_csv(line);
            edit(i, &mut fields, &header);
            *line = fields.join(",");
        }
        std::fs::write(&path, lines.join("\n") + "\n").expect("write");
    }
}

/// Splits a CSV line keeping quoted fields (with their quotes) intact.
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                fields.last_mut().expect("a field").push(c);
            }
            ',' if !quoted => fields.push(String::new()),
            _ => fields.last_mut().expect("a field").push(c),
        }
    }
    fields
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .expect("column exists")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("dir") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
}

#[test]
fn a_reimport_shows_the_diff_and_a_broken_file_changes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let upload = generate(tmp.path(), 5, 60, 3);
    let db = tmp.path().join("store.db");
    let o = carecount(&[
        "import",
        s(&upload),
        "--db",
        s(&db),
        "--org",
        "acme",
        "--as-of",
        "2026-11-01",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let before = export(&db, "acme", &tmp.path().join("before"));

    // Next upload: every line UNCHECKED except staff line 2 UPDATE with another gender; drop the last
    // staff line (deletion by omission).
    let next = tmp.path().join("next");
    copy_dir(&upload, &next);
    edit_staff(&next, |i, f, h| {
        f[col(h, "STATUS")] = if i == 1 {
            "UPDATE".into()
        } else {
            "UNCHECKED".into()
        };
        if i == 1 {
            let g = col(h, "GENDER");
            f[g] = if f[g] == "1" { "2".into() } else { "1".into() };
        }
    });
    for entry in std::fs::read_dir(&next).expect("dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("text");
        if text.starts_with("LOCALESTID,STATUS,") {
            let header: Vec<String> = text
                .lines()
                .next()
                .expect("header")
                .split(',')
                .map(str::to_string)
                .collect();
            let status = col(&header, "STATUS");
            let out: Vec<String> = text
                .lines()
                .enumerate()
                .map(|(i, l)| {
                    if i == 0 {
                        return l.to_string();
                    }
                    let mut f = split_csv(l);
                    f[status] = "UNCHECKED".into();
                    f.join(",")
                })
                .collect();
            std::fs::write(&path, out.join("\n") + "\n").expect("write");
        }
        if text.starts_with("LOCALESTID,UNIQUEWORKERID,STATUS,") {
            let mut lines: Vec<&str> = text.lines().collect();
            let last = lines.pop().expect("a staff line");
            let f = split_csv(last);
            std::fs::write(&path, lines.join("\n") + "\n").expect("write");
            // Its training lines must go too (XT2 otherwise).
            let (wp, worker) = (f[0].clone(), f[1].clone());
            for t in std::fs::read_dir(&next).expect("dir") {
                let tp = t.expect("entry").path();
                let tt = std::fs::read_to_string(&tp).expect("text");
                if tt.starts_with("LOCALESTID,UNIQUEWORKERID,CATEGORY") {
                    let kept: Vec<&str> = tt
                        .lines()
                        .filter(|l| {
                            let g = split_csv(l);
                            !(g[0] == wp && g[1] == worker)
                        })
                        .collect();
                    std::fs::write(&tp, kept.join("\n") + "\n").expect("write");
                }
            }
        }
    }

    // A broken copy: an unknown job role on the UPDATE line → exit 1, store unchanged.
    let broken = tmp.path().join("broken");
    copy_dir(&next, &broken);
    edit_staff(&broken, |i, f, h| {
        if i == 1 {
            f[col(h, "MAINJOBROLE")] = "12".into();
        }
    });
    let o = carecount(&[
        "import",
        s(&broken),
        "--db",
        s(&db),
        "--org",
        "acme",
        "--as-of",
        "2026-11-02",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["status"], "failed");
    assert!(
        export(&db, "acme", &tmp.path().join("after-broken")) == before,
        "a failed import changed the store"
    );

    // Dry run: changes reported, nothing changed.
    let o = carecount(&[
        "import",
        s(&next),
        "--db",
        s(&db),
        "--org",
        "acme",
        "--as-of",
        "2026-11-02",
        "--dry-run",
        "--format",
        "json",
    ]);
    let v = json(&o);
    assert_eq!(o.status.code(), Some(0), "{v:#}");
    assert_eq!(v["changes"]["staff"]["updated"], 1, "{v:#}");
    assert_eq!(v["changes"]["staff"]["deleted"], 1, "{v:#}");
    assert_eq!(v["changes"]["staff"]["unchanged"], 58, "{v:#}");
    assert!(
        export(&db, "acme", &tmp.path().join("after-dry")) == before,
        "a dry run changed the store"
    );

    let o = carecount(&[
        "import",
        s(&next),
        "--db",
        s(&db),
        "--org",
        "acme",
        "--as-of",
        "2026-11-02",
        "--format",
        "json",
    ]);
    let v = json(&o);
    assert_eq!(o.status.code(), Some(0), "{v:#}");
    assert_eq!(v["changes"]["staff"]["deleted"], 1);
    let after = export(&db, "acme", &tmp.path().join("after"));
    let staff_after = String::from_utf8_lossy(
        &after
            .iter()
            .find(|(n, _)| n == "staff.csv")
            .expect("staff")
            .1,
    )
    .into_owned();
    assert_eq!(staff_after.lines().count(), 1 + 59);

    // The earlier snapshot stays queryable.
    let o = carecount(&[
        "export",
        "--db",
        s(&db),
        "--org",
        "acme",
        "--as-of",
        "2026-11-01",
        "--out",
        s(&tmp.path().join("old")),
    ]);
    assert!(o.status.success());
    assert!(
        read_tree(&tmp.path().join("old")) == before,
        "the earlier snapshot changed"
    );
}

#[test]
fn bad_input_gets_clear_exit_codes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let upload = generate(tmp.path(), 3, 20, 1);
    // A path that cannot be opened: exit 2.
    let o = carecount(&[
        "validate",
        s(&tmp.path().join("missing")),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    // A staff header with a wrong column name: file not recognised, exit 1, no messages.
    let bad = tmp.path().join("bad");
    copy_dir(&upload, &bad);
    for entry in std::fs::read_dir(&bad).expect("dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("text");
        if text.starts_with("LOCALESTID,UNIQUEWORKERID,STATUS") {
            std::fs::write(&path, text.replacen(",DOB,", ",DATEOFBIRTH,", 1)).expect("write");
        }
    }
    let o = carecount(&[
        "validate",
        s(&bad),
        "--format",
        "json",
        "--as-of",
        "2026-11-01",
    ]);
    let v = json(&o);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(v["status"], "file_not_recognised");
    assert_eq!(v["files_not_recognised"], serde_json::json!(["staff"]));
    assert_eq!(v["messages"], serde_json::json!([]));
    // A failed first import leaves no store behind.
    let db = tmp.path().join("never.db");
    let o = carecount(&["import", s(&bad), "--db", s(&db), "--as-of", "2026-11-01"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!db.exists(), "a failed first import created the store");
    let o = carecount(&[
        "import",
        s(&upload),
        "--db",
        s(&db),
        "--as-of",
        "2026-11-01",
        "--dry-run",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!db.exists(), "a dry run created the store");
    // An unknown flag: exit 2.
    assert_eq!(
        carecount(&["validate", s(&upload), "--no-such-flag"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn kill_minus_9_during_import_leaves_the_store_before_or_after() {
    let tmp = tempfile::tempdir().expect("tmp");
    let base = generate(tmp.path(), 3, 30, 11);
    let big = generate(tmp.path(), 60, 3000, 12);
    let db = tmp.path().join("store.db");
    let o = carecount(&[
        "import",
        s(&base),
        "--db",
        s(&db),
        "--org",
        "acme",
        "--as-of",
        "2026-11-01",
    ]);
    assert!(o.status.success());
    let before = export(&db, "acme", &tmp.path().join("before"));
    // The big upload replaces every workplace (deletion by omission) — a long transaction.
    let mut outcomes = Vec::new();
    for (attempt, delay_ms) in [5u64, 40, 120, 300, 700].into_iter().enumerate() {
        let mut child = Command::new(env!("CARGO_BIN_EXE_carecount"))
            .args([
                "import",
                s(&big),
                "--db",
                s(&db),
                "--org",
                "acme",
                "--as-of",
                "2026-11-02",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().expect("wait");
        let now = export(&db, "acme", &tmp.path().join(format!("k{attempt}")));
        let state = if now == before {
            "before"
        } else {
            // Completed: the store must hold exactly the big upload, as a fresh import would.
            let fresh = tmp.path().join(format!("fresh{attempt}.db"));
            let o = carecount(&[
                "import",
                s(&big),
                "--db",
                s(&fresh),
                "--org",
                "acme",
                "--as-of",
                "2026-11-02",
            ]);
            assert!(o.status.success());
            let want = export(&fresh, "acme", &tmp.path().join(format!("want{attempt}")));
            assert!(
                now == want,
                "attempt {attempt}: the store is neither before nor after the import"
            );
            "after"
        };
        outcomes.push((delay_ms, status.success(), state));
        if state == "after" {
            break;
        }
    }
    assert!(!outcomes.is_empty());
}
