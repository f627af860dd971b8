"""The pooled `requests.Session` every API client uses, and what each request carries."""

from __future__ import annotations

import contextlib
import heapq
import http.client
import io
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from j1sync import __version__ as _j1sync_version
from j1sync import json_input
from j1sync.http.pacing import Pace
from j1sync.http.urls import shown_url

if TYPE_CHECKING:
    from requests.adapters import _HostParams, _PoolKwargs

_RATE_LIMIT_HEADERS = ("ratelimit-", "retry-after")

T = TypeVar("T")


class _InFlight:
    """The connections a session's requests hold (taken from the pool, not yet given
    back), so that they can be cut; and the pace its requests keep (`pooled_session`)."""

    def __init__(self, pace: Pace | None = None) -> None:
        self.pace = pace
        self._lock = threading.Lock()
        self._held: set[Any] = set()
        self.sending = threading.local()  # `.exchange`: the request this thread sends

    def take(self, connection: Any) -> None:
        with self._lock:
            self._held.add(connection)
        exchange = getattr(self.sending, "exchange", None)
        if exchange is not None:
            exchange.connection = connection

    def give_back(self, connection: Any) -> None:
        with self._lock:
            self._held.discard(connection)

    def cut(self) -> None:
        """Shut every held connection's socket down: a request waiting for its answer
        ends at once with a lost connection. One without a socket is not connected yet
        (it stays held: a later cut reaches it) or closed (given back as it closed)."""
        with self._lock:
            held = list(self._held)
        for connection in held:
            sock = getattr(connection, "sock", None)
            if sock is None:
                continue
            with contextlib.suppress(OSError):  # closed meanwhile
                sock.shutdown(socket.SHUT_RDWR)


# What `signalling_sends` gives this thread's connections: the event they set once a
# request is sent (on the wire, its answer not yet read), and whether this thread's
# requests set the session's pace.
_SENDS = threading.local()


@contextlib.contextmanager
def signalling_sends(event: threading.Event, *, leads: bool = False) -> Iterator[None]:
    """Within the block, `event` is set each time a request this thread sends is on the
    wire (before its answer is waited for): work handed to another thread can wait for
    that, and not take the interpreter lock while the request is still being sent. When
    the thread `leads` (it follows the session's pace: `Pace.follow`), the pace is told
    when each request is sent and when its answer comes (its status and headers read),
    and the session's other requests give way around those answers."""
    previous = getattr(_SENDS, "watch", None)
    _SENDS.watch = (event, leads)
    try:
        yield
    finally:
        _SENDS.watch = previous


# What one read of an answer's socket may take: a whole page (100 rules are ~90 KB) comes
# in one recv(), not in http.client's 8 KiB buffer, a read past it and the rest (each
# read a poll() too, under a timeout): each call lets go of the interpreter lock, which a
# busy thread then holds ~0.5 ms (the switch interval) before the read may go on.
ANSWER_BUFFER = 1 << 18


class _Answer(http.client.HTTPResponse):
    """http.client's response, reading its socket through an ANSWER_BUFFER."""

    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self.fp.close()  # the file http.client made (nothing read from it yet)
        self.fp = cast(io.BufferedReader, sock.makefile("rb", ANSWER_BUFFER))


# The most of a request gathered into one write (`Connection.send`): its headers and any
# body j1sync sends to read (a few KB); a larger body is written as urllib3 writes it.
_GATHERED_BYTES = 1 << 16


class _KeptTimeoutSocket(socket.socket):
    """A connection's socket on which setting the timeout it already has does nothing:
    urllib3 sets it before each request and again before each answer, and each setting
    is a system call that lets go of the interpreter lock (which a busy thread then keeps
    for the switch interval) to change nothing."""

    __slots__ = ()

    def settimeout(self, value: float | None) -> None:
        if value != self.gettimeout():
            super().settimeout(value)


