-- The file behind each current document (path relative to the reports root, else absolute),
-- its source, content hash, and the extractor and catalogue that read it.
SELECT source_path, source, content_hash, extractor_version, catalogue_hash
FROM documents
WHERE valid_to IS NULL AND source_path IS NOT NULL;
