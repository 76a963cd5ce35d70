//! Quantised weights: the Q4_1/Q8_0 kernels with f32 activations, and loading a GGUF file into them.

pub mod gguf_load;
pub mod q4_1_kernel;
