-- Close the version the correction replaces.
UPDATE observations
SET valid_to = $loaded_at, closed_load_id = $load_id
WHERE fact_key = $fact_key AND valid_to IS NULL AND load_id <> $load_id;
