"""`yichuang account set-password|set-role`, `yichuang keypad-bridge`, `yichuang pad-bridge`."""

from __future__ import annotations

import argparse
import getpass
import sys
import threading

from hall_common.i18n import message


def _mapping(values: list[str]) -> dict[int, int]:
    mapping = {}
    for value in values:
        try:
            address, window = (int(x) for x in value.split(":"))
        except ValueError:
            raise SystemExit(message("terminal.bad_map", value=value)) from None
        mapping[address] = window
    return mapping


def _open_hall(args):
    from hall_server.app_services import HallServer
    from yichuang.cli import _database_url, _hall_configs

    server = HallServer.open(_database_url(args), _hall_configs(args.hall))
    halls = server.services.halls
    ctx = halls.by_code(args.hall_code) if args.hall_code else halls.get(halls.all_ids()[0])
    return server, ctx


def _read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(message("accounts.cli_password_prompt"))
    if first != getpass.getpass(message("accounts.cli_password_again")):
        raise SystemExit(message("accounts.cli_password_mismatch"))
    return first


def cmd_set_password(args: argparse.Namespace) -> int:
    from hall_server.core.errors import DomainError

    password = _read_password(args.password_stdin)
    server, ctx = _open_hall(args)
    try:
        server.accounts.set_password(ctx.id, args.staff_no, password)
    except DomainError as exc:
        print(message(exc.message_key, **exc.params), file=sys.stderr)
        return 2
    finally:
        server.close()
    print(message("accounts.cli_password_set", staff_no=args.staff_no))
    return 0


def cmd_set_role(args: argparse.Namespace) -> int:
    from hall_server.core.errors import DomainError

    server, ctx = _open_hall(args)
    try:
        server.accounts.set_role(ctx.id, args.staff_no, args.role)
    except DomainError as exc:
        print(message(exc.message_key, **exc.params), file=sys.stderr)
        return 2
    finally:
        server.close()
    print(message("accounts.cli_role_set", staff_no=args.staff_no, role=args.role))
    return 0


def _run_until_interrupted(bridge, kind: str, port: str, server: str) -> int:
    bridge.start()
    print(message("terminal.bridge_running", kind=kind, port=port, server=server), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        bridge.stop()
    return 0


def cmd_keypad_bridge(args: argparse.Namespace) -> int:
    from hardware.serial_devices import SerialBus

    from .bridges import KeypadBridge

    mapping = _mapping(args.map)
    bus = SerialBus(args.port, list(mapping))
    return _run_until_interrupted(KeypadBridge(args.server, args.token, bus, mapping), "keypad", args.port, args.server)


def cmd_pad_bridge(args: argparse.Namespace) -> int:
    from hardware.serial_devices import SerialBus

    from .bridges import PadBridge

    mapping = _mapping(args.map)
    if len(mapping) != 1:
        raise SystemExit(message("terminal.pad_one_window"))
    ((address, window),) = mapping.items()
    bus = SerialBus(args.port, [address])
    return _run_until_interrupted(
        PadBridge(args.server, args.token, bus, address, window), "pad", args.port, args.server
    )


def register(sub) -> None:
    from yichuang.cli import _add_db_options

    account = sub.add_parser("account", help="staff log-in accounts (passwords, roles)")
    account_sub = account.add_subparsers(dest="account_command", required=True)
    pw = account_sub.add_parser("set-password", help="set a staff member's password (prompted, or one line on stdin)")
    pw.add_argument("--staff-no", required=True)
    pw.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    pw.add_argument("--hall-code")
    pw.add_argument("--hall", action="append", default=[], help=argparse.SUPPRESS)
    _add_db_options(pw)
    pw.set_defaults(func=cmd_set_password)
    role = account_sub.add_parser("set-role", help="clerk / backoffice / supervisor / admin")
    role.add_argument("--staff-no", required=True)
    role.add_argument("--role", required=True, choices=("clerk", "backoffice", "supervisor", "admin"))
    role.add_argument("--hall-code")
    role.add_argument("--hall", action="append", default=[], help=argparse.SUPPRESS)
    _add_db_options(role)
    role.set_defaults(func=cmd_set_role)

    for name, func, helptext in (
        ("keypad-bridge", cmd_keypad_bridge, "serial caller keypads ↔ the window API"),
        ("pad-bridge", cmd_pad_bridge, "a serial evaluation pad ↔ the rating API"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--server", required=True, help="hall server URL, e.g. http://127.0.0.1:8080")
        p.add_argument("--token", required=True, help="clerk/supervisor token (keypad) or the window's pad token (pad)")
        p.add_argument("--port", required=True, help="serial device or pyserial URL, e.g. /dev/ttyUSB0")
        p.add_argument(
            "--map",
            action="append",
            required=True,
            metavar="ADDRESS:WINDOW",
            help="device address on the line : window number (repeatable for keypads)",
        )
        p.set_defaults(func=func)
