"""Every declared body and query is answered exactly as jsonschema answers it: the validator's fast
path for flat objects of scalars (hall_server/api/validation.py) may only skip work, never a refusal."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hall_server.api import create_app  # noqa: F401  (imports every route module, so every declaration)
from hall_server.api.routes import spec
from hall_server.api.validation import _check_text, _invalid, _validator, validate
from hall_server.core.errors import InvalidInput

SCHEMAS = [s for op in spec.operations for s in (op.body, op.query) if s is not None]
NAMES = sorted({n for s in SCHEMAS for n in s.get("properties", {})} | {"colour"})
TEXT = st.one_of(
    st.text(max_size=4),
    st.text(alphabet="0123456789-:ABCX", min_size=0, max_size=70),
    st.sampled_from(["", "\x00", "\ud800", "a\x00b", "x" * 16, "x" * 17, "x" * 500, "x" * 501, "综合业务"]),
)
INTS = st.one_of(st.integers(-5, 40), st.sampled_from([-(2**31) - 1, -(2**31), 2**31 - 1, 2**31, 2**63]))
SCALARS = st.one_of(
    st.none(), st.booleans(), INTS, st.floats(allow_nan=False), TEXT, st.lists(st.integers(), max_size=2)
)


def answer(schema: dict[str, Any], data: dict[str, Any]) -> Any:
    try:
        return ("ok", validate(schema, data))
    except InvalidInput as e:
        return ("refused", e.code, e.params)


def jsonschema_answer(schema: dict[str, Any], data: dict[str, Any]) -> Any:
    """What validate() answered before the fast path: jsonschema's first error, then the text check."""
    errors = sorted(_validator(schema).iter_errors(data), key=lambda e: (len(e.path), list(map(str, e.path))))
    try:
        if errors:
            raise _invalid(errors[0])
        _check_text(data, "")
    except InvalidInput as e:
        return ("refused", e.code, e.params)
    return ("ok", data)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SCHEMAS), st.data())
def test_every_declared_body_gets_the_answer_jsonschema_gives(schema, data):
    declared = sorted(schema.get("properties", {}))
    names = st.sampled_from(declared + ["colour"]) if declared else st.sampled_from(NAMES)
    # Often the declared fields with values of their kind, so bodies the fast path accepts are common too.
    body = data.draw(st.dictionaries(names, SCALARS, max_size=6))
    assert answer(schema, body) == jsonschema_answer(schema, body)


def test_a_ticket_body_at_its_limits_is_accepted_and_one_past_them_refused_naming_the_field():
    schema = next(op.body for op in spec.operations if op.path == "/tickets" and op.method == "POST")
    ok = {"matter_id": 2**31 - 1, "request_id": "r" * 64, "accept_late_risk": True, "phone_tail": None}
    assert answer(schema, ok) == ("ok", ok)
    assert answer(schema, {**ok, "request_id": "r" * 65})[:2] == ("refused", "field_too_long")
    assert answer(schema, {**ok, "matter_id": 2**31})[:2] == ("refused", "field_range")
    assert answer(schema, {**ok, "accept_late_risk": 1})[:2] == ("refused", "field_type")
    assert answer(schema, {**ok, "case_no": "A\x00"})[:2] == ("refused", "field_bad_characters")
