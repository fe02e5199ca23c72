"""`yichuang backup` and `yichuang restore`: a hall's day survives a dead disk."""

import io
import subprocess
import sys
import zipfile
from datetime import time
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select, text

from hall_server.catalog_io import export_workbook
from hall_server.core.clock import CHINA, FakeClock, parse_local_time
from hall_server.storage.backup import backup
from yichuang.backup_schedule import DailyBackup

YICHUANG = [sys.executable, "-m", "yichuang.cli"]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(YICHUANG + list(args), capture_output=True, text=True, timeout=120)


def db_args(url: str, data: Path) -> list[str]:
    return ["--data", str(data), "--database-url", url]


def every_row(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        rows = {
            name: [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
            for name, table in meta.tables.items()
        }
    engine.dispose()
    return rows


def workbook_parts(data: bytes) -> dict[str, bytes]:
    """The workbook's parts except docProps/core.xml, where openpyxl stamps the export's own time."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def wipe(url: str) -> None:
    if url.startswith("sqlite"):
        db = Path(url.removeprefix("sqlite:///"))
        for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            p.unlink(missing_ok=True)
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_a_day(hall) -> None:
    kiosk = hall.client("kiosk")
    for _ in range(5):
        assert kiosk.post("/tickets", json={"matter_id": 1}).status_code == 201
    clerk = hall.client("clerk-2")
    ticket = clerk.post("/windows/2/call-next").json()["ticket"]
    clerk.post("/windows/2/start")
    clerk.post("/windows/2/finish")
    rated = hall.client("pad-2").post("/pads/2/rating", json={"ticket_id": ticket["id"], "level": 5})
    assert rated.status_code in (200, 201), rated.text
    matter = next(m for m in clerk.get("/matters").json()["matters"] if m["materials"])
    case = clerk.post("/cases", json={"matter_id": matter["id"], "applicant_name": "张小三", "phone": "13800001234"})
    assert case.status_code == 201, case.text


def test_backup_wipe_restore_brings_back_every_ticket_case_rating_and_event(live_hall_any, tmp_path):
    hall = live_hall_any
    url = hall.server.db.url
    data = tmp_path / "data"
    make_a_day(hall)
    export_before = export_workbook(hall.server.catalog.entries(hall.hall_id))
    # Online: the server is still up while the backup is taken.
    done = cli("backup", *db_args(url, data), "--backup-dir", str(tmp_path / "backups"))
    assert done.returncode == 0, done.stderr
    hall.stop()
    before = every_row(url)
    assert {"tickets", "cases", "ratings", "events"} <= set(before)
    assert all(before[t] for t in ("tickets", "cases", "ratings", "events"))
    (file,) = (tmp_path / "backups").glob("yichuang-*")

    wipe(url)
    restored = cli("restore", str(file), *db_args(url, data))
    assert restored.returncode == 0, restored.stderr

    assert every_row(url) == before
    from hall_server.app_services import HallServer

    server = HallServer.open(url, clock=FakeClock(parse_local_time("2026-11-26 12:00")))
    try:
        export_after = export_workbook(server.catalog.entries(hall.hall_id))
    finally:
        server.close()
    assert export_after == export_before  # byte for byte (the export carries no time of its own)


def test_restore_of_a_file_that_is_no_backup_refuses_and_changes_nothing(tmp_path):
    data = tmp_path / "data"
    assert cli("db", "upgrade", "--data", str(data)).returncode == 0
    before = (data / "yichuang.db").read_bytes()
    junk = tmp_path / "notes.db"
    junk.write_text("这不是备份", "utf-8")
    refused = cli("restore", str(junk), "--data", str(data))
    assert refused.returncode == 2 and "不是一窗的数据库备份" in refused.stderr
    assert (data / "yichuang.db").read_bytes() == before


def test_daily_backup_runs_at_the_hall_time_and_keeps_only_the_newest(tmp_path):
    url = f"sqlite:///{tmp_path / 'yichuang.db'}"
    assert cli("db", "upgrade", "--database-url", url).returncode == 0
    clock = FakeClock(parse_local_time("2026-11-26 18:00"))
    daily = DailyBackup(url, tmp_path / "backups", time(19, 0), 2, clock, CHINA)
    assert daily.run_pending() is None  # 18:00: not yet
    written = []
    for _ in range(3):
        clock.advance(hours=1, minutes=30)  # past 19:00 today
        written.append(daily.run_pending())
        assert daily.run_pending() is None  # once a day
        clock.advance(hours=22, minutes=30)
    assert all(written) and [p.name for p in written][0] == "yichuang-20261126-193000.tar"
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == [p.name for p in written[1:]]


@pytest.mark.parametrize("keep", [1, 3])
def test_backup_keep_deletes_the_oldest_beyond_n(tmp_path, keep):
    url = f"sqlite:///{tmp_path / 'yichuang.db'}"
    assert cli("db", "upgrade", "--database-url", url).returncode == 0
    for minute in range(5):
        backup(url, tmp_path / "b", parse_local_time(f"2026-11-26 19:0{minute}"), keep)
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [
        f"yichuang-20261126-190{m}00.tar" for m in range(5 - keep, 5)
    ]
