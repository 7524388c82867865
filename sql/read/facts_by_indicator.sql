-- Current facts per indicator and province, by name, and how many of them load $load_id
-- opened: the run's facts-by-indicator artifact, which so shows the warehouse even after
-- a run that changed nothing.
SELECT
    coalesce(indicator_name_vi, indicator, '(no indicator)') AS indicator,
    coalesce(indicator, '') AS indicator_code,
    coalesce(province_name, area_code, '(no province)') AS province,
    count(*) AS facts,
    count(*) FILTER (WHERE load_id = $load_id) AS new_in_this_load,
    count(DISTINCT source) AS reports
FROM facts
GROUP BY ALL
ORDER BY facts DESC, indicator, province;
