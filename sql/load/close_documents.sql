-- Close the current document of each loaded source whose row changed.
UPDATE documents AS d
SET valid_to = $loaded_at, closed_load_id = $load_id
WHERE d.valid_to IS NULL
  AND d.source IN (SELECT source FROM loaded_sources)
  AND NOT EXISTS (
      SELECT 1 FROM staged_documents AS s WHERE s.source = d.source AND s.row_hash = d.row_hash
  );
