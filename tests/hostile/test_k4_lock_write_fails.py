"""An apply whose lock writes all fail (the API answers 503 to setParameter) stops before
any change naming why: before, 'could not take the apply lock: 3 writes of it were not
kept by the account's parameter store', which read as if the store dropped them, without
the server error that was the reason (and named JupiterOne's store for every system)."""

from __future__ import annotations

from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

from j1sync.emulator.faults import FailureMode
from j1sync.engine.lock import LOCK_NAME, MAX_UNCONFIRMED_WRITES
from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.hostile.in_process import j1sync_here
from tests.hostile.manifests import question
from tests.hostile.running import jupiterone_env

API_KEY = "k4-lockwrite-Key-e4a0"
ACCOUNT = "k4-lockwrite-account"


def _apply_with_lock_writes_failing(
    tmp_path: Path, mode: FailureMode, **settings: str
) -> tuple[CompletedProcess[str], dict[str, list[Any]]]:
    """apply of one Question while every setParameter fails as `mode` says: the run, and
    what the account holds after it."""
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "question.yaml").write_text(question("k4-lockwrite", "Users"), encoding="utf-8")
    with running_emulator(seed=None, api_key=API_KEY, account=ACCOUNT) as emu:
        emu.switches.fail_mutation("setParameter", mode=mode)
        env = jupiterone_env(emu.url, API_KEY, ACCOUNT, **settings)
        result = j1sync_here(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        return result, emu.snapshot()


def test_lock_writes_that_fail_name_the_failure(tmp_path: Path) -> None:
    result, snapshot = _apply_with_lock_writes_failing(
        tmp_path, "5xx", J1SYNC_BACKOFF_INITIAL_S="0.01", J1SYNC_BACKOFF_MAX_S="0.05"
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        f"account {ACCOUNT}: could not take the apply lock: {MAX_UNCONFIRMED_WRITES} "
        "writes of it were not kept (the last one: JupiterOne API server error (HTTP 503)"
    ) in result.stderr
    assert "nothing was changed" in result.stderr and "Traceback" not in result.stderr
    assert not snapshot.get("questions")
    assert not [p for p in snapshot.get("parameters", []) if p["name"] == LOCK_NAME]


def test_a_lock_write_the_api_refuses_says_it_was_the_lock(tmp_path: Path) -> None:
    """An API key that may not set parameters: apply's very first write is the lock's.
    Before, the error was the API's alone ('JupiterOne API (graphql): ...'), nothing
    saying that it was the apply lock j1sync was writing."""
    result, snapshot = _apply_with_lock_writes_failing(tmp_path, "error")
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        f"Error: account {ACCOUNT}: could not take the apply lock: writing it "
        f"({LOCK_NAME}) failed: JupiterOne API"
    ) in result.stderr
    assert "nothing was changed" in result.stderr and "Traceback" not in result.stderr
    assert not snapshot.get("questions")
