//! MISP's ingest normalisation: what MISP would store for a typed value, and the key
//! values are matched by.
//!
//! [`normalize_value`] follows MISP's `beforeValidateMassage` (`trim`, refang,
//! `AttributeValidationTool::modifyBeforeValidation`) and its validation, with these
//! deliberate differences:
//!
//! - Refanging applies to the network types only (URLs, links, IPs, domains, host names,
//!   e-mail addresses and their composites), as in MISP's `REFANG_REGEX_TABLE`: refanging a
//!   YARA rule, a regex (`pattern-in-file`) or free text would corrupt it (`[.]` is a
//!   character class). It is repeated until nothing changes, so normalisation is
//!   idempotent even for doubly defanged input.
//! - `hostname` gets the `domain` treatment (dots trimmed, punycode), so the two correlate.
//! - `ssdeep` and `impfuzzy` are format-checked but not lower-cased: they are base64.
//! - MISP's replacement of 4-byte UTF-8 characters by `?` (a MySQL `utf8mb3` limitation) is
//!   not reproduced.
//! - CIDR host bits are kept as given (`10.1.2.3/8`), as MISP keeps them.

mod fang;
mod net;

pub(crate) use net::{domain as normalize_domain, is_domain, plain_ip};

use std::borrow::Cow;
use std::sync::OnceLock;

pub use fang::{defang, refang};

use crate::time::{Timestamp, truncate};
use crate::types::AttrType;

/// A value that is not valid for its attribute type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {attr_type} value {value:?}: expected {expected}")]
pub struct ValueError {
    /// The type the value was given for.
    pub attr_type: AttrType,
    /// The value as given, truncated to 100 characters.
    pub value: String,
    /// What a valid value looks like.
    pub expected: Cow<'static, str>,
}

impl ValueError {
    /// An error for `value` of type `attr_type`, which should have been `expected`.
    pub fn new(attr_type: AttrType, value: &str, expected: impl Into<Cow<'static, str>>) -> Self {
        ValueError { attr_type, value: truncate(value, 100), expected: expected.into() }
    }
}

/// How the value of one type (or one half of a composite type) is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Kept as given (after trimming).
    Keep,
    /// Lower-cased.
    Lower,
    /// Upper-cased.
    Upper,
    /// Lower-cased, exactly this many hex digits.
    Hex(usize),
    /// `:` removed, lower-cased, exactly this many hex digits (x509 fingerprints).
    Fingerprint(usize),
    /// Lower-cased, at least this many hex digits (`cdhash`).
    HexAtLeast(usize),
    /// Lower-cased, optional `t1` prefix then at least 35 hex digits.
    Tlsh,
    /// Lower-cased, 70 or 72 characters.
    Telfhash,
    /// `blocksize:hash:hash`, case kept.
    Ssdeep,
    /// `imports:hash:hash`, case kept.
    Impfuzzy,
    /// Upper-cased, en dash to `-` (`vulnerability`, `weakness`).
    Advisory,
    /// Upper-case hex digits.
    UpperHex,
    /// IP address or CIDR.
    IpOrCidr,
    /// Plain IP address.
    Ip,
    /// Domain or host name.
    Domain,
    /// E-mail address.
    Email,
    /// URL.
    Url,
    /// AS number.
    Asn,
    /// MAC address with this many octets.
    Mac(usize),
    /// Port number.
    Port,
    /// Date and time, written RFC 3339.
    Datetime,
    /// Digits only (`cc-number`, `bin`).
    Digits,
    /// Upper-case letters and digits only (`iban`, `bic`).
    UpperAlnum,
    /// Phone number: `00` to `+`, `(0)` dropped, then `+` and digits only.
    Phone,
}

