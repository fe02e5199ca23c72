"""`yichuang enrol`: a device exchanges the supervisor's one-time code for its own token file.

The file is written 0600 beside its final place and moved there in one step, so a reader never
sees half a token; an existing file is kept unless --force (the code works once, so the check
comes before the server is asked)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from hall_common.hall_errors import HallError
from hall_common.hall_http import HallHttp, client_version
from hall_common.i18n import message


def write_token(path: Path, token: str, force: bool) -> None:
    temporary = path.with_name(f".{path.name}.new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask, or a leftover file's mode
        os.write(fd, (token + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    if not force and path.exists():
        temporary.unlink()
        raise FileExistsError(path)
    os.replace(temporary, path)


def cmd_enrol(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists() and not args.force:
        print(message("cli.enrol_file_exists", path=str(out)), file=sys.stderr)
        return 2
    if not os.access(out.parent, os.W_OK | os.X_OK):  # before the code is spent on a file that cannot be
        print(message("cli.enrol_folder_not_writable", path=str(out.parent)), file=sys.stderr)
        return 2
    try:
        with HallHttp(args.server, "") as hall:
            answer = hall.post("/enrolment", {"code": args.code, "version": client_version()})
    except HallError as exc:
        print(message("cli.enrol_refused", reason=exc.text), file=sys.stderr)
        return 2
    try:
        write_token(out, answer["token"], args.force)
    except OSError as exc:
        # The code is spent: the supervisor revokes this device and makes a new code.
        print(message("cli.enrol_not_written", path=str(out), error=str(exc), name=answer["name"]), file=sys.stderr)
        return 2
    print(message("cli.enrolled", name=answer["name"], role=answer["role"], hall=answer["hall"], path=str(out)))
    return 0


def register(sub) -> None:  # type: ignore[no-untyped-def]
    from hall_common.cli_parser import help_text as h

    enrol = sub.add_parser("enrol", help=h("cli_help.enrol"), description=h("cli_help.enrol"))
    enrol.add_argument("--server", required=True, help=h("cli_help.enrol_server"))
    enrol.add_argument("--code", required=True, help=h("cli_help.enrol_code"))
    enrol.add_argument("--out", required=True, help=h("cli_help.enrol_out"))
    enrol.add_argument("--force", action="store_true", help=h("cli_help.enrol_force"))
    enrol.set_defaults(func=cmd_enrol)
