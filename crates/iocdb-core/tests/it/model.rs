//! Model-based test: random sequences of put / re-put / delete / delete-source / reopen
//! applied to the database and to a plain in-memory model (BTreeMaps) must give the same
//! lookup, correlate and overlap answers.
//!
//! The model does not use the engine's code: each value in the pool carries the
//! correlation keys MISP's rules give it, written out by hand.

use std::collections::{BTreeMap, BTreeSet};

use iocdb_core::{CorrelateOptions, Database, EventRef, OverlapOptions};
use iocdb_model::{AttrType, Attribute, Event, Source, SourceKind};
use proptest::prelude::*;
use uuid::Uuid;

/// (type, value as written, correlation keys by MISP's rules).
const POOL: &[(&str, &str, &[&str])] = &[
    ("ip-dst", "10.0.0.1", &["10.0.0.1"]),
    ("ip-src", "10.0.0.2", &["10.0.0.2"]),
    ("ip-dst", "2001:db8:0:0::1", &["2001:db8::1"]),
    ("domain", "a.example", &["a.example"]),
    ("domain", "B.Example", &["b.example"]),
    ("hostname", "b.example", &["b.example"]),
    ("url", "http://A.example/Path", &["http://a.example/path"]),
    (
        "filename|md5",
        "x.exe|D41D8CD98F00B204E9800998ECF8427E",
        &["x.exe", "d41d8cd98f00b204e9800998ecf8427e"],
    ),
    ("md5", "d41d8cd98f00b204e9800998ecf8427e", &["d41d8cd98f00b204e9800998ecf8427e"]),
    ("ip-dst|port", "10.0.0.1|443", &["10.0.0.1"]),
    ("domain|ip", "a.example|10.0.0.2", &["a.example", "10.0.0.2"]),
    ("filename", "X.EXE", &["x.exe"]),
    ("comment", "a.example", &[]),
    ("port", "443", &[]),
];

const SOURCES: [&str; 3] = ["s0", "s1", "s2"];
const EVENTS: usize = 6;
const LIMIT: u64 = 3;

#[derive(Debug, Clone)]
struct AttrSpec {
    pool: usize,
    disabled: bool,
    deleted: bool,
}

#[derive(Debug, Clone)]
enum Op {
    Put { event: usize, source: usize, disabled: bool, attrs: Vec<AttrSpec> },
    Delete { event: usize },
    DeleteSource { source: usize },
    Reopen,
}

fn attr_spec() -> impl Strategy<Value = AttrSpec> {
    (0..POOL.len(), prop::bool::weighted(0.1), prop::bool::weighted(0.1))
        .prop_map(|(pool, disabled, deleted)| AttrSpec { pool, disabled, deleted })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..EVENTS, 0..SOURCES.len(), prop::bool::weighted(0.1), prop::collection::vec(attr_spec(), 0..6))
            .prop_map(|(event, source, disabled, attrs)| Op::Put { event, source, disabled, attrs }),
        2 => (0..EVENTS).prop_map(|event| Op::Delete { event }),
        1 => (0..SOURCES.len()).prop_map(|source| Op::DeleteSource { source }),
        1 => Just(Op::Reopen),
    ]
}

fn event_uuid(i: usize) -> Uuid {
    Uuid::from_u128(0x1000 + i as u128)
}

/// The model: event index -> (source, keys per attribute (already filtered), attr count).
#[derive(Default)]
struct Model {
    events: BTreeMap<usize, (usize, Vec<Vec<&'static str>>)>,
}

impl Model {
    fn apply(&mut self, op: &Op) {
        match op {
            Op::Put { event, source, disabled, attrs } => {
                let keys = attrs
                    .iter()
                    .map(|a| {
                        if *disabled || a.disabled || a.deleted {
                            Vec::new()
                        } else {
                            POOL[a.pool].2.to_vec()
                        }
                    })
                    .collect();
                self.events.insert(*event, (*source, keys));
            }
            Op::Delete { event } => {
                self.events.remove(event);
            }
            Op::DeleteSource { source } => self.events.retain(|_, (s, _)| s != source),
            Op::Reopen => {}
        }
    }

    fn values(&self, event: usize) -> BTreeSet<&'static str> {
        self.events[&event].1.iter().flatten().copied().collect()
    }

    /// Events (uuid) and number of attributes carrying each key.
    fn lookup(&self, key: &str) -> BTreeMap<Uuid, usize> {
        let mut out = BTreeMap::new();
        for (event, (_, attrs)) in &self.events {
            let n = attrs.iter().filter(|keys| keys.contains(&key)).count();
            if n > 0 {
                out.insert(event_uuid(*event), n);
            }
        }
        out
    }

