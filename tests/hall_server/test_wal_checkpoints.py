"""A running server on SQLite checkpoints its write-ahead log on a background thread, so no
ticket's commit pays for a checkpoint, and the log is still copied into the database file."""

from __future__ import annotations

import contextlib
import sqlite3
import threading

from hall_server.app_services import HallServer
from hall_server.core.clock import FakeClock, parse_local_time
from hall_server.services.access import Principal
from hall_server.services.ticketing import IssueRequest
from hall_server.storage.wal_checkpoints import WalCheckpointer


def test_server_connections_leave_checkpoints_to_the_background_thread(tmp_path):
    url = f"sqlite:///{tmp_path / 'hall.db'}"
    server = HallServer.open(url, clock=FakeClock(parse_local_time("2026-11-26 10:00")))
    try:
        with server.db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000  # SQLite's default
        server.start_background()
        with server.db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    finally:
        server.close()


def test_tickets_reach_the_database_file_through_background_checkpoints(tmp_path):
    path = tmp_path / "hall.db"
    server = HallServer.open(f"sqlite:///{path}", clock=FakeClock(parse_local_time("2026-11-26 10:00")))
    try:
        server.start_background()
        hall_id = server.services.halls.all_ids()[0]
        kiosk = Principal(hall_id, "kiosk", "test kiosk")
        for _ in range(300):  # well past the 1000 log pages at which a commit would checkpoint
            server.tickets.issue(kiosk, IssueRequest(matter_id=1, accept_late_risk=True))
        frames, copied = server.db._checkpointer.checkpoint(sqlite3.connect(path))
        assert frames > 1000 and copied == frames
    finally:
        server.close()
    # The log copied back: a reader of the bare database file (no -wal) sees every ticket.
    (tmp_path / "hall.db-wal").unlink(missing_ok=True)
    assert sqlite3.connect(path).execute("SELECT count(*) FROM tickets").fetchone() == (300,)


def _log_held_back_by_a_reader(path):
    """A database whose log holds 200 rows written after a reader took its snapshot, so a
    passive checkpoint cannot copy them while that reader lasts. Returns (writer, reader)."""
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE t (x BLOB)")
    reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM t").fetchone()  # holds the log's current end as its snapshot
    for _ in range(200):
        writer.execute("INSERT INTO t VALUES (randomblob(3000))")
    return writer, reader


def test_a_log_that_a_reader_keeps_from_being_copied_is_restarted_once_the_reader_ends(tmp_path):
    path = tmp_path / "log.db"
    writer, reader = _log_held_back_by_a_reader(path)
    threading.Timer(0.3, reader.rollback).start()  # the reader (a board's replay, say) finishes later
    checkpointer = WalCheckpointer(str(path), restart_frames=100)
    frames, copied = checkpointer.checkpoint(sqlite3.connect(path, isolation_level=None))
    assert frames > 100 and copied == frames  # a passive checkpoint alone stops at the reader
    writer.execute("INSERT INTO t VALUES (x'00')")
    _busy, frames_after, _ = sqlite3.connect(path).execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert frames_after < 10  # the next write started the log over


def test_a_log_that_writers_keep_from_being_copied_is_finished_with_writers_held(tmp_path):
    path = tmp_path / "log.db"
    # The reader stands for the traffic that keeps a passive checkpoint from the log's end.
    _writer, busy = _log_held_back_by_a_reader(path)
    held = []

    @contextlib.contextmanager
    def pause_writers():
        held.append(True)
        busy.rollback()  # with writers held, what kept the checkpoint back is gone
        yield

    checkpointer = WalCheckpointer(str(path), pause_writers=pause_writers, reset_frames=100, restart_frames=10**9)
    frames, copied = checkpointer.checkpoint(sqlite3.connect(path, isolation_level=None))
    assert held and frames > 100 and copied == frames
