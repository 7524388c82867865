-- The correction of one fact, against the extracted version it corrects (when the current
-- version is itself a correction, the extracted version that one corrected).
INSERT INTO corrections BY NAME
SELECT
    $correction_id AS correction_id,
    'correct' AS kind,
    o.fact_key,
    o.source,
    CAST($value AS DOUBLE) AS value,
    CAST($period AS VARCHAR) AS period,
    CAST($area_code AS VARCHAR) AS area_code,
    CAST($indicator AS VARCHAR) AS indicator,
    coalesce(c.extracted_row_hash, o.row_hash) AS extracted_row_hash,
    d.content_hash,
    $reason AS reason,
    $author AS author,
    $created_at AS created_at,
    $load_id AS load_id,
    'active' AS status
FROM observations AS o
LEFT JOIN corrections AS c ON c.correction_id = o.correction_id
LEFT JOIN documents AS d ON d.source = o.source AND d.valid_to IS NULL
WHERE o.fact_key = $fact_key AND o.valid_to IS NULL;
