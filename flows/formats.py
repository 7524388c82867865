"""Extracted text: the readable text (and title, date, url) of web pages, Word files and PDFs.

Each reader hands back plain text whose blank-line-separated blocks are the
document's paragraphs and whose table rows are one line each with the cells
joined by " | ", so the sentence splitter and the fact extractor read a table
row as one sentence ("Chỉ tiêu | 2023 | 2024"). The libraries do the parsing:
trafilatura for HTML, python-docx for Word, pypdf for PDF.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from datetime import date

from flows.limits import InputLimitError, check_chars

CELL_SEPARATOR = " | "

# The libraries log parse trouble of odd pages themselves; the reason a file is
# rejected is reported once, by the caller, as one line.
for _name in ("trafilatura", "htmldate", "courlan", "pypdf"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


class FormatError(ValueError):
    """A file whose format cannot be read; the message is one line for the user."""

    def __init__(self, reason: str, check: str = "format") -> None:
        super().__init__(reason)
        self.reason = reason
        self.check = check


@dataclass(frozen=True, slots=True)
class ExtractedText:
    """The text of a formatted file and the metadata the file itself carries."""

    text: str
    title: str | None = None
    published: date | None = None
    url: str | None = None


def _one_line(exc: BaseException) -> str:
    message = " ".join(str(exc).split()) or type(exc).__name__
    return message[:200]


def _blocks(paragraphs: list[str | list[str]]) -> str:
    """Paragraphs (strings) and tables (lists of rows) as blank-line-separated blocks."""
    out: list[str] = []
    for block in paragraphs:
        if isinstance(block, list):
            rows = [row for row in block if row.strip()]
            if rows:
                out.append("\n".join(rows))
        else:
            text = " ".join(block.split())
            if text:
                out.append(text)
    return "\n\n".join(out)


# --- HTML ----------------------------------------------------------------------------

_MD_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _markdown_rows_to_blocks(text: str) -> str:
    """trafilatura's text: one block per line, markdown table rows as "a | b | c" lines."""
    blocks: list[str | list[str]] = []
    table: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.count("|") >= 2:
            if _MD_TABLE_RULE.match(stripped):
                continue
            cells = [" ".join(c.split()) for c in stripped.strip("|").split("|")]
            if table is None:
                table = []
                blocks.append(table)
            table.append(CELL_SEPARATOR.join(cells))
            continue
        table = None
        blocks.append(stripped)
    return _blocks(blocks)


def _iso_date(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def read_html(data: bytes) -> ExtractedText:
    """The main text of a saved web page, its title, date and canonical url (trafilatura)."""
    import trafilatura

    try:
        found = trafilatura.bare_extraction(
            data,
            with_metadata=True,
            include_tables=True,
            include_comments=False,
            favor_recall=True,
            date_extraction_params={"original_date": True, "extensive_search": True},
        )
        text = found.text if found is not None else None
        if not text or not text.strip():
            text = trafilatura.html2txt(data)
    except Exception as exc:  # a third-party parser on untrusted input: any failure is a reject
        raise FormatError(f"cannot read web page: {_one_line(exc)}") from exc
    if not text or not text.strip():
        # lxml stops at 255 nested elements and then sees no text at all; the standard
        # library's parser reads events, not a tree, so it reads a page of any depth
        text = _html_text_events(data)
    if not text or not text.strip():
        raise FormatError("web page has no text", "empty")
    return ExtractedText(
        text=_markdown_rows_to_blocks(text),
        title=(found.title or None) if found is not None else None,
        published=_iso_date(found.date) if found is not None else None,
        url=(found.url or None) if found is not None else None,
    )


def html_encoding(data: bytes) -> str | None:
    """The character encoding a web page's bytes are read in: the first that decodes them of
    UTF-8 and trafilatura's guesses (its own order, so it names the one it used)."""
    from trafilatura.utils import detect_encoding, handle_compressed_file

    data = handle_compressed_file(data)
    for guess in ["utf-8", *detect_encoding(data)]:
        try:
            data.decode(guess)
        except (LookupError, UnicodeDecodeError):
            continue
        return guess
    return None


_HTML_SKIP = frozenset({"script", "style", "noscript", "template", "head", "svg", "math"})
_HTML_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "ul",
        "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
        "pre", "table", "thead", "tbody", "tfoot", "form", "fieldset", "figure",
        "figcaption", "hr", "body", "address",
    }
)  # fmt: skip


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*>|<!--.*?(?:-->|\Z)|<[!?][^>]*>", re.S)


