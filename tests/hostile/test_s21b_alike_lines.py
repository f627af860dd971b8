"""A hand edit in the account that only a byte tells apart: a trailing space, a carriage
return (a query pasted from Windows), a tab for spaces, U+00A0 for a space, `é` spelled
as two code points. The plan showed the removed and the added text alike (`-   with a=1`
over `+   with a=1`; `"a b" -> "a b"`), the trailing white space dropped and the other
difference invisible, so a reviewer saw a change that changes nothing. Such texts are
now shown as JSON strings with escapes, in the text and the Markdown plan; and so are a
list's removed and added elements (a tag, a query named `café`) when one reads as the
other (as YAML with escapes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run as run

# a list's element: a tag, a query's name
LIVE_TAG, TAG = "caf\u00e9\u00a0eu", "cafe\u0301 eu"
QUERY = "FIND User\n  WITH active = true\n  RETURN User.name"
# name -> (the live object's text, the manifest's): title short, description multi-line
EDITS = {
    "trailing-space": ("Title ", "Title", "one\ntwo  \nthree", "one\ntwo\nthree"),
    "carriage-return": ("Ti\rtle", "Title", "one\r\ntwo\r\nthree", "one\ntwo\nthree"),
    "tab": ("a\tb", "a    b", "one\n\ttwo\nthree", "one\n    two\nthree"),
    "no-break-space": ("a\u00a0b", "a b", "one\ntwo\u00a0words\nthree", "one\ntwo words\nthree"),
    "decomposed": ("cafe\u0301", "caf\u00e9", "one\ncafe\u0301\nthree", "one\ncaf\u00e9\nthree"),
    "japanese": (
        "\u65e5\u672c ",
        "\u65e5\u672c",
        "\u4e00\n\u4e8c \n\u4e09",
        "\u4e00\n\u4e8c\n\u4e09",
    ),
}


def question(name: str, title: str, description: str, query: str = QUERY) -> dict[str, Any]:
    queries = [{"name": "q", "query": query}]
    return {"name": name, "title": title, "description": description, "queries": queries}


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    live = [question(n, t, d) for n, (t, _, d, _) in EDITS.items()]
    live.append(question("query-edit", "Q", "D", QUERY.replace("true", "true ")))
    for seeded in live:
        seeded["tags"] = ["j1sync"]
    live.append(question("list-edit", "L", "D") | {"tags": ["j1sync", LIVE_TAG]})
    live[-1]["queries"][0]["name"] = LIVE_TAG
    declared = [question(n, t, d) for n, (_, t, _, d) in EDITS.items()]
    declared.append(question("query-edit", "Q", "D"))
    declared.append(question("list-edit", "L", "D") | {"tags": [TAG]})
    declared[-1]["queries"][0]["name"] = TAG
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    documents = [
        {"apiVersion": "j1sync/v1", "kind": "Question", "metadata": {"name": q.pop("name")}}
        | {"spec": q}
        for q in declared
    ]
    text = "---\n".join(json.dumps(document) + "\n" for document in documents)  # JSON is YAML
    Path("m/q.yaml").write_text(text, encoding="utf-8")
    with running_emulator(seed={**BASE_SEED, "questions": live}) as emu:
        yield emu


def changed_pairs(lines: list[str]) -> list[tuple[str, str]]:
    """(removed, added) for each `-` line directly followed, in its block, by `+` lines:
    the texts as a reviewer reads them (sign and indentation off, trailing space off)."""
    removed = [i for i, line in enumerate(lines) if line.lstrip().startswith("-   ")]
    pairs = []
    for i in removed:
        j = i + 1
        while j < len(lines) and lines[j].lstrip().startswith("-   "):
            j += 1
        olds = [line.strip()[1:].strip() for line in lines[i:j]]
        news = []
        while j < len(lines) and lines[j].lstrip().startswith("+   "):
            news.append(lines[j].strip()[1:].strip())
            j += 1
        pairs += [(old, new) for old in olds for new in news]
    return pairs


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_a_change_never_reads_as_the_same_text_on_both_sides(emu: Emulator, fmt: str) -> None:
    result = run(emu, "plan", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "8 to update" in result.stdout, result.stdout
    lines = result.stdout.splitlines()
    inline = [line.split(": ", 1)[1] for line in lines if "title: " in line and " -> " in line]
    assert len(inline) == len(EDITS), result.stdout
    for arrow in inline:
        before, after = arrow.split(" -> ")
        assert before != after, result.stdout
    pairs = changed_pairs(lines)
    assert len(pairs) >= len(EDITS), result.stdout  # a description's line, or a query's
    assert all(old != new for old, new in pairs), result.stdout
    # exact, with escapes a reader can tell apart
    assert '~ title: "Title " -> "Title"' in result.stdout
    assert '"two\\u00a0words"' in result.stdout and '"cafe\\u0301"' in result.stdout
    assert '"one\\r"' in result.stdout and '"\\ttwo"' in result.stdout
    assert '"  WITH active = true "' in result.stdout
    # escapes for what reads alike only: other text as it is
    assert '~ title: "\u65e5\u672c " -> "\u65e5\u672c"' in result.stdout
    assert '"\u4e8c "' in result.stdout and '"caf\u00e9"' in result.stdout


def test_nor_does_a_removed_list_element_read_as_the_added_one(emu: Emulator) -> None:
    result = run(emu, "plan")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("  ~ Question/list-edit")
    block = lines[start : lines.index("", start)]
    removed = {line.strip()[1:].strip() for line in block if line.lstrip().startswith("- ")}
    added = {line.strip()[1:].strip() for line in block if line.lstrip().startswith("+ ")}
    assert '- "caf\\xE9\\_eu"' in removed and '- "cafe\\u0301 eu"' in added, block
    assert '- name: "caf\\xE9\\_eu"' in removed and '- name: "cafe\\u0301 eu"' in added, block
