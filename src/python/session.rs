//! One run of a cell: rewrite the host imports, compile in monty, and drive the VM, answering each
//! pause (a host call, an unknown name, a file or environment access) until it completes.

use std::time::Instant;

use monty::{MontyRun, RunProgress};
use monty_types::{
    CompileOptions, DictPairs, ExcType, ExtFunctionResult, MontyClassInstance, MontyClassType,
    MontyException, MontyObject, MontyUuid, NameLookupResult, PrintWriter, ResourceLimits,
    ResourceTracker,
};

use super::errors::Prelude;
use super::gradio as gr;
use super::sentence_transformers as st;
use super::tokenizer;
use super::transformers::{self, Pipe};
use super::values::raise;
use super::{errors, imports, CellRun, Limits, Models, Source};

/// The host function `transformers.pipeline` is called by.
const PIPELINE: &str = "transformers.pipeline";

/// The host object a hidden global holds.
fn host_object(object: &str) -> MontyObject {
    match object {
        "transformers.pipeline" => function(PIPELINE),
        "transformers.AutoTokenizer" => tokenizer::auto_tokenizer(),
        // `import transformers`: a module object whose `pipeline` is the host function.
        "transformers" => MontyObject::ClassInstance(Box::new(MontyClassInstance {
            class_type: MontyClassType {
                name: "module".into(),
                id: MontyUuid::from_u128(0x6866_7475_746f_7200_0000_0000_0000_0001),
                host_defined: true,
                is_dataclass: false,
                attrs: DictPairs::default(),
            },
            instance_id: MontyUuid::from_u128(0x6866_7475_746f_7200_0000_0000_0000_0002),
            attrs: vec![
                (MontyObject::String("pipeline".into()), function(PIPELINE)),
                (
                    MontyObject::String("AutoTokenizer".into()),
                    tokenizer::auto_tokenizer(),
                ),
            ]
            .into(),
        })),
        _ => MontyObject::None,
    }
}

fn function(name: &str) -> MontyObject {
    MontyObject::Function {
        name: name.to_string(),
        docstring: None,
    }
}

/// What the host does at a pause.
enum Answer {
    Value(MontyObject),
    /// Raised where the call is; the code may catch it.
    Raise(MontyException),
    /// Ends the run; the code can't catch it (a limit).
    Abort(MontyException),
}

struct Host<'a> {
    models: &'a mut dyn Models,
    pipes: Vec<Pipe>,
    /// The models of the tokenizers made, in order.
    tokenizers: Vec<crate::domain::ModelRef>,
    names: Vec<String>,
    cell: CellRun,
    started: Instant,
    limits: Limits,
    host_calls: usize,
    form: Option<Vec<String>>,
}

