-- The audit row of this load.
INSERT INTO loads BY NAME
SELECT
    $load_id AS load_id,
    $started_at AS started_at,
    $finished_at AS finished_at,
    $loaded_at AS loaded_at,
    $full_snapshot AS full_snapshot,
    (SELECT count(*) FROM read_sources) AS files,
    $documents AS documents,
    $inserted AS inserted,
    $closed AS closed,
    $unchanged AS unchanged,
    $rejected AS rejected,
    $code_version AS code_version,
    $extractor_version AS extractor_version,
    $flow_run_id AS flow_run_id,
    'run' AS kind;
