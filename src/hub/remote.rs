//! Downloads from the Hugging Face Hub (`/resolve/<rev>/<file>`, as huggingface_hub does) straight
//! into the cache, with short connect/name-lookup timeouts and a read-silence timeout so an
//! unreachable Hub is noticed in seconds. hf-hub's own client has neither, nor a sha256 check.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use super::blob::Meter;
use super::cache::{RepoDir, StoreError};
use super::config::ProvisionConfig;
use super::pins::PinnedFile;
use super::ProvisionEvent;
use crate::domain::repo_id::{self as ids, IdError};

/// Why the Hub didn't provide a file.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// No answer: name lookup, connection, TLS, a stalled transfer, or a server error.
    #[error("the Hub can't be reached ({0})")]
    Unreachable(String),
    #[error("the Hub refused access (HTTP {0}; a gated or private repo needs HF_TOKEN)")]
    Denied(u16),
    #[error("the Hub has no such file (HTTP 404)")]
    NotFound,
    #[error("the Hub answered HTTP {0}")]
    Status(u16),
    #[error("unexpected answer from the Hub: {0}")]
    Protocol(String),
    /// The Hub named a commit that can't be a snapshot folder.
    #[error("unexpected answer from the Hub: {0}")]
    BadCommit(#[source] IdError),
    #[error("the Hub's copy has {0}")]
    Mismatch(StoreError),
    #[error("{0}")]
    Cache(StoreError),
}

impl HubError {
    /// True when the Hub itself is out of reach (worth remembering for the session).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, HubError::Unreachable(_))
    }
}

/// Why a request got no answer, in a student's words (ureq says "Dns Failed: resolve dns name
/// 'huggingface.co:443'").
fn transport_words(t: &ureq::Transport) -> String {
    use ureq::ErrorKind as K;
    match t.kind() {
        K::Dns => "its address can't be looked up: this computer is offline, or the network here blocks it".to_string(),
        K::ConnectionFailed | K::ProxyConnect => {
            "no connection could be made: this computer is offline, or the network here blocks it".to_string()
        }
        K::Io => "the connection broke or stalled".to_string(),
        kind => match t.message() {
            Some(m) => format!("{kind}: {m}"),
            None => kind.to_string(),
        },
    }
}

/// A file fetched into the cache.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub path: PathBuf,
    /// The commit the Hub served it from.
    pub commit: String,
}

/// A Hub client.
#[derive(Debug, Clone)]
pub struct Hub {
    agent: ureq::Agent,
    endpoint: String,
    token: Option<String>,
}

impl Hub {
    pub fn new(config: &ProvisionConfig) -> Hub {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(config.connect_timeout)
            .timeout_read(config.read_timeout)
            .timeout_write(config.read_timeout)
            .redirects(0)
            .try_proxy_from_env(true)
            .user_agent(&format!("hftutor/{}", env!("CARGO_PKG_VERSION")))
            .resolver(TimedResolver(config.connect_timeout))
            .build();
        Hub {
            agent,
            endpoint: config.endpoint.clone(),
            token: config.token.clone(),
        }
    }

