//! Format compatibility: the committed fixture of every format version opens and answers.
//!
//! `testdata/compat/v1` was written by format version 1. When the current format's
//! fixture is missing, `create_fixture` writes it, so each format bump leaves a new
//! committed fixture behind.

use std::path::PathBuf;

use iocdb_core::{CorrelateOptions, Database, EventRef, FORMAT_VERSION, OverlapOptions};
use iocdb_model::{AttrType, Attribute, Event, Source, SourceKind};
use uuid::Uuid;

fn fixture(version: u32) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../testdata/compat/v{version}"))
}

fn write_fixture(path: &std::path::Path) {
    let db = Database::open_or_create(path).unwrap();
    let mut w = db.writer().unwrap();
    let a = w.source(&Source::new("feed-a", SourceKind::Feed)).unwrap();
    let b = w.source(&Source::new("report-b", SourceKind::File)).unwrap();
    let ty = |n: &str| AttrType::from_name(n).unwrap();
    let mut e1 = Event::new(Uuid::from_u128(1), "feed pull");
    e1.attributes = vec![
        Attribute::new(ty("ip-dst"), "198.51.100.7"),
        Attribute::new(ty("domain"), "evil.example"),
    ];
    let mut e2 = Event::new(Uuid::from_u128(2), "report");
    e2.attributes = vec![
        Attribute::new(ty("domain"), "evil.example"),
        Attribute::new(ty("ip-dst"), "198.51.100.0/24"),
    ];
    w.put_event(a, &e1).unwrap();
    w.put_event(b, &e2).unwrap();
    w.commit().unwrap();
}

/// Writes the current format's fixture when it is missing (so a format bump leaves a new
/// one to commit), once per test run.
fn ensure_current_fixture() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let path = fixture(FORMAT_VERSION);
        if !path.join("CURRENT").exists() {
            write_fixture(&path);
        }
    });
}

#[test]
fn current_format_has_a_fixture() {
    ensure_current_fixture();
    assert!(fixture(FORMAT_VERSION).join("CURRENT").exists());
}

#[test]
fn v1_fixture_opens_and_answers() {
    ensure_current_fixture();
    let path = fixture(1);
    // Copy: opening read-write would change the committed files.
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&path).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let db = Database::open(dir.path()).unwrap();
    assert_eq!(db.check().unwrap(), Vec::<String>::new());
    let hits = db.lookup("198.51.100.7").unwrap().hits;
    assert_eq!(hits.len(), 2, "exact and CIDR");
    let c = db
        .correlate(EventRef::Uuid(Uuid::from_u128(1)), &CorrelateOptions::default())
        .unwrap()
        .unwrap();
    assert_eq!(c.related.len(), 1);
    assert_eq!(c.related[0].values, ["evil.example"]);
    let o = db.overlap(&OverlapOptions::default()).unwrap();
    assert_eq!(o.intersection, [[2, 1], [1, 2]]);
}
