"""The README's kiosk command itself (`yichuang kiosk … --printer preview:DIR --windowed`), offscreen:
it starts without a traceback, reaches the hall, and stops cleanly when told to (SIGTERM), as
`systemctl stop` does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.support.waiting import poll

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_kiosk_command_starts_reaches_the_hall_and_stops_on_sigterm(live_hall, tmp_path):
    env = dict(
        os.environ,
        SDL_VIDEODRIVER="offscreen",
        KIVY_NO_ARGS="1",
        KIVY_HOME=str(tmp_path / "kivy"),
        KIVY_NO_FILELOG="1",
        PYTHONPATH=str(ROOT),
    )
    cmd = [sys.executable, "-m", "yichuang.cli", "kiosk", "--server", live_hall.base_url]
    cmd += ["--token", live_hall.tokens["kiosk"], "--printer", f"preview:{tmp_path / 'slips'}", "--windowed"]
    log = tmp_path / "kiosk.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            sup = live_hall.client("supervisor")

            def reported():
                devices = {d["device"]: d for d in sup.get("/devices").json()["devices"]}
                return devices.get("kiosk-1/printer")

            assert poll(reported, 60, interval=0.5), log.read_text(errors="replace")[-3000:]
            assert proc.poll() is None
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=15) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    text = log.read_text(errors="replace")
    assert "Traceback" not in text and "自助机 kiosk-1 已启动" in text
