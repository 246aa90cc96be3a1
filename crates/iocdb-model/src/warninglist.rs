//! MISP warninglists: lists of known benign or noisy values (public DNS resolvers, cloud
//! ranges, top domains, ...) that flag attributes as probable false positives.
//!
//! Matching follows MISP's `Warninglist::__checkValue`: both halves of a composite value
//! are checked, a list applies to the types of its `matching_attributes` (all types when
//! empty or containing `ALL`), and each list type has its own test. Unlike MISP, `string`
//! and `substring` lists match case-insensitively, like correlation does.

use std::collections::HashSet;
use std::net::IpAddr;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use crate::normalize::{plain_ip, split_composite};
use crate::time::truncate;
use crate::types::AttrType;

/// How a warninglist's entries are matched (MISP's list `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WarninglistType {
    /// The value equals an entry (case-insensitive).
    String,
    /// The value contains an entry (case-insensitive).
    Substring,
    /// The value's host name (the host of a URL) equals an entry or is a subdomain of one.
    Hostname,
    /// The value, an IP address or CIDR, lies inside one of the CIDR entries.
    Cidr,
    /// The value matches one of the regular expressions (PCRE `/.../flags` or bare).
    Regex,
}

/// A warninglist entry the constructor cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("warninglist {list:?}: invalid regex entry {entry:?}: {reason}")]
pub struct WarninglistError {
    /// The list's name.
    pub list: String,
    /// The entry, truncated to 100 characters.
    pub entry: String,
    /// Why it was rejected.
    pub reason: String,
}

/// A MISP warninglist, with its entries precomputed for fast matching.
///
/// Matching uses what was precomputed by [`Warninglist::new`]: changing `list_type` or
/// `matching_attributes` afterwards changes what the list says of itself, not what it
/// matches (build a new list for that). The entries are read through
/// [`Warninglist::entries`].
#[derive(Debug, Clone)]
pub struct Warninglist {
    /// The list's name.
    pub name: String,
    /// What the list holds.
    pub description: String,
    /// The list's version (MISP lists use a date, `20240326`).
    pub version: u64,
    /// How the entries are matched.
    pub list_type: WarninglistType,
    /// The attribute types the list applies to, as given; empty or `ALL` means every
    /// type. Names that are not MISP types never match.
    pub matching_attributes: Vec<String>,
    /// `applies[type index]`, or `None` when the list applies to every type.
    applies: Option<Vec<bool>>,
    /// The entries as given.
    entries: Vec<String>,
    /// The entries, ready to match.
    matcher: Matcher,
}

/// Precomputed entries of one list type.
#[derive(Debug, Clone)]
enum Matcher {
    /// Lower-cased entries (`string` lists).
    Set(HashSet<String>),
    /// Lower-cased entries without end dots (`hostname` lists).
    Hosts(HashSet<String>),
    /// Lower-cased entries, tested one by one.
    Substrings(Vec<String>),
    /// Sorted, merged address ranges.
    Ranges(Ranges),
    /// Compiled expressions.
    Regexes(Vec<Regex>),
}

/// Disjoint, sorted inclusive ranges of IPv4 and IPv6 addresses.
#[derive(Debug, Clone, Default)]
struct Ranges {
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
}

impl Warninglist {
    /// Builds a list and precomputes its entries: a hash set for `string` and `hostname`
    /// lists, merged sorted ranges for `cidr` lists (entries that are not an IP or CIDR
    /// are skipped, as MISP skips them), compiled expressions for `regex` lists.
    ///
    /// Fails only on a `regex` entry that does not compile.
    pub fn new(
        name: impl Into<String>,
        description: impl Into<String>,
        version: u64,
        list_type: WarninglistType,
        matching_attributes: Vec<String>,
        entries: Vec<String>,
    ) -> Result<Self, WarninglistError> {
        let name = name.into();
        let matcher = Matcher::new(&name, list_type, &entries)?;
        let every_type =
            matching_attributes.is_empty() || matching_attributes.iter().any(|t| t == "ALL");
        let applies = (!every_type).then(|| {
            AttrType::all().map(|t| matching_attributes.iter().any(|m| m == t.name())).collect()
        });
        Ok(Warninglist {
            name,
            description: description.into(),
            version,
            list_type,
            matching_attributes,
            applies,
            entries,
            matcher,
        })
    }

