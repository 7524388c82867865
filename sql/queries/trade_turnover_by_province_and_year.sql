-- Trade turnover (import + export, export, import) by province and year, in million USD,
-- as the reports give it; provinces named by the unit in force at the time and after 2025.
SELECT
    province_name,
    province_name_2025,
    period_year(period) AS year,
    indicator,
    round(max(value) / 1e6, 1) AS million_usd,
    count(DISTINCT source) AS reports
FROM facts
WHERE indicator IN ('trade.import_export', 'trade.export', 'trade.import')
  AND measure = 'level' AND unit = 'USD'
  AND period_year(period) IS NOT NULL
GROUP BY ALL
ORDER BY province_name, year, indicator;
