"""One apply at a time per account, through the CLI against `j1sync emulator serve` in a
process of its own: two applies started at the same moment never both make changes; the
lock lives in the account's parameter store, names its holder, expires, is released on
every way out, and `j1sync unlock` clears a stuck one. plan and drift never take it."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.accounts import NO_INTEGRATIONS, generated_account
from ruamel.yaml import YAML

from j1sync.engine.lock import LOCK_NAME, LockRecord
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.hostile.in_process import j1sync_here
from tests.reliability.account import ACCOUNT, API_KEY, connection_env, duplicates
from tests.reliability.processes import ServedEmulator, served_emulator, start_j1sync

HOLDER = "GitHub Actions run 4242 of acme/infra"


def _project(tmp_path: Path, objects: int, parameters: list[dict[str, Any]]) -> tuple[Any, str]:
    """A seed without the generated objects (apply creates them) and their manifests."""
    account = generated_account(objects, split=NO_INTEGRATIONS, seeded=False, prefix="lock")
    seed = {**account.seed, "parameters": parameters}
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    with (manifests / "all.yaml").open("w", encoding="utf-8") as out:
        YAML().dump_all(account.manifests, out)
    return seed, str(manifests)


def _lock(holder: str = HOLDER, expires_in: float = 600.0) -> dict[str, Any]:
    now = time.time()
    record = LockRecord("seeded-token", holder, now - 30, now + expires_in)
    return {"name": LOCK_NAME, "value": record.to_text()}


def _stored_lock(emu: ServedEmulator) -> dict[str, Any] | None:
    found = [p for p in emu.snapshot().get("parameters", []) if p["name"] == LOCK_NAME]
    return found[0] if found else None


def _both(first: subprocess.Popen[str], second: subprocess.Popen[str]) -> list[tuple[int, str]]:
    """Both exit codes and outputs, read concurrently: an apply whose output pipe nobody
    drains would block on it, holding the lock."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        outputs = list(pool.map(lambda p: p.communicate(timeout=180), (first, second)))
    return [
        (p.returncode, out + err) for p, (out, err) in zip((first, second), outputs, strict=True)
    ]


def test_two_applies_at_once_one_applies_the_other_stops_naming_the_holder(
    tmp_path: Path,
) -> None:
    seed, manifests = _project(tmp_path, 300, [])
    with served_emulator(tmp_path, seed, API_KEY, ACCOUNT) as emu:
        env = {**connection_env(emu.url), "GITHUB_RUN_ID": ""}
        args = ["apply", manifests, "--auto-approve"]
        first, second = start_j1sync(args, env, tmp_path), start_j1sync(args, env, tmp_path)
        results = _both(first, second)

        codes = sorted(code for code, _ in results)
        assert codes in ([0, 0], [0, 1]), results
        for (code, output), other in zip(results, (second, first), strict=True):
            if code == 1:  # stopped before any change, naming the apply that runs
                assert "is locked by another apply" in output
                assert f"(pid {other.pid})" in output and "since " in output
                assert "created " not in output and "Apply " not in output
            elif "No changes" not in output:
                assert "created Question/lock-question-00000" in output
        snapshot = emu.snapshot()
        assert duplicates(snapshot) == {}
        assert len(snapshot["questions"]) == 135 and len(snapshot["rules"]) == 135
        assert _stored_lock(emu) is None  # released
        plan = j1sync_here(["plan", manifests, "--detailed-exitcode"], env, tmp_path)
        assert plan.returncode == 0, plan.stdout + plan.stderr


def test_with_a_lock_timeout_the_second_apply_waits_then_finds_nothing_to_do(
    tmp_path: Path,
) -> None:
    seed, manifests = _project(tmp_path, 300, [])
    with served_emulator(tmp_path, seed, API_KEY, ACCOUNT, "--latency-ms", "2") as emu:
        env = connection_env(emu.url)
        args = ["apply", manifests, "--auto-approve", "--lock-timeout", "120"]
        results = _both(start_j1sync(args, env, tmp_path), start_j1sync(args, env, tmp_path))

        assert [code for code, _ in results] == [0, 0], results
        outputs = [output for _, output in results]
        assert sum("No changes" in output for output in outputs) == 1, outputs
        waited = next(output for output in outputs if "No changes" in output)
        assert "waiting up to 120 s" in waited
        assert duplicates(emu.snapshot()) == {}
        assert _stored_lock(emu) is None