    /// Fetches `path` of `repo` at `rev` (a commit or a branch) into the cache and links it into
    /// the snapshot of the commit served. `expected` (the pin) is checked before the blob is kept.
    pub fn download(
        &self,
        repo: &RepoDir,
        rev: &str,
        path: &str,
        expected: Option<&PinnedFile>,
        lock: &super::cache::RepoLock,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<Fetched, HubError> {
        let segments: Vec<String> = path.split('/').map(ids::url_segment).collect();
        let url = format!(
            "{}/{}/resolve/{}/{}",
            self.endpoint,
            repo.repo_id,
            ids::url_segment(rev),
            segments.join("/")
        );
        let answer = self.get(&url)?;
        let commit = match (&answer.commit, expected) {
            (Some(c), _) => c.clone(),
            (None, Some(_)) => rev.to_string(),
            (None, None) => return Err(HubError::Protocol("no X-Repo-Commit header".into())),
        };
        ids::check_revision(&commit).map_err(HubError::BadCommit)?;
        if expected.is_some() && commit != rev && is_commit_hash(rev) {
            return Err(HubError::Protocol(format!(
                "asked for commit {rev}, got {commit}"
            )));
        }
        let total = answer
            .length
            .or(answer.linked_size)
            .or(expected.map(|p| p.size));
        let mut reader = answer.response.into_reader();
        let mut meter = Meter::new(path, total, events);
        let blob = repo
            .store_blob(&mut reader, expected, &mut meter, lock)
            .map_err(|e| match e {
                StoreError::Read(e) => HubError::Unreachable(format!("transfer stopped: {e}")),
                e @ StoreError::Mismatch { .. } => HubError::Mismatch(e),
                e => HubError::Cache(e),
            })?;
        if let Some(etag) = answer.linked_etag.filter(|e| ids::is_sha256_hex(e)) {
            if etag != blob.sha256 {
                return Err(HubError::Protocol(format!(
                    "content sha256 {} differs from its etag {etag}",
                    blob.sha256
                )));
            }
        }
        let path = repo
            .link(&commit, path, &blob.sha256, lock)
            .map_err(|e| HubError::Cache(StoreError::Write(e)))?;
        Ok(Fetched { path, commit })
    }

    /// The commit and file list of `repo` at `rev` (the Hub's model info API).
    pub fn list_files(&self, repo_id: &str, rev: &str) -> Result<(String, Vec<String>), HubError> {
        let url = format!(
            "{}/api/models/{repo_id}/revision/{}",
            self.endpoint,
            ids::url_segment(rev)
        );
        let answer = self.get(&url)?;
        #[derive(serde::Deserialize)]
        struct Info {
            sha: String,
            siblings: Vec<Sibling>,
        }
        #[derive(serde::Deserialize)]
        struct Sibling {
            rfilename: String,
        }
        let info: Info = serde_json::from_reader(answer.response.into_reader())
            .map_err(|e| HubError::Protocol(format!("model info: {e}")))?;
        ids::check_revision(&info.sha).map_err(HubError::BadCommit)?;
        Ok((
            info.sha,
            info.siblings.into_iter().map(|s| s.rfilename).collect(),
        ))
    }

    /// GET following redirects by hand, so the Hub's own headers (on the first answer) are kept
    /// and the token is only sent to the Hub's host.
    fn get(&self, url: &str) -> Result<Answer, HubError> {
        let mut url = url.to_string();
        let mut commit = None;
        let mut linked_etag = None;
        let mut linked_size = None;
        for _ in 0..10 {
            let mut request = self.agent.get(&url);
            if let Some(token) = self
                .token
                .as_deref()
                .filter(|_| origin(&url) == origin(&self.endpoint))
            {
                request = request.set("Authorization", &format!("Bearer {token}"));
            }
            let response = match request.call() {
                Ok(r) => r,
                Err(ureq::Error::Status(code, _)) => {
                    return Err(match code {
                        401 | 403 => HubError::Denied(code),
                        404 => HubError::NotFound,
                        500.. => HubError::Unreachable(format!("HTTP {code}")),
                        _ => HubError::Status(code),
                    })
                }
                Err(ureq::Error::Transport(t)) => {
                    // Without the URL: the same reason is shown for every file of the session.
                    return Err(HubError::Unreachable(transport_words(&t)));
                }
            };
            let header = |name: &str| {
                response
                    .header(name)
                    .map(|v| v.trim().trim_matches('"').to_string())
            };
            commit = commit.or_else(|| header("x-repo-commit"));
            linked_etag = linked_etag.or_else(|| header("x-linked-etag"));
            linked_size =
                linked_size.or_else(|| header("x-linked-size").and_then(|v| v.parse().ok()));
            if (300..400).contains(&response.status()) {
                let location = header("location")
                    .ok_or_else(|| HubError::Protocol("redirect without Location".into()))?;
                url = join_url(&url, &location);
                continue;
            }
            let length = header("content-length").and_then(|v| v.parse().ok());
            return Ok(Answer {
                response,
                commit,
                linked_etag,
                linked_size,
                length,
            });
        }
        Err(HubError::Protocol("too many redirects".into()))
    }
}

struct Answer {
    response: ureq::Response,
    commit: Option<String>,
    linked_etag: Option<String>,
    linked_size: Option<u64>,
    length: Option<u64>,
}

fn is_commit_hash(rev: &str) -> bool {
    rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit())
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

/// Resolves a Location header against the URL it came from.
fn join_url(base: &str, location: &str) -> String {
    if location.contains("://") {
        location.to_string()
    } else if let Some(rest) = location.strip_prefix("//") {
        let scheme = base.split("://").next().unwrap_or("https");
        format!("{scheme}://{rest}")
    } else if location.starts_with('/') {
        format!("{}{location}", origin(base))
    } else {
        let path_end = base
            .rfind('/')
            .filter(|&i| i >= origin(base).len())
            .unwrap_or(base.len());
        format!("{}/{location}", &base[..path_end])
    }
}

/// Name lookup with a deadline: the system resolver can stall far longer than the connect timeout.
struct TimedResolver(Duration);

impl ureq::Resolver for TimedResolver {
    fn resolve(&self, netloc: &str) -> io::Result<Vec<SocketAddr>> {
        let (tx, rx) = mpsc::channel();
        let netloc = netloc.to_string();
        std::thread::spawn(move || {
            let _ = tx.send(netloc.to_socket_addrs().map(|it| it.collect::<Vec<_>>()));
        });
        rx.recv_timeout(self.0).unwrap_or_else(|_| {
            Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "name lookup timed out",
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            origin("https://huggingface.co/a/b"),
            "https://huggingface.co"
        );
        assert_eq!(origin("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(join_url("http://h:1/a/b/c", "/x/y"), "http://h:1/x/y");
        assert_eq!(
            join_url("http://h:1/a/b/c", "https://cdn/z"),
            "https://cdn/z"
        );
        assert_eq!(join_url("https://h/a/b", "//cdn/z"), "https://cdn/z");
        assert_eq!(join_url("http://h/a/b", "c"), "http://h/a/c");
    }
}
