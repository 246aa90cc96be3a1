//! CSV and freetext feeds, presets, format detection and the file dispatcher, over the
//! fixtures in `testdata/csv`, `testdata/freetext` and every other format's `valid/`.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use iocdb_import::feed::{
    CsvLayout, EventSplit, Preset, TypeSource, decode_csv, decode_freetext, detect_preset,
    extract_indicators, infer_layout,
};
use iocdb_import::{
    Context, ErrorKind, Format, ImportError, Options, Report, VecSink, decode_path, detect_file,
};
use iocdb_model::{Attribute, Event};

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata").join(rel)
}

/// Decodes a fixture through `decode_path` (format detected unless given).
fn import(rel: &str, format: Option<Format>) -> (Format, Vec<Event>, Report) {
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options::default());
    let format =
        decode_path(&testdata(rel), format, &mut ctx).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let report = ctx.report;
    (format, sink.0, report)
}

/// Decodes a fixture through `decode_path`, expecting an error.
fn import_err(rel: &str, format: Option<Format>, strict: bool) -> ImportError {
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options { strict });
    match decode_path(&testdata(rel), format, &mut ctx) {
        Ok(format) => panic!("{rel}: decoded as {format} without error"),
        Err(err) => err,
    }
}

/// Decodes a fixture with a given layout.
fn import_csv(
    rel: &str,
    layout: &CsvLayout,
    strict: bool,
) -> Result<(Vec<Event>, Report), ImportError> {
    let path = testdata(rel);
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options { strict });
    ctx.set_file(Some(&path));
    let file = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
    decode_csv(file, layout, &mut ctx)?;
    let report = ctx.report;
    Ok((sink.0, report))
}

/// The only event.
fn single(events: &[Event]) -> &Event {
    assert_eq!(events.len(), 1, "expected one event, got {}", events.len());
    &events[0]
}

fn find<'e>(event: &'e Event, value: &str) -> &'e Attribute {
    event
        .attributes
        .iter()
        .find(|a| a.value == value)
        .unwrap_or_else(|| panic!("no attribute {value:?} in {:?}", event.info))
}

fn types(event: &Event) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for attribute in &event.attributes {
        *counts.entry(attribute.attr_type.name()).or_insert(0) += 1;
    }
    counts
}

fn tags(attribute: &Attribute) -> Vec<&str> {
    attribute.tags.iter().map(|t| t.name.as_str()).collect()
}

fn rfc(ts: Option<iocdb_model::Timestamp>) -> Option<String> {
    ts.map(|t| t.to_rfc3339())
}

/// The data lines of a fixture: not blank, not `#` comments.
fn data_lines(rel: &str) -> Vec<String> {
    let bytes = std::fs::read(testdata(rel)).unwrap();
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    text.lines()
        .map(|l| {
            l.trim_start_matches('\u{ef}').trim_start_matches("\u{bb}\u{bf}").trim().to_owned()
        })
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn assert_no_warnings(report: &Report) {
    assert!(report.warnings.is_empty(), "unexpected warnings: {:?}", report.warnings);
}

// ---------------------------------------------------------------------------------------
// CSV presets over real feeds

const FEODO: &str = "csv/valid/abusech-feodotracker/ipblocklist_2024-03-26_23-30-15.csv";

#[test]
fn feodotracker_blocklist() {
    let (format, events, report) = import(FEODO, None);
    assert_eq!(format, Format::Csv);
    assert_eq!(report.counters.get("csv: preset feodotracker"), Some(&1));
    assert_no_warnings(&report);
    let event = single(&events);
    assert_eq!(event.info, "feodotracker: ipblocklist_2024-03-26_23-30-15.csv");
    // One attribute per data row (the header is the first non-comment line); the file's
    // own trailer says "# END 27 entries".
    let rows = data_lines(FEODO).len() - 1;
    assert_eq!(rows, 27);
    assert_eq!(event.attributes.len(), rows);
    assert_eq!(types(event), BTreeMap::from([("ip-dst|port", rows)]));
    let first = find(event, "192.9.135.73|1194");
    assert_eq!(rfc(first.first_seen).as_deref(), Some("2023-05-23T17:51:44Z"));
    assert_eq!(rfc(first.last_seen).as_deref(), Some("2024-04-01T00:00:00Z"));
    assert_eq!(tags(first), ["Pikabot"]);
    assert_eq!(first.comment, "online");
    assert_eq!(first.category.name(), "Network activity");
    assert!(first.to_ids);
    let last = find(event, "84.247.157.112|13783");
    assert_eq!(rfc(last.first_seen).as_deref(), Some("2024-03-26T23:30:15Z"));
    // The event's day is the day of its latest first sighting.
    assert_eq!(rfc(event.date).as_deref(), Some("2024-03-26T00:00:00Z"));
}

#[test]
fn feodotracker_is_idempotent() {
    let (_, first, _) = import(FEODO, None);
    let (_, second, _) = import(FEODO, None);
    assert_eq!(first, second);
    let uuids: BTreeSet<_> = first[0].attributes.iter().map(|a| a.uuid).collect();
    assert_eq!(uuids.len(), first[0].attributes.len(), "attribute uuids are distinct");
    assert_eq!(first[0].uuid.get_version_num(), 5);
}

#[test]
fn feodotracker_split_per_day() {
    let mut layout = Preset::FeodoTracker.layout();
    layout.feed.split = EventSplit::PerDay;
    layout.feed.event_info = "feodo".into();
    let (events, _) = import_csv(FEODO, &layout, true).unwrap();
    let days: BTreeSet<String> =
        data_lines(FEODO).iter().skip(1).map(|l| l.get(1..11).unwrap().to_owned()).collect();
    assert_eq!(events.len(), days.len());
    let infos: Vec<&str> = events.iter().map(|e| e.info.as_str()).collect();
    assert!(infos.contains(&"feodo 2024-03-26"), "{infos:?}");
    let day = events.iter().find(|e| e.info == "feodo 2024-03-26").unwrap();
    assert_eq!(day.attributes.len(), 7);
    assert_eq!(rfc(day.date).as_deref(), Some("2024-03-26T00:00:00Z"));
    let total: usize = events.iter().map(|e| e.attributes.len()).sum();
    assert_eq!(total, 27);
    let uuids: BTreeSet<_> = events.iter().map(|e| e.uuid).collect();
    assert_eq!(uuids.len(), events.len());
}

#[test]
fn sslbl_excel_resaved() {
    let rel = "csv/valid/abusech-sslbl/sslblacklist-head200.csv";
    let (format, events, report) = import(rel, None);
    assert_eq!(format, Format::Csv);
    assert_eq!(report.counters.get("csv: preset sslbl"), Some(&1));
    assert_no_warnings(&report);
    let event = single(&events);
    let fingerprints: BTreeSet<String> = data_lines(rel)
        .iter()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_lowercase())
        .collect();
    assert_eq!(event.attributes.len(), fingerprints.len());
    assert_eq!(types(event), BTreeMap::from([("x509-fingerprint-sha1", fingerprints.len())]));
    // The header has a byte-order mark, is CRLF-terminated and has the columns reordered;
    // dates are US spreadsheet dates.
    let first = find(event, "19e664f09401bf648b6ea57719e34ad795f3b6cb");
    assert_eq!(tags(first), ["AsyncRAT C&C"]);
    assert_eq!(rfc(first.first_seen).as_deref(), Some("2023-12-22T06:58:00Z"));
}