    /// The entries as given.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Whether the list applies to attributes of type `attr_type`.
    pub fn applies_to(&self, attr_type: AttrType) -> bool {
        self.applies.as_ref().is_none_or(|applies| {
            applies.get(usize::from(attr_type.index())).copied().unwrap_or(false)
        })
    }

    /// Whether `value` is on the list. With a type, the list must apply to it and a
    /// composite value matches when either half does; without one, the value is tested
    /// whole.
    pub fn matches(&self, attr_type: Option<AttrType>, value: &str) -> bool {
        match attr_type {
            Some(ty) if !self.applies_to(ty) => false,
            Some(ty) => {
                let (first, second) = split_composite(ty, value);
                self.matches_one(first) || second.is_some_and(|half| self.matches_one(half))
            }
            None => self.matches_one(value),
        }
    }

    /// Tests one (non-composite) value.
    fn matches_one(&self, value: &str) -> bool {
        match &self.matcher {
            Matcher::Hosts(set) => host_matches(set, value),
            Matcher::Set(set) => set.contains(&value.to_lowercase()),
            Matcher::Substrings(subs) => {
                let lower = value.to_lowercase();
                subs.iter().any(|s| lower.contains(s.as_str()))
            }
            Matcher::Ranges(ranges) => ranges.contains(value),
            Matcher::Regexes(regexes) => regexes.iter().any(|r| r.is_match(value)),
        }
    }
}

impl Matcher {
    /// Precomputes the entries of a list of type `list_type` named `list`.
    fn new(
        list: &str,
        list_type: WarninglistType,
        entries: &[String],
    ) -> Result<Self, WarninglistError> {
        Ok(match list_type {
            WarninglistType::String => Matcher::Set(lowered(entries, str::trim).collect()),
            WarninglistType::Hostname => Matcher::Hosts(lowered(entries, host_entry).collect()),
            WarninglistType::Substring => Matcher::Substrings(lowered(entries, |e| e).collect()),
            WarninglistType::Cidr => Matcher::Ranges(Ranges::new(entries)),
            WarninglistType::Regex => Matcher::Regexes(
                entries.iter().map(|e| compile(list, e)).collect::<Result<_, _>>()?,
            ),
        })
    }
}

/// The non-empty entries, trimmed with `trim` and lower-cased.
fn lowered(entries: &[String], trim: fn(&str) -> &str) -> impl Iterator<Item = String> + '_ {
    entries.iter().map(move |e| trim(e).to_lowercase()).filter(|e| !e.is_empty())
}

/// A hostname entry without surrounding blanks and dots (`.google.com.` is `google.com`).
fn host_entry(entry: &str) -> &str {
    entry.trim().trim_matches('.')
}

/// MISP's `__evalHostname`: the host of a URL (or the value up to its first `/`), end dot
/// removed, is checked with each of its parent names (`a.b.c`, `b.c`, `c`).
fn host_matches(set: &HashSet<String>, value: &str) -> bool {
    let after_scheme = value.split_once("//").map_or(value, |(_, rest)| rest);
    let host = after_scheme.split(['/', '?', '#']).next().unwrap_or(after_scheme);
    let host = host.trim_end_matches('.').to_lowercase();
    let mut name = host.as_str();
    loop {
        if set.contains(name) {
            return true;
        }
        match name.split_once('.') {
            Some((_, parent)) => name = parent,
            None => return false,
        }
    }
}

/// Compiles a regex entry: PCRE `/body/flags` (any non-alphanumeric delimiter; flags `i`,
/// `m`, `s`, `x` honoured, `g` and `u` ignored) or a bare expression.
fn compile(list: &str, entry: &str) -> Result<Regex, WarninglistError> {
    let (body, flags) = split_pcre(entry).unwrap_or((entry, ""));
    let mut builder = RegexBuilder::new(body);
    builder
        .case_insensitive(flags.contains('i'))
        .multi_line(flags.contains('m'))
        .dot_matches_new_line(flags.contains('s'))
        .ignore_whitespace(flags.contains('x'));
    builder.build().map_err(|e| WarninglistError {
        list: list.to_owned(),
        entry: truncate(entry, 100),
        reason: e.to_string(),
    })
}

