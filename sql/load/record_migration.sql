-- Record one applied migration.
INSERT INTO schema_migrations (version, name, checksum, applied_at)
VALUES ($version, $name, $checksum, current_timestamp);
