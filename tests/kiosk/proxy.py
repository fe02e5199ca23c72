"""A TCP proxy on 127.0.0.1 that can be switched off (refuse + drop connections) and on again:
to the kiosk it looks exactly like the hall server going down and coming back."""

from __future__ import annotations

import socket
import threading


class SwitchableProxy:
    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._port = 0
        self._flowing = threading.Event()  # cleared: answers from the server are held back
        self._flowing.set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def start(self) -> SwitchableProxy:
        self._listen()
        return self

    def _listen(self) -> None:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self._port))
        s.listen(16)
        self._port = s.getsockname()[1]
        self._listener = s
        threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=2)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for a, b, held in ((client, upstream, False), (upstream, client, True)):
                threading.Thread(target=self._pipe, args=(a, b, held), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, holdable: bool) -> None:
        try:
            while data := src.recv(65536):
                if holdable:
                    self._flowing.wait()
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def down(self) -> None:
        """Stop listening (new connections are refused) and cut every open connection."""
        with self._lock:
            if self._listener is not None:
                # close() alone leaves a socket that another thread blocks in accept() on still
                # listening; shutdown() wakes that thread and stops new connections.
                try:
                    self._listener.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                self._listener.close()
                self._listener = None
            conns, self._conns = self._conns, []
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()

    def up(self) -> None:
        with self._lock:
            if self._listener is None:
                self._listen()

    def stall(self) -> None:
        """A slow server: requests arrive and are acted on, answers do not come back."""
        self._flowing.clear()

    def unstall(self) -> None:
        self._flowing.set()

    def stop(self) -> None:
        self._flowing.set()
        self.down()
