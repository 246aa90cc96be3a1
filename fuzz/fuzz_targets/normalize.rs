//! Normalisation and inference on arbitrary strings: no panic, idempotent.
#![no_main]

use iocdb_model::{AttrType, infer_type, normalize_value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let types: Vec<AttrType> = AttrType::all().collect();
    let ty = types[usize::from(selector) % types.len()];
    if let Ok(once) = normalize_value(ty, text) {
        assert_eq!(normalize_value(ty, &once), Ok(once.clone()), "idempotent");
    }
    if let Some(inferred) = infer_type(text) {
        assert_eq!(normalize_value(inferred.attr_type, &inferred.value), Ok(inferred.value.clone()));
    }
});
