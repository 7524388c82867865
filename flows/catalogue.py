"""The reference catalogue: indicators, provinces (both vintages), units, places, as plain lookups.

Loaded once per reference folder from `seeds/reference/*.csv`; the extractor
matches indicator phrases and place names against the diacritic-free form of
a text and then looks the matched words up with their diacritics first, so
"Hoà Bình" / "Hòa Bình" and text typed without accents both resolve.
"""

from __future__ import annotations

import csv
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from flows.folding import (
    folded_form,
    folded_key,
    phrase_key,
    tone_variants,
    trie_pattern,
    word_scan_pattern,
)
from flows.settings import get_settings

REORGANISATION = date(2025, 7, 1)
"""The day the 63 provinces became 34 units (codes were reused)."""

OLD_VINTAGE = "2008-08-01"
NEW_VINTAGE = "2025-07-01"

# Spellings that the official lists do not carry: official name → more names.
_PROVINCE_ALIASES: dict[str, tuple[str, ...]] = {
    "Hồ Chí Minh": ("TP.HCM", "TP. HCM", "TPHCM", "TP HCM", "HCM", "Sài Gòn", "TP.Hồ Chí Minh"),
    "Huế": ("Thừa Thiên Huế", "Thừa Thiên - Huế", "TT-Huế", "TT Huế"),
    "Bà Rịa - Vũng Tàu": ("Bà Rịa Vũng Tàu", "BR-VT", "Bà Rịa-Vũng Tàu"),
    "Đắk Lắk": ("Đắc Lắc", "Đăk Lăk", "Daklak", "Đắk Lăk"),
    "Đắk Nông": ("Đăk Nông", "Đắc Nông", "Daknong"),
    "Kon Tum": ("Kontum",),
    "Bắc Kạn": ("Bắc Cạn",),
}


_UNIT_PREFIX = re.compile(r"^(?:tinh|thanh pho|tp\.?|tp)\s*")


@dataclass(frozen=True, slots=True)
class Indicator:
    """One catalogue indicator: code, Vietnamese name, usual unit."""

    code: str
    name_vi: str
    unit: str


@dataclass(frozen=True, slots=True)
class Province:
    """One province-level unit of one vintage."""

    code: str
    vintage: str
    name: str
    full_name: str


@dataclass(frozen=True, slots=True)
class Place:
    """A place below province level (district, border gate, zone) and its province."""

    name: str
    kind: str
    province_code: str


@dataclass(frozen=True)
class Catalogue:
    """Every lookup the extractor needs, built once from the reference CSVs."""

    indicators: dict[str, Indicator]
    phrase_codes: dict[str, tuple[str, ...]]
    folded_phrase_codes: dict[str, tuple[str, ...]]
    phrase_re: re.Pattern[str]
    """Matches (group 1) every catalogue phrase, overlapping ones too, in a lowercase text."""
    provinces: tuple[Province, ...]
    old_by_key: dict[str, Province]
    new_by_key: dict[str, Province]
    province_re: re.Pattern[str]
    """Matches province names (all spellings) in the original text."""
    phrase_scan: re.Pattern[str]
    """Finds (group 1) the same phrases as `phrase_re`, faster: from their first letters."""
    province_scan: re.Pattern[str]
    """Finds (group 1) the same names as `province_re`, faster: from their first letters."""
    old_to_new: dict[str, str]
    units: frozenset[str]
    places: dict[str, Place]
    place_re: re.Pattern[str] | None

    def indicator_codes(self, phrase: str) -> tuple[str, ...]:
        """Codes named by a phrase: exact (tone-normalised) first, then without diacritics."""
        codes = self.phrase_codes.get(phrase_key(phrase))
        if codes:
            return codes
        return self.folded_phrase_codes.get(folded_key(phrase), ())

    def province(self, name: str, on: date | None = None) -> Province | None:
        """The province a name denotes, in the vintage in force on a day (old list when unknown)."""
        key = " ".join(folded_key(name.replace("-", " ")).split())
        key = _UNIT_PREFIX.sub("", key) if key not in self.old_by_key else key
        old = self.old_by_key.get(key)
        new = self.new_by_key.get(key)
        if on is not None and on >= REORGANISATION:
            if new is not None:
                return new
            if old is not None:
                code = self.old_to_new.get(old.code)
                return self.new_province(code) if code else old
            return None
        return old or new

    def new_province(self, code: str) -> Province | None:
        """The post-2025 unit with a code."""
        for p in self.provinces:
            if p.vintage == NEW_VINTAGE and p.code == code:
                return p
        return None

    def code_on(self, old_code: str, on: date | None) -> str:
        """An old-vintage code as it stood on a day (mapped to the new unit after 2025-07-01)."""
        if on is not None and on >= REORGANISATION:
            return self.old_to_new.get(old_code, old_code)
        return old_code


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(fh)]


