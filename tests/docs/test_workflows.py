"""The example workflows hand j1sync every setting docs/gitops.md tells a user to add, from
where the guide says to add it. The guide said JUPITERONE_REGION "can be set as a plain
variable", but no workflow read `vars.`: an account in the EU region, set up as the guide
says, was planned against the US endpoint."""

from __future__ import annotations

import os
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.examples import copy_jupiterone_examples
from tests.hostile.running import run_command
from tests.hostile.test_k4_action_inputs import _run_step as run_action_step

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("j1sync-*.yml"))
GUIDE = (ROOT / "docs" / "gitops.md").read_text(encoding="utf-8")
CONNECTING = {"plan", "apply", "drift", "export"}

# what the guide's "Secrets" section tells a user to add: the variable -> secrets or vars
SETTINGS = {
    "JUPITERONE_API_KEY": "secrets",
    "JUPITERONE_ACCOUNT_ID": "secrets",
    "JUPITERONE_REGION": "vars",
    "XYOPS_API_KEY": "secrets",
    "XYOPS_URL": "secrets",
    "OPENCTI_TOKEN": "secrets",
    "OPENCTI_URL": "secrets",
}


def load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def connecting_steps(workflow: Any) -> list[dict[str, Any]]:
    """The steps that run a j1sync command which connects to a target."""
    return [
        step
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if "j1sync" in str(step.get("uses", "")) or step.get("uses") == "./"
        if (step.get("with") or {}).get("command") in CONNECTING
    ]


def test_the_guide_says_where_each_setting_comes_from() -> None:
    section = GUIDE.split("## Secrets", 1)[1].split("\n## ", 1)[0]
    for name in SETTINGS:
        assert name in section, name
    assert "`${{ vars.JUPITERONE_REGION }}`" in section
    assert "read both from `secrets.`" in section


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_connecting_step_gets_every_setting_from_where_the_guide_says(path: Path) -> None:
    steps = connecting_steps(load(path.read_text(encoding="utf-8")))
    assert steps, path.name
    for step in steps:
        env = step.get("env") or {}
        for name, source in SETTINGS.items():
            assert env.get(name) == f"${{{{ {source}.{name} }}}}", (path.name, step["name"], name)


def test_the_guides_matrix_example_passes_the_jupiterone_settings() -> None:
    blocks = re.findall(r"^```yaml\n(.*?)^```", GUIDE, flags=re.S | re.M)
    matrix = next(load(textwrap.dedent(b)) for b in blocks if "matrix:" in b)
    steps = connecting_steps(matrix)
    assert steps
    for step in steps:
        for name, source in SETTINGS.items():
            if name.startswith("JUPITERONE_"):
                assert step["env"].get(name) == f"${{{{ {source}.{name} }}}}", name


def test_the_drift_issue_is_left_alone_against_the_emulator_as_the_guide_says() -> None:
    section = GUIDE.split("## Drift detection", 1)[1].split("\n## ", 1)[0]
    assert "no issue is\nopened, updated or closed" in section
    workflow = load((ROOT / ".github" / "workflows" / "j1sync-drift.yml").read_text("utf-8"))
    steps = workflow["jobs"]["drift"]["steps"]
    issue_steps = [s for s in steps if "drift-issue" in str((s.get("with") or {}).get("args"))]
    assert len(issue_steps) == 2
    for step in issue_steps:
        assert "steps.drift.outputs.emulator != 'true'" in step["if"], step["name"]
    summary = next(s for s in steps if "summary" in str((s.get("with") or {}).get("args")))
    assert "emulator" not in summary["if"]


