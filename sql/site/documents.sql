-- Every document version of one share of the reports (sources hashed into $parts shares),
-- by source, oldest first; is_current marks the version in force.
SELECT
    d.source, d.doc_id, d.title, d.published, d.url, d.province, d.format, d.encoding,
    d.size_bytes, d.n_chars, d.n_sentences, d.extractor_version, d.load_id,
    d.valid_from, d.valid_to, d.valid_to IS NULL AS is_current
FROM documents AS d
WHERE hash(d.source) % $parts = $part
ORDER BY d.source, d.valid_from;
