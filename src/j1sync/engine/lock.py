"""One apply at a time per account: a lease kept in the account itself.

The lease is one record (who holds it, since when, until when, a random token) stored
under LOCK_NAME in the provider's LockStore, so applies on different machines (CI
runners) see one another. The store has no compare-and-set, so taking the lock is: read;
when free or expired, write our record; wait the store's settle time; read back. The lock
is ours only when our token is the one stored: of several applies racing, the last write
wins and every racer reads the same winner. A racer whose read is older than half the
settle time reads again before writing, so it cannot overwrite a lock another apply has
confirmed meanwhile (only a write that itself takes longer than that could: the
heartbeat then finds the lock lost).

While held, a heartbeat renews the expiry every TTL/4; a holder that dies stops renewing
and its lease expires after TTL_S, when the next apply takes it over (at once when the
holder ran on this machine, in this PID namespace, and its process is gone: the record
keeps the process's start time, so a pid given to another process since is not taken for
it). A heartbeat that finds another record (or none) reports the lock lost (`lost_lock`):
the apply starts no further change, and fails (LockLost). Once the process got Ctrl-C or
SIGTERM, the lock is released with the store's `last_requests` (sent though the reads
were abandoned, each request once), so a failing API does not hold up the exit.
Expiry compares the holder's clock with the reader's: machines must agree to well
within TTL_S (NTP-synced CI runners do).
"""

from __future__ import annotations

import getpass
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from types import TracebackType
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

from j1sync import __version__, interrupts, json_input
from j1sync.canonical import canonical_json
from j1sync.engine.contract import LockStore
from j1sync.errors import ApiError, LockHeld, LockLost, TransientError
from j1sync.http.ratelimit import unpaced
from j1sync.http.urls import is_loopback
from j1sync.terminal import visible_controls

log = logging.getLogger("j1sync.lock")

LOCK_NAME = "j1sync_apply_lock"
TTL_S = 120.0  # a crashed holder's lease is taken over after this long
POLL_S = 2.0  # how often a waiting apply looks again
MAX_UNCONFIRMED_WRITES = 3  # then the store is not keeping the lock: give up, change nothing
RELEASE_ATTEMPTS = 3  # deletes of our lock whose answers were lost, then it is left to expire
DEFAULT_SETTLE_S = 2.0  # used when the store does not say how long its writes take to show
MAX_SETTLE_S = 30.0
# A store on this machine (an emulator) commits each write before it answers: what is left
# is room for a racing writer's round trip.
LOOPBACK_SETTLE_S = 0.3
MAX_PID = 4_194_304  # Linux's PID_MAX_LIMIT: a stored pid beyond it names no process
# Durations below this are said in seconds (_duration): well above TTL_S, so that a lease's
# expiry never changes unit between two messages
SECONDS_SHOWN_BELOW = 600


def settle_time(base_url: str, remote_s: float) -> float:
    """How long after a write every reader of the store at `base_url` is sure to see it:
    LOOPBACK_SETTLE_S on this machine, else the store's own `remote_s`."""
    return LOOPBACK_SETTLE_S if is_loopback(urlsplit(base_url).hostname or "") else remote_s


Clock = Callable[[], float]

# The locks this process holds (in AccountLock's blocks), for `lost_lock`.
_HELD: list[AccountLock] = []
_HELD_LOCK = threading.Lock()


def lost_lock() -> str | None:
    """Why a lock this process holds stopped being its own (removed, or taken over by
    another apply: its heartbeat found out), or None: an apply then starts no further
    change, another one may be changing the account."""
    with _HELD_LOCK:
        held = list(_HELD)
    for lock in held:
        lost = lock.lost or lock.lapsing()
        if lost is not None:
            return f"{lock.named}: {lost}"
    return None


@runtime_checkable
class EndingStore(Protocol):
    """A lock store that can still be reached once the process is interrupted (its reads
    abandoned) and ending: from `last_requests()` on, each request is sent once."""

    def last_requests(self) -> None: ...


