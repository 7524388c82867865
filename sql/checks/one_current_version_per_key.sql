-- At most one current version per fact key, and one current document per source.
SELECT 'observations' AS tbl, fact_key AS key, count(*) AS current_versions
FROM observations WHERE valid_to IS NULL GROUP BY fact_key HAVING count(*) > 1
UNION ALL
SELECT 'documents', source, count(*)
FROM documents WHERE valid_to IS NULL GROUP BY source HAVING count(*) > 1;
