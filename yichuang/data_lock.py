"""One server per SQLite file: an OS lock on server.lock in the file's real directory.

However the file is named (``--data DIR``, ``--database-url sqlite:///relative/path``, a symlink
to it or to its directory), the lock is taken in the directory the file really is in (symlinks
and relative paths resolved), so every name of one database meets the same lock.

Two servers on one SQLite file would each believe they hand out ticket numbers in order
and each run their own WAL checkpoints. The kernel's flock is released by the kernel
when the last process holding it ends, however it ends (SIGKILL, power cut), so a stale
lock file never blocks a restart. Granian's workers are forked and share the locked
file: the directory stays locked until the last of them is gone, never while an orphan
worker still serves.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from hall_common.i18n import message

LOCK_NAME = "server.lock"


class DataDirInUse(Exception):
    def __init__(self, data_dir: Path, pid: str) -> None:
        self.data_dir, self.pid = data_dir, pid
        super().__init__(message("cli.data_dir_locked", path=str(data_dir), pid=pid or "?"))


def lock_data_dir(data_dir: Path) -> int:
    """Take the lock for this process (and its forked workers); returns the descriptor to keep open.

    Raises DataDirInUse naming the PID of the server that holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = os.pread(fd, 32, 0).decode(errors="replace").strip()
        os.close(fd)
        raise DataDirInUse(data_dir.resolve(), pid) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def sqlite_data_dir(url: str) -> Path | None:
    """The real directory of the SQLite file at ``url`` (None: not a file database)."""
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if not url.startswith("sqlite") or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(os.path.realpath(database)).parent


def lock_database(url: str) -> int | None:
    """lock_data_dir for the directory of the SQLite file ``url`` names; None for other databases."""
    data_dir = sqlite_data_dir(url)
    return lock_data_dir(data_dir) if data_dir is not None else None


def check_data_dir_free(data_dir: Path) -> None:
    """Raise DataDirInUse if a server holds the directory (for commands that must not run beside one)."""
    if (data_dir / LOCK_NAME).exists():
        os.close(lock_data_dir(data_dir))
