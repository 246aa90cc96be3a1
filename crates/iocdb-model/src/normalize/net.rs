//! Network values: IP addresses and CIDRs, ports, domain names, e-mail addresses, URLs,
//! AS numbers and MAC addresses.

use std::net::IpAddr;

/// Canonical form of an IP address or CIDR: IPv6 compressed (RFC 5952, std's Display),
/// `/32` and `/128` dropped. Host bits of a CIDR are kept as given, as MISP keeps them
/// (`10.1.2.3/8` stays `10.1.2.3/8`): the analyst may have meant that host.
pub(crate) fn ip_or_cidr(text: &str) -> Option<String> {
    let Some((ip, prefix)) = text.split_once('/') else {
        return plain_ip(text).map(|ip| ip.to_string());
    };
    let ip = plain_ip(ip)?;
    let prefix = prefix_len(prefix)?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    match prefix {
        p if p > max => None,
        p if p == max => Some(ip.to_string()),
        p => Some(format!("{ip}/{p}")),
    }
}

/// Canonical form of a plain IP address (no CIDR).
pub(crate) fn ip(text: &str) -> Option<String> {
    plain_ip(text).map(|ip| ip.to_string())
}

/// Parses an IP address, IPv6 optionally in brackets (`[2001:db8::1]`).
pub(crate) fn plain_ip(text: &str) -> Option<IpAddr> {
    let inner = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(text);
    inner.parse().ok()
}

/// A CIDR prefix length: ASCII digits only (no sign), at most 3 of them after leading zeros.
fn prefix_len(text: &str) -> Option<u8> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = text.trim_start_matches('0');
    if digits.len() > 3 {
        return None;
    }
    if digits.is_empty() { Some(0) } else { digits.parse().ok() }
}

/// Canonical port: 1 to 65535, leading zeros dropped.
pub(crate) fn port(text: &str) -> Option<String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = text.trim_start_matches('0');
    if digits.len() > 5 {
        return None;
    }
    let port: u32 = digits.parse().ok()?;
    (1..=65535).contains(&port).then(|| port.to_string())
}

/// Splits an `ip|port` value in any of MISP's accepted spellings: `ip|port`, `ipv4:port`,
/// `[ipv6]:port`, and for bare IPv6 `v6.port`, `v6 port N`, `v6pN`, `v6#N`, and finally
/// `v6:port` (the last colon, ambiguous, as MISP does).
pub(crate) fn split_ip_port(text: &str) -> Option<(&str, &str)> {
    if text.contains('|') {
        return text.split_once('|');
    }
    if let Some(rest) = text.strip_prefix('[') {
        let (ip, after) = rest.split_once(']')?;
        return Some((ip, after.strip_prefix(':')?));
    }
    if text.matches(':').count() < 2 {
        return text.split_once(':');
    }
    [".", " port ", "p", "#"]
        .into_iter()
        .find_map(|sep| text.rsplit_once(sep))
        .or_else(|| text.rsplit_once(':'))
}

/// Canonical domain or host name: lower-case, dots trimmed at both ends, IDN converted to
/// punycode. Must then look like MISP's domain (`[a-z0-9._-]+` labels, the last one of at
/// least two characters, at least one dot).
pub(crate) fn domain(text: &str) -> Option<String> {
    let trimmed = text.trim_matches('.');
    let ascii = if trimmed.is_ascii() {
        trimmed.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(trimmed).ok()?
    };
    let ascii = ascii.trim_matches('.');
    is_domain(ascii).then(|| ascii.to_owned())
}

