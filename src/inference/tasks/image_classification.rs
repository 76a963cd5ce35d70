//! `image-classification`: says what a picture shows, as labels with probabilities, like
//! transformers' pipeline: ViT (`ViTForImageClassification`, candle-transformers' vit, whose
//! weight names are transformers') or ResNet (`ResNetForImageClassification`, arch/resnet.rs);
//! preprocessing from preprocessor_config.json (preprocess/image.rs); softmax (sigmoid for one
//! label), labels from `id2label`, the `top_k` best (5 unless asked, as transformers).

use crate::domain::TaskInput;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::vit;
use serde_json::Value;

use crate::domain::LabelScore;
use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::Stream;
use crate::domain::Task;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::arch::weights;
use crate::inference::model_error;
use crate::inference::preprocess::image::{load_image, Preprocessor};
use crate::inference::read_json;
use crate::inference::Pipeline;
use crate::inference::PipelineError;

/// transformers' default `top_k` for image classification.
pub const DEFAULT_TOP_K: usize = 5;

/// transformers' default model for the task (about 350 MB).
pub const DEFAULT_MODEL: &str = "google/vit-base-patch16-224";

enum Arch {
    Vit,
    ResNet,
}

enum Model {
    Vit(vit::Model),
    ResNet(crate::inference::arch::resnet::ResNet),
}

/// A loaded image classifier with its preprocessing and labels.
pub struct ImageClassificationPipeline {
    model: Model,
    pub preprocessor: Preprocessor,
    labels: Vec<String>,
    /// The input size the model was built for (ViT's position embeddings fix it).
    fixed_size: Option<usize>,
}

