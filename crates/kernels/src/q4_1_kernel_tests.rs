//! Tests of `q4_1_kernel` against a plain reference: candle's own quantise/dequantise, then an f64
//! dot product — odd row counts included.

use super::kernels::scalar;
use super::*;
use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{Device, Tensor};

/// Deterministic values in about [-2, 2).
fn values(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 4.0 - 2.0
        })
        .collect()
}

/// (our matrix, candle's dequantised f32 weights) for a random rows × cols matrix.
fn quantised(dtype: GgmlDType, rows: usize, cols: usize, seed: u64) -> (Matrix, Vec<f32>) {
    let w = Tensor::from_vec(values(rows * cols, seed), (rows, cols), &Device::Cpu).unwrap();
    let q = QTensor::quantize(&w, dtype).unwrap();
    let kind = match dtype {
        GgmlDType::Q4_1 => BlockKind::Q4_1,
        _ => BlockKind::Q8_0,
    };
    let m = Matrix::from_blocks(kind, rows, cols, q.data().unwrap().into_owned()).unwrap();
    let deq = q.dequantize(&Device::Cpu).unwrap().flatten_all().unwrap();
    (m, deq.to_vec1::<f32>().unwrap())
}

fn reference(w: &[f32], x: &[f32], rows: usize, cols: usize) -> Vec<(f64, f64)> {
    (0..rows)
        .map(|r| {
            let row = &w[r * cols..(r + 1) * cols];
            let dot = row.iter().zip(x).map(|(a, b)| *a as f64 * *b as f64).sum();
            let mag = row
                .iter()
                .zip(x)
                .map(|(a, b)| (*a as f64 * *b as f64).abs())
                .sum();
            (dot, mag)
        })
        .collect()
}

fn assert_close(got: &[f32], want: &[(f64, f64)], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (i, (g, (w, mag))) in got.iter().zip(want).enumerate() {
        let tol = 1e-5 * mag.max(1.0);
        assert!((*g as f64 - w).abs() <= tol, "{what} row {i}: {g} vs {w}");
    }
}

const SHAPES: [(usize, usize); 6] = [(1, 32), (3, 64), (37, 96), (64, 576), (193, 160), (5, 1536)];

#[test]
fn rows_dequantise_exactly_as_candle_does() {
    for dtype in [GgmlDType::Q4_1, GgmlDType::Q8_0] {
        for (rows, cols) in SHAPES {
            let (m, deq) = quantised(dtype, rows, cols, 7);
            let mut row = vec![0f32; cols];
            for r in 0..rows {
                m.row_f32(r, &mut row);
                assert_eq!(
                    row,
                    deq[r * cols..(r + 1) * cols],
                    "{dtype:?} {rows}×{cols}"
                );
            }
        }
    }
}

#[test]
fn matvec_matches_dequantise_then_dot() {
    for dtype in [GgmlDType::Q4_1, GgmlDType::Q8_0] {
        for (rows, cols) in SHAPES {
            let (m, deq) = quantised(dtype, rows, cols, rows as u64);
            let x = values(cols, 99);
            let mut y = vec![0f32; rows];
            m.matvec(&x, &mut y);
            assert_close(&y, &reference(&deq, &x, rows, cols), &format!("{dtype:?}"));
            let dense = Matrix::dense(rows, cols, deq.clone()).unwrap();
            dense.matvec(&x, &mut y);
            assert_close(&y, &reference(&deq, &x, rows, cols), "f32");
        }
    }
}

