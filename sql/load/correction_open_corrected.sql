-- Open the corrected version of the fact: the current version with the corrected fields
-- (same key and evidence), unless it would state exactly what the current one does.
-- Its row_hash covers what it states, corrected indicator, period and area_code included.
INSERT INTO observations BY NAME
WITH cur AS (
    SELECT * FROM observations WHERE fact_key = $fact_key AND valid_to IS NULL
),
fix AS (
    SELECT * FROM corrections WHERE correction_id = $correction_id
),
corrected AS (
    SELECT cur.* REPLACE (
        coalesce(fix.value, cur.value) AS value,
        coalesce(fix.value, cur.value_low) AS value_low,
        coalesce(fix.value, cur.value_high) AS value_high,
        coalesce(fix.period, cur.period) AS period,
        coalesce(fix.area_code, cur.area_code) AS area_code,
        coalesce(fix.indicator, cur.indicator) AS indicator
    ),
    cur.value AS old_value, cur.value_low AS old_low, cur.value_high AS old_high,
    cur.period AS old_period, cur.area_code AS old_area_code, cur.indicator AS old_indicator
    FROM cur, fix
)
SELECT
    * EXCLUDE (row_hash, valid_from, valid_to, load_id, closed_load_id, correction_id,
               old_value, old_low, old_high, old_period, old_area_code, old_indicator),
    md5(concat_ws(chr(31),
        coalesce(CAST(value AS VARCHAR), chr(30)), CAST(value_low AS VARCHAR),
        CAST(value_high AS VARCHAR), CAST(approx AS VARCHAR), coalesce(qualifier, chr(30)),
        subject, coalesce(indicator, chr(30)), coalesce(period, chr(30)),
        coalesce(area_code, chr(30)))) AS row_hash,
    $loaded_at AS valid_from,
    $load_id AS load_id,
    $correction_id AS correction_id
FROM corrected
WHERE (value, value_low, value_high, period, area_code, indicator)
      IS DISTINCT FROM (old_value, old_low, old_high, old_period, old_area_code, old_indicator);
