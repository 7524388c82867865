-- Vocational enrolment, trained labour share and jobs created, one row per province and period.
SELECT
    coalesce(province_name_2025, province_name) AS province,
    period,
    max(value) FILTER (WHERE indicator = 'labour.vocational_enrolment') AS vocational_enrolment,
    max(value) FILTER (WHERE indicator = 'labour.trained_share') AS trained_share_pct,
    max(value) FILTER (WHERE indicator = 'labour.jobs_created') AS jobs_created
FROM facts
WHERE measure = 'level'
  AND indicator IN ('labour.vocational_enrolment', 'labour.trained_share', 'labour.jobs_created')
GROUP BY ALL
ORDER BY province, period;
