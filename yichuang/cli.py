"""The `yichuang` command: serve the hall, manage tokens, preview slips, run devices."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from hall_common.i18n import message

DEFAULT_DATA = Path(os.environ.get("YICHUANG_DATA", "./data"))


def _database_url(args: argparse.Namespace) -> str:
    from hall_server.storage.database import sqlite_url

    return args.database_url or os.environ.get("YICHUANG_DATABASE_URL") or sqlite_url(Path(args.data))


def _add_db_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default=str(DEFAULT_DATA), help="data directory for the SQLite database")
    p.add_argument("--database-url", help="e.g. postgresql+psycopg://user@127.0.0.1/yichuang (overrides --data)")


def _hall_configs(paths: list[str]):
    from hall_server.core.hall_config import load_hall_config, pilot_hall_config

    return [load_hall_config(Path(p)) for p in paths] if paths else [pilot_hall_config()]


def _clock(text: str | None):
    from hall_server.core.clock import StartedClock, SystemClock, parse_local_time

    if not text:
        return SystemClock()
    try:
        return StartedClock(parse_local_time(text))
    except ValueError:
        raise SystemExit(message("cli.bad_clock", value=text)) from None


def cmd_serve(args: argparse.Namespace) -> int:
    from hall_server.api import create_app
    from hall_server.app_services import HallServer
    from hall_server.storage.database import Database

    from .demo import prepare_demo
    from .web_mounts import mount_pages
    from .wsgi_server import run

    url = _database_url(args)
    halls = _hall_configs(args.hall)
    clock = _clock(args.clock)
    if args.workers > 1 and url.startswith("sqlite"):
        print(message("cli.sqlite_workers"), file=sys.stderr)
    # Migrate and install halls once, before workers fork.
    setup = HallServer.open(url, halls, clock=clock)
    if args.demo:
        prepare_demo(setup, Path(args.data), f"http://{args.host}:{args.port}")
    setup.close()

    def build_app():
        server = HallServer(Database(url), clock=clock, heartbeat_seconds=args.heartbeat)
        server.start_background()
        app = create_app(server)
        mount_pages(app)
        return app

    print(message("cli.serving", url=f"http://{args.host}:{args.port}", db=url.split("?")[0]), flush=True)
    run(build_app, args.host, args.port, args.workers, args.threads)
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    from hall_server.app_services import HallServer
    from hall_server.core.errors import DomainError

    server = HallServer.open(_database_url(args), _hall_configs(args.hall))
    try:
        ctx = (
            server.services.halls.by_code(args.hall_code)
            if args.hall_code
            else server.services.halls.get(server.services.halls.all_ids()[0])
        )
        staff_id = None
        if args.staff_no:
            from hall_server.services.hall_setup import add_staff

            staff_id = add_staff(server.services, ctx.id, args.staff_no, args.staff_name or args.staff_no)
        token = server.tokens.create(ctx.id, args.role, args.window, args.label or "", staff_id)
    except DomainError as exc:
        print(message(exc.message_key, **exc.params), file=sys.stderr)
        return 2
    finally:
        server.close()
    print(message("cli.token_created", role=args.role, hall=ctx.code))
    print(token)
    return 0


def cmd_staff_add(args: argparse.Namespace) -> int:
    from hall_server.app_services import HallServer
    from hall_server.services.hall_setup import add_staff

    server = HallServer.open(_database_url(args), _hall_configs(args.hall))
    try:
        ctx = (
            server.services.halls.by_code(args.hall_code)
            if args.hall_code
            else server.services.halls.get(server.services.halls.all_ids()[0])
        )
        add_staff(server.services, ctx.id, args.staff_no, args.name, args.role)
    finally:
        server.close()
    print(message("cli.staff_added", staff_no=args.staff_no, name=args.name))
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from hall_server.storage.database import Database

    db = Database(_database_url(args))
    db.migrate()
    db.dispose()
    print(message("cli.migrated"))
    return 0


def cmd_print_preview(argv: list[str]) -> int:
    from hardware.printer.preview import main

    return main(argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yichuang", description="一窗 hall-floor system")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the hall server (API, events, pages)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    _add_db_options(serve)
    serve.add_argument(
        "--hall", action="append", default=[], help="hall config TOML (repeatable); default: the pilot hall"
    )
    serve.add_argument("--clock", help='start the hall at this local time, e.g. "2026-11-26 10:00"')
    serve.add_argument("--workers", type=int, default=1, help="processes (use PostgreSQL for more than 1)")
    serve.add_argument("--threads", type=int, default=256, help="threads per process (each event stream holds one)")
    serve.add_argument("--heartbeat", type=float, default=15.0, help="seconds between SSE keep-alives")
    serve.add_argument("--demo", action="store_true", help="add demo staff, sign them in and write demo tokens")
    serve.set_defaults(func=cmd_serve)

    token = sub.add_parser("token", help="manage device and person tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    create = token_sub.add_parser("create", help="create a token; it is printed as the last line")
    create.add_argument(
        "--role",
        required=True,
        choices=("kiosk", "board", "pad", "clerk", "backoffice", "supervisor", "admin", "county_admin"),
    )
    create.add_argument("--window", type=int)
    create.add_argument("--label")
    create.add_argument("--hall-code", help="the hall (default: the first hall)")
    create.add_argument("--staff-no", help="bind the token to this staff member (created if new)")
    create.add_argument("--staff-name")
    create.add_argument("--hall", action="append", default=[], help=argparse.SUPPRESS)
    _add_db_options(create)
    create.set_defaults(func=cmd_token_create)

    staff = sub.add_parser("staff", help="manage staff")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add")
    add.add_argument("--staff-no", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--role", default="clerk")
    add.add_argument("--hall-code")
    add.add_argument("--hall", action="append", default=[], help=argparse.SUPPRESS)
    _add_db_options(add)
    add.set_defaults(func=cmd_staff_add)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply migrations")
    _add_db_options(upgrade)
    upgrade.set_defaults(func=cmd_db_upgrade)

    sub.add_parser("print-preview", help="render ESC/POS bytes to PNG (see --help)", add_help=False)
    _register_plugins(sub)
    return parser


# Client programs (kiosk, announcer, bridges) add their own subcommands: each module has
# register(subparsers) and sets a func(args) -> int default; a package not installed is skipped.
CLI_PLUGINS = ("kiosk.cli", "display_board.cli", "window_terminal.cli", "hall_server.catalog_io.cli")


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

    try:
        return args.func(args)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
