//! Whisper's log-mel front end, computed as transformers' `WhisperFeatureExtractor` does: pad or
//! trim to 30 s, a centred STFT (reflect padding, periodic Hann window, n_fft 400, hop 160) of
//! power 2, Slaney-scale Slaney-normalised mel filters (0–8 kHz), log10 with a 1e-10 floor, the
//! last frame dropped, values clamped to (max − 8), then (x + 4) / 4.

use std::f64::consts::PI;

use candle_core::{Device, Tensor};

use crate::inference::PipelineError;

/// FFT size and hop of Whisper's STFT.
pub const N_FFT: usize = 400;
pub const HOP: usize = 160;
/// Samples in one 30 s chunk at 16 kHz, and the frames the encoder takes.
pub const CHUNK_SAMPLES: usize = 480_000;
pub const N_FRAMES: usize = CHUNK_SAMPLES / HOP;

const N_BINS: usize = N_FFT / 2 + 1;

/// One mel filter: its weights over the FFT bins `first..first + weights.len()`.
struct MelFilter {
    first: usize,
    weights: Vec<f64>,
}

/// The filters, window and DFT basis, made once per model.
pub struct LogMel {
    n_mels: usize,
    window: Vec<f64>,
    /// N_FFT × 2·N_BINS: cos(2πkn/N) in the first N_BINS columns, −sin in the others.
    basis: Tensor,
    /// N_BINS × n_mels.
    filters: Tensor,
}

fn hertz_to_mel(f: f64) -> f64 {
    // Slaney: linear below 1 kHz, logarithmic above.
    let logstep = 27.0 / 6.4f64.ln();
    if f >= 1000.0 {
        15.0 + (f / 1000.0).ln() * logstep
    } else {
        3.0 * f / 200.0
    }
}

fn mel_to_hertz(m: f64) -> f64 {
    let logstep = 6.4f64.ln() / 27.0;
    if m >= 15.0 {
        1000.0 * ((m - 15.0) * logstep).exp()
    } else {
        200.0 * m / 3.0
    }
}

/// transformers' `mel_filter_bank(201, n_mels, 0, 8000, 16000, norm="slaney", mel_scale="slaney")`.
fn mel_filters(n_mels: usize) -> Vec<MelFilter> {
    let (mel_min, mel_max) = (hertz_to_mel(0.0), hertz_to_mel(8000.0));
    let edges: Vec<f64> = (0..n_mels + 2)
        .map(|i| mel_to_hertz(mel_min + (mel_max - mel_min) * i as f64 / (n_mels + 1) as f64))
        .collect();
    let fft_freqs: Vec<f64> = (0..N_BINS)
        .map(|k| 8000.0 * k as f64 / (N_BINS - 1) as f64)
        .collect();
    (0..n_mels)
        .map(|m| {
            let (lo, mid, hi) = (edges[m], edges[m + 1], edges[m + 2]);
            let norm = 2.0 / (hi - lo);
            let all: Vec<f64> = fft_freqs
                .iter()
                .map(|&f| {
                    let down = (f - lo) / (mid - lo);
                    let up = (hi - f) / (hi - mid);
                    down.min(up).max(0.0) * norm
                })
                .collect();
            let first = all.iter().position(|&w| w > 0.0).unwrap_or(0);
            let last = all.iter().rposition(|&w| w > 0.0).map_or(first, |l| l + 1);
            MelFilter {
                first,
                weights: all[first..last.max(first)].to_vec(),
            }
        })
        .collect()
}

impl LogMel {
    pub fn new(n_mels: usize) -> Result<LogMel, PipelineError> {
        let mut basis = vec![0f64; N_FFT * 2 * N_BINS];
        for n in 0..N_FFT {
            for k in 0..N_BINS {
                let a = 2.0 * PI * ((k * n) % N_FFT) as f64 / N_FFT as f64;
                basis[n * 2 * N_BINS + k] = a.cos();
                basis[n * 2 * N_BINS + N_BINS + k] = -a.sin();
            }
        }
        let mut dense = vec![0f64; N_BINS * n_mels];
        for (m, filter) in mel_filters(n_mels).iter().enumerate() {
            for (i, w) in filter.weights.iter().enumerate() {
                dense[(filter.first + i) * n_mels + m] = *w;
            }
        }
        Ok(LogMel {
            n_mels,
            window: (0..N_FFT)
                .map(|i| 0.5 - 0.5 * (2.0 * PI * i as f64 / N_FFT as f64).cos())
                .collect(),
            basis: Tensor::from_vec(basis, (N_FFT, 2 * N_BINS), &Device::Cpu)?,
            filters: Tensor::from_vec(dense, (N_BINS, n_mels), &Device::Cpu)?,
        })
    }

