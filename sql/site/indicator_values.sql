-- One value per (indicator, measure, unit, province, period) across reports, in reading order;
-- is_year marks whole-year periods, the series the charts draw.
SELECT
    v.indicator, v.measure, v.unit, u.name_vi AS unit_name_vi, v.area_code, v.province_name,
    v.period, period_start(v.period) AS period_start,
    regexp_full_match(v.period, '\d{4}') AS is_year,
    v.value, v.value_min, v.value_max, v.n_values, v.n_documents, v.n_facts, v.sources
FROM indicator_values AS v
LEFT JOIN units AS u ON u.code = v.unit
ORDER BY v.indicator, v.province_name, v.area_code, period_start(v.period), v.period,
         v.measure, v.unit;