/// MISP's `isDomainValid` on a lower-case name: `^[a-z0-9._-]+\.[a-z0-9-]{2,}$`.
pub(crate) fn is_domain(name: &str) -> bool {
    let Some((head, tld)) = name.rsplit_once('.') else {
        return false;
    };
    !head.is_empty()
        && head.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        && tld.len() >= 2
        && tld.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Canonical e-mail address: lower-cased; must be `local@domain` with no whitespace, a
/// non-empty local part and a dot in the domain (MISP's `^.[^\s]*@.*\..*$`, a little
/// stricter: the `@` must be followed by a name).
pub(crate) fn email(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let (local, domain) = lower.rsplit_once('@')?;
    let valid = !local.is_empty()
        && !lower.chars().any(char::is_whitespace)
        && domain.trim_matches('.').contains('.');
    valid.then_some(lower)
}

/// URL: scheme and host lower-cased, everything else (user, port, path, query, fragment)
/// kept as given. Without `://`, the text up to the first `/`, `?` or `#` is the authority.
pub(crate) fn url(text: &str) -> String {
    let (scheme, rest) = match text.split_once("://") {
        Some((scheme, rest)) if is_scheme(scheme) => (Some(scheme), rest),
        _ => (None, text),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host_start = authority.rfind('@').map_or(0, |i| i + 1);
    let (userinfo, host_port) = authority.split_at(host_start);
    let host_end = port_start(host_port);
    let (host, port) = host_port.split_at(host_end);
    let mut out = String::with_capacity(text.len());
    if let Some(scheme) = scheme {
        out.push_str(&scheme.to_ascii_lowercase());
        out.push_str("://");
    }
    out.push_str(userinfo);
    out.push_str(&host.to_lowercase());
    out.push_str(port);
    out.push_str(tail);
    out
}

/// RFC 3986 scheme: a letter, then letters, digits, `+`, `-`, `.`.
fn is_scheme(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
}

/// Where the `:port` of a `host:port` starts (its length if there is none); an IPv6 host
/// is in brackets.
fn port_start(host_port: &str) -> usize {
    let search_from = if host_port.starts_with('[') {
        host_port.find(']').map_or(host_port.len(), |i| i + 1)
    } else {
        0
    };
    host_port[search_from..].find(':').map_or(host_port.len(), |i| search_from + i)
}

/// AS number: optional `AS` prefix (any case, optional space), plain or asdot (`1.10` =
/// 65546); at most 4294967295. The canonical form is the bare decimal number, as MISP
/// stores it.
pub(crate) fn asn(text: &str) -> Option<String> {
    let number = match text.get(..2) {
        Some(prefix) if prefix.eq_ignore_ascii_case("as") => text[2..].trim_start(),
        _ => text,
    };
    let value = match number.split_once('.') {
        Some((high, low)) => {
            let (high, low) = (small_number(high)?, small_number(low)?);
            (high <= 65535 && low <= 65535).then_some(high * 65536 + low)?
        }
        None => small_number(number)?,
    };
    (value <= u64::from(u32::MAX)).then(|| value.to_string())
}

/// A run of ASCII digits of at most 20 digits after leading zeros, as a number.
fn small_number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = text.trim_start_matches('0');
    if digits.is_empty() { Some(0) } else { digits.parse().ok() }
}

/// MAC address (`octets` = 6) or EUI-64 (`octets` = 8): separators `:`, `-`, `.` and
/// spaces dropped, then written `aa:bb:...`.
pub(crate) fn mac(text: &str, octets: usize) -> Option<String> {
    let hex: Vec<u8> =
        text.bytes().filter(|b| !b":-. ".contains(b)).map(|b| b.to_ascii_lowercase()).collect();
    if hex.len() != octets * 2 || !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let pairs: Vec<&str> =
        hex.chunks(2).filter_map(|pair| std::str::from_utf8(pair).ok()).collect();
    Some(pairs.join(":"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ips_are_canonical() {
        assert_eq!(
            ip_or_cidr("2001:0DB8:0000:0000:0000:0000:0000:0001").as_deref(),
            Some("2001:db8::1")
        );
        assert_eq!(ip_or_cidr("8.8.8.8/32").as_deref(), Some("8.8.8.8"));
        assert_eq!(ip_or_cidr("2001:db8::1/128").as_deref(), Some("2001:db8::1"));
        assert_eq!(ip_or_cidr("10.1.2.3/8").as_deref(), Some("10.1.2.3/8"));
        assert_eq!(ip_or_cidr("10.0.0.0/08").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(ip_or_cidr("[::1]").as_deref(), Some("::1"));
        for bad in ["1.2.3", "1.2.3.4/33", "::1/129", "1.2.3.4/", "1.2.3.4/-1", "01.2.3.4", "x"] {
            assert_eq!(ip_or_cidr(bad), None, "{bad}");
        }
    }

    #[test]
    fn ip_port_spellings() {
        assert_eq!(split_ip_port("1.2.3.4:80"), Some(("1.2.3.4", "80")));
        assert_eq!(split_ip_port("1.2.3.4|80"), Some(("1.2.3.4", "80")));
        assert_eq!(split_ip_port("[2001:db8::1]:443"), Some(("2001:db8::1", "443")));
        assert_eq!(split_ip_port("2001:db8::1.443"), Some(("2001:db8::1", "443")));
        assert_eq!(split_ip_port("2001:db8::1 port 443"), Some(("2001:db8::1", "443")));
        assert_eq!(split_ip_port("2001:db8::1#443"), Some(("2001:db8::1", "443")));
        assert_eq!(split_ip_port("2001:db8::1:443"), Some(("2001:db8::1", "443")));
        assert_eq!(port("0443").as_deref(), Some("443"));
        assert_eq!(port("0"), None);
        assert_eq!(port("65536"), None);
    }

    #[test]
    fn domains_emails_urls() {
        assert_eq!(domain(".Evil.Example.COM.").as_deref(), Some("evil.example.com"));
        assert_eq!(domain("bücher.example").as_deref(), Some("xn--bcher-kva.example"));
        assert_eq!(domain("localhost"), None);
        assert_eq!(domain("a b.com"), None);
        assert_eq!(email("Bad.Guy@Evil.COM").as_deref(), Some("bad.guy@evil.com"));
        assert_eq!(email("@evil.com"), None);
        assert_eq!(email("bad@localhost"), None);
        assert_eq!(
            url("HTTP://User@Evil.COM:8080/Path/A.php?Q=X#F"),
            "http://User@evil.com:8080/Path/A.php?Q=X#F"
        );
        assert_eq!(url("http://[2001:DB8::1]:80/X"), "http://[2001:db8::1]:80/X");
        assert_eq!(url("Evil.COM/Path"), "evil.com/Path");
    }

    #[test]
    fn asn_and_mac() {
        assert_eq!(asn("AS13335").as_deref(), Some("13335"));
        assert_eq!(asn("as 13335").as_deref(), Some("13335"));
        assert_eq!(asn("1.10").as_deref(), Some("65546"));
        assert_eq!(asn("4294967295").as_deref(), Some("4294967295"));
        assert_eq!(asn("4294967296"), None);
        assert_eq!(asn("ASX"), None);
        assert_eq!(mac("AA-BB-CC-DD-EE-FF", 6).as_deref(), Some("aa:bb:cc:dd:ee:ff"));
        assert_eq!(mac("aabb.ccdd.eeff", 6).as_deref(), Some("aa:bb:cc:dd:ee:ff"));
        assert_eq!(mac("aa:bb:cc:dd:ee", 6), None);
        assert_eq!(mac("0011223344556677", 8).as_deref(), Some("00:11:22:33:44:55:66:77"));
    }
}
