//! The SQL behind `MetadataStore`, written once and stamped out for each sqlx
//! backend. Both backends accept `$n` placeholders; the few dialect differences
//! (how a timestamp becomes a day) are macro parameters.

macro_rules! impl_metadata_store {
    ($store:ident, backend = $backend:literal, day_of = $day_of:literal) => {
        #[async_trait::async_trait]
        impl $crate::MetadataStore for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn ping(&self) -> $crate::Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn create_user(&self, user: $crate::NewUser) -> $crate::Result<$crate::User> {
                let now = chrono::Utc::now();
                Ok(sqlx::query_as(
                    "INSERT INTO users (id, email, password_hash, full_name, created_at, updated_at, is_active, is_verified)
                     VALUES ($1, $2, $3, $4, $5, $5, TRUE, $6) RETURNING *",
                )
                .bind(uuid::Uuid::new_v4())
                .bind(&user.email)
                .bind(&user.password_hash)
                .bind(&user.full_name)
                .bind(now)
                .bind(user.is_verified)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn get_user(&self, id: domain::UserId) -> $crate::Result<$crate::User> {
                Ok(sqlx::query_as("SELECT * FROM users WHERE id = $1")
                    .bind(id.0)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn get_user_by_email(&self, email: &str) -> $crate::Result<$crate::User> {
                Ok(sqlx::query_as("SELECT * FROM users WHERE email = $1")
                    .bind(email)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn update_user(
                &self,
                id: domain::UserId,
                u: $crate::UserUpdate,
            ) -> $crate::Result<$crate::User> {
                Ok(sqlx::query_as(
                    "UPDATE users SET
                        email = COALESCE($2, email),
                        full_name = COALESCE($3, full_name),
                        password_hash = COALESCE($4, password_hash),
                        avatar_path = COALESCE($5, avatar_path),
                        is_active = COALESCE($6, is_active),
                        is_verified = COALESCE($7, is_verified),
                        last_login = COALESCE($8, last_login),
                        updated_at = $9
                     WHERE id = $1 RETURNING *",
                )
                .bind(id.0)
                .bind(u.email)
                .bind(u.full_name)
                .bind(u.password_hash)
                .bind(u.avatar_path)
                .bind(u.is_active)
                .bind(u.is_verified)
                .bind(u.last_login)
                .bind(chrono::Utc::now())
                .fetch_one(&self.pool)
                .await?)
            }

            async fn delete_user(&self, id: domain::UserId) -> $crate::Result<()> {
                let done = sqlx::query("DELETE FROM users WHERE id = $1")
                    .bind(id.0)
                    .execute(&self.pool)
                    .await?;
                $crate::generic::expect_one(done.rows_affected())
            }

            async fn create_data_source(
                &self,
                s: $crate::NewDataSource,
            ) -> $crate::Result<$crate::DataSource> {
                let now = chrono::Utc::now();
                Ok(sqlx::query_as(
                    "INSERT INTO data_sources (id, user_id, name, description, type, status, file_path,
                        original_path, connection_info, row_count, file_size, storage_bytes, columns_info,
                        profile, version, created_at, updated_at, last_synced_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $15, $15)
                     RETURNING *",
                )
                .bind(s.id.0)
                .bind(s.user_id.0)
                .bind(&s.name)
                .bind(&s.description)
                .bind(s.source_type.as_str())
                .bind(s.status.as_str())
                .bind(&s.file_path)
                .bind(&s.original_path)
                .bind(s.connection_info.map(sqlx::types::Json))
                .bind(s.row_count)
                .bind(s.file_size)
                .bind(s.storage_bytes)
                .bind(sqlx::types::Json(s.columns_info))
                .bind(s.profile.map(sqlx::types::Json))
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn get_data_source(
                &self,
                user: domain::UserId,
                id: domain::DataSourceId,
            ) -> $crate::Result<$crate::DataSource> {
                Ok(sqlx::query_as("SELECT * FROM data_sources WHERE id = $1 AND user_id = $2")
                    .bind(id.0)
                    .bind(user.0)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn list_data_sources(
                &self,
                user: domain::UserId,
                page: $crate::Page,
            ) -> $crate::Result<$crate::Paged<$crate::DataSource>> {
                let items = sqlx::query_as(
                    "SELECT * FROM data_sources WHERE user_id = $1
                     ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
                )
                .bind(user.0)
                .bind(page.page_size)
                .bind(page.offset())
                .fetch_all(&self.pool)
                .await?;
                let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM data_sources WHERE user_id = $1")
                    .bind(user.0)
                    .fetch_one(&self.pool)
                    .await?;
                Ok($crate::Paged { items, total, page: page.page, page_size: page.page_size })
            }

            async fn list_source_tables(
                &self,
                user: domain::UserId,
            ) -> $crate::Result<Vec<$crate::SourceTable>> {
                Ok(sqlx::query_as(
                    "SELECT id, name, file_path, version, created_at, columns_info FROM data_sources
                     WHERE user_id = $1 ORDER BY created_at, id",
                )
                .bind(user.0)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn update_data_source(
                &self,
                user: domain::UserId,
                id: domain::DataSourceId,
                u: $crate::DataSourceUpdate,
            ) -> $crate::Result<$crate::DataSource> {
                Ok(sqlx::query_as(
                    "UPDATE data_sources SET
                        name = COALESCE($3, name),
                        description = COALESCE($4, description),
                        status = COALESCE($5, status),
                        status_message = CASE WHEN $5 IS NULL THEN status_message ELSE $6 END,
                        columns_info = COALESCE($7, columns_info),
                        profile = COALESCE($8, profile),
                        row_count = COALESCE($9, row_count),
                        file_size = COALESCE($10, file_size),
                        storage_bytes = COALESCE($11, storage_bytes),
                        last_synced_at = COALESCE($12, last_synced_at),
                        version = version + $13,
                        updated_at = $14,
                        share_sample_values = COALESCE($15, share_sample_values),
                        file_path = COALESCE($16, file_path),
                        connection_info = COALESCE($17, connection_info),
                        sync_interval_minutes = CASE WHEN $18 THEN $19 ELSE sync_interval_minutes END,
                        sync_report = COALESCE($20, sync_report),
                        original_path = COALESCE($21, original_path)
                     WHERE id = $1 AND user_id = $2 RETURNING *",
                )
                .bind(id.0)
                .bind(user.0)
                .bind(u.name)
                .bind(u.description)
                .bind(u.status.map(|s| s.as_str()))
                .bind(u.status_message)
                .bind(u.columns_info.map(sqlx::types::Json))
                .bind(u.profile.map(sqlx::types::Json))
                .bind(u.row_count)
                .bind(u.file_size)
                .bind(u.storage_bytes)
                .bind(u.last_synced_at)
                .bind(i64::from(u.bump_version))
                .bind(chrono::Utc::now())
                .bind(u.share_sample_values)
                .bind(u.file_path)
                .bind(u.connection_info.map(sqlx::types::Json))
                .bind(u.sync_interval_minutes.is_some())
                .bind(u.sync_interval_minutes.flatten())
                .bind(u.sync_report.map(sqlx::types::Json))
                .bind(u.original_path)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn claim_sync(
                &self,
                user: domain::UserId,
                id: domain::DataSourceId,
                owner: &str,
                now_ms: i64,
                until_ms: i64,
            ) -> $crate::Result<bool> {
                let done = sqlx::query(
                    "UPDATE data_sources SET status = 'syncing', status_message = NULL,
                        sync_lease_owner = $3, sync_lease_until = $5
                     WHERE id = $1 AND user_id = $2
                       AND (sync_lease_until IS NULL OR sync_lease_until < $4)",
                )
                .bind(id.0)
                .bind(user.0)
                .bind(owner)
                .bind(now_ms)
                .bind(until_ms)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn renew_sync_lease(
                &self,
                id: domain::DataSourceId,
                owner: &str,
                until_ms: i64,
            ) -> $crate::Result<bool> {
                let done = sqlx::query(
                    "UPDATE data_sources SET sync_lease_until = $3
                     WHERE id = $1 AND sync_lease_owner = $2",
                )
                .bind(id.0)
                .bind(owner)
                .bind(until_ms)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn release_sync_lease(
                &self,
                id: domain::DataSourceId,
                owner: &str,
            ) -> $crate::Result<()> {
                sqlx::query(
                    "UPDATE data_sources SET sync_lease_owner = NULL, sync_lease_until = NULL
                     WHERE id = $1 AND sync_lease_owner = $2",
                )
                .bind(id.0)
                .bind(owner)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn sync_candidates(&self) -> $crate::Result<Vec<$crate::SyncCandidate>> {
                Ok(sqlx::query_as(
                    "SELECT id, user_id, status, sync_interval_minutes, last_synced_at, updated_at, sync_lease_until
                     FROM data_sources
                     WHERE type <> 'csv' AND (status = 'syncing' OR sync_interval_minutes IS NOT NULL)",
                )
                .fetch_all(&self.pool)
                .await?)
            }

            async fn delete_data_source(
                &self,
                user: domain::UserId,
                id: domain::DataSourceId,
            ) -> $crate::Result<()> {
                let done = sqlx::query("DELETE FROM data_sources WHERE id = $1 AND user_id = $2")
                    .bind(id.0)
                    .bind(user.0)
                    .execute(&self.pool)
                    .await?;
                $crate::generic::expect_one(done.rows_affected())
            }

            async fn create_query(&self, q: $crate::NewQuery) -> $crate::Result<$crate::Query> {
                let row = $crate::Query::new_record(q);
                match self.insert_queries(std::slice::from_ref(&row)).await?.as_slice() {
                    [true] => Ok(row),
                    _ => Err($crate::StoreError::MissingReference),
                }
            }

            async fn insert_queries(&self, rows: &[$crate::Query]) -> $crate::Result<Vec<bool>> {
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                // One statement (atomic on its own, one round trip): each row is
                // kept only when its data source is its user's own.
                let sql = $crate::generic::insert_queries_sql(rows.len());
                let mut insert = sqlx::query_scalar::<_, uuid::Uuid>(&sql);
                for q in rows {
                    insert = insert
                        .bind(q.id.0)
                        .bind(q.user_id.0)
                        .bind(q.data_source_id)
                        .bind(&q.query_text)
                        .bind(q.query_type.as_str())
                        .bind(&q.interpreted_query)
                        .bind(&q.details)
                        .bind(&q.result_data)
                        .bind(q.execution_time_ms)
                        .bind(q.created_at);
                }
                let inserted: std::collections::HashSet<uuid::Uuid> =
                    insert.fetch_all(&self.pool).await?.into_iter().collect();
                Ok(rows.iter().map(|q| inserted.contains(&q.id.0)).collect())
            }

            async fn get_query(
                &self,
                user: domain::UserId,
                id: domain::QueryId,
            ) -> $crate::Result<$crate::Query> {
                Ok(sqlx::query_as("SELECT * FROM queries WHERE id = $1 AND user_id = $2")
                    .bind(id.0)
                    .bind(user.0)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn list_queries(
                &self,
                user: domain::UserId,
                f: $crate::QueryFilter,
                page: $crate::Page,
            ) -> $crate::Result<$crate::Paged<$crate::Query>> {
                const WHERE: &str = "WHERE user_id = $1
                    AND ($2 IS NULL OR data_source_id = $2)
                    AND ($3 IS NULL OR query_type = $3)
                    AND ($4 IS NULL OR LOWER(query_text) LIKE $4 ESCAPE '\\')
                    AND ($5 = FALSE OR is_saved = TRUE)";
                let search = f.search.as_deref().map($crate::generic::like_pattern);
                let items = sqlx::query_as(&format!(
                    "SELECT * FROM queries {WHERE} ORDER BY created_at DESC, id DESC LIMIT $6 OFFSET $7"
                ))
                .bind(user.0)
                .bind(f.data_source_id.map(|d| d.0))
                .bind(f.query_type.map(|t| t.as_str()))
                .bind(&search)
                .bind(f.saved_only)
                .bind(page.page_size)
                .bind(page.offset())
                .fetch_all(&self.pool)
                .await?;
                let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM queries {WHERE}"))
                    .bind(user.0)
                    .bind(f.data_source_id.map(|d| d.0))
                    .bind(f.query_type.map(|t| t.as_str()))
                    .bind(&search)
                    .bind(f.saved_only)
                    .fetch_one(&self.pool)
                    .await?;
                Ok($crate::Paged { items, total, page: page.page, page_size: page.page_size })
            }

            async fn set_query_saved(
                &self,
                user: domain::UserId,
                id: domain::QueryId,
                saved: bool,
            ) -> $crate::Result<$crate::Query> {
                Ok(sqlx::query_as(
                    "UPDATE queries SET is_saved = $3 WHERE id = $1 AND user_id = $2 RETURNING *",
                )
                .bind(id.0)
                .bind(user.0)
                .bind(saved)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn delete_query(
                &self,
                user: domain::UserId,
                id: domain::QueryId,
            ) -> $crate::Result<()> {
                let done = sqlx::query("DELETE FROM queries WHERE id = $1 AND user_id = $2")
                    .bind(id.0)
                    .bind(user.0)
                    .execute(&self.pool)
                    .await?;
                $crate::generic::expect_one(done.rows_affected())
            }

            async fn create_visualization(
                &self,
                user: domain::UserId,
                v: $crate::NewVisualization,
            ) -> $crate::Result<$crate::Visualization> {
                let viz = sqlx::query_as(
                    "INSERT INTO visualizations (id, query_id, chart_type, config_json, created_at)
                     SELECT $1, $2, $3, $4, $5
                     WHERE EXISTS (SELECT 1 FROM queries WHERE id = $2 AND user_id = $6)
                     RETURNING *",
                )
                .bind(uuid::Uuid::new_v4())
                .bind(v.query_id.0)
                .bind(v.chart_type.as_str())
                .bind(sqlx::types::Json(v.config_json))
                .bind(chrono::Utc::now())
                .bind(user.0)
                .fetch_optional(&self.pool)
                .await?;
                viz.ok_or($crate::StoreError::NotFound)
            }

            async fn list_visualizations(
                &self,
                user: domain::UserId,
                query: domain::QueryId,
            ) -> $crate::Result<Vec<$crate::Visualization>> {
                Ok(sqlx::query_as(
                    "SELECT v.* FROM visualizations v JOIN queries q ON q.id = v.query_id
                     WHERE v.query_id = $1 AND q.user_id = $2 ORDER BY v.created_at, v.id",
                )
                .bind(query.0)
                .bind(user.0)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn get_visualization(
                &self,
                user: domain::UserId,
                id: domain::VisualizationId,
            ) -> $crate::Result<$crate::Visualization> {
                Ok(sqlx::query_as(
                    "SELECT v.* FROM visualizations v JOIN queries q ON q.id = v.query_id
                     WHERE v.id = $1 AND q.user_id = $2",
                )
                .bind(id.0)
                .bind(user.0)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn update_visualization(
                &self,
                user: domain::UserId,
                id: domain::VisualizationId,
                u: $crate::VisualizationUpdate,
            ) -> $crate::Result<$crate::Visualization> {
                Ok(sqlx::query_as(
                    "UPDATE visualizations SET
                        chart_type = COALESCE($3, chart_type),
                        config_json = COALESCE($4, config_json)
                     WHERE id = $1 AND query_id IN (SELECT id FROM queries WHERE user_id = $2)
                     RETURNING *",
                )
                .bind(id.0)
                .bind(user.0)
                .bind(u.chart_type.map(|c| c.as_str()))
                .bind(u.config_json.map(sqlx::types::Json))
                .fetch_one(&self.pool)
                .await?)
            }

            async fn delete_visualization(
                &self,
                user: domain::UserId,
                id: domain::VisualizationId,
            ) -> $crate::Result<()> {
                let done = sqlx::query(
                    "DELETE FROM visualizations
                     WHERE id = $1 AND query_id IN (SELECT id FROM queries WHERE user_id = $2)",
                )
                .bind(id.0)
                .bind(user.0)
                .execute(&self.pool)
                .await?;
                $crate::generic::expect_one(done.rows_affected())
            }

            async fn create_tile(
                &self,
                t: $crate::NewDashboardTile,
            ) -> $crate::Result<$crate::DashboardTile> {
                let now = chrono::Utc::now();
                let tile = sqlx::query_as(
                    "INSERT INTO dashboard_tiles (id, user_id, query_id, data_source_id, source_name, title,
                        sql_text, chart, position, width, height, created_at, updated_at)
                     SELECT $1, $2, $3, $4, $5, $6, $7, $8,
                        COALESCE((SELECT MAX(position) + 1 FROM dashboard_tiles WHERE user_id = $2), 0),
                        $9, $10, $11, $11
                     WHERE EXISTS (SELECT 1 FROM data_sources WHERE id = $4 AND user_id = $2)
                     RETURNING *",
                )
                .bind(uuid::Uuid::new_v4())
                .bind(t.user_id.0)
                .bind(t.query_id.map(|q| q.0))
                .bind(t.data_source_id.0)
                .bind(&t.source_name)
                .bind(&t.title)
                .bind(&t.sql_text)
                .bind(t.chart.map(sqlx::types::Json))
                .bind(t.width)
                .bind(t.height)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                tile.ok_or($crate::StoreError::NotFound)
            }

            async fn list_tiles(
                &self,
                user: domain::UserId,
            ) -> $crate::Result<Vec<$crate::DashboardTile>> {
                Ok(sqlx::query_as(
                    "SELECT * FROM dashboard_tiles WHERE user_id = $1 ORDER BY position, created_at, id",
                )
                .bind(user.0)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn get_tile(
                &self,
                user: domain::UserId,
                id: domain::TileId,
            ) -> $crate::Result<$crate::DashboardTile> {
                Ok(sqlx::query_as("SELECT * FROM dashboard_tiles WHERE id = $1 AND user_id = $2")
                    .bind(id.0)
                    .bind(user.0)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn update_tile(
                &self,
                user: domain::UserId,
                id: domain::TileId,
                u: $crate::TileUpdate,
            ) -> $crate::Result<$crate::DashboardTile> {
                Ok(sqlx::query_as(
                    "UPDATE dashboard_tiles SET
                        title = COALESCE($3, title),
                        chart = COALESCE($4, chart),
                        width = COALESCE($5, width),
                        height = COALESCE($6, height),
                        updated_at = $7
                     WHERE id = $1 AND user_id = $2 RETURNING *",
                )
                .bind(id.0)
                .bind(user.0)
                .bind(u.title)
                .bind(u.chart.map(sqlx::types::Json))
                .bind(u.width)
                .bind(u.height)
                .bind(chrono::Utc::now())
                .fetch_one(&self.pool)
                .await?)
            }

            async fn reorder_tiles(
                &self,
                user: domain::UserId,
                ids: &[domain::TileId],
            ) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                for (position, id) in ids.iter().enumerate() {
                    let done = sqlx::query(
                        "UPDATE dashboard_tiles SET position = $3 WHERE id = $1 AND user_id = $2",
                    )
                    .bind(id.0)
                    .bind(user.0)
                    .bind(position as i64)
                    .execute(&mut *tx)
                    .await?;
                    // Dropping the transaction rolls back the positions already set.
                    $crate::generic::expect_one(done.rows_affected())?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn delete_tile(
                &self,
                user: domain::UserId,
                id: domain::TileId,
            ) -> $crate::Result<()> {
                let done = sqlx::query("DELETE FROM dashboard_tiles WHERE id = $1 AND user_id = $2")
                    .bind(id.0)
                    .bind(user.0)
                    .execute(&self.pool)
                    .await?;
                $crate::generic::expect_one(done.rows_affected())
            }

            async fn create_api_key(&self, k: $crate::NewApiKey) -> $crate::Result<$crate::ApiKey> {
                Ok(sqlx::query_as(
                    "INSERT INTO api_keys (id, user_id, key_name, key_hash, key_prefix, is_active, created_at)
                     VALUES ($1, $2, $3, $4, $5, TRUE, $6) RETURNING *",
                )
                .bind(uuid::Uuid::new_v4())
                .bind(k.user_id.0)
                .bind(&k.key_name)
                .bind(&k.key_hash)
                .bind(&k.key_prefix)
                .bind(chrono::Utc::now())
                .fetch_one(&self.pool)
                .await?)
            }

            async fn list_api_keys(&self, user: domain::UserId) -> $crate::Result<Vec<$crate::ApiKey>> {
                Ok(sqlx::query_as(
                    "SELECT * FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
                )
                .bind(user.0)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn find_api_key_by_hash(&self, key_hash: &str) -> $crate::Result<$crate::ApiKey> {
                Ok(sqlx::query_as("SELECT * FROM api_keys WHERE key_hash = $1")
                    .bind(key_hash)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn touch_api_key(
                &self,
                id: domain::ApiKeyId,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<()> {
                let done = sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1")
                    .bind(id.0)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                $crate::generic::expect_one(done.rows_affected())
            }

            async fn revoke_api_key(
                &self,
                user: domain::UserId,
                id: domain::ApiKeyId,
            ) -> $crate::Result<()> {
                let done = sqlx::query(
                    "UPDATE api_keys SET is_active = FALSE WHERE id = $1 AND user_id = $2 AND is_active = TRUE",
                )
                .bind(id.0)
                .bind(user.0)
                .execute(&self.pool)
                .await?;
                $crate::generic::expect_one(done.rows_affected())
            }

            async fn create_session(&self, s: $crate::NewSession) -> $crate::Result<$crate::Session> {
                Ok(sqlx::query_as(
                    "INSERT INTO sessions (id, user_id, family_id, token_hash, expires_at, created_at, ip_address, user_agent)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *",
                )
                .bind(uuid::Uuid::new_v4())
                .bind(s.user_id.0)
                .bind(s.family_id)
                .bind(&s.token_hash)
                .bind(s.expires_at)
                .bind(chrono::Utc::now())
                .bind(&s.ip_address)
                .bind(&s.user_agent)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn find_session_by_hash(&self, token_hash: &str) -> $crate::Result<$crate::Session> {
                Ok(sqlx::query_as("SELECT * FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn mark_session_used(
                &self,
                id: domain::SessionId,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<bool> {
                let done = sqlx::query("UPDATE sessions SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
                    .bind(id.0)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn revoke_session_family(&self, family: uuid::Uuid) -> $crate::Result<u64> {
                let done = sqlx::query("DELETE FROM sessions WHERE family_id = $1")
                    .bind(family)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn revoke_user_sessions(
                &self,
                user: domain::UserId,
                keep_family: Option<uuid::Uuid>,
            ) -> $crate::Result<u64> {
                let done = sqlx::query(
                    "DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR family_id <> $2)",
                )
                .bind(user.0)
                .bind(keep_family)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected())
            }

            async fn session_family_active(
                &self,
                family: uuid::Uuid,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<bool> {
                Ok(sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM sessions WHERE family_id = $1 AND expires_at > $2)",
                )
                .bind(family)
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn session_family_expires_at(
                &self,
                family: uuid::Uuid,
            ) -> $crate::Result<Option<chrono::DateTime<chrono::Utc>>> {
                Ok(sqlx::query_scalar(
                    "SELECT expires_at FROM sessions WHERE family_id = $1 ORDER BY expires_at DESC LIMIT 1",
                )
                .bind(family)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn purge_expired_sessions(
                &self,
                user: domain::UserId,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<u64> {
                let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2")
                    .bind(user.0)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn create_auth_token(
                &self,
                t: $crate::NewAuthToken,
            ) -> $crate::Result<$crate::AuthToken> {
                Ok(sqlx::query_as(
                    "INSERT INTO auth_tokens (id, user_id, purpose, token_hash, email, expires_at, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *",
                )
                .bind(uuid::Uuid::new_v4())
                .bind(t.user_id.0)
                .bind(t.purpose.as_str())
                .bind(&t.token_hash)
                .bind(&t.email)
                .bind(t.expires_at)
                .bind(chrono::Utc::now())
                .fetch_one(&self.pool)
                .await?)
            }

            async fn consume_auth_token(
                &self,
                purpose: $crate::TokenPurpose,
                token_hash: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::AuthToken> {
                Ok(sqlx::query_as(
                    "UPDATE auth_tokens SET used_at = $3
                     WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
                     RETURNING *",
                )
                .bind(token_hash)
                .bind(purpose.as_str())
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn user_stats(
                &self,
                user: domain::UserId,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::UserStats> {
                use chrono::Datelike;
                let month_start = now
                    .date_naive()
                    .with_day(1)
                    .expect("day 1 exists")
                    .and_hms_opt(0, 0, 0)
                    .expect("midnight exists")
                    .and_utc();
                let (data_sources_count, storage_used_bytes): (i64, i64) = sqlx::query_as(
                    "SELECT COUNT(*), CAST(COALESCE(SUM(storage_bytes), 0) AS BIGINT)
                     FROM data_sources WHERE user_id = $1",
                )
                .bind(user.0)
                .fetch_one(&self.pool)
                .await?;
                let (queries_count, queries_this_month, active_datasets): (i64, i64, i64) = sqlx::query_as(
                    "SELECT COUNT(*),
                            COUNT(CASE WHEN created_at >= $2 THEN 1 END),
                            COUNT(DISTINCT CASE WHEN created_at >= $3 THEN data_source_id END)
                     FROM queries WHERE user_id = $1",
                )
                .bind(user.0)
                .bind(month_start)
                .bind(now - chrono::Duration::days(30))
                .fetch_one(&self.pool)
                .await?;
                Ok($crate::UserStats {
                    data_sources_count,
                    queries_count,
                    queries_this_month,
                    active_datasets,
                    storage_used_bytes,
                })
            }

            async fn recent_queries(
                &self,
                user: domain::UserId,
                limit: i64,
            ) -> $crate::Result<Vec<$crate::Query>> {
                Ok(sqlx::query_as(
                    "SELECT * FROM queries WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
                )
                .bind(user.0)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn daily_query_counts(
                &self,
                user: domain::UserId,
                since: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<Vec<$crate::DailyQueryCount>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ", $day_of, " AS day, query_type, COUNT(*) AS count
                     FROM queries WHERE user_id = $1 AND created_at >= $2
                     GROUP BY 1, 2 ORDER BY 1, 2"
                ))
                .bind(user.0)
                .bind(since)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn execution_times(
                &self,
                user: domain::UserId,
                since: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<Vec<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT execution_time_ms FROM queries WHERE user_id = $1 AND created_at >= $2
                     ORDER BY execution_time_ms",
                )
                .bind(user.0)
                .bind(since)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn query_counts_by_source(
                &self,
                user: domain::UserId,
                limit: i64,
            ) -> $crate::Result<Vec<$crate::SourceQueryCount>> {
                Ok(sqlx::query_as(
                    "SELECT d.id AS data_source_id, d.name AS name, COUNT(*) AS queries
                     FROM queries q JOIN data_sources d ON d.id = q.data_source_id
                     WHERE q.user_id = $1 AND d.user_id = $1
                     GROUP BY d.id, d.name ORDER BY 3 DESC, 2 LIMIT $2",
                )
                .bind(user.0)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn record_llm_usage(&self, u: $crate::NewLlmUsage) -> $crate::Result<()> {
                sqlx::query(
                    "INSERT INTO llm_usage (id, user_id, api_key_id, query_id, model, prompt_tokens,
                        completion_tokens, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(uuid::Uuid::new_v4())
                .bind(u.user_id.0)
                .bind(u.api_key_id.map(|k| k.0))
                .bind(u.query_id.map(|q| q.0))
                .bind(&u.model)
                .bind(u.prompt_tokens)
                .bind(u.completion_tokens)
                .bind(chrono::Utc::now())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn llm_tokens_since(
                &self,
                scope: $crate::UsageScope,
                since: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<i64> {
                let (user, key) = match scope {
                    $crate::UsageScope::User(user) => (user, None),
                    $crate::UsageScope::ApiKey(user, key) => (user, Some(key.0)),
                };
                let total: Option<i64> = sqlx::query_scalar(
                    "SELECT CAST(SUM(prompt_tokens + completion_tokens) AS BIGINT) FROM llm_usage
                     WHERE user_id = $1 AND created_at >= $2 AND ($3 IS NULL OR api_key_id = $3)",
                )
                .bind(user.0)
                .bind(since)
                .bind(key)
                .fetch_one(&self.pool)
                .await?;
                Ok(total.unwrap_or(0))
            }

            async fn daily_llm_tokens(
                &self,
                user: domain::UserId,
                since: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<Vec<$crate::DailyLlmTokens>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ", $day_of, " AS day,
                        CAST(SUM(prompt_tokens) AS BIGINT) AS prompt_tokens,
                        CAST(SUM(completion_tokens) AS BIGINT) AS completion_tokens
                     FROM llm_usage WHERE user_id = $1 AND created_at >= $2
                     GROUP BY 1 ORDER BY 1"
                ))
                .bind(user.0)
                .bind(since)
                .fetch_all(&self.pool)
                .await?)
            }
        }
    };
}

pub(crate) use impl_metadata_store;

/// Turns "no row changed" into `NotFound`.
pub(crate) fn expect_one(rows_affected: u64) -> crate::Result<()> {
    if rows_affected == 0 {
        Err(crate::StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// A case-insensitive `LIKE` pattern matching `needle` anywhere, with the
/// pattern characters in it escaped.
pub(crate) fn like_pattern(needle: &str) -> String {
    let escaped = needle
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Parameters of one history row in [`insert_queries_sql`].
const QUERY_ROW_PARAMS: usize = 10;

/// `INSERT … SELECT … UNION ALL SELECT …` for `rows` history rows, ten
/// parameters each; a row naming a data source is kept only when the source
/// belongs to the row's user. Returns the ids stored.
pub(crate) fn insert_queries_sql(rows: usize) -> String {
    use std::fmt::Write;
    let mut sql = String::from(
        "INSERT INTO queries (id, user_id, data_source_id, query_text, query_type, \
         interpreted_query, details, result_data, execution_time_ms, created_at, is_saved) ",
    );
    for row in 0..rows {
        let p = |n: usize| row * QUERY_ROW_PARAMS + n;
        if row > 0 {
            sql.push_str(" UNION ALL ");
        }
        let (id, user, source) = (p(1), p(2), p(3));
        let _ = write!(
            sql,
            "SELECT ${id}, ${user}, ${source}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, FALSE \
             WHERE ${source} IS NULL \
             OR EXISTS (SELECT 1 FROM data_sources WHERE id = ${source} AND user_id = ${user})",
            p(4),
            p(5),
            p(6),
            p(7),
            p(8),
            p(9),
            p(10),
        );
    }
    sql.push_str(" RETURNING id");
    sql
}
