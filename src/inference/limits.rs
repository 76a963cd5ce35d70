//! Budgets for what a model's files may ask of the machine, checked before anything is allocated.
//! A config.json comes from anywhere: `num_hidden_layers: 1000000000` would abort the process
//! on its first `Vec::with_capacity`, `num_attention_heads: 0` divides by zero inside candle, and
//! `max_position_embeddings: 1e9` builds gigabytes of rotary tables. [`check_config`] refuses
//! such a file with the key, the value and the limit; [`check_memory`] refuses a model whose
//! dimensions need more memory than the machine has free.

use serde_json::Value;

/// The most bytes of JSON hftutor reads for one model file (config.json, tokenizer_config.json…).
/// Real ones are kilobytes; a tokenizer.json is read by the tokenizers crate, not here.
pub const MAX_JSON_BYTES: u64 = 64 * 1024 * 1024;

/// Why a model's config is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LimitError {
    /// A dimension is missing its floor or over its ceiling.
    #[error("{key} is {value}; it must be a whole number from {min} to {max} ({why})")]
    OutOfRange {
        key: String,
        value: String,
        min: u64,
        max: u64,
        why: &'static str,
    },
    /// Heads that don't divide the width they split.
    #[error("{width_key} ({width}) must be a multiple of {heads_key} ({heads}): each attention head takes an equal share")]
    Indivisible {
        width_key: String,
        width: u64,
        heads_key: String,
        heads: u64,
    },
    /// The dimensions need more memory than the machine has free.
    #[error("this model needs about {needed} of memory for its weights and tables, and this machine has {free} free: close other programs, or use a smaller model")]
    Memory { needed: String, free: String },
    /// A GGUF file's metadata is out of range.
    #[error("{key} is {value}; it must be from {min} to {max} ({why})")]
    Gguf {
        key: &'static str,
        value: u64,
        min: u64,
        max: u64,
        why: &'static str,
    },
}

/// One family of config keys and its range.
struct Range {
    keys: &'static [&'static str],
    min: u64,
    max: u64,
    why: &'static str,
}

/// The keys transformers' configs use for each dimension, across the architectures hftutor runs.
const RANGES: &[Range] = &[
    Range {
        keys: &[
            "num_hidden_layers",
            "n_layer",
            "n_layers",
            "num_layers",
            "encoder_layers",
            "decoder_layers",
            "num_decoder_layers",
        ],
        min: 1,
        max: 1_000,
        why: "the largest open models have about 130 layers",
    },
    Range {
        keys: &[
            "num_attention_heads",
            "n_head",
            "n_heads",
            "num_heads",
            "num_key_value_heads",
            "encoder_attention_heads",
            "decoder_attention_heads",
        ],
        min: 1,
        max: 1_024,
        why: "a model needs at least one attention head",
    },
    Range {
        keys: &[
            "hidden_size",
            "n_embd",
            "d_model",
            "dim",
            "intermediate_size",
            "n_inner",
            "d_ff",
            "ffn_dim",
            "hidden_dim",
            "encoder_ffn_dim",
            "decoder_ffn_dim",
            "head_dim",
            "d_kv",
            "num_mel_bins",
            "num_channels",
        ],
        min: 1,
        max: 1 << 18,
        why: "a layer's width",
    },
    Range {
        keys: &[
            "max_position_embeddings",
            "n_positions",
            "n_ctx",
            "max_source_positions",
            "max_target_positions",
        ],
        min: 1,
        max: 1 << 20,
        why: "how many tokens the model can read; its tables grow with it",
    },
    Range {
        keys: &["vocab_size"],
        min: 1,
        max: 1 << 22,
        why: "the number of tokens the model knows",
    },
    Range {
        keys: &["image_size", "patch_size"],
        min: 1,
        max: 8_192,
        why: "pixels on a side",
    },
];

/// Nested configs checked like the top level (encoder-decoder and multimodal models).
const NESTED: &[&str] = &[
    "text_config",
    "vision_config",
    "audio_config",
    "encoder",
    "decoder",
];

/// Checks a model's config.json: every dimension in range, heads dividing their widths, and
/// the whole within the memory the machine has free.
pub fn check_config(config: &Value) -> Result<(), LimitError> {
    check_level(config)?;
    for key in NESTED {
        if let Some(nested) = config.get(key).filter(|v| v.is_object()) {
            check_level(nested)?;
        }
    }
    check_memory(estimate_bytes(config), available_memory())
}

