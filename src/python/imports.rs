//! The import pre-pass: monty 0.0.23 has no host modules (an import of `transformers` raises
//! ModuleNotFoundError), so before compiling, each import of a host module (transformers,
//! sentence_transformers, gradio) is rewritten into assignments from hidden globals the sandbox is
//! given: `from transformers import pipeline` becomes `pipeline = __hf_transformers_pipeline`. The
//! rewrite stays on the statement's first line and keeps its newlines, so every traceback keeps its
//! line numbers. A name a host module doesn't have is an ImportError worded as CPython's.

use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
use ruff_python_ast::Stmt;
use ruff_text_size::{Ranged, TextRange};

/// The modules the host provides, with the names each one has.
pub const HOST_MODULES: &[(&str, &[&str])] = &[
    ("transformers", &["pipeline", "AutoTokenizer"]),
    ("sentence_transformers", &["SentenceTransformer", "util"]),
    ("gradio", super::gradio::NAMES),
];

/// One name an import binds, and the host object it is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The Python name bound (`pipeline`, `gr`).
    pub name: String,
    /// The host object's full name (`transformers.pipeline`, `gradio`).
    pub object: String,
}

impl Binding {
    /// The hidden global the rewritten import reads.
    pub fn global(&self) -> String {
        hidden_global(&self.object)
    }
}

/// The hidden global that holds host object `object` (`transformers.pipeline` →
/// `__hf_transformers_pipeline`).
pub fn hidden_global(object: &str) -> String {
    format!("__hf_{}", object.replace('.', "_"))
}

/// An import the host can't satisfy, with where it is (1-based line, 0-based column of the
/// statement's start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub line: usize,
    pub message: String,
    /// "ImportError" (a host module without that name) or "ModuleNotFoundError".
    pub kind: &'static str,
}

/// The rewritten source and the names it binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten {
    pub source: String,
    pub bindings: Vec<Binding>,
}

fn module_names(module: &str) -> Option<&'static [&'static str]> {
    HOST_MODULES
        .iter()
        .find(|(m, _)| *m == module)
        .map(|(_, names)| *names)
}

fn is_host(module: &str) -> bool {
    let root = module.split('.').next().unwrap_or("");
    HOST_MODULES
        .iter()
        .any(|(m, _)| m.split('.').next() == Some(root))
}

#[derive(Default)]
struct Finder {
    /// Each host import statement's range, with what it binds.
    found: Vec<(TextRange, Vec<Binding>)>,
    problems: Vec<(TextRange, String, &'static str)>,
}

impl<'a> StatementVisitor<'a> for Finder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Import(import) if import.names.iter().any(|a| is_host(a.name.as_str())) => {
                let mut bound = Vec::new();
                for alias in &import.names {
                    let full = alias.name.as_str();
                    if !is_host(full) {
                        self.problems.push((
                            stmt.range(),
                            format!("hftutor's sandbox can't mix `import {full}` with the host modules on one line: import it on its own line"),
                            "ImportError",
                        ));
                        continue;
                    }
                    if module_names(full).is_none() {
                        self.problems.push((
                            stmt.range(),
                            format!("No module named '{full}'"),
                            "ModuleNotFoundError",
                        ));
                        continue;
                    }
                    let (name, object) = match &alias.asname {
                        Some(a) => (a.as_str().to_string(), full.to_string()),
                        // `import a.b` binds `a`.
                        None => {
                            let root = full.split('.').next().unwrap_or(full).to_string();
                            (root.clone(), root)
                        }
                    };
                    bound.push(Binding { name, object });
                }
                self.found.push((stmt.range(), bound));
            }
            Stmt::ImportFrom(import)
                if import.level == 0
                    && import.module.as_ref().is_some_and(|m| is_host(m.as_str())) =>
            {
                let module = import.module.as_ref().map_or("", |m| m.as_str());
                let Some(has) = module_names(module) else {
                    self.problems.push((
                        stmt.range(),
                        format!("No module named '{module}'"),
                        "ModuleNotFoundError",
                    ));
                    return;
                };
                let mut bound = Vec::new();
                for alias in &import.names {
                    let name = alias.name.as_str();
                    if !has.contains(&name) {
                        let message = if name == "*" {
                            format!("hftutor's sandbox doesn't take `from {module} import *`: name what you use, e.g. `from {module} import {}`", has[0])
                        } else {
                            format!("cannot import name '{name}' from '{module}' (hftutor's {module} has: {})", has.join(", "))
                        };
                        self.problems.push((stmt.range(), message, "ImportError"));
                        continue;
                    }
                    let bound_as = alias.asname.as_ref().map_or(name, |a| a.as_str());
                    bound.push(Binding {
                        name: bound_as.to_string(),
                        object: format!("{module}.{name}"),
                    });
                }
                self.found.push((stmt.range(), bound));
            }
            _ => walk_stmt(self, stmt),
        }
    }
}

