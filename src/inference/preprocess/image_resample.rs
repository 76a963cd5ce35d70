//! Resizing an RGB picture exactly as PIL's `Image.resize` does (transformers' image processors
//! resize with PIL): separable convolution, horizontal pass first, with the filter's support
//! widened by the shrink factor (so shrinking averages every source pixel: antialiasing), 22-bit
//! fixed-point weights and 8-bit rounding between the passes. Nearest neighbour as PIL's affine.

use image::RgbImage;

/// PIL's resampling filters, by the numbers preprocessor_config.json uses for `resample`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    Nearest,
    Lanczos,
    Bilinear,
    Bicubic,
    Box,
    Hamming,
}

impl Filter {
    /// PIL's `Image.Resampling` number (0 nearest, 1 lanczos, 2 bilinear, 3 bicubic, 4 box,
    /// 5 hamming).
    pub fn from_pil(number: u64) -> Option<Filter> {
        Some(match number {
            0 => Filter::Nearest,
            1 => Filter::Lanczos,
            2 => Filter::Bilinear,
            3 => Filter::Bicubic,
            4 => Filter::Box,
            5 => Filter::Hamming,
            _ => return None,
        })
    }

    fn support(self) -> f64 {
        match self {
            Filter::Nearest | Filter::Box => 0.5,
            Filter::Bilinear | Filter::Hamming => 1.0,
            Filter::Bicubic => 2.0,
            Filter::Lanczos => 3.0,
        }
    }

    fn weight(self, x: f64) -> f64 {
        match self {
            Filter::Nearest | Filter::Box => {
                if x > -0.5 && x <= 0.5 {
                    1.0
                } else {
                    0.0
                }
            }
            Filter::Bilinear => (1.0 - x.abs()).max(0.0),
            Filter::Hamming => {
                let x = x.abs();
                if x == 0.0 {
                    1.0
                } else if x >= 1.0 {
                    0.0
                } else {
                    let x = x * std::f64::consts::PI;
                    x.sin() / x * (0.54 + 0.46 * x.cos())
                }
            }
            Filter::Bicubic => {
                const A: f64 = -0.5;
                let x = x.abs();
                if x < 1.0 {
                    ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0
                } else if x < 2.0 {
                    (((x - 5.0) * x + 8.0) * x - 4.0) * A
                } else {
                    0.0
                }
            }
            Filter::Lanczos => {
                if (-3.0..3.0).contains(&x) {
                    sinc(x) * sinc(x / 3.0)
                } else {
                    0.0
                }
            }
        }
    }
}

fn sinc(x: f64) -> f64 {
    if x == 0.0 {
        1.0
    } else {
        let x = x * std::f64::consts::PI;
        x.sin() / x
    }
}

const PRECISION_BITS: u32 = 32 - 8 - 2;

/// For each output pixel: the first source pixel used and its fixed-point weights.
struct Coefficients {
    first: Vec<usize>,
    weights: Vec<Vec<i32>>,
}

/// PIL's `precompute_coeffs` + `normalize_coeffs_8bpc` for one axis.
fn coefficients(in_size: usize, out_size: usize, filter: Filter) -> Coefficients {
    let scale = in_size as f64 / out_size as f64;
    let filterscale = scale.max(1.0);
    let support = filter.support() * filterscale;
    let mut first = Vec::with_capacity(out_size);
    let mut weights = Vec::with_capacity(out_size);
    for xx in 0..out_size {
        let center = (xx as f64 + 0.5) * scale;
        // C's (int) cast truncates toward zero; PIL clamps a negative start to 0 right after.
        let xmin = ((center - support + 0.5) as i64).max(0) as usize;
        let xmax = ((center + support + 0.5) as i64)
            .min(in_size as i64)
            .max(xmin as i64) as usize;
        let ss = 1.0 / filterscale;
        let raw: Vec<f64> = (xmin..xmax)
            .map(|x| filter.weight((x as f64 - center + 0.5) * ss))
            .collect();
        let total: f64 = raw.iter().sum();
        let fixed = raw
            .iter()
            .map(|&w| {
                let w = if total != 0.0 { w / total } else { w };
                let scaled = w * f64::from(1u32 << PRECISION_BITS);
                if w < 0.0 {
                    (scaled - 0.5) as i32
                } else {
                    (scaled + 0.5) as i32
                }
            })
            .collect();
        first.push(xmin);
        weights.push(fixed);
    }
    Coefficients { first, weights }
}

