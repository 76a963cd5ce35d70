//! Beam search (decode/beam_search.rs) with a forced prefix (Whisper's language, task and `<|notimestamps|>` tokens):
//! a toy model whose scores ignore the prompt's length must give the same greedy and beam-search
//! ids with or without a prefix, so lengths and length penalties count generated tokens only, as
//! transformers' `decoder_prompt_len` does.

use candle_core::{Device, Result, Tensor};
use hftutor::domain::StopReason;
use hftutor::inference::decode::beam_search::{beam_search, greedy, Seq2SeqModel, Settings};

fn settings() -> Settings {
    Settings::from_layers(&[&serde_json::json!({"eos_token_id": 1, "decoder_start_token_id": 0})])
}

/// Scores that depend only on how many tokens came after the prompt and on the last token.
struct Toy {
    prompt_len: usize,
    wave: f32,
}

impl Seq2SeqModel for Toy {
    fn encode(&mut self, _ids: &[u32]) -> Result<Tensor> {
        Tensor::zeros((1, 1, 1), candle_core::DType::F32, &Device::Cpu)
    }
    fn reset(&mut self) {}
    fn step(&mut self, tokens: &[u32], pos: usize, _enc: &Tensor) -> Result<Tensor> {
        let made = (pos + 1).saturating_sub(self.prompt_len) as f32;
        let wave = self.wave;
        let rows: Vec<f32> = tokens
            .iter()
            .flat_map(|&t| {
                (0..6).map(move |v| {
                    let last = if made == 0.0 { 0.0 } else { t as f32 };
                    3.0 * (wave * (made * 7.0 + v as f32 * 3.0 + last * 5.0)).sin()
                })
            })
            .collect();
        Tensor::from_vec(rows, (tokens.len(), 6), &Device::Cpu)
    }
    fn reorder(&mut self, _beams: &Tensor) -> Result<()> {
        Ok(())
    }
}

#[test]
fn a_forced_prefix_changes_nothing_but_the_prompt() {
    let mut ended = 0;
    for i in 0..40 {
        let wave = 0.37 + 0.11 * i as f32;
        let mut plain = settings().with_max_new_tokens(8);
        plain.num_beams = 3;
        plain.begin_suppress = vec![1];
        let mut forced = plain.clone();
        forced.prefix = vec![4, 5, 2];
        let forced = forced.with_max_new_tokens(8);
        let mut toy = Toy {
            prompt_len: 1,
            wave,
        };
        let enc = toy.encode(&[]).unwrap();
        let beams = beam_search(&mut toy, &enc, &plain, &mut || true).unwrap();
        let first = greedy(&mut toy, &enc, &plain, &mut |_| true).unwrap();
        toy.prompt_len = 4;
        let got = beam_search(&mut toy, &enc, &forced, &mut || true).unwrap();
        assert_eq!(got, beams, "wave {wave}");
        let got = greedy(&mut toy, &enc, &forced, &mut |_| true).unwrap();
        assert_eq!(got, first, "wave {wave}");
        assert_ne!(beams.ids.first(), Some(&1), "begin_suppress: no end first");
        ended += usize::from(beams.stop == StopReason::EndOfText);
    }
    assert!(ended > 5, "some beams should finish early ({ended})");
}