impl Host<'_> {
    fn call(
        &mut self,
        name: &str,
        args: &[MontyObject],
        kwargs: &[(MontyObject, MontyObject)],
    ) -> Answer {
        self.host_calls += 1;
        if self.host_calls > self.limits.host_calls {
            return Answer::Abort(raise(
                ExcType::RuntimeError,
                format!(
                    "hftutor's sandbox stops a cell after {} model calls",
                    self.limits.host_calls
                ),
            ));
        }
        if self.started.elapsed() > self.limits.wall_time {
            return Answer::Abort(raise(
                ExcType::TimeoutError,
                format!(
                    "hftutor's sandbox stops a cell after {} s",
                    self.limits.wall_time.as_secs()
                ),
            ));
        }
        if self.models.cancelled() {
            return Answer::Abort(raise(
                ExcType::KeyboardInterrupt,
                "stopped: you pressed Esc",
            ));
        }
        if name == "__hf_gr_form" {
            return Answer::Value(match &self.form {
                Some(values) => MontyObject::List(
                    values
                        .iter()
                        .map(|v| MontyObject::String(v.clone()))
                        .collect(),
                ),
                None => MontyObject::None,
            });
        }
        if name == "__hf_gr_begin" {
            return Answer::Value(MontyObject::Int(self.cell.calls.len() as i64));
        }
        if name == "__hf_gr_launch" {
            return match gr::launch(args, self.cell.calls.len()) {
                Ok(mut app) => {
                    app.from_form = self.form.is_some();
                    let note = "hftutor: launch() shows the app here; on a Space, the same code serves it at a web address";
                    if !self.cell.notes.iter().any(|n| n == note) {
                        self.cell.notes.push(note.to_string());
                    }
                    self.cell.apps.push(app);
                    Answer::Value(MontyObject::None)
                }
                Err(e) => Answer::Raise(e),
            };
        }
        if name == "__hf_gr_task" {
            let pipe = match args {
                [MontyObject::Function { name, .. }] => self
                    .pipes
                    .iter()
                    .enumerate()
                    .find(|(i, p)| p.callable_name(*i) == *name),
                _ => None,
            };
            return match pipe {
                Some((_, p)) => Answer::Value(MontyObject::String(p.task.name().to_string())),
                None => Answer::Raise(raise(
                    ExcType::TypeError,
                    "Interface.from_pipeline() takes a pipeline made by transformers.pipeline(…)",
                )),
            };
        }
        if st::HOST_FUNCTIONS.contains(&name) {
            return match st::call(name, args, self.models, &mut self.cell.calls) {
                Ok(v) => Answer::Value(v),
                Err(e) => Answer::Raise(e),
            };
        }
        if name == tokenizer::FROM_PRETRAINED {
            let mut notes = Vec::new();
            let made = tokenizer::from_pretrained(
                args,
                kwargs,
                self.tokenizers.len(),
                &*self.models,
                &mut notes,
            );
            for n in notes {
                if !self.cell.notes.contains(&n) {
                    self.cell.notes.push(n);
                }
            }
            return match made {
                Ok((object, model)) => {
                    self.tokenizers.push(model);
                    Answer::Value(object)
                }
                Err(e) => Answer::Raise(e),
            };
        }
        if let Some((i, method)) = tokenizer::method(name) {
            let Some(model) = self.tokenizers.get(i).cloned() else {
                return Answer::Raise(errors::name_error(name, &self.names));
            };
            return match tokenizer::call(&model, method, args, self.models, &mut self.cell.calls) {
                Ok(v) => Answer::Value(v),
                Err(e) => Answer::Raise(e),
            };
        }
        if name == PIPELINE {
            return match transformers::make_pipeline(args, kwargs, &*self.models) {
                Ok((pipe, notes)) => {
                    for n in notes {
                        if !self.cell.notes.contains(&n) {
                            self.cell.notes.push(n);
                        }
                    }
                    let callable = pipe.callable_name(self.pipes.len());
                    self.pipes.push(pipe);
                    Answer::Value(function(&callable))
                }
                Err(e) => Answer::Raise(e),
            };
        }
        let found = self
            .pipes
            .iter()
            .enumerate()
            .find(|(i, p)| p.callable_name(*i) == name)
            .map(|(_, p)| p.clone());
        match found {
            Some(pipe) => {
                match transformers::call(&pipe, args, kwargs, self.models, &mut self.cell.calls) {
                    Ok(v) => Answer::Value(v),
                    Err(e) => Answer::Raise(e),
                }
            }
            // A name the code calls but never defined.
            None => Answer::Raise(errors::name_error(name, &self.names)),
        }
    }
}

/// Runs `source` in the sandbox, its host modules on `models`.
pub fn run(source: &Source, models: &mut dyn Models, limits: Limits) -> CellRun {
    run_with_form(source, models, limits, None)
}

