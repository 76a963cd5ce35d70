//! Reading a wav file for speech recognition: 16-bit (or 8/24/32-bit) integer or float samples,
//! mono or stereo (averaged to mono), resampled to 16 kHz with a polyphase filter that gives the
//! same samples as `scipy.signal.resample_poly` (Kaiser window, beta 5). Bad files give a clear
//! message, never a panic.

use std::path::Path;

use crate::inference::PipelineError;

/// The sampling rate Whisper listens at.
pub const SAMPLE_RATE: u32 = 16_000;
/// Longer recordings are cut here (and the student told), to keep memory and waiting sane.
pub const MAX_SECONDS: u32 = 600;

/// A clip ready for the log-mel front end.
#[derive(Debug, Clone, PartialEq)]
pub struct Audio {
    /// Mono samples in [-1, 1] at 16 kHz.
    pub samples: Vec<f32>,
    /// The file's own rate and channel count (before averaging and resampling).
    pub original_rate: u32,
    pub channels: u16,
    /// The file's length in seconds when it was longer than [`MAX_SECONDS`] and cut.
    pub cut_from: Option<f64>,
}

impl Audio {
    pub fn seconds(&self) -> f64 {
        self.samples.len() as f64 / f64::from(SAMPLE_RATE)
    }

    /// What was done to the file to make it 16 kHz mono, for the student to read.
    pub fn notes(&self, name: &str) -> Vec<String> {
        let mut notes = Vec::new();
        if self.channels > 1 {
            notes.push(format!(
                "{name} has {} channels: hftutor averaged them into one (mono), as Whisper expects.",
                self.channels
            ));
        }
        if self.original_rate != SAMPLE_RATE {
            notes.push(format!(
                "{name} was recorded at {} Hz: hftutor resampled it to 16000 Hz, the rate Whisper was trained on.",
                self.original_rate
            ));
        }
        if let Some(secs) = self.cut_from {
            notes.push(format!(
                "{name} is {secs:.0} s long: hftutor only listened to the first {MAX_SECONDS} s."
            ));
        }
        notes
    }
}

fn bad(message: String) -> PipelineError {
    PipelineError::BadInput(message)
}

/// Reads `path` as a wav file and returns 16 kHz mono samples.
pub fn read(path: &Path) -> Result<Audio, PipelineError> {
    let name = path.display();
    if !path.exists() {
        return Err(bad(format!(
            "there is no file {name}: check the path (speech recognition needs a .wav file)"
        )));
    }
    if path.is_dir() {
        return Err(bad(format!("{name} is a folder, not a .wav file")));
    }
    let mut reader = hound::WavReader::open(path).map_err(|e| match e {
        hound::Error::IoError(io) => bad(format!("can't read {name}: {io}")),
        hound::Error::FormatError(_) | hound::Error::Unsupported => bad(format!(
            "{name} isn't a wav file hftutor can read ({e}): save the recording as .wav (PCM or float), for example with Audacity"
        )),
        other => bad(format!("{name} isn't a readable wav file: {other}")),
    })?;
    let spec = reader.spec();
    let channels = spec.channels.max(1);
    let seconds = f64::from(reader.duration()) / f64::from(spec.sample_rate.max(1));
    let keep = MAX_SECONDS as usize * spec.sample_rate as usize * usize::from(channels);
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader
            .samples::<f32>()
            .take(keep)
            .collect::<Result<_, _>>()
            .map_err(|e| bad(format!("{name} is damaged: {e}")))?,
        hound::SampleFormat::Int => {
            let scale = 2f32.powi(i32::from(spec.bits_per_sample.clamp(1, 32)) - 1);
            reader
                .samples::<i32>()
                .take(keep)
                .map(|s| s.map(|v| v as f32 / scale))
                .collect::<Result<_, _>>()
                .map_err(|e| bad(format!("{name} is damaged: {e}")))?
        }
    };
    if interleaved.is_empty() {
        return Err(bad(format!(
            "{name} is an empty recording (no sound in it): record something and try again"
        )));
    }
    if spec.sample_rate == 0 {
        return Err(bad(format!("{name} says its sampling rate is 0 Hz")));
    }
    let mono = to_mono(&interleaved, usize::from(channels));
    let samples = resample(&mono, spec.sample_rate, SAMPLE_RATE);
    Ok(Audio {
        samples: samples.into_iter().map(|v| v as f32).collect(),
        original_rate: spec.sample_rate,
        channels,
        cut_from: (seconds > f64::from(MAX_SECONDS)).then_some(seconds),
    })
}

