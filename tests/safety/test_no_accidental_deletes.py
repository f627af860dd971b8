"""No accidental deletes, end to end (CLI -> engine -> HTTP -> emulator): paths with no
manifest are an error unless --allow-empty; a run over part of the project never deletes
and says why; deleting every managed object of a kind is blocked at any size."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.examples import jupiterone_examples

ROOT = Path(__file__).resolve().parents[2]
# the JupiterOne demo's examples (a JupiterOne emulator serves these tests)
EXAMPLES = jupiterone_examples()
API_KEY = "no-deletes-Key-3b9e1f"

# managed in the demo account and declared by no example: only a complete run deletes it
ORPHAN = "AlertRule/legacy-open-ports"

RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: {name}
spec:
  question:
    queries:
      - name: query0
        query: Find Host
"""

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: only-question
spec:
  title: Hosts
  queries:
    - name: query0
      query: Find Host
"""


class Account:
    def __init__(self, emu: Any) -> None:
        self.emu = emu

    def run(self, *args: str) -> Result:
        env = {
            "JUPITERONE_API_KEY": self.emu.api_key,
            "JUPITERONE_ACCOUNT_ID": self.emu.account,
            "JUPITERONE_API_URL": self.emu.url,
            "NO_COLOR": "1",
        }
        return CliRunner().invoke(cli, list(args), env=env)

    def objects(self) -> dict[str, Any]:
        """The account's rules, questions, groups and integrations (not its parameters,
        where apply keeps its lock)."""
        snapshot: dict[str, Any] = self.emu.snapshot()
        return {k: v for k, v in snapshot.items() if k != "parameters"}

    def rules(self) -> list[str]:
        return sorted(r["name"] for r in self.emu.snapshot().get("rules", []))

    def plan(self, *args: str) -> dict[str, Any]:
        result = self.run("plan", *args, "--format", "json")
        assert result.exit_code in (0, 3), result.output
        plan: dict[str, Any] = json.loads(result.stdout)
        return plan


@pytest.fixture
def demo() -> Iterator[Account]:
    with running_emulator(db=":memory:", seed="demo", api_key=API_KEY) as emu:
        yield Account(emu)


@pytest.fixture
def empty() -> Iterator[Account]:
    with running_emulator(db=":memory:", seed="none", api_key=API_KEY) as emu:
        yield Account(emu)


def project_copy(tmp_path: Path, project_file: str | None = None) -> Path:
    """The examples as a project at tmp_path/manifests, optionally with a j1sync.yaml."""
    manifests = tmp_path / "manifests"
    shutil.copytree(EXAMPLES, manifests)
    if project_file is not None:
        (tmp_path / "j1sync.yaml").write_text(project_file, encoding="utf-8")
    return manifests


# -- paths that yield no manifests -----------------------------------------------------


def _no_manifests(tmp_path: Path, case: str) -> Path:
    folder = tmp_path / case
    folder.mkdir()
    if case == "non-manifest-files":
        (folder / "README.md").write_text("# manifests go here\n", encoding="utf-8")
        (folder / "rule.YAML").write_text(RULE.format(name="shouted"), encoding="utf-8")
        (folder / "rule.yml.bak").write_text(RULE.format(name="backup"), encoding="utf-8")
        (folder / "rules.json").write_text("{}", encoding="utf-8")
    if case == "only-empty-yaml":
        (folder / "empty.yaml").write_text("# nothing yet\n", encoding="utf-8")
    return folder


COMMANDS = [["plan"], ["apply", "--auto-approve"], ["drift"]]


@pytest.mark.parametrize("case", ["empty-folder", "non-manifest-files", "only-empty-yaml"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_paths_without_manifests_are_an_error_and_nothing_changes(
    demo: Account, tmp_path: Path, case: str, command: list[str]
) -> None:
    folder = _no_manifests(tmp_path, case)
    before = demo.objects()
    result = demo.run(command[0], str(folder), *command[1:])
    assert result.exit_code == 1, result.output
    assert f"no manifests found in {folder}" in result.stderr
    assert "--allow-empty" in result.stderr
    # what it means for every command (drift deletes nothing)
    assert "a plan deletes them all, drift reports them all" in result.stderr
    assert "Traceback" not in result.output
    assert demo.objects() == before
    if case == "non-manifest-files":
        for name in ("rule.YAML", "rule.yml.bak", "rules.json"):
            assert f"warning: {folder / name}: skipped" in result.stderr
        assert "README.md" not in result.stderr


def test_validate_of_an_empty_folder_is_an_error_unless_allowed(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"no manifests found in {tmp_path}" in result.stderr
    allowed = CliRunner().invoke(cli, ["validate", str(tmp_path), "--allow-empty"])
    assert allowed.exit_code == 0, allowed.output
    assert allowed.stdout.strip() == "0 manifests valid"


def test_allow_empty_plans_every_delete_and_the_safety_gate_still_wants_force(
    demo: Account, tmp_path: Path
) -> None:
    folder = _no_manifests(tmp_path, "empty-folder")
    plan = demo.plan(str(folder), "--allow-empty")
    deletes = {c["address"] for c in plan["changes"] if c["action"] == "delete"}
    assert ORPHAN in deletes
    assert plan["safety"]["blocked"]
    assert any("every managed object would be deleted" in m for m in plan["safety"]["messages"])
    assert plan["pruning"] == {"enabled": True, "reason": None}

    refused = demo.run("apply", str(folder), "--allow-empty", "--auto-approve")
    assert refused.exit_code == 3, refused.output
    assert "legacy-open-ports" in demo.rules()

    forced = demo.run("apply", str(folder), "--allow-empty", "--auto-approve", "--force")
    assert forced.exit_code == 0, forced.output
    assert "legacy-open-ports" not in demo.rules()
    assert "Root account login detected" in demo.rules()  # unmanaged: never touched


# -- runs over part of the project ---------------------------------------------------


def test_a_path_naming_one_file_never_deletes_and_says_why(demo: Account, tmp_path: Path) -> None:
    manifests = project_copy(tmp_path)
    one = manifests / "alert-rules" / "public-s3-buckets-alert.yaml"
    (manifests / "questions" / "public-s3-buckets.yaml").rename(tmp_path / "q.yaml")
    question = tmp_path / "q.yaml"  # the rule's questionRef, given as a second file

    plan = demo.plan(str(one), str(question))
    assert [c for c in plan["changes"] if c["action"] == "delete"] == []
    assert plan["pruning"]["enabled"] is False
    assert str(one) in plan["pruning"]["reason"]
    orphan = [u for u in plan["unmanaged"] if u["address"] == ORPHAN]
    assert orphan and "pruning is off" in orphan[0]["note"]

    text = demo.run("plan", str(one), str(question))
    assert text.exit_code == 0, text.output
    assert "Pruning is off: this run names a file" in text.stdout
    markdown = demo.run("plan", str(one), str(question), "--format", "markdown")
    assert "> [!NOTE]\n> Pruning is off:" in markdown.stdout

    applied = demo.run("apply", str(one), str(question), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "legacy-open-ports" in demo.rules()
    assert "public-s3-buckets-alert" in demo.rules()


def test_a_subfolder_of_the_project_never_deletes(demo: Account, tmp_path: Path) -> None:
    manifests = project_copy(tmp_path, "paths: [manifests]\n")
    subset = manifests / "alert-rules"
    (manifests / "questions" / "public-s3-buckets.yaml").rename(subset / "q.yaml")
    # a rule's resource group too: a manifest names only what its run declares
    (manifests / "resource-groups" / "cloud-security.yaml").rename(subset / "rg.yaml")

    plan = demo.plan(str(subset))
    assert [c["address"] for c in plan["changes"] if c["action"] == "delete"] == []
    assert plan["pruning"]["enabled"] is False
    assert f"this run reads {subset}, a part of the project" in plan["pruning"]["reason"]
    drift = demo.run("drift", str(subset), "--format", "json")
    assert drift.exit_code == 2, drift.output
    assert json.loads(drift.stdout)["pruning"]["enabled"] is False

    applied = demo.run("apply", str(subset), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "legacy-open-ports" in demo.rules()

    whole = demo.plan(str(manifests))
    assert whole["pruning"] == {"enabled": True, "reason": None}
    assert ORPHAN in {c["address"] for c in whole["changes"] if c["action"] == "delete"}


def test_without_a_project_file_a_subfolder_among_other_manifests_never_deletes(
    demo: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No j1sync.yaml: `manifests/alert-rules` beside `manifests/questions` is a part of
    something larger, whether named from above or run as `.` inside it; `manifests` as a
    whole is the project and prunes."""
    manifests = project_copy(tmp_path)
    monkeypatch.chdir(tmp_path)
    below = demo.plan("manifests/questions")
    assert below["pruning"]["enabled"] is False
    assert (
        "alert-rules" in below["pruning"]["reason"] and "j1sync.yaml" in below["pruning"]["reason"]
    )
    assert [c for c in below["changes"] if c["action"] == "delete"] == []
    applied = demo.run("apply", "manifests/questions", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "legacy-open-ports" in demo.rules()

    monkeypatch.chdir(manifests / "questions")
    inside = demo.plan(".")
    assert inside["pruning"]["enabled"] is False

    monkeypatch.chdir(tmp_path)
    whole = demo.plan("manifests")
    assert whole["pruning"] == {"enabled": True, "reason": None}
    assert ORPHAN in {c["address"] for c in whole["changes"] if c["action"] == "delete"}


def test_the_project_file_is_found_above_a_subfolder_run(
    demo: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifests = project_copy(tmp_path)
    (manifests / "j1sync.yaml").write_text("managedTag: j1sync\n", encoding="utf-8")
    monkeypatch.chdir(manifests / "integration-schedules")
    plan = demo.plan()  # no PATH: the current folder, a part of the project above it
    assert plan["pruning"]["enabled"] is False
    assert f"per {manifests / 'j1sync.yaml'}" in plan["pruning"]["reason"]
    monkeypatch.chdir(manifests)
    assert demo.plan()["pruning"]["enabled"] is True


def test_a_default_run_reads_the_whole_project_and_prunes(
    demo: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_copy(tmp_path, "paths: [manifests]\n")
    monkeypatch.chdir(tmp_path)
    plan = demo.plan()
    assert plan["pruning"]["enabled"] is True
    assert ORPHAN in {c["address"] for c in plan["changes"] if c["action"] == "delete"}


# -- the safety gate at any size -----------------------------------------------------


def test_deleting_the_only_managed_rule_is_blocked_until_forced(
    empty: Account, tmp_path: Path
) -> None:
    folder = tmp_path / "manifests"
    folder.mkdir()
    rule = folder / "rule.yaml"
    rule.write_text(RULE.format(name="only-rule"), encoding="utf-8")
    assert empty.run("apply", str(folder), "--auto-approve").exit_code == 0
    rule.write_text(QUESTION, encoding="utf-8")  # the rule is gone, a question stays

    blocked = empty.run("plan", str(folder))
    assert blocked.exit_code == 3, blocked.output
    expected = "AlertRule: every managed object would be deleted (1 of 1)"
    assert expected in blocked.stdout
    refused = empty.run("apply", str(folder), "--auto-approve")
    assert refused.exit_code == 3
    assert expected in refused.stderr
    assert "--force to apply it anyway" in refused.stderr
    assert empty.rules() == ["only-rule"]

    forced = empty.run("apply", str(folder), "--auto-approve", "--force")
    assert forced.exit_code == 0, forced.output
    assert empty.rules() == []


def test_a_plan_never_deletes_what_a_manifest_uses(demo: Account, tmp_path: Path) -> None:
    """prune: IamGroup on, and the resource group example names security-engineers, an
    IAM group no manifest declares: deleting it would fail the apply half-way. The plan
    refuses, naming both, and nothing changes."""
    manifests = project_copy(tmp_path, "paths: [manifests]\nprune:\n  IamGroup: true\n")
    shutil.rmtree(manifests / "iam-groups")
    before = demo.objects()
    for command in (["plan", str(manifests)], ["apply", str(manifests), "--auto-approve"]):
        result = demo.run(*command)
        assert result.exit_code == 1, result.output
        assert "ResourceGroup/cloud-security refers to IamGroup/security-engineers" in result.stderr
        # at the manifest that refers to it (its document's start)
        assert (
            "resource-groups/cloud-security.yaml:2:1: ResourceGroup/cloud-security refers to"
        ) in result.stderr
        assert "which this plan deletes" in result.stderr
    assert demo.objects() == before


FLOW_RULE = (
    "{apiVersion: j1sync/v1, kind: AlertRule, metadata: {name: flow},\n"
    " spec: {question: {queries: [{name: query0, query: Find Host}]}}}\n"
)


@pytest.mark.parametrize(
    "rule",
    [
        "\ufeff" + RULE.format(name="with-a-bom"),
        FLOW_RULE,
        "--- " + FLOW_RULE,
    ],
    ids=["bom", "flow", "document-start"],
)
def test_manifests_outside_the_run_count_however_their_apiversion_line_is_written(
    demo: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rule: str
) -> None:
    """Whether a file outside the run declares manifests is the kind scan's one rule
    (kind_scan.api_versions_written): a rule file written with a BOM, as a flow mapping or
    after `---` makes `manifests/questions` a part of something larger, as the rules'
    folder does when its files are written plainly."""
    manifests = project_copy(tmp_path)
    for name in ("alert-rules", "dashboards", "iam-groups", "integration-schedules"):
        shutil.rmtree(manifests / name)
    (manifests / "alert-rules").mkdir()
    (manifests / "alert-rules" / "rule.yaml").write_text(rule, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert demo.run("validate", "manifests").exit_code == 0
    below = demo.plan("manifests/questions")
    assert below["pruning"]["enabled"] is False, below["pruning"]
    assert "alert-rules" in below["pruning"]["reason"]  # searched before resource-groups
    assert [c for c in below["changes"] if c["action"] == "delete"] == []