fn check_level(config: &Value) -> Result<(), LimitError> {
    for range in RANGES {
        for key in range.keys {
            if let Some(value) = config.get(key) {
                whole(value, key, range)?;
            }
        }
    }
    // ResNet-style stage lists.
    for key in ["depths", "hidden_sizes"] {
        if let Some(list) = config.get(key).and_then(Value::as_array) {
            let range = if key == "depths" {
                &RANGES[0]
            } else {
                &RANGES[2]
            };
            if list.len() > 64 {
                return Err(out_of_range(
                    key,
                    format!("a list of {} stages", list.len()),
                    range,
                ));
            }
            for v in list {
                whole(v, key, range)?;
            }
        }
    }
    let n = |key: &str| config.get(key).and_then(as_whole);
    if n("head_dim").is_none() && n("d_kv").is_none() {
        for (width_key, heads_key) in [
            ("hidden_size", "num_attention_heads"),
            ("n_embd", "n_head"),
            ("dim", "n_heads"),
            ("d_model", "encoder_attention_heads"),
            ("d_model", "decoder_attention_heads"),
            ("d_model", "num_heads"),
        ] {
            if let (Some(width), Some(heads)) = (n(width_key), n(heads_key)) {
                if width % heads != 0 {
                    return Err(LimitError::Indivisible {
                        width_key: width_key.into(),
                        width,
                        heads_key: heads_key.into(),
                        heads,
                    });
                }
            }
        }
    }
    if let (Some(heads), Some(kv)) = (n("num_attention_heads"), n("num_key_value_heads")) {
        if heads % kv != 0 {
            return Err(LimitError::Indivisible {
                width_key: "num_attention_heads".into(),
                width: heads,
                heads_key: "num_key_value_heads".into(),
                heads: kv,
            });
        }
    }
    Ok(())
}

/// `value` as a whole number in `range` (JSON `1e3` counts when it is whole; `null` is left to
/// the architecture, which has its own default).
fn whole(value: &Value, key: &str, range: &Range) -> Result<(), LimitError> {
    if value.is_null() {
        return Ok(());
    }
    match as_whole(value) {
        Some(n) if (range.min..=range.max).contains(&n) => Ok(()),
        _ => Err(out_of_range(key, value.to_string(), range)),
    }
}

fn out_of_range(key: &str, value: String, range: &Range) -> LimitError {
    LimitError::OutOfRange {
        key: key.into(),
        value,
        min: range.min,
        max: range.max,
        why: range.why,
    }
}

fn as_whole(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 1e19)
            .map(|f| f as u64)
    })
}

/// Roughly the bytes a model of these dimensions takes as f32 weights and tables: per layer the
/// attention (4·h²) and the feed-forward (2·h·ffn), plus the token and position tables.
pub fn estimate_bytes(config: &Value) -> u64 {
    let n = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| config.get(k).and_then(as_whole))
            .unwrap_or(0)
    };
    let width = n(&["hidden_size", "n_embd", "d_model", "dim"]);
    // Encoder-decoder configs often repeat the encoder's count as num_hidden_layers.
    let layers =
        match n(&["encoder_layers"]).saturating_add(n(&["decoder_layers", "num_decoder_layers"])) {
            0 => n(&["num_hidden_layers", "n_layer", "n_layers", "num_layers"]),
            split => split.saturating_add(n(&["num_layers"])),
        };
    let ffn = match n(&[
        "intermediate_size",
        "n_inner",
        "d_ff",
        "ffn_dim",
        "hidden_dim",
        "encoder_ffn_dim",
    ]) {
        0 => width.saturating_mul(4),
        f => f,
    };
    let vocab = n(&["vocab_size"]);
    let positions = n(&[
        "max_position_embeddings",
        "n_positions",
        "max_source_positions",
    ]);
    let per_layer = width
        .saturating_mul(width)
        .saturating_mul(4)
        .saturating_add(width.saturating_mul(ffn).saturating_mul(2));
    let params = layers
        .saturating_mul(per_layer)
        .saturating_add(vocab.saturating_mul(width))
        .saturating_add(positions.saturating_mul(width));
    params.saturating_mul(4)
}

/// Refuses `needed` bytes when more than `free` (if the machine says what it has free).
pub fn check_memory(needed: u64, free: Option<u64>) -> Result<(), LimitError> {
    match free {
        Some(free) if needed > free => Err(LimitError::Memory {
            needed: human(needed),
            free: human(free),
        }),
        _ => Ok(()),
    }
}

/// The memory the machine has free (Linux: MemAvailable); `None` where it can't be told.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb.saturating_mul(1024))
}

