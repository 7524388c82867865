-- Reference keys are unique, every old unit maps to a new one that exists, and indicator units are known.
SELECT 'province key repeated' AS problem, code || ' @ ' || CAST(vintage AS VARCHAR) AS item
FROM provinces GROUP BY code, vintage HAVING count(*) > 1
UNION ALL
SELECT 'old unit without mapping', p.code
FROM provinces AS p
WHERE p.vintage = (SELECT min(vintage) FROM provinces)
  AND NOT EXISTS (SELECT 1 FROM province_mapping AS m WHERE m.old_code = p.code AND m.old_vintage = p.vintage)
UNION ALL
SELECT 'mapping to an unknown unit', m.new_code
FROM province_mapping AS m
WHERE NOT EXISTS (SELECT 1 FROM provinces AS p WHERE p.code = m.new_code AND p.vintage = m.new_vintage)
UNION ALL
SELECT 'indicator with an unknown unit', i.code
FROM indicators AS i WHERE NOT EXISTS (SELECT 1 FROM units AS u WHERE u.code = i.unit)
UNION ALL
SELECT 'indicator code repeated', code FROM indicators GROUP BY code HAVING count(*) > 1;
