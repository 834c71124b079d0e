-- `columns_info` becomes a typed source schema: `{"row_count": N, "columns": [...]}`
-- where each column also carries its value index (moved out of the profile, so
-- the question engine reads one record and the index is stored once).
UPDATE data_sources AS ds
SET columns_info = jsonb_build_object(
    'row_count', ds.row_count,
    'columns', COALESCE((
        SELECT jsonb_agg(
            col.value || jsonb_build_object('values', COALESCE((
                SELECT p.value -> 'value_index'
                FROM jsonb_array_elements(
                    CASE WHEN jsonb_typeof(ds.profile -> 'columns') = 'array'
                         THEN ds.profile -> 'columns' ELSE '[]'::jsonb END) AS p(value)
                WHERE p.value ->> 'name' = col.value ->> 'sql_name'
                  AND jsonb_typeof(p.value -> 'value_index') = 'array'
                LIMIT 1), '[]'::jsonb))
            ORDER BY col.ordinality)
        FROM jsonb_array_elements(ds.columns_info) WITH ORDINALITY AS col(value, ordinality)
    ), '[]'::jsonb))
WHERE jsonb_typeof(ds.columns_info) = 'array';

UPDATE data_sources
SET profile = jsonb_set(profile, '{columns}', COALESCE((
        SELECT jsonb_agg(p.value - 'value_index' ORDER BY p.ordinality)
        FROM jsonb_array_elements(profile -> 'columns') WITH ORDINALITY AS p(value, ordinality)
    ), '[]'::jsonb))
WHERE jsonb_typeof(profile -> 'columns') = 'array';

ALTER TABLE data_sources ALTER COLUMN columns_info SET DEFAULT '{"row_count": 0, "columns": []}';
