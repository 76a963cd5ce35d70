//! Fuzz target: see hftutor::fuzzing::media_file.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hftutor::fuzzing::media_file(data));
