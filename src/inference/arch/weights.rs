//! Finding and opening a model's weights, whichever way its repo saved them: `model.safetensors`,
//! safetensors shards listed by `model.safetensors.index.json`, or a PyTorch `pytorch_model.bin`
//! (read by candle without PyTorch). Every safetensors pipeline loads its weights through here.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device};
use candle_nn::VarBuilder;
use serde_json::Value;

use crate::domain::ModelRef;
use crate::hub::{Provision, ProvisionError, ProvisionEvent};
use crate::inference::model_error;
use crate::inference::read_json;
use crate::inference::PipelineError;

/// One safetensors file with every weight.
pub const SAFETENSORS: &str = "model.safetensors";
/// The list of safetensors shards of a big model.
pub const INDEX: &str = "model.safetensors.index.json";
/// PyTorch's own format (a zip of pickles), as older repos have it.
pub const PYTORCH: &str = "pytorch_model.bin";
/// The weight files looked for, best first.
pub const FORMS: [&str; 3] = [SAFETENSORS, INDEX, PYTORCH];

/// The weight files of a model, found on disk.
#[derive(Debug, Clone, PartialEq)]
pub enum WeightFiles {
    Safetensors(PathBuf),
    Shards {
        index: PathBuf,
        shards: Vec<PathBuf>,
    },
    Pytorch(PathBuf),
}

/// Weights ready for a model to take its tensors from.
pub struct Weights {
    pub vb: VarBuilder<'static>,
    pub files: WeightFiles,
    /// Which file(s) were read, in a few words ("weights read from pytorch_model.bin").
    pub note: String,
}

impl WeightFiles {
    /// Which file(s) these are, for the student.
    pub fn note(&self) -> String {
        match self {
            WeightFiles::Safetensors(_) => format!("weights read from {SAFETENSORS}"),
            WeightFiles::Shards { shards, .. } => format!(
                "weights read from {} safetensors shards listed in {INDEX}",
                shards.len()
            ),
            WeightFiles::Pytorch(_) => format!(
                "weights read from {PYTORCH} (PyTorch's format: this model has no safetensors file)"
            ),
        }
    }

    /// The file to name in messages (the index, for shards).
    pub fn path(&self) -> &Path {
        match self {
            WeightFiles::Safetensors(p) | WeightFiles::Pytorch(p) => p,
            WeightFiles::Shards { index, .. } => index,
        }
    }

    /// True for the usual single `model.safetensors` (nothing worth telling the student).
    pub fn is_plain(&self) -> bool {
        matches!(self, WeightFiles::Safetensors(_))
    }

    /// The weights as a VarBuilder (safetensors are memory-mapped; a .bin is read per tensor).
    pub fn open(
        &self,
        dtype: DType,
        device: &Device,
    ) -> Result<VarBuilder<'static>, PipelineError> {
        let mmap = |paths: &[PathBuf]| {
            // SAFETY: the files are mapped read-only; hftutor never writes model files while running.
            unsafe { VarBuilder::from_mmaped_safetensors(paths, dtype, device) }.map_err(|e| {
                let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                model_error(format!(
                    "can't read {} as safetensors: {e}",
                    names.join(", ")
                ))
            })
        };
        match self {
            WeightFiles::Safetensors(path) => mmap(std::slice::from_ref(path)),
            WeightFiles::Shards { shards, .. } => mmap(shards),
            WeightFiles::Pytorch(path) => VarBuilder::from_pth(path, dtype, device).map_err(|e| {
                model_error(format!(
                    "can't read {} as a PyTorch weights file (the zip format PyTorch has written \
                     since version 1.6): {e}",
                    path.display()
                ))
            }),
        }
    }
}

/// Finds `model`'s weights through `provision` (downloading or importing what's missing) and opens
/// them. When the model can't be had at all (offline, not downloaded) the error is provisioning's
/// usual "run `hftutor models pull`"; when it has none of the [`FORMS`], the error names them.
pub fn load(
    provision: &Provision,
    model: &ModelRef,
    events: &mut dyn FnMut(ProvisionEvent),
    dtype: DType,
    device: &Device,
) -> Result<Weights, PipelineError> {
    let files = find(provision, model, events)?;
    let note = files.note();
    // The usual file goes without saying; another form is worth a word while loading.
    if !files.is_plain() {
        events(ProvisionEvent::Note(note.clone()));
    }
    let vb = files.open(dtype, device)?;
    Ok(Weights { vb, files, note })
}

/// What became of fetching the shards an index lists.
enum Look {
    Found(WeightFiles),
    /// It can't be told (offline, the Hub can't be reached, access refused…): this error says why.
    Blocked(ProvisionError),
}

