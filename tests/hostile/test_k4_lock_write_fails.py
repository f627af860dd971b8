"""An apply whose lock writes all fail (the API answers 503 to setParameter) stops before
any change naming why: before, 'could not take the apply lock: 3 writes of it were not
kept by the account's parameter store', which read as if the store dropped them, without
the server error that was the reason (and named JupiterOne's store for every system)."""

from __future__ import annotations

from pathlib import Path

from j1sync.engine.lock import LOCK_NAME, MAX_UNCONFIRMED_WRITES
from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.reliability.processes import run_j1sync

API_KEY = "k4-lockwrite-Key-e4a0"
ACCOUNT = "k4-lockwrite-account"


def test_lock_writes_that_fail_name_the_failure(tmp_path: Path) -> None:
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "question.yaml").write_text(
        "apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: k4-lockwrite\n"
        "spec:\n  title: Users\n  queries:\n    - name: q\n      query: Find User\n",
        encoding="utf-8",
    )
    with running_emulator(seed=None, api_key=API_KEY, account=ACCOUNT) as emu:
        emu.switches.fail_mutation("setParameter", mode="5xx")
        env = {
            "JUPITERONE_API_KEY": API_KEY,
            "JUPITERONE_ACCOUNT_ID": ACCOUNT,
            "JUPITERONE_API_URL": emu.url,
            "J1SYNC_BACKOFF_INITIAL_S": "0.01",
            "J1SYNC_BACKOFF_MAX_S": "0.05",
        }
        result = run_j1sync(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        assert result.returncode == 1, result.stdout + result.stderr
        assert (
            f"account {ACCOUNT}: could not take the apply lock: {MAX_UNCONFIRMED_WRITES} "
            "writes of it were not kept (the last one: JupiterOne API server error (HTTP 503)"
        ) in result.stderr
        assert "nothing was changed" in result.stderr and "Traceback" not in result.stderr
        snapshot = emu.snapshot()
        assert not snapshot.get("questions")
        assert not [p for p in snapshot.get("parameters", []) if p["name"] == LOCK_NAME]


def test_a_lock_write_the_api_refuses_says_it_was_the_lock(tmp_path: Path) -> None:
    """An API key that may not set parameters: apply's very first write is the lock's.
    Before, the error was the API's alone ('JupiterOne API (graphql): ...'), nothing
    saying that it was the apply lock j1sync was writing."""
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "question.yaml").write_text(
        "apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: k4-lockwrite\n"
        "spec:\n  title: Users\n  queries:\n    - name: q\n      query: Find User\n",
        encoding="utf-8",
    )
    with running_emulator(seed=None, api_key=API_KEY, account=ACCOUNT) as emu:
        emu.switches.fail_mutation("setParameter", mode="error")
        env = {
            "JUPITERONE_API_KEY": API_KEY,
            "JUPITERONE_ACCOUNT_ID": ACCOUNT,
            "JUPITERONE_API_URL": emu.url,
        }
        result = run_j1sync(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        assert result.returncode == 1, result.stdout + result.stderr
        assert (
            f"Error: account {ACCOUNT}: could not take the apply lock: writing it "
            f"({LOCK_NAME}) failed: JupiterOne API"
        ) in result.stderr
        assert "nothing was changed" in result.stderr and "Traceback" not in result.stderr
        assert not emu.snapshot().get("questions")
