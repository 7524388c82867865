-- 005: a rejected input file keeps the fingerprint of its bytes, so that the same bytes
-- (a stray spreadsheet in the reports folder) are reported once, not rejected again every run.

ALTER TABLE rejects ADD COLUMN content_hash VARCHAR;  -- fingerprint of the rejected file, when its bytes are the reason