@dataclass(frozen=True)
class LockRecord:
    """The stored lease. `since`/`expires` are epoch seconds; None when unreadable.
    `process` identifies the holding process on its machine (host, PID namespace, pid),
    `started` when that process started (so that another process given the same pid
    later is not taken for it); stored as `process: [host, namespace, pid, started]`."""

    token: str
    holder: str
    since: float | None
    expires: float | None
    process: tuple[str, str, int] | None = None
    started: int | None = None

    def to_text(self) -> str:
        return canonical_json(
            {
                "token": self.token,
                "holder": self.holder,
                "since": _iso(self.since, "milliseconds"),
                "expires": _iso(self.expires, "milliseconds"),
                "tool": f"j1sync {__version__}",
                "process": _stored_process(self.process, self.started),
            }
        )

    @classmethod
    def from_text(cls, text: str) -> LockRecord:
        """A stored value; one j1sync cannot read is a lease that never expires (only
        `j1sync unlock` removes it), never one to overwrite silently."""
        try:
            data = json_input.loads(text)
            return cls(
                token=str(data["token"]),
                holder=str(data["holder"]),
                since=_epoch(data["since"]),
                expires=_epoch(data["expires"]),
                process=_process(data.get("process")),
                started=_started(data.get("process")),
            )
        except (ValueError, KeyError, TypeError, OverflowError):
            return cls(
                token="", holder=f"an unreadable lock value {text[:60]!r}", since=None, expires=None
            )

    def expired(self, now: float) -> bool:
        return self.expires is not None and self.expires <= now

    def holder_is_gone(self) -> bool:
        """True only when the holder ran in this very PID namespace of this host and its
        process no longer exists (it was killed): its lease need not run out first."""
        return self._local_process_alive() is False

    def running_pid(self) -> int | None:
        """The holder's process id when it ran in this very PID namespace of this host and
        still runs (an apply in progress: `unlock` must not pull the lock from under it)."""
        return self.process[2] if self.process and self._local_process_alive() else None

    def _local_process_alive(self) -> bool | None:
        """Whether the holder's process exists; None when that cannot be told (another
        machine or namespace, no process recorded, or this very process)."""
        if self.process is None or self.process[:2] != _this_machine():
            return None
        pid = self.process[2]
        if pid == os.getpid():
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:  # exists, owned by someone else
            pass
        # a start time other than the holder's: it is gone and its pid given to another
        return self.started is None or process_started(pid) in (None, self.started)

    def describe(self, now: float) -> str:
        """`alice@laptop (pid 4242), since 2024-05-01T10:00:00Z (35 s ago), expires ...`"""
        parts = [visible_controls(self.holder, one_line=True)]
        if self.since is not None and round(self.since - now) > 0:
            # written by a machine whose clock is ahead of this one's (or by hand)
            ahead = _duration(self.since - now)
            parts.append(f"since {_iso(self.since)} (in {ahead}: its clock is ahead of this one's)")
        elif self.since is not None:
            parts.append(f"since {_iso(self.since)} ({_duration(now - self.since)} ago)")
        if self.expires is None:
            parts.append("no expiry")
        elif self.expired(now):
            parts.append(f"expired {_iso(self.expires)} ({_duration(now - self.expires)} ago)")
        else:
            parts.append(
                f"expires {_iso(self.expires)} (in {_duration(self.expires - now)}) unless renewed"
            )
        return ", ".join(parts)


def current_holder(env: Mapping[str, str] | None = None) -> str:
    """Who this process is, for the message another apply shows: the GitHub Actions run
    when there is one, else user@host and the process id."""
    env = os.environ if env is None else env
    host = socket.gethostname()
    pid = os.getpid()
    run_id = env.get("GITHUB_RUN_ID")
    if run_id:
        repository = env.get("GITHUB_REPOSITORY")
        if not repository:
            return f"GitHub Actions run {run_id} (host {host}, pid {pid})"
        server = env.get("GITHUB_SERVER_URL") or "https://github.com"
        url = f"{server}/{repository}/actions/runs/{run_id}"
        return f"GitHub Actions run {run_id} of {repository} ({url}; host {host}, pid {pid})"
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown user"
    return f"{user}@{host} (pid {pid})"


def read_lock(store: LockStore) -> LockRecord | None:
    text = store.read(LOCK_NAME)
    return None if text is None else LockRecord.from_text(text)


def lock_target(account: str, named: str | None = None) -> str:
    """How messages name a locked target: `account <id>`, unless `named` (another
    system's, by its title and URL: providers/targets.lock_named)."""
    return named or f"account {account}"


