//! Fuzz target: see hftutor::fuzzing::lesson_file.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hftutor::fuzzing::lesson_file(data));