#[test]
fn matmul_matches_row_by_row() {
    for (rows, cols) in SHAPES {
        let (m, deq) = quantised(GgmlDType::Q4_1, rows, cols, 3);
        let n = 5;
        let xs = values(n * cols, 11);
        let mut ys = vec![0f32; n * rows];
        m.matmul(&xs, n, &mut ys);
        for j in 0..n {
            let want = reference(&deq, &xs[j * cols..(j + 1) * cols], rows, cols);
            assert_close(&ys[j * rows..(j + 1) * rows], &want, "matmul");
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[test]
fn avx512_and_its_scalar_twin_round_alike() {
    if !simd() || !is_x86_feature_detected!("avx512f") {
        eprintln!("not checked: this CPU has no AVX-512F, so that kernel never runs here");
        return;
    }
    for (rows, cols) in SHAPES {
        let x = values(cols, 7);
        let xsum = block_sums(&x);
        for dtype in [GgmlDType::Q4_1, GgmlDType::Q8_0] {
            let (m, deq) = quantised(dtype, rows, cols, 17);
            let Store::Blocks(kind, data) = &m.store else {
                unreachable!()
            };
            let want = reference(&deq, &x, rows, cols);
            let bytes = cols / BLOCK * kind.bytes();
            for r in 0..rows {
                let row = &data[r * bytes..(r + 1) * bytes];
                // SAFETY: the features were checked above; whole blocks and matching lengths.
                let (fast, exact) = unsafe {
                    match kind {
                        BlockKind::Q4_1 => (
                            avx512::dot_q4_1(row, &x, &xsum),
                            scalar::dot_q4_1_x16::<true>(row, &x, &xsum),
                        ),
                        BlockKind::Q8_0 => (
                            avx512::dot_q8_0(row, &x),
                            scalar::dot_q8_0_x16::<true>(row, &x),
                        ),
                    }
                };
                assert_eq!(
                    fast.to_bits(),
                    exact.to_bits(),
                    "{kind:?} {rows}×{cols} row {r}"
                );
                assert_close(&[fast], &want[r..r + 1], "avx512 row");
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[test]
fn simd_and_scalar_paths_round_alike() {
    if !simd() {
        return;
    }
    for (rows, cols) in SHAPES {
        let x = values(cols, 5);
        let xsum = block_sums(&x);
        for dtype in [GgmlDType::Q4_1, GgmlDType::Q8_0] {
            let (m, deq) = quantised(dtype, rows, cols, 13);
            let Store::Blocks(kind, data) = &m.store else {
                unreachable!()
            };
            let bytes = cols / BLOCK * kind.bytes();
            for r in 0..rows {
                let row = &data[r * bytes..(r + 1) * bytes];
                let (fast, exact, plain) = unsafe {
                    match kind {
                        BlockKind::Q4_1 => (
                            avx2::dot_q4_1(row, &x, &xsum),
                            scalar::dot_q4_1::<true>(row, &x, &xsum),
                            scalar::dot_q4_1::<false>(row, &x, &xsum),
                        ),
                        BlockKind::Q8_0 => (
                            avx2::dot_q8_0(row, &x),
                            scalar::dot_q8_0::<true>(row, &x),
                            scalar::dot_q8_0::<false>(row, &x),
                        ),
                    }
                };
                assert_eq!(fast.to_bits(), exact.to_bits(), "{kind:?} row {r}");
                assert!((fast - plain).abs() <= 1e-4 * fast.abs().max(1.0));
            }
            let w = &deq[..cols];
            let f = unsafe { avx2::dot_f32(w, &x) };
            assert_eq!(f.to_bits(), scalar::dot_f32::<true>(w, &x).to_bits());
        }
    }
}

#[test]
fn stacking_keeps_rows_in_order() {
    let (a, da) = quantised(GgmlDType::Q4_1, 3, 64, 1);
    let (b, db) = quantised(GgmlDType::Q4_1, 5, 64, 2);
    let (c, dc) = quantised(GgmlDType::Q8_0, 2, 64, 3);
    let same = Matrix::concat_rows(&[a.clone(), b.clone()]).unwrap();
    assert_eq!(same.kind(), Some(BlockKind::Q4_1));
    let mixed = Matrix::concat_rows(&[a, b, c]).unwrap();
    assert_eq!((mixed.kind(), mixed.rows()), (None, 10));
    let all: Vec<f32> = [da, db, dc].concat();
    let mut row = vec![0f32; 64];
    for r in 0..10 {
        mixed.row_f32(r, &mut row);
        assert_eq!(row, all[r * 64..(r + 1) * 64]);
        if r < 8 {
            same.row_f32(r, &mut row);
            assert_eq!(row, all[r * 64..(r + 1) * 64]);
        }
    }
    assert!(Matrix::from_blocks(BlockKind::Q4_1, 2, 33, vec![0; 40]).is_err());
    assert!(Matrix::from_blocks(BlockKind::Q4_1, 2, 32, vec![0; 39]).is_err());
}

#[test]
fn half_floats_convert_exactly() {
    for (h, f) in [
        (0x3c00u16, 1.0f32),
        (0xc000, -2.0),
        (0x3555, 0.333_251_95),
        (0x0001, 5.960_464_5e-8),
        (0x8400, -6.103_515_6e-5),
        (0x7bff, 65504.0),
        (0x0000, 0.0),
    ] {
        assert_eq!(f16_to_f32(h), f, "{h:#06x}");
    }
    assert!(f16_to_f32(0x7c00).is_infinite() && f16_to_f32(0x7e00).is_nan());
}