/// Normalises `raw` as a value of type `ty`, the way MISP would store it: trim, refang
/// (network types), then the type's rule. Composite values are split on their single `|`
/// and each half normalised with its own type (`ip-dst|port` also accepts `ip:port` and
/// `[v6]:port`).
///
/// ```
/// use iocdb_model::{AttrType, normalize_value};
///
/// let ip = AttrType::from_name("ip-dst").unwrap();
/// assert_eq!(normalize_value(ip, "2001:DB8:0:0::1/128").unwrap(), "2001:db8::1");
/// assert!(normalize_value(ip, "1.2.3").is_err());
/// ```
pub fn normalize_value(ty: AttrType, raw: &str) -> Result<String, ValueError> {
    let trimmed = raw.trim();
    let rules = type_rules(ty);
    let text = if rules.refang { refang_fully(trimmed) } else { Cow::Borrowed(trimmed) };
    let text = text.trim();
    if text.is_empty() {
        return Err(ValueError::new(ty, raw, "a non-empty value"));
    }
    let normalized = match rules.shape {
        Shape::Single(rule) => apply(rule, text).ok_or_else(|| expected(rule)),
        Shape::Composite(split, first, second) => composite(ty, split, (first, second), text),
    };
    normalized.map_err(|expected| ValueError::new(ty, raw, expected))
}

/// Splits an already normalised value into its halves: `(first, Some(second))` for a
/// composite type whose value has a `|`, `(value, None)` otherwise.
pub fn split_composite(ty: AttrType, value: &str) -> (&str, Option<&str>) {
    match value.split_once('|') {
        Some((first, second)) if ty.is_composite() => (first, Some(second)),
        _ => (value, None),
    }
}

/// The key a normalised value (or composite half) is matched by: its Unicode lower case,
/// because MISP matches through a case-insensitive collation.
pub fn correlation_key(half: &str) -> String {
    half.to_lowercase()
}

/// Refangs until nothing changes (each pass that changes something shortens the text or
/// removes a scheme marker, so this ends).
fn refang_fully(text: &str) -> Cow<'_, str> {
    let mut current = refang(text);
    loop {
        match refang(&current) {
            Cow::Borrowed(_) => return current,
            Cow::Owned(next) => current = Cow::Owned(next),
        }
    }
}

/// Whether values of `ty` are refanged: the types MISP refangs and their relatives.
fn refangs(ty: AttrType) -> bool {
    matches!(
        ty.name(),
        "url"
            | "uri"
            | "link"
            | "ip-src"
            | "ip-dst"
            | "domain"
            | "hostname"
            | "domain|ip"
            | "ip-src|port"
            | "ip-dst|port"
            | "hostname|port"
            | "email"
            | "email-src"
            | "email-dst"
            | "target-email"
            | "whois-registrant-email"
            | "dns-soa-email"
            | "eppn"
    )
}

/// The rule for a non-composite type, or for the second half of a composite one.
fn rule_for(name: &str) -> Rule {
    match name {
        "md5"
        | "imphash"
        | "ja3-fingerprint-md5"
        | "hassh-md5"
        | "hasshserver-md5"
        | "dom-hash" => Rule::Hex(32),
        "sha1" | "pehash" | "git-commit-id" => Rule::Hex(40),
        "sha224" | "sha512/224" | "sha3-224" => Rule::Hex(56),
        "sha256" | "sha512/256" | "sha3-256" | "authentihash" => Rule::Hex(64),
        "sha384" | "sha3-384" => Rule::Hex(96),
        "sha512" | "sha3-512" => Rule::Hex(128),
        "jarm-fingerprint" => Rule::Hex(62),
        "x509-fingerprint-md5" => Rule::Fingerprint(32),
        "x509-fingerprint-sha1" => Rule::Fingerprint(40),
        "x509-fingerprint-sha256" => Rule::Fingerprint(64),
        "cdhash" => Rule::HexAtLeast(40),
        "tlsh" => Rule::Tlsh,
        "telfhash" => Rule::Telfhash,
        "ssdeep" => Rule::Ssdeep,
        "impfuzzy" => Rule::Impfuzzy,
        "vhash" | "anonymised" | "onion-address" => Rule::Lower,
        "email"
        | "email-src"
        | "email-dst"
        | "target-email"
        | "whois-registrant-email"
        | "dns-soa-email"
        | "eppn" => Rule::Email,
        "domain" | "hostname" => Rule::Domain,
        "ip-src" | "ip-dst" => Rule::IpOrCidr,
        "url" | "uri" | "link" => Rule::Url,
        "AS" => Rule::Asn,
        "mac-address" => Rule::Mac(6),
        "mac-eui-64" => Rule::Mac(8),
        "port" => Rule::Port,
        "datetime" => Rule::Datetime,
        "vulnerability" | "weakness" => Rule::Advisory,
        "http-method" => Rule::Upper,
        "hex" => Rule::UpperHex,
        "cc-number" | "bin" => Rule::Digits,
        "iban" | "bic" => Rule::UpperAlnum,
        "phone-number" | "prtn" | "whois-registrant-phone" => Rule::Phone,
        _ => Rule::Keep,
    }
}