class AccountLock:
    """`with AccountLock(store, account):` holds the account's apply lock for the block.

    `timeout_s` is how long to wait for another holder (0: fail at once with LockHeld,
    naming the holder). The lock is released when the block ends, also on an error or
    Ctrl-C; a lock taken over meanwhile raises LockLost at the end of a block that
    otherwise succeeded."""

    def __init__(
        self,
        store: LockStore,
        account: str,
        *,
        timeout_s: float = 0.0,
        holder: str | None = None,
        ttl_s: float = TTL_S,
        settle_s: float | None = None,
        poll_s: float = POLL_S,
        clock: Clock = time.time,
        unlock_command: str = "j1sync unlock",
        named: str | None = None,
    ) -> None:
        self.store = store
        self.account = account
        self.named = lock_target(account, named)
        self.unlock_command = unlock_command  # what removes this lock (named in LockHeld)
        self.timeout_s = timeout_s
        self.ttl_s = ttl_s
        self.settle_s = settle_s if settle_s is not None else _store_settle(store)
        self.poll_s = poll_s
        self.clock = clock
        machine = _this_machine()
        self.record = LockRecord(
            token=secrets.token_hex(16),
            holder=holder or current_holder(),
            since=None,
            expires=None,
            process=(*machine, os.getpid()) if machine else None,
            started=process_started(os.getpid()) if machine else None,
        )
        self.held = False
        self.lost: str | None = None  # why the lock stopped being ours while held
        self._write_failure: TransientError | None = None  # the last lock write's error
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None

    # -- taking it --------------------------------------------------------------------

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout_s
        announced = False
        taking_over: str | None = None  # the token of the lock said to be taken over
        unconfirmed = 0  # writes read back as not stored (lost, or another apply's won)
        while True:
            started = time.monotonic()
            current = read_lock(self.store)
            now = self.clock()
            if current is not None and current.token != self.record.token:
                gone = current.holder_is_gone()
                if not (gone or current.expired(now)):
                    if time.monotonic() >= deadline:
                        raise self._held_error(current, now)
                    if not announced:
                        log.warning(
                            "%s: an apply lock is held by %s; waiting up to %g s",
                            self.named,
                            current.describe(now),
                            self.timeout_s,
                        )
                        announced = True
                    time.sleep(max(0.0, min(self.poll_s, deadline - time.monotonic())))
                    continue
                if current.token != taking_over:  # once, though it is read again below
                    taking_over = current.token
                    log.warning(
                        "%s: taking over the apply lock of %s (%s)",
                        self.named,
                        "a process that is gone" if gone else "an apply whose lease expired",
                        current.describe(now),
                    )
            elapsed = time.monotonic() - started
            if elapsed > self.settle_s / 2:
                # Too old to act on: another apply may have written and confirmed since.
                # Read again, and give every write as long as these requests take.
                self.settle_s = min(MAX_SETTLE_S, max(self.settle_s, 4 * elapsed))
                continue
            if self._write_and_confirm():
                self.held = True
                with _HELD_LOCK:
                    _HELD.append(self)
                self._start_heartbeat()
                return
            unconfirmed += 1
            if unconfirmed >= MAX_UNCONFIRMED_WRITES and read_lock(self.store) is None:
                failed = self._write_failure
                why = f" (the last one: {failed})" if failed is not None else ""
                raise LockLost(
                    f"{self.named}: could not take the apply lock: "
                    f"{unconfirmed} writes of it were not kept{why}; nothing was changed"
                )

    def _write_and_confirm(self) -> bool:
        now = self.clock()
        self.record = replace(self.record, since=now, expires=now + self.ttl_s)
        self._write_failure = None
        try:
            try:
                self.store.write(LOCK_NAME, self.record.to_text())
            except TransientError as exc:
                # the answer was lost, not necessarily the write: reading back decides
                log.debug("the lock write's answer was lost (%s); reading it back", exc)
                self._write_failure = exc
            except ApiError as exc:  # refused (the API key may not write it): say what for
                raise LockLost(
                    f"{self.named}: could not take the apply lock: writing it "
                    f"({LOCK_NAME}) failed: {exc}; nothing was changed"
                ) from exc
            time.sleep(self.settle_s)
            confirmed = read_lock(self.store)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                self._ending()
            try:  # the write may have landed: leave no lease behind
                self._delete_if_ours()
            except Exception as exc:
                self._not_released(exc)
            raise
        return confirmed is not None and confirmed.token == self.record.token

    def _held_error(self, current: LockRecord, now: float) -> LockHeld:
        waited = f" after waiting {self.timeout_s:g} s" if self.timeout_s > 0 else ""
        return LockHeld(
            f"{self.named} is locked by another apply{waited}: "
            f"{current.describe(now)}.\n"
            "Wait for it with --lock-timeout SECONDS; if no apply is running (one crashed), "
            f"remove the lock with `{self.unlock_command}`."
        )

    # -- keeping it -------------------------------------------------------------------

    def _start_heartbeat(self) -> None:
        self._stop.clear()
        self._heartbeat = threading.Thread(
            target=self._renew_until_stopped, name="j1sync-lock-heartbeat", daemon=True
        )
        self._heartbeat.start()

    def _renew_until_stopped(self) -> None:
        with unpaced():  # not behind the run's requests in --rate-limit's line
            self._renew_every_beat()

    def _renew_every_beat(self) -> None:
        while not self._stop.wait(self.ttl_s / 4):
            try:
                current = read_lock(self.store)
                now = self.clock()
                if current is None or current.token != self.record.token:
                    # said once, by LockLost when the apply ends (its changes' report
                    # refers to it): "while this apply held it" first, so that it reads
                    # with the whole sentence, not with the holder's "unless renewed"
                    self.lost = "while this apply held it, " + (
                        f"the lock was removed ({self.unlock_command}?)"
                        if current is None
                        else f"the lock was taken over by {current.describe(now)}"
                    )
                    log.debug("%s: %s", self.named, self.lost)
                    return
                renewed = replace(self.record, expires=now + self.ttl_s)
                self.store.write(LOCK_NAME, renewed.to_text())
                self.record = renewed  # only once stored: `lapsing` goes by what is
            except Exception as exc:  # the next beat tries again; the lease lasts TTL_S
                log.warning("%s: could not renew the apply lock: %s", self.named, exc)

    def lapsing(self) -> str | None:
        """Why the lock is no longer safely ours though no one else holds it yet: while
        held, its stored lease ends within one heartbeat and was not renewed (the store
        unreachable, or each renewal failing; a renewal's request may itself wait its
        whole retry budget), so another apply may take it over before the next renewal
        could land. Once said, the lock counts as lost (`lost`), as when taken over."""
        expires = self.record.expires
        if not self.held or self.lost is not None or expires is None:
            return self.lost
        if self.clock() < expires - self.ttl_s / 4:
            return None
        self.lost = (
            f"the lock's lease was running out unrenewed (it ends {_iso(expires)}, when "
            "another apply may take it; the heartbeat could not renew it)"
        )
        log.debug("%s: %s", self.named, self.lost)  # said by LockLost, once
        return self.lost

    # -- giving it back ---------------------------------------------------------------

    def release(self) -> None:
        """Stop renewing and remove the lock if it is still ours. Never raises: a lock
        that could not be removed expires by itself."""
        self._stop.set()
        if self._heartbeat is not None:
            self._heartbeat.join()
            self._heartbeat = None
        with _HELD_LOCK:
            if self in _HELD:
                _HELD.remove(self)
        if not self.held:
            return
        self.held = False
        try:
            self._delete_if_ours()
        except Exception as exc:
            self._not_released(exc)

    def _not_released(self, exc: Exception) -> None:
        log.warning(
            "%s: could not release the apply lock (%s); it expires %s",
            self.named,
            exc,
            _iso(self.record.expires),
        )

    def _ending(self) -> None:
        """Ctrl-C or SIGTERM: the lock is still released (the reads it stopped may have
        abandoned the store's client), and quickly (each request once, no retry wait)."""
        if isinstance(self.store, EndingStore):
            self.store.last_requests()

    def _delete_if_ours(self) -> None:
        """Delete the lock while it is ours. A delete whose answer was lost (or refused
        with a 5xx) may or may not have happened: reading it back decides, as for taking
        it, and a lock still ours is deleted again (RELEASE_ATTEMPTS in all)."""
        for attempt in range(1, RELEASE_ATTEMPTS + 1):
            current = read_lock(self.store)
            if current is None or current.token != self.record.token:
                return
            try:
                self.store.delete(LOCK_NAME)
                return
            except TransientError as exc:
                if attempt == RELEASE_ATTEMPTS:
                    raise
                log.debug("the lock delete's answer was lost (%s); reading it back", exc)

    def __enter__(self) -> AccountLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if interrupts.stopping() or (exc_type and issubclass(exc_type, KeyboardInterrupt)):
            self._ending()  # Ctrl-C: while reading, or an apply that stopped its changes
        self.release()
        if exc_type is not None and self.lost is not None:  # the block's error is said
            log.warning("%s: %s", self.named, self.lost)
        elif self.lost is not None:
            raise LockLost(
                f"{self.named}: {self.lost}; another apply may have changed the account at "
                "the same time: run `j1sync plan` to check"
            )


