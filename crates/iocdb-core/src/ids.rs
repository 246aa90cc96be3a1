//! Dense integer ids, allocated by the writer and never reused.

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A source (feed, file set, MISP instance, analyst).
    SourceId
);
id_type!(
    /// An event.
    EventId
);
id_type!(
    /// An attribute.
    AttrId
);
id_type!(
    /// A distinct correlation key (normalised, case-folded value).
    ValueId
);