#[test]
fn threatfox_ip_list() {
    let rel = "csv/valid/abusech-threatfox-ips/ips_2026-08-22-head200.txt";
    let (format, events, report) = import(rel, None);
    assert_eq!(format, Format::Csv);
    assert_eq!(report.counters.get("csv: preset blocklist"), Some(&1));
    assert_no_warnings(&report);
    let event = single(&events);
    assert_eq!(event.attributes.len(), data_lines(rel).len());
    assert_eq!(types(event), BTreeMap::from([("ip-dst", 200)]));
    assert_eq!(event.attributes[0].value, "1.7.147.211");
    assert_eq!(event.attributes[1].value, "1.12.42.37");
}

#[test]
fn ipsum_tab_separated_counts() {
    let rel = "csv/valid/ipsum/ipsum-head200.txt";
    let (format, events, report) = import(rel, None);
    assert_eq!(format, Format::Csv);
    assert_eq!(report.counters.get("csv: preset blocklist"), Some(&1));
    assert_no_warnings(&report);
    let event = single(&events);
    let ips: BTreeSet<String> =
        data_lines(rel).iter().map(|l| l.split('\t').next().unwrap().to_owned()).collect();
    assert_eq!(ips.len(), 200);
    assert_eq!(event.attributes.len(), ips.len());
    assert_eq!(types(event), BTreeMap::from([("ip-dst", 200)]));
    assert_eq!(event.attributes[0].value, "77.90.185.20");
}

const MISP_CSV: &str = "csv/valid/misp-csv-export/misp-core-tests-event.csv";

#[test]
fn misp_csv_export() {
    let (format, events, report) = import(MISP_CSV, None);
    assert_eq!(format, Format::Csv);
    assert_eq!(report.counters.get("csv: preset misp-csv"), Some(&1));
    assert_no_warnings(&report);
    let event = single(&events);
    assert_eq!(event.info, "misp-csv: misp-core-tests-event.csv (event 1)");
    let rows = data_lines(MISP_CSV);
    assert_eq!(event.attributes.len(), rows.len() - 1);
    let md5_rows = rows.iter().filter(|r| r.contains(",\"md5\",")).count();
    assert_eq!(
        types(event),
        BTreeMap::from([
            ("filename", 6),
            ("link", 1),
            ("md5", md5_rows),
            ("regkey", 3),
            ("text", 1)
        ])
    );
    let link =
        find(event, "https://www.f-secure.com/documents/996508/1030745/w32_regin_stage_1.pdf");
    assert_eq!(link.uuid.to_string(), "5488466a-f0d0-4b58-89a5-15bc950d210b");
    assert_eq!(link.category.name(), "External analysis");
    assert!(!link.to_ids);
    assert_eq!(link.timestamp.map(|t| t.unix_seconds()), Some(1_418_217_066));
    let md5 = find(event, "744c07e886497f7b68f6f7fe57b7ab54");
    assert_eq!(md5.uuid.to_string(), "548847d8-01e0-4231-a739-15bb950d210b");
    assert_eq!(md5.category.name(), "Payload installation");
    assert_eq!(md5.comment, "Regin samples collected.");
    assert!(md5.to_ids);
    let regkey = find(event, "HKLM\\System\\CurrentControlSet\\Control\\");
    assert_eq!(regkey.category.name(), "Artifacts dropped");
    // Every uuid comes from the file.
    let uuids: BTreeSet<String> =
        rows.iter().skip(1).map(|r| r.get(1..37).unwrap().to_owned()).collect();
    let decoded: BTreeSet<String> = event.attributes.iter().map(|a| a.uuid.to_string()).collect();
    assert_eq!(decoded, uuids);
}

