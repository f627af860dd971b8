"""The README's quickstart and the GitOps guide's commands work as written, against the
embedded emulator (`--emulator` is what a reader without an account adds)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here

ROOT = Path(__file__).resolve().parents[2]
EMULATED = {"plan", "apply", "drift", "export"}


def j1sync(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`j1sync ARGS` in `cwd` without the developer's JupiterOne settings: the command
    line as documented, run in this process (the real process is tested elsewhere)."""
    return j1sync_here(args, {}, cwd)


def bash_blocks(markdown: str) -> list[list[str]]:
    """The j1sync command lines of each ```bash block (comments kept for expectations)."""
    blocks = re.findall(r"```bash\n(.*?)```", markdown, flags=re.S)
    return [
        [line.strip() for line in block.splitlines() if line.strip().startswith("j1sync ")]
        for block in blocks
    ]


def run_documented(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command, _, comment = line.partition("#")
    args = shlex.split(command)[1:]
    if args[0] in EMULATED:
        args.append("--emulator")
    result = j1sync(args, cwd)
    expected = re.search(r"exit (\d)", comment)
    allowed = {int(expected.group(1))} if expected else {0}
    assert result.returncode in allowed, f"{line}\n{result.stdout}\n{result.stderr}"
    return result


def test_readme_quickstart_is_two_commands_and_the_first_plans_creates_updates_deletes(
    tmp_path: Path,
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1]
    first_block = re.search(r"```bash\n(.*?)```", quickstart, flags=re.S)
    assert first_block is not None
    commands = first_block.group(1).strip().splitlines()
    assert commands == [
        "pip install -e . && j1sync plan examples/manifests --emulator",
        "pip install -e '.[test]' && pytest",
    ]
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    plan = j1sync(["plan", "examples/manifests", "--emulator"], tmp_path)
    assert plan.returncode == 0, plan.stderr
    for sign in ("\n  + ", "\n  ~ ", "\n  - "):
        assert sign in plan.stdout
    assert "unmanaged" in plan.stdout.lower()
    assert (tmp_path / ".j1sync" / "emulator.db").is_file()
    # every system's examples, a section each: JupiterOne's demo account, xyOps, OpenCTI
    titles = ("JupiterOne:", "xyOps:", "OpenCTI:")
    sections = [line for line in plan.stdout.splitlines() if line.startswith(titles)]
    assert [line.split(":")[0] for line in sections] == ["JupiterOne", "xyOps", "OpenCTI"], (
        plan.stdout
    )
    assert "+ xyops.Event/nightly_db_backup" in plan.stdout
    assert "Plan: 7 to create, 0 to update, 0 to delete" in plan.stdout
    # OpenCTI's: the new objects created, the Report workflow and the settings updated
    assert "+ opencti.Group/Intelligence team" in plan.stdout
    assert "~ opencti.Workflow/Report" in plan.stdout
    assert "~ opencti.Settings/platform" in plan.stdout
    assert "+ opencti.StatusTemplate/PEER_REVIEW" in plan.stdout
    # as the README says: the Report workflow and the settings updated, not created
    assert "the Report workflow and the platform settings updated" in " ".join(quickstart.split())
    assert "Plan: 14 to create, 2 to update, 0 to delete" in plan.stdout

    apply = j1sync(["apply", "examples/manifests", "--emulator", "--auto-approve"], tmp_path)
    assert apply.returncode == 0, apply.stdout + apply.stderr
    again = j1sync(["plan", "examples/manifests", "--emulator", "--detailed-exitcode"], tmp_path)
    assert again.returncode == 0, again.stdout
    assert j1sync(["emulator", "reset"], tmp_path).returncode == 0
    fresh = j1sync(["plan", "examples/manifests", "--emulator", "--detailed-exitcode"], tmp_path)
    assert fresh.returncode == 2


def test_the_guides_adoption_steps_work_as_written(tmp_path: Path) -> None:
    guide = (ROOT / "docs" / "gitops.md").read_text(encoding="utf-8")
    adoption = next(b for b in bash_blocks(guide) if any("export --out" in x for x in b))
    assert len(adoption) >= 4
    for line in adoption:
        run_documented(line, tmp_path)
    assert sorted(p.name for p in (tmp_path / "manifests").iterdir()) == [
        "alert-rules",
        "iam-groups",
        "integration-schedules",
        "questions",
    ]


def test_the_guides_saved_plan_steps_work_as_written(tmp_path: Path) -> None:
    guide = (ROOT / "docs" / "gitops.md").read_text(encoding="utf-8")
    saved = next(b for b in bash_blocks(guide) if any("--plan plan.json" in x for x in b))
    shutil.copytree(ROOT / "examples" / "manifests", tmp_path / "manifests")
    for line in saved:
        run_documented(line, tmp_path)
    assert (tmp_path / "plan.json").is_file()
    after = j1sync(["plan", "manifests/", "--emulator", "--detailed-exitcode"], tmp_path)
    assert after.returncode == 0, after.stdout


@pytest.mark.parametrize("page", ["README.md", "docs/gitops.md", "docs/manifests.md"])
def test_every_documented_subcommand_exists(page: str) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    code = re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)
    code += re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    used = {m for snippet in code for m in re.findall(r"(?m)(?:^|\s|\()j1sync ([a-z]+)\b", snippet)}
    assert "validate" in used, used
    help_text = j1sync(["--help"], ROOT).stdout
    for name in used:
        assert re.search(rf"(?m)^\s+{name}\b", help_text), f"{page} mentions `j1sync {name}`"


