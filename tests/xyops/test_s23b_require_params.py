"""What xyOps 1.0.88 holds every create and update to beside each kind's own rules
(lib/api.js requireParams, pixl-tools 2.0.3 MATCH_BAD_KEY): an id that is no reserved
word ('constructor', '__proto__', '0'), an icon of Material Design characters, and no
HTML tag in notes or an alert's message (taken out on the server). A manifest breaking
one is an error at its line before any request: xyOps would refuse the write half-way
through an apply, or keep other text than the manifest's and show a change in every plan
after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.xyops.helpers import CliServer

KEY = "s23bXyOpsKey0123456789ab"

TAG = """apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: {name}
spec:
  title: Nightly
  icon: {icon}
  notes: {notes}
"""
ALERT = """apiVersion: xyops.j1sync/v1
kind: Alert
metadata:
  name: load_band
spec:
  title: Load out of band
  expression: monitors.load_avg > 9
  message: "Load {{{{monitors.load_avg}}}} < 1 or > 9"
"""
WORKFLOW = """apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: flow
spec:
  title: Flow
  category: general
  type: workflow
  workflow:
    nodes: [{{id: "{node}", type: note, x: 0, y: 0}}]
    connections: []
  fields: [{{id: {field}, type: text}}]
"""


class Server(CliServer):
    def folder(self, name: str, *documents: str) -> str:
        path = self.root / name
        path.mkdir()
        for index, text in enumerate(documents):
            (path / f"m{index}.yaml").write_text(text)
        return str(path)


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.chdir(tmp_path)
    with Server.serving(tmp_path, KEY) as served:
        yield served


@pytest.mark.parametrize("name", ["constructor", "__proto__", "0"])
def test_a_reserved_word_as_id_is_refused_at_its_line(server: Server, name: str) -> None:
    folder = server.folder("m", TAG.format(name=f'"{name}"', icon="tag", notes="plain"))
    result = server.run("apply", folder, "--auto-approve")
    assert result.exit_code == 1, result.output
    assert "m0.yaml:4:9" in result.output
    assert f"xyOps refuses '{name}' as an id (a reserved word)" in result.output
    assert "Traceback" not in result.output
    assert name not in {tag["id"] for tag in server.emu.snapshot()["tags"]}


def test_reserved_workflow_and_field_ids_are_refused(server: Server) -> None:
    folder = server.folder("m", WORKFLOW.format(node="0", field="ok"))
    result = server.run("validate", folder)
    assert result.exit_code == 1
    assert "spec.workflow.nodes[0].id: xyOps refuses '0' as an id" in result.output
    folder = server.folder("f", WORKFLOW.format(node="n1", field="toString"))
    result = server.run("validate", folder)
    assert result.exit_code == 1
    assert "spec.fields[0].id" in result.output
    assert "Invalid parameter ID: toString" in result.output
    # not one of pixl-tools' reserved words: a field xyOps takes
    folder = server.folder("p", WORKFLOW.format(node="n1", field="prototype"))
    assert server.run("validate", folder).exit_code == 0


def test_an_icon_xyops_refuses_is_an_error_at_its_line(server: Server) -> None:
    folder = server.folder("m", TAG.format(name="nightly", icon='"database sync"', notes="x"))
    result = server.run("plan", folder)
    assert result.exit_code == 1
    assert "m0.yaml:7:9" in result.output and "spec.icon" in result.output
    assert "'database sync' is not an icon name xyOps takes" in result.output
    assert "nightly" not in {tag["id"] for tag in server.emu.snapshot()["tags"]}
    ok = server.folder("ok", TAG.format(name="nightly", icon="database-sync_2", notes="x"))
    assert server.run("apply", ok, "--auto-approve").exit_code == 0


def test_html_tags_in_notes_or_a_message_are_errors_at_their_line(server: Server) -> None:
    folder = server.folder(
        "m", TAG.format(name="nightly", icon="tag", notes="'Runs <daily> jobs'"), ALERT
    )
    result = server.run("plan", folder)
    assert result.exit_code == 1
    assert "m0.yaml:8:10: xyops.Tag/nightly: spec.notes: xyOps takes HTML tags out" in (
        result.output
    )
    assert "(the '<' at character 6 up to the next '>' would go)" in result.output
    assert "<daily>" not in result.output  # where, not what: it may be a ${env:} value
    assert "m1.yaml:8:12: xyops.Alert/load_band: spec.message" in result.output
    assert "(the '<' at character 32 up to the next '>' would go)" in result.output
    # a '>' before a '<' is no tag: kept by xyOps, and converges
    kept = TAG.format(name="nightly", icon="tag", notes="'more than 9 (> 9), or < 1'")
    folder = server.folder("kept", kept)
    assert server.run("apply", folder, "--auto-approve").exit_code == 0
    assert server.run("plan", folder, "--detailed-exitcode").exit_code == 0
