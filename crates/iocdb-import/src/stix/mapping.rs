//! Which MISP attribute type a STIX object path carries, and back.
//!
//! One table serves patterns (`file:hashes.'SHA-256' = '...'`) and cyber observables
//! (a `file` object's `hashes` dictionary) alike: both are reduced to an object type and a
//! *canonical path* ([`canonical_path`]): property names lower-cased, quotes dropped, list
//! indexes written `[*]`, hash algorithm names without `-` and `_` (`hashes.sha256`).
//!
//! Import may map several paths to one type (`process:name` and `file:name` are both
//! `filename`); export ([`stix_path`]) picks one path per type, the one import maps back
//! to the same type, so an exported attribute comes back with its type.

/// The MISP types a canonical path of an object type maps to, most likely first.
///
/// Several candidates mean "try in order": a `network-traffic` destination is usually an
/// IP address but may be a host name. Empty when the path carries no MISP attribute.
pub(crate) fn attr_types(object_type: &str, path: &str) -> &'static [&'static str] {
    if let Some(alg) = path.strip_prefix("hashes.") {
        return hash_types(object_type, alg);
    }
    match (object_type, path) {
        ("ipv4-addr" | "ipv6-addr", "value") => &["ip-dst"],
        ("domain-name", "value") => &["domain", "hostname"],
        ("domain-name", "resolves_to_refs[*].value") => &["ip-dst", "hostname"],
        ("url", "value") => &["url"],
        ("email-addr", "value") => &["email"],
        ("mac-addr", "value") => &["mac-address"],
        ("autonomous-system", "number") => &["AS"],
        ("mutex", "name") => &["mutex"],
        ("windows-registry-key", "key") => &["regkey"],
        ("software", "cpe") => &["cpe"],
        ("software", "name") => &["text"],
        ("process", "name" | "image_ref.name") => &["filename"],
        ("process", "command_line") => &["text"],
        ("file", "name") => &["filename"],
        ("file", "size") => &["size-in-bytes"],
        ("file" | "artifact", "mime_type") => &["mime-type"],
        ("file", "extensions.windows-pebinary-ext.imphash") => &["imphash"],
        ("artifact", "url") => &["url"],
        ("email-message", "from_ref.value" | "sender_ref.value") => &["email-src"],
        ("email-message", "to_refs[*].value" | "cc_refs[*].value" | "bcc_refs[*].value") => {
            &["email-dst"]
        }
        ("email-message", "from_ref.display_name" | "sender_ref.display_name") => {
            &["email-src-display-name"]
        }
        ("email-message", "to_refs[*].display_name") => &["email-dst-display-name"],
        ("email-message", "subject") => &["email-subject"],
        ("email-message", "message_id") => &["email-message-id"],
        ("email-message", "body") => &["email-body"],
        ("email-message", "additional_header_fields.reply-to") => &["email-reply-to"],
        ("email-message", "additional_header_fields.x-mailer") => &["email-x-mailer"],
        ("email-message", "body_multipart[*].body_raw_ref.name") => &["email-attachment"],
        ("network-traffic", "dst_ref.value") => &["ip-dst", "hostname"],
        ("network-traffic", "src_ref.value") => &["ip-src", "hostname"],
        ("network-traffic", "dst_port" | "src_port") => &["port"],
        ("network-traffic", "extensions.http-request-ext.request_header.user-agent") => {
            &["user-agent"]
        }
        ("network-traffic", "extensions.http-request-ext.request_value") => &["uri"],
        ("network-traffic", "extensions.http-request-ext.request_method") => &["http-method"],
        _ => &[],
    }
}

