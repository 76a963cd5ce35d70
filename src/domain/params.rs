//! Run parameters: what a student, a lesson or the command line may set for one run, typed, with
//! the bounds every setting must respect (the lesson validator and the input fields share them).

use std::str::FromStr;

/// A generation parameter a student may set from an input field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    Temperature,
    TopK,
    TopP,
    Seed,
    MaxNewTokens,
    System,
    /// question-answering: the text the answer is looked for in.
    Context,
    /// fill-mask: the words to score, comma-separated.
    Targets,
    /// token-classification: how tokens are grouped into entities.
    AggregationStrategy,
    /// Not a setting: the student's prediction of the model's label, stated before the run and
    /// compared with it (a *predict, then run* exercise on a task that gives labels).
    Prediction,
}

impl Param {
    pub const ALL: [Param; 10] = [
        Param::Temperature,
        Param::TopK,
        Param::TopP,
        Param::Seed,
        Param::MaxNewTokens,
        Param::System,
        Param::Context,
        Param::Targets,
        Param::AggregationStrategy,
        Param::Prediction,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Param::Temperature => "temperature",
            Param::TopK => "top_k",
            Param::TopP => "top_p",
            Param::Seed => "seed",
            Param::MaxNewTokens => "max_new_tokens",
            Param::System => "system",
            Param::Context => "context",
            Param::Targets => "targets",
            Param::AggregationStrategy => "aggregation_strategy",
            Param::Prediction => "prediction",
        }
    }
    /// True for the fields that set a generation setting (all but `prediction`).
    pub fn is_setting(self) -> bool {
        self != Param::Prediction
    }
    pub fn parse(s: &str) -> Option<Param> {
        Param::ALL.into_iter().find(|p| p.name() == s)
    }
}

/// How many tokens text generation writes when nobody says (the course's default).
pub const DEFAULT_MAX_NEW_TOKENS: usize = 40;

/// Settings for one run. Which ones a lesson may give each task is in the task registry.
#[derive(Debug, Clone, PartialEq)]
pub struct RunParams {
    pub max_new_tokens: usize,
    /// 0 (or below) means greedy decoding.
    pub temperature: f64,
    pub top_k: Option<usize>,
    pub top_p: Option<f64>,
    /// `None`: a fresh random seed per run.
    pub seed: Option<u64>,
    /// Wrap the input as a user message in the model's chat template.
    pub chat: bool,
    /// System message for `chat`; `None` uses the template's default.
    pub system: Option<String>,
    /// fill-mask: only score these words (transformers' `targets`); empty means every word.
    pub targets: Vec<String>,
    /// token-classification: how tokens are grouped into entities.
    pub aggregation_strategy: Aggregation,
    /// question-answering: a lesson's or the command line's context setting; `TaskInput::from_inputs`
    /// makes it part of the task's input, which is what the pipeline reads.
    pub context: String,
    /// automatic-speech-recognition: the spoken language (`en`), for multilingual Whisper models.
    pub language: Option<String>,
    /// summarization / translation: beams, length and language pair (`None`: the model's own).
    pub seq2seq: Seq2SeqParams,
    /// zero-shot-classification with an NLI model: score each label on its own (transformers'
    /// `multi_label`) instead of sharing 1 between them.
    pub multi_label: bool,
    /// zero-shot-classification with an NLI model: the hypothesis, `{}` standing for the label
    /// (`None`: transformers' "This example is {}.").
    pub hypothesis_template: Option<String>,
    /// feature-extraction: each token's vector from the model's last layer, not pooled, as
    /// transformers' `pipeline("feature-extraction")` gives them (one text per job).
    pub token_features: bool,
}

impl Default for RunParams {
    fn default() -> Self {
        RunParams {
            max_new_tokens: DEFAULT_MAX_NEW_TOKENS,
            temperature: 0.0,
            top_k: None,
            top_p: None,
            seed: None,
            chat: false,
            system: None,
            targets: Vec::new(),
            aggregation_strategy: Aggregation::None,
            context: String::new(),
            language: None,
            seq2seq: Seq2SeqParams::default(),
            multi_label: false,
            hypothesis_template: None,
            token_features: false,
        }
    }
}

/// The highest temperature a lesson or a student may set.
pub const MAX_TEMPERATURE: f64 = 5.0;
/// Temperatures above 0 but below this sample as greedy decoding does (the limit of sampling as
/// the temperature goes to 0): at 1e-38 and less, logits / temperature overflow f32 and the
/// sampler's weights turn NaN ("A weight is negative…"); at 1e-4 a logit gap of 0.01 is already
/// e^100 to 1.
pub const GREEDY_BELOW: f64 = 1e-4;
/// The most tokens one generation may write.
pub const MAX_NEW_TOKENS: usize = 512;
/// The most runs one attempt may ask for.
pub const MAX_RUNS: usize = 10;

