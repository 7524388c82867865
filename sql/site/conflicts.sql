-- The conflicts shown per indicator: pairs naming the same place first, then the largest
-- relative differences, at most $per_indicator pairs for each indicator.
SELECT
    c.indicator, c.measure, c.unit, u.name_vi AS unit_name_vi, c.area_code, c.province_name,
    c.period, c.same_area, c.relative_difference,
    c.source_a, c.area_a, c.value_a, c.value_low_a, c.value_high_a, c.approx_a, c.text_a,
    c.source_b, c.area_b, c.value_b, c.value_low_b, c.value_high_b, c.approx_b, c.text_b
FROM indicator_conflicts AS c
LEFT JOIN units AS u ON u.code = c.unit
QUALIFY row_number() OVER (
    PARTITION BY c.indicator
    ORDER BY c.same_area DESC NULLS LAST, c.relative_difference DESC NULLS LAST,
             c.area_code, c.period, c.source_a, c.source_b
) <= $per_indicator
ORDER BY c.indicator, c.same_area DESC NULLS LAST, c.relative_difference DESC NULLS LAST,
         c.area_code, c.period, c.source_a, c.source_b;
