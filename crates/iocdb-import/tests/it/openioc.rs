//! OpenIOC 1.0 / 1.1: real files from four public producers (`testdata/openioc/valid`) and
//! hand-written broken ones (`testdata/openioc/invalid`).
//!
//! Every valid file is checked against an independent reading of its text: the number of
//! `<IndicatorItem>`s and `<Indicator>`s (regex counts), every `<Content>` value present in
//! the logic-tree report, correlation only for `condition="is"`, stable uuids on re-import.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use iocdb_import::{Context, ImportError, Options, Report, VecSink, openioc};
use iocdb_model::{Attribute, Event};
use regex::Regex;

fn testdata(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/openioc").join(relative)
}

/// The outcome of decoding one file.
struct Decoded {
    result: Result<(), ImportError>,
    events: Vec<Event>,
    report: Report,
}

fn decode_path(path: &Path, strict: bool) -> Decoded {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options { strict });
    ctx.set_file(Some(path));
    let result = openioc::decode(std::io::BufReader::new(file), &mut ctx);
    let report = ctx.report.clone();
    Decoded { result, events: sink.0, report }
}

/// Decodes a valid fixture, checks it against its text, and returns its event and report.
fn valid(relative: &str) -> (Event, Report) {
    let path = testdata(&format!("valid/{relative}"));
    let decoded = decode_path(&path, false);
    if let Err(err) = decoded.result {
        panic!("{relative}: {err}");
    }
    assert_eq!(decoded.events.len(), 1, "{relative}: one file is one event");
    let event = decoded.events.into_iter().next().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    check_against_text(relative, &text, &event, &decoded.report);
    let again = decode_path(&path, false).events;
    assert_eq!(again, std::slice::from_ref(&event), "{relative}: a second import is the same");
    (event, decoded.report)
}

fn count(pattern: &str, text: &str) -> usize {
    Regex::new(pattern).unwrap().find_iter(text).count()
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn logic_report(event: &Event) -> &str {
    let report = event.reports.iter().find(|r| r.name == "OpenIOC logic");
    &report.expect("a logic report").content
}

fn check_against_text(name: &str, text: &str, event: &Event, report: &Report) {
    let items = count(r"<IndicatorItem[\s>]", text);
    let skipped = report.counters.get("skipped records").copied().unwrap_or(0) as usize;
    assert_eq!(report.counters.get("openioc: items").copied(), Some(items as u64), "{name}");
    assert_eq!(event.attributes.len() + skipped, items, "{name}: one attribute per item");
    assert_eq!(event.objects.len(), count(r"<Indicator[\s>]", text), "{name}: one object each");

    let logic = logic_report(event);
    let contents = Regex::new(r"(?s)<Content[^>]*>(.*?)</Content>").unwrap();
    for content in contents.captures_iter(text) {
        let value = unescape(content[1].trim()).replace('\r', "\\r").replace('\n', "\\n");
        assert!(logic.contains(&value), "{name}: {value:?} missing from the logic report");
    }

    let objects: HashSet<_> = event.objects.iter().map(|o| o.uuid).collect();
    for attribute in &event.attributes {
        let object = attribute.object.as_ref().expect("every item sits in an Indicator");
        assert!(objects.contains(&object.uuid), "{name}: dangling object reference");
        let comment = attribute.comment.trim_start_matches("NOT ");
        assert!(comment.starts_with(&object.relation), "{name}: {attribute:?}");
        if !attribute.disable_correlation {
            let exact = comment.starts_with(&format!("{} is", object.relation));
            let whole = comment.starts_with(&format!("{} contains", object.relation))
                && comment.contains("(whole indicator)");
            assert!(exact || whole, "{name}: {comment}");
        }
    }
    let correlating = event.attributes.iter().filter(|a| !a.disable_correlation).count();
    let possible = count(r#"condition="is""#, text) + count(r#"condition="contains""#, text);
    assert!(correlating <= possible, "{name}");

    let uuids: HashSet<_> = event.attributes.iter().map(|a| a.uuid).chain(objects).collect();
    assert_eq!(uuids.len(), event.attributes.len() + event.objects.len(), "{name}: unique uuids");
}

fn find<'a>(event: &'a Event, attr_type: &str, value: &str) -> &'a Attribute {
    event
        .attributes
        .iter()
        .find(|a| a.attr_type.name() == attr_type && a.value == value)
        .unwrap_or_else(|| panic!("no {attr_type} {value}"))
}

