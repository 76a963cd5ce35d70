//! Whisper's encoder–decoder (transformers' WhisperForConditionalGeneration weights and names),
//! with the exact (erf) GELU transformers uses, a decoder cache that follows beams, and the
//! cross-attention keys/values computed once per 30 s clip. Decoding lives in decode/beam_search.rs.

use candle_core::{Device, Module, Result, Tensor};
use candle_nn::{
    conv1d, embedding, layer_norm, linear, linear_no_bias, Activation, Conv1d, Conv1dConfig,
    Embedding, LayerNorm, Linear, VarBuilder,
};
use serde_json::Value;

use crate::inference::decode::beam_search::Seq2SeqModel;

const EPS: f64 = 1e-5;

fn bad(msg: String) -> candle_core::Error {
    candle_core::Error::Msg(msg)
}

struct Attention {
    q: Linear,
    k: Linear,
    v: Linear,
    out: Linear,
    heads: usize,
    /// Self-attention: the keys/values so far. Cross-attention: the clip's, one row per beam.
    cache: Option<(Tensor, Tensor)>,
    /// Cross-attention only: the clip's keys/values for one row.
    clip: Option<(Tensor, Tensor)>,
}

impl Attention {
    fn load(d: usize, heads: usize, vb: VarBuilder) -> Result<Attention> {
        Ok(Attention {
            q: linear(d, d, vb.pp("q_proj"))?,
            k: linear_no_bias(d, d, vb.pp("k_proj"))?,
            v: linear(d, d, vb.pp("v_proj"))?,
            out: linear(d, d, vb.pp("out_proj"))?,
            heads: heads.max(1),
            cache: None,
            clip: None,
        })
    }

    fn split(&self, x: &Tensor) -> Result<Tensor> {
        let (b, n, d) = x.dims3()?;
        x.reshape((b, n, self.heads, d / self.heads))?
            .transpose(1, 2)?
            .contiguous()
    }

    fn keys_values(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        Ok((
            self.split(&self.k.forward(x)?)?,
            self.split(&self.v.forward(x)?)?,
        ))
    }

    /// `enc`: cross-attention on the encoder output; `None`: self-attention (`cached`: append to
    /// the cache, for the decoder).
    fn forward(&mut self, x: &Tensor, enc: Option<&Tensor>, cached: bool) -> Result<Tensor> {
        let (b, n, d) = x.dims3()?;
        let scale = ((d / self.heads) as f64).powf(-0.5);
        // transformers scales the queries before the product.
        let q = self.split(&(self.q.forward(x)? * scale)?)?;
        let (k, v) = match enc {
            Some(enc) => {
                if self.clip.is_none() {
                    self.clip = Some(self.keys_values(&enc.narrow(0, 0, 1)?)?);
                    self.cache = None;
                }
                match (&self.cache, &self.clip) {
                    (Some(c), _) if c.0.dim(0)? == b => c.clone(),
                    (_, Some((k, v))) => {
                        let c = (k.repeat((b, 1, 1, 1))?, v.repeat((b, 1, 1, 1))?);
                        self.cache = Some(c.clone());
                        c
                    }
                    _ => return Err(bad("the cross-attention cache is missing".into())),
                }
            }
            None => {
                let (mut k, mut v) = self.keys_values(x)?;
                if cached {
                    if let Some((pk, pv)) = &self.cache {
                        k = Tensor::cat(&[pk, &k], 2)?;
                        v = Tensor::cat(&[pv, &v], 2)?;
                    }
                    self.cache = Some((k.clone(), v.clone()));
                }
                (k, v)
            }
        };
        let w = candle_nn::ops::softmax_last_dim(&q.matmul(&k.t()?)?)?;
        let ctx = w.matmul(&v)?.transpose(1, 2)?.reshape((b, n, d))?;
        self.out.forward(&ctx)
    }
}

/// A pre-norm transformer layer (the decoder's has cross-attention).
struct Layer {
    self_attn: Attention,
    self_norm: LayerNorm,
    cross: Option<(Attention, LayerNorm)>,
    fc1: Linear,
    fc2: Linear,
    final_norm: LayerNorm,
}

