-- Percentages that cannot be: a rate or share outside 0-100, a fall of more than 100 %,
-- a negative plan attainment or percentage level.
SELECT fact_key, source, indicator, measure, unit, value_low, value_high, text
FROM observations_current
WHERE (measure = 'share_pct' AND (value_low < 0 OR value_high > 100))
   OR (measure = 'change_pct' AND value_low < -100)
   OR (measure = 'plan_pct' AND value_low < 0)
   OR (measure = 'level' AND unit = 'percent'
       AND (value_low < 0 OR (indicator LIKE '%rate' OR indicator LIKE '%share'
                              OR indicator LIKE '%coverage' OR indicator LIKE '%cover')
                             AND value_high > 100));
