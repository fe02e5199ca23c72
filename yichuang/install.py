"""`yichuang install --role ROLE`: one hall PC from a checkout to a unit that starts at boot.

It creates the system user, /etc/yichuang (the hall file, the role's settings, its token file),
/var/lib/yichuang (data, backups), the venv from requirements/main.lock and the systemd units
(yichuang/install_units.py), then enables and (re)starts them. Every step looks before it acts,
so running it again after `git pull` is the upgrade path. ``--root DIR`` builds the same tree
under DIR without touching the machine: no packages, no venv (its paths are absolute, so it is
built on the machine that runs it), units enabled offline with ``systemctl --root``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from hall_common.cli_parser import help_text as h
from hall_common.i18n import message

from . import install_units as u

ROLES = ("server", "kiosk", "board", "announcer", "bridges")
BRIDGES = ("ledbar", "keypad-bridge", "pad-bridge")
UNITS = PurePosixPath("/etc/systemd/system")
JOURNALD = PurePosixPath("/etc/systemd/journald.conf.d/yichuang.conf")
SOURCE = Path(__file__).resolve().parents[1]
# What each role needs from Debian beyond Python (Kivy's GL and input libraries, the compositor).
PACKAGES = {
    "server": ("python3-venv",),
    "kiosk": ("python3-venv", "cage", "fonts-wqy-microhei", "libgl1", "libegl1", "libmtdev1"),
    "board": ("cage", "chromium", "fonts-wqy-microhei"),
    "announcer": ("python3-venv", "espeak-ng", "alsa-utils"),
    "bridges": ("python3-venv",),
}


class InstallRefused(Exception):
    """Bad input, said in the catalog's words; nothing has been changed yet."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(message(f"install.{key}", **params))


@dataclass(frozen=True)
class Entry:
    path: PurePosixPath  # on the installed system
    mode: int
    owner: str = "root"
    group: str = "root"
    text: str | None = None  # None: a directory


@dataclass
class Plan:
    role: str
    entries: list[Entry] = field(default_factory=list)
    units: list[str] = field(default_factory=list)  # enabled, and started on a live system
    needs_venv: bool = True


def _token(path_text: str | None, role: str) -> str:
    if not path_text:
        raise InstallRefused("needs_option", role=role, option="--token-file")
    path = Path(path_text)
    if not path.is_file():
        raise InstallRefused("token_file_not_found", path=path_text)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise InstallRefused("token_file_mode", path=path_text, mode=f"{mode:04o}")
    lines = path.read_text("utf-8").split()
    if len(lines) != 1:
        raise InstallRefused("token_file_empty", path=path_text)
    return lines[0]


def _server_url(args: argparse.Namespace) -> str:
    url = (args.server or "").strip().rstrip("/")
    if not url:
        raise InstallRefused("needs_option", role=args.role, option="--server")
    if not url.startswith(("http://", "https://")):
        raise InstallRefused("bad_server_url", value=url)
    return url


def _env(**values: str) -> str:
    return "".join(f'{name}="{value}"\n' for name, value in values.items())


def _config(name: str, text: str, mode: int = 0o640, group: str = u.USER) -> Entry:
    return Entry(u.CONFIG / name, mode, "root", group, text)


def _token_entry(name: str, token: str) -> Entry:
    return Entry(u.CONFIG / name, 0o600, u.USER, u.USER, token + "\n")


def _unit(name: str, text: str) -> Entry:
    return Entry(UNITS / name, 0o644, text=text)


def build_plan(args: argparse.Namespace) -> Plan:
    """What the role installs; reads (and checks) the input files, changes nothing."""
    plan = Plan(args.role)
    plan.entries += [
        Entry(u.CONFIG, 0o750, "root", u.USER),
        Entry(u.DATA, 0o750, u.USER, u.USER),
        Entry(u.DATA / "cache", 0o700, u.USER, u.USER),
        Entry(JOURNALD.parent, 0o755),
        Entry(JOURNALD, 0o644, text=u.journald_dropin(args.journal_max)),
    ]
    if args.role == "server":
        _server(args, plan)
    elif args.role == "kiosk":
        if not args.printer:
            raise InstallRefused("needs_option", role="kiosk", option="--printer")
        server, token = _server_url(args), _token(args.token_file, "kiosk")
        plan.entries += [
            _config("kiosk.env", _env(YICHUANG_SERVER=server, YICHUANG_PRINTER=args.printer)),
            _token_entry("kiosk.token", token),
            _unit("yichuang-kiosk.service", u.kiosk_unit()),
        ]
        plan.units.append("yichuang-kiosk.service")
    elif args.role == "board":
        server, token = _server_url(args), _token(args.token_file, "board")
        page = args.page.strip("/")
        url = f"{server}/{page}{'&' if '?' in page else '?'}token={quote(token)}"
        plan.needs_venv = False  # Chromium only
        plan.entries += [
            # The token rides in the page's address: only systemd (root) reads this file.
            _config("board.env", _env(YICHUANG_PAGE_URL=url), mode=0o600, group="root"),
            Entry(u.DATA / "chromium", 0o700, u.USER, u.USER),
            _unit("yichuang-board.service", u.board_unit()),
        ]
        plan.units.append("yichuang-board.service")
    elif args.role == "announcer":
        server, token = _server_url(args), _token(args.token_file, "announcer")
        plan.entries += [
            _config("announcer.env", _env(YICHUANG_SERVER=server, YICHUANG_DEVICE=args.device or "announcer")),
            _token_entry("announcer.token", token),
            _unit("yichuang-announcer.service", u.announcer_unit()),
        ]
        plan.units.append("yichuang-announcer.service")
    else:
        _bridge(args, plan)
    return plan


