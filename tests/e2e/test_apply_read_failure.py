"""Apply reads the account under its lock, through the one plan road (reconcile): when
that read fails, the lock is still released at once (the reads of apply run in the
command's own thread and never abandon the client the lock is released through), so
the next apply goes ahead without waiting for the lock to expire."""

from __future__ import annotations

from j1sync.engine.lock import LOCK_NAME
from tests.e2e.conftest import Account

GROUP = """\
apiVersion: j1sync/v1
kind: IamGroup
metadata:
  name: auditors
spec:
  description: Read-only auditors
  abacPermissions: [readGraph]
"""


def _lock_held(account: Account) -> bool:
    return any(p["name"] == LOCK_NAME for p in account.emu.snapshot().get("parameters", []))


def test_a_refused_read_under_the_apply_lock_releases_the_lock(empty_account: Account) -> None:
    account = empty_account
    account.write("auditors.yaml", GROUP)
    account.emu.switches.iam_enabled = False  # the IAM read is refused

    refused = account.run("apply", account.manifests, "--auto-approve")

    assert refused.exit_code == 1, refused.output
    assert "refused an IAM API request" in refused.output
    assert account.emu.stats.requests["setParameter"] >= 1  # the lock was taken
    assert not _lock_held(account)
    assert "could not release the apply lock" not in refused.output

    account.emu.switches.iam_enabled = True
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "created IamGroup/auditors" in applied.output
