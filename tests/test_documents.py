"""Reading documents: encodings, formats, metadata, sentences, discovery and bad input.

Every input is generated here in tmp_path; nothing binary is stored in the repo.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows import decoding, documents
from flows.decoding import (
    VIETNAMESE_LETTERS,
    DecodeError,
    decode_bytes,
    text_to_cp1258,
    text_to_tcvn3,
    text_to_vni,
)
from flows.documents import (
    Document,
    InputFile,
    RejectedInput,
    discover,
    doc_id_of,
    normalise,
    read_document,
    read_documents,
    split_sentences,
)

REPORT = (
    "Năm 2022, tỉnh Lạng Sơn tuyển sinh và đào tạo được 19.436 học viên, đạt 130,9% kế hoạch. "
    "Tỷ lệ lao động qua đào tạo đạt 60%. Tổng kim ngạch xuất nhập khẩu đạt 51.990,563 triệu USD, "
    "tăng 81,84% so với cùng kỳ năm trước.\n\n"
    "Toàn tỉnh hiện có 2 cơ sở giáo dục nghề nghiệp công lập; người lao động được hỗ trợ "
    "học nghề, giải quyết việc làm ổn định cuộc sống.\n"
)
LOWER_REPORT = REPORT.lower()


def write(tmp_path: Path, name: str, data: bytes | str) -> InputFile:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return InputFile(path, name)


def sentences_of(doc: Document) -> list[str]:
    return [doc.sentence_text(s) for s in doc.sentences]


def rejected(file: InputFile) -> RejectedInput:
    with pytest.raises(RejectedInput) as info:
        read_document(file)
    exc = info.value
    assert exc.source == file.source
    assert file.source in str(exc)
    assert "\n" not in str(exc)
    return exc


# --- text encodings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (REPORT.encode("utf-8"), "utf-8"),
        (REPORT.encode("utf-8-sig"), "utf-8 (BOM)"),
        (REPORT.encode("utf-16"), "utf-16 (BOM)"),
        (b"\xfe\xff" + REPORT.encode("utf-16-be"), "utf-16 (BOM)"),
        (REPORT.encode("utf-16-le"), "utf-16-le"),
        (text_to_cp1258(REPORT), "windows-1258"),
        (text_to_vni(REPORT), "vni"),
        (text_to_tcvn3(LOWER_REPORT), "tcvn3"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16-le-bom",
        "utf16-be-bom",
        "utf16-no-bom",
        "cp1258",
        "vni",
        "tcvn3",
    ],
)
def test_text_encodings_decode_to_the_same_nfc_text(tmp_path, data, encoding):
    doc = read_document(write(tmp_path, "bao cao.txt", data))
    expected = normalise(LOWER_REPORT if encoding == "tcvn3" else REPORT)
    assert doc.text == expected.strip("\n") or doc.text == expected
    assert doc.encoding == encoding
    assert doc.doc_id == doc_id_of(doc.text)
    assert unicodedata.is_normalized("NFC", doc.text)
    assert doc.size_bytes == len(data)


def test_cp1258_uses_combining_tone_marks_and_is_normalised(tmp_path):
    data = text_to_cp1258("Tỷ lệ hộ nghèo giảm còn 5,2%.")
    assert "\u0309".encode("cp1258") in data  # the hỏi mark is its own byte
    doc = read_document(write(tmp_path, "a.txt", data))
    assert doc.text == "Tỷ lệ hộ nghèo giảm còn 5,2%."


def test_nfd_and_nfc_give_the_same_document(tmp_path):
    nfc = read_document(write(tmp_path, "nfc.txt", REPORT))
    nfd = read_document(write(tmp_path, "nfd.txt", unicodedata.normalize("NFD", REPORT)))
    assert nfd.text == nfc.text
    assert nfd.doc_id == nfc.doc_id
    assert [(s.start, s.end) for s in nfd.sentences] == [(s.start, s.end) for s in nfc.sentences]


def test_crlf_line_ends_are_unified(tmp_path):
    doc = read_document(write(tmp_path, "a.txt", REPORT.replace("\n", "\r\n")))
    assert "\r" not in doc.text
    assert doc.doc_id == read_document(write(tmp_path, "b.txt", REPORT)).doc_id


def test_vni_table_round_trips_every_vietnamese_letter():
    letters = "".join(sorted(VIETNAMESE_LETTERS))
    assert decoding.vni_bytes_to_text(text_to_vni(letters)) == letters
    assert len(VIETNAMESE_LETTERS) == 134


def test_tcvn3_table_round_trips_lowercase_and_base_capitals():
    letters = "".join(sorted(ch for ch in VIETNAMESE_LETTERS if ch.islower())) + "ĂÂÊÔƠƯĐ"
    assert decoding.tcvn3_bytes_to_text(text_to_tcvn3(letters)) == letters
    assert text_to_tcvn3("đường") == b"\xae\xad\xea\x6e\x67"


def test_known_legacy_spellings():
    # "Việt Nam" and "được" as the VNI and TCVN3 fonts stored them
    assert decoding.vni_chars_to_text("Vieät Nam ñöôïc") == "Việt Nam được"
    assert decoding.tcvn3_chars_to_text("ViÖt Nam ®\xad\xeec") == "Việt Nam được"


@pytest.mark.parametrize("legacy", ["vni", "tcvn3"])
def test_legacy_letters_inside_utf8_are_converted(tmp_path, legacy):
    raw = text_to_vni(REPORT) if legacy == "vni" else text_to_tcvn3(LOWER_REPORT)
    doc = read_document(write(tmp_path, "a.txt", raw.decode("cp1252").encode("utf-8")))
    assert doc.encoding == f"utf-8+{legacy}"
    assert "đào tạo được 19.436 học viên" in doc.text


def test_unknown_8bit_encoding_is_rejected_with_the_reason(tmp_path):
    exc = rejected(write(tmp_path, "ru.txt", ("Привет мир, это отчёт. " * 40).encode("koi8-r")))
    assert exc.check in {"language", "decode"}


def test_decode_bytes_reports_truncated_utf8():
    data = "Kim ngạch đạt 59 tỷ USD, tăng trưởng mạnh".encode()[:-1]
    data = "Báo cáo tình hình kinh tế".encode() + "ệ".encode()[:2]
    with pytest.raises(DecodeError, match="truncated UTF-8"):
        decode_bytes(data)


# --- sentences -----------------------------------------------------------------------


def test_sentences_do_not_split_numbers_or_abbreviations():
    text = (
        "Theo TP. Hồ Chí Minh và Tp. Hà Nội, ThS. Nguyễn Văn An cho biết: năm 2023 đào tạo "
        "19.436 học viên. Kim ngạch đạt 51.990,563 triệu USD! Có đạt không? Đúng… "
        "Nông sản, thủy sản, v.v. Các mặt hàng khác tăng. Theo Quyết định số 1.234/QĐ-UBND "
        "ngày 5/6/2023, PGS. TS. Trần B chủ trì."
    )
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "Theo TP. Hồ Chí Minh và Tp. Hà Nội, ThS. Nguyễn Văn An cho biết: năm 2023 đào tạo "
        "19.436 học viên.",
        "Kim ngạch đạt 51.990,563 triệu USD!",
        "Có đạt không?",
        "Đúng…",
        "Nông sản, thủy sản, v.v. Các mặt hàng khác tăng.",
        "Theo Quyết định số 1.234/QĐ-UBND ngày 5/6/2023, PGS. TS. Trần B chủ trì.",
    ]


def test_sentence_ends_before_digit_and_quote_but_not_lowercase():
    text = 'Năm 2022 đạt 60%. 19 xã đạt chuẩn. "Đây là kết quả tốt" cho thấy... tiếp tục. hết'
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "Năm 2022 đạt 60%.",
        "19 xã đạt chuẩn.",
        '"Đây là kết quả tốt" cho thấy... tiếp tục. hết',
    ]


def test_paragraphs_headings_and_table_rows():
    text = (
        "I. TÌNH HÌNH KINH TẾ\n1. Công nghiệp tăng 5%.\n\nChỉ tiêu | 2023 | 2024\nThu | 10 | 11\n"
    )
    sents = split_sentences(text)
    assert [(text[s.start : s.end], s.paragraph) for s in sents] == [
        ("I. TÌNH HÌNH KINH TẾ", 0),
        ("1. Công nghiệp tăng 5%.", 0),
        ("Chỉ tiêu | 2023 | 2024", 1),
        ("Thu | 10 | 11", 1),
    ]


def test_sentence_offsets_are_on_the_nfc_text(tmp_path):
    doc = read_document(write(tmp_path, "a.txt", unicodedata.normalize("NFD", REPORT)))
    first = doc.sentence_text(doc.sentences[0])
    assert first.startswith("Năm 2022") and first.endswith("kế hoạch.")
    assert doc.text.index("19.436") < doc.sentences[0].end
    assert [s.paragraph for s in doc.sentences] == [0, 0, 0, 1]


def test_splitting_is_linear_on_hostile_runs():
    text = "." * 200_000 + " " + "!" * 200_000 + "\n" * 100_000 + " " * 100_000
    import time

    started = time.perf_counter()
    split_sentences(text)
    assert time.perf_counter() - started < 2


# --- formats -------------------------------------------------------------------------

HTML = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Lạng Sơn: đào tạo nghề vượt kế hoạch - Báo Lạng Sơn</title>
<meta property="og:title" content="Lạng Sơn: đào tạo nghề vượt kế hoạch">
<meta property="article:published_time" content="2023-01-05T08:30:00+07:00">
<link rel="canonical" href="https://baolangson.vn/dao-tao-nghe.html">
</head><body>
<nav><ul><li>Trang chủ</li><li>Thời sự</li><li>Kinh tế</li></ul></nav>
<article><h1>Lạng Sơn: đào tạo nghề vượt kế hoạch</h1>
<p>Năm 2022, tỉnh Lạng Sơn tuyển sinh và đào tạo được 19.436 học viên, đạt 130,9% kế hoạch
năm. Tỷ lệ lao động qua đào tạo đạt 60%, vượt chỉ tiêu Nghị quyết đề ra cho giai đoạn này.</p>
<table><tr><th>Chỉ tiêu</th><th>2023</th><th>2024</th></tr>
<tr><td>Thu ngân sách (tỷ đồng)</td><td>10.200</td><td>11.500</td></tr></table>
<p>Toàn tỉnh hiện có 2 cơ sở giáo dục nghề nghiệp công lập đang hoạt động hiệu quả.</p>
</article>
<footer>Bản quyền thuộc Báo Lạng Sơn. Giấy phép số 123/GP-BTTTT.</footer>
</body></html>"""


