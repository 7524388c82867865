-- How many current facts a source has, and its retraction if it has one.
SELECT
    (SELECT count(*) FROM observations WHERE source = $source AND valid_to IS NULL),
    (SELECT max(correction_id) FROM corrections WHERE kind = 'retract' AND source = $source);
