"""What every emulator's HTTP front shares, whatever API it speaks: a threaded loopback
server that does not report clients cut off by the fault switches, a JSON answer in one
write, a lost response (the connection dropped after the change committed), and the
switches read before any work (latency and spikes, rate limits and injected 429s). Every
answer says the emulator's own time on it (`Server-Timing`), and `serve --timings FILE`
writes it down, a line per request (`TimingsLog`)."""

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

from j1sync import json_input
from j1sync.emulator.faults import FaultSwitches, Stats
from j1sync.emulator.store import (
    MEMORY,
    SQLITE_SIDE_FILES,
    ProcessLock,
    StateFileError,
    Store,
)

# How often the serving loop looks whether it is asked to stop: stop() waits for it, so
# every emulator a test (or a CI job) stops waited up to 0.1 s at socketserver's default;
# a wake-up every 20 ms costs nothing measurable while idle.
SHUTDOWN_POLL_S = 0.02


class TimingsLog:
    """`emulator serve --timings FILE`: one JSON line appended per answered request, the
    emulator's own time on it as its `Server-Timing` header says (a benchmark running its
    client as another process reads them from the file):

        {"ts": 1764500000.123456, "operation": "ListRules", "status": 200,
         "server_ms": 1.42, "latency_ms": 50.07}

    `ts`: wall clock (seconds since the epoch) when the answer was ready; `operation`: the
    request's GraphQL operationName (a batch's joined with ","), else its path (no query
    string: it may hold a key); `server_ms`: from its request line read to its answer
    ready, the latency it slept apart (`latency_ms`). One write per line under a lock,
    flushed before the answer leaves (one under `wbufsize` is buffered until the handler
    returns): lines never interleave, and a client that has its answer finds its line."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._file = self.path.open("a", encoding="utf-8")  # OSError: the caller's to word
        self._lock = threading.Lock()

    def record(self, line: Mapping[str, Any]) -> None:
        """A line more; one that cannot be written (a full disk, /dev/full) ends the log
        with one line on stderr, never the request's handler (its answer has left)."""
        text = json.dumps(line) + "\n"
        with self._lock:
            if self._file.closed:
                return
            try:
                self._file.write(text)
                self._file.flush()
            except OSError as exc:
                sys.stderr.write(
                    f"cannot write --timings to {self.path}: {exc.strerror or exc};"
                    " no more lines written\n"
                )
                self._close()

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        try:
            self._file.close()
        except OSError:  # what the failed write left buffered cannot be written either
            with contextlib.suppress(OSError):
                self._file.close()


class QuietThreadingHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # many clients connecting at once are not reset (default 5)
    timings: TimingsLog | None = None  # `serve --timings`: a line per answered request
    stopped = False  # set by the emulator's stop(), before its store is closed

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timed out) or was cut off is expected under the fault
        switches, and when a client stops its reads (a plan that failed cuts the requests
        it still has on the wire): no traceback for it, whichever socket error its
        connection ends in at that moment (a broken pipe, a reset, a socket shut down or
        closed under the handler). Nor for a request still handled, on a connection kept
        open, once the emulator is stopped (its store closed under it): the server is
        gone, and the client sees its connection end. Anything else is still reported."""
        if self.stopped or isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


# The largest request body an emulator reads (far above any j1sync or official client
# sends): a larger Content-Length is answered 413 before anything is read or allocated.
MAX_BODY_BYTES = 256 << 20


class JsonHandler(BaseHTTPRequestHandler):
    """A request handler answering JSON; subclasses say where `stats` come from."""

    protocol_version = "HTTP/1.1"  # keep-alive, as the clients' sessions expect
    # One write per response (headers and body buffered, flushed by the base class after
    # each request) and no Nagle: otherwise a response could wait ~40 ms for a delayed ACK,
    # almost as long as the latency being emulated.
    wbufsize = 1 << 20
    disable_nagle_algorithm = True

    # When this request's work began (its request line read) and the latency it slept:
    # every answer says the rest in a `Server-Timing: emulator;dur=MS` header (W3C Server
    # Timing), so a benchmark can tell the emulator's own time from its client's.
    _received: float = 0.0
    _slept: float = 0.0
    _body = b""  # the request's body, once read

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: request lines would only clutter test and CLI output."""

    def parse_request(self) -> bool:
        """The request line and headers; a Content-Length that is not a byte count, or
        more than MAX_BODY_BYTES, is answered 400 or 413 here (its body never read) and
        the connection closed: `read_body` used to fail on it with a traceback on the
        server's stderr, the client cut off without an answer."""
        self._received, self._slept, self._body = time.perf_counter(), 0.0, b""
        if not super().parse_request():
            return False
        given = (self.headers.get("Content-Length") or "0").strip()
        if given.isdigit() and int(given) <= MAX_BODY_BYTES:
            return True
        self.close_connection = True
        if given.isdigit():
            self.send_json(413, {"error": f"Payload Too Large: over {MAX_BODY_BYTES} bytes"})
        else:
            self.send_json(400, {"error": "Bad Request: invalid Content-Length"})
        return False

    def wait_latency(self, switches: FaultSwitches) -> None:
        """Sleep the switched latency, plus a spike now and then (not server time)."""
        started = time.perf_counter()
        wait_latency(switches)
        self._slept += time.perf_counter() - started

    def stats(self) -> Stats:
        raise NotImplementedError

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        self._body = self.rfile.read(length) if length else b""
        return self._body

    def send_json(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_body(status, data, "application/json; charset=utf-8", headers)

    def send_body(
        self, status: int, data: bytes, content_type: str, headers: Mapping[str, str] | None = None
    ) -> None:
        """Answer in one write, with the emulator's time on the request (`Server-Timing`,
        also `server.timings`' line when `serve --timings` writes them)."""
        self.stats().count_status(status)
        server_ms, answered = self.server_ms(), time.time()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Server-Timing", f"emulator;dur={server_ms:.2f}")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        timings = getattr(self.server, "timings", None)
        if timings is not None:
            timings.record(
                {
                    "ts": round(answered, 6),
                    "operation": self._operation(),
                    "status": status,
                    "server_ms": round(server_ms, 2),
                    "latency_ms": round(self._slept * 1000, 2),
                }
            )

    def server_ms(self) -> float:
        """Milliseconds this request has spent in the emulator so far, its latency apart."""
        return max(0.0, (time.perf_counter() - self._received - self._slept) * 1000)

    def _operation(self) -> str:
        """What `TimingsLog` names a request by: its GraphQL operationName(s), else its path
        (read only when the timings are written)."""
        try:
            payload = json_input.loads(self._body) if self._body else None
        except ValueError:
            payload = None
        items = payload if isinstance(payload, list) else [payload]
        names = [i.get("operationName") for i in items if isinstance(i, dict)]
        named = [n for n in names if isinstance(n, str) and n]
        return ",".join(named) if named else self.path.split("?", 1)[0]

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


def _no_device(db: Path) -> None:
    """A StateFileError for a --db that is a device or a pipe (/dev/null, a FIFO), before
    a lock file is made beside it (in /dev) and SQLite fails on it ("disk I/O error"). A
    folder is the store's to name (store._unusable)."""
    if db.exists() and not db.is_file() and not db.is_dir():
        raise StateFileError(
            f"emulator database {db} is not a regular file (a device or a pipe); "
            "give the emulator a --db of its own"
        )


class ServedState:
    """The lifecycle every emulator shares: its store (`store`, closed on stop) and the
    process lock on its database file (`_process_lock`, None in memory), its HTTP server
    (`_server`) and base URL (`url`). A subclass's constructor calls `_open_store`, then
    `_seed_new` with what a new store holds, then `_bind` with its server."""

    _server: QuietThreadingHTTPServer
    store: Store
    _process_lock: ProcessLock | None = None
    _thread: threading.Thread | None = None
    _created: Path | None = None  # the database file `_open_store` made
    _seeded_writes = 0  # the store's writes once seeded (or opened, when seeded before)
    _discard = False  # `discard_if_untouched` was asked
    url: str  # http://host:port, no path
    system: str  # whose emulator: its system's title, recorded in the database it seeds
    # How this emulator keeps its objects in its database, also recorded there: raised when
    # a change would misread a database an older j1sync wrote (which is then refused).
    layout: int = 1

    def _open_store(self, db: str, *, wait: bool) -> None:
        """`store` over `db` (MEMORY, or a file: its folder made, held under its process
        lock; `wait`: wait while another process holds it instead of failing)."""
        self._created = None if db == MEMORY or Path(db).exists() else Path(db)
        self._process_lock = None
        lock_made = False  # by this start: removed with it when the file is refused
        if db != MEMORY:
            _no_device(Path(db))
            Path(db).parent.mkdir(parents=True, exist_ok=True)
            lock_made = not Path(f"{db}.lock").exists()
            self._process_lock = ProcessLock(db, wait=wait)
        try:
            self.store = Store(db)
        except BaseException:  # a Ctrl-C while its tables are made, too: no file left
            if lock_made and self._process_lock is not None:
                self._process_lock.remove_file()  # (held: no other process has it)
            self._release_db()
            if self._created is not None:
                self._created.unlink(missing_ok=True)
            raise

    def _seed_new(self, fill: Callable[[], None]) -> None:
        """A new store: `fill()` it, then mark it initialized. When `fill` fails or is
        interrupted nothing half-seeded is left for the next start: the store is closed,
        the lock released and a file made here removed."""
        if not self.store.is_new:
            try:
                self.store.check_system(self.system, self.layout)
            except StateFileError:
                self._close_db()
                raise
            self._seeded_writes = self.store.writes
            return
        try:
            # One transaction: a seed cut short (Ctrl-C, SIGTERM, the process killed) is
            # never taken for a new store's next time and seeded again on top
            with self.store.transaction():
                fill()
                self.store.mark_initialized(self.system, self.layout)
        except BaseException:
            self._abandon()
            raise
        self._seeded_writes = self.store.writes

    def discard_if_untouched(self) -> None:
        """When it stops, leave nothing of this start if it made the database file and
        nothing was stored since the seed (a `--emulator` run that failed before any
        change: its manifests invalid): the file, and its lock file, are removed while
        the lock is held, and the next start seeds a new one as this one did."""
        self._discard = True

    def _bind(self, server: Callable[[], QuietThreadingHTTPServer]) -> None:
        """`_server` from `server()` (listening on its address) and `url`; when it cannot
        listen, the store is closed, the lock released and a file made by this start
        removed (the next start, on a free port, seeds it as asked then)."""
        try:
            self._server = server()
        except BaseException:
            self._abandon()
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
        self._server.serve_forever(poll_interval=SHUTDOWN_POLL_S)

    def write_timings(self, timings: TimingsLog | None) -> None:
        """A line per answered request to `timings` from now on (None: none); the log is
        its opener's to close."""
        self._server.timings = timings

    def start(self) -> None:
        """Serve from a daemon thread."""
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.stopped = True
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()
        self._close_db()

    def start_shutdown(self) -> None:
        """Ask serve_forever() to return; safe from a signal handler on the serving thread."""
        threading.Thread(target=self._server.shutdown, daemon=True).start()

    def _abandon(self) -> None:
        """A start that failed: the store closed, its lock released, and the database
        file, with its lock file, removed if this start made it (nothing of it is left
        for the next: a refused seed left `<db>.lock` beside no database)."""
        self.store.close()
        if self._created is not None:
            self._remove_created()
        self._release_db()

    def _close_db(self) -> None:
        self.store.close()
        untouched = self.store.writes == self._seeded_writes
        if self._discard and self._created is not None and untouched:
            self._remove_created()
        self._release_db()

    def _remove_created(self) -> None:
        """The database file this start made, what SQLite keeps beside it, and its lock
        file (while held: the next start makes its own)."""
        assert self._created is not None
        for suffix in ("", *SQLITE_SIDE_FILES):
            Path(f"{self._created}{suffix}").unlink(missing_ok=True)
        if self._process_lock is not None:
            self._process_lock.remove_file()

    def _release_db(self) -> None:
        if self._process_lock is not None:
            self._process_lock.release()
            self._process_lock = None
