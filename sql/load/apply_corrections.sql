-- Corrections and retractions hold over a re-read of their report (run before the facts
-- are versioned). A corrected fact stays as corrected while the report still reads the
-- value it corrected; when the report now reads differently (or no longer has the fact),
-- the correction is flagged for review and the report's version replaces it. A retracted
-- source's facts are not reopened; a retracted source whose file changed is flagged.

UPDATE corrections AS c
SET status = 'needs_review', flagged_load_id = $load_id
WHERE c.kind = 'correct' AND c.status = 'active'
  AND c.source IN (SELECT source FROM loaded_sources)
  AND EXISTS (
      SELECT 1 FROM observations AS o
      WHERE o.correction_id = c.correction_id AND o.valid_to IS NULL
  )
  AND NOT EXISTS (
      SELECT 1 FROM staged_observations AS s
      WHERE s.fact_key = c.fact_key AND s.row_hash = c.extracted_row_hash
  );

-- the staged fact reads what was corrected: it takes the corrected row's hash (unchanged)
UPDATE staged_observations AS s
SET row_hash = o.row_hash
FROM observations AS o, corrections AS c
WHERE o.valid_to IS NULL AND o.fact_key = s.fact_key
  AND c.correction_id = o.correction_id AND c.status = 'active'
  AND s.row_hash = c.extracted_row_hash;

UPDATE corrections AS c
SET status = 'needs_review', flagged_load_id = $load_id
WHERE c.kind = 'retract' AND c.status = 'active'
  AND EXISTS (
      SELECT 1 FROM staged_documents AS d
      WHERE d.source = c.source AND d.content_hash IS DISTINCT FROM c.content_hash
  );

DELETE FROM staged_observations
WHERE source IN (SELECT source FROM corrections WHERE kind = 'retract');

SELECT correction_id, kind, source, fact_key
FROM corrections
WHERE flagged_load_id = $load_id
ORDER BY correction_id;
