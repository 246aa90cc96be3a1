//! MISP JSON events, feed directories, warninglists and the MISP JSON export, on the real
//! fixtures of `testdata/misp` and `testdata/warninglists`.

#![allow(clippy::unwrap_used)]

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use iocdb_import::export::misp::{write_event, write_events};
use iocdb_import::{Context, ErrorKind, ImportError, Options, Report, VecSink, misp};
use iocdb_model::{
    Analysis, AttrType, Distribution, Event, SightingKind, ThreatLevel, Timestamp, WarninglistType,
};
use serde_json::Value;

/// A fixture under the workspace's `testdata/`.
fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata").join(rel)
}

/// What a decoder produced: events, report, and the error if it stopped.
struct Decoded {
    events: Vec<Event>,
    report: Report,
    result: Result<(), ImportError>,
}

/// Decodes a MISP JSON file.
fn decode_file(rel: &str, strict: bool) -> Decoded {
    let path = data(rel);
    let input = BufReader::new(File::open(&path).unwrap());
    decode_with(|ctx| misp::decode(input, ctx), Some(&path), strict)
}

/// Decodes in-memory MISP JSON.
fn decode_bytes(bytes: &[u8], strict: bool) -> Decoded {
    decode_with(|ctx| misp::decode(bytes, ctx), None, strict)
}

/// Decodes a feed directory.
fn decode_feed(rel: &str, strict: bool) -> Decoded {
    let path = data(rel);
    decode_with(|ctx| misp::decode_feed_dir(&path, ctx), None, strict)
}

fn decode_with(
    run: impl FnOnce(&mut Context<'_>) -> Result<(), ImportError>,
    file: Option<&Path>,
    strict: bool,
) -> Decoded {
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options { strict });
    ctx.set_file(file);
    let result = run(&mut ctx);
    let report = ctx.report;
    Decoded { events: sink.0, report, result }
}

/// Decodes a valid fixture, asserting success and that no record was skipped.
fn decode_ok(rel: &str) -> Decoded {
    let decoded = decode_file(rel, true);
    if let Err(err) = &decoded.result {
        panic!("{rel}: {err}");
    }
    decoded
}

/// The event objects of a MISP JSON document, found independently of the decoder.
fn json_events(path: &Path) -> Vec<Value> {
    let doc: Value = serde_json::from_reader(BufReader::new(File::open(path).unwrap())).unwrap();
    let unwrap = |v: &Value| v.get("Event").cloned().unwrap_or_else(|| v.clone());
    match &doc {
        Value::Array(items) => items.iter().map(unwrap).collect(),
        Value::Object(map) if map.contains_key("response") => {
            doc["response"].as_array().unwrap().iter().map(unwrap).collect()
        }
        _ => vec![unwrap(&doc)],
    }
}

/// Attributes of an event object, counted with serde_json: its own and its objects'.
fn json_attribute_count(event: &Value) -> usize {
    let own = event["Attribute"].as_array().map_or(0, Vec::len);
    let objects = event["Object"].as_array().map_or(&[][..], Vec::as_slice);
    own + objects.iter().map(|o| o["Attribute"].as_array().map_or(0, Vec::len)).sum::<usize>()
}

/// Asserts the decoder's counts agree with serde_json's on `rel`.
fn assert_counts_agree(rel: &str, decoded: &Decoded) {
    let events = json_events(&data(rel));
    assert_eq!(decoded.events.len(), events.len(), "{rel}: events");
    for (event, json) in decoded.events.iter().zip(&events) {
        assert_eq!(event.attributes.len(), json_attribute_count(json), "{rel}: {}", event.info);
        assert_eq!(event.uuid.to_string(), json["uuid"].as_str().unwrap(), "{rel}");
    }
    let total: usize = events.iter().map(json_attribute_count).sum();
    assert_eq!(decoded.report.attributes, total as u64, "{rel}: report");
}

/// Exports the events as a restSearch collection and imports them again.
fn round_trip(events: &[Event]) -> Vec<Event> {
    let mut out = Vec::new();
    write_events(events, &mut out).unwrap();
    let again = decode_bytes(&out, true);
    again.result.unwrap();
    again.events
}

fn attr<'e>(event: &'e Event, value: &str) -> &'e iocdb_model::Attribute {
    let found = event.attributes.iter().find(|a| a.value == value);
    found.unwrap_or_else(|| panic!("no attribute {value:?} in {}", event.info))
}

