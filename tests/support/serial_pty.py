"""A real pty pair from socat, for the serial device tests (bus, simulators, bridges)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .waiting import wait_until

# Short timeouts keep the suite fast; correctness never depends on them being short. But the
# reply timeout must not be shorter than a simulator thread can be kept from a core on a loaded
# CI box: an answer later than it is silence to the bus, which then sends the command again (a
# bar shows its text twice) and, twice in a row, reports the device offline. 0.5 s (production:
# 0.25 s for a real device that answers in milliseconds) costs time only where a device is silent.
FAST_BUS = {"reply_timeout": 0.5, "offline_after": 2, "command_retries": 3, "reopen_backoff": (0.05, 0.2)}


class PtyPair:
    """``host`` end for the production bus, ``device`` end for the simulators. ``unplug()`` and
    ``plug()`` kill and restart socat (both ends vanish, as when a USB RS-485 adapter is pulled out)."""

    def __init__(self, folder: Path) -> None:
        if shutil.which("socat") is None:
            pytest.skip("socat is not installed (Debian package socat)")
        self.host = str(folder / "host")
        self.device = str(folder / "device")
        self._process: subprocess.Popen[bytes] | None = None

    def plug(self) -> None:
        for link in (self.host, self.device):
            if os.path.lexists(link):
                os.unlink(link)
        self._process = subprocess.Popen(
            ["socat", f"pty,raw,echo=0,link={self.host}", f"pty,raw,echo=0,link={self.device}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: os.path.exists(self.host) and os.path.exists(self.device), what="socat ptys")

    def unplug(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            # SIGKILL, not SIGTERM: on SIGTERM socat restores each pty's settings with a drain that
            # waits for the other end to read what is buffered, and a device end that has gone
            # silent never reads (seen on a loaded CI box: socat still there 10 s later). A pulled
            # adapter does not drain either.
            process.kill()
            process.wait(10)
