//! `carecount report area --all-areas`: one file per area, each byte-equal to what
//! `report area --area X` writes, with England computed once.

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

/// Rotherham and Sheffield (both Yorkshire and The Humber) and Cornwall (South West).
const AREAS: [&str; 3] = ["E08000018", "E08000019", "E06000052"];

fn store(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("small.db");
    for (seed, area) in AREAS.iter().enumerate() {
        let upload = dir.join(format!("upload{seed}"));
        let seed = (seed + 1).to_string();
        ok(&carecount(&[
            "generate",
            "--out",
            s(&upload),
            "--workplaces",
            "4",
            "--staff",
            "60",
            "--seed",
            &seed,
            "--as-of",
            "2025-03-31",
        ]));
        ok(&carecount(&[
            "import",
            s(&upload),
            "--db",
            s(&db),
            "--org",
            &format!("org{seed}"),
            "--as-of",
            "2025-03-31",
            "--area",
            area,
        ]));
    }
    db
}

#[test]
fn all_areas_writes_what_each_area_report_writes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = store(tmp.path());
    let out_dir = tmp.path().join("all");
    let o = carecount(&[
        "report",
        "area",
        "--all-areas",
        "--db",
        s(&db),
        "--as-of",
        "2025-03-31",
        "--format",
        "json",
        "--out-dir",
        s(&out_dir),
    ]);
    ok(&o);
    let mut written: Vec<String> = std::fs::read_dir(&out_dir)
        .expect("the directory")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    written.sort();
    // One file per area, named by code, sorted: E06000052 < E08000018 < E08000019.
    assert_eq!(
        written,
        ["E06000052.json", "E08000018.json", "E08000019.json"]
    );
    // --all-areas stored its region and England figures in the fact cache, so each single
    // report below is answered from them (reading only its area's facts): the comparison also
    // checks the persisted figures against the ones computed in the batch.
    for area in ["E08000019", "E06000052"] {
        let single = tmp.path().join(format!("{area}.json"));
        ok(&carecount(&[
            "report",
            "area",
            "--area",
            area,
            "--db",
            s(&db),
            "--as-of",
            "2025-03-31",
            "--format",
            "json",
            "--out",
            s(&single),
        ]));
        let alone = std::fs::read(&single).expect("the single report");
        let batch = std::fs::read(out_dir.join(format!("{area}.json"))).expect("the batch report");
        assert!(alone == batch, "{area}: --all-areas differs from --area");
    }
    // The second and third areas reuse England's figures (and Sheffield Rotherham's region):
    // the summary line reports a positive number of figures reused.
    let stderr = String::from_utf8_lossy(&o.stderr);
    let reused: u64 = stderr
        .split(" computed, ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no summary line in {stderr}"));
    assert!(reused > 0, "{stderr}");
}

#[test]
fn all_areas_needs_an_out_dir_and_excludes_area() {
    let o = carecount(&[
        "report",
        "area",
        "--all-areas",
        "--db",
        "x.db",
        "--format",
        "json",
    ]);
    assert!(!o.status.success());
    let o = carecount(&[
        "report",
        "area",
        "--all-areas",
        "--area",
        "E08000018",
        "--db",
        "x.db",
        "--format",
        "json",
        "--out-dir",
        "d",
    ]);
    assert!(!o.status.success());
}