/// `(body, flags)` of a PCRE literal `/body/flags`, if `entry` is one.
fn split_pcre(entry: &str) -> Option<(&str, &str)> {
    let delimiter = entry
        .chars()
        .next()
        .filter(|c| !c.is_alphanumeric() && *c != '\\' && !c.is_whitespace())?;
    let rest = &entry[delimiter.len_utf8()..];
    let end = rest.rfind(delimiter)?;
    let flags = &rest[end + delimiter.len_utf8()..];
    flags.chars().all(|c| c.is_ascii_alphabetic()).then_some((&rest[..end], flags))
}

impl Ranges {
    /// The merged ranges of the IP and CIDR entries; other entries are skipped.
    fn new(entries: &[String]) -> Self {
        let mut ranges = Ranges::default();
        for entry in entries {
            match parse_range(entry.trim()) {
                Some(Range::V4(lo, hi)) => ranges.v4.push((lo, hi)),
                Some(Range::V6(lo, hi)) => ranges.v6.push((lo, hi)),
                None => {}
            }
        }
        ranges.v4 = merge(ranges.v4);
        ranges.v6 = merge(ranges.v6);
        ranges
    }

    /// Whether the IP or CIDR `value` lies entirely inside one range.
    fn contains(&self, value: &str) -> bool {
        match parse_range(value.trim()) {
            Some(Range::V4(lo, hi)) => inside(&self.v4, lo, hi),
            Some(Range::V6(lo, hi)) => inside(&self.v6, lo, hi),
            None => false,
        }
    }
}

/// An inclusive address range.
enum Range {
    V4(u32, u32),
    V6(u128, u128),
}

/// The range of an IP (one address) or CIDR (host bits ignored).
fn parse_range(text: &str) -> Option<Range> {
    let (ip, prefix) = match text.split_once('/') {
        Some((ip, prefix)) => (ip, Some(prefix.parse::<u32>().ok()?)),
        None => (text, None),
    };
    match plain_ip(ip)? {
        IpAddr::V4(v4) => {
            let prefix = prefix.unwrap_or(32);
            let host_bits = 32u32.checked_sub(prefix)?;
            let mask = u32::MAX.checked_shl(host_bits).unwrap_or(0);
            let lo = u32::from(v4) & mask;
            Some(Range::V4(lo, lo | !mask))
        }
        IpAddr::V6(v6) => {
            let prefix = prefix.unwrap_or(128);
            let host_bits = 128u32.checked_sub(prefix)?;
            let mask = u128::MAX.checked_shl(host_bits).unwrap_or(0);
            let lo = u128::from(v6) & mask;
            Some(Range::V6(lo, lo | !mask))
        }
    }
}

/// Sorts ranges and merges the overlapping or adjacent ones.
fn merge<T: Ord + Copy + num_like::Successor>(mut ranges: Vec<(T, T)>) -> Vec<(T, T)> {
    ranges.sort_unstable();
    let mut merged: Vec<(T, T)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match merged.last_mut() {
            Some(last) if last.1.successor().is_none_or(|next| lo <= next) => {
                last.1 = last.1.max(hi);
            }
            _ => merged.push((lo, hi)),
        }
    }
    merged
}

/// Whether `[lo, hi]` lies inside one of the disjoint sorted `ranges`.
fn inside<T: Ord + Copy>(ranges: &[(T, T)], lo: T, hi: T) -> bool {
    let index = ranges.partition_point(|range| range.0 <= lo);
    index.checked_sub(1).and_then(|i| ranges.get(i)).is_some_and(|range| hi <= range.1)
}

/// The successor of an address, for merging adjacent ranges.
mod num_like {
    /// A number with a checked successor.
    pub(super) trait Successor: Sized {
        /// `self + 1`, or `None` at the maximum.
        fn successor(self) -> Option<Self>;
    }

    impl Successor for u32 {
        fn successor(self) -> Option<Self> {
            self.checked_add(1)
        }
    }

