//! A picture in the terminal, drawn with half blocks: each cell is `▀`, its top half the
//! foreground colour and its bottom half the background, so a cell shows two pixels. Works in
//! every terminal with true colour; without colour (NO_COLOR) it says the picture isn't shown.
//! Where the terminal shows real pictures, `graphics::Overlay` draws them over these cells.

use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use super::graphics::{Drawn, Protocol};
use crate::domain::Thumbnail;
use crate::shell::text::theme::Theme;

/// `picture` scaled to at most `max_cols` columns and `max_rows` rows (area average), in theme
/// `th`, for pictures shown with `protocol`; with the cells laid out, for the overlay to cover
/// when the terminal shows real pictures.
pub fn half_blocks(
    picture: &Thumbnail,
    max_cols: usize,
    max_rows: usize,
    th: Theme,
    protocol: Protocol,
) -> (Vec<Line<'static>>, Option<Drawn>) {
    if th == Theme::NoColor {
        let note = "(the picture is not shown: colours are off)";
        return (vec![Line::styled(note, th.dim())], None);
    }
    if protocol == Protocol::Off {
        let note = "(the picture is not shown: pictures are off)";
        return (vec![Line::styled(note, th.dim())], None);
    }
    if picture.width == 0
        || picture.height == 0
        || picture.rgb.len() < picture.width * picture.height * 3
    {
        return (Vec::new(), None);
    }
    // Terminal cells are about twice as tall as wide: one cell = 1 pixel across, 2 down.
    let scale = (max_cols as f64 / picture.width as f64)
        .min((max_rows * 2) as f64 / picture.height as f64)
        .min(1.0);
    let cols = ((picture.width as f64 * scale) as usize).max(1);
    let rows = ((picture.height as f64 * scale / 2.0).ceil() as usize).max(1);
    // Each half cell is the average of the pixels it covers (one pixel when not shrunk).
    let span = |i: usize, n: usize, len: usize| {
        let lo = (i * len / n).min(len - 1);
        (lo, ((i + 1) * len / n).clamp(lo + 1, len))
    };
    let pixel = |x: usize, y: usize| -> Color {
        let (x0, x1) = span(x, cols, picture.width);
        let (y0, y1) = span(y, rows * 2, picture.height);
        let mut sum = [0u32; 3];
        for sy in y0..y1 {
            for sx in x0..x1 {
                let i = (sy * picture.width + sx) * 3;
                for (c, v) in sum.iter_mut().zip(&picture.rgb[i..i + 3]) {
                    *c += u32::from(*v);
                }
            }
        }
        let n = ((y1 - y0) * (x1 - x0)) as u32;
        let avg = |c: u32| ((c + n / 2) / n) as u8;
        Color::Rgb(avg(sum[0]), avg(sum[1]), avg(sum[2]))
    };
    let cells: Vec<Vec<(Color, Color)>> = (0..rows)
        .map(|r| {
            (0..cols)
                .map(|c| (pixel(c, 2 * r), pixel(c, 2 * r + 1)))
                .collect()
        })
        .collect();
    let lines = cells
        .iter()
        .map(|row| {
            Line::from(
                row.iter()
                    .map(|&(top, bottom)| Span::styled("▀", Style::new().fg(top).bg(bottom)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let drawn = protocol.is_image().then(|| Drawn::new(picture, cells));
    (lines, drawn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shrunk_picture_averages_the_pixels_each_cell_covers() {
        // 4×4 black and white checks, drawn 2 cells wide: every half cell covers two black and
        // two white pixels, so it is mid grey (nearest-pixel sampling would give black or white).
        let rgb = (0..16)
            .flat_map(|i| {
                let v = if (i % 4 + i / 4) % 2 == 0 { 0 } else { 255 };
                [v, v, v]
            })
            .collect();
        let checks = Thumbnail {
            width: 4,
            height: 4,
            rgb,
        };
        // No unit test changes the theme or the picture protocol, so colours are on here.
        let (lines, _) = half_blocks(&checks, 2, 10, Theme::Dark, Protocol::HalfBlocks);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].spans.len(), 2);
        let grey = Color::Rgb(128, 128, 128);
        for span in &lines[0].spans {
            assert_eq!((span.style.fg, span.style.bg), (Some(grey), Some(grey)));
        }
    }
}
