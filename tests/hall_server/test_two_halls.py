"""Two halls on one server (a county running one PostgreSQL server for all its towns): every token
and person of hall A sees and changes nothing of hall B, and the county admin reads figures of
every hall but no personal data.

Hall B (槐树湾乡) gets a day of data through its own tokens: tickets called, served and rated badly
with a call-back phone (a follow-up), an appeal of that rating, an accepted case, a booking with
an ID number, a home-visit request. Then every route of the API registry is called by every role
of hall A with B's identifiers in the path and the body: no answer may carry anything of B (its
names, phones, ID hash, hall code), and B's rows are the same afterwards. A's event streams replay
from the first event: none of B's. The routes come from the registry, so a route added later is
in the matrix at once."""

from __future__ import annotations

import io
import re
import subprocess
import threading

import httpx
import pytest
import sqlalchemy as sa

from hall_server.api import spec
from hall_server.core.hall_config import parse_hall_config, pilot_hall_text
from hall_server.services.access import Principal
from hall_server.services.hall_setup import add_staff
from tests.cases.conftest import all_submitted
from tests.conftest import _pg_available, _pg_state, throwaway_pg_database
from tests.support.boundaries import filler
from tests.support.live_server import start_live_hall
from tests.support.sse_client import Received, read_events

B_CODE, B_NAME = "huaishu", "金寨县槐树湾乡便民服务中心"
B_APPLICANT, B_RESIDENT, B_VISITOR = "钱乙丁", "孙乙戊", "周乙庚"
B_PHONE, B_ID = "13911112222", "34152219800101000X"
B_STAFF = ("HSW001", "赵敏")
# caller: token key of hall A (clerk-2 and pad-2 at window 2, which hall B has too)
A_CALLERS = ("kiosk", "board", "pad-2", "clerk-2", "backoffice", "supervisor", "admin", "county")
A_ROLES = {"kiosk": "kiosk", "board": "board", "pad-2": "pad", "clerk-2": "clerk", "backoffice": "backoffice"}
A_ROLES |= {"supervisor": "supervisor", "admin": "admin", "county": "county_admin"}
PERSONAL = (B_APPLICANT, B_RESIDENT, B_VISITOR, "钱*丁", "孙*戊", "周*庚", B_PHONE, "139****2222", B_ID, B_ID[-4:])
B_TABLES = ("tickets", "cases", "appointments", "ratings", "follow_ups", "rating_appeals", "case_steps")
B_TABLES += ("device_enrolments",)


@pytest.fixture(scope="module")
def pg_url():
    if not _pg_available():
        pytest.skip(f"PostgreSQL not available: {_pg_state.get('why')}")
    with throwaway_pg_database() as url:
        yield url


def _client(hall, token: str) -> httpx.Client:
    return hall.client_for(token, timeout=60)


