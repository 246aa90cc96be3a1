#![allow(missing_docs)] // criterion_group! generates undocumented functions.
//! The engine: ingest rate, lookup latency, correlation and the overlap matrix.
//!
//! Corpus: K = 50 synthetic feeds of Zipf-like sizes (the largest 40,000 attributes, about
//! 180,000 in all), 8 % of rows drawn from a pool of 50,000 popular values shared across
//! feeds. Each feed is one source with one event.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use iocdb_core::{CorrelateOptions, Database, EventRef, OverlapOptions};
use iocdb_model::{Event, Source, SourceKind};

fn load(db: &Database, events: &[Event]) {
    let mut writer = db.writer().expect("writer");
    for (i, event) in events.iter().enumerate() {
        let source =
            writer.source(&Source::new(format!("feed-{i}"), SourceKind::Feed)).expect("source");
        writer.put_event(source, event).expect("put");
    }
    writer.commit().expect("commit");
}

fn engine(c: &mut Criterion) {
    let events = iocdb_benches::events(11, 50, 40_000);
    let attributes: usize = events.iter().map(|e| e.attributes.len()).sum();
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.throughput(Throughput::Elements(attributes as u64));
    group.bench_function("ingest", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("tempdir"),
            |dir| {
                let db = Database::open_or_create(dir.path().join("db")).expect("create");
                load(&db, &events);
            },
            BatchSize::PerIteration,
        );
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Database::open_or_create(dir.path().join("db")).expect("create");
    load(&db, &events);
    let probes: Vec<String> =
        events[3].attributes.iter().take(1000).map(|a| a.value.clone()).collect();
    group.throughput(Throughput::Elements(probes.len() as u64));
    group.bench_function("lookup_1000_present", |b| {
        b.iter(|| probes.iter().map(|p| db.lookup(p).expect("lookup").hits.len()).sum::<usize>());
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("correlate_largest_event", |b| {
        b.iter(|| {
            db.correlate(EventRef::Uuid(events[0].uuid), &CorrelateOptions::default())
                .expect("correlate")
        });
    });
    for cooccurrence in [false, true] {
        let name = if cooccurrence { "overlap_50_cooccurrence" } else { "overlap_50_pairwise" };
        let options =
            OverlapOptions { cooccurrence: Some(cooccurrence), ..OverlapOptions::default() };
        group.bench_function(name, |b| b.iter(|| db.overlap(&options).expect("overlap")));
    }
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