def _tracked(base: type[HTTPConnectionPool], in_flight: _InFlight) -> type[HTTPConnectionPool]:
    class Connection(base.ConnectionCls):  # type: ignore[name-defined,misc]
        response_class = _Answer
        _gathered: list[bytes] | None = None  # the request's writes held back meanwhile

        def connect(self) -> None:
            super().connect()
            if type(self.sock) is socket.socket:  # (a TLS socket is left as it is)
                self.sock.__class__ = _KeptTimeoutSocket

        def request(self, *args: Any, **kwargs: Any) -> None:
            # urllib3 writes a request's headers, then its body: written as one (one call
            # that lets go of the interpreter lock, one wake-up of the server)
            self._gathered = []
            try:
                super().request(*args, **kwargs)
            except BaseException:
                self._gathered = None
                raise
            self._write_gathered()

        def send(self, data: Any) -> None:
            gathered = self._gathered
            if (
                gathered is not None
                and isinstance(data, bytes)
                and sum(map(len, gathered)) + len(data) <= _GATHERED_BYTES
            ):
                gathered.append(data)
                return
            self._write_gathered()
            super().send(data)

        def _write_gathered(self) -> None:
            gathered, self._gathered = self._gathered, None
            if gathered:
                super().send(b"".join(gathered))

        def getresponse(self, *args: Any, **kwargs: Any) -> Any:
            # urllib3 asks for the answer once the request is sent
            watch: tuple[threading.Event, bool] | None = getattr(_SENDS, "watch", None)
            leads = False
            if watch is not None:
                sent, leads = watch
                sent.set()
            pace = in_flight.pace
            if pace is not None and leads:
                pace.sent()
            answer = super().getresponse(*args, **kwargs)
            if pace is not None and leads:
                pace.answered()
            elif pace is not None:  # the answer is used once the pace's answer is handled
                pace.give_way()
            return answer

        def close(self) -> None:
            # urllib3 closes a connection it drops, and puts None back in its place
            in_flight.give_back(self)
            super().close()

    class Tracked(base):  # type: ignore[valid-type,misc]
        ConnectionCls = Connection

        def _get_conn(self, timeout: float | None = None) -> Any:
            connection = super()._get_conn(timeout)
            in_flight.take(connection)
            return connection

        def _put_conn(self, conn: Any) -> None:
            if conn is not None:
                in_flight.give_back(conn)
            super()._put_conn(conn)

    return Tracked


class _Adapter(HTTPAdapter):
    """An HTTPAdapter whose pools tell `in_flight` which connections requests hold."""

    def __init__(self, in_flight: _InFlight, **options: Any) -> None:
        self._in_flight = in_flight
        self._pool_keys: dict[tuple[Any, ...], tuple[_HostParams, _PoolKwargs]] = {}
        super().__init__(**options)

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: bool | str, cert: Any = None
    ) -> tuple[_HostParams, _PoolKwargs]:
        """requests' own, worked out once per origin, CA bundle and client certificate:
        with a CA bundle the environment names (REQUESTS_CA_BUNDLE), requests asks the
        file system for every request whether it is a folder, a system call that lets go
        of the interpreter lock (which a busy thread then keeps for the switch interval)."""
        origin = urlsplit(request.url or "")
        certificate = tuple(cert) if isinstance(cert, list) else cert
        key = (origin.scheme, origin.netloc, verify, certificate)
        known = self._pool_keys.get(key)
        if known is None:
            known = super().build_connection_pool_key_attributes(request, verify, cert)
            self._pool_keys[key] = known
        host_params, pool_kwargs = known
        return host_params.copy(), pool_kwargs.copy()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _tracked(HTTPConnectionPool, self._in_flight),
            "https": _tracked(HTTPSConnectionPool, self._in_flight),
        }


class RedirectRefused(requests.RequestException):
    """A redirect to another host, port or scheme: not followed (the request's headers
    carry the credentials, an `X-API-Key` as much as an `Authorization`)."""


def _as_given(request: requests.PreparedRequest) -> requests.PreparedRequest:
    """The session's `auth`: the request as its client wrote it. Set, it stops requests
    from reading ~/.netrc, whose password would replace or join the API key (trust_env
    stays on for the proxies and CA bundle the environment names)."""
    return request


