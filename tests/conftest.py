"""Shared fixtures: real databases (SQLite file, PostgreSQL), a real hall server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import inspect
import os
import subprocess
import types
import uuid

import pytest
from playwright.sync_api import expect

from tests.support import served_hall
from tests.support.live_server import LiveHall, start_live_hall

PG_ADMIN_URL = os.environ.get("YICHUANG_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
_pg_state: dict[str, object] = {}
# Playwright's expect() waits 5 s by default, whatever a context's default timeout; a loaded
# 2-core CI box can take longer than that to draw, so every browser test gets the same 15 s
# as the device() contexts (a passing check returns as soon as it holds). Set here, once,
# so that a single test file run alone waits as long as in the whole suite.
expect.set_options(timeout=15_000)


def _pg_available() -> bool:
    if "ok" not in _pg_state:
        try:
            import sqlalchemy as sa

            eng = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with eng.connect() as c:
                c.execute(sa.text("SELECT 1"))
            eng.dispose()
            _pg_state["ok"] = True
        except Exception as exc:
            _pg_state["ok"] = False
            _pg_state["why"] = str(exc).splitlines()[0]
    return bool(_pg_state["ok"])


# --- what a test starts, as markers; and the order the two workers take the files in ----------
# Markers come from what a test uses (its module's imports, its fixtures and the test helpers they
# call), so a new test is marked without anyone remembering to:
#   browser     headless Chromium (the `browser` / `device` fixtures)
#   process     a process of its own: the kiosk app, a `yichuang` command, a served hall
#   postgresql  the PostgreSQL server
#   server      a hall server on a real socket in the test's own process (live_hall…)
#   slow        a file in SLOW_FILES below
# `scripts/test.sh fast` runs the rest: the rules, services and view-models (~630 tests, 20-25 s
# on a quiet 2-core box).
MARKERS = {
    "browser": "uses headless Chromium",
    "process": "starts processes of its own (kiosk app, yichuang commands, served halls)",
    "postgresql": "talks to the PostgreSQL server",
    "server": "runs a hall server on a real socket in the test process (live_hall, start_live_hall)",
    "slow": "one of the longest files of the suite (SLOW_FILES in tests/conftest.py)",
}
BROWSER_FIXTURES = {"browser", "device", "page"}
PROCESS_FIXTURES = {"start_kiosk", "kiosk", "printer_sim", "pty_pair", "serial_pty_pair", "serial_rig"}
# The files that take longest, longest first (seconds measured together on a loaded 2-core box:
# a full run's --durations). xdist hands each file to one worker whole (module fixtures are built
# once); by default it starts with the files that have the most tests, so a long file taken last
# kept one core busy alone for minutes at the end of the run. These go first instead; SPLIT_FILES
# go test by test to whichever worker is free (each of their tests starts its own kiosk).
SLOW_FILES = (
    "tests/hall_server/test_schemathesis.py",  # 340 s
    "tests/kiosk/test_kiosk_layout.py",  # 500 s over three window sizes
    "tests/kiosk/test_kiosk_progress.py",  # 270 s
    "tests/kiosk/test_kiosk_booking.py",  # 200 s
    "tests/hall_server/test_crash_and_processes.py",  # 155 s
    "tests/hall_server/test_guess_limits.py",  # 140 s
    "tests/hall_server/test_concurrency.py",  # 137 s
    "tests/hall_server/test_backup_restore.py",  # 130 s
    "tests/hall_server/test_one_server_per_data_dir.py",  # 130 s
    "tests/kiosk/test_kiosk_finding_matters.py",  # 124 s
    "tests/kiosk/test_kiosk_return_lane.py",  # 107 s
)
SPLIT_FILES = {"tests/kiosk/test_kiosk_layout.py"}


def _starter(value) -> str | None:
    """The marker for a name a test's code uses, when what it names starts something."""
    if value is subprocess or getattr(value, "__module__", None) == served_hall.__name__:
        return "process"
    if value is start_live_hall:
        return "server"
    return None


def _started_by(func, seen: set[int]) -> set[str]:
    """What ``func`` starts: the starters it names, itself or through the test code it calls
    (a fixture such as a module's history hall calls a helper that starts the live hall)."""
    if id(func) in seen:
        return set()
    seen.add(id(func))
    found: set[str] = set()
    codes = [func.__code__]
    while codes:
        code = codes.pop()
        codes += [c for c in code.co_consts if isinstance(c, types.CodeType)]
        for name in code.co_names:
            value = func.__globals__.get(name)
            kind = _starter(value)
            if kind:
                found.add(kind)
            elif inspect.isfunction(value) and value.__module__.startswith("tests."):
                found |= _started_by(value, seen)
    return found


