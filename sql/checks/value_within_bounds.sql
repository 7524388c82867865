-- A point has value = value_low = value_high; a range has no value and value_low <= value_high.
SELECT fact_key, source, value, value_low, value_high
FROM observations
WHERE value_low > value_high
   OR (value IS NOT NULL AND (value <> value_low OR value <> value_high));
