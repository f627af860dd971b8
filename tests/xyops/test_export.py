"""Export round-trip: what j1sync manages in xyOps, written as manifests (credentials as
${env:NAME}), plans nothing against the server it came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.engine.paths import get_path
from j1sync.export.secrets import with_placeholders
from j1sync.export.yaml_writer import render_manifest
from j1sync.providers.registry import manifest_kind
from j1sync.providers.xyops.export import SPEC_BUILDERS
from j1sync.providers.xyops.models import API_VERSION
from j1sync.reconcile import credential_paths
from tests.xyops.helpers import (
    HOOK_URL,
    TOKEN,
    TOKEN_VARIABLE,
    URL_VARIABLE,
    changes,
    examples_with_secret,
    target,
    write_manifests,
)

MORE = [
    """apiVersion: xyops.j1sync/v1
kind: Role
metadata:
  name: db_operators
spec:
  title: Database operators
  privileges: {run_jobs: true, edit_events: true}
  categories: [maintenance]
  groups: [db_servers]
  notes: |
    Runs and edits the database jobs.
    Second line.
""",
    """apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: restore_drill
spec:
  title: Restore drill
  category: maintenance
  type: workflow
  enabled: false
  workflow:
    nodes:
      - {id: n1, type: trigger, x: 10, y: 20}
      - id: n2
        type: event
        data: {event: nightly_db_backup, params: {}, targets: [], algo: "", tags: []}
        x: 200
        y: 20
    connections:
      - {id: c1, source: n1, dest: n2}
  triggers:
    - {type: manual}
    - {type: blackout, enabled: false, start: 1767225600, end: 1767312000}
""",
]


def test_export_then_plan_is_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_VARIABLE, TOKEN)
    monkeypatch.setenv(URL_VARIABLE, HOOK_URL)
    source = write_manifests(tmp_path / "source", MORE)
    examples_with_secret(source)
    with target() as t:
        result, again = t.converge(source)
        assert result.ok and changes(again) == []
        live = [obj for obj in t.provider.read_live() if obj.managed]
        assert len(live) == 10
        exported, variables = with_placeholders(live, credential_paths(t.provider))
        out = tmp_path / "exported"
        out.mkdir()
        for obj in exported:
            spec = SPEC_BUILDERS[obj.kind](obj, "j1sync")
            document = {
                "apiVersion": API_VERSION,
                "kind": manifest_kind(obj.kind),
                "metadata": {"name": obj.name},
                "spec": spec,
            }
            (out / f"{obj.name}.yaml").write_text(render_manifest(document))
        written = "".join(p.read_text() for p in out.glob("*.yaml"))
        assert TOKEN not in written and HOOK_URL not in written
        assert "managed-by" not in written  # the marker is j1sync's, not the manifest's
        by_address = {obj.address: obj for obj in live}
        for variable in variables:
            value = get_path(by_address[variable.address].state, variable.path)
            monkeypatch.setenv(variable.name, value)
        assert {v.address for v in variables} >= {"xyops.WebHook/ops_chat"}
        run = t.plan(out)
        assert changes(run.plan) == []
        assert len(run.plan.changes) == 10
