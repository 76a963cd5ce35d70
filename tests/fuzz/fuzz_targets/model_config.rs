//! Fuzz target: see hftutor::fuzzing::model_config.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hftutor::fuzzing::model_config(data));
