-- Whether the LLM prompt may include distinct sample values of this source's
-- low-cardinality columns (off until the owner allows it).
ALTER TABLE data_sources ADD COLUMN share_sample_values BOOLEAN NOT NULL DEFAULT FALSE;

-- Tokens spent on the language model, one row per question that called it.
-- Kept apart from `queries` so deleting history does not reset the daily
-- budget; `api_key_id` is the key the question came with (none for a login).
CREATE TABLE llm_usage (
    id                UUID PRIMARY KEY,
    user_id           UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    api_key_id        UUID,
    query_id          UUID,
    model             TEXT NOT NULL,
    prompt_tokens     BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_llm_usage_user_created ON llm_usage (user_id, created_at);
CREATE INDEX idx_llm_usage_key_created ON llm_usage (api_key_id, created_at);
