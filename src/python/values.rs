//! Python values at the sandbox's edge: reading a host call's arguments (with CPython's errors for
//! a missing or unexpected one), and turning an output's JSON shape into the Python objects
//! transformers returns (lists, dicts, str, int, float).

use monty_types::{ExcType, MontyException, MontyObject};
use serde_json::Value;

/// A Python exception raised by host code.
pub fn raise(kind: ExcType, message: impl Into<String>) -> MontyException {
    MontyException::new(kind, Some(message.into()))
}

/// The arguments of one host call, taken one by one; what is left over is a TypeError.
pub struct Args {
    /// How the callee is named in errors (`pipeline`, `TextClassificationPipeline.__call__`).
    callee: String,
    positional: Vec<MontyObject>,
    keywords: Vec<(String, MontyObject)>,
}

impl Args {
    pub fn new(
        callee: impl Into<String>,
        positional: &[MontyObject],
        keywords: &[(MontyObject, MontyObject)],
    ) -> Result<Args, MontyException> {
        let callee = callee.into();
        let mut named = Vec::new();
        for (k, v) in keywords {
            let MontyObject::String(k) = k else {
                return Err(raise(ExcType::TypeError, "keywords must be strings"));
            };
            named.push((k.clone(), v.clone()));
        }
        Ok(Args {
            callee,
            positional: positional.to_vec(),
            keywords: named,
        })
    }

    pub fn callee(&self) -> &str {
        &self.callee
    }

    /// The next positional argument, or the keyword `name` (as Python binds a parameter that can
    /// be given either way).
    pub fn take(&mut self, name: &str) -> Option<MontyObject> {
        if let Some(i) = self.keywords.iter().position(|(k, _)| k == name) {
            return Some(self.keywords.remove(i).1);
        }
        (!self.positional.is_empty()).then(|| self.positional.remove(0))
    }

    /// A keyword-only argument.
    pub fn keyword(&mut self, name: &str) -> Option<MontyObject> {
        let i = self.keywords.iter().position(|(k, _)| k == name)?;
        Some(self.keywords.remove(i).1)
    }

    /// The names of the keywords still untaken.
    pub fn keyword_names(&self) -> Vec<String> {
        self.keywords.iter().map(|(k, _)| k.clone()).collect()
    }

    /// CPython's TypeError for what was not taken.
    pub fn finish(self) -> Result<(), MontyException> {
        if let Some((k, _)) = self.keywords.first() {
            return Err(raise(
                ExcType::TypeError,
                format!("{}() got an unexpected keyword argument '{k}'", self.callee),
            ));
        }
        if !self.positional.is_empty() {
            return Err(raise(
                ExcType::TypeError,
                format!(
                    "{}() got {} positional argument(s) more than it takes",
                    self.callee,
                    self.positional.len()
                ),
            ));
        }
        Ok(())
    }
}

/// The Python type name of a value, for error messages.
pub fn type_name(v: &MontyObject) -> &'static str {
    match v {
        MontyObject::None => "NoneType",
        MontyObject::Bool(_) => "bool",
        MontyObject::Int(_) | MontyObject::BigInt(_) => "int",
        MontyObject::Float(_) => "float",
        MontyObject::String(_) => "str",
        MontyObject::List(_) => "list",
        MontyObject::Tuple(_) => "tuple",
        MontyObject::Dict(_) => "dict",
        _ => "object",
    }
}

/// A str argument.
pub fn string(v: &MontyObject, what: &str) -> Result<String, MontyException> {
    match v {
        MontyObject::String(s) => Ok(s.clone()),
        other => Err(raise(
            ExcType::TypeError,
            format!("{what} must be a str, not {}", type_name(other)),
        )),
    }
}

/// An int argument (a bool is refused, as transformers' checks would trip on it).
pub fn int(v: &MontyObject, what: &str) -> Result<i64, MontyException> {
    match v {
        MontyObject::Int(i) => Ok(*i),
        other => Err(raise(
            ExcType::TypeError,
            format!("{what} must be an int, not {}", type_name(other)),
        )),
    }
}

