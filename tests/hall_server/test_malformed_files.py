"""A malformed hall file, catalog TOML or catalog workbook gets the clean Chinese message naming the
file, the place and what was expected, never a Python traceback. The cases below were found by
fuzzing (wrong types, missing tables, bad times, bytes flipped or cut off); the hypothesis tests keep
fuzzing both TOML loaders on every run."""

from __future__ import annotations

import copy
import json
import tomllib
from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hall_server.catalog_io import export_workbook
from hall_server.core.catalog import CatalogEntry, default_catalog, parse_catalog
from hall_server.core.errors import ConfigError
from hall_server.core.hall_config import parse_hall_config, pilot_hall_text
from yichuang.cli import main

PILOT = tomllib.loads(pilot_hall_text())
CATALOG = tomllib.loads((resources.files("hall_server") / "defaults" / "matters.toml").read_text("utf-8"))


def toml(data: dict) -> str:
    """TOML text of ``data`` (inline tables: the loaders see the same structure as with [tables])."""

    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + "}"
        return json.dumps(str(v))

    return "\n".join(f"{json.dumps(k)} = {value(v)}" for k, v in data.items())


def changed(base: dict, path: tuple, new) -> dict:
    data = copy.deepcopy(base)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return data


def refusal(parse, data: dict) -> str:
    with pytest.raises(ConfigError) as exc:
        parse(toml(data))
    return str(exc.value)


def hall(text: str):
    return parse_hall_config(text, "hall-b.toml")


def catalog(text: str):
    return parse_catalog(text, "matters-b.toml")


@pytest.mark.parametrize(
    ("path", "value", "place"),
    [
        (("priority_groups",), 3, "[[priority_groups]]"),  # a number where the groups go
        (("priority_groups", 0), "老年人", "[[priority_groups]]"),  # a group that is no table
        (("windows", 0), "1号窗口", "[[windows]]"),  # a window that is no table
        (("slots",), {"start": "17:30"}, "[[slots]]"),  # one [slots] table instead of [[slots]]
    ],
)
def test_hall_file_with_a_wrong_table_names_the_file_and_the_place(path, value, place):
    text = refusal(hall, changed(PILOT, path, value))
    assert "hall-b.toml" in text and place in text and "不正确：应为" in text


def test_hall_file_with_weekdays_that_are_a_number_names_the_slot():
    data = changed(PILOT, ("slots",), [{"start": "17:30", "end": "18:30", "weekdays": 5}])
    text = refusal(hall, data)
    assert "hall-b.toml" in text and "slots[0].weekdays" in text


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (lambda m: m.__setitem__("materials", 2), "matter[0].materials"),
        (lambda m: m["materials"][0].pop("name"), "matter[0].materials[0].name"),
        (lambda m: m["materials"][0].__setitem__("copies", ""), "matter[0].materials[0].copies"),
        (lambda m: m.__setitem__("keywords", [1, 2]), "matter[0].keywords"),
    ],
)
def test_catalog_toml_with_a_bad_material_names_the_file_and_the_place(change, place):
    data = copy.deepcopy(CATALOG)
    change(data["matter"][0])
    text = refusal(catalog, data)
    assert "matters-b.toml" in text and place in text


def test_catalog_toml_whose_matters_are_one_table_names_the_file():
    assert "[[matter]]" in refusal(catalog, {"matter": {"code": "X"}})


def _paths(v, p=()):
    if p:
        yield p
    if isinstance(v, dict):
        for k, x in v.items():
            yield from _paths(x, (*p, k))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from _paths(x, (*p, i))


WRONG = st.one_of(
    st.integers(-5, 100_000),
    st.text(max_size=5),
    st.sampled_from(["25:00", "09:00-08:00", "2026-13-01", "mon", ""]),
    st.booleans(),
    st.floats(allow_nan=False),
    st.lists(st.integers(-2, 5), max_size=3),
    st.just({}),
    st.just([{}]),
    st.just([[]]),
)
FEW_MATTERS = {"matter": CATALOG["matter"][:3]}  # every kind of field, at a tenth of the cost
FUZZ = settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(list(_paths(PILOT))), WRONG), min_size=1, max_size=3))
def test_any_hall_file_with_wrong_values_is_loaded_or_refused_cleanly(changes):
    data = PILOT
    for path, value in changes:
        try:
            data = changed(data, path, value)
        except (KeyError, IndexError, TypeError):
            pass  # an earlier change removed that place
    try:
        hall(toml(data))
    except ConfigError as exc:
        assert "hall-b.toml" in str(exc)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(list(_paths(FEW_MATTERS))), WRONG), min_size=1, max_size=3))
def test_any_catalog_toml_with_wrong_values_is_loaded_or_refused_cleanly(changes):
    data = FEW_MATTERS
    for path, value in changes:
        try:
            data = changed(data, path, value)
        except (KeyError, IndexError, TypeError):
            pass
    try:
        catalog(toml(data))
    except ConfigError as exc:
        assert "matters-b.toml" in str(exc)


def _workbook() -> bytes:
    return export_workbook([CatalogEntry(m, i, True) for i, m in enumerate(default_catalog())])


@pytest.mark.parametrize("damage", ["cut off", "bytes flipped"])
def test_catalog_import_of_a_damaged_workbook_says_so_naming_the_file(tmp_path, capsys, damage):
    data = bytearray(_workbook())
    if damage == "cut off":
        data = data[: len(data) * 2 // 3]  # a download that stopped
    else:
        for i in range(200, len(data) - 2000, 997):  # inside the compressed sheets
            data[i] ^= 0x5A
    path = tmp_path / "事项清单.xlsx"
    path.write_bytes(bytes(data))
    assert main(["catalog", "import", str(path), "--data", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "未做任何修改" in err
    assert "已损坏或不完整" in err or "无法读取 Excel 文件" in err
    assert "Traceback" not in err
