"""Raw TCP servers on loopback for what no emulator does: a server that never answers,
one whose answers are broken. Each connection is handed to the test's handler."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.hostile.running import timed_j1sync


@contextmanager
def loopback_server(handle: Callable[[socket.socket], None]) -> Iterator[str]:
    """A server on 127.0.0.1 handing each connection it accepts to `handle` (on its one
    thread, in turn) until the block ends; its URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.1)  # the accepting thread looks at `stop` this often
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            handle(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


@contextmanager
def never_answering_server() -> Iterator[tuple[str, list[float]]]:
    """A loopback listener that accepts every connection, reads nothing and answers
    nothing; its URL and the times it accepted connections at (time.monotonic())."""
    accepted: list[float] = []
    held: list[socket.socket] = []

    def hold(conn: socket.socket) -> None:
        accepted.append(time.monotonic())
        held.append(conn)  # open and silent until the test ends

    try:
        with loopback_server(hold) as url:
            yield url, accepted
    finally:
        for conn in held:
            conn.close()


@dataclass(frozen=True)
class SilentRun:
    """`j1sync ARGS` run to its end against a `never_answering_server`."""

    done: subprocess.CompletedProcess[str]
    url: str
    connections: list[float]  # when the server accepted each (time.monotonic())
    elapsed: float  # seconds, start-up included

    def error_line(self) -> str:
        """The one `Error:` line of its stderr (there must be exactly one)."""
        errors = [line for line in self.done.stderr.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1, self.done.stderr
        return errors[0]

    def sent_after(self, seconds: float) -> list[float]:
        """The connections made more than `seconds` after the first (when j1sync
        connected at all: otherwise the test proves nothing)."""
        assert self.connections, "j1sync never connected: the test proves nothing"
        first = self.connections[0]
        return [t - first for t in self.connections if t - first > seconds]


def run_against_silent_server(
    args: Sequence[str], env: Callable[[str], dict[str, str]], cwd: Path
) -> SilentRun:
    """`j1sync ARGS` with the settings `env(url)` gives for a server that never answers."""
    with never_answering_server() as (url, accepted):
        done, elapsed = timed_j1sync(args, env(url), cwd)
        connections = list(accepted)
    return SilentRun(done, url, connections, elapsed)
