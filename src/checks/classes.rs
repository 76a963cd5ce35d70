//! Conditions on labelled, ranked and trained results: `label`, `score`, `rank`, `accuracy`.

use crate::course::{Bounds, Check, RankGoal};
use crate::domain::PipelineOutput;

use super::place::{not_finite, place, Placed};
use super::wording::{score, score_bounds, MANY};
use super::Condition;

fn fail(detail: String) -> Condition {
    Condition {
        passed: false,
        detail,
    }
}

fn pass(detail: String) -> Condition {
    Condition {
        passed: true,
        detail,
    }
}

/// The conditions of `check` that these outputs answer.
pub fn conditions(check: &Check, output: &PipelineOutput) -> Vec<Condition> {
    let mut out = Vec::new();
    if !check.label.is_empty() {
        out.extend(match top_labels(output) {
            Some(tops) => labels(&check.label, &tops),
            None => vec![fail(
                "this check needs labels, but the model gave something else".into(),
            )],
        });
    }
    if let Some(b) = &check.score {
        out.extend(match top_labels(output) {
            Some(tops) => scores(b, &tops),
            None => vec![fail(
                "this check needs scores, but the model gave something else".into(),
            )],
        });
    }
    if let Some(goal) = check.rank {
        out.push(rank(goal, output));
    }
    if let Some(b) = &check.accuracy {
        out.push(accuracy(b, output));
    }
    out
}

/// The top label and its score for every text.
fn top_labels(output: &PipelineOutput) -> Option<Vec<(String, f64)>> {
    match output {
        PipelineOutput::Labels(per_text) => Some(
            per_text
                .iter()
                .filter_map(|l| l.first())
                .map(|l| (l.label.clone(), f64::from(l.score)))
                .collect(),
        ),
        PipelineOutput::FillMask(per_text) => Some(
            per_text
                .iter()
                .filter_map(|masks| masks.first()?.first())
                .map(|f| (f.token_str.trim().to_string(), f64::from(f.score)))
                .collect(),
        ),
        PipelineOutput::Answers(per_question) => Some(
            per_question
                .iter()
                .filter_map(|a| a.first())
                .map(|a| (a.answer.clone(), f64::from(a.score)))
                .collect(),
        ),
        PipelineOutput::ZeroShot(results) => Some(
            results
                .iter()
                .filter_map(|r| Some((r.labels.first()?.clone(), f64::from(*r.scores.first()?))))
                .collect(),
        ),
        _ => None,
    }
}

/// A *predict, then run* exercise: the student's guess against the model's label for the first
/// text (a guess matches when the label contains it, case ignored, as `label` does).
pub fn prediction(guess: &str, output: &PipelineOutput) -> Condition {
    let Some((got, score)) = top_labels(output).and_then(|t| t.into_iter().next()) else {
        return fail("a prediction needs a label, but the model gave something else".into());
    };
    if !guess.trim().is_empty() && got.to_lowercase().contains(&guess.trim().to_lowercase()) {
        pass(format!(
            "you predicted {guess} and the model says {got} ({score:.2}): well guessed"
        ))
    } else {
        fail(format!(
            "you predicted {guess}, but the model says {got} ({score:.2})"
        ))
    }
}

fn text_name(i: usize, n: usize) -> String {
    if n > 1 {
        format!("text {}: ", i + 1)
    } else {
        String::new()
    }
}

fn labels(wanted: &[String], tops: &[(String, f64)]) -> Vec<Condition> {
    if tops.is_empty() {
        return vec![fail("the model labelled no text".into())];
    }
    let n = tops.len();
    let judged: Vec<Condition> = tops
        .iter()
        .enumerate()
        .map(|(i, (got, _))| {
            let want = if wanted.len() == 1 {
                &wanted[0]
            } else {
                wanted.get(i).unwrap_or(&wanted[0])
            };
            let who = text_name(i, n);
            if got.to_lowercase().contains(&want.to_lowercase()) {
                pass(format!("{who}the model says {got}, as wanted"))
            } else {
                fail(format!("{who}the model says {got}; the goal is {want}"))
            }
        })
        .collect();
    if n < MANY {
        return judged;
    }
    // Many texts: one summary line, then only the wrong ones.
    let right = judged.iter().filter(|c| c.passed).count();
    let summary = if right == n {
        pass(format!("all {n} texts get the label wanted"))
    } else {
        fail(format!("{right} of {n} texts right"))
    };
    std::iter::once(summary)
        .chain(judged.into_iter().filter(|c| !c.passed))
        .collect()
}

