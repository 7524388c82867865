-- Open a version for each staged fact without a current row of its key (new or changed).
INSERT INTO observations BY NAME
SELECT s.*, $loaded_at AS valid_from, $load_id AS load_id
FROM staged_observations AS s
WHERE NOT EXISTS (
    SELECT 1 FROM observations AS o WHERE o.valid_to IS NULL AND o.fact_key = s.fact_key
);
