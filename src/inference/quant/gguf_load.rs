//! Reading a GGUF file: its metadata, and its weights — as stored, for our own forward pass
//! (`llama_gguf`, the default), or as candle's quantized llama, optionally converting tensors on
//! the way (dequantised to f32, or Q4_1 requantised to Q8_0) through a reader that converts each
//! tensor as the llama loader reads it, so no second copy of the model is ever held.
//!
//! Why `native` by default, for SmolLM2-135M Q4_1 (2 threads, `tests/bench/run.py`, 96-token
//! prompt, 128 new tokens; measured 2026-11-27 with the machine's load average at 10 — others'
//! builds — so absolute figures are low; earlier, quiet: f32 decode 27–35 tok/s, q8_0 ~68, stored 13):
//! | weights              | first token | peak RSS | prompt tok/s | decode tok/s | greedy = transformers |
//! |----------------------|-------------|----------|--------------|--------------|-----------------------|
//! | native (Q4_1, f32 act.) | 1.5 s    | 130 MB   | 87           | 37           | 40 / 40, 39 / 39      |
//! | f32 (candle)         | 2.7 s       | 793 MB   | 151          | 21           | 40 / 40, 39 / 39      |
//! | Q8_0 (candle)        | —           | 285 MB   | 100 (1 thr.) | 57 (1 thr.)  | 18 / 40, 1 / 39       |
//! | as stored (candle)   | —           | 230 MB   | 15 (1 thr.)  | 13 (1 thr.)  | first 10 tokens       |
//! candle's quantized kernels quantise the activations too (as llama.cpp does), so a quantized
//! model drifts from transformers after a few tokens, and requantising adds a second rounding.
//! `native` keeps the 4-bit blocks (a quarter of f32's memory traffic) but multiplies them with
//! f32 activations, so it decodes exactly as transformers does, ~1.8× faster than f32 in 1/6 of
//! the memory. Its prompt processing (dequantised rows × 4 activation rows) is slower than
//! candle's f32 gemm. `HFTUTOR_WEIGHTS=f32|q8_0|stored` picks the others.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use candle_core::quantized::{gguf_file, GgmlDType};
use candle_core::Device;
use candle_transformers::models::quantized_llama::ModelWeights;

use crate::inference::arch::llama_gguf::{LlamaModel, NativeLlama};
use crate::inference::model_error;
use crate::inference::PipelineError;

/// How to hold the weights in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightFormat {
    /// As stored in the file, run by our own forward pass and kernels (`llama_gguf`,
    /// `q4_1_kernel`) with f32 activations: transformers' arithmetic at Q4_1's memory traffic.
    /// Files our forward pass can't run (mixture of experts …) are loaded as `F32`.
    Native,
    /// As stored in the file (candle's Q4_1 CPU kernels are slow, and quantise activations).
    AsStored,
    /// Q4_1 tensors requantised to Q8_0: fast kernels, but a second rounding on top of Q4_1's.
    Q4_1ToQ8_0,
    /// Every quantized tensor dequantised to f32: the arithmetic transformers uses on a GGUF
    /// (its greedy tokens match), ~4 bytes a parameter.
    F32,
}

impl WeightFormat {
    /// `HFTUTOR_WEIGHTS` = `native` (the default; also `q4_1`) | `f32` | `q8_0` | `stored`
    /// (candle's own kernels on the file as stored).
    pub fn from_env() -> WeightFormat {
        match std::env::var("HFTUTOR_WEIGHTS")
            .ok()
            .as_deref()
            .map(str::trim)
        {
            Some("q8_0") | Some("q8") => WeightFormat::Q4_1ToQ8_0,
            Some("stored") | Some("as-stored") => WeightFormat::AsStored,
            Some("native") | Some("q4_1") => WeightFormat::Native,
            Some("f32") => WeightFormat::F32,
            // Debug and test builds too: the kernels' crate is optimised in every profile.
            _ => WeightFormat::Native,
        }
    }

    /// Whether greedy decoding follows transformers token for token (f32 activations, no second
    /// rounding of the weights).
    pub fn exact(self) -> bool {
        matches!(self, WeightFormat::Native | WeightFormat::F32)
    }

    /// The dtype a tensor stored as `dtype` is converted to, if any.
    fn convert(self, dtype: GgmlDType) -> Option<GgmlDType> {
        match self {
            WeightFormat::AsStored | WeightFormat::Native => None,
            WeightFormat::Q4_1ToQ8_0 => (dtype == GgmlDType::Q4_1).then_some(GgmlDType::Q8_0),
            WeightFormat::F32 => {
                // Q8_0 too: kept quantised, the tied output layer (Q8_0 in SmolLM2's file) would
                // quantise activations, and greedy decoding drifts from transformers'.
                let keep = matches!(dtype, GgmlDType::F32 | GgmlDType::F16 | GgmlDType::BF16);
                (!keep).then_some(GgmlDType::F32)
            }
        }
    }
}

fn open(path: &Path) -> Result<BufReader<File>, PipelineError> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|e| model_error(format!("can't open {}: {e}", path.display())))
}

/// The header of a GGUF file (metadata and tensor index, not the weights).
pub fn read_content(path: &Path) -> Result<gguf_file::Content, PipelineError> {
    let mut reader = open(path)?;
    gguf_file::Content::read(&mut reader).map_err(|e| {
        model_error(format!(
            "{} is not a readable GGUF file: {e}",
            path.display()
        ))
    })
}

