"""Engines, transactions and migrations for SQLite (embedded default) and PostgreSQL (scale-out).

Every write runs in one short transaction. On SQLite the transaction starts with
BEGIN IMMEDIATE so that two writers never deadlock on a lock upgrade; WAL lets
readers (boards, SSE replay) proceed during writes. On PostgreSQL, writers that
append events take a transaction-scoped advisory lock first, so event ids become
visible in increasing order and a subscriber that has seen id N never later
misses an id below N.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.pool import QueuePool

from .wal_checkpoints import WalCheckpointer

EVENT_ORDER_LOCK = 0x59434556  # "YCEV": advisory lock key serialising event appends on PostgreSQL
NOTIFY_CHANNEL = "yichuang_events"
SYNCHRONOUS = "FULL"  # SQLite durability; see _sqlite_on_connect
SERVER_APPLICATION_NAME = "yichuang-serve"  # PostgreSQL application_name of a serving process
# conn.info key: events appended in the current write transaction, handed on once it commits.
PENDING_EVENTS = "yichuang_pending_events"


def sqlite_url(data_dir: Path) -> str:
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return f"sqlite:///{(data_dir / 'yichuang.db').resolve()}"


def _private_sqlite_files(url: str) -> None:
    """The database file is created 0600 before SQLite opens it (SQLite then gives its -wal and -shm
    the same mode); files of earlier versions, created 0644, are tightened (storage/file_modes.py)."""
    from sqlalchemy.engine import make_url

    from .file_modes import create_private, make_private

    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists() and path.parent.is_dir():
        create_private(path)
    make_private(path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))


class Database:
    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 8,
        echo: bool = False,
        synchronous: str = SYNCHRONOUS,
        application_name: str | None = None,
    ) -> None:
        self.url = url
        self.synchronous = synchronous
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            _private_sqlite_files(url)
            self.engine = create_engine(
                url,
                echo=echo,
                poolclass=QueuePool,
                pool_size=pool_size,
                pool_use_lifo=True,
                max_overflow=32,
                connect_args={"check_same_thread": False, "timeout": 30},
            )
            event.listen(self.engine, "connect", self._sqlite_on_connect)
            event.listen(self.engine, "begin", _sqlite_begin_immediate)
            # One writer at a time inside this process: SQLite's own busy handler sleeps in
            # growing steps, which would turn a burst of issues into multi-ms stalls. Other
            # processes still coordinate through SQLite's lock, so correctness never relies on it.
            self._write_gate: threading.Lock | contextlib.nullcontext = threading.Lock()
        else:
            self.engine = create_engine(
                url,
                echo=echo,
                pool_size=pool_size,
                max_overflow=32,
                pool_pre_ping=True,
                # Names the serving process's sessions, so that `yichuang restore` can see a running server.
                connect_args={"application_name": application_name} if application_name else {},
            )
            self._write_gate = contextlib.nullcontext()
        # Receives the events of each committed write transaction (the event broker), so
        # subscribers in this process get them without reading them back from the database.
        self.after_commit: Callable[[list], None] | None = None
        self._checkpointer: WalCheckpointer | None = None

    def checkpoint_in_background(self) -> None:
        """For a long-running server on SQLite: WAL checkpoints (and their fsyncs) leave the request path."""
        if not self.is_sqlite or self._checkpointer is not None:
            return
        self._checkpointer = WalCheckpointer(str(self.engine.url.database), pause_writers=lambda: self._write_gate)
        self.engine.dispose()  # connections opened from now on leave checkpoints to that thread
        self._checkpointer.start()

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """A read-write transaction: commits on success, rolls back on any error."""
        with self._write_gate:
            with self.engine.begin() as conn:
                conn.info[PENDING_EVENTS] = pending = list[Any]()
                try:
                    yield conn
                finally:
                    del conn.info[PENDING_EVENTS]
            # Still inside the gate: on SQLite this process hands events on in commit (= id) order.
            if pending and self.after_commit is not None:
                self.after_commit(pending)

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            if self.is_sqlite:
                # A read needs no write lock; DEFERRED keeps WAL readers concurrent.
                conn.info["sqlite_deferred"] = True
            try:
                yield conn
            finally:
                conn.rollback()

    def lock_event_order(self, conn: Connection) -> None:
        if not self.is_sqlite:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": EVENT_ORDER_LOCK})

    def notify_events(self, conn: Connection, hall_id: int) -> None:
        if not self.is_sqlite:
            conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": NOTIFY_CHANNEL, "p": str(hall_id)})

    def migrate(self, id_secret: bytes | None = None, revision: str = "head") -> None:
        """Bring the schema to the newest revision (idempotent). Re-keying stored ID hashes
        (0007) needs the hall's secret (storage/id_secret.py)."""
        cfg = alembic_config()
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            cfg.attributes["id_secret"] = id_secret
            command.upgrade(cfg, revision)

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self.engine.dispose()

    def _sqlite_on_connect(self, dbapi_conn, _record) -> None:
        # Let SQLAlchemy's begin hook, not pysqlite, decide when transactions start.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL: every commit fsyncs the WAL before the caller hears "done", so an acknowledged
        # ticket survives a power cut, not only a killed process (NORMAL's guarantee): township
        # halls lose power. Cost measured with bench/bench_hall.py, see SYNCHRONOUS.
        cur.execute(f"PRAGMA synchronous={self.synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if self._checkpointer is not None:
            cur.execute("PRAGMA wal_autocheckpoint=0")
        cur.close()


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("hall_server.storage") / "migrations"))
    return cfg


def _sqlite_begin_immediate(conn: Connection) -> None:
    # Straight to the driver: this runs for every transaction, and going through
    # SQLAlchemy's statement machinery cost more than the BEGIN itself.
    driver = conn.connection.dbapi_connection
    assert driver is not None  # a transaction is beginning on it
    driver.execute("BEGIN" if conn.info.pop("sqlite_deferred", False) else "BEGIN IMMEDIATE")
