"""The `yichuang` command: serve the hall, manage tokens, preview slips, run devices."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from hall_common.i18n import message
from hall_server.cli_support import (
    add_db_options,
    add_hall_options,
    database_url,
    hall_configs,
    id_secret,
    open_hall,
    secret_file,
    secret_path,
)


def _clock(text: str | None):
    from hall_server.core.clock import StartedClock, SystemClock, parse_local_time

    if not text:
        return SystemClock()
    try:
        return StartedClock(parse_local_time(text))
    except ValueError:
        raise SystemExit(message("cli.bad_clock", value=text)) from None


def _positive(kind: type):
    """An argparse type: a number above zero, or a Chinese error naming what was given."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if not value > 0:
            raise argparse.ArgumentTypeError(message("cli.not_positive", value=text))
        return value

    parse.__name__ = kind.__name__
    return parse


def cmd_serve(args: argparse.Namespace) -> int:
    from hall_server.api import create_app
    from hall_server.app_services import HallServer
    from hall_server.storage.database import SERVER_APPLICATION_NAME, Database

    from .data_lock import DataDirInUse, lock_database
    from .demo import prepare_demo
    from .http_server import Limits, run
    from .web_mounts import mount_pages

    public_url = (args.public_url or "").strip()
    if public_url and not public_url.startswith(("http://", "https://")):
        print(message("cli.bad_public_url", value=public_url), file=sys.stderr)
        return 2
    url = database_url(args)
    halls = hall_configs(args.hall)
    clock = _clock(args.clock)
    try:
        lock_database(url)  # held (inherited by the workers) until the server ends
    except DataDirInUse as exc:
        print(exc, file=sys.stderr)
        return 3
    if args.workers > 1 and url.startswith("sqlite"):
        print(message("cli.sqlite_workers"), file=sys.stderr)
    # Migrate and install halls once, before workers fork.
    setup = HallServer.open(url, halls, clock=clock, secret_file=secret_file(args))
    if args.demo:
        prepare_demo(setup, Path(args.data), f"http://{args.host}:{args.port}")
    setup.close()

    def build_app():
        caps = {
            "max_streams": args.max_streams,
            "max_streams_per_token": args.max_streams_per_token,
            "max_streams_per_address": args.max_streams_per_address,
        }
        server = HallServer(
            Database(url, synchronous=args.synchronous, application_name=SERVER_APPLICATION_NAME),
            clock=clock,
            heartbeat_seconds=args.heartbeat,
            secret_file=secret_file(args),
            **{name: value for name, value in caps.items() if value is not None},
        )
        server.start_background()
        app = create_app(server)
        app.config["YICHUANG_PUBLIC_URL"] = public_url  # the board's 扫码预约 QR (display_board/web.py)
        mount_pages(app)
        return app

    if args.backup_at != "off":
        from .backup_schedule import DailyBackup

        DailyBackup(
            url,
            _backup_dir(args),
            _backup_time(args.backup_at),
            args.backup_keep,
            clock,
            halls[0].timezone,
            secret_path(args),
        ).start()
    print(message("cli.serving", url=f"http://{args.host}:{args.port}", db=url.split("?")[0]), flush=True)
    limits = Limits(
        max_connections=args.max_connections,
        header_timeout=args.header_timeout,
        body_timeout=args.body_timeout,
        body_min_rate=args.body_min_rate,
        max_requests_per_address=args.max_requests_per_address,
        max_connections_per_address=args.max_connections_per_address,
    )
    run(build_app, args.host, args.port, args.workers, args.threads, limits)
    return 0


def _backup_dir(args: argparse.Namespace) -> Path:
    return Path(args.backup_dir) if args.backup_dir else Path(args.data) / "backups"


def _backup_time(text: str):
    from datetime import time

    try:
        return time.fromisoformat(text)
    except ValueError:
        raise SystemExit(message("cli.bad_backup_time", value=text)) from None