/// Checks a llama GGUF's metadata (`get` reads a number by key): counts in range, and heads
/// that divide the width, before candle or the native pass divide by them.
pub fn check_gguf_llama(get: impl Fn(&str) -> Option<u64>) -> Result<(), LimitError> {
    const KEYS: &[(&str, u64, u64, &str)] = &[
        (
            "llama.block_count",
            1,
            1_000,
            "the largest open models have about 130 layers",
        ),
        (
            "llama.attention.head_count",
            1,
            1_024,
            "a model needs at least one attention head",
        ),
        (
            "llama.attention.head_count_kv",
            1,
            1_024,
            "a model needs at least one attention head",
        ),
        ("llama.embedding_length", 1, 1 << 18, "a layer's width"),
        ("llama.feed_forward_length", 1, 1 << 18, "a layer's width"),
        (
            "llama.context_length",
            1,
            1 << 20,
            "how many tokens the model can read",
        ),
        ("llama.rope.dimension_count", 1, 1 << 18, "a layer's width"),
        ("llama.expert_count", 0, 256, "experts per layer"),
    ];
    for &(key, min, max, why) in KEYS {
        if let Some(value) = get(key) {
            if !(min..=max).contains(&value) {
                return Err(LimitError::Gguf {
                    key,
                    value,
                    min,
                    max,
                    why,
                });
            }
        }
    }
    let heads = get("llama.attention.head_count");
    if let (Some(width), Some(heads)) = (get("llama.embedding_length"), heads) {
        if width % heads != 0 {
            return Err(LimitError::Indivisible {
                width_key: "llama.embedding_length".into(),
                width,
                heads_key: "llama.attention.head_count".into(),
                heads,
            });
        }
    }
    if let (Some(heads), Some(kv)) = (heads, get("llama.attention.head_count_kv")) {
        if heads % kv != 0 {
            return Err(LimitError::Indivisible {
                width_key: "llama.attention.head_count".into(),
                width: heads,
                heads_key: "llama.attention.head_count_kv".into(),
                heads: kv,
            });
        }
    }
    Ok(())
}

fn human(bytes: u64) -> String {
    const GB: f64 = 1024.0 * 1024.0 * 1024.0;
    let gb = bytes as f64 / GB;
    if gb >= 1.0 {
        format!("{gb:.1} GB")
    } else {
        format!("{:.0} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn smollm2_sized_configs_pass_and_estimate_near_their_size() {
        let c = json!({"hidden_size": 576, "num_hidden_layers": 30, "intermediate_size": 1536,
            "vocab_size": 49152, "max_position_embeddings": 8192, "num_attention_heads": 9,
            "num_key_value_heads": 3});
        assert_eq!(check_level(&c), Ok(()));
        let mb = estimate_bytes(&c) / (1024 * 1024);
        assert!((450..560).contains(&mb), "{mb} MB");
    }

    #[test]
    fn absurd_values_are_refused_with_key_and_value() {
        for (key, value) in [
            ("num_hidden_layers", json!(1_000_000_000u64)),
            ("num_attention_heads", json!(0)),
            ("max_position_embeddings", json!(1e9)),
            ("max_position_embeddings", json!(0)),
            ("hidden_size", json!(-3)),
            ("hidden_size", json!(12.5)),
            ("vocab_size", json!("many")),
        ] {
            let c = json!({ key: value.clone() });
            let e = check_level(&c).expect_err(key).to_string();
            assert!(e.contains(key) && e.contains(&value.to_string()), "{e}");
        }
        let e = check_level(&json!({"hidden_size": 30, "num_attention_heads": 4})).unwrap_err();
        let gguf = |k: &str| match k {
            "llama.attention.head_count" => Some(0),
            _ => None,
        };
        assert!(check_gguf_llama(gguf).is_err());
        assert!(
            e.to_string().contains("multiple of num_attention_heads"),
            "{e}"
        );
        assert_eq!(
            check_level(&json!({"d_model": 30, "num_heads": 4, "d_kv": 8})),
            Ok(())
        );
    }

    #[test]
    fn memory_beyond_what_is_free_is_refused() {
        assert!(check_memory(10, Some(5)).is_err());
        assert!(check_memory(5, Some(10)).is_ok());
        assert!(check_memory(u64::MAX, None).is_ok());
        let e = check_memory(3 << 30, Some(1 << 30))
            .unwrap_err()
            .to_string();
        assert!(e.contains("3.0 GB") && e.contains("1.0 GB"), "{e}");
    }
}
