//! [`Value`], a statement parameter or a column value, and [`FromValue`], the
//! typed read of one.
//!
//! Plain std: the five SQLite storage classes, which every SQL driver can
//! convert to and from.

use std::fmt;

/// A statement parameter or a column value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL `NULL`.
    Null,
    /// A 64-bit signed integer.
    Integer(i64),
    /// A 64-bit float.
    Real(f64),
    /// UTF-8 text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

impl Value {
    /// `null`, `integer`, `real`, `text` or `blob`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Integer(_) => "integer",
            Value::Real(_) => "real",
            Value::Text(_) => "text",
            Value::Blob(_) => "blob",
        }
    }
}

/// As an SQL literal: `NULL`, `42`, `1.5`, `'it''s'`, `x'00ff'`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Integer(integer) => write!(f, "{integer}"),
            Value::Real(real) => write!(f, "{real:?}"),
            Value::Text(text) => write!(f, "'{}'", text.replace('\'', "''")),
            Value::Blob(bytes) => {
                f.write_str("x'")?;
                for byte in bytes {
                    write!(f, "{byte:02x}")?;
                }
                f.write_str("'")
            }
        }
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::Text(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::Text(text)
    }
}

impl From<i64> for Value {
    fn from(integer: i64) -> Self {
        Value::Integer(integer)
    }
}

impl From<i32> for Value {
    fn from(integer: i32) -> Self {
        Value::Integer(i64::from(integer))
    }
}

impl From<u32> for Value {
    fn from(integer: u32) -> Self {
        Value::Integer(i64::from(integer))
    }
}

impl From<f64> for Value {
    fn from(real: f64) -> Self {
        Value::Real(real)
    }
}

/// `true` is `1`, `false` is `0`, as SQLite stores booleans.
impl From<bool> for Value {
    fn from(flag: bool) -> Self {
        Value::Integer(i64::from(flag))
    }
}

impl From<Vec<u8>> for Value {
    fn from(bytes: Vec<u8>) -> Self {
        Value::Blob(bytes)
    }
}

impl From<&[u8]> for Value {
    fn from(bytes: &[u8]) -> Self {
        Value::Blob(bytes.to_vec())
    }
}

/// `None` is `NULL`.
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(option: Option<T>) -> Self {
        option.map_or(Value::Null, Into::into)
    }
}

/// A Rust type a column [`Value`] converts to, for
/// [`Row::get`](super::Row::get).
pub trait FromValue: Sized {
    /// The name of the type for error messages (`integer`, `text`, …).
    fn expected() -> &'static str;

    /// The converted value, or `None` when `value` does not fit.
    fn from_value(value: &Value) -> Option<Self>;
}

impl FromValue for Value {
    fn expected() -> &'static str {
        "any value"
    }

    fn from_value(value: &Value) -> Option<Self> {
        Some(value.clone())
    }
}

impl FromValue for i64 {
    fn expected() -> &'static str {
        "integer"
    }

    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Integer(integer) => Some(*integer),
            _ => None,
        }
    }
}

impl FromValue for i32 {
    fn expected() -> &'static str {
        "32-bit integer"
    }

    fn from_value(value: &Value) -> Option<Self> {
        i64::from_value(value).and_then(|integer| i32::try_from(integer).ok())
    }
}

impl FromValue for u32 {
    fn expected() -> &'static str {
        "unsigned 32-bit integer"
    }

    fn from_value(value: &Value) -> Option<Self> {
        i64::from_value(value).and_then(|integer| u32::try_from(integer).ok())
    }
}

/// Also reads integers, since SQLite may store a whole `REAL` as one.
impl FromValue for f64 {
    fn expected() -> &'static str {
        "real"
    }

    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Real(real) => Some(*real),
            // Precision loss above 2^53 is what SQLite itself does here.
            #[allow(clippy::cast_precision_loss)]
            Value::Integer(integer) => Some(*integer as f64),
            _ => None,
        }
    }
}

/// `0` and `1` only, as SQLite stores booleans.
impl FromValue for bool {
    fn expected() -> &'static str {
        "boolean (0 or 1)"
    }

    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Integer(0) => Some(false),
            Value::Integer(1) => Some(true),
            _ => None,
        }
    }
}

impl FromValue for String {
    fn expected() -> &'static str {
        "text"
    }

    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Text(text) => Some(text.clone()),
            _ => None,
        }
    }
}

impl FromValue for Vec<u8> {
    fn expected() -> &'static str {
        "blob"
    }

    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Blob(bytes) => Some(bytes.clone()),
            _ => None,
        }
    }
}

/// `NULL` is `None`; anything else must convert to `T`.
impl<T: FromValue> FromValue for Option<T> {
    fn expected() -> &'static str {
        T::expected()
    }

    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            value => T::from_value(value).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_into_value_follow_sqlite_storage() {
        assert_eq!(Value::from(true), Value::Integer(1));
        assert_eq!(Value::from(Some(3)), Value::Integer(3));
        assert_eq!(Value::from(None::<&str>), Value::Null);
        assert_eq!(Value::from("a"), Value::Text("a".to_owned()));
    }

    #[test]
    fn display_is_an_sql_literal() {
        let literals: Vec<String> = [
            Value::Null,
            Value::Integer(-4),
            Value::Real(1.0),
            Value::Text("it's".to_owned()),
            Value::Blob(vec![0, 255]),
        ]
        .iter()
        .map(Value::to_string)
        .collect();
        assert_eq!(literals, ["NULL", "-4", "1.0", "'it''s'", "x'00ff'"]);
    }

    #[test]
    fn out_of_range_integers_do_not_convert() {
        assert_eq!(i32::from_value(&Value::Integer(1 << 40)), None);
        assert_eq!(bool::from_value(&Value::Integer(2)), None);
        assert_eq!(Option::<i64>::from_value(&Value::Null), Some(None));
    }
}
