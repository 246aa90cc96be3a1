//! Checks against real public data copied into `testdata/` (see `testdata/README.md`).

use std::path::PathBuf;

use iocdb_model::{AttrType, Warninglist, WarninglistType, infer_type};
use serde::Deserialize;

/// `testdata/` at the workspace root.
fn testdata(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata").join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(testdata(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn name_of(raw: &str) -> Option<&'static str> {
    infer_type(raw).map(|i| i.attr_type.name())
}

#[test]
fn unit42_venomrat_iocs_infer_to_their_types() {
    let csv = read("samples/unit42-venomrat_iocs.csv");
    let mut rows = 0;
    for line in csv.lines().skip(1) {
        let mut fields = line.splitn(3, ',');
        let (hash, kind, c2) =
            (fields.next().unwrap(), fields.next().unwrap(), fields.next().unwrap());
        assert_eq!(name_of(hash), Some("sha256"), "{hash}");
        let inferred = name_of(c2);
        match kind {
            "DOMAIN" => {
                assert!(matches!(inferred, Some("domain" | "hostname")), "{c2}: {inferred:?}")
            }
            // One row of the real file reads `95.214.26.97:None`: no port, so no type.
            "IPV4:PORT" if c2.ends_with(":None") => assert_eq!(inferred, None, "{c2}"),
            "IPV4:PORT" => assert_eq!(inferred, Some("ip-dst|port"), "{c2}"),
            // The "URL" rows of the real file are as often `host:port`, `ip:port` or a bare
            // host name; the type follows the value's shape.
            "URL" | "C2 @ Pastebin URL" => {
                let expected = if c2.contains("://") {
                    "url"
                } else if c2.parse::<std::net::SocketAddr>().is_ok() {
                    "ip-dst|port"
                } else if c2.contains(':') {
                    "hostname|port"
                } else {
                    // `bomba1.ddns.net`: ddns.net is a (private) public suffix, so the
                    // name is its own registrable domain.
                    "domain"
                };
                assert_eq!(inferred, Some(expected), "{c2}");
            }
            other => panic!("unexpected kind {other}"),
        }
        rows += 1;
    }
    assert_eq!(rows, 438);
}

#[test]
fn threatfox_ip_list_is_all_ip_dst() {
    let text = read("samples/threatfox-ips-2026-07-23.txt");
    let values: Vec<_> =
        text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).collect();
    assert!(values.len() > 20_000);
    for value in values {
        let inferred = infer_type(value).unwrap_or_else(|| panic!("{value}"));
        assert_eq!(inferred.attr_type.name(), "ip-dst");
        assert_eq!(inferred.value, value.trim());
    }
}

/// A MISP warninglist file (`list.json`).
#[derive(Deserialize)]
struct ListFile {
    name: String,
    description: String,
    version: u64,
    #[serde(rename = "type")]
    list_type: WarninglistType,
    #[serde(default)]
    matching_attributes: Vec<String>,
    list: Vec<String>,
}

fn load(name: &str) -> Warninglist {
    let file: ListFile =
        serde_json::from_str(&read(&format!("warninglists/valid/{name}.json"))).unwrap();
    Warninglist::new(
        file.name,
        file.description,
        file.version,
        file.list_type,
        file.matching_attributes,
        file.list,
    )
    .unwrap()
}

fn ty(name: &str) -> Option<AttrType> {
    AttrType::from_name(name)
}

#[test]
fn real_cidr_lists() {
    let rfc1918 = load("rfc1918");
    assert_eq!(rfc1918.list_type, WarninglistType::Cidr);
    assert_eq!(rfc1918.entries().len(), 3);
    assert!(rfc1918.matches(ty("ip-dst"), "192.168.10.1"));
    assert!(rfc1918.matches(ty("ip-src"), "172.31.255.255"));
    assert!(!rfc1918.matches(ty("ip-src"), "172.32.0.0"));
    assert!(rfc1918.matches(ty("ip-dst|port"), "10.0.0.1|443"));
    assert!(rfc1918.matches(ty("domain|ip"), "intranet.example|10.9.9.9"));
    assert!(!rfc1918.matches(ty("text"), "10.0.0.1"), "not in matching_attributes");
    let cloudflare = load("cloudflare");
    assert!(cloudflare.matches(ty("ip-dst"), "104.16.0.1"));
    assert!(cloudflare.matches(ty("ip-dst"), "2606:4700::6810:84e5"));
    assert!(!cloudflare.matches(ty("ip-dst"), "8.8.8.8"));
    let linklocal = load("ipv6-linklocal");
    assert!(linklocal.matches(ty("ip-src"), "fe80::1"));
    assert!(!linklocal.matches(ty("ip-src"), "2001:db8::1"));
}

#[test]
fn real_string_hostname_substring_and_regex_lists() {
    let empty = load("empty-hashes");
    assert!(empty.matches(ty("md5"), "d41d8cd98f00b204e9800998ecf8427e"));
    assert!(empty.matches(ty("filename|md5"), "empty.txt|D41D8CD98F00B204E9800998ECF8427E"));
    assert!(!empty.matches(ty("md5"), "d41d8cd98f00b204e9800998ecf8427f"));
    let rfc6761 = load("rfc6761");
    assert!(rfc6761.matches(ty("domain"), "example.com"));
    assert!(!rfc6761.matches(ty("domain"), "www.example.com"), "a string list is exact");
    let dax = load("dax30");
    assert!(dax.matches(ty("hostname"), "www.siemens.com"));
    assert!(dax.matches(ty("domain"), "bmw.de"));
    assert!(!dax.matches(ty("domain"), "notbmw.de"));
    let simulator = load("microsoft-attack-simulator");
    assert!(simulator.matches(ty("hostname"), "login.portal.docdeliveryapp.com"));
    let contacts = load("common-contact-emails");
    assert!(contacts.matches(ty("email-dst"), "abuse@example.net"));
    assert!(!contacts.matches(ty("email-dst"), "ceo@example.net"));
    let phones = load("phone_numbers");
    assert!(phones.matches(ty("phone-number"), "+12025550123"));
    assert!(!phones.matches(ty("phone-number"), "+12025551234"));
}