/// Runs `source` with `form` as what the student typed in a launched gradio app's fields.
pub fn run_with_form(
    source: &Source,
    models: &mut dyn Models,
    limits: Limits,
    form: Option<&[String]>,
) -> CellRun {
    let mut cell = CellRun::default();
    let rewritten = match imports::rewrite(&source.code) {
        Ok(r) => r,
        Err(p) => {
            cell.error = Some(errors::import_problem(&p, &source.file_name, &source.code));
            return cell;
        }
    };
    let mut globals: Vec<(String, MontyObject)> = Vec::new();
    for b in &rewritten.bindings {
        let g = b.global();
        if !globals.iter().any(|(n, _)| *n == g) {
            globals.push((g, host_object(&b.object)));
        }
    }
    // sentence_transformers and gradio are Python over host functions: their preludes run first.
    let mut preludes = String::new();
    let mut prelude = Prelude::default();
    for (library, code, functions) in [
        ("sentence_transformers", st::PRELUDE, st::HOST_FUNCTIONS),
        ("gradio", gr::PRELUDE, gr::HOST_FUNCTIONS),
    ] {
        let used = rewritten
            .bindings
            .iter()
            .any(|b| b.object == library || b.object.starts_with(&format!("{library}.")));
        if !used {
            continue;
        }
        let hidden = format!("__hf_{library}");
        globals.retain(|(n, _)| !n.starts_with(&hidden));
        for f in functions {
            globals.push((f.to_string(), function(f)));
        }
        prelude.push(library, code.lines().count());
        preludes.push_str(code);
    }
    let program_source = format!("{preludes}{}", rewritten.source);
    let (names, objects): (Vec<String>, Vec<MontyObject>) = globals.into_iter().unzip();
    let program = match MontyRun::new(
        program_source,
        &source.file_name,
        names,
        CompileOptions::default(),
    ) {
        Ok(p) => p,
        Err(e) => {
            cell.error = Some(errors::format(&e, prelude));
            return cell;
        }
    };
    let tracker = ResourceTracker::new(
        ResourceLimits::default()
            .max_duration(limits.python_time)
            .max_memory(limits.memory_bytes)
            .max_recursion_depth(limits.recursion_depth),
    );
    let mut out = String::new();
    let cap = Some(limits.output_bytes);
    let mut host = Host {
        models,
        pipes: Vec::new(),
        tokenizers: Vec::new(),
        names: imports::identifiers(&source.code),
        cell,
        started: Instant::now(),
        limits,
        host_calls: 0,
        form: form.map(<[String]>::to_vec),
    };
    let mut progress = program.start(objects, tracker, PrintWriter::CollectString(&mut out, cap));
    loop {
        let step = match progress {
            Err(e) => {
                host.cell.error = Some(errors::format(&e, prelude));
                break;
            }
            Ok(step) => step,
        };
        progress = match step {
            RunProgress::Complete(value) => {
                if value != MontyObject::None {
                    host.cell.last_value = Some(value.py_repr());
                }
                break;
            }
            RunProgress::FunctionCall(call) => {
                let answer = if call.object_id.is_some() {
                    Answer::Raise(raise(
                        ExcType::AttributeError,
                        format!("no method '{}' here", call.function_name),
                    ))
                } else {
                    host.call(&call.function_name, &call.args, &call.kwargs)
                };
                let pw = PrintWriter::CollectString(&mut out, cap);
                match answer {
                    Answer::Value(v) => call.resume(ExtFunctionResult::Return(v), pw),
                    Answer::Raise(e) => call.resume(ExtFunctionResult::Error(e), pw),
                    Answer::Abort(e) => call.abort(e, pw),
                }
            }
            RunProgress::NameLookup(lookup) => {
                let answer = if lookup.object_id().is_some() {
                    NameLookupResult::Undefined
                } else {
                    NameLookupResult::Error(errors::name_error(&lookup.name, &host.names))
                };
                lookup.resume(answer, PrintWriter::CollectString(&mut out, cap))
            }
            RunProgress::OsCall(os) => {
                let e = raise(
                    ExcType::PermissionError,
                    "hftutor's sandbox has no files, network or environment: give the code its text directly",
                );
                os.resume(
                    ExtFunctionResult::Error(e),
                    PrintWriter::CollectString(&mut out, cap),
                )
            }
            RunProgress::ResolveFutures(_) => {
                let e = raise(
                    ExcType::NotImplementedError,
                    "hftutor's sandbox doesn't run async code",
                );
                host.cell.error = Some(errors::format(&e, prelude));
                break;
            }
        };
    }
    host.cell.stdout = out;
    host.cell
}