/// A setting outside its bounds, or text that isn't one: said as the rule to follow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    #[error("temperature must be a number from 0 to {MAX_TEMPERATURE}, like 0.7")]
    Temperature,
    #[error("top_k must be a whole number, 1 or more, like 50")]
    TopK,
    #[error("top_p must be a number above 0 and at most 1, like 0.9")]
    TopP,
    #[error("seed must be a whole number, 0 or more, like 42")]
    Seed,
    #[error("max_new_tokens must be a whole number from 1 to {MAX_NEW_TOKENS}")]
    MaxNewTokens,
    #[error("{name} must be a whole number, like {example}")]
    NotWhole {
        name: &'static str,
        example: &'static str,
    },
    #[error("unknown aggregation strategy \"{0}\": use none, simple, first, average or max")]
    UnknownStrategy(String),
    #[error("type your prediction first")]
    NoPrediction,
}

pub fn temperature(v: f64) -> Result<f64, ParamError> {
    if v.is_finite() && (0.0..=MAX_TEMPERATURE).contains(&v) {
        Ok(v)
    } else {
        Err(ParamError::Temperature)
    }
}

pub fn top_k(v: i64) -> Result<usize, ParamError> {
    usize::try_from(v)
        .ok()
        .filter(|&k| k >= 1)
        .ok_or(ParamError::TopK)
}

pub fn top_p(v: f64) -> Result<f64, ParamError> {
    if v.is_finite() && v > 0.0 && v <= 1.0 {
        Ok(v)
    } else {
        Err(ParamError::TopP)
    }
}

pub fn seed(v: i64) -> Result<u64, ParamError> {
    u64::try_from(v).map_err(|_| ParamError::Seed)
}

pub fn max_new_tokens(v: i64) -> Result<usize, ParamError> {
    usize::try_from(v)
        .ok()
        .filter(|&n| (1..=MAX_NEW_TOKENS).contains(&n))
        .ok_or(ParamError::MaxNewTokens)
}

/// Sets `param` from a typed value. An empty value leaves `params` as it is.
pub fn set_param(param: Param, value: &str, params: &mut RunParams) -> Result<(), ParamError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(());
    }
    // Students in many countries write 0,7 for 0.7.
    let number = v.replace(',', ".");
    let whole = |name: &'static str, example: &'static str| -> Result<i64, ParamError> {
        number
            .parse::<i64>()
            .map_err(|_| ParamError::NotWhole { name, example })
    };
    match param {
        Param::Temperature => {
            let t = number.parse::<f64>().map_err(|_| ParamError::Temperature)?;
            params.temperature = temperature(t)?;
        }
        Param::TopP => {
            let p = number.parse::<f64>().map_err(|_| ParamError::TopP)?;
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
                return Err(ParamError::NoPrediction);
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

/// Seq2seq settings from the command line or an exercise; `None` takes the model's own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seq2SeqParams {
    pub max_new_tokens: Option<usize>,
    pub num_beams: Option<usize>,
    /// translation with T5: the language pair, as codes ("en", "fr").
    pub src_lang: Option<String>,
    pub tgt_lang: Option<String>,
}

/// How tokens become entities (transformers' `aggregation_strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Aggregation {
    /// One entry per token, labelled `entity`.
    #[default]
    None,
    /// Neighbouring tokens with the same entity type are grouped.
    Simple,
    /// Words take the label of their first token, then are grouped.
    First,
    /// Words take the label with the best score averaged over their tokens.
    Average,
    /// Words take the label of their most confident token.
    Max,
}

impl FromStr for Aggregation {
    type Err = ParamError;
    fn from_str(s: &str) -> Result<Self, ParamError> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "none" => Aggregation::None,
            "simple" => Aggregation::Simple,
            "first" => Aggregation::First,
            "average" => Aggregation::Average,
            "max" => Aggregation::Max,
            other => return Err(ParamError::UnknownStrategy(other.to_string())),
        })
    }
}

impl Aggregation {
    /// The name transformers gives the strategy.
    pub fn name(self) -> &'static str {
        match self {
            Aggregation::None => "none",
            Aggregation::Simple => "simple",
            Aggregation::First => "first",
            Aggregation::Average => "average",
            Aggregation::Max => "max",
        }
    }
}
