"""The short thermal version of a case document (80 mm roll at the window)."""

from __future__ import annotations

from hall_common.i18n import message
from hardware.printer import Align, Block, Cut, Feed, Rule, Text, encode

from .layout import CaseDocument


def thermal_blocks(doc: CaseDocument, locale: str = "zh_CN") -> list[Block]:
    c = Align.CENTER
    blocks: list[Block] = [
        Text(doc.hall, align=c, bold=True),
        Text(doc.title, width=2, height=2, align=c, bold=True),
        Text(doc.number, align=c),
        Rule(),
    ]
    blocks += [Text(f"{label}：{value}") for label, value in doc.rows]
    blocks += [Text(t) for t in doc.paragraphs_before if t]
    if doc.table:
        blocks += [Rule(), Text(doc.table_title, bold=True)]
        # Short form: name and status; the requirement only where something must be supplied.
        for row in doc.table[1:]:
            blocks.append(Text("· " + "  ".join(row[:2])))
            if len(row) > 2 and row[2]:
                blocks.append(Text("  " + row[2]))
    blocks.append(Rule())
    blocks += [Text(t) for t in doc.paragraphs if t]
    if doc.signature_line:
        blocks += [Feed(1), Text(message("documents.signature_line", locale))]
    blocks += [
        Feed(1),
        Text(message("documents.seal_line", locale, hall=doc.hall), align=Align.RIGHT),
        Text(doc.issued_on, align=Align.RIGHT),
        Cut(partial=True, feed_lines=4),
    ]
    return blocks


def thermal_bytes(doc: CaseDocument, locale: str = "zh_CN") -> bytes:
    return encode(thermal_blocks(doc, locale))
