-- Whether a table of the main schema exists.
SELECT count(*) > 0
FROM information_schema.tables
WHERE table_schema = 'main' AND table_name = $name;
