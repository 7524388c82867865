-- The columns (name, type) a read-only SELECT returns, without running it.
SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM query($sql));