fn scores(b: &Bounds, tops: &[(String, f64)]) -> Vec<Condition> {
    if tops.is_empty() {
        return vec![fail("the model labelled no text".into())];
    }
    let n = tops.len();
    tops.iter()
        .enumerate()
        .map(|(i, (label, v))| {
            let who = text_name(i, n);
            let shown = score(*v, b);
            match place(*v, b) {
                Placed::NotFinite => fail(not_finite(&format!("{who}the score of {label}"), *v)),
                Placed::Below(min) => fail(format!(
                    "{who}the score of {label} is {shown}, below the goal of {min:.2}"
                )),
                Placed::Above(max) => fail(format!(
                    "{who}the score of {label} is {shown}, above the limit of {max:.2}"
                )),
                Placed::Within => pass(format!(
                    "{who}the score of {label} is {shown} (goal: {})",
                    score_bounds(b)
                )),
            }
        })
        .collect()
}

fn rank(goal: RankGoal, output: &PipelineOutput) -> Condition {
    let PipelineOutput::Ranking(hits) = output else {
        return fail(
            "this check needs a ranking of documents, but the model gave something else".into(),
        );
    };
    let target = goal.document.saturating_sub(1);
    let Some(at) = hits.iter().position(|h| h.corpus_id == target) else {
        return fail(format!("document {} is not in the results", goal.document));
    };
    let place = at + 1;
    let wanted = if goal.max == 1 {
        "rank 1".to_string()
    } else {
        format!("rank {} or better", goal.max)
    };
    if place <= goal.max {
        pass(format!(
            "document {} is at rank {place} (goal: {wanted})",
            goal.document
        ))
    } else {
        fail(format!(
            "document {} is at rank {place}; the goal is {wanted}",
            goal.document
        ))
    }
}

