"""A backup carries the ID-hash key; a restore into an empty data directory puts it back, so
check-in by ID number still finds the appointment; a server missing its key while hashed data
exist refuses to start and says what to copy where. Real `yichuang` processes throughout."""

from __future__ import annotations

import shutil
import stat
import subprocess

import httpx

from hall_server.storage.database import sqlite_url
from tests.support.live_server import start_live_hall
from tests.support.served_hall import YICHUANG, free_port, start_server, stop
from yichuang.cli import main

ID_NUMBER = "34152219800101000X"  # a syntactically valid test ID (check character X)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(YICHUANG + list(args), capture_output=True, text=True, timeout=120)


def api(port: int, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"http://127.0.0.1:{port}/api/v1", timeout=10, headers={"Authorization": f"Bearer {token}"}
    )


def book_by_id(data) -> str:
    """A 10:30 booking made with an ID number on the hall in ``data``; returns a kiosk token."""
    hall = start_live_hall(sqlite_url(data), "2026-11-26 09:20")
    try:
        body = {"matter_id": 1, "resident_name": "张小三", "slot_start": "2026-11-26T10:30", "id_number": ID_NUMBER}
        r = hall.client("supervisor").post("/appointments", json=body)
        assert r.status_code == 201, r.text
        return hall.tokens["kiosk"]
    finally:
        hall.stop()


def check_in_by_id(data, kiosk_token: str) -> httpx.Response:
    port = free_port()
    proc = start_server(["--data", str(data), "--clock", "2026-11-26 10:20"], port)
    try:
        with api(port, kiosk_token) as c:
            return c.post("/tickets", json={"id_number": ID_NUMBER})
    finally:
        stop(proc)


def test_backup_wipe_restore_then_check_in_by_id_number_finds_the_appointment(tmp_path):
    data = tmp_path / "data"
    kiosk = book_by_id(data)
    done = cli("backup", "--data", str(data), "--backup-dir", str(tmp_path / "backups"))
    assert done.returncode == 0, done.stderr
    (file,) = (tmp_path / "backups").glob("yichuang-*.tar")
    assert stat.S_IMODE(file.stat().st_mode) == 0o600  # as secret as the key it carries

    shutil.rmtree(data)  # the disk died: an empty data directory, no key
    restored = cli("restore", str(file), "--data", str(data))
    assert restored.returncode == 0, restored.stderr
    assert "身份证号哈希密钥已放回" in restored.stdout
    assert stat.S_IMODE((data / "id-hash.key").stat().st_mode) == 0o600

    r = check_in_by_id(data, kiosk)
    assert r.status_code == 201, r.text
    assert r.json()["channel"] == "appointment"


def test_a_server_whose_key_is_gone_while_hashed_ids_exist_refuses_and_says_what_to_copy_where(tmp_path, capsys):
    data = tmp_path / "data"
    book_by_id(data)
    (data / "id-hash.key").unlink()
    assert main(["serve", "--port", str(free_port()), "--data", str(data)]) == 2  # before it serves anything
    err = capsys.readouterr().err
    assert "服务器没有启动" in err and f"复制到 {(data / 'id-hash.key').resolve()}" in err
    assert not (data / "id-hash.key").exists()  # no new key was made in its place


def test_a_new_empty_data_directory_still_gets_its_key_made(tmp_path):
    assert main(["db", "upgrade", "--data", str(tmp_path / "data")]) == 0
    assert stat.S_IMODE((tmp_path / "data" / "id-hash.key").stat().st_mode) == 0o600
