//! Every key layout of the store, in one place.
//!
//! | column family | key | value |
//! |---|---|---|
//! | `meta` | `format`, `next/*`, `count/*`, `prefixes/ip4`, `prefixes/ip6` | see [`MetaKey`] |
//! | `sources` | `SourceId` u32 BE | source record |
//! | `source_name` | name, UTF-8 | `SourceId` u32 BE |
//! | `events` | `EventId` u32 BE | event record |
//! | `event_uuid` | uuid, 16 bytes | `EventId` u32 BE |
//! | `attrs` | `AttrId` u32 BE | attribute record |
//! | `dict` | correlation key, UTF-8 | `ValueId` u32 BE |
//! | `dict_rev` | `ValueId` u32 BE | correlation key, UTF-8 |
//! | `post_attr` | `ValueId` u32 BE | posting of `AttrId` |
//! | `post_event` | `ValueId` u32 BE | posting of `EventId` |
//! | `fwd_event` | `EventId` u32 BE | posting of `ValueId` |
//! | `src_values` | `SourceId` u32 BE | posting of `ValueId` |
//! | `src_events` | `SourceId` u32 BE | posting of `EventId` |
//! | `ip4` | address 4 bytes ‖ prefix length u8 | `ValueId` u32 BE |
//! | `ip6` | address 16 bytes ‖ prefix length u8 | `ValueId` u32 BE |
//! | `exclusions` | exclusion pattern, UTF-8 | empty |
//! | `warninglists` | list name, UTF-8 | warninglist record |
//!
//! Integers in keys are big-endian, so RocksDB's byte order is numeric order and the
//! address keys sort by address, which is what CIDR range scans need.
//! `docs/storage-format.md` is the normative description.

/// Column family names, in creation order.
pub(crate) const ALL_CFS: [&str; 17] = [
    META,
    SOURCES,
    SOURCE_NAME,
    EVENTS,
    EVENT_UUID,
    ATTRS,
    DICT,
    DICT_REV,
    POST_ATTR,
    POST_EVENT,
    FWD_EVENT,
    SRC_VALUES,
    SRC_EVENTS,
    IP4,
    IP6,
    EXCLUSIONS,
    WARNINGLISTS,
];

pub(crate) const META: &str = "meta";
pub(crate) const SOURCES: &str = "sources";
pub(crate) const SOURCE_NAME: &str = "source_name";
pub(crate) const EVENTS: &str = "events";
pub(crate) const EVENT_UUID: &str = "event_uuid";
pub(crate) const ATTRS: &str = "attrs";
pub(crate) const DICT: &str = "dict";
pub(crate) const DICT_REV: &str = "dict_rev";
pub(crate) const POST_ATTR: &str = "post_attr";
pub(crate) const POST_EVENT: &str = "post_event";
pub(crate) const FWD_EVENT: &str = "fwd_event";
pub(crate) const SRC_VALUES: &str = "src_values";
pub(crate) const SRC_EVENTS: &str = "src_events";
pub(crate) const IP4: &str = "ip4";
pub(crate) const IP6: &str = "ip6";
pub(crate) const EXCLUSIONS: &str = "exclusions";
pub(crate) const WARNINGLISTS: &str = "warninglists";

/// The column families whose values are postings, updated through the merge operator.
pub(crate) const POSTING_CFS: [&str; 5] =
    [POST_ATTR, POST_EVENT, FWD_EVENT, SRC_VALUES, SRC_EVENTS];

/// Keys of the `meta` column family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MetaKey {
    /// `MAGIC ‖ FORMAT_VERSION u32 BE`, written last on create.
    Format,
    /// Next id to allocate, u32 BE, one per id kind.
    NextSource,
    NextEvent,
    NextAttr,
    NextValue,
    /// Live counts, u64 BE.
    CountEvents,
    CountAttrs,
    CountValues,
    /// Bit set of the prefix lengths present in `ip4` (bit p set = some key has length p),
    /// 8 bytes BE; and in `ip6`, 17 bytes (bit p of byte p / 8).
    PrefixesIp4,
    PrefixesIp6,
}

