//! CSV and JSON lines export: format, and round trips through the decoders.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use iocdb_import::export::csv::{MISP_CSV_COLUMNS, write_csv};
use iocdb_import::export::jsonl::{write_events_jsonl, write_jsonl};
use iocdb_import::feed::{Preset, decode_csv};
use iocdb_import::{Context, Options, VecSink, decode_path};
use iocdb_model::{AttrType, Attribute, Category, Event, MispObject, ObjectRef, Tag, Timestamp};
use uuid::Uuid;

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata").join(rel)
}

fn import(rel: &str) -> Vec<Event> {
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options { strict: true });
    decode_path(&testdata(rel), None, &mut ctx).unwrap();
    sink.0
}

fn attribute(ty: &str, value: &str) -> Attribute {
    let mut attribute = Attribute::new(AttrType::from_name(ty).unwrap(), value);
    attribute.uuid = Uuid::new_v5(&Uuid::NAMESPACE_OID, value.as_bytes());
    attribute
}

/// An event using every column of MISP's CSV export: objects, tags, categories, `to_ids`
/// off, comments with quotes, commas and line breaks, a deleted attribute.
fn handmade() -> Event {
    let object = MispObject {
        uuid: Uuid::parse_str("7d1f2c7e-3a43-4b7e-9d2e-6b1d0c9a0f11").unwrap(),
        name: "file".into(),
        meta_category: "file".into(),
        comment: String::new(),
    };
    let mut event =
        Event::new(Uuid::parse_str("3f2b1c9e-8d7a-4e6f-b5a4-c3d2e1f0a9b8").unwrap(), "hand-made");
    let mut ip = attribute("ip-dst", "198.51.100.7");
    ip.comment = "C2, seen \"twice\"\nsecond line".into();
    ip.tags = vec![Tag::new("tlp:amber"), Tag::new("misp-galaxy:malpedia=\"Pikabot\"")];
    ip.timestamp = Some(Timestamp::from_unix_seconds(1_711_495_815));
    let mut md5 = attribute("md5", "744c07e886497f7b68f6f7fe57b7ab54");
    md5.object = Some(ObjectRef { uuid: object.uuid, relation: "md5".into() });
    md5.category = Category::from_name("Artifacts dropped").unwrap();
    let mut name = attribute("filename", "invoice 0412.exe");
    name.object = Some(ObjectRef { uuid: object.uuid, relation: "filename".into() });
    name.to_ids = false;
    let mut url = attribute("url", "http://evil.example.com/a,b");
    url.to_ids = false;
    let mut gone = attribute("domain", "deleted.example.org");
    gone.deleted = true;
    event.attributes = vec![ip, md5, name, url, gone];
    event.objects = vec![object];
    event
}

fn csv_of(events: &[Event]) -> String {
    let mut out = Vec::new();
    write_csv(events, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn reimport_csv(csv: &str) -> Vec<Event> {
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options { strict: true });
    decode_csv(csv.as_bytes(), &Preset::MispCsv.layout(), &mut ctx).unwrap();
    assert!(ctx.report.warnings.is_empty(), "{:?}", ctx.report.warnings);
    sink.0
}

/// What MISP's CSV keeps of an attribute.
fn csv_view(attribute: &Attribute) -> impl PartialEq + std::fmt::Debug {
    (
        attribute.uuid,
        attribute.attr_type,
        attribute.category,
        attribute.value.clone(),
        attribute.comment.clone(),
        attribute.to_ids,
        attribute.timestamp.map(Timestamp::unix_seconds),
        attribute.tags.clone(),
        attribute.object.clone(),
    )
}

#[test]
fn csv_header_is_misps() {
    let csv = csv_of(&[handmade()]);
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header,
        "uuid,event_id,category,type,value,comment,to_ids,date,object_relation,attribute_tag,\
         object_uuid,object_name,object_meta_category"
    );
    assert_eq!(header.split(',').collect::<Vec<_>>(), MISP_CSV_COLUMNS);
}

#[test]
fn csv_round_trip_of_a_handmade_event() {
    let event = handmade();
    let back = reimport_csv(&csv_of(std::slice::from_ref(&event)));
    assert_eq!(back.len(), 1);
    let back = &back[0];
    assert_eq!(back.uuid, event.uuid, "the event uuid travels in event_id");
    let kept: Vec<_> = event.attributes.iter().filter(|a| !a.deleted).map(csv_view).collect();
    let read: Vec<_> = back.attributes.iter().map(csv_view).collect();
    assert_eq!(read, kept);
    assert_eq!(back.objects, event.objects);
}

