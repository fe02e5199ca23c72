"""Every event type the stream offers has its payload declared (services/event_payloads.py), so
mypy checks the dict each caller of append_event writes for it."""

import typing

from hall_server.core.event_types import EVENT_TYPES
from hall_server.services import event_log


def test_every_event_type_offered_on_the_stream_has_an_overload_with_its_payload():
    declared = set()
    for overload in typing.get_overloads(event_log.append_event):
        declared |= set(typing.get_args(typing.get_type_hints(overload)["type_"]))
    assert declared == set(EVENT_TYPES)
