"""A4 PDF of a case document, with a CJK font embedded so any office printer prints it."""

from __future__ import annotations

import functools
import io
import logging
import os
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from hall_common.i18n import message

from ..core.signature_image import printable_png
from .layout import CaseDocument

log = logging.getLogger(__name__)

FONT_NAME = "YichuangCJK"
# (path, face index) in order of preference; YICHUANG_CJK_FONT=path[:index] comes first.
FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
)


@functools.cache
def cjk_font() -> str:
    candidates = list(FONT_CANDIDATES)
    env = os.environ.get("YICHUANG_CJK_FONT")
    if env:
        env_path, _, env_index = env.partition(":")
        candidates.insert(0, (env_path, int(env_index or 0)))
    for path, index in candidates:
        if os.path.exists(path):
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=index))
            return FONT_NAME
    raise RuntimeError("no CJK font for PDF documents: install fonts-wqy-microhei or set YICHUANG_CJK_FONT")


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=11.5, leading=18, wordWrap="CJK")
    return {
        "body": base,
        "hall": ParagraphStyle("hall", parent=base, fontSize=13, alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=base, fontSize=22, leading=30, alignment=TA_CENTER),
        "number": ParagraphStyle("number", parent=base, alignment=TA_RIGHT),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10.5, leading=15),
        "caption": ParagraphStyle("caption", parent=base, fontSize=9.5, leading=13),
        "head": ParagraphStyle("head", parent=base, fontSize=12, leading=18, spaceBefore=6),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
    }


def _qr(url: str, size: float) -> Drawing:
    """A QR code of ``url`` drawn by reportlab itself (vector, no extra library)."""
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    drawing.hAlign = "LEFT"
    return drawing


def _facts_table(rows: list[tuple[str, str]], font: str, grid: TableStyle, p: Any, width: float) -> Table:
    """The label/value rows in a four-column grid, two short facts a line (受理日期 | 承诺时限) and a
    long one (the matter's name) across the line: one fact a line made a 受理通知书 of a five-material
    matter with a proxy 13 rows (89 mm) long and pushed its end onto a second A4 page."""
    pad = 12  # the cell's left and right padding (6 pt each), in points
    # As wide as the longest label (与受送达人关系 on one line), at most the 38 mm of one fact a line.
    label_w = min(max((pdfmetrics.stringWidth(label, font, 10.5) for label, _ in rows), default=0) + pad + 1, 38 * mm)
    value_w = width / 2 - label_w

    def short(label: str, value: str) -> bool:
        return (
            pdfmetrics.stringWidth(label, font, 10.5) <= label_w - pad
            and pdfmetrics.stringWidth(value, font, 10.5) <= value_w - pad
        )

    cells: list[list[Any]] = []
    spans: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    i = 0
    while i < len(rows):
        label, value = rows[i]
        if i + 1 < len(rows) and short(label, value) and short(*rows[i + 1]):
            cells.append([p(label, "cell"), p(value, "cell"), p(rows[i + 1][0], "cell"), p(rows[i + 1][1], "cell")])
            i += 2
            continue
        cells.append([p(label, "cell"), p(value, "cell"), "", ""])
        spans.append(("SPAN", (1, len(cells) - 1), (3, len(cells) - 1)))
        i += 1
    table = Table(cells, colWidths=[label_w, value_w, label_w, value_w])
    table.setStyle(TableStyle(list(grid.getCommands()) + spans))
    return table


