-- Keep every reject of the run, with the load that saw it.
INSERT INTO rejects BY NAME
SELECT $load_id AS load_id, source, doc_id, stage, "check" AS check_name, reason, record,
       content_hash
FROM input_rejects;