def _server(args: argparse.Namespace, plan: Plan) -> None:
    from hall_server.core.hall_config import load_hall_config

    if not args.hall_file:
        raise InstallRefused("needs_option", role="server", option="--hall-file")
    hall = Path(args.hall_file)
    if not hall.is_file():
        raise InstallRefused("hall_file_not_found", path=args.hall_file)
    load_hall_config(hall)  # a mistake is reported now, in the hall file's words, not at boot
    plan.entries += [
        Entry(u.BACKUPS, 0o750, u.USER, u.USER),
        _config("hall.toml", hall.read_text("utf-8")),
        _config("server.env", _env(YICHUANG_HOST=args.host, YICHUANG_PORT=str(args.port))),
        _unit("yichuang-server.service", u.server_unit()),
        _unit("yichuang-backup.service", u.backup_unit()),
        _unit("yichuang-backup.timer", u.backup_timer(args.backup_at)),
    ]
    plan.units += ["yichuang-server.service", "yichuang-backup.timer"]


def _bridge(args: argparse.Namespace, plan: Plan) -> None:
    if not args.bridge:
        raise InstallRefused("needs_option", role="bridges", option="--bridge")
    for option, value in (("--serial-port", args.serial_port), ("--map", args.map)):
        if not value:
            raise InstallRefused("needs_option", role="bridges", option=option)
    server, token = _server_url(args), _token(args.token_file, "bridges")
    name = args.name or args.bridge
    env = _env(
        YICHUANG_BRIDGE=args.bridge,
        YICHUANG_SERVER=server,
        YICHUANG_SERIAL_PORT=args.serial_port,
        YICHUANG_BRIDGE_ARGS=" ".join(f"--map {shlex.quote(m)}" for m in args.map),
    )
    plan.entries += [
        _config(f"bridge-{name}.env", env),
        _token_entry(f"bridge-{name}.token", token),
        _unit("yichuang-bridge@.service", u.bridge_unit()),
    ]
    plan.units.append(f"yichuang-bridge@{name}.service")


# --- carrying the plan out ---------------------------------------------------------------


def _ids(root: Path, name: str) -> tuple[int, int] | None:
    """The user's uid and gid as the target's /etc/passwd says (not the host's, under --root)."""
    try:
        for line in (root / "etc" / "passwd").read_text("utf-8").splitlines():
            fields = line.split(":")
            if len(fields) > 3 and fields[0] == name:
                return int(fields[2]), int(fields[3])
    except FileNotFoundError:
        return None
    return None