def cmd_backup(args: argparse.Namespace) -> int:
    from hall_server.core.clock import SystemClock
    from hall_server.core.errors import DomainError
    from hall_server.storage.backup import backup

    tz = hall_configs(args.hall)[0].timezone
    try:
        now = SystemClock().now().astimezone(tz)
        path = backup(database_url(args), _backup_dir(args), now, args.keep, secret_path(args))
    except DomainError as exc:
        print(message(exc.message_key, **exc.params), file=sys.stderr)
        return 2
    print(message("cli.backup_written", path=str(path)))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from hall_server.core.errors import DomainError
    from hall_server.storage.backup import restore
    from hall_server.storage.database import Database

    from .data_lock import DataDirInUse, lock_database

    url = database_url(args)
    try:
        lock = lock_database(url)  # held while restoring: no server may start meanwhile
    except DataDirInUse as exc:
        print(exc, file=sys.stderr)
        return 3
    try:
        restored = restore(url, Path(args.file), secret_path(args))
        db = Database(url)
        db.migrate()  # a backup from an older version gets today's schema
        db.dispose()
    except DomainError as exc:
        print(message(exc.message_key, **exc.params), file=sys.stderr)
        return 3 if exc.code == "server_running" else 2
    finally:
        if lock is not None:
            os.close(lock)
    print(message("cli.restored", path=args.file))
    if restored.key is not None:
        print(message("cli.restored_key", path=str(restored.key)))
    else:
        print(message("cli.restored_without_key", path=str(secret_path(args))), file=sys.stderr)
    if restored.replaced_key is not None:
        print(message("cli.restored_replaced_key", path=str(restored.replaced_key)))
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    from hall_server.core.errors import DomainError

    server, ctx = open_hall(args)
    try:
        staff_id = None
        if args.staff_no:
            staff_id = _staff_for_token(server, ctx.id, args)
        token = server.tokens.create(ctx.id, args.role, args.window, args.label or "", staff_id)
    except DomainError as exc:
        print(message(exc.message_key, **exc.params), file=sys.stderr)
        return 2
    finally:
        server.close()
    print(message("cli.token_created", role=args.role, hall=ctx.code))
    print(token)
    return 0


def _staff_for_token(server, hall_id: int, args: argparse.Namespace) -> int:
    """The staff member a person token is bound to, created with the token's role if new.

    A person token is valid only while its person has the token's role (services/tokens.py), so
    a token for someone of another role would be dead on arrival: refused here, saying how to fix."""
    from sqlalchemy import select

    from hall_server.core.errors import InvalidInput
    from hall_server.services.accounts import STAFF_ROLES
    from hall_server.services.hall_setup import S, add_staff

    if args.role not in STAFF_ROLES:
        raise InvalidInput("token_staff_not_a_person", "cli.token_staff_not_a_person", role=args.role)
    with server.services.db.read() as conn:
        role = conn.execute(select(S.c.role).where(S.c.hall_id == hall_id, S.c.staff_no == args.staff_no)).scalar()
    if role is not None and role != args.role:
        raise InvalidInput(
            "token_staff_other_role",
            "cli.token_staff_other_role",
            staff_no=args.staff_no,
            staff_role=role,
            role=args.role,
        )
    return add_staff(server.services, hall_id, args.staff_no, args.staff_name or args.staff_no, args.role)


def cmd_staff_add(args: argparse.Namespace) -> int:
    from hall_server.services.hall_setup import add_staff

    server, ctx = open_hall(args)
    try:
        add_staff(server.services, ctx.id, args.staff_no, args.name, args.role)
    finally:
        server.close()
    print(message("cli.staff_added", staff_no=args.staff_no, name=args.name))
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from hall_server.storage.database import Database

    db = Database(database_url(args))
    db.migrate(id_secret(args))
    db.dispose()
    print(message("cli.migrated"))
    return 0


def cmd_print_preview(argv: list[str]) -> int:
    from hardware.printer.preview import main

    return main(argv)