fn tag_names(tags: &[iocdb_model::Tag]) -> Vec<&str> {
    tags.iter().map(|t| t.name.as_str()).collect()
}

// ---------------------------------------------------------------- valid events

#[test]
fn eset_sshdoor_akiva_event_envelope() {
    let rel = "misp/valid/eset/sshdoor_akiva.json";
    let decoded = decode_ok(rel);
    assert_counts_agree(rel, &decoded);
    let event = &decoded.events[0];
    assert_eq!(event.uuid.to_string(), "5bad262f-c810-4775-9e84-4a7d0a016219");
    assert_eq!(event.info, "SSHDoor : Akiva");
    assert_eq!(event.date, Some(Timestamp::parse("2018-09-27").unwrap()));
    assert_eq!(event.timestamp, Some(Timestamp::from_unix_seconds(1_539_269_704)));
    assert_eq!(event.publish_timestamp, None, "publish_timestamp 0 is never");
    assert_eq!(event.threat_level, ThreatLevel::Undefined);
    assert_eq!(event.distribution, Distribution::All);
    assert!(!event.published);
    let orgc = event.orgc.as_ref().unwrap();
    assert_eq!(orgc.name, "ESET");
    assert_eq!(orgc.uuid.unwrap().to_string(), "55f6ea5e-51ac-4344-bc8c-4170950d210f");
    assert_eq!(event.tags.len(), 1);
    assert_eq!(event.tags[0].name, "SSHDoor");
    assert_eq!(event.tags[0].colour.as_deref(), Some("#000000"));
    let sha1 = attr(event, "f7d9159b6f3eeff0cfc6626d665bc781a2b012df");
    assert_eq!(sha1.attr_type.name(), "sha1");
    assert_eq!(sha1.category.name(), "Artifacts dropped");
    assert_eq!(sha1.uuid.to_string(), "5bad2674-55b0-4508-8c71-50d60a016219");
    assert_eq!(sha1.timestamp, Some(Timestamp::from_unix_seconds(1_538_074_228)));
    assert!(!sha1.to_ids);
    assert_eq!(attr(event, "/usr/local/include/uconf.h").attr_type.name(), "filename");
    assert!(decoded.report.warnings.is_empty(), "{:?}", decoded.report.warnings);
    insta::assert_json_snapshot!("eset_sshdoor_akiva", event);
}

#[test]
fn eset_sednit_zebrocy_rest_search_with_composites_and_galaxy() {
    let rel = "misp/valid/eset/sednit__2018-11-20_Zebrocy.json";
    let decoded = decode_ok(rel);
    assert_counts_agree(rel, &decoded);
    let event = &decoded.events[0];
    assert_eq!(event.info, "Zebrocy blogpost November 2018");
    // The galaxy cluster's tag is also in Tag: kept once.
    assert_eq!(tag_names(&event.tags), ["misp-galaxy:threat-actor=\"Sofacy\""]);
    let composite = attr(
        event,
        "SCANPASS_QXWEGRFGCVT_323803488900X_jpeg.exe|7768fd2812ceff05db8f969a7bed1de5615bfc5a",
    );
    assert_eq!(composite.attr_type.name(), "filename|sha1");
    let keys: Vec<String> = composite.correlation_keys().collect();
    assert_eq!(keys.len(), 2, "both halves of filename|sha1 correlate");
    let composites = event.attributes.iter().filter(|a| a.attr_type.is_composite()).count();
    assert_eq!(composites, 15);
    assert_eq!(attr(event, "karakos3232@seznam.cz").attr_type.name(), "email-src");
}

