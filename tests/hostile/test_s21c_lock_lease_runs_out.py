"""The apply lock's store stops answering while an apply holds the lock (the API failing,
the network gone): the heartbeat cannot renew the lease, and once the lease would end
before the next renewal could land, the lock counts as lost. An apply then starts no
further change (`lost_lock`, as when another apply took the lock over) and fails saying
so. Before, a failed renewal was only a warning: the apply went on changing the account
after its lease had ended, when another apply may hold the lock (a dead network mid-apply
ran on for minutes past the expiry). And the lease's expiry was taken as renewed before
the renewal was stored, so 'it expires ...' named a time no store held."""

from __future__ import annotations

import time

import pytest

from j1sync.engine.lock import LOCK_NAME, AccountLock, LockRecord, lost_lock
from j1sync.errors import LockLost
from j1sync.providers.jupiterone.client import JupiterOneClient
from j1sync.providers.jupiterone.emulator.app import Emulator, running_emulator
from j1sync.providers.jupiterone.parameters import ParameterStore
from j1sync.providers.jupiterone.settings import Settings

API_KEY = "s21c-lease-Key-0c93d7"
ACCOUNT = "s21c-lease-account"
TTL_S = 1.6  # a heartbeat every 0.4 s
WAIT_S = 20.0


def _stored(emu: Emulator) -> LockRecord:
    (lock,) = [p for p in emu.store.objects("parameters") if p["name"] == LOCK_NAME]
    return LockRecord.from_text(lock["value"])


def test_a_lease_running_out_unrenewed_counts_as_lost_before_it_ends() -> None:
    with running_emulator(seed=None, api_key=API_KEY, account=ACCOUNT) as emu:
        # a renewal's read retries for longer than the lease lasts
        settings = Settings(api_key=API_KEY, account=ACCOUNT, api_url=emu.url, retry_budget_s=30)
        client = JupiterOneClient(settings, backoff_initial_s=0.01, backoff_max_s=0.05)
        lock = AccountLock(ParameterStore(client), ACCOUNT, ttl_s=TTL_S)
        with pytest.raises(LockLost) as caught, lock:
            emu.switches.fail_rate = 1.0  # from now on every request answers 503
            deadline = time.monotonic() + WAIT_S
            while (why := lost_lock()) is None:
                assert time.monotonic() < deadline, "the lock never counted as lost"
                time.sleep(0.02)
            seen, stored = time.time(), _stored(emu)
            assert stored.expires is not None and seen < stored.expires, (
                "lost only once the lease had ended"
            )
            assert why.startswith(f"account {ACCOUNT}: the lock's lease was running out")
            emu.switches.fail_rate = 0.0  # the store answers again: the release goes
        message = str(caught.value)
        assert "lease was running out unrenewed" in message
        assert "run `j1sync plan` to check" in message
        assert not [p for p in emu.store.objects("parameters") if p["name"] == LOCK_NAME]
        client.close()
