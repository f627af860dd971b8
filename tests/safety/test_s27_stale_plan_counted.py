"""A stale saved plan is refused with a count and the first few of its changed objects
(`… and N more`), not a line per object (~410 lines for a plan of 411 changes); when
every object the plan changes is now as the plan would leave it (the plan applied twice),
the error says the plan appears to be applied already. Nothing is changed either way."""

from __future__ import annotations

from pathlib import Path

from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.hostile.in_process import j1sync_here
from tests.hostile.manifests import question, write_questions
from tests.hostile.running import jupiterone_env

API_KEY = "s27-stale-Key-3e9a70"
ACCOUNT = "s27-stale-account"
QUESTIONS = 40
HAND_MADE = 15  # made by someone else, another way, before the plan is applied
SHOWN = 10  # the changed objects the error names (engine/stale.py SHOWN)


def _names() -> list[str]:
    return [f"s27-stale-{i:02d}" for i in range(QUESTIONS)]


def _planned(tmp_path: Path, env: dict[str, str]) -> list[str]:
    write_questions(tmp_path / "manifests", _names())
    made = j1sync_here(["plan", "manifests", "--out", "plan.json"], env, tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    return ["apply", "--plan", "plan.json", "--auto-approve"]


def _error(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("Error: "))
    return lines[first:]


def test_a_plan_applied_twice_is_said_applied_already_counted_not_listed(
    tmp_path: Path,
) -> None:
    with running_emulator(seed=None, api_key=API_KEY, account=ACCOUNT) as emu:
        env = jupiterone_env(emu.url, API_KEY, ACCOUNT)
        apply = _planned(tmp_path, env)
        first = j1sync_here(apply, env, tmp_path)
        assert first.returncode == 0, first.stdout + first.stderr
        before = emu.snapshot()
        second = j1sync_here(apply, env, tmp_path)
        assert emu.snapshot() == before

    assert second.returncode == 1, second.stdout + second.stderr
    error = _error(second.stderr)
    assert error[0] == (
        "Error: the plan is stale: it appears to be applied already (every object it "
        "changes is now as it would leave it; run plan again to see what is left); "
        f"{QUESTIONS} of its objects changed since it was made:"
    ), second.stderr
    assert error[1:] == [
        *(f"  Question/{name}: now exists in the account" for name in _names()[:SHOWN]),
        f"  … and {QUESTIONS - SHOWN} more",
    ], second.stderr


def test_a_plan_some_of_whose_objects_changed_otherwise_is_counted_not_applied_already(
    tmp_path: Path,
) -> None:
    with running_emulator(seed=None, api_key=API_KEY, account=ACCOUNT) as emu:
        env = jupiterone_env(emu.url, API_KEY, ACCOUNT)
        apply = _planned(tmp_path, env)
        others = tmp_path / "others"  # the same names, another title: not as planned
        others.mkdir()
        for name in _names()[-HAND_MADE:]:
            (others / f"{name}.yaml").write_text(question(name, "Another"), encoding="utf-8")
        made = j1sync_here(["apply", "others", "--auto-approve"], env, tmp_path)
        assert made.returncode == 0, made.stdout + made.stderr
        before = emu.snapshot()
        stale = j1sync_here(apply, env, tmp_path)
        assert emu.snapshot() == before

    assert stale.returncode == 1, stale.stdout + stale.stderr
    error = _error(stale.stderr)
    assert error[0] == (
        "Error: the plan is stale; the account changed since it was made (run plan again); "
        f"{HAND_MADE} of its objects changed:"
    ), stale.stderr
    assert "applied already" not in stale.stderr
    changed = _names()[-HAND_MADE:]
    assert error[1:] == [
        *(f"  Question/{name}: now exists in the account" for name in changed[:SHOWN]),
        f"  … and {HAND_MADE - SHOWN} more",
    ], stale.stderr
