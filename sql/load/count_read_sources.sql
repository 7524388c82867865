-- How many sources the run read.
SELECT count(*) FROM read_sources;
