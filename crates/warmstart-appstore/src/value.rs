//! The values an app's metadata can hold after static evaluation: JSON-like
//! data, `undefined`, and `Opaque` for what cannot be known without running
//! code (a helper call, a spread). An opaque value is fine until a decision
//! needs it; then it becomes an error that points at its source.

use std::ops::Range;

/// A statically evaluated JavaScript value.
#[derive(Debug, Clone, PartialEq)]
pub enum JsValue {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<JsValue>),
    /// Properties in source order (a repeated key keeps its first place).
    Object(Vec<(String, JsValue)>),
    Opaque(Opaque),
}

/// A value that needs the program to run; `span` is a byte range of the
/// metadata file and `reason` says what the construct is.
#[derive(Debug, Clone, PartialEq)]
pub struct Opaque {
    pub span: Range<usize>,
    pub reason: String,
    /// The whole property value that is opaque because of `span` (what the
    /// lazy registry copies as source text); equals `span` until an object
    /// or array literal widens it.
    pub expr: Range<usize>,
}

/// The answer to a question about a value: known, or blocked by an opaque
/// value (which the caller turns into a diagnostic).
pub type Known<T> = Result<T, Opaque>;

impl JsValue {
    pub fn empty_object() -> JsValue {
        JsValue::Object(Vec::new())
    }

    /// JavaScript truthiness.
    pub fn truthy(&self) -> Known<bool> {
        Ok(match self {
            JsValue::Undefined | JsValue::Null => false,
            JsValue::Bool(b) => *b,
            JsValue::Number(n) => *n != 0.0 && !n.is_nan(),
            JsValue::String(s) => !s.is_empty(),
            JsValue::Array(_) | JsValue::Object(_) => true,
            JsValue::Opaque(o) => return Err(o.clone()),
        })
    }

    pub fn is_nullish(&self) -> bool {
        matches!(self, JsValue::Undefined | JsValue::Null)
    }

    /// `value.key`, as JavaScript reads it (`undefined` when absent; an
    /// opaque base makes the result opaque).
    pub fn get(&self, key: &str) -> Known<JsValue> {
        Ok(match self {
            JsValue::Object(props) => props
                .iter()
                .find(|(k, _)| k == key)
                .map_or(JsValue::Undefined, |(_, v)| v.clone()),
            JsValue::Array(items) => match key {
                "length" => JsValue::Number(items.len() as f64),
                _ => key
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i).cloned())
                    .unwrap_or(JsValue::Undefined),
            },
            JsValue::String(s) if key == "length" => {
                JsValue::Number(s.encode_utf16().count() as f64)
            }
            JsValue::Opaque(o) => return Err(o.clone()),
            _ => JsValue::Undefined,
        })
    }

    /// Reads a dotted path the way `a?.b?.c` would.
    pub fn get_path(&self, path: &str) -> Known<JsValue> {
        let mut current = self.clone();
        for step in path.split('.').filter(|s| !s.is_empty()) {
            if current.is_nullish() {
                return Ok(JsValue::Undefined);
            }
            current = current.get(step)?;
        }
        Ok(current)
    }

    /// Strict equality with a JSON value (`===`; arrays and objects never equal).
    pub fn strict_equals(&self, other: &serde_json::Value) -> Known<bool> {
        use serde_json::Value as J;
        Ok(match (self, other) {
            (JsValue::Opaque(o), _) => return Err(o.clone()),
            (JsValue::Null, J::Null) => true,
            (JsValue::Bool(a), J::Bool(b)) => a == b,
            (JsValue::Number(a), J::Number(b)) => Some(*a) == b.as_f64(),
            (JsValue::String(a), J::String(b)) => a == b,
            _ => false,
        })
    }

    /// Sets a property, keeping the first position of a repeated key (as
    /// JavaScript object literals and `JSON.parse` do).
    pub fn set(props: &mut Vec<(String, JsValue)>, key: String, value: JsValue) {
        match props.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => props.push((key, value)),
        }
    }
}

impl From<serde_json::Value> for JsValue {
    fn from(value: serde_json::Value) -> Self {
        use serde_json::Value as J;
        match value {
            J::Null => JsValue::Null,
            J::Bool(b) => JsValue::Bool(b),
            J::Number(n) => JsValue::Number(n.as_f64().unwrap_or(f64::NAN)),
            J::String(s) => JsValue::String(s),
            J::Array(items) => JsValue::Array(items.into_iter().map(JsValue::from).collect()),
            J::Object(map) => {
                JsValue::Object(map.into_iter().map(|(k, v)| (k, v.into())).collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_optional_chaining() {
        let v: JsValue = serde_json::json!({"appData": {"location": {"type": "x"}}, "n": 0}).into();
        assert_eq!(
            v.get_path("appData.location.type").unwrap(),
            JsValue::String("x".into())
        );
        assert_eq!(v.get_path("appData.tag").unwrap(), JsValue::Undefined);
        assert_eq!(v.get_path("missing.deep.path").unwrap(), JsValue::Undefined);
        assert!(!v.get_path("n").unwrap().truthy().unwrap());
    }

    #[test]
    fn opaque_blocks_decisions() {
        let o = Opaque {
            span: 3..9,
            reason: "a call".into(),
            expr: 3..9,
        };
        let v = JsValue::Object(vec![("appData".into(), JsValue::Opaque(o.clone()))]);
        assert_eq!(v.get_path("appData.location"), Err(o.clone()));
        assert_eq!(JsValue::Opaque(o.clone()).truthy(), Err(o));
    }
}
