"""The apply lock is released even when the answer to its delete is lost: the delete is
read back (it may have happened) and repeated while the lock is still ours, so the next
apply never finds a stale lock of a run that ended cleanly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.engine.lock import LOCK_NAME, RELEASE_ATTEMPTS
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account

RULE = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: lock-release-question
spec:
  title: Lock release
  queries:
    - name: q
      query: FIND Person
"""


@pytest.fixture
def empty_account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed="none", api_key=API_KEY) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def _lock_parameters(account: Account) -> list[str]:
    return [
        p["name"] for p in account.emu.snapshot().get("parameters", []) if p["name"] == LOCK_NAME
    ]


@pytest.mark.parametrize("mode", ["lose_response", "5xx"])
def test_a_lock_delete_whose_answer_is_lost_still_releases(
    empty_account: Account, mode: str
) -> None:
    account = empty_account
    account.write("q.yaml", RULE)
    # the delete commits and its answer is lost, or is refused with a 5xx (not committed)
    account.emu.switches.fail_mutation("deleteParameter", mode=mode, times=1)
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "could not release" not in applied.output
    assert _lock_parameters(account) == []
    assert account.emu.stats.requests["deleteParameter"] == (1 if mode == "lose_response" else 2)
    again = account.run("apply", account.manifests, "--auto-approve")
    assert again.exit_code == 0 and "is locked" not in again.output, again.output


def test_a_lock_that_cannot_be_deleted_is_left_to_expire_with_a_warning(
    empty_account: Account,
) -> None:
    account = empty_account
    account.write("q.yaml", RULE)
    account.emu.switches.fail_mutation("deleteParameter", mode="5xx", times=RELEASE_ATTEMPTS)
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output  # the changes were made
    assert "could not release the apply lock" in applied.output
    assert account.emu.stats.requests["deleteParameter"] == RELEASE_ATTEMPTS
    assert _lock_parameters(account) == [LOCK_NAME]  # it expires by itself
