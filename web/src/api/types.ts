// Types of the InsightIQ HTTP API (/api/v1). Mirrors the contract the server implements.

export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export interface User {
  id: string;
  email: string;
  full_name: string;
  is_active?: boolean;
  is_verified?: boolean;
  created_at?: string;
  last_login?: string | null;
  avatar_url?: string | null;
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  token_type: 'bearer';
  expires_in: number;
  user: Pick<User, 'id' | 'email' | 'full_name'> & Partial<User>;
}

export interface ApiKey {
  id: string;
  key_name: string;
  key_prefix: string;
  is_active: boolean;
  created_at: string;
  last_used_at: string | null;
}

export interface CreatedApiKey extends ApiKey {
  key: string;
}

export type ColumnType = 'integer' | 'float' | 'string' | 'boolean' | 'date' | 'datetime';

export interface ColumnInfo {
  name: string;
  sql_name?: string;
  type: ColumnType | string;
  null_count?: number;
  distinct_count?: number;
  min?: unknown;
  max?: unknown;
  mean?: number | null;
  description?: string | null;
  synonyms?: string[];
}

export type SourceType = 'csv' | 'google_sheets' | 'api' | 'database';
export type SourceStatus = 'connected' | 'syncing' | 'error' | 'disconnected';

export interface DataSource {
  id: string;
  name: string;
  description?: string | null;
  type: SourceType | string;
  status: SourceStatus | string;
  /** why the status is `error`, when it is */
  status_message?: string | null;
  row_count: number | null;
  file_size: number | null;
  columns_info: ColumnInfo[];
  table_name?: string;
  created_at: string;
  updated_at?: string;
  last_synced_at?: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export interface ResultColumn {
  name: string;
  type: string;
}

export type Cell = string | number | boolean | null;

export interface Preview {
  columns: ResultColumn[];
  rows: Cell[][];
  total_rows: number;
  offset: number;
  limit: number;
}

export interface HistogramBin {
  lower: number | string;
  upper: number | string;
  count: number;
}

export interface ColumnProfile {
  name: string;
  type: string;
  null_count: number;
  distinct_count: number;
  min?: unknown;
  max?: unknown;
  mean?: number | null;
  stddev?: number | null;
  quantiles?: unknown;
  top_values?: { value: unknown; count: number }[];
  histogram?: HistogramBin[];
  flags?: string[];
}

export interface Profile {
  row_count: number;
  columns: ColumnProfile[];
}

export type ChartType = 'kpi' | 'line' | 'bar' | 'pie' | 'scatter' | 'table' | 'area' | 'stacked_bar';
export type NumberFormat = 'number' | 'integer' | 'currency' | 'percent';

export interface ChartSpec {
  chart_type: ChartType;
  title?: string;
  x_key?: string | null;
  y_keys: string[];
  series_key?: string | null;
  value_key?: string | null;
  label?: string | null;
  number_format?: NumberFormat;
  x_type?: 'time' | 'category' | 'number' | null;
  top_n?: number | null;
}

export interface Insight {
  type: string;
  title: string;
  explanation: string;
  numbers?: Record<string, unknown> | unknown[];
  sql?: string;
  chart?: ChartSpec | null;
}

export interface InsightsResponse {
  insights: Insight[];
  sampled?: boolean;
}

export interface DateRange {
  phrase?: string;
  start?: string | null;
  end?: string | null;
}

export interface Interpretation {
  summary: string;
  measures?: unknown[];
  dimensions?: unknown[];
  filters?: unknown[];
  date_range?: DateRange | null;
  grain?: string | null;
  order?: unknown;
  limit?: number | null;
}

export interface ResultData {
  columns: ResultColumn[];
  rows: Cell[][];
  row_count: number;
  truncated?: boolean;
}

export interface QueryVisualization {
  id?: string;
  chart_type: ChartType;
  config?: ChartSpec;
  /** some responses name the spec like the visualizations endpoints do */
  config_json?: ChartSpec;
}

export interface QueryRecord {
  id: string;
  /** stored clarifications come back from history with `needs_clarification` */
  status?: 'answered' | 'needs_clarification';
  data_source_id: string | null;
  query_text: string;
  query_type: 'natural_language' | 'sql' | 'aggregation';
  interpreted_query?: string | null;
  interpretation?: Interpretation | null;
  engine?: string | null;
  confidence?: number | null;
  result_data?: ResultData | null;
  visualizations?: QueryVisualization[];
  execution_time_ms?: number | null;
  is_saved: boolean;
  cached?: boolean;
  created_at: string;
}

export interface Clarification {
  status: 'needs_clarification';
  message: string;
  suggestions: string[];
}

export type AskResponse = QueryRecord | Clarification;

export interface Visualization {
  id: string;
  query_id: string;
  chart_type: ChartType;
  config_json: ChartSpec;
  created_at: string;
}

export interface Activity {
  kind: 'upload' | 'query' | 'sync' | string;
  title: string;
  link?: string | null;
  created_at: string;
}

export interface DashboardStats {
  data_sources_count: number;
  queries_count: number;
  queries_this_month: number;
  active_datasets: number;
  storage_used_bytes: number;
  storage_limit_bytes: number;
  recent_activity: Activity[];
}

export interface UsageStats {
  queries_per_day: { day: string; natural_language: number; sql: number }[];
  avg_execution_ms: number | null;
  p95_execution_ms: number | null;
  top_data_sources: { id: string; name: string; queries: number }[];
  storage_by_source: { id: string; name: string; bytes: number }[];
}

export interface Health {
  status: string;
  version: string;
  store?: string;
  cache?: string;
}
