-- Who corrected what, when and why, for the facts of the report pages.
SELECT correction_id, kind, reason, author, created_at, status
FROM corrections
ORDER BY correction_id;
