-- Measures, units, indicators and province codes of current facts exist in the reference data.
SELECT fact_key, source, 'measure' AS field, measure AS code
FROM observations_current
WHERE measure NOT IN ('level', 'change_pct', 'change_abs', 'change_pp', 'plan_pct', 'share_pct')
UNION ALL
SELECT fact_key, source, 'unit', unit
FROM observations_current AS o WHERE NOT EXISTS (SELECT 1 FROM units AS u WHERE u.code = o.unit)
UNION ALL
SELECT fact_key, source, 'indicator', indicator
FROM observations_current AS o
WHERE indicator IS NOT NULL AND NOT EXISTS (SELECT 1 FROM indicators AS i WHERE i.code = o.indicator)
UNION ALL
SELECT fact_key, source, 'area_code', area_code
FROM observations_current AS o
WHERE area_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM provinces AS p WHERE p.code = o.area_code);