#[test]
fn misp_core_csv_feed() {
    let (format, events, _) = import("csv/valid/misp-csv-export/misp-core-3x-feed.csv", None);
    assert_eq!(format, Format::Csv);
    let values: Vec<&str> = single(&events).attributes.iter().map(|a| a.value.as_str()).collect();
    assert_eq!(values, ["1.1.1.1", "1.0.0.1"]);
}

#[test]
fn unit42_type_indicator_table() {
    let rel = "csv/valid/unit42/iran_linked_operators_APT33.csv";
    let (format, events, report) = import(rel, None);
    assert_eq!(format, Format::Csv);
    assert_eq!(report.counters.get("csv: preset type-indicator"), Some(&1));
    // A real defect of the file: one MD5 has 31 digits. It is skipped, with its line.
    assert_eq!(report.warnings.len(), 1);
    let warning = &report.warnings[0];
    assert_eq!((warning.position.line, warning.position.record), (Some(52), Some(51)));
    assert!(warning.message.contains("f5329cf2a829f8840ba6a903f17a1bf"), "{warning}");
    let event = single(&events);
    // Two MD5s are listed twice: kept once each.
    let rows: BTreeSet<String> = data_lines(rel)
        .into_iter()
        .skip(1)
        .filter(|r| !r.contains("f5329cf2a829f8840ba6a903f17a1bf,"))
        .map(|r| r.rsplit_once(',').unwrap().0.to_owned())
        .collect();
    let mut expected = BTreeMap::new();
    for row in &rows {
        let ty = match row.split(',').next().unwrap() {
            "Domain" => "domain",
            "IP" => "ip-dst",
            "SHA256" => "sha256",
            "MD5" => "md5",
            "URL" => "url",
            "Filename" => "filename",
            other => panic!("unexpected type {other}"),
        };
        *expected.entry(ty).or_insert(0) += 1;
    }
    assert_eq!(types(event), expected);
    // Defanged in the file, refanged on import.
    assert_eq!(find(event, "boeing.servehttp.com").attr_type.name(), "domain");
}

#[test]
fn unit42_first_seen_and_c2() {
    let rel = "csv/valid/unit42/squirtdanger_squirtdanger_c2.csv";
    let (format, events, report) = import(rel, None);
    assert_eq!(format, Format::Csv);
    assert_eq!(report.counters.get("csv: inferred layout"), Some(&1));
    assert_no_warnings(&report);
    let event = single(&events);
    let values: BTreeSet<String> =
        data_lines(rel).iter().skip(1).map(|l| l.split(',').nth(1).unwrap().to_owned()).collect();
    assert_eq!(event.attributes.len(), values.len());
    let c2 = find(event, "136.243.102.157");
    assert_eq!(c2.attr_type.name(), "ip-dst");
    assert_eq!(rfc(c2.first_seen).as_deref(), Some("2018-03-10T12:33:52Z"));
}

#[test]
fn unit42_defanged_urls() {
    let rel = "csv/valid/unit42/squirtdanger_squirtdanger_distribution.csv";
    let (_, events, report) = import(rel, None);
    assert_no_warnings(&report);
    let event = single(&events);
    let rows = data_lines(rel).len() - 1;
    assert_eq!(rows, 15);
    assert_eq!(types(event), BTreeMap::from([("url", rows)]));
    let url = find(event, "http://vetervlmi.ru/test/MainModule1.dll");
    assert_eq!(rfc(url.first_seen).as_deref(), Some("2018-04-29T08:27:15Z"));
    find(event, "http://xmr.all-cheat.org/DJinglw.dll");
}

#[test]
fn unit42_headerless_with_timestamps() {
    let rel = "csv/valid/unit42/rarog_c2_w_timestamps.csv";
    let (_, events, report) = import(rel, None);
    assert_eq!(report.counters.get("csv: inferred layout"), Some(&1));
    assert_no_warnings(&report);
    let event = single(&events);
    let hosts: BTreeSet<String> =
        data_lines(rel).iter().map(|l| l.split(',').nth(1).unwrap().to_lowercase()).collect();
    assert_eq!(event.attributes.len(), hosts.len());
    let first = find(event, "api.highwrite.ru");
    assert_eq!(first.attr_type.name(), "hostname");
    assert_eq!(rfc(first.first_seen).as_deref(), Some("2017-08-02T16:28:51Z"));
}

