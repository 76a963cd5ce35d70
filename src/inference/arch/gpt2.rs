//! GPT-2 (GPT2LMHeadModel) from safetensors, with a KV cache (our own: candle_transformers has no
//! GPT-2 language model; checked against transformers by tests/parity/causal_lm.rs): learned position embeddings,
//! pre-norm blocks, Conv1D weights stored [in, out] (so `x · W + b`), the tanh GELU (`gelu_new`),
//! and the output layer tied to the token embeddings (`wte`), as transformers runs it.

use candle_core::{DType, Device, Tensor};
use candle_nn::{layer_norm, Embedding, LayerNorm, Module, VarBuilder};
use serde_json::Value;

use crate::inference::arch::causal_lm::CausalLm;

fn err(m: impl std::fmt::Display) -> candle_core::Error {
    candle_core::Error::msg(m.to_string())
}

/// transformers' Conv1D: weight [in, out], bias [out].
struct Conv1D {
    weight: Tensor,
    bias: Tensor,
}

impl Conv1D {
    fn load(vb: VarBuilder, n_in: usize, n_out: usize) -> candle_core::Result<Conv1D> {
        Ok(Conv1D {
            weight: vb.get((n_in, n_out), "weight")?,
            bias: vb.get(n_out, "bias")?,
        })
    }

    /// x: (n, in) → (n, out).
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        x.matmul(&self.weight)?.broadcast_add(&self.bias)
    }
}

struct Block {
    ln_1: LayerNorm,
    c_attn: Conv1D,
    attn_proj: Conv1D,
    ln_2: LayerNorm,
    c_fc: Conv1D,
    mlp_proj: Conv1D,
    /// Cached keys and values: (heads, positions, head_dim).
    cache: Option<(Tensor, Tensor)>,
}

pub struct Gpt2 {
    wte: Embedding,
    wpe: Embedding,
    blocks: Vec<Block>,
    ln_f: LayerNorm,
    n_head: usize,
    n_embd: usize,
    n_positions: usize,
    /// `gelu_new` (tanh) or exact `gelu`.
    tanh_gelu: bool,
}

fn usize_of(config: &Value, key: &str) -> candle_core::Result<usize> {
    config[key]
        .as_u64()
        .map(|n| n as usize)
        .ok_or_else(|| err(format!("config.json has no {key}")))
}

