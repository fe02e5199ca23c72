"""A target root for `yichuang install --root`: the files a fresh Debian has that install reads
(/etc/passwd and friends), and stand-ins for the programs the units run (the venv's command,
cage, Chromium), so `systemd-analyze verify` finds every ExecStart inside the root."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TOKEN = "tok-3f9a"
SERVER = "http://192.168.1.10:8080"
ROLE_OPTIONS = {
    "server": ["--hall-file", "hall_server/defaults/pilot_hall.toml"],
    "kiosk": ["--server", SERVER, "--printer", "usb:/dev/usb/lp0"],
    "board": ["--server", SERVER, "--page", "board?layout=portrait"],
    "announcer": ["--server", SERVER, "--device", "大厅广播"],
    "bridges": ["--server", SERVER, "--bridge", "ledbar", "--serial-port", "/dev/ttyUSB0", "--map", "1=1"],
}
ROOT_DIR = Path(__file__).resolve().parents[2]


def stand_in(path: Path, body: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def target(tmp_path) -> Path:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    for name in ("passwd", "group", "shadow", "gshadow"):
        (root / "etc" / name).touch()
    # The venv's command runs this checkout with this interpreter (a venv is never built under --root).
    stand_in(root / "opt/yichuang/venv/bin/yichuang", f'cd {ROOT_DIR} && exec {sys.executable} -m yichuang.cli "$@"')
    stand_in(root / "usr/bin/cage")
    stand_in(root / "usr/bin/chromium")
    return root


@pytest.fixture
def token_file(tmp_path) -> Path:
    path = tmp_path / "device.token"
    path.write_text(TOKEN + "\n")
    path.chmod(0o600)
    return path


def install_args(role: str, root: Path, token_file: Path, *extra: str) -> list[str]:
    token = [] if role == "server" else ["--token-file", str(token_file)]
    return ["install", "--role", role, "--root", str(root), *ROLE_OPTIONS[role], *token, *extra]