fn clip8(v: i32) -> u8 {
    (v >> PRECISION_BITS).clamp(0, 255) as u8
}

/// Resizes `img` to `width` × `height` as PIL's `Image.resize((width, height), filter)` does.
pub fn resize(img: &RgbImage, width: u32, height: u32, filter: Filter) -> RgbImage {
    let (w, h) = img.dimensions();
    if (w, h) == (width, height) || width == 0 || height == 0 {
        return img.clone();
    }
    if filter == Filter::Nearest {
        return nearest(img, width, height);
    }
    let horizontal = if w != width {
        pass(
            img,
            width,
            h,
            &coefficients(w as usize, width as usize, filter),
            true,
        )
    } else {
        img.clone()
    };
    if h == height {
        return horizontal;
    }
    let c = coefficients(h as usize, height as usize, filter);
    pass(&horizontal, width, height, &c, false)
}

/// One pass of the separable convolution, along rows (`horizontal`) or columns, into an
/// `out_w` × `out_h` picture.
fn pass(src: &RgbImage, out_w: u32, out_h: u32, c: &Coefficients, horizontal: bool) -> RgbImage {
    let src_w = src.width() as usize;
    let raw = src.as_raw();
    let mut out = vec![0u8; out_w as usize * out_h as usize * 3];
    for (o, px) in out.chunks_exact_mut(3).enumerate() {
        let (x, y) = (o % out_w as usize, o / out_w as usize);
        let (along, across) = if horizontal { (x, y) } else { (y, x) };
        let (first, ks) = (c.first[along], &c.weights[along]);
        let mut sum = [1i32 << (PRECISION_BITS - 1); 3];
        for (i, &k) in ks.iter().enumerate() {
            let at = if horizontal {
                (across * src_w + first + i) * 3
            } else {
                ((first + i) * src_w + across) * 3
            };
            for ch in 0..3 {
                sum[ch] += i32::from(raw[at + ch]) * k;
            }
        }
        px.copy_from_slice(&sum.map(clip8));
    }
    RgbImage::from_raw(out_w, out_h, out).unwrap_or_default()
}

/// PIL's nearest neighbour: the source pixel under each output pixel's centre.
fn nearest(img: &RgbImage, width: u32, height: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    let (sx, sy) = (
        f64::from(w) / f64::from(width),
        f64::from(h) / f64::from(height),
    );
    RgbImage::from_fn(width, height, |x, y| {
        let src_x = ((f64::from(x) + 0.5) * sx) as u32;
        let src_y = ((f64::from(y) + 0.5) * sy) as u32;
        *img.get_pixel(src_x.min(w - 1), src_y.min(h - 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_of_each_output_pixel_sum_to_one() {
        for filter in [
            Filter::Bilinear,
            Filter::Bicubic,
            Filter::Lanczos,
            Filter::Box,
        ] {
            for (n_in, n_out) in [(64, 32), (48, 32), (18, 56), (85, 64)] {
                let c = coefficients(n_in, n_out, filter);
                for ks in &c.weights {
                    let total: i64 = ks.iter().map(|&k| i64::from(k)).sum();
                    assert!((total - (1 << PRECISION_BITS)).abs() <= ks.len() as i64);
                }
            }
        }
    }

    #[test]
    fn shrinking_by_two_with_bilinear_averages_a_wider_window() {
        // PIL widens the triangle to support 2 when halving: 4 source pixels per output pixel.
        let c = coefficients(8, 4, Filter::Bilinear);
        assert_eq!(c.first[1], 1);
        assert_eq!(c.weights[1].len(), 4);
    }

    #[test]
    fn a_flat_picture_stays_flat() {
        let img = RgbImage::from_pixel(37, 23, image::Rgb([10, 128, 250]));
        for filter in [
            Filter::Bilinear,
            Filter::Bicubic,
            Filter::Lanczos,
            Filter::Nearest,
        ] {
            let out = resize(&img, 16, 40, filter);
            assert_eq!(out.dimensions(), (16, 40));
            assert!(out.pixels().all(|p| p.0 == [10, 128, 250]), "{filter:?}");
        }
    }
}
