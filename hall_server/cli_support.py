"""What every server-side command shares: where the database is, which halls, which hall.

Used by the `yichuang` command and by the subcommands other packages register with it
(catalog import/export, staff accounts); none of them imports the `yichuang` command itself.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from hall_common.cli_parser import help_text

if TYPE_CHECKING:
    from .app_services import HallServer
    from .core.hall_config import HallConfig
    from .services.context import HallContext

DEFAULT_DATA = Path(os.environ.get("YICHUANG_DATA", "./data"))


def add_db_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default=str(DEFAULT_DATA), help=help_text("cli_help.data"))
    p.add_argument("--database-url", help=help_text("cli_help.database_url"))
    p.add_argument("--secret-file", help=help_text("cli_help.secret_file"))


def add_hall_options(p: argparse.ArgumentParser) -> None:
    """--hall-code picks the hall (default: the first); --hall gives config files (hidden)."""
    p.add_argument("--hall-code", help=help_text("cli_help.hall_code"))
    p.add_argument("--hall", action="append", default=[], help=argparse.SUPPRESS)


def database_url(args: argparse.Namespace) -> str:
    from .storage.database import sqlite_url

    return args.database_url or os.environ.get("YICHUANG_DATABASE_URL") or sqlite_url(Path(args.data))


def secret_file(args: argparse.Namespace) -> Path | None:
    return Path(args.secret_file) if getattr(args, "secret_file", None) else None


def secret_path(args: argparse.Namespace) -> Path:
    """Where the server of these options reads the ID-hash key."""
    from .storage.id_secret import default_secret_path

    return secret_file(args) or default_secret_path(database_url(args))


def id_secret(args: argparse.Namespace) -> bytes:
    from sqlalchemy import create_engine

    from .storage.id_secret import hashed_data_exist, load_or_create_secret

    def hashed_data() -> bool:
        engine = create_engine(database_url(args))
        try:
            return hashed_data_exist(engine)
        finally:
            engine.dispose()

    return load_or_create_secret(secret_path(args), hashed_data)


def hall_configs(paths: list[str]) -> list[HallConfig]:
    from .core.hall_config import load_hall_config, pilot_hall_config

    return [load_hall_config(Path(p)) for p in paths] if paths else [pilot_hall_config()]


def open_hall(args: argparse.Namespace) -> tuple[HallServer, HallContext]:
    """The server (migrated, halls installed) and the hall the command is about; close the server."""
    from .app_services import HallServer

    server = HallServer.open(database_url(args), hall_configs(args.hall), secret_file=secret_file(args))
    try:
        return server, server.services.halls.by_code_or_first(args.hall_code)
    except Exception:
        server.close()
        raise
