"""The secret of the keyed ID-number hash, kept in a file outside the database.

A SQLite hall keeps it beside its database (``<data>/id-hash.key``, created on first start);
a PostgreSQL deployment names the file with ``--secret-file`` or ``YICHUANG_SECRET_FILE``
(every server process of the hall must read the same file, or check-in by ID number fails).
Losing the file makes stored ID hashes unmatchable: `yichuang backup` puts it in every backup and
`yichuang restore` puts it back. A missing file is created only while no hashed data exist; with
hashed data the server refuses to start and says where the old key must be copied, because a new
key would silently break every check-in by ID number.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from hall_common.i18n import message

from .file_modes import make_private

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


def parse_secret(text: bytes) -> bytes | None:
    """The secret held by a key file's bytes, or None if they hold none."""
    try:
        value = bytes.fromhex(text.decode("ascii").strip())
    except (ValueError, UnicodeDecodeError):
        return None
    return value if len(value) >= 16 else None


class SecretMissing(SecretFileError):
    """The key file is gone while the database holds data hashed with it."""


def load_or_create_secret(path: Path, hashed_data: Callable[[], bool] | None = None) -> bytes:
    """The secret in ``path`` (hex text); a new random one is written there (mode 0600) if none,
    unless ``hashed_data()`` says the database already holds values hashed with the lost one."""
    if not path.exists() and hashed_data is not None and hashed_data():
        raise SecretMissing(message("server.id_secret_lost", path=str(path.resolve())))
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
    make_private(path)
    value = parse_secret(path.read_bytes())
    if value is None:
        raise SecretFileError(message("server.id_secret_invalid", path=str(path)))
    return value


# Every column keyed with the secret (services: appointments, ticketing, cases); keyed since
# migration 0007 (before it the hashes were unkeyed, and 0007 re-keys them with a new key).
HASHED_COLUMNS = (("appointments", "id_number_hash"), ("appointments", "phone_hash"), ("cases", "applicant_id_hash"))
KEYED_SINCE = 7


def hashed_data_exist(engine) -> bool:  # type: ignore[no-untyped-def]
    """Whether any row holds a value hashed with the secret (False for a new, empty database)."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        schema = inspect(conn)
        tables = set(schema.get_table_names())
        if "alembic_version" not in tables:
            return False
        revisions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        if not any(r[:4].isdigit() and int(r[:4]) >= KEYED_SINCE for r in revisions):
            return False
        for table, column in HASHED_COLUMNS:
            if table not in tables or column not in {c["name"] for c in schema.get_columns(table)}:
                continue
            if conn.execute(text(f"SELECT 1 FROM {table} WHERE {column} IS NOT NULL LIMIT 1")).first():
                return True
    return False