def test_saved_web_page_main_text_title_date_and_table(tmp_path):
    doc = read_document(write(tmp_path, "trang.html", HTML))
    assert doc.format == "html"
    assert doc.title == "Lạng Sơn: đào tạo nghề vượt kế hoạch"
    assert doc.published == date(2023, 1, 5)
    assert doc.url == "https://baolangson.vn/dao-tao-nghe.html"
    sents = sentences_of(doc)
    assert (
        "Tỷ lệ lao động qua đào tạo đạt 60%, vượt chỉ tiêu Nghị quyết đề ra cho giai đoạn này."
        in sents
    )
    assert "Chỉ tiêu | 2023 | 2024" in sents
    assert "Thu ngân sách (tỷ đồng) | 10.200 | 11.500" in sents
    assert "Trang chủ" not in doc.text and "Bản quyền" not in doc.text


def test_web_page_in_windows_1258_is_read(tmp_path):
    html = HTML.replace('<meta charset="utf-8">', '<meta charset="windows-1258">')
    doc = read_document(write(tmp_path, "cu.htm", text_to_cp1258(html)))
    assert "đào tạo được 19.436 học viên" in doc.text


def make_docx(path: Path, *, title: str = "") -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.core_properties.title = title
    document.add_heading("Báo cáo tình hình kinh tế - xã hội năm 2023", level=1)
    document.add_paragraph(
        "Năm 2023, tổng kim ngạch xuất nhập khẩu qua địa bàn tỉnh đạt 51.990,563 triệu USD."
    )
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [
            ("Chỉ tiêu", "2023", "2024"),
            ("Thu ngân sách", "10.200", "11.500"),
            ("Dân số", "802.000", "810.000"),
        ]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("Tỷ lệ hộ nghèo giảm còn 5,2%.")
    document.save(str(path))


