-- Versions recorded in schema_migrations (none when the table does not exist yet).
SELECT version FROM schema_migrations ORDER BY version;
