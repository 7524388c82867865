-- Why inputs and rows were rejected, per load, stage and check, with an example source.
SELECT load_id, stage, check_name, count(*) AS rejects, min(source) AS example_source,
       any_value(reason) AS example_reason
FROM rejects
GROUP BY ALL
UNION ALL
SELECT NULL, 'none', NULL, 0, NULL, 'no rejects'
WHERE NOT EXISTS (SELECT 1 FROM rejects)
ORDER BY load_id DESC NULLS LAST, rejects DESC;
