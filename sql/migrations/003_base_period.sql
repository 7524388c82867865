-- 003: the base a change compares with (CONTRACT.md base_period, also part of the fact key),
-- the measure change_pp, and the precision of a document's publication date.
-- Rows written before have no base (the extractor read none) and a day-precise date.
ALTER TABLE observations ADD COLUMN base_period VARCHAR;   -- the period a change compares with
ALTER TABLE documents ADD COLUMN published_precision VARCHAR;  -- 'day' or 'month'
UPDATE documents SET published_precision = 'day' WHERE published IS NOT NULL;