fn tags(event: &Event) -> Vec<&str> {
    event.tags.iter().map(|t| t.name.as_str()).collect()
}

fn date(event: &Event) -> String {
    event.date.expect("a date").to_rfc3339()
}

// ---- OpenIOC 1.0: FireEye / Mandiant public IOCs -------------------------------------

#[test]
fn fireeye_apt18_demonstrating_hustle() {
    let (event, report) = valid("fireeye-iocs-1.0/0ae061d7-c624-4a84-8adf-00281b97797b.ioc");
    assert_eq!(event.uuid.to_string(), "0ae061d7-c624-4a84-8adf-00281b97797b");
    assert_eq!(event.info, "DEMONSTRATING HUSTLE - APT18 (BLOG)");
    assert_eq!(date(&event), "2015-07-10T00:00:00Z");
    assert_eq!(event.timestamp.unwrap().to_rfc3339(), "2015-07-12T02:56:02Z");
    assert_eq!(event.orgc.as_ref().unwrap().name, "FireEye");
    assert_eq!(
        tags(&event),
        [
            "openioc:threatcategory=\"APT\"",
            "openioc:threatgroup=\"APT18\"",
            "openioc:license=\"Apache 2.0\""
        ]
    );
    assert!(event.reports[0].content.starts_with("This IOC contains indicators detailed"));

    let md5 = find(&event, "md5", "079a440bee0f86d8a59ebc5c4b523a07");
    assert!(!md5.disable_correlation && md5.to_ids);
    assert_eq!(md5.comment, "FileItem/Md5sum is");
    // FireEye wrote the C2 addresses with "contains": a whole address, so it correlates.
    let ip = find(&event, "ip-dst", "137.175.4.132");
    assert!(!ip.disable_correlation && ip.to_ids);
    assert_eq!(ip.comment, "PortItem/remoteIP contains (whole indicator)");
    let size = find(&event, "size-in-bytes", "214976");
    let and = event.objects.iter().find(|o| Some(o.uuid) == size.object.as_ref().map(|r| r.uuid));
    assert_eq!(and.unwrap().comment, "AND indicator 1.1 (id a181f9e8-1c17-4a8b-a449-a7d4040f7a97)");
    assert_eq!(
        logic_report(&event),
        "OR\n  PortItem/remoteIP contains 137.175.4.132\n  FileItem/Md5sum is \
         079a440bee0f86d8a59ebc5c4b523a07\n  PortItem/remoteIP contains 223.25.233.248\n  AND\n    \
         FileItem/FileName is movie.swf\n    FileItem/SizeInBytes is 214976\n"
    );
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    insta::assert_json_snapshot!("apt18_event", event);
}

#[test]
fn fireeye_apt12_email_and_dns() {
    let (event, _) = valid("fireeye-iocs-1.0/2384c8ce-6eca-4d06-8aa4-151b53d9a6bc.ioc");
    assert_eq!(event.attributes.len(), 25);
    let sender = event.attributes.iter().find(|a| a.attr_type.name() == "email-src").unwrap();
    assert!(sender.value.contains('@'), "{sender:?}");
    assert!(tags(&event).contains(&"openioc:threatgroup=\"APT12\""));
    let dns: Vec<_> = event
        .attributes
        .iter()
        .filter(|a| a.comment.starts_with("DnsEntryItem/"))
        .map(|a| a.attr_type.name())
        .collect();
    assert_eq!(dns.len(), 2);
    assert!(dns.iter().all(|t| *t == "domain" || *t == "hostname"), "{dns:?}");
}

#[test]
fn fireeye_blogpost_network_terms() {
    let (event, report) = valid("fireeye-iocs-1.0/4fdb0f45-8151-4941-a9e1-a31e21000659.ioc");
    assert_eq!(event.attributes.len(), 38);
    assert_eq!(event.objects.len(), 4);
    let by_type =
        |name: &str| event.attributes.iter().filter(|a| a.attr_type.name() == name).count();
    assert_eq!(by_type("domain") + by_type("hostname"), 22, "every DnsEntryItem is a DNS name");
    assert_eq!(by_type("ip-dst"), 7);
    assert!(report.counters.keys().all(|k| !k.starts_with("openioc: unmapped")), "{report:?}");
}

#[test]
fn fireeye_apt3_scheduled_task() {
    let (event, _) = valid("fireeye-iocs-1.0/db0b6ac6-874a-498e-892b-ac7c2020e061.ioc");
    assert_eq!(event.attributes.len(), 30);
    let task = event.attributes.iter().find(|a| a.attr_type.name() == "windows-scheduled-task");
    assert!(task.is_some(), "TaskItem/Name is a windows-scheduled-task");
    assert!(tags(&event).contains(&"openioc:threatgroup=\"APT3\""));
}

