"""A Parameter renamed in the manifests (`prune: Parameter` on): the old parameter gone,
the new one declared, the question's `${ param.X }` or the rule's `{{param.X}}` moved to
the new name. Apply deleted the old parameter while (or before) it changed the query that
still named it, and changed the query while (or before) it made the new parameter: when
one of those failed, the account was left with a question or rule naming a parameter that
does not exist (JupiterOne abandons such a query when it runs). Now the new parameter is
made first, the old one deleted only once what used it has stopped using it, and nothing
after a failed change runs; the next apply finishes the rename."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run

PARAMETER = """\
apiVersion: j1sync/v1
kind: Parameter
metadata:
  name: {name}
spec:
  value: alice
"""
QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: by-owner
spec:
  title: Users of the owner
  queries:
    - name: q
      query: Find User with name = ${{ param.{name} }}
"""
RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: owner-hook
spec:
  question:
    queries:
      - name: q
        query: Find User
  operations:
    - actions:
        - type: WEBHOOK
          method: POST
          endpoint: https://hooks.example.com/j1
          headers:
            Authorization: "Bearer {{{{param.{name}}}}}"
"""


def _declare(name: str, *, rule: bool) -> None:
    """m/ declaring parameter `name` and the question (or the rule) that names it, and a
    parameter that stays (a plan deleting every managed parameter is held by safety)."""
    Path("m/p.yaml").write_text(PARAMETER.format(name=name), encoding="utf-8")
    Path("m/stays.yaml").write_text(PARAMETER.format(name="region"), encoding="utf-8")
    user = RULE if rule else QUESTION
    Path("m/user.yaml").write_text(user.format(name=name), encoding="utf-8")


@pytest.fixture
def renamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\nprune:\n  Parameter: true\n", encoding="utf-8")
    Path("m").mkdir()
    with running_emulator(seed=BASE_SEED) as emu:
        yield emu


def _start(emu: Emulator, *, rule: bool) -> None:
    """`old_owner` applied with its user, then the manifests renamed to `new_owner`."""
    _declare("old_owner", rule=rule)
    first = jupiterone_run(emu, "apply", "--auto-approve")
    assert first.exit_code == 0, first.output
    _declare("new_owner", rule=rule)


def _parameters(emu: Emulator) -> set[str]:
    return {p["name"] for p in emu.snapshot().get("parameters", [])} - {"region"}


def _uses(emu: Emulator, *, rule: bool) -> str:
    """The text that names the parameter, as the account holds it now."""
    if rule:
        (found,) = emu.snapshot()["rules"]
        return str(found["operations"])
    (question,) = emu.snapshot()["questions"]
    return str(question["queries"][0]["query"])


@pytest.mark.parametrize("rule", [False, True], ids=["question", "rule"])
def test_the_old_parameter_is_deleted_after_its_user_stops_naming_it(
    renamed: Emulator, rule: bool
) -> None:
    emu = renamed
    _start(emu, rule=rule)
    seen: list[str] = []  # what the user named when the old parameter was deleted
    emu.switches.after_field("deleteParameter", lambda: seen.append(_uses(emu, rule=rule)))
    applied = jupiterone_run(emu, "apply", "--auto-approve", "--concurrency", "1")
    assert applied.exit_code == 0, applied.output
    assert len(seen) == 1 and "new_owner" in seen[0] and "old_owner" not in seen[0], seen
    assert _parameters(emu) == {"new_owner"}
    assert jupiterone_run(emu, "plan", "--detailed-exitcode").exit_code == 0


@pytest.mark.parametrize("rule", [False, True], ids=["question", "rule"])
def test_when_the_user_fails_to_change_the_old_parameter_stays(
    renamed: Emulator, rule: bool
) -> None:
    emu = renamed
    _start(emu, rule=rule)
    update = "updateInlineQuestionRuleInstance" if rule else "updateQuestion"
    emu.switches.fail_mutation(update, times=1)
    applied = jupiterone_run(emu, "apply", "--auto-approve")
    assert applied.exit_code == 1, applied.output
    assert "Traceback" not in applied.output
    assert "old_owner" in _uses(emu, rule=rule)
    assert "old_owner" in _parameters(emu), "the user still names it; it must not be deleted"
    assert "Parameter/old_owner" in applied.output and "skipped" in applied.output
    # the next apply finishes the rename
    again = jupiterone_run(emu, "apply", "--auto-approve")
    assert again.exit_code == 0, again.output
    assert _parameters(emu) == {"new_owner"}
    assert "new_owner" in _uses(emu, rule=rule)
    assert jupiterone_run(emu, "plan", "--detailed-exitcode").exit_code == 0


@pytest.mark.parametrize("rule", [False, True], ids=["question", "rule"])
def test_when_the_new_parameter_fails_to_be_made_nothing_names_it(
    renamed: Emulator, rule: bool
) -> None:
    emu = renamed
    _start(emu, rule=rule)
    emu.switches.fail_mutation("setParameter", match="new_owner", times=1)
    applied = jupiterone_run(emu, "apply", "--auto-approve")
    assert applied.exit_code == 1, applied.output
    assert "Traceback" not in applied.output
    assert "new_owner" not in _uses(emu, rule=rule), "it names a parameter that does not exist"
    assert _parameters(emu) == {"old_owner"}
    again = jupiterone_run(emu, "apply", "--auto-approve")
    assert again.exit_code == 0, again.output
    assert _parameters(emu) == {"new_owner"}
    assert "new_owner" in _uses(emu, rule=rule)


def test_a_saved_plan_keeps_the_order(renamed: Emulator) -> None:
    """`plan --out` then `apply --plan`: the plan file says what waits for what."""
    emu = renamed
    _start(emu, rule=False)
    planned = jupiterone_run(emu, "plan", "--out", "plan.json")
    assert planned.exit_code == 0, planned.output
    emu.switches.fail_mutation("updateQuestion", times=1)
    applied = jupiterone_run(emu, "apply", "--plan", "plan.json", "--auto-approve")
    assert applied.exit_code == 1, applied.output
    assert "old_owner" in _uses(emu, rule=False)
    assert "old_owner" in _parameters(emu), "the question still names it"


def test_a_parameter_and_its_question_both_gone_the_question_goes_first(
    renamed: Emulator,
) -> None:
    """Both manifests removed (the question carries the managed tag, the parameter is
    pruned): when the question's delete fails, its parameter stays."""
    emu = renamed
    _declare("old_owner", rule=False)
    first = jupiterone_run(emu, "apply", "--auto-approve")
    assert first.exit_code == 0, first.output
    Path("m/p.yaml").unlink()
    Path("m/user.yaml").unlink()
    emu.switches.fail_mutation("deleteQuestion", times=1)
    applied = jupiterone_run(emu, "apply", "--auto-approve", "--force")  # every question
    assert applied.exit_code == 1, applied.output
    assert "old_owner" in _uses(emu, rule=False)
    assert "old_owner" in _parameters(emu), "the question still names it"
    again = jupiterone_run(emu, "apply", "--auto-approve", "--force")
    assert again.exit_code == 0, again.output
    assert _parameters(emu) == set() and not emu.snapshot().get("questions")
