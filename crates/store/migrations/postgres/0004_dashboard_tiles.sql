-- Answers pinned to a user's dashboard. A tile keeps its own copy of the SQL,
-- the chart and the source's name, so it still re-runs after its history entry
-- is deleted and can say which source it came from after that is deleted
-- (`data_source_id` becomes NULL).
CREATE TABLE dashboard_tiles (
    id             UUID PRIMARY KEY,
    user_id        UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    query_id       UUID REFERENCES queries (id) ON DELETE SET NULL,
    data_source_id UUID REFERENCES data_sources (id) ON DELETE SET NULL,
    source_name    TEXT NOT NULL,
    title          TEXT NOT NULL,
    sql_text       TEXT NOT NULL,
    chart          JSONB,
    position       BIGINT NOT NULL,
    width          BIGINT NOT NULL DEFAULT 1 CHECK (width BETWEEN 1 AND 3),
    height         BIGINT NOT NULL DEFAULT 1 CHECK (height BETWEEN 1 AND 2),
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_dashboard_tiles_user_position ON dashboard_tiles (user_id, position);
