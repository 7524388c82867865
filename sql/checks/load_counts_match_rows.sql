-- Each load's inserted / closed / rejected counts are the rows it opened, closed and rejected.
SELECT l.load_id, l.inserted, l.closed, l.rejected,
       (SELECT count(*) FROM observations AS o WHERE o.load_id = l.load_id) AS opened_rows,
       (SELECT count(*) FROM observations AS o WHERE o.closed_load_id = l.load_id) AS closed_rows,
       (SELECT count(*) FROM rejects AS r WHERE r.load_id = l.load_id) AS reject_rows
FROM loads AS l
WHERE l.inserted <> (SELECT count(*) FROM observations AS o WHERE o.load_id = l.load_id)
   OR l.closed <> (SELECT count(*) FROM observations AS o WHERE o.closed_load_id = l.load_id)
   OR l.rejected <> (SELECT count(*) FROM rejects AS r WHERE r.load_id = l.load_id);
