//! Domain vocabulary shared by every crate: typed ids, validated inputs and the
//! enums stored in the metadata tables. No I/O lives here.

mod enums;
mod ids;
mod validation;

pub use enums::{ChartType, QueryType, SourceStatus, SourceType};
pub use ids::{ApiKeyId, DataSourceId, QueryId, SessionId, UserId, VisualizationId};
pub use validation::{DataSourceName, Email, FullName, Password, PasswordRule, ValidationError};
