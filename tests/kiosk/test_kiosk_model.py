"""KioskModel on its own: no Kivy, no server, its HTTP answered by an httpx MockTransport."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import Executor, Future
from pathlib import Path

import httpx
import pytest

from kiosk.viewmodels import hall_client as hc
from kiosk.viewmodels.context import Screen
from kiosk.viewmodels.kiosk_model import KioskModel
from kiosk.viewmodels.printing import PrintState

HALL = {"name": "测试便民服务中心", "timezone": "Asia/Shanghai", "status": {"state": "open", "waiting": 3}}
TICKET = {"id": 7, "number": "A004", "state": "waiting", "waiting_ahead": 3, "matter_name": None}


class Inline(Executor):
    """Runs each job at once on the caller's thread, so a test reads the result right after."""

    def submit(self, fn, /, *args, **kwargs):
        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


class FakeHall:
    """Answers the kiosk's requests; ``status`` makes every answer that HTTP status instead."""

    def __init__(self) -> None:
        self.status: int | None = None
        self.unreachable = False
        self.issued: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.unreachable:
            raise httpx.ConnectError("refused", request=request)
        if self.status is not None:
            error = {"error": {"code": "invalid_token", "message": "令牌无效"}}
            return httpx.Response(self.status, json=error)
        path = request.url.path.removeprefix("/api/v1")
        if path == "/hall":
            return httpx.Response(200, json=HALL)
        if path == "/matters":
            return httpx.Response(200, json={"matters": []})
        if path == "/tickets" and request.method == "POST":
            self.issued.append(json.loads(request.content))
            return httpx.Response(201, json=TICKET)
        return httpx.Response(404, json={"error": {"code": "not_found", "message": "无此资源"}})


@pytest.fixture
def hall() -> FakeHall:
    return FakeHall()


@pytest.fixture
def model(hall):
    client = hc.HallClient("http://hall.test", "yc_test", transport=httpx.MockTransport(hall))
    vm = KioskModel(client, None, worker=Inline(), reporter=Inline(), clock=lambda: 0.0)
    yield vm
    client.close()


def test_the_start_screen_shows_the_halls_waiting_count(model):
    model.start()
    assert (model.screen, model.ctx.online, model.hall.waiting) == (Screen.HOME, True, 3)


def test_the_waiting_count_is_right_after_a_transfer_and_a_cancel(model):
    model.start()
    shown = []
    for kind, waiting in (
        ("ticket.issued", 4),
        ("ticket.cancelled", 3),  # a resident gave up: one fewer waiting
        ("ticket.called", 2),
        ("ticket.transferred", 3),  # the served ticket goes back to the line for another window
        ("ticket.started", 3),
    ):
        model.hall.stream_event(kind, {"type": kind, "waiting": waiting, "ticket": {"number": "A001"}})
        shown.append(model.hall.waiting)
    assert shown == [4, 3, 2, 3, 3]


def test_a_refused_token_shows_the_administrators_screen(model, hall):
    hall.status = 401
    model.start()
    assert model.screen is Screen.ADMIN and model.ctx.admin_error


def test_an_unreachable_server_shows_the_kiosk_offline(model, hall):
    hall.unreachable = True
    model.start()
    assert model.ctx.online is False and model.screen is Screen.LOADING


def test_taking_a_number_shows_the_ticket_once_even_on_a_double_tap(model, hall):
    model.start()
    model.issuing.busy = True  # a first tap still under way
    assert model.issuing.take_number() is False
    model.issuing.busy = False
    assert model.issuing.take_number() is True
    assert model.screen is Screen.TICKET and model.issuing.ticket["number"] == "A004"
    assert model.printing.state is PrintState.NO_PRINTER and len(hall.issued) == 1


def test_a_holiday_duty_day_is_announced_on_the_first_screen_and_its_absence_tolerated(model):
    model.start()
    assert model.hall.duty_day_text() == ""  # a server without status.today
    model.hall.info["status"] = {**model.hall.info["status"], "today": {"duty_day": None}}
    assert model.hall.duty_day_text() == ""
    duty = {"name": "国庆节", "note": "", "appointment_only": True, "hours": ["09:00-11:30"], "windows": [1]}
    model.hall.info["status"] = {**model.hall.info["status"], "today": {"duty_day": duty}}
    assert model.hall.duty_day_text() == "今日节假日受理 09:00–11:30（仅接待预约）"
    model.hall.info["status"]["today"]["duty_day"] = {
        **duty,
        "appointment_only": False,
        "hours": ["09:00-11:30", "14:00-16:00"],
    }
    assert model.hall.duty_day_text() == "今日节假日受理 09:00–11:30、14:00–16:00"
    model.hall.stream_event("hall.status", {"hall_status": {"state": "open", "waiting": 0}})  # a status without it
    assert model.hall.duty_day_text() == ""


