"""Fixtures for the matter catalog admin tests: a matter to edit and where screenshots go."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHOTS = Path(os.environ.get("YICHUANG_SCREENSHOTS", "/tmp/catalog_admin_shots"))


@pytest.fixture
def admin(live_hall):
    return live_hall.client("admin")


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def public_matter(live_hall, code: str) -> dict | None:
    """The matter as the kiosk sees it (GET /api/v1/matters), or None if it is not offered."""
    items = live_hall.client("kiosk").get("/matters").json()["matters"]
    return next((m for m in items if m["code"] == code), None)


def stored_matter(admin, code: str) -> dict:
    return next(m for m in admin.get("/catalog/matters").json()["matters"] if m["code"] == code)
