-- 002: full SCD2 versioning: which load closed a version, versioned documents,
-- per-load closed counts and snapshot flag, and the old -> new province mapping.
-- Rows written under 001 are backfilled so that every invariant of sql/checks/ holds.

ALTER TABLE loads ADD COLUMN loaded_at TIMESTAMPTZ;       -- the version time of the load
ALTER TABLE loads ADD COLUMN full_snapshot BOOLEAN;
ALTER TABLE loads ADD COLUMN documents INTEGER;           -- document rows handed to the load
ALTER TABLE loads ADD COLUMN closed BIGINT;               -- fact versions closed
UPDATE loads SET
    loaded_at = started_at,
    full_snapshot = false,
    documents = (SELECT count(*) FROM documents d WHERE d.load_id = loads.load_id),
    closed = 0;

ALTER TABLE observations ADD COLUMN closed_load_id BIGINT;  -- the load that closed the version
UPDATE observations SET closed_load_id = (
    SELECT max(l.load_id) FROM loads l WHERE l.loaded_at = observations.valid_to
) WHERE valid_to IS NOT NULL;

ALTER TABLE documents ADD COLUMN row_hash VARCHAR;
ALTER TABLE documents ADD COLUMN valid_from TIMESTAMPTZ;
ALTER TABLE documents ADD COLUMN valid_to TIMESTAMPTZ;
ALTER TABLE documents ADD COLUMN closed_load_id BIGINT;
UPDATE documents SET
    row_hash = md5(concat_ws(chr(31),
        doc_id, content_hash, extractor_version,
        coalesce(title, chr(30)), coalesce(CAST(published AS VARCHAR), chr(30)),
        coalesce(url, chr(30)), coalesce(province, chr(30)), coalesce(format, chr(30)),
        coalesce(encoding, chr(30)), coalesce(CAST(size_bytes AS VARCHAR), chr(30)),
        coalesce(CAST(n_chars AS VARCHAR), chr(30)), coalesce(CAST(n_sentences AS VARCHAR), chr(30)))),
    valid_from = (SELECT l.loaded_at FROM loads l WHERE l.load_id = documents.load_id);
-- Under 001 every version of a source stayed open: close all but the newest.
UPDATE documents SET valid_to = nxt.next_from, closed_load_id = nxt.next_load
FROM (
    SELECT source, load_id, doc_id,
        lead(valid_from) OVER w AS next_from,
        lead(load_id) OVER w AS next_load
    FROM documents
    WINDOW w AS (PARTITION BY source ORDER BY load_id, doc_id)
) AS nxt
WHERE documents.source = nxt.source AND documents.load_id = nxt.load_id
  AND documents.doc_id = nxt.doc_id AND nxt.next_from IS NOT NULL;

CREATE TABLE province_mapping (
    old_code    VARCHAR NOT NULL,
    old_vintage DATE NOT NULL,
    new_code    VARCHAR NOT NULL,
    new_vintage DATE NOT NULL,
    change      VARCHAR NOT NULL,   -- unchanged, merged, ...
    PRIMARY KEY (old_code, old_vintage)
);
