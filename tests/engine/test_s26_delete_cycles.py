"""Objects that name each other, all deleted. Two managed xyOps events whose `run_event`
actions name each other could never be deleted: each delete waited for the other's (a
user goes before what it uses), `plan` and `apply` stopped with "dependency cycle", and
nothing was pruned. xyOps deletes an event whoever names it (docs/api-fidelity.md), and
once all of them go no order leaves one naming a deleted one for long: where every member
of a cycle is a delete, one wait is dropped (the one of the lowest address), as one is for
updates. A delete still waits for the update that stops naming it, and JupiterOne's rule
still goes before the question it runs (its API refuses the other order)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.engine.model import Change
from j1sync.engine.order import Schedule, levels
from j1sync.engine.plan import build_plan
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.engine.builders import KINDS, PROJECT, have
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run, seeded_question
from tests.xyops.helpers import CliServer

KEY = "s26DeleteCyclesKey012345"
CATEGORY = """apiVersion: xyops.j1sync/v1
kind: Category
metadata: {name: cat1}
spec: {title: Cat one}
"""
EVENT = """apiVersion: xyops.j1sync/v1
kind: Event
metadata: {{name: {name}}}
spec:
  title: {name}
  category: cat1
  plugin: shellplug
  targets: [main]
  params: {{script: "echo {name}"}}
