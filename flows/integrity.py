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


def last_used_block(con: duckdb.DuckDBPyConnection) -> int:
    """The highest block the file's tables and metadata use (-1 for none). Not the header's
    block count: that counts free blocks too, and DuckDB cuts free blocks off the end."""
    sql_dir = get_settings().sql_dir / "read"
    table_sql = (sql_dir / "table_last_block.sql").read_text(encoding="utf-8")
    tables = con.execute((sql_dir / "stored_tables.sql").read_text(encoding="utf-8")).fetchall()
    last = int(_one(con, "read/metadata_last_block")[0])
    for (table,) in tables:
        last = max(last, int(con.execute(table_sql, {"table": table}).fetchall()[0][0]))
    return last


def check_file_length(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Refuse a file too short for its blocks (truncated). DuckDB cuts free blocks off the
    end of the file but still counts them, so a file may lack at most as many blocks as are
    free, and must reach the highest block its tables and metadata use."""
    try:
        size = db_path.stat().st_size
    except OSError:
        return  # a new file: nothing to damage
    total, free, block_size = (int(v) for v in _one(con, "read/storage_size") or (0, 0, 1))
    in_file = max(size - HEADER_BYTES, 0) // block_size
    needed = max(total - free, last_used_block(con) + 1)
    if in_file < needed:
        raise IntegrityError(
            f"the warehouse {db_path} is damaged: the file is {size:,} bytes but its blocks "
            f"need {HEADER_BYTES + needed * block_size:,} (truncated, e.g. an unfinished "
            "copy or a full disk); nothing was written; restore it from a backup"
        )


def check_before_write(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Every check a writer runs on an open file before its first write."""
    check_file_length(con, db_path)
    check_schema_version(con, db_path)


def damaged(exc: duckdb.Error) -> bool:
    """Whether DuckDB's error says the file itself is damaged rather than the SQL wrong."""
    text = str(exc).lower()
    return any(
        marker in text
        for marker in ("could not read enough bytes", "checksum", "corrupt", "invalid block")
    )
