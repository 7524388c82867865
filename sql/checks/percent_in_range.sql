-- Values outside the bounds of the value_bounds view (the rules validation enforces too):
-- a share or percentage outside 0-100, a fall of more than 100 %, a negative plan attainment.
SELECT o.fact_key, o.source, o.indicator, o.measure, o.unit, o.value_low, o.value_high,
       b.rule, o.text
FROM observations_current AS o
JOIN value_bounds AS b ON b.measure = o.measure AND (b.unit IS NULL OR b.unit = o.unit)
WHERE o.value_low < b.low OR o.value_high > b.high;
