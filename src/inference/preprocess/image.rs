//! Pictures in, pixel values out, as transformers' image-classification pipeline prepares them:
//! reading an image file (EXIF rotation applied, alpha dropped, as `load_image` does), then
//! preprocessor_config.json's steps as ViTImageProcessor / ConvNextImageProcessor (ResNet) do
//! them with PIL: resize (height × width, or shortest edge with `crop_pct`), centre crop,
//! rescale by 1/255 and normalise with `image_mean` / `image_std`.

use std::io::BufReader;
use std::path::Path;

use candle_core::{Device, Tensor};
use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage};
use serde_json::Value;

use crate::inference::model_error;
use crate::inference::preprocess::image_resample::{resize, Filter};
use crate::inference::PipelineError;

/// The picture formats hftutor reads, for messages.
pub const FORMATS: &str = "PNG, JPEG, GIF, WebP and BMP";

/// The most pixels a picture may have, checked from its header before it is decoded: a 1 MB
/// PNG can say 20000 × 20000 (1.2 GB of RGB), a decompression bomb. 50 megapixels is a large
/// phone photo; decoded it is at most 400 MB (16-bit RGBA), then 150 MB as RGB.
pub const MAX_PIXELS: u64 = 50_000_000;
/// The most bytes the decoder may allocate (its own limit, a second line behind the header check).
const MAX_DECODE_BYTES: u64 = 8 * MAX_PIXELS;

/// Reads the picture at `path` as RGB, turned upright as its EXIF orientation says.
pub fn load_image(path: &str) -> Result<RgbImage, PipelineError> {
    let bad = |m: String| PipelineError::BadInput(m);
    if path.trim().is_empty() {
        return Err(bad(
            "give the path of an image file, e.g. photos/cat.jpg".into()
        ));
    }
    let p = Path::new(path);
    if p.is_dir() {
        return Err(bad(format!(
            "\"{path}\" is a folder: give the path of one image file inside it"
        )));
    }
    let file = std::fs::File::open(p).map_err(|e| {
        bad(match e.kind() {
            std::io::ErrorKind::NotFound => {
                format!("there is no file \"{path}\": check the spelling and the folder you are in")
            }
            _ => format!("can't open \"{path}\": {e}"),
        })
    })?;
    let mut reader = ImageReader::new(BufReader::new(file))
        .with_guessed_format()
        .map_err(|e| bad(format!("can't read \"{path}\": {e}")))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let Some(format) = reader.format() else {
        return Err(bad(format!(
            "\"{path}\" is not a picture hftutor can read: it reads {FORMATS} files"
        )));
    };
    let kind = format!("{format:?}").to_uppercase();
    let damaged = |e: image::ImageError| match e {
        image::ImageError::Unsupported(_) => bad(format!(
            "\"{path}\" is a {kind} picture, which hftutor can't read: save it as PNG or JPEG \
             ({FORMATS} work)"
        )),
        image::ImageError::Limits(_) => bad(format!(
            "\"{path}\" is too big a picture to read: make it smaller (a few thousand pixels \
             across is plenty)"
        )),
        e => bad(format!(
            "\"{path}\" looks like a {kind} picture, but it is damaged or cut short: {e}"
        )),
    };
    if format == image::ImageFormat::Jpeg && !jpeg_is_complete(p) {
        return Err(bad(format!(
            "\"{path}\" looks like a JPEG picture, but it is damaged or cut short: it stops \
             before the end of the picture"
        )));
    }
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    // The header is read; the pixels are not yet.
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(bad(format!(
            "\"{path}\" is {w} × {h} pixels ({:.0} megapixels): hftutor reads pictures of at \
             most {} megapixels; make it smaller (a few thousand pixels across is plenty)",
            (u64::from(w) * u64::from(h)) as f64 / 1e6,
            MAX_PIXELS / 1_000_000
        )));
    }
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(damaged)?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    if img.width() == 0 || img.height() == 0 {
        return Err(bad(format!("\"{path}\" is an empty picture (0 pixels)")));
    }
    Ok(img.to_rgb8())
}

/// Whether a JPEG file reaches its end-of-image marker. The decoder quietly paints a cut-short
/// file's missing part grey (PIL refuses it): walk the segments before the first scan (the
/// EXIF thumbnail inside APP1 has markers of its own), then look for the end marker (0xFFD9)
/// after it, which scan data can't contain by accident (0xFF is followed by 0 there).
fn jpeg_is_complete(path: &Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return true; // the decoder reports what is wrong
    };
    let mut i = 2; // after SOI
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return true; // not a layout this check knows: leave it to the decoder
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        let len = usize::from(bytes[i + 2]) << 8 | usize::from(bytes[i + 3]);
        if marker == 0xDA {
            return bytes[i + 2 + len.min(bytes.len() - i - 2)..]
                .windows(2)
                .any(|w| w == [0xFF, 0xD9]);
        }
        i += 2 + len;
    }
    false
}

