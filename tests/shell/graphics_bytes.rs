//! The escape sequences of each picture protocol for tiny known pictures, read back: kitty and
//! iTerm2 carry a base64 PNG (decoded and compared pixel by pixel, kitty in chunks of 4096),
//! sixel is parsed back into its palette colours; tmux passthrough doubles escapes.

use base64::Engine;
use hftutor::domain::Thumbnail;
use hftutor::shell::graphics;

/// Two pixels wide, four tall: rows red, green, blue, white.
fn stripes() -> Thumbnail {
    let rows: [[u8; 3]; 4] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]];
    Thumbnail {
        width: 2,
        height: 4,
        rgb: rows.iter().flat_map(|p| [*p, *p]).flatten().collect(),
    }
}

/// A 64×64 picture of noise (PNG can't squeeze it: several kitty chunks).
fn noise() -> Thumbnail {
    let mut x: u32 = 12345;
    let rgb = (0..64 * 64 * 3)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    Thumbnail {
        width: 64,
        height: 64,
        rgb,
    }
}

fn decode_png(b64: &[u8]) -> (u32, u32, Vec<u8>) {
    let png = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("valid base64");
    let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .expect("a PNG")
        .to_rgb8();
    (img.width(), img.height(), img.into_raw())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("escapes are ASCII")
}

#[test]
fn kitty_sends_the_png_in_one_sequence_when_small() {
    let bytes = graphics::kitty(&stripes(), 7, 2, 2);
    let s = text(&bytes);
    let head = "\x1b_Ga=T,f=100,i=7,c=2,r=2,C=1,q=2,m=0;";
    assert!(s.starts_with(head), "{s:?}");
    assert!(s.ends_with("\x1b\\"));
    let payload = &s[head.len()..s.len() - 2];
    assert_eq!(decode_png(payload.as_bytes()), (2, 4, stripes().rgb));
}

#[test]
fn kitty_splits_big_pictures_into_chunks_of_4096() {
    let picture = noise();
    let s = text(&graphics::kitty(&picture, 9, 32, 16));
    let parts: Vec<&str> = s.split("\x1b\\").filter(|p| !p.is_empty()).collect();
    assert!(parts.len() >= 3, "{} chunks", parts.len());
    let mut data = String::new();
    for (i, part) in parts.iter().enumerate() {
        let (control, chunk) = part.split_once(';').expect("control;payload");
        let last = i + 1 == parts.len();
        let more = if last { "m=0" } else { "m=1" };
        if i == 0 {
            assert_eq!(
                control,
                format!("\x1b_Ga=T,f=100,i=9,c=32,r=16,C=1,q=2,{more}")
            );
        } else {
            assert_eq!(control, format!("\x1b_G{more}"));
        }
        assert!(chunk.len() <= 4096);
        if !last {
            assert_eq!(chunk.len(), 4096, "only the last chunk is short");
        }
        data.push_str(chunk);
    }
    assert_eq!(decode_png(data.as_bytes()), (64, 64, picture.rgb));
    assert_eq!(
        text(&graphics::kitty_delete(9)),
        "\x1b_Ga=d,d=I,i=9,q=2\x1b\\"
    );
}

#[test]
fn iterm_sends_an_inline_png_sized_in_cells() {
    let s = text(&graphics::iterm(&stripes(), 2, 2));
    let (head, rest) = s.split_once(':').expect("header:data");
    let data = rest.strip_suffix('\x07').expect("ends with BEL");
    let png = base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("base64");
    assert_eq!(
        head,
        format!(
            "\x1b]1337;File=inline=1;size={};width=2;height=2;preserveAspectRatio=0",
            png.len()
        )
    );
    assert_eq!(decode_png(data.as_bytes()), (2, 4, stripes().rgb));
}

#[test]
fn sixel_of_one_red_pixel_is_exact() {
    let red = Thumbnail {
        width: 1,
        height: 1,
        rgb: vec![255, 0, 0],
    };
    // 1×6 pixels: colour 180 (5,0,0 in the cube) = 100% red; one column with all six bits.
    assert_eq!(
        text(&graphics::sixel(&red, 1, 6)),
        "\x1bP0;1;0q\"1;1;1;6#180;2;100;0;0#180~\x1b\\"
    );
    assert!(graphics::sixel(&red, 1, 5).is_empty(), "less than a band");
}

