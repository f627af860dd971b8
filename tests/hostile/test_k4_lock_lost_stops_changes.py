"""An apply whose lock is taken over while it runs (its `j1sync unlock` from another
machine, or a lease that ran out) starts no further change once its heartbeat finds out:
another apply may be changing the account. Before, it went on to the last change and only
then failed, so two applies changed one account at once for as long as the first had
changes left."""

from __future__ import annotations

import time
from pathlib import Path

from j1sync.engine.lock import LOCK_NAME, TTL_S, LockRecord
from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.reliability.processes import start_j1sync

API_KEY = "k4-lost-Key-5e21aa"
ACCOUNT = "k4-lost-account"
QUESTIONS = 150
OTHER = "GitHub Actions run 99 of acme/other"


def _question(index: int) -> str:
    return (
        f"apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: k4-lost-{index:03d}\n"
        f"spec:\n  title: Users {index}\n  queries:\n    - name: q\n      query: Find User\n"
    )


def test_an_apply_whose_lock_is_taken_over_starts_no_further_change(tmp_path: Path) -> None:
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "questions.yaml").write_text(
        "---\n".join(_question(i) for i in range(QUESTIONS)), encoding="utf-8"
    )
    with running_emulator(seed=None, api_key=API_KEY, account=ACCOUNT, latency_ms=250) as emu:
        env = {
            "JUPITERONE_API_KEY": API_KEY,
            "JUPITERONE_ACCOUNT_ID": ACCOUNT,
            "JUPITERONE_API_URL": emu.url,
        }
        args = ["apply", str(manifests), "--auto-approve", "--concurrency", "1"]
        apply = start_j1sync(args, env, tmp_path)
        deadline = time.monotonic() + 60
        while not emu.snapshot().get("questions"):  # the lock is held, changes started
            assert apply.poll() is None, apply.communicate()
            assert time.monotonic() < deadline, "apply never created anything"
            time.sleep(0.05)
        (lock,) = [p for p in emu.store.objects("parameters") if p["name"] == LOCK_NAME]
        now = time.time()
        taken = LockRecord("other-token", OTHER, now, now + TTL_S).to_text()
        emu.store.replace("parameters", {**lock, "value": taken})  # another apply took it
        stdout, stderr = apply.communicate(timeout=180)

        assert apply.returncode == 1, stdout + stderr
        created = len(emu.snapshot()["questions"])
        assert created < QUESTIONS - 20, f"{created} created after the lock was lost"
        assert "not started: the apply lock was lost (see below)" in stdout
        assert "apply was interrupted" not in stdout
        assert f"the lock was taken over by {OTHER}" in stderr and "run `j1sync plan`" in stderr
        assert "Traceback" not in stderr
        stored = [p for p in emu.store.objects("parameters") if p["name"] == LOCK_NAME]
        assert [p["value"] for p in stored] == [taken]  # the other apply's lock is left alone