RULE_WITH_A_WRONG_QUERY = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: rule
spec:
  description: x
  pollingInterval: ONE_DAY
  question:
    queries:
      - name: query0
        query: Find Host
  operations:
    - when:
        condition: [AND, [queries.query1.total, ">", 0]]
      actions:
        - type: CREATE_ALERT
"""
GROUP_WITH_A_MISSPELT_PERMISSION = """\
apiVersion: j1sync/v1
kind: IamGroup
metadata:
  name: sec
spec:
  description: Security
  queryPolicy: []
  members: []
  abacPermissions:
    - fullReadAccess
    - readQuestion
"""


def test_validate_prints_what_the_manifest_reference_shows(tmp_path: Path) -> None:
    """docs/manifests.md "Checking manifests": the error block is validate's whole stderr
    for the two problems it shows, stdout is empty and the exit code 1."""
    reference = (ROOT / "docs" / "manifests.md").read_text(encoding="utf-8")
    section = reference.split("## Checking manifests", 1)[1].split("\n## ", 1)[0]
    shown = re.findall(r"^```\n(.*?)^```", section, flags=re.S | re.M)[1]
    (tmp_path / "alert-rules").mkdir()
    (tmp_path / "alert-rules" / "rule.yaml").write_text(RULE_WITH_A_WRONG_QUERY, "utf-8")
    (tmp_path / "iam-groups").mkdir()
    (tmp_path / "iam-groups" / "sec.yaml").write_text(GROUP_WITH_A_MISSPELT_PERMISSION, "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    result = subprocess.run(
        [sys.executable, "-m", "j1sync", "validate"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == shown


def _readme_plan_fields() -> dict[str, set[str]]:
    """The README's list of a JSON plan's fields: top level, per change, per section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("JSON for machines and for `apply --plan`:", 1)[1].split("```")[1]
    fields: dict[str, set[str]] = {"": set(), "changes": set(), "sections": set()}
    where = ""
    for line in block.splitlines():
        line = re.sub(r"\([^()]*\)|\{[^{}]*\}|`[^`]*`", "", line)
        if not line.startswith(" "):
            where = ""
        list_name = re.match(r"(\w+)\[\]:", line)
        if list_name:
            fields[""].add(list_name.group(1))
            where, line = list_name.group(1), line.split(":", 1)[1]
        fields[where] |= {w.removesuffix("[]") for w in re.findall(r"[\w\[\]]+", line)}
    return fields


def test_the_readme_lists_every_field_of_a_json_plan(tmp_path: Path) -> None:
    """`--format json` and `plan --out` write the fields the README lists and no others,
    over one target (JupiterOne's examples alone) and several (all of them)."""
    listed = _readme_plan_fields()
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    jupiterone_only = tmp_path / "one"
    for part in ("questions", "alert-rules", "resource-groups", "parameters", "iam-groups"):
        shutil.copytree(tmp_path / "examples" / "manifests" / part, jupiterone_only / part)
    found: dict[str, set[str]] = {"": set(), "changes": set(), "sections": set()}
    for manifests in ("one", "examples/manifests"):
        printed = j1sync(["plan", manifests, "--emulator", "--format", "json"], tmp_path)
        assert printed.returncode == 0, printed.stderr
        saved = j1sync(["plan", manifests, "--emulator", "--out", "plan.json"], tmp_path)
        assert saved.returncode == 0, saved.stderr
        for plan in (json.loads(printed.stdout), json.loads((tmp_path / "plan.json").read_text())):
            found[""] |= set(plan)
            found["changes"] |= {key for change in plan["changes"] for key in change}
            found["sections"] |= {key for section in plan.get("sections", []) for key in section}
    assert found == listed


