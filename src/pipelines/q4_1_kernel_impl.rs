//! The row kernels of `q4_1_kernel`: AVX2+FMA+F16C, and a scalar twin with the same lanes and order
//! (with `FUSED = true` it rounds exactly as the AVX2 path does; the run-time fallback uses
//! plain multiply-adds, which differ from it only in the last bits).

use super::{f16_to_f32, hsum8, BLOCK};

fn f16_at(b: &[u8], i: usize) -> f32 {
    f16_to_f32(u16::from_le_bytes([b[i], b[i + 1]]))
}

pub(super) mod scalar {
    use super::*;

    #[inline(always)]
    fn fma<const FUSED: bool>(a: f32, b: f32, c: f32) -> f32 {
        if FUSED {
            a.mul_add(b, c)
        } else {
            a * b + c
        }
    }

    /// One Q4_1 row (`row`: cols/32 blocks of 20 bytes) · x; `xsum` holds x's block sums.
    pub fn dot_q4_1<const FUSED: bool>(row: &[u8], x: &[f32], xsum: &[f32]) -> f32 {
        let mut acc = [0f32; 8];
        let mut msum = 0f32;
        for ((blk, xb), &s) in row.chunks_exact(20).zip(x.chunks_exact(BLOCK)).zip(xsum) {
            let (d, m) = (f16_at(blk, 0), f16_at(blk, 2));
            let qs = &blk[4..20];
            let q = |j: usize| {
                (if j < 16 {
                    qs[j] & 0x0f
                } else {
                    qs[j - 16] >> 4
                }) as f32
            };
            for (l, a) in acc.iter_mut().enumerate() {
                let mut t = q(l) * xb[l];
                t = fma::<FUSED>(q(8 + l), xb[8 + l], t);
                t = fma::<FUSED>(q(16 + l), xb[16 + l], t);
                t = fma::<FUSED>(q(24 + l), xb[24 + l], t);
                *a = fma::<FUSED>(d, t, *a);
            }
            msum += m * s;
        }
        hsum8(acc) + msum
    }

    /// One Q8_0 row (blocks of 34 bytes) · x.
    pub fn dot_q8_0<const FUSED: bool>(row: &[u8], x: &[f32]) -> f32 {
        let mut acc = [0f32; 8];
        for (blk, xb) in row.chunks_exact(34).zip(x.chunks_exact(BLOCK)) {
            let d = f16_at(blk, 0);
            let q = |j: usize| (blk[2 + j] as i8) as f32;
            for (l, a) in acc.iter_mut().enumerate() {
                let mut t = q(l) * xb[l];
                t = fma::<FUSED>(q(8 + l), xb[8 + l], t);
                t = fma::<FUSED>(q(16 + l), xb[16 + l], t);
                t = fma::<FUSED>(q(24 + l), xb[24 + l], t);
                *a = fma::<FUSED>(d, t, *a);
            }
        }
        hsum8(acc)
    }

    /// w · x in 32 lanes, then a plain tail.
    pub fn dot_f32<const FUSED: bool>(w: &[f32], x: &[f32]) -> f32 {
        let mut acc = [0f32; 32];
        let whole = w.len() / 32 * 32;
        for (wc, xc) in w[..whole].chunks_exact(32).zip(x[..whole].chunks_exact(32)) {
            for l in 0..32 {
                acc[l] = fma::<FUSED>(wc[l], xc[l], acc[l]);
            }
        }
        let mut lanes = [0f32; 8];
        for (l, v) in lanes.iter_mut().enumerate() {
            *v = (acc[l] + acc[8 + l]) + (acc[16 + l] + acc[24 + l]);
        }
        let mut tail = 0f32;
        for (a, b) in w[whole..].iter().zip(&x[whole..]) {
            tail += a * b;
        }
        hsum8(lanes) + tail
    }
}

#[cfg(target_arch = "x86_64")]
pub(super) mod avx2 {
    use super::*;
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx2,fma,f16c")]
    unsafe fn lanes(v: __m256) -> [f32; 8] {
        let mut l = [0f32; 8];
        _mm256_storeu_ps(l.as_mut_ptr(), v);
        l
    }

