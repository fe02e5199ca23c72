"""The secret of the keyed ID-number hash, kept in a file outside the database.

A SQLite hall keeps it beside its database (``<data>/id-hash.key``, created on first start);
a PostgreSQL deployment names the file with ``--secret-file`` or ``YICHUANG_SECRET_FILE``
(every server process of the hall must read the same file, or check-in by ID number fails).
Losing the file makes stored ID hashes unmatchable; back it up with the database, apart from it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from hall_common.i18n import message

SECRET_FILE_NAME = "id-hash.key"
SECRET_FILE_ENV = "YICHUANG_SECRET_FILE"
SECRET_BYTES = 32


def default_secret_path(database_url: str) -> Path:
    """$YICHUANG_SECRET_FILE, else beside a SQLite database, else ./data (or $YICHUANG_DATA)."""
    if os.environ.get(SECRET_FILE_ENV):
        return Path(os.environ[SECRET_FILE_ENV])
    if database_url.startswith("sqlite:///") and not database_url.endswith(":memory:"):
        return Path(database_url.removeprefix("sqlite:///").split("?")[0]).parent / SECRET_FILE_NAME
    return Path(os.environ.get("YICHUANG_DATA", "./data")) / SECRET_FILE_NAME


class SecretFileError(ValueError):
    """The secret file exists but holds no valid secret (the message says which file and why)."""


def load_or_create_secret(path: Path) -> bytes:
    """The secret in ``path`` (hex text); a new random one is written there (mode 0600) if none."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under another name, then linked into place: a process starting at the
        # same moment either links first or reads the finished file, never half of it.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_bytes(SECRET_BYTES).hex() + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    try:
        value = bytes.fromhex(path.read_text("ascii").strip())
    except (ValueError, UnicodeDecodeError):
        value = b""
    if len(value) < 16:
        raise SecretFileError(message("server.id_secret_invalid", path=str(path)))
    return value
