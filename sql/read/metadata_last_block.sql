-- The highest block holding the file's metadata (-1 when there is none).
SELECT coalesce(max(block_id), -1) FROM pragma_metadata_info();
