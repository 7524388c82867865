-- Inputs the load refuses: facts without a document in the same load, two documents for one source.
-- `sources` names the first few sources of each problem, so the refusal says which.
SELECT 'observations without a document of the same source in this load' AS problem, count(*) AS n,
       array_to_string(list_slice(list_sort(list_distinct(list(source))), 1, 3), ', ') AS sources
FROM input_observations AS o
WHERE NOT EXISTS (
    SELECT 1 FROM input_documents AS d WHERE d.doc_id = o.doc_id AND d.source = o.source
)
HAVING count(*) > 0
UNION ALL
SELECT 'sources with more than one document in this load', count(*),
       array_to_string(list_slice(list_sort(list(source)), 1, 3), ', ')
FROM (SELECT source FROM input_documents GROUP BY source HAVING count(*) > 1)
HAVING count(*) > 0;
