-- Corrected versions point to a correction of their own fact; a current corrected version's
-- correction is active; a retracted source has no current facts; loads of corrections match.
SELECT o.fact_key, o.source, 'corrected version without its correction' AS problem
FROM observations AS o
WHERE o.correction_id IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM corrections AS c
      WHERE c.correction_id = o.correction_id AND c.kind = 'correct' AND c.fact_key = o.fact_key
  )
UNION ALL
SELECT o.fact_key, o.source, 'current corrected version of a correction under review'
FROM observations AS o
JOIN corrections AS c ON c.correction_id = o.correction_id
WHERE o.valid_to IS NULL AND c.status <> 'active'
UNION ALL
SELECT o.fact_key, o.source, 'current fact of a retracted source'
FROM observations AS o
WHERE o.valid_to IS NULL
  AND EXISTS (SELECT 1 FROM corrections AS c WHERE c.kind = 'retract' AND c.source = o.source)
UNION ALL
SELECT c.fact_key, c.source, 'correction without a load of its kind'
FROM corrections AS c
WHERE NOT EXISTS (
    SELECT 1 FROM loads AS l
    WHERE l.load_id = c.load_id
      AND l.kind = CASE c.kind WHEN 'correct' THEN 'correction' ELSE 'retraction' END
);
