//! Turning what the student typed into pipeline texts and run settings (the bounds of each setting
//! are in `domain::params`).

use crate::course::Exercise;
use crate::domain::params::set_param;
use crate::domain::Param;

use crate::domain::Prepared;

pub fn prepare(exercise: &Exercise, values: &[String]) -> Result<Prepared, String> {
    if values.len() != exercise.inputs.len() {
        return Err(format!(
            "this exercise has {} input fields but got {} values",
            exercise.inputs.len(),
            values.len()
        ));
    }
    let mut texts = Vec::new();
    let mut params = exercise.params.clone();
    let mut prediction = None;
    for (field, value) in exercise.inputs.iter().zip(values) {
        match field.param {
            Some(Param::Prediction) => {
                if value.trim().is_empty() {
                    return Err(format!(
                        "\"{}\" is empty: say what you think the model will answer, then run it",
                        field.label
                    ));
                }
                prediction = Some(value.trim().to_string());
            }
            Some(param) => set_param(param, value, &mut params).map_err(|e| e.to_string())?,
            None => {
                let text = value.trim();
                if text.is_empty() {
                    return Err(format!(
                        "\"{}\" is empty: type something there first",
                        field.label
                    ));
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
