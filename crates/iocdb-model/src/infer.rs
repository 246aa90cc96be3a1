//! Type inference for values whose producer does not say their type: untyped feeds and
//! tokens of free text.
//!
//! The checks run in this order, the first that fits wins (as in MISP's
//! `ComplexTypeTool`, which also tries hashes before network values and file names before
//! domains):
//!
//! 1. hex hashes by length: md5 (32), sha1 (40), sha224 (56), sha256 (64), sha384 (96),
//!    sha512 (128);
//! 2. ssdeep (`blocksize:base64:base64`);
//! 3. an IPv4 or IPv6 address or CIDR → `ip-dst`;
//! 4. `ip:port` or `[v6]:port` → `ip-dst|port`, and `name:port` where the name passes
//!    rule 10 → `hostname|port` (feeds often give `2.tcp.eu.ngrok.io:12002` for a C2);
//! 5. a URL with a scheme (`scheme://...`) → `url`;
//! 6. an e-mail address whose domain is a valid name → `email`;
//! 7. `AS` + digits → `AS`;
//! 8. a CVE id → `vulnerability`;
//! 9. `name.ext` with a well-known file extension → `filename`. This comes **before**
//!    domains because several extensions are also top-level domains (`.zip`, `.mov`, `.py`,
//!    `.sh`): `invoice.zip` is taken as a file name;
//! 10. a domain name under a known public suffix (the `psl` crate): `domain` when the
//!     name is its own registrable domain (`example.co.uk`), `hostname` when it is longer
//!     (`www.example.co.uk`). A name under an unknown suffix (`evil.invalidtld`) or a bare
//!     public suffix (`co.uk`) is not inferred. The list includes the private suffixes
//!     (`ddns.net`, `github.io`), so `bomba1.ddns.net` is a `domain`, and a name that is
//!     itself a private suffix (`c2.at.ply.gg`, under `*.at.ply.gg`) is a `domain` too.
//!
//! Anything else gives `None`. Values are trimmed and refanged first, and returned
//! normalised with [`crate::normalize_value`].

use crate::normalize::{is_domain, normalize_domain, normalize_value, plain_ip, refang};
use crate::types::AttrType;

/// A value with the type inferred for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inferred {
    /// The inferred type.
    pub attr_type: AttrType,
    /// The value, normalised for that type.
    pub value: String,
}

/// File extensions that make `name.ext` a file name.
const FILE_EXTENSIONS: [&str; 58] = [
    "exe", "dll", "scr", "bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js", "jse", "wsf", "hta",
    "jar", "class", "doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "pptm", "rtf",
    "pdf", "one", "zip", "rar", "7z", "gz", "tgz", "bz2", "xz", "tar", "cab", "lnk", "iso", "img",
    "vhd", "msi", "apk", "ipa", "dmg", "pkg", "elf", "so", "bin", "sh", "py", "pyc", "php", "jsp",
    "aspx", "sys", "drv", "mov", "tmp",
];

/// Infers the type of `raw` (see the module documentation for the rules and their order)
/// and returns it with the normalised value. Never panics.
///
/// ```
/// use iocdb_model::infer_type;
///
/// let inferred = infer_type("hxxps://Evil[.]example/a.php").unwrap();
/// assert_eq!(inferred.attr_type.name(), "url");
/// assert_eq!(inferred.value, "https://evil.example/a.php");
/// assert_eq!(infer_type("www.example.co.uk").unwrap().attr_type.name(), "hostname");
/// assert_eq!(infer_type("not an indicator"), None);
/// ```
pub fn infer_type(raw: &str) -> Option<Inferred> {
    let refanged = refang(raw.trim());
    let text = refanged.trim();
    if text.is_empty() {
        return None;
    }
    let name = guess(text)?;
    let attr_type = AttrType::from_name(name)?;
    let value = normalize_value(attr_type, text).ok()?;
    Some(Inferred { attr_type, value })
}

/// The name of the type `text` looks like, if any.
fn guess(text: &str) -> Option<&'static str> {
    if let Some(name) = hash_type(text) {
        return Some(name);
    }
    if is_ssdeep(text) {
        return Some("ssdeep");
    }
    if is_ip_or_cidr(text) {
        return Some("ip-dst");
    }
    if is_ip_port(text) {
        return Some("ip-dst|port");
    }
    if is_host_port(text) {
        return Some("hostname|port");
    }
    if is_url(text) {
        return Some("url");
    }
    if is_email(text) {
        return Some("email");
    }
    if is_asn(text) {
        return Some("AS");
    }
    if is_cve(text) {
        return Some("vulnerability");
    }
    if is_filename(text) {
        return Some("filename");
    }
    domain_type(text)
}

