//! The DistilBERT encoder for one unpadded sequence. candle_transformers has one, but its GELU is
//! the tanh approximation where transformers uses the exact (erf) GELU that DistilBERT was
//! trained with; scores then drift by ~1e-4, past what the parity tests allow. So it is here,
//! short, with the same weight names.

use candle_core::{Module, Result, Tensor, D};
use candle_nn::{
    embedding, layer_norm, linear, Activation, Embedding, LayerNorm, Linear, VarBuilder,
};

/// DistilBERT's layer norms use this epsilon (its config doesn't say).
pub const EPS: f64 = 1e-12;

struct Layer {
    q: Linear,
    k: Linear,
    v: Linear,
    out: Linear,
    sa_norm: LayerNorm,
    lin1: Linear,
    lin2: Linear,
    out_norm: LayerNorm,
}

pub struct DistilBert {
    words: Embedding,
    positions: Embedding,
    norm: LayerNorm,
    layers: Vec<Layer>,
    heads: usize,
    act: Activation,
}

impl DistilBert {
    /// Loads from `vb` (the `distilbert.` part of the weights) with the sizes in the config.
    #[allow(clippy::too_many_arguments)]
    pub fn load(
        vb: VarBuilder,
        vocab: usize,
        dim: usize,
        hidden_dim: usize,
        n_layers: usize,
        heads: usize,
        positions: usize,
        act: Activation,
    ) -> Result<DistilBert> {
        let e = vb.pp("embeddings");
        let mut layers = Vec::with_capacity(n_layers);
        for i in 0..n_layers {
            let l = vb.pp(format!("transformer.layer.{i}"));
            let a = l.pp("attention");
            layers.push(Layer {
                q: linear(dim, dim, a.pp("q_lin"))?,
                k: linear(dim, dim, a.pp("k_lin"))?,
                v: linear(dim, dim, a.pp("v_lin"))?,
                out: linear(dim, dim, a.pp("out_lin"))?,
                sa_norm: layer_norm(dim, EPS, l.pp("sa_layer_norm"))?,
                lin1: linear(dim, hidden_dim, l.pp("ffn.lin1"))?,
                lin2: linear(hidden_dim, dim, l.pp("ffn.lin2"))?,
                out_norm: layer_norm(dim, EPS, l.pp("output_layer_norm"))?,
            });
        }
        Ok(DistilBert {
            words: embedding(vocab, dim, e.pp("word_embeddings"))?,
            positions: embedding(positions, dim, e.pp("position_embeddings"))?,
            norm: layer_norm(dim, EPS, e.pp("LayerNorm"))?,
            layers,
            heads: heads.max(1),
            act,
        })
    }

    /// The last hidden states of `ids` (1, tokens): (tokens, dim).
    pub fn forward(&self, ids: &Tensor) -> Result<Tensor> {
        let len = ids.dim(1)?;
        let pos = Tensor::arange(0u32, len as u32, ids.device())?.unsqueeze(0)?;
        let x = (self.words.forward(ids)? + self.positions.forward(&pos)?)?;
        let mut x = self.norm.forward(&x)?.squeeze(0)?;
        for l in &self.layers {
            let a = self.attention(l, &x)?;
            x = l.sa_norm.forward(&(a + &x)?)?;
            let f = l.lin2.forward(&self.act.forward(&l.lin1.forward(&x)?)?)?;
            x = l.out_norm.forward(&(f + &x)?)?;
        }
        Ok(x)
    }

    fn attention(&self, l: &Layer, x: &Tensor) -> Result<Tensor> {
        let (len, dim) = x.dims2()?;
        let hd = dim / self.heads;
        let split = |t: Tensor| {
            t.reshape((len, self.heads, hd))?
                .transpose(0, 1)?
                .contiguous()
        };
        let q = (split(l.q.forward(x)?)? / (hd as f64).sqrt())?;
        let k = split(l.k.forward(x)?)?;
        let v = split(l.v.forward(x)?)?;
        let w = candle_nn::ops::softmax(&q.matmul(&k.t()?)?, D::Minus1)?;
        let ctx = w.matmul(&v)?.transpose(0, 1)?.reshape((len, dim))?;
        l.out.forward(&ctx)
    }
}
