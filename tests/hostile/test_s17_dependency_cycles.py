"""Objects that name each other. Two new xyOps events whose `run_event` actions name each
other cannot be made in any order (xyOps checks the event on every write): `plan` passed
and `apply` then stopped with "dependency cycle"; now `plan` says so, at the manifests'
lines. Two existing events updated to name each other need no order at all, yet `apply`
stopped the same way; now they are updated."""

from __future__ import annotations

from pathlib import Path

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import call, run

EVENT = """\
apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: {name}
spec:
  title: {name}
  category: general
  plugin: shellplug
  targets: [main]
  algo: random
  params: {{}}
  actions:
    - condition: error
      type: run_event
      event_id: {other}
"""


def _write(folder: Path, pairs: list[tuple[str, str]]) -> None:
    folder.mkdir(exist_ok=True)
    for name, other in pairs:
        (folder / f"{name}.yaml").write_text(EVENT.format(name=name, other=other), "utf-8")


def test_new_events_that_run_each_other_are_refused_by_plan(xyops_server: XyOpsEmulator) -> None:
    _write(Path("m"), [("s17_a", "s17_b"), ("s17_b", "s17_a")])
    planned = run(xyops_server, "plan", "m")
    assert planned.exit_code == 1
    assert "dependency cycle: xyops.Event/s17_a (m/s17_a.yaml:1:1) -> xyops.Event/s17_b " in (
        planned.stderr
    )
    assert "no order can apply it" in planned.stderr
    assert "Plan:" not in planned.stdout
    applied = run(xyops_server, "apply", "m", "--auto-approve")
    assert applied.exit_code == 1 and "dependency cycle" in applied.stderr
    assert call(xyops_server, "get_event", {"id": "s17_a"})["code"] != 0  # nothing made


def test_existing_events_updated_to_run_each_other(xyops_server: XyOpsEmulator) -> None:
    folder = Path("m")
    for name in ("s17_c", "s17_d"):
        without_actions = EVENT.format(name=name, other="x").split("  actions:")[0]
        folder.mkdir(exist_ok=True)
        (folder / f"{name}.yaml").write_text(without_actions, "utf-8")
    assert run(xyops_server, "apply", "m", "--auto-approve").exit_code == 0
    _write(folder, [("s17_c", "s17_d"), ("s17_d", "s17_c")])
    applied = run(xyops_server, "apply", "m", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete: 0 created, 2 updated, 0 deleted, 0 failed." in applied.stdout
    for name, other in (("s17_c", "s17_d"), ("s17_d", "s17_c")):
        event = call(xyops_server, "get_event", {"id": name})["event"]
        assert [a["event_id"] for a in event["actions"]] == [other]
    assert run(xyops_server, "plan", "m", "--detailed-exitcode").exit_code == 0


def test_a_new_event_and_an_existing_one_that_come_to_run_each_other(
    xyops_server: XyOpsEmulator,
) -> None:
    folder = Path("m")
    folder.mkdir()
    (folder / "s17_old.yaml").write_text(
        EVENT.format(name="s17_old", other="x").split("  actions:")[0], "utf-8"
    )
    assert run(xyops_server, "apply", "m", "--auto-approve").exit_code == 0
    _write(folder, [("s17_new", "s17_old"), ("s17_old", "s17_new")])
    applied = run(xyops_server, "apply", "m", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete: 1 created, 1 updated, 0 deleted, 0 failed." in applied.stdout
    assert applied.stdout.index("created xyops.Event/s17_new") < applied.stdout.index(
        "updated xyops.Event/s17_old"
    )
