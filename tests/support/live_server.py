"""A real hall server on 127.0.0.1 for tests: same app as `yichuang serve`, threaded WSGI, fake clock."""

from __future__ import annotations

import os
import sqlite3
import ssl
import tempfile
import threading
from dataclasses import dataclass, field

import httpx
from werkzeug.serving import make_server

from hall_server.api import create_app
from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.core.hall_config import HallConfig
from hall_server.services.access import Principal
from hall_server.services.hall_setup import DEMO_STAFF, add_staff
from yichuang.web_mounts import mount_pages

# Every httpx.Client builds its own TLS context unless given one (~60 ms of CPU on a loaded box,
# the bulk of a test's hundred small requests); the hall speaks plain HTTP, so all share this one.
_TLS = ssl.create_default_context()
_TEMPLATE: dict[str, str] = {}


def _migrated_copy(url: str) -> None:
    """A new SQLite file starts as a copy of one migrated once per test process: about 660 tests
    start a live hall, and migrating an empty database from nothing costs ~0.4 s of CPU where a
    database already at the newest revision costs ~0.02 s (HallServer.open still runs the
    upgrade, so a test sees exactly the schema `yichuang serve` makes)."""
    if not url.startswith("sqlite:///"):
        return
    target = url.removeprefix("sqlite:///").split("?", 1)[0]
    if os.path.exists(target):
        return
    if "path" not in _TEMPLATE:
        from hall_server.storage.database import Database

        folder = tempfile.mkdtemp(prefix="yichuang-template-")
        path = os.path.join(folder, "hall.db")
        db = Database(f"sqlite:///{path}")
        db.migrate()
        db.dispose()
        _TEMPLATE["path"] = path
    # SQLite's backup API copies what the database holds, whatever is still in its WAL file.
    with sqlite3.connect(_TEMPLATE["path"]) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    os.chmod(target, 0o600)


@dataclass
class LiveHall:
    server: HallServer
    clock: FakeClock
    base_url: str
    tokens: dict[str, str]
    hall_id: int
    _http: object = None
    _thread: threading.Thread | None = None
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, role: str) -> httpx.Client:
        """An HTTP client authenticated as ``role`` (e.g. "kiosk", "clerk-2", "supervisor")."""
        return self.client_for(self.tokens[role])

    def client_for(self, token: str | None, prefix: str = "/api/v1", timeout: float = 10) -> httpx.Client:
        """An HTTP client under ``prefix`` sending ``token`` (none: no Authorization header)."""
        c = httpx.Client(
            base_url=self.base_url + prefix,
            timeout=timeout,
            headers={"Authorization": f"Bearer {token}"} if token else {},
            verify=_TLS,
        )
        self.clients.append(c)
        return c

    def stop(self) -> None:
        for c in self.clients:
            c.close()
        self.server.broker.stop()
        self._http.shutdown()
        self._thread.join(timeout=5)
        self.server.close()


def start_live_hall(
    url: str, local_time: str, sign_in: bool = True, heartbeat: float = 15.0, halls: list[HallConfig] | None = None
) -> LiveHall:
    """``halls``: the hall files to start with (default the pilot hall); a second start on the same
    ``url`` with a changed file is a server restarted after its hall file was edited."""
    clock = FakeClock(parse_local_time(local_time))
    _migrated_copy(url)
    # Every page and reader of a test comes from 127.0.0.1: the per-address stream cap (a real
    # device's allowance, tested against `yichuang serve` in tests/hall_server/test_slow_clients.py)
    # would count a whole hall's boards, terminals and pads as one machine.
    server = HallServer.open(
        url, halls, clock=clock, heartbeat_seconds=heartbeat, poll_seconds=0.1, max_streams_per_address=10_000
    )
    server.start_background()
    hall_id = server.services.halls.all_ids()[0]
    ctx = server.services.halls.get(hall_id)
    for staff_no, name in DEMO_STAFF:
        add_staff(server.services, hall_id, staff_no, name)
    tokens = {
        role: server.tokens.create(hall_id, role, label=f"test {role}")
        for role in ("kiosk", "board", "supervisor", "admin")
    }
    for i, n in enumerate(ctx.config.window_numbers):
        tokens[f"clerk-{n}"] = server.tokens.create(hall_id, "clerk", n, label=f"test clerk {n}")
        tokens[f"pad-{n}"] = server.tokens.create(hall_id, "pad", n, label=f"test pad {n}")
        if sign_in:
            server.windows.sign_in(Principal(hall_id, "supervisor", "setup"), n, DEMO_STAFF[i][0], "A")
    app = create_app(server)
    mount_pages(app)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return LiveHall(server, clock, f"http://127.0.0.1:{http.server_port}", tokens, hall_id, http, thread)
