//! The Q4_1/Q8_0 kernels (f32 activations against 4- and 8-bit blocks) live in their own crate,
//! `crates/kernels`, so that dev and test builds compile them optimised: the tests run the same
//! arithmetic students run.

pub use hftutor_kernels::*;
