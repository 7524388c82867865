"""The charts of the fact browser: each province's yearly series of an indicator.

Vega-Lite specs built with Altair; the pages render them with the Vega bundle shipped
beside them, so nothing is fetched when a page opens.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flows.vn_format import scale, unit_word


def vn_sort_key(name: str) -> tuple[str, str]:
    """Vietnamese names in alphabetical order (marks aside first: Bà Rịa before Bắc Giang)."""
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in plain if not unicodedata.combining(c)).lower(), name


def province_series_chart(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
    """Small multiples: each province's line over the years, each with its own scale, in the
    unit's Vietnamese scale (triệu USD, tỷ đồng); the spec and the unit as written."""
    import altair as alt

    values = [r["value"] for r in rows if r["value"] is not None]
    first = rows[0]
    divisor, word = scale(max((abs(v) for v in values), default=0.0), first["unit"])
    unit = " ".join(p for p in (word, unit_word(first["unit"], first["unit_name_vi"])) if p)
    data = [
        {
            "province": r["province_name"] or r["area_code"],
            "year": r["period"],
            "value": r["value"] / divisor,
        }
        for r in rows
        if r["value"] is not None
    ]
    provinces = sorted({d["province"] for d in data}, key=vn_sort_key)
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=None),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format=",~r")),
            tooltip=[
                alt.Tooltip("province:N", title="Tỉnh"),
                alt.Tooltip("year:O", title="Năm"),
                alt.Tooltip("value:Q", title=unit or "Giá trị", format=",.2~f"),
            ],
        )
        .properties(width=120, height=70)
        .facet(facet=alt.Facet("province:N", title=None, sort=provinces), columns=5)
        .resolve_scale(y="independent")
    )
    return chart.to_dict(), unit


def series_key(rows: list[dict[str, Any]]) -> tuple[str, str] | None:
    """The (measure, unit) the chart draws: levels first, then the most frequent."""
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        if r["is_year"]:
            key = (r["measure"], r["unit"])
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda k: (k[0] == "level", counts[k], k))
