//! transformers' own ResNet (`ResNetForImageClassification`, e.g. microsoft/resnet-50) in candle,
//! with its weight names: `resnet.embedder.embedder.{convolution,normalization}`,
//! `resnet.encoder.stages.S.layers.L.{shortcut,layer.K}.{convolution,normalization}` and
//! `classifier.1`. candle-transformers' resnet follows torchvision's names, so it can't load these.

use candle_core::{Module, ModuleT, Tensor, D};
use candle_nn::{
    batch_norm, conv2d_no_bias, linear, Activation, BatchNorm, Conv2d, Conv2dConfig, Linear,
    VarBuilder,
};
use serde::Deserialize;

/// The parts of transformers' `ResNetConfig` the forward pass needs.
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    #[serde(default = "three")]
    pub num_channels: usize,
    #[serde(default = "sixty_four")]
    pub embedding_size: usize,
    pub hidden_sizes: Vec<usize>,
    pub depths: Vec<usize>,
    #[serde(default = "bottleneck")]
    pub layer_type: String,
    #[serde(default = "relu")]
    pub hidden_act: Activation,
    #[serde(default)]
    pub downsample_in_first_stage: bool,
    #[serde(default)]
    pub downsample_in_bottleneck: bool,
}

fn three() -> usize {
    3
}
fn sixty_four() -> usize {
    64
}
fn bottleneck() -> String {
    "bottleneck".into()
}
fn relu() -> Activation {
    Activation::Relu
}

/// Convolution (no bias, padding k/2) + batch norm (eval statistics) + optional activation.
struct ConvLayer {
    conv: Conv2d,
    norm: BatchNorm,
    act: Option<Activation>,
}

impl ConvLayer {
    fn new(
        vb: VarBuilder,
        c_in: usize,
        c_out: usize,
        kernel: usize,
        stride: usize,
        act: Option<Activation>,
    ) -> candle_core::Result<ConvLayer> {
        let cfg = Conv2dConfig {
            padding: kernel / 2,
            stride,
            ..Default::default()
        };
        Ok(ConvLayer {
            conv: conv2d_no_bias(c_in, c_out, kernel, cfg, vb.pp("convolution"))?,
            norm: batch_norm(c_out, 1e-5, vb.pp("normalization"))?,
            act,
        })
    }

    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        let ys = self.norm.forward_t(&self.conv.forward(xs)?, false)?;
        match &self.act {
            Some(a) => a.forward(&ys),
            None => Ok(ys),
        }
    }
}

/// One residual layer: basic (two 3×3) or bottleneck (1×1, 3×3, 1×1), plus the shortcut.
struct ResidualLayer {
    shortcut: Option<ConvLayer>,
    layers: Vec<ConvLayer>,
    act: Activation,
}

impl ResidualLayer {
    fn new(
        cfg: &Config,
        vb: VarBuilder,
        c_in: usize,
        c_out: usize,
        stride: usize,
    ) -> candle_core::Result<ResidualLayer> {
        let shortcut = (c_in != c_out || stride != 1)
            .then(|| ConvLayer::new(vb.pp("shortcut"), c_in, c_out, 1, stride, None))
            .transpose()?;
        let act = Some(cfg.hidden_act);
        let vb = vb.pp("layer");
        let layers = if cfg.layer_type == "bottleneck" {
            let reduced = c_out / 4;
            let (s0, s1) = if cfg.downsample_in_bottleneck {
                (stride, 1)
            } else {
                (1, stride)
            };
            vec![
                ConvLayer::new(vb.pp(0), c_in, reduced, 1, s0, act)?,
                ConvLayer::new(vb.pp(1), reduced, reduced, 3, s1, act)?,
                ConvLayer::new(vb.pp(2), reduced, c_out, 1, 1, None)?,
            ]
        } else {
            vec![
                ConvLayer::new(vb.pp(0), c_in, c_out, 3, stride, act)?,
                ConvLayer::new(vb.pp(1), c_out, c_out, 3, 1, None)?,
            ]
        };
        Ok(ResidualLayer {
            shortcut,
            layers,
            act: cfg.hidden_act,
        })
    }

    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        let mut ys = xs.clone();
        for l in &self.layers {
            ys = l.forward(&ys)?;
        }
        let residual = match &self.shortcut {
            Some(s) => s.forward(xs)?,
            None => xs.clone(),
        };
        self.act.forward(&(ys + residual)?)
    }
}

/// ResNetForImageClassification: stem, stages, average pool, linear classifier.
pub struct ResNet {
    stem: ConvLayer,
    layers: Vec<ResidualLayer>,
    classifier: Linear,
}

impl ResNet {
    pub fn new(cfg: &Config, num_labels: usize, vb: VarBuilder) -> candle_core::Result<ResNet> {
        if cfg.hidden_sizes.is_empty() || cfg.hidden_sizes.len() != cfg.depths.len() {
            candle_core::bail!("config.json: hidden_sizes and depths must be lists of one length");
        }
        let body = vb.pp("resnet");
        let stem = ConvLayer::new(
            body.pp("embedder.embedder"),
            cfg.num_channels,
            cfg.embedding_size,
            7,
            2,
            Some(cfg.hidden_act),
        )?;
        let stages = body.pp("encoder.stages");
        let mut layers = Vec::new();
        let mut c_in = cfg.embedding_size;
        for (s, (&c_out, &depth)) in cfg.hidden_sizes.iter().zip(&cfg.depths).enumerate() {
            let stride = if s > 0 || cfg.downsample_in_first_stage {
                2
            } else {
                1
            };
            let vb = stages.pp(s).pp("layers");
            for l in 0..depth.max(1) {
                let (from, st) = if l == 0 { (c_in, stride) } else { (c_out, 1) };
                layers.push(ResidualLayer::new(cfg, vb.pp(l), from, c_out, st)?);
            }
            c_in = c_out;
        }
        let classifier = linear(c_in, num_labels, vb.pp("classifier.1"))?;
        Ok(ResNet {
            stem,
            layers,
            classifier,
        })
    }

    /// Logits (batch × labels) for pixel values (batch × 3 × height × width).
    pub fn forward(&self, pixels: &Tensor) -> candle_core::Result<Tensor> {
        let xs = self.stem.forward(pixels)?;
        let mut xs = max_pool_3x3_s2_p1(&xs)?;
        for l in &self.layers {
            xs = l.forward(&xs)?;
        }
        let pooled = xs.mean(D::Minus1)?.mean(D::Minus1)?;
        self.classifier.forward(&pooled)
    }
}

/// torch's MaxPool2d(kernel 3, stride 2, padding 1): the padding never wins a max.
fn max_pool_3x3_s2_p1(xs: &Tensor) -> candle_core::Result<Tensor> {
    let (b, c, h, w) = xs.dims4()?;
    let low = |shape: (usize, usize, usize, usize)| {
        Tensor::full(f32::NEG_INFINITY, shape, xs.device())?.to_dtype(xs.dtype())
    };
    let xs = Tensor::cat(&[&low((b, c, h, 1))?, xs, &low((b, c, h, 1))?], 3)?;
    let xs = Tensor::cat(&[&low((b, c, 1, w + 2))?, &xs, &low((b, c, 1, w + 2))?], 2)?;
    xs.max_pool2d_with_stride(3, 2)
}