impl Gpt2 {
    /// Loads the weights `vb` holds (with or without the `transformer.` prefix), shaped as
    /// `config` (config.json) says.
    pub fn load(vb: VarBuilder, config: &Value) -> candle_core::Result<Gpt2> {
        let n_embd = usize_of(config, "n_embd")?;
        let n_head = usize_of(config, "n_head")?;
        let n_layer = usize_of(config, "n_layer")?;
        let vocab = usize_of(config, "vocab_size")?;
        let n_positions = usize_of(config, "n_positions")?;
        let n_inner = config["n_inner"]
            .as_u64()
            .map_or(4 * n_embd, |n| n as usize);
        let eps = config["layer_norm_epsilon"].as_f64().unwrap_or(1e-5);
        if n_head == 0 || !n_embd.is_multiple_of(n_head) {
            return Err(err(format!("{n_head} heads don't divide {n_embd}")));
        }
        let tanh_gelu = match config["activation_function"].as_str().unwrap_or("gelu_new") {
            "gelu_new" | "gelu_pytorch_tanh" | "gelu_fast" => true,
            "gelu" => false,
            other => return Err(err(format!("activation {other:?} is not supported"))),
        };
        for key in ["scale_attn_by_inverse_layer_idx", "add_cross_attention"] {
            if config[key].as_bool() == Some(true) {
                return Err(err(format!("{key} is not supported")));
            }
        }
        if config["tie_word_embeddings"].as_bool() == Some(false) {
            return Err(err("an lm_head not tied to wte is not supported"));
        }
        let vb = if vb.contains_tensor("transformer.wte.weight") {
            vb.pp("transformer")
        } else {
            vb
        };
        let wte = candle_nn::embedding(vocab, n_embd, vb.pp("wte"))?;
        let wpe = candle_nn::embedding(n_positions, n_embd, vb.pp("wpe"))?;
        let blocks = (0..n_layer)
            .map(|i| {
                let b = vb.pp(format!("h.{i}"));
                Ok(Block {
                    ln_1: layer_norm(n_embd, eps, b.pp("ln_1"))?,
                    c_attn: Conv1D::load(b.pp("attn.c_attn"), n_embd, 3 * n_embd)?,
                    attn_proj: Conv1D::load(b.pp("attn.c_proj"), n_embd, n_embd)?,
                    ln_2: layer_norm(n_embd, eps, b.pp("ln_2"))?,
                    c_fc: Conv1D::load(b.pp("mlp.c_fc"), n_embd, n_inner)?,
                    mlp_proj: Conv1D::load(b.pp("mlp.c_proj"), n_inner, n_embd)?,
                    cache: None,
                })
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        let ln_f = layer_norm(n_embd, eps, vb.pp("ln_f"))?;
        Ok(Gpt2 {
            wte,
            wpe,
            blocks,
            ln_f,
            n_head,
            n_embd,
            n_positions,
            tanh_gelu,
        })
    }

    /// Positions the model reads (prompt + generated).
    pub fn context(&self) -> usize {
        self.n_positions
    }

    fn attention(
        &self,
        block: &mut Block,
        x: &Tensor,
        index_pos: usize,
    ) -> candle_core::Result<Tensor> {
        let (n, _) = x.dims2()?;
        let hd = self.n_embd / self.n_head;
        let qkv = block.c_attn.forward(x)?;
        let heads = |i: usize| -> candle_core::Result<Tensor> {
            qkv.narrow(1, i * self.n_embd, self.n_embd)?
                .reshape((n, self.n_head, hd))?
                .transpose(0, 1)?
                .contiguous()
        };
        let (q, mut k, mut v) = (heads(0)?, heads(1)?, heads(2)?);
        if let Some((ck, cv)) = &block.cache {
            k = Tensor::cat(&[ck, &k], 1)?;
            v = Tensor::cat(&[cv, &v], 1)?;
        }
        block.cache = Some((k.clone(), v.clone()));
        let total = index_pos + n;
        let scores = (q.matmul(&k.t()?)? / (hd as f64).sqrt())?;
        let scores = if n > 1 {
            // Query i (at index_pos + i) sees keys 0..=index_pos + i.
            let mask: Vec<f32> = (0..n)
                .flat_map(|i| {
                    (0..total).map(move |j| {
                        if j > index_pos + i {
                            f32::NEG_INFINITY
                        } else {
                            0.0
                        }
                    })
                })
                .collect();
            let mask = Tensor::from_vec(mask, (1, n, total), x.device())?;
            scores.broadcast_add(&mask)?
        } else {
            scores
        };
        let probs = candle_nn::ops::softmax_last_dim(&scores)?;
        let y = probs
            .matmul(&v)?
            .transpose(0, 1)?
            .reshape((n, self.n_embd))?;
        block.attn_proj.forward(&y)
    }
}

impl CausalLm for Gpt2 {
    fn forward(&mut self, ids: &Tensor, index_pos: usize) -> candle_core::Result<Tensor> {
        let ids = ids.flatten_all()?;
        let n = ids.dim(0)?;
        if n == 0 || index_pos + n > self.n_positions {
            return Err(err(format!(
                "GPT-2 reads at most {} tokens",
                self.n_positions
            )));
        }
        let pos = Tensor::arange(index_pos as u32, (index_pos + n) as u32, &Device::Cpu)?
            .to_device(ids.device())?;
        let mut x = self.wte.forward(&ids)?.add(&self.wpe.forward(&pos)?)?;
        let mut blocks = std::mem::take(&mut self.blocks);
        let mut result = Ok(());
        for block in blocks.iter_mut() {
            let step = (|| -> candle_core::Result<Tensor> {
                let a = self.attention(block, &block.ln_1.forward(&x)?, index_pos)?;
                let x1 = (&x + a)?;
                let h = block.c_fc.forward(&block.ln_2.forward(&x1)?)?;
                let h = if self.tanh_gelu {
                    h.gelu()?
                } else {
                    h.gelu_erf()?
                };
                &x1 + block.mlp_proj.forward(&h)?
            })();
            match step {
                Ok(next) => x = next,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.blocks = blocks;
        result?;
        let last = self.ln_f.forward(&x.narrow(0, n - 1, 1)?)?;
        last.matmul(&self.wte.embeddings().t()?)?
            .to_dtype(DType::F32)
    }

    fn clear_kv_cache(&mut self) {
        for b in &mut self.blocks {
            b.cache = None;
        }
    }
}
