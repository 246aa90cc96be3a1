#![allow(missing_docs)] // criterion_group! generates undocumented functions.
//! Decoder throughput on one core: CSV feeds and MISP JSON events, in bytes per second.
//!
//! Corpus: a seeded synthetic `value,type` CSV feed of 100,000 rows (about 5 MB), and the
//! same attributes as one MISP JSON event exported by iocdb's own encoder. The generator is
//! the one of the `iocdb-benches` package, repeated here so that this bench builds without
//! RocksDB (`cargo bench -p iocdb-import --bench decode`).

use std::fmt::Write;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iocdb_import::{Context, Options, VecSink};
use iocdb_model::{AttrType, Attribute, Event};
use uuid::Uuid;

fn decode_csv(c: &mut Criterion) {
    let feed = csv_feed(7, 100_000);
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
    let events = events(7, 1, 100_000);
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

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// One synthetic value: (MISP type, value).
pub fn value(rng: &mut Rng, shared_pool: u64) -> (&'static str, String) {
    let popular = rng.below(100) < 8;
    let n = if popular { rng.below(shared_pool) } else { rng.next_u64() };
    match n % 5 {
        0 => (
            "ip-dst",
            format!(
                "{}.{}.{}.{}",
                1 + (n >> 8) % 223,
                (n >> 16) % 256,
                (n >> 24) % 256,
                (n >> 32) % 256
            ),
        ),
        1 => ("domain", format!("h{:x}.example{}.com", n >> 4, n % 7)),
        2 => ("url", format!("http://u{:x}.example.net/p/{}", n >> 4, n % 1000)),
        3 => ("md5", format!("{:032x}", u128::from(n) * 0x1_0000_0001)),
        _ => ("sha256", format!("{:064x}", u128::from(n) * 0x1_0000_0001_0000_0001)),
    }
}

/// A CSV feed (`value,type` rows) of `rows` rows.
pub fn csv_feed(seed: u64, rows: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::from("value,type\n");
    for _ in 0..rows {
        let (ty, v) = value(&mut rng, 50_000);
        let _ = writeln!(out, "{v},{ty}");
    }
    out
}

/// K events of Zipf-like sizes (the i-th holds about `largest / (i + 1)` attributes).
pub fn events(seed: u64, k: usize, largest: usize) -> Vec<Event> {
    let mut rng = Rng::new(seed);
    (0..k)
        .map(|i| {
            let mut event = Event::new(
                Uuid::from_u128(seed as u128 * 1_000_003 + i as u128),
                format!("feed {i}"),
            );
            for _ in 0..(largest / (i + 1)).max(1) {
                let (ty, v) = value(&mut rng, 50_000);
                if let Some(ty) = AttrType::from_name(ty) {
                    event.attributes.push(Attribute::new(ty, &v));
                }
            }
            event
        })
        .collect()
}

criterion_group!(benches, decode_csv);
criterion_main!(benches);
