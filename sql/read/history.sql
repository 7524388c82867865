-- Every version of the facts of a source, indicator and/or fact (all when all are null),
-- oldest first, with the correction a version comes from and the retraction that closed it.
SELECT
    o.source, o.fact_key, o.indicator, o.subject, o.measure, o.unit, o.period, o.base_period,
    o.area_code,
    o.area, o.ordinal, o.value, o.value_low, o.value_high, o.approx, o.qualifier,
    o.valid_from, o.valid_to, o.load_id, o.closed_load_id, o.doc_id, o.text,
    o.correction_id, c.author AS corrected_by, c.created_at AS corrected_at,
    c.reason AS correction_reason, c.status AS correction_status,
    r.correction_id AS retraction_id, r.author AS retracted_by, r.reason AS retraction_reason
FROM observations AS o
LEFT JOIN corrections AS c ON c.correction_id = o.correction_id
LEFT JOIN corrections AS r
    ON r.kind = 'retract' AND r.source = o.source AND r.load_id = o.closed_load_id
WHERE ($source IS NULL OR o.source = $source)
  AND ($indicator IS NULL OR o.indicator = $indicator)
  AND ($fact_key IS NULL OR o.fact_key = $fact_key)
ORDER BY o.source, o.fact_key, o.valid_from;
