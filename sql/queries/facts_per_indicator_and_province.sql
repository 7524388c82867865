-- How many current facts each indicator has in each province (unmatched facts as '(none)').
SELECT
    coalesce(indicator, '(none)') AS indicator,
    coalesce(province_name_2025, province_name, '(unknown)') AS province,
    count(*) AS facts,
    count(DISTINCT source) AS reports
FROM facts
GROUP BY ALL
ORDER BY facts DESC, indicator, province;
