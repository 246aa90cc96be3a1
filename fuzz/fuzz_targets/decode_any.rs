//! Every decoder, on arbitrary bytes: no panic, and what comes out is normalised.
#![no_main]

use iocdb_import::{Context, Format, Options, VecSink};
use libfuzzer_sys::fuzz_target;

const FORMATS: [Format; 5] = [Format::Stix, Format::OpenIoc, Format::Csv, Format::Freetext, Format::Misp];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else { return };
    let format = FORMATS[usize::from(selector) % FORMATS.len()];
    let mut sink = VecSink::default();
    let mut ctx = Context::new(&mut sink, Options::default());
    let _ = iocdb_import::decode_reader(input, Some(format), None, &mut ctx);
    drop(ctx);
    for event in &sink.0 {
        for attribute in &event.attributes {
            let again = iocdb_model::normalize_value(attribute.attr_type, &attribute.value);
            assert_eq!(again.as_deref(), Ok(attribute.value.as_str()), "decoders emit normalised values");
        }
    }
});