/// The MISP type of a hash of a `file`, `artifact` or `x509-certificate`.
fn hash_types(object_type: &str, alg: &str) -> &'static [&'static str] {
    match object_type {
        "x509-certificate" => match alg {
            "md5" => &["x509-fingerprint-md5"],
            "sha1" => &["x509-fingerprint-sha1"],
            "sha256" => &["x509-fingerprint-sha256"],
            _ => &[],
        },
        "file" | "artifact" => match alg {
            "md5" => &["md5"],
            "sha1" => &["sha1"],
            "sha224" => &["sha224"],
            "sha256" => &["sha256"],
            "sha384" => &["sha384"],
            "sha512" => &["sha512"],
            "sha3224" => &["sha3-224"],
            "sha3256" => &["sha3-256"],
            "sha3384" => &["sha3-384"],
            "sha3512" => &["sha3-512"],
            "ssdeep" => &["ssdeep"],
            "tlsh" => &["tlsh"],
            "imphash" => &["imphash"],
            "authentihash" => &["authentihash"],
            "vhash" => &["vhash"],
            "pehash" => &["pehash"],
            "telfhash" => &["telfhash"],
            _ => &[],
        },
        _ => &[],
    }
}

/// How a value is written in a pattern or an observable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Literal {
    /// A quoted string.
    Text,
    /// An integer (`dst_port`, `number`, `size`); written quoted when not a number.
    Integer,
}

/// Where export writes one value: object type, path as written in a pattern, literal kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StixPath {
    /// The cyber-observable type (`file`, `ipv4-addr`, ...).
    pub(crate) object_type: &'static str,
    /// The property path in pattern syntax (`hashes.'SHA-256'`).
    pub(crate) path: &'static str,
    /// How the value is written.
    pub(crate) literal: Literal,
}

const fn text(object_type: &'static str, path: &'static str) -> StixPath {
    StixPath { object_type, path, literal: Literal::Text }
}

const fn integer(object_type: &'static str, path: &'static str) -> StixPath {
    StixPath { object_type, path, literal: Literal::Integer }
}

/// Where export writes a value of a non-composite MISP type, if STIX can carry it.
/// `value` decides between `ipv4-addr` and `ipv6-addr`.
pub(crate) fn stix_path(attr_type: &str, value: &str) -> Option<StixPath> {
    let ip = if value.contains(':') { "ipv6-addr" } else { "ipv4-addr" };
    let path = match attr_type {
        "ip-dst" | "ip-src" => text(ip, "value"),
        "domain" | "hostname" => text("domain-name", "value"),
        "url" => text("url", "value"),
        "email" => text("email-addr", "value"),
        "mac-address" => text("mac-addr", "value"),
        "AS" => integer("autonomous-system", "number"),
        "mutex" => text("mutex", "name"),
        "regkey" => text("windows-registry-key", "key"),
        "cpe" => text("software", "cpe"),
        "filename" => text("file", "name"),
        "size-in-bytes" => integer("file", "size"),
        "mime-type" => text("file", "mime_type"),
        "imphash" => text("file", "extensions.'windows-pebinary-ext'.imphash"),
        "email-src" => text("email-message", "from_ref.value"),
        "email-dst" => text("email-message", "to_refs[*].value"),
        "email-src-display-name" => text("email-message", "from_ref.display_name"),
        "email-dst-display-name" => text("email-message", "to_refs[*].display_name"),
        "email-subject" => text("email-message", "subject"),
        "email-message-id" => text("email-message", "message_id"),
        "email-body" => text("email-message", "body"),
        "email-attachment" => text("email-message", "body_multipart[*].body_raw_ref.name"),
        "email-reply-to" => text("email-message", "additional_header_fields.'Reply-To'"),
        "email-x-mailer" => text("email-message", "additional_header_fields.'X-Mailer'"),
        "port" => integer("network-traffic", "dst_port"),
        "user-agent" => {
            text("network-traffic", "extensions.'http-request-ext'.request_header.'User-Agent'")
        }
        "uri" => text("network-traffic", "extensions.'http-request-ext'.request_value"),
        "http-method" => text("network-traffic", "extensions.'http-request-ext'.request_method"),
        "x509-fingerprint-md5" => text("x509-certificate", "hashes.MD5"),
        "x509-fingerprint-sha1" => text("x509-certificate", "hashes.'SHA-1'"),
        "x509-fingerprint-sha256" => text("x509-certificate", "hashes.'SHA-256'"),
        other => text("file", file_hash_path(other)?),
    };
    Some(path)
}