def _hall_b(hall) -> dict:
    """Hall B on the same server and database, with a day of data made through its own tokens."""
    srv = hall.server
    text = pilot_hall_text().replace('code = "banzhuyuan"', f'code = "{B_CODE}"')
    text = re.sub(r'(?m)^name = "金寨县斑竹园镇[^"]*"', f'name = "{B_NAME}"', text, count=1)
    b = srv.install(parse_hall_config(text, f"{B_CODE}.toml"))
    staff_id = add_staff(srv.services, b, *B_STAFF)
    srv.windows.sign_in(Principal(b, "supervisor", "setup"), 2, B_STAFF[0], "A")
    tok = {r: srv.tokens.create(b, r, label=f"B {r}") for r in ("kiosk", "supervisor", "backoffice")}
    tok["clerk"] = srv.tokens.create(b, "clerk", 2, label=" ".join(B_STAFF), staff_id=staff_id)  # a person
    tok["pad"] = srv.tokens.create(b, "pad", 2, label="B pad 2")
    kiosk, clerk, pad, sup = (_client(hall, tok[r]) for r in ("kiosk", "clerk", "pad", "supervisor"))
    tickets = [kiosk.post("/tickets", json={"matter_id": None}).json() for _ in range(3)]
    assert clerk.post("/windows/2/call-next").status_code == 200
    assert clerk.post("/windows/2/start").status_code == 200
    assert clerk.post("/windows/2/finish").status_code == 200
    served = tickets[0]["id"]
    rated = pad.post("/pads/2/rating", json={"ticket_id": served, "level": 1, "phone": B_PHONE, "tags": []})
    assert rated.status_code == 201, rated.text
    rating_id = rated.json()["rating"]["id"]
    appeal = clerk.post(f"/ratings/{rating_id}/appeal", json={"kind": "mistaken", "reason": "群众误触差评"})
    assert appeal.status_code in (200, 201), appeal.text
    follow_ups = sup.get("/follow-ups").json()
    matters = {m["code"]: m for m in clerk.get("/matters").json()["matters"]}
    case = clerk.post(
        "/cases", json={"matter_id": matters["MZ003"]["id"], "applicant_name": B_APPLICANT, "phone": B_PHONE}
    ).json()
    accepted = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={"outcome": "accept", "materials": all_submitted(matters["MZ003"]), "identity_checked": True},
    )
    assert accepted.status_code == 200, accepted.text
    booked = kiosk.post(
        "/appointments",
        json={"resident_name": B_RESIDENT, "slot_start": "2026-11-27T09:00", "id_number": B_ID, "phone": B_PHONE},
    )
    assert booked.status_code == 201, booked.text
    visit = kiosk.post(
        "/appointments",
        json={
            "resident_name": B_VISITOR,
            "slot_start": "2026-11-27T09:30",
            "phone": B_PHONE,
            "channel": "home_visit",
            "place": "槐树湾村三组",
            "visit_reason": "elderly",
        },
    )
    enrolled = sup.post("/enrolment-codes", json={"role": "kiosk", "name": "槐树湾取号机"})
    assert enrolled.status_code == 201, enrolled.text
    with srv.services.db.read() as conn:
        id_hash = conn.execute(
            sa.text("SELECT id_number_hash FROM appointments WHERE hall_id = :h AND id_number_hash IS NOT NULL"),
            {"h": b},
        ).scalar()
    return {
        "hall_id": b,
        "tokens": tok,
        "ids": {
            "ticket_id": str(tickets[1]["id"]),
            "case_no": case["case_no"],
            "code": booked.json()["code"],
            "rating_id": str(rating_id),
            "appeal_id": str(appeal.json().get("id") or appeal.json().get("appeal", {}).get("id") or 1),
            "follow_up_id": str((follow_ups.get("follow_ups") or [{"id": 1}])[0]["id"]),
            "visit_code": visit.json().get("code", "ZZ900") if visit.status_code == 201 else "ZZ900",
            "device_id": str(enrolled.json()["device"]["id"]),
        },
        "id_hash": id_hash,
        "query_code": clerk.get(f"/cases/{case['case_no']}").json()["query_code"],
    }


@pytest.fixture(scope="module")
def halls(pg_url):
    hall = start_live_hall(pg_url, "2026-11-26 10:00")
    try:
        hall.tokens["backoffice"] = hall.server.tokens.create(hall.hall_id, "backoffice", label="A 后台")
        hall.tokens["county"] = hall.server.tokens.create(hall.hall_id, "county_admin", label="县数据局")
        hall.b = _hall_b(hall)
        yield hall
    finally:
        hall.stop()


def _b_rows(hall) -> dict:
    with hall.server.services.db.read() as conn:
        out = {}
        for table in B_TABLES:
            if table == "case_steps":
                q = "SELECT s.* FROM case_steps s JOIN cases c ON c.id = s.case_id WHERE c.hall_id = :h ORDER BY s.id"
            else:
                q = f"SELECT * FROM {table} WHERE hall_id = :h ORDER BY id"
            out[table] = [tuple(r) for r in conn.execute(sa.text(q), {"h": hall.b["hall_id"]})]
        return out


def _path(op, ids: dict) -> str:
    values = {
        "number": "2",
        "window": "2",
        "ticket_id": ids["ticket_id"],
        "case_no": ids["case_no"],
        "code": ids["code"],
        "rating_id": ids["rating_id"],
        "appeal_id": ids["appeal_id"],
        "follow_up_id": ids["follow_up_id"],
        "device_id": ids["device_id"],
        "day": "2026-11-27",
        "kind": "acceptance",
        "token": "rt_unknown",
        "action": "start",
        "half": "am",
    }
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], op.path)


def _body(op, ids: dict) -> dict | None:
    if op.body is None:
        return None
    props = op.body.get("properties") or {}
    out = {n: filler(n, props[n]) for n in op.body.get("required", [])}
    for name in ("ticket_id", "case_no", "rating_id", "appointment_code"):
        if name in props:
            key = {"appointment_code": "code"}.get(name, name)
            value = ids[key]
            out[name] = int(value) if "integer" in str(props[name].get("type")) else value
    return out


def _text(r: httpx.Response) -> str:
    kind = r.headers.get("content-type", "")
    if "pdf" in kind:
        return subprocess.run(
            ["pdftotext", "-", "-"], input=r.content, capture_output=True, check=False
        ).stdout.decode()
    if "spreadsheet" in kind:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
        return " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    return r.text


OPERATIONS = [op for op in spec.operations if op.path != "/openapi.json" and not op.streaming]


