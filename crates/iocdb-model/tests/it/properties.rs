//! Properties that must hold for every input.

use std::net::{IpAddr, Ipv4Addr};

use iocdb_model::{
    AttrType, Warninglist, WarninglistType, defang, infer_type, normalize_value, refang,
};
use proptest::prelude::*;

/// Types covering every normalisation rule.
const TYPES: [&str; 40] = [
    "md5",
    "sha1",
    "sha256",
    "sha512/224",
    "sha3-512",
    "imphash",
    "jarm-fingerprint",
    "ssdeep",
    "impfuzzy",
    "tlsh",
    "telfhash",
    "cdhash",
    "vhash",
    "x509-fingerprint-sha1",
    "domain",
    "hostname",
    "email-src",
    "whois-registrant-email",
    "ip-src",
    "ip-dst",
    "url",
    "uri",
    "link",
    "AS",
    "vulnerability",
    "weakness",
    "mac-address",
    "mac-eui-64",
    "http-method",
    "hex",
    "port",
    "datetime",
    "cc-number",
    "iban",
    "phone-number",
    "filename|md5",
    "domain|ip",
    "ip-dst|port",
    "hostname|port",
    "regkey|value",
];

/// Pieces that exercise the marker language: markers, escapes, schemes and near misses.
fn fang_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "[.]", "(.)", "{.}", "[dot]", "(DOT)", "[@]", "[at]", "(At)", "[:]", "[://]", "[/]",
            "[[]", "[(]", "[{]", "hxxp", "HXXPS", "hxtp", "htxp", "meow", "http", "HTTPS", "://",
            ":", "/", "//", "[", "]", "(", ")", "{", "}", ".", "@", "s", "S", "x", "a", "1", " ",
            "é", "|", "-",
        ])
        .prop_map(str::to_owned),
        "[a-z0-9]{1,4}",
    ]
}

/// Strings made of marker-language pieces.
fn fangy() -> impl Strategy<Value = String> {
    prop::collection::vec(fang_piece(), 0..16).prop_map(|pieces| pieces.concat())
}

/// Strings that look like indicators of many kinds, defanged or not.
fn indicator_like() -> impl Strategy<Value = String> {
    prop_oneof![
        fangy(),
        "[0-9a-fA-F:./| -]{0,70}",
        "(hxxps?|https?)://[A-Za-z0-9.\\[\\]-]{1,20}(/[A-Za-z0-9._?=&-]{0,15})?",
        "[A-Za-z0-9._-]{1,12}(@|\\[@\\]|\\[at\\])[A-Za-z0-9-]{1,10}(\\.|\\[\\.\\])[a-z]{2,5}",
        "(AS|as)?[0-9]{1,11}(\\.[0-9]{1,6})?",
        "[0-9]{1,3}(\\.[0-9]{1,3}){3}(/[0-9]{1,3}|:[0-9]{1,6})?",
        "[A-Za-z0-9 ._-]{1,12}\\|[0-9a-fA-F]{30,34}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn refang_inverts_defang_on_any_string(x in any::<String>()) {
        let defanged = defang(&x);
        prop_assert_eq!(refang(&defanged), x.as_str());
    }

    #[test]
    fn refang_inverts_defang_on_marker_soup(x in fangy()) {
        let defanged = defang(&x);
        prop_assert_eq!(refang(&defanged), x.as_str());
    }

    #[test]
    fn normalisation_is_idempotent(
        index in 0..TYPES.len(),
        x in prop_oneof![any::<String>(), indicator_like()],
    ) {
        let ty = AttrType::from_name(TYPES[index]).unwrap();
        if let Ok(once) = normalize_value(ty, &x) {
            let twice = normalize_value(ty, &once);
            prop_assert_eq!(twice.as_ref(), Ok(&once), "type {}", ty);
        }
    }

    #[test]
    fn normalisation_never_panics_on_any_type(index in 0..194u16, x in any::<String>()) {
        let ty = AttrType::from_index(index).unwrap();
        let _ = normalize_value(ty, &x);
    }

    #[test]
    fn inferred_values_are_normalised(x in prop_oneof![any::<String>(), indicator_like()]) {
        if let Some(inferred) = infer_type(&x) {
            let again = normalize_value(inferred.attr_type, &inferred.value);
            prop_assert_eq!(again.as_ref(), Ok(&inferred.value));
        }
    }

    #[test]
    fn cidr_lists_agree_with_a_naive_scan(
        nets in prop::collection::vec((any::<u32>(), 0u32..=32), 0..20),
        probe in any::<u32>(),
        probe_prefix in 0u32..=32,
    ) {
        let entries: Vec<String> =
            nets.iter().map(|(ip, p)| format!("{}/{}", Ipv4Addr::from(*ip), p)).collect();
        let list =
            Warninglist::new("p", "", 1, WarninglistType::Cidr, vec![], entries).unwrap();
        let probe_range = range(probe, probe_prefix);
        // A CIDR is inside the union of the entries iff every address is in some entry;
        // for a single address or when one entry covers it all, a scan decides it.
        let covered_by_one = nets.iter().any(|(ip, p)| {
            let (lo, hi) = range(*ip, *p);
            lo <= probe_range.0 && probe_range.1 <= hi
        });
        let value = format!("{}/{}", IpAddr::V4(Ipv4Addr::from(probe)), probe_prefix);
        if covered_by_one {
            prop_assert!(list.matches(None, &value));
        }
        if probe_prefix == 32 {
            prop_assert_eq!(list.matches(None, &value), covered_by_one);
        }
    }
}

/// Inclusive address range of `ip/prefix`.
fn range(ip: u32, prefix: u32) -> (u32, u32) {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    (ip & mask, (ip & mask) | !mask)
}

#[test]
fn infer_type_never_panics_on_awkward_bytes() {
    let awkward = [
        "\u{0}",
        "\u{feff}",
        "[",
        "[.",
        "hxxp",
        "hxxp:",
        "hxxp://",
        "::",
        ":::",
        "[::",
        "]:",
        "1.2.3.4:",
        ":80",
        "a@",
        "@a",
        "AS",
        "CVE-",
        ".",
        "..",
        "a.",
        ".a",
        "é.é",
        "\u{10ffff}",
        "xn--",
        "xn--.com",
        "a|b|c",
        "1/2",
        "/",
        "%",
        "ﬀ.com",
        "İ.com",
    ];
    for text in awkward {
        let _ = infer_type(text);
        for ty in AttrType::all() {
            let _ = normalize_value(ty, text);
        }
    }
}
