//! Layouts of real feeds, and recognising them from a file's first lines.

use std::fmt;

use iocdb_model::{AttrType, infer_type};

use super::FeedOptions;
use super::csv::parse_header_line;
use super::layout::{Column, CsvLayout, ObjectColumns, TagColumn, TypeSource, ValueColumn};
use super::sniff::complete_lines;
use super::text::{chomp, decode, strip_bom};

/// A known feed layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    /// abuse.ch URLhaus CSV export: `id,dateadded,url,url_status,last_online,threat,tags,
    /// urlhaus_link,reporter` (header in a `#` comment). One `url` per row; tags and the
    /// threat become tags.
    Urlhaus,
    /// abuse.ch ThreatFox CSV export: `first_seen_utc,ioc_id,ioc_value,ioc_type,...`
    /// (quoted header in a `#` comment, `", "` between fields). `ioc_type` gives the type
    /// (`ip:port` is `ip-dst|port`, `md5_hash` is `md5`, ...); tags and the malware's
    /// name become tags.
    ThreatFox,
    /// abuse.ch Feodo Tracker botnet C2 blocklist (`ipblocklist.csv`):
    /// `first_seen_utc,dst_ip,dst_port,c2_status,last_online,malware`. One `ip-dst|port`
    /// per row, the malware family as tag.
    FeodoTracker,
    /// abuse.ch SSLBL certificate blacklist (`sslblacklist.csv`):
    /// `Listingdate,SHA1,Listingreason`, columns found by name in any order. One
    /// `x509-fingerprint-sha1` per row, the listing reason as tag.
    Sslbl,
    /// abuse.ch MalwareBazaar CSV export: `first_seen_utc,sha256_hash,md5_hash,sha1_hash,
    /// reporter,file_name,...,signature,...,imphash,ssdeep,tlsh`. Every hash of a row is an
    /// attribute; the signature is a tag, the file name and type go to the comment.
    MalwareBazaar,
    /// MISP's CSV export: `uuid,event_id,category,type,value,comment,to_ids,date,
    /// object_relation,attribute_tag,object_uuid,object_name,object_meta_category`.
    /// Uuids, types, categories, tags and objects are kept; one event per `event_id`.
    MispCsv,
    /// A plain list, one value per line, optionally followed by a tab and a number
    /// (IPsum's count of lists) or a `#` comment; `#` lines are comments. Types inferred.
    Blocklist,
    /// A `Type,Indicator[,Name]` table (Palo Alto Unit 42): the `Type` column (`Domain`,
    /// `IP`, `SHA256`, `URL`, `Filename`, ...) types the `Indicator`.
    TypeIndicator,
    /// A table of file hashes whose header names only hash columns (`md5,sha1,sha256`, as
    /// FireEye's `all-hashes.csv`): one attribute per hash.
    Hashes,
}

const ALL: [Preset; 9] = [
    Preset::Urlhaus,
    Preset::ThreatFox,
    Preset::FeodoTracker,
    Preset::Sslbl,
    Preset::MalwareBazaar,
    Preset::MispCsv,
    Preset::Blocklist,
    Preset::TypeIndicator,
    Preset::Hashes,
];

/// Hash columns [`Preset::Hashes`] knows, named as MISP's types.
const HASH_COLUMNS: [&str; 6] = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

