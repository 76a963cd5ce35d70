//! Turning what the student typed into pipeline texts and run settings, with the limits every
//! generation setting must respect (shared with the course validator).

use crate::course::{Exercise, Param};
use crate::pipelines::RunParams;

use super::Prepared;

pub const MAX_TEMPERATURE: f64 = 5.0;
pub const MAX_NEW_TOKENS: usize = 512;
pub const MAX_RUNS: usize = 10;

fn temperature_rule() -> String {
    format!("temperature must be a number from 0 to {MAX_TEMPERATURE}, like 0.7")
}

const TOP_P_RULE: &str = "top_p must be a number above 0 and at most 1, like 0.9";

pub fn temperature(v: f64) -> Result<f64, String> {
    if v.is_finite() && (0.0..=MAX_TEMPERATURE).contains(&v) {
        Ok(v)
    } else {
        Err(temperature_rule())
    }
}

pub fn top_k(v: i64) -> Result<usize, String> {
    usize::try_from(v)
        .ok()
        .filter(|&k| k >= 1)
        .ok_or_else(|| "top_k must be a whole number, 1 or more, like 50".to_string())
}

pub fn top_p(v: f64) -> Result<f64, String> {
    if v.is_finite() && v > 0.0 && v <= 1.0 {
        Ok(v)
    } else {
        Err(TOP_P_RULE.to_string())
    }
}

pub fn seed(v: i64) -> Result<u64, String> {
    u64::try_from(v).map_err(|_| "seed must be a whole number, 0 or more, like 42".to_string())
}

pub fn max_new_tokens(v: i64) -> Result<usize, String> {
    usize::try_from(v)
        .ok()
        .filter(|&n| (1..=MAX_NEW_TOKENS).contains(&n))
        .ok_or_else(|| format!("max_new_tokens must be a whole number from 1 to {MAX_NEW_TOKENS}"))
}

/// Sets `param` from a typed value. An empty value leaves `params` as it is.
pub fn set_param(param: Param, value: &str, params: &mut RunParams) -> Result<(), String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(());
    }
    // Students in many countries write 0,7 for 0.7.
    let number = v.replace(',', ".");
    let whole = |name: &str, example: &str| -> Result<i64, String> {
        number
            .parse::<i64>()
            .map_err(|_| format!("{name} must be a whole number, like {example}"))
    };
    match param {
        Param::Temperature => {
            let t = number.parse::<f64>().map_err(|_| temperature_rule())?;
            params.temperature = temperature(t)?;
        }
        Param::TopP => {
            let p = number.parse::<f64>().map_err(|_| TOP_P_RULE.to_string())?;
            params.top_p = Some(top_p(p)?);
        }
        Param::TopK => params.top_k = Some(top_k(whole("top_k", "50")?)?),
        Param::Seed => params.seed = Some(seed(whole("seed", "42")?)?),
        Param::MaxNewTokens => {
            params.max_new_tokens = max_new_tokens(whole("max_new_tokens", "40")?)?;
            params.seq2seq.max_new_tokens = Some(params.max_new_tokens);
        }
        Param::System => params.system = Some(v.to_string()),
        Param::Context => params.context = v.to_string(),
        Param::Targets => params.targets = targets(v),
        Param::AggregationStrategy => params.aggregation_strategy = v.parse()?,
        // A prediction sets nothing; `prepare` keeps it aside for the judge.
        Param::Prediction => {
            if v.trim().is_empty() {
                return Err("type your prediction first".to_string());
            }
        }
    }
    Ok(())
}

/// fill-mask targets from a comma-separated list: trimmed, empty entries dropped.
pub fn targets(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The value a param has in `params`, as an input field would show it.
pub fn param_text(param: Param, params: &RunParams) -> String {
    match param {
        Param::Temperature => params.temperature.to_string(),
        Param::TopK => params.top_k.map(|k| k.to_string()).unwrap_or_default(),
        Param::TopP => params.top_p.map(|p| p.to_string()).unwrap_or_default(),
        Param::Seed => params.seed.map(|s| s.to_string()).unwrap_or_default(),
        Param::MaxNewTokens => params.max_new_tokens.to_string(),
        Param::System => params.system.clone().unwrap_or_default(),
        Param::Context => params.context.clone(),
        Param::Targets => params.targets.join(", "),
        Param::AggregationStrategy => params.aggregation_strategy.name().to_string(),
        Param::Prediction => String::new(),
    }
}

pub fn prepare(exercise: &Exercise, values: &[String]) -> Result<Prepared, String> {
    if values.len() != exercise.inputs.len() {
        return Err(format!(
            "this exercise has {} input fields but got {} values",
            exercise.inputs.len(),
            values.len()
        ));
    }
    let mut texts = Vec::new();
    let mut params = exercise.params.clone();
    let mut prediction = None;
    for (field, value) in exercise.inputs.iter().zip(values) {
        match field.param {
            Some(Param::Prediction) => {
                if value.trim().is_empty() {
                    return Err(format!(
                        "\"{}\" is empty: say what you think the model will answer, then run it",
                        field.label
                    ));
                }
                prediction = Some(value.trim().to_string());
            }
            Some(param) => set_param(param, value, &mut params)?,
            None => {
                let text = value.trim();
                if text.is_empty() {
                    return Err(format!(
                        "\"{}\" is empty: type something there first",
                        field.label
                    ));
                }
                texts.push(text.to_string());
            }
        }
    }
    Ok(Prepared {
        texts,
        prediction,
        params,
        runs: exercise.runs.max(1),
    })
}
