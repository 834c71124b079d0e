-- Connected sources sync: an optional schedule, the lease that lets only one
-- server sync a source at a time (owner and expiry in milliseconds since the
-- epoch, compared in SQL), and what the last sync changed.
ALTER TABLE data_sources ADD COLUMN sync_interval_minutes BIGINT;
ALTER TABLE data_sources ADD COLUMN sync_lease_owner TEXT;
ALTER TABLE data_sources ADD COLUMN sync_lease_until BIGINT;
ALTER TABLE data_sources ADD COLUMN sync_report JSONB;