    fn correlate(&self, event: usize) -> (BTreeMap<Uuid, Vec<String>>, BTreeSet<String>) {
        let mut related: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
        let mut over = BTreeSet::new();
        for key in self.values(event) {
            let others: BTreeMap<Uuid, usize> =
                self.lookup(key).into_iter().filter(|(u, _)| *u != event_uuid(event)).collect();
            if others.is_empty() {
                continue;
            }
            if others.values().sum::<usize>() as u64 > LIMIT {
                over.insert(key.to_owned());
                continue;
            }
            for uuid in others.keys() {
                related.entry(*uuid).or_default().push(key.to_owned());
            }
        }
        (related, over)
    }

    fn source_values(&self, source: usize) -> BTreeSet<&'static str> {
        let events = self.events.iter().filter(|(_, (s, _))| *s == source);
        events.flat_map(|(e, _)| self.values(*e)).collect()
    }
}

fn build_event(op: &Op) -> Option<(usize, Event)> {
    let Op::Put { event, source, disabled, attrs } = op else { return None };
    let mut e = Event::new(event_uuid(*event), format!("event {event}"));
    e.disable_correlation = *disabled;
    for spec in attrs {
        let (ty, value, _) = POOL[spec.pool];
        let mut a = Attribute::new(AttrType::from_name(ty).unwrap(), value);
        a.disable_correlation = spec.disabled;
        a.deleted = spec.deleted;
        e.attributes.push(a);
    }
    Some((*source, e))
}

fn apply(db: Database, op: &Op) -> Database {
    if let Op::Reopen = op {
        let path = db.path().to_path_buf();
        drop(db);
        return Database::open(path).unwrap();
    }
    {
        let mut w = db.writer().unwrap();
        match op {
            Op::Put { .. } => {
                let (source, event) = build_event(op).unwrap();
                let sid = w.source(&Source::new(SOURCES[source], SourceKind::Feed)).unwrap();
                w.put_event(sid, &event).unwrap();
            }
            Op::Delete { event } => {
                w.delete_event(event_uuid(*event)).unwrap();
            }
            Op::DeleteSource { source } => {
                w.delete_source(SOURCES[*source]).unwrap();
            }
            Op::Reopen => {}
        }
        w.commit().unwrap();
    }
    db
}

fn compare(db: &Database, model: &Model) {
    let problems = db.check().unwrap();
    assert!(problems.is_empty(), "check: {problems:?}");
    let keys: BTreeSet<&str> = POOL.iter().flat_map(|p| p.2.iter().copied()).collect();
    for key in keys {
        let mut got: BTreeMap<Uuid, usize> = BTreeMap::new();
        for hit in db.lookup(key).unwrap().hits.iter().filter(|h| h.value == key) {
            *got.entry(hit.event.uuid).or_default() += 1;
        }
        assert_eq!(got, model.lookup(key), "lookup {key}");
    }
    let options = CorrelateOptions { limit: LIMIT, ..CorrelateOptions::default() };
    for &event in model.events.keys() {
        let c = db.correlate(EventRef::Uuid(event_uuid(event)), &options).unwrap().unwrap();
        let got: BTreeMap<Uuid, Vec<String>> =
            c.related.iter().map(|r| (r.event.uuid, r.values.clone())).collect();
        let over: BTreeSet<String> = c.over_correlating.iter().map(|o| o.value.clone()).collect();
        assert_eq!((got, over), model.correlate(event), "correlate {event}");
    }
    let live: Vec<usize> =
        (0..SOURCES.len()).filter(|s| db.source_id(SOURCES[*s]).unwrap().is_some()).collect();
    let names: Vec<String> = live.iter().map(|s| SOURCES[*s].to_owned()).collect();
    for cooccurrence in [false, true] {
        let o = db
            .overlap(&OverlapOptions {
                sources: names.clone(),
                window: None,
                cooccurrence: Some(cooccurrence),
            })
            .unwrap();
        for (i, a) in live.iter().enumerate() {
            for (j, b) in live.iter().enumerate() {
                let want =
                    model.source_values(*a).intersection(&model.source_values(*b)).count() as u64;
                assert_eq!(o.intersection[i][j], want, "overlap {a} {b}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn database_agrees_with_model(ops in prop::collection::vec(op(), 1..25)) {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Database::open_or_create(dir.path()).unwrap();
        let mut model = Model::default();
        for op in &ops {
            db = apply(db, op);
            model.apply(op);
        }
        compare(&db, &model);
        let path = db.path().to_path_buf();
        drop(db);
        compare(&Database::open(path).unwrap(), &model);
    }
}
