-- The file behind each current document (path relative to the reports root, else absolute),
-- its source, content hash, and the extractor and catalogue that read it. A file with no
-- current document that was last rejected for what its bytes hold gives the fingerprint of
-- those bytes and the extractor of that load: it is not read (nor rejected) again until its
-- bytes or the extractor change.
SELECT source_path, source, content_hash, extractor_version, catalogue_hash, false AS rejected
FROM documents
WHERE valid_to IS NULL AND source_path IS NOT NULL
UNION ALL
SELECT r.source, r.source, r.content_hash, l.extractor_version, NULL, true
FROM rejects AS r
JOIN loads AS l USING (load_id)
WHERE r.content_hash IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM documents AS d WHERE d.source_path = r.source AND d.valid_to IS NULL
  )
QUALIFY row_number() OVER (PARTITION BY r.source ORDER BY r.load_id DESC) = 1;