class PooledSession(requests.Session):
    """A requests session that can cut its requests on the wire (`cut_in_flight`), never
    reads ~/.netrc and follows a redirect only within the request's own origin."""

    def __init__(self, in_flight: _InFlight) -> None:
        super().__init__()
        self._in_flight = in_flight
        self.auth = _as_given

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: Any) -> None:
        """On a redirect (requests calls this for each): to the same origin (or from
        http:// to https:// on the same host) the request goes on as it was; anywhere else
        RedirectRefused. requests would drop only an `Authorization` header there and
        keep a system's own key header, and read ~/.netrc for the new host."""
        source, target = response.request.url, prepared_request.url
        if self.should_strip_auth(source, target):  # type: ignore[no-untyped-call]
            raise RedirectRefused(
                f"the answer redirected to {shown_url(str(target))}, which j1sync does not "
                "follow (another host, port or scheme would receive the credentials); if "
                "the API moved there, give its URL instead",
                request=prepared_request,
                response=response,
            )

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """As requests sends, each wait bounded by `timeout` as a whole, not only each
        wait for a byte: from sending to the last header, then the body it reads (not
        streamed; `read_within`). A server sending a byte at a time held the run for
        ever, whatever --timeout said."""
        stream, timeout = kwargs.pop("stream", False), _seconds(kwargs.get("timeout"))
        exchange = _Exchange()
        deadline = None if timeout is None else _WATCHDOG.arm(timeout, exchange.cut)
        self._in_flight.sending.exchange = exchange
        try:
            response = super().send(request, stream=True, **kwargs)
        except requests.RequestException as exc:
            if exchange.expired.is_set() and timeout is not None:
                raise _late(request, timeout) from exc
            raise
        finally:
            self._in_flight.sending.exchange = None
            if deadline is not None:
                deadline.cancel()
        if exchange.expired.is_set() and timeout is not None:
            raise _late(response, timeout)
        if not stream:
            read_within(response, timeout, lambda: read_body(response))
        return response

    def cut_in_flight(self) -> None:
        """End every request waiting for its answer now, with a lost connection (an
        abandoned read: Ctrl-C against a server that does not answer waited out each
        request's timeout, ~30 s, after 'Interrupted.'). Later requests are sent anew."""
        self._in_flight.cut()


def _seconds(timeout: Any) -> float | None:
    """requests' `timeout` as one number of seconds, when it is one."""
    return float(timeout) if isinstance(timeout, (int, float)) else None


class _Exchange:
    """One request on the wire: the connection it took from the pool, cut when its
    deadline passes."""

    __slots__ = ("connection", "expired")

    def __init__(self) -> None:
        self.connection: Any = None
        self.expired = threading.Event()

    def cut(self) -> None:
        self.expired.set()
        sock = getattr(self.connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):  # closed meanwhile
                sock.shutdown(socket.SHUT_RDWR)


def _late(
    sent: requests.PreparedRequest | requests.Response, timeout: float
) -> requests.ReadTimeout:
    """The request (or, once its headers came, the response: closed) had no whole answer
    within `timeout`."""
    if isinstance(sent, requests.Response):
        sent.close()
        what, request = "its body", sent.request
    else:
        what, request = "its headers", sent
    return requests.ReadTimeout(
        f"no whole answer: {what} did not come within {timeout:g} s", request=request
    )


# The most an answer's body may hold: the largest page any system answers is a few MB (a
# 20,000-object JupiterOne account reads 13 MB in 601 answers). A server streaming without
# end (a wrong URL, a broken proxy) filled memory until the OS killed the run, silently.
MAX_ANSWER_BYTES = 256 << 20
# Bytes read from an answer at a time: more than a page of 100 rules (~90 KB) holds, so
# that most bodies come in one read (http.client reads no further than Content-Length).
READ_CHUNK = 1 << 20


