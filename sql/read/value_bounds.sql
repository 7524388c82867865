-- The rules of the value_bounds view, in a stable order.
SELECT measure, unit, low, high, rule FROM value_bounds ORDER BY measure, unit NULLS FIRST;