/// The pattern path of a file hash type, with the algorithm spelt as STIX 2.1's
/// hash-algorithm vocabulary does (`MD5`, `'SHA-256'`, `SSDEEP`, `TLSH`).
fn file_hash_path(attr_type: &str) -> Option<&'static str> {
    Some(match attr_type {
        "md5" => "hashes.MD5",
        "sha1" => "hashes.'SHA-1'",
        "sha224" => "hashes.'SHA-224'",
        "sha256" => "hashes.'SHA-256'",
        "sha384" => "hashes.'SHA-384'",
        "sha512" => "hashes.'SHA-512'",
        "sha3-224" => "hashes.'SHA3-224'",
        "sha3-256" => "hashes.'SHA3-256'",
        "sha3-384" => "hashes.'SHA3-384'",
        "sha3-512" => "hashes.'SHA3-512'",
        "ssdeep" => "hashes.SSDEEP",
        "tlsh" => "hashes.TLSH",
        "authentihash" => "hashes.AUTHENTIHASH",
        "vhash" => "hashes.VHASH",
        "pehash" => "hashes.PEHASH",
        "telfhash" => "hashes.TELFHASH",
        _ => return None,
    })
}

/// Where export writes the two halves of a composite type, if STIX can carry it.
/// The halves' types are those import reads back (`ip-dst|port` → `ip-dst`, `port`).
pub(crate) fn composite_paths(attr_type: &str) -> Option<[StixPath; 2]> {
    let paths = match attr_type {
        "ip-dst|port" => {
            [text("network-traffic", "dst_ref.value"), integer("network-traffic", "dst_port")]
        }
        "ip-src|port" => {
            [text("network-traffic", "src_ref.value"), integer("network-traffic", "src_port")]
        }
        "hostname|port" => {
            [text("network-traffic", "dst_ref.value"), integer("network-traffic", "dst_port")]
        }
        "domain|ip" => {
            [text("domain-name", "value"), text("domain-name", "resolves_to_refs[*].value")]
        }
        "regkey|value" => return None,
        other => {
            let (left, right) = other.split_once('|')?;
            if left != "filename" {
                return None;
            }
            [text("file", "name"), text("file", file_hash_path(right)?)]
        }
    };
    Some(paths)
}

/// The MISP object template and meta-category closest to an observable type.
pub(crate) fn template(object_type: Option<&str>) -> (&'static str, &'static str) {
    match object_type.unwrap_or_default() {
        "file" | "artifact" => ("file", "file"),
        "network-traffic" => ("network-connection", "network"),
        "domain-name" => ("domain-ip", "network"),
        "ipv4-addr" | "ipv6-addr" => ("ip-port", "network"),
        "email-message" | "email-addr" => ("email", "network"),
        "url" => ("url", "network"),
        "x509-certificate" => ("x509", "network"),
        "windows-registry-key" => ("registry-key", "file"),
        "process" => ("process", "misc"),
        "software" => ("software", "misc"),
        "autonomous-system" => ("asn", "network"),
        _ => ("stix-observable", "misc"),
    }
}

/// A canonical path written back in pattern syntax: the spelling export uses when it has
/// one (`hashes.'SHA-256'`), else components quoted where needed.
pub(crate) fn pattern_path(object_type: &str, canonical: &str) -> String {
    for name in attr_types(object_type, canonical) {
        if let Some(known) = stix_path(name, "")
            .filter(|p| p.object_type == object_type && canonical_path(p.path) == canonical)
        {
            return known.path.to_owned();
        }
    }
    let mut out = Vec::new();
    let mut after_hashes = false;
    for part in canonical.split('.') {
        let text = match hash_name(part).filter(|_| after_hashes) {
            Some(name) => name.to_owned(),
            None => part.to_owned(),
        };
        let plain =
            text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '[' | ']' | '*'));
        out.push(if plain { text } else { format!("'{text}'") });
        after_hashes = part == "hashes";
    }
    out.join(".")
}