class AnswerTooLarge(requests.RequestException):
    """An answer's body is larger than MAX_ANSWER_BYTES (said, or as read): not read on."""


# What j1sync itself refuses of an answer: the same again on a retry (never retried)
REFUSED_ANSWERS = (RedirectRefused, AnswerTooLarge)


def _limit() -> str:
    return f"the {MAX_ANSWER_BYTES:,} bytes j1sync reads of one"


def read_body(response: requests.Response, chunk: int = READ_CHUNK) -> bytes:
    """`response`'s whole body, as `response.content` gives it (and kept there), refused
    past MAX_ANSWER_BYTES: by its Content-Length before any byte is read, else once the
    bytes read pass it; the connection is closed, not read to its end."""
    said = response.headers.get("Content-Length", "")
    if said.isdigit() and int(said) > MAX_ANSWER_BYTES:
        response.close()
        raise AnswerTooLarge(
            f"its answer says it holds {int(said):,} bytes, more than {_limit()}",
            response=response,
        )
    pieces: list[bytes] = []
    total = 0
    for piece in response.iter_content(chunk):
        total += len(piece)
        if total > MAX_ANSWER_BYTES:
            response.close()
            raise AnswerTooLarge(f"its answer passed {_limit()}", response=response)
        pieces.append(piece)
    body = pieces[0] if len(pieces) == 1 else b"".join(pieces)
    response._content = body  # what `response.content` reads once
    return body


def read_within(response: requests.Response, timeout: float | None, read: Callable[[], T]) -> T:
    """`read()` of `response`'s body (streamed), which must end within `timeout` seconds:
    requests' timeout bounds each wait for a byte only, and a server sending a byte at a
    time within it held the run for ever. Past it the connection is shut down and the
    read is a ReadTimeout."""
    if timeout is None:
        return read()
    exchange = _Exchange()
    exchange.connection = getattr(response.raw, "connection", None)
    deadline = _WATCHDOG.arm(timeout, exchange.cut)
    try:
        body = read()
    except requests.RequestException as exc:
        if exchange.expired.is_set():
            raise _late(response, timeout) from exc
        raise
    finally:
        deadline.cancel()
    if exchange.expired.is_set():  # a body without a length ends where the shutdown cut it
        raise _late(response, timeout)
    return body


class _Deadline:
    __slots__ = ("at", "expire", "watchdog")

    def __init__(self, at: float, expire: Callable[[], object], watchdog: _Watchdog) -> None:
        self.at = at
        self.expire: Callable[[], object] | None = expire
        self.watchdog = watchdog

    @property
    def cancelled(self) -> bool:
        return self.expire is None

    def cancel(self) -> None:
        """Never expires after this returns (an expiry under way has ended first)."""
        with self.watchdog.changed:
            self.expire = None  # what it would cut (the response, its body) is not held

    def __lt__(self, other: _Deadline) -> bool:
        return self.at < other.at


class _Watchdog:
    """One daemon thread for every read's deadline (not a thread per request: starting
    one waits for the interpreter lock, on every page of a read). Arming a deadline is a
    push onto a heap; the thread is woken only when the new deadline is the earliest."""

    def __init__(self) -> None:
        self._due: list[_Deadline] = []
        self.changed = threading.Condition(threading.Lock())
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float, expire: Callable[[], object]) -> _Deadline:
        """`expire()` in `seconds`, unless the deadline is cancelled first."""
        deadline = _Deadline(time.monotonic() + seconds, expire, self)
        with self.changed:
            heapq.heappush(self._due, deadline)
            if self._thread is None or not self._thread.is_alive():  # or after a fork
                self._thread = threading.Thread(
                    target=self._run, name="j1sync-deadlines", daemon=True
                )
                self._thread.start()
            elif self._due[0] is deadline:
                self.changed.notify()
        return deadline

    def _run(self) -> None:
        while True:
            with self.changed:
                while self._due and self._due[0].cancelled:
                    heapq.heappop(self._due)
                if not self._due:
                    if not self.changed.wait(_IDLE_S) and not self._due:
                        self._thread = None  # the next arm starts another
                        return
                    continue
                wait = self._due[0].at - time.monotonic()
                if wait > 0:
                    self.changed.wait(wait)
                    continue
                expire = heapq.heappop(self._due).expire
                if expire is not None:  # under the lock: not once its read has ended
                    expire()


