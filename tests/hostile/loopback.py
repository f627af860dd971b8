"""Raw TCP servers on loopback for what no emulator does: a server that never answers,
one whose answers are broken. Each connection is handed to the test's handler."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


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
