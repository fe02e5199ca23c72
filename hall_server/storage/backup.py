"""Online, consistent backups of the hall database, retention, and restore.

SQLite: the backup API copies one snapshot of the database in a single step while the
server keeps issuing (WAL readers never block writers), into a temporary file that is
fsynced and then renamed, so a file named ``yichuang-*.db`` is always a complete backup.
PostgreSQL: ``pg_dump --format=custom`` (one snapshot transaction), restored with
``pg_restore --clean``. File names carry the hall's local time and sort by age.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ..core.errors import Conflict, InvalidInput
from .database import SERVER_APPLICATION_NAME

PREFIX = "yichuang-"
SUFFIXES = (".db", ".dump")


def backup(url: str, out_dir: Path, local_now: datetime, keep: int | None = None) -> Path:
    """Write one backup of the database at ``url`` into ``out_dir``; keep the newest ``keep``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sqlite = url.startswith("sqlite")
    target = out_dir / f"{PREFIX}{local_now:%Y%m%d-%H%M%S}{'.db' if sqlite else '.dump'}"
    partial = target.with_name(target.name + ".partial")
    if sqlite:
        _sqlite_copy(_sqlite_path(url), partial, journal_mode="DELETE")  # one self-contained file
    else:
        _pg_run(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial)], url)
    _fsync(partial)
    os.replace(partial, target)
    _fsync(out_dir)
    if keep is not None:
        prune(out_dir, keep)
    return target


def prune(out_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns what was deleted."""
    found = sorted(p for p in out_dir.iterdir() if p.name.startswith(PREFIX) and p.suffix in SUFFIXES)
    old = found[: max(0, len(found) - max(1, keep))]  # the newest is always kept
    for p in old:
        p.unlink()
    return old


def restore(url: str, source: Path) -> None:
    """Replace the database at ``url`` with the backup ``source`` (no server may be running)."""
    if not source.is_file():
        raise InvalidInput("backup_not_found", path=str(source))
    if url.startswith("sqlite"):
        _check_sqlite_backup(source)
        path = Path(_sqlite_path(url))
        path.parent.mkdir(parents=True, exist_ok=True)
        # Through the backup API into the live file: SQLite rewrites the database and its
        # WAL consistently, so no stale -wal file can be replayed over the restored data.
        _sqlite_copy(str(source), path, journal_mode="WAL")
    else:
        with source.open("rb") as f:
            if f.read(5) != b"PGDMP":
                raise InvalidInput("backup_unreadable", path=str(source))
        _refuse_beside_a_server(url)
        _pg_run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(source)], url)


def _refuse_beside_a_server(url: str) -> None:
    """PostgreSQL has no data directory to lock: a serving process shows by its sessions' name."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            clients = conn.execute(
                text(
                    "SELECT DISTINCT coalesce(host(client_addr), 'local') FROM pg_stat_activity "
                    "WHERE datname = current_database() AND application_name = :name"
                ),
                {"name": SERVER_APPLICATION_NAME},
            ).scalars()
            found = sorted(clients)
    finally:
        engine.dispose()
    if found:
        raise Conflict("server_running", clients=", ".join(found))


def _sqlite_path(url: str) -> str:
    database = make_url(url).database
    if not database:
        raise InvalidInput("backup_needs_file_database")
    return database


def _sqlite_copy(source: str, target: Path, journal_mode: str) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # one step (pages=-1): a single consistent snapshot
        dst.execute(f"PRAGMA journal_mode={journal_mode}")
    finally:
        dst.close()
        src.close()


def _check_sqlite_backup(source: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        ok, tables = False, set()
    if not ok or "alembic_version" not in tables:
        raise InvalidInput("backup_unreadable", path=str(source))


def _pg_run(command: list[str], url: str) -> None:
    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password  # not on the command line, where `ps` shows it
    libpq = u.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    tool = shutil.which(command[0])
    if tool is None:
        raise InvalidInput("backup_tool_missing", tool=command[0])
    flag = "--dbname=" + libpq
    result = subprocess.run([tool, flag, *command[1:]], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise InvalidInput("backup_tool_failed", tool=command[0], detail=result.stderr.strip()[-500:])


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
