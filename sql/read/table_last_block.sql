-- The highest block holding data of table $table (-1 when it holds none on disk).
SELECT coalesce(max(greatest(block_id, coalesce(list_max(additional_block_ids), -1))), -1)
FROM pragma_storage_info($table)
WHERE persistent;
