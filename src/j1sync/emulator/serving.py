"""`j1sync emulator serve`, whatever the system: build the emulator (its problems as one-line
ConfigErrors), say where it listens and with which credentials, serve until Ctrl-C or
SIGTERM, stop, and say what it answered. A system's `serve()` (providers/<name>/...) keeps
only what differs: its switches and emulator, its banner lines and its closing line."""

from __future__ import annotations

import errno
import ipaddress
import signal
import socket
from collections.abc import Callable, Iterable
from types import FrameType
from typing import TypeVar

from j1sync.emulator.faults import Stats
from j1sync.emulator.http_base import ServedState, TimingsLog
from j1sync.errors import ConfigError, describe_os_error

E = TypeVar("E", bound=ServedState)

# What stops `serve_until_stopped` (Ctrl-C, and what a supervisor or CI sends).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def listen_problem(exc: OSError, host: str, port: int) -> str:
    """Why an emulator cannot listen on host:port (or open its database), in the user's
    words."""
    if exc.errno == errno.EADDRINUSE:
        return f"{host}:{port} is already in use (another emulator?); choose another --port"
    if isinstance(exc, socket.gaierror) and _ipv6(host):
        return f"cannot listen on {host}: the emulators listen on IPv4 only; use 127.0.0.1"
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return f"cannot listen on {host}: not an address of this machine"
    return describe_os_error(exc)


def _ipv6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False


def build_emulator(what: str, build: Callable[[], E], host: str, port: int) -> E:
    """`build()`, its bad options (ValueError) and unusable addresses or files (OSError,
    `listen_problem`) as `cannot start the <what>: ...` ConfigErrors: one line, never a
    traceback."""
    try:
        return build()
    except OSError as exc:
        raise ConfigError(f"cannot start the {what}: {listen_problem(exc, host, port)}") from exc
    except ValueError as exc:
        raise ConfigError(f"cannot start the {what}: {exc}") from exc


def serve_until_stopped(
    emulator: E,
    banner: Iterable[str],
    farewell: Callable[[E], str],
    echo: Callable[[str], None] = print,
    timings: TimingsLog | None = None,
    before_serving: Callable[[], object] | None = None,
) -> E:
    """Serve `emulator` on this (the main) thread until SIGTERM or SIGINT, having echoed
    `banner` (where it listens, its credentials), writing a line per answered request to
    `timings` (`serve --timings`) if given; then stop it and echo `farewell(emulator)`.
    `before_serving`, when given, is called once the emulator is built and seeded, just
    before it serves (the `j1sync` process settles its interpreter there: cli.py). The
    stopped emulator is returned (its counters)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        emulator.start_shutdown()  # shutdown() waits for serve_forever: not on its thread

    handlers = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        emulator.write_timings(timings)
        for line in banner:
            echo(line)
        if before_serving is not None:
            before_serving()
        try:
            emulator.serve_forever()
        finally:
            emulator.stop()
    finally:
        for signum, handler in handlers.items():  # as the caller had them
            if handler is not None:  # None: not set from Python, nothing to put back
                signal.signal(signum, handler)
    echo(farewell(emulator))
    return emulator


def open_timings(path: str) -> TimingsLog:
    """`serve --timings FILE`'s log, appended to; a file that cannot be written is one
    ConfigError line naming it, before any emulator starts."""
    try:
        return TimingsLog(path)
    except OSError as exc:
        raise ConfigError(f"cannot write --timings: {describe_os_error(exc)}") from exc


def answered(stats: Stats) -> str:
    """What a closing line says an emulator answered: "N requests, M answered 429"."""
    return f"{stats.total} requests, {stats.statuses[429]} answered 429"


def key_lines(given: str | None, default: str) -> tuple[str, list[str]]:
    """For an emulator taking one API key: how the banner names the key ("the default
    key" or "the key you gave") and the lines showing the default one (the key given is
    never echoed)."""
    if given is None:
        return "the default key", [f"Default API key: {default}"]
    return "the key you gave", []
