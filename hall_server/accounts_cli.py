"""`yichuang account set-password|set-role`: staff log-in accounts, run on the server machine."""

from __future__ import annotations

import argparse
import getpass
import sys

from hall_common.cli_parser import help_text as h
from hall_common.i18n import message

from .cli_support import add_db_options, add_hall_options, open_hall


def _read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(message("accounts.cli_password_prompt"))
    if first != getpass.getpass(message("accounts.cli_password_again")):
        raise SystemExit(message("accounts.cli_password_mismatch"))
    return first


def cmd_set_password(args: argparse.Namespace) -> int:
    from .core.errors import DomainError

    password = _read_password(args.password_stdin)
    server, ctx = open_hall(args)
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
    from .core.errors import DomainError

    server, ctx = open_hall(args)
    try:
        server.accounts.set_role(ctx.id, args.staff_no, args.role)
    except DomainError as exc:
        print(message(exc.message_key, **exc.params), file=sys.stderr)
        return 2
    finally:
        server.close()
    print(message("accounts.cli_role_set", staff_no=args.staff_no, role=args.role))
    return 0


def register(sub) -> None:
    account = sub.add_parser("account", help=h("cli_help.account"), description=h("cli_help.account"))
    account_sub = account.add_subparsers(dest="account_command", required=True)
    text = h("cli_help.account_set_password")
    pw = account_sub.add_parser("set-password", help=text, description=text)
    pw.add_argument("--staff-no", required=True, help=h("cli_help.staff_no"))
    pw.add_argument("--password-stdin", action="store_true", help=h("cli_help.account_password_stdin"))
    add_hall_options(pw)
    add_db_options(pw)
    pw.set_defaults(func=cmd_set_password)
    text = h("cli_help.account_set_role")
    role = account_sub.add_parser("set-role", help=text, description=text)
    role.add_argument("--staff-no", required=True, help=h("cli_help.staff_no"))
    role.add_argument(
        "--role", required=True, choices=("clerk", "backoffice", "supervisor", "admin"), help=h("cli_help.staff_role")
    )
    add_hall_options(role)
    add_db_options(role)
    role.set_defaults(func=cmd_set_role)
