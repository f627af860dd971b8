"""A saved plan over xyOps or OpenCTI only, refused for its signature, names the key it
means: the API key of the plan's (first) target, with its system and variable. Before,
both said "signed with the API key" / "signed with another API key", which a reader of
an xyOps-only or OpenCTI-only repository could only take for JupiterOne's."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.opencti.emulator.app import running_opencti_emulator
from j1sync.providers.xyops.emulator import running_xyops_emulator

TAG = """\
apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: backups
spec:
  title: Backups
"""

LABEL = """\
apiVersion: opencti.j1sync/v1
kind: Label
metadata:
  name: phishing
spec:
  color: "#ff9800"
"""

XYOPS_KEY = "s18eXyOpsPlanKeyName0123456789"


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", **env})


def refusals(env: dict[str, str], key_variable: str, manifest: str) -> tuple[str, str]:
    """What apply --plan says of a saved plan signed with the API key: with
    J1SYNC_PLAN_KEY set, and with another API key."""
    Path("m").mkdir()
    Path("m/a.yaml").write_text(manifest, encoding="utf-8")
    saved = run(env, "plan", "m", "--out", "plan.json")
    assert saved.exit_code == 0, saved.output
    with_plan_key = run({**env, "J1SYNC_PLAN_KEY": "s18e-plan-key"}, "apply", "--plan", "plan.json")
    assert with_plan_key.exit_code == 1, with_plan_key.output
    other_key = run({**env, key_variable: "another-key"}, "apply", "--plan", "plan.json")
    assert other_key.exit_code == 1, other_key.output
    return with_plan_key.stderr, other_key.stderr


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("J1SYNC_PLAN_KEY", raising=False)


def test_an_xyops_plan_names_xyops_api_key() -> None:
    with running_xyops_emulator(api_key=XYOPS_KEY) as emu:
        env = {"XYOPS_URL": emu.url, "XYOPS_API_KEY": XYOPS_KEY}
        plan_key, other = refusals(env, "XYOPS_API_KEY", TAG)
    assert (
        "it was signed with the xyOps API key (XYOPS_API_KEY), but J1SYNC_PLAN_KEY is set here"
    ) in plan_key
    assert "or signed with another xyOps API key (XYOPS_API_KEY); run" in other


def test_an_opencti_plan_names_opencti_token() -> None:
    with running_opencti_emulator() as emu:
        env = {"OPENCTI_URL": emu.url, "OPENCTI_TOKEN": emu.token}
        plan_key, other = refusals(env, "OPENCTI_TOKEN", LABEL)
    assert (
        "it was signed with the OpenCTI API key (OPENCTI_TOKEN), but J1SYNC_PLAN_KEY is set here"
    ) in plan_key
    assert "or signed with another OpenCTI API key (OPENCTI_TOKEN); run" in other
