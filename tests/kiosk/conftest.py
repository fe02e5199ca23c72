"""Fixtures: the real kiosk app in its own process (offscreen Kivy), a simulated network printer,
and a TCP proxy that can cut the kiosk off from the hall server."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from hardware.printer.simulator import NetworkPrinterSimulator, PrinterSimulator
from tests.support.waiting import poll

from .proxy import SwitchableProxy

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("KIOSK_SCREENSHOTS", "/tmp/kiosk-screens"))


class KioskProcess:
    def __init__(self, *, server: str, token: str, printer: str, tmp: Path, **options) -> None:
        env = dict(
            os.environ,
            SDL_VIDEODRIVER="offscreen",
            KIVY_NO_ARGS="1",
            KIVY_HOME=str(tmp / "kivy"),
            KIVY_NO_CONSOLELOG="1",
            KIVY_NO_FILELOG="1",
            PYTHONPATH=str(ROOT),
        )
        cmd = [
            sys.executable,
            "-m",
            "tests.kiosk.kiosk_runner",
            "--server",
            server,
            "--token",
            token,
            "--printer",
            printer,
        ]
        for name, value in options.items():
            cmd += [f"--{name.replace('_', '-')}", str(value)]
        self.stderr_path = tmp / "kiosk-stderr.log"
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
        )
        self._answers: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        first = self._next(60)
        assert first.get("started"), first

    def _read(self) -> None:
        for line in self.proc.stdout:
            self._answers.put(json.loads(line))
        self._answers.put(None)

    def _next(self, timeout: float) -> dict:
        try:
            reply = self._answers.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"kiosk did not answer in {timeout} s; log:\n{self.log()}") from None
        if reply is None:
            raise AssertionError(f"kiosk process ended; log:\n{self.log()}")
        return reply

    def log(self) -> str:
        return self.stderr_path.read_text(errors="replace")[-4000:]

    def call(self, cmd: str, timeout: float = 20, **args) -> dict:
        self.proc.stdin.write(json.dumps({"cmd": cmd, "args": args}) + "\n")
        self.proc.stdin.flush()
        reply = self._next(timeout)
        assert reply.get("ok"), reply.get("error")
        return reply

    def state(self) -> dict:
        return self.call("state")

    def tap(self, kid: str, times: int = 1) -> None:
        self.call("tap", kid=kid, times=times)

    def wait_for(self, predicate, timeout: float = 15, what: str = "") -> dict:
        last: dict = {}

        def settled() -> dict | None:
            last["state"] = st = self.state()
            return st if predicate(st) and not st["render_pending"] else None

        st = poll(settled, timeout, interval=0.05)
        if st is None:
            raise AssertionError(
                f"timed out waiting for {what or predicate}; last state: "
                f"{json.dumps(last.get('state'), ensure_ascii=False)[:1500]}"
            )
        return st

    def wait_screen(self, screen: str, timeout: float = 15) -> dict:
        return self.wait_for(lambda s: s["screen"] == screen, timeout, f"screen {screen}")

    def screenshot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.call("screenshot", path=str(path))
        return path

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (subprocess.TimeoutExpired, OSError):
                self.proc.kill()
                self.proc.wait()
        self._stderr.close()


@pytest.fixture
def printer_sim():
    sim = NetworkPrinterSimulator(PrinterSimulator()).start()
    yield sim
    sim.stop()


@pytest.fixture
def proxy(live_hall):
    host, port = live_hall.base_url.removeprefix("http://").split(":")
    p = SwitchableProxy((host, int(port))).start()
    yield p
    p.stop()


@pytest.fixture
def start_kiosk(tmp_path):
    started: list[KioskProcess] = []

    def start(server: str, token: str, printer: str, **options) -> KioskProcess:
        k = KioskProcess(server=server, token=token, printer=printer, tmp=tmp_path, **options)
        started.append(k)
        return k

    yield start
    for k in started:
        k.close()


@pytest.fixture
def kiosk(live_hall, printer_sim, start_kiosk) -> KioskProcess:
    """The kiosk on the live hall with a healthy network printer, at its start screen."""
    k = start_kiosk(live_hall.base_url, live_hall.tokens["kiosk"], printer_sim.spec)
    k.wait_screen("home", 30)
    return k
