-- What is wrong with the corrected values, one line each (none when they can be used).
SELECT 'unknown indicator ' || CAST($indicator AS VARCHAR) || ' (see `chitieu catalogue indicators`)'
WHERE CAST($indicator AS VARCHAR) IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM indicators WHERE code = CAST($indicator AS VARCHAR))
UNION ALL
SELECT 'unknown province code ' || CAST($area_code AS VARCHAR) || ' (see `chitieu catalogue provinces`)'
WHERE CAST($area_code AS VARCHAR) IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM provinces WHERE code = CAST($area_code AS VARCHAR))
UNION ALL
SELECT 'period ' || CAST($period AS VARCHAR)
       || ' cannot be read (use 2022, 2023-Q3, 2023-11, 2023-H1 or 2023-01-01/2023-11-30)'
WHERE CAST($period AS VARCHAR) IS NOT NULL AND period_start(CAST($period AS VARCHAR)) IS NULL;
