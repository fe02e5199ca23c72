"""The installed server unit's command, run as systemd would run it (its EnvironmentFile read, the
${…} filled in, the paths of /etc, /var/lib and /opt taken inside the install root): it serves,
stops cleanly on SIGTERM (`systemctl stop`) with exit 0, and the backup unit's command then
writes a backup of what it served. This sandbox's PID 1 is not systemd, so the units themselves
are not started here (docs/install.md)."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import tarfile
from pathlib import Path

import httpx

from tests.support.waiting import wait_until
from yichuang.cli import main

from .conftest import install_args

MAPPED = ("/etc/yichuang", "/var/lib/yichuang", "/opt/yichuang")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _inside(root: Path, text: str) -> str:
    return re.sub("|".join(re.escape(p) for p in MAPPED), lambda m: f"{root}{m.group(0)}", text)


def unit_command(root: Path, unit: str) -> tuple[list[str], dict[str, str]]:
    """ExecStart of the unit as argv, and the environment its EnvironmentFile gives."""
    text = (root / "etc/systemd/system" / unit).read_text()
    settings = dict(re.findall(r"^(\w+)=(.*)$", text, re.M))
    env: dict[str, str] = {}
    if "EnvironmentFile" in settings:
        for line in Path(_inside(root, settings["EnvironmentFile"])).read_text().splitlines():
            name, _, value = line.partition("=")
            env[name] = shlex.split(value)[0]
    command = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], settings["ExecStart"])
    return shlex.split(_inside(root, command)), env


def test_the_server_units_command_serves_stops_on_sigterm_and_the_backup_unit_backs_it_up(target, token_file, capsys):
    port = _free_port()
    assert main(install_args("server", target, token_file, "--host", "127.0.0.1", "--port", str(port))) == 0
    capsys.readouterr()
    argv, env = unit_command(target, "yichuang-server.service")
    assert argv[0] == f"{target}/opt/yichuang/venv/bin/yichuang" and argv[1] == "serve"
    server = subprocess.Popen(
        argv, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:

        def healthy() -> bool:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            try:
                return httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(healthy, timeout=60, what="the installed server to answer /api/v1/health")
        os.killpg(server.pid, signal.SIGTERM)  # systemd signals the unit's whole control group
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert (target / "var/lib/yichuang/yichuang.db").is_file()

    argv, env = unit_command(target, "yichuang-backup.service")
    done = subprocess.run(argv, env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    [backup] = (target / "var/lib/yichuang/backups").glob("*.tar")
    with tarfile.open(backup) as tar:
        assert "id-hash.key" in tar.getnames()