#[test]
fn csv_round_trip_of_two_events() {
    let mut second = handmade();
    second.uuid = Uuid::parse_str("0e0e0e0e-1111-4222-8333-444444444444").unwrap();
    second.attributes.truncate(1);
    second.attributes[0].uuid = Uuid::parse_str("0e0e0e0e-1111-4222-8333-555555555555").unwrap();
    let events = [handmade(), second];
    let back = reimport_csv(&csv_of(&events));
    let uuids: Vec<Uuid> = back.iter().map(|e| e.uuid).collect();
    let mut expected: Vec<Uuid> = events.iter().map(|e| e.uuid).collect();
    expected.sort();
    assert_eq!(uuids, expected);
    let lone = back.iter().find(|e| e.uuid == events[1].uuid).unwrap();
    assert_eq!(lone.attributes.len(), 1);
    assert_eq!(lone.attributes[0].uuid, events[1].attributes[0].uuid);
}

#[test]
fn csv_round_trip_of_misps_own_export() {
    let rel = "csv/valid/misp-csv-export/misp-core-tests-event.csv";
    let events = import(rel);
    let exported = csv_of(&events);
    // Cell by cell, MISP's file and ours agree, but for event_id (MISP's number, our uuid).
    let rows = |text: &str| -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
        reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
    };
    let original = std::fs::read_to_string(testdata(rel)).unwrap();
    let (mut ours, mut misps) = (rows(&exported), rows(&original));
    assert_eq!(ours.len(), misps.len());
    for row in ours.iter_mut().chain(misps.iter_mut()) {
        row[1].clear();
    }
    assert_eq!(ours, misps);
    // And our export reads back as the same attributes.
    let back = reimport_csv(&exported);
    let read: Vec<_> = back[0].attributes.iter().map(csv_view).collect();
    let first: Vec<_> = events[0].attributes.iter().map(csv_view).collect();
    assert_eq!(read, first);
}

#[test]
fn jsonl_one_object_per_attribute() {
    let events = import("csv/valid/abusech-feodotracker/ipblocklist_2024-03-26_23-30-15.csv");
    let mut out = Vec::new();
    write_jsonl(&events, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), events[0].attributes.len());
    let first = &lines[0];
    let keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "event_uuid",
            "event_info",
            "attribute_uuid",
            "type",
            "category",
            "value",
            "to_ids",
            "comment",
            "first_seen",
            "last_seen",
            "tags"
        ]
    );
    assert_eq!(first["event_uuid"], events[0].uuid.to_string());
    assert_eq!(first["event_info"], "feodotracker: ipblocklist_2024-03-26_23-30-15.csv");
    assert_eq!(first["attribute_uuid"], events[0].attributes[0].uuid.to_string());
    assert_eq!(first["type"], "ip-dst|port");
    assert_eq!(first["category"], "Network activity");
    assert_eq!(first["value"], "192.9.135.73|1194");
    assert_eq!(first["to_ids"], true);
    assert_eq!(first["comment"], "online");
    assert_eq!(first["first_seen"], "2023-05-23T17:51:44Z");
    assert_eq!(first["last_seen"], "2024-04-01T00:00:00Z");
    assert_eq!(first["tags"], serde_json::json!(["Pikabot"]));
}

#[test]
fn jsonl_leaves_deleted_attributes_out() {
    let mut out = Vec::new();
    write_jsonl(&[handmade()], &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 4);
    assert!(!text.contains("deleted.example.org"));
    let url: serde_json::Value = serde_json::from_str(text.lines().nth(3).unwrap()).unwrap();
    assert_eq!(url["first_seen"], serde_json::Value::Null);
    assert_eq!(url["to_ids"], false);
}

#[test]
fn events_jsonl_round_trip() {
    let mut events = vec![handmade()];
    events.extend(import("csv/valid/misp-csv-export/misp-core-tests-event.csv"));
    events.extend(import("csv/valid/synthetic/threatfox.csv"));
    events.extend(import("freetext/valid/advisory-defanged.txt"));
    let mut out = Vec::new();
    write_events_jsonl(&events, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let back: Vec<Event> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(back, events);
}