def _starts(item) -> set[str]:
    """What a test starts through its module (a module that imports a starter uses it) and
    through the fixtures it uses, whichever conftest defines them."""
    module = getattr(item, "module", None)
    found = {_starter(value) for value in vars(module).values()} - {None} if module is not None else set()
    seen: set[int] = set()
    info = getattr(item, "_fixtureinfo", None)
    for defs in info.name2fixturedefs.values() if info is not None else ():
        for fixturedef in defs:
            found |= _started_by(inspect.unwrap(fixturedef.func), seen)
    return found


def pytest_configure(config):
    for name, what in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {what}")
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_SlowFilesFirstPlugin(), "slow-files-first")


def pytest_collection_modifyitems(config, items):
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        path = item.nodeid.split("::", 1)[0]
        starts = _starts(item)
        if used & BROWSER_FIXTURES:
            item.add_marker("browser")
        if used & PROCESS_FIXTURES or "process" in starts:
            item.add_marker("process")
        if "server" in starts:
            item.add_marker("server")
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "postgresql" in params.values() or "postgresql" in item.nodeid:
            item.add_marker("postgresql")
        if path in SLOW_FILES:
            item.add_marker("slow")
    # The workers report their collection in this order and the scheduler keeps it.
    rank = {path: i for i, path in enumerate(SLOW_FILES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))


class _SlowFilesFirstPlugin:
    """Registered only where xdist is loaded (pytest refuses an unknown hook under -p no:xdist)."""

    @staticmethod
    def pytest_xdist_make_scheduler(config, log):
        from xdist.scheduler import LoadFileScheduling

        class SlowFilesFirst(LoadFileScheduling):
            """Files in the order pytest_collection_modifyitems put them (SLOW_FILES first), each
            whole to one worker; the tests of SPLIT_FILES one by one."""

            def _split_scope(self, nodeid: str) -> str:
                path = nodeid.split("::", 1)[0]
                return nodeid if path in SPLIT_FILES else path

        config.option.loadscopereorder = False
        return SlowFilesFirst(config, log)


def pytest_report_header(config):
    if _pg_available():
        return f"PostgreSQL: available at {PG_ADMIN_URL} (storage and concurrency tests run on it too)"
    return (
        f"PostgreSQL: NOT AVAILABLE ({_pg_state.get('why')}); every test marked [postgresql] "
        "is SKIPPED. Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
    )


def pytest_terminal_summary(terminalreporter):
    if not _pg_available():
        skipped = [r for r in terminalreporter.stats.get("skipped", []) if "postgresql" in r.nodeid]
        terminalreporter.write_sep("!", f"PostgreSQL unavailable: {len(skipped)} PostgreSQL tests NOT run")
        for r in skipped:
            terminalreporter.write_line(f"  not run: {r.nodeid}")


@contextlib.contextmanager
def throwaway_pg_database():
    """A new, empty PostgreSQL database for the test (or module), dropped afterwards."""
    import sqlalchemy as sa

    name = f"yc_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database of each backend; PostgreSQL gets a throwaway database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hall.db'}"
        return
    if not _pg_available():
        pytest.skip(f"PostgreSQL not available: {_pg_state.get('why')}")

    with throwaway_pg_database() as url:
        yield url


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes():
    """Real argon2 with its cheapest parameters unless the environment names a profile, in the
    tests and in the servers and kiosks they start (they inherit the environment): the tests are
    about the rules around the hash, and the shipped profile costs ~0.2 s of CPU a hash (its cost
    under a flood: bench/bench_login_flood.py). Every hash records its own parameters."""
    from hall_server.services import accounts

    with pytest.MonkeyPatch.context() as env:
        env.setenv("YICHUANG_ARGON2_PROFILE", os.environ.get("YICHUANG_ARGON2_PROFILE", "CHEAPEST"))
        accounts._hasher.cache_clear()
        accounts._dummy_hash.cache_clear()
        yield
    accounts._hasher.cache_clear()
    accounts._dummy_hash.cache_clear()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'hall.db'}"


@pytest.fixture
def live_hall(sqlite_url) -> LiveHall:
    """The pilot hall on SQLite behind real HTTP on 127.0.0.1, at Thursday 2026-11-26 10:00,
    with clerks signed in at every window and tokens for every role."""
    hall = start_live_hall(sqlite_url, "2026-11-26 10:00")
    yield hall
    hall.stop()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session; each test opens its own pages/contexts."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    if path is None:
        pytest.fail("Chromium not found: install Debian's chromium (the README's test command does)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def live_hall_any(database_url) -> LiveHall:
    """Like live_hall, on each backend (SQLite and PostgreSQL)."""
    hall = start_live_hall(database_url, "2026-11-26 10:00")
    yield hall
    hall.stop()


@pytest.fixture
def device(browser):
    """device(): a page in its own browser context, like a separate PC or tablet (the window, the
    back office, the pad). Pages of one context share a window, and the ones behind get throttled
    timers, which a real device never has."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900, locale: str = "zh-CN"):
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield open_page
    for ctx in contexts:
        ctx.close()
