-- InsightIQ metadata schema (SPEC.md "Database schema"), SQLite flavour (UUIDs as 16-byte blobs, timestamps as RFC 3339 text, JSON as text).
CREATE TABLE users (
    id            BLOB PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    avatar_path   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    is_active     BOOLEAN NOT NULL DEFAULT 1,
    is_verified   BOOLEAN NOT NULL DEFAULT 0,
    last_login    TEXT
);
CREATE INDEX idx_users_created_at ON users (created_at);

CREATE TABLE data_sources (
    id              BLOB PRIMARY KEY,
    user_id         BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    description     TEXT,
    type            TEXT NOT NULL CHECK (type IN ('csv', 'google_sheets', 'api', 'database')),
    status          TEXT NOT NULL DEFAULT 'connected'
                    CHECK (status IN ('connected', 'syncing', 'error', 'disconnected')),
    status_message  TEXT,
    file_path       TEXT,
    original_path   TEXT,
    connection_info TEXT,
    row_count       INTEGER NOT NULL DEFAULT 0,
    file_size       INTEGER NOT NULL DEFAULT 0,
    storage_bytes   INTEGER NOT NULL DEFAULT 0,
    columns_info    TEXT NOT NULL DEFAULT '[]',
    profile         TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    last_synced_at  TEXT
);
CREATE INDEX idx_data_sources_user_id ON data_sources (user_id);
CREATE INDEX idx_data_sources_type ON data_sources (type);
CREATE INDEX idx_data_sources_status ON data_sources (status);

CREATE TABLE queries (
    id                BLOB PRIMARY KEY,
    user_id           BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    data_source_id    BLOB REFERENCES data_sources (id) ON DELETE SET NULL,
    query_text        TEXT NOT NULL,
    query_type        TEXT NOT NULL CHECK (query_type IN ('natural_language', 'sql', 'aggregation')),
    interpreted_query TEXT,
    details           TEXT,
    result_data       TEXT NOT NULL,
    execution_time_ms INTEGER NOT NULL DEFAULT 0,
    is_saved          BOOLEAN NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL
);
CREATE INDEX idx_queries_user_id ON queries (user_id);
CREATE INDEX idx_queries_data_source_id ON queries (data_source_id);
CREATE INDEX idx_queries_created_at ON queries (created_at DESC);
CREATE INDEX idx_queries_saved ON queries (user_id, created_at DESC) WHERE is_saved = 1;

CREATE TABLE visualizations (
    id          BLOB PRIMARY KEY,
    query_id    BLOB NOT NULL REFERENCES queries (id) ON DELETE CASCADE,
    chart_type  TEXT NOT NULL
                CHECK (chart_type IN ('line', 'bar', 'pie', 'table', 'scatter', 'kpi', 'area', 'stacked_bar')),
    config_json TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX idx_visualizations_query_id ON visualizations (query_id);

CREATE TABLE api_keys (
    id           BLOB PRIMARY KEY,
    user_id      BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key_name     TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    key_prefix   TEXT NOT NULL,
    is_active    BOOLEAN NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    last_used_at TEXT
);
CREATE INDEX idx_api_keys_user_id ON api_keys (user_id);

-- Refresh-token sessions. `family_id` groups the rotations of one login so that a
-- reused (stolen) refresh token revokes the whole family.
CREATE TABLE sessions (
    id          BLOB PRIMARY KEY,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id   BLOB NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    created_at  TEXT NOT NULL,
    ip_address  TEXT,
    user_agent  TEXT
);
CREATE INDEX idx_sessions_user_id ON sessions (user_id);
CREATE INDEX idx_sessions_family_id ON sessions (family_id);

-- Single-use email tokens (verification, password reset); only hashes are kept.
CREATE TABLE auth_tokens (
    id          BLOB PRIMARY KEY,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    token_hash  TEXT NOT NULL UNIQUE,
    email       TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX idx_auth_tokens_user_id ON auth_tokens (user_id);