#[test]
fn unit42_latin1_hash_list() {
    let rel = "csv/valid/unit42/prince_of_persia_hashes.csv";
    let bytes = std::fs::read(testdata(rel)).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture is not UTF-8");
    let (format, events, report) = import(rel, None);
    assert_eq!(format, Format::Csv);
    assert_eq!(report.counters.get("csv: preset blocklist"), Some(&1));
    assert_no_warnings(&report);
    let event = single(&events);
    // Some lines end with a Latin-1 no-break space (0xA0) or a space: trimmed.
    let hashes: BTreeSet<String> = data_lines(rel)
        .iter()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace()).to_lowercase())
        .collect();
    let decoded: BTreeSet<String> = event.attributes.iter().map(|a| a.value.clone()).collect();
    assert_eq!(decoded, hashes);
    let md5 = hashes.iter().filter(|h| h.len() == 32).count();
    let sha256 = hashes.iter().filter(|h| h.len() == 64).count();
    assert_eq!(md5 + sha256, hashes.len());
    assert_eq!(types(event), BTreeMap::from([("md5", md5), ("sha256", sha256)]));
}

#[test]
fn unit42_sha256_with_mixed_c2() {
    let rel = "csv/valid/unit42/venomrat_iocs-head100.csv";
    let (_, events, report) = import(rel, None);
    assert_eq!(report.counters.get("csv: inferred layout"), Some(&1));
    let event = single(&events);
    let samples: BTreeSet<String> =
        data_lines(rel).iter().skip(1).map(|l| l.split(',').next().unwrap().to_owned()).collect();
    assert_eq!(types(event).get("sha256"), Some(&samples.len()));
    assert_eq!(find(event, "baiwu123.e2.luyouxia.net").attr_type.name(), "hostname");
    let with_port = event.attributes.iter().filter(|a| a.attr_type.name() == "ip-dst|port").count();
    assert!(with_port > 0, "IPV4:PORT rows give ip-dst|port attributes");
}

#[test]
fn fireeye_hash_table() {
    let rel = "csv/valid/fireeye-red-team-hashes/all-hashes-head50.csv";
    let (_, events, report) = import(rel, None);
    assert_eq!(report.counters.get("csv: preset hashes"), Some(&1));
    assert_no_warnings(&report);
    let event = single(&events);
    let rows = data_lines(rel).len() - 1;
    assert_eq!(types(event), BTreeMap::from([("md5", rows), ("sha1", rows), ("sha256", rows)]));
    find(event, "013c7708f1343d684e3571453261b586");
    find(event, "77bdcb2a9873c4629d8675c8ce9cc8a0cf35c514e27f7a6dc2bc4b31f79dd9e2");
}

// ---------------------------------------------------------------------------------------
// Synthetic abuse.ch exports (published layouts, values from documentation ranges)

#[test]
fn urlhaus_export() {
    let rel = "csv/valid/synthetic/urlhaus.csv";
    let (_, events, report) = import(rel, None);
    assert_eq!(report.counters.get("csv: preset urlhaus"), Some(&1));
    assert_no_warnings(&report);
    let event = single(&events);
    // Six rows, one URL listed twice.
    assert_eq!(event.attributes.len(), 5);
    assert_eq!(types(event), BTreeMap::from([("url", 5)]));
    let twice = find(event, "http://198.51.100.43:43224/i");
    assert_eq!(rfc(twice.first_seen).as_deref(), Some("2024-03-26T22:15:47Z"));
    assert_eq!(rfc(twice.last_seen).as_deref(), Some("2024-03-27T10:02:05Z"));
    assert_eq!(tags(twice), ["32-bit", "elf", "mips", "Mozi", "malware_download"]);
    assert_eq!(
        twice.comment,
        "url_status: online; urlhaus_link: https://urlhaus.abuse.ch/url/2801155/; reporter: synthetic"
    );
    // Scheme and host lower-cased, "None" is no tag.
    find(event, "http://hr-update.example.net/payload.exe");
    let untagged = find(event, "https://invoice-portal.example.com/dl/Invoice_0327.zip");
    assert_eq!(tags(untagged), ["malware_download"]);
    assert_eq!(untagged.last_seen, None);
    insta::assert_json_snapshot!("urlhaus_event", event);
}

#[test]
fn threatfox_export() {
    let rel = "csv/valid/synthetic/threatfox.csv";
    let (_, events, report) = import(rel, None);
    assert_eq!(report.counters.get("csv: preset threatfox"), Some(&1));
    assert_no_warnings(&report);
    let event = single(&events);
    assert_eq!(
        types(event),
        BTreeMap::from([
            ("domain", 1),
            ("ip-dst|port", 2),
            ("md5", 1),
            ("sha1", 1),
            ("sha256", 1),
            ("url", 1)
        ])
    );
    let cobalt = find(event, "198.51.100.178|443");
    assert_eq!(tags(cobalt), ["CobaltStrike", "cs-watermark-987654321", "Cobalt Strike"]);
    assert_eq!(
        cobalt.comment,
        "threat_type: botnet_cc; confidence_level: 100; reporter: synthetic"
    );
    assert_eq!(rfc(cobalt.first_seen).as_deref(), Some("2024-03-27T09:53:21Z"));
    find(event, "2001:db8::15|8443");
    let domain = find(event, "update-check.example.org");
    assert_eq!(rfc(domain.last_seen).as_deref(), Some("2024-03-27T10:00:00Z"));
    assert!(domain.comment.contains("reference: https://example.com/report"));
    let md5 = find(event, "ab6f68949dde6e6ce45ae73a19f11481");
    assert_eq!(tags(md5), ["Vidar"]);
}