def build_parser() -> argparse.ArgumentParser:
    from hall_common.cli_parser import CliParser
    from hall_common.cli_parser import help_text as h

    parser = CliParser(prog="yichuang", description=h("cli_help.description"))
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help=h("cli_help.serve"), description=h("cli_help.serve"))
    serve.add_argument("--host", default="127.0.0.1", help=h("cli_help.host"))
    serve.add_argument("--port", type=int, default=8080, help=h("cli_help.port"))
    add_db_options(serve)
    serve.add_argument("--hall", action="append", default=[], help=h("cli_help.hall_files"))
    serve.add_argument("--clock", help=h("cli_help.clock"))
    serve.add_argument("--public-url", default=os.environ.get("YICHUANG_PUBLIC_URL", ""), help=h("cli_help.public_url"))
    serve.add_argument("--workers", type=int, default=1, help=h("cli_help.workers"))
    serve.add_argument("--threads", type=int, default=32, help=h("cli_help.threads"))
    serve.add_argument("--max-connections", type=int, default=16384, help=h("cli_help.max_connections"))
    serve.add_argument(
        "--max-connections-per-address", type=_positive(int), default=64, help=h("cli_help.max_connections_per_address")
    )
    serve.add_argument(
        "--max-requests-per-address", type=_positive(int), default=32, help=h("cli_help.max_requests_per_address")
    )
    serve.add_argument("--body-timeout", type=_positive(float), default=10.0, help=h("cli_help.body_timeout"))
    serve.add_argument("--body-min-rate", type=_positive(int), default=500, help=h("cli_help.body_min_rate"))
    serve.add_argument("--header-timeout", type=float, default=10.0, help=h("cli_help.header_timeout"))
    # Defaults for the stream caps: hall_server/events/broker.py (MAX_STREAMS, MAX_STREAMS_PER_TOKEN).
    serve.add_argument("--max-streams", type=int, help=h("cli_help.max_streams"))
    serve.add_argument("--max-streams-per-token", type=int, help=h("cli_help.max_streams_per_token"))
    serve.add_argument("--max-streams-per-address", type=_positive(int), help=h("cli_help.max_streams_per_address"))
    serve.add_argument("--heartbeat", type=float, default=15.0, help=h("cli_help.heartbeat"))
    serve.add_argument("--synchronous", choices=("FULL", "NORMAL"), default="FULL", help=h("cli_help.synchronous"))
    serve.add_argument("--demo", action="store_true", help=h("cli_help.demo"))
    serve.add_argument("--backup-at", default="19:00", help=h("cli_help.backup_at"))
    serve.add_argument("--backup-keep", type=int, default=30, help=h("cli_help.backup_keep"))
    serve.add_argument("--backup-dir", help=h("cli_help.backup_dir_serve"))
    serve.set_defaults(func=cmd_serve)

    bk = sub.add_parser("backup", help=h("cli_help.backup"), description=h("cli_help.backup"))
    add_db_options(bk)
    bk.add_argument("--backup-dir", help=h("cli_help.backup_dir"))
    bk.add_argument("--keep", type=int, help=h("cli_help.backup_keep_now"))
    bk.add_argument("--hall", action="append", default=[], help=argparse.SUPPRESS)
    bk.set_defaults(func=cmd_backup)

    rs = sub.add_parser("restore", help=h("cli_help.restore"), description=h("cli_help.restore"))
    rs.add_argument("file", help=h("cli_help.restore_file"))
    add_db_options(rs)
    rs.set_defaults(func=cmd_restore)

    token = sub.add_parser("token", help=h("cli_help.token"), description=h("cli_help.token"))
    token_sub = token.add_subparsers(dest="token_command", required=True)
    create = token_sub.add_parser("create", help=h("cli_help.token_create"), description=h("cli_help.token_create"))
    create.add_argument(
        "--role",
        required=True,
        choices=("kiosk", "board", "pad", "clerk", "backoffice", "supervisor", "admin", "county_admin"),
        help=h("cli_help.token_role"),
    )
    create.add_argument("--window", type=int, help=h("cli_help.token_window"))
    create.add_argument("--label", help=h("cli_help.token_label"))
    create.add_argument("--staff-no", help=h("cli_help.token_staff_no"))
    create.add_argument("--staff-name", help=h("cli_help.token_staff_name"))
    add_hall_options(create)
    add_db_options(create)
    create.set_defaults(func=cmd_token_create)

    staff = sub.add_parser("staff", help=h("cli_help.staff"), description=h("cli_help.staff"))
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add", help=h("cli_help.staff_add"), description=h("cli_help.staff_add"))
    add.add_argument("--staff-no", required=True, help=h("cli_help.staff_no"))
    add.add_argument("--name", required=True, help=h("cli_help.staff_name"))
    add.add_argument("--role", default="clerk", help=h("cli_help.staff_role"))
    add_hall_options(add)
    add_db_options(add)
    add.set_defaults(func=cmd_staff_add)

    db = sub.add_parser("db", help=h("cli_help.db"), description=h("cli_help.db"))
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help=h("cli_help.db_upgrade"), description=h("cli_help.db_upgrade"))
    add_db_options(upgrade)
    upgrade.set_defaults(func=cmd_db_upgrade)

    from .enrol import register as register_enrol

    register_enrol(sub)
    sub.add_parser("print-preview", help=h("cli_help.print_preview"), add_help=False)
    _register_plugins(sub)
    return parser


# Client programs (kiosk, announcer, bridges) add their own subcommands: each module has
# register(subparsers) and sets a func(args) -> int default; a package not installed is skipped.
CLI_PLUGINS = (
    "kiosk.cli",
    "display_board.cli",
    "window_terminal.cli",
    "hall_server.catalog_io.cli",
    "hall_server.accounts_cli",
    "hall_server.simulation.cli",
    "yichuang.install",
)


def _register_plugins(sub) -> None:
    import importlib

    for name in CLI_PLUGINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue
            raise
        module.register(sub)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if argv and argv[0] == "print-preview":
        return cmd_print_preview(argv[1:])
    args = build_parser().parse_args(argv)
    from hall_server.core.errors import ConfigError
    from hall_server.storage.id_secret import SecretFileError

    try:
        return args.func(args)
    except (ConfigError, SecretFileError) as exc:
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
