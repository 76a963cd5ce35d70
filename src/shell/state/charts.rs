//! Chart state of one exercise panel: the next-token candidates of each generation step (and which
//! step is shown), the all-pairs similarity matrix, whether token ids show, and the live
//! tokens/s. Filled from the worker's `Stream` events; drawn by `view::charts`.

use std::time::{Duration, Instant};

use crate::domain::Candidate;
use crate::domain::Stream;

/// The candidates of one generated token.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateStep {
    pub run: usize,
    pub step: usize,
    pub chosen: u32,
    pub candidates: Vec<Candidate>,
}

/// What the charts of an exercise panel show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Charts {
    /// Every step of every run, in the order they came.
    pub steps: Vec<CandidateStep>,
    /// The step shown; `None` follows the newest one.
    pub selected: Option<usize>,
    /// sentence-similarity with three or more texts: every pair.
    pub matrix: Option<Vec<Vec<f32>>>,
    /// automatic-speech-recognition: the clips transcribed.
    pub clips: Vec<Clip>,
    /// image-classification: the pictures classified, small.
    pub pictures: Vec<crate::domain::Thumbnail>,
    /// Show each token's id beside it (tokenize).
    pub show_ids: bool,
    /// When the first and the latest step arrived, for tokens/s while generating.
    first_at: Option<Instant>,
    latest_at: Option<Instant>,
}

/// A sound clip a pipeline listened to.
#[derive(Debug, Clone, PartialEq)]
pub struct Clip {
    pub path: String,
    pub seconds: f64,
}

impl Charts {
    /// Forgets the last run's charts (a new run starts); keeps the ids toggle.
    pub fn clear(&mut self) {
        *self = Charts {
            show_ids: self.show_ids,
            ..Charts::default()
        };
    }

    /// Takes in one streamed event (text is the panel's business, not the charts').
    pub fn push(&mut self, stream: &Stream, now: Instant) {
        match stream {
            Stream::Candidates {
                run,
                step,
                chosen,
                candidates,
            } => {
                self.first_at.get_or_insert(now);
                self.latest_at = Some(now);
                self.steps.push(CandidateStep {
                    run: *run,
                    step: *step,
                    chosen: *chosen,
                    candidates: candidates.clone(),
                });
            }
            Stream::SimilarityMatrix(m) => self.matrix = Some(m.clone()),
            Stream::Thumbnail(t) => self.pictures.push(t.clone()),
            Stream::Clip { path, seconds } => self.clips.push(Clip {
                path: path.clone(),
                seconds: *seconds,
            }),
            Stream::Text { .. } => {}
        }
    }

    /// The index of the step shown, if there are steps.
    pub fn shown(&self) -> Option<usize> {
        let last = self.steps.len().checked_sub(1)?;
        Some(self.selected.map_or(last, |s| s.min(last)))
    }

    /// Shows an earlier (`delta` < 0) or later step; reaching the newest follows new steps again.
    pub fn move_step(&mut self, delta: isize) {
        let Some(at) = self.shown() else {
            return;
        };
        let last = self.steps.len() - 1;
        let to = at.saturating_add_signed(delta).min(last);
        self.selected = (to < last).then_some(to);
    }

    /// Tokens per second over the steps so far, once there is enough time to measure.
    pub fn tokens_per_s(&self) -> Option<f64> {
        let (first, latest) = (self.first_at?, self.latest_at?);
        let secs = latest.duration_since(first).as_secs_f64();
        let n = self.steps.len().saturating_sub(1);
        (latest.duration_since(first) >= Duration::from_millis(300) && n > 0)
            .then(|| n as f64 / secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(step: usize) -> Stream {
        Stream::Candidates {
            run: 0,
            step,
            chosen: 7,
            candidates: vec![Candidate {
                id: 7,
                text: "x".into(),
                probability: 0.5,
            }],
        }
    }

    #[test]
    fn stepping_back_stops_following_and_the_newest_follows_again() {
        let mut c = Charts::default();
        assert_eq!(c.shown(), None);
        c.move_step(-1);
        let t0 = Instant::now();
        for i in 0..3 {
            c.push(&step(i), t0);
        }
        assert_eq!(c.shown(), Some(2));
        c.move_step(-1);
        assert_eq!(c.shown(), Some(1));
        c.push(&step(3), t0);
        assert_eq!(c.shown(), Some(1), "stays on the chosen step");
        c.move_step(-5);
        assert_eq!(c.shown(), Some(0));
        c.move_step(10);
        assert_eq!((c.shown(), c.selected), (Some(3), None));
        c.push(&step(4), t0);
        assert_eq!(c.shown(), Some(4), "follows again");
    }

    #[test]
    fn tokens_per_s_needs_some_time() {
        let mut c = Charts::default();
        let t0 = Instant::now();
        c.push(&step(0), t0);
        c.push(&step(1), t0 + Duration::from_millis(100));
        assert_eq!(c.tokens_per_s(), None);
        c.push(&step(2), t0 + Duration::from_millis(500));
        let rate = c.tokens_per_s().unwrap_or_default();
        assert!((rate - 4.0).abs() < 1e-9, "{rate}");
        c.show_ids = true;
        c.matrix = Some(vec![vec![1.0]]);
        c.clear();
        assert!(c.steps.is_empty() && c.matrix.is_none() && c.show_ids);
    }
}
