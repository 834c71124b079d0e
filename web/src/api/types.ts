// Types of the InsightIQ HTTP API (/api/v1), named for the web app. Every type here is
// an alias of a schema generated from the server's OpenAPI document (`schema.d.ts`, made
// by `make api-types`; `npm test` fails when it drifts from `openapi.json`), so a change
// on the server shows up here as a type error, not as a blank screen.
import type { components } from './schema';

type Schemas = components['schemas'];

export type ApiErrorBody = Schemas['ErrorBody'];

export type User = Schemas['UserBody'];
export type TokenResponse = Schemas['TokenResponse'];
export type ApiKey = Schemas['ApiKeyBody'];
export type CreatedApiKey = Schemas['CreatedApiKey'];

export type ColumnType = Schemas['ColumnType'];
export type ColumnInfo = Schemas['ColumnMeta'];
export type SourceType = Schemas['SourceType'];
export type SourceStatus = Schemas['SourceStatus'];
export type DataSource = Schemas['DataSourceView'];

export type ConnectApi = Schemas['ConnectApi'];
export type ConnectDatabase = Schemas['ConnectDatabase'];
export type ConnectSheets = Schemas['ConnectSheets'];
export type RestConfig = Schemas['RestConfig'];
export type DatabaseConfig = Schemas['DatabaseConfig'];
export type SheetLinkConfig = Schemas['SheetLinkConfig'];
/** The settings of a connection with its `kind` (`api`, `database`, `google_sheets`). */
export type Connection = Schemas['Connection'];
export type ConnectionKind = Connection['kind'];
export type ConnectionPreview = Schemas['ConnectionPreview'];
export type RestAuth = Schemas['RestAuth'];
export type Pagination = Schemas['Pagination'];
export type HttpMethod = Schemas['HttpMethod'];
export type KeyLocation = Schemas['KeyLocation'];
export type DbEngine = Schemas['DbEngine'];
export type TlsMode = Schemas['TlsMode'];
export type SyncAccepted = Schemas['SyncAccepted'];
export type SyncReport = Schemas['SyncReport'];
export type SchemaDrift = Schemas['SchemaDrift'];
export type UpdateSource = Schemas['UpdateSource'];

/** The shape every paged listing shares (`DataSourcePage`, `QueryPage`). */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export type ResultColumn = Schemas['ResultColumn'];
export type Cell = Schemas['Cell'];
export type Preview = Schemas['Preview'];
export type HistogramBin = Schemas['HistogramBin'];
export type ColumnFlags = Schemas['ColumnFlags'];
export type ColumnProfile = Schemas['ColumnProfile'];
export type Profile = Schemas['Profile'];

export type ChartType = Schemas['ChartType'];
export type NumberFormat = Schemas['DisplayFormat'];
export type ChartSpec = Schemas['ChartSpec'];

export type Insight = Schemas['Insight'];
export type InsightKind = Schemas['InsightKind'];
export type InsightsResponse = Schemas['InsightReport'];
export type Narration = Schemas['Narration'];

export type Interpretation = Schemas['Interpretation'];
export type LlmTrace = Schemas['LlmTrace'];
export type NlEngine = Schemas['NlEngine'];
export type ResultData = Schemas['ResultData'];
export type QueryVisualization = Schemas['ChartView'];
export type QueryRecord = Schemas['QueryView'];
export type Clarification = Schemas['Clarification'];
export type AskResponse = Schemas['AskResponse'];
export type Visualization = Schemas['VisualizationView'];

export type Activity = Schemas['Activity'];
export type DashboardStats = Schemas['Dashboard'];
export type UsageStats = Schemas['Usage'];
export type Health = Schemas['Health'];

export type Tile = Schemas['TileView'];
export type TileResult = Schemas['TileResult'];
