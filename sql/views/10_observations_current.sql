-- The current version of every fact.
CREATE OR REPLACE VIEW observations_current AS
SELECT
    fact_key, row_hash, ordinal, doc_id, source, indicator, subject, measure,
    value, value_low, value_high, unit, period, base_period, area_code, area, approx, qualifier,
    text, "start", "end", valid_from, load_id, correction_id
FROM observations
WHERE valid_to IS NULL;
