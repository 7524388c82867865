-- The current documents with how many current facts each gives, for the list of reports.
SELECT
    d.source, d.title, d.published, d.province,
    (SELECT count(*) FROM observations_current AS o WHERE o.source = d.source) AS n_facts
FROM documents_current AS d
ORDER BY d.source;
