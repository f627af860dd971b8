"""A Parameter rename (`prune: Parameter` on; test_s20a_parameter_rename.py) applied and
stopped with Ctrl-C right after its second change: apply starts no further change, so
what the changes made so far leave must hold on its own. The old parameter was deleted
while the question still named it (JupiterOne abandons a query naming a parameter that
does not exist). Now the new parameter is made, then the question changed, then the old
one deleted: wherever it stops, the question names one that exists; the next apply
finishes the rename."""

from __future__ import annotations

import signal
import subprocess
import threading
from functools import partial
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import j1sync_here, jupiterone_run
from tests.hostile.running import WAIT_S, jupiterone_env, wait_until
from tests.hostile.test_s20a_parameter_rename import _declare
from tests.reliability.processes import start_j1sync

CHANGES = ("setParameter", "deleteParameter", "updateQuestion")


def _state(emu: Emulator) -> tuple[set[str], str]:
    """The account's parameters (j1sync's own records aside) and the question's query."""
    snapshot = emu.snapshot()
    names = {p["name"] for p in snapshot.get("parameters", [])}
    (question,) = snapshot["questions"]
    return {n for n in names if not n.startswith("j1sync_")}, question["queries"][0]["query"]


class _HeldChange:
    """Holds the emulator's answer to the `nth` request that changed the parameters or
    the question (the apply lock's writes change neither) until `released`: j1sync has
    its Ctrl-C before it knows that change is done, and starts no other."""

    def __init__(self, emu: Emulator, nth: int) -> None:
        self.emu = emu
        self.seen = [_state(emu)]
        self.nth = nth
        self.came = threading.Event()
        self.released = threading.Event()
        for field in CHANGES:
            emu.switches.after_field(field, partial(self._answered, field))

    def _answered(self, field: str) -> None:
        if self.came.is_set():
            return
        now = _state(self.emu)
        if now != self.seen[-1]:
            self.seen.append(now)
        if len(self.seen) <= self.nth:  # a lock write, or not the nth change yet
            self.emu.switches.after_field(field, partial(self._answered, field))
            return
        self.came.set()
        self.released.wait(WAIT_S)


def test_ctrl_c_during_a_rename_leaves_no_query_naming_a_gone_parameter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\nprune:\n  Parameter: true\n", encoding="utf-8")
    Path("m").mkdir()
    with running_emulator(seed=BASE_SEED) as emu:
        _declare("old_owner", rule=False)
        first = jupiterone_run(emu, "apply", "--auto-approve")
        assert first.exit_code == 0, first.output
        _declare("new_owner", rule=False)
        env = jupiterone_env(emu.url, emu.api_key, emu.account)

        held = _HeldChange(emu, 2)  # of three: the new one made, then one more
        apply = start_j1sync(["apply", "--auto-approve", "--concurrency", "1"], env, tmp_path)
        try:
            wait_until(held.came.is_set, apply, "a second change")
            apply.send_signal(signal.SIGINT)
        finally:
            held.released.set()
        try:
            stdout, stderr = apply.communicate(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            apply.kill()
            raise
        assert apply.returncode != 0, stdout + stderr
        assert "Traceback" not in stdout + stderr

        parameters, query = _state(emu)
        named = query.split("param.")[1].split()[0]
        assert named in parameters, f"the question names {named}; the account holds {parameters}"

        again = j1sync_here(["apply", "--auto-approve"], env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        renamed = "Find User with name = ${ param.new_owner }"
        assert _state(emu) == ({"region", "new_owner"}, renamed)
