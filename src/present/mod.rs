//! How a pipeline's output is shown: as plain lines for a terminal, and as the JSON transformers'
//! pipelines give. The command line prints these; the shell's view draws from the same lines
//! where it shows text. Nothing here runs a model.

pub mod answers;
pub mod app;
pub mod classes;
pub mod entities;
pub mod fill_mask;
pub mod safe;
pub mod seq2seq;

use serde_json::{json, Value};

use crate::domain::{PipelineOutput, Task};

/// The JSON transformers' pipeline gives for `output`: `chat` leaves the prompt out of generated
/// text; `top_k` keeps each text's k best labels (transformers' `top_k`) and k answers.
pub fn json(task: Task, output: &PipelineOutput, chat: bool, top_k: Option<usize>) -> Value {
    match (output, top_k) {
        // Images get their top_k (default 5) labels, already cut by the pipeline.
        (PipelineOutput::Labels(per_image), _) if task == Task::ImageClassification => {
            match per_image.as_slice() {
                [one] => json!(one),
                _ => json!(per_image),
            }
        }
        // With --top-k, transformers gives each text its k best labels, not just the best.
        (PipelineOutput::Labels(per_text), Some(k)) => {
            let top: Vec<_> = per_text.iter().map(|l| &l[..k.min(l.len())]).collect();
            match top.as_slice() {
                [one] => json!(one),
                _ => json!(top),
            }
        }
        (PipelineOutput::Answers(a), k) => answers::to_json(a, k),
        _ => plain_json(output, chat),
    }
}

/// JSON as transformers' pipelines shape it, without `top_k`.
fn plain_json(output: &PipelineOutput, chat: bool) -> Value {
    match output {
        PipelineOutput::Embeddings(v) => json!(v),
        PipelineOutput::Similarities(s) => json!(s),
        PipelineOutput::Generations(g) => json!(g
            .iter()
            .map(|g| {
                let text = if chat {
                    g.text.clone()
                } else {
                    format!("{}{}", g.prompt, g.text)
                };
                json!({ "generated_text": text })
            })
            .collect::<Vec<_>>()),
        PipelineOutput::Tokens(t) => json!(t),
        // transformers gives the top label per text.
        PipelineOutput::Labels(per_text) => json!(per_text
            .iter()
            .filter_map(|labels| labels.first())
            .collect::<Vec<_>>()),
        PipelineOutput::ZeroShot(results) if results.len() == 1 => json!(results[0]),
        PipelineOutput::ZeroShot(results) => json!(results),
        PipelineOutput::Ranking(hits) => json!(hits),
        PipelineOutput::Trained(report) => json!(report),
        PipelineOutput::FillMask(per_text) => fill_mask::to_json(per_text),
        PipelineOutput::Entities(per_text) if per_text.len() == 1 => json!(per_text[0]),
        PipelineOutput::Entities(per_text) => json!(per_text),
        PipelineOutput::Answers(a) => answers::to_json(a, None),
        PipelineOutput::Transcriptions(t) if t.len() == 1 => json!(t[0]),
        PipelineOutput::Transcriptions(t) => json!(t),
        PipelineOutput::Seq2Seq(texts) => json!(texts),
    }
}

/// A result as plain lines, as `hftutor pipeline` prints it. Generated and transcribed text gives
/// one empty line (it was streamed as it came).
pub fn lines(inputs: &[String], output: &PipelineOutput) -> Vec<String> {
    let mut out = Vec::new();
    match output {
        PipelineOutput::Embeddings(vectors) => {
            for (text, v) in inputs.iter().zip(vectors) {
                let head: Vec<String> = v.iter().take(6).map(|x| format!("{x:+.4}")).collect();
                out.push(format!(
                    "{text:?}: {} dimensions [{} …]",
                    v.len(),
                    head.join(", ")
                ));
            }
        }
        PipelineOutput::Similarities(scores) => {
            for (other, s) in inputs.iter().skip(1).zip(scores) {
                out.push(format!("{s:.4}  {:?} ↔ {other:?}", inputs[0]));
            }
        }
        // The text was streamed as it came.
        PipelineOutput::Generations(_) => out.push(String::new()),
        PipelineOutput::Tokens(all) => {
            for (text, tokens) in inputs.iter().zip(all) {
                out.push(format!("{text:?}: {} tokens", tokens.len()));
                let line: Vec<String> = tokens
                    .iter()
                    .map(|t| format!("{}({})", t.token, t.id))
                    .collect();
                out.push(format!("  {}", line.join(" ")));
            }
        }
        PipelineOutput::Labels(_)
        | PipelineOutput::ZeroShot(_)
        | PipelineOutput::Ranking(_)
        | PipelineOutput::Trained(_) => {
            out.extend(classes::describe(inputs, output));
        }
        PipelineOutput::FillMask(per_text) => {
            out.extend(fill_mask::describe(inputs, per_text));
        }
        PipelineOutput::Entities(per_text) => {
            out.extend(entities::describe(inputs, per_text));
        }
        PipelineOutput::Answers(a) => {
            out.extend(answers::describe(inputs, a));
        }
        // The text was streamed as it came.
        PipelineOutput::Transcriptions(_) => out.push(String::new()),
        PipelineOutput::Seq2Seq(texts) => {
            out.extend(seq2seq::describe(inputs, texts));
        }
    }
    out
}
