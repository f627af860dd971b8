"""A name, a reason or a file path in a Markdown plan that GitHub would turn into a
cross-reference: `acme/infra#34` (a link, and "mentioned this" in that issue's timeline,
as for `#34`), `word#12`, an issue's or pull request's URL (`https://github.com/...`,
`www.github.com/...`). The `(?<!\\w)#` rule left a `#` after a letter as it was, and such
URLs whole. Outside code, the plan `plan --format markdown` prints links to nothing and names
no issue; a reviewer still reads what each name says."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run as run
from tests.hostile.test_s20e_markdown_pings import text_outside_code

LIVE_NAMES = [  # managed, declared by no manifest: deletes, each named in the plan
    "fix for acme/infra#34",
    "word#12 and GH-7",
    "see https://github.com/acme/infra/issues/9",
    "www.github.com/acme/infra/pull/10",
    "docs at https://example.com/runbook",  # a link to no issue: left as it is
]
DECLARED = "owner/repo#56 @octocat"
FOLDER = "acme/infra#78"  # a manifest's path, in its change's reason

# What GitHub links or pings in text: a `#` before a digit (after anything: `repo#34`),
# `GH-N`, a mention, an issue's or pull request's URL. An entity (`&#8203;`) is none.
ACTED_ON = re.compile(
    r"(?<!&)#\d|\bGH-\d|(?<!\w)@[A-Za-z0-9]|(?:\b(?:https?|ftp)://|\bwww\.)[^\s/]+/[^\s/]+/"
    r"[^\s/]+/(?:issues|pull)/\d",
    re.IGNORECASE,
)


def question(name: str) -> dict[str, object]:
    return {"name": name, "title": name, "tags": ["j1sync"], "queries": [{"query": "FIND User"}]}


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    folder = Path("m", FOLDER)
    folder.mkdir(parents=True)
    document = {
        "apiVersion": "j1sync/v1",
        "kind": "Question",
        "metadata": {"name": DECLARED},
        "spec": {"title": DECLARED, "queries": [{"name": "q", "query": "FIND User"}]},
    }
    (folder / "q.yaml").write_text(json.dumps(document) + "\n", encoding="utf-8")
    seed = {**BASE_SEED, "questions": [question(name) for name in LIVE_NAMES]}
    with running_emulator(seed=seed) as emu:
        yield emu


def test_a_markdown_plan_references_no_issue_and_links_nothing(emu: Emulator) -> None:
    result = run(emu, "plan", "--format", "markdown")

    assert result.exit_code == 3, result.output  # every managed question deleted: blocked
    plan = result.stdout
    assert "1 to create, 0 to update, 5 to delete" in plan, plan
    shown = text_outside_code(plan)
    assert ACTED_ON.findall(shown) == [], shown
    # every name is still there to read, in the changes' summary lines
    assert "Question/owner/repo#&#8203;56 @&#8203;octocat" in shown
    assert "m/acme/infra#&#8203;78/q.yaml" in shown
    assert "fix for acme/infra#&#8203;34" in shown
    assert "word#&#8203;12 and GH&#8203;-7" in shown
    assert "see https&#8203;://github.com/acme/infra/issues/9" in shown
    assert "www&#8203;.github.com/acme/infra/pull/10" in shown
    assert "docs at https://example.com/runbook" in shown
