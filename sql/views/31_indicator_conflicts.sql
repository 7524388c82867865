-- Reports that disagree: two current facts of different sources with the same
-- (indicator, measure, unit, area_code, period, base_period) and different values (or bounds).
-- same_area tells whether both name the same place; figures for a district or border gate
-- keep the province's area_code, so a conflict with same_area = false may be no conflict.
CREATE OR REPLACE VIEW indicator_conflicts AS
SELECT
    a.indicator, a.measure, a.unit, a.area_code, a.period, a.base_period, a.province_name,
    a.source AS source_a, a.doc_id AS doc_id_a, a.area AS area_a,
    a.value AS value_a, a.value_low AS value_low_a, a.value_high AS value_high_a,
    a.approx AS approx_a, a.text AS text_a,
    b.source AS source_b, b.doc_id AS doc_id_b, b.area AS area_b,
    b.value AS value_b, b.value_low AS value_low_b, b.value_high AS value_high_b,
    b.approx AS approx_b, b.text AS text_b,
    lower(a.area) = lower(b.area) AS same_area,
    abs((a.value_low + a.value_high) - (b.value_low + b.value_high))
        / nullif(greatest(abs(a.value_low + a.value_high), abs(b.value_low + b.value_high)), 0)
        AS relative_difference
FROM facts AS a
JOIN facts AS b
    ON a.indicator = b.indicator AND a.measure = b.measure AND a.unit = b.unit
   AND a.area_code = b.area_code AND a.period = b.period
   AND a.base_period IS NOT DISTINCT FROM b.base_period
   AND a.source < b.source
WHERE a.value_low <> b.value_low OR a.value_high <> b.value_high;
