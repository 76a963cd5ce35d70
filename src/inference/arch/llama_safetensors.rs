//! A llama-family model (LlamaForCausalLM: SmolLM2 …) from safetensors, run by candle's
//! `models::llama` with its KV cache. candle's loader ties `lm_head` to the embeddings when the
//! config says so and uses transformers' rope layout (rotate-half); this file reads the config
//! (also transformers v5's `rope_parameters`) and refuses what that forward pass would get wrong.

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::llama::{Cache, Config, Llama, LlamaConfig};
use serde_json::Value;

use crate::inference::arch::causal_lm::CausalLm;

pub struct SafetensorsLlama {
    model: Llama,
    cache: Cache,
    config: Config,
    device: Device,
}

fn err(m: impl std::fmt::Display) -> candle_core::Error {
    candle_core::Error::msg(m.to_string())
}

impl SafetensorsLlama {
    /// Loads the weights `vb` holds, shaped as `config` (config.json) says.
    pub fn load(vb: VarBuilder, config: &Value) -> candle_core::Result<SafetensorsLlama> {
        let mut cfg: LlamaConfig = serde_json::from_value(config.clone())
            .map_err(|e| err(format!("config.json doesn't describe a llama model: {e}")))?;
        // transformers v5 keeps rope_theta (and the rope type) under rope_parameters.
        let rope = &config["rope_parameters"];
        if let Some(theta) = rope["rope_theta"].as_f64() {
            cfg.rope_theta = theta as f32;
        }
        let rope_type = rope["rope_type"].as_str().unwrap_or("default");
        let scaled = config["rope_scaling"].is_object();
        if rope_type != "default" && !scaled {
            return Err(err(format!(
                "rope type {rope_type:?} is not supported (only the default rope)"
            )));
        }
        for key in ["attention_bias", "mlp_bias"] {
            if config[key].as_bool() == Some(true) {
                return Err(err(format!("{key} is not supported")));
            }
        }
        if config["hidden_act"].as_str().is_some_and(|a| a != "silu") {
            return Err(err("only the silu activation is supported"));
        }
        let heads = cfg.num_attention_heads;
        let kv = cfg.num_key_value_heads();
        if heads == 0
            || kv == 0
            || !heads.is_multiple_of(kv)
            || !cfg.hidden_size.is_multiple_of(heads)
        {
            return Err(err(format!("{heads} heads / {kv} kv heads don't fit")));
        }
        if let Some(hd) = config["head_dim"].as_u64() {
            if hd as usize != cfg.hidden_size / heads {
                return Err(err(format!(
                    "head_dim {hd} ≠ hidden_size / heads is not supported"
                )));
            }
        }
        let config = cfg.into_config(false);
        check_weights(&vb, &config)?;
        // candle's loader panics on a missing layer weight: check_weights made sure there is none,
        // and a panic left over (a bad shape) becomes an error here.
        let model = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Llama::load(vb.clone(), &config)
        }))
        .map_err(|_| err("the weights don't match config.json"))??;
        let device = vb.device().clone();
        let cache = Cache::new(true, DType::F32, &config, &device)?;
        Ok(SafetensorsLlama {
            model,
            cache,
            config,
            device,
        })
    }

    /// Positions the model reads (prompt + generated).
    pub fn context(&self) -> usize {
        self.config.max_position_embeddings
    }
}

/// Every layer weight is there with its shape (candle's loader would panic otherwise).
fn check_weights(vb: &VarBuilder, c: &Config) -> candle_core::Result<()> {
    let (h, i) = (c.hidden_size, c.intermediate_size);
    let kv = c.num_key_value_heads * (h / c.num_attention_heads);
    for l in 0..c.num_hidden_layers {
        let p = format!("model.layers.{l}");
        for (name, shape) in [
            ("self_attn.q_proj.weight", vec![h, h]),
            ("self_attn.k_proj.weight", vec![kv, h]),
            ("self_attn.v_proj.weight", vec![kv, h]),
            ("self_attn.o_proj.weight", vec![h, h]),
            ("mlp.gate_proj.weight", vec![i, h]),
            ("mlp.up_proj.weight", vec![i, h]),
            ("mlp.down_proj.weight", vec![h, i]),
            ("input_layernorm.weight", vec![h]),
            ("post_attention_layernorm.weight", vec![h]),
        ] {
            let full = format!("{p}.{name}");
            vb.get(shape, &full)
                .map_err(|e| err(format!("weight {full}: {e}")))?;
        }
    }
    Ok(())
}

impl CausalLm for SafetensorsLlama {
    fn forward(&mut self, ids: &Tensor, index_pos: usize) -> candle_core::Result<Tensor> {
        self.model.forward(ids, index_pos, &mut self.cache)
    }

    fn clear_kv_cache(&mut self) {
        // A fresh cache (this worked at load, so it does again on the same device).
        if let Ok(c) = Cache::new(true, DType::F32, &self.config, &self.device) {
            self.cache = c;
        }
    }
}
