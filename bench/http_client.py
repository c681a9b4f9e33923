"""A small keep-alive HTTP/1.1 client on a raw socket, for the load benchmarks.

The load client shares the machine's two cores with the server it measures. ``http.client``
parses every response header through the ``email`` package and cost about as much CPU per
request as a third of the server's work; this client writes a prepared request and reads only
the status line, the ``Content-Length`` and the session cookie, so the cores go to the server.
"""

from __future__ import annotations

import socket
from urllib.parse import urlencode


class Client:
    """One browser: one keep-alive connection and its session cookie."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 60) -> None:
        self.address = (host, port)
        self.timeout = timeout
        self.cookie = ""
        self.sock: socket.socket | None = None
        self.reconnects = 0

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self.address, timeout=self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        return sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def prepare(self, method: str, path: str, body: dict | list | None = None) -> bytes:
        """The bytes of one request with the current cookie (built before the clock starts)."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.address[0]}:{self.address[1]}"]
        if self.cookie:
            lines.append(f"Cookie: {self.cookie}")
        data = b""
        if body is not None:
            data = urlencode(body, doseq=True).encode()
            lines.append("Content-Type: application/x-www-form-urlencoded")
        if body is not None or method != "GET":
            lines.append(f"Content-Length: {len(data)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + data

    def send(self, raw: bytes) -> tuple[int, str]:
        """Send a prepared request; reconnect once if the server closed the idle connection."""
        for attempt in range(2):
            sock = self.sock or self._connect()
            try:
                sock.sendall(raw)
                return self._read(sock)
            except (ConnectionError, _Closed):  # a stale keep-alive connection, not a timeout
                self.close()
                if attempt:
                    raise
                self.reconnects += 1
        raise AssertionError("unreachable")

    def request(self, method: str, path: str, body: dict | list | None = None) -> tuple[int, str]:
        return self.send(self.prepare(method, path, body))

    def _read(self, sock: socket.socket) -> tuple[int, str]:
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            if not chunk:
                raise _Closed
            buffer += chunk
        head, _, rest = buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.lower()
            if name == "content-length":
                length = int(value)
            elif name == "set-cookie" and value.strip().startswith("session="):
                self.cookie = value.strip().split(";", 1)[0]
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise _Closed
            rest += chunk
        if close:
            self.close()
        return status, rest.decode("utf-8", "replace")


class _Closed(Exception):
    """The server closed the connection before a whole response arrived."""
