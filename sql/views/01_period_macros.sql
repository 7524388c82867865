-- Scalar macros on CONTRACT.md periods ('2022', '2023-Q3', '2023-11', '2023-H1',
-- '2023-11-30', '2023-01-01/2023-11-30'): first and last day, and the year when the
-- period lies within one. NULL for a null or unreadable period.
CREATE OR REPLACE MACRO period_start(p) AS
    CASE
        WHEN p IS NULL THEN NULL
        WHEN contains(p, '/') THEN TRY_CAST(split_part(p, '/', 1) AS DATE)
        WHEN regexp_full_match(p, '\d{4}') THEN make_date(CAST(p AS INTEGER), 1, 1)
        WHEN regexp_full_match(p, '\d{4}-Q[1-4]') THEN
            make_date(CAST(left(p, 4) AS INTEGER), 3 * CAST(right(p, 1) AS INTEGER) - 2, 1)
        WHEN regexp_full_match(p, '\d{4}-H[12]') THEN
            make_date(CAST(left(p, 4) AS INTEGER), 6 * CAST(right(p, 1) AS INTEGER) - 5, 1)
        WHEN regexp_full_match(p, '\d{4}-\d{2}') THEN TRY_CAST(p || '-01' AS DATE)
        ELSE TRY_CAST(p AS DATE)
    END;

CREATE OR REPLACE MACRO period_end(p) AS
    CASE
        WHEN p IS NULL THEN NULL
        WHEN contains(p, '/') THEN TRY_CAST(split_part(p, '/', 2) AS DATE)
        WHEN regexp_full_match(p, '\d{4}') THEN make_date(CAST(p AS INTEGER), 12, 31)
        WHEN regexp_full_match(p, '\d{4}-Q[1-4]') THEN
            last_day(make_date(CAST(left(p, 4) AS INTEGER), 3 * CAST(right(p, 1) AS INTEGER), 1))
        WHEN regexp_full_match(p, '\d{4}-H[12]') THEN
            last_day(make_date(CAST(left(p, 4) AS INTEGER), 6 * CAST(right(p, 1) AS INTEGER), 1))
        WHEN regexp_full_match(p, '\d{4}-\d{2}') THEN last_day(TRY_CAST(p || '-01' AS DATE))
        ELSE TRY_CAST(p AS DATE)
    END;

CREATE OR REPLACE MACRO period_year(p) AS
    CASE WHEN year(period_start(p)) = year(period_end(p)) THEN year(period_start(p)) END;