#[test]
fn eset_cloudmensis_objects_only() {
    let rel = "misp/valid/eset/cloudmensis__cloudmensis.misp.json";
    let decoded = decode_ok(rel);
    assert_counts_agree(rel, &decoded);
    let event = &decoded.events[0];
    assert_eq!(event.info, "CloudMensis");
    assert_eq!(event.tags.len(), 13);
    assert_eq!(event.objects.len(), 8);
    assert_eq!(event.attributes.len(), 22);
    let first = &event.objects[0];
    assert_eq!(first.name, "av-signature");
    assert_eq!(first.uuid.to_string(), "7ec7d3c0-beee-42d8-ae11-1a9017ab4feb");
    let signature = attr(event, "OSX/Agent.BW");
    let object = signature.object.as_ref().unwrap();
    assert_eq!(object.uuid, first.uuid);
    assert_eq!(object.relation, "signature");
    // Every attribute points to an object of the event.
    for a in &event.attributes {
        let object = a.object.as_ref().unwrap();
        assert!(event.objects.iter().any(|o| o.uuid == object.uuid), "{}", a.value);
    }
    let per_object: Vec<usize> = event
        .objects
        .iter()
        .map(|o| {
            event.attributes.iter().filter(|a| a.object.as_ref().unwrap().uuid == o.uuid).count()
        })
        .collect();
    assert_eq!(per_object, [2, 2, 4, 2, 4, 2, 4, 2]);
    assert!(event.reports.is_empty());
}

#[test]
fn eset_oceanlotus_macos_galaxy_tags() {
    let rel = "misp/valid/eset/oceanlotus__oceanlotus-macOS.misp.event.json";
    let decoded = decode_ok(rel);
    assert_counts_agree(rel, &decoded);
    let event = &decoded.events[0];
    let galaxy: Vec<&str> =
        tag_names(&event.tags).into_iter().filter(|t| t.starts_with("misp-galaxy:")).collect();
    assert_eq!(galaxy.len(), 8);
    assert!(galaxy.contains(&"misp-galaxy:mitre-attack-pattern=\"Timestomp - T1099\""));
}

#[test]
fn eset_signsight_first_and_last_seen() {
    let rel = "misp/valid/eset/signsight__signsight-misp-event.json";
    let decoded = decode_ok(rel);
    assert_counts_agree(rel, &decoded);
    let event = &decoded.events[0];
    let msi = attr(event, "https://ca.gov.vn/documents/20182/6768590/gca01-client-v2-x64-8.3.msi");
    assert_eq!(msi.first_seen, Some(Timestamp::parse("2020-07-22T22:00:00Z").unwrap()));
    assert_eq!(msi.last_seen, Some(Timestamp::parse("2020-08-15T22:00:00Z").unwrap()));
    let with_times = event.attributes.iter().filter(|a| a.first_seen.is_some()).count();
    assert_eq!(with_times, 2);
}

#[test]
fn misp_core_regin_event() {
    let rel = "misp/valid/misp-core-tests/event.json";
    let decoded = decode_ok(rel);
    assert_counts_agree(rel, &decoded);
    let event = &decoded.events[0];
    assert_eq!(event.info, "OSINT - F-Secure W32/Regin, Stage #1");
    assert_eq!(event.threat_level, ThreatLevel::High);
    assert_eq!(event.analysis, Analysis::Complete);
    assert!(event.published);
    assert_eq!(event.publish_timestamp, Some(Timestamp::from_unix_seconds(1_418_217_647)));
    assert_eq!(event.orgc.as_ref().unwrap().name, "CIRCL");
    assert_eq!(attr(event, "abiosdsk.sys").category.name(), "Artifacts dropped");
    assert_eq!(event.attributes.len(), 38);
}

#[test]
fn misp_stix_events_collection_1() {
    let rel = "misp/valid/misp-stix-tests/test_events_collection_1.json";
    let decoded = decode_ok(rel);
    assert_counts_agree(rel, &decoded);
    assert_eq!(decoded.events.len(), 2);
}

#[test]
fn misp_stix_events_collection_2_domain_ip() {
    let rel = "misp/valid/misp-stix-tests/test_events_collection_2.json";
    let decoded = decode_ok(rel);
    assert_counts_agree(rel, &decoded);
    let domain_ip = decoded
        .events
        .iter()
        .flat_map(|e| &e.attributes)
        .find(|a| a.attr_type.name() == "domain|ip");
    let domain_ip = domain_ip.unwrap();
    assert_eq!(domain_ip.value, "circl.lu|149.13.33.14");
    assert!(domain_ip.to_ids);
    assert_eq!(domain_ip.comment, "Domain|ip test attribute");
}

