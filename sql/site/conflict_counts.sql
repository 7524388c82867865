-- How many pairs of reports disagree, per indicator; same_area counts the pairs that name
-- the same place (the others may be a district against its province).
SELECT
    c.indicator,
    any_value(i.name_vi) AS indicator_name_vi,
    count(*) AS n_conflicts,
    count(*) FILTER (WHERE c.same_area) AS n_same_area,
    max(c.relative_difference) AS max_relative_difference
FROM indicator_conflicts AS c
LEFT JOIN indicators AS i ON i.code = c.indicator
GROUP BY c.indicator
ORDER BY n_conflicts DESC, c.indicator;
