-- The current version of one fact, when it has one.
SELECT source, row_hash
FROM observations
WHERE fact_key = $fact_key AND valid_to IS NULL;