impl Layer {
    fn load(d: usize, heads: usize, ffn: usize, decoder: bool, vb: VarBuilder) -> Result<Layer> {
        let cross = if decoder {
            Some((
                Attention::load(d, heads, vb.pp("encoder_attn"))?,
                layer_norm(d, EPS, vb.pp("encoder_attn_layer_norm"))?,
            ))
        } else {
            None
        };
        Ok(Layer {
            self_attn: Attention::load(d, heads, vb.pp("self_attn"))?,
            self_norm: layer_norm(d, EPS, vb.pp("self_attn_layer_norm"))?,
            cross,
            fc1: linear(d, ffn, vb.pp("fc1"))?,
            fc2: linear(ffn, d, vb.pp("fc2"))?,
            final_norm: layer_norm(d, EPS, vb.pp("final_layer_norm"))?,
        })
    }

    fn forward(
        &mut self,
        x: &Tensor,
        enc: Option<&Tensor>,
        act: Activation,
        cached: bool,
    ) -> Result<Tensor> {
        let h = self.self_norm.forward(x)?;
        let mut x = (x + self.self_attn.forward(&h, None, cached)?)?;
        if let (Some((attn, norm)), Some(enc)) = (self.cross.as_mut(), enc) {
            let h = norm.forward(&x)?;
            x = (&x + attn.forward(&h, Some(enc), false)?)?;
        }
        let h = self.final_norm.forward(&x)?;
        x + self.fc2.forward(&act.forward(&self.fc1.forward(&h)?)?)?
    }
}

/// A WhisperForConditionalGeneration checkpoint.
pub struct WhisperModel {
    conv1: Conv1d,
    conv2: Conv1d,
    enc_positions: Tensor,
    encoder: Vec<Layer>,
    enc_norm: LayerNorm,
    embed: Embedding,
    dec_positions: Tensor,
    decoder: Vec<Layer>,
    dec_norm: LayerNorm,
    /// The output projection (tied to the token embeddings unless `proj_out` is saved).
    proj_out: Tensor,
    act: Activation,
    n_mels: usize,
}

impl WhisperModel {
    pub fn load(vb: VarBuilder, config: &Value) -> Result<WhisperModel> {
        let size = |key: &str| {
            config[key]
                .as_u64()
                .map(|n| n as usize)
                .filter(|&n| n > 0)
                .ok_or_else(|| bad(format!("config.json of a Whisper model needs {key}")))
        };
        let d = size("d_model")?;
        let vocab = size("vocab_size")?;
        let n_mels = size("num_mel_bins")?;
        let act = match config["activation_function"].as_str().unwrap_or("gelu") {
            "gelu" => Activation::Gelu,
            "gelu_new" | "gelu_pytorch_tanh" => Activation::NewGelu,
            "relu" => Activation::Relu,
            "silu" | "swish" => Activation::Silu,
            other => {
                return Err(bad(format!(
                    "Whisper activation \"{other}\" isn't supported"
                )))
            }
        };
        for key in ["encoder_attention_heads", "decoder_attention_heads"] {
            if d % size(key)? != 0 {
                return Err(bad(format!("d_model must be a multiple of {key}")));
            }
        }
        let m = vb.pp("model");
        let stack = |name: &str, heads: &str, ffn: &str, decoder: bool| -> Result<Vec<Layer>> {
            let (n, h, f) = (size(&format!("{name}_layers"))?, size(heads)?, size(ffn)?);
            (0..n)
                .map(|i| Layer::load(d, h, f, decoder, m.pp(format!("{name}.layers.{i}"))))
                .collect()
        };
        let e = m.pp("encoder");
        let conv = |stride| Conv1dConfig {
            padding: 1,
            stride,
            ..Default::default()
        };
        let embed = embedding(vocab, d, m.pp("decoder.embed_tokens"))?;
        let proj_out = match vb.get((vocab, d), "proj_out.weight") {
            Ok(w) => w,
            Err(_) => embed.embeddings().clone(),
        };
        Ok(WhisperModel {
            conv1: conv1d(n_mels, d, 3, conv(1), e.pp("conv1"))?,
            conv2: conv1d(d, d, 3, conv(2), e.pp("conv2"))?,
            enc_positions: e.get((size("max_source_positions")?, d), "embed_positions.weight")?,
            encoder: stack(
                "encoder",
                "encoder_attention_heads",
                "encoder_ffn_dim",
                false,
            )?,
            enc_norm: layer_norm(d, EPS, e.pp("layer_norm"))?,
            embed,
            dec_positions: m.get(
                (size("max_target_positions")?, d),
                "decoder.embed_positions.weight",
            )?,
            decoder: stack(
                "decoder",
                "decoder_attention_heads",
                "decoder_ffn_dim",
                true,
            )?,
            dec_norm: layer_norm(d, EPS, m.pp("decoder.layer_norm"))?,
            proj_out,
            act,
            n_mels,
        })
    }

