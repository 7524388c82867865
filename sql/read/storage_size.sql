-- The blocks in use and their size: the file must be at least that long. (total_blocks also
-- counts free blocks that a checkpoint cut from the end of the file, so it may exceed it.)
SELECT used_blocks, block_size FROM pragma_database_size() WHERE database_name = current_database();
