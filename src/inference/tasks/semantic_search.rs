//! `semantic-search`: ranks the shipped documents (assets/search/documents.txt, one per line) by
//! the cosine similarity of their embeddings with the query's, like sentence-transformers'
//! `util.semantic_search` (`corpus_id`, `score`). The documents are embedded once, at load.

use crate::domain::corpus::documents;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::SearchHit;
use crate::domain::Stream;
use crate::domain::Task;
use crate::domain::TaskInput;
use crate::inference::tasks::embeddings::{cosine, Embedder};
use crate::inference::Pipeline;
use crate::inference::PipelineError;

pub struct SearchPipeline {
    embedder: Embedder,
    docs: Vec<String>,
    vectors: Vec<Vec<f32>>,
}

impl SearchPipeline {
    pub fn new(embedder: Embedder) -> Result<SearchPipeline, PipelineError> {
        let docs: Vec<String> = documents().into_iter().map(String::from).collect();
        let vectors = embedder.embed(&docs)?.vectors;
        Ok(SearchPipeline {
            embedder,
            docs,
            vectors,
        })
    }
}

impl Pipeline for SearchPipeline {
    fn task(&self) -> Task {
        Task::SemanticSearch
    }

    fn run_input(
        &mut self,
        input: &TaskInput,
        _params: &RunParams,
        _runs: usize,
        _stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let inputs = input.texts();
        if inputs.len() > 1 {
            return Err(PipelineError::BadInput(
                "semantic search takes one query at a time".into(),
            ));
        }
        let query = self.embedder.embed(inputs)?.vectors;
        let q = query.first().map(Vec::as_slice).unwrap_or_default();
        let mut hits: Vec<SearchHit> = self
            .vectors
            .iter()
            .enumerate()
            .map(|(i, v)| SearchHit {
                corpus_id: i,
                score: cosine(q, v),
                text: self.docs[i].clone(),
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        Ok(PipelineOutput::Ranking(hits))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thirty_documents_ship() {
        let docs = super::documents();
        assert_eq!(docs.len(), 30);
        assert!(docs.iter().all(|d| d.len() > 20));
    }
}
