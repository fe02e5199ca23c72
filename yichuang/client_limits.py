"""Per-address limits at the connection level: what one device on the hall network may hold.

A hall's devices each need a handful of connections (a browser keeps at most 6 per host, a
board PC a stream and a few requests); a flood from one address must not take the
connections, threads or streams the kiosk and the windows need.

What the locked Granian (2.8.9) offers and what it does not. Its accept loop is Rust: a
global semaphore of ``backpressure`` connections per worker, then hyper parses the request
head, bounded only by ``header_read_timeout``. Nothing of a connection reaches Python before
its whole request head has arrived, and Granian has no per-address limit, no body timeout and
no minimum rate. So the limits here are in two places:

- ``ClientTable`` is the bridge's count (yichuang/rsgi_bridge.py): every request from its head
  on is counted against its address while its body is read and the app answers it; beyond
  ``max_active`` the request is answered 429 and its connection closed *without reading the
  body*. The body itself has a deadline that grows with what arrives (a minimum rate, as
  Apache's mod_reqtimeout ``body=10,MinRate=500``), so a slow sender is cut off after
  ``body_timeout`` seconds plus one second per ``min_rate`` bytes received.
- ``ConnectionWarden`` covers the phase Python never sees (a connection still sending its
  head, or idle between requests): a thread in each worker lists the process's own sockets
  every ``interval`` seconds, counts the accepted connections of the server's port per peer
  address, and for an address above ``max_per_address`` shuts down (``shutdown(2)`` on a
  duplicate descriptor: hyper then reads end-of-file and closes it, freeing its backpressure
  place) those of its connections that are not in a request, never-served ones first. A
  connection that is in a request or holds an event stream is never cut by the warden.

The other design was a small front in Python that accepts every connection itself and relays
the bytes to Granian: it sees connections at accept, but every byte of every request and
stream would then cross the GIL twice, and the client address would have to be carried to
Granian in a header the front writes into each request (parsing every request head and
response on the way), for a gain of at most ``interval`` seconds over the warden.

Measured with bench/bench_slow_clients.py (SQLite, one worker, the defaults below; the loaded
2-core development machine at load 17-21): while 4,200 slow bodies or 4,300 slow headers
flooded from one address or from 100, 0 of 132 kiosk issue + window call-next cycles took over
2 s (issue max 0.69 s, call-next max 0.26 s); before, no ticket was issued during the 4,200
slow bodies and the slow headers stalled new connections up to ~10 s at a time.

Defaults (settings of `yichuang serve`): 32 requests and 64 connections per address and worker.
A browser opens at most 6 connections per host; a board, terminal or pad PC needs a few.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# A scan costs about 15 µs of CPU per open descriptor (a dup, two names and a close each;
# measured: 130-144 ms for 8,600 sockets on the loaded 2-core box), so about 65 ms every 0.5 s
# while 4,300 flood connections are open, and nothing while the process holds fewer
# descriptors than one address may have connections (``scan`` counts them first). 0.5 s gives
# a slot taken by a slow header back within half a second instead of the header timeout's 10.
WARDEN_INTERVAL = 0.5
# Descriptors a worker holds besides client connections (listener, database, event pipes, logs).
OWN_DESCRIPTORS = 64


def peer_host(peer: str) -> str:
    """The address part of a peer ("1.2.3.4:5678", "[::1]:5678" or "::1:5678")."""
    host = peer.rpartition(":")[0]
    return host[1:-1] if host.startswith("[") else host


def peer_key(peer: str) -> str:
    """One spelling per peer, whether Granian or the socket named it: "host:port", no brackets."""
    host, _, port = peer.rpartition(":")
    return f"{host[1:-1] if host.startswith('[') else host}:{port}"


@dataclass
class ClientTable:
    """Requests in progress per address, and the peers (address:port) that have sent a head.

    Written by the worker's event loop, read by the warden thread; every operation is one
    dictionary or set step, atomic under the GIL."""

    max_active: int
    active: Counter[str] = field(default_factory=Counter)
    busy_peers: Counter[str] = field(default_factory=Counter)
    served_peers: set[str] = field(default_factory=set)

    def enter(self, peer: str) -> bool:
        """Count a request whose head has arrived; False (and nothing counted) beyond the cap."""
        peer = peer_key(peer)
        host = peer_host(peer)
        if self.active[host] >= self.max_active:
            return False
        self.active[host] += 1
        self.busy_peers[peer] += 1
        self.served_peers.add(peer)
        return True

    def leave(self, peer: str) -> None:
        peer = peer_key(peer)
        host = peer_host(peer)
        self.active[host] -= 1
        if self.active[host] <= 0:
            del self.active[host]
        self.busy_peers[peer] -= 1
        if self.busy_peers[peer] <= 0:
            del self.busy_peers[peer]

    def forget(self, live_peers: set[str]) -> None:
        """Drop served peers whose connection is gone (the warden's scan knows which are live)."""
        self.served_peers.intersection_update(live_peers)


class ConnectionWarden:
    """Keeps each address at ``max_per_address`` accepted connections of ``port``."""

    def __init__(
        self,
        table: ClientTable,
        port: int,
        max_per_address: int,
        interval: float = WARDEN_INTERVAL,
        own_descriptors: int = OWN_DESCRIPTORS,
    ):
        self.table, self.port, self.max_per_address, self.interval = table, port, max_per_address, interval
        self.own_descriptors = own_descriptors
        self.first_seen: dict[tuple[int, str], float] = {}
        self.closed = 0

    def start(self) -> None:
        threading.Thread(target=self._run, name="connection-warden", daemon=True).start()

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            try:
                self.scan()
            except Exception:  # a scan must never end the thread: the next one retries
                log.exception("connection warden scan failed")

    def scan(self) -> int:
        """One pass; returns how many connections were shut down."""
        if len(os.listdir("/proc/self/fd")) <= self.max_per_address + self.own_descriptors:
            self.first_seen.clear()
            self.table.forget(set())  # served peers are remembered only to order a cut
            return 0  # no address can be over its allowance: skip the costly part
        now = time.monotonic()
        per_host: dict[str, list[tuple[int, str]]] = {}
        for fd, peer in self._accepted():
            per_host.setdefault(peer_host(peer), []).append((fd, peer))
        seen = {key for conns in per_host.values() for key in conns}
        self.first_seen = {key: self.first_seen.get(key, now) for key in seen}
        self.table.forget({peer for _, peer in seen})
        cut = 0
        for conns in per_host.values():
            excess = len(conns) - self.max_per_address
            if excess <= 0:
                continue
            idle = [c for c in conns if c[1] not in self.table.busy_peers]
            # Never served (a head still arriving) first, then the longest held.
            idle.sort(key=lambda c: (c[1] in self.table.served_peers, self.first_seen[c]))
            for fd, peer in idle[:excess]:
                cut += self._shutdown(fd, peer)
        self.closed += cut
        return cut

    def _accepted(self) -> list[tuple[int, str]]:
        found = []
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            try:
                if not os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                    continue
                with socket.socket(fileno=os.dup(fd)) as s:
                    if s.type != socket.SOCK_STREAM or s.family not in (socket.AF_INET, socket.AF_INET6):
                        continue
                    local = s.getsockname()
                    if local[1] != self.port:
                        continue
                    peer = s.getpeername()  # the listening socket has none: OSError, skipped
            except OSError:
                continue
            found.append((fd, f"{peer[0]}:{peer[1]}"))
        return found

    def _shutdown(self, fd: int, peer: str) -> int:
        try:
            with socket.socket(fileno=os.dup(fd)) as s:
                p = s.getpeername()
                # The descriptor may have been closed and reused since the listing: only the same peer.
                if f"{p[0]}:{p[1]}" != peer:
                    return 0
                s.shutdown(socket.SHUT_RDWR)
        except OSError:
            return 0
        return 1
