-- The file's block count (used and free), how many are free, and their size.
SELECT total_blocks, free_blocks, block_size
FROM pragma_database_size()
WHERE database_name = current_database();
