//! Integration tests of the decoders and encoders, one module per format.

mod export;
mod feed;
mod misp;
mod openioc;
mod stix;