def _spellings(name: str) -> set[str]:
    """A name as reports write it: both tone placements, with '-' or '–' or spaces between
    parts, and without diacritics."""
    forms = {name}
    if "-" in name:
        parts = [p.strip() for p in name.split("-")]
        forms |= {" - ".join(parts), "-".join(parts), " – ".join(parts), " ".join(parts)}
    out: set[str] = set()
    for form in forms:
        for variant in tone_variants(form):
            out.add(variant)
            plain = folded_form(variant)
            out.add(" ".join(w[:1].upper() + w[1:] for w in plain.split(" ")))
    return out


@cache
def load_catalogue(reference_dir: Path) -> Catalogue:
    """The catalogue of one reference folder (read once per folder)."""
    indicators: dict[str, Indicator] = {}
    exact: dict[str, list[str]] = defaultdict(list)
    folded: dict[str, list[str]] = defaultdict(list)
    for row in _read(reference_dir / "indicators.csv"):
        code = row.get("code", "")
        if not code:
            continue
        indicators[code] = Indicator(code, row.get("name_vi", ""), row.get("unit", ""))
        for phrase in [row.get("name_vi", ""), *row.get("phrases", "").split("|")]:
            phrase = re.sub(r"\s*\(.*?\)", "", phrase).strip()
            if not phrase:
                continue
            for table, key in ((exact, phrase_key(phrase)), (folded, folded_key(phrase))):
                if code not in table[key]:
                    table[key].append(code)
    phrase_forms: set[str] = set()
    for key in list(exact) + list(folded):
        phrase_forms |= tone_variants(key)
    phrase_re = re.compile(
        r"(?<!\w)(?=(" + trie_pattern(phrase_forms) + r")(?!\w))" if phrase_forms else r"(?!x)x"
    )

    provinces: list[Province] = []
    old_by_key: dict[str, Province] = {}
    new_by_key: dict[str, Province] = {}
    for row in _read(reference_dir / "provinces.csv"):
        p = Province(row["code"], row["vintage"], row["name"], row.get("full_name", ""))
        provinces.append(p)
        table = new_by_key if p.vintage == NEW_VINTAGE else old_by_key
        for name in (p.name, *_PROVINCE_ALIASES.get(p.name, ())):
            key = " ".join(folded_key(name.replace("-", " ")).split())
            table.setdefault(key, p)
    names: set[str] = set()
    for p in provinces:
        for name in (p.name, *_PROVINCE_ALIASES.get(p.name, ())):
            names |= _spellings(name)
            names |= {n.upper() for n in _spellings(name)}
    # a name followed by "Dương" is no province ("Thái Bình Dương", the Pacific)
    not_pacific = r"(?!\w)(?![ \t]+(?:Dương|Duong)(?!\w))"
    province_re = re.compile(
        r"(?<!\w)(?<!Thái )(?<!Thai )(?:" + trie_pattern(names) + ")" + not_pacific
    )
    province_scan = re.compile(word_scan_pattern(names, not_pacific, r"(?<!Thái .)(?<!Thai .)"))
    old_to_new = {
        row["old_code"]: row["new_code"] for row in _read(reference_dir / "province_mapping.csv")
    }
    units = frozenset(row["code"] for row in _read(reference_dir / "units.csv") if row.get("code"))

    places: dict[str, Place] = {}
    for row in _read(reference_dir / "places.csv"):
        if row.get("name") and row.get("province_code"):
            place = Place(row["name"], row.get("kind", ""), row["province_code"])
            places[" ".join(folded_key(row["name"]).split())] = place
    place_names: set[str] = set()
    for place in places.values():
        place_names |= _spellings(place.name)
    place_re = (
        re.compile(r"(?<!\w)(?:" + trie_pattern(place_names) + r")(?!\w)") if places else None
    )

    return Catalogue(
        indicators=indicators,
        phrase_codes={k: tuple(v) for k, v in exact.items()},
        folded_phrase_codes={k: tuple(v) for k, v in folded.items()},
        phrase_re=phrase_re,
        phrase_scan=re.compile(word_scan_pattern(phrase_forms, r"(?!\w)")),
        provinces=tuple(provinces),
        old_by_key=old_by_key,
        new_by_key=new_by_key,
        province_re=province_re,
        province_scan=province_scan,
        old_to_new=old_to_new,
        units=units,
        places=places,
        place_re=place_re,
    )


def get_catalogue() -> Catalogue:
    """The catalogue of the configured reference folder."""
    # what the settings depend on, so that they are resolved once, not once per document
    return _configured_catalogue(os.environ.get("CHITIEU_REFERENCE"), os.getcwd())


@cache
def _configured_catalogue(configured: str | None, cwd: str) -> Catalogue:
    """The catalogue the settings name, for one value of `CHITIEU_REFERENCE` and one cwd."""
    return _catalogue_at(get_settings().reference_dir)


@cache
def _catalogue_at(reference_dir: Path) -> Catalogue:
    """The catalogue of a folder as configured (resolved once per configured path)."""
    return load_catalogue(reference_dir.resolve())
