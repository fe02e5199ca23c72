"""Power loss: what is on disk right after a ticket is acknowledged holds that ticket."""

import ctypes
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest

from tests.support.live_server import start_live_hall


def test_the_database_commits_with_synchronous_full():
    """FULL fsyncs the WAL at every commit: an acknowledged ticket survives a power cut, not only a crash."""
    from hall_server.storage.database import Database

    db = Database("sqlite://")
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # 2 = FULL
    db.dispose()


@pytest.fixture
def powercut_vfs(tmp_path):
    """The fault-injecting file layer (powercut_vfs.c) as this process's default SQLite VFS."""
    if shutil.which("gcc") is None or not Path("/usr/include/sqlite3.h").exists():
        pytest.skip("needs gcc and libsqlite3-dev (scripts/setup.sh test installs them)")
    lib = tmp_path / "powercut_vfs.so"
    subprocess.run(
        [
            "gcc",
            "-shared",
            "-fPIC",
            "-O1",
            "-o",
            str(lib),
            str(Path(__file__).with_name("powercut_vfs.c")),
            "-lsqlite3",
        ],
        check=True,
    )
    vfs = ctypes.CDLL(str(lib), mode=ctypes.RTLD_GLOBAL)
    assert vfs.powercut_register() == 0
    yield
    vfs.powercut_unregister()


def power_cut_image(db_file: Path, into: Path) -> Path:
    """What the disk holds after a power cut now: every file as it was at its last fsync."""
    into.mkdir()
    for suffix in ("", "-wal"):
        durable = db_file.with_name(db_file.name + suffix + ".durable")
        if durable.exists():
            shutil.copyfile(durable, into / ("yichuang.db" + suffix))
    return into / "yichuang.db"


def test_a_power_cut_right_after_any_acknowledged_ticket_loses_no_acknowledged_ticket(powercut_vfs, tmp_path):
    """Kiosks issue under load (WAL checkpoints running); right after each acknowledged ticket
    the power is cut: only what SQLite has fsynced survives. Each image is then opened as a
    restarted hall PC would open it. With synchronous=NORMAL this test loses tickets."""
    hall = start_live_hall(f"sqlite:///{tmp_path / 'hall.db'}", "2026-11-26 10:00")
    acknowledged: list[str] = []
    lock, halt = threading.Lock(), threading.Event()

    def other_kiosk():
        c = hall.client("kiosk")
        while not halt.is_set():
            r = c.post("/tickets", json={"matter_id": 1, "accept_late_risk": True})
            if r.status_code == 201:
                with lock:
                    acknowledged.append(r.json()["number"])

    others = [threading.Thread(target=other_kiosk) for _ in range(2)]
    for t in others:
        t.start()
    kiosk = hall.client("kiosk")
    images = []
    try:
        for i in range(30):
            r = kiosk.post("/tickets", json={"matter_id": 1, "accept_late_risk": True})
            assert r.status_code == 201
            with lock:
                acknowledged.append(r.json()["number"])
                acked_now = list(acknowledged)
            # The cut falls between this process's transactions (a torn transaction is the WAL's
            # own business); checkpoints of the background thread may be half done.
            with hall.server.db._write_gate:
                images.append((power_cut_image(tmp_path / "hall.db", tmp_path / f"cut{i}"), acked_now))
    finally:
        halt.set()
        for t in others:
            t.join(timeout=10)
        hall.stop()
    assert len(acknowledged) > 30
    for image, acked_now in images:
        conn = sqlite3.connect(image)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = {n for (n,) in conn.execute("SELECT number FROM tickets")}
        finally:
            conn.close()
        missing = set(acked_now) - stored
        assert not missing, f"{image.parent.name}: acknowledged tickets lost: {sorted(missing)}"