#[test]
fn handmade_sightings_deleted_objects_reports() {
    let rel = "misp/valid/handmade/sightings-deleted-objects.json";
    let decoded = decode_file(rel, false);
    decoded.result.as_ref().unwrap();
    assert_counts_agree(rel, &decoded);
    let event = &decoded.events[0];
    assert_eq!(event.analysis, Analysis::Ongoing, "analysis given as a number");
    assert_eq!(event.distribution, Distribution::Organisation);
    assert_eq!(event.threat_level, ThreatLevel::Medium);
    assert!(event.published, "published given as \"1\"");
    assert_eq!(event.publish_timestamp, Some(Timestamp::from_unix_seconds(1_711_495_900)));
    // Tags: a repeated tag kept once (first colour), the galaxy cluster already in Tag kept
    // once, a cluster without tag_name named from its galaxy type.
    assert_eq!(
        tag_names(&event.tags),
        [
            "tlp:green",
            "misp-galaxy:threat-actor=\"APT28\"",
            "misp-galaxy:mitre-attack-pattern=\"Phishing - T1566\"",
        ]
    );
    assert_eq!(event.tags[0].colour.as_deref(), Some("#33FF00"));

    let ip = attr(event, "198.51.100.7");
    assert!(ip.to_ids);
    assert_eq!(tag_names(&ip.tags), ["kill-chain:Command and Control"]);
    let sightings: Vec<(SightingKind, Option<&str>, i64)> = ip
        .sightings
        .iter()
        .map(|s| (s.kind, s.source.as_deref(), s.timestamp.unix_seconds()))
        .collect();
    assert_eq!(
        sightings,
        [
            (SightingKind::Seen, Some("CIRCL"), 1_711_495_815),
            (SightingKind::FalsePositive, Some("honeypot-7"), 1_711_582_215),
            (SightingKind::Expiration, None, 1_711_668_615),
        ]
    );

    // Deleted attributes are kept, flagged, with their normalised value.
    let domain = attr(event, "evil.example.com");
    assert!(domain.deleted);
    assert_eq!(domain.correlation_keys().count(), 0);

    let md5 = attr(event, "d41d8cd98f00b204e9800998ecf8427e");
    assert!(md5.disable_correlation);
    assert_eq!(md5.first_seen, Some(Timestamp::parse("2024-03-01").unwrap()));
    assert_eq!(md5.last_seen.unwrap().as_micros() % 1_000_000, 500_000);

    // No uuid: a derived one; unknown category: the type's default, with a warning.
    let url = attr(event, "http://evil.example.com/gate.php");
    assert_eq!(url.category, AttrType::from_name("url").unwrap().default_category());
    let warning = decoded.report.warnings.iter().find(|w| w.message.contains("Not a category"));
    let warning = warning.unwrap();
    assert_eq!(warning.position.pointer.as_deref(), Some("/Event/Attribute/3/category"));
    let again = decode_file(rel, false);
    assert_eq!(attr(&again.events[0], "http://evil.example.com/gate.php").uuid, url.uuid);
    assert_eq!(again.events, decoded.events, "importing twice gives the same events");

    // A deleted object's attributes are flagged deleted; the other object's are not.
    assert_eq!(event.objects.len(), 2);
    assert!(attr(event, "c2.example.net").deleted);
    assert!(attr(event, "203.0.113.9").deleted);
    let exe = attr(event, "invoice.pdf.exe");
    assert!(!exe.deleted);
    assert!(exe.disable_correlation, "disable_correlation given as \"1\"");
    assert_eq!(exe.object.as_ref().unwrap().relation, "filename");
    let sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assert_eq!(attr(event, sha256).category.name(), "Payload delivery", "type default");

    assert_eq!(event.reports.len(), 1);
    assert_eq!(event.reports[0].name, "Summary");
    let counters = &decoded.report.counters;
    assert_eq!(counters.get("misp: attachment data not kept"), Some(&1));
    assert_eq!(counters.get("misp: object references not kept"), Some(&1));
    assert_eq!(counters.get("misp: deleted event reports dropped"), Some(&1));
    assert_eq!(counters.get("misp: deleted attributes (kept, flagged)"), Some(&3));
    assert_eq!(counters.get("skipped records"), None);
    insta::assert_json_snapshot!("handmade_sightings_deleted_objects", event);
}

