-- One row per (indicator, measure, unit, area_code, period, base_period) across all reports
-- (base_period: the period a change compares with, null for other measures): the value most
-- reports give, the spread, and how many documents report it. Facts without an indicator,
-- area or period cannot be joined across reports and are left out. The unit is part of the
-- key because a figure in USD and one in VND are not the same value.
CREATE OR REPLACE VIEW indicator_values AS
SELECT
    indicator, measure, unit, area_code, period, base_period,
    any_value(area_vintage) AS area_vintage,
    any_value(province_name) AS province_name,
    any_value(province_code_2025) AS province_code_2025,
    mode(value) AS value,
    min(value_low) AS value_min,
    max(value_high) AS value_max,
    count(DISTINCT [value_low, value_high]) AS n_values,
    count(DISTINCT source) AS n_documents,
    count(*) AS n_facts,
    list(DISTINCT source ORDER BY source) AS sources
FROM facts
WHERE indicator IS NOT NULL AND area_code IS NOT NULL AND period IS NOT NULL
GROUP BY indicator, measure, unit, area_code, period, base_period;
