"""One server per data directory: an OS lock on DATA/server.lock (issue 15, finding 10).

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


def check_data_dir_free(data_dir: Path) -> None:
    """Raise DataDirInUse if a server holds the directory (for commands that must not run beside one)."""
    if (data_dir / LOCK_NAME).exists():
        os.close(lock_data_dir(data_dir))
