"""A4 PDF of a case document, with a CJK font embedded so any office printer prints it."""

from __future__ import annotations

import functools
import io
import os
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
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from hall_common.i18n import message

from .layout import CaseDocument

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
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
    )
    rows = [[p(label, "cell"), p(value, "cell")] for label, value in doc.rows]
    table = Table(rows, colWidths=[38 * mm, width - 38 * mm])
    table.setStyle(grid)
    story.append(table)
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
    story += [p(text) for text in doc.paragraphs if text]
    if doc.signature_png:
        story += [Spacer(1, 4 * mm), p(message("documents.receipt_signature", locale), "head")]
        reader = ImageReader(io.BytesIO(doc.signature_png))
        w, h = reader.getSize()
        scale = min(70 * mm / w, 30 * mm / h)
        story.append(Image(io.BytesIO(doc.signature_png), width=w * scale, height=h * scale, hAlign="LEFT"))
    codes = [(doc.progress_url, 28 * mm, "documents.progress_qr"), (doc.book_url, 22 * mm, "documents.book_qr")]
    codes = [(url, size, key) for url, size, key in codes if url]
    if codes:
        # Side by side: the progress QR, and the smaller 扫码预约 one for coming back by appointment.
        cells = [[_qr(url, size) for url, size, _ in codes], [p(message(key, locale), "cell") for _, _, key in codes]]
        qr_table = Table(cells, colWidths=[width / 2] * len(codes), hAlign="LEFT")
        qr_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        story += [Spacer(1, 4 * mm), qr_table]
    if doc.signature_line:
        story += [Spacer(1, 10 * mm), p(message("documents.signature_line", locale))]
    story += [
        Spacer(1, 12 * mm),
        p(message("documents.seal_line", locale, hall=doc.hall), "right"),
        p(doc.issued_on, "right"),
    ]
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
