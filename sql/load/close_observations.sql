-- Close current facts of the loaded sources that changed or disappeared.
UPDATE observations AS o
SET valid_to = $loaded_at, closed_load_id = $load_id
WHERE o.valid_to IS NULL
  AND o.source IN (SELECT source FROM loaded_sources)
  AND NOT EXISTS (
      SELECT 1 FROM staged_observations AS s
      WHERE s.fact_key = o.fact_key AND s.row_hash = o.row_hash
  );