#[test]
fn bare_event_and_top_level_array() {
    let path = data("misp/invalid/bad-ip-dst.json");
    let doc: Value = serde_json::from_reader(File::open(path).unwrap()).unwrap();
    let bare = serde_json::to_vec(&doc["Event"]).unwrap();
    let decoded = decode_bytes(&bare, false);
    assert_eq!(decoded.events.len(), 1);
    assert_eq!(decoded.report.warnings[0].position.pointer.as_deref(), Some("/Attribute/2/value"));

    let array = serde_json::to_vec(&Value::Array(vec![doc.clone(), doc])).unwrap();
    let decoded = decode_bytes(&array, false);
    assert_eq!(decoded.events.len(), 2);
    let pointers: Vec<_> =
        decoded.report.warnings.iter().map(|w| w.position.pointer.clone().unwrap()).collect();
    assert_eq!(pointers, ["/0/Event/Attribute/2/value", "/1/Event/Attribute/2/value"]);
}

// ---------------------------------------------------------------- feeds

#[test]
fn feed_eset_derived_trimmed_with_hashes_csv() {
    let rel = "misp/valid/feeds/eset-derived-trimmed";
    let decoded = decode_feed(rel, true);
    decoded.result.as_ref().unwrap();
    let uuids: Vec<String> = decoded.events.iter().map(|e| e.uuid.to_string()).collect();
    assert_eq!(
        uuids,
        [
            "50c22e72-d95e-4ac9-a5d3-5ed05246d239",
            "5908888b-0154-4a69-b0b2-72090a016219",
            "5bad262f-c810-4775-9e84-4a7d0a016219",
        ],
        "manifest entries in uuid order"
    );
    let mut expected_attributes = 0;
    for event in &decoded.events {
        let file = data(&format!("{rel}/{}.json", event.uuid));
        let json = &json_events(&file)[0];
        assert_eq!(event.attributes.len(), json_attribute_count(json), "{}", event.uuid);
        expected_attributes += json_attribute_count(json) as u64;
    }
    assert_eq!(decoded.report.attributes, expected_attributes);
    // The same event as the ESET original, re-serialised by PyMISP's feed tooling.
    let akiva = decode_ok("misp/valid/eset/sshdoor_akiva.json").events.remove(0);
    let feed_akiva = &decoded.events[2];
    assert_eq!(feed_akiva.attributes, akiva.attributes);
    assert_eq!(feed_akiva.tags, akiva.tags);

    let lines = std::fs::read_to_string(data(&format!("{rel}/hashes.csv"))).unwrap();
    let distinct: std::collections::HashSet<&str> = lines.lines().collect();
    let counters = &decoded.report.counters;
    assert_eq!(counters.get("misp feed: hashes.csv lines"), Some(&(lines.lines().count() as u64)));
    assert_eq!(
        counters.get("misp feed: hashes.csv entries matching their event"),
        Some(&(distinct.len() as u64))
    );
    assert_eq!(
        counters.get("misp feed: hashes.csv entries matching no value of their event"),
        None
    );
    assert_eq!(counters.get("misp feed: event values not listed in hashes.csv"), None);
    assert!(decoded.report.warnings.is_empty(), "{:?}", decoded.report.warnings);
}

#[test]
fn feed_misp_core_3x_testfeed_without_hashes() {
    let decoded = decode_feed("misp/valid/feeds/misp-core-3x-testfeed", true);
    decoded.result.as_ref().unwrap();
    assert_eq!(decoded.events.len(), 1);
    let event = &decoded.events[0];
    assert_eq!(event.uuid.to_string(), "56bf399d-c46c-4fdb-a9cf-d9bb02de0b81");
    assert_eq!(event.info, "OSINT - Hunting for Malware with Machine Learning");
    assert_eq!(tag_names(&event.tags), ["type:OSINT", "tlp:white"]);
    assert_eq!(event.attributes.len(), 1);
    assert!(!decoded.report.counters.keys().any(|k| k.contains("hashes.csv")));
}

#[test]
fn feed_manifest_key_escaping_the_directory_is_refused() {
    let rel = "misp/invalid/feed-path-escape";
    let strict = decode_feed(rel, true);
    let err = strict.result.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::UnsafePath(key) if key == "../../etc/passwd"), "{err}");
    assert!(err.file().unwrap().ends_with("feed-path-escape/manifest.json"), "{err}");
    assert_eq!(err.position().pointer.as_deref(), Some("/..~1..~1etc~1passwd"));
    assert!(strict.events.is_empty());

    let lenient = decode_feed(rel, false);
    lenient.result.unwrap();
    assert_eq!(lenient.events.len(), 1, "the valid entry is still imported");
    assert_eq!(lenient.report.counters.get("skipped records"), Some(&1));
    assert!(lenient.report.warnings[0].message.contains("would leave the feed directory"));
}

