// Complete API objects for tests: the generated types require every field the server
// always sends, so fixtures start from these and override what a test is about.
import type {
  Cell,
  ChartSpec,
  Clarification,
  ColumnType,
  DataSource,
  Interpretation,
  QueryRecord,
  ResultColumn,
  ResultData,
  TokenResponse,
} from '../api/types';
import { chartSpec } from '../lib/chart';

const ARROW_TYPES: Record<ColumnType, string> = {
  integer: 'Int64',
  float: 'Float64',
  string: 'Utf8',
  boolean: 'Boolean',
  date: 'Date32',
  datetime: 'Timestamp(Microsecond, None)',
};

export const column = (name: string, type: ColumnType): ResultColumn => ({ name, type, data_type: ARROW_TYPES[type] });

export const result = (columns: ResultColumn[], rows: Cell[][]): ResultData => ({ columns, rows, row_count: rows.length, truncated: false });

/** A chart spec: `chart_type` plus the keys a test sets. */
export const spec = (parts: Partial<ChartSpec> & Pick<ChartSpec, 'chart_type'>): ChartSpec => chartSpec(parts.chart_type, parts);

export const interpretation = (parts: Partial<Interpretation> = {}): Interpretation => ({
  summary: '',
  measures: [],
  dimensions: [],
  filters: [],
  columns: [],
  date_range: null,
  grain: null,
  order: null,
  limit: null,
  ignored_words: [],
  ...parts,
});

export const tokens = (parts: Partial<TokenResponse> = {}): TokenResponse => ({
  access_token: 'access',
  refresh_token: 'refresh',
  token_type: 'bearer',
  expires_in: 3600,
  user: { id: 'u', email: 'a@b.co', full_name: 'A' },
  ...parts,
});

export const answer = (parts: Partial<QueryRecord> = {}): QueryRecord => ({
  id: 'q1',
  status: 'answered',
  data_source_id: 'd1',
  query_text: '',
  query_type: 'natural_language',
  interpreted_query: null,
  interpretation: null,
  engine: 'rules',
  confidence: null,
  result_data: null,
  visualizations: [],
  execution_time_ms: 0,
  is_saved: false,
  cached: false,
  created_at: '2026-01-01T00:00:00Z',
  ...parts,
});

export const clarification = (parts: Partial<Clarification> = {}): Clarification => ({
  id: 'q2',
  status: 'needs_clarification',
  query_text: '',
  message: '',
  suggestions: [],
  engine: 'rules',
  ai_available: false,
  ...parts,
});

export const dataSource = (parts: Partial<DataSource> = {}): DataSource => ({
  id: 'd1',
  name: 'Sales',
  description: null,
  type: 'csv',
  status: 'connected',
  status_message: null,
  row_count: 3,
  file_size: 100,
  storage_bytes: 100,
  columns_info: [],
  table_name: 'sales',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  last_synced_at: null,
  share_sample_values: false,
  connection: null,
  sync_interval_minutes: null,
  last_sync: null,
  version: 1,
  ...parts,
});
