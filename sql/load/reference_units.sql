-- Mirror seeds/reference/units.csv into units.
CREATE OR REPLACE TEMP TABLE ref_units AS
SELECT code, name_vi, name_en, kind
FROM read_csv($path, header = true, all_varchar = true);

DELETE FROM units AS t
WHERE NOT EXISTS (SELECT 1 FROM ref_units AS r WHERE r IS NOT DISTINCT FROM t);

INSERT INTO units
SELECT * FROM ref_units EXCEPT SELECT * FROM units;
