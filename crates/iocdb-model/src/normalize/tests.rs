#![allow(clippy::unwrap_used)]

use super::*;

fn ty(name: &str) -> AttrType {
    AttrType::from_name(name).unwrap()
}

fn norm(name: &str, raw: &str) -> Result<String, ValueError> {
    normalize_value(ty(name), raw)
}

fn ok(name: &str, raw: &str) -> String {
    norm(name, raw).unwrap_or_else(|e| panic!("{name} {raw:?}: {e}"))
}

fn err(name: &str, raw: &str) -> String {
    norm(name, raw).expect_err(raw).to_string()
}

const MD5: &str = "d41d8cd98f00b204e9800998ecf8427e";
const SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

#[test]
fn empty_values_are_errors() {
    for name in ["text", "domain", "md5", "filename|md5"] {
        assert!(err(name, " \t\n").contains("expected a non-empty value"), "{name}");
    }
    assert_eq!(err("url", ""), r#"invalid url value "": expected a non-empty value"#);
}

#[test]
fn hashes_are_lower_cased_and_checked() {
    assert_eq!(ok("md5", " D41D8CD98F00B204E9800998ECF8427E "), MD5);
    assert_eq!(ok("sha256", &SHA256.to_uppercase()), SHA256);
    assert_eq!(
        ok("sha1", "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"),
        "da39a3ee5e6b4b0d3255bfef95601890afd80709"
    );
    assert_eq!(ok("sha512/256", &"AB".repeat(32)), "ab".repeat(32));
    assert_eq!(ok("sha3-384", &"0".repeat(96)), "0".repeat(96));
    assert_eq!(
        ok("imphash", "F34D5F2D4577ED6D9CEEC516C1F5A744"),
        "f34d5f2d4577ed6d9ceec516c1f5a744"
    );
    assert_eq!(ok("jarm-fingerprint", &"2A".repeat(31)), "2a".repeat(31));
    assert_eq!(
        err("md5", "d41d8cd98f00b204e9800998ecf8427"),
        r#"invalid md5 value "d41d8cd98f00b204e9800998ecf8427": expected 32 hexadecimal characters"#
    );
    assert!(norm("sha1", &"g".repeat(40)).is_err());
    assert!(norm("sha256", MD5).is_err());
}

#[test]
fn fuzzy_hashes_keep_their_case() {
    let ssdeep = "3072:Z3z1y6ZVeRUPgJ7jL3YcfVSUbqwm5V4qURzZS:Z3z1y6ZVeRUPgJ7jL3YcfVSU";
    assert_eq!(ok("ssdeep", ssdeep), ssdeep);
    assert!(err("ssdeep", "3072:abc").contains("blocksize:hash:hash"));
    assert!(norm("ssdeep", "x:abc:def").is_err());
    assert_eq!(ok("impfuzzy", "48:Abc:Def"), "48:Abc:Def");
    let tlsh = "T1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4";
    assert_eq!(ok("tlsh", tlsh), tlsh.to_lowercase());
    assert!(norm("tlsh", "t1abc").is_err());
    assert_eq!(ok("telfhash", &"T".repeat(70)), "t".repeat(70));
    assert!(norm("telfhash", &"t".repeat(71)).is_err());
    assert_eq!(ok("cdhash", &"A".repeat(40)), "a".repeat(40));
    assert_eq!(ok("vhash", "015056655D155D1az24!z"), "015056655d155d1az24!z");
}

#[test]
fn x509_fingerprints_drop_colons() {
    assert_eq!(
        ok("x509-fingerprint-sha1", "DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09"),
        "da39a3ee5e6b4b0d3255bfef95601890afd80709"
    );
    assert!(norm("x509-fingerprint-md5", "DA:39").is_err());
}

#[test]
fn domains_and_hostnames() {
    assert_eq!(ok("domain", " Evil[.]Example.COM. "), "evil.example.com");
    assert_eq!(ok("domain", ".evil.com"), "evil.com");
    assert_eq!(ok("domain", "münchen.de"), "xn--mnchen-3ya.de");
    assert_eq!(ok("domain", "XN--MNCHEN-3YA.DE"), "xn--mnchen-3ya.de");
    assert_eq!(ok("domain", "_dmarc.example.com"), "_dmarc.example.com");
    assert_eq!(ok("hostname", "WWW.Evil(.)com."), "www.evil.com");
    assert_eq!(
        err("domain", "localhost"),
        r#"invalid domain value "localhost": expected a domain name (labels of a-z, 0-9, '-', '_' and a dot)"#
    );
    assert!(norm("domain", "evil .com").is_err());
    assert!(norm("hostname", "http://evil.com").is_err());
}

#[test]
fn email_addresses() {
    assert_eq!(ok("email-src", "Bad.Guy[@]Evil[.]COM"), "bad.guy@evil.com");
    assert_eq!(ok("email", "bad[at]evil(dot)com"), "bad@evil.com");
    assert_eq!(ok("whois-registrant-email", "Admin@Example.ORG"), "admin@example.org");
    assert_eq!(ok("target-email", "CEO@Victim.example"), "ceo@victim.example");
    assert!(err("email-dst", "not an email").contains("expected an e-mail address"));
    assert!(norm("email-dst", "bad@localhost").is_err());
}

#[test]
fn ip_addresses_and_cidrs() {
    assert_eq!(ok("ip-dst", " 8.8.8.8 "), "8.8.8.8");
    assert_eq!(ok("ip-src", "192.168[.]1[.]1"), "192.168.1.1");
    assert_eq!(ok("ip-dst", "2001:0db8:0000:0000:0000:ff00:0042:8329"), "2001:db8::ff00:42:8329");
    assert_eq!(ok("ip-dst", "2001:DB8::1"), "2001:db8::1");
    assert_eq!(ok("ip-dst", "8.8.8.8/32"), "8.8.8.8");
    assert_eq!(ok("ip-dst", "2001:db8::1/128"), "2001:db8::1");
    assert_eq!(ok("ip-dst", "10.0.0.0/8"), "10.0.0.0/8");
    assert_eq!(ok("ip-dst", "10.1.2.3/8"), "10.1.2.3/8", "host bits kept, as MISP");
    assert_eq!(ok("ip-dst", "2001:DB8::/32"), "2001:db8::/32");
    assert_eq!(
        err("ip-dst", "1.2.3"),
        r#"invalid ip-dst value "1.2.3": expected an IPv4 or IPv6 address or CIDR"#
    );
    for bad in ["1.2.3.4/33", "::1/129", "256.1.1.1", "1.2.3.4/", "fe80::1%eth0", "evil.com"] {
        assert!(norm("ip-src", bad).is_err(), "{bad}");
    }
}

#[test]
fn urls_lower_case_scheme_and_host_only() {
    assert_eq!(
        ok("url", "hxxp://Evil[.]Example.COM/Gate.PHP?ID=X"),
        "http://evil.example.com/Gate.PHP?ID=X"
    );
    assert_eq!(ok("url", "HXXPS[://]EVIL.COM:8443/A"), "https://evil.com:8443/A");
    assert_eq!(
        ok("link", "https://www.VirusTotal.com/gui/file/ABC"),
        "https://www.virustotal.com/gui/file/ABC"
    );
    assert_eq!(ok("url", "Evil.COM/Path/X.php"), "evil.com/Path/X.php");
    assert_eq!(ok("uri", "/Admin/Login.php"), "/Admin/Login.php");
}

#[test]
fn as_numbers() {
    assert_eq!(ok("AS", "AS13335"), "13335");
    assert_eq!(ok("AS", "as 64512"), "64512");
    assert_eq!(ok("AS", "1.10"), "65546");
    assert_eq!(ok("AS", "0013335"), "13335");
    assert!(err("AS", "AS4294967296").contains("at most 4294967295"));
    assert!(norm("AS", "Cloudflare").is_err());
}

#[test]
fn advisories_methods_hex_mac() {
    assert_eq!(ok("vulnerability", "cve\u{2013}2021\u{2013}44228"), "CVE-2021-44228");
    assert_eq!(ok("weakness", "cwe-79"), "CWE-79");
    assert_eq!(ok("http-method", "post"), "POST");
    assert_eq!(ok("hex", "4d5a90"), "4D5A90");
    assert!(norm("hex", "4d 5a").is_err());
    assert_eq!(ok("mac-address", "00-1A-2B-3C-4D-5E"), "00:1a:2b:3c:4d:5e");
    assert_eq!(ok("mac-address", "001a.2b3c.4d5e"), "00:1a:2b:3c:4d:5e");
    assert!(norm("mac-address", "00:1a:2b:3c:4d").is_err());
    assert_eq!(ok("mac-eui-64", "00:1A:2B:FF:FE:3C:4D:5E"), "00:1a:2b:ff:fe:3c:4d:5e");
}

#[test]
fn money_phone_and_time_types() {
    assert_eq!(ok("cc-number", "4111 1111-1111 1111"), "4111111111111111");
    assert_eq!(ok("iban", "de89 3704 0044 0532 0130 00"), "DE89370400440532013000");
    assert_eq!(ok("phone-number", "0044 (0)20 7946 0958"), "+442079460958");
    assert_eq!(ok("phone-number", "+1 (555) 010-9999"), "+15550109999");
    assert!(norm("phone-number", "call me").is_err());
    assert_eq!(ok("datetime", "2024-03-26 23:30:15"), "2024-03-26T23:30:15Z");
    assert!(norm("datetime", "last tuesday").is_err());
    assert_eq!(ok("port", "0443"), "443");
    assert!(norm("port", "70000").is_err());
}

#[test]
fn other_types_are_only_trimmed() {
    assert_eq!(ok("text", "  Some Text [.] here "), "Some Text [.] here");
    assert_eq!(
        ok("yara", "rule x { strings: $a = /evil[.]com/ condition: $a }"),
        "rule x { strings: $a = /evil[.]com/ condition: $a }"
    );
    assert_eq!(ok("filename", " Invoice.PDF.exe "), "Invoice.PDF.exe");
    assert_eq!(ok("regkey", r"HKLM\Software\Run"), r"HKLM\Software\Run");
}

#[test]
fn composites_normalise_each_half() {
    assert_eq!(
        ok("filename|md5", "Evil.EXE|D41D8CD98F00B204E9800998ECF8427E"),
        format!("Evil.EXE|{MD5}")
    );
    assert_eq!(
        ok("filename|sha256", &format!("a.dll | {}", SHA256.to_uppercase())),
        format!("a.dll|{SHA256}")
    );
    assert_eq!(ok("malware-sample", &format!("sample.zip|{MD5}")), format!("sample.zip|{MD5}"));
    assert_eq!(ok("domain|ip", "Evil[.]COM|2001:DB8::1"), "evil.com|2001:db8::1");
    assert_eq!(ok("ip-dst|port", "1.2.3.4:8080"), "1.2.3.4|8080");
    assert_eq!(ok("ip-src|port", "[2001:DB8::1]:443"), "2001:db8::1|443");
    assert_eq!(ok("ip-dst|port", "2001:db8::1|0443"), "2001:db8::1|443");
    assert_eq!(ok("ip-dst|port", "2001:db8::1 port 53"), "2001:db8::1|53");
    assert_eq!(ok("hostname|port", "Mail.Evil.com:25"), "mail.evil.com|25");
    assert_eq!(ok("regkey|value", r"HKCU\Run|C:\evil.exe"), r"HKCU\Run|C:\evil.exe");
    assert_eq!(ok("filename|ssdeep", "a.exe|3:abc:def"), "a.exe|3:abc:def");
}

#[test]
fn malformed_composites_are_errors() {
    for (name, value) in [
        ("filename|md5", MD5),
        ("filename|md5", "a|b|c"),
        ("filename|md5", "|d41d8cd98f00b204e9800998ecf8427e"),
        ("filename|md5", "a.exe|"),
        ("domain|ip", "evil.com"),
        ("regkey|value", "a||b"),
    ] {
        assert!(err(name, value).contains("single '|'"), "{name} {value}");
    }
    assert!(err("filename|md5", "a.exe|xyz").contains("32 hexadecimal"));
    assert!(err("ip-dst|port", "1.2.3.4:0").contains("port number"));
    assert!(norm("domain|ip", "evil.com|10.0.0.0/8").is_err());
}

#[test]
fn error_value_is_truncated() {
    let long = "x".repeat(300);
    let e = norm("md5", &long).unwrap_err();
    assert_eq!(e.value.chars().count(), 101);
    assert_eq!(e.attr_type, ty("md5"));
}

#[test]
fn split_and_correlation_key() {
    assert_eq!(split_composite(ty("filename|md5"), "a.exe|abc"), ("a.exe", Some("abc")));
    assert_eq!(split_composite(ty("malware-sample"), "a.exe|abc"), ("a.exe", Some("abc")));
    assert_eq!(split_composite(ty("text"), "a|b"), ("a|b", None));
    assert_eq!(split_composite(ty("filename|md5"), "nopipe"), ("nopipe", None));
    assert_eq!(correlation_key("Evil.EXE"), "evil.exe");
    assert_eq!(correlation_key("ÉVIL"), "évil");
}

#[test]
fn doubly_defanged_input_is_refanged_fully() {
    assert_eq!(ok("domain", "evil[[.]]com"), "evil.com");
    assert_eq!(ok("url", "hxxp://a/[[].]"), "http://a/.");
}

#[test]
fn every_composite_type_has_a_composite_shape() {
    for t in AttrType::all() {
        let composite = matches!(type_rules(t).shape, Shape::Composite(..));
        assert_eq!(composite, t.is_composite(), "{t}");
    }
    assert!(type_rules(ty("url")).refang);
    assert!(!type_rules(ty("yara")).refang);
}