fn line_of(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}

/// Rewrites the host imports of `source`. A source that doesn't parse is given back unchanged
/// (monty reports its SyntaxError from the same parser).
pub fn rewrite(source: &str) -> Result<Rewritten, ImportProblem> {
    let Ok(parsed) = ruff_python_parser::parse_module(source) else {
        return Ok(Rewritten {
            source: source.to_string(),
            bindings: Vec::new(),
        });
    };
    let mut finder = Finder::default();
    finder.visit_body(&parsed.syntax().body);
    if let Some((range, message, kind)) = finder.problems.into_iter().next() {
        return Err(ImportProblem {
            line: line_of(source, range.start().to_usize()),
            message,
            kind,
        });
    }
    let mut out = String::with_capacity(source.len());
    let mut bindings = Vec::new();
    let mut last = 0;
    for (range, bound) in finder.found {
        let (start, end) = (range.start().to_usize(), range.end().to_usize());
        out.push_str(&source[last..start]);
        let assigns: Vec<String> = bound
            .iter()
            .map(|b| format!("{} = {}", b.name, b.global()))
            .collect();
        out.push_str(if assigns.is_empty() { "pass" } else { "" });
        out.push_str(&assigns.join("; "));
        out.push_str(&"\n".repeat(source[start..end].matches('\n').count()));
        bindings.extend(bound);
        last = end;
    }
    out.push_str(&source[last..]);
    Ok(Rewritten {
        source: out,
        bindings,
    })
}

/// Every identifier in `source` (for "Did you mean"), sorted, without repeats.
pub fn identifiers(source: &str) -> Vec<String> {
    let parsed =
        ruff_python_parser::parse_unchecked_source(source, ruff_python_ast::PySourceType::Python);
    let mut names: Vec<String> = parsed
        .tokens()
        .iter()
        .filter(|t| t.kind() == ruff_python_ast::token::TokenKind::Name)
        .filter_map(|t| source.get(t.range().start().to_usize()..t.range().end().to_usize()))
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_become_assignments_on_the_same_lines() {
        let src = "from transformers import (\n    pipeline,\n)\nx = 1\n1/0\n";
        let r = rewrite(src).expect("rewrites");
        assert_eq!(
            r.source,
            "pipeline = __hf_transformers_pipeline\n\n\nx = 1\n1/0\n"
        );
        assert_eq!(r.source.lines().count(), src.lines().count());
    }

    #[test]
    fn aliases_and_nested_imports() {
        let src = "import transformers as tr\nif True:\n    from transformers import pipeline as p; x = 1\n";
        let r = rewrite(src).expect("rewrites");
        assert_eq!(
            r.source,
            "tr = __hf_transformers\nif True:\n    p = __hf_transformers_pipeline; x = 1\n"
        );
    }

    #[test]
    fn a_name_the_host_lacks_is_an_import_error() {
        let e = rewrite("x = 1\nfrom transformers import AutoModel\n").expect_err("refused");
        assert_eq!((e.line, e.kind), (2, "ImportError"));
        assert!(e
            .message
            .starts_with("cannot import name 'AutoModel' from 'transformers'"));
        let e = rewrite("import transformers.models\n").expect_err("refused");
        assert_eq!(e.kind, "ModuleNotFoundError");
    }

    #[test]
    fn other_imports_are_left_to_monty() {
        let src = "import math\nfrom json import dumps\n";
        assert_eq!(rewrite(src).expect("ok").source, src);
    }
}
