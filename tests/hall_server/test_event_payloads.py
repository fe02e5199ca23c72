"""Every event type the stream offers has its payload declared (services/event_payloads.py), so
mypy checks the dict each caller of append_event writes for it."""

import typing

from hall_server.core.event_types import EVENT_TYPES
from hall_server.services import event_log
from hall_server.services.event_payloads import TicketEventType


def test_every_event_type_offered_on_the_stream_has_an_overload_with_its_payload():
    declared = set()
    for overload in typing.get_overloads(event_log.append_event):
        declared |= set(typing.get_args(typing.get_type_hints(overload)["type_"]))
    assert declared == set(EVENT_TYPES)


def test_every_desk_action_emits_a_ticket_event_whose_payload_is_checked():
    # The desk's lookup is cast to the ticket overload's type: a new action in the core table
    # must also be a TicketEventType, or its payload would be checked against the wrong shape.
    assert set(event_log.TICKET_EVENT.values()) == set(typing.get_args(TicketEventType))