/// The average of the channels of each frame.
fn to_mono(interleaved: &[f32], channels: usize) -> Vec<f64> {
    if channels == 1 {
        return interleaved.iter().map(|&v| f64::from(v)).collect();
    }
    interleaved
        .chunks(channels)
        .map(|frame| frame.iter().map(|&v| f64::from(v)).sum::<f64>() / channels as f64)
        .collect()
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Resamples `x` from `from` Hz to `to` Hz as `scipy.signal.resample_poly(x, up, down)` does:
/// zero-phase low-pass FIR (`firwin(20 * max(up, down) + 1, 1 / max(up, down), kaiser 5.0)`),
/// zeros outside the clip, `ceil(len * up / down)` samples out.
pub fn resample(x: &[f64], from: u32, to: u32) -> Vec<f64> {
    let g = gcd(u64::from(from), u64::from(to)).max(1);
    let (up, down) = ((u64::from(to) / g) as usize, (u64::from(from) / g) as usize);
    if up == down || x.is_empty() {
        return x.to_vec();
    }
    let h = lowpass(up, down);
    let half = (h.len() - 1) / 2;
    let n_out = (x.len() * up).div_ceil(down);
    let mut y = Vec::with_capacity(n_out);
    for m in 0..n_out {
        // y[m] = Σ_j x[j] · h[m·down − j·up + half], over the taps inside the filter.
        let centre = m * down + half;
        let j_min = centre.saturating_sub(h.len() - 1).div_ceil(up);
        let j_max = (centre / up).min(x.len() - 1);
        let mut acc = 0.0;
        for (j, &v) in x.iter().enumerate().take(j_max + 1).skip(j_min) {
            acc += v * h[centre - j * up];
        }
        y.push(acc);
    }
    y
}

/// The anti-aliasing filter of `resample_poly`, scaled by `up`.
fn lowpass(up: usize, down: usize) -> Vec<f64> {
    let max_rate = up.max(down);
    let cutoff = 1.0 / max_rate as f64;
    let half = 10 * max_rate;
    let taps = 2 * half + 1;
    let beta = 5.0;
    let i0_beta = bessel_i0(beta);
    let mut h: Vec<f64> = (0..taps)
        .map(|n| {
            let m = n as f64 - half as f64;
            let sinc = if m == 0.0 {
                1.0
            } else {
                let a = std::f64::consts::PI * cutoff * m;
                a.sin() / a
            };
            let r = 2.0 * n as f64 / (taps - 1) as f64 - 1.0;
            let window = bessel_i0(beta * (1.0 - r * r).max(0.0).sqrt()) / i0_beta;
            cutoff * sinc * window
        })
        .collect();
    let sum: f64 = h.iter().sum();
    for v in &mut h {
        *v = *v / sum * up as f64;
    }
    h
}

/// The modified Bessel function of the first kind, order 0 (power series).
fn bessel_i0(x: f64) -> f64 {
    let (mut sum, mut term, q) = (1.0, 1.0, x * x / 4.0);
    for k in 1..200 {
        term *= q / (k * k) as f64;
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resampling_keeps_a_low_tone_and_the_length() {
        let tone = |rate: f64, n: usize| -> Vec<f64> {
            (0..n)
                .map(|i| (2.0 * std::f64::consts::PI * 440.0 * i as f64 / rate).sin())
                .collect()
        };
        let x = tone(48_000.0, 48_000);
        let y = resample(&x, 48_000, 16_000);
        assert_eq!(y.len(), 16_000);
        let want = tone(16_000.0, 16_000);
        // Away from the edges, a 440 Hz tone comes through unchanged.
        let worst = (500..15_500)
            .map(|i| (y[i] - want[i]).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-3, "{worst}");
        assert_eq!(resample(&x, 16_000, 16_000), x);
        assert_eq!(resample(&x[..441], 44_100, 16_000).len(), 160);
    }

    #[test]
    fn filter_has_unit_gain_times_up() {
        let h = lowpass(160, 441);
        assert_eq!(h.len(), 8821);
        assert!((h.iter().sum::<f64>() - 160.0).abs() < 1e-9);
        assert!((bessel_i0(0.0) - 1.0).abs() < 1e-15);
        assert!((bessel_i0(5.0) - 27.239871823604442).abs() < 1e-9);
    }
}
