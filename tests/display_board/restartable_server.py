"""A hall server whose HTTP side can be cut and brought back on the same port.

``cut()`` stops accepting connections AND drops the open ones (the event streams), as a
pulled network cable or a restarting server does; ``restore()`` starts a new werkzeug
server on the same port over the same HallServer, so clients must reconnect and catch up.
"""

from __future__ import annotations

import socket
import threading

from werkzeug.serving import ThreadedWSGIServer


class _TrackingServer(ThreadedWSGIServer):
    """Remembers every accepted connection so that cut() can drop them all."""

    def __init__(self, *args, **kwargs) -> None:
        self.connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def get_request(self):
        conn, addr = super().get_request()
        with self._conn_lock:
            self.connections.add(conn)
        return conn, addr

    def shutdown_request(self, request) -> None:
        with self._conn_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def drop_all(self) -> None:
        with self._conn_lock:
            conns = list(self.connections)
            self.connections.clear()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class RestartableHttp:
    def __init__(self, app, port: int = 0) -> None:
        self.app = app
        self.port = port
        self._server: _TrackingServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> RestartableHttp:
        self._server = _TrackingServer("127.0.0.1", self.port, self.app)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def cut(self) -> None:
        server, self._server = self._server, None
        server.shutdown()
        server.server_close()
        server.drop_all()
        self._thread.join(timeout=5)

    restore = start

    # The interface LiveHall.stop() uses.
    def shutdown(self) -> None:
        if self._server is not None:
            self.cut()

    def join(self, timeout: float | None = None) -> None:
        pass
