-- Overview counts: loads, current documents and facts, every fact version, indicators with facts.
SELECT
    (SELECT count(*) FROM loads) AS n_loads,
    (SELECT max(loaded_at) FROM loads) AS last_loaded_at,
    (SELECT count(*) FROM documents_current) AS n_documents,
    (SELECT count(*) FROM observations_current) AS n_facts,
    (SELECT count(*) FROM observations) AS n_versions,
    (SELECT count(DISTINCT indicator) FROM observations_current) AS n_indicators,
    (SELECT count(*) FROM rejects) AS n_rejects;