#[test]
fn feed_manifest_key_not_a_uuid_is_refused() {
    let decoded = decode_feed("misp/invalid/feed-non-uuid-key", true);
    let err = decoded.result.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Expected { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("manifest.json: at /not-a-uuid: expected an event uuid"), "{message}");
    assert!(message.contains("\"not-a-uuid\""), "{message}");
}

#[test]
fn feed_missing_event_file_names_the_manifest_entry() {
    let rel = "misp/invalid/feed-missing-event";
    let decoded = decode_feed(rel, true);
    let err = decoded.result.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Io(_)), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("manifest.json: at /0b3c5a8e-1f2d-4c6b-9e7a-2d4f6a8b0c24"),
        "{message}"
    );
    assert!(message.contains("0b3c5a8e-1f2d-4c6b-9e7a-2d4f6a8b0c24.json"), "{message}");

    let lenient = decode_feed(rel, false);
    lenient.result.unwrap();
    assert!(lenient.events.is_empty());
    assert_eq!(lenient.report.counters.get("skipped records"), Some(&1));
}

// ---------------------------------------------------------------- invalid events

#[test]
fn truncated_json_names_file_and_line() {
    let rel = "misp/invalid/truncated-sshdoor_akiva.json";
    let last_line = std::fs::read(data(rel)).unwrap().iter().filter(|b| **b == b'\n').count() + 1;
    for strict in [true, false] {
        let decoded = decode_file(rel, strict);
        let err = decoded.result.unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Json(_)), "{err}");
        assert!(err.file().unwrap().ends_with("truncated-sshdoor_akiva.json"));
        assert_eq!(err.position().line, Some(last_line as u64), "{err}");
        assert!(err.to_string().contains("EOF while parsing"), "{err}");
        assert!(decoded.events.is_empty());
    }
}

#[test]
fn trailing_comma_like_the_eset_pypi_event() {
    let decoded = decode_file("misp/invalid/trailing-comma.json", false);
    let err = decoded.result.unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("trailing-comma.json: line 4: invalid JSON: trailing comma"),
        "{message}"
    );
}

#[test]
fn bad_ip_dst_value_is_a_bad_record_at_its_pointer() {
    let rel = "misp/invalid/bad-ip-dst.json";
    let strict = decode_file(rel, true);
    let err = strict.result.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err.kind(), ErrorKind::Value(_)), "{message}");
    assert!(
        message.contains(
            "bad-ip-dst.json: at /Event/Attribute/2/value: invalid ip-dst value \"999.1.2.3\""
        ),
        "{message}"
    );
    assert!(strict.events.is_empty(), "strict mode emits nothing of the bad event");

    let lenient = decode_file(rel, false);
    lenient.result.unwrap();
    let values: Vec<&str> = lenient.events[0].attributes.iter().map(|a| a.value.as_str()).collect();
    assert_eq!(values, ["192.0.2.1", "example.org", "192.0.2.2"]);
    assert_eq!(lenient.report.counters.get("skipped records"), Some(&1));
    let warning = &lenient.report.warnings[0];
    assert_eq!(warning.position.pointer.as_deref(), Some("/Event/Attribute/2/value"));
    assert!(warning.message.contains("999.1.2.3"));
}

#[test]
fn unknown_type_in_an_object_of_a_collection() {
    let rel = "misp/invalid/unknown-type.json";
    let strict = decode_file(rel, true);
    let err = strict.result.unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("at /response/1/Event/Object/0/Attribute/0/type: expected a MISP attribute type, found unknown type \"ip-destination\""),
        "{message}"
    );
    assert_eq!(strict.events.len(), 1, "the first event was emitted before the bad one");

    let lenient = decode_file(rel, false);
    lenient.result.unwrap();
    assert_eq!(lenient.events.len(), 2);
    let second = &lenient.events[1];
    assert_eq!(second.attributes.len(), 1);
    assert_eq!(second.attributes[0].attr_type.name(), "port");
    assert_eq!(second.attributes[0].object.as_ref().unwrap().relation, "dst-port");
}