// ---- OpenIOC 1.1: FireEye red-team tool countermeasures (HX events) ------------------

#[test]
fn redteam_adpasshunt_process_events() {
    let (event, report) =
        valid("fireeye-red_team_tool_countermeasures-1.1/ADPASSHUNT (CREDENTIAL STEALER).ioc");
    assert_eq!(event.uuid.to_string(), "c221bf61-c30e-48c7-b91f-b507e426bdd9");
    assert_eq!(event.info, "ADPASSHUNT (CREDENTIAL STEALER)");
    assert!(event.publish_timestamp.is_none(), "0001-01-01 means no publication date");
    let exe = find(&event, "filename", "ADPassHunt.exe");
    assert!(!exe.disable_correlation);
    assert_eq!(exe.comment, "processEvent/process is");
    let fragment = find(&event, "text", "-dc");
    assert!(fragment.disable_correlation && !fragment.to_ids);
    assert_eq!(fragment.comment, "processEvent/processCmdLine contains");
    assert!(event.attributes.iter().any(|a| a.comment == "processEvent/processCmdLine ends-with"));
    assert_eq!(event.tags, []);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn redteam_renamed_msbuild_negated_items() {
    let (event, _) = valid(
        "fireeye-red_team_tool_countermeasures-1.1/RENAMED MSBUILD.EXE BY ARGUMENTS (METHODOLOGY).ioc",
    );
    let text = std::fs::read_to_string(testdata(
        "valid/fireeye-red_team_tool_countermeasures-1.1/RENAMED MSBUILD.EXE BY ARGUMENTS (METHODOLOGY).ioc",
    ))
    .unwrap();
    let negated: Vec<_> =
        event.attributes.iter().filter(|a| a.comment.starts_with("NOT ")).collect();
    assert_eq!(negated.len(), count(r#"negate="true""#, &text));
    assert!(!negated.is_empty());
    assert!(negated.iter().all(|a| a.disable_correlation && !a.to_ids));
    assert!(logic_report(&event).contains("  NOT "));
    let regkeys = event
        .attributes
        .iter()
        .filter(|a| a.comment.trim_start_matches("NOT ").starts_with("RegistryItem/"));
    assert_eq!(regkeys.count(), 10);
}

#[test]
fn redteam_cobalt_strike_url_monitor() {
    let (event, report) = valid(
        "fireeye-red_team_tool_countermeasures-1.1/POTENTIAL COBALT STRIKE PROFILE (FAMILY).ioc",
    );
    assert_eq!(event.objects.len(), 20);
    let requests: Vec<_> = event
        .attributes
        .iter()
        .filter(|a| a.comment.starts_with("urlMonitorEvent/requestUrl"))
        .collect();
    assert!(!requests.is_empty());
    assert!(requests.iter().all(|a| a.attr_type.name() == "uri"), "request paths are uri");
    assert!(report.counters.keys().all(|k| !k.starts_with("openioc: unmapped")), "{report:?}");
}

// ---- OpenIOC 1.1: Mandiant ioc_writer samples ----------------------------------------

#[test]
fn ioc_writer_conditions_and_parameters() {
    let (event, report) = valid("mandiant-ioc_writer-1.1/378f0cce-b8df-41d5-8189-3d7ec102e52f.ioc");
    assert_eq!(event.orgc.as_ref().unwrap().name, "william.gibb@fireeye.com");
    let md5 = find(&event, "md5", "23456789abcdef0123456789abcdef01");
    assert!(!md5.disable_correlation);
    let regex = find(&event, "filename", "foo|duck.exe");
    assert!(regex.disable_correlation);
    assert_eq!(regex.comment, "FileItem/FileName matches");
    assert_eq!(
        find(&event, "filename", "GooD.eXE").comment,
        "FileItem/FileName is (case-sensitive)"
    );
    for condition in ["greater-than", "less-than", "starts-with", "ends-with", "contains"] {
        let suffix = format!(" {condition}");
        assert!(event.attributes.iter().any(|a| a.comment.ends_with(&suffix)), "{condition}");
    }
    // The parameter refers to the top Indicator: its comment lands on the object.
    let top = event.objects.iter().find(|o| o.comment.starts_with("OR indicator 1 ")).unwrap();
    assert!(top.comment.ends_with("; I am a comment!"), "{}", top.comment);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    insta::assert_json_snapshot!("ioc_writer_378f0cce_event", event);
}

#[test]
fn ioc_writer_negate() {
    let (event, _) = valid("mandiant-ioc_writer-1.1/c158ef8c-e664-43c5-b71d-3488a3325fcb.ioc");
    assert!(
        event.attributes.iter().any(|a| a.comment.starts_with("NOT ") && a.disable_correlation)
    );
}

#[test]
fn ioc_writer_keywords_and_bad_schema_order() {
    // The upstream file fails the XSD (metadata out of order); the importer does not mind.
    let (event, _) = valid("mandiant-ioc_writer-1.1/d7ec102e-b8df-41d5-8189-352f378f0cce.ioc");
    assert_eq!(event.info, "Prune");
    assert_eq!(tags(&event), ["openioc:keyword=\"a word\""]);
    assert_eq!(event.reports[0].content, "Bad schema order");
}

#[test]
fn ioc_writer_yara_and_parameters() {
    let (event, report) = valid("mandiant-ioc_writer-1.1/72669174-dd77-4a4e-82ed-99a96784f36e.ioc");
    let yara_strings = event.attributes.iter().filter(|a| a.comment.starts_with("Yara/"));
    assert_eq!(yara_strings.count(), 19);
    assert!(event.attributes.iter().any(|a| a.comment.contains("; yara/")), "parameters kept");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

// ---- OpenIOC 1.0: STIXProject samples ------------------------------------------------

#[test]
fn stixproject_stuxnet() {
    let (event, report) = valid("stixproject-openioc-to-stix-1.0/stuxnet.ioc.xml");
    assert_eq!(event.info, "STUXNET VIRUS (METHODOLOGY)");
    assert_eq!(tags(&event), ["openioc:keyword=\"methodology\""]);
    // authored_date is 0001-01-01, OpenIOC's empty date: the day comes from last-modified.
    assert_eq!(date(&event), "2011-11-04T00:00:00Z");
    assert_eq!(event.timestamp.unwrap().to_rfc3339(), "2011-11-04T19:35:05Z");
    find(&event, "filename", "mdmcpq3.PNF");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn stixproject_msbgt_services_and_hooks() {
    let (event, report) = valid("stixproject-openioc-to-stix-1.0/msbgt.ioc.xml");
    let service = event.attributes.iter().filter(|a| a.comment.starts_with("ServiceItem/"));
    assert_eq!(service.count(), 5);
    let hooks = event.attributes.iter().filter(|a| a.comment.starts_with("HookItem/"));
    assert_eq!(hooks.count(), 4);
    assert!(report.counters.keys().all(|k| !k.starts_with("openioc: unmapped")), "{report:?}");
}

#[test]
fn stixproject_mhadi_dns_and_uris() {
    let (event, _) = valid(
        "stixproject-openioc-to-stix-1.0/iocbucket_9c2a7a3b3c8ea33d8e05ad2f0557cd56b5828a51_mhadi.ioc",
    );
    assert_eq!(event.orgc.as_ref().unwrap().name, "@iocbucket");
    let dns = find(&event, "domain", "hatman.in");
    assert_eq!(dns.comment, "Network/DNS contains (whole indicator)");
    assert!(!dns.disable_correlation, "a whole domain under contains correlates");
    // A partial address in a "contains" test is kept, as text, and says why.
    let partial = find(&event, "text", "72.55.");
    assert_eq!(partial.comment, "PortItem/remoteIP contains (kept as text: not a valid ip-dst)");
    assert!(partial.disable_correlation);
    assert!(event.attributes.iter().any(|a| a.comment.starts_with("Network/URI")));
}

#[test]
fn stixproject_shelldc_backdoor() {
    let (event, _) = valid("stixproject-openioc-to-stix-1.0/shelldc_backdoor.ioc.xml");
    assert_eq!(event.attributes.len(), 33);
    assert_eq!(event.objects.len(), 8);
}

// ---- Invalid and hostile files -------------------------------------------------------

fn invalid(name: &str, strict: bool) -> Decoded {
    decode_path(&testdata(&format!("invalid/{name}")), strict)
}

/// Decoding `name` fails, the message names the file, and the error is at `line`.
fn fails(name: &str, line: u64) -> String {
    let decoded = invalid(name, false);
    let err = decoded.result.expect_err(name);
    assert!(decoded.events.is_empty(), "{name}: no event on error");
    let message = err.to_string();
    assert!(err.file().unwrap().ends_with(name), "{message}");
    assert!(message.contains(name), "{message}");
    assert_eq!(err.position().line, Some(line), "{message}");
    message
}

#[test]
fn truncated_file_names_the_unclosed_element() {
    let message = fails("truncated.ioc", 15);
    assert!(message.contains("<IndicatorItem> opened at line 13 is not closed"), "{message}");
}

#[test]
fn entity_bomb_is_refused_without_expansion() {
    let started = std::time::Instant::now();
    let message = fails("entity-bomb.ioc", 20);
    assert!(message.contains("unknown entity &lol9;"), "{message}");
    assert!(started.elapsed().as_secs() < 5, "no expansion happened");
}

#[test]
fn non_uuid_id_gets_a_derived_uuid() {
    let decoded = invalid("non-uuid-id.ioc", true);
    decoded.result.unwrap();
    let event = &decoded.events[0];
    assert_eq!(event.uuid, iocdb_import::derived_uuid(&[b"openioc", b"apt-demo-0001"]));
    let warning = &decoded.report.warnings[0];
    assert_eq!(warning.position.line, Some(2));
    assert!(warning.message.contains("\"apt-demo-0001\" is not a uuid"), "{warning}");
    assert_eq!(find(event, "hostname", "www.example.com").comment, "DnsEntryItem/Host is");
    assert!(!find(event, "ip-dst", "192.0.2.10").disable_correlation);
    let again = invalid("non-uuid-id.ioc", true).events;
    assert_eq!(again, decoded.events, "derived uuids are stable");
}

#[test]
fn wrong_root_is_expected_found() {
    let message = fails("wrong-root.ioc", 2);
    assert!(message.contains("expected root element <ioc>"), "{message}");
    assert!(message.contains("found <STIX_Package> in namespace http://stix.mitre.org/stix-1"));
}

#[test]
fn wrong_namespace_is_expected_found() {
    let message = fails("wrong-namespace.ioc", 2);
    assert!(message.contains("found <ioc> in namespace http://openioc.org/schemas/OpenIOC_1.1"));
}

#[test]
fn missing_criteria_is_expected_found() {
    let message = fails("missing-criteria.ioc", 7);
    assert!(message.contains("expected a <definition> (OpenIOC 1.0) or <criteria>"), "{message}");
    assert!(message.contains("found none in <OpenIOC>"), "{message}");
}

#[test]
fn mismatched_tag_is_an_xml_error_with_its_line() {
    let message = fails("mismatched-tag.ioc", 8);
    assert!(message.contains("invalid XML"), "{message}");
}

#[test]
fn not_xml_is_refused() {
    let message = fails("not-xml.ioc", 1);
    assert!(message.contains("expected an OpenIOC root element, found text"), "{message}");
}

#[test]
fn bad_values_are_skipped_records_with_their_lines() {
    let decoded = invalid("bad-values.ioc", false);
    decoded.result.unwrap();
    let event = &decoded.events[0];
    assert_eq!(event.attributes.len(), 1, "only the valid md5 is kept");
    assert_eq!(event.attributes[0].value, "0123456789abcdef0123456789abcdef");
    assert_eq!(decoded.report.counters["skipped records"], 3);
    let lines: Vec<_> = decoded.report.warnings.iter().map(|w| w.position.line).collect();
    assert_eq!(lines, [Some(9), Some(13), Some(16)]);
    let messages: Vec<_> = decoded.report.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(messages[0].contains("invalid md5 value \"not-an-md5\""), "{messages:?}");
    assert!(messages[1].contains("expected a <Context> with a search attribute"), "{messages:?}");
    assert!(messages[2].contains("expected a value in <Content>, found an empty <Content>"));

    let strict = invalid("bad-values.ioc", true);
    let err = strict.result.expect_err("strict mode stops at the first bad item");
    assert_eq!(err.position().line, Some(9));
    assert!(err.to_string().contains("bad-values.ioc"), "{err}");
    assert!(strict.events.is_empty());
}

#[test]
fn deep_nesting_is_refused() {
    let mut xml =
        String::from(r#"<ioc xmlns="http://schemas.mandiant.com/2010/ioc" id="x"><definition>"#);
    for _ in 0..300 {
        xml.push_str("<Indicator operator=\"AND\">\n");
    }
    for _ in 0..300 {
        xml.push_str("</Indicator>");
    }
    xml.push_str("</definition></ioc>");
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options::default());
    let err = openioc::decode(xml.as_bytes(), &mut ctx).expect_err("too deep");
    assert!(err.to_string().contains("nested at most 256 deep"), "{err}");
    assert_eq!(err.position().line, Some(257));
}

#[test]
fn arbitrary_prefixes_of_a_real_file_never_panic() {
    let text = std::fs::read(testdata(
        "valid/mandiant-ioc_writer-1.1/378f0cce-b8df-41d5-8189-3d7ec102e52f.ioc",
    ))
    .unwrap();
    let root_end = text.windows(10).position(|w| w == b"</OpenIOC>").unwrap();
    for end in (0..root_end + 9).step_by(7) {
        let mut sink = VecSink::default();
        let mut ctx = Context::new(&mut sink, Options::default());
        let result = openioc::decode(text.get(..end).unwrap(), &mut ctx);
        assert!(result.is_err(), "a prefix of {end} bytes is not a whole document");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// A real file with bytes replaced by XML-significant ones decodes or fails cleanly.
    #[test]
    fn mutated_real_file_never_panics(
        edits in proptest::collection::vec((0usize..4096, 0usize..12), 1..8),
    ) {
        const BYTES: &[u8; 12] = b"<>/&;\"'=!?\n\xff";
        let path = "valid/mandiant-ioc_writer-1.1/378f0cce-b8df-41d5-8189-3d7ec102e52f.ioc";
        let mut text = std::fs::read(testdata(path)).unwrap();
        for (at, byte) in edits {
            let len = text.len();
            text[at % len] = BYTES[byte];
        }
        let mut sink = VecSink::default();
        let mut ctx = Context::new(&mut sink, Options::default());
        if openioc::decode(text.as_slice(), &mut ctx).is_ok() {
            proptest::prop_assert_eq!(sink.0.len(), 1);
        }
    }
}

/// Runs the decoder over a whole corpus and prints totals:
/// `IOCDB_OPENIOC_CORPUS=/path/to/openioc cargo test -p iocdb-import --test it -- --ignored corpus`.
#[test]
#[ignore = "needs IOCDB_OPENIOC_CORPUS pointing at a directory of OpenIOC files"]
fn corpus_totals() {
    let root = std::env::var("IOCDB_OPENIOC_CORPUS").expect("set IOCDB_OPENIOC_CORPUS");
    let mut files = Vec::new();
    collect(Path::new(&root), &mut files);
    files.sort();
    let (mut ok, mut failed, mut total) = (0, 0, Report::default());
    let mut types = std::collections::BTreeMap::<String, (u64, u64)>::new();
    for file in &files {
        let decoded = decode_path(file, false);
        match decoded.result {
            Ok(()) => ok += 1,
            Err(err) => {
                failed += 1;
                println!("FAILED {err}");
            }
        }
        for warning in &decoded.report.warnings {
            println!("warning: {}: {warning}", file.display());
        }
        for attribute in decoded.events.iter().flat_map(|e| &e.attributes) {
            let tally = types.entry(attribute.attr_type.name().to_owned()).or_default();
            tally.0 += 1;
            tally.1 += u64::from(!attribute.disable_correlation);
        }
        let fallbacks = decoded.events.iter().flat_map(|e| &e.attributes);
        for attribute in fallbacks.filter(|a| a.comment.contains("(kept as text")) {
            println!("as text: {}: {:?} {}", file.display(), attribute.value, attribute.comment);
        }
        total.merge(decoded.report);
    }
    let unmapped: u64 = total
        .counters
        .iter()
        .filter(|(k, _)| k.starts_with("openioc: unmapped"))
        .map(|(_, n)| n)
        .sum();
    let items = total.counters.get("openioc: items").copied().unwrap_or(0);
    let skipped = total.counters.get("skipped records").copied().unwrap_or(0);
    println!("files {} ok {ok} failed {failed}", files.len());
    println!("items {items} attributes {} skipped {skipped}", total.attributes);
    println!("mapped {} unmapped {unmapped}", total.attributes - unmapped);
    for (name, n) in &total.counters {
        println!("  {name}: {n}");
    }
    for (name, (n, correlating)) in &types {
        println!("  type {name}: {n} ({correlating} correlating)");
    }
    assert_eq!(failed, 0);
    assert!(ok > 0, "no OpenIOC file under {root}");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
        if path.is_dir() {
            collect(&path, files);
        } else if name.ends_with(".ioc") || name.ends_with(".ioc.xml") {
            files.push(path);
        }
    }
}
