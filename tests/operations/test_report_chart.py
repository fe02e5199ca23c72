"""The monthly PDF's volume chart, drawn by reportlab and read back with poppler: whole tickets on its
axis on a quiet month, and a legend that says which bar is which."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from reportlab.graphics import renderPDF

from hall_server.documents.monthly_report import _bar_chart
from hall_server.documents.pdf import cjk_font


def chart_text(rows: list[dict], tmp_path: Path) -> str:
    pdf = tmp_path / "chart.pdf"
    renderPDF.drawToFile(_bar_chart(rows, cjk_font(), "每日取号与办理"), str(pdf))
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", str(pdf), str(tmp_path / "chart")], check=True)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("counts", [[(1, 1), (0, 0), (1, 0), (2, 1)], [(3, 2), (7, 7), (0, 0)], [(41, 38), (57, 50)]])
def test_volume_chart_counts_whole_tickets_and_has_a_legend(counts, tmp_path):
    rows = [{"label": f"2026-11-{d:02d}", "issued": i, "served": s} for d, (i, s) in enumerate(counts, 1)]
    text = chart_text(rows, tmp_path)
    assert not re.search(r"\d\.\d", text), text  # no 0.2 or 0.5 of a ticket on the axis
    for name in ("取号", "办理"):  # in the title (每日取号与办理) and again in the legend
        assert text.count(name) == 2, text
    axis = [int(n) for n in re.findall(r"(?m)^\s*(\d+)\s*$", text)]
    assert max(axis) >= max(max(pair) for pair in counts)  # the axis reaches the tallest bar
