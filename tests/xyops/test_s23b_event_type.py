"""xyOps never changes an event's type (1.0.88 lib/api/events.js update_event: "do not
allow type to be changed"), and a workflow's targets are always [] (create_event and
update_event set them). So a manifest turning a job into a workflow, or back, stops the
plan at its line before any request (xyOps would refuse the update, or keep a job holding
a workflow, and every plan after would show it again), and a workflow with targets is a
manifest error; the emulator does what xyOps does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.xyops.helpers import CliServer

KEY = "s23bXyOpsKey0123456789ab"
HEAD = """apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: nightly
spec:
  title: Nightly
  category: general
"""
JOB = HEAD + "  plugin: shellplug\n  targets: [main]\n"
WORKFLOW = HEAD + (
    "  type: workflow\n"
    "  workflow:\n"
    "    nodes: [{id: n1, type: note, x: 0, y: 0}]\n"
    "    connections: []\n"
)


class Server(CliServer):
    def manifest(self, text: str) -> str:
        folder = self.root / "m"
        folder.mkdir(exist_ok=True)
        (folder / "event.yaml").write_text(text)
        return str(folder)

    def event(self) -> dict[str, object]:
        [event] = [e for e in self.emu.snapshot()["events"] if e["id"] == "nightly"]
        return event


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.chdir(tmp_path)
    with Server.serving(tmp_path, KEY) as served:
        yield served


@pytest.mark.parametrize(
    ("first", "then", "was", "wanted"),
    [(JOB, WORKFLOW, "a job", "a workflow"), (WORKFLOW, JOB, "a workflow", "a job")],
)
def test_an_event_changing_type_stops_the_plan_at_its_line(
    server: Server, first: str, then: str, was: str, wanted: str
) -> None:
    applied = server.run("apply", server.manifest(first), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    before = server.event()
    for command in (("plan",), ("apply", "--auto-approve")):
        result = server.run(*command, server.manifest(then))
        assert result.exit_code == 1, result.output
        assert f"event.yaml:{'8' if then == WORKFLOW else '5'}:" in result.output
        assert (
            f"xyops.Event/nightly: spec.type: event 'nightly' is {was} in xyOps, and xyOps "
            f"never changes an event's type: to make it {wanted}, give it another id"
        ) in result.output
        assert "Traceback" not in result.output
    assert server.event() == before


def test_a_workflow_with_targets_is_a_manifest_error(server: Server) -> None:
    result = server.run("validate", server.manifest(WORKFLOW + "  targets: [main]\n"))
    assert result.exit_code == 1
    assert "event.yaml:12:3: xyops.Event/nightly: spec.targets: a workflow event has no " in (
        result.output
    )
