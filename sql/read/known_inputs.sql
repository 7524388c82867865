-- The document currently loaded for each source: its content hash and the extractor that read it.
SELECT source, content_hash, extractor_version
FROM documents
WHERE valid_to IS NULL;
