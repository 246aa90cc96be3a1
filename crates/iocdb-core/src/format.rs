//! The on-disk format version, checked on every open.
//!
//! See `docs/storage-format.md` for the key schema each version defines.

/// Magic bytes at the start of the `meta/format` record.
pub const MAGIC: &[u8; 6] = b"IOCDB\0";

/// The format this code writes.
///
/// Version history:
/// - 1: first format (column families meta, sources, source_name, events, event_uuid,
///   attrs, dict, dict_rev, post_attr, post_event, fwd_event, src_values, src_events,
///   ip4, ip6, exclusions, warninglists).
pub const FORMAT_VERSION: u32 = 1;

/// The oldest format this code can open. Older databases need an upgrade.
pub const OLDEST_SUPPORTED_FORMAT_VERSION: u32 = 1;

/// The bytes of the `meta/format` record for `version`.
pub(crate) fn encode(version: u32) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&version.to_be_bytes());
    out
}

/// The version in a `meta/format` record, or `None` when the record is not ours.
pub(crate) fn decode(bytes: &[u8]) -> Option<u32> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let version: [u8; 4] = rest.try_into().ok()?;
    Some(u32::from_be_bytes(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_bytes() {
        assert_eq!(encode(1), b"IOCDB\0\x00\x00\x00\x01");
        assert_eq!(decode(b"IOCDB\0\x00\x00\x00\x07"), Some(7));
        assert_eq!(decode(b"IOCDB\0\x00\x00\x07"), None);
        assert_eq!(decode(b"XOCDB\0\x00\x00\x00\x01"), None);
    }
}
