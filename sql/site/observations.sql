-- Every fact version of one share of the reports (sources hashed into $parts shares), with
-- the names of its indicator and unit, by source, fact and time. All columns of
-- `observations` are selected, so columns added by later migrations (correction_id) reach
-- the pages when they exist.
SELECT
    o.*,
    i.name_vi AS indicator_name_vi,
    u.name_vi AS unit_name_vi
FROM observations AS o
LEFT JOIN indicators AS i ON i.code = o.indicator
LEFT JOIN units AS u ON u.code = o.unit
WHERE hash(o.source) % $parts = $part
ORDER BY o.source, o.fact_key, o.valid_from;
