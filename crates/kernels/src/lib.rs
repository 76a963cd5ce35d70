//! Weight matrices kept as GGUF stores them (Q4_1 or Q8_0 blocks of 32, or plain f32) and their
//! products with **f32 activations**: per block, dot = d·Σ qᵢ·xᵢ + m·Σ xᵢ. That is the arithmetic
//! of "dequantise, then f32 matmul" up to summation order — unlike candle's quantized kernels,
//! which round the activations to 8 bits too — while reading 4–8× fewer bytes than f32 weights.
//! AVX-512F or AVX2+FMA+F16C when the CPU has them (detected at run time); otherwise a scalar path
//! with the AVX2 lane structure. Rows are shared out over rayon's pool.

use rayon::prelude::*;

/// Weights per block, in both formats.
pub const BLOCK: usize = 32;

/// How a matrix's rows are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// f16 scale d, f16 minimum m, 16 bytes of nibbles: wᵢ = qᵢ·d + m (low nibbles are 0..16).
    Q4_1,
    /// f16 scale d, 32 signed bytes: wᵢ = qᵢ·d.
    Q8_0,
}

impl BlockKind {
    /// Bytes per block of 32 weights.
    pub fn bytes(self) -> usize {
        match self {
            BlockKind::Q4_1 => 20,
            BlockKind::Q8_0 => 34,
        }
    }
}

/// A matrix whose data doesn't fit its shape or format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatrixError {
    #[error("{kind:?} matrix {rows}×{cols} can't be made of {bytes} bytes")]
    BlockBytes {
        kind: BlockKind,
        rows: usize,
        cols: usize,
        bytes: usize,
    },
    #[error("f32 matrix {rows}×{cols} can't hold {len}")]
    DenseLen {
        rows: usize,
        cols: usize,
        len: usize,
    },
    #[error("nothing to stack")]
    NothingToStack,
    #[error("stacked matrices need the same number of columns")]
    ColumnsDiffer,
}

#[derive(Debug, Clone)]
enum Store {
    Blocks(BlockKind, Vec<u8>),
    Dense(Vec<f32>),
}

/// A row-major `rows × cols` weight matrix.
#[derive(Debug, Clone)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    store: Store,
}

impl Matrix {
    /// A matrix from its stored blocks (`cols` must be a multiple of 32).
    pub fn from_blocks(
        kind: BlockKind,
        rows: usize,
        cols: usize,
        data: Vec<u8>,
    ) -> Result<Matrix, MatrixError> {
        if !cols.is_multiple_of(BLOCK) || data.len() != rows * cols / BLOCK * kind.bytes() {
            return Err(MatrixError::BlockBytes {
                kind,
                rows,
                cols,
                bytes: data.len(),
            });
        }
        Ok(Matrix {
            rows,
            cols,
            store: Store::Blocks(kind, data),
        })
    }

