"""What follows a plan's read: as little as can be (the renderer is loaded while the
account is read: test_first_request.py). What the plan was made from (the desired
objects, the planner's work, the files found) lives until the j1sync process leaves, as
the run does (entry.keep_until_exit), rather than being freed one by one before the plan
is printed. Observed through the CLI against the emulator (no timed assertion)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from j1sync import entry, reconcile
from j1sync.engine.contract import DesiredObject
from j1sync.engine.plan import Planner
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: q{n}
spec:
  title: Q{n}
  queries:
    - name: a
      query: FIND User
"""


def _made_from(monkeypatch: pytest.MonkeyPatch) -> list[weakref.ref[Any]]:
    """Weak references to what the next plan is made from: its desired objects, its
    planner."""
    refs: list[weakref.ref[Any]] = []
    desired_objects = reconcile.desired_objects

    def desired(*args: Any) -> list[DesiredObject]:
        made = desired_objects(*args)
        refs.extend(weakref.ref(obj) for obj in made)
        return made

    class Tracked(Planner):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            refs.append(weakref.ref(self))

    monkeypatch.setattr(reconcile, "desired_objects", desired)
    monkeypatch.setattr(reconcile, "Planner", Tracked)
    return refs


def _plan(tmp_path: Path) -> tuple[str, int]:
    with running_emulator(db=":memory:", seed="none", api_key=API_KEY, page_size=2) as emu:
        account = Account(emu=emu, tmp_path=tmp_path)
        for n in range(3):
            account.write(f"q{n}.yaml", QUESTION.format(n=n))
        result = account.run("plan", account.manifests, "--detailed-exitcode")
    return result.output, result.exit_code


def _alive(refs: Sequence[weakref.ref[Any]]) -> int:
    gc.collect()
    return sum(ref() is not None for ref in refs)


@pytest.mark.parametrize("process", [True, False], ids=["j1sync process", "in-process caller"])
def test_what_a_plan_is_made_from_lives_until_the_process_leaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, process: bool
) -> None:
    # the j1sync process (entry.main) keeps what it is handed; an in-process caller not
    monkeypatch.setattr(entry._Process, "kept", [] if process else None)
    refs = _made_from(monkeypatch)
    output, code = _plan(tmp_path)
    assert code == 2, output  # three questions to create
    assert "Plan: 3 to create" in output
    assert len(refs) == 4  # three desired objects, one planner
    assert _alive(refs) == (4 if process else 0)