/// How a composite value is split into its halves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Split {
    /// On its single `|`.
    Pipe,
    /// `ip|port` or one of MISP's other `ip:port` spellings.
    IpPort,
    /// `host|port` or `host:port`.
    HostPort,
}

/// The shape of a type's value and the rules of its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// One value.
    Single(Rule),
    /// Two halves, split this way, with these rules.
    Composite(Split, Rule, Rule),
}

/// Everything [`normalize_value`] needs to know of a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TypeRules {
    /// Whether the value is refanged.
    refang: bool,
    /// How it is normalised.
    shape: Shape,
}

/// The rules of `ty`, computed once for every type (matching on type names at each call
/// would cost more than the normalisation itself).
fn type_rules(ty: AttrType) -> TypeRules {
    static RULES: OnceLock<Vec<TypeRules>> = OnceLock::new();
    let rules = RULES.get_or_init(|| AttrType::all().map(compute_rules).collect());
    let fallback = TypeRules { refang: false, shape: Shape::Single(Rule::Keep) };
    rules.get(usize::from(ty.index())).copied().unwrap_or(fallback)
}

/// The rules of `ty`, from its name.
fn compute_rules(ty: AttrType) -> TypeRules {
    let shape = match ty.name() {
        "malware-sample" => Shape::Composite(Split::Pipe, Rule::Keep, Rule::Hex(32)),
        "domain|ip" => Shape::Composite(Split::Pipe, Rule::Domain, Rule::Ip),
        "ip-src|port" | "ip-dst|port" => Shape::Composite(Split::IpPort, Rule::Ip, Rule::Port),
        "hostname|port" => Shape::Composite(Split::HostPort, Rule::Domain, Rule::Port),
        name => match name.split_once('|') {
            Some((_, second)) => Shape::Composite(Split::Pipe, Rule::Keep, rule_for(second)),
            None => Shape::Single(rule_for(name)),
        },
    };
    TypeRules { refang: refangs(ty), shape }
}

/// Normalises a composite value, or says what was expected.
fn composite(
    ty: AttrType,
    split: Split,
    (first_rule, second_rule): (Rule, Rule),
    text: &str,
) -> Result<String, Cow<'static, str>> {
    let parts = match split {
        Split::IpPort => net::split_ip_port(text),
        Split::HostPort if !text.contains('|') => text.rsplit_once(':'),
        _ if text.matches('|').count() == 1 => text.split_once('|'),
        _ => None,
    };
    let (first, second) = parts
        .map(|(a, b)| (a.trim(), b.trim()))
        .filter(|(a, b)| !a.is_empty() && !b.is_empty() && !a.contains('|') && !b.contains('|'))
        .ok_or_else(|| Cow::Owned(format!("two non-empty parts joined by a single '|' ({ty})")))?;
    let first = apply(first_rule, first).ok_or_else(|| expected(first_rule))?;
    let second = apply(second_rule, second).ok_or_else(|| expected(second_rule))?;
    Ok(format!("{first}|{second}"))
}

/// Applies one rule; `None` when the text does not fit it.
fn apply(rule: Rule, text: &str) -> Option<String> {
    match rule {
        Rule::Keep => Some(text.to_owned()),
        Rule::Lower => Some(text.to_lowercase()),
        Rule::Upper => Some(text.to_uppercase()),
        Rule::Hex(len) => hex(text, |n| n == len),
        Rule::Fingerprint(len) => hex(&text.replace(':', ""), |n| n == len),
        Rule::HexAtLeast(len) => hex(text, |n| n >= len),
        Rule::Tlsh => tlsh(text),
        Rule::Telfhash => {
            let lower = text.to_lowercase();
            matches!(lower.len(), 70 | 72).then_some(lower)
        }
        Rule::Ssdeep => fuzzy_hash(text, true).then(|| text.to_owned()),
        Rule::Impfuzzy => fuzzy_hash(text, false).then(|| text.to_owned()),
        Rule::Advisory => Some(text.replace('\u{2013}', "-").to_uppercase()),
        Rule::UpperHex => {
            text.bytes().all(|b| b.is_ascii_hexdigit()).then(|| text.to_ascii_uppercase())
        }
        Rule::IpOrCidr => net::ip_or_cidr(text),
        Rule::Ip => net::ip(text),
        Rule::Domain => net::domain(text),
        Rule::Email => net::email(text),
        Rule::Url => Some(net::url(text)),
        Rule::Asn => net::asn(text),
        Rule::Mac(octets) => net::mac(text, octets),
        Rule::Port => net::port(text),
        Rule::Datetime => Timestamp::parse(text).ok().map(Timestamp::to_rfc3339),
        Rule::Digits => non_empty(text.chars().filter(char::is_ascii_digit).collect()),
        Rule::UpperAlnum => non_empty(
            text.chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        ),
        Rule::Phone => phone(text),
    }
}

