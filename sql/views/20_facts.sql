-- Current facts with the names of their indicator, unit and province.
-- area_code is a GSO code as it stood at the fact's period, so the province is looked up
-- in the list in force at the end of the period (else at the document's publication date,
-- else the oldest list); province_code_2025 / province_name_2025 give the unit after the
-- 1 July 2025 reorganisation, so reports from before and after it join on one code.
CREATE OR REPLACE VIEW facts AS
WITH dated AS (
    SELECT
        o.*,
        period_start(o.period) AS period_start,
        period_end(o.period) AS period_end,
        coalesce(
            period_end(o.period),
            (SELECT max(d.published) FROM documents AS d
             WHERE d.source = o.source AND d.doc_id = o.doc_id)
        ) AS reference_date
    FROM observations_current AS o
),
vintaged AS (
    SELECT
        dated.*,
        coalesce(
            (SELECT max(v.vintage) FROM provinces AS v
             WHERE v.code = dated.area_code AND v.vintage <= dated.reference_date),
            (SELECT min(v.vintage) FROM provinces AS v WHERE v.code = dated.area_code)
        ) AS area_vintage
    FROM dated
)
SELECT
    f.fact_key, f.source, f.doc_id,
    f.indicator, i.name_vi AS indicator_name_vi, i.name_en AS indicator_name_en,
    f.subject, f.measure, f.value, f.value_low, f.value_high,
    f.unit, u.name_vi AS unit_name_vi,
    f.period, f.period_start, f.period_end, f.base_period,
    f.area_code, f.area_vintage, p.name AS province_name,
    coalesce(m.new_code, CASE WHEN f.area_vintage = (SELECT max(vintage) FROM provinces)
                              THEN f.area_code END) AS province_code_2025,
    coalesce(pn.name, CASE WHEN f.area_vintage = (SELECT max(vintage) FROM provinces)
                           THEN p.name END) AS province_name_2025,
    f.area, f.approx, f.qualifier, f.text, f."start", f."end", f.valid_from, f.load_id,
    f.correction_id
FROM vintaged AS f
LEFT JOIN indicators AS i ON i.code = f.indicator
LEFT JOIN units AS u ON u.code = f.unit
LEFT JOIN provinces AS p ON p.code = f.area_code AND p.vintage = f.area_vintage
LEFT JOIN province_mapping AS m ON m.old_code = f.area_code AND m.old_vintage = f.area_vintage
LEFT JOIN provinces AS pn ON pn.code = m.new_code AND pn.vintage = m.new_vintage;