def _closing(doc: CaseDocument, locale: str, st: dict[str, ParagraphStyle], p: Any, width: float) -> list[Flowable]:
    """The document's end: its last paragraphs, the signature image, the QR codes, the applicant's
    signature line and the seal with the date, kept together on one page.

    The QR codes sit beside the seal instead of above it: stacked, a 受理通知书 of a four-material
    matter measured 41 mm too long for A4 and its 签字/盖章 block fell alone onto a second page. Side
    by side it fits on one page; a longer checklist moves the whole block, with the text it closes,
    to the next page, never the seal alone."""
    block: list[Flowable] = [p(text) for text in doc.paragraphs if text]
    if doc.signature_png is not None:
        block += [Spacer(1, 4 * mm), p(message("documents.receipt_signature", locale), "head")]
        png = printable_png(doc.signature_png)
        if png is None:
            # Archived before the delivery checked its image: the receipt still prints, the stored
            # bytes stay as they are, and the log says which one to look at.
            log.warning("receipt %s: the stored signature image cannot be read; printed without it", doc.number)
            block.append(p(message("documents.signature_unreadable", locale)))
        else:
            reader = ImageReader(io.BytesIO(png))
            w, h = reader.getSize()
            scale = min(70 * mm / w, 30 * mm / h)
            block.append(Image(io.BytesIO(png), width=w * scale, height=h * scale, hAlign="LEFT"))
    if doc.signature_line:
        block += [Spacer(1, 5 * mm), p(message("documents.signature_line", locale))]
    seal = [p(message("documents.seal_line", locale, hall=doc.hall), "right"), p(doc.issued_on, "right")]
    # (address, QR size, caption, column): 55 mm holds the progress caption on one line (50 mm at
    # 9.5 pt), 45 mm the booking one on two, and the 70 mm left hold the seal line (69 mm at 11.5 pt).
    codes = [
        (doc.progress_url, 28 * mm, "documents.progress_qr", 55 * mm),
        (doc.book_url, 22 * mm, "documents.book_qr", 45 * mm),
    ]
    codes = [code for code in codes if code[0]]
    if codes:
        # The progress QR, and the smaller 扫码预约 one for coming back by appointment; the seal at the right.
        cells = [
            [_qr(url, size) for url, size, _, _ in codes],
            [p(message(key, locale), "caption") for *_, key, _ in codes],
        ]
        qr_table = Table(cells, colWidths=[column for *_, column in codes], hAlign="LEFT")
        qr_table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm),
                ]
            )
        )
        used = sum(column for *_, column in codes)
        end = Table([[qr_table, seal]], colWidths=[used, width - used])
        end.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        block += [Spacer(1, 4 * mm), end]
    else:
        block += [Spacer(1, 12 * mm), *seal]
    return [KeepTogether(block)]


def render_pdf(doc: CaseDocument, locale: str = "zh_CN") -> bytes:
    font = cjk_font()
    st = _styles(font)
    p = lambda text, style="body": Paragraph(escape(text), st[style])  # noqa: E731
    width = A4[0] - 40 * mm
    story = [
        p(doc.hall, "hall"),
        Spacer(1, 3 * mm),
        p(doc.title, "title"),
        Spacer(1, 2 * mm),
        p(doc.number, "number"),
        Spacer(1, 4 * mm),
    ]
    story += [p(text) for text in doc.paragraphs_before if text]
    if doc.paragraphs_before:
        story.append(Spacer(1, 3 * mm))
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
    )
    story.append(_facts_table(doc.rows, font, grid, p, width))
    if doc.table:
        story += [Spacer(1, 4 * mm), p(doc.table_title, "head"), Spacer(1, 2 * mm)]
        cols = len(doc.table[0])
        widths = (
            [width]
            if cols == 1
            else [55 * mm, 25 * mm, width - 80 * mm][:cols]
            if cols == 3
            else [width - 40 * mm, 40 * mm]
        )
        t = Table([[p(c, "cell") for c in r] for r in doc.table], colWidths=widths, repeatRows=1)
        t.setStyle(TableStyle(list(grid.getCommands()) + [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]))
        story.append(t)
    story.append(Spacer(1, 4 * mm))
    story += _closing(doc, locale, st, p, width)
    out = io.BytesIO()
    # Fixed metadata: the same case prints the same document, byte for byte apart from the PDF id.
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{doc.title} {doc.number}",
        author=doc.hall,
        creator="yichuang",
        invariant=1,
    ).build(story)
    return out.getvalue()