/// A positive count (`max_new_tokens`, `top_k`).
pub fn count(v: &MontyObject, what: &str) -> Result<usize, MontyException> {
    let i = int(v, what)?;
    usize::try_from(i).ok().filter(|n| *n > 0).ok_or_else(|| {
        raise(
            ExcType::ValueError,
            format!("{what} must be a positive integer, got {i}"),
        )
    })
}

/// A float argument (an int is a float too, as in Python).
pub fn float(v: &MontyObject, what: &str) -> Result<f64, MontyException> {
    match v {
        MontyObject::Float(f) => Ok(*f),
        MontyObject::Int(i) => Ok(*i as f64),
        other => Err(raise(
            ExcType::TypeError,
            format!("{what} must be a float, not {}", type_name(other)),
        )),
    }
}

pub fn boolean(v: &MontyObject, what: &str) -> Result<bool, MontyException> {
    match v {
        MontyObject::Bool(b) => Ok(*b),
        other => Err(raise(
            ExcType::TypeError,
            format!("{what} must be a bool, not {}", type_name(other)),
        )),
    }
}

/// A str or a list of str: the texts, and whether a list was given (transformers answers a list
/// with a list).
pub fn texts(v: &MontyObject, what: &str) -> Result<(Vec<String>, bool), MontyException> {
    match v {
        MontyObject::String(s) => Ok((vec![s.clone()], false)),
        MontyObject::List(items) | MontyObject::Tuple(items) => {
            let texts = items
                .iter()
                .map(|i| string(i, what))
                .collect::<Result<Vec<_>, _>>()?;
            if texts.is_empty() {
                return Err(raise(
                    ExcType::ValueError,
                    format!("{what} is an empty list"),
                ));
            }
            Ok((texts, true))
        }
        other => Err(raise(
            ExcType::TypeError,
            format!(
                "{what} must be a str or a list of str, not {}",
                type_name(other)
            ),
        )),
    }
}

/// A dict's value for `key`.
pub fn dict_get<'a>(v: &'a MontyObject, key: &str) -> Option<&'a MontyObject> {
    let MontyObject::Dict(pairs) = v else {
        return None;
    };
    pairs
        .iter()
        .find(|(k, _)| matches!(k, MontyObject::String(s) if s == key))
        .map(|(_, v)| v)
}

/// The Python object of a JSON value as transformers' pipelines shape it. Floats came from `f32`
/// scores, so they are widened from `f32` exactly, as numpy's `float32.item()` does.
pub fn from_json(v: &Value) -> MontyObject {
    match v {
        Value::Null => MontyObject::None,
        Value::Bool(b) => MontyObject::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => MontyObject::Int(i),
            (None, Some(f)) => MontyObject::Float(f64::from(f as f32)),
            (None, None) => MontyObject::None,
        },
        Value::String(s) => MontyObject::String(s.clone()),
        Value::Array(items) => MontyObject::List(items.iter().map(from_json).collect()),
        Value::Object(map) => MontyObject::Dict(
            map.iter()
                .map(|(k, v)| (MontyObject::String(k.clone()), from_json(v)))
                .collect(),
        ),
    }
}

/// A dict of str keys, in order.
pub fn dict(pairs: Vec<(&str, MontyObject)>) -> MontyObject {
    MontyObject::Dict(
        pairs
            .into_iter()
            .map(|(k, v)| (MontyObject::String(k.to_string()), v))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_print_as_numpy_widens_them() {
        let v = serde_json::json!([{ "label": "POSITIVE", "score": 0.999_865_65_f32 }]);
        assert_eq!(
            from_json(&v).py_repr(),
            "[{'label': 'POSITIVE', 'score': 0.9998656511306763}]"
        );
    }

    #[test]
    fn leftover_keywords_are_a_type_error() {
        let kw = vec![(MontyObject::String("topk".into()), MontyObject::Int(2))];
        let mut args = Args::new("f", &[MontyObject::Int(1)], &kw).expect("args");
        assert_eq!(args.take("x"), Some(MontyObject::Int(1)));
        let e = args.finish().expect_err("topk is unknown");
        assert_eq!(
            e.message(),
            Some("f() got an unexpected keyword argument 'topk'")
        );
    }
}