#[test]
fn malwarebazaar_export() {
    let rel = "csv/valid/synthetic/malwarebazaar.csv";
    let (_, events, report) = import(rel, None);
    assert_eq!(report.counters.get("csv: preset malwarebazaar"), Some(&1));
    assert_no_warnings(&report);
    let event = single(&events);
    // Row 1 has six hashes, rows 2 and 3 four each ("n/a" imphash or tlsh).
    assert_eq!(event.attributes.len(), 14);
    assert_eq!(
        types(event),
        BTreeMap::from([
            ("imphash", 1),
            ("md5", 3),
            ("sha1", 3),
            ("sha256", 3),
            ("ssdeep", 3),
            ("tlsh", 1)
        ])
    );
    let sha256 = find(event, "e8bc163c82eee18733288c7d4ac636db3a6deb013ef2d37b68322be20edc45cc");
    assert_eq!(tags(sha256), ["AgentTesla"]);
    assert!(sha256.comment.starts_with("file_name: Invoice_0327.exe; file_type_guess: exe"));
    let ssdeep = find(event, "1536:Zk3hPq9vN2xLm4Rt:Zk3hPq9vN2xLm4R");
    assert_eq!(ssdeep.comment, sha256.comment);
}

// ---------------------------------------------------------------------------------------
// Invalid CSV

#[test]
fn short_row_is_a_bad_record() {
    let rel = "csv/invalid/feodo-short-row.csv";
    let (_, events, report) = import(rel, None);
    let event = single(&events);
    assert_eq!(event.attributes.len(), 3);
    assert_eq!(report.counters.get("skipped records"), Some(&1));
    let warning = &report.warnings[0];
    assert_eq!((warning.position.line, warning.position.record), (Some(8), Some(3)));
    assert_eq!(warning.message, "expected at least 3 columns, found 2 columns");

    let err = import_err(rel, None, true);
    let message = err.to_string();
    assert!(
        message.contains("feodo-short-row.csv: line 8, record 3: expected at least 3 columns"),
        "{message}"
    );
}

#[test]
fn invalid_values_are_bad_records() {
    let rel = "csv/invalid/feodo-bad-values.csv";
    let (_, events, report) = import(rel, None);
    let event = single(&events);
    let values: Vec<&str> = event.attributes.iter().map(|a| a.value.as_str()).collect();
    assert_eq!(values, ["198.51.100.90|2223", "198.51.100.144|5000"]);
    assert_eq!(event.attributes[0].first_seen, None, "unreadable date left out");
    assert_eq!(report.counters.get("skipped records"), Some(&2));
    assert_eq!(report.counters.get("csv: unreadable dates"), Some(&1));
    let lines: Vec<_> =
        report.warnings.iter().map(|w| (w.position.line, w.position.record)).collect();
    assert_eq!(lines, [(Some(4), Some(1)), (Some(5), Some(2)), (Some(6), Some(3))]);
    assert!(report.warnings[0].message.contains("198.51.100.300"), "{}", report.warnings[0]);

    let err = import_err(rel, None, true);
    assert!(matches!(err.kind(), ErrorKind::Value(_)));
    assert_eq!(err.file(), Some(testdata(rel).as_path()));
    assert_eq!((err.position().line, err.position().record), (Some(4), Some(1)));
}

#[test]
fn misp_csv_bad_values() {
    let rel = "csv/invalid/misp-csv-bad-values.csv";
    let (_, events, report) = import(rel, None);
    let event = single(&events);
    assert_eq!(event.attributes.len(), 1);
    assert_eq!(event.attributes[0].uuid.to_string(), "0b5b9d41-4e5e-4f7e-9a4c-000000000004");
    assert_eq!(event.attributes[0].comment, "kept");
    assert_eq!(report.counters.get("skipped records"), Some(&3));
    let records: Vec<_> = report.warnings.iter().map(|w| w.position.record).collect();
    assert_eq!(records, [Some(1), Some(2), Some(3)]);
    assert!(report.warnings[2].message.contains("no-such-type"), "{}", report.warnings[2]);

    let message = import_err(rel, None, true).to_string();
    assert!(
        message.contains("misp-csv-bad-values.csv: line 2, record 1: invalid md5 value"),
        "{message}"
    );
}

#[test]
fn missing_value_column_is_an_error() {
    let rel = "csv/invalid/threatfox-no-value-column.csv";
    let err = import_csv(rel, &Preset::ThreatFox.layout(), false).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("threatfox-no-value-column.csv: line 2"), "{message}");
    assert!(message.contains("a column named \"ioc_value\""), "{message}");
}

