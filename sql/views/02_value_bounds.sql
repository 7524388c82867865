-- The bounds a fact's value keeps, one rule a row (unit null: any unit; low or high null: no
-- bound). The one source of these rules: validation builds its Pandera checks from this file
-- (flows/rules.py), so a fact outside them is rejected before it is loaded, and
-- sql/checks/percent_in_range.sql checks the warehouse against the same rows.
CREATE OR REPLACE VIEW value_bounds AS
SELECT
    CAST(measure AS VARCHAR) AS measure,
    CAST(unit AS VARCHAR) AS unit,
    CAST(low AS DOUBLE) AS low,
    CAST(high AS DOUBLE) AS high,
    CAST(rule AS VARCHAR) AS rule
FROM (VALUES
    ('share_pct', NULL, 0, 100, 'a share lies between 0 and 100 %'),
    ('level', 'percent', 0, 100, 'a percentage lies between 0 and 100 %'),
    ('change_pct', NULL, -100, NULL, 'nothing falls by more than 100 %'),
    ('change_pp', NULL, -100, 100, 'a rate moves by at most 100 percentage points'),
    ('plan_pct', NULL, 0, NULL, 'plan attainment is not negative')
) AS bounds (measure, unit, low, high, rule);
