"""One server per data directory, and workers that die with their server."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.served_hall import YICHUANG, free_port, start_server, stop

ROOT = Path(__file__).resolve().parents[2]  # the second server runs elsewhere (relative paths)


def port_answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def test_sigkill_of_the_server_pid_stops_its_worker_and_a_restart_serves(tmp_path):
    port = free_port()
    proc = start_server(["--data", str(tmp_path)], port)
    os.kill(proc.pid, signal.SIGKILL)  # the server's own PID only, as an operator or OOM killer would
    proc.wait(timeout=5)
    # The worker notices within 0.2 s; 15 s is the suite's patience for a loaded box.
    deadline = time.monotonic() + 15
    while port_answers(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        assert not port_answers(port), "a worker of the killed server still serves the port"
        restarted = start_server(["--data", str(tmp_path)], port)
        stop(restarted)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the orphan, should the test have failed
        except ProcessLookupError:
            pass


def test_a_second_server_on_the_same_data_directory_refuses_naming_the_first(tmp_path):
    proc = start_server(["--data", str(tmp_path)], free_port())
    try:
        second = subprocess.run(
            YICHUANG + ["serve", "--port", str(free_port()), "--data", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 3
        assert "只能运行一个服务器" in second.stderr and str(proc.pid) in second.stderr
    finally:
        stop(proc)


def test_restore_refuses_while_a_server_holds_the_data_directory(tmp_path):
    proc = start_server(["--data", str(tmp_path / "data")], free_port())
    try:
        (tmp_path / "backup.db").write_bytes(b"")
        refused = subprocess.run(
            YICHUANG + ["restore", str(tmp_path / "backup.db"), "--data", str(tmp_path / "data")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert refused.returncode == 3 and str(proc.pid) in refused.stderr
    finally:
        stop(proc)


def test_restore_on_postgresql_refuses_while_a_server_uses_the_database(database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's case is the data directory lock above")
    backup_file = tmp_path / "b" / "x.dump"
    backup_file.parent.mkdir()
    done = subprocess.run(
        YICHUANG + ["db", "upgrade", "--database-url", database_url], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        YICHUANG + ["backup", "--database-url", database_url, "--backup-dir", str(backup_file.parent)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    (dump,) = backup_file.parent.glob("yichuang-*.tar")
    proc = start_server(["--database-url", database_url, "--data", str(tmp_path / "data")], free_port())
    try:
        refused = subprocess.run(
            YICHUANG + ["restore", str(dump), "--database-url", database_url, "--data", str(tmp_path / "r")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert refused.returncode == 3 and "请先停止服务器" in refused.stderr
    finally:
        stop(proc)


def test_a_second_server_on_the_same_sqlite_file_by_another_name_refuses(tmp_path):
    data = tmp_path / "data"
    proc = start_server(["--data", str(data)], free_port())
    try:
        (tmp_path / "elsewhere").mkdir()
        (tmp_path / "elsewhere" / "hall.db").symlink_to(data / "yichuang.db")
        (tmp_path / "data-link").symlink_to(data, target_is_directory=True)
        names = {
            "a symlink to the file": f"sqlite:///{tmp_path / 'elsewhere' / 'hall.db'}",
            "a relative path through a symlinked directory": "sqlite:///data-link/yichuang.db",
        }
        for what, url in names.items():
            second = subprocess.run(
                YICHUANG
                + ["serve", "--port", str(free_port()), "--database-url", url, "--data", str(tmp_path / "other")],
                capture_output=True,
                text=True,
                timeout=60,
                cwd=tmp_path,
                env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])},
            )
            assert second.returncode == 3, what
            assert "只能运行一个服务器" in second.stderr and str(proc.pid) in second.stderr, what
    finally:
        stop(proc)
