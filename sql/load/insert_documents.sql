-- Open a version for each staged document that has no equal current row.
INSERT INTO documents BY NAME
SELECT s.*, $loaded_at AS valid_from, $load_id AS load_id
FROM staged_documents AS s
WHERE NOT EXISTS (
    SELECT 1 FROM documents AS d WHERE d.valid_to IS NULL AND d.source = s.source
);