fn accuracy(b: &Bounds, output: &PipelineOutput) -> Condition {
    let PipelineOutput::Trained(report) = output else {
        return fail(
            "this check needs a trained classifier, but the model gave something else".into(),
        );
    };
    let v = f64::from(report.accuracy);
    let right = format!(
        "{} of {} test sentences right",
        report.correct, report.total
    );
    let shown = score(v, b);
    match place(v, b) {
        Placed::NotFinite => fail(not_finite(
            &format!("your classifier's accuracy ({right})"),
            v,
        )),
        Placed::Below(min) => fail(format!(
            "your classifier got {right}: accuracy {shown}, below the goal of {min:.2}"
        )),
        Placed::Above(max) => fail(format!(
            "your classifier got {right}: accuracy {shown}, above the limit of {max:.2}"
        )),
        Placed::Within => pass(format!(
            "your classifier got {right}: accuracy {shown} (goal: {})",
            score_bounds(b)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::LabelScore;
    use crate::domain::SearchHit;

    fn labels_out(tops: &[(&str, f32)]) -> PipelineOutput {
        PipelineOutput::Labels(
            tops.iter()
                .map(|(l, s)| {
                    vec![LabelScore {
                        label: l.to_string(),
                        score: *s,
                    }]
                })
                .collect(),
        )
    }

    fn details(c: &[Condition]) -> Vec<(bool, &str)> {
        c.iter().map(|c| (c.passed, c.detail.as_str())).collect()
    }

    #[test]
    fn a_prediction_is_judged_against_the_first_label() {
        let out = labels_out(&[("POSITIVE", 0.93)]);
        let right = prediction("positive", &out);
        assert!(right.passed, "{}", right.detail);
        assert_eq!(
            right.detail,
            "you predicted positive and the model says POSITIVE (0.93): well guessed"
        );
        let wrong = prediction("NEGATIVE", &out);
        assert!(!wrong.passed);
        assert_eq!(
            wrong.detail,
            "you predicted NEGATIVE, but the model says POSITIVE (0.93)"
        );
        assert!(!prediction("x", &PipelineOutput::Similarities(vec![0.5])).passed);
    }

    #[test]
    fn label_ignores_case_and_goes_text_by_text() {
        let check = Check {
            label: vec!["positive".into()],
            ..Check::default()
        };
        let got = conditions(&check, &labels_out(&[("POSITIVE", 0.9)]));
        assert_eq!(
            details(&got),
            [(true, "the model says POSITIVE, as wanted")]
        );
        let check = Check {
            label: vec!["sport".into(), "health".into()],
            ..Check::default()
        };
        let got = conditions(
            &check,
            &labels_out(&[("football and sport", 0.9), ("weather", 0.7)]),
        );
        assert_eq!(
            details(&got),
            [
                (true, "text 1: the model says football and sport, as wanted"),
                (false, "text 2: the model says weather; the goal is health")
            ]
        );
    }

    #[test]
    fn label_over_many_texts_sums_up_and_lists_the_wrong_ones() {
        let check = Check {
            label: vec!["sport".into()],
            ..Check::default()
        };
        let five = [
            ("sport", 0.9),
            ("sport", 0.8),
            ("food", 0.6),
            ("sport", 0.7),
            ("sport", 0.9),
        ];
        let got = conditions(&check, &labels_out(&five));
        assert_eq!(
            details(&got),
            [
                (false, "4 of 5 texts right"),
                (false, "text 3: the model says food; the goal is sport")
            ]
        );
        let got = conditions(&check, &labels_out(&[("sport", 0.9); 3]));
        assert_eq!(details(&got), [(true, "all 3 texts get the label wanted")]);
    }

    #[test]
    fn score_bounds_both_ways() {
        let check = Check {
            score: Some(Bounds {
                min: None,
                max: Some(0.6),
            }),
            ..Check::default()
        };
        let got = conditions(&check, &labels_out(&[("NEGATIVE", 0.97)]));
        assert_eq!(
            details(&got),
            [(
                false,
                "the score of NEGATIVE is 0.97, above the limit of 0.60"
            )]
        );
        let got = conditions(&check, &labels_out(&[("POSITIVE", 0.52)]));
        assert!(got[0].passed);
    }

    #[test]
    fn rank_counts_from_one_and_needs_a_ranking() {
        let hit = |id| SearchHit {
            corpus_id: id,
            score: 0.5,
            text: String::new(),
        };
        let ranking = PipelineOutput::Ranking(vec![hit(5), hit(2), hit(0)]);
        let check = Check {
            rank: Some(RankGoal {
                document: 3,
                max: 1,
            }),
            ..Check::default()
        };
        assert_eq!(
            details(&conditions(&check, &ranking)),
            [(false, "document 3 is at rank 2; the goal is rank 1")]
        );
        let check = Check {
            rank: Some(RankGoal {
                document: 3,
                max: 2,
            }),
            ..Check::default()
        };
        assert_eq!(
            details(&conditions(&check, &ranking)),
            [(true, "document 3 is at rank 2 (goal: rank 2 or better)")]
        );
        let wrong = conditions(&check, &labels_out(&[("POSITIVE", 0.9)]));
        assert!(!wrong[0].passed);
    }

    #[test]
    fn accuracy_needs_a_training_report() {
        let check = Check {
            accuracy: Some(Bounds {
                min: Some(0.8),
                max: None,
            }),
            ..Check::default()
        };
        let got = conditions(&check, &labels_out(&[("POSITIVE", 0.9)]));
        assert_eq!(
            details(&got),
            [(
                false,
                "this check needs a trained classifier, but the model gave something else"
            )]
        );
    }
}