"""
KEPT = (
    "apiVersion: j1sync/v1\nkind: IamGroup\nmetadata:\n  name: kept\n"
    "spec:\n  abacPermissions: [readGraph]\n"
)
RUNS = "  actions: [{{condition: success, type: run_event, event_id: {other}}}]\n"


def addresses(result: list[list[Change]]) -> list[list[str]]:
    return [[c.address for c in level] for level in result]


def _delete(name: str, *waits_for: str) -> Change:
    return Change(f"X/{name}", "X", name, "delete", "r", depends_on=[f"X/{w}" for w in waits_for])


def test_deletes_that_wait_for_each_other_get_an_order() -> None:
    a, b = _delete("a", "b"), _delete("b", "a")
    assert addresses(levels([a, b])) == [["X/a"], ["X/b"]]
    assert addresses(levels([_delete("b", "a"), _delete("a", "b")])) == [["X/a"], ["X/b"]]
    three = [_delete("c", "b"), _delete("b", "a"), _delete("a", "c"), _delete("d", "a")]
    assert addresses(levels(three)) == [["X/a"], ["X/b", "X/d"], ["X/c"]]


def test_a_schedule_of_a_delete_cycle_releases_each_once() -> None:
    schedule = Schedule([_delete("b", "a"), _delete("a", "b")])
    first = schedule.next_ready()
    assert first is not None and first.address == "X/a"
    assert schedule.next_ready() is None
    schedule.done(first)
    second = schedule.next_ready()
    assert second is not None and second.address == "X/b"
    schedule.done(second)
    assert schedule.not_done() == []


def test_live_objects_that_name_each_other_are_planned_for_deletion() -> None:
    live = [
        have("Question", "q", "1", managed=True),
        have("AlertRule", "r1", "2", managed=True, references=("AlertRule/r2", "Question/q")),
        have("AlertRule", "r2", "3", managed=True, references=("AlertRule/r1",)),
    ]
    plan = build_plan([], live, KINDS, PROJECT, "a", {})
    assert addresses(levels(plan.changes)) == [["AlertRule/r1"], ["Question/q", "AlertRule/r2"]]


def test_a_delete_in_a_cycle_still_waits_for_an_update_that_stops_naming_it() -> None:
    user = Change("X/user", "X", "user", "update", "r")
    a, b = _delete("a", "b", "user"), _delete("b", "a")
    assert addresses(levels([a, b, user])) == [["X/user"], ["X/a"], ["X/b"]]


class Server(CliServer):
    def write(self, **documents: str) -> Path:
        folder = self.root / "m"
        folder.mkdir(exist_ok=True)
        for name, text in documents.items():
            (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
        return folder

    def apply(self, *more: str) -> str:
        result = self.run("apply", str(self.root / "m"), "--auto-approve", *more)
        assert result.exit_code == 0, result.output
        return result.stdout

    def events(self) -> dict[str, list[str]]:
        """Each event the emulator holds: the events its actions run."""
        return {
            str(e["id"]): [str(a["event_id"]) for a in e.get("actions") or []]
            for e in self.emu.snapshot()["events"]
        }


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with Server.serving(tmp_path, KEY) as served:
        yield served


def _events_that_run_each_other(server: Server) -> Path:
    """cat1, ev0, and ev1 and ev2 running each other (made, then updated to name each
    other: new, they could not be made in any order)."""
    plain = {f"e{i}": EVENT.format(name=f"ev{i}") for i in range(3)}
    server.write(c=CATEGORY, **plain)
    server.apply()
    folder = server.write(
        e1=plain["e1"] + RUNS.format(other="ev2"), e2=plain["e2"] + RUNS.format(other="ev1")
    )
    assert "0 created, 2 updated" in server.apply()
    assert server.events() == {"ev0": [], "ev1": ["ev2"], "ev2": ["ev1"]}
    return folder


def test_managed_events_that_run_each_other_are_deleted(server: Server) -> None:
    folder = _events_that_run_each_other(server)
    for name in ("e1", "e2"):
        (folder / f"{name}.yaml").unlink()

    planned = server.run("plan", str(folder), "--format", "json")
    assert planned.exit_code == 0, planned.output
    changes = {c["address"]: c for c in json.loads(planned.stdout)["changes"]}
    assert {a: c["action"] for a, c in changes.items() if c["action"] != "no-op"} == {
        "xyops.Event/ev1": "delete",
        "xyops.Event/ev2": "delete",
    }

    stdout = server.apply("--force")
    assert "Apply complete: 0 created, 0 updated, 2 deleted, 0 failed." in stdout
    assert stdout.index("deleted xyops.Event/ev1") < stdout.index("deleted xyops.Event/ev2")
    assert server.events() == {"ev0": []}
    assert [c["id"] for c in server.emu.snapshot()["categories"] if c["id"] == "cat1"] == ["cat1"]
    again = server.run("plan", str(folder), "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_a_saved_plan_deleting_them_applies(server: Server) -> None:
    folder = _events_that_run_each_other(server)
    for name in ("e1", "e2"):
        (folder / f"{name}.yaml").unlink()
    saved = server.root / "plan.json"
    planned = server.run("plan", str(folder), "--out", str(saved))
    assert planned.exit_code == 0, planned.output
    applied = server.run("apply", "--plan", str(saved), "--auto-approve", "--force")
    assert applied.exit_code == 0, applied.output
    assert server.events() == {"ev0": []}


def test_a_rule_still_goes_before_the_question_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JupiterOne refuses to delete a question a rule runs: the order that lets it holds."""
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    Path("m/kept.yaml").write_text(KEPT, encoding="utf-8")
    rule = {
        "name": "r",
        "tags": ["j1sync"],
        "questionName": "q",
        "operations": [
            {
                "when": {"type": "FILTER", "condition": ["AND", ["queries.q.total", ">", 0]]},
                "actions": [{"type": "CREATE_ALERT"}],
            }
        ],
    }
    seed = {**BASE_SEED, "questions": [seeded_question("q", "Question q")], "rules": [rule]}
    with running_emulator(seed=seed) as emu:
        planned = jupiterone_run(emu, "plan", "--format", "json")
        assert planned.exit_code in (0, 3), planned.output
        changes = {c["address"]: c for c in json.loads(planned.stdout)["changes"]}
        assert changes["Question/q"]["depends_on"] == ["AlertRule/r"]
        applied = jupiterone_run(emu, "apply", "--auto-approve", "--force")
        assert applied.exit_code == 0, applied.output
        lines = applied.output.splitlines()
        assert lines.index("deleted AlertRule/r") < lines.index("deleted Question/q")
        state = emu.snapshot()
        assert not state.get("rules") and not state.get("questions")
