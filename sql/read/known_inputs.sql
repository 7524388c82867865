-- The document currently loaded for each source: its content hash and the extractor that read it.
-- A source with no current document whose file was last rejected for what its bytes hold gives the
-- fingerprint of those bytes and the extractor of that load: the same file is not read (nor
-- rejected) again until its bytes or the extractor change.
SELECT source, content_hash, extractor_version
FROM documents
WHERE valid_to IS NULL
UNION ALL
SELECT r.source, r.content_hash, l.extractor_version
FROM rejects AS r
JOIN loads AS l USING (load_id)
WHERE r.content_hash IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM documents AS d WHERE d.source = r.source AND d.valid_to IS NULL)
QUALIFY row_number() OVER (PARTITION BY r.source ORDER BY r.load_id DESC) = 1;