/// How the picture is brought to the model's input size.
#[derive(Debug, Clone, PartialEq)]
pub enum Resize {
    /// Stretch to exactly this size (ViT).
    Exact { height: u32, width: u32 },
    /// Scale so the shorter side is this long, keeping the proportions.
    ShortestEdge(u32),
    /// ConvNext (ResNet): below 384, shortest edge to `edge / crop_pct`, then a centre crop of
    /// `edge` × `edge`; from 384 on, stretch to `edge` × `edge`.
    ConvNext { edge: u32, crop_pct: f64 },
}

/// The steps of preprocessor_config.json that image classification uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Preprocessor {
    pub resize: Option<Resize>,
    pub filter: Filter,
    /// Centre crop to (height, width) after resizing.
    pub crop: Option<(u32, u32)>,
    pub rescale: Option<f64>,
    pub normalize: Option<([f32; 3], [f32; 3])>,
}

const IMAGENET_STANDARD: [f32; 3] = [0.5, 0.5, 0.5];

/// The largest input side a preprocessor_config.json may ask for.
const MAX_SIZE: u32 = 4096;

impl Preprocessor {
    /// Reads preprocessor_config.json (both the `image_processor_type` and the older
    /// `feature_extractor_type` files that real checkpoints ship).
    pub fn from_config(config: &Value) -> Result<Preprocessor, PipelineError> {
        let kind = config["image_processor_type"]
            .as_str()
            .or(config["feature_extractor_type"].as_str())
            .unwrap_or("ViTImageProcessor");
        let convnext = kind.starts_with("ConvNext");
        // transformers turns a bare number into a square, except for processors that default
        // to keeping proportions (ConvNext, CLIP, BiT, MobileNet).
        let square_by_default = !["ConvNext", "CLIP", "Bit", "MobileNet"]
            .iter()
            .any(|p| kind.starts_with(p));
        let flag = |key: &str, default: bool| config[key].as_bool().unwrap_or(default);
        let size = |v: &Value| v.as_u64().map(|n| n as u32);
        let bad_size = || {
            model_error(format!(
                "preprocessor_config.json has a size I can't use: {}",
                config["size"]
            ))
        };
        let resize = if !flag("do_resize", true) {
            None
        } else {
            let s = &config["size"];
            let shortest =
                size(&s["shortest_edge"]).or(if square_by_default { None } else { size(s) });
            let exact = match (size(&s["height"]), size(&s["width"])) {
                (Some(h), Some(w)) => Some((h, w)),
                _ if square_by_default => size(s).map(|n| (n, n)),
                _ => None,
            };
            let default = if convnext { Some(384) } else { None };
            Some(
                match (exact, shortest.or(if s.is_null() { default } else { None })) {
                    (Some((height, width)), _) => Resize::Exact { height, width },
                    (None, Some(edge)) if convnext => Resize::ConvNext {
                        edge,
                        crop_pct: config["crop_pct"].as_f64().unwrap_or(224.0 / 256.0),
                    },
                    (None, Some(edge)) => Resize::ShortestEdge(edge),
                    (None, None) if s.is_null() => Resize::Exact {
                        height: 224,
                        width: 224,
                    },
                    (None, None) => return Err(bad_size()),
                },
            )
        };
        let resample = config["resample"]
            .as_u64()
            .unwrap_or(if convnext { 3 } else { 2 });
        let filter = Filter::from_pil(resample).ok_or_else(|| {
            model_error(format!(
                "preprocessor_config.json names resample filter {resample}, which PIL doesn't have"
            ))
        })?;
        let crop = if flag("do_center_crop", false) {
            let c = &config["crop_size"];
            match (size(&c["height"]), size(&c["width"]), size(c)) {
                (Some(h), Some(w), _) => Some((h, w)),
                (_, _, Some(n)) => Some((n, n)),
                _ => Some((224, 224)),
            }
        } else {
            None
        };
        let sizes_ok = match &resize {
            Some(Resize::Exact { height, width }) => [*height, *width],
            Some(Resize::ShortestEdge(e)) => [*e, *e],
            Some(Resize::ConvNext { edge, crop_pct }) => {
                if !(crop_pct.is_finite() && *crop_pct > 0.0 && *crop_pct <= 2.0) {
                    return Err(model_error(format!(
                        "crop_pct in preprocessor_config.json must be above 0 (it is {crop_pct})"
                    )));
                }
                [*edge, (f64::from(*edge) / crop_pct) as u32]
            }
            None => [1, 1],
        }
        .into_iter()
        .chain(crop.map_or([1, 1], |(h, w)| [h, w]))
        .all(|n| (1..=MAX_SIZE).contains(&n));
        if !sizes_ok {
            return Err(bad_size());
        }
        let rescale = flag("do_rescale", true)
            .then(|| config["rescale_factor"].as_f64().unwrap_or(1.0 / 255.0));
        let three = |key: &str| -> Result<[f32; 3], PipelineError> {
            match &config[key] {
                Value::Null => Ok(IMAGENET_STANDARD),
                Value::Number(n) => Ok([n.as_f64().unwrap_or(0.5) as f32; 3]),
                Value::Array(a) if a.len() == 3 => {
                    let mut out = [0f32; 3];
                    for (o, v) in out.iter_mut().zip(a) {
                        *o = v.as_f64().ok_or_else(|| model_error(format!("{key} in preprocessor_config.json must hold numbers")))? as f32;
                    }
                    Ok(out)
                }
                other => Err(model_error(format!("{key} in preprocessor_config.json must be 3 numbers (red, green, blue), not {other}"))),
            }
        };
        let normalize = if flag("do_normalize", true) {
            let std = three("image_std")?;
            if std.contains(&0.0) {
                return Err(model_error("image_std in preprocessor_config.json has a 0"));
            }
            Some((three("image_mean")?, std))
        } else {
            None
        };
        Ok(Preprocessor {
            resize,
            filter,
            crop,
            rescale,
            normalize,
        })
    }