_IDLE_S = 5.0  # how long the watchdog's thread outlives its last deadline
_WATCHDOG = _Watchdog()


def pooled_session(pool_size: int, pace: Pace | None = None) -> PooledSession:
    """A session with TLS verification on, no urllib3 retries (retry policy lives in the
    client, which knows whether a request is safe to repeat) and a pool for `pool_size`
    concurrent requests. With `pace`, the requests of the thread that leads it
    (`signalling_sends`) set it, and the others give way to it (http/pacing.py)."""
    in_flight = _InFlight(pace)
    session = PooledSession(in_flight)
    session.verify = True
    adapter = _Adapter(in_flight, pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)  # only ever loopback: settings refuse anything else
    return session


def user_agent() -> str:
    return f"j1sync/{_j1sync_version}"


def rate_limit_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The response's rate-limit headers (RateLimit-*, Retry-After)."""
    return {k: v for k, v in headers.items() if k.lower().startswith(_RATE_LIMIT_HEADERS)}


def json_object(response: requests.Response) -> dict[str, Any] | None:
    """The response's body when it is a JSON object; None when it is not JSON (an HTML
    error page, an empty body) or another JSON value (`no_object` says which)."""
    body = _json_body(response)
    return body if isinstance(body, dict) else None


def no_object(response: requests.Response) -> str:
    """What a body `json_object` gives None for is, for a message: "a non-JSON answer",
    or the JSON value it is ("JSON that is a list, not an object")."""
    body = _json_body(response)
    if body is _NO_JSON:
        return "a non-JSON answer"
    return f"JSON that is {json_input.json_type(body)}, not an object"


_NO_JSON: Any = object()  # what `_json_body` gives for a body that is no JSON


def _json_body(response: requests.Response) -> Any:
    try:
        # NaN and Infinity are no JSON (a JavaScript server never sends them)
        text = response.text if response.encoding else response.content
        return json_input.loads(text, parse_constant=json_input.no_constant)
    except ValueError:  # TooDeepJSON included
        return _NO_JSON


# What may be left where the decoder stopped in JSON cut off mid-way: a literal or a number
# begun (`tr`, `-12.`, `1e`), or nothing (cut between two tokens); a `\u` escape begun
# (the decoder stops after its backslash).
_PARTIAL_TOKEN = re.compile(r"t(?:ru?)?|f(?:a(?:ls?)?)?|n(?:ul?)?|-?\d*(?:\.\d*)?(?:[eE][-+]?\d*)?")
_PARTIAL_ESCAPE = re.compile(r"u[0-9a-fA-F]{0,4}")


def cut_off_json(body: str | bytes) -> bool:
    """Whether `body` is JSON cut off mid-way: an object or a list whose decoding fails
    only where the body ends (a string, a literal, a number or an escape begun and not
    ended, or nothing left where the next token or the closing bracket belongs). An
    answer that is so was cut before its end (a proxy ending the body early, its
    Content-Length saying just as much), not another server's: HTML, text and JSON
    broken mid-way are not."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    text = text.lstrip("\ufeff \t\r\n")
    if not text.startswith(("{", "[")):
        return False
    try:
        json_input.loads(text)
    except json.JSONDecodeError as exc:
        rest = text[exc.pos :].rstrip()
        if exc.msg.startswith("Unterminated string"):
            return True
        if exc.msg.startswith("Invalid \\uXXXX escape"):
            return _PARTIAL_ESCAPE.fullmatch(rest) is not None
        return exc.msg.startswith("Expecting") and _PARTIAL_TOKEN.fullmatch(rest) is not None
    except ValueError:  # nested too deeply
        return False
    return False