/// Reads a sixel image back into palette indices per pixel (enough of the format for ours).
fn read_sixel(s: &str) -> (usize, usize, Vec<Vec<Option<usize>>>) {
    let body = s
        .strip_prefix("\x1bP0;1;0q\"1;1;")
        .and_then(|b| b.strip_suffix("\x1b\\"))
        .expect("our DCS");
    let (size, rest) = body.split_once('#').expect("a palette");
    let (w, h) = size.split_once(';').expect("w;h");
    let (w, h): (usize, usize) = (w.parse().expect("w"), h.parse().expect("h"));
    let mut px = vec![vec![None; w]; h];
    let (mut x, mut band, mut colour) = (0usize, 0usize, 0usize);
    let mut chars = rest.chars().peekable();
    let number = |chars: &mut std::iter::Peekable<std::str::Chars>| {
        let mut n = String::new();
        while let Some(c) = chars.peek().filter(|c| c.is_ascii_digit()) {
            n.push(*c);
            chars.next();
        }
        n.parse::<usize>().expect("a number")
    };
    // The first '#' was eaten by split_once.
    let mut first = true;
    while first || chars.peek().is_some() {
        let c = if first {
            '#'
        } else {
            chars.next().expect("peeked")
        };
        first = false;
        match c {
            '#' => {
                colour = number(&mut chars);
                if chars.peek() == Some(&';') {
                    // A palette entry: #i;2;r;g;b
                    for _ in 0..4 {
                        chars.next();
                        number(&mut chars);
                    }
                }
            }
            '$' => x = 0,
            '-' => {
                x = 0;
                band += 1;
            }
            '!' => {
                let run = number(&mut chars);
                let bits = chars.next().expect("a sixel") as usize - 63;
                for _ in 0..run {
                    for dy in 0..6 {
                        if bits & (1 << dy) != 0 {
                            px[band * 6 + dy][x] = Some(colour);
                        }
                    }
                    x += 1;
                }
            }
            '?'..='~' => {
                let bits = c as usize - 63;
                for dy in 0..6 {
                    if bits & (1 << dy) != 0 {
                        px[band * 6 + dy][x] = Some(colour);
                    }
                }
                x += 1;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    (w, h, px)
}

#[test]
fn sixel_reads_back_as_the_picture_scaled() {
    // The stripes at 4×12 pixels: each source row becomes 3 rows of its colour.
    let (w, h, px) = read_sixel(&text(&graphics::sixel(&stripes(), 4, 12)));
    assert_eq!((w, h), (4, 12));
    let cube = |r: usize, g: usize, b: usize| Some(r * 36 + g * 6 + b);
    let want = [cube(5, 0, 0), cube(0, 5, 0), cube(0, 0, 5), cube(5, 5, 5)];
    for (y, row) in px.iter().enumerate() {
        assert!(row.iter().all(|p| *p == want[y / 3]), "row {y}: {row:?}");
    }
    // A bigger noisy one: every pixel gets exactly its nearest cube colour.
    let picture = noise();
    let (w, h, px) = read_sixel(&text(&graphics::sixel(&picture, 64, 64 + 5)));
    assert_eq!((w, h), (64, 66), "height rounds down to whole bands");
    let level = |v: u8| (usize::from(v) * 5 + 127) / 255;
    for y in [0, 17, 65] {
        for x in [0, 31, 63] {
            let sy = y * 64 / 66;
            let i = (sy * 64 + x) * 3;
            let p = &picture.rgb[i..i + 3];
            assert_eq!(px[y][x], cube(level(p[0]), level(p[1]), level(p[2])));
        }
    }
}

#[test]
fn tmux_passthrough_doubles_escapes() {
    assert_eq!(
        graphics::tmux_passthrough(b"\x1b_Ga=d\x1b\\"),
        b"\x1bPtmux;\x1b\x1b_Ga=d\x1b\x1b\\\x1b\\".to_vec()
    );
}
