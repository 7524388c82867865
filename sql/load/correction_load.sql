-- The audit row of a correction or retraction: no files read, the versions it opened and closed.
INSERT INTO loads BY NAME
SELECT
    $load_id AS load_id,
    $started_at AS started_at,
    $finished_at AS finished_at,
    $loaded_at AS loaded_at,
    false AS full_snapshot,
    0 AS files,
    0 AS documents,
    $inserted AS inserted,
    $closed AS closed,
    0 AS unchanged,
    0 AS rejected,
    $code_version AS code_version,
    $extractor_version AS extractor_version,
    CAST(NULL AS VARCHAR) AS flow_run_id,
    $kind AS kind;
