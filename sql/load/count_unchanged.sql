-- Facts of the sources read that are current and were not opened by this load.
SELECT count(*)
FROM observations AS o
WHERE o.valid_to IS NULL
  AND o.load_id <> $load_id
  AND o.source IN (SELECT source FROM read_sources);
