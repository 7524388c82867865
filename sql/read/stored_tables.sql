-- The tables of the file's main schema (their data lives in its blocks).
SELECT table_name FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary
ORDER BY table_name;
