-- A document's row_hash (stage.sql) also covers the file it was read from and the catalogue.
UPDATE staged_documents
SET row_hash = md5(concat_ws(chr(31),
    row_hash, coalesce(source_path, chr(30)), coalesce(catalogue_hash, chr(30))));

-- Documents whose text (doc_id) is already loaded under another source, current and not
-- retracted, or staged twice in this run: reported, not loaded (the first source keeps it).
CREATE OR REPLACE TEMP TABLE duplicates AS
SELECT s.source, s.source_path, min(d.source) AS duplicate_of
FROM staged_documents AS s
JOIN documents AS d ON d.doc_id = s.doc_id AND d.valid_to IS NULL AND d.source <> s.source
WHERE NOT EXISTS (
    SELECT 1 FROM corrections AS c WHERE c.kind = 'retract' AND c.source = d.source
)
GROUP BY s.source, s.source_path
UNION ALL
SELECT s.source, s.source_path, min(t.source)
FROM staged_documents AS s
JOIN staged_documents AS t ON t.doc_id = s.doc_id AND t.source < s.source
GROUP BY s.source, s.source_path;

DELETE FROM staged_observations WHERE source IN (SELECT source FROM duplicates);
DELETE FROM staged_documents WHERE source IN (SELECT source FROM duplicates);
DELETE FROM loaded_sources WHERE source IN (SELECT source FROM duplicates);

SELECT DISTINCT source, source_path, duplicate_of FROM duplicates ORDER BY source;
