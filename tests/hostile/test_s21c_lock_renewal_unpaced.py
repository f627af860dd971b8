"""A slow client-side rate limit (--rate-limit) does not starve the apply lock's renewals.
With the lock counting as lost once its lease runs out unrenewed (test_s21c_lock_lease_
runs_out.py), a renewal waiting in the rate limit's line behind the run's changes (at
--rate-limit 1/10 with 4 changes at once: over 90 s) made every apply longer than that
fail; before that rule, such an apply changed the account after its lease had ended. The
lock's renewals (two requests every quarter of the lease) now skip the client-side rate
limit; everything else still keeps to it."""

from __future__ import annotations

import threading
import time

from j1sync.engine.lock import AccountLock, lost_lock
from j1sync.providers.jupiterone.client import JupiterOneClient
from j1sync.providers.jupiterone.emulator.app import running_emulator
from j1sync.providers.jupiterone.parameters import ParameterStore
from j1sync.providers.jupiterone.settings import Settings

API_KEY = "s21c-paced-Key-93e1b0"
ACCOUNT = "s21c-paced-account"
TTL_S = 1.6  # a renewal every 0.4 s; lost when one has not landed 1.2 s after the last
WATCHED_S = 3.0
RUN_PACE = "2/1"  # the run's own requests: 2 a second, bursts of 2
BUSY_THREADS = 4  # changes in flight, each always waiting in the rate limit's line

LIST = "query J1SyncPaced { questions(limit: 1) { questions { id } } }"


def test_the_lock_is_renewed_while_the_run_waits_for_its_rate_limit() -> None:
    with running_emulator(seed=None, api_key=API_KEY, account=ACCOUNT) as emu:
        settings = Settings(api_key=API_KEY, account=ACCOUNT, api_url=emu.url)
        client = JupiterOneClient(settings, rate_limit=RUN_PACE)
        done = threading.Event()

        def busy() -> None:  # keeps the line ~2 s long (4 waiting, 2 a second)
            while not done.is_set():
                client.execute("graphql", LIST)

        with AccountLock(ParameterStore(client), ACCOUNT, ttl_s=TTL_S) as lock:
            taken = lock.record.expires
            workers = [threading.Thread(target=busy) for _ in range(BUSY_THREADS)]
            for worker in workers:
                worker.start()
            try:
                deadline = time.monotonic() + WATCHED_S
                while time.monotonic() < deadline:
                    assert lost_lock() is None, lost_lock()
                    time.sleep(0.05)
                assert taken is not None and lock.record.expires is not None
                assert lock.record.expires > taken + WATCHED_S / 2  # renewed, and stored
            finally:
                done.set()
                for worker in workers:
                    worker.join()
        assert emu.stats.requests["questions"] >= BUSY_THREADS  # the run was paced meanwhile
        client.close()
