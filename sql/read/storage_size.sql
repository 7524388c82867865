-- The blocks the file says it holds, and their size: the file must be at least that long.
SELECT total_blocks, block_size FROM pragma_database_size() WHERE database_name = current_database();
