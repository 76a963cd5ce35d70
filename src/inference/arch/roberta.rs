//! The RoBERTa-family encoders (RoBERTa, XLM-RoBERTa, CamemBERT) and ModernBERT for one unpadded
//! sequence, on candle_transformers' `xlm_roberta` and `modernbert` models. Their config structs
//! want keys that transformers v5 no longer writes (ModernBERT's rope thetas moved into
//! `rope_parameters`, `norm_eps` replaced `layer_norm_eps`), so the configs are rebuilt here from
//! the config.json transformers saves, old or new.

use candle_core::{Result as CandleResult, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::{modernbert, xlm_roberta};
use serde_json::{json, Value};

use crate::inference::model_error;
use crate::inference::PipelineError;

/// Whether a config's `model_type` is one of the RoBERTa family this file runs.
pub fn is_roberta(model_type: &str) -> bool {
    matches!(
        model_type,
        "roberta" | "xlm-roberta" | "camembert" | "xlm_roberta"
    )
}

/// The weights' prefix of a RoBERTa-family body (`roberta.` in every task checkpoint).
pub const ROBERTA_PREFIX: &str = "roberta";

/// A RoBERTa-family encoder. Position ids start at `pad_token_id + 1`, as transformers counts them.
pub struct RobertaBody {
    model: xlm_roberta::XLMRobertaModel,
}

/// A loaded body with its hidden size and the most tokens it can read.
pub type Loaded<B> = (B, usize, usize);

fn num(config: &Value, key: &str) -> Result<u64, PipelineError> {
    config[key]
        .as_u64()
        .ok_or_else(|| model_error(format!("config.json needs {key}")))
}

impl RobertaBody {
    pub fn load(vb: VarBuilder, config: &Value) -> Result<Loaded<RobertaBody>, PipelineError> {
        let kind = config["position_embedding_type"]
            .as_str()
            .unwrap_or("absolute");
        if kind != "absolute" {
            return Err(model_error(format!(
                "this RoBERTa model uses \"{kind}\" positions: hftutor only runs \"absolute\" ones"
            )));
        }
        let pad = config["pad_token_id"].as_u64().unwrap_or(1);
        let positions = num(config, "max_position_embeddings")?;
        let c = json!({
            "hidden_size": num(config, "hidden_size")?,
            "layer_norm_eps": config["layer_norm_eps"].as_f64().unwrap_or(1e-5),
            "attention_probs_dropout_prob": 0.0,
            "hidden_dropout_prob": 0.0,
            "num_attention_heads": num(config, "num_attention_heads")?,
            "position_embedding_type": "absolute",
            "intermediate_size": num(config, "intermediate_size")?,
            "hidden_act": config["hidden_act"].as_str().unwrap_or("gelu"),
            "num_hidden_layers": num(config, "num_hidden_layers")?,
            "vocab_size": num(config, "vocab_size")?,
            "max_position_embeddings": positions,
            "type_vocab_size": config["type_vocab_size"].as_u64().unwrap_or(1),
            "pad_token_id": pad,
        });
        let c: xlm_roberta::Config = serde_json::from_value(c)
            .map_err(|e| model_error(format!("config.json of a RoBERTa model: {e}")))?;
        let body_vb = if vb.contains_tensor("roberta.embeddings.word_embeddings.weight") {
            vb.pp(ROBERTA_PREFIX)
        } else {
            vb
        };
        let model = xlm_roberta::XLMRobertaModel::new(&c, body_vb)?;
        // Positions pad+1 … max_position_embeddings-1 are usable.
        let max_tokens = (positions.saturating_sub(pad + 1) as usize).max(2);
        Ok((RobertaBody { model }, c.hidden_size, max_tokens))
    }

    /// The last hidden states of `ids` (1, tokens): (1, tokens, hidden). Token types are all 0:
    /// transformers' RoBERTa tokenizers don't give the model any.
    pub fn forward(&self, ids: &Tensor) -> CandleResult<Tensor> {
        let mask = ids.ones_like()?;
        let types = ids.zeros_like()?;
        self.model.forward(ids, &mask, &types, None, None, None)
    }
}

/// A ModernBERT encoder (rotary positions, global and sliding-window attention layers).
pub struct ModernBertBody {
    model: modernbert::ModernBert,
}

/// The rope theta for one kind of attention layer: v5's `rope_parameters`, or the older key.
fn rope_theta(config: &Value, kind: &str, old_key: &str, default: f64) -> f64 {
    config["rope_parameters"][kind]["rope_theta"]
        .as_f64()
        .or(config[old_key].as_f64())
        .unwrap_or(default)
}

/// Every how many layers attention is global: the old key, or read off v5's `layer_types`
/// (which must then follow that pattern: global at layers 0, n, 2n, …).
fn global_every(config: &Value) -> Result<usize, PipelineError> {
    let Some(types) = config["layer_types"].as_array() else {
        return Ok(config["global_attn_every_n_layers"].as_u64().unwrap_or(3) as usize);
    };
    let global: Vec<bool> = types
        .iter()
        .map(|t| t.as_str() == Some("full_attention"))
        .collect();
    let n = match global.iter().skip(1).position(|&g| g) {
        Some(i) => i + 1,
        None => global.len().max(1),
    };
    if global.iter().enumerate().all(|(i, &g)| g == (i % n == 0)) {
        Ok(n)
    } else {
        Err(model_error(
            "this ModernBERT model mixes global and local attention layers in an order hftutor can't run",
        ))
    }
}

impl ModernBertBody {
    pub fn load(vb: VarBuilder, config: &Value) -> Result<Loaded<ModernBertBody>, PipelineError> {
        for key in ["norm_bias", "attention_bias", "mlp_bias"] {
            if config[key].as_bool() == Some(true) {
                return Err(model_error(format!(
                    "this ModernBERT model sets {key}: hftutor only runs models without those biases"
                )));
            }
        }
        let act = config["hidden_activation"].as_str().unwrap_or("gelu");
        if act != "gelu" {
            return Err(model_error(format!(
                "this ModernBERT model uses the activation \"{act}\": hftutor only runs \"gelu\""
            )));
        }
        let positions = num(config, "max_position_embeddings")?;
        let c = json!({
            "vocab_size": num(config, "vocab_size")?,
            "hidden_size": num(config, "hidden_size")?,
            "num_hidden_layers": num(config, "num_hidden_layers")?,
            "num_attention_heads": num(config, "num_attention_heads")?,
            "intermediate_size": num(config, "intermediate_size")?,
            "max_position_embeddings": positions,
            "layer_norm_eps": config["norm_eps"].as_f64().or(config["layer_norm_eps"].as_f64()).unwrap_or(1e-5),
            "pad_token_id": config["pad_token_id"].as_u64().unwrap_or(0),
            "global_attn_every_n_layers": global_every(config)?,
            "global_rope_theta": rope_theta(config, "full_attention", "global_rope_theta", 160_000.0),
            "local_attention": config["local_attention"].as_u64().unwrap_or(128),
            "local_rope_theta": rope_theta(config, "sliding_attention", "local_rope_theta", 10_000.0),
        });
        let c: modernbert::Config = serde_json::from_value(c)
            .map_err(|e| model_error(format!("config.json of a ModernBERT model: {e}")))?;
        let model = modernbert::ModernBert::load(vb, &c)?;
        Ok((ModernBertBody { model }, c.hidden_size, positions as usize))
    }

    /// The last hidden states of `ids` (1, tokens): (1, tokens, hidden).
    pub fn forward(&self, ids: &Tensor) -> CandleResult<Tensor> {
        self.model.forward(ids, &ids.ones_like()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_types_give_the_global_attention_period() {
        let c = json!({"layer_types": ["full_attention", "sliding_attention", "sliding_attention", "full_attention"]});
        assert_eq!(global_every(&c).unwrap(), 3);
        let odd = json!({"layer_types": ["full_attention", "sliding_attention", "full_attention", "sliding_attention", "sliding_attention", "full_attention"]});
        assert!(global_every(&odd).is_err());
        assert_eq!(
            global_every(&json!({"global_attn_every_n_layers": 2})).unwrap(),
            2
        );
        let all_global = json!({"layer_types": ["full_attention", "full_attention"]});
        assert_eq!(global_every(&all_global).unwrap(), 1);
    }

    #[test]
    fn v5_and_older_rope_keys_are_both_read() {
        let v5 = json!({"rope_parameters": {"full_attention": {"rope_theta": 5.0}}});
        assert_eq!(
            rope_theta(&v5, "full_attention", "global_rope_theta", 1.0),
            5.0
        );
        let old = json!({"global_rope_theta": 7.0});
        assert_eq!(
            rope_theta(&old, "full_attention", "global_rope_theta", 1.0),
            7.0
        );
    }
}
