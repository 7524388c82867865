-- Every load, newest first.
SELECT
    load_id, loaded_at, files, documents, inserted, closed, unchanged, rejected,
    full_snapshot, extractor_version
FROM loads
ORDER BY load_id DESC;
