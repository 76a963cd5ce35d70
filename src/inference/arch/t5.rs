//! The T5 encoder–decoder (T5ForConditionalGeneration weights as transformers saves them) for
//! seq2seq generation. candle_transformers has a T5, but its decoder uses the encoder's
//! bidirectional position buckets (transformers' decoder is unidirectional, so outputs drift after
//! eight tokens) and its cache can't follow beams; so it is here, with the same weight names.

use candle_core::{DType, Device, Module, Result, Tensor, D};
use candle_nn::{embedding, linear_no_bias, Activation, Embedding, Linear, VarBuilder};
use serde_json::Value;

use crate::inference::decode::beam_search::Seq2SeqModel;

/// T5's RMS layer norm: no mean, no bias.
struct RmsNorm {
    weight: Tensor,
    eps: f64,
}

impl RmsNorm {
    fn load(d: usize, eps: f64, vb: VarBuilder) -> Result<RmsNorm> {
        Ok(RmsNorm {
            weight: vb.get(d, "weight")?,
            eps,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let var = x.sqr()?.mean_keepdim(D::Minus1)?;
        x.broadcast_div(&(var + self.eps)?.sqrt()?)?
            .broadcast_mul(&self.weight)
    }
}

struct Attention {
    q: Linear,
    k: Linear,
    v: Linear,
    o: Linear,
    heads: usize,
    d_kv: usize,
    /// Self-attention keys/values so far (decoder), or the encoder's (cross-attention).
    cache: Option<(Tensor, Tensor)>,
}

impl Attention {
    fn load(cfg: &T5Config, vb: VarBuilder) -> Result<Attention> {
        let inner = cfg.heads * cfg.d_kv;
        Ok(Attention {
            q: linear_no_bias(cfg.d_model, inner, vb.pp("q"))?,
            k: linear_no_bias(cfg.d_model, inner, vb.pp("k"))?,
            v: linear_no_bias(cfg.d_model, inner, vb.pp("v"))?,
            o: linear_no_bias(inner, cfg.d_model, vb.pp("o"))?,
            heads: cfg.heads,
            d_kv: cfg.d_kv,
            cache: None,
        })
    }

    fn split(&self, x: &Tensor) -> Result<Tensor> {
        let (b, n, _) = x.dims3()?;
        x.reshape((b, n, self.heads, self.d_kv))?
            .transpose(1, 2)?
            .contiguous()
    }

    /// `kv`: the encoder output for cross-attention (keys cached after the first call); `None`
    /// for self-attention, which appends to the cache when `cached`. T5 doesn't scale scores.
    fn forward(
        &mut self,
        x: &Tensor,
        kv: Option<&Tensor>,
        bias: Option<&Tensor>,
        cached: bool,
    ) -> Result<Tensor> {
        let (b, n, _) = x.dims3()?;
        let q = self.split(&self.q.forward(x)?)?;
        let (k, v) = match (kv, &self.cache) {
            (Some(_), Some((k, v))) => (k.clone(), v.clone()),
            (Some(enc), None) => {
                let kv = (
                    self.split(&self.k.forward(enc)?)?,
                    self.split(&self.v.forward(enc)?)?,
                );
                self.cache = Some(kv.clone());
                kv
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
        let mut scores = q.matmul(&k.t()?)?;
        if let Some(bias) = bias {
            scores = scores.broadcast_add(bias)?;
        }
        let w = candle_nn::ops::softmax_last_dim(&scores)?;
        let ctx = w
            .matmul(&v)?
            .transpose(1, 2)?
            .reshape((b, n, self.heads * self.d_kv))?;
        self.o.forward(&ctx)
    }
}

enum FeedForward {
    Dense {
        wi: Linear,
        wo: Linear,
        act: Activation,
    },
    Gated {
        wi0: Linear,
        wi1: Linear,
        wo: Linear,
        act: Activation,
    },
}

impl FeedForward {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        match self {
            FeedForward::Dense { wi, wo, act } => wo.forward(&act.forward(&wi.forward(x)?)?),
            FeedForward::Gated { wi0, wi1, wo, act } => {
                wo.forward(&(act.forward(&wi0.forward(x)?)? * wi1.forward(x)?)?)
            }
        }
    }
}

struct Block {
    self_norm: RmsNorm,
    self_attn: Attention,
    /// Decoder blocks only.
    cross: Option<(RmsNorm, Attention)>,
    ff_norm: RmsNorm,
    ff: FeedForward,
}

struct T5Config {
    d_model: usize,
    d_kv: usize,
    d_ff: usize,
    heads: usize,
    buckets: usize,
    max_distance: usize,
    eps: f64,
    gated: bool,
    act: Activation,
}

/// A T5ForConditionalGeneration checkpoint.
pub struct T5Model {
    shared: Embedding,
    encoder: Vec<Block>,
    enc_bias: Embedding,
    enc_norm: RmsNorm,
    decoder: Vec<Block>,
    dec_bias: Embedding,
    dec_norm: RmsNorm,
    /// `None`: tied to the shared embeddings.
    lm_head: Option<Linear>,
    scale: f64,
    cfg: T5Config,
}

fn size(config: &Value, key: &str) -> Result<usize> {
    config[key]
        .as_u64()
        .map(|n| n as usize)
        .ok_or_else(|| candle_core::Error::Msg(format!("config.json of a T5 model needs {key}")))
}

impl T5Model {
    pub fn load(vb: VarBuilder, config: &Value) -> Result<T5Model> {
        let proj = config["feed_forward_proj"].as_str().unwrap_or("relu");
        let gated = config["is_gated_act"]
            .as_bool()
            .unwrap_or(proj.starts_with("gated-"));
        let act_name = config["dense_act_fn"]
            .as_str()
            .unwrap_or(proj.trim_start_matches("gated-"));
        let act = match act_name {
            "relu" => Activation::Relu,
            // "gated-gelu" (flan-t5) means gelu_new, the tanh approximation.
            "gelu_new" | "gelu_pytorch_tanh" => Activation::NewGelu,
            "gelu" if proj == "gated-gelu" => Activation::NewGelu,
            "gelu" => Activation::Gelu,
            "silu" | "swish" => Activation::Silu,
            other => {
                return Err(candle_core::Error::Msg(format!(
                    "T5 activation {other} isn't supported"
                )))
            }
        };
        let cfg = T5Config {
            d_model: size(config, "d_model")?,
            d_kv: size(config, "d_kv")?,
            d_ff: size(config, "d_ff")?,
            heads: size(config, "num_heads")?,
            buckets: size(config, "relative_attention_num_buckets").unwrap_or(32),
            max_distance: size(config, "relative_attention_max_distance").unwrap_or(128),
            eps: config["layer_norm_epsilon"].as_f64().unwrap_or(1e-6),
            gated,
            act,
        };
        let vocab = size(config, "vocab_size")?;
        let layers = size(config, "num_layers")?;
        let dec_layers = size(config, "num_decoder_layers").unwrap_or(layers);
        let tied = config["tie_word_embeddings"].as_bool().unwrap_or(true);
        let scaled = config["scale_decoder_outputs"].as_bool().unwrap_or(tied);
        let shared = embedding(vocab, cfg.d_model, vb.pp("shared"))?;
        let stack = |name: &str, n: usize, decoder: bool| -> Result<Vec<Block>> {
            (0..n)
                .map(|i| load_block(&cfg, vb.pp(format!("{name}.block.{i}.layer")), decoder))
                .collect()
        };
        let bias = |name: &str| {
            let at = format!("{name}.block.0.layer.0.SelfAttention.relative_attention_bias");
            embedding(cfg.buckets, cfg.heads, vb.pp(at))
        };
        // flan-t5 has its own lm_head; transformers 5 always ties when the file has none, and
        // then rescales only if the config says so (`scale_decoder_outputs`).
        let lm_head = if vb.contains_tensor("lm_head.weight") || !tied {
            Some(linear_no_bias(cfg.d_model, vocab, vb.pp("lm_head"))?)
        } else {
            None
        };
        Ok(T5Model {
            encoder: stack("encoder", layers, false)?,
            enc_bias: bias("encoder")?,
            enc_norm: RmsNorm::load(cfg.d_model, cfg.eps, vb.pp("encoder.final_layer_norm"))?,
            decoder: stack("decoder", dec_layers, true)?,
            dec_bias: bias("decoder")?,
            dec_norm: RmsNorm::load(cfg.d_model, cfg.eps, vb.pp("decoder.final_layer_norm"))?,
            shared,
            lm_head,
            scale: if scaled {
                (cfg.d_model as f64).powf(-0.5)
            } else {
                1.0
            },
            cfg,
        })
    }

    /// The relative position bias (1, heads, queries, keys) for queries at `q_pos..`.
    fn position_bias(
        &self,
        q: std::ops::Range<usize>,
        keys: usize,
        decoder: bool,
    ) -> Result<Tensor> {
        let n = q.len();
        let buckets: Vec<u32> = q
            .flat_map(|i| {
                (0..keys).map(move |j| {
                    bucket(
                        j as i64 - i as i64,
                        !decoder,
                        self.cfg.buckets,
                        self.cfg.max_distance,
                    )
                })
            })
            .collect();
        let ids = Tensor::from_vec(buckets, (n, keys), &Device::Cpu)?;
        let table = if decoder {
            &self.dec_bias
        } else {
            &self.enc_bias
        };
        table.forward(&ids)?.permute((2, 0, 1))?.unsqueeze(0)
    }
}

fn load_block(cfg: &T5Config, vb: VarBuilder, decoder: bool) -> Result<Block> {
    let ff_vb = vb.pp(if decoder { "2" } else { "1" });
    let dense = ff_vb.pp("DenseReluDense");
    let ff = if cfg.gated {
        FeedForward::Gated {
            wi0: linear_no_bias(cfg.d_model, cfg.d_ff, dense.pp("wi_0"))?,
            wi1: linear_no_bias(cfg.d_model, cfg.d_ff, dense.pp("wi_1"))?,
            wo: linear_no_bias(cfg.d_ff, cfg.d_model, dense.pp("wo"))?,
            act: cfg.act,
        }
    } else {
        FeedForward::Dense {
            wi: linear_no_bias(cfg.d_model, cfg.d_ff, dense.pp("wi"))?,
            wo: linear_no_bias(cfg.d_ff, cfg.d_model, dense.pp("wo"))?,
            act: cfg.act,
        }
    };
    let cross = if decoder {
        let c = vb.pp("1");
        Some((
            RmsNorm::load(cfg.d_model, cfg.eps, c.pp("layer_norm"))?,
            Attention::load(cfg, c.pp("EncDecAttention"))?,
        ))
    } else {
        None
    };
    Ok(Block {
        self_norm: RmsNorm::load(cfg.d_model, cfg.eps, vb.pp("0.layer_norm"))?,
        self_attn: Attention::load(cfg, vb.pp("0.SelfAttention"))?,
        cross,
        ff_norm: RmsNorm::load(cfg.d_model, cfg.eps, ff_vb.pp("layer_norm"))?,
        ff,
    })
}

/// transformers' `_relative_position_bucket` for `rel` = key position − query position.
fn bucket(rel: i64, bidirectional: bool, buckets: usize, max_distance: usize) -> u32 {
    let mut num = buckets as i64;
    let mut out = 0i64;
    let rel = if bidirectional {
        num /= 2;
        if rel > 0 {
            out += num;
        }
        rel.abs()
    } else {
        (-rel).max(0)
    };
    let max_exact = num / 2;
    if rel < max_exact {
        return (out + rel) as u32;
    }
    let scale = ((max_distance as f64) / (max_exact as f64)).ln() as f32;
    let large = ((rel as f32 / max_exact as f32).ln() / scale * (num - max_exact) as f32) as i64;
    (out + (max_exact + large).min(num - 1)) as u32
}

impl Seq2SeqModel for T5Model {
    fn encode(&mut self, ids: &[u32]) -> Result<Tensor> {
        let ids = Tensor::new(ids, &Device::Cpu)?.unsqueeze(0)?;
        let n = ids.dim(1)?;
        let bias = self.position_bias(0..n, n, false)?;
        let mut x = self.shared.forward(&ids)?;
        for b in self.encoder.iter_mut() {
            let a = b
                .self_attn
                .forward(&b.self_norm.forward(&x)?, None, Some(&bias), false)?;
            x = (x + a)?;
            x = (&x + b.ff.forward(&b.ff_norm.forward(&x)?)?)?;
        }
        self.enc_norm.forward(&x)
    }

    fn reset(&mut self) {
        for b in self.decoder.iter_mut() {
            b.self_attn.cache = None;
            if let Some((_, c)) = b.cross.as_mut() {
                c.cache = None;
            }
        }
    }

    fn step(&mut self, tokens: &[u32], pos: usize, enc: &Tensor) -> Result<Tensor> {
        let ids = Tensor::new(tokens, &Device::Cpu)?.unsqueeze(1)?;
        let bias = self.position_bias(pos..pos + 1, pos + 1, true)?;
        let mut x = self.shared.forward(&ids)?;
        for b in self.decoder.iter_mut() {
            let a = b
                .self_attn
                .forward(&b.self_norm.forward(&x)?, None, Some(&bias), true)?;
            x = (x + a)?;
            if let Some((norm, attn)) = b.cross.as_mut() {
                x = (&x + attn.forward(&norm.forward(&x)?, Some(enc), None, false)?)?;
            }
            x = (&x + b.ff.forward(&b.ff_norm.forward(&x)?)?)?;
        }
        let h = (self.dec_norm.forward(&x)?.squeeze(1)? * self.scale)?;
        let logits = match &self.lm_head {
            Some(head) => head.forward(&h)?,
            None => h.matmul(&self.shared.embeddings().t()?)?,
        };
        logits.to_dtype(DType::F32)
    }

    fn reorder(&mut self, beams: &Tensor) -> Result<()> {
        for b in self.decoder.iter_mut() {
            if let Some((k, v)) = b.self_attn.cache.take() {
                b.self_attn.cache = Some((k.index_select(beams, 0)?, v.index_select(beams, 0)?));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::bucket;

    #[test]
    fn buckets_follow_transformers() {
        // Values from transformers' T5Attention._relative_position_bucket (32 buckets, 128).
        assert_eq!(bucket(0, true, 32, 128), 0);
        assert_eq!(bucket(3, true, 32, 128), 19);
        assert_eq!(bucket(-3, true, 32, 128), 3);
        assert_eq!(bucket(-20, true, 32, 128), 10);
        assert_eq!(bucket(-10, false, 32, 128), 10);
        assert_eq!(bucket(-20, false, 32, 128), 17);
        assert_eq!(bucket(5, false, 32, 128), 0);
        assert_eq!(bucket(-500, false, 32, 128), 31);
    }
}