    pub fn n_mels(&self) -> usize {
        self.n_mels
    }

    /// The features of one 30 s chunk (shorter clips are padded with silence, longer ones cut),
    /// mel bin by mel bin: `n_mels` rows of `N_FRAMES` values.
    pub fn features(&self, samples: &[f32]) -> Result<Vec<f32>, PipelineError> {
        let mut x: Vec<f64> = samples
            .iter()
            .take(CHUNK_SAMPLES)
            .map(|&v| f64::from(v))
            .collect();
        x.resize(CHUNK_SAMPLES, 0.0);
        // Centre the frames: reflect 200 samples at each end (the edge sample isn't repeated).
        let pad = N_FFT / 2;
        let mut padded = Vec::with_capacity(CHUNK_SAMPLES + 2 * pad);
        padded.extend((1..=pad).rev().map(|i| x[i]));
        padded.extend_from_slice(&x);
        padded.extend((0..pad).map(|i| x[CHUNK_SAMPLES - 2 - i]));

        // Windowed frames (the STFT's last frame is dropped, as transformers does).
        let mut frames = Vec::with_capacity(N_FRAMES * N_FFT);
        for t in 0..N_FRAMES {
            let frame = &padded[t * HOP..t * HOP + N_FFT];
            frames.extend(frame.iter().zip(&self.window).map(|(v, w)| v * w));
        }
        let frames = Tensor::from_vec(frames, (N_FRAMES, N_FFT), &Device::Cpu)?;
        let spectrum = frames.matmul(&self.basis)?;
        let re = spectrum.narrow(1, 0, N_BINS)?;
        let im = spectrum.narrow(1, N_BINS, N_BINS)?;
        let power = ((&re * &re)? + (&im * &im)?)?;
        // n_mels × N_FRAMES
        let mel = power.matmul(&self.filters)?.t()?.contiguous()?;
        let log_spec: Vec<f64> = mel
            .flatten_all()?
            .to_vec1::<f64>()?
            .into_iter()
            .map(|e| e.max(1e-10).log10())
            .collect();
        let floor = log_spec.iter().copied().fold(f64::NEG_INFINITY, f64::max) - 8.0;
        Ok(log_spec
            .into_iter()
            .map(|v| ((v.max(floor) + 4.0) / 4.0) as f32)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tone_lands_in_its_mel_bin() {
        let mel = LogMel::new(80).unwrap();
        // 1 kHz is mel 15 on the Slaney scale: bin 15 / (mel(8 kHz) / 81) of 80.
        let tone: Vec<f32> = (0..16_000)
            .map(|i| (2.0 * PI * 1000.0 * i as f64 / 16_000.0).sin() as f32)
            .collect();
        let f = mel.features(&tone).unwrap();
        let frame = 50;
        let loudest = (0..80)
            .max_by(|&a, &b| f[a * N_FRAMES + frame].total_cmp(&f[b * N_FRAMES + frame]))
            .unwrap();
        let expected = (15.0 / hertz_to_mel(8000.0) * 81.0 - 1.0).round() as usize;
        assert!(loudest.abs_diff(expected) <= 1, "{loudest} vs {expected}");
    }

    #[test]
    fn silence_gives_the_floor_everywhere() {
        let mel = LogMel::new(80).unwrap();
        let f = mel.features(&[]).unwrap();
        assert_eq!(f.len(), 80 * N_FRAMES);
        // log10(1e-10) = -10 everywhere, so max - 8 clamps nothing: (-10 + 4) / 4 = -1.5.
        assert!(f.iter().all(|&v| (v + 1.5).abs() < 1e-6));
    }

    #[test]
    fn slaney_scale_round_trips() {
        for f in [0.0, 440.0, 1000.0, 3000.0, 8000.0] {
            assert!((mel_to_hertz(hertz_to_mel(f)) - f).abs() < 1e-9);
        }
        assert_eq!(mel_filters(80).len(), 80);
    }
}
