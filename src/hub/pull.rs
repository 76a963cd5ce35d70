//! Whole-model operations behind [`Provision`]: `pull` (every file a model needs), the choice of
//! GGUF file, and what to pull from a Hub listing.

use std::path::PathBuf;

use super::cache::RepoDir;
use super::resolve::{file, hint, local_folder, unavailable};
use super::{Provision, ProvisionError, ProvisionEvent};
use crate::domain::repo_id as ids;
use crate::domain::ModelRef;

pub(super) fn gguf_name(p: &Provision, model: &ModelRef) -> Result<String, ProvisionError> {
    if let Some(name) = &model.gguf_file {
        return Ok(ids::check_repo_path(name)?);
    }
    let choose = |files: Vec<String>, place: String| -> Result<String, ProvisionError> {
        let ggufs: Vec<String> = files.into_iter().filter(|f| f.ends_with(".gguf")).collect();
        match ggufs.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(ProvisionError::Unavailable {
                model: model.id.clone(),
                file: "a .gguf file".to_string(),
                why: format!("{place} has none"),
                hint: hint(p, &model.id),
                absent: false,
            }),
            many => Err(ProvisionError::Other(format!(
                "{}: {place} has several GGUF files ({}); choose one with --gguf-file NAME",
                model.id,
                many.join(", ")
            ))),
        }
    };
    if let Some(folder) = local_folder(&model.id)? {
        let files = std::fs::read_dir(&folder)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        return choose(files, format!("the folder {}", folder.display()));
    }
    if let Some(name) = p.pinned(&model.id).and_then(|pin| pin.gguf.clone()) {
        return Ok(name);
    }
    let repo = RepoDir::new(&p.config().cache_dir, &model.id);
    match repo.main_ref() {
        Some(main) => choose(
            repo.snapshot_files(&main),
            "its cached snapshot".to_string(),
        ),
        None => Err(ProvisionError::Other(format!(
            "{}: the course doesn't pin a GGUF file for this repo; name one with --gguf-file NAME",
            model.id
        ))),
    }
}

pub(super) fn pull(
    p: &Provision,
    model: &ModelRef,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<PathBuf, ProvisionError> {
    if let Some(folder) = local_folder(&model.id)? {
        return Ok(folder);
    }
    let repo = RepoDir::new(&p.config().cache_dir, &model.id);
    if let Some(pin) = p.pinned(&model.id) {
        for f in &pin.files {
            file(p, model, &f.path, events)?;
        }
        return Ok(repo.snapshot_dir(&pin.revision));
    }
    let listed = match (&p.inner.hub, p.hub_down()) {
        (None, _) => Err("HF_HUB_OFFLINE is set".to_string()),
        (Some(_), Some(why)) => Err(why),
        (Some(hub), None) => hub.list_files(&model.id, "main").map_err(|e| e.to_string()),
    };
    let (_commit, files) =
        listed.map_err(|why| unavailable(p, &model.id, "its file list", vec![why]))?;
    let gguf = match &model.gguf_file {
        Some(g) => Some(g.clone()),
        None => {
            let ggufs: Vec<&String> = files.iter().filter(|f| f.ends_with(".gguf")).collect();
            match ggufs.as_slice() {
                [] => None,
                [one] => Some((*one).clone()),
                many => {
                    let names: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
                    return Err(ProvisionError::Other(format!(
                        "{}: several GGUF files ({}); pull one with ID#FILE or --gguf-file",
                        model.id,
                        names.join(", ")
                    )));
                }
            }
        }
    };
    for f in wanted_files(&files, gguf.as_deref()) {
        file(p, model, &f, events)?;
    }
    repo.main_ref()
        .map(|main| repo.snapshot_dir(&main))
        .ok_or_else(|| ProvisionError::Other(format!("{}: nothing was downloaded", model.id)))
}

/// The files worth pulling from a Hub listing: configs, tokenizers (SentencePiece `.spm` too, as
/// Marian has them), model card and one set of weights (`model.safetensors` or its shards before
/// PyTorch .bin; safetensors only in a subfolder don't count), or just the chosen GGUF.
pub(super) fn wanted_files(files: &[String], gguf: Option<&str>) -> Vec<String> {
    if let Some(g) = gguf {
        return files.iter().filter(|f| f.as_str() == g).cloned().collect();
    }
    let skip_dirs = ["onnx/", "openvino/", "tf/", "flax/", "coreml/", "runs/"];
    let has_safetensors = files
        .iter()
        .any(|f| f == "model.safetensors" || f == "model.safetensors.index.json");
    files
        .iter()
        .filter(|f| ids::check_repo_path(f).is_ok())
        .filter(|f| {
            !skip_dirs
                .iter()
                .any(|d| f.starts_with(d) || f.contains(&format!("/{d}")))
        })
        .filter(|f| {
            let keep_ext = [
                ".json",
                ".txt",
                ".model",
                ".spm",
                ".md",
                ".safetensors",
                ".tiktoken",
                ".py",
            ];
            keep_ext.iter().any(|x| f.ends_with(x)) || (!has_safetensors && f.ends_with(".bin"))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wanted_files_picks_one_weight_format() {
        let files: Vec<String> = [
            "config.json",
            "model.safetensors",
            "pytorch_model.bin",
            "onnx/model.onnx",
            "onnx/config.json",
            "tf_model.h5",
            "1_Pooling/config.json",
            "README.md",
            ".gitattributes",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let got = wanted_files(&files, None);
        assert_eq!(
            got,
            [
                "config.json",
                "model.safetensors",
                "1_Pooling/config.json",
                "README.md"
            ]
        );
        // opus-mt's main branch: PyTorch weights and SentencePiece files, no safetensors.
        let files: Vec<String> = [
            "config.json",
            "pytorch_model.bin",
            "source.spm",
            "target.spm",
            "vocab.json",
            "tf_model.h5",
            "rust_model.ot",
            "2_Dense/model.safetensors",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            wanted_files(&files, None),
            [
                "config.json",
                "pytorch_model.bin",
                "source.spm",
                "target.spm",
                "vocab.json",
                "2_Dense/model.safetensors"
            ]
        );
        // A sharded model: the index and every shard, no .bin.
        let files: Vec<String> = [
            "model.safetensors.index.json",
            "model-00001-of-00002.safetensors",
            "model-00002-of-00002.safetensors",
            "pytorch_model.bin",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(wanted_files(&files, None), files[..3]);
        let ggufs = vec!["a.Q4.gguf".to_string(), "a.Q8.gguf".to_string()];
        assert_eq!(wanted_files(&ggufs, Some("a.Q8.gguf")), ["a.Q8.gguf"]);
    }
}
