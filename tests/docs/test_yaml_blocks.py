"""Every ```yaml block in README.md and docs/*.md is valid: manifests load through the
manifest loader (the blocks of one page together, as one project), j1sync.yaml blocks
through the project loader, workflow and pre-commit blocks as YAML of the right shape.
A block that is none of these fails: a new kind of block needs a check here."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from j1sync.env_reference import VALID_ENV_REFERENCE
from j1sync.errors import ManifestError
from j1sync.export.run import CREDENTIAL_STAND_IN
from j1sync.manifest import load_manifests, load_project_file
from j1sync.manifest.project import project_file_model

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```yaml[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
WORKFLOW_KEYS = {"on", True, "jobs", "concurrency", "permissions", "env", "name"}


def load_yaml(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


HOOK_IDS = {hook["id"] for hook in load_yaml((ROOT / ".pre-commit-hooks.yaml").read_text())}


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    def data(self) -> Any:
        return load_yaml(textwrap.dedent(self.text))


def blocks() -> list[Block]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start(1)) + 1
            found.append(Block(page, line, match.group(1)))
    return found


def kind_of(block: Block) -> str:
    data = block.data()
    if data is None:
        return "comment"
    if isinstance(data, dict) and {"apiVersion", "kind"} & set(data):
        return "manifest"
    if isinstance(data, dict) and set(data) <= set(project_file_model().model_fields):
        return "project"
    if isinstance(data, dict) and "repos" in data:
        return "pre-commit"
    if isinstance(data, dict) and set(data) & WORKFLOW_KEYS:
        return "workflow"
    if isinstance(data, list) and all(
        isinstance(s, dict) and {"uses", "run"} & set(s) for s in data
    ):
        return "steps"
    return "unknown"


ALL = blocks()


def test_the_pages_have_yaml_blocks() -> None:
    assert {b.page.name for b in ALL} >= {"README.md", "gitops.md", "manifests.md"}
    assert sum(kind_of(b) == "manifest" for b in ALL) >= 6


@pytest.mark.parametrize("block", ALL, ids=str)
def test_every_block_is_a_kind_this_test_checks(block: Block) -> None:
    assert kind_of(block) != "unknown", f"{block}: which kind of YAML is this?"


# the pages that show manifests (the others are checked block by block above)
MANIFEST_PAGES = sorted({b.page for b in ALL if kind_of(b) == "manifest"})


@pytest.mark.parametrize("page", MANIFEST_PAGES, ids=lambda p: p.name)
def test_the_manifests_of_each_page_load_together(page: Path, tmp_path: Path) -> None:
    manifests = [b for b in ALL if b.page == page and kind_of(b) == "manifest"]
    for block in manifests:
        # the file name says where the block is, so a failure points at the doc's line
        (tmp_path / f"{page.stem}-line-{block.line}.yaml").write_text(block.text, "utf-8")
    # a value any credential field takes (an xyOps web hook's url begins with https://)
    env = {
        name: CREDENTIAL_STAND_IN for b in manifests for name in VALID_ENV_REFERENCE.findall(b.text)
    }
    try:
        loaded = load_manifests([tmp_path], env=env)
    except ManifestError as exc:
        pytest.fail(f"{page.name}:\n{exc}")
    assert len(loaded.manifests) >= len(manifests)


@pytest.mark.parametrize("block", [b for b in ALL if kind_of(b) == "project"], ids=str)
def test_project_file_blocks_load(block: Block, tmp_path: Path) -> None:
    path = tmp_path / "j1sync.yaml"
    path.write_text(block.text, encoding="utf-8")
    for folder in block.data().get("paths", []):  # the layout the block is the root of
        (tmp_path / folder).mkdir(parents=True)
    _, problems = load_project_file(path, env={})
    assert problems == [], f"{block}: " + "; ".join(map(str, problems))


@pytest.mark.parametrize("block", [b for b in ALL if kind_of(b) == "pre-commit"], ids=str)
def test_pre_commit_blocks_use_hooks_that_exist(block: Block) -> None:
    for repo in block.data()["repos"]:
        assert {"repo", "rev", "hooks"} <= set(repo), block
        assert {hook["id"] for hook in repo["hooks"]} <= HOOK_IDS, block


@pytest.mark.parametrize("block", [b for b in ALL if kind_of(b) in ("workflow", "steps")], ids=str)
def test_workflow_blocks_have_the_shape_of_a_workflow(block: Block) -> None:
    data = block.data()
    steps = data if isinstance(data, list) else []
    for job in (data.get("jobs") or {}).values() if isinstance(data, dict) else []:
        assert "runs-on" in job and isinstance(job["steps"], list), block
        steps += job["steps"]
    for step in steps:
        assert ("uses" in step) != ("run" in step), f"{block}: a step uses or runs, not both"
        assert isinstance(step.get("with", {}), dict) and isinstance(step.get("env", {}), dict)


def test_a_broken_manifest_block_would_fail(tmp_path: Path) -> None:
    """The check above is not vacuous: the README's first example as it once was."""
    (tmp_path / "old.yaml").write_text(
        "apiVersion: j1sync/v1\nkind: AlertRule\nmetadata:\n  name: r\nspec:\n"
        "  question:\n    queries:\n      - name: query0\n        query: Find Host\n"
        "  operations:\n    - when: [AND, [queries.query0.total, '>', 0]]\n",
        encoding="utf-8",
    )
    with pytest.raises(ManifestError, match="operations"):
        load_manifests([tmp_path], env={})
