"""A Monitor's `delta_min_value` is "set to false for disabled, or any valid number"
(data-structures-v1.0.88.md, Monitor.delta_min_value); a manifest's `true` passed
validation, and apply wrote it to xyOps. Now `validate`, `plan` and `apply` stop at its
line before any request, and the JSON Schema editors read (`j1sync schema`, its committed
file) refuses it too; `false`, 0 and other numbers are taken as before."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from tests.xyops.helpers import REPO, CliServer

KEY = "s27DeltaMinValueKey0123"
SCHEMA_FILE = REPO / "schema" / "xyops-manifest.schema.json"


def monitor(value: str) -> str:
    return (
        "apiVersion: xyops.j1sync/v1\nkind: Monitor\nmetadata:\n  name: disk_delta\nspec:\n"
        f"  title: Disk delta\n  source: mounts.root.used\n  delta: true\n"
        f"  delta_min_value: {value}\n"
    )


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliServer]:
    monkeypatch.chdir(tmp_path)
    with CliServer.serving(tmp_path, KEY) as served:
        yield served


def test_true_is_refused_at_its_line_before_any_request(server: CliServer) -> None:
    (server.root / "monitor.yaml").write_text(monitor("true"))
    said = "spec.delta_min_value: xyOps takes false (no minimum) or a number here, not true"
    validated = CliRunner().invoke(cli, ["validate", "monitor.yaml"])
    assert validated.exit_code == 1, validated.output
    assert f"monitor.yaml:9:20: xyops.Monitor/disk_delta: {said}" in validated.output
    before = server.emu.snapshot()
    for command in (["plan", "monitor.yaml"], ["apply", "monitor.yaml", "--auto-approve"]):
        result = server.run(*command)
        assert result.exit_code == 1, result.output
        assert said in result.output
    assert server.emu.snapshot() == before
    assert "disk_delta" not in {m["id"] for m in server.emu.snapshot()["monitors"]}


@pytest.mark.parametrize(("value", "kept"), [("false", False), ("0", 0), ("2.5", 2.5)])
def test_false_or_a_number_is_applied_and_kept(server: CliServer, value: str, kept: Any) -> None:
    (server.root / "monitor.yaml").write_text(monitor(value))
    applied = server.run("apply", "monitor.yaml", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    [held] = [m for m in server.emu.snapshot()["monitors"] if m["id"] == "disk_delta"]
    assert held["delta_min_value"] == kept and type(held["delta_min_value"]) is type(kept)
    again = server.run("plan", "monitor.yaml", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_the_schema_editors_read_refuses_true_only() -> None:
    printed = CliRunner().invoke(cli, ["schema", "--system", "xyops", "--kind", "Monitor"])
    assert printed.exit_code == 0, printed.output
    committed = json.loads(SCHEMA_FILE.read_text())
    for schema in (json.loads(printed.output), committed):
        for value, valid in ((True, False), (False, True), (0, True), (1, True), (2.5, True)):
            document = {
                "apiVersion": "xyops.j1sync/v1",
                "kind": "Monitor",
                "metadata": {"name": "disk_delta"},
                "spec": {"title": "Disk delta", "source": "x", "delta_min_value": value},
            }
            errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
            assert (not errors) is valid, (value, errors)
