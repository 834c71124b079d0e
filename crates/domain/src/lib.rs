//! Domain vocabulary shared by every crate: typed ids, validated inputs, the
//! enums stored in the metadata tables, the chart contract, how a question was read, a data source's schema and profile,
//! SQL quoting, month names and which measures add up. No I/O lives here.

pub mod chart;
mod enums;
mod ids;
pub mod interpretation;
pub mod measures;
pub mod months;
mod profile;
mod schema;
pub mod sql;
pub mod sync;
mod validation;

pub use chart::{ChartSpec, DisplayFormat, XType};
pub use enums::{ChartType, NlEngine, QueryType, SourceStatus, SourceType};
pub use ids::{ApiKeyId, DataSourceId, QueryId, SessionId, TileId, UserId, VisualizationId};
pub use interpretation::{Interpretation, LlmTrace};
pub use profile::{ColumnFlags, ColumnProfile, HistogramBin, Profile, Quantiles, ValueCount};
pub use schema::{
    ColumnMeta, ColumnName, ColumnType, DateOrder, IndexedValue, NumberFormat, SchemaNames,
    SourceSchema,
};
pub use sync::{SchemaDrift, SyncReport, TypeChange};
pub use validation::{DataSourceName, Email, FullName, Password, PasswordRule, ValidationError};
