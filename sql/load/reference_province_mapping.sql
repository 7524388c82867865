-- Mirror seeds/reference/province_mapping.csv into province_mapping.
CREATE OR REPLACE TEMP TABLE ref_province_mapping AS
SELECT old_code, CAST(old_vintage AS DATE) AS old_vintage,
       new_code, CAST(new_vintage AS DATE) AS new_vintage, change
FROM read_csv($path, header = true, all_varchar = true);

DELETE FROM province_mapping AS t
WHERE NOT EXISTS (SELECT 1 FROM ref_province_mapping AS r WHERE r IS NOT DISTINCT FROM t);

INSERT INTO province_mapping
SELECT * FROM ref_province_mapping EXCEPT SELECT * FROM province_mapping;