    /// # Safety
    /// AVX2, FMA and F16C available; `row` is whole 20-byte blocks, `x` 32 values per block.
    #[target_feature(enable = "avx2,fma,f16c")]
    pub unsafe fn dot_q4_1(row: &[u8], x: &[f32], xsum: &[f32]) -> f32 {
        let nb = row.len() / 20;
        debug_assert!(x.len() >= nb * BLOCK && xsum.len() >= nb);
        let mask = _mm_set1_epi8(0x0f);
        let mut acc = _mm256_setzero_ps();
        let mut msum = 0f32;
        for b in 0..nb {
            let blk = row.as_ptr().add(b * 20);
            // d and m, two halves → two floats (exact, as the scalar conversion).
            let dm = _mm_cvtph_ps(_mm_cvtsi32_si128(std::ptr::read_unaligned(
                blk as *const i32,
            )));
            let (d, m) = (
                _mm256_broadcastss_ps(dm),
                _mm_cvtss_f32(_mm_movehdup_ps(dm)),
            );
            let qs = _mm_loadu_si128(blk.add(4) as *const __m128i);
            let lo = _mm_and_si128(qs, mask);
            let hi = _mm_and_si128(_mm_srli_epi16(qs, 4), mask);
            let q0 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(lo));
            let q1 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(lo, 8)));
            let q2 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(hi));
            let q3 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(hi, 8)));
            let xp = x.as_ptr().add(b * BLOCK);
            let mut t = _mm256_mul_ps(q0, _mm256_loadu_ps(xp));
            t = _mm256_fmadd_ps(q1, _mm256_loadu_ps(xp.add(8)), t);
            t = _mm256_fmadd_ps(q2, _mm256_loadu_ps(xp.add(16)), t);
            t = _mm256_fmadd_ps(q3, _mm256_loadu_ps(xp.add(24)), t);
            acc = _mm256_fmadd_ps(d, t, acc);
            msum += m * *xsum.get_unchecked(b);
        }
        hsum8(lanes(acc)) + msum
    }

    /// # Safety
    /// AVX2, FMA and F16C available; `row` is whole 34-byte blocks, `x` 32 values per block.
    #[target_feature(enable = "avx2,fma,f16c")]
    pub unsafe fn dot_q8_0(row: &[u8], x: &[f32]) -> f32 {
        let nb = row.len() / 34;
        debug_assert!(x.len() >= nb * BLOCK);
        let mut acc = _mm256_setzero_ps();
        for b in 0..nb {
            let blk = row.as_ptr().add(b * 34);
            let h = std::ptr::read_unaligned(blk as *const u16) as i32;
            let d = _mm256_broadcastss_ps(_mm_cvtph_ps(_mm_cvtsi32_si128(h)));
            let q = |i: usize| {
                _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(
                    blk.add(2 + 8 * i) as *const __m128i
                )))
            };
            let xp = x.as_ptr().add(b * BLOCK);
            let mut t = _mm256_mul_ps(q(0), _mm256_loadu_ps(xp));
            t = _mm256_fmadd_ps(q(1), _mm256_loadu_ps(xp.add(8)), t);
            t = _mm256_fmadd_ps(q(2), _mm256_loadu_ps(xp.add(16)), t);
            t = _mm256_fmadd_ps(q(3), _mm256_loadu_ps(xp.add(24)), t);
            acc = _mm256_fmadd_ps(d, t, acc);
        }
        hsum8(lanes(acc))
    }

    /// w · x₀…x₃ (each `x` at least `w.len()` long; `w.len()` a multiple of 8).
    ///
    /// # Safety
    /// AVX2, FMA and F16C available.
    #[target_feature(enable = "avx2,fma,f16c")]
    pub unsafe fn dot4_f32(w: &[f32], x: [&[f32]; 4]) -> [f32; 4] {
        let mut a = [_mm256_setzero_ps(); 4];
        let wp = w.as_ptr();
        let xp = x.map(|x| x.as_ptr());
        let mut i = 0;
        while i + 8 <= w.len() {
            let wv = _mm256_loadu_ps(wp.add(i));
            for k in 0..4 {
                a[k] = _mm256_fmadd_ps(wv, _mm256_loadu_ps(xp[k].add(i)), a[k]);
            }
            i += 8;
        }
        a.map(|v| hsum8(lanes(v)))
    }

    /// # Safety
    /// AVX2, FMA and F16C available; `w` and `x` have the same length.
    #[target_feature(enable = "avx2,fma,f16c")]
    pub unsafe fn dot_f32(w: &[f32], x: &[f32]) -> f32 {
        let whole = w.len() / 32 * 32;
        let mut a = [_mm256_setzero_ps(); 4];
        let (wp, xp) = (w.as_ptr(), x.as_ptr());
        let mut i = 0;
        while i < whole {
            for (k, a) in a.iter_mut().enumerate() {
                let o = i + 8 * k;
                *a = _mm256_fmadd_ps(_mm256_loadu_ps(wp.add(o)), _mm256_loadu_ps(xp.add(o)), *a);
            }
            i += 32;
        }
        let s = _mm256_add_ps(_mm256_add_ps(a[0], a[1]), _mm256_add_ps(a[2], a[3]));
        let mut tail = 0f32;
        for (a, b) in w[whole..].iter().zip(&x[whole..]) {
            tail += a * b;
        }
        hsum8(lanes(s)) + tail
    }
}
