//! question-answering answers as plain lines and as transformers' JSON.

use serde_json::{json, Value};

use crate::domain::Answer;

/// JSON as transformers shapes it: one `{"answer","score","start","end"}` object per question
/// (a list of them with `top_k` above 1), and a list when there are several questions.
pub fn to_json(per_question: &[Vec<Answer>], top_k: Option<usize>) -> Value {
    let one = |answers: &Vec<Answer>| match (top_k.unwrap_or(1), answers.first()) {
        (1, Some(best)) => json!(best),
        _ => json!(answers),
    };
    match per_question {
        [only] => one(only),
        many => Value::Array(many.iter().map(one).collect()),
    }
}

/// Plain lines for the command line: each question with its answers.
pub fn describe(inputs: &[String], per_question: &[Vec<Answer>]) -> Vec<String> {
    let mut out = Vec::new();
    for (question, answers) in inputs.iter().zip(per_question) {
        out.push(format!("{question:?}"));
        for a in answers {
            out.push(format!(
                "  {:.4}  {:?} ({}..{})",
                a.score, a.answer, a.start, a.end
            ));
        }
    }
    out
}