@dataclass
class Installer:
    root: Path
    dry_run: bool
    say: Callable[[str], None] = print
    run: Callable[[list[str]], object] = field(default=lambda cmd: subprocess.run(cmd, check=True))

    @property
    def live(self) -> bool:
        return self.root == Path("/")

    def on_target(self, path: PurePosixPath) -> Path:
        return self.root / path.relative_to("/")

    def command(self, cmd: list[str]) -> None:
        self.say(message("install.step_run", command=shlex.join(cmd)))
        if not self.dry_run:
            self.run(cmd)

    def user(self) -> None:
        if _ids(self.root, u.USER) is not None:
            return
        if not (self.root / "etc" / "passwd").exists() or (os.geteuid() != 0 and not self.dry_run):
            self.say(message("install.skip_user", root=str(self.root)))
            return
        where = [] if self.live else ["--root", str(self.root)]
        self.command(
            ["useradd", *where, "--system", "--user-group", "--home-dir", str(u.DATA), "--no-create-home"]
            + ["--shell", "/usr/sbin/nologin", u.USER]
        )

    def entry(self, entry: Entry) -> None:
        path = self.on_target(entry.path)
        if entry.text is None:
            if not path.is_dir():
                self.say(message("install.step_dir", path=str(entry.path), mode=f"{entry.mode:04o}"))
                if not self.dry_run:
                    path.mkdir(parents=True, exist_ok=True)
        elif not path.is_file() or path.read_text("utf-8") != entry.text:
            self.say(message("install.step_file", path=str(entry.path), mode=f"{entry.mode:04o}"))
            if not self.dry_run:
                path.parent.mkdir(parents=True, exist_ok=True)
                # Created with its final mode: a token is never readable by others, not even briefly.
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, entry.mode)
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(entry.text)
        if self.dry_run:
            return
        os.chmod(path, entry.mode)
        ids = _ids(self.root, u.USER)
        if os.geteuid() == 0 and (ids is not None or entry.owner == entry.group == "root"):
            uid = 0 if entry.owner == "root" or ids is None else ids[0]
            gid = 0 if entry.group == "root" or ids is None else ids[1]
            os.chown(path, uid, gid)

    def venv(self) -> None:
        if not self.live:
            self.say(message("install.skip_venv", path=str(u.VENV)))
            return
        python = u.VENV / "bin" / "python"
        if not Path(python).exists():
            self.command([sys.executable, "-m", "venv", str(u.VENV)])
        pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        self.command([*pip, "-r", str(SOURCE / "requirements" / "main.lock")])
        self.command([*pip, "--no-deps", "--force-reinstall", str(SOURCE)])  # exactly what was locked

    def units(self, units: list[str]) -> None:
        if self.live:
            self.command(["systemctl", "daemon-reload"])
            self.command(["systemctl", "enable", *units])
            self.command(["systemctl", "restart", *units])  # a second install restarts on the new code
            self.command(["systemctl", "try-restart", "systemd-journald.service"])
        else:
            self.command(["systemctl", f"--root={self.root}", "--quiet", "enable", *units])


def install(args: argparse.Namespace, installer: Installer) -> None:
    plan = build_plan(args)
    if installer.live:
        installer.command(["apt-get", "install", "-y", "--no-install-recommends", *PACKAGES[plan.role]])
    else:
        installer.say(message("install.skip_packages", packages=" ".join(PACKAGES[plan.role])))
    installer.user()
    for entry in plan.entries:
        installer.entry(entry)
    if plan.needs_venv:
        installer.venv()
    installer.units(plan.units)
    installer.say(message("install.done", role=plan.role, units=" ".join(plan.units)))


def cmd_install(args: argparse.Namespace) -> int:
    from hall_server.core.errors import ConfigError

    root = Path(args.root or "/").resolve()
    if not args.root and not args.dry_run and os.geteuid() != 0:
        print(message("install.not_root"), file=sys.stderr)
        return 2
    if args.root and not args.dry_run and not root.is_dir():
        print(message("install.root_missing", path=args.root), file=sys.stderr)
        return 2
    try:
        install(args, Installer(root, args.dry_run))
    except (InstallRefused, ConfigError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as exc:
        print(message("install.step_failed", command=shlex.join(exc.cmd), code=exc.returncode), file=sys.stderr)
        return 1
    return 0


def register(sub) -> None:
    p = sub.add_parser("install", help=h("install.help"), description=h("install.help"))
    p.add_argument("--role", required=True, choices=ROLES, help=h("install.help_role"))
    p.add_argument("--root", help=h("install.help_root"))
    p.add_argument("--dry-run", action="store_true", help=h("install.help_dry_run"))
    p.add_argument("--hall-file", help=h("install.help_hall_file"))
    p.add_argument("--host", default="0.0.0.0", help=h("install.help_host"))
    p.add_argument("--port", type=int, default=8080, help=h("install.help_port"))
    p.add_argument("--backup-at", default="19:00", help=h("install.help_backup_at"))
    p.add_argument("--server", help=h("install.help_server"))
    p.add_argument("--token-file", help=h("install.help_token_file"))
    p.add_argument("--printer", help=h("install.help_printer"))
    p.add_argument("--page", default="board", help=h("install.help_page"))
    p.add_argument("--device", help=h("install.help_device"))
    p.add_argument("--bridge", choices=BRIDGES, help=h("install.help_bridge"))
    p.add_argument("--serial-port", help=h("install.help_serial_port"))
    p.add_argument("--map", action="append", default=[], help=h("install.help_map"))
    p.add_argument("--name", help=h("install.help_name"))
    p.add_argument("--journal-max", default="500M", help=h("install.help_journal_max"))
    p.set_defaults(func=cmd_install)
