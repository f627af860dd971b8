"""xyOps manifests through the real loader: ids, required fields, jobs and workflows,
privileges; every problem names the file, line, document and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.errors import ManifestError, ManifestProblem
from j1sync.manifest.loader import load_manifests
from j1sync.providers.xyops.models import DOCUMENT_MODELS, SPEC_MODELS
from j1sync.providers.xyops.values import KINDS


def problems(tmp_path: Path, text: str) -> list[ManifestProblem]:
    path = tmp_path / "m.yaml"
    path.write_text(text)
    with pytest.raises(ManifestError) as caught:
        load_manifests([str(path)], env={})
    return caught.value.problems


def doc(kind: str, name: str, spec: str) -> str:
    return f"apiVersion: xyops.j1sync/v1\nkind: {kind}\nmetadata:\n  name: {name}\nspec:\n{spec}"


JOB = "  title: Job\n  category: general\n  plugin: shellplug\n  targets: [main]\n"


def test_an_id_outside_the_pattern_is_a_located_error(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, doc("Tag", "Nightly-Backups", "  title: x\n"))
    assert problem.location is not None
    assert problem.location.file.endswith("m.yaml")
    assert problem.location.line == 4
    assert problem.field == "metadata.name"
    assert "is not an xyOps id" in problem.message
    assert "^[a-z0-9_]+$" in problem.message


def test_a_job_needs_a_plugin_and_targets_a_workflow_needs_its_workflow(tmp_path: Path) -> None:
    [no_plugin] = problems(tmp_path, doc("Event", "a", JOB.replace("  plugin: shellplug\n", "")))
    # a missing field is reported at the spec that lacks it, on the spec's line
    assert no_plugin.field == "spec"
    assert no_plugin.location is not None and no_plugin.location.line == 5
    assert "needs a `plugin`" in no_plugin.message
    [no_targets] = problems(tmp_path, doc("Event", "a", JOB.replace("  targets: [main]\n", "")))
    assert "needs `targets`" in no_targets.message
    flow = "  title: Flow\n  category: general\n  type: workflow\n"
    [no_workflow] = problems(tmp_path, doc("Event", "a", flow))
    assert "needs a `workflow` object" in no_workflow.message
    [plugged] = problems(
        tmp_path,
        doc("Event", "a", flow + "  plugin: shellplug\n  workflow: {nodes: [], connections: []}\n"),
    )
    assert plugged.field == "spec.plugin"
    assert plugged.location is not None and plugged.location.line == 9
    path = tmp_path / "ok.yaml"
    path.write_text(doc("Event", "flow", flow + "  workflow: {nodes: [], connections: []}\n"))
    [manifest] = load_manifests([str(path)], env={}).manifests
    assert manifest.kind == "xyops.Event"
    assert manifest.spec.model_dump()["plugin"] == ""


def test_a_privilege_is_granted_with_true_only(tmp_path: Path) -> None:
    spec = "  title: Ops\n  privileges:\n    run_jobs: true\n    edit_events: false\n"
    [problem] = problems(tmp_path, doc("Role", "ops", spec))
    assert problem.field == "spec.privileges.edit_events"
    assert "granted with true" in problem.message


def test_unknown_keys_wrong_types_and_unknown_values_are_refused(tmp_path: Path) -> None:
    [unknown] = problems(tmp_path, doc("Tag", "t", "  title: x\n  colour: red\n"))
    assert unknown.field == "spec.colour"
    [color] = problems(tmp_path, doc("Category", "c", "  title: x\n  color: chartreuse\n"))
    assert color.field == "spec.color"
    [typed] = problems(
        tmp_path, doc("WebHook", "w", "  title: x\n  url: https://h\n  timeout: '9'\n")
    )
    assert typed.field == "spec.timeout"
    [action] = problems(
        tmp_path,
        doc(
            "Alert",
            "a",
            "  title: x\n  expression: e\n  message: m\n  actions:\n    - type: email\n",
        ),
    )
    assert action.field == "spec.actions[0].condition"


def test_action_limit_and_trigger_fields_beyond_the_common_ones_are_kept(tmp_path: Path) -> None:
    spec = JOB + (
        "  limits:\n    - {type: time, duration: 60, abort: true}\n"
        "  triggers:\n    - {type: schedule, hours: [4], minutes: [30], timezone: UTC}\n"
        "  actions:\n    - {condition: error, type: email, email: ops@example.com, users: []}\n"
    )
    path = tmp_path / "e.yaml"
    path.write_text(doc("Event", "e", spec))
    [manifest] = load_manifests([str(path)], env={}).manifests
    data = manifest.spec_data()
    assert data["limits"] == [{"enabled": True, "type": "time", "duration": 60, "abort": True}]
    assert data["triggers"][0]["timezone"] == "UTC"
    assert data["actions"][0]["email"] == "ops@example.com"


def test_every_kind_has_a_document_model_and_they_are_in_dependency_order() -> None:
    assert KINDS == (
        "Tag",
        "Category",
        "ServerGroup",
        "WebHook",
        "Channel",
        "Role",
        "Monitor",
        "Alert",
        "Event",
    )
    assert tuple(DOCUMENT_MODELS) == tuple(SPEC_MODELS) == KINDS
    for kind, model in DOCUMENT_MODELS.items():
        schema = model.model_json_schema()
        assert schema["properties"]["kind"]["const"] == kind
