//! Fuzz target: see hftutor::fuzzing::student_input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hftutor::fuzzing::student_input(data));
