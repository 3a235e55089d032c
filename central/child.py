"""``pos-central serve`` as a child process on a free loopback port: for the sync benchmark and the shift
soak, which need the store in its own interpreter, as a shop runs it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(database_url: str, *, timeout: float = 60.0, args: tuple[str, ...] = ()) -> Iterator[str]:
    """Start the service on ``database_url``, wait until /health answers, yield its base URL; stop it after."""
    port = _free_port()
    with running([sys.executable, "-m", "central.cli", "serve", "--database-url", database_url,
                  "--bind", f"127.0.0.1:{port}", "--log-level", "warning", *args],
                 f"http://127.0.0.1:{port}", timeout=timeout) as base:
        yield base


@contextlib.contextmanager
def running(command: list[str], base: str, *, timeout: float = 60.0, cwd=None) -> Iterator[str]:
    """Run a ``pos-central serve`` command line, wait until /health at ``base`` answers, yield ``base``; stop
    it after (SIGTERM, then SIGKILL after 30 s)."""
    import httpx

    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=cwd)
    deadline = time.monotonic() + timeout
    try:
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"pos-central did not start: {process.communicate()[1]}")
            time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()
