"""The Markdown plan (a PR comment, a job summary) wrote text it did not make as Markdown
to be read: a live rule's name in the note on a question kept for it
(`**hand** [made](https://...) ![x](https://...)` became bold, a link and an image GitHub
fetched), and the path in a created object's reason (`m/_draft_.yaml` lost its
underscores to italics). Such text now has its Markdown characters escaped, and reads as
it is. And a name in inline code had its `|` written `\\|` though no table was there:
GitHub showed the backslash, a name the account does not hold."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run as run
from tests.hostile.in_process import seeded_question

RULE = "**hand** [made](https://evil.example) ![x](https://evil.example/i.png) ~~old~~ `c` $x$"
RULE_SHOWN = (
    r"\*\*hand\*\* \[made\](https://evil.example) !\[x\](https://evil.example/i.png) "
    r"\~\~old\~\~ \`c\` \$x\$"
)
PIPED = "a|b`c"


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    when = {"type": "FILTER", "condition": ["AND", ["queries.q.total", ">", 0]]}
    rule = {
        "name": RULE,
        "questionName": "used",
        "operations": [{"when": when, "actions": [{"type": "CREATE_ALERT"}]}],
    }
    questions = [seeded_question(name) for name in ("used", PIPED, "kept")]
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    spec = {"title": "T", "queries": [{"name": "q", "query": "Find User"}]}
    documents = [
        {"apiVersion": "j1sync/v1", "kind": "Question", "metadata": {"name": n}, "spec": spec}
        for n in ("kept", "new")
    ]
    text = "---\n".join(json.dumps(document) + "\n" for document in documents)
    Path("m/_draft_.yaml").write_text(text, encoding="utf-8")
    with running_emulator(seed={**BASE_SEED, "questions": questions, "rules": [rule]}) as emu:
        yield emu


def test_text_from_the_account_and_the_repository_is_not_read_as_markdown(emu: Emulator) -> None:
    result = run(emu, "plan", "--format", "markdown")
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert "Plan: 1 to create, 0 to update, 1 to delete" in md, md
    assert f"but AlertRule/{RULE_SHOWN} still uses it" in md
    assert RULE not in md and "![x](" not in md and "**hand**" not in md
    assert "declared at m/\\_draft\\_.yaml:" in md
    assert f"> - ``Question/{PIPED}``: carries" in md  # the deletions' list: no `\|`
    assert f"<code>- delete</code> Question/{PIPED}</summary>" in md  # HTML: as it is


def test_the_text_plan_shows_the_same_text_as_it_is(emu: Emulator) -> None:
    result = run(emu, "plan")
    assert result.exit_code == 0, result.output
    assert f"AlertRule/{RULE} still uses it" in result.stdout
    assert "declared at m/_draft_.yaml:" in result.stdout
