-- Figures two reports give differently for the same indicator, province and period,
-- same place first, largest relative difference first.
SELECT indicator, measure, period, province_name, area_a, value_a, source_a,
       area_b, value_b, source_b, round(relative_difference, 3) AS relative_difference
FROM indicator_conflicts
ORDER BY same_area DESC, relative_difference DESC NULLS LAST;