#[test]
fn attribute_search_result_is_not_an_event() {
    let decoded =
        decode_file("misp/invalid/misp-stix-tests/test_attributes_collection_1.json", false);
    let err = decoded.result.unwrap_err();
    let message = err.to_string();
    assert!(message.contains("test_attributes_collection_1.json: at /response: expected an array of MISP events, found an attribute or object search result"), "{message}");
}

#[test]
fn other_json_is_refused_with_what_was_found() {
    let decoded = decode_bytes(br#"{"type": "bundle", "id": "bundle--1", "objects": []}"#, false);
    let message = decoded.result.unwrap_err().to_string();
    let expected = "<input>: expected a MISP event ({\"Event\": {…}}, an event object, an array of events or {\"response\": [...]}), found an object with members";
    assert!(message.starts_with(expected), "{message}");
    assert!(message.contains("objects"), "{message}");
    let decoded = decode_bytes(b"\"just a string\"", false);
    assert!(matches!(decoded.result.unwrap_err().kind(), ErrorKind::Json(_)));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Decoding never panics, whatever bytes replace part of a real event.
    #[test]
    fn decode_never_panics_on_corrupted_events(
        cut in 0usize..4000,
        at in 0usize..4000,
        noise in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..16),
    ) {
        let mut bytes = std::fs::read(data("misp/valid/handmade/sightings-deleted-objects.json")).unwrap();
        let at = at.min(bytes.len());
        bytes.splice(at..at, noise);
        bytes.truncate(cut.max(at));
        for strict in [true, false] {
            let _ = decode_bytes(&bytes, strict);
        }
    }
}

// ---------------------------------------------------------------- export round trip

#[test]
fn export_round_trip_of_every_valid_event_file() {
    let files = [
        "misp/valid/eset/sshdoor_akiva.json",
        "misp/valid/eset/sednit__2018-11-20_Zebrocy.json",
        "misp/valid/eset/cloudmensis__cloudmensis.misp.json",
        "misp/valid/eset/oceanlotus__oceanlotus-macOS.misp.event.json",
        "misp/valid/eset/signsight__signsight-misp-event.json",
        "misp/valid/misp-core-tests/event.json",
        "misp/valid/misp-stix-tests/test_events_collection_1.json",
        "misp/valid/misp-stix-tests/test_events_collection_2.json",
        "misp/valid/handmade/sightings-deleted-objects.json",
    ];
    for rel in files {
        let decoded = decode_file(rel, false);
        decoded.result.as_ref().unwrap();
        assert_eq!(round_trip(&decoded.events), decoded.events, "{rel}");
    }
    let feed = decode_feed("misp/valid/feeds/eset-derived-trimmed", true);
    assert_eq!(round_trip(&feed.events), feed.events, "feed");
}

#[test]
fn export_writes_misp_layout() {
    let decoded = decode_file("misp/valid/handmade/sightings-deleted-objects.json", false);
    let event = &decoded.events[0];
    let mut out = Vec::new();
    write_event(event, &mut out).unwrap();
    let json: Value = serde_json::from_slice(&out).unwrap();
    let e = &json["Event"];
    assert_eq!(e["uuid"], "0b3c5a8e-1f2d-4c6b-9e7a-2d4f6a8b0c1e");
    assert_eq!(e["threat_level_id"], "2");
    assert_eq!(e["analysis"], "1");
    assert_eq!(e["distribution"], "0");
    assert_eq!(e["date"], "2024-03-26");
    assert_eq!(e["timestamp"], "1711495815");
    assert_eq!(e["publish_timestamp"], "1711495900");
    assert_eq!(e["published"], true);
    assert_eq!(e["Orgc"]["name"], "iocdb");
    assert_eq!(e["Tag"].as_array().unwrap().len(), 3);
    let attributes = e["Attribute"].as_array().unwrap();
    assert_eq!(attributes.len(), 5, "object attributes are inside their objects");
    let md5 = attributes.iter().find(|a| a["type"] == "md5").unwrap();
    assert_eq!(md5["first_seen"], "2024-03-01T00:00:00.000000+00:00");
    assert_eq!(md5["last_seen"], "2024-03-20T12:30:00.500000+00:00");
    assert_eq!(md5["disable_correlation"], true);
    let ip = &attributes[0];
    assert_eq!(ip["Sighting"][1]["type"], "1");
    assert_eq!(ip["Sighting"][1]["date_sighting"], "1711582215");
    assert_eq!(ip["Sighting"][0]["Organisation"]["name"], "CIRCL");
    let objects = e["Object"].as_array().unwrap();
    assert_eq!(objects[0]["meta-category"], "network");
    assert_eq!(objects[0]["Attribute"][1]["object_relation"], "ip");
    assert_eq!(objects[0]["Attribute"][1]["deleted"], true);
    assert_eq!(e["EventReport"][0]["name"], "Summary");

    let mut collection = Vec::new();
    write_events([event, event], &mut collection).unwrap();
    let json: Value = serde_json::from_slice(&collection).unwrap();
    assert_eq!(json["response"].as_array().unwrap().len(), 2);
    assert_eq!(json["response"][1]["Event"]["info"], event.info.as_str());
}

