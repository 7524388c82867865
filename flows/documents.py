"""Documents: input files read, decoded, normalised to NFC and split into sentences.

Stage 1 of the pipeline. Every input file becomes either a `Document` or a
`RejectedInput` with the reason; nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

TEXT_SUFFIXES = frozenset({".txt", ".md"})


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence as a span of its document's NFC text."""

    start: int
    end: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file to read, with the name it is known by in the warehouse (`source`)."""

    path: Path
    source: str


@dataclass(frozen=True)
class Document:
    """One document version: the normalised text and what is known about it."""

    doc_id: str
    source: str
    text: str
    sentences: tuple[Sentence, ...]
    format: str = "txt"
    encoding: str = "utf-8"
    content_hash: str = ""
    size_bytes: int = 0
    title: str | None = None
    published: date | None = None
    url: str | None = None
    province: str | None = None

    def sentence_text(self, sentence: Sentence) -> str:
        """The text of one of this document's sentences."""
        return self.text[sentence.start : sentence.end]


class RejectedInput(Exception):
    """An input that cannot become a document; `reason` is one line for the user."""

    def __init__(self, source: str, reason: str, check: str = "read") -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
        self.check = check


def doc_id_of(text: str) -> str:
    """Stable id of a document version: first 16 hex digits of SHA-256 of the NFC text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def normalise(text: str) -> str:
    """NFC text with unified line ends."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+(?=[\"“‘(\[]?[A-ZÀ-Ỹ0-9Đ])|\n+")


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences with their offsets; a paragraph is a block of lines between blank lines."""
    sentences: list[Sentence] = []
    paragraph = 0
    for block in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text):
        for line in re.finditer(r"[^\n]+", block.group()):
            base = block.start() + line.start()
            chunk = line.group()
            cut = 0
            for m in _SENTENCE_END.finditer(chunk):
                _append(sentences, chunk, base, cut, m.start(), paragraph)
                cut = m.end()
            _append(sentences, chunk, base, cut, len(chunk), paragraph)
        paragraph += 1
    return tuple(sentences)


def _append(out: list[Sentence], chunk: str, base: int, a: int, b: int, paragraph: int) -> None:
    piece = chunk[a:b]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    start = base + a + lead
    out.append(Sentence(start, start + len(stripped), paragraph))


def discover(paths: Sequence[Path]) -> tuple[list[InputFile], list[RejectedInput]]:
    """Input files under the given files and folders; `source` is relative to the folder given."""
    files: list[InputFile] = []
    rejects: list[RejectedInput] = []
    for given in paths:
        if given.is_dir():
            for path in sorted(p for p in given.rglob("*") if p.is_file()):
                if path.name.startswith(".") or path.name.endswith(".meta.json"):
                    continue
                files.append(InputFile(path, path.relative_to(given).as_posix()))
        elif given.is_file():
            files.append(InputFile(given, given.name))
        else:
            rejects.append(RejectedInput(str(given), "no such file or folder", "discover"))
    return files, rejects


def read_document(file: InputFile) -> Document:
    """The document in a file, or `RejectedInput` saying why it cannot be read."""
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        raise RejectedInput(file.source, f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise RejectedInput(file.source, "empty file")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RejectedInput(file.source, f"not UTF-8 text (byte {exc.start})", "decode") from exc
    text = normalise(raw)
    return Document(
        doc_id=doc_id_of(text),
        source=file.source,
        text=text,
        sentences=split_sentences(text),
        content_hash=hashlib.sha256(data).hexdigest()[:16],
        size_bytes=len(data),
    )


def read_documents(files: Iterable[InputFile]) -> tuple[list[Document], list[RejectedInput]]:
    """Every file read: the documents and the rejects, in input order."""
    docs: list[Document] = []
    rejects: list[RejectedInput] = []
    for file in files:
        try:
            docs.append(read_document(file))
        except RejectedInput as exc:
            rejects.append(exc)
    return docs, rejects
