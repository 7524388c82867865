-- valid_from / valid_to are the version times of the loads that opened / closed the row,
-- and closed_load_id is set exactly when valid_to is.
SELECT o.fact_key, o.load_id, o.valid_from, o.closed_load_id, o.valid_to
FROM observations AS o
LEFT JOIN loads AS opened ON opened.load_id = o.load_id
LEFT JOIN loads AS closed ON closed.load_id = o.closed_load_id
WHERE opened.loaded_at IS DISTINCT FROM o.valid_from
   OR (o.closed_load_id IS NULL) <> (o.valid_to IS NULL)
   OR (o.closed_load_id IS NOT NULL AND closed.loaded_at IS DISTINCT FROM o.valid_to);