    impl Successor for u128 {
        fn successor(self) -> Option<Self> {
            self.checked_add(1)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn list(list_type: WarninglistType, attrs: &[&str], entries: &[&str]) -> Warninglist {
        Warninglist::new(
            "test",
            "a test list",
            1,
            list_type,
            attrs.iter().map(|s| s.to_string()).collect(),
            entries.iter().map(|s| s.to_string()).collect(),
        )
        .unwrap()
    }

    fn ty(name: &str) -> Option<AttrType> {
        Some(AttrType::from_name(name).unwrap())
    }

    #[test]
    fn string_lists_match_exactly_ignoring_case() {
        let l = list(WarninglistType::String, &[], &["8.8.8.8", "Example.com"]);
        assert!(l.matches(None, "8.8.8.8"));
        assert!(l.matches(ty("domain"), "example.COM"));
        assert!(!l.matches(None, "8.8.8.80"));
        assert!(l.matches(ty("domain|ip"), "evil.com|8.8.8.8"));
        assert!(!l.matches(ty("domain"), "evil.com|8.8.8.8"));
    }

    #[test]
    fn matching_attributes_restrict_types() {
        let l = list(WarninglistType::String, &["ip-dst", "ip-src"], &["8.8.8.8"]);
        assert!(l.matches(ty("ip-dst"), "8.8.8.8"));
        assert!(!l.matches(ty("text"), "8.8.8.8"));
        assert!(l.matches(None, "8.8.8.8"));
        let all = list(WarninglistType::String, &["ALL"], &["8.8.8.8"]);
        assert!(all.matches(ty("text"), "8.8.8.8"));
    }

    #[test]
    fn substring_and_regex() {
        let l = list(WarninglistType::Substring, &[], &["google", ""]);
        assert!(l.matches(None, "www.GOOGLE.com"));
        assert!(!l.matches(None, "example.com"));
        let r = list(WarninglistType::Regex, &[], &[r"/^(security|noc|soc|abuse)\@.*\..*$/i"]);
        assert!(r.matches(ty("email-src"), "Abuse@example.com"));
        assert!(!r.matches(ty("email-src"), "ceo@example.com"));
        let g = list(WarninglistType::Regex, &[], &["/((?:\\+|00)1)?55501([0-9]{2})/g", "^x$"]);
        assert!(g.matches(None, "+15550123"));
        assert!(g.matches(None, "x"));
        let bad =
            Warninglist::new("bad", "", 1, WarninglistType::Regex, vec![], vec!["/(/".into()]);
        assert!(bad.unwrap_err().to_string().contains("\"/(/\""));
    }

    #[test]
    fn hostname_lists_match_subdomains_and_url_hosts() {
        let l = list(WarninglistType::Hostname, &[], &[".google.com.", "EXAMPLE.org", "."]);
        assert!(!l.matches(None, ""), "an entry of dots is no entry");
        assert!(l.matches(None, "google.com"));
        assert!(l.matches(None, "mail.google.com."));
        assert!(l.matches(ty("url"), "https://docs.Google.com/a/b?c"));
        assert!(l.matches(None, "example.org/path"));
        assert!(!l.matches(None, "notgoogle.com"));
        assert!(!l.matches(None, "google.com.evil.net"));
    }

    #[test]
    fn cidr_lists_match_addresses_and_contained_cidrs() {
        let l = list(
            WarninglistType::Cidr,
            &[],
            &[
                "10.0.0.0/8",
                "192.168.1.7",
                "2001:db8::/32",
                "not an ip",
                "11.0.0.0/8",
                "1.1.1.1/40",
            ],
        );
        assert!(l.matches(None, "10.1.2.3"));
        assert!(l.matches(None, "10.1.0.0/16"));
        assert!(l.matches(None, "11.255.255.255"));
        assert!(l.matches(None, "10.0.0.0/7"), "merged with 11.0.0.0/8");
        assert!(!l.matches(None, "10.0.0.0/6"));
        assert!(l.matches(None, "192.168.1.7"));
        assert!(!l.matches(None, "192.168.1.8"));
        assert!(l.matches(ty("ip-dst|port"), "2001:db8:1::5|443"));
        assert!(!l.matches(None, "2001:db9::1"));
        assert!(!l.matches(None, "1.1.1.1"));
        assert!(!l.matches(None, "example.com"));
        let everything = list(WarninglistType::Cidr, &[], &["0.0.0.0/0", "::/0"]);
        assert!(everything.matches(None, "255.255.255.255"));
        assert!(everything.matches(None, "ffff::1"));
    }
}
