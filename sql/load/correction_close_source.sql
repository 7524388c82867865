-- Close every current fact of the retracted source (nothing is deleted).
UPDATE observations
SET valid_to = $loaded_at, closed_load_id = $load_id
WHERE source = $source AND valid_to IS NULL;
