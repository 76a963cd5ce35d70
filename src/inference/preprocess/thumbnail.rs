//! Small copies of pictures for the shell to draw (made on the worker, so the UI thread never
//! decodes an image).

use image::imageops::FilterType;
use image::RgbImage;

use crate::domain::Thumbnail;

/// The longest side of the copy the image pipeline streams: enough for a sharp picture in a
/// terminal that shows real pixels; half blocks average it down to the panel.
pub const SIZE: u32 = 160;

/// `img` shrunk to fit `max` × `max` pixels, keeping its shape (never enlarged).
pub fn of(img: &RgbImage, max: u32) -> Thumbnail {
    let (w, h) = img.dimensions();
    let scale = (max as f64 / w.max(h).max(1) as f64).min(1.0);
    let tw = ((w as f64 * scale).round() as u32).max(1);
    let th = ((h as f64 * scale).round() as u32).max(1);
    let small = image::imageops::resize(img, tw, th, FilterType::Triangle);
    Thumbnail {
        width: tw as usize,
        height: th as usize,
        rgb: small.into_raw(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_shape_and_never_enlarges() {
        let wide = RgbImage::from_pixel(300, 150, image::Rgb([10, 20, 30]));
        let t = of(&wide, 64);
        assert_eq!((t.width, t.height), (64, 32));
        assert_eq!(t.rgb.len(), 64 * 32 * 3);
        assert_eq!(&t.rgb[..3], &[10, 20, 30]);
        let tiny = RgbImage::new(5, 3);
        let t = of(&tiny, 64);
        assert_eq!((t.width, t.height), (5, 3));
    }
}
