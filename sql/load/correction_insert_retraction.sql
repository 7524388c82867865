-- The retraction of a source, with the content hash of its current document: later runs
-- over the same bytes leave its facts closed, a changed file flags the retraction.
INSERT INTO corrections BY NAME
SELECT
    $correction_id AS correction_id,
    'retract' AS kind,
    $source AS source,
    (SELECT max(content_hash) FROM documents WHERE source = $source AND valid_to IS NULL)
        AS content_hash,
    $reason AS reason,
    $author AS author,
    $created_at AS created_at,
    $load_id AS load_id,
    'active' AS status;