def test_the_action_applies_a_saved_plan_as_the_guide_shows(tmp_path: Path) -> None:
    """docs/gitops.md "Applying exactly the reviewed plan" through the composite action:
    `command: apply`, `args: --plan plan.json --auto-approve`. The action passed its
    default `path` (.) beside --plan, which apply refuses ("give either PATHS or --plan"):
    the guide's workflow could not run. A path given with --plan is refused naming it."""
    copy_jupiterone_examples(tmp_path / "manifests")
    saved = run_command(
        [sys.executable, "-m", "j1sync", "plan", "manifests", "--emulator", "--out", "plan.json"],
        {**os.environ, "NO_COLOR": "1"},
        tmp_path,
    )
    assert saved.returncode == 0, saved.stdout + saved.stderr
    code, log, said = run_action_step(
        tmp_path, {}, command="apply", args="--plan plan.json --auto-approve", emulator="always"
    )
    assert (code, said.get("exit-code")) == (0, "0"), log
    assert "Apply complete: 5 created, 5 updated, 1 deleted, 0 failed." in log
    code, log, said = run_action_step(
        tmp_path, {}, command="apply", path="manifests", args="--plan=plan.json", emulator="always"
    )
    assert code == 1 and "exit-code" not in said, log
    assert "::error::input 'path' is not used with apply --plan" in log
    guide = " ".join(GUIDE.split())
    assert "args: --plan plan.json --auto-approve" in GUIDE
    assert "the action then passes no `path`" in guide


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_what_a_copy_must_change_is_what_the_guide_lists(path: Path) -> None:
    """The guide's list of what to change in a copy names everything in the workflow that
    holds this repository's manifest folder: the MANIFESTS variable and the paths filters
    (which repeat it, as GitHub cannot read a variable there)."""
    workflow = load(path.read_text(encoding="utf-8"))
    folder = workflow["env"]["MANIFESTS"]
    triggers = workflow.get("on") or workflow.get(True)
    events = [e for e in triggers.values() if isinstance(e, dict)]  # schedule: a list
    filters = [p for event in events for p in event.get("paths", [])]
    listed = " ".join(GUIDE.split("## Repository layout", 1)[0].split())
    assert "the `MANIFESTS` variable" in listed
    if any(p.startswith(folder) for p in filters):
        assert f"the `paths:` filters under `on:` (`{folder}/**`" in listed
    assert "every `uses: ./` line" in listed


def test_a_failed_plan_replaces_the_sticky_comment_with_a_note(tmp_path: Path) -> None:
    """A plan that failed printed nothing on stdout (its error goes to stderr), and the
    comment step posted that empty report: the PR's plan comment went blank. Now a note
    saying there is no plan for the commit, and where the error is, is posted instead, for
    every exit code but 0, 2 and 3 (those print a plan), and when validate failed."""
    workflow = load((ROOT / ".github" / "workflows" / "j1sync-plan.yml").read_text("utf-8"))
    steps = {step.get("name"): step for step in workflow["jobs"]["plan"]["steps"]}
    note, comment = steps["Note a failed plan"], steps["Sticky PR comment"]
    assert """!contains(fromJSON('["0", "2", "3"]'), steps.plan.outputs.exit-code)""" in note["if"]
    assert "steps.failed.outputs.report || steps.plan.outputs.report" in comment["with"]["args"]
    assert "steps.failed.outputs.report != ''" in comment["if"]
    outputs = tmp_path / "outputs"
    outputs.touch()
    env = {
        "PATH": os.environ["PATH"],
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(outputs),
        "EXIT_CODE": "1",
        "COMMIT": "0123456789abcdef0123",
        "RUN_URL": "https://github.com/acme/j1-config/actions/runs/42",
    }
    script = tmp_path / "note.sh"
    script.write_text(note["run"], encoding="utf-8")
    done = run_command(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], env, tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    written = outputs.read_text(encoding="utf-8")
    assert written == f"report={tmp_path / 'j1sync-plan-failed.md'}\n"
    body = (tmp_path / "j1sync-plan-failed.md").read_text(encoding="utf-8")
    assert body.startswith("**j1sync: no plan for 0123456789ab.**")
    assert "(exit code 1)" in body and "[job log](https://github.com/acme/" in body
    guide = " ".join(GUIDE.split())
    assert "the comment says there is no plan for that commit" in guide
    # the matrix sketch, which posts the report as it is, points at the step by its name
    assert "copy `j1sync-plan.yml`'s `Note a failed plan` step too" in guide