def test_word_file_paragraphs_and_table_rows(tmp_path):
    path = tmp_path / "báo cáo.docx"
    make_docx(path, title="Báo cáo KT-XH 2023")
    doc = read_document(InputFile(path, path.name))
    assert doc.format == "docx"
    assert doc.title == "Báo cáo KT-XH 2023"
    assert sentences_of(doc) == [
        "Báo cáo tình hình kinh tế - xã hội năm 2023",
        "Năm 2023, tổng kim ngạch xuất nhập khẩu qua địa bàn tỉnh đạt 51.990,563 triệu USD.",
        "Chỉ tiêu | 2023 | 2024",
        "Thu ngân sách | 10.200 | 11.500",
        "Dân số | 802.000 | 810.000",
        "Tỷ lệ hộ nghèo giảm còn 5,2%.",
    ]
    assert [s.paragraph for s in doc.sentences] == [0, 1, 2, 2, 2, 3]


def test_word_file_with_vni_font_letters_is_converted(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph(text_to_vni(REPORT.split("\n")[0]).decode("cp1252"))
    path = tmp_path / "vni.docx"
    document.save(str(path))
    doc = read_document(InputFile(path, path.name))
    assert doc.encoding == "utf-8+vni"
    assert "tuyển sinh và đào tạo được 19.436 học viên" in doc.text


FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def make_pdf(path: Path, *, with_text: bool = True) -> None:
    fpdf = pytest.importorskip("fpdf")
    if not FONT.exists():
        pytest.skip("needs the DejaVu font to write Vietnamese into a PDF")
    pdf = fpdf.FPDF()
    pdf.set_title("Báo cáo kinh tế Lạng Sơn")
    pdf.add_page()
    pdf.add_font("dejavu", fname=str(FONT))
    pdf.set_font("dejavu", size=11)
    if with_text:
        pdf.multi_cell(
            0,
            6,
            "Năm 2023, tổng kim ngạch xuất nhập khẩu qua các cửa khẩu của tỉnh Lạng Sơn đạt "
            "51.990,563 triệu USD, tăng 81,84% so với cùng kỳ năm trước và đạt 130,9% kế hoạch.",
        )
        pdf.ln(4)
        with pdf.table(first_row_as_headings=False) as table:
            for values in [
                ("Chỉ tiêu", "2023", "2024"),
                ("Thu ngân sách (tỷ đồng)", "10.200", "11.500"),
            ]:
                row = table.row()
                for value in values:
                    row.cell(value)
        pdf.ln(4)
        pdf.multi_cell(0, 6, "Tỷ lệ lao động qua đào tạo đạt 60%.")
    else:
        pdf.rect(20, 20, 100, 60, style="F")  # a "scan": marks on the page, no text layer
    path.write_bytes(bytes(pdf.output()))


def test_pdf_text_layer_with_wrapped_lines_and_table(tmp_path):
    path = tmp_path / "bao-cao.pdf"
    make_pdf(path)
    doc = read_document(InputFile(path, path.name))
    assert doc.format == "pdf"
    assert doc.title == "Báo cáo kinh tế Lạng Sơn"
    sents = sentences_of(doc)
    assert (
        "Năm 2023, tổng kim ngạch xuất nhập khẩu qua các cửa khẩu của tỉnh Lạng Sơn đạt "
        "51.990,563 triệu USD, tăng 81,84% so với cùng kỳ năm trước và đạt 130,9% kế hoạch."
    ) in sents
    assert "Chỉ tiêu | 2023 | 2024" in sents
    assert "Thu ngân sách (tỷ đồng) | 10.200 | 11.500" in sents
    assert "Tỷ lệ lao động qua đào tạo đạt 60%." in sents


def test_pdf_without_text_layer_is_rejected(tmp_path):
    path = tmp_path / "scan.pdf"
    make_pdf(path, with_text=False)
    exc = rejected(InputFile(path, path.name))
    assert "no text layer" in exc.reason


# --- metadata ------------------------------------------------------------------------


@pytest.mark.parametrize("sidecar", ["bao-cao.txt.meta.json", "bao-cao.meta.json"])
def test_metadata_beside_the_file(tmp_path, sidecar):
    file = write(tmp_path, "bao-cao.txt", REPORT)
    meta = {"url": "https://langson.gov.vn/bc", "published": "2023-01-05", "province": "Lạng Sơn"}
    (tmp_path / sidecar).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    doc = read_document(file)
    assert (doc.url, doc.published, doc.province) == (meta["url"], date(2023, 1, 5), "Lạng Sơn")
    assert doc.doc_id == doc_id_of(normalise(REPORT))


def test_front_matter_is_metadata_and_not_text(tmp_path):
    front = (
        '---\ntitle: "Báo cáo năm"\nurl: https://x.vn/a\npublished: 05/01/2023\n'
        "province: Cao Bằng\n---\n"
    )
    doc = read_document(write(tmp_path, "a.md", front + REPORT))
    assert doc.text == normalise(REPORT)
    assert doc.title == "Báo cáo năm"
    assert doc.published == date(2023, 1, 5)
    assert doc.province == "Cao Bằng"
    assert doc.format == "md"


def test_sidecar_wins_over_front_matter_and_page(tmp_path):
    write(tmp_path, "trang.html.meta.json", '{"published": "2024-02-02", "province": "Lạng Sơn"}')
    doc = read_document(write(tmp_path, "trang.html", HTML))
    assert doc.published == date(2024, 2, 2)
    assert doc.title == "Lạng Sơn: đào tạo nghề vượt kế hoạch"


@pytest.mark.parametrize(
    ("published", "day", "precision"),
    [
        ("2025-08-26", date(2025, 8, 26), "day"),
        ("26/08/2025", date(2025, 8, 26), "day"),
        ("2025-08", date(2025, 8, 1), "month"),
        ("08/2025", date(2025, 8, 1), "month"),
    ],
)
def test_a_publication_date_is_kept_with_its_precision(tmp_path, published, day, precision):
    write(tmp_path, "bao_cao.meta.json", json.dumps({"published": published}))
    doc = read_document(write(tmp_path, "bao_cao.txt", REPORT))
    assert (doc.published, doc.published_precision) == (day, precision)


def test_a_report_without_a_date_has_no_precision(tmp_path):
    doc = read_document(write(tmp_path, "bao_cao.txt", REPORT))
    assert (doc.published, doc.published_precision) == (None, None)


@pytest.mark.parametrize(
    ("meta", "reason"),
    [
        ("{not json", "not readable JSON"),
        ('["a"]', "JSON object"),
        ('{"published": "hôm qua"}', "not a date"),
    ],
)
def test_bad_metadata_is_a_reject_naming_the_file(tmp_path, meta, reason):
    file = write(tmp_path, "a.txt", REPORT)
    write(tmp_path, "a.txt.meta.json", meta)
    exc = rejected(file)
    assert reason in exc.reason and exc.check == "metadata"


# --- discovering files -----------------------------------------------------------------


def test_discover_walks_folders_sorted_and_skips_hidden_and_metadata(tmp_path):
    root = tmp_path / "đầu vào"
    for name in ["b.txt", "a/z.txt", "a/c.html", ".hidden.txt", ".git/x.txt", "~$b.docx"]:
        write(root, name, REPORT)
    write(root, "b.txt.meta.json", '{"province": "Lạng Sơn"}')
    single = write(tmp_path, "một tệp có dấu cách.txt", REPORT)
    files, rejects = discover([root, single.path, tmp_path / "không có"])
    assert [f.source for f in files] == ["a/c.html", "a/z.txt", "b.txt", "một tệp có dấu cách.txt"]
    assert [r.source for r in rejects] == [str(tmp_path / "không có")]
    assert "no such file or folder" in rejects[0].reason
    docs, bad = read_documents(files)
    assert len(docs) == 4 and not bad, bad
    assert docs[2].province == "Lạng Sơn"


def test_discover_reports_a_symlink_loop_and_a_broken_link(tmp_path):
    root = tmp_path / "in"
    write(root, "sub/a.txt", REPORT)
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (root / "self").symlink_to(root / "self")
    files, rejects = discover([root])
    assert [f.source for f in files] == ["sub/a.txt"]
    reasons = {r.source: r.reason for r in rejects}
    assert reasons["sub/loop"].startswith("symbolic link loop")
    assert reasons["dangling.txt"] == "broken symbolic link"
    assert reasons["self"] == "symbolic link loop"


def test_discover_reports_an_unreadable_folder(tmp_path, monkeypatch):
    root = tmp_path / "in"
    write(root, "ok.txt", REPORT)
    write(root, "locked/x.txt", REPORT)
    real = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(documents.os, "scandir", scandir)
    files, rejects = discover([root])
    assert [f.source for f in files] == ["ok.txt"]
    assert [(r.source, r.reason) for r in rejects] == [
        ("locked", "cannot read folder: permission denied")
    ]


def test_discover_a_pipe_is_a_reject_not_a_hang(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    os.mkfifo(root / "pipe.txt")
    files, rejects = discover([root])
    assert files == [] and rejects[0].source == "pipe.txt"


# --- bad input -----------------------------------------------------------------------


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "check", "words"),
    [
        ("empty.txt", b"", "empty", "empty file"),
        ("blank.txt", " \n\t\r\n\u00a0\u3000\n".encode(), "empty", "only whitespace"),
        ("bom.txt", "\ufeff".encode(), "empty", "only whitespace"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary", "PNG image"),
        ("image.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary", "PNG image"),
        ("archive.txt", zip_bytes(), "binary", "zip archive"),
        ("archive.docx", zip_bytes(), "format", "Word"),
        ("fake.docx", b"this is not a word file", "format", "not a DOCX file"),
        ("fake.pdf", REPORT.encode(), "format", "not a PDF file"),
        ("broken.pdf", b"%PDF-1.7\n garbage", "format", "PDF"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "format", ".doc"),
        ("nul.txt", b"abc\x00\x01\x02\x03def" * 50, "binary", "binary"),
        (
            "cut.txt",
            REPORT.encode()[: REPORT.encode().index("ạ".encode()) + 2],
            "decode",
            "truncated UTF-8",
        ),
        ("bad.txt", REPORT.encode() + b"\xff\xfe\xfa" + REPORT.encode(), "decode", "invalid UTF-8"),
        (
            "english.txt",
            ("The province reported strong growth in trade. " * 20).encode(),
            "language",
            "not Vietnamese",
        ),
    ],
)
def test_bad_input_is_a_one_line_reject_naming_the_file(tmp_path, name, data, check, words):
    exc = rejected(write(tmp_path, name, data))
    assert exc.check == check, exc.reason
    assert words in exc.reason


def test_text_without_numbers_is_a_document(tmp_path):
    doc = read_document(write(tmp_path, "a.txt", "Hội nghị tổng kết công tác năm của tỉnh.\n"))
    assert sentences_of(doc) == ["Hội nghị tổng kết công tác năm của tỉnh."]


def test_short_text_with_few_letters_is_not_judged_for_language(tmp_path):
    doc = read_document(write(tmp_path, "a.txt", "GRDP | 2023 | 2024\n5,2 | 6,1 | 7,3\n"))
    assert len(doc.sentences) == 2


def test_file_that_changes_while_read_is_rejected(tmp_path, monkeypatch):
    file = write(tmp_path, "growing.txt", REPORT)
    real = documents._read_bytes

    def read_then_append(path):
        data = real(path)
        with open(path, "ab") as handle:
            handle.write(b"them mot dong\n")
        return data

    monkeypatch.setattr(documents, "_read_bytes", read_then_append)
    exc = rejected(file)
    assert exc.check == "changed" and "changed while being read" in exc.reason


def test_unreadable_file_is_rejected(tmp_path, monkeypatch):
    file = write(tmp_path, "locked.txt", REPORT)
    if os.geteuid() != 0:
        file.path.chmod(0)
    else:  # root reads anything: make the open fail as it does for other users

        def deny(path):
            raise PermissionError(13, "Permission denied", str(path))

        monkeypatch.setattr(documents, "_read_bytes", deny)
    exc = rejected(file)
    assert exc.reason == "cannot read file: permission denied"


def test_file_removed_after_discovery_is_rejected(tmp_path):
    file = write(tmp_path, "gone.txt", REPORT)
    file.path.unlink()
    assert "file vanished" in rejected(file).reason


def test_read_documents_keeps_going_after_a_reject(tmp_path):
    files = [
        write(tmp_path, "a.txt", REPORT),
        write(tmp_path, "b.txt", b""),
        write(tmp_path, "c.txt", REPORT),
    ]
    docs, rejects = read_documents(files)
    assert [d.source for d in docs] == ["a.txt", "c.txt"]
    assert [r.source for r in rejects] == ["b.txt"]


@pytest.mark.slow
def test_fifty_megabyte_text_loads_with_bounded_memory(tmp_path):
    path = tmp_path / "lon.txt"
    block = (REPORT * 40).encode()
    with open(path, "wb") as handle:
        for _ in range(50 * 2**20 // len(block) + 1):
            handle.write(block)
    script = textwrap.dedent(
        f"""
        import resource, time
        from pathlib import Path
        from flows.documents import InputFile, read_document
        started = time.perf_counter()
        doc = read_document(InputFile(Path({str(path)!r}), "lon.txt"))
        seconds = time.perf_counter() - started
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(len(doc.text), len(doc.sentences), round(seconds, 2), round(rss))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    chars, n_sentences, seconds, rss_mb = out.stdout.split()
    print(f"50 MB text: {chars} chars, {n_sentences} sentences, {seconds} s, peak RSS {rss_mb} MB")
    assert path.stat().st_size >= 50 * 2**20 and int(n_sentences) > 100_000
    assert float(rss_mb) < 1536, f"peak RSS {rss_mb} MB"
    assert float(seconds) < 30


# --- fuzzing -------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_splitter_spans_are_inside_the_text_and_in_order(text):
    text = normalise(text)
    previous_end = 0
    previous_paragraph = 0
    for s in split_sentences(text):
        assert previous_end <= s.start < s.end <= len(text)
        assert s.paragraph >= previous_paragraph
        assert text[s.start : s.end].strip() == text[s.start : s.end]
        previous_end, previous_paragraph = s.end, s.paragraph
    doc_id_of(text)


VIETNAMESE_PIECES = st.lists(
    st.sampled_from(
        ["Năm", "2023", "đạt", "19.436", "học viên", "TP.", "Hồ Chí Minh", ". ", "! ", "… ", "\n",
         "\n\n", " ", "v.v.", "51.990,563", "triệu USD", "“", "”", "tăng", "81,84%", "Hòa", "thủy"]
    ),
    max_size=40,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(VIETNAMESE_PIECES)
def test_splitter_on_mutated_report_sentences(pieces):
    text = normalise("".join(pieces))
    covered = "".join(text[s.start : s.end] for s in split_sentences(text))
    assert "".join(covered.split()) == "".join(text.split())  # no text lost or doubled


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.binary(max_size=600)
    | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))
)
def test_reader_never_raises_anything_but_a_reject(tmp_path, data):
    file = write(tmp_path, "fuzz.txt", data)
    try:
        doc = read_document(file)
    except RejectedInput as exc:
        assert exc.source == "fuzz.txt" and "\n" not in exc.reason
    else:
        assert all(0 <= s.start < s.end <= len(doc.text) for s in doc.sentences)


@pytest.mark.parametrize("name", ["facts.jsonl", "bang.csv", "run.log", "data.json"])
def test_a_data_file_beside_the_reports_is_rejected_as_unsupported(tmp_path, name):
    path = tmp_path / name
    path.write_text('{"value": 19436, "text": "Năm 2022 tuyển sinh 19.436 học viên"}\n', "utf-8")
    with pytest.raises(RejectedInput) as caught:
        read_document(InputFile(path, name))
    assert caught.value.check == "format"
    assert f"unsupported file type '{path.suffix}'" in caught.value.reason
    assert name in str(caught.value)


def test_a_text_file_without_a_suffix_is_read_as_text(tmp_path):
    path = tmp_path / "BAOCAO"
    path.write_text("Năm 2022, tỉnh tuyển sinh 19.436 học viên.", "utf-8")
    assert read_document(InputFile(path, "BAOCAO")).format == "txt"
