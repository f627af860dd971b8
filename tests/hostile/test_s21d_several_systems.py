"""One repository of JupiterOne and OpenCTI manifests: each system's plan reads, once it
deletes, what may use what it deletes from its own target (a JupiterOne board showing a
managed question, an OpenCTI workflow using a status template), and keeps what they
use, as a one-system run does (test_s21d_board_questions, test_s21d_workflow_templates)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from tests.hostile.several_systems import QUESTION, documents, running_systems, systems_env

PROJECT = "paths: [m]\nopencti:\n  prune:\n    StatusTemplate: true\n"
TEMPLATE = (
    "apiVersion: opencti.j1sync/v1\nkind: StatusTemplate\nmetadata:\n  name: KEEP\n"
    "spec:\n  color: '#000000'\n"
)


def test_each_system_keeps_what_its_own_hand_made_objects_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text(PROJECT, encoding="utf-8")
    Path("m").mkdir()
    Path("m/all.yaml").write_text(documents(QUESTION, TEMPLATE), encoding="utf-8")
    with running_systems() as (j1, xy, oc):
        question = {
            "id": "q-used",
            "name": "used",
            "title": "Used",
            "tags": ["j1sync"],
            "queries": [{"name": "q", "query": "Find User"}],
        }
        widget = {"id": "w1", "title": "Used", "type": "number", "questionId": "q-used"}
        board = {"name": "Hand board", "widgets": [{**widget, "config": {"queries": []}}]}
        j1.seed_objects({"questions": [question], "dashboards": [board]})
        oc.api.insert("Status-Template", {"name": "KEEP", "color": "#000000"})
        template = oc.api.insert("Status-Template", {"name": "IN_USE", "color": "#222222"})
        status = {"type": "Grouping", "template_id": template["id"], "order": 1}
        oc.api.insert("Status", {**status, "scope": "GLOBAL"})

        env = systems_env(j1, xy, oc)
        planned = CliRunner().invoke(cli, ["plan", "--detailed-exitcode"], env=env)
        assert planned.exit_code == 2, planned.output  # the new question is created
        assert "Question/used: carries the managed tag 'j1sync'" in planned.output
        assert "but Dashboard/Hand board still uses it; not deleted" in planned.output
        assert "but opencti.Workflow/Grouping still uses it; not deleted" in planned.output
        assert "Plan: 1 to create, 0 to update, 0 to delete, 44 unmanaged." in planned.output
