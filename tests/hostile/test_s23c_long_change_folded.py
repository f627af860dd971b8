"""One long change in a report above GitHub's limit: a created question of 1,000 queries
(~88,000 characters of Markdown) listed before five small changes. The PR comment was cut
before the first section that did not fit, the long one, so it showed none of the six
changes, not even their names, and said `6 of 6 changes not shown here`. The longest
changes are now folded to their summary line (`<details><summary>+ create
Question/a-long</summary>`), saying how much of each is not shown and where it is, as few
as make the report fit: every change is named, the others keep their diffs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.github.body import MAX_BODY_CHARS
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run

from .test_s20e_github_fakes import StrictGitHub, actions_env

PR = 42
SMALL = [f"b-small-{n}" for n in range(5)]


def manifest(name: str, queries: int) -> str:
    spec = {
        "title": name,
        "queries": [
            {"name": f"q{n}", "query": f"FIND User WITH name = 'user-{n}' AND active = true"}
            for n in range(queries)
        ],
    }
    document = {"apiVersion": "j1sync/v1", "kind": "Question", "metadata": {"name": name}}
    return json.dumps(document | {"spec": spec}) + "\n"  # JSON is YAML


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    Path("m").mkdir()
    documents = [manifest("a-long", 1_000), *(manifest(name, 1) for name in SMALL)]
    Path("m/q.yaml").write_text("---\n".join(documents), encoding="utf-8")
    with running_emulator(seed=BASE_SEED) as emu:
        yield emu


def test_every_change_is_named_in_the_comment(emu: Emulator, tmp_path: Path) -> None:
    plan = jupiterone_run(emu, "plan", "m", "--format", "markdown")
    assert plan.exit_code == 0, plan.output
    assert len(plan.stdout) > MAX_BODY_CHARS  # the report as printed holds everything
    report = tmp_path / "plan.md"
    report.write_text(plan.stdout, encoding="utf-8")

    with StrictGitHub() as github:
        result = CliRunner().invoke(
            cli,
            ["github", "comment", "--body-file", str(report)],
            env=actions_env(github.url, tmp_path),
            catch_exceptions=False,
        )
        [posted] = github.state.comments_on(PR)

    assert result.exit_code == 0, result.output
    body = str(posted["body"])
    assert len(body) <= MAX_BODY_CHARS
    assert body.count("<details>") == body.count("</details>") == 6, body[-3000:]
    long_part = body.split("Question/a-long</summary>", 1)[1].split("</details>", 1)[0]
    assert "characters not shown here." in long_part and "```" not in long_part, long_part
    for name in SMALL:  # named, and shown whole
        part = body.split(f"Question/{name}</summary>", 1)[1].split("</details>", 1)[0]
        assert "+ kind: Question" in part and f"name: {name}" in part, part
    assert "**Report truncated**: the diffs of 1 of 6 changes not shown here" in body
