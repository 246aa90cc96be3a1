#![allow(missing_docs)] // criterion_group! generates undocumented functions.
//! Decoder throughput on one core: CSV feeds and MISP JSON events, in bytes per second.
//!
//! Corpus: a seeded synthetic `value,type` CSV feed of 100,000 rows (about 5 MB), and the
//! same attributes as one MISP JSON event exported by iocdb's own encoder. The generator is
//! the `iocdb-benches` library, which links no RocksDB, so this bench builds without it (`cargo bench -p iocdb-import --bench decode`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iocdb_import::{Context, Options, VecSink};

fn decode_csv(c: &mut Criterion) {
    let feed = iocdb_benches::csv_feed(7, 100_000);
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(feed.len() as u64));
    group.sample_size(10);
    group.bench_function("csv_100k_rows", |b| {
        b.iter(|| {
            let mut sink = VecSink::default();
            let mut ctx = Context::new(&mut sink, Options::default());
            iocdb_import::decode_reader(
                feed.as_bytes(),
                Some(iocdb_import::Format::Csv),
                None,
                &mut ctx,
            )
            .expect("synthetic feed decodes");
            drop(ctx);
            sink.0.len()
        });
    });
    let events = iocdb_benches::events(7, 1, 100_000);
    let mut json = Vec::new();
    iocdb_import::export::misp::write_events(&events, &mut json).expect("export to memory");
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("misp_json_100k_attributes", |b| {
        b.iter(|| {
            let mut sink = VecSink::default();
            let mut ctx = Context::new(&mut sink, Options::default());
            iocdb_import::misp::decode(json.as_slice(), &mut ctx).expect("exported JSON decodes");
            drop(ctx);
            sink.0.len()
        });
    });
    group.finish();
}

criterion_group!(benches, decode_csv);
criterion_main!(benches);
