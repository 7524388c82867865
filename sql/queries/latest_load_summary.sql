-- What the latest load did: files read, fact versions inserted / closed / unchanged, rejects.
SELECT
    load_id, loaded_at, finished_at - started_at AS duration, full_snapshot, files, documents,
    inserted, closed, unchanged, rejected, code_version, extractor_version, flow_run_id
FROM loads
ORDER BY load_id DESC
LIMIT 1;
