"""What follows a plan's read: as little as can be. The renderer the command prints
with is loaded while the account is read (after the first request, before the read is
over), not once the plan is made. What the plan was made from (the desired objects, the
planner's work, the files found) lives until the j1sync process leaves, as the run does
(entry.keep_until_exit), rather than being freed one by one before the plan is printed.
Observed through the CLI against the emulator (in a j1sync process of its own for what
it loads; no timed assertion)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import textwrap
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
from tests.examples import jupiterone_examples
from tests.reliability.processes import _clean_env

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


# Runs `j1sync plan ARGS` as the console script does; the modules loaded when its first
# request is sent and when the plan takes the read's result go to the file given first.
PROBE = textwrap.dedent(
    """
    import json, sys
    from urllib3.connectionpool import HTTPConnectionPool
    out, args = sys.argv[1], sys.argv[2:]
    seen = {}
    urlopen = HTTPConnectionPool.urlopen
    def first_urlopen(self, *args, **kwargs):
        seen.setdefault("first", sorted(sys.modules))
        return urlopen(self, *args, **kwargs)
    HTTPConnectionPool.urlopen = first_urlopen
    from j1sync import reconcile
    result = reconcile._Reads.result
    def read_over(self, kinds):
        seen.setdefault("read", sorted(sys.modules))
        with open(out, "w", encoding="utf-8") as f:
            json.dump(seen, f)
        return result(self, kinds)
    reconcile._Reads.result = read_over
    sys.argv = ["j1sync", *args]
    from j1sync.entry import main
    main()
    """
)

RENDERERS = {
    "text": "j1sync.output.text",
    "markdown": "j1sync.output.markdown",
    "json": "j1sync.output.plan_json",
}


@pytest.mark.parametrize("fmt", RENDERERS)
def test_the_renderer_is_loaded_while_the_account_is_read(tmp_path: Path, fmt: str) -> None:
    seen_file = tmp_path / "modules.json"
    args = ["plan", str(jupiterone_examples()), "--emulator", "--format", fmt]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(seen_file), *args],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    seen = json.loads(seen_file.read_text(encoding="utf-8"))
    first, read = set(seen["first"]), set(seen["read"])
    # none before the first request; the format's own (and no other) before the read's end
    assert not first & set(RENDERERS.values())
    assert read & set(RENDERERS.values()) == {RENDERERS[fmt]}
