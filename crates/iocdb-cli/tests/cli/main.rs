//! Runs the real `iocdb` binary on temporary databases: imports of the bundled real
//! samples, queries, the JSON contracts of docs/cli.md, exit statuses, bad input,
//! idempotent re-imports, a reader beside a writer, and broken pipes.

#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/samples")
}

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        Db { _dir: dir, path }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_iocdb"))
            .arg("--db")
            .arg(&self.path)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let out = self.run(&all);
        assert!(out.status.code() == Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn import(&self, source: &str, files: &[&str]) -> Value {
        let mut args = vec!["import", "--source", source, "--output", "json"];
        let paths: Vec<String> =
            files.iter().map(|f| samples().join(f).display().to_string()).collect();
        args.extend(paths.iter().map(String::as_str));
        let out = self.run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

const FEODO: [&str; 2] =
    ["ipblocklist_2024-03-26_23-30-15.csv", "ipblocklist_2024-04-04_07-03-03.csv"];

/// Non-comment lines of a sample (the rows of a feed).
fn rows(file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(samples().join(file)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// The dst_ip column of a Feodo Tracker CSV, read independently of iocdb.
fn feodo_ips(file: &str) -> Vec<String> {
    rows(file)
        .iter()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1).map(|ip| ip.trim_matches('"').to_owned()))
        .collect()
}

#[test]
fn import_is_idempotent_and_stats_follow() {
    let db = Db::new();
    let first = db.import("feodo", &FEODO);
    assert_eq!(first["events_inserted"], 2, "{first}");
    let stats = db.json(&["stats"]);
    let again = db.import("feodo", &FEODO);
    assert_eq!(again["events_unchanged"], 2, "{again}");
    assert_eq!(again["events_inserted"], 0);
    let stats_again = db.json(&["stats"]);
    assert_eq!(stats["events"], stats_again["events"]);
    assert_eq!(stats["attributes"], stats_again["attributes"]);
    assert_eq!(stats["values"], stats_again["values"]);
    let union: std::collections::BTreeSet<String> =
        FEODO.iter().flat_map(|f| feodo_ips(f)).collect();
    assert_eq!(stats["values"], union.len() as u64, "distinct C2 addresses of both snapshots");
    assert_eq!(stats["sources"], 1);
    let check = db.run(&["check"]);
    assert_eq!(check.status.code(), Some(0));
}

#[test]
fn lookup_contract_and_exit_statuses() {
    let db = Db::new();
    db.import("feodo", &FEODO);
    let ip = &feodo_ips(FEODO[1])[0];
    let both = feodo_ips(FEODO[0]).contains(ip);
    let result = db.json(&["lookup", ip]);
    let hits = result[0]["hits"].as_array().unwrap();
    assert_eq!(result[0]["value"], ip.as_str());
    assert_eq!(hits.len(), if both { 2 } else { 1 });
    for key in [
        "event_uuid",
        "event_info",
        "source",
        "attribute_uuid",
        "type",
        "category",
        "to_ids",
        "first_seen",
        "last_seen",
        "match",
    ] {
        assert!(hits[0].get(key).is_some(), "hit lacks {key}: {}", hits[0]);
    }
    assert_eq!(hits[0]["match"], "exact");
    assert_eq!(hits[0]["source"], "feodo");
    assert_eq!(db.run(&["lookup", "203.0.113.254"]).status.code(), Some(1));
    let defanged = ip.replace('.', "[.]");
    assert_eq!(db.run(&["lookup", &defanged]).status.code(), Some(0), "refanged lookup");
    let missing = Db::new();
    let out = missing.run(&["lookup", ip]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no database at"), "{err}");
}

#[test]
fn overlap_and_correlate_contracts() {
    let db = Db::new();
    db.import("feodo-march", &FEODO[..1]);
    db.import("feodo-april", &FEODO[1..]);
    let (march, april) = (feodo_ips(FEODO[0]), feodo_ips(FEODO[1]));
    let shared = march
        .iter()
        .filter(|ip| april.contains(ip))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let o = db.json(&["overlap"]);
    assert_eq!(o["sources"], serde_json::json!(["feodo-march", "feodo-april"]));
    assert_eq!(o["intersection"][0][1], shared as u64);
    for key in ["sizes", "intersection", "jaccard", "exclusive", "containment"] {
        assert!(o.get(key).is_some(), "overlap lacks {key}");
    }
    let values = db.json(&["overlap", "feodo-march", "feodo-april", "--values"]);
    assert_eq!(values.as_array().unwrap().len(), shared);

    let events = db.json(&["events", "--source", "feodo-march"]);
    let uuid = events[0]["event_uuid"].as_str().unwrap().to_owned();
    let c = db.json(&["correlate", &uuid]);
    assert_eq!(c["event"]["event_uuid"], uuid.as_str());
    let related = c["related"].as_array().unwrap();
    if shared > 0 {
        assert_eq!(related.len(), 1);
        assert_eq!(related[0]["shared"], shared as u64);
        assert_eq!(related[0]["source"], "feodo-april");
        for key in ["event_uuid", "event_info", "jaccard", "values"] {
            assert!(related[0].get(key).is_some(), "related lacks {key}");
        }
    }
    assert!(c["over_correlating"].is_array());
}

#[test]
fn bad_input_is_a_positioned_error_and_changes_nothing() {
    let db = Db::new();
    db.import("feodo", &FEODO[..1]);
    let before = db.json(&["stats"]);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, "{\"type\": \"bundle\", \"objects\": [ {\"type\": \"indicator\", ")
        .unwrap();
    let out = db.run(&["import", "--source", "broken", "--format", "stix", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.json"), "names the file: {err}");
    let after = db.json(&["stats"]);
    assert_eq!(before["events"], after["events"]);
    assert_eq!(before["attributes"], after["attributes"]);
}

#[test]
fn match_streams_hits_with_provenance() {
    let db = Db::new();
    db.import("feodo", &FEODO[1..]);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("proxy.log");
    let ip = &feodo_ips(FEODO[1])[0];
    std::fs::write(
        &log,
        format!("GET http://example.org/ from 10.9.9.9\nconnect to {ip} port 443\n"),
    )
    .unwrap();
    let out = db.run(&["match", "--extract", "--format", "jsonl", log.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(lines[0]["input"], ip.as_str());
    assert_eq!(lines[0]["source"], "feodo");
    let none = dir.path().join("clean.txt");
    std::fs::write(&none, "198.51.100.200\n").unwrap();
    assert_eq!(db.run(&["match", none.to_str().unwrap()]).status.code(), Some(1));
}

#[test]
fn readers_work_beside_a_writer_and_a_second_writer_is_refused() {
    let db = Db::new();
    db.import("feodo", &FEODO[..1]);
    let writer = iocdb_core::Database::open(&db.path).unwrap();
    let out = db.run(&["import", "--source", "x", samples().join(FEODO[1]).to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in use by another writer"), "{err}");
    let ip = &feodo_ips(FEODO[0])[0];
    assert_eq!(db.run(&["lookup", ip]).status.code(), Some(0));
    assert_eq!(db.run(&["stats"]).status.code(), Some(0));
    drop(writer);
}

#[test]
fn broken_pipe_exits_quietly() {
    let db = Db::new();
    db.import("threatfox", &["threatfox-ips-2026-08-22.txt"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_iocdb"))
        .arg("--db")
        .arg(&db.path)
        .args([
            "match",
            "--format",
            "jsonl",
            samples().join("threatfox-ips-2026-08-22.txt").to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "quiet: {err}");
}

#[test]
fn export_misp_round_trips_through_import() {
    let db = Db::new();
    db.import("feodo", &FEODO);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.json");
    let out = db.run(&["export", "--to", "misp", "--output", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let copy = Db::new();
    let out =
        copy.run(&["import", "--source", "feodo", "--output", "json", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let (a, b) = (db.json(&["stats"]), copy.json(&["stats"]));
    for key in ["events", "attributes", "values"] {
        assert_eq!(a[key], b[key], "{key}");
    }
}

#[test]
fn help_shows_examples() {
    let out = Command::new(env!("CARGO_BIN_EXE_iocdb")).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Examples:") && help.contains("iocdb lookup"), "{help}");
}

#[test]
fn killed_import_leaves_a_database_that_checks_clean() {
    let db = Db::new();
    db.import("feodo", &FEODO[..1]);
    for delay_ms in [50u64, 200, 600] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iocdb"))
            .arg("--db")
            .arg(&db.path)
            .args([
                "import",
                "--quiet",
                "--source",
                "ipsum",
                samples().join("ipsum.txt").to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL: no destructor, no flush
        let _ = child.wait();
        let out = db.run(&["check", "--format", "json"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "after kill at {delay_ms} ms: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let ip = &feodo_ips(FEODO[0])[0];
        assert_eq!(db.run(&["lookup", ip]).status.code(), Some(0), "earlier data survives");
    }
}
