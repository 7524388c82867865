-- Facts the latest load opened or closed, with the value before and after for changed ones.
WITH latest AS (SELECT max(load_id) AS load_id FROM loads)
SELECT
    coalesce(new.source, old.source) AS source,
    coalesce(new.indicator, old.indicator, new.subject, old.subject) AS what,
    coalesce(new.measure, old.measure) AS measure,
    coalesce(new.period, old.period) AS period,
    CASE WHEN old.fact_key IS NULL THEN 'new'
         WHEN new.fact_key IS NULL THEN 'closed'
         ELSE 'changed' END AS change,
    old.value AS value_before,
    new.value AS value_after
FROM (SELECT o.* FROM observations AS o, latest WHERE o.load_id = latest.load_id) AS new
FULL JOIN (SELECT o.* FROM observations AS o, latest WHERE o.closed_load_id = latest.load_id) AS old
    ON new.fact_key = old.fact_key
UNION ALL
-- A first load opens everything: say so in one row rather than listing it all.
SELECT NULL, NULL, NULL, NULL, 'no change', NULL, NULL
WHERE NOT EXISTS (
    SELECT 1 FROM observations AS o, latest
    WHERE o.load_id = latest.load_id OR o.closed_load_id = latest.load_id
)
ORDER BY source, what, measure, period;
