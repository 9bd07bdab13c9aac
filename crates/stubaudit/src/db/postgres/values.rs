//! [`Value`] across PostgreSQL's binary protocol: a parameter converts to
//! the type the server inferred for it, a column of a common built-in type
//! converts back ([`PgValue`]).
//!
//! It leans on `postgres-types` (through tokio-postgres) for each type's
//! wire format, and only picks which Rust type to use for which SQL type.

use std::error::Error;

use bytes::BytesMut;
use tokio_postgres::types::{to_sql_checked, FromSql, IsNull, ToSql, Type};

use crate::db::Value;

type BoxError = Box<dyn Error + Sync + Send>;

/// A column value read from a row: any built-in type [`Value`] can hold.
pub(super) struct PgValue(pub(super) Value);

/// Whether `ty` is the built-in type `name`.
fn is(ty: &Type, name: &str) -> bool {
    ty.schema() == "pg_catalog" && ty.name() == name
}

/// Text-like types whose binary format is the UTF-8 text itself.
fn is_text(ty: &Type) -> bool {
    [
        "text", "varchar", "bpchar", "name", "unknown", "json", "citext",
    ]
    .iter()
    .any(|name| ty.name() == *name)
}

/// The error for a parameter that cannot be sent as `ty`: says how to make
/// the server infer a type that can.
fn cannot_send(value: &Value, ty: &Type) -> BoxError {
    format!(
        "stubaudit cannot send a {} parameter as `{ty}`: cast it in SQL so the server \
         expects a type it can (`$1::text::{ty}`, `$1::bigint`)",
        value.type_name()
    )
    .into()
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(integer) => {
                let integer = *integer;
                if is(ty, "int8") {
                    integer.to_sql(ty, out)
                } else if is(ty, "int4") {
                    i32::try_from(integer)?.to_sql(ty, out)
                } else if is(ty, "int2") {
                    i16::try_from(integer)?.to_sql(ty, out)
                } else if is(ty, "bool") {
                    (integer != 0).to_sql(ty, out)
                } else if is(ty, "oid") {
                    u32::try_from(integer)?.to_sql(ty, out)
                } else if is(ty, "float8") {
                    // i64 to f64 rounds beyond 2^53, as SQL's own cast does.
                    #[allow(clippy::cast_precision_loss)] // the documented SQL conversion
                    (integer as f64).to_sql(ty, out)
                } else if is(ty, "float4") {
                    #[allow(clippy::cast_precision_loss)] // the documented SQL conversion
                    (integer as f32).to_sql(ty, out)
                } else if is_text(ty) {
                    integer.to_string().to_sql(ty, out)
                } else {
                    Err(cannot_send(self, ty))
                }
            }
            Value::Real(real) => {
                if is(ty, "float8") {
                    real.to_sql(ty, out)
                } else if is(ty, "float4") {
                    #[allow(clippy::cast_possible_truncation)]
                    // float4 is what the server asked for
                    (*real as f32).to_sql(ty, out)
                } else if is_text(ty) {
                    real.to_string().to_sql(ty, out)
                } else {
                    Err(cannot_send(self, ty))
                }
            }
            Value::Text(text) => {
                if is_text(ty) {
                    text.as_str().to_sql(ty, out)
                } else if is(ty, "jsonb") {
                    // jsonb's binary format: version 1, then the JSON text.
                    out.extend_from_slice(&[1]);
                    out.extend_from_slice(text.as_bytes());
                    Ok(IsNull::No)
                } else {
                    Err(cannot_send(self, ty))
                }
            }
            Value::Blob(bytes) => {
                if is(ty, "bytea") {
                    bytes.as_slice().to_sql(ty, out)
                } else {
                    Err(cannot_send(self, ty))
                }
            }
        }
    }

    /// Every type: whether this value converts is decided per value in
    /// `to_sql`, with a message that says how to cast.
    fn accepts(_ty: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for PgValue {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let value = if is(ty, "bool") {
            Value::Integer(i64::from(bool::from_sql(ty, raw)?))
        } else if is(ty, "int2") {
            Value::Integer(i64::from(i16::from_sql(ty, raw)?))
        } else if is(ty, "int4") {
            Value::Integer(i64::from(i32::from_sql(ty, raw)?))
        } else if is(ty, "int8") {
            Value::Integer(i64::from_sql(ty, raw)?)
        } else if is(ty, "oid") {
            Value::Integer(i64::from(u32::from_sql(ty, raw)?))
        } else if is(ty, "float4") {
            Value::Real(f64::from(f32::from_sql(ty, raw)?))
        } else if is(ty, "float8") {
            Value::Real(f64::from_sql(ty, raw)?)
        } else if is_text(ty) {
            Value::Text(std::str::from_utf8(raw)?.to_owned())
        } else if is(ty, "jsonb") {
            match raw.split_first() {
                Some((1, json)) => Value::Text(std::str::from_utf8(json)?.to_owned()),
                _ => return Err("unsupported jsonb encoding version".into()),
            }
        } else if is(ty, "bytea") {
            Value::Blob(raw.to_vec())
        } else if is(ty, "uuid") {
            Value::Text(uuid_text(raw)?)
        } else {
            return Err(format!(
                "stubaudit reads no `{ty}` columns: cast the column to text in SQL (`column::text`)"
            )
            .into());
        };
        Ok(PgValue(value))
    }

    fn from_sql_null(_ty: &Type) -> Result<Self, BoxError> {
        Ok(PgValue(Value::Null))
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }
}

