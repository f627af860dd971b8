"""What every emulator's HTTP front shares, whatever API it speaks: a threaded loopback
server that does not report clients cut off by the fault switches, a JSON answer in one
write, a lost response (the connection dropped after the change committed), and the
switches read before any work (latency and spikes, rate limits and injected 429s)."""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

from j1sync.emulator.faults import FaultSwitches, Stats
from j1sync.emulator.store import MEMORY, ProcessLock, Store


class QuietThreadingHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # many clients connecting at once are not reset (default 5)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timed out) or was cut off is expected under the fault
        switches: no traceback for it; anything else is still reported."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class JsonHandler(BaseHTTPRequestHandler):
    """A request handler answering JSON; subclasses say where `stats` come from."""

    protocol_version = "HTTP/1.1"  # keep-alive, as the clients' sessions expect
    # One write per response (headers and body buffered, flushed by the base class after
    # each request) and no Nagle: otherwise a response could wait ~40 ms for a delayed ACK,
    # almost as long as the latency being emulated.
    wbufsize = 1 << 20
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: request lines would only clutter test and CLI output."""

    def stats(self) -> Stats:
        raise NotImplementedError

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_json(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        self.stats().count_status(status)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def drop_connection(self) -> None:
        """The change committed; the client never hears about it."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def base_url(self) -> str:
        host = self.headers.get("Host")
        if not host:
            address = self.server.server_address
            host = f"{address[0]!s}:{address[1]}" if isinstance(address, tuple) else str(address)
        return f"http://{host}"


def wait_latency(switches: FaultSwitches) -> None:
    """Sleep the switched latency, plus a spike now and then."""
    delay_ms = switches.latency_ms
    if switches.spike_ms > 0 and switches.roll(switches.spike_rate):
        delay_ms += switches.spike_ms
    if delay_ms > 0:
        time.sleep(delay_ms / 1000)


def rate_limited(switches: FaultSwitches) -> bool:
    """This request is over the sliding-window limit, or drew an injected 429."""
    return switches.over_rate_limit() or switches.roll(switches.rate_429)


_Served = TypeVar("_Served", bound="ServedState")


class ServedState:
    """The lifecycle every emulator shares: its store (`store`, closed on stop) and the
    process lock on its database file (`_process_lock`, None in memory), its HTTP server
    (`_server`) and base URL (`url`). A subclass's constructor calls `_open_store`, then
    `_seed_new` with what a new store holds, then `_bind` with its server."""

    _server: ThreadingHTTPServer
    store: Store
    _process_lock: ProcessLock | None = None
    _thread: threading.Thread | None = None
    _created: Path | None = None  # the database file `_open_store` made
    url: str  # http://host:port, no path

    def _open_store(self, db: str, *, wait: bool) -> None:
        """`store` over `db` (MEMORY, or a file: its folder made, held under its process
        lock; `wait`: wait while another process holds it instead of failing)."""
        self._created = None if db == MEMORY or Path(db).exists() else Path(db)
        self._process_lock = None
        if db != MEMORY:
            Path(db).parent.mkdir(parents=True, exist_ok=True)
            self._process_lock = ProcessLock(db, wait=wait)
        try:
            self.store = Store(db)
        except BaseException:
            self._release_db()
            raise

    def _seed_new(self, fill: Callable[[], None]) -> None:
        """A new store: `fill()` it, then mark it initialized. When `fill` fails nothing
        half-seeded is left for the next start: the store is closed, the lock released and
        a file made here removed."""
        if not self.store.is_new:
            return
        try:
            fill()
        except Exception:
            self._close_db()
            if self._created is not None:
                self._created.unlink(missing_ok=True)
            raise
        self.store.mark_initialized()

    def _bind(self, server: Callable[[], ThreadingHTTPServer]) -> None:
        """`_server` from `server()` (listening on its address) and `url`; when it cannot
        listen, the store is closed and the lock released."""
        try:
            self._server = server()
        except BaseException:
            self._close_db()
            raise
        bound_host, bound_port = self._server.server_address[:2]
        self.url = f"http://{bound_host!s}:{bound_port}"

    def __enter__(self: _Served) -> _Served:
        """`with emulator:` serves from a daemon thread for the block, then stops."""
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.1)

    def start(self) -> None:
        """Serve from a daemon thread."""
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()
        self._close_db()

    def start_shutdown(self) -> None:
        """Ask serve_forever() to return; safe from a signal handler on the serving thread."""
        threading.Thread(target=self._server.shutdown, daemon=True).start()

    def _close_db(self) -> None:
        self.store.close()
        self._release_db()

    def _release_db(self) -> None:
        if self._process_lock is not None:
            self._process_lock.release()
            self._process_lock = None
