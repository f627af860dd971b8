"""The repository's workflows, composite action and pre-commit hook keep their promises:
least privilege, pinned actions, secrets only through env:, exit codes decided by workflows.

actionlint and zizmor (tools/lint-workflows.sh) check these too; these tests pin down the
project's own rules so a change that breaks one fails with a sentence saying which.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
J1SYNC_WORKFLOWS = [p for p in WORKFLOWS if p.name.startswith("j1sync-")]
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")
# each system's connection: JupiterOne's key and account, xyOps's key and URL
ALLOWED_SECRETS = {
    "JUPITERONE_API_KEY",
    "JUPITERONE_ACCOUNT_ID",
    "XYOPS_API_KEY",
    "XYOPS_URL",
    "OPENCTI_TOKEN",
    "OPENCTI_URL",
}


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def steps_of(document: Any) -> list[dict[str, Any]]:
    if "runs" in document:
        return list(document["runs"]["steps"])
    return [step for job in document["jobs"].values() for step in job["steps"]]


def test_the_four_workflows_exist() -> None:
    names = {p.name for p in WORKFLOWS}
    assert {"ci.yml", "j1sync-plan.yml", "j1sync-apply.yml", "j1sync-drift.yml"} <= names


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_empty_at_the_top_and_granted_per_job(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {}
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {name} has no permissions:"
        assert set(job["permissions"].values()) <= {"read", "write"}
        assert job["permissions"].get("contents") == "read"


@pytest.mark.parametrize("path", [*WORKFLOWS, ROOT / "action.yml"], ids=lambda p: p.name)
def test_actions_are_local_or_pinned_to_a_commit_with_a_version_comment(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for step in steps_of(load(path)):
        uses = step.get("uses")
        if uses is None or uses == "./":
            continue
        assert PINNED.match(uses), f"{uses} is not pinned to a full commit SHA"
        assert re.search(re.escape(uses) + r" # v\d+\.\d+\.\d+", text), f"{uses}: no # vX.Y.Z"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_does_not_persist_credentials(path: Path) -> None:
    checkouts = [s for s in steps_of(load(path)) if "actions/checkout@" in s.get("uses", "")]
    assert checkouts
    assert all(s["with"]["persist-credentials"] is False for s in checkouts)


@pytest.mark.parametrize("path", [*WORKFLOWS, ROOT / "action.yml"], ids=lambda p: p.name)
def test_scripts_take_values_through_env_not_expressions(path: Path) -> None:
    for step in steps_of(load(path)):
        assert "${{" not in step.get("run", ""), f"expression inside run: of {step.get('name')}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_only_the_systems_secrets_are_used_and_only_in_env(path: Path) -> None:
    # a comment's example (`#   HOOK_URL: ${{ secrets.HOOK_URL }}`) uses no secret
    lines = path.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    assert set(re.findall(r"secrets\.(\w+)", text)) <= ALLOWED_SECRETS
    for line in text.splitlines():
        if "secrets." in line:
            assert re.match(rf"\s+({'|'.join(ALLOWED_SECRETS)}): \$\{{\{{", line), line


@pytest.mark.parametrize("path", J1SYNC_WORKFLOWS, ids=lambda p: p.name)
def test_the_manifests_variables_are_given_to_the_whole_job(path: Path) -> None:
    """A `${env:NAME}` given to the plan step only failed Validate, which checks that each
    is set: each workflow says, above its job's steps, to give them in the job's env:."""
    text = path.read_text(encoding="utf-8")
    [job] = load(path)["jobs"]
    head = text[text.index(f"\n  {job}:\n") : text.index("\n    steps:\n")]
    comment = " ".join(
        line.strip().lstrip("# ") for line in head.splitlines() if line.strip().startswith("#")
    )
    assert "${env:NAME}" in comment and "job-level env:" in comment, comment
    assert "set and not empty" in comment, comment
    assert re.search(r"^    # env:\n    #   [A-Z_]+: \$\{\{ secrets\.[A-Z_]+ \}\}$", head, re.M)


@pytest.mark.parametrize("path", J1SYNC_WORKFLOWS, ids=lambda p: p.name)
def test_j1sync_runs_only_through_the_composite_action(path: Path) -> None:
    steps = steps_of(load(path))
    invocation = re.compile(r"(^|[;&|(]\s*)j1sync\s", re.MULTILINE)
    assert not any(invocation.search(step.get("run", "")) for step in steps)
    commands = [s["with"]["command"] for s in steps if s.get("uses") == "./"]
    assert commands


def test_plan_runs_on_manifest_changes_and_tolerates_exit_2() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "j1sync-plan.yml")
    assert workflow["env"]["MANIFESTS"] == "examples/manifests"
    assert {"examples/manifests/**", "j1sync.yaml"} <= set(workflow["on"]["pull_request"]["paths"])
    steps = steps_of(workflow)
    plan = next(s for s in steps if s.get("id") == "plan")
    assert "--detailed-exitcode" in plan["with"]["args"]
    assert plan["with"]["emulator"] == "auto"
    outcome = steps[-1]["run"]
    assert "2)" in outcome and "exit 3" in outcome and "exit 1" in outcome


def test_apply_never_overlaps_or_cancels_a_running_apply() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "j1sync-apply.yml")
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert workflow["on"]["push"]["branches"] == ["main"]
    apply = next(s for s in steps_of(workflow) if s.get("id") == "apply")
    assert apply["with"]["args"] == "--auto-approve"


def test_drift_maps_exit_codes_to_the_issue() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "j1sync-drift.yml")
    assert "schedule" in workflow["on"] and "workflow_dispatch" in workflow["on"]
    assert workflow["jobs"]["drift"]["permissions"] == {"contents": "read", "issues": "write"}
    by_condition = {s.get("if"): s for s in steps_of(workflow)}
    real = "steps.drift.outputs.emulator != 'true'"  # a demo account never opens issues
    drift = by_condition[f"${{{{ steps.drift.outputs.exit-code == '2' && {real} }}}}"]
    in_sync = by_condition[f"${{{{ steps.drift.outputs.exit-code == '0' && {real} }}}}"]
    assert "--status drift" in drift["with"]["args"]
    assert "--status in-sync" in in_sync["with"]["args"]


def test_action_declares_its_contract() -> None:
    action = load(ROOT / "action.yml")
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"command", "path", "args", "python-version", "version"}
    assert action["inputs"]["path"]["default"] == "."
    assert action["inputs"]["python-version"]["default"] == "3.12"
    assert set(action["outputs"]) >= {"exit-code", "report"}
    run = steps_of(action)[-1]
    assert all(value.startswith("${{ inputs.") for value in run["env"].values())


def test_pre_commit_hook_validates_the_whole_set() -> None:
    [hook] = load(ROOT / ".pre-commit-hooks.yaml")
    assert hook["id"] == "j1sync-validate"
    assert hook["entry"] == "j1sync validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "manifests/rules.yaml")
    assert not re.search(hook["files"], "README.md")


def test_apply_against_the_emulators_does_not_end_as_applied_to_an_account(
    tmp_path: Path,
) -> None:
    """`emulator: auto` with no secret set (or a misnamed one) applied to demo data and the
    job ended "Applied." as for the account."""
    steps = steps_of(load(ROOT / ".github" / "workflows" / "j1sync-apply.yml"))
    [outcome] = [s for s in steps if s.get("name") == "Outcome"]
    script = tmp_path / "outcome.sh"
    script.write_text(outcome["run"], encoding="utf-8")

    def said(emulator: str) -> str:
        env = {"PATH": "/usr/bin:/bin", "EXIT_CODE": "0", "EMULATOR": emulator}
        done = subprocess.run(
            ["bash", "-eo", "pipefail", str(script)], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert said("false") == "Applied.\n"
    assert "demo data" in said("true") and "no account was changed" in said("true")
