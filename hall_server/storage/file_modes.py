"""Who may read the hall's files: the database (and its -wal / -shm), the ID-hash key and backups.

They hold residents' names, phones and ID-number hashes, so they are the owner's only (0600).
A file the operator gave to a service group (chgrp to a group other than the server's own, and
0640: e.g. the account that copies backups off the machine) keeps that group's read; anything
for "others", and a group read that came only from the umask (earlier versions left 0644), goes. SQLite gives its -wal and -shm files the mode of the
database file, so a database created 0600 keeps them 0600 too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
KEPT = 0o640  # owner read/write, and group read where the operator gave it


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 (whatever the umask), or tighten it if it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
    try:
        os.fchmod(fd, stat.S_IMODE(os.fstat(fd).st_mode) & KEPT)
    finally:
        os.close(fd)


def make_private(*paths: Path) -> None:
    """Take away what others may do with each existing file (files of earlier versions were 0644)."""
    for path in paths:
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        mode = stat.S_IMODE(st.st_mode)
        allowed = KEPT if st.st_gid != os.getgid() else PRIVATE_FILE
        if mode & ~allowed:
            os.chmod(path, mode & allowed)
