-- The newest migration applied to the file.
SELECT max(version) FROM schema_migrations;
