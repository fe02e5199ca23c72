"""The Flask app behind Granian's RSGI interface: requests on a bounded thread pool, event streams on the loop.

Granian's Rust side accepts connections and parses HTTP; this object receives each
request on the worker's asyncio loop. Each request is first counted against its client
address (yichuang/client_limits.py): beyond the address's allowance it is answered 429 and
its connection closed, its body never read. Ordinary requests read their body on the loop
(with a size cap and a deadline that grows with each ``min_rate`` bytes received, so a slow
or endless upload holds no thread and is cut off early), then run
the unchanged Flask (WSGI) app on a pool of ``threads`` threads. A request for
``/events`` runs the route on the pool as well (authentication, validation, caps,
subscription); the route leaves its EventStream in the environ and this bridge runs it
on the loop, so an open board or terminal holds no thread at all.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote_to_bytes

from hall_common.i18n import message
from hall_server.events.stream import ASYNC_STREAM_KEY, EventStream

from .client_limits import ClientTable

log = logging.getLogger(__name__)
WsgiApp = Callable[[dict, Callable], Iterable[bytes]]
# Whatever the rate, a body is cut off this long after its head: the largest body (an 8 MB
# catalog import) needs 80 s at 100 kB/s, a poor Wi-Fi link.
BODY_DEADLINE_MAX = 120.0


class FlaskOverRSGI:
    def __init__(
        self,
        wsgi_app: WsgiApp,
        threads: int,
        max_body_bytes: int = 16 * 2**20,
        body_timeout: float = 10.0,
        min_rate: int = 500,
        clients: ClientTable | None = None,
    ) -> None:
        self.app = wsgi_app
        self.threads = threads
        self.max_body_bytes = max_body_bytes
        self.body_timeout = body_timeout
        self.min_rate = min_rate
        self.clients = clients or ClientTable(max_active=64)
        self.pool: ThreadPoolExecutor | None = None

    # --- Granian's hooks ------------------------------------------------------------------
    def __rsgi_init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="request")

    def __rsgi_del__(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)

    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        if scope.proto != "http":  # no websockets here
            return
        peer = scope.client or ""
        if not self.clients.enter(peer):
            # Answered at once, the body unread: "connection: close" makes Granian drop the
            # connection, so a flood of slow bodies from one address holds nothing for long.
            return _error(proto, 429, "too_many_requests_address", limit=self.clients.max_active)
        try:
            await self._serve(scope, proto)
        finally:
            self.clients.leave(peer)

    async def _serve(self, scope: Any, proto: Any) -> None:
        try:
            # asyncio.timeout, not wait_for: wait_for runs the read as a task of its own (one more
            # task and loop pass per request); the deadline and the TimeoutError are the same.
            async with asyncio.timeout(self.body_timeout) as deadline:
                body = await self._read_body(scope, proto, deadline)
        except _BodyTooLarge:
            return _error(proto, 413, "body_too_large")
        except TimeoutError:
            return _error(proto, 408, "request_timeout")
        loop = asyncio.get_running_loop()
        environ = _environ(scope, body)
        status, headers, chunks, stream = await loop.run_in_executor(self.pool, self._call, environ)
        if stream is None:
            proto.response_bytes(status, headers, b"".join(chunks))
            return
        await self._run_stream(stream, proto.response_stream(status, headers), proto)

    # --- steps ----------------------------------------------------------------------------
    async def _read_body(self, scope: Any, proto: Any, deadline: asyncio.Timeout) -> bytes:
        length = scope.headers.get("content-length")
        if length is not None:
            try:
                size = int(length)
            except ValueError:
                size = 0  # Granian rejects malformed lengths itself; nothing more to read here
            if size > self.max_body_bytes:
                raise _BodyTooLarge
            if not size:
                return b""
            if size <= self.body_timeout * self.min_rate:
                # Small enough for the first deadline alone (a ticket's body is ~50 bytes): one
                # read, as before, with no per-chunk bookkeeping on the hot path.
                return await proto()
        elif "transfer-encoding" not in scope.headers:
            return b""
        loop = asyncio.get_running_loop()
        started = loop.time()
        parts, total = [], 0
        async for chunk in proto:  # count as it arrives, never buffer past the cap
            total += len(chunk)
            if total > self.max_body_bytes:
                raise _BodyTooLarge
            parts.append(chunk)
            # The minimum rate: each min_rate bytes buy one more second (1 byte/s of a 100 kB
            # body, the flood that held every connection, ends at body_timeout).
            grace = self.body_timeout + total / self.min_rate
            deadline.reschedule(started + min(grace, BODY_DEADLINE_MAX))
        return b"".join(parts)

    def _call(self, environ: dict) -> tuple[int, list[tuple[str, str]], list[bytes], EventStream | None]:
        started: list = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable:
            started[:] = [int(status.split(" ", 1)[0]), headers]
            return _no_write

        result = self.app(environ, start_response)
        try:
            stream = environ.get(ASYNC_STREAM_KEY)
            if stream is not None and started[0] == 200:
                return started[0], started[1], [], stream  # the body runs on the loop instead
            if stream is not None:
                stream.close()
            chunks = list(result)
            return started[0], started[1], chunks, None
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    async def _run_stream(self, stream: EventStream, transport: Any, proto: Any) -> None:
        loop = asyncio.get_running_loop()

        def run_blocking(fn: Callable) -> asyncio.Future:
            return loop.run_in_executor(self.pool, fn)

        async def pump() -> None:
            chunks = stream.run_async(run_blocking)
            try:
                async for chunk in chunks:
                    await transport.send_str(chunk)
            except Exception:  # the client went away mid-write (RSGIProtocolClosed and kin)
                pass
            finally:
                await chunks.aclose()
                stream.close()

        sender = asyncio.ensure_future(pump())
        gone = asyncio.ensure_future(proto.client_disconnect())
        try:
            await asyncio.wait({sender, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sender, gone):
                task.cancel()
            await asyncio.gather(sender, gone, return_exceptions=True)
            stream.close()


class _BodyTooLarge(Exception):
    pass


def _no_write(data: bytes) -> None:
    raise RuntimeError("the WSGI write() callable is not supported; return the body instead")


def _error(proto: Any, status: int, code: str, **params: Any) -> None:
    body = json.dumps({"error": {"code": code, "message": message(f"server.{code}", **params)}}, ensure_ascii=False)
    proto.response_str(status, [("content-type", "application/json"), ("connection", "close")], body)


def _environ(scope: Any, body: bytes) -> dict:
    """A WSGI environ (PEP 3333) for one RSGI request."""
    host, _, port = (scope.server or "127.0.0.1:80").rpartition(":")
    client_host, _, client_port = (scope.client or "").rpartition(":")
    # PEP 3333: PATH_INFO is the percent-decoded path as latin-1 "bytes in a str".
    path = unquote_to_bytes(scope.path).decode("latin-1")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": host,
        "SERVER_PORT": port,
        "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
        "REMOTE_ADDR": client_host,
        "REMOTE_PORT": client_port,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in scope.headers.items():
        if name == "content-type":
            environ["CONTENT_TYPE"] = value
            continue
        if name == "content-length":
            continue
        key = "HTTP_" + name.upper().replace("-", "_")
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ
