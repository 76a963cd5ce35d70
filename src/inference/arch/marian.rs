//! The Marian translation model (MarianMTModel weights, Helsinki-NLP opus-mt) for seq2seq
//! generation. candle_transformers has one, but its cache can't follow beams and its encoder
//! keeps a cache between texts; so it is here, short, with the same weight names and transformers'
//! float64 sinusoidal positions.

use candle_core::{DType, Device, Module, Result, Tensor};
use candle_nn::{
    embedding, layer_norm, linear, Activation, Embedding, LayerNorm, Linear, VarBuilder,
};
use serde_json::Value;

use crate::inference::decode::beam_search::Seq2SeqModel;

const EPS: f64 = 1e-5;

struct Attention {
    q: Linear,
    k: Linear,
    v: Linear,
    out: Linear,
    heads: usize,
    cache: Option<(Tensor, Tensor)>,
}

impl Attention {
    fn load(d: usize, heads: usize, vb: VarBuilder) -> Result<Attention> {
        Ok(Attention {
            q: linear(d, d, vb.pp("q_proj"))?,
            k: linear(d, d, vb.pp("k_proj"))?,
            v: linear(d, d, vb.pp("v_proj"))?,
            out: linear(d, d, vb.pp("out_proj"))?,
            heads: heads.max(1),
            cache: None,
        })
    }

    fn split(&self, x: &Tensor) -> Result<Tensor> {
        let (b, n, d) = x.dims3()?;
        x.reshape((b, n, self.heads, d / self.heads))?
            .transpose(1, 2)?
            .contiguous()
    }

    /// `kv`: the encoder output (cross-attention, cached after the first call) or `None` for
    /// self-attention (appended to the cache when `cached`).
    fn forward(&mut self, x: &Tensor, kv: Option<&Tensor>, cached: bool) -> Result<Tensor> {
        let (b, n, d) = x.dims3()?;
        let scale = ((d / self.heads) as f64).powf(-0.5);
        let q = self.split(&self.q.forward(x)?)?;
        let (k, v) = match (kv, &self.cache) {
            (Some(_), Some(c)) => c.clone(),
            (Some(enc), None) => {
                let c = (
                    self.split(&self.k.forward(enc)?)?,
                    self.split(&self.v.forward(enc)?)?,
                );
                self.cache = Some(c.clone());
                c
            }
            (None, past) => {
                let (mut k, mut v) = (
                    self.split(&self.k.forward(x)?)?,
                    self.split(&self.v.forward(x)?)?,
                );
                if cached {
                    if let Some((pk, pv)) = past {
                        k = Tensor::cat(&[pk, &k], 2)?;
                        v = Tensor::cat(&[pv, &v], 2)?;
                    }
                    self.cache = Some((k.clone(), v.clone()));
                }
                (k, v)
            }
        };
        let scores = (q.matmul(&k.t()?)? * scale)?;
        let w = candle_nn::ops::softmax_last_dim(&scores)?;
        let ctx = w.matmul(&v)?.transpose(1, 2)?.reshape((b, n, d))?;
        self.out.forward(&ctx)
    }
}

struct Layer {
    self_attn: Attention,
    self_norm: LayerNorm,
    /// Decoder layers only.
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

    /// Post-norm (as BART/Marian): norm(x + sublayer(x)).
    fn forward(
        &mut self,
        x: &Tensor,
        enc: Option<&Tensor>,
        act: Activation,
        cached: bool,
    ) -> Result<Tensor> {
        let mut x = self
            .self_norm
            .forward(&(x + self.self_attn.forward(x, None, cached)?)?)?;
        if let (Some((attn, norm)), Some(enc)) = (self.cross.as_mut(), enc) {
            x = norm.forward(&(&x + attn.forward(&x, Some(enc), false)?)?)?;
        }
        let f = self.fc2.forward(&act.forward(&self.fc1.forward(&x)?)?)?;
        self.final_norm.forward(&(x + f)?)
    }
}

/// A MarianMTModel checkpoint.
pub struct MarianModel {
    shared: Embedding,
    positions: Tensor,
    embed_scale: f64,
    encoder: Vec<Layer>,
    decoder: Vec<Layer>,
    final_logits_bias: Tensor,
    act: Activation,
}

/// transformers' MarianSinusoidalPositionalEmbedding table (sin half, then cos half).
fn sinusoids(n: usize, dim: usize) -> Result<Tensor> {
    let half = dim.div_ceil(2);
    let mut out = vec![0f32; n * dim];
    for pos in 0..n {
        for j in 0..dim {
            let angle = |j: usize| pos as f64 / 10000f64.powf((2 * (j / 2)) as f64 / dim as f64);
            out[pos * dim + j] = if j < half {
                angle(2 * j).sin() as f32
            } else {
                angle(2 * (j - half) + 1).cos() as f32
            };
        }
    }
    Tensor::from_vec(out, (n, dim), &Device::Cpu)
}

impl MarianModel {
    pub fn load(vb: VarBuilder, config: &Value) -> Result<MarianModel> {
        let size = |key: &str| {
            config[key].as_u64().map(|n| n as usize).ok_or_else(|| {
                candle_core::Error::Msg(format!("config.json of a Marian model needs {key}"))
            })
        };
        let d = size("d_model")?;
        let vocab = size("vocab_size")?;
        let act = match config["activation_function"].as_str().unwrap_or("swish") {
            "swish" | "silu" => Activation::Silu,
            "relu" => Activation::Relu,
            "gelu" => Activation::Gelu,
            "gelu_new" => Activation::NewGelu,
            other => {
                return Err(candle_core::Error::Msg(format!(
                    "Marian activation \"{other}\" isn't supported"
                )))
            }
        };
        let m = vb.pp("model");
        let stack = |name: &str, layers: usize, heads: usize, ffn: usize, decoder: bool| {
            (0..layers)
                .map(|i| Layer::load(d, heads, ffn, decoder, m.pp(format!("{name}.layers.{i}"))))
                .collect::<Result<Vec<_>>>()
        };
        let target_vocab = config["decoder_vocab_size"]
            .as_u64()
            .map_or(vocab, |n| n as usize);
        Ok(MarianModel {
            shared: embedding(vocab, d, m.pp("shared"))?,
            positions: sinusoids(size("max_position_embeddings")?, d)?,
            embed_scale: if config["scale_embedding"].as_bool().unwrap_or(true) {
                (d as f64).sqrt()
            } else {
                1.0
            },
            encoder: stack(
                "encoder",
                size("encoder_layers")?,
                size("encoder_attention_heads")?,
                size("encoder_ffn_dim")?,
                false,
            )?,
            decoder: stack(
                "decoder",
                size("decoder_layers")?,
                size("decoder_attention_heads")?,
                size("decoder_ffn_dim")?,
                true,
            )?,
            final_logits_bias: vb
                .get((1, target_vocab), "final_logits_bias")
                .or_else(|_| Tensor::zeros((1, target_vocab), DType::F32, &Device::Cpu))?,
            act,
        })
    }

    fn embed(&self, ids: &Tensor, start: usize) -> Result<Tensor> {
        let n = ids.dim(1)?;
        if start + n > self.positions.dim(0)? {
            return Err(candle_core::Error::Msg(
                "the text is longer than this model's positions".into(),
            ));
        }
        let pos = self.positions.narrow(0, start, n)?;
        (self.shared.forward(ids)? * self.embed_scale)?.broadcast_add(&pos)
    }
}

impl Seq2SeqModel for MarianModel {
    fn encode(&mut self, ids: &[u32]) -> Result<Tensor> {
        let ids = Tensor::new(ids, &Device::Cpu)?.unsqueeze(0)?;
        let mut x = self.embed(&ids, 0)?;
        for l in self.encoder.iter_mut() {
            x = l.forward(&x, None, self.act, false)?;
        }
        Ok(x)
    }

    fn reset(&mut self) {
        for l in self.decoder.iter_mut() {
            l.self_attn.cache = None;
            if let Some((c, _)) = l.cross.as_mut() {
                c.cache = None;
            }
        }
    }

    fn step(&mut self, tokens: &[u32], pos: usize, enc: &Tensor) -> Result<Tensor> {
        let ids = Tensor::new(tokens, &Device::Cpu)?.unsqueeze(1)?;
        let mut x = self.embed(&ids, pos)?;
        for l in self.decoder.iter_mut() {
            x = l.forward(&x, Some(enc), self.act, true)?;
        }
        let h = x.squeeze(1)?;
        h.matmul(&self.shared.embeddings().t()?)?
            .broadcast_add(&self.final_logits_bias)
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
