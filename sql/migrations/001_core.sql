-- 001: the first warehouse: loads, documents, observations, rejects and the reference tables.
-- Applied in one transaction by the loader and recorded in schema_migrations.

CREATE TABLE schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    checksum   VARCHAR NOT NULL,      -- SHA-256 of the migration file as applied
    applied_at TIMESTAMPTZ NOT NULL
);

-- One row per run of the loader.
CREATE TABLE loads (
    load_id           BIGINT PRIMARY KEY,
    started_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ NOT NULL,
    files             INTEGER NOT NULL,   -- sources the run read (loaded or skipped as unchanged)
    inserted          BIGINT NOT NULL,    -- fact versions opened
    unchanged         BIGINT NOT NULL,    -- facts of the sources read that stayed as they were
    rejected          BIGINT NOT NULL,    -- rows written to rejects
    code_version      VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    flow_run_id       VARCHAR             -- Prefect flow run id, null outside Prefect
);

-- One row per document version (doc_id = first 16 hex digits of SHA-256 of the NFC text).
CREATE TABLE documents (
    doc_id            VARCHAR NOT NULL,
    source            VARCHAR NOT NULL,
    title             VARCHAR,
    published         DATE,
    url               VARCHAR,
    province          VARCHAR,
    format            VARCHAR,
    encoding          VARCHAR,
    content_hash      VARCHAR NOT NULL,
    size_bytes        BIGINT,
    n_chars           BIGINT,
    n_sentences       BIGINT,
    extractor_version VARCHAR NOT NULL,
    load_id           BIGINT NOT NULL
);

-- The facts, versioned as a slowly changing dimension of type 2.
CREATE TABLE observations (
    fact_key    VARCHAR NOT NULL,   -- md5 of the stable key (see docs/warehouse.md)
    row_hash    VARCHAR NOT NULL,   -- md5 of what the fact states
    ordinal     INTEGER NOT NULL,   -- position among facts of the same source with an equal key
    doc_id      VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    indicator   VARCHAR,
    subject     VARCHAR NOT NULL,
    measure     VARCHAR NOT NULL,
    value       DOUBLE,
    value_low   DOUBLE NOT NULL,
    value_high  DOUBLE NOT NULL,
    unit        VARCHAR NOT NULL,
    period      VARCHAR,
    area_code   VARCHAR,
    area        VARCHAR NOT NULL,
    approx      BOOLEAN NOT NULL,
    qualifier   VARCHAR,
    text        VARCHAR NOT NULL,
    "start"     BIGINT NOT NULL,
    "end"       BIGINT NOT NULL,
    valid_from  TIMESTAMPTZ NOT NULL,
    valid_to    TIMESTAMPTZ,        -- null while the version is current
    load_id     BIGINT NOT NULL     -- the load that opened the version
);

-- Inputs and rows that failed, with the reason; nothing is dropped silently.
CREATE TABLE rejects (
    load_id    BIGINT NOT NULL,
    source     VARCHAR,
    doc_id     VARCHAR,
    stage      VARCHAR NOT NULL,    -- read, extract, validate...
    check_name VARCHAR NOT NULL,    -- the check that failed
    reason     VARCHAR NOT NULL,
    record     VARCHAR              -- the rejected row as JSON, when there is one
);

-- Reference data from seeds/reference/.
CREATE TABLE provinces (
    code      VARCHAR NOT NULL,     -- GSO code; codes were reused on 2025-07-01
    vintage   DATE NOT NULL,        -- 2008-08-01 (63 units) or 2025-07-01 (34 units)
    name      VARCHAR NOT NULL,
    full_name VARCHAR NOT NULL,
    name_en   VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL,
    PRIMARY KEY (code, vintage)
);

CREATE TABLE indicators (
    code    VARCHAR PRIMARY KEY,
    name_vi VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    unit    VARCHAR NOT NULL,
    phrases VARCHAR[] NOT NULL
);

CREATE TABLE units (
    code    VARCHAR PRIMARY KEY,
    name_vi VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    kind    VARCHAR NOT NULL
);
