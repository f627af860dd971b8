"""j1sync.yaml's `prune` does what docs/manifests.md says: it enables deleting the kinds
whose objects carry no ownership marker (policy "opt-in"), and takes nothing else. A key
for a kind pruned by its marker (`AlertRule: false`, `xyops: {prune: {Event: true}}`) or
never deleted (`IntegrationSchedule: true`) was read and ignored: the tagged rule was
deleted all the same. It is now an error at its line, before any request."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone import JupiterOneClient, JupiterOneProvider
from j1sync.providers.jupiterone.settings import Settings
from j1sync.providers.opencti.client import OpenCtiClient
from j1sync.providers.opencti.provider import OpenCtiProvider
from j1sync.providers.opencti.settings import OpenCtiSettings
from j1sync.providers.registry import system_named
from j1sync.providers.xyops.client import XyopsClient
from j1sync.providers.xyops.provider import XyopsProvider
from j1sync.providers.xyops.settings import XyopsSettings
from tests.docs.test_documented_commands import j1sync

ROOT = Path(__file__).resolve().parents[2]
NOWHERE = "http://127.0.0.1:9"  # never connected to: the providers are only built


def providers() -> dict[str, Any]:
    return {
        "jupiterone": JupiterOneProvider(
            JupiterOneClient(Settings(api_key="k", account="a", api_url=NOWHERE))
        ),
        "xyops": XyopsProvider(XyopsClient(XyopsSettings(url=NOWHERE, api_key="k"))),
        "opencti": OpenCtiProvider(OpenCtiClient(OpenCtiSettings(url=NOWHERE, token="k"))),
    }


@pytest.mark.parametrize("name", ["jupiterone", "xyops", "opencti"])
def test_the_policies_prune_reads_are_those_of_the_kinds(name: str) -> None:
    system = system_named(name)
    assert system is not None
    kinds = {system.engine_kind(k): p for k, p in system.extras["prune_policies"].items()}
    assert kinds == {kind.kind: kind.prune for kind in providers()[name].kinds}


@pytest.mark.parametrize(
    ("settings", "where", "says"),
    [
        (
            "prune:\n  AlertRule: false\n",
            "j1sync.yaml:3:14: j1sync.yaml: prune.AlertRule: ",
            "JupiterOne AlertRule objects are deleted when they carry the managed tag",
        ),
        (
            "prune:\n  IntegrationSchedule: true\n",
            "j1sync.yaml:3:24: j1sync.yaml: prune.IntegrationSchedule: ",
            "JupiterOne IntegrationSchedule objects are never deleted",
        ),
        (
            "xyops:\n  prune:\n    Event: true\n",
            "j1sync.yaml:4:12: j1sync.yaml: xyops.prune.Event: ",
            "(the kinds prune takes: none)",
        ),
        (
            "opencti:\n  prune:\n    Workflow: true\n",
            "j1sync.yaml:4:15: j1sync.yaml: opencti.prune.Workflow: ",
            "(the kinds prune takes: MarkingDefinition, Label, KillChainPhase, StatusTemplate)",
        ),
    ],
)
def test_a_prune_key_for_a_kind_prune_does_not_govern_is_an_error_at_its_line(
    settings: str, where: str, says: str, tmp_path: Path
) -> None:
    shutil.copytree(ROOT / "examples" / "manifests", tmp_path / "manifests")
    (tmp_path / "j1sync.yaml").write_text("paths: [manifests]\n" + settings, encoding="utf-8")
    for command in (
        ["validate"],
        ["plan", "--emulator"],
        ["apply", "--emulator", "--auto-approve"],
    ):
        result = j1sync(command, tmp_path)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert where in result.stderr and says in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    # stopped before any request: no emulator was started, nothing was applied
    assert not (tmp_path / ".j1sync").exists()


def test_the_kinds_prune_takes_still_take_it(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples" / "manifests", tmp_path / "manifests")
    (tmp_path / "j1sync.yaml").write_text(
        "paths: [manifests]\nprune:\n  IamGroup: true\n  Dashboard: false\n"
        "opencti:\n  prune:\n    Label: false\n",
        encoding="utf-8",
    )
    result = j1sync(["validate"], tmp_path)
    assert result.returncode == 0, result.stderr


def test_an_unknown_prune_key_lists_only_the_kinds_prune_takes(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples" / "manifests" / "questions", tmp_path / "questions")
    (tmp_path / "j1sync.yaml").write_text("prune:\n  Rules: true\n", encoding="utf-8")
    result = j1sync(["validate"], tmp_path)
    assert result.returncode == 1
    assert (
        "j1sync.yaml:2:3: j1sync.yaml: prune.Rules: unknown field 'Rules'; "
        "allowed: Dashboard, IamGroup, Parameter, ResourceGroup\n"
    ) in result.stderr


def test_a_slip_of_a_kind_prune_does_not_take_says_so(tmp_path: Path) -> None:
    """`Events` was 'did you mean Event?', a key prune now refuses; and a system with no
    kind prune takes had an empty 'allowed:' list."""
    shutil.copytree(ROOT / "examples" / "manifests" / "questions", tmp_path / "questions")
    project = tmp_path / "j1sync.yaml"
    project.write_text("xyops:\n  prune:\n    Events: true\n    Nope: true\n", "utf-8")
    result = j1sync(["validate"], tmp_path)
    assert result.returncode == 1
    assert (
        "xyops.prune.Events: unknown field 'Events'; did you mean 'Event'? Event takes no "
        "prune setting: xyOps Event objects are deleted when they carry the marker line "
        "'managed-by: <managedTag>' as the last line of the notes"
    ) in result.stderr
    project.write_text("xyops:\n  prune:\n    Nope: true\n", "utf-8")
    result = j1sync(["validate"], tmp_path)
    assert "xyops.prune.Nope: unknown field 'Nope': prune takes no xyOps kind" in result.stderr
    assert "allowed: \n" not in result.stderr
