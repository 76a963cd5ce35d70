//! A PNG decompression bomb: a 7.5 MB file that says 20000 × 20000 RGB (1.2 GB of pixels, 2.35
//! GB to decode and convert). The picture's size is checked from its header, before a pixel is
//! decoded: a clear error, fast, and no big allocation.

use std::io::Write;
use std::time::Instant;

use crate::common::*;

/// CRC-32 (PNG's), bit by bit: small and plenty fast for a few MB.
fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for part in parts {
        for &b in *part {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
    }
    !crc
}

/// Bits written least significant first, as deflate wants.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, count: u32) {
        self.acc |= value << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }
    /// A Huffman code: its bits go most significant first.
    fn code(&mut self, code: u64, count: u32) {
        let reversed = code.reverse_bits() >> (64 - count);
        self.put(reversed, count);
    }
    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// A zlib stream of `n` zero bytes: one fixed-Huffman deflate block, a literal 0 and then
/// matches of 258 bytes at distance 1 (13 bits each).
fn zlib_zeros(n: u64) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // BTYPE = fixed Huffman
    let literal_zero = |b: &mut Bits| b.code(0b0011_0000, 8);
    literal_zero(&mut bits);
    let rest = n - 1;
    for _ in 0..rest / 258 {
        bits.code(0b1100_0101, 8); // length code 285: 258
        bits.code(0, 5); // distance code 0: 1
    }
    for _ in 0..rest % 258 {
        literal_zero(&mut bits);
    }
    bits.code(0, 7); // end of block (256)
    let mut out = vec![0x78, 0x01];
    out.extend(bits.finish());
    // Adler-32 of n zeros: a stays 1, b adds 1 per byte.
    let adler = ((n % 65521) as u32) << 16 | 1;
    out.extend(adler.to_be_bytes());
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    out.extend(kind);
    out.extend(data);
    out.extend(crc32(&[kind, data]).to_be_bytes());
}

/// A black `side` × `side` RGB PNG, compressed to almost nothing.
fn png_bomb(side: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(side.to_be_bytes());
    ihdr.extend(side.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter method, no interlace
    chunk(&mut png, b"IHDR", &ihdr);
    let raw = u64::from(side) * (1 + 3 * u64::from(side)); // a filter byte per row
    chunk(&mut png, b"IDAT", &zlib_zeros(raw));
    chunk(&mut png, b"IEND", &[]);
    png
}

/// The largest resident size of any child this process has waited for, in bytes.
fn children_max_rss() -> u64 {
    // SAFETY: getrusage fills the struct it is given; a zeroed rusage is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } == 0;
    assert!(ok, "getrusage");
    u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024
}

#[test]
fn the_generated_bomb_is_a_real_png() {
    // The generator itself, on a small picture the image crate decodes whole.
    let small = png_bomb(64);
    let img = image::load_from_memory(&small).expect("a valid PNG");
    assert_eq!((img.width(), img.height()), (64, 64));
    assert!(img.to_rgb8().pixels().all(|p| p.0 == [0, 0, 0]));
}

#[test]
fn a_png_bomb_is_refused_from_its_header() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("bomb.png");
    let bomb = png_bomb(20_000);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(&bomb))
        .expect("write");
    eprintln!("bomb: {:.1} MB on disk", bomb.len() as f64 / 1e6);
    let home = tempfile::tempdir().expect("home");
    let model = fixture("resnet_tiny");
    let started = Instant::now();
    let out = hftutor(
        &[
            "pipeline",
            "image-classification",
            "--model",
            model.to_str().expect("path"),
            path.to_str().expect("path"),
        ],
        home.path(),
    );
    let took = started.elapsed();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("is 20000 × 20000 pixels (400 megapixels): hftutor reads pictures of at most 50 megapixels"),
        "{all}"
    );
    let rss = children_max_rss();
    eprintln!(
        "refused in {:.2} s; largest child so far {:.0} MB",
        took.as_secs_f64(),
        rss as f64 / 1e6
    );
    assert!(rss < 500_000_000, "a child used {rss} bytes");
}