/// `67e55044-10b1-426f-9247-bb680e5fe0c8` from the 16 bytes of a uuid.
fn uuid_text(raw: &[u8]) -> Result<String, BoxError> {
    if raw.len() != 16 {
        return Err(format!("a uuid has 16 bytes, not {}", raw.len()).into());
    }
    let mut text = String::with_capacity(36);
    for (index, byte) in raw.iter().enumerate() {
        if matches!(index, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        text.push_str(&format!("{byte:02x}"));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_integer_is_sent_as_the_type_the_server_expects() {
        let mut out = BytesMut::new();
        let sent = Value::Integer(7).to_sql(&Type::INT4, &mut out);
        assert!(matches!(sent, Ok(IsNull::No)));
        assert_eq!(&out[..], &7_i32.to_be_bytes());
        let mut out = BytesMut::new();
        assert!(Value::Integer(1).to_sql(&Type::BOOL, &mut out).is_ok());
        assert_eq!(&out[..], &[1]);
    }

    #[test]
    fn an_integer_out_of_range_and_an_unknown_type_fail_with_advice() {
        let mut out = BytesMut::new();
        assert!(Value::Integer(1 << 40)
            .to_sql(&Type::INT4, &mut out)
            .is_err());
        let error = Value::from("x")
            .to_sql(&Type::UUID, &mut out)
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
        assert!(error.contains("`$1::text::uuid`"), "{error}");
    }

    #[test]
    fn columns_convert_back() {
        let read = |ty: &Type, raw: &[u8]| PgValue::from_sql(ty, raw).map(|value| value.0).ok();
        assert_eq!(
            read(&Type::INT2, &3_i16.to_be_bytes()),
            Some(Value::Integer(3))
        );
        assert_eq!(
            read(&Type::TEXT, b"abc"),
            Some(Value::Text("abc".to_owned()))
        );
        assert_eq!(
            read(&Type::JSONB, b"\x01{}"),
            Some(Value::Text("{}".to_owned()))
        );
        assert_eq!(
            read(
                &Type::UUID,
                &[
                    0x67, 0xe5, 0x50, 0x44, 0x10, 0xb1, 0x42, 0x6f, 0x92, 0x47, 0xbb, 0x68, 0x0e,
                    0x5f, 0xe0, 0xc8
                ]
            ),
            Some(Value::Text(
                "67e55044-10b1-426f-9247-bb680e5fe0c8".to_owned()
            ))
        );
        let error = PgValue::from_sql(&Type::TIMESTAMP, &[0; 8])
            .err()
            .map(|error| error.to_string());
        assert_eq!(
            error.as_deref(),
            Some("stubaudit reads no `timestamp` columns: cast the column to text in SQL (`column::text`)")
        );
    }
}
