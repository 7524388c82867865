-- Full snapshot: close the current documents and facts of sources the run did not read.
UPDATE documents AS d
SET valid_to = $loaded_at, closed_load_id = $load_id
WHERE d.valid_to IS NULL
  AND NOT EXISTS (SELECT 1 FROM read_sources AS r WHERE r.source = d.source);

UPDATE observations AS o
SET valid_to = $loaded_at, closed_load_id = $load_id
WHERE o.valid_to IS NULL
  AND NOT EXISTS (SELECT 1 FROM read_sources AS r WHERE r.source = o.source);
