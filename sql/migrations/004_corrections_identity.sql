-- 004: corrections and retractions by analysts, a stable source identity, the catalogue a
-- document was read with, and the kind of each load.
-- Nothing already written is rewritten beyond what is known for sure: an old document's
-- source_path is its source as it was loaded (the folder it was relative to is not known),
-- its catalogue_hash is null (unknown), so the next run reads every report once more and
-- versions only the facts that now read differently.

-- Corrections ('correct': one fact's value, period, area_code or indicator) and retractions
-- ('retract': every current fact of a source), with who, when and why.
CREATE TABLE corrections (
    correction_id      BIGINT PRIMARY KEY,
    kind               VARCHAR NOT NULL,    -- 'correct' or 'retract'
    fact_key           VARCHAR,             -- the corrected fact; null for a retraction
    source             VARCHAR NOT NULL,    -- the report
    value              DOUBLE,              -- corrected value; null = unchanged
    period             VARCHAR,             -- corrected period; null = unchanged
    area_code          VARCHAR,             -- corrected province code; null = unchanged
    indicator          VARCHAR,             -- corrected indicator; null = unchanged
    extracted_row_hash VARCHAR,             -- row_hash of the extracted version corrected
    content_hash       VARCHAR,             -- content hash of the document as corrected/retracted
    reason             VARCHAR NOT NULL,
    author             VARCHAR NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    load_id            BIGINT NOT NULL,     -- the load (kind 'correction') that applied it
    status             VARCHAR NOT NULL,    -- 'active' or 'needs_review'
    flagged_load_id    BIGINT               -- the load that flagged it for review
);

-- Null for extracted versions; the correction a corrected version comes from.
ALTER TABLE observations ADD COLUMN correction_id BIGINT;

-- The file a document was read from (relative to the reports root, or absolute), and a hash
-- of the reference files the extractor read it with.
ALTER TABLE documents ADD COLUMN source_path VARCHAR;
ALTER TABLE documents ADD COLUMN catalogue_hash VARCHAR;
UPDATE documents SET source_path = source;

-- 'run' (the flow), 'correction' or 'retraction' (`chitieu correct` / `chitieu retract`).
ALTER TABLE loads ADD COLUMN kind VARCHAR;
UPDATE loads SET kind = 'run';
