"""One repository, two systems: JupiterOne and xyOps manifests planned and applied in one
run, each against its own emulator (real HTTP servers on loopback), through the CLI.

One plan covers both (a section per system and target in text, Markdown and JSON), one
exit code; apply changes both, each under its own apply lock; the next plan is empty;
saved plans are bound to both targets; `--emulator` starts both emulators."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.xyops.emulator import running_xyops_emulator

J1_KEY = "multi-J1-Key-5c2e9a71"
XY_KEY = "multi-Xy-Key-0b7d3f19"

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: open-ports
spec:
  title: Which hosts have open ports?
  queries:
    - name: q
      query: Find Host with open=true
"""

XYOPS = """\
apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: nightly
spec:
  title: Nightly
---
apiVersion: xyops.j1sync/v1
kind: Category
metadata:
  name: housekeeping
spec:
  title: Housekeeping
  color: teal
"""


@dataclass
class Accounts:
    """Both emulators, a manifests folder, and the CLI pointed at both."""

    j1: Any
    xy: Any
    root: Path

    def env(self) -> dict[str, str]:
        return {
            "JUPITERONE_API_KEY": self.j1.api_key,
            "JUPITERONE_ACCOUNT_ID": self.j1.account,
            "JUPITERONE_API_URL": self.j1.url,
            "XYOPS_URL": self.xy.url,
            "XYOPS_API_KEY": self.xy.api_key,
            "NO_COLOR": "1",
        }

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env=self.env())

    def write(self, relpath: str, text: str) -> None:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")

    @property
    def manifests(self) -> str:
        return str(self.root)

    def xy_ids(self, plural: str) -> list[str]:
        return [obj["id"] for obj in self.xy.snapshot()[plural]]


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[Accounts]:
    with (
        running_emulator(db=":memory:", seed="none", api_key=J1_KEY) as j1,
        running_xyops_emulator(api_key=XY_KEY) as xy,
    ):
        found = Accounts(j1, xy, tmp_path / "manifests")
        found.write("jupiterone/questions.yaml", QUESTION)
        found.write("xyops/config.yaml", XYOPS)
        yield found


