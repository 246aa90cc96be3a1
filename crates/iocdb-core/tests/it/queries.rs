//! Queries on small hand-built databases, with the answers worked out by hand.

use iocdb_core::{
    CorrelateOptions, Database, Error, EventRef, MatchKind, OverlapOptions, TimeWindow,
};
use iocdb_model::{AttrType, Attribute, Event, Source, SourceKind, Timestamp};
use uuid::Uuid;

fn attr(ty: &str, value: &str) -> Attribute {
    Attribute::new(AttrType::from_name(ty).unwrap(), value)
}

fn event(n: u128, attrs: Vec<Attribute>) -> Event {
    let mut e = Event::new(Uuid::from_u128(n), format!("event {n}"));
    e.attributes = attrs;
    e
}

fn put(db: &Database, source: &str, events: &[Event]) {
    let mut w = db.writer().unwrap();
    let sid = w.source(&Source::new(source, SourceKind::Feed)).unwrap();
    for e in events {
        w.put_event(sid, e).unwrap();
    }
    w.commit().unwrap();
}

fn temp_db() -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open_or_create(dir.path().join("db")).unwrap();
    (dir, db)
}

#[test]
fn cidr_containment_both_ways_v4_and_v6() {
    let (_dir, db) = temp_db();
    put(
        &db,
        "nets",
        &[event(1, vec![attr("ip-dst", "10.0.0.0/8"), attr("ip-dst", "2001:db8::/32")])],
    );
    put(
        &db,
        "hosts",
        &[event(
            2,
            vec![
                attr("ip-src", "10.1.2.3"),
                attr("ip-dst", "10.1.0.0/16"),
                attr("ip-dst", "2001:db8::5"),
            ],
        )],
    );
    // An IP finds the stored networks containing it.
    let hits = db.lookup("10.1.2.3").unwrap().hits;
    let got: Vec<(&str, MatchKind)> =
        hits.iter().map(|h| (h.value.as_str(), h.match_kind)).collect();
    assert_eq!(
        got,
        [
            ("10.1.2.3", MatchKind::Exact),
            ("10.0.0.0/8", MatchKind::Cidr),
            ("10.1.0.0/16", MatchKind::Cidr)
        ]
    );
    // A network finds what is inside it and what contains it.
    let hits = db.lookup("10.1.0.0/16").unwrap().hits;
    let mut got: Vec<&str> = hits.iter().map(|h| h.value.as_str()).collect();
    got.sort();
    assert_eq!(got, ["10.0.0.0/8", "10.1.0.0/16", "10.1.2.3"]);
    let hits = db.lookup("2001:db8:0::5/128").unwrap().hits;
    let got: Vec<&str> = hits.iter().map(|h| h.value.as_str()).collect();
    assert_eq!(got, ["2001:db8::5", "2001:db8::/32"]);
    assert!(db.lookup("11.0.0.1").unwrap().hits.is_empty());
}

#[test]
fn lookup_normalises_like_misp() {
    let (_dir, db) = temp_db();
    put(
        &db,
        "s",
        &[event(
            1,
            vec![
                attr("url", "hxxp://Evil[.]Example/Path"),
                attr(
                    "filename|sha256",
                    "Payload.EXE|E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
                ),
                attr("ip-dst|port", "192.0.2.1|8080"),
            ],
        )],
    );
    assert_eq!(
        db.lookup("http://evil.example/path").unwrap().hits.len(),
        1,
        "case-insensitive url"
    );
    assert_eq!(db.lookup("payload.exe").unwrap().hits.len(), 1, "filename half correlates");
    let sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assert_eq!(db.lookup(sha).unwrap().hits.len(), 1, "hash half correlates");
    assert_eq!(db.lookup("192.0.2.1").unwrap().hits.len(), 1, "ip half of ip|port");
    assert!(db.lookup("8080").unwrap().hits.is_empty(), "port half of ip|port does not correlate");
    let hit = &db.lookup("192[.]0.2.1:8080").unwrap().hits[0];
    assert_eq!(hit.attribute.value, "192.0.2.1|8080");
    assert_eq!(hit.event.source, "s");
}

#[test]
fn correlate_ranks_and_reports_over_correlation_and_exclusions() {
    let (_dir, db) = temp_db();
    let common = attr("domain", "google.com");
    put(
        &db,
        "s",
        &[
            event(
                1,
                vec![
                    attr("ip-dst", "192.0.2.1"),
                    attr("domain", "bad.example"),
                    common.clone(),
                    attr("md5", "0123456789abcdef0123456789abcdef"),
                ],
            ),
            event(
                2,
                vec![attr("ip-dst", "192.0.2.1"), attr("domain", "bad.example"), common.clone()],
            ),
            event(3, vec![attr("ip-dst", "192.0.2.1"), common.clone()]),
            event(4, vec![common.clone(), attr("md5", "0123456789ABCDEF0123456789ABCDEF")]),
        ],
    );
    let options = CorrelateOptions { limit: 2, ..CorrelateOptions::default() };
    let c = db.correlate(EventRef::Uuid(Uuid::from_u128(1)), &options).unwrap().unwrap();
    let related: Vec<(u128, u64, Vec<String>)> =
        c.related.iter().map(|r| (r.event.uuid.as_u128(), r.shared, r.values.clone())).collect();
    assert_eq!(
        related,
        [
            (2, 2, vec!["192.0.2.1".to_owned(), "bad.example".to_owned()]),
            (3, 1, vec!["192.0.2.1".to_owned()]),
            (4, 1, vec!["0123456789abcdef0123456789abcdef".to_owned()]),
        ]
    );
    // google.com is on 3 attributes of other events, over the limit of 2.
    assert_eq!(c.over_correlating.len(), 1);
    assert_eq!(
        (c.over_correlating[0].value.as_str(), c.over_correlating[0].attributes),
        ("google.com", 3)
    );
    // Jaccard of 1 and 2: 2 shared of 4 + 3 - 2 = 5.
    assert!((c.related[0].jaccard - 0.4).abs() < 1e-9);

    let mut w = db.writer().unwrap();
    w.add_exclusion("192.0.2.%").unwrap();
    drop(w);
    let c = db.correlate(EventRef::Uuid(Uuid::from_u128(1)), &options).unwrap().unwrap();
    assert_eq!(c.excluded, ["192.0.2.1"]);
    // Event 4 (1 shared of 2 values, Jaccard 1/5) now ranks before event 2 (1 of 3, 1/6).
    let related: Vec<(u128, Vec<String>)> =
        c.related.iter().map(|r| (r.event.uuid.as_u128(), r.values.clone())).collect();
    assert_eq!(
        related,
        [
            (4, vec!["0123456789abcdef0123456789abcdef".to_owned()]),
            (2, vec!["bad.example".to_owned()])
        ]
    );
}

