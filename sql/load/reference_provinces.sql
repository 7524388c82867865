-- Mirror seeds/reference/provinces.csv into provinces; rows already equal are left alone.
CREATE OR REPLACE TEMP TABLE ref_provinces AS
SELECT code, CAST(vintage AS DATE) AS vintage, name, full_name, name_en, kind
FROM read_csv($path, header = true, all_varchar = true);

DELETE FROM provinces AS t
WHERE NOT EXISTS (SELECT 1 FROM ref_provinces AS r WHERE r IS NOT DISTINCT FROM t);

INSERT INTO provinces
SELECT * FROM ref_provinces EXCEPT SELECT * FROM provinces;
