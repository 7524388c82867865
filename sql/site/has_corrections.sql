-- Whether the warehouse records corrections (migration 004 adds the table).
SELECT count(*) > 0 AS has_corrections
FROM information_schema.tables
WHERE table_schema = 'main' AND table_catalog = current_database()
  AND table_name = 'corrections';
