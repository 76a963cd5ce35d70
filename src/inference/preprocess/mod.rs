//! Media into tensors: wav reading and resampling, Whisper's log-mel front end, image decoding
//! and PIL-exact resizing, and the small thumbnails the shell shows.

pub mod image;
pub mod image_resample;
pub mod log_mel;
pub mod thumbnail;
pub mod wav;
