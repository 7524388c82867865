-- A closed version was current for a while: valid_from < valid_to, and closed by a later load.
SELECT fact_key, source, valid_from, valid_to, load_id, closed_load_id
FROM observations
WHERE valid_to IS NOT NULL AND (valid_to <= valid_from OR closed_load_id <= load_id)
UNION ALL
SELECT doc_id, source, valid_from, valid_to, load_id, closed_load_id
FROM documents
WHERE valid_to IS NOT NULL AND (valid_to <= valid_from OR closed_load_id <= load_id);
