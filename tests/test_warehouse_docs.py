"""docs/warehouse.md documents the columns the warehouse really has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_warehouse import corpus, run_load

from flows.settings import PROJECT_ROOT
from flows.warehouse import query

DOC = PROJECT_ROOT / "docs" / "warehouse.md"
HEADING = re.compile(r"^### `(\w+)` \((table|view)\)\s*$")
COLUMN_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|")
TYPE_ALIASES = {"TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE"}


def documented() -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """name -> (table or view, [(column, type)]) from the headings and column tables."""
    found: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    current: str | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = HEADING.match(line)
        if heading:
            current = heading.group(1)
            found[current] = (heading.group(2), [])
        elif line.startswith("#"):
            current = None
        elif current:
            row = COLUMN_ROW.match(line)
            if row:
                column_type = row.group(2).upper()
                found[current][1].append((row.group(1), TYPE_ALIASES.get(column_type, column_type)))
    return found


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("docs") / "chitieu.duckdb"
    run_load(db, corpus())
    return db


def test_every_table_and_view_is_documented(warehouse: Path) -> None:
    _, rows = query(
        warehouse,
        "SELECT table_name, CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END "
        "FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1",
    )
    assert {name: kind for name, (kind, _) in documented().items()} == dict(rows)


@pytest.mark.parametrize("name", sorted(documented()))
def test_documented_columns_match_describe(warehouse: Path, name: str) -> None:
    _, described = query(warehouse, f'DESCRIBE "{name}"')
    assert documented()[name][1] == [(column, column_type) for column, column_type, *_ in described]


def test_documented_macros_exist(warehouse: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    _, macros = query(
        warehouse,
        "SELECT DISTINCT function_name FROM duckdb_functions() "
        "WHERE NOT internal AND function_type IN ('macro', 'table_macro')",
    )
    for (macro,) in macros:
        assert f"`{macro}(" in text, f"macro {macro} is not documented"