/// The hash type of an all-hex value of a hash length.
fn hash_type(text: &str) -> Option<&'static str> {
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match text.len() {
        32 => Some("md5"),
        40 => Some("sha1"),
        56 => Some("sha224"),
        64 => Some("sha256"),
        96 => Some("sha384"),
        128 => Some("sha512"),
        _ => None,
    }
}

/// `\d+:[A-Za-z0-9/+]+:[A-Za-z0-9/+]+`.
fn is_ssdeep(text: &str) -> bool {
    let mut parts = text.split(':');
    let (Some(size), Some(a), Some(b), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let b64 = |s: &str| {
        !s.is_empty() && s.bytes().all(|c| c.is_ascii_alphanumeric() || b"/+".contains(&c))
    };
    // ssdeep block sizes are 3·2^k; and a clock time (`12:30:45`) has only digits in
    // what would be the hash parts, which a real signature never has.
    let block = size.parse::<u64>().ok().filter(|n| n % 3 == 0 && (n / 3).is_power_of_two());
    let digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    block.is_some() && b64(a) && b64(b) && !(digits(a) && digits(b))
}

/// An IP address or CIDR, without brackets.
fn is_ip_or_cidr(text: &str) -> bool {
    let ip = text.split_once('/').map_or(text, |(ip, _)| ip);
    !text.starts_with('[') && plain_ip(ip).is_some()
}

/// `ipv4:port` or `[ipv6]:port`.
fn is_ip_port(text: &str) -> bool {
    let split = match text.strip_prefix('[') {
        Some(rest) => rest.split_once("]:"),
        None => text.split_once(':').filter(|(ip, _)| ip.contains('.')),
    };
    split.is_some_and(|(ip, port)| {
        plain_ip(ip).is_some() && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
    })
}

/// `name:port` with a name under a known public suffix and a port of 1 to 65535.
fn is_host_port(text: &str) -> bool {
    text.rsplit_once(':').is_some_and(|(host, port)| {
        let port_ok = !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
        port_ok && domain_type(host).is_some()
    })
}

/// `scheme://` followed by something, no whitespace.
fn is_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    let mut scheme_bytes = scheme.bytes();
    let scheme_ok = scheme_bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme_bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    scheme_ok && !rest.is_empty() && !text.chars().any(char::is_whitespace)
}

/// `local@domain` with a plausible local part and a valid domain.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && !local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "@<>()[]\\,;:\"".contains(c));
    local_ok && normalize_domain(domain).is_some()
}

/// `AS` (any case) followed by 1 to 10 digits.
fn is_asn(text: &str) -> bool {
    text.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("as"))
        && text.len() <= 12
        && text.len() > 2
        && text.bytes().skip(2).all(|b| b.is_ascii_digit())
}

