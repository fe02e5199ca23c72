"""Where a case document's end lands on A4: the applicant's signature line and the hall's seal stay
with the text they close, read back from the PDF with poppler (pdfinfo, pdftotext, pdftoppm)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from hall_server.documents import CaseDocument, render_pdf
from tests.cases.conftest import all_submitted, open_case

SEAL = "（盖章）"
SIGNATURE = "申请人（签字）"


def pages_of(pdf: bytes, tmp_path: Path, name: str) -> list[str]:
    """The text of each page (pdftotext -layout), after rendering every page to PNG for a look."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(tmp_path / name)], check=True)
    assert len(list(tmp_path.glob(f"{name}-*.png"))) == count
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]


def test_acceptance_notice_of_five_materials_and_a_proxy_fits_one_page_with_its_seal(hall, matters, tmp_path):
    clerk = hall.client("clerk-1")
    matter = matters["MZ005"]  # five materials, the most of any 承诺件 in the catalog
    case = open_case(clerk, matter, proxy_name="张大山")
    r = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={
            "outcome": "accept",
            "materials": all_submitted(matter),
            "identity_checked": True,
            "proxy_authorized": True,
        },
    )
    assert r.status_code == 200, r.text
    pages = pages_of(clerk.get(f"/cases/{case['case_no']}/documents/acceptance.pdf").content, tmp_path, "acc")
    assert len(pages) == 1
    lines = pages[0].splitlines()
    last_material = max(i for i, line in enumerate(lines) if any(m["name"] in line for m in matter["materials"]))
    signature = next(i for i, line in enumerate(lines) if SIGNATURE in line)
    seal = next(i for i, line in enumerate(lines) if SEAL in line)
    assert last_material < signature < seal  # below the checklist, on the same sheet
    assert "2026年11月26日" in "\n".join(lines[seal:])


def long_notice(materials: int) -> CaseDocument:
    doc = CaseDocument(
        "acceptance",
        "金寨县斑竹园镇便民服务中心",
        "受理通知书",
        "斑受〔2026〕0001号",
        [("办件号", "2026-00001"), ("申请人", "张小三"), ("办理事项", "临时救助申请"), ("承办部门", "民政办")],
    )
    doc.table_title = "已收取材料"
    doc.table = [["材料名称", "情况"]] + [[f"第{i + 1}号证明材料", "已收"] for i in range(materials)]
    doc.paragraphs = ["凭办件号 2026-00001 和查询码 123456 可在大厅自助取号机或手机上查询办理进度。"]
    doc.signature_line = True
    doc.progress_url = "http://127.0.0.1/cases-ui/progress?no=2026-00001"
    doc.book_url = "http://127.0.0.1/book"
    doc.issued_on = "2026年11月26日"
    return doc


@pytest.mark.parametrize("materials", [16, 19])  # just past one page, and the seal's old split
def test_a_notice_too_long_for_one_page_takes_its_closing_text_with_the_seal_to_the_next(materials, tmp_path):
    pages = pages_of(render_pdf(long_notice(materials)), tmp_path, f"long{materials}")
    with_seal = [text for text in pages if SEAL in text]
    assert len(with_seal) == 1
    # The seal never stands alone: the signature line and the text it closes are on its page.
    assert SIGNATURE in with_seal[0] and "查询办理进度" in with_seal[0]
    assert len(pages) <= 2