/// What a value of this rule looks like, for error messages.
fn expected(rule: Rule) -> Cow<'static, str> {
    match rule {
        Rule::Keep | Rule::Lower | Rule::Upper | Rule::Advisory | Rule::Url => {
            Cow::Borrowed("a non-empty value")
        }
        Rule::Hex(len) => Cow::Owned(format!("{len} hexadecimal characters")),
        Rule::Fingerprint(len) => {
            Cow::Owned(format!("{len} hexadecimal characters, optionally ':'-separated"))
        }
        Rule::HexAtLeast(len) => Cow::Owned(format!("at least {len} hexadecimal characters")),
        Rule::Tlsh => "at least 35 hexadecimal characters, optionally after \"t1\"".into(),
        Rule::Telfhash => "70 or 72 characters".into(),
        Rule::Ssdeep => "an ssdeep hash (blocksize:hash:hash)".into(),
        Rule::Impfuzzy => "an impfuzzy hash (imports:hash:hash)".into(),
        Rule::UpperHex => "hexadecimal characters".into(),
        Rule::IpOrCidr => "an IPv4 or IPv6 address or CIDR".into(),
        Rule::Ip => "an IPv4 or IPv6 address".into(),
        Rule::Domain => "a domain name (labels of a-z, 0-9, '-', '_' and a dot)".into(),
        Rule::Email => "an e-mail address (local@domain.tld)".into(),
        Rule::Asn => "an AS number (AS13335, 13335 or asdot 1.10), at most 4294967295".into(),
        Rule::Mac(6) => "a MAC address (6 hex octets)".into(),
        Rule::Mac(_) => "an EUI-64 address (8 hex octets)".into(),
        Rule::Port => "a port number from 1 to 65535".into(),
        Rule::Datetime => "an ISO 8601 date and time".into(),
        Rule::Digits => "digits".into(),
        Rule::UpperAlnum => "letters and digits".into(),
        Rule::Phone => "a phone number (digits, optionally after '+')".into(),
    }
}

/// Lower-cased `text` if it is all hex digits and its length passes `len_ok`.
fn hex(text: &str, len_ok: impl Fn(usize) -> bool) -> Option<String> {
    let valid = len_ok(text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then(|| text.to_ascii_lowercase())
}

/// TLSH: optional `t1` (any case), then more than 35 hex digits; lower-cased.
fn tlsh(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let digits = lower.strip_prefix("t1").unwrap_or(&lower);
    let valid = digits.len() >= 35 && digits.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then_some(lower)
}

/// `number:part:part` where the parts are base64 (ssdeep, `base64` = true) or anything
/// without `:` (impfuzzy).
fn fuzzy_hash(text: &str, base64: bool) -> bool {
    let mut parts = text.split(':');
    let (Some(number), Some(a), Some(b), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let is_b64 = |s: &str| s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'/' || c == b'+');
    !number.is_empty()
        && number.bytes().all(|c| c.is_ascii_digit())
        && (!base64 || (is_b64(a) && is_b64(b)))
}

/// Phone number: `(0)` dropped, only `+` and digits kept, then a leading `00` becomes `+`
/// (MISP does the `00` rule first; doing it last makes the rule idempotent).
fn phone(text: &str) -> Option<String> {
    let kept: String =
        text.replace("(0)", "").chars().filter(|c| *c == '+' || c.is_ascii_digit()).collect();
    if !kept.contains(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(match kept.strip_prefix("00") {
        Some(rest) => format!("+{rest}"),
        None => kept,
    })
}

/// `Some(text)` unless it is empty.
fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests;