    /// The encoder output (1, frames / 2, d_model) for log-mel features (1, n_mels, frames), and a
    /// fresh clip for the decoder (its cross-attention keys/values are computed on the next step).
    pub fn encode_audio(&mut self, mel: &Tensor) -> Result<Tensor> {
        let (_, mels, _) = mel.dims3()?;
        if mels != self.n_mels {
            return Err(bad(format!(
                "the model expects {} mel bins, the features have {mels}",
                self.n_mels
            )));
        }
        let x = self.act.forward(&self.conv1.forward(mel)?)?;
        let x = self
            .act
            .forward(&self.conv2.forward(&x)?)?
            .transpose(1, 2)?;
        let n = x.dim(1)?;
        if n > self.enc_positions.dim(0)? {
            return Err(bad("the audio features are longer than 30 s".into()));
        }
        let mut x = x.broadcast_add(&self.enc_positions.narrow(0, 0, n)?)?;
        for l in self.encoder.iter_mut() {
            x = l.forward(&x, None, self.act, false)?;
        }
        for l in self.decoder.iter_mut() {
            if let Some((c, _)) = l.cross.as_mut() {
                c.clip = None;
                c.cache = None;
            }
        }
        self.enc_norm.forward(&x)
    }

    /// Longest decoder sequence the positions allow.
    pub fn max_positions(&self) -> usize {
        self.dec_positions.dims()[0]
    }
}

impl Seq2SeqModel for WhisperModel {
    fn encode(&mut self, _ids: &[u32]) -> Result<Tensor> {
        Err(bad("Whisper's encoder hears sound: use encode_audio".into()))
    }

    /// Forgets the decoder's own cache (the clip's cross-attention stays until `encode_audio`).
    fn reset(&mut self) {
        for l in self.decoder.iter_mut() {
            l.self_attn.cache = None;
        }
    }

    fn step(&mut self, tokens: &[u32], pos: usize, enc: &Tensor) -> Result<Tensor> {
        if pos >= self.max_positions() {
            return Err(bad(format!(
                "Whisper writes at most {} tokens per 30 s",
                self.max_positions()
            )));
        }
        let ids = Tensor::new(tokens, &Device::Cpu)?.unsqueeze(1)?;
        let mut x = self
            .embed
            .forward(&ids)?
            .broadcast_add(&self.dec_positions.narrow(0, pos, 1)?)?;
        for l in self.decoder.iter_mut() {
            x = l.forward(&x, Some(enc), self.act, true)?;
        }
        let h = self.dec_norm.forward(&x)?.squeeze(1)?;
        h.matmul(&self.proj_out.t()?)
    }

    fn reorder(&mut self, beams: &Tensor) -> Result<()> {
        for l in self.decoder.iter_mut() {
            if let Some((k, v)) = l.self_attn.cache.take() {
                l.self_attn.cache = Some((k.index_select(beams, 0)?, v.index_select(beams, 0)?));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_gelu_is_not_the_tanh_one() {
        let x = Tensor::new(&[-3f32, -1.0, 0.5, 2.0], &Device::Cpu).unwrap();
        let erf: Vec<f32> = Activation::Gelu.forward(&x).unwrap().to_vec1().unwrap();
        // torch.nn.functional.gelu (erf) values.
        let want = [-0.004_049_7f32, -0.158_655_3, 0.345_731_3, 1.954_5];
        for (g, w) in erf.iter().zip(want) {
            assert!((g - w).abs() < 1e-5, "{g} vs {w}");
        }
    }
}
