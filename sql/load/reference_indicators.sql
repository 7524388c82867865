-- Mirror seeds/reference/indicators.csv into indicators; phrases are '|'-separated.
CREATE OR REPLACE TEMP TABLE ref_indicators AS
SELECT code, name_vi, name_en, unit,
       CASE WHEN coalesce(phrases, '') = '' THEN CAST([] AS VARCHAR[])
            ELSE string_split(phrases, '|') END AS phrases
FROM read_csv($path, header = true, all_varchar = true);

DELETE FROM indicators AS t
WHERE NOT EXISTS (SELECT 1 FROM ref_indicators AS r WHERE r IS NOT DISTINCT FROM t);

INSERT INTO indicators
SELECT * FROM ref_indicators EXCEPT SELECT * FROM indicators;
