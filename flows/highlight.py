"""Where a fact's number stands in its sentence.

The warehouse keeps each fact's character offsets in the whole document text and the
sentence it stands in, but not where that sentence starts. The fact browser marks the
number in the sentence, so the offset is recovered from the sentence itself.
"""

from __future__ import annotations

import re

_DIGIT_START = re.compile(r"(?<!\w)\d")
_WORD_START = re.compile(r"(?<!\w)\w")
_LEADING_DIGITS = re.compile(r"\d[\d.,]*")


def _digits_match(span: str, value: float | None) -> bool:
    """Whether the digits a span starts with are those of the value (any scale):
    `51.990,563 triệu USD` and 51990563000, `02 cơ sở` and 2; not `2022, tỉnh` and 21050."""
    found = _LEADING_DIGITS.match(span)
    if value is None or not found:
        return False
    digits = re.sub(r"\D", "", found.group()).strip("0")
    wanted = f"{abs(value):.6f}".replace(".", "").strip("0")
    return bool(digits) and bool(wanted) and (wanted.startswith(digits) or digits == wanted)


def locate_numbers(
    text: str, spans: list[tuple[int, int]], values: list[float | None] | None = None
) -> list[tuple[int, int] | None]:
    """Where each number of a sentence stands in it, given its offsets in the document.

    The warehouse keeps a fact's offsets in the whole text and the sentence, not the
    sentence's own offset. The facts of one sentence share that offset: of the shifts that
    put every span on a word start and end (digit starts first), the one under which most
    spans begin with the digits of their value wins; None for a span no shift fits.
    """
    if not spans:
        return []
    values = values if values is not None else [None] * len(spans)

    def fits(s: int, e: int) -> bool:
        return 0 <= s < e <= len(text) and not (e < len(text) and text[e].isalnum())

    for pattern in (_DIGIT_START, _WORD_START):
        starts = [m.start() for m in pattern.finditer(text)]
        start_set = set(starts)
        best: tuple[int, int] | None = None  # (score, shift)
        for p in starts:
            shift = spans[0][0] - p
            if all(fits(s - shift, e - shift) and (s - shift) in start_set for s, e in spans):
                score = sum(
                    _digits_match(text[s - shift : e - shift], v)
                    for (s, e), v in zip(spans, values, strict=True)
                )
                if best is None or score > best[0]:
                    best = (score, shift)
        if best is not None:
            return [(s - best[1], e - best[1]) for s, e in spans]
    # no single shift: each number on its own (facts of one sentence read from different copies)
    out: list[tuple[int, int] | None] = []
    starts = [m.start() for m in _DIGIT_START.finditer(text)]
    for (s, e), v in zip(spans, values, strict=True):
        fitting = [(p, p + e - s) for p in starts if fits(p, p + e - s)]
        matching = [f for f in fitting if _digits_match(text[f[0] : f[1]], v)]
        out.append((matching or fitting or [None])[0])
    return out
