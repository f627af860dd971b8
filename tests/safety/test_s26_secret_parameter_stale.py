"""A saved plan that writes a secret parameter was never stale: the API never reads a
secret's value back, so its live state (value masked, secret: true) is the same whatever
was written, and the plan's fingerprint of it matched forever. `apply --plan` could be
replayed any number of times, and a plan made before someone wrote a newer secret
overwrote it with the older one (a lost update), where the same replay of an alert rule
is refused. Now a parameter's fingerprint holds its lastUpdatedOn (LiveObject.revision):
a write since the plan makes the plan stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run

SECRET = """apiVersion: j1sync/v1
kind: Parameter
metadata:
  name: jiraToken
spec:
  secret: true
  value: ${env:PTOK}
"""
STALE = "the plan is stale; the account changed since it was made"


def _run(emu: Emulator, monkeypatch: pytest.MonkeyPatch, token: str, *args: str) -> str:
    monkeypatch.setenv("PTOK", token)
    result = jupiterone_run(emu, *args)
    assert token not in result.output
    return f"exit {result.exit_code}\n{result.output}"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("J1SYNC_PLAN_KEY", "a plan key for this test")
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    Path("m/token.yaml").write_text(SECRET, encoding="utf-8")
    return tmp_path


def _value(emu: Emulator) -> object:
    return next(p["value"] for p in emu.snapshot()["parameters"] if p["name"] == "jiraToken")


def test_a_saved_secret_write_is_not_replayed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_emulator(seed=BASE_SEED) as emu:
        made = _run(emu, monkeypatch, "firstSecret1", "apply", "--auto-approve")
        assert made.startswith("exit 0"), made
        saved = _run(emu, monkeypatch, "secondSecret2", "plan", "--out", "p.json")
        assert "~ Parameter/jiraToken" in saved, saved

        applied = _run(
            emu, monkeypatch, "secondSecret2", "apply", "--plan", "p.json", "--auto-approve"
        )
        assert applied.startswith("exit 0"), applied
        assert _value(emu) == "secondSecret2"

        again = _run(
            emu, monkeypatch, "secondSecret2", "apply", "--plan", "p.json", "--auto-approve"
        )
        assert not again.startswith("exit 0"), again
        assert STALE in again and "Parameter/jiraToken: changed since the plan was made" in again


def test_a_saved_plan_does_not_overwrite_a_newer_secret(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_emulator(seed=BASE_SEED) as emu:
        assert _run(emu, monkeypatch, "firstSecret1", "apply", "--auto-approve").startswith(
            "exit 0"
        )
        saved = _run(emu, monkeypatch, "olderSecret2", "plan", "--out", "p.json")
        assert "~ Parameter/jiraToken" in saved, saved
        newer = _run(emu, monkeypatch, "newerSecret3", "apply", "--auto-approve")
        assert newer.startswith("exit 0"), newer

        replayed = _run(
            emu, monkeypatch, "olderSecret2", "apply", "--plan", "p.json", "--auto-approve"
        )
        assert not replayed.startswith("exit 0"), replayed
        assert STALE in replayed
        assert _value(emu) == "newerSecret3"


def test_an_unchanged_secret_plans_and_applies_as_before(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The revision does not make a plan stale by itself: a plan made and applied with no
    write between them goes through, and a secret nobody changed plans no change."""
    with running_emulator(seed=BASE_SEED) as emu:
        assert _run(emu, monkeypatch, "firstSecret1", "apply", "--auto-approve").startswith(
            "exit 0"
        )
        clean = _run(emu, monkeypatch, "firstSecret1", "plan", "--detailed-exitcode")
        assert clean.startswith("exit 0") and "No changes" in clean, clean
        Path("m/other.yaml").write_text(SECRET.replace("jiraToken", "otherToken"), encoding="utf-8")
        saved = _run(emu, monkeypatch, "firstSecret1", "plan", "--out", "p.json")
        assert "+ Parameter/otherToken" in saved, saved
        applied = _run(
            emu, monkeypatch, "firstSecret1", "apply", "--plan", "p.json", "--auto-approve"
        )
        assert applied.startswith("exit 0"), applied
