//! Rules on the checks of classifying and ranking tasks: `label` (one for all texts, or one per
//! text) and `rank` (a document that exists, a rank of 1 or more).

use crate::domain::corpus::documents;
use crate::domain::Task;

use super::check_spec::Context;
use super::raw::{RawRank, Texts};
use super::report::Report;
use super::types::RankGoal;
use super::yaml_doc::YamlDoc;

/// The texts a classifying task labels: zero-shot's first input holds the candidate labels.
fn classified(ctx: &Context) -> usize {
    match ctx.task {
        Some(Task::ZeroShotClassification) => ctx.text_inputs.saturating_sub(1),
        _ => ctx.text_inputs,
    }
}

pub fn labels(
    doc: &YamlDoc,
    raw: Option<Texts>,
    ctx: &Context,
    report: &mut Report,
) -> Vec<String> {
    let list = raw.map(|t| t.0).unwrap_or_default();
    if list.iter().any(|s| s.trim().is_empty()) {
        report.error(
            doc.pos("check.label"),
            "check \"label\" has an empty label, which every label contains: remove it",
        );
    }
    let texts = classified(ctx);
    if list.len() > 1 && texts > 0 && list.len() != texts {
        report.error(
            doc.pos("check.label"),
            format!(
                "check \"label\" lists {} labels, but the exercise classifies {texts} {}: give one label per text, in order, or a single label for all",
                list.len(),
                if texts == 1 { "text" } else { "texts" }
            ),
        );
    }
    list
}

pub fn rank(doc: &YamlDoc, raw: RawRank, report: &mut Report) -> Option<RankGoal> {
    let n = documents().len() as i64;
    let (Some(document), Some(max)) = (raw.document, raw.max) else {
        report.error(
            doc.pos("check.rank"),
            "check \"rank\" needs a document and the worst rank it may get, e.g. `rank: {document: 4, max: 1}`",
        );
        return None;
    };
    let mut ok = true;
    if !(1..=n).contains(&document) {
        report.error(
            doc.pos("check.rank.document"),
            format!("rank document {document} doesn't exist: the search documents are numbered 1 to {n}"),
        );
        ok = false;
    }
    if !(1..=n).contains(&max) {
        report.error(
            doc.pos("check.rank.max"),
            format!("rank max {max} is outside 1 to {n}: 1 means the top result"),
        );
        ok = false;
    }
    ok.then_some(RankGoal {
        document: document as usize,
        max: max as usize,
    })
}
