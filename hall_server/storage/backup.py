"""Online, consistent backups of the hall database with its ID-hash key, retention, and restore.

A backup is one tar file ``yichuang-<local time>.tar`` holding everything a restore needs: the
database (``database.db`` or ``database.dump``) and the key of the ID-number hash
(``id-hash.key``, storage/id_secret.py). Without the key a restored hall cannot match an ID
number to its appointments, so the two travel together; the file is therefore as secret as the
key and is written 0600. One file, not a pair, because an operator copies one file to a USB stick.
SQLite: the backup API copies one snapshot of the database in a single step while the
server keeps issuing (WAL readers never block writers). PostgreSQL: ``pg_dump --format=custom``
(one snapshot transaction), restored with ``pg_restore --clean``. The tar is written under a
temporary name, fsynced and renamed, so a file named ``yichuang-*.tar`` is always complete.
Files of earlier versions (``.db``, ``.dump``: the database only) can still be restored.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ..core.errors import Conflict, InvalidInput
from .database import SERVER_APPLICATION_NAME
from .file_modes import PRIVATE_DIR, create_private, make_private
from .id_secret import SECRET_FILE_NAME, default_secret_path, parse_secret

PREFIX = "yichuang-"
SUFFIXES = (".tar", ".db", ".dump")  # .db / .dump: database-only backups of earlier versions
SQLITE_MEMBER, PG_MEMBER = "database.db", "database.dump"


@dataclass(frozen=True)
class Restored:
    key: Path | None  # where the backup's ID-hash key was put (None: the backup had none)
    replaced_key: Path | None = None  # a different key that was there, kept under this name


def backup(
    url: str, out_dir: Path, local_now: datetime, keep: int | None = None, secret_path: Path | None = None
) -> Path:
    """Write one backup of the database at ``url`` and its ID-hash key (``secret_path``, default
    where the server reads it) into ``out_dir``; keep the newest ``keep``."""
    out_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    sqlite = url.startswith("sqlite")
    stamp = f"{PREFIX}{local_now:%Y%m%d-%H%M%S}"
    target, partial = out_dir / f"{stamp}.tar", out_dir / f"{stamp}.tar.partial"
    db_copy = out_dir / f".{stamp}.{secrets.token_hex(4)}{'.db' if sqlite else '.dump'}"
    key_path = secret_path or default_secret_path(url)
    try:
        create_private(db_copy)  # 0600 before a byte of the database is in it
        if sqlite:
            _sqlite_copy(_sqlite_path(url), db_copy, journal_mode="DELETE")  # one self-contained file
        else:
            _pg_run(["pg_dump", "--format=custom", "--no-owner", "--file", str(db_copy)], url)
        key = key_path.read_bytes() if key_path.is_file() else None
        partial.unlink(missing_ok=True)
        create_private(partial)
        with partial.open("r+b") as f:
            with tarfile.open(fileobj=f, mode="w", format=tarfile.PAX_FORMAT) as tar:
                tar.add(db_copy, arcname=SQLITE_MEMBER if sqlite else PG_MEMBER)
                if key is not None:
                    info = tarfile.TarInfo(SECRET_FILE_NAME)
                    info.size, info.mode, info.mtime = len(key), 0o600, int(local_now.timestamp())
                    tar.addfile(info, io.BytesIO(key))
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, target)
    finally:
        db_copy.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
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


def restore(url: str, source: Path, secret_path: Path | None = None) -> Restored:
    """Replace the database at ``url`` with the backup ``source`` and put the backup's ID-hash key
    where the server reads it (``secret_path``, default as the server); no server may be running.

    Everything is checked before anything is changed: a wrong file changes nothing."""
    if not source.is_file():
        raise InvalidInput("backup_not_found", path=str(source))
    if not tarfile.is_tarfile(source):
        _restore_database(url, source)  # a database-only backup of an earlier version
        return Restored(None)
    sqlite = url.startswith("sqlite")
    with tempfile.TemporaryDirectory(prefix="yichuang-restore-") as tmp:
        database = Path(tmp) / (SQLITE_MEMBER if sqlite else PG_MEMBER)
        key = None
        try:
            with tarfile.open(source) as tar:
                names = tar.getnames()
                member = tar.extractfile(database.name) if database.name in names else None
                if member is None:
                    raise InvalidInput("backup_unreadable", path=str(source))
                with member, database.open("wb") as out:
                    shutil.copyfileobj(member, out)
                if SECRET_FILE_NAME in names:
                    found = tar.extractfile(SECRET_FILE_NAME)
                    key = found.read() if found is not None else None
        except (tarfile.TarError, OSError, EOFError):
            raise InvalidInput("backup_unreadable", path=str(source)) from None
        if key is not None and parse_secret(key) is None:
            raise InvalidInput("backup_unreadable", path=str(source))
        _restore_database(url, database)
    if key is None:
        return Restored(None)
    return _put_key(secret_path or default_secret_path(url), key)


def _put_key(path: Path, key: bytes) -> Restored:
    """The backup's key in place (0600); a different key found there is kept beside it, never lost."""
    replaced = None
    if path.is_file() and path.read_bytes().strip() != key.strip():
        replaced = path.with_name(f"{path.name}.before-restore-{secrets.token_hex(3)}")
        os.replace(path, replaced)
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    create_private(tmp)
    tmp.write_bytes(key)
    _fsync(tmp)
    os.replace(tmp, path)
    return Restored(path, replaced)


def _restore_database(url: str, source: Path) -> None:
    if url.startswith("sqlite"):
        _check_sqlite_backup(source)
        path = Path(_sqlite_path(url))
        path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
        if not path.exists():
            create_private(path)
        make_private(path)
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
