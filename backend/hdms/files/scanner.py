"""A small clamd client speaking its INSTREAM protocol over a UNIX socket or TCP.

The protocol (clamd(8)): send ``zINSTREAM\\0``, then the data as chunks each prefixed with its
length as a 4-byte unsigned integer in network byte order, then a zero-length chunk; clamd answers
``stream: OK``, ``stream: <signature> FOUND`` or ``<reason> ERROR`` (NUL-terminated with the ``z``
prefix). The maintained Python clients are thin wrappers over exactly this, so the project speaks
it itself rather than depending on an unmaintained package.
"""

import socket
import struct
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

_MAX_REPLY = 4096


class ScannerUnavailable(Exception):
    """clamd could not be reached or gave no usable verdict; the file must stay in quarantine."""


@dataclass(frozen=True)
class ScanVerdict:
    infected: bool
    signature: str  # the signature name when infected
    raw: str  # clamd's reply, for the record


class ClamdClient:
    def __init__(self, url: str, *, timeout: float = 120.0, chunk_bytes: int = 256 * 1024) -> None:
        parts = urlsplit(url)
        if parts.scheme == "unix":
            self.family = socket.AF_UNIX
            self.address: str | tuple[str, int] = parts.path
        elif parts.scheme == "tcp":
            if not parts.hostname:
                raise ValueError(f"clamd URL needs a host: {url!r}")
            self.family = socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET
            self.address = (parts.hostname, parts.port or 3310)
        else:
            raise ValueError(f"clamd URL must be unix:///path or tcp://host:port, not {url!r}")
        self.url = url
        self.timeout = timeout
        self.chunk_bytes = chunk_bytes

    def _connect(self) -> socket.socket:
        sock = socket.socket(self.family, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.address)
        except OSError as exc:
            sock.close()
            raise ScannerUnavailable(f"clamd at {self.url} is unreachable: {exc}") from exc
        return sock

    @staticmethod
    def _read_reply(sock: socket.socket) -> str:
        reply = b""
        while not reply.endswith(b"\0") and len(reply) < _MAX_REPLY:
            data = sock.recv(_MAX_REPLY)
            if not data:
                break
            reply += data
        return reply.rstrip(b"\0").decode("utf-8", "replace").strip()

    def ping(self) -> bool:
        try:
            with self._connect() as sock:
                sock.sendall(b"zPING\0")
                return self._read_reply(sock) == "PONG"
        except (OSError, ScannerUnavailable):
            return False

    def scan_file(self, path: Path) -> ScanVerdict:
        try:
            with self._connect() as sock, open(path, "rb") as handle:
                sock.sendall(b"zINSTREAM\0")
                while chunk := handle.read(self.chunk_bytes):
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
                reply = self._read_reply(sock)
        except ScannerUnavailable:
            raise
        except OSError as exc:  # reset, broken pipe (clamd hit StreamMaxLength and hung up), timeout
            raise ScannerUnavailable(f"clamd at {self.url} failed during the scan: {exc}") from exc
        return parse_reply(reply)


def parse_reply(reply: str) -> ScanVerdict:
    body = reply.split(":", 1)[1].strip() if reply.startswith("stream:") else reply
    if body == "OK":
        return ScanVerdict(infected=False, signature="", raw=reply)
    if body.endswith(" FOUND"):
        return ScanVerdict(infected=True, signature=body.removesuffix(" FOUND").strip(), raw=reply)
    # "... ERROR" (e.g. "INSTREAM size limit exceeded") or nothing at all: no verdict, fail closed.
    raise ScannerUnavailable(f"clamd gave no verdict: {reply[:200] or 'empty reply'}")


def configured_scanner() -> ClamdClient | None:
    """The scanner from the settings, or None in embedded mode with no clamd configured."""
    if not settings.FILES_CLAMD_URL:
        return None
    return ClamdClient(
        settings.FILES_CLAMD_URL, timeout=settings.FILES_CLAMD_TIMEOUT, chunk_bytes=settings.FILES_CHUNK_BYTES
    )