def _html_text_events(data: bytes) -> str:
    """The visible text of a page read as a stream of tags, whatever their nesting depth:
    blocks as blank-line-separated paragraphs, table rows as lines with cells joined by
    " | ". One pass of a compiled pattern; a script or style is skipped to its end tag."""
    import html

    from flows.decoding import DecodeError, decode_bytes

    try:
        markup = decode_bytes(data).text
    except DecodeError:
        markup = data.decode("utf-8", errors="replace")
    low = markup.lower()
    parts: list[str] = []
    pos = 0
    search = _TAG.search
    while (m := search(markup, pos)) is not None:
        parts.append(markup[pos : m.start()])
        pos = m.end()
        tag = (m.group(2) or "").lower()
        if not tag:
            continue
        if tag in _HTML_SKIP and not m.group(1):
            close = low.find(f"</{tag}", pos)
            pos = len(markup) if close < 0 else close
        elif tag in _HTML_BLOCKS:
            parts.append("\n\n")
        elif tag in ("tr", "br") and not m.group(1):
            parts.append("\n")
        elif tag in ("td", "th") and not m.group(1):
            parts.append(CELL_SEPARATOR)
    parts.append(markup[pos:])
    blocks: list[str | list[str]] = []
    for block in re.split(r"\n\s*\n", html.unescape("".join(parts))):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        lines = [line.strip(" |") for line in lines if line.strip(" |")]
        if len(lines) > 1:
            blocks.append(lines)
        elif lines:
            blocks.append(lines[0])
    return _blocks(blocks)


# --- Word ----------------------------------------------------------------------------


def _docx_rows(table: object) -> list[str]:
    """A python-docx table as text rows; a merged cell counts once."""
    rows: list[str] = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            rows.append(CELL_SEPARATOR.join(cells))
    return rows


def read_docx(data: bytes) -> ExtractedText:
    """The paragraphs and tables of a Word (.docx) file in reading order, and its title."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str | list[str]] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.append(_docx_rows(item))
            else:
                blocks.append(item.text)
        title = document.core_properties.title or None
    except Exception as exc:  # a third-party parser on untrusted input: any failure is a reject
        raise FormatError(f"not a readable Word (.docx) file: {_one_line(exc)}") from exc
    text = _blocks(blocks)
    if not text.strip():
        raise FormatError("Word file has no text", "empty")
    return ExtractedText(text=text, title=title)


# --- PDF -----------------------------------------------------------------------------

_COLUMN_GAP = re.compile(r"\S(?: {3,})\S")
_SPACES = re.compile(r" {2,}")


def _pdf_page_text(layout: str) -> str:
    """A page laid out by pypdf as lines: wide gaps become cell separators, wrapped lines rejoin."""
    blocks: list[str | list[str]] = []
    prose: list[str] = []
    table: list[str] | None = None

    def flush_prose() -> None:
        if prose:
            blocks.append(" ".join(prose))
            prose.clear()

    for raw in layout.splitlines():
        line = raw.strip()
        if not line:
            flush_prose()
            continue
        if _COLUMN_GAP.search(line):
            flush_prose()
            cells = [c.strip() for c in re.split(r" {3,}", line) if c.strip()]
            if table is None:
                table = []
                blocks.append(table)
            table.append(CELL_SEPARATOR.join(cells))
            continue
        table = None
        line = _SPACES.sub(" ", line)
        if prose and not (line[0].islower() or prose[-1][-1] in ",;-–"):
            flush_prose()
        prose.append(line)
    flush_prose()
    return _blocks(blocks)


def read_pdf(data: bytes) -> ExtractedText:
    """The text layer of a PDF, page by page, with table rows as cell-separated lines."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FormatError("PDF is encrypted with a password", "encrypted")
        pages: list[str] = []
        n_chars = 0
        for page in reader.pages:
            try:
                layout = page.extract_text(extraction_mode="layout")
            except Exception:  # layout mode fails on some fonts; the plain text layer still reads
                layout = page.extract_text()
            pages.append(_pdf_page_text(layout or ""))
            n_chars += len(pages[-1])
            check_chars(n_chars)  # page by page: compressed pages can hold far more text
        meta = reader.metadata
        title = str(meta.title) if meta is not None and meta.title else None
    except (FormatError, InputLimitError):
        raise
    except Exception as exc:  # a third-party parser on untrusted input: any failure is a reject
        raise FormatError(f"not a readable PDF: {_one_line(exc)}") from exc
    text = "\n\n".join(p for p in pages if p.strip())
    if not text.strip():
        raise FormatError("PDF has no text layer (a scanned image?): needs OCR first", "empty")
    return ExtractedText(text=text, title=title)
