"""The default matter catalog (事项清单) that a new hall starts with.

Clerks check materials against it, the kiosk searches it, receipts print its promised days:
these tests hold it to the rules of the catalog format and of the reform plan.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

import pytest

CATALOG = Path(__file__).resolve().parents[2] / "hall_server" / "defaults" / "matters.toml"

DOMAINS = {
    "civil_affairs",
    "social_security",
    "medical_insurance",
    "agriculture",
    "family_planning",
    "disabled_persons",
    "veterans",
    "household_registration",
    "market_regulation",
    "tax",
}
CLASSES = {"高频", "低频", "阶段性", "转报"}
KINDS = {"即办", "承诺"}
MATTER_FIELDS = {
    "code": str,
    "name": str,
    "department": str,
    "domain": str,
    "class": str,
    "kind": str,
    "promised_days": int,
    "legal_days": int,
    "ticket_prefix": str,
    "handling_minutes": int,
    "forward_to": str,
    "conditions": str,
    "legal_basis": str,
    "keywords": list,
    "materials": list,
}
MATERIAL_FIELDS = {
    "name": str,
    "requirement": str,
    "sample": str,
    "original": bool,
    "copies": int,
    "required": bool,
}


def _load() -> list[dict]:
    with CATALOG.open("rb") as f:
        return tomllib.load(f)["matter"]


MATTERS = _load()


def _ids(matter: dict) -> str:
    return matter.get("code", "?")


def test_catalog_has_at_least_36_matters():
    assert len(MATTERS) >= 36


def test_every_required_domain_is_covered():
    assert {m["domain"] for m in MATTERS} == DOMAINS


def test_codes_and_names_are_unique():
    codes = Counter(m["code"] for m in MATTERS)
    names = Counter(m["name"] for m in MATTERS)
    assert [c for c, n in codes.items() if n > 1] == []
    assert [c for c, n in names.items() if n > 1] == []


def test_codes_are_department_letters_and_three_digits_consistent_per_domain():
    letters_by_domain: dict[str, set[str]] = defaultdict(set)
    for m in MATTERS:
        match = re.fullmatch(r"([A-Z]{2,3})(\d{3})", m["code"])
        assert match, m["code"]
        letters_by_domain[m["domain"]].add(match.group(1))
    assert all(len(letters) == 1 for letters in letters_by_domain.values()), letters_by_domain
    # two domains must not share letters either
    all_letters = [next(iter(v)) for v in letters_by_domain.values()]
    assert len(all_letters) == len(set(all_letters))


def test_every_catalog_stage_is_represented():
    assert {m["class"] for m in MATTERS} == CLASSES


@pytest.mark.parametrize("matter", MATTERS, ids=_ids)
def test_matter_has_every_field_with_the_loader_types(matter):
    assert set(matter) == set(MATTER_FIELDS)
    for field, typ in MATTER_FIELDS.items():
        assert isinstance(matter[field], typ), field
    for field in ("name", "department", "conditions", "legal_basis"):
        assert matter[field].strip(), field
    assert matter["domain"] in DOMAINS
    assert matter["class"] in CLASSES
    assert matter["kind"] in KINDS
    assert matter["handling_minutes"] > 0
    assert matter["keywords"] and all(isinstance(k, str) and k for k in matter["keywords"])


@pytest.mark.parametrize("matter", MATTERS, ids=_ids)
def test_promised_days_fit_the_kind_and_never_exceed_the_legal_limit(matter):
    if matter["kind"] == "承诺":
        assert 0 < matter["promised_days"] <= matter["legal_days"]
    else:
        assert matter["promised_days"] == 0
        assert matter["legal_days"] >= 0


@pytest.mark.parametrize("matter", MATTERS, ids=_ids)
def test_forwarded_matters_name_the_county_office_and_only_they_do(matter):
    if matter["class"] == "转报":
        assert matter["forward_to"].strip()
        assert matter["kind"] == "承诺"  # forwarding cannot finish on the spot
    else:
        assert matter["forward_to"] == ""


@pytest.mark.parametrize("matter", MATTERS, ids=_ids)
def test_ticket_prefix_separates_livelihood_from_enterprise_matters(matter):
    expected = "B" if matter["domain"] in {"market_regulation", "tax"} else "A"
    assert matter["ticket_prefix"] == expected


@pytest.mark.parametrize("matter", MATTERS, ids=_ids)
def test_materials_checklist_is_usable_at_the_window(matter):
    materials = matter["materials"]
    assert 2 <= len(materials) <= 6
    assert any(m["required"] and m["requirement"].strip() for m in materials)
    names = [m["name"] for m in materials]
    assert len(names) == len(set(names))
    for material in materials:
        assert set(material) == set(MATERIAL_FIELDS), material.get("name")
        for field, typ in MATERIAL_FIELDS.items():
            assert isinstance(material[field], typ), (material["name"], field)
        assert material["name"].strip() and material["requirement"].strip()
        assert material["copies"] >= 0
