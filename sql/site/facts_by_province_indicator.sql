-- Current facts per province and indicator (facts without either are counted under null).
SELECT
    area_code,
    any_value(province_name) AS province_name,
    indicator,
    any_value(indicator_name_vi) AS indicator_name_vi,
    count(*) AS n_facts,
    count(DISTINCT source) AS n_documents
FROM facts
GROUP BY area_code, indicator
ORDER BY province_name NULLS LAST, area_code, indicator NULLS LAST;
