"""A real clamd for tests and the upload benchmark, with a signature database built on the spot
from the EICAR test string (sigtool; never freshclam, no network)."""

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# The standard antivirus test file (harmless by design); every scanner reports it.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

CLAMD_CANDIDATES = ("clamd", "/usr/sbin/clamd")


def _which(name: str, *fallbacks: str) -> str:
    found = shutil.which(name) or next((f for f in fallbacks if Path(f).exists()), None)
    if not found:
        raise RuntimeError(f"{name} is not installed (Debian packages clamav and clamav-daemon).")
    return found


def _ping(sock_path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            sock.connect(str(sock_path))
            sock.sendall(b"zPING\0")
            return sock.recv(16).startswith(b"PONG")
    except OSError:
        return False


@contextmanager
def running_clamd(*, stream_max: str = "600M") -> Iterator[str]:
    """Start clamd on a UNIX socket in a temporary folder; yields its ``unix://`` URL."""
    clamd = _which("clamd", *CLAMD_CANDIDATES)
    sigtool = _which("sigtool", "/usr/bin/sigtool")
    # A short folder name: UNIX socket paths are limited to about 100 bytes.
    folder = Path(tempfile.mkdtemp(prefix="clamd-", dir="/tmp"))
    try:
        (folder / "eicar.com").write_bytes(EICAR)
        signatures = subprocess.run([sigtool, "--sha256", str(folder / "eicar.com")], check=True,
                                    capture_output=True, cwd=folder).stdout
        (folder / "eicar.com").unlink()
        (folder / "test.hsb").write_bytes(signatures)
        sock_path = folder / "clamd.sock"
        (folder / "clamd.conf").write_text(
            f"LocalSocket {sock_path}\n"
            f"DatabaseDirectory {folder}\n"
            "Foreground yes\n"
            f"LogFile {folder / 'clamd.log'}\n"
            f"StreamMaxLength {stream_max}\n"
            f"MaxFileSize {stream_max}\n"
            f"MaxScanSize {stream_max}\n"
            "MaxThreads 4\n"
            "SelfCheck 3600\n"
        )
        process = subprocess.Popen([clamd, "-c", str(folder / "clamd.conf")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while not _ping(sock_path):
                if process.poll() is not None:
                    raise RuntimeError(f"clamd exited: {process.stderr.read().decode()[-2000:]}")
                if time.monotonic() > deadline:
                    raise RuntimeError("clamd did not answer PING within 60 s")
                time.sleep(0.1)
            yield f"unix://{sock_path}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