    /// A plain f32 matrix.
    pub fn dense(rows: usize, cols: usize, data: Vec<f32>) -> Result<Matrix, MatrixError> {
        if data.len() != rows * cols {
            return Err(MatrixError::DenseLen {
                rows,
                cols,
                len: data.len(),
            });
        }
        Ok(Matrix {
            rows,
            cols,
            store: Store::Dense(data),
        })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The matrices stacked row-wise (as one matrix, so one product computes them all). Stored
    /// blocks stay blocks when all parts share a format; otherwise everything becomes f32.
    pub fn concat_rows(parts: &[Matrix]) -> Result<Matrix, MatrixError> {
        let first = parts.first().ok_or(MatrixError::NothingToStack)?;
        let cols = first.cols;
        if parts.iter().any(|p| p.cols != cols) {
            return Err(MatrixError::ColumnsDiffer);
        }
        let rows = parts.iter().map(|p| p.rows).sum();
        let kinds: Vec<Option<BlockKind>> = parts.iter().map(Matrix::kind).collect();
        match kinds[0] {
            Some(kind) if kinds.iter().all(|k| *k == Some(kind)) => {
                let mut data = Vec::new();
                for p in parts {
                    if let Store::Blocks(_, d) = &p.store {
                        data.extend_from_slice(d);
                    }
                }
                Matrix::from_blocks(kind, rows, cols, data)
            }
            _ => {
                let mut data = vec![0f32; rows * cols];
                for (r, out) in data.chunks_mut(cols).enumerate() {
                    let (mut part, mut rr) = (0, r);
                    while rr >= parts[part].rows {
                        rr -= parts[part].rows;
                        part += 1;
                    }
                    parts[part].row_f32(rr, out);
                }
                Matrix::dense(rows, cols, data)
            }
        }
    }

    /// The stored format, or None for f32.
    pub fn kind(&self) -> Option<BlockKind> {
        match self.store {
            Store::Blocks(k, _) => Some(k),
            Store::Dense(_) => None,
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        match &self.store {
            Store::Blocks(_, d) => d.len(),
            Store::Dense(d) => d.len() * 4,
        }
    }

    /// Row `r` as f32 (exactly as candle's dequantise computes it).
    pub fn row_f32(&self, r: usize, out: &mut [f32]) {
        let out = &mut out[..self.cols];
        match &self.store {
            Store::Dense(d) => out.copy_from_slice(&d[r * self.cols..(r + 1) * self.cols]),
            Store::Blocks(kind, data) => {
                let bytes = self.cols / BLOCK * kind.bytes();
                let row = &data[r * bytes..(r + 1) * bytes];
                for (blk, o) in row
                    .chunks_exact(kind.bytes())
                    .zip(out.chunks_exact_mut(BLOCK))
                {
                    let d = f16_to_f32(u16::from_le_bytes([blk[0], blk[1]]));
                    match kind {
                        BlockKind::Q4_1 => {
                            let m = f16_to_f32(u16::from_le_bytes([blk[2], blk[3]]));
                            for (j, &q) in blk[4..20].iter().enumerate() {
                                o[j] = (q & 0x0f) as f32 * d + m;
                                o[j + 16] = (q >> 4) as f32 * d + m;
                            }
                        }
                        BlockKind::Q8_0 => {
                            for (o, &q) in o.iter_mut().zip(&blk[2..34]) {
                                *o = (q as i8) as f32 * d;
                            }
                        }
                    }
                }
            }
        }
    }

    /// y = W·x for one activation row (`x.len() == cols`, `y.len() == rows`).
    pub fn matvec(&self, x: &[f32], y: &mut [f32]) {
        assert!(
            x.len() == self.cols && y.len() == self.rows,
            "matvec shapes"
        );
        let xsum = block_sums(x);
        let isa = isa();
        let cols = self.cols;
        let threads = rayon::current_num_threads().max(1);
        let chunk = self.rows.div_ceil(threads * 4).max(32);
        let one = |(c, ys): (usize, &mut [f32])| {
            let r0 = c * chunk;
            match &self.store {
                Store::Dense(d) => {
                    for (y, w) in ys.iter_mut().zip(d[r0 * cols..].chunks_exact(cols)) {
                        *y = dot_f32(w, x, isa != Isa::Scalar);
                    }
                }
                Store::Blocks(kind, data) => {
                    let kernel = row_kernel(*kind, isa);
                    let bytes = cols / BLOCK * kind.bytes();
                    for (y, row) in ys.iter_mut().zip(data[r0 * bytes..].chunks_exact(bytes)) {
                        // SAFETY: `row_kernel` picks a SIMD kernel only when its features were
                        // detected; `row` holds cols/32 whole blocks, `x` cols values, `xsum` one
                        // sum per block (checked above).
                        *y = unsafe { kernel(row, x, &xsum) };
                    }
                }
            }
        };
        if self.rows <= chunk || threads == 1 {
            y.chunks_mut(chunk).enumerate().for_each(one);
        } else {
            y.par_chunks_mut(chunk).enumerate().for_each(one);
        }
    }

    /// Y = X·Wᵀ for `n` activation rows (`xs` is n × cols, `ys` is n × rows): each weight row is
    /// dequantised once and dotted with every activation row (prompt processing).
    pub fn matmul(&self, xs: &[f32], n: usize, ys: &mut [f32]) {
        assert!(
            xs.len() == n * self.cols && ys.len() == n * self.rows,
            "matmul shapes"
        );
        if n == 1 {
            return self.matvec(xs, ys);
        }
        let (rows, cols) = (self.rows, self.cols);
        let simd = simd();
        let chunk = rows
            .div_ceil(rayon::current_num_threads().max(1) * 4)
            .max(8);
        let mut yt = vec![0f32; rows * n];
        yt.par_chunks_mut(chunk * n)
            .enumerate()
            .for_each(|(c, out)| {
                let mut w = vec![0f32; cols];
                for (i, o) in out.chunks_mut(n).enumerate() {
                    self.row_f32(c * chunk + i, &mut w);
                    let x = |j: usize| &xs[j * cols..(j + 1) * cols];
                    let mut j = 0;
                    #[cfg(target_arch = "x86_64")]
                    if simd && cols % 8 == 0 {
                        while j + 4 <= n {
                            // SAFETY: the features were detected; every row is `cols` long.
                            let d =
                                unsafe { avx2::dot4_f32(&w, [x(j), x(j + 1), x(j + 2), x(j + 3)]) };
                            o[j..j + 4].copy_from_slice(&d);
                            j += 4;
                        }
                    }
                    for (j, o) in o.iter_mut().enumerate().skip(j) {
                        *o = dot_f32(&w, x(j), simd);
                    }
                }
            });
        for (r, col) in yt.chunks(n).enumerate() {
            for (j, &v) in col.iter().enumerate() {
                ys[j * rows + r] = v;
            }
        }
    }
}

/// Whether the AVX2+FMA+F16C kernels can run here.
pub fn simd() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        is_x86_feature_detected!("avx2")
            && is_x86_feature_detected!("fma")
            && is_x86_feature_detected!("f16c")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The instruction sets the block kernels can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Isa {
    Scalar,
    Avx2,
    Avx512,
}

/// The best block kernels for this CPU (AVX-512F, else AVX2+FMA+F16C, else scalar);
/// `HFTUTOR_NO_AVX512` set makes it stop at AVX2 (to compare the two).
pub(crate) fn isa() -> Isa {
    static ISA: std::sync::OnceLock<Isa> = std::sync::OnceLock::new();
    *ISA.get_or_init(|| {
        if !simd() {
            return Isa::Scalar;
        }
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx512f") && std::env::var_os("HFTUTOR_NO_AVX512").is_none() {
            return Isa::Avx512;
        }
        Isa::Avx2
    })
}

/// One stored row · x (`xsum`: x's block sums, read by Q4_1 only).
type RowKernel = unsafe fn(&[u8], &[f32], &[f32]) -> f32;

/// The row kernel for `kind` on `isa` (which must have been detected).
fn row_kernel(kind: BlockKind, isa: Isa) -> RowKernel {
    fn q4_scalar(row: &[u8], x: &[f32], xsum: &[f32]) -> f32 {
        scalar::dot_q4_1::<false>(row, x, xsum)
    }
    fn q8_scalar(row: &[u8], x: &[f32], _: &[f32]) -> f32 {
        scalar::dot_q8_0::<false>(row, x)
    }
    #[cfg(target_arch = "x86_64")]
    {
        unsafe fn q8_avx2(row: &[u8], x: &[f32], _: &[f32]) -> f32 {
            avx2::dot_q8_0(row, x)
        }
        unsafe fn q8_avx512(row: &[u8], x: &[f32], _: &[f32]) -> f32 {
            avx512::dot_q8_0(row, x)
        }
        match (kind, isa) {
            (BlockKind::Q4_1, Isa::Avx512) => return avx512::dot_q4_1,
            (BlockKind::Q8_0, Isa::Avx512) => return q8_avx512,
            (BlockKind::Q4_1, Isa::Avx2) => return avx2::dot_q4_1,
            (BlockKind::Q8_0, Isa::Avx2) => return q8_avx2,
            _ => {}
        }
    }
    match kind {
        BlockKind::Q4_1 => q4_scalar,
        BlockKind::Q8_0 => q8_scalar,
    }
}

/// Σ x over each block of 32 (the m·Σx term of Q4_1), in order.
fn block_sums(x: &[f32]) -> Vec<f32> {
    x.chunks(BLOCK).map(|c| c.iter().sum()).collect()
}

/// w · x for two f32 slices of the same length (attention scores).
pub fn dot(w: &[f32], x: &[f32]) -> f32 {
    dot_f32(w, &x[..w.len()], simd())
}

fn dot_f32(w: &[f32], x: &[f32], simd: bool) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if simd {
        // SAFETY: AVX2, FMA and F16C were detected; both slices have the same length.
        return unsafe { avx2::dot_f32(w, x) };
    }
    let _ = simd;
    scalar::dot_f32::<false>(w, x)
}

/// Exact IEEE half → single conversion (subnormals, infinities and NaNs included).
pub fn f16_to_f32(h: u16) -> f32 {
    let sign = ((h >> 15) as u32) << 31;
    let exp = ((h >> 10) & 0x1f) as u32;
    let mant = (h & 0x3ff) as u32;
    let bits = match exp {
        0 if mant == 0 => sign,
        0 => {
            let v = mant as f32 * (1.0 / 16_777_216.0);
            return if sign != 0 { -v } else { v };
        }
        0x1f => sign | 0x7f80_0000 | (mant << 13),
        _ => sign | ((exp + 112) << 23) | (mant << 13),
    };
    f32::from_bits(bits)
}

/// The 8 lanes summed in a fixed order (the same in both paths).
fn hsum8(l: [f32; 8]) -> f32 {
    ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))
}

#[path = "q4_1_kernel_impl.rs"]
mod kernels;
use kernels::scalar;
#[cfg(target_arch = "x86_64")]
use kernels::{avx2, avx512};

#[cfg(test)]
#[path = "q4_1_kernel_tests.rs"]
mod tests;
