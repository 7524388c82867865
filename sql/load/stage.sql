-- Stage the frames handed to the load (registered Arrow tables input_*) with their keys and hashes.
-- read_sources: every source the run read; loaded_sources: those with a document in this load.
CREATE OR REPLACE TEMP TABLE read_sources AS
SELECT DISTINCT source FROM input_sources WHERE source IS NOT NULL
UNION
SELECT DISTINCT source FROM input_documents WHERE source IS NOT NULL;

CREATE OR REPLACE TEMP TABLE loaded_sources AS
SELECT DISTINCT source FROM input_documents;

CREATE OR REPLACE TEMP TABLE staged_documents AS
SELECT
    md5(concat_ws(chr(31),
        doc_id, content_hash, extractor_version,
        coalesce(title, chr(30)), coalesce(CAST(published AS VARCHAR), chr(30)),
        coalesce(url, chr(30)), coalesce(province, chr(30)), coalesce(format, chr(30)),
        coalesce(encoding, chr(30)), coalesce(CAST(size_bytes AS VARCHAR), chr(30)),
        coalesce(CAST(n_chars AS VARCHAR), chr(30)), coalesce(CAST(n_sentences AS VARCHAR), chr(30))))
        AS row_hash,
    *
FROM input_documents;

-- fact_key: what (indicator, or the subject words when no indicator fits), how (measure, unit),
-- when (period), where (area_code, area) within one source, and the ordinal among facts of the
-- source with all of these equal, in text order. Evidence (doc_id, text, offsets) is not part of it,
-- so edits elsewhere in the document leave the key alone.
-- row_hash: what the fact states beyond its key (value, bounds, approx, qualifier, subject words).
CREATE OR REPLACE TEMP TABLE staged_observations AS
WITH numbered AS (
    SELECT
        *,
        coalesce(indicator, '~' || subject) AS what,
        CAST(row_number() OVER (
            PARTITION BY source, coalesce(indicator, '~' || subject), measure, unit, period,
                         area_code, area
            ORDER BY "start", "end", value_low, value_high
        ) - 1 AS INTEGER) AS ordinal
    FROM input_observations
)
SELECT
    md5(concat_ws(chr(31),
        source, what, measure, unit, coalesce(period, chr(30)), coalesce(area_code, chr(30)),
        area, CAST(ordinal AS VARCHAR))) AS fact_key,
    md5(concat_ws(chr(31),
        coalesce(CAST(value AS VARCHAR), chr(30)), CAST(value_low AS VARCHAR),
        CAST(value_high AS VARCHAR), CAST(approx AS VARCHAR), coalesce(qualifier, chr(30)),
        subject)) AS row_hash,
    * EXCLUDE (what)
FROM numbered;
