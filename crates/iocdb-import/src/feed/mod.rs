//! CSV and freetext feeds: column mappings, presets for real feed layouts, indicator
//! extraction from prose.
//!
//! A feed file becomes one event ([`EventSplit::PerFile`], the default) or one event per
//! day of first sighting ([`EventSplit::PerDay`]). Feeds carry no uuids, so every event and
//! attribute gets a content-derived one ([`crate::derived_uuid`]): the event's uuid comes
//! from the sorted set of `(type, value)` pairs it holds (and its day), so importing the
//! same content twice yields the same event and the engine replaces it in place.
//! A value listed twice in one event is kept once; its first and last sightings are
//! merged (earliest first, latest last) and its tags united.
//!
//! - [`decode_csv`] reads a delimited file through a [`CsvLayout`]: which columns hold
//!   values, where their types come from ([`TypeSource`]), which columns give dates, tags
//!   and comments. [`Preset`] has the layouts of real feeds (abuse.ch URLhaus, ThreatFox,
//!   Feodo Tracker, SSLBL and MalwareBazaar, MISP's CSV export, plain blocklists, ...),
//!   [`detect_preset`] recognises them from a file's first lines, and [`infer_layout`]
//!   guesses a layout for other files from their content.
//! - [`decode_freetext`] finds indicators in prose or in one-value-per-line lists:
//!   it splits lines into tokens, strips quotes, brackets and trailing punctuation,
//!   refangs (`hxxp`, `[.]`) and infers each token's type ([`iocdb_model::infer_type`]).
//!
//! # Example
//!
//! ```no_run
//! use iocdb_import::feed::{Preset, decode_csv};
//! use iocdb_import::{Context, Options, VecSink};
//!
//! let file = std::fs::File::open("ipblocklist.csv")?;
//! let mut layout = Preset::FeodoTracker.layout();
//! layout.feed.event_info = "Feodo Tracker blocklist".into();
//! let mut sink = VecSink::default();
//! let mut ctx = Context::new(&mut sink, Options::default());
//! decode_csv(std::io::BufReader::new(file), &layout, &mut ctx)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod collect;
mod csv;
mod date;
mod freetext;
mod layout;
mod preset;
mod sniff;
mod text;

use iocdb_model::Tag;

pub use self::csv::decode_csv;
pub use date::parse_feed_time;
pub use freetext::{decode_freetext, extract_indicators, tokens};
pub use layout::{Column, CsvLayout, ObjectColumns, TagColumn, TypeSource, ValueColumn};
pub use preset::{Preset, detect_preset};
pub use sniff::infer_layout;

/// How a feed file is cut into events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventSplit {
    /// The whole file is one event (one "feed pull").
    #[default]
    PerFile,
    /// One event per UTC day of the values' first sighting; values without a first-seen
    /// date go to one undated event.
    PerDay,
}

/// What the events decoded from a feed are called and how the file is cut into them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedOptions {
    /// The events' title (MISP's `info`): typically the feed or preset name and the file
    /// name. Per-day events get the day appended.
    pub event_info: String,
    /// One event per file or per day.
    pub split: EventSplit,
    /// Tags put on every event (the feed's name, a TLP marking, ...).
    pub tags: Vec<Tag>,
}

impl Default for FeedOptions {
    fn default() -> Self {
        FeedOptions {
            event_info: "feed import".to_owned(),
            split: EventSplit::PerFile,
            tags: Vec::new(),
        }
    }
}

impl FeedOptions {
    /// Options with this event title, one event per file and no tags.
    pub fn named(event_info: impl Into<String>) -> Self {
        FeedOptions { event_info: event_info.into(), ..FeedOptions::default() }
    }
}