def test_the_guides_exit_codes_of_a_blocked_plan(tmp_path: Path) -> None:
    """docs/gitops.md "Exit codes in a workflow": a plan a safety limit blocks exits 3 with
    or without --detailed-exitcode; drift exits 2 (its column has no 3)."""
    guide = " ".join((ROOT / "docs" / "gitops.md").read_text(encoding="utf-8").split())
    assert "(still 1 on an error, and 3 when a safety limit blocks the plan)" in guide
    assert "`drift` never exits 3" in guide
    # one question alone is the whole project: the demo account's managed rules and
    # questions would all be deleted, which the safety limit blocks
    shutil.copytree(ROOT / "examples" / "manifests" / "questions", tmp_path / "only")
    plan = j1sync(["plan", "only", "--emulator"], tmp_path)
    assert plan.returncode == 3, plan.stdout + plan.stderr
    assert "every managed object would be deleted" in plan.stdout
    assert j1sync(["plan", "only", "--emulator", "--detailed-exitcode"], tmp_path).returncode == 3
    drift = j1sync(["drift", "only", "--emulator"], tmp_path)
    assert drift.returncode == 2, drift.stdout + drift.stderr
    assert "every managed object would be deleted" in drift.stdout


def test_a_plan_saved_among_the_manifests_is_warned_about_as_the_guide_says(
    tmp_path: Path,
) -> None:
    guide = " ".join((ROOT / "docs" / "gitops.md").read_text(encoding="utf-8").split())
    assert "save plans outside the manifest folders" in guide
    shutil.copytree(ROOT / "examples" / "manifests" / "questions", tmp_path / "manifests")
    saved = j1sync(["plan", "manifests", "--emulator", "--out", "manifests/plan.json"], tmp_path)
    assert saved.returncode == 3, saved.stderr  # the demo's managed rules: blocked
    assert (tmp_path / "manifests" / "plan.json").is_file()
    later = j1sync(["validate", "manifests"], tmp_path)
    assert later.returncode == 0
    assert "manifests/plan.json: skipped: the name looks like a manifest's" in later.stderr


def test_the_guides_export_of_some_kinds_says_which_other_kinds_they_need(
    tmp_path: Path,
) -> None:
    """docs/gitops.md's adoption, "only some kinds", on an account whose rules belong to a
    resource group and use saved questions: export names each kind left out that the
    manifests need (it named Question only: with AlertRule and Question exported, validate
    then failed on the rule's resourceGroup, with no word of --kind ResourceGroup), and
    with those added the manifests validate."""
    guide = (ROOT / "docs" / "gitops.md").read_text(encoding="utf-8")
    assert "a rule's ResourceGroup, is a warning: add it" in guide
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    applied = j1sync(["apply", "examples/manifests", "--emulator", "--auto-approve"], tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    rules = j1sync(["export", "--kind", "AlertRule", "--out", "rules", "--emulator"], tmp_path)
    assert rules.returncode == 0, rules.stderr
    for kind in ("Question", "ResourceGroup"):
        assert f"not exported; add --kind {kind} so that the manifests validate" in rules.stderr
    some = ["export", "--kind", "AlertRule", "--kind", "Question", "--out", "some", "--emulator"]
    exported = j1sync(some, tmp_path)
    assert "add --kind ResourceGroup" in exported.stderr
    assert "add --kind Question" not in exported.stderr
    enough = [*some[:5], "--kind", "ResourceGroup", "--out", "enough", "--emulator"]
    complete = j1sync(enough, tmp_path)
    assert complete.returncode == 0 and "add --kind" not in complete.stderr, complete.stderr
    validated = j1sync(["validate", "enough"], tmp_path)
    assert validated.returncode == 0, validated.stderr