/// Loads the llama-family weights of a GGUF file whose header is `content`.
pub fn load_llama(
    path: &Path,
    content: gguf_file::Content,
    format: WeightFormat,
    device: &Device,
) -> Result<LlamaModel, PipelineError> {
    let arch = content
        .metadata
        .get("general.architecture")
        .and_then(|v| v.to_string().ok())
        .cloned()
        .unwrap_or_default();
    if arch != "llama" {
        return Err(model_error(format!(
            "{}: architecture {arch:?} is not supported (hftutor runs llama-family GGUF models)",
            path.display()
        )));
    }
    let number = |key: &str| {
        let v = content.metadata.get(key)?;
        v.to_u64()
            .ok()
            .or_else(|| v.to_u32().ok().map(u64::from))
            .or_else(|| v.to_i32().ok().map(|n| n.max(0) as u64))
    };
    crate::inference::limits::check_gguf_llama(number).map_err(|source| PipelineError::Limit {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = open(path)?;
    let format = match format {
        WeightFormat::Native if NativeLlama::supports(&content) => {
            return NativeLlama::from_gguf(&content, &mut reader)
                .map(|m| LlamaModel::Native(Box::new(m)))
                .map_err(|source| PipelineError::NativeLlama {
                    path: path.to_path_buf(),
                    source: Box::new(source),
                });
        }
        WeightFormat::Native => WeightFormat::F32,
        other => other,
    };
    let converts = content
        .tensor_infos
        .values()
        .any(|t| format.convert(t.ggml_dtype).is_some());
    let loaded = if converts {
        let (virtual_content, mut converting) = Converting::new(reader, content, format, device)?;
        ModelWeights::from_gguf(virtual_content, &mut converting, device)
    } else {
        ModelWeights::from_gguf(content, &mut reader, device)
    };
    loaded
        .map(LlamaModel::Candle)
        .map_err(|e| model_error(format!("{}: {e}", path.display())))
}

/// One tensor of the converted ("virtual") file: where it sits, and what it is made from.
struct Slot {
    name: String,
    start: u64,
    len: u64,
    to: Option<GgmlDType>,
}

/// A reader over a virtual GGUF tensor area in which tensors are already converted: each tensor is
/// read from the real file and converted when the loader first reads it, then dropped.
struct Converting {
    file: BufReader<File>,
    original: gguf_file::Content,
    slots: Vec<Slot>,
    total: u64,
    pos: u64,
    /// The converted bytes of the slot being read.
    current: Option<(usize, Vec<u8>)>,
    device: Device,
}

impl Converting {
    /// The virtual header (same metadata, converted tensor infos) and its reader.
    fn new(
        file: BufReader<File>,
        mut original: gguf_file::Content,
        format: WeightFormat,
        device: &Device,
    ) -> Result<(gguf_file::Content, Converting), PipelineError> {
        let mut names: Vec<&String> = original.tensor_infos.keys().collect();
        names.sort_by_key(|n| original.tensor_infos.get(*n).map(|t| t.offset));
        let mut slots = Vec::with_capacity(names.len());
        let mut infos = std::collections::HashMap::with_capacity(names.len());
        let mut offset = 0u64;
        for name in names {
            let Some(info) = original.tensor_infos.get(name) else {
                continue;
            };
            let to = format.convert(info.ggml_dtype);
            let dtype = to.unwrap_or(info.ggml_dtype);
            let elems = info.shape.elem_count();
            if elems % dtype.block_size() != 0 {
                return Err(model_error(format!(
                    "tensor {name} can't be converted to {dtype:?}"
                )));
            }
            let len = (elems / dtype.block_size() * dtype.type_size()) as u64;
            infos.insert(
                name.clone(),
                gguf_file::TensorInfo {
                    ggml_dtype: dtype,
                    shape: info.shape.clone(),
                    offset,
                },
            );
            slots.push(Slot {
                name: name.clone(),
                start: offset,
                len,
                to,
            });
            offset += len;
        }
        let virtual_content = gguf_file::Content {
            magic: original.magic,
            metadata: std::mem::take(&mut original.metadata),
            tensor_infos: infos,
            tensor_data_offset: 0,
        };
        let reader = Converting {
            file,
            original,
            slots,
            total: offset,
            pos: 0,
            current: None,
            device: device.clone(),
        };
        Ok((virtual_content, reader))
    }

    fn converted(&mut self, slot: usize) -> std::io::Result<&[u8]> {
        if self.current.as_ref().map(|(i, _)| *i) != Some(slot) {
            self.current = None;
            let s = &self.slots[slot];
            let t = self
                .original
                .tensor(&mut self.file, &s.name, &self.device)
                .map_err(std::io::Error::other)?;
            let t = match s.to {
                Some(to) => t
                    .dequantize(&self.device)
                    .and_then(|d| candle_core::quantized::QTensor::quantize(&d, to))
                    .map_err(std::io::Error::other)?,
                None => t,
            };
            let bytes = t.data().map_err(std::io::Error::other)?.into_owned();
            self.current = Some((slot, bytes));
        }
        Ok(self
            .current
            .as_ref()
            .map(|(_, b)| b.as_slice())
            .unwrap_or_default())
    }
}

impl Read for Converting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let pos = self.pos;
        let Some(slot) = self
            .slots
            .iter()
            .position(|s| pos >= s.start && pos < s.start + s.len)
        else {
            return Ok(0);
        };
        let start = self.slots[slot].start;
        let bytes = self.converted(slot)?;
        let from = (pos - start) as usize;
        let n = buf.len().min(bytes.len().saturating_sub(from));
        buf[..n].copy_from_slice(&bytes[from..from + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Converting {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.total.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = pos.ok_or_else(|| std::io::Error::other("seek out of range"))?;
        Ok(self.pos)
    }
}
