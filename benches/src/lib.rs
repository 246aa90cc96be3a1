//! Seeded synthetic corpora for iocdb's benchmarks.
//!
//! The shape follows `limits.md`: K feeds of Zipf-like sizes, a type mix of IPv4, domains,
//! URLs, md5 and sha256, and a pool of popular values shared across feeds (about 8 % of
//! rows), the rest mostly unique. Deterministic for a given seed.

use std::fmt::Write;

use iocdb_model::{AttrType, Attribute, Event};
use uuid::Uuid;

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
