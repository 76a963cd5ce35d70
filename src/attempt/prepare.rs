//! Turning what the student typed into pipeline texts and run settings (the bounds of each setting
//! are in `domain::params`).

use crate::course::Exercise;
use crate::domain::params::set_param;
use crate::domain::{Param, ParamError};

use crate::domain::Prepared;

/// Why the tutor refuses a student's values, said to the student.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrepareError {
    #[error("this exercise has {fields} input fields but got {values} values")]
    FieldCount { fields: usize, values: usize },
    #[error("\"{0}\" is empty: say what you think the model will answer, then run it")]
    NoPrediction(String),
    #[error("\"{0}\" is empty: type something there first")]
    EmptyField(String),
    #[error(transparent)]
    Setting(#[from] ParamError),
}

pub fn prepare(exercise: &Exercise, values: &[String]) -> Result<Prepared, PrepareError> {
    if values.len() != exercise.inputs.len() {
        return Err(PrepareError::FieldCount {
            fields: exercise.inputs.len(),
            values: values.len(),
        });
    }
    let mut texts = Vec::new();
    let mut params = exercise.params.clone();
    let mut prediction = None;
    for (field, value) in exercise.inputs.iter().zip(values) {
        match field.param {
            Some(Param::Prediction) => {
                if value.trim().is_empty() {
                    return Err(PrepareError::NoPrediction(field.label.clone()));
                }
                prediction = Some(value.trim().to_string());
            }
            Some(param) => set_param(param, value, &mut params)?,
            None => {
                let text = value.trim();
                if text.is_empty() {
                    return Err(PrepareError::EmptyField(field.label.clone()));
                }
                texts.push(text.to_string());
            }
        }
    }
    Ok(Prepared {
        texts,
        prediction,
        params,
        runs: exercise.runs.max(1),
    })
}
