"""A TCP proxy on a loopback port, for taking a real server away and giving it back.

The machine's PostgreSQL and Redis serve other tests, so they are never stopped: the app under
test is pointed at a :class:`TcpProxy` instead, and ``close()`` does to it what a stopped server
does (every open connection is cut, new ones are refused); ``reopen()`` listens again on the
same port, as a restarted server would.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from types import TracebackType

from bench.serving import free_port


class TcpProxy:
    """Forwards ``127.0.0.1:port`` to ``target_host:target_port`` (one thread per direction)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.accepted = 0
        self.reopen()

    # --- control -------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._listener is not None

    def reopen(self) -> None:
        """Listen again (the server is back)."""
        if self._listener is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True,
                         name=f"proxy-accept-{self.port}").start()

    def close(self) -> None:
        """Cut every connection and refuse new ones (the server is gone)."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            sockets, self._open = list(self._open), set()
        for s in sockets:
            self._kill(s)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    # --- plumbing ------------------------------------------------------------------------------

    @staticmethod
    def _kill(s: socket.socket) -> None:
        with contextlib.suppress(OSError):
            # A reset, not a polite FIN: what a client sees when the server process dies.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with contextlib.suppress(OSError):
            s.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            s.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed
            if self._listener is not listener:
                self._kill(client)
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                self._kill(client)
                continue
            with self._lock:
                self._open.update((client, upstream))
                self.accepted += 1
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(src)
                self._open.discard(dst)
            self._kill(src)
            self._kill(dst)
