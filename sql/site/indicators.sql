-- The catalogue's indicators with how many current facts, provinces and documents give them.
SELECT
    i.code AS indicator, i.name_vi, i.name_en, i.unit,
    count(f.fact_key) AS n_facts,
    count(DISTINCT f.area_code) AS n_provinces,
    count(DISTINCT f.source) AS n_documents
FROM indicators AS i
LEFT JOIN facts AS f ON f.indicator = i.code
GROUP BY i.code, i.name_vi, i.name_en, i.unit
ORDER BY i.code;