def _sections(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code in (0, 2), result.output
    sections: list[dict[str, Any]] = json.loads(result.stdout)["sections"]
    return sections


def test_one_plan_covers_both_systems_with_one_exit_code(accounts: Accounts) -> None:
    result = accounts.run("plan", accounts.manifests, "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    out = result.stdout
    j1_heading = f"JupiterOne: {accounts.j1.account}"
    xy_heading = f"xyOps: {accounts.xy.url}"
    assert out.index(j1_heading) < out.index("+ Question/open-ports") < out.index(xy_heading)
    assert out.index(xy_heading) < out.index("+ xyops.Tag/nightly")
    assert out.index("+ xyops.Tag/nightly") < out.index("+ xyops.Category/housekeeping")
    # a created xyOps object is shown as its manifest reads: its apiVersion, its bare kind
    assert "+ apiVersion: xyops.j1sync/v1" in out
    assert "+ kind: Tag" in out
    assert "Plan: 1 to create, 0 to update, 0 to delete" in out  # JupiterOne's section
    assert out.rstrip().endswith("unmanaged.")
    assert "Plan: 3 to create, 0 to update, 0 to delete" in out.splitlines()[-1]


def test_json_and_markdown_have_a_section_per_target(accounts: Accounts) -> None:
    sections = _sections(accounts.run("plan", accounts.manifests, "--format", "json"))
    assert [(s["system"], s["target"]) for s in sections] == [
        ("jupiterone", accounts.j1.account),
        ("xyops", accounts.xy.url),
    ]
    assert "Question" in sections[0]["kinds"]
    assert sections[1]["kinds"][:2] == ["xyops.Tag", "xyops.Category"]
    assert all(s["safety"] == {"blocked": False, "messages": []} for s in sections)
    markdown = accounts.run("plan", accounts.manifests, "--format", "markdown").stdout
    assert markdown.count("## j1sync plan") == 1
    j1 = markdown.index(f"### JupiterOne: {accounts.j1.account}")
    xy = markdown.index(f"### xyOps: {accounts.xy.url}")
    assert j1 < markdown.index("Question/open-ports") < xy < markdown.index("xyops.Tag/nightly")


def test_apply_changes_both_and_the_next_plan_is_empty(accounts: Accounts) -> None:
    applied = accounts.run("apply", accounts.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "nightly" in accounts.xy_ids("tags")
    assert "housekeeping" in accounts.xy_ids("categories")
    again = accounts.run("plan", accounts.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes: this target matches the manifests." in again.stdout
    drift = accounts.run("drift", accounts.manifests)
    assert drift.exit_code == 0, drift.output


def test_one_blocked_target_blocks_the_plan_and_says_which(accounts: Accounts) -> None:
    assert accounts.run("apply", accounts.manifests, "--auto-approve").exit_code == 0
    (accounts.root / "xyops" / "config.yaml").write_text("# nothing for xyOps now\n")
    # j1sync.yaml keeps xyOps in the run: its managed objects would all go
    (accounts.root / "j1sync.yaml").write_text("xyops:\n  managedTag: j1sync\n")
    result = accounts.run("plan", accounts.manifests, "--format", "json")
    assert result.exit_code == 3, result.output
    sections = json.loads(result.stdout)["sections"]
    assert sections[0]["safety"]["blocked"] is False
    assert sections[1]["safety"]["blocked"] is True
    assert any("xyops.Tag" in m for m in sections[1]["safety"]["messages"])


def test_a_saved_plan_is_bound_to_both_targets(accounts: Accounts, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    saved = accounts.run("plan", accounts.manifests, "--out", str(plan_file))
    assert saved.exit_code == 0, saved.output
    binding = json.loads(plan_file.read_text())["binding"]
    assert [t["api_url"] for t in binding["targets"]] == [
        accounts.j1.url.rstrip("/"),
        accounts.xy.url.rstrip("/"),
    ]
    assert XY_KEY not in plan_file.read_text() and J1_KEY not in plan_file.read_text()
    applied = accounts.run("apply", "--plan", str(plan_file), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "nightly" in accounts.xy_ids("tags")
    assert accounts.run("plan", accounts.manifests, "--detailed-exitcode").exit_code == 0


def test_a_saved_plan_for_another_xyops_server_is_refused(
    accounts: Accounts, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    assert accounts.run("plan", accounts.manifests, "--out", str(plan_file)).exit_code == 0
    with running_xyops_emulator(api_key=XY_KEY) as other:
        env = {**accounts.env(), "XYOPS_URL": other.url}
        refused = CliRunner().invoke(
            cli, ["apply", "--plan", str(plan_file), "--auto-approve"], env=env
        )
        assert refused.exit_code != 0
        assert "made for another target" in refused.output
        assert other.snapshot()["tags"] == running_snapshot_tags(other)


def running_snapshot_tags(emu: Any) -> list[Any]:
    """The tags as they are now (the refused apply changed nothing)."""
    tags: list[Any] = emu.snapshot()["tags"]
    assert all(t["id"] != "nightly" for t in tags)
    return tags


def test_j1sync_yaml_sections_are_validated_with_locations(accounts: Accounts) -> None:
    (accounts.root / "j1sync.yaml").write_text(
        "managedTag: j1sync\nxyops:\n  prune:\n    Events: true\n  safty: {}\n"
    )
    result = accounts.run("validate", accounts.manifests)
    assert result.exit_code == 1
    assert "j1sync.yaml:4:" in result.output
    assert "did you mean 'Event'?" in result.output
    assert "j1sync.yaml:5:" in result.output
    assert "did you mean 'safety'?" in result.output


def test_an_unknown_api_version_names_the_nearest(accounts: Accounts) -> None:
    accounts.write("xyops/bad.yaml", XYOPS.replace("xyops.j1sync/v1", "xyop.j1sync/v1", 1))
    result = accounts.run("validate", accounts.manifests)
    assert result.exit_code == 1
    assert "bad.yaml:1:13" in result.output
    assert "unknown apiVersion 'xyop.j1sync/v1'; did you mean 'xyops.j1sync/v1'?" in result.output


def test_emulator_flag_starts_both_emulators(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    (work / "m" / "xyops").mkdir(parents=True)
    (work / "m" / "q.yaml").write_text(QUESTION)
    (work / "m" / "xyops" / "config.yaml").write_text(XYOPS)
    monkeypatch.chdir(work)
    env = {"NO_COLOR": "1", "JUPITERONE_API_KEY": "", "XYOPS_API_KEY": "", "XYOPS_URL": ""}
    runner = CliRunner()
    first = runner.invoke(cli, ["plan", "m", "--emulator", "--format", "json"], env=env)
    # the JupiterOne demo account's managed rules would all go: that section blocks
    assert first.exit_code == 3, first.output
    sections = json.loads(first.stdout)["sections"]
    assert [(s["system"], s["safety"]["blocked"]) for s in sections] == [
        ("jupiterone", True),
        ("xyops", False),
    ]
    applied = runner.invoke(cli, ["apply", "m", "--emulator", "--auto-approve", "--force"], env=env)
    assert applied.exit_code == 0, applied.output
    again = runner.invoke(cli, ["plan", "m", "--emulator", "--detailed-exitcode"], env=env)
    assert again.exit_code == 0, again.output
    # each system keeps its state in a file of its own under .j1sync/
    assert {p.name for p in (work / ".j1sync").glob("*.db")} >= {
        "emulator.db",
        "xyops-emulator.db",
    }