def _this_machine() -> tuple[str, str] | None:
    """(host name, PID namespace) where a process id means one process; None where the
    namespace cannot be known (then only expiry frees a lock)."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        return None
    return socket.gethostname(), namespace


def process_started(pid: int) -> int | None:
    """When process `pid` started, in clock ticks after boot (/proc/PID/stat's 22nd field);
    None when that cannot be read (no such process, no /proc)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            text = stat.read()
    except OSError:
        return None
    fields = text[text.rfind(b")") + 1 :].split()  # after the command, which may hold ")"
    try:
        return int(fields[19])  # the 3rd field is fields[0]
    except (IndexError, ValueError):
        return None


def _stored_process(
    process: tuple[str, str, int] | None, started: int | None
) -> list[object] | None:
    if process is None:
        return None
    return [*process, started] if started is not None else list(process)


def _started(value: object) -> int | None:
    """The start time stored after the pid (records of older versions have none)."""
    if _process(value) is None or not isinstance(value, list) or len(value) != 4:
        return None
    started = value[3]
    return started if type(started) is int and started >= 0 else None


def _process(value: object) -> tuple[str, str, int] | None:
    """The stored (host, PID namespace, pid), or None (unknown) when it is not one: a pid
    must name one process (0 and negative pids name groups of them, signalling -1 reaches
    every process of the user), and one too large for the system cannot be asked about."""
    if not isinstance(value, list) or len(value) not in (3, 4):
        return None
    host, namespace, pid = value[:3]
    if (
        isinstance(host, str)
        and isinstance(namespace, str)
        and type(pid) is int
        and 0 < pid <= MAX_PID
    ):
        return host, namespace, pid
    return None


def _store_settle(store: LockStore) -> float:
    settle = getattr(store, "settle_s", None)
    return float(settle) if isinstance(settle, (int, float)) else DEFAULT_SETTLE_S


def _iso(epoch: float | None, timespec: str = "seconds") -> str | None:
    if epoch is None:
        return None
    moment = datetime.fromtimestamp(epoch, timezone.utc)
    return moment.isoformat(timespec=timespec).replace("+00:00", "Z")


def _epoch(text: object) -> float | None:
    """An ISO 8601 time -> epoch seconds; a time outside the years 1-9999 in UTC (which
    no message could show) raises ValueError or OverflowError."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError("a time must be an ISO 8601 string")
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    epoch = moment.astimezone(timezone.utc).timestamp()
    datetime.fromtimestamp(epoch, timezone.utc)  # shown again as ISO: must stay in range
    return epoch


def _duration(seconds: float) -> str:
    """How long, for every lock message: the one rule, so that one expiry reads alike in
    all of them (a lease is TTL_S = 120 s: `in 120 s` then `in 119 s`, not `in 2 min`
    then `in 119 s`)."""
    seconds = max(0, round(seconds))
    if seconds < SECONDS_SHOWN_BELOW:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    if minutes < 120:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def remove_lock(store: LockStore, shown: LockRecord) -> LockRecord | None:
    """Remove the lock `shown` to the user (`j1sync unlock`). When another record is
    stored by now, nothing is removed and that record is returned."""
    current = read_lock(store)
    if current is None:
        return None
    if current.token != shown.token or current.holder != shown.holder:
        return current
    store.delete(LOCK_NAME)
    return None