/// The STIX vocabulary spelling of a canonical hash algorithm name.
fn hash_name(alg: &str) -> Option<&'static str> {
    Some(match alg {
        "md5" => "MD5",
        "sha1" => "SHA-1",
        "sha224" => "SHA-224",
        "sha256" => "SHA-256",
        "sha384" => "SHA-384",
        "sha512" => "SHA-512",
        "sha3224" => "SHA3-224",
        "sha3256" => "SHA3-256",
        "sha3384" => "SHA3-384",
        "sha3512" => "SHA3-512",
        "ssdeep" => "SSDEEP",
        "tlsh" => "TLSH",
        _ => return None,
    })
}

/// The canonical form of a property path: lower case, quotes dropped, list indexes as
/// `[*]`, and hash algorithm names without `-` and `_` (`hashes.'SHA-256'` →
/// `hashes.sha256`). Never fails: whatever the input, some string comes out.
pub(crate) fn canonical_path(raw: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut chars = raw.trim().chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    current.push(q);
                }
            }
            '.' => parts.push(std::mem::take(&mut current)),
            '[' => {
                for q in chars.by_ref() {
                    if q == ']' {
                        break;
                    }
                }
                current.push_str("[*]");
            }
            c if c.is_whitespace() => {}
            c => current.push(c),
        }
    }
    parts.push(current);
    join_components(&parts)
}

/// Joins path components canonically (see [`canonical_path`]).
pub(crate) fn join_components(parts: &[String]) -> String {
    let mut out = String::new();
    let mut after_hashes = false;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        let lower = part.to_lowercase();
        if after_hashes {
            out.extend(lower.chars().filter(|c| *c != '-' && *c != '_'));
        } else {
            out.push_str(&lower);
        }
        after_hashes = lower == "hashes";
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_paths() {
        assert_eq!(canonical_path("hashes.'SHA-256'"), "hashes.sha256");
        assert_eq!(canonical_path("hashes.MD5"), "hashes.md5");
        assert_eq!(canonical_path("resolves_to_refs[0].value"), "resolves_to_refs[*].value");
        assert_eq!(
            canonical_path("extensions.'http-request-ext'.request_header.'User-Agent'"),
            "extensions.http-request-ext.request_header.user-agent"
        );
        assert_eq!(canonical_path("'unterminated"), "unterminated");
        assert_eq!(canonical_path(""), "");
    }

    #[test]
    fn pattern_paths() {
        assert_eq!(pattern_path("file", "hashes.sha256"), "hashes.'SHA-256'");
        assert_eq!(pattern_path("network-traffic", "src_port"), "src_port");
        assert_eq!(pattern_path("network-traffic", "src_ref.value"), "src_ref.value");
        assert_eq!(pattern_path("artifact", "hashes.sha1"), "hashes.'SHA-1'");
        assert_eq!(pattern_path("email-message", "cc_refs[*].value"), "cc_refs[*].value");
        assert_eq!(
            pattern_path(
                "network-traffic",
                "extensions.http-request-ext.request_header.user-agent"
            ),
            "extensions.'http-request-ext'.request_header.'User-Agent'"
        );
    }

    /// Every path export writes is read back as the exported type.
    #[test]
    fn export_paths_map_back() {
        let types = [
            "ip-dst",
            "domain",
            "url",
            "email",
            "mac-address",
            "AS",
            "mutex",
            "regkey",
            "cpe",
            "filename",
            "size-in-bytes",
            "mime-type",
            "imphash",
            "email-src",
            "email-dst",
            "email-src-display-name",
            "email-dst-display-name",
            "email-subject",
            "email-message-id",
            "email-body",
            "email-reply-to",
            "email-x-mailer",
            "port",
            "email-attachment",
            "user-agent",
            "uri",
            "http-method",
            "x509-fingerprint-md5",
            "x509-fingerprint-sha1",
            "x509-fingerprint-sha256",
            "md5",
            "sha1",
            "sha224",
            "sha256",
            "sha384",
            "sha512",
            "sha3-224",
            "sha3-256",
            "sha3-384",
            "sha3-512",
            "ssdeep",
            "tlsh",
            "authentihash",
            "vhash",
            "pehash",
            "telfhash",
        ];
        for ty in types {
            let path = stix_path(ty, "x").expect(ty);
            let back = attr_types(path.object_type, &canonical_path(path.path));
            assert_eq!(back.first(), Some(&ty), "{ty} via {path:?}");
        }
    }
}
