"""Matching forms of Vietnamese text: lowercase with one tone-mark placement, and diacritic-free.

Both forms keep every character at its offset (one character in, one character
out), so a match found in a matching form is a span of the original NFC text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

# Tone marks written on the second vowel of an open "oa", "oe", "uy" (hoà, thuỷ)
# are moved to the first (hòa, thủy), the placement most reports use; closed
# syllables (hoàn, đoạn) are written one way only and stay as they are.
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_PAIRS: dict[str, str] = {}
for _first, _second in (("o", "a"), ("o", "e"), ("u", "y")):
    for _tone in _TONES:
        _old = _first + unicodedata.normalize("NFC", _second + _tone)
        _new = unicodedata.normalize("NFC", _first + _tone) + _second
        _PAIRS[_old] = _new
_TONE_PLACEMENT = re.compile("(?<![qQ])(?:" + "|".join(sorted(_PAIRS)) + r")(?!\w)")


def _build_tables() -> tuple[dict[int, str], dict[int, str]]:
    """Translation tables: lowercase (length-preserving) and lowercase without diacritics."""
    lower: dict[int, str] = {}
    fold: dict[int, str] = {}
    ranges = (range(0x41, 0x5B), range(0xC0, 0x250), range(0x1E00, 0x1F00))
    for block in ranges:
        for code in block:
            ch = chr(code)
            low = ch.lower()
            if len(low) != 1:
                low = ch
            if low != ch:
                lower[code] = low
            base = unicodedata.normalize("NFD", low)[0]
            if base == "đ":
                base = "d"
            if base != ch:
                fold[code] = base
    fold[ord("đ")] = "d"
    fold[ord("Đ")] = "d"
    return lower, fold


_LOWER, _FOLD = _build_tables()


_OLD_STYLE = {new: old for old, new in _PAIRS.items()}
_NEW_STYLE_RE = re.compile("(?<![qQ])(?:" + "|".join(sorted(_OLD_STYLE)) + r")(?!\w)")


def tone_variants(text: str) -> set[str]:
    """A text in both tone-mark placements (Hòa Bình, Hoà Bình), for matching either."""
    new = tone_form(text)
    old = _NEW_STYLE_RE.sub(lambda m: _OLD_STYLE[m.group()], new)
    return {text, new, old}


def fast_lower(text: str) -> str:
    """Lowercase text of the same length (str.lower, unless some character would grow)."""
    low = text.lower()
    return low if len(low) == len(text) else text.translate(_LOWER)


def tone_form(text: str) -> str:
    """Text with tone marks placed one way (hoà → hòa); used on regex sources too."""
    return _TONE_PLACEMENT.sub(lambda m: _PAIRS[m.group()], text)


def lower_form(text: str) -> str:
    """Lowercase text with tone marks placed one way (hoà → hòa), same length as `text`."""
    return tone_form(text.translate(_LOWER))


def folded_form(text: str) -> str:
    """Lowercase text without diacritics (Hòa Bình → hoa binh), same length as `text`."""
    return text.translate(_FOLD)


def phrase_key(phrase: str) -> str:
    """The lookup key of a catalogue phrase: lower form with spaces collapsed."""
    return " ".join(lower_form(unicodedata.normalize("NFC", phrase)).split())


def folded_key(phrase: str) -> str:
    """The diacritic-insensitive lookup key of a catalogue phrase."""
    return " ".join(folded_form(unicodedata.normalize("NFC", phrase)).split())


def trie_pattern(words: Iterable[str]) -> str:
    """One regular expression for many literal words, shared prefixes factored out, so a
    scan tries a few characters per position instead of every word."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        ends = "" in node
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and not ends else "(?:" + "|".join(alts) + ")"
        if ends:
            body = body + "?" if body.startswith("(?:") else "(?:" + body + ")?"
        return body

    return emit(trie)


def word_scan_pattern(words: Iterable[str], tail: str = "", before: str = "") -> str:
    """A pattern that finds every word of a list starting a word of a text (overlapping ones
    too), group 1 being the longest that `tail` may follow. Each match consumes only the first
    letter, a literal class, so the scan skips to candidates in C; `(?<!\\w.)` after it says a
    word starts there and `before` adds look-behinds that end at the letter ("(?<!Thái .)")."""
    words = [w for w in words if w]
    if not words:
        return r"(?!x)x"
    firsts = "".join(sorted({re.escape(w[0]) for w in words}))
    return rf"[{firsts}](?<!\w.){before}(?<=(?=({trie_pattern(words)}){tail}).)"


def word_set(words: str) -> frozenset[str]:
    """The words of a space-separated list, tone marks placed one way."""
    return frozenset(tone_form(w) for w in words.split())


def lower_pattern(pattern: str) -> re.Pattern[str]:
    """A pattern over the lowercase text (tone marks placed as `tone_form` places them)."""
    return re.compile(tone_form(pattern))