class BookingHall(FakeHall):
    """Slots for tomorrow, and a booking answer chosen by the test."""

    def __init__(self) -> None:
        super().__init__()
        self.slots_error: tuple[int, str, str] | None = None
        self.book_answer: httpx.Response | Exception | None = None
        self.bookings: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if path == "/appointments/slots":
            if self.slots_error:
                status, code, text = self.slots_error
                return httpx.Response(status, json={"error": {"code": code, "message": text}})
            day = request.url.params.get("date") or "2026-11-26"
            slots = []
            if day == "2026-11-27":
                slots = [
                    {"start": f"{day}T09:00:00+08:00", "end": f"{day}T09:30:00+08:00", "seats": 3, "taken": 3},
                    {"start": f"{day}T09:30:00+08:00", "end": f"{day}T10:00:00+08:00", "seats": 3, "taken": 1},
                ]
            return httpx.Response(200, json={"today": "2026-11-26", "last_day": "2026-11-28", "slots": slots})
        if path == "/appointments" and request.method == "POST":
            self.bookings.append(json.loads(request.content))
            if isinstance(self.book_answer, Exception):
                raise self.book_answer
            return self.book_answer or httpx.Response(201, json={"code": "123456"})
        return super().__call__(request)


@pytest.fixture
def booking_model():
    hall = BookingHall()
    client = hc.HallClient("http://hall.test", "yc_test", transport=httpx.MockTransport(hall))
    vm = KioskModel(client, None, worker=Inline(), reporter=Inline(), clock=lambda: 0.0)
    vm.start()
    yield vm, hall
    client.close()


def fill_booking(vm) -> None:
    vm.open_booking()
    vm.pick_matter(None)
    vm.booking.choose_day(0)
    vm.booking.choose_slot(vm.booking.draft.free_slots()[0]["start"])
    vm.booking.name_surname("王")
    vm.booking.name_title("先生")
    vm.booking.name_done()
    for digit in "13800001234":
        vm.booking.phone_press(digit)


def test_only_days_and_slots_with_a_free_seat_are_offered(booking_model):
    vm, _ = booking_model
    vm.open_booking()
    vm.pick_matter(None)
    assert vm.screen is Screen.BOOK_DAY and [d.day.isoformat() for d in vm.booking.draft.days] == ["2026-11-27"]
    vm.booking.choose_day(0)
    assert [s["start"][11:16] for s in vm.booking.draft.free_slots()] == ["09:30"]


def test_a_matter_that_cannot_be_booked_says_so_in_the_servers_words(booking_model):
    vm, hall = booking_model
    hall.slots_error = (409, "matter_not_bookable", "“最低生活保障申请”暂不接受预约，请现场取号办理或咨询窗口。")
    vm.open_booking()
    vm.pick_matter(None)
    assert vm.screen is Screen.BOOK_DAY and vm.booking.draft.days == [] and "暂不接受预约" in vm.booking.draft.note


def test_a_booking_whose_answer_is_lost_is_not_sent_again_and_the_resident_is_sent_to_a_window(booking_model):
    vm, hall = booking_model
    fill_booking(vm)
    hall.book_answer = httpx.ReadTimeout("slow")
    assert vm.booking.confirm() is True
    assert len(hall.bookings) == 1 and vm.screen is Screen.BOOK_PHONE
    assert "不要重复预约" in vm.booking.draft.note and vm.booking.appointment is None
    assert vm.booking.confirm() is False and len(hall.bookings) == 1  # a second tap sends nothing
    body = hall.bookings[0]
    assert (body["channel"], body["resident_name"], body["phone"]) == ("kiosk", "王先生", "13800001234")


def test_a_refusal_for_too_many_no_shows_is_shown_on_the_phone_screen(booking_model):
    vm, hall = booking_model
    fill_booking(vm)
    text = "您近30天内已有3次预约未到（爽约），暂不能网上预约，请现场取号或拨打大厅电话预约。"
    hall.book_answer = httpx.Response(409, json={"error": {"code": "booking_blocked_no_shows", "message": text}})
    vm.booking.confirm()
    assert vm.screen is Screen.BOOK_PHONE and vm.booking.draft.note == text and not vm.booking.draft.submitting


def test_the_view_models_run_without_kivy():
    """The kiosk's behaviour is tested (and could run) on a machine without a display stack."""
    code = (
        "import pkgutil, importlib, sys, kiosk.viewmodels as vm\n"
        "for m in pkgutil.iter_modules(vm.__path__): importlib.import_module(f'kiosk.viewmodels.{m.name}')\n"
        "print([n for n in sys.modules if n.partition('.')[0] == 'kivy'])"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
