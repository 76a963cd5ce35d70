//! The bytes of a picture for each terminal graphics protocol: kitty (PNG in base64 chunks of
//! 4096, `a=T`), iTerm2 (`OSC 1337 File=inline=1`) and sixel (a 6×6×6 colour cube, run-length
//! encoded). Pure functions of the picture and its size, so tests can read them back.

use std::io::Write;

use base64::Engine;

use crate::domain::Thumbnail;

/// Base64 characters per kitty escape sequence (the protocol's limit).
pub const KITTY_CHUNK: usize = 4096;

/// The picture as a PNG file (empty if it can't be encoded: a broken thumbnail).
pub fn png(picture: &Thumbnail) -> Vec<u8> {
    let (Ok(w), Ok(h)) = (u32::try_from(picture.width), u32::try_from(picture.height)) else {
        return Vec::new();
    };
    let Some(rgb) = picture.rgb.get(..picture.width * picture.height * 3) else {
        return Vec::new();
    };
    let mut out = std::io::Cursor::new(Vec::new());
    let encoder = image::codecs::png::PngEncoder::new(&mut out);
    match image::ImageEncoder::write_image(encoder, rgb, w, h, image::ExtendedColorType::Rgb8) {
        Ok(()) => out.into_inner(),
        Err(_) => Vec::new(),
    }
}

/// Kitty graphics: transmit and show the picture as image `id`, stretched over `cols`×`rows`
/// cells at the cursor, without moving the cursor (`C=1`) and with no replies (`q=2`).
pub fn kitty(picture: &Thumbnail, id: u32, cols: u16, rows: u16) -> Vec<u8> {
    let data = base64::engine::general_purpose::STANDARD.encode(png(picture));
    let chunks: Vec<&[u8]> = data.as_bytes().chunks(KITTY_CHUNK).collect();
    let mut out = Vec::with_capacity(data.len() + 64 * chunks.len().max(1));
    let last = chunks.len().saturating_sub(1);
    if chunks.is_empty() {
        return out;
    }
    for (i, chunk) in chunks.iter().enumerate() {
        let more = u8::from(i < last);
        if i == 0 {
            let _ = write!(
                out,
                "\x1b_Ga=T,f=100,i={id},c={cols},r={rows},C=1,q=2,m={more};"
            );
        } else {
            let _ = write!(out, "\x1b_Gm={more};");
        }
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\x1b\\");
    }
    out
}

/// Kitty graphics: delete image `id` (its placements and its data).
pub fn kitty_delete(id: u32) -> Vec<u8> {
    format!("\x1b_Ga=d,d=I,i={id},q=2\x1b\\").into_bytes()
}

/// iTerm2 inline image: the PNG stretched over `cols`×`rows` cells at the cursor.
pub fn iterm(picture: &Thumbnail, cols: u16, rows: u16) -> Vec<u8> {
    let png = png(picture);
    if png.is_empty() {
        return Vec::new();
    }
    let data = base64::engine::general_purpose::STANDARD.encode(&png);
    format!(
        "\x1b]1337;File=inline=1;size={};width={cols};height={rows};preserveAspectRatio=0:{data}\x07",
        png.len()
    )
    .into_bytes()
}

/// The colour cube's level (0..6) nearest to a channel value.
fn level(v: u8) -> usize {
    (usize::from(v) * 5 + 127) / 255
}

/// Sixel: the picture scaled (nearest pixel) to `width`×`height` pixels, in the 216 colours of
/// a 6×6×6 cube. `height` is rounded down to whole six-pixel bands so it never spills a row.
pub fn sixel(picture: &Thumbnail, width: usize, height: usize) -> Vec<u8> {
    let height = height / 6 * 6;
    if width == 0
        || height == 0
        || picture.width == 0
        || picture.height == 0
        || picture.rgb.len() < picture.width * picture.height * 3
    {
        return Vec::new();
    }
    // Palette index of every output pixel.
    let index: Vec<usize> = (0..height)
        .flat_map(|y| (0..width).map(move |x| (x, y)))
        .map(|(x, y)| {
            let sx = (x * picture.width / width).min(picture.width - 1);
            let sy = (y * picture.height / height).min(picture.height - 1);
            let i = (sy * picture.width + sx) * 3;
            let p = &picture.rgb[i..i + 3];
            level(p[0]) * 36 + level(p[1]) * 6 + level(p[2])
        })
        .collect();
    let mut out = Vec::new();
    // DCS q, pixel aspect 1:1, background left as is; raster attributes give the size.
    let _ = write!(out, "\x1bP0;1;0q\"1;1;{width};{height}");
    let mut used = [false; 216];
    for &i in &index {
        used[i] = true;
    }
    for (i, _) in used.iter().enumerate().filter(|(_, u)| **u) {
        let pct = |l: usize| l * 100 / 5;
        let _ = write!(
            out,
            "#{i};2;{};{};{}",
            pct(i / 36),
            pct(i / 6 % 6),
            pct(i % 6)
        );
    }
    for band in 0..height / 6 {
        if band > 0 {
            out.push(b'-');
        }
        let rows = &index[band * 6 * width..(band + 1) * 6 * width];
        let mut colours: Vec<usize> = rows.to_vec();
        colours.sort_unstable();
        colours.dedup();
        for (n, &c) in colours.iter().enumerate() {
            if n > 0 {
                out.push(b'$');
            }
            let _ = write!(out, "#{c}");
            let column = |x: usize| -> u8 {
                (0..6)
                    .filter(|&dy| rows[dy * width + x] == c)
                    .fold(0u8, |bits, dy| bits | 1 << dy)
            };
            let mut x = 0;
            while x < width {
                let bits = column(x);
                let mut run = 1;
                while x + run < width && column(x + run) == bits {
                    run += 1;
                }
                let ch = 63 + bits;
                if run > 3 {
                    let _ = write!(out, "!{run}{}", ch as char);
                } else {
                    out.extend(std::iter::repeat_n(ch, run));
                }
                x += run;
            }
        }
    }
    out.extend_from_slice(b"\x1b\\");
    out
}

/// Wraps an escape sequence for tmux's passthrough (`allow-passthrough on`): inside
/// `ESC P tmux; … ESC \`, every ESC doubled.
pub fn tmux_passthrough(seq: &[u8]) -> Vec<u8> {
    let mut out = b"\x1bPtmux;".to_vec();
    for &b in seq {
        if b == 0x1b {
            out.push(0x1b);
        }
        out.push(b);
    }
    out.extend_from_slice(b"\x1b\\");
    out
}