def test_no_token_of_hall_a_reads_or_changes_anything_of_hall_b(halls):
    ids, before = halls.b["ids"], _b_rows(halls)
    personal = (*PERSONAL, *B_STAFF, halls.b["id_hash"])
    leaks = []
    clients = {caller: _client(halls, halls.tokens[caller]) for caller in A_CALLERS}
    for op in OPERATIONS:
        for caller in A_CALLERS:
            if not op.public and A_ROLES[caller] not in op.roles:
                continue  # refused by the guard: the authorization matrix checks those exactly
            # The county admin reads every hall's figures by name; no one else of A sees B at all.
            markers = personal if caller == "county" else (*personal, B_CODE, B_NAME, "槐树湾")
            c = clients[caller]
            params = {"code": halls.b["query_code"]} if op.path.startswith("/cases/progress/") else {}
            r = c.request(op.method, _path(op, ids), params=params, json=_body(op, ids))
            text = _text(r)
            found = [m for m in markers if m and m in text]
            if found:
                leaks.append(f"{op.method} {op.path} as {caller}: {r.status_code} shows {found}")
            # B's records by their ids (global) or codes (random): never read by A. (Case numbers run
            # per hall, so A has its own 2026-00001: those are judged by B's names above.)
            elif op.method == "GET" and re.search(r"<(int:)?(ticket_id|code|rating_id|follow_up_id)>", op.path):
                if 200 <= r.status_code < 300:
                    leaks.append(f"{op.method} {op.path} as {caller}: {r.status_code} for B's record")
    after = _b_rows(halls)
    changed = [t for t in B_TABLES if before[t] != after[t]]
    assert not leaks and not changed, "\n".join(leaks + [f"hall B's {t} changed" for t in changed])


def test_hall_bs_own_tokens_do_see_its_data_so_the_matrix_looks_in_the_right_places(halls):
    # Without this, identifiers or markers gone wrong would make the matrix pass for nothing.
    b = halls.b
    clerk, kiosk, sup = (_client(halls, b["tokens"][r]) for r in ("clerk", "kiosk", "supervisor"))
    assert B_CODE in kiosk.get(f"/tickets/{b['ids']['ticket_id']}").text
    assert B_APPLICANT in clerk.get(f"/cases/{b['ids']['case_no']}").text
    assert "孙*戊" in kiosk.get(f"/appointments/{b['ids']['code']}").text
    assert B_STAFF[0] in sup.get(f"/follow-ups/{b['ids']['follow_up_id']}").text
    assert B_CODE in sup.get("/hall").text


def test_a_token_of_hall_a_is_refused_on_hall_bs_address(halls):
    wrong = []
    clients = {caller: halls.client_for(halls.tokens[caller], f"/api/v1/halls/{B_CODE}", 60) for caller in A_CALLERS}
    for op in OPERATIONS:
        if op.public:
            continue
        for caller in A_CALLERS:
            if A_ROLES[caller] not in op.roles:
                continue
            r = clients[caller].request(op.method, _path(op, halls.b["ids"]), json=_body(op, halls.b["ids"]))
            if r.status_code != 403 or r.json()["error"]["code"] != "forbidden_hall":
                wrong.append(f"{op.method} {op.path} as {caller}: {r.status_code}")
    assert wrong == []


def test_hall_a_event_streams_replay_nothing_of_hall_b(halls):
    with halls.server.services.db.read() as conn:
        b_events = {
            r[0] for r in conn.execute(sa.text("SELECT id FROM events WHERE hall_id = :h"), {"h": halls.b["hall_id"]})
        }
        last = conn.execute(sa.text("SELECT max(id) FROM events")).scalar()
    assert b_events
    for caller in ("board", "supervisor", "admin", "clerk-2"):
        received, stop = Received(), threading.Event()
        threading.Thread(
            target=read_events,
            args=(f"{halls.base_url}/api/v1/events", halls.tokens[caller], received, stop, 0),
            daemon=True,
        ).start()
        # The replay runs in id order: once it passes B's last event, A's stream has had its chance.
        received.wait_for(lambda evs: any(e["id"] >= last for e in evs), timeout=10)
        stop.set()
        with received.lock:
            got = {e["id"] for e in received.events}
        assert not got & b_events, caller


def test_the_county_admin_reads_every_halls_figures_but_no_personal_data(halls):
    county = _client(halls, halls.tokens["county"])
    ranked = county.get("/stats", params={"from": "2026-11-01", "to": "2026-11-30", "by": "hall"})
    assert ranked.status_code == 200, ranked.text
    assert B_CODE in ranked.text or "槐树湾" in ranked.text  # figures of hall B: yes
    leaks = []
    for op in OPERATIONS:
        if "county_admin" not in op.roles:
            continue
        for params in ({}, {"hall": B_CODE}, {"by": "hall"}, {"by": "clerk", "hall": B_CODE}, {"by": "window"}):
            r = county.request(op.method, _path(op, halls.b["ids"]), params=params)
            found = [m for m in (*PERSONAL, halls.b["id_hash"]) if m and m in _text(r)]
            if found:
                leaks.append(f"{op.method} {op.path} {params}: {found}")
    assert leaks == []
