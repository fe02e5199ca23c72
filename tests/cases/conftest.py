"""Fixtures for the case (办件) tests: a back-office token, matters by code, a signature image."""
from __future__ import annotations

import base64
import io

import pytest
from PIL import Image, ImageDraw


@pytest.fixture
def hall(live_hall):
    """live_hall plus a 民政办 back-office token ("backoffice") and one for 人社所 ("backoffice-rs")."""
    live_hall.tokens["backoffice"] = live_hall.server.tokens.create(live_hall.hall_id, "backoffice", label="民政办")
    live_hall.tokens["backoffice-rs"] = live_hall.server.tokens.create(live_hall.hall_id, "backoffice",
                                                                       label="dept:人社所")
    return live_hall


@pytest.fixture
def matters(hall):
    """Matter code -> matter JSON (with its checklist), as the window terminal sees it."""
    data = hall.client("clerk-1").get("/matters").json()["matters"]
    return {m["code"]: m for m in data}


@pytest.fixture(scope="session")
def signature_png() -> str:
    """A small PNG of a scribbled signature, base64 as a signature pad sends it."""
    img = Image.new("RGB", (240, 90), "white")
    draw = ImageDraw.Draw(img)
    draw.line([(10, 60), (50, 20), (90, 70), (130, 25), (170, 65), (225, 30)], fill="black", width=4)
    out = io.BytesIO()
    img.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def all_submitted(matter: dict) -> list[dict]:
    return [{"name": m["name"], "status": "submitted"} for m in matter["materials"]]


def open_case(client, matter: dict, **extra) -> dict:
    body = {"matter_id": matter["id"], "applicant_name": "张小三", "phone": "13800001234", **extra}
    r = client.post("/cases", json=body)
    assert r.status_code == 201, r.text
    return r.json()
