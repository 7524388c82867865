-- The id of the next correction.
SELECT coalesce(max(correction_id), 0) + 1 FROM corrections;
