-- Current facts per indicator and province, by name, and how many of them load $load_id
-- opened: the run's facts-by-indicator artifact, which so shows the warehouse even after
-- a run that changed nothing. A GSO code reused on 1 July 2025 shows both names.
WITH counts AS (
    SELECT
        indicator,
        area_code,
        count(*) AS facts,
        count(*) FILTER (WHERE load_id = $load_id) AS new_in_this_load,
        count(DISTINCT source) AS reports
    FROM observations_current
    GROUP BY ALL
),
province_names AS (
    SELECT code, string_agg(DISTINCT name, ' / ' ORDER BY name) AS name
    FROM provinces
    GROUP BY code
)
SELECT
    coalesce(i.name_vi, c.indicator, '(no indicator)') AS indicator,
    coalesce(c.indicator, '') AS indicator_code,
    coalesce(p.name, c.area_code, '(no province)') AS province,
    c.facts,
    c.new_in_this_load,
    c.reports
FROM counts AS c
LEFT JOIN indicators AS i ON i.code = c.indicator
LEFT JOIN province_names AS p ON p.code = c.area_code
ORDER BY c.facts DESC, indicator, province;
