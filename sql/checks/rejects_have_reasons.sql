-- Every reject says which load saw it, at which stage, which check failed and why.
SELECT load_id, source, stage, check_name, reason
FROM rejects
WHERE trim(stage) = '' OR trim(check_name) = '' OR trim(reason) = ''
   OR NOT EXISTS (SELECT 1 FROM loads AS l WHERE l.load_id = rejects.load_id);
