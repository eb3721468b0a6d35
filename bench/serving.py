"""Starting a real server on a loopback port and waiting until it is healthy: for the
benchmarks and for the tests that need one (``tests/live.py``)."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerFailed(RuntimeError):
    """The server exited, or did not answer /healthz with 200 in time."""


@contextmanager
def serving(command: Sequence[str], env: Mapping[str, str], port: int, *, quiet: bool = False,
            limit: float = 90, stop_wait: float = 30) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` (a server that listens on ``port``) until the block ends; yields once
    ``/healthz`` answers 200."""
    output = subprocess.DEVNULL if quiet else None
    proc = subprocess.Popen(list(command), env=dict(env), cwd=ROOT, stdout=output, stderr=output)
    # One client for every poll: each new httpx client loads the CA bundle (30 ms of CPU)
    http = httpx.Client(timeout=2)
    try:
        deadline = time.monotonic() + limit
        while True:
            if proc.poll() is not None:
                raise ServerFailed(f"the server exited with status {proc.returncode} "
                                   "before serving")
            try:
                if http.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise ServerFailed(f"the server on port {port} did not become healthy")
            time.sleep(0.2)
        http.close()
        yield proc
    finally:
        http.close()
        proc.terminate()
        try:
            proc.wait(timeout=stop_wait)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
