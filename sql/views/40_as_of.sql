-- "As of" table macros: the facts the warehouse held right after load `as_of_load`,
-- or at time `at_time` (a TIMESTAMPTZ); same columns as observations_current.
CREATE OR REPLACE MACRO observations_as_of(as_of_load) AS TABLE
SELECT
    fact_key, row_hash, ordinal, doc_id, source, indicator, subject, measure,
    value, value_low, value_high, unit, period, base_period, area_code, area, approx, qualifier,
    text, "start", "end", valid_from, load_id, correction_id
FROM observations
WHERE load_id <= as_of_load AND (closed_load_id IS NULL OR closed_load_id > as_of_load);

CREATE OR REPLACE MACRO observations_at(at_time) AS TABLE
SELECT
    fact_key, row_hash, ordinal, doc_id, source, indicator, subject, measure,
    value, value_low, value_high, unit, period, base_period, area_code, area, approx, qualifier,
    text, "start", "end", valid_from, load_id, correction_id
FROM observations
WHERE valid_from <= at_time AND (valid_to IS NULL OR valid_to > at_time);