#[test]
fn undetectable_layout_is_an_error() {
    let rel = "csv/invalid/no-indicators.csv";
    let err = import_err(rel, Some(Format::Csv), false);
    assert!(matches!(err.kind(), ErrorKind::UnknownFormat(_)));
    let message = err.to_string();
    assert!(message.contains("no-indicators.csv"), "{message}");
    assert!(message.contains("no CSV layout recognised"), "{message}");
    // Left to detection, it is text without indicators: no event, one warning.
    let (format, events, report) = import(rel, None);
    assert_eq!(format, Format::Freetext);
    assert!(events.is_empty());
    assert_eq!(report.warnings[0].message, "no indicators found");
}

// ---------------------------------------------------------------------------------------
// Freetext

#[test]
fn advisory_prose() {
    let rel = "freetext/valid/advisory-defanged.txt";
    let (format, events, report) = import(rel, None);
    assert_eq!(format, Format::Freetext);
    assert_no_warnings(&report);
    let event = single(&events);
    assert_eq!(event.info, "advisory-defanged.txt");
    let found: BTreeSet<(&str, &str)> =
        event.attributes.iter().map(|a| (a.attr_type.name(), a.value.as_str())).collect();
    let expected = BTreeSet::from([
        ("email", "billing@invoices-example.com"),
        ("url", "https://cdn.invoices-example.com/view/0412.php"),
        ("filename", "Invoice_0412.zip"),
        ("md5", "6f1ed002ab5595859014ebf0951522d9"),
        ("filename", "invoice_0412.js"),
        ("sha256", "75d8804b1ebe2f34d7a9c0a090405831bb855ff63df69fc721741e216bc0db94"),
        ("url", "http://203.0.113.77:8080/gate/stage2.bin"),
        ("hostname", "update-service.example.net"),
        ("ip-dst", "198.51.100.23"),
        ("ip-dst", "192.0.2.14"),
        ("vulnerability", "CVE-2023-36884"),
        ("domain", "invoices-example.com"),
        ("url", "https://cdn.invoices-example.com/view/"),
        ("ip-dst", "203.0.113.77"),
        ("email", "soc@example.org"),
    ]);
    assert_eq!(found, expected);
    assert_eq!(event.attributes.len(), expected.len(), "each indicator once");
    insta::assert_json_snapshot!("advisory_event", event);
}

#[test]
fn misp_freetext_feed() {
    let rel = "freetext/valid/misp-core-3x/misp-core-3x-freetext-feed.txt";
    let (format, events, _) = import(rel, None);
    assert_eq!(format, Format::Freetext);
    let values: Vec<&str> = single(&events).attributes.iter().map(|a| a.value.as_str()).collect();
    assert_eq!(values, ["8.8.8.8", "8.8.4.4"]);
}

#[test]
fn freetext_comments_and_options() {
    let text = "# header 10.0.0.1\n// also 10.0.0.2\n10.0.0.3 # scanner 10.0.0.4\n10.0.0.3\n";
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options::default());
    let options = iocdb_import::feed::FeedOptions::named("list");
    decode_freetext(text.as_bytes(), &options, &mut ctx).unwrap();
    let event = single(&sink.0);
    let values: Vec<&str> = event.attributes.iter().map(|a| a.value.as_str()).collect();
    assert_eq!(values, ["10.0.0.3"]);
    assert_eq!(event.info, "list");
}

#[test]
fn extract_indicators_from_a_log_line() {
    let line =
        "2024-03-27 fw1 DENY tcp 10.1.2.3:51234 -> 203.0.113.77:8080 host=evil[.]example.com";
    let found: Vec<(String, String)> =
        extract_indicators(line).into_iter().map(|(t, v)| (t.name().to_owned(), v)).collect();
    let found: Vec<(&str, &str)> = found.iter().map(|(t, v)| (t.as_str(), v.as_str())).collect();
    assert_eq!(
        found,
        [
            ("ip-dst|port", "10.1.2.3|51234"),
            ("ip-dst|port", "203.0.113.77|8080"),
            ("hostname", "evil.example.com")
        ]
    );
}

#[test]
fn empty_and_binary_inputs_are_unrecognised() {
    for rel in ["freetext/invalid/empty.txt", "freetext/invalid/binary.bin"] {
        let err = import_err(rel, None, false);
        assert!(matches!(err.kind(), ErrorKind::UnknownFormat(_)), "{rel}: {err}");
        assert!(err.to_string().contains(rel.rsplit('/').next().unwrap()), "{err}");
    }
}

// ---------------------------------------------------------------------------------------
// Layouts and presets

#[test]
fn preset_names_round_trip() {
    for preset in Preset::all() {
        assert_eq!(Preset::from_name(preset.name()), Some(*preset));
        assert_eq!(preset.layout().feed.event_info, preset.name());
    }
    assert_eq!(Preset::from_name("ThreatFox"), Some(Preset::ThreatFox));
    assert_eq!(Preset::from_name("nope"), None);
}

