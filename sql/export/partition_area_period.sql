-- Partition keys of rows about a province and a period: the province code (GSO, as the
-- rows give it) and the year the period lies in (null when it spans several years).
SELECT *, area_code AS province, period_year(period) AS year FROM query($sql);
