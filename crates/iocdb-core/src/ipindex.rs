//! Parsing correlation keys as IP networks, for the `ip4`/`ip6` indexes.

use std::net::IpAddr;

/// An IP network: address with host bits cleared, and prefix length. A plain address is
/// a network of full length (32 or 128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Net {
    V4(u32, u8),
    V6(u128, u8),
}

impl Net {
    /// Parses `a.b.c.d`, `a.b.c.d/p`, IPv6 and IPv6/p; `None` for anything else.
    pub(crate) fn parse(key: &str) -> Option<Net> {
        let (addr, prefix) = match key.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix.parse::<u8>().ok()?)),
            None => (key, None),
        };
        match addr.parse::<IpAddr>().ok()? {
            IpAddr::V4(v4) => {
                let p = prefix.unwrap_or(32);
                (p <= 32).then(|| Net::V4(u32::from(v4) & mask4(p), p))
            }
            IpAddr::V6(v6) => {
                let p = prefix.unwrap_or(128);
                (p <= 128).then(|| Net::V6(u128::from(v6) & mask6(p), p))
            }
        }
    }

    /// The prefix length.
    pub(crate) fn prefix(self) -> u8 {
        match self {
            Net::V4(_, p) | Net::V6(_, p) => p,
        }
    }

    /// The network of length `p` (≤ this one's) containing this network.
    pub(crate) fn supernet(self, p: u8) -> Net {
        match self {
            Net::V4(a, _) => Net::V4(a & mask4(p), p),
            Net::V6(a, _) => Net::V6(a & mask6(p), p),
        }
    }

    /// The index key.
    pub(crate) fn key(self) -> Vec<u8> {
        match self {
            Net::V4(a, p) => crate::store::keys::ip4(a.to_be_bytes(), p).to_vec(),
            Net::V6(a, p) => crate::store::keys::ip6(a.to_be_bytes(), p).to_vec(),
        }
    }

    /// The first and last keys of every network inside this one (itself included).
    pub(crate) fn key_range(self) -> (Vec<u8>, Vec<u8>) {
        match self {
            Net::V4(a, p) => {
                let last = a | !mask4(p);
                (Net::V4(a, 0).key(), crate::store::keys::ip4(last.to_be_bytes(), u8::MAX).to_vec())
            }
            Net::V6(a, p) => {
                let last = a | !mask6(p);
                (Net::V6(a, 0).key(), crate::store::keys::ip6(last.to_be_bytes(), u8::MAX).to_vec())
            }
        }
    }

    /// Decodes an index key.
    pub(crate) fn from_key(key: &[u8]) -> Option<Net> {
        let (addr, p) = crate::store::keys::decode_ip(key)?;
        match addr.len() {
            4 => Some(Net::V4(u32::from_be_bytes(addr.try_into().ok()?), p)),
            _ => Some(Net::V6(u128::from_be_bytes(addr.try_into().ok()?), p)),
        }
    }

    /// Whether `other` lies inside this network.
    pub(crate) fn contains(self, other: Net) -> bool {
        match (self, other) {
            (Net::V4(a, p), Net::V4(b, q)) => q >= p && (b & mask4(p)) == a,
            (Net::V6(a, p), Net::V6(b, q)) => q >= p && (b & mask6(p)) == a,
            _ => false,
        }
    }
}

fn mask4(p: u8) -> u32 {
    if p == 0 { 0 } else { u32::MAX << (32 - u32::from(p.min(32))) }
}

fn mask6(p: u8) -> u128 {
    if p == 0 { 0 } else { u128::MAX << (128 - u32::from(p.min(128))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_masks() {
        assert_eq!(Net::parse("10.1.2.3/8"), Some(Net::V4(0x0a00_0000, 8)));
        assert_eq!(Net::parse("10.1.2.3"), Some(Net::V4(0x0a01_0203, 32)));
        assert_eq!(Net::parse("10.1.2.3/33"), None);
        assert_eq!(Net::parse("evil.com"), None);
        assert_eq!(Net::parse("2001:db8::/32").map(Net::prefix), Some(32));
        assert!(Net::parse("10.0.0.0/8").unwrap().contains(Net::parse("10.9.9.9").unwrap()));
        assert!(!Net::parse("10.0.0.0/8").unwrap().contains(Net::parse("11.0.0.1").unwrap()));
        assert!(!Net::parse("10.0.0.0/8").unwrap().contains(Net::parse("::1").unwrap()));
        let n = Net::parse("2001:db8::/32").unwrap();
        assert!(n.contains(Net::parse("2001:db8:1::5").unwrap()));
        assert_eq!(Net::from_key(&n.key()), Some(n));
    }
}
