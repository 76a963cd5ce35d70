//! Fuzz target: see hftutor::fuzzing::pipeline_text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hftutor::fuzzing::pipeline_text(data));
