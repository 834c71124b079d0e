-- `columns_info` becomes a typed source schema: `{"row_count": N, "columns": [...]}`
-- where each column also carries its value index (moved out of the profile, so
-- the question engine reads one record and the index is stored once).
UPDATE data_sources
SET columns_info = json_object(
    'row_count', row_count,
    'columns', (
        SELECT json_group_array(json(json_set(col.value, '$.values', json(COALESCE((
            SELECT json_extract(p.value, '$.value_index')
            FROM json_each(CASE WHEN json_type(data_sources.profile, '$.columns') = 'array'
                                THEN json_extract(data_sources.profile, '$.columns')
                                ELSE '[]' END) AS p
            WHERE json_extract(p.value, '$.name') = json_extract(col.value, '$.sql_name')
              AND json_type(p.value, '$.value_index') = 'array'
            LIMIT 1), '[]')))))
        FROM (SELECT value FROM json_each(data_sources.columns_info) ORDER BY key) AS col))
WHERE json_type(columns_info) = 'array';

UPDATE data_sources
SET profile = json_set(profile, '$.columns', (
        SELECT json_group_array(json(json_remove(p.value, '$.value_index')))
        FROM (SELECT value FROM json_each(data_sources.profile, '$.columns') ORDER BY key) AS p))
WHERE json_type(profile, '$.columns') = 'array';
