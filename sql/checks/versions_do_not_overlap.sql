-- Versions of one fact follow each other: none opens before the previous one closed.
SELECT fact_key, valid_from, valid_to, next_from
FROM (
    SELECT fact_key, valid_from, valid_to,
           lead(valid_from) OVER (PARTITION BY fact_key ORDER BY valid_from) AS next_from
    FROM observations
)
WHERE next_from IS NOT NULL AND (valid_to IS NULL OR next_from < valid_to);
