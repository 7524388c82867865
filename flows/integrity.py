"""The warehouse file's integrity and schema version, checked before anything is written.

A file cut short (a copy that did not finish, a full disk) still opens: DuckDB reads its
blocks only when a query needs them, so a load would append to it and the damage would
show later as a checksum error. A file written by a newer chitieu has tables this code
does not know. Both are refused with one line naming the file, before any write.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.settings import get_settings

HEADER_BYTES = 3 * 4096
"""DuckDB's file header and its two database headers, before the first block."""


class IntegrityError(Exception):
    """The warehouse file cannot be trusted with a write; the message is one line."""


def _one(con: duckdb.DuckDBPyConnection, file: str, **params: object) -> tuple:
    """The single row of `sql/<name>.sql` (one statement) with its bound parameters."""
    sql = (get_settings().sql_dir / f"{file}.sql").read_text(encoding="utf-8")
    rows = con.execute(sql, params or None).fetchall()
    return rows[0] if rows else ()


def known_schema_version(sql_dir: Path | None = None) -> int:
    """The newest migration this code ships (`sql/migrations/NNN_*.sql`)."""
    folder = (sql_dir or get_settings().sql_dir) / "migrations"
    return max((int(p.name[:3]) for p in folder.glob("[0-9][0-9][0-9]_*.sql")), default=0)


def file_schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The newest migration recorded in the open file, 0 when chitieu never wrote it."""
    if not _one(con, "load/has_table", name="schema_migrations")[0]:
        return 0
    return int(_one(con, "read/schema_version")[0] or 0)


def check_schema_version(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Refuse a file whose schema is newer than the migrations this code knows."""
    found, known = file_schema_version(con), known_schema_version()
    if found > known:
        raise IntegrityError(
            f"the warehouse {db_path} was made by a newer chitieu (schema {found}, this one "
            f"knows {known}); use that version, or point --db / CHITIEU_DB at another file"
        )


def check_file_length(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Refuse a file shorter than the blocks in use need (truncated); free blocks at the end
    may have been cut by a checkpoint, so only the used ones count."""
    try:
        size = db_path.stat().st_size
    except OSError:
        return  # a new file: nothing to damage
    used_blocks, block_size = _one(con, "read/storage_size") or (0, 0)
    expected = HEADER_BYTES + int(used_blocks) * int(block_size) if used_blocks else 0
    if size < expected:
        raise IntegrityError(
            f"the warehouse {db_path} is damaged: the file is {size:,} bytes but its header "
            f"says {expected:,} (truncated, e.g. an unfinished copy or a full disk); nothing "
            "was written; restore it from a backup"
        )


def check_before_write(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Every check a writer runs on an open file before its first write."""
    check_file_length(con, db_path)
    check_blocks_in_file(con, db_path)
    check_schema_version(con, db_path)


def damaged(exc: duckdb.Error) -> bool:
    """Whether DuckDB's error says the file itself is damaged rather than the SQL wrong."""
    text = str(exc).lower()
    return any(
        marker in text
        for marker in ("could not read enough bytes", "checksum", "corrupt", "invalid block")
    )


def last_used_block(con: duckdb.DuckDBPyConnection) -> int:
    """The highest block the file's tables and metadata use (-1 for none)."""
    sql_dir = get_settings().sql_dir / "read"
    table_sql = (sql_dir / "table_last_block.sql").read_text(encoding="utf-8")
    tables = con.execute((sql_dir / "stored_tables.sql").read_text(encoding="utf-8")).fetchall()
    last = int(_one(con, "read/metadata_last_block")[0])
    for (table,) in tables:
        last = max(last, int(con.execute(table_sql, {"table": table}).fetchall()[0][0]))
    return last


def check_blocks_in_file(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Refuse a file that ends before the highest block its tables and metadata use: a
    truncation the count of used blocks misses when free blocks lie in the middle."""
    try:
        size = db_path.stat().st_size
    except OSError:
        return
    last = last_used_block(con)
    if last < 0:
        return
    block_size = int(_one(con, "read/storage_size")[1])
    expected = HEADER_BYTES + (last + 1) * block_size
    if size < expected:
        raise IntegrityError(
            f"the warehouse {db_path} is damaged: the file is {size:,} bytes but its block "
            f"{last} ends at byte {expected:,} (truncated, e.g. an unfinished copy or a full "
            "disk); nothing was written; restore it from a backup"
        )