impl ImageClassificationPipeline {
    /// Fetches config.json, preprocessor_config.json and the weights through `provision`.
    pub fn load(
        model: &ModelRef,
        provision: &Provision,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<ImageClassificationPipeline, PipelineError> {
        let config = provision.file(model, "config.json", events)?;
        architecture(&read_json(&config)?)?;
        let preprocessor = provision.file(model, "preprocessor_config.json", events)?;
        let weights = weights::load(provision, model, events, DType::F32, &Device::Cpu)?;
        events(ProvisionEvent::Note(format!("loading {model} into memory")));
        ImageClassificationPipeline::from_files(&config, &preprocessor, weights.vb)
    }

    /// Builds the classifier from its JSON files and its weights (see [`weights::load`]).
    pub fn from_files(
        config: &Path,
        preprocessor: &Path,
        vb: VarBuilder<'static>,
    ) -> Result<ImageClassificationPipeline, PipelineError> {
        let config = read_json(config)?;
        let preprocessor = Preprocessor::from_config(&read_json(preprocessor)?)?;
        let labels = labels(&config)?;
        let arch = architecture(&config)?;
        let (model, fixed_size) = match arch {
            Arch::Vit => {
                let cfg = vit_config(&config)?;
                let size = cfg.image_size;
                (
                    Model::Vit(vit::Model::new(&cfg, labels.len(), vb)?),
                    Some(size),
                )
            }
            Arch::ResNet => {
                let cfg: crate::inference::arch::resnet::Config =
                    serde_json::from_value(config.clone()).map_err(|e| {
                        model_error(format!("config.json doesn't describe a ResNet: {e}"))
                    })?;
                let net = crate::inference::arch::resnet::ResNet::new(&cfg, labels.len(), vb)?;
                (Model::ResNet(net), None)
            }
        };
        Ok(ImageClassificationPipeline {
            model,
            preprocessor,
            labels,
            fixed_size,
        })
    }

    /// The model's logits (one per label) for pixel values shaped (1, 3, height, width).
    pub fn logits(&self, pixels: &Tensor) -> Result<Vec<f32>, PipelineError> {
        let (_, _, h, w) = pixels.dims4()?;
        if let Some(size) = self.fixed_size {
            if (h, w) != (size, size) {
                return Err(model_error(format!(
                    "this ViT takes {size}×{size} pictures, but preprocessor_config.json makes \
                     them {h}×{w}"
                )));
            }
        }
        let logits = match &self.model {
            Model::Vit(m) => m.forward(pixels)?,
            Model::ResNet(m) => m.forward(pixels)?,
        };
        Ok(logits.squeeze(0)?.to_vec1()?)
    }

    /// Every label with its probability for the picture at `path`, likeliest first.
    pub fn classify(&self, path: &str) -> Result<Vec<LabelScore>, PipelineError> {
        self.classify_image(&load_image(path)?)
    }

    /// Every label with its probability for a picture already read.
    fn classify_image(&self, img: &image::RgbImage) -> Result<Vec<LabelScore>, PipelineError> {
        let logits = self.logits(&self.preprocessor.tensor(img)?)?;
        Ok(ranked(&self.labels, &logits))
    }
}

/// Probabilities (softmax, or sigmoid for a single label, as transformers) with their labels,
/// likeliest first; ties keep the model's label order.
pub fn ranked(labels: &[String], logits: &[f32]) -> Vec<LabelScore> {
    let scores: Vec<f32> = if logits.len() == 1 {
        logits.iter().map(|&x| 1.0 / (1.0 + (-x).exp())).collect()
    } else {
        let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let exps: Vec<f32> = logits.iter().map(|&x| (x - max).exp()).collect();
        let total: f32 = exps.iter().sum();
        exps.iter().map(|e| e / total).collect()
    };
    let mut out: Vec<LabelScore> = labels
        .iter()
        .zip(scores)
        .map(|(label, score)| LabelScore {
            label: label.clone(),
            score,
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out
}

/// The model's architecture, if it is one this pipeline runs.
fn architecture(config: &Value) -> Result<Arch, PipelineError> {
    let arch = config["architectures"][0]
        .as_str()
        .or(config["model_type"].as_str())
        .unwrap_or("not named in config.json");
    match arch {
        "ViTForImageClassification" | "vit" => Ok(Arch::Vit),
        "ResNetForImageClassification" | "resnet" => Ok(Arch::ResNet),
        other => Err(model_error(format!(
            "image classification runs ViTForImageClassification and \
             ResNetForImageClassification models; this one is {other}"
        ))),
    }
}

/// ViT's config from config.json, with transformers' defaults for keys old files leave out.
fn vit_config(config: &Value) -> Result<vit::Config, PipelineError> {
    let n = |key: &str, default: usize| config[key].as_u64().map_or(default, |v| v as usize);
    let hidden_act = match config["hidden_act"].as_str().unwrap_or("gelu") {
        "gelu" => candle_nn::Activation::Gelu,
        "gelu_new" | "gelu_pytorch_tanh" => candle_nn::Activation::NewGelu,
        "relu" => candle_nn::Activation::Relu,
        other => {
            return Err(model_error(format!(
                "ViT with hidden_act {other} isn't supported"
            )))
        }
    };
    let cfg = vit::Config {
        hidden_size: n("hidden_size", 768),
        num_hidden_layers: n("num_hidden_layers", 12),
        num_attention_heads: n("num_attention_heads", 12),
        intermediate_size: n("intermediate_size", 3072),
        hidden_act,
        layer_norm_eps: config["layer_norm_eps"].as_f64().unwrap_or(1e-12),
        image_size: n("image_size", 224),
        patch_size: n("patch_size", 16),
        num_channels: n("num_channels", 3),
        qkv_bias: config["qkv_bias"].as_bool().unwrap_or(true),
    };
    if cfg.num_attention_heads == 0
        || !cfg.hidden_size.is_multiple_of(cfg.num_attention_heads)
        || cfg.patch_size == 0
    {
        return Err(model_error("config.json has sizes a ViT can't have"));
    }
    Ok(cfg)
}

/// Label names in id order from `id2label` (LABEL_i where it has none).
fn labels(config: &Value) -> Result<Vec<String>, PipelineError> {
    let map = config["id2label"].as_object();
    let n = map.map_or(0, |m| m.len());
    if n == 0 {
        return Err(model_error(
            "config.json has no id2label: this isn't a classifier",
        ));
    }
    Ok((0..n)
        .map(|i| {
            map.and_then(|m| m.get(&i.to_string()))
                .and_then(Value::as_str)
                .map_or_else(|| format!("LABEL_{i}"), str::to_string)
        })
        .collect())
}

impl Pipeline for ImageClassificationPipeline {
    fn task(&self) -> Task {
        Task::ImageClassification
    }

    /// `inputs` are image file paths; each gets its `top_k` likeliest labels.
    fn run_input(
        &mut self,
        input: &TaskInput,
        params: &RunParams,
        _runs: usize,
        stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let inputs = input.texts();
        if inputs.is_empty() {
            return Err(PipelineError::BadInput(
                "give the path of an image file".into(),
            ));
        }
        let k = params.top_k.unwrap_or(DEFAULT_TOP_K).max(1);
        let mut out = Vec::with_capacity(inputs.len());
        for path in inputs {
            let img = load_image(path)?;
            stream(Stream::Thumbnail(
                crate::inference::preprocess::thumbnail::of(
                    &img,
                    crate::inference::preprocess::thumbnail::SIZE,
                ),
            ));
            let mut labels = self.classify_image(&img)?;
            labels.truncate(k);
            out.push(labels);
        }
        Ok(PipelineOutput::Labels(out))
    }
}
