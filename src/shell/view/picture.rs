//! A picture in the terminal, drawn with half blocks: each cell is `▀`, its top half the
//! foreground colour and its bottom half the background, so a cell shows two pixels. Works in
//! every terminal with true colour; without colour (NO_COLOR) it says the picture isn't shown.
//! Where the terminal shows real pictures, `graphics::Overlay` draws them over these cells.

use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use crate::pipelines::Thumbnail;
use crate::shell::theme;

/// `picture` scaled to at most `max_cols` columns and `max_rows` rows (nearest pixel).
pub fn half_blocks(picture: &Thumbnail, max_cols: usize, max_rows: usize) -> Vec<Line<'static>> {
    if theme::current() == theme::Theme::NoColor {
        return vec![Line::styled(
            "(the picture is not shown: colours are off)",
            theme::dim(),
        )];
    }
    let protocol = super::graphics::current();
    if protocol == super::graphics::Protocol::Off {
        return vec![Line::styled(
            "(the picture is not shown: pictures are off)",
            theme::dim(),
        )];
    }
    if picture.width == 0
        || picture.height == 0
        || picture.rgb.len() < picture.width * picture.height * 3
    {
        return Vec::new();
    }
    // Terminal cells are about twice as tall as wide: one cell = 1 pixel across, 2 down.
    let scale = (max_cols as f64 / picture.width as f64)
        .min((max_rows * 2) as f64 / picture.height as f64)
        .min(1.0);
    let cols = ((picture.width as f64 * scale) as usize).max(1);
    let rows = ((picture.height as f64 * scale / 2.0).ceil() as usize).max(1);
    let pixel = |x: usize, y: usize| -> Color {
        let sx = (x * picture.width / cols).min(picture.width - 1);
        let sy = (y * picture.height / (rows * 2)).min(picture.height - 1);
        let i = (sy * picture.width + sx) * 3;
        Color::Rgb(picture.rgb[i], picture.rgb[i + 1], picture.rgb[i + 2])
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
    if protocol.is_image() {
        super::graphics::note_drawn(picture, cells);
    }
    lines
}
