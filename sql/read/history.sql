-- Every version of the facts of a source and/or indicator (all when both are null), oldest first.
SELECT
    o.source, o.fact_key, o.indicator, o.subject, o.measure, o.unit, o.period, o.area_code,
    o.area, o.ordinal, o.value, o.value_low, o.value_high, o.approx, o.qualifier,
    o.valid_from, o.valid_to, o.load_id, o.closed_load_id, o.doc_id, o.text
FROM observations AS o
WHERE ($source IS NULL OR o.source = $source)
  AND ($indicator IS NULL OR o.indicator = $indicator)
ORDER BY o.source, o.fact_key, o.valid_from;
