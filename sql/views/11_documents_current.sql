-- The document currently loaded for each source.
CREATE OR REPLACE VIEW documents_current AS
SELECT
    doc_id, source, title, published, published_precision, url, province, format, encoding,
    content_hash, size_bytes, n_chars, n_sentences, extractor_version, valid_from, load_id,
    source_path, catalogue_hash
FROM documents
WHERE valid_to IS NULL;
