//! What a sync changed: the schema drift between two snapshots of one source,
//! and carrying the user's notes (descriptions, synonyms) over to the new one.

use crate::schema::{ColumnType, SourceSchema};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A column whose type differs between two snapshots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TypeChange {
    pub column: String,
    pub from: ColumnType,
    pub to: ColumnType,
}

/// Columns added, removed or retyped by a sync (matched by SQL name).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SchemaDrift {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<TypeChange>,
}

impl SchemaDrift {
    /// How `new` differs from `old`.
    pub fn between(old: &SourceSchema, new: &SourceSchema) -> SchemaDrift {
        let mut drift = SchemaDrift::default();
        for column in &new.columns {
            match old.columns.iter().find(|c| c.sql_name == column.sql_name) {
                None => drift.added.push(column.name.clone()),
                Some(before) if before.column_type != column.column_type => {
                    drift.changed.push(TypeChange {
                        column: column.name.clone(),
                        from: before.column_type,
                        to: column.column_type,
                    })
                }
                Some(_) => {}
            }
        }
        drift.removed = old
            .columns
            .iter()
            .filter(|c| !new.columns.iter().any(|n| n.sql_name == c.sql_name))
            .map(|c| c.name.clone())
            .collect();
        drift
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The outcome of the last sync of a source, shown with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SyncReport {
    /// When the sync finished, RFC 3339 (`domain` has no clock or date crate).
    pub finished_at: String,
    pub rows_before: u64,
    pub rows_after: u64,
    pub duration_ms: u64,
    pub drift: SchemaDrift,
}

/// Copies the user's descriptions and synonyms from `old` onto the columns of
/// `new` that keep their SQL name, so a sync never loses them.
pub fn carry_notes(old: &SourceSchema, new: &mut SourceSchema) {
    for column in &mut new.columns {
        if let Some(before) = old.columns.iter().find(|c| c.sql_name == column.sql_name) {
            if column.description.is_none() {
                column.description = before.description.clone();
            }
            if column.synonyms.is_empty() {
                column.synonyms = before.synonyms.clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ColumnMeta;

    fn column(name: &str, column_type: ColumnType) -> ColumnMeta {
        ColumnMeta {
            name: name.into(),
            sql_name: name.to_lowercase(),
            column_type,
            nullable: false,
            null_count: 0,
            distinct_count: None,
            min: None,
            max: None,
            mean: None,
            date_order: None,
            number_format: None,
            description: None,
            synonyms: Vec::new(),
            values: Vec::new(),
        }
    }

    fn schema(columns: Vec<ColumnMeta>) -> SourceSchema {
        SourceSchema {
            row_count: 1,
            columns,
        }
    }

    #[test]
    fn drift_names_added_removed_and_retyped_columns() {
        let old = schema(vec![
            column("Region", ColumnType::String),
            column("Amount", ColumnType::Integer),
            column("Notes", ColumnType::String),
        ]);
        let new = schema(vec![
            column("Region", ColumnType::String),
            column("Amount", ColumnType::Float),
            column("Channel", ColumnType::String),
        ]);
        let drift = SchemaDrift::between(&old, &new);
        assert_eq!(drift.added, ["Channel"]);
        assert_eq!(drift.removed, ["Notes"]);
        assert_eq!(
            drift.changed,
            [TypeChange {
                column: "Amount".into(),
                from: ColumnType::Integer,
                to: ColumnType::Float
            }]
        );
        assert!(SchemaDrift::between(&new, &new).is_empty());
    }

    #[test]
    fn notes_survive_on_columns_that_stay() {
        let mut before = column("Amount", ColumnType::Integer);
        before.description = Some("Order value in EUR".into());
        before.synonyms = vec!["revenue".into()];
        let old = schema(vec![before]);
        let mut new = schema(vec![
            column("Amount", ColumnType::Float),
            column("Region", ColumnType::String),
        ]);
        carry_notes(&old, &mut new);
        assert_eq!(
            new.columns[0].description.as_deref(),
            Some("Order value in EUR")
        );
        assert_eq!(new.columns[0].synonyms, ["revenue"]);
        assert!(new.columns[1].description.is_none());
    }
}