impl MetaKey {
    /// The key bytes.
    pub(crate) fn bytes(self) -> &'static [u8] {
        match self {
            MetaKey::Format => b"format",
            MetaKey::NextSource => b"next/source",
            MetaKey::NextEvent => b"next/event",
            MetaKey::NextAttr => b"next/attr",
            MetaKey::NextValue => b"next/value",
            MetaKey::CountEvents => b"count/events",
            MetaKey::CountAttrs => b"count/attrs",
            MetaKey::CountValues => b"count/values",
            MetaKey::PrefixesIp4 => b"prefixes/ip4",
            MetaKey::PrefixesIp6 => b"prefixes/ip6",
        }
    }
}

/// The key of a u32 id: 4 bytes, big-endian.
pub(crate) fn id(id: u32) -> [u8; 4] {
    id.to_be_bytes()
}

/// The u32 id in a 4-byte key or value, or `None` if it is not 4 bytes long.
pub(crate) fn decode_id(bytes: &[u8]) -> Option<u32> {
    let bytes: [u8; 4] = bytes.try_into().ok()?;
    Some(u32::from_be_bytes(bytes))
}

/// The `ip4` key of a network: address ‖ prefix length.
pub(crate) fn ip4(addr: [u8; 4], prefix: u8) -> [u8; 5] {
    let [a, b, c, d] = addr;
    [a, b, c, d, prefix]
}

/// The `ip6` key of a network: address ‖ prefix length.
pub(crate) fn ip6(addr: [u8; 16], prefix: u8) -> [u8; 17] {
    let mut key = [0u8; 17];
    key[..16].copy_from_slice(&addr);
    key[16] = prefix;
    key
}

/// Splits an `ip4`/`ip6` key into address bytes and prefix length.
pub(crate) fn decode_ip(key: &[u8]) -> Option<(&[u8], u8)> {
    let (prefix, addr) = key.split_last()?;
    matches!(addr.len(), 4 | 16).then_some((addr, *prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn golden_bytes() {
        assert_eq!(id(1), [0, 0, 0, 1]);
        assert_eq!(id(0x0102_0304), [1, 2, 3, 4]);
        assert_eq!(ip4([10, 0, 0, 0], 8), [10, 0, 0, 0, 8]);
        let v6 = ip6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128);
        assert_eq!(v6, [0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 128]);
        assert_eq!(MetaKey::Format.bytes(), b"format");
        assert_eq!(MetaKey::NextValue.bytes(), b"next/value");
        assert_eq!(MetaKey::PrefixesIp6.bytes(), b"prefixes/ip6");
        assert_eq!(ALL_CFS.len(), 17);
    }

    #[test]
    fn decode_rejects_wrong_lengths() {
        assert_eq!(decode_id(&[0, 0, 1]), None);
        assert_eq!(decode_id(&[0, 0, 0, 9]), Some(9));
        assert_eq!(decode_ip(&[1, 2, 3]), None);
        assert_eq!(decode_ip(&[1, 2, 3, 4, 24]), Some((&[1u8, 2, 3, 4][..], 24)));
    }

    proptest! {
        #[test]
        fn id_order_is_numeric_order(a: u32, b: u32) {
            prop_assert_eq!(a.cmp(&b), id(a).cmp(&id(b)));
            prop_assert_eq!(decode_id(&id(a)), Some(a));
        }

        #[test]
        fn ip4_order_is_address_order(a: u32, b: u32, p: u8) {
            let (ka, kb) = (ip4(a.to_be_bytes(), p), ip4(b.to_be_bytes(), p));
            prop_assert_eq!(a.cmp(&b), ka.cmp(&kb));
        }
    }
}