// ---------------------------------------------------------------- warninglists

fn decode_list(rel: &str) -> Result<iocdb_model::Warninglist, ImportError> {
    let path = data(rel);
    misp::decode_warninglist(BufReader::new(File::open(&path).unwrap()), Some(&path))
}

#[test]
fn every_valid_warninglist_decodes_with_its_entries() {
    let dir = data("warninglists/valid");
    let mut names: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert!(names.len() >= 5);
    for name in names {
        let rel = format!("warninglists/valid/{}", name.to_string_lossy());
        let list = decode_list(&rel).unwrap_or_else(|err| panic!("{rel}: {err}"));
        let json: Value = serde_json::from_reader(File::open(data(&rel)).unwrap()).unwrap();
        assert_eq!(list.name, json["name"].as_str().unwrap(), "{rel}");
        assert_eq!(list.version, json["version"].as_u64().unwrap(), "{rel}");
        assert_eq!(list.entries().len(), json["list"].as_array().unwrap().len(), "{rel}");
        let matching = json["matching_attributes"].as_array().map_or(0, Vec::len);
        assert_eq!(list.matching_attributes.len(), matching, "{rel}");
        let ty = serde_json::to_value(list.list_type).unwrap();
        assert_eq!(ty, json["type"], "{rel}");
    }
}

#[test]
fn warninglist_rfc1918_matches_private_addresses() {
    let list = decode_list("warninglists/valid/rfc1918.json").unwrap();
    assert_eq!(list.list_type, WarninglistType::Cidr);
    let ip_dst = AttrType::from_name("ip-dst");
    assert!(list.matches(ip_dst, "10.1.2.3"));
    assert!(list.matches(ip_dst, "192.168.0.1"));
    assert!(!list.matches(ip_dst, "8.8.8.8"));
}

#[test]
fn warninglist_rfc6761_strings_and_phone_regexes() {
    let list = decode_list("warninglists/valid/rfc6761.json").unwrap();
    assert_eq!(list.list_type, WarninglistType::String);
    assert!(list.matches(AttrType::from_name("domain"), "example.org"));
    assert!(
        !list.matches(AttrType::from_name("domain"), "evil.example.org"),
        "string lists match whole values"
    );
    assert!(!list.matches(AttrType::from_name("md5"), "example.org"), "md5 is not a matching type");
    let phones = decode_list("warninglists/valid/phone_numbers.json").unwrap();
    assert_eq!(phones.list_type, WarninglistType::Regex);
    assert_eq!(phones.entries().len(), 33);
}

#[test]
fn warninglist_with_an_unknown_type_names_the_member() {
    let err = decode_list("warninglists/invalid/misp-bad-type.json").unwrap_err();
    let message = err.to_string();
    assert!(message.contains("misp-bad-type.json: at /type: expected a list type"), "{message}");
    assert!(message.contains("\"glob\""), "{message}");
}

#[test]
fn warninglist_with_a_bad_regex_names_the_entry() {
    let err = decode_list("warninglists/invalid/misp-bad-regex.json").unwrap_err();
    assert_eq!(err.position().pointer.as_deref(), Some("/list/1"), "{err}");
    assert!(err.to_string().contains("(unclosed"), "{err}");
}

#[test]
fn warninglist_without_list_is_refused() {
    let err = decode_list("warninglists/invalid/misp-missing-list.json").unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(
            "misp-missing-list.json: at /list: expected an array of strings, found nothing"
        ),
        "{message}"
    );
}
