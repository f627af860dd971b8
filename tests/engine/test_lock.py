"""The apply lock over a plain key-value store: taken only when free or expired, confirmed
by reading back, renewed while held, released on every way out, and never two holders at
once even when acquirers race (the store has no compare-and-set)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time

import pytest

from j1sync.engine.lock import (
    LOCK_NAME,
    MAX_UNCONFIRMED_WRITES,
    AccountLock,
    LockRecord,
    current_holder,
    read_lock,
    remove_lock,
)
from j1sync.errors import LockHeld, LockLost, TransientError


class MemoryStore:
    """A LockStore in memory; `jitter_s` delays each call by up to that long, so that
    threads interleave the way requests to a remote store do."""

    def __init__(self, jitter_s: float = 0.0, seed: int = 0) -> None:
        self.values: dict[str, str] = {}
        self.settle_s = 0.02
        self.jitter_s = jitter_s
        self.fail_writes = False
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def _pause(self) -> None:
        if self.jitter_s:
            with self._lock:
                delay = self._rng.uniform(0, self.jitter_s)
            time.sleep(delay)

    def read(self, name: str) -> str | None:
        self._pause()
        return self.values.get(name)

    def write(self, name: str, value: str) -> None:
        self._pause()
        if self.fail_writes:
            raise RuntimeError("store unavailable")
        self.values[name] = value

    def delete(self, name: str) -> None:
        self._pause()
        self.values.pop(name, None)


def foreign(holder: str = "ci run 7", expires_in: float = 600.0) -> str:
    now = time.time()
    return LockRecord("other-token", holder, now - 5, now + expires_in).to_text()


def test_the_lock_is_stored_while_held_and_removed_after() -> None:
    store = MemoryStore()
    with AccountLock(store, "acct", holder="alice@laptop (pid 1)") as lock:
        held = read_lock(store)
        assert held is not None and held.token == lock.record.token
        assert held.holder == "alice@laptop (pid 1)"
        assert held.expires is not None and held.expires > time.time() + 60
    assert LOCK_NAME not in store.values


def test_a_held_lock_stops_the_second_apply_at_once_naming_the_holder() -> None:
    store = MemoryStore()
    store.values[LOCK_NAME] = before = foreign("GitHub Actions run 42 of acme/infra")
    started = time.monotonic()
    with pytest.raises(LockHeld) as error:
        AccountLock(store, "acct").acquire()
    assert time.monotonic() - started < 1
    message = str(error.value)
    assert "account acct is locked by another apply" in message
    assert "GitHub Actions run 42 of acme/infra" in message
    assert "since " in message and "expires " in message and "j1sync unlock" in message
    assert store.values[LOCK_NAME] == before  # untouched


def test_the_second_apply_waits_up_to_the_timeout_and_then_takes_it() -> None:
    store = MemoryStore()
    store.values[LOCK_NAME] = foreign()
    threading.Timer(0.3, store.values.pop, (LOCK_NAME,)).start()
    lock = AccountLock(store, "acct", timeout_s=10, poll_s=0.05)
    with lock:
        assert read_lock(store).token == lock.record.token  # type: ignore[union-attr]


def test_waiting_gives_up_after_the_timeout() -> None:
    store = MemoryStore()
    store.values[LOCK_NAME] = foreign()
    started = time.monotonic()
    with pytest.raises(LockHeld, match=r"after waiting 0\.3 s"):
        AccountLock(store, "acct", timeout_s=0.3, poll_s=0.05).acquire()
    assert 0.3 <= time.monotonic() - started < 2


def test_an_expired_lock_is_taken_over(caplog: pytest.LogCaptureFixture) -> None:
    store = MemoryStore()
    store.values[LOCK_NAME] = foreign("crashed@runner (pid 9)", expires_in=-30)
    with AccountLock(store, "acct") as lock:
        assert read_lock(store).token == lock.record.token  # type: ignore[union-attr]
    assert "an apply whose lease expired (crashed@runner (pid 9)" in caplog.text


def test_a_value_j1sync_cannot_read_is_a_lock_that_never_expires() -> None:
    store = MemoryStore()
    store.values[LOCK_NAME] = "not json"
    with pytest.raises(LockHeld, match=r"an unreadable lock value 'not json'.*no expiry"):
        AccountLock(store, "acct").acquire()


def test_the_lock_is_released_when_the_block_raises() -> None:
    store = MemoryStore()
    with pytest.raises(KeyboardInterrupt), AccountLock(store, "acct"):
        raise KeyboardInterrupt
    assert LOCK_NAME not in store.values


def test_release_never_removes_a_lock_that_is_not_ours() -> None:
    store = MemoryStore()
    lock = AccountLock(store, "acct")
    lock.acquire()
    store.values[LOCK_NAME] = foreign()
    lock.release()
    assert read_lock(store).token == "other-token"  # type: ignore[union-attr]


def test_the_heartbeat_renews_the_expiry() -> None:
    store = MemoryStore()
    with AccountLock(store, "acct", ttl_s=0.4):
        first = read_lock(store).expires  # type: ignore[union-attr]
        time.sleep(0.5)  # past the first expiry: renewed every ttl/4
        later = read_lock(store)
        assert later is not None and later.expires is not None and first is not None
        assert later.expires > first and not later.expired(time.time())


def test_a_lock_taken_over_while_held_fails_the_apply_at_the_end() -> None:
    store = MemoryStore()
    with (
        pytest.raises(LockLost, match="taken over by intruder"),
        AccountLock(store, "acct", ttl_s=0.2),
    ):
        store.values[LOCK_NAME] = foreign("intruder")
        time.sleep(0.3)
    assert read_lock(store).holder == "intruder"  # type: ignore[union-attr]


def test_a_failed_write_leaves_no_lease_behind() -> None:
    store = MemoryStore()
    store.fail_writes = True
    with pytest.raises(RuntimeError):
        AccountLock(store, "acct").acquire()
    assert LOCK_NAME not in store.values


def test_racing_acquirers_never_hold_the_lock_at_the_same_time() -> None:
    store = MemoryStore(jitter_s=0.01, seed=3)
    store.settle_s = 0.05
    inside = 0
    most_inside = 0
    entries = 0
    guard = threading.Lock()

    def worker(n: int) -> None:
        nonlocal inside, most_inside, entries
        for _ in range(3):
            with AccountLock(store, "acct", holder=f"w{n}", timeout_s=30, poll_s=0.01):
                with guard:
                    inside += 1
                    entries += 1
                    most_inside = max(most_inside, inside)
                time.sleep(0.01)
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert entries == 12
    assert most_inside == 1
    assert LOCK_NAME not in store.values


def test_unlock_removes_the_lock_it_showed_and_nothing_else() -> None:
    store = MemoryStore()
    store.values[LOCK_NAME] = foreign()
    shown = read_lock(store)
    assert shown is not None
    store.values[LOCK_NAME] = foreign("someone else")
    assert remove_lock(store, shown).holder == "someone else"  # type: ignore[union-attr]
    assert LOCK_NAME in store.values
    assert remove_lock(store, read_lock(store)) is None  # type: ignore[arg-type]
    assert LOCK_NAME not in store.values


def test_the_holder_is_the_ci_run_when_there_is_one() -> None:
    env = {"GITHUB_RUN_ID": "991", "GITHUB_REPOSITORY": "acme/infra"}
    holder = current_holder(env)
    assert holder.startswith("GitHub Actions run 991 of acme/infra")
    assert "https://github.com/acme/infra/actions/runs/991" in holder
    assert "pid " in current_holder({})
    assert "@" in current_holder({})


def test_the_record_round_trips_and_reads_like_a_sentence() -> None:
    record = LockRecord("t", "bob@host (pid 5)", 1_700_000_000.0, 1_700_000_120.0)
    assert LockRecord.from_text(record.to_text()) == record
    stored = json.loads(record.to_text())
    assert stored["since"] == "2023-11-14T22:13:20.000Z" and stored["tool"].startswith("j1sync ")
    text = record.describe(1_700_000_030.0)
    assert text == (
        "bob@host (pid 5), since 2023-11-14T22:13:20Z (30 s ago), "
        "expires 2023-11-14T22:15:20Z (in 90 s) unless renewed"
    )
    assert "expired 2023-11-14T22:15:20Z (10 s ago)" in record.describe(1_700_000_130.0)


def _record_of_process(pid: int) -> str:
    here = AccountLock(MemoryStore(), "acct").record.process
    assert here is not None, "needs /proc (Linux)"
    now = time.time()
    return LockRecord("dead-token", "killed (pid)", now, now + 600, (*here[:2], pid)).to_text()


@pytest.mark.skipif(not os.path.exists("/proc/self/ns/pid"), reason="needs Linux /proc")
def test_the_lock_of_a_killed_process_on_this_machine_is_taken_at_once() -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    store = MemoryStore()
    store.values[LOCK_NAME] = _record_of_process(dead.pid)
    with AccountLock(store, "acct") as lock:
        assert read_lock(store).token == lock.record.token  # type: ignore[union-attr]


@pytest.mark.skipif(not os.path.exists("/proc/self/ns/pid"), reason="needs Linux /proc")
def test_the_lock_of_a_live_process_on_this_machine_is_respected() -> None:
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        store = MemoryStore()
        store.values[LOCK_NAME] = _record_of_process(alive.pid)
        with pytest.raises(LockHeld, match="killed"):
            AccountLock(store, "acct").acquire()
    finally:
        alive.kill()
        alive.wait()


class LosingStore(MemoryStore):
    """Every write's answer is lost (TransientError); `keep` says whether the write
    itself landed."""

    def __init__(self, keep: bool) -> None:
        super().__init__()
        self.keep = keep
        self.writes = 0

    def write(self, name: str, value: str) -> None:
        self.writes += 1
        if self.keep:
            self.values[name] = value
        raise TransientError("the response was lost")


def test_a_lock_write_whose_answer_is_lost_is_read_back_and_held() -> None:
    store = LosingStore(keep=True)
    lock = AccountLock(store, "acct")
    lock.acquire()
    assert lock.held and LOCK_NAME in store.values
    assert store.writes == 1
    lock.release()


def test_writes_the_store_never_keeps_give_up_without_looping() -> None:
    store = LosingStore(keep=False)
    with pytest.raises(LockLost, match="not kept"):
        AccountLock(store, "acct").acquire()
    assert store.writes == MAX_UNCONFIRMED_WRITES