#[test]
fn presets_are_detected_from_headers() {
    let cases = [
        (FEODO, Some(Preset::FeodoTracker)),
        ("csv/valid/abusech-sslbl/sslblacklist-head200.csv", Some(Preset::Sslbl)),
        ("csv/valid/synthetic/urlhaus.csv", Some(Preset::Urlhaus)),
        ("csv/valid/synthetic/threatfox.csv", Some(Preset::ThreatFox)),
        ("csv/valid/synthetic/malwarebazaar.csv", Some(Preset::MalwareBazaar)),
        (MISP_CSV, Some(Preset::MispCsv)),
        ("csv/valid/ipsum/ipsum-head200.txt", Some(Preset::Blocklist)),
        ("csv/valid/unit42/iran_linked_operators_APT33.csv", Some(Preset::TypeIndicator)),
        ("csv/valid/fireeye-red-team-hashes/all-hashes-head50.csv", Some(Preset::Hashes)),
        ("csv/valid/unit42/squirtdanger_squirtdanger_c2.csv", None),
        ("freetext/valid/advisory-defanged.txt", None),
    ];
    for (rel, expected) in cases {
        let head = std::fs::read(testdata(rel)).unwrap();
        assert_eq!(detect_preset(&head), expected, "{rel}");
    }
}

#[test]
fn inferred_layout_of_a_headed_table() {
    let head = b"First Seen,SHA256,Size,C2\n2018-01-27 17:06:56,e036669e7be299c75811e1fe41b2fd1fa44bc6ee2d3e808e29e510afa1cddb4c,1024,evil.example.com\n";
    let layout = infer_layout(head).unwrap();
    assert!(layout.has_header);
    assert_eq!(layout.delimiter, b',');
    let columns: Vec<_> = layout.values.iter().map(|v| v.column.clone()).collect();
    assert_eq!(columns, [1.into(), 3.into()]);
    assert!(layout.values.iter().all(|v| v.attr_type == TypeSource::Infer));
    assert_eq!(layout.first_seen, Some(0.into()));
    assert_eq!(infer_layout(b"name,size\nalpha,1\nbeta,2\n"), None);
    assert_eq!(infer_layout(b"just one value per line\nevil.example.com\n"), None);
}

#[test]
fn custom_layout_by_index() {
    let text = "evil.example.com;malware;2024-01-02\n198.51.100.7;c2;2024-01-03\n";
    let mut layout = CsvLayout::single(0, TypeSource::Infer);
    layout.delimiter = b';';
    layout.tags = vec![iocdb_import::feed::TagColumn {
        prefix: "kind:".into(),
        ..iocdb_import::feed::TagColumn::new(1)
    }];
    layout.first_seen = Some(2.into());
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options { strict: true });
    decode_csv(text.as_bytes(), &layout, &mut ctx).unwrap();
    let event = single(&sink.0);
    assert_eq!(tags(find(event, "evil.example.com")), ["kind:malware"]);
    let ip = find(event, "198.51.100.7");
    assert_eq!(ip.attr_type.name(), "ip-dst");
    assert_eq!(rfc(ip.first_seen).as_deref(), Some("2024-01-03T00:00:00Z"));
}

#[test]
fn same_content_same_event_whatever_the_order() {
    let layout = Preset::Blocklist.layout();
    let decode = |text: &str| {
        let mut sink = VecSink::default();
        let mut ctx = Context::new(&mut sink, Options::default());
        decode_csv(text.as_bytes(), &layout, &mut ctx).unwrap();
        sink.0.remove(0)
    };
    let a = decode("198.51.100.1\n198.51.100.2\n");
    let b = decode("198.51.100.2\n198.51.100.1\n198.51.100.2\n");
    assert_eq!(a.uuid, b.uuid);
    assert_eq!(find(&a, "198.51.100.1").uuid, find(&b, "198.51.100.1").uuid);
    let c = decode("198.51.100.1\n");
    assert_ne!(a.uuid, c.uuid);
}

#[test]
fn decoders_survive_arbitrary_bytes() {
    let inputs: [&[u8]; 8] = [
        b"",
        b"\xEF\xBB\xBF",
        b"#",
        b"\"unterminated,\n\"quote",
        b"a,b\n\xff\xfe,\x00\n",
        b"\"x\", \"y\", \"",
        b"[\x80(\xe2\x82",
        b"\n\n\r\r,,,;;;\t\t\t",
    ];
    for input in inputs {
        for preset in Preset::all() {
            let mut sink = VecSink::default();
            let mut ctx = Context::new(&mut sink, Options::default());
            let _ = decode_csv(input, &preset.layout(), &mut ctx);
        }
        let mut sink = VecSink::default();
        let mut ctx = Context::new(&mut sink, Options::default());
        let _ = decode_freetext(input, &Default::default(), &mut ctx);
        let _ = detect_preset(input);
        let _ = infer_layout(input);
        let _ = iocdb_import::detect_format(None, input);
    }
}

// ---------------------------------------------------------------------------------------
// Detection over every format's fixtures

/// Files that are not fixtures: licences and notes.
fn is_fixture(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy().to_lowercase();
    !(name.starts_with("license")
        || name.starts_with("readme")
        || name.starts_with("notice")
        || name.ends_with(".md")
        || name.ends_with(".gz")
        || name.ends_with(".snap"))
}

/// Every fixture file under `dir`, and every MISP feed directory (holding manifest.json).
fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    if dir.join("manifest.json").is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    let mut entries: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            fixtures(&path, out);
        } else if is_fixture(&path) {
            out.push(path);
        }
    }
}

