//! [`Row`]: one result row, its column names and values, read by name with
//! a typed [`Row::get`].
//!
//! Plain std; column names are shared between the rows of one result.

use std::sync::Arc;

use super::{DbError, FromValue, Value};

/// One result row: column names and their values, in select order.
///
/// Stubs build rows with [`Row::new`] and [`Row::with`]:
///
/// ```
/// use stubaudit::db::Row;
///
/// let row = Row::new().with("id", 7).with("url", "https://example.com").with("note", None::<String>);
/// assert_eq!(row.get::<i64>("id")?, 7);
/// assert_eq!(row.get::<Option<String>>("note")?, None);
/// assert!(row.get::<String>("id").is_err());
/// # Ok::<(), stubaudit::db::DbError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    /// A row with no columns; add them with [`with`](Self::with).
    pub fn new() -> Self {
        Self::default()
    }

    /// A row from column names and values of the same length (extra names or
    /// values are dropped).
    pub fn from_columns(columns: Arc<[String]>, mut values: Vec<Value>) -> Self {
        values.truncate(columns.len());
        let columns = if values.len() < columns.len() {
            columns[..values.len()].into()
        } else {
            columns
        };
        Row { columns, values }
    }

    /// This row with one more column.
    pub fn with(mut self, column: &str, value: impl Into<Value>) -> Self {
        let mut columns = self.columns.to_vec();
        columns.push(column.to_owned());
        self.columns = columns.into();
        self.values.push(value.into());
        self
    }

    /// The column names, in select order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The values, in select order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The value of `column`, if the row has it (the first, when a name is
    /// repeated).
    pub fn value(&self, column: &str) -> Option<&Value> {
        self.columns
            .iter()
            .position(|name| name == column)
            .and_then(|index| self.values.get(index))
    }

    /// The value of `column` converted to `T`.
    pub fn get<T: FromValue>(&self, column: &str) -> Result<T, DbError> {
        let value = self
            .value(column)
            .ok_or_else(|| DbError::NoSuchColumn(column.to_owned()))?;
        T::from_value(value).ok_or_else(|| DbError::Type {
            column: column.to_owned(),
            expected: T::expected().to_owned(),
            found: value.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_reports_missing_columns_and_wrong_types() {
        let row = Row::new().with("id", "x");
        assert_eq!(
            row.get::<i64>("nope"),
            Err(DbError::NoSuchColumn("nope".to_owned()))
        );
        assert_eq!(
            row.get::<i64>("id"),
            Err(DbError::Type {
                column: "id".to_owned(),
                expected: "integer".to_owned(),
                found: "'x'".to_owned(),
            })
        );
    }

    #[test]
    fn from_columns_keeps_names_and_values_aligned() {
        let row = Row::from_columns(
            vec!["a".to_owned(), "b".to_owned()].into(),
            vec![Value::Integer(1)],
        );
        assert_eq!(row.columns(), ["a"]);
        assert_eq!(row.get::<i64>("a"), Ok(1));
    }
}