#[test]
fn reimport_replaces_exactly_and_delete_removes_everywhere() {
    let (_dir, db) = temp_db();
    put(&db, "s", &[event(1, vec![attr("domain", "old.example"), attr("domain", "kept.example")])]);
    put(&db, "t", &[event(2, vec![attr("domain", "kept.example")])]);
    put(&db, "s", &[event(1, vec![attr("domain", "kept.example"), attr("domain", "new.example")])]);
    assert!(db.lookup("old.example").unwrap().hits.is_empty());
    assert_eq!(db.lookup("new.example").unwrap().hits.len(), 1);
    assert_eq!(db.lookup("kept.example").unwrap().hits.len(), 2);
    let stats = db.stats().unwrap();
    assert_eq!((stats.events, stats.attributes, stats.values), (2, 3, 2));
    assert_eq!(db.check().unwrap(), Vec::<String>::new());

    let mut w = db.writer().unwrap();
    assert!(w.delete_source("t").unwrap());
    assert!(w.delete_event(Uuid::from_u128(1)).unwrap());
    assert!(!w.delete_event(Uuid::from_u128(1)).unwrap());
    drop(w);
    assert!(db.lookup("kept.example").unwrap().hits.is_empty());
    let stats = db.stats().unwrap();
    assert_eq!((stats.sources, stats.events, stats.attributes, stats.values), (1, 0, 0, 0));
    assert_eq!(db.check().unwrap(), Vec::<String>::new());
}

#[test]
fn invalid_value_rejects_the_event_and_changes_nothing() {
    let (_dir, db) = temp_db();
    let mut w = db.writer().unwrap();
    let sid = w.source(&Source::new("s", SourceKind::Feed)).unwrap();
    let bad = event(1, vec![attr("domain", "fine.example"), attr("ip-dst", "999.1.1.1")]);
    let err = w.put_event(sid, &bad).unwrap_err();
    assert!(matches!(err, Error::InvalidValue { index: 1, .. }), "{err}");
    w.commit().unwrap();
    drop(w);
    assert_eq!(db.stats().unwrap().events, 0);
    assert!(db.lookup("fine.example").unwrap().hits.is_empty());
}

#[test]
fn overlap_matrix_and_time_window() {
    let (_dir, db) = temp_db();
    let dated = |value: &str, day: &str| {
        let mut a = attr("domain", value);
        a.first_seen = Some(Timestamp::parse(day).unwrap());
        a
    };
    put(
        &db,
        "a",
        &[event(
            1,
            vec![
                dated("x.example", "2024-01-01"),
                dated("y.example", "2024-06-01"),
                dated("z.example", "2024-06-01"),
            ],
        )],
    );
    put(
        &db,
        "b",
        &[event(2, vec![dated("x.example", "2024-01-01"), dated("y.example", "2024-06-01")])],
    );
    put(&db, "c", &[event(3, vec![dated("q.example", "2024-06-01")])]);
    let o = db.overlap(&OverlapOptions::default()).unwrap();
    assert_eq!(o.sources, ["a", "b", "c"]);
    assert_eq!(o.sizes, [3, 2, 1]);
    assert_eq!(o.intersection, [[3, 2, 0], [2, 2, 0], [0, 0, 1]]);
    assert_eq!(o.exclusive, [1, 0, 1]);
    assert!((o.containment[1][0] - 1.0).abs() < 1e-9);
    assert!((o.jaccard[0][1] - 2.0 / 3.0).abs() < 1e-9);
    let window = TimeWindow { since: Some(Timestamp::parse("2024-03-01").unwrap()), until: None };
    let options = OverlapOptions {
        sources: vec!["a".into(), "b".into()],
        window: Some(window),
        cooccurrence: None,
    };
    let o = db.overlap(&options).unwrap();
    assert_eq!(o.intersection, [[2, 1], [1, 1]]);
    assert_eq!(db.overlap_values("a", "b", None).unwrap(), ["x.example", "y.example"]);
    assert!(matches!(db.overlap_values("a", "nope", None), Err(Error::Missing(_))));
}

#[test]
fn read_only_open_sees_data_and_refuses_writes() {
    let (dir, db) = temp_db();
    put(&db, "s", &[event(1, vec![attr("domain", "ro.example")])]);
    let reader = Database::open_read_only(dir.path().join("db")).unwrap();
    assert_eq!(reader.lookup("ro.example").unwrap().hits.len(), 1);
    assert!(matches!(reader.writer(), Err(Error::ReadOnly)));
    assert!(matches!(Database::open(dir.path().join("db")), Err(Error::Locked { .. })));
    assert!(matches!(Database::open(dir.path().join("missing")), Err(Error::NotFound { .. })));
}
