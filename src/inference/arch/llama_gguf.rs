//! Our own forward pass of a llama-family GGUF model (SmolLM2), on weights kept as the file stores
//! them (`q4_1_kernel`: Q4_1/Q8_0 blocks, f32 activations), with a plain f32 KV cache — the same
//! arithmetic as candle's quantized_llama on dequantised weights, step for step, minus the tensor
//! overhead. `LlamaModel` is what generation holds: this model, or candle's for the other formats.

use std::io::{Read, Seek};

use candle_core::quantized::{gguf_file, GgmlDType};
use candle_core::{Device, Tensor};
use candle_transformers::models::quantized_llama::{ModelWeights, MAX_SEQ_LEN};
use rayon::prelude::*;

use crate::inference::quant::q4_1_kernel::{dot, BlockKind, Matrix, MatrixError};

/// Why a GGUF file can't be read into, or run by, our llama forward pass.
#[derive(Debug, thiserror::Error)]
pub enum LlamaGgufError {
    #[error("the GGUF has no {0}")]
    MissingMetadata(&'static str),
    #[error("{n_head} heads / {n_kv} kv heads don't fit")]
    Heads { n_head: usize, n_kv: usize },
    #[error("{name}: {source}")]
    Tensor {
        name: String,
        #[source]
        source: candle_core::Error,
    },
    #[error(transparent)]
    Matrix(#[from] MatrixError),
    #[error("the weights' shapes don't fit the model's metadata")]
    Shapes,
    #[error("no tokens to run")]
    NoTokens,
    #[error("position {pos} is past the {cached} cached")]
    PastCache { pos: usize, cached: usize },
    #[error("the model reads at most {0} tokens")]
    TooLong(usize),
    #[error("token id {0} is outside the vocabulary")]
    UnknownToken(u32),
}

/// A loaded llama-family model: candle's quantized_llama, or ours.
#[allow(clippy::large_enum_variant)] // one per loaded model
pub enum LlamaModel {
    Candle(ModelWeights),
    Native(Box<NativeLlama>),
    /// A safetensors model (`causal_lm`: llama-family, GPT-2).
    Safetensors(Box<dyn crate::inference::arch::causal_lm::CausalLm>),
}

impl LlamaModel {
    /// Logits (1 × vocab) of the last of `x`'s tokens (1 × n), which sit at `index_pos..`.
    pub fn forward(&mut self, x: &Tensor, index_pos: usize) -> candle_core::Result<Tensor> {
        match self {
            LlamaModel::Candle(m) => m.forward(x, index_pos),
            LlamaModel::Native(m) => {
                let ids = x.flatten_all()?.to_vec1::<u32>()?;
                let logits = m
                    .forward(&ids, index_pos)
                    .map_err(candle_core::Error::wrap)?;
                let n = logits.len();
                Tensor::from_vec(logits, (1, n), x.device())
            }
            LlamaModel::Safetensors(m) => m.forward(x, index_pos),
        }
    }

    pub fn clear_kv_cache(&mut self) {
        match self {
            LlamaModel::Candle(m) => m.clear_kv_cache(),
            LlamaModel::Native(m) => m.clear_kv_cache(),
            LlamaModel::Safetensors(m) => m.clear_kv_cache(),
        }
    }
}

struct Layer {
    attn_norm: Vec<f32>,
    /// q, k and v stacked: one product for all three.
    qkv: Matrix,
    wo: Matrix,
    ffn_norm: Vec<f32>,
    /// gate and up stacked.
    gate_up: Matrix,
    down: Matrix,
    /// Cached keys and values, one row of n_kv·head_dim per position.
    k: Vec<f32>,
    v: Vec<f32>,
}

/// A llama model on stored GGUF blocks.
pub struct NativeLlama {
    embd: Matrix,
    /// None: the output layer is the embedding matrix (tied).
    output: Option<Matrix>,
    norm: Vec<f32>,
    layers: Vec<Layer>,
    dim: usize,
    n_head: usize,
    n_kv: usize,
    head_dim: usize,
    ff: usize,
    eps: f32,
    /// cos/sin of position × frequency, `head_dim / 2` per position.
    cos: Vec<f32>,
    sin: Vec<f32>,
    max_pos: usize,
    /// Positions held in the KV cache.
    len: usize,
}

fn md_u32(ct: &gguf_file::Content, key: &'static str) -> Result<usize, LlamaGgufError> {
    ct.metadata
        .get(key)
        .and_then(|v| v.to_u32().ok())
        .map(|v| v as usize)
        .ok_or(LlamaGgufError::MissingMetadata(key))
}

impl NativeLlama {
    /// Whether this forward pass can run the file (a plain llama: no experts, full-width rope).
    pub fn supports(ct: &gguf_file::Content) -> bool {
        let arch = ct.metadata.get("general.architecture");
        let arch_ok = arch.and_then(|v| v.to_string().ok()).map(String::as_str) == Some("llama");
        let experts = md_u32(ct, "llama.expert_count").unwrap_or(0);
        let heads = md_u32(ct, "llama.attention.head_count").unwrap_or(0);
        let dim = md_u32(ct, "llama.embedding_length").unwrap_or(0);
        let rope = md_u32(ct, "llama.rope.dimension_count").unwrap_or(0);
        arch_ok && experts <= 1 && heads > 0 && dim.is_multiple_of(heads) && rope == dim / heads
    }

    /// Reads the weights (`supports(ct)` must hold).
    pub fn from_gguf<R: Read + Seek>(
        ct: &gguf_file::Content,
        reader: &mut R,
    ) -> Result<NativeLlama, LlamaGgufError> {
        let n_head = md_u32(ct, "llama.attention.head_count")?;
        let n_kv = md_u32(ct, "llama.attention.head_count_kv")?;
        let dim = md_u32(ct, "llama.embedding_length")?;
        let blocks = md_u32(ct, "llama.block_count")?;
        let eps = ct
            .metadata
            .get("llama.attention.layer_norm_rms_epsilon")
            .and_then(|v| v.to_f32().ok())
            .ok_or(LlamaGgufError::MissingMetadata("rms epsilon"))?;
        let base = ct
            .metadata
            .get("llama.rope.freq_base")
            .and_then(|v| v.to_f32().ok())
            .unwrap_or(10000.0);
        if n_head == 0 || n_kv == 0 || n_head % n_kv != 0 || dim % n_head != 0 {
            return Err(LlamaGgufError::Heads { n_head, n_kv });
        }
        let head_dim = dim / n_head;
        let max_pos = md_u32(ct, "llama.context_length")
            .unwrap_or(MAX_SEQ_LEN)
            .min(MAX_SEQ_LEN);
        let tensor_error = |name: &str| {
            let name = name.to_string();
            move |source| LlamaGgufError::Tensor { name, source }
        };
        let mut read = |name: &str| {
            ct.tensor(reader, name, &Device::Cpu)
                .map_err(tensor_error(name))
        };
        let mut matrix = |name: &str| -> Result<Matrix, LlamaGgufError> {
            let t = read(name)?;
            let (rows, cols) = t.shape().dims2().map_err(tensor_error(name))?;
            let kind = match t.dtype() {
                GgmlDType::Q4_1 => Some(BlockKind::Q4_1),
                GgmlDType::Q8_0 => Some(BlockKind::Q8_0),
                _ => None,
            };
            let matrix = match kind {
                Some(kind) => {
                    let data = t.data().map_err(tensor_error(name))?.into_owned();
                    Matrix::from_blocks(kind, rows, cols, data)
                }
                None => {
                    let w = t.dequantize(&Device::Cpu).map_err(tensor_error(name))?;
                    Matrix::dense(
                        rows,
                        cols,
                        w.flatten_all()
                            .and_then(|w| w.to_vec1())
                            .map_err(tensor_error(name))?,
                    )
                }
            };
            Ok(matrix?)
        };
        let embd = matrix("token_embd.weight")?;
        let output = if ct.tensor_infos.contains_key("output.weight") {
            Some(matrix("output.weight")?)
        } else {
            None
        };
        let mut layers = Vec::with_capacity(blocks);
        for i in 0..blocks {
            let p = format!("blk.{i}");
            let q = matrix(&format!("{p}.attn_q.weight"))?;
            let k = matrix(&format!("{p}.attn_k.weight"))?;
            let v = matrix(&format!("{p}.attn_v.weight"))?;
            let wo = matrix(&format!("{p}.attn_output.weight"))?;
            let gate = matrix(&format!("{p}.ffn_gate.weight"))?;
            let up = matrix(&format!("{p}.ffn_up.weight"))?;
            let down = matrix(&format!("{p}.ffn_down.weight"))?;
            layers.push(Layer {
                attn_norm: Vec::new(),
                qkv: Matrix::concat_rows(&[q, k, v])?,
                wo,
                ffn_norm: Vec::new(),
                gate_up: Matrix::concat_rows(&[gate, up])?,
                down,
                k: Vec::new(),
                v: Vec::new(),
            });
        }
        let mut vector = |name: &str| -> Result<Vec<f32>, LlamaGgufError> {
            let t = ct
                .tensor(reader, name, &Device::Cpu)
                .and_then(|t| t.dequantize(&Device::Cpu))
                .and_then(|t| t.flatten_all())
                .and_then(|t| t.to_vec1::<f32>());
            t.map_err(tensor_error(name))
        };
        for (i, l) in layers.iter_mut().enumerate() {
            l.attn_norm = vector(&format!("blk.{i}.attn_norm.weight"))?;
            l.ffn_norm = vector(&format!("blk.{i}.ffn_norm.weight"))?;
        }
        let norm = vector("output_norm.weight")?;
        let ff = layers.first().map_or(0, |l| l.down.cols());
        let kvd = n_kv * head_dim;
        let shapes_ok = embd.cols() == dim
            && norm.len() == dim
            && output.as_ref().is_none_or(|o| o.cols() == dim)
            && layers.iter().all(|l| {
                l.qkv.cols() == dim
                    && l.qkv.rows() == dim + 2 * kvd
                    && (l.wo.rows(), l.wo.cols()) == (dim, dim)
                    && (l.gate_up.rows(), l.gate_up.cols()) == (2 * ff, dim)
                    && (l.down.rows(), l.down.cols()) == (dim, ff)
                    && l.attn_norm.len() == dim
                    && l.ffn_norm.len() == dim
            });
        if !shapes_ok {
            return Err(LlamaGgufError::Shapes);
        }
        // Frequencies as candle computes them (f32 powf, position × frequency in f32).
        let half = head_dim / 2;
        let theta: Vec<f32> = (0..head_dim)
            .step_by(2)
            .map(|i| 1f32 / base.powf(i as f32 / head_dim as f32))
            .collect();
        let mut cos = Vec::with_capacity(max_pos * half);
        let mut sin = Vec::with_capacity(max_pos * half);
        for p in 0..max_pos {
            for t in &theta {
                let a = p as f32 * t;
                cos.push(a.cos());
                sin.push(a.sin());
            }
        }
        Ok(NativeLlama {
            embd,
            output,
            norm,
            layers,
            dim,
            n_head,
            n_kv,
            head_dim,
            ff,
            eps,
            cos,
            sin,
            max_pos,
            len: 0,
        })
    }

    /// Bytes of weights held.
    pub fn weight_bytes(&self) -> usize {
        let l: usize = self
            .layers
            .iter()
            .map(|l| l.qkv.bytes() + l.wo.bytes() + l.gate_up.bytes() + l.down.bytes())
            .sum();
        l + self.embd.bytes() + self.output.as_ref().map_or(0, Matrix::bytes)
    }

    pub fn clear_kv_cache(&mut self) {
        for l in &mut self.layers {
            l.k.clear();
            l.v.clear();
        }
        self.len = 0;
    }

    /// Runs `ids` at positions `pos..`, after the `pos` positions already cached (`pos` = 0
    /// starts afresh; a smaller `pos` than cached rewinds). Returns the last token's logits.
    pub fn forward(&mut self, ids: &[u32], pos: usize) -> Result<Vec<f32>, LlamaGgufError> {
        let n = ids.len();
        if n == 0 {
            return Err(LlamaGgufError::NoTokens);
        }
        if pos > self.len {
            return Err(LlamaGgufError::PastCache {
                pos,
                cached: self.len,
            });
        }
        if pos + n > self.max_pos {
            return Err(LlamaGgufError::TooLong(self.max_pos));
        }
        let (d, kvd, ff) = (self.dim, self.n_kv * self.head_dim, self.ff);
        for l in &mut self.layers {
            l.k.truncate(pos * kvd);
            l.v.truncate(pos * kvd);
        }
        let mut h = vec![0f32; n * d];
        for (&id, row) in ids.iter().zip(h.chunks_mut(d)) {
            if id as usize >= self.embd.rows() {
                return Err(LlamaGgufError::UnknownToken(id));
            }
            self.embd.row_f32(id as usize, row);
        }
        let w = d + 2 * kvd;
        let (mut xn, mut qkv, mut att) = (vec![0f32; n * d], vec![0f32; n * w], vec![0f32; n * d]);
        let (mut o, mut gu, mut act) = (
            vec![0f32; n * d],
            vec![0f32; n * 2 * ff],
            vec![0f32; n * ff],
        );
        let geo = Geometry {
            n_head: self.n_head,
            n_kv: self.n_kv,
            head_dim: self.head_dim,
        };
        for l in &mut self.layers {
            rms_norm(&h, &l.attn_norm, self.eps, &mut xn);
            l.qkv.matmul(&xn, n, &mut qkv);
            for (i, row) in qkv.chunks_mut(w).enumerate() {
                let half = self.head_dim / 2;
                let at = (pos + i) * half;
                let (cos, sin) = (&self.cos[at..at + half], &self.sin[at..at + half]);
                for head in row[..d + kvd].chunks_mut(self.head_dim) {
                    rope_interleaved(head, cos, sin);
                }
                l.k.extend_from_slice(&row[d..d + kvd]);
                l.v.extend_from_slice(&row[d + kvd..]);
            }
            attention(&geo, &qkv, pos, &l.k, &l.v, &mut att);
            l.wo.matmul(&att, n, &mut o);
            h.iter_mut().zip(&o).for_each(|(h, o)| *h += *o);
            rms_norm(&h, &l.ffn_norm, self.eps, &mut xn);
            l.gate_up.matmul(&xn, n, &mut gu);
            for (a, g) in act.chunks_mut(ff).zip(gu.chunks(2 * ff)) {
                for ((a, &gate), &up) in a.iter_mut().zip(&g[..ff]).zip(&g[ff..]) {
                    *a = gate / (1.0 + (-gate).exp()) * up;
                }
            }
            l.down.matmul(&act, n, &mut o);
            h.iter_mut().zip(&o).for_each(|(h, o)| *h += *o);
        }
        self.len = pos + n;
        let mut last = vec![0f32; d];
        rms_norm(&h[(n - 1) * d..], &self.norm, self.eps, &mut last);
        let out = self.output.as_ref().unwrap_or(&self.embd);
        let mut logits = vec![0f32; out.rows()];
        out.matvec(&last, &mut logits);
        Ok(logits)
    }
}

/// x / sqrt(mean(x²) + eps) · alpha, row by row (candle's order of operations).
fn rms_norm(x: &[f32], alpha: &[f32], eps: f32, out: &mut [f32]) {
    let n = alpha.len();
    for (x, out) in x.chunks(n).zip(out.chunks_mut(n)) {
        let sum2 = x.iter().map(|v| v * v).sum::<f32>();
        let m = (sum2 / n as f32 + eps).sqrt();
        for ((o, &v), &a) in out.iter_mut().zip(x).zip(alpha) {
            *o = v / m * a;
        }
    }
}

/// Rotary embedding on pairs (2i, 2i+1), as GGUF llama weights expect.
fn rope_interleaved(x: &mut [f32], cos: &[f32], sin: &[f32]) {
    for ((p, &c), &s) in x.chunks_exact_mut(2).zip(cos).zip(sin) {
        let (a, b) = (p[0], p[1]);
        p[0] = a * c - b * s;
        p[1] = a * s + b * c;
    }
}

struct Geometry {
    n_head: usize,
    n_kv: usize,
    head_dim: usize,
}

/// Causal attention of the n query rows in `qkv` (at positions `pos..pos + n`) over the cache.
fn attention(g: &Geometry, qkv: &[f32], pos: usize, k: &[f32], v: &[f32], out: &mut [f32]) {
    let (hd, kvd) = (g.head_dim, g.n_kv * g.head_dim);
    let d = g.n_head * hd;
    let w = d + 2 * kvd;
    let group = g.n_head / g.n_kv;
    let scale = (1.0 / (hd as f64).sqrt()) as f32;
    let one = |(c, o): (usize, &mut [f32])| {
        let (i, head) = (c / g.n_head, c % g.n_head);
        let q = &qkv[i * w + head * hd..i * w + (head + 1) * hd];
        let kv_off = (head / group) * hd;
        let seen = pos + i + 1;
        let mut s: Vec<f32> = (0..seen)
            .map(|t| dot(q, &k[t * kvd + kv_off..t * kvd + kv_off + hd]) * scale)
            .collect();
        let max = s.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0f32;
        for x in s.iter_mut() {
            *x = (*x - max).exp();
            sum += *x;
        }
        o.fill(0.0);
        for (t, p) in s.iter().enumerate() {
            let p = p / sum;
            let vr = &v[t * kvd + kv_off..t * kvd + kv_off + hd];
            o.iter_mut().zip(vr).for_each(|(o, v)| *o += p * v);
        }
    };
    let n = out.len() / d;
    if (pos + n) * n * g.n_head * hd > 1 << 16 {
        out.par_chunks_mut(hd).enumerate().for_each(one);
    } else {
        out.chunks_mut(hd).enumerate().for_each(one);
    }
}
