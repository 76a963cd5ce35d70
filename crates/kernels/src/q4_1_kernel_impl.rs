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

    /// The lanes of the AVX-512 kernels: 16 lanes (element l and element 16 + l of each block in
    /// Q4_1's nibble order, l and 16 + l in Q8_0's), even and odd blocks in separate accumulators.
    #[cfg(test)]
    pub fn dot_q4_1_x16<const FUSED: bool>(row: &[u8], x: &[f32], xsum: &[f32]) -> f32 {
        let mut acc = [[0f32; 16]; 2];
        let mut ms = [0f32; 2];
        for (b, ((blk, xb), &s)) in row
            .chunks_exact(20)
            .zip(x.chunks_exact(BLOCK))
            .zip(xsum)
            .enumerate()
        {
            let (d, m) = (f16_at(blk, 0), f16_at(blk, 2));
            let qs = &blk[4..20];
            for (l, a) in acc[b & 1].iter_mut().enumerate() {
                let t = fma::<FUSED>(
                    (qs[l] >> 4) as f32,
                    xb[16 + l],
                    (qs[l] & 0x0f) as f32 * xb[l],
                );
                *a = fma::<FUSED>(d, t, *a);
            }
            ms[b & 1] += m * s;
        }
        fold16(acc) + (ms[0] + ms[1])
    }

    /// Q8_0 in the lanes of `dot_q4_1_x16`.
    #[cfg(test)]
    pub fn dot_q8_0_x16<const FUSED: bool>(row: &[u8], x: &[f32]) -> f32 {
        let mut acc = [[0f32; 16]; 2];
        for (b, (blk, xb)) in row.chunks_exact(34).zip(x.chunks_exact(BLOCK)).enumerate() {
            let d = f16_at(blk, 0);
            let q = |j: usize| (blk[2 + j] as i8) as f32;
            for (l, a) in acc[b & 1].iter_mut().enumerate() {
                let t = fma::<FUSED>(q(16 + l), xb[16 + l], q(l) * xb[l]);
                *a = fma::<FUSED>(d, t, *a);
            }
        }
        fold16(acc)
    }

    /// Two 16-lane accumulators → one number, in the AVX-512 kernels' order.
    pub fn fold16(acc: [[f32; 16]; 2]) -> f32 {
        let mut l8 = [0f32; 8];
        for (l, v) in l8.iter_mut().enumerate() {
            *v = (acc[0][l] + acc[1][l]) + (acc[0][8 + l] + acc[1][8 + l]);
        }
        hsum8(l8)
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

/// The block kernels on AVX-512F (one zero-extension gives a whole block's 32 nibbles), in the
/// lanes of `scalar::dot_q4_1_x16` / `dot_q8_0_x16`.
#[cfg(target_arch = "x86_64")]
pub(super) mod avx512 {
    use super::*;
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx512f,fma,f16c")]
    unsafe fn fold(a0: __m512, a1: __m512) -> f32 {
        let mut l = [[0f32; 16]; 2];
        _mm512_storeu_ps(l[0].as_mut_ptr(), a0);
        _mm512_storeu_ps(l[1].as_mut_ptr(), a1);
        scalar::fold16(l)
    }

    /// One Q4_1 block's d·(q·x) added to `acc`; returns m.
    #[target_feature(enable = "avx512f,fma,f16c")]
    #[inline]
    unsafe fn q4_1_block(blk: *const u8, xp: *const f32, acc: &mut __m512) -> f32 {
        let dm = _mm_cvtph_ps(_mm_cvtsi32_si128(std::ptr::read_unaligned(
            blk as *const i32,
        )));
        let d = _mm512_broadcastss_ps(dm);
        let z = _mm512_cvtepu8_epi32(_mm_loadu_si128(blk.add(4) as *const __m128i));
        let lo = _mm512_cvtepi32_ps(_mm512_and_si512(z, _mm512_set1_epi32(0x0f)));
        let hi = _mm512_cvtepi32_ps(_mm512_srli_epi32::<4>(z));
        let t = _mm512_fmadd_ps(
            hi,
            _mm512_loadu_ps(xp.add(16)),
            _mm512_mul_ps(lo, _mm512_loadu_ps(xp)),
        );
        *acc = _mm512_fmadd_ps(d, t, *acc);
        _mm_cvtss_f32(_mm_movehdup_ps(dm))
    }

    /// # Safety
    /// AVX-512F, FMA and F16C available; `row` is whole 20-byte blocks, `x` 32 values and `xsum`
    /// one value per block.
    #[target_feature(enable = "avx512f,fma,f16c")]
    pub unsafe fn dot_q4_1(row: &[u8], x: &[f32], xsum: &[f32]) -> f32 {
        let nb = row.len() / 20;
        debug_assert!(x.len() >= nb * BLOCK && xsum.len() >= nb);
        let (rp, xp, sp) = (row.as_ptr(), x.as_ptr(), xsum.as_ptr());
        let (mut a0, mut a1) = (_mm512_setzero_ps(), _mm512_setzero_ps());
        let (mut m0, mut m1) = (0f32, 0f32);
        let mut b = 0;
        while b + 2 <= nb {
            let m = q4_1_block(rp.add(b * 20), xp.add(b * BLOCK), &mut a0);
            m0 += m * *sp.add(b);
            let m = q4_1_block(rp.add(b * 20 + 20), xp.add(b * BLOCK + BLOCK), &mut a1);
            m1 += m * *sp.add(b + 1);
            b += 2;
        }
        if b < nb {
            let m = q4_1_block(rp.add(b * 20), xp.add(b * BLOCK), &mut a0);
            m0 += m * *sp.add(b);
        }
        fold(a0, a1) + (m0 + m1)
    }

    #[target_feature(enable = "avx512f,fma,f16c")]
    #[inline]
    unsafe fn q8_0_block(blk: *const u8, xp: *const f32, acc: &mut __m512) {
        let h = std::ptr::read_unaligned(blk as *const u16) as i32;
        let d = _mm512_broadcastss_ps(_mm_cvtph_ps(_mm_cvtsi32_si128(h)));
        let q = |i: usize| {
            _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(
                blk.add(2 + 16 * i) as *const __m128i
            )))
        };
        let t = _mm512_fmadd_ps(
            q(1),
            _mm512_loadu_ps(xp.add(16)),
            _mm512_mul_ps(q(0), _mm512_loadu_ps(xp)),
        );
        *acc = _mm512_fmadd_ps(d, t, *acc);
    }

    /// # Safety
    /// AVX-512F, FMA and F16C available; `row` is whole 34-byte blocks, `x` 32 values per block.
    #[target_feature(enable = "avx512f,fma,f16c")]
    pub unsafe fn dot_q8_0(row: &[u8], x: &[f32]) -> f32 {
        let nb = row.len() / 34;
        debug_assert!(x.len() >= nb * BLOCK);
        let (rp, xp) = (row.as_ptr(), x.as_ptr());
        let (mut a0, mut a1) = (_mm512_setzero_ps(), _mm512_setzero_ps());
        let mut b = 0;
        while b + 2 <= nb {
            q8_0_block(rp.add(b * 34), xp.add(b * BLOCK), &mut a0);
            q8_0_block(rp.add(b * 34 + 34), xp.add(b * BLOCK + BLOCK), &mut a1);
            b += 2;
        }
        if b < nb {
            q8_0_block(rp.add(b * 34), xp.add(b * BLOCK), &mut a0);
        }
        fold(a0, a1)
    }
}