def test_a_held_lock_stops_apply_with_the_holder_since_and_expiry(tmp_path: Path) -> None:
    seed, manifests = _project(tmp_path, 10, [_lock(expires_in=3600.0)])
    with served_emulator(tmp_path, seed, API_KEY, ACCOUNT) as emu:
        before = emu.snapshot()
        result = j1sync_here(
            ["apply", manifests, "--auto-approve"], connection_env(emu.url), tmp_path
        )
        assert result.returncode == 1
        message = result.stderr
        assert f"account {ACCOUNT} is locked by another apply: {HOLDER}" in message
        assert re.search(
            r"since \S+Z \(\d+ s ago\), expires \S+Z \(in \d+ min( \d+ s)?\) unless renewed",
            message,
        )
        assert "--lock-timeout" in message and "j1sync unlock" in message
        assert "Traceback" not in message
        assert emu.snapshot() == before  # nothing read into changes, nothing written


def test_an_expired_lock_is_taken_over(tmp_path: Path) -> None:
    seed, manifests = _project(tmp_path, 10, [_lock("crashed-runner (pid 7)", expires_in=-60)])
    with served_emulator(tmp_path, seed, API_KEY, ACCOUNT) as emu:
        env = connection_env(emu.url)
        result = j1sync_here(["apply", manifests, "--auto-approve"], env, tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "taking over the apply lock of an apply whose lease expired" in result.stderr
        assert "crashed-runner (pid 7)" in result.stderr
        assert _stored_lock(emu) is None
        assert (
            j1sync_here(["plan", manifests, "--detailed-exitcode"], env, tmp_path).returncode == 0
        )


def test_unlock_shows_the_holder_asks_and_clears_the_lock(tmp_path: Path) -> None:
    seed, manifests = _project(tmp_path, 10, [_lock()])
    with served_emulator(tmp_path, seed, API_KEY, ACCOUNT) as emu:
        env = connection_env(emu.url)
        unasked = j1sync_here(["unlock"], env, tmp_path)  # no terminal, no --yes
        assert unasked.returncode == 1
        assert HOLDER in unasked.stdout and "--yes" in unasked.stderr
        assert _stored_lock(emu) is not None

        cleared = j1sync_here(["unlock", "--yes"], env, tmp_path)
        assert cleared.returncode == 0, cleared.stderr
        assert f"Apply lock on account {ACCOUNT}: {HOLDER}, since " in cleared.stdout
        assert "Lock removed." in cleared.stdout
        assert _stored_lock(emu) is None

        again = j1sync_here(["unlock", "--yes"], env, tmp_path)
        assert (again.returncode, again.stdout.strip()) == (
            0,
            f"No apply lock on account {ACCOUNT}.",
        )
        applied = j1sync_here(["apply", manifests, "--auto-approve"], env, tmp_path)
        assert applied.returncode == 0, applied.stdout + applied.stderr


def test_plan_and_drift_read_while_an_apply_holds_the_lock_and_never_touch_it(
    tmp_path: Path,
) -> None:
    seed, manifests = _project(tmp_path, 10, [_lock()])
    with served_emulator(tmp_path, seed, API_KEY, ACCOUNT) as emu:
        env = connection_env(emu.url)
        held = _stored_lock(emu)
        plan = j1sync_here(["plan", manifests, "--detailed-exitcode"], env, tmp_path)
        drift = j1sync_here(["drift", manifests], env, tmp_path)
        assert plan.returncode == 2 and drift.returncode == 2, plan.stderr + drift.stderr
        assert "lock" not in plan.stderr + drift.stderr
        assert _stored_lock(emu) == held  # same value, same lastUpdatedOn


def test_the_lock_is_released_after_a_failed_apply(tmp_path: Path) -> None:
    """A change the API refuses half-way (the emulator's targeted failure: its own
    internal-error answer, nothing committed), in an emulator of this process."""
    seed, manifests = _project(tmp_path, 10, [])
    (Path(manifests) / "broken.yaml").write_text(
        "apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: lock-broken-question\n"
        "spec:\n  title: Broken\n  queries:\n    - name: q\n      query: FIND User\n",
        encoding="utf-8",
    )
    with running_emulator(seed=seed, api_key=API_KEY, account=ACCOUNT) as emu:
        emu.switches.fail_mutation("createQuestion", match="lock-broken-question", times=1)
        env = connection_env(emu.url)
        failed = j1sync_here(["apply", manifests, "--auto-approve"], env, tmp_path)
        assert failed.returncode == 1, failed.stdout + failed.stderr
        assert "failed" in failed.stdout
        assert not [p for p in emu.snapshot().get("parameters", []) if p["name"] == LOCK_NAME]
        after = j1sync_here(["apply", manifests, "--auto-approve"], env, tmp_path)
        assert "is locked" not in after.stderr
        assert after.returncode == 0, after.stdout + after.stderr


def test_the_lock_is_released_after_an_error_before_any_change(tmp_path: Path) -> None:
    seed, manifests = _project(tmp_path, 10, [])
    (Path(manifests) / "schedule.yaml").write_text(
        "apiVersion: j1sync/v1\nkind: IntegrationSchedule\nmetadata:\n  name: no-such-instance\n"
        "spec:\n  pollingInterval: ONE_DAY\n",
        encoding="utf-8",
    )
    with served_emulator(tmp_path, seed, API_KEY, ACCOUNT) as emu:
        result = j1sync_here(
            ["apply", manifests, "--auto-approve"], connection_env(emu.url), tmp_path
        )
        assert result.returncode == 1
        assert "no-such-instance" in result.stderr
        assert _stored_lock(emu) is None


def test_the_lock_is_released_when_apply_is_interrupted(tmp_path: Path) -> None:
    # few objects: what apply prints must fit the pipe nobody reads until the end
    seed, manifests = _project(tmp_path, 20, [])
    with served_emulator(tmp_path, seed, API_KEY, ACCOUNT, "--latency-ms", "200") as emu:
        env = connection_env(emu.url)
        apply = start_j1sync(["apply", manifests, "--auto-approve"], env, tmp_path)
        deadline = time.monotonic() + 60
        while not emu.snapshot().get("questions") and time.monotonic() < deadline:
            assert apply.poll() is None, apply.communicate()
            time.sleep(0.05)
        held = _stored_lock(emu)
        assert held is not None and f"(pid {apply.pid})" in json.loads(held["value"])["holder"]
        apply.send_signal(signal.SIGINT)
        apply.communicate(timeout=60)
        assert apply.returncode != 0
        assert _stored_lock(emu) is None
        again = j1sync_here(["apply", manifests, "--auto-approve"], env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        assert duplicates(emu.snapshot()) == {}


def test_invalid_manifests_are_reported_before_the_lock_is_touched(tmp_path: Path) -> None:
    """A typo must not lock the account (nor wait on someone else's lock): the manifests
    are validated first; the held lock stays exactly as it was."""
    seed, manifests = _project(tmp_path, 10, [_lock()])
    (Path(manifests) / "typo.yaml").write_text(
        "apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: typo\nspec:\n  titel: oops\n",
        encoding="utf-8",
    )
    with served_emulator(tmp_path, seed, API_KEY, ACCOUNT) as emu:
        held = _stored_lock(emu)
        result = j1sync_here(
            ["apply", manifests, "--auto-approve"], connection_env(emu.url), tmp_path
        )
        assert result.returncode == 1
        assert "typo.yaml" in result.stderr and "titel" in result.stderr
        assert "locked" not in result.stderr
        assert _stored_lock(emu) == held


def test_an_untrusted_saved_plan_is_refused_before_the_lock_is_touched(tmp_path: Path) -> None:
    seed, manifests = _project(tmp_path, 3, [_lock()])
    with served_emulator(tmp_path, seed, API_KEY, ACCOUNT) as emu:
        env = connection_env(emu.url)
        held = _stored_lock(emu)
        plan_file = tmp_path / "plan.json"
        made = j1sync_here(["plan", manifests, "--out", str(plan_file)], env, tmp_path)
        assert made.returncode == 0, made.stderr
        saved = json.loads(plan_file.read_text(encoding="utf-8"))
        saved["changes"][0]["after"]["title"] = "edited by hand"
        plan_file.write_text(json.dumps(saved), encoding="utf-8")
        refused = j1sync_here(["apply", "--plan", str(plan_file), "--auto-approve"], env, tmp_path)
        assert refused.returncode == 1
        assert "changed after j1sync wrote it" in refused.stderr
        assert "locked" not in refused.stderr
        assert _stored_lock(emu) == held
