-- Full snapshot: the current sources the run did not read (a full load closes their facts),
-- each with the number of current sources, so the loader can refuse to close most of them.
WITH current_sources AS (
    SELECT source FROM documents WHERE valid_to IS NULL
    UNION
    SELECT source FROM observations WHERE valid_to IS NULL
)
SELECT c.source, (SELECT count(*) FROM current_sources) AS current_sources
FROM current_sources AS c
WHERE NOT EXISTS (SELECT 1 FROM read_sources AS r WHERE r.source = c.source)
ORDER BY c.source;