/// `CVE-yyyy-nnnn...` (any case, en dash accepted).
fn is_cve(text: &str) -> bool {
    let upper = text.to_ascii_uppercase().replace('\u{2013}', "-");
    let mut parts = upper.split('-');
    let (Some("CVE"), Some(year), Some(number), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    year.len() == 4 && digits(year) && number.len() >= 4 && digits(number)
}

/// `name.ext` with a known extension, no path separators, whitespace or characters a
/// Windows file name cannot hold.
fn is_filename(text: &str) -> bool {
    let Some((stem, ext)) = text.rsplit_once('.') else {
        return false;
    };
    let forbidden = |c: char| c.is_whitespace() || c.is_control() || "/\\:*?\"<>|@".contains(c);
    !stem.is_empty()
        && !stem.starts_with('.')
        && !text.contains("..")
        && !text.chars().any(forbidden)
        && FILE_EXTENSIONS.iter().any(|known| ext.eq_ignore_ascii_case(known))
}

/// `domain` or `hostname` for a name under a known public suffix.
fn domain_type(text: &str) -> Option<&'static str> {
    let name = normalize_domain(text)?;
    if !is_domain(&name) {
        return None;
    }
    let suffix = psl::suffix(name.as_bytes())?;
    if !suffix.is_known() {
        return None;
    }
    if suffix.as_bytes().len() == name.len() {
        // The name is itself a public suffix: a TLD-like ICANN one (`co.uk`) is no
        // indicator; a private one (`x.at.ply.gg`, under the wildcard `*.at.ply.gg`) is
        // a name its owner controls, as a registrable domain.
        return (suffix.typ() == Some(psl::Type::Private)).then_some("domain");
    }
    let registrable = psl::domain(name.as_bytes())?;
    if registrable.as_bytes().len() == name.len() { Some("domain") } else { Some("hostname") }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn infer(raw: &str) -> Option<(&'static str, String)> {
        infer_type(raw).map(|i| (i.attr_type.name(), i.value))
    }

    fn ty_of(raw: &str) -> Option<&'static str> {
        infer(raw).map(|(t, _)| t)
    }

    #[test]
    fn hashes_by_length() {
        assert_eq!(
            infer("D41D8CD98F00B204E9800998ECF8427E"),
            Some(("md5", "d41d8cd98f00b204e9800998ecf8427e".into()))
        );
        assert_eq!(ty_of("da39a3ee5e6b4b0d3255bfef95601890afd80709"), Some("sha1"));
        assert_eq!(ty_of(&"a".repeat(56)), Some("sha224"));
        assert_eq!(
            ty_of("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            Some("sha256")
        );
        assert_eq!(ty_of(&"0".repeat(96)), Some("sha384"));
        assert_eq!(ty_of(&"f".repeat(128)), Some("sha512"));
        assert_eq!(ty_of(&"f".repeat(33)), None);
        assert_eq!(
            ty_of("3072:Z3z1y6ZVeRUPgJ7jL3YcfVSUbqwm5V4qURzZS:Z3z1y6ZVeRUPgJ7jL3YcfVSU"),
            Some("ssdeep")
        );
        // Clock times in log lines are not ssdeep signatures.
        assert_eq!(ty_of("10:02:05"), None);
        assert_eq!(ty_of("12:30:45"), None);
        assert_eq!(ty_of("7:abc:def"), None, "7 is not a block size (3·2^k)");
    }

    #[test]
    fn network_values() {
        assert_eq!(infer("8.8.8.8"), Some(("ip-dst", "8.8.8.8".into())));
        assert_eq!(infer("2001:DB8::0:1"), Some(("ip-dst", "2001:db8::1".into())));
        assert_eq!(infer("10.0.0.0/8"), Some(("ip-dst", "10.0.0.0/8".into())));
        assert_eq!(infer("192.168[.]1[.]1"), Some(("ip-dst", "192.168.1.1".into())));
        assert_eq!(infer("1.2.3.4:8080"), Some(("ip-dst|port", "1.2.3.4|8080".into())));
        assert_eq!(infer("[2001:db8::1]:443"), Some(("ip-dst|port", "2001:db8::1|443".into())));
        assert_eq!(infer("1.2.3.4:99999"), None);
        assert_eq!(
            infer("2.tcp.EU.ngrok.io:12002"),
            Some(("hostname|port", "2.tcp.eu.ngrok.io|12002".into()))
        );
        assert_eq!(infer("evil.com:0"), None);
        assert_eq!(infer("evil.invalidtld:80"), None);
        assert_eq!(
            infer("hxxp://Evil.Example.com/Gate.php"),
            Some(("url", "http://evil.example.com/Gate.php".into()))
        );
        assert_eq!(infer("Bad.Guy[@]evil[.]com"), Some(("email", "bad.guy@evil.com".into())));
        assert_eq!(infer("AS13335"), Some(("AS", "13335".into())));
        assert_eq!(infer("cve-2021-44228"), Some(("vulnerability", "CVE-2021-44228".into())));
    }

    #[test]
    fn domains_hostnames_and_filenames() {
        assert_eq!(infer("Example.COM"), Some(("domain", "example.com".into())));
        assert_eq!(ty_of("example.co.uk"), Some("domain"));
        assert_eq!(ty_of("www.example.co.uk"), Some("hostname"));
        assert_eq!(ty_of("evil[.]example[.]org"), Some("hostname"));
        assert_eq!(infer("bücher.de"), Some(("domain", "xn--bcher-kva.de".into())));
        assert_eq!(ty_of("evil.invalidtld"), None);
        assert_eq!(ty_of("co.uk"), None);
        assert_eq!(ty_of("com"), None);
        assert_eq!(ty_of("bomba1.ddns.net"), Some("domain"));
        assert_eq!(ty_of("discussion-lib.at.ply.gg"), Some("domain"), "wildcard private suffix");
        assert_eq!(ty_of("invoice.zip"), Some("filename"));
        assert_eq!(ty_of("Invoice_2024.PDF.exe"), Some("filename"));
        assert_eq!(ty_of("install.sh"), Some("filename"));
        assert_eq!(ty_of("C:\\Windows\\evil.exe"), None);
    }

    #[test]
    fn everything_else_is_none() {
        for text in ["", "   ", "hello world", "localhost", "12345", "AS", "CVE-21-1", "a|b", "…"]
        {
            assert_eq!(infer(text), None, "{text:?}");
        }
    }
}