#[test]
fn detection_over_every_valid_fixture() {
    let expected = [
        ("stix", Format::Stix),
        ("openioc", Format::OpenIoc),
        ("misp", Format::Misp),
        ("warninglists", Format::Warninglist),
        ("csv", Format::Csv),
        ("freetext", Format::Freetext),
    ];
    let mut failures = Vec::new();
    let mut checked = 0;
    for (dir, format) in expected {
        let mut files = Vec::new();
        fixtures(&testdata(&format!("{dir}/valid")), &mut files);
        for path in files {
            let expected = if path.is_dir() { Format::MispFeed } else { format };
            let detected = detect_file(&path).unwrap();
            checked += 1;
            if detected != Some(expected) {
                failures.push(format!("{}: {detected:?}, expected {expected}", path.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} misdetected:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 30, "only {checked} fixtures found");
}

#[test]
fn misp_feed_directory_and_its_manifest() {
    let dir = std::env::temp_dir().join(format!("iocdb-feed-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let uuid = "5d1b9a8e-6c1f-4e0b-9a57-1f0c3e1a6b42";
    let manifest = format!(
        r#"{{"{uuid}": {{"info": "feed event", "date": "2024-03-27", "timestamp": "1711497600", "analysis": "0", "threat_level_id": "4", "Orgc": {{"name": "ORG"}}, "Tag": []}}}}"#
    );
    let event = format!(
        r#"{{"Event": {{"uuid": "{uuid}", "info": "feed event", "date": "2024-03-27", "timestamp": "1711497600", "Attribute": [{{"uuid": "6d1b9a8e-6c1f-4e0b-9a57-1f0c3e1a6b42", "type": "ip-dst", "category": "Network activity", "value": "198.51.100.9", "to_ids": true, "timestamp": "1711497600"}}]}}}}"#
    );
    std::fs::write(dir.join("manifest.json"), manifest).unwrap();
    std::fs::write(dir.join(format!("{uuid}.json")), event).unwrap();
    for path in [dir.clone(), dir.join("manifest.json")] {
        assert_eq!(detect_file(&path).unwrap(), Some(Format::MispFeed), "{}", path.display());
        let mut sink = VecSink::default();
        let mut ctx = Context::new(&mut sink, Options { strict: true });
        let format = decode_path(&path, None, &mut ctx).unwrap();
        assert_eq!(format, Format::MispFeed);
        let event = single(&sink.0);
        assert_eq!(event.uuid.to_string(), uuid);
        assert_eq!(event.attributes[0].value, "198.51.100.9");
    }
    // A directory without a manifest is not a format.
    std::fs::remove_file(dir.join("manifest.json")).unwrap();
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options::default());
    let err = decode_path(&dir, None, &mut ctx).unwrap_err();
    assert!(err.to_string().contains("no manifest.json"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn warninglists_are_not_events() {
    let list = br#"{"name": "x", "version": 1, "description": "d", "matching_attributes": ["ip-dst"], "type": "cidr", "list": ["10.0.0.0/8"]}"#;
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options::default());
    let err = iocdb_import::decode_reader(&list[..], None, Some(Path::new("list.json")), &mut ctx)
        .unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with("list.json: expected events"), "{message}");
    assert!(message.contains("decode_warninglist"), "{message}");
}

#[test]
fn streams_are_detected_too() {
    let text = "Beacon to hxxp://evil[.]example[.]com/gate and 198.51.100.4.\n";
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options::default());
    let format = iocdb_import::decode_reader(text.as_bytes(), None, None, &mut ctx).unwrap();
    assert_eq!(format, Format::Freetext);
    let event = single(&sink.0);
    assert_eq!(event.info, "<stdin>");
    let values: Vec<&str> = event.attributes.iter().map(|a| a.value.as_str()).collect();
    assert_eq!(values, ["http://evil.example.com/gate", "198.51.100.4"]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// No input makes the feed decoders or detection panic: bytes drawn mostly from the
    /// characters CSV, comments and indicators are made of, plus invalid UTF-8.
    #[test]
    fn feed_decoders_never_panic(input in proptest::collection::vec(
        proptest::prop_oneof![
            proptest::sample::select(b",\"#\n\r\t :|.[]/-=0129afAF@\xef\xbb\xbf\xff\xa0".to_vec()),
            proptest::num::u8::ANY,
        ],
        0..400,
    )) {
        for preset in Preset::all() {
            let mut sink = VecSink::default();
            let mut ctx = Context::new(&mut sink, Options::default());
            let _ = decode_csv(input.as_slice(), &preset.layout(), &mut ctx);
        }
        let mut sink = VecSink::default();
        let mut ctx = Context::new(&mut sink, Options::default());
        let _ = decode_freetext(input.as_slice(), &Default::default(), &mut ctx);
        if let Some(layout) = infer_layout(&input) {
            let mut sink = VecSink::default();
            let mut ctx = Context::new(&mut sink, Options::default());
            let _ = decode_csv(input.as_slice(), &layout, &mut ctx);
        }
        let _ = detect_preset(&input);
        let _ = iocdb_import::detect_format(None, &input);
    }
}
