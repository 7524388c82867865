-- Every fact version points to a document version of its source that the warehouse holds.
SELECT o.fact_key, o.source, o.doc_id, o.load_id
FROM observations AS o
WHERE NOT EXISTS (SELECT 1 FROM documents AS d WHERE d.source = o.source AND d.doc_id = o.doc_id);
