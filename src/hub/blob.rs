//! Copying a stream while hashing it (sha256) and reporting progress: the one way bytes enter the
//! cache, whether from the Hub, a wheel or a folder.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::cache::{Blob, StoreError};
use super::ProvisionEvent;
use crate::domain::repo_id as ids;

/// Reports progress of one file at most every 100 ms (and at the end).
pub struct Meter<'a> {
    file: String,
    total: Option<u64>,
    done: u64,
    last: Option<Instant>,
    events: Option<&'a mut dyn FnMut(ProvisionEvent)>,
}

impl<'a> Meter<'a> {
    pub fn new(
        file: &str,
        total: Option<u64>,
        events: &'a mut dyn FnMut(ProvisionEvent),
    ) -> Meter<'a> {
        Meter {
            file: file.to_string(),
            total,
            done: 0,
            last: None,
            events: Some(events),
        }
    }

    pub fn silent() -> Meter<'static> {
        Meter {
            file: String::new(),
            total: None,
            done: 0,
            last: None,
            events: None,
        }
    }

    fn add(&mut self, n: u64, force: bool) {
        self.done += n;
        let due = self
            .last
            .is_none_or(|t| t.elapsed() >= Duration::from_millis(100));
        if let (Some(events), true) = (self.events.as_mut(), due || force) {
            events(ProvisionEvent::Progress {
                file: self.file.clone(),
                done: self.done,
                total: self.total,
            });
            self.last = Some(Instant::now());
        }
    }
}

pub(super) fn write_hashed(
    reader: &mut dyn Read,
    tmp: &Path,
    meter: &mut Meter<'_>,
) -> Result<Blob, StoreError> {
    let mut out = File::create(tmp).map_err(StoreError::Write)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    meter.add(0, true);
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(StoreError::Read(e)),
        };
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(StoreError::Write)?;
        size += n as u64;
        meter.add(n as u64, false);
    }
    out.sync_all().map_err(StoreError::Write)?;
    meter.add(0, true);
    Ok(Blob {
        sha256: ids::hex(&hasher.finalize()),
        size,
    })
}

/// sha256 (hex) and size of a file.
pub fn sha256_file(path: &Path) -> io::Result<(String, u64)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let size = io::copy(&mut file, &mut hasher)?;
    Ok((ids::hex(&hasher.finalize()), size))
}