    /// The resized and cropped picture, still 8-bit, as the processor has it before rescaling.
    pub fn resized(&self, img: &RgbImage) -> Result<RgbImage, PipelineError> {
        let (w, h) = img.dimensions();
        let mut img = match &self.resize {
            None => img.clone(),
            Some(Resize::Exact { height, width }) => resize(img, *width, *height, self.filter),
            Some(Resize::ShortestEdge(edge)) => {
                let (nw, nh) = shortest_edge_size(w, h, *edge)?;
                resize(img, nw, nh, self.filter)
            }
            Some(Resize::ConvNext { edge, crop_pct }) if *edge < 384 => {
                let (nw, nh) = shortest_edge_size(w, h, (f64::from(*edge) / crop_pct) as u32)?;
                center_crop(&resize(img, nw, nh, self.filter), *edge, *edge)
            }
            Some(Resize::ConvNext { edge, .. }) => resize(img, *edge, *edge, self.filter),
        };
        if let Some((ch, cw)) = self.crop {
            img = center_crop(&img, ch, cw);
        }
        Ok(img)
    }

    /// Pixel values, channels first (3 × height × width), as transformers' processor gives
    /// them, with the height and width.
    pub fn pixel_values(&self, img: &RgbImage) -> Result<(Vec<f32>, usize, usize), PipelineError> {
        let img = self.resized(img)?;
        let (w, h) = img.dimensions();
        let plane = (w * h) as usize;
        let mut out = vec![0f32; 3 * plane];
        for (i, p) in img.pixels().enumerate() {
            for c in 0..3 {
                // As numpy does it: u8 to f64, times the factor, down to f32; then f32 arithmetic.
                let mut v = match self.rescale {
                    Some(f) => (f64::from(p[c]) * f) as f32,
                    None => f32::from(p[c]),
                };
                if let Some((mean, std)) = &self.normalize {
                    v = (v - mean[c]) / std[c];
                }
                out[c * plane + i] = v;
            }
        }
        Ok((out, h as usize, w as usize))
    }

    /// The pixel values as a (1, 3, height, width) tensor for a model.
    pub fn tensor(&self, img: &RgbImage) -> Result<Tensor, PipelineError> {
        let (values, h, w) = self.pixel_values(img)?;
        Ok(Tensor::from_vec(values, (1, 3, h, w), &Device::Cpu)?)
    }
}

/// transformers' `get_resize_output_image_size(default_to_square=False)`: (width, height).
fn shortest_edge_size(w: u32, h: u32, edge: u32) -> Result<(u32, u32), PipelineError> {
    let (short, long) = if w <= h { (w, h) } else { (h, w) };
    let new_long = (f64::from(edge) * f64::from(long) / f64::from(short)) as u32;
    if new_long > 4 * MAX_SIZE {
        return Err(PipelineError::BadInput(format!(
            "this picture ({w}×{h} pixels) is too long and thin to classify: crop it closer to a \
             square first"
        )));
    }
    Ok(if w <= h {
        (edge, new_long)
    } else {
        (new_long, edge)
    })
}

/// transformers' numpy centre crop, padding with black where the picture is smaller.
fn center_crop(img: &RgbImage, height: u32, width: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    let (pad_top, pad_left) = (
        height.saturating_sub(h).div_ceil(2),
        width.saturating_sub(w).div_ceil(2),
    );
    let top = i64::from(h.max(height) - height) / 2 - i64::from(pad_top);
    let left = i64::from(w.max(width) - width) / 2 - i64::from(pad_left);
    RgbImage::from_fn(width, height, |x, y| {
        let (sx, sy) = (left + i64::from(x), top + i64::from(y));
        if sx >= 0 && sy >= 0 && sx < i64::from(w) && sy < i64::from(h) {
            *img.get_pixel(sx as u32, sy as u32)
        } else {
            image::Rgb([0, 0, 0])
        }
    })
}
