-- What the warehouse said right after its first load, next to what it says now.
SELECT
    coalesce(now.indicator, then_.indicator) AS indicator,
    coalesce(now.source, then_.source) AS source,
    coalesce(now.period, then_.period) AS period,
    then_.value AS value_at_load_1,
    now.value AS value_now
FROM observations_as_of(1) AS then_
FULL JOIN observations_current AS now ON now.fact_key = then_.fact_key
ORDER BY source, indicator, period;