impl Preset {
    /// Every preset.
    pub fn all() -> &'static [Preset] {
        &ALL
    }

    /// The preset's name (`urlhaus`, `threatfox`, `feodotracker`, `sslbl`,
    /// `malwarebazaar`, `misp-csv`, `blocklist`, `type-indicator`, `hashes`).
    pub fn name(self) -> &'static str {
        match self {
            Preset::Urlhaus => "urlhaus",
            Preset::ThreatFox => "threatfox",
            Preset::FeodoTracker => "feodotracker",
            Preset::Sslbl => "sslbl",
            Preset::MalwareBazaar => "malwarebazaar",
            Preset::MispCsv => "misp-csv",
            Preset::Blocklist => "blocklist",
            Preset::TypeIndicator => "type-indicator",
            Preset::Hashes => "hashes",
        }
    }

    /// The preset called `name` (case-insensitive).
    pub fn from_name(name: &str) -> Option<Preset> {
        ALL.into_iter().find(|p| p.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The preset's layout; its event title is the preset's name.
    pub fn layout(self) -> CsvLayout {
        let layout = match self {
            Preset::Urlhaus => urlhaus(),
            Preset::ThreatFox => threatfox(),
            Preset::FeodoTracker => feodotracker(),
            Preset::Sslbl => sslbl(),
            Preset::MalwareBazaar => malwarebazaar(),
            Preset::MispCsv => misp_csv(),
            Preset::Blocklist => blocklist(),
            Preset::TypeIndicator => type_indicator(),
            Preset::Hashes => hashes(),
        };
        CsvLayout { feed: FeedOptions::named(self.name()), ..layout }
    }

    /// The header names that identify the preset, lower-cased.
    fn signature(self) -> &'static [&'static str] {
        match self {
            Preset::Urlhaus => &["dateadded", "url", "url_status", "urlhaus_link"],
            Preset::ThreatFox => &["first_seen_utc", "ioc_value", "ioc_type"],
            Preset::FeodoTracker => &["first_seen_utc", "dst_ip", "dst_port"],
            Preset::Sslbl => &["sha1", "listingreason"],
            Preset::MalwareBazaar => &["sha256_hash", "md5_hash", "sha1_hash", "signature"],
            Preset::MispCsv => &["uuid", "event_id", "category", "type", "value"],
            Preset::TypeIndicator => &["type", "indicator"],
            Preset::Blocklist | Preset::Hashes => &[],
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Recognises a preset from a file's first bytes: its header (the first row, or the last
/// `#` comment before the data, as abuse.ch writes it) or, for [`Preset::Blocklist`], the
/// shape of its lines. A few KB are enough.
pub fn detect_preset(head: &[u8]) -> Option<Preset> {
    let head = complete_lines(strip_bom(head));
    let (comment, first) = header_candidates(head);
    let layout = CsvLayout::default();
    let candidates: Vec<Vec<String>> = [comment, first]
        .into_iter()
        .flatten()
        .map(|line| parse_header_line(line, &layout))
        .collect();
    let by_header = ALL.into_iter().find(|preset| {
        let wanted = preset.signature();
        !wanted.is_empty()
            && candidates.iter().any(|names| wanted.iter().all(|w| names.iter().any(|n| n == w)))
    });
    by_header
        .or_else(|| {
            let names = first.map(|line| parse_header_line(line, &layout)).unwrap_or_default();
            let hashes =
                !names.is_empty() && names.iter().all(|n| HASH_COLUMNS.contains(&n.as_str()));
            hashes.then_some(Preset::Hashes)
        })
        .or_else(|| is_blocklist(head).then_some(Preset::Blocklist))
}

/// The last comment line before the data (without its `#`) and the first data line.
fn header_candidates(head: &[u8]) -> (Option<&[u8]>, Option<&[u8]>) {
    let mut comment = None;
    for line in head.split(|&b| b == b'\n').map(chomp) {
        match line.strip_prefix(b"#") {
            Some(text) => comment = Some(text.trim_ascii()),
            None if line.trim_ascii().is_empty() => {}
            None => return (comment, Some(line)),
        }
    }
    (comment, None)
}

/// Whether every data line is one indicator, alone or followed by a tab and a number or
/// by a `#` comment.
fn is_blocklist(head: &[u8]) -> bool {
    let text = decode(head);
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"))
        .take(50)
        .peekable();
    lines.peek().is_some() && lines.all(is_list_line)
}

fn is_list_line(line: &str) -> bool {
    let line = match line.split_once(" #").or_else(|| line.split_once("\t#")) {
        Some((value, _)) => value.trim_end(),
        None => line,
    };
    let value = match line.split_once('\t') {
        Some((value, count)) if count.trim().bytes().all(|b| b.is_ascii_digit()) => value,
        Some(_) => return false,
        None => line,
    };
    !value.contains([' ', ',']) && infer_type(value).is_some()
}

/// A fixed type by MISP name; inference if the shipped type table lacked it.
fn ty(name: &str) -> TypeSource {
    AttrType::from_name(name).map_or(TypeSource::Infer, TypeSource::Fixed)
}

fn type_map(pairs: &[(&str, &str)]) -> Vec<(String, AttrType)> {
    pairs
        .iter()
        .filter_map(|&(raw, misp)| Some((raw.to_owned(), AttrType::from_name(misp)?)))
        .collect()
}

fn names(columns: &[&str]) -> Vec<Column> {
    columns.iter().map(|&c| Column::name(c)).collect()
}

fn urlhaus() -> CsvLayout {
    CsvLayout {
        values: vec![ValueColumn::new("url", ty("url"))],
        first_seen: Some("dateadded".into()),
        last_seen: Some("last_online".into()),
        tags: vec![TagColumn::split("tags", ','), TagColumn::new("threat")],
        comments: names(&["url_status", "urlhaus_link", "reporter"]),
        ..CsvLayout::default()
    }
}

fn threatfox() -> CsvLayout {
    CsvLayout {
        spaced: true,
        values: vec![ValueColumn::new("ioc_value", TypeSource::Column("ioc_type".into()))],
        first_seen: Some("first_seen_utc".into()),
        last_seen: Some("last_seen_utc".into()),
        tags: vec![TagColumn::split("tags", ','), TagColumn::new("malware_printable")],
        comments: names(&["threat_type", "confidence_level", "reference", "reporter"]),
        type_map: type_map(&[
            ("ip:port", "ip-dst|port"),
            ("domain", "domain"),
            ("url", "url"),
            ("md5_hash", "md5"),
            ("sha1_hash", "sha1"),
            ("sha256_hash", "sha256"),
            ("sha3_384_hash", "sha3-384"),
        ]),
        ..CsvLayout::default()
    }
}

fn feodotracker() -> CsvLayout {
    CsvLayout {
        values: vec![ValueColumn {
            port: Some("dst_port".into()),
            ..ValueColumn::new("dst_ip", ty("ip-dst|port"))
        }],
        first_seen: Some("first_seen_utc".into()),
        last_seen: Some("last_online".into()),
        tags: vec![TagColumn::new("malware")],
        comments: names(&["c2_status"]),
        ..CsvLayout::default()
    }
}

fn sslbl() -> CsvLayout {
    CsvLayout {
        values: vec![ValueColumn::new("sha1", ty("x509-fingerprint-sha1"))],
        first_seen: Some("listingdate".into()),
        tags: vec![TagColumn::new("listingreason")],
        ..CsvLayout::default()
    }
}

fn malwarebazaar() -> CsvLayout {
    let hashes = [
        ("sha256_hash", "sha256"),
        ("md5_hash", "md5"),
        ("sha1_hash", "sha1"),
        ("imphash", "imphash"),
        ("ssdeep", "ssdeep"),
        ("tlsh", "tlsh"),
    ];
    CsvLayout {
        spaced: true,
        values: hashes.iter().map(|&(column, misp)| ValueColumn::new(column, ty(misp))).collect(),
        first_seen: Some("first_seen_utc".into()),
        tags: vec![TagColumn::new("signature")],
        comments: names(&["file_name", "file_type_guess", "mime_type", "reporter"]),
        ..CsvLayout::default()
    }
}

fn misp_csv() -> CsvLayout {
    CsvLayout {
        values: vec![ValueColumn::new("value", TypeSource::Column("type".into()))],
        first_seen: Some("first_seen".into()),
        last_seen: Some("last_seen".into()),
        timestamp: Some("date".into()),
        tags: vec![TagColumn::split("attribute_tag", ',')],
        comments: names(&["comment"]),
        uuid: Some("uuid".into()),
        category: Some("category".into()),
        to_ids: Some("to_ids".into()),
        event: Some("event_id".into()),
        object: Some(ObjectColumns {
            uuid: "object_uuid".into(),
            relation: "object_relation".into(),
            name: "object_name".into(),
            meta_category: "object_meta_category".into(),
        }),
        nulls: Vec::new(),
        ..CsvLayout::default()
    }
}

fn blocklist() -> CsvLayout {
    CsvLayout { delimiter: b'\t', ..CsvLayout::single(0, TypeSource::Infer) }
}

fn type_indicator() -> CsvLayout {
    CsvLayout {
        values: vec![ValueColumn::new("indicator", TypeSource::Column("type".into()))],
        comments: names(&["name"]),
        type_map: type_map(&[
            ("domain", "domain"),
            ("hostname", "hostname"),
            ("ip", "ip-dst"),
            ("ipv4", "ip-dst"),
            ("ipv6", "ip-dst"),
            ("ipv4:port", "ip-dst|port"),
            ("url", "url"),
            ("md5", "md5"),
            ("sha1", "sha1"),
            ("sha256", "sha256"),
            ("filename", "filename"),
            ("email", "email-src"),
            ("service name", "windows-service-name"),
        ]),
        ..CsvLayout::default()
    }
}

fn hashes() -> CsvLayout {
    CsvLayout {
        values: HASH_COLUMNS.iter().map(|&h| ValueColumn::new(h, ty(h))).collect(),
        ..CsvLayout::default()
    }
}
