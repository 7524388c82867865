-- The id and version time of this load: after every earlier load, even if clocks disagree.
SELECT
    coalesce(max(load_id), 0) + 1 AS load_id,
    greatest(current_timestamp, coalesce(max(loaded_at) + INTERVAL 1 MICROSECOND, current_timestamp))
        AS loaded_at
FROM loads;