/// The weight files of `model`: the first of [`FORMS`] it has.
pub fn find(
    provision: &Provision,
    model: &ModelRef,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<WeightFiles, PipelineError> {
    let local = Path::new(&model.id).is_dir();
    let pin = provision.pinned(&model.id);
    // A course model has exactly its pinned files; elsewhere, forms already on disk go first.
    let mut order: Vec<&str> = FORMS
        .iter()
        .copied()
        .filter(|f| pin.is_none_or(|p| p.file(f).is_some()))
        .collect();
    if !local && pin.is_none() {
        if let Some(dir) = provision.model_dir(model) {
            order.sort_by_key(|f| !dir.join(f).is_file());
        }
    }
    let mut blocked: Option<ProvisionError> = None;
    for form in order {
        let got = match provision.file(model, form, events) {
            Ok(path) => path,
            Err(e) if local || (pin.is_none() && says_absent(&e)) => continue,
            Err(e) => {
                blocked.get_or_insert(e);
                continue;
            }
        };
        let found = match form {
            SAFETENSORS => Look::Found(WeightFiles::Safetensors(got)),
            PYTORCH => Look::Found(WeightFiles::Pytorch(got)),
            _ => shards(provision, model, got, local, events)?,
        };
        match found {
            Look::Found(files) => return Ok(files),
            Look::Blocked(e) => {
                blocked.get_or_insert(e);
            }
        }
    }
    Err(match blocked {
        Some(e) => e.into(),
        None => none_found(&model.id, if local { "the folder" } else { "the repo" }).into(),
    })
}

/// The shards `index` names, each fetched. A shard the model lacks is an error: the index is wrong.
fn shards(
    provision: &Provision,
    model: &ModelRef,
    index: PathBuf,
    local: bool,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<Look, PipelineError> {
    let mut shards = Vec::new();
    for name in shard_names(&index)? {
        match provision.file(model, &name, events) {
            Ok(path) => shards.push(path),
            Err(e) if local || says_absent(&e) => return Err(missing_shard(&name)),
            Err(e) => return Ok(Look::Blocked(e)),
        }
    }
    Ok(Look::Found(WeightFiles::Shards { index, shards }))
}

/// The weight files in folder `dir` (no downloads): the first of [`FORMS`] it has.
pub fn in_dir(dir: &Path) -> Result<WeightFiles, PipelineError> {
    let single = dir.join(SAFETENSORS);
    if single.is_file() {
        return Ok(WeightFiles::Safetensors(single));
    }
    let index = dir.join(INDEX);
    if index.is_file() {
        let mut shards = Vec::new();
        for name in shard_names(&index)? {
            let path = name
                .split('/')
                .fold(dir.to_path_buf(), |p, part| p.join(part));
            if !path.is_file() {
                return Err(missing_shard(&name));
            }
            shards.push(path);
        }
        return Ok(WeightFiles::Shards { index, shards });
    }
    let bin = dir.join(PYTORCH);
    if bin.is_file() {
        return Ok(WeightFiles::Pytorch(bin));
    }
    Err(none_found(&dir.display().to_string(), "the folder").into())
}

/// True when folder `dir` holds weights in one of the [`FORMS`] (shards not checked).
pub fn dir_has_weights(dir: &Path) -> bool {
    FORMS.iter().any(|f| dir.join(f).is_file())
}

/// The shard file names in an index's `weight_map`, each once, in order.
pub fn shard_names(index: &Path) -> Result<Vec<String>, PipelineError> {
    let json = read_json(index)?;
    let map = json["weight_map"].as_object().ok_or_else(|| {
        model_error(format!(
            "{} has no \"weight_map\" of tensor names to files",
            index.display()
        ))
    })?;
    let mut names: Vec<String> = Vec::new();
    for file in map.values() {
        let Value::String(name) = file else {
            return Err(model_error(format!(
                "{}: every entry of \"weight_map\" should be a file name",
                index.display()
            )));
        };
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    if names.is_empty() {
        return Err(model_error(format!(
            "{} names no shard files",
            index.display()
        )));
    }
    names.sort();
    Ok(names)
}

/// True when provisioning's error says the file doesn't exist (not that it couldn't look).
fn says_absent(e: &ProvisionError) -> bool {
    e.is_absent()
}

fn missing_shard(name: &str) -> PipelineError {
    model_error(format!(
        "{INDEX} lists the shard {name}, but the model doesn't have that file, so its files \
         are incomplete (download or copy them again)"
    ))
}

fn none_found(model: &str, place: &str) -> ProvisionError {
    ProvisionError::Unavailable {
        model: model.to_string(),
        file: "a weights file".to_string(),
        why: format!("{place} has none of {SAFETENSORS}, {INDEX} with its shards, or {PYTORCH}"),
        hint: "hftutor reads weights saved in one of those forms: pick a model that has one, \
               or save this one with transformers' save_pretrained()."
            .to_string(),
        absent: false,
    }
}
