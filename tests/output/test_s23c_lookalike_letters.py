"""A hand edit that puts a Cyrillic or Greek letter where a Latin one was (`question`
with U+0435 for its e, `security` with U+0455 for its s): the plan and the drift report
showed `"Big question" -> "Big question"`, the removed and the added line of a
description alike, a tag removed and added alike, and a delete and a create of one name:
a change that changes nothing, to a reviewer. Such texts now read alike
(text_diff.LOOKALIKE), so they are shown with escapes (`qu\\u0435stion`) wherever a report
shows two texts that read alike: an inline change, a line diff, a list's elements, the
addresses of a plan and apply's report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run as run

IE, DZE, A = "\u0435", "\u0455", "\u0430"  # Cyrillic ie, dze, a
LIVE_DESCRIPTION = f"one\nch{IE}ck the bucket\nthree"
DESCRIPTION = "one\ncheck the bucket\nthree"


def question(name: str, title: str, description: str, tags: list[str]) -> dict[str, Any]:
    queries = [{"name": "q", "query": "FIND User"}]
    return {
        "name": name,
        "title": title,
        "description": description,
        "tags": tags,
        "queries": queries,
    }


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    live = [
        question("edited", f"Big qu{IE}stion", LIVE_DESCRIPTION, ["j1sync", f"{DZE}ecurity"]),
        question(f"{A}dmin", "Admins", "d", ["j1sync"]),  # a managed name no manifest has
    ]
    declared = [
        question("edited", "Big question", DESCRIPTION, ["security"]),
        question("admin", "Admins", "d", []),
    ]
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


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_a_lookalike_letter_is_shown_escaped_in_drift(emu: Emulator, fmt: str) -> None:
    result = run(emu, "drift", "--format", fmt)
    assert result.exit_code == 2, result.output
    out = result.stdout
    assert "1 to create, 1 to update, 1 to delete" in out, out
    assert '~ title: "Big qu\\u0435stion" -> "Big question"' in out, out
    assert '"ch\\u0435ck the bucket"' in out and '"check the bucket"' in out, out
    assert '-   - "\\u0455ecurity"' in out and "+   - security" in out, out  # escaped YAML
    assert "Question/\\u0430dmin" in out, out  # the delete, told from the create
    assert IE not in out and DZE not in out, out  # never shown as a Latin letter


def test_and_in_the_apply_report(emu: Emulator) -> None:
    result = run(emu, "apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "deleted Question/\\u0430dmin" in lines and "created Question/admin" in lines, lines


def test_a_text_in_another_script_alone_is_shown_as_it_is(emu: Emulator) -> None:
    """Only what reads like another text is escaped: a Russian title stays readable."""
    title = "Проверка ведра"
    spec = question("ru", title, "d", [])
    spec.pop("name")
    Path("m/ru.yaml").write_text(
        json.dumps(
            {"apiVersion": "j1sync/v1", "kind": "Question", "metadata": {"name": "ru"}}
        ).removesuffix("}")
        + ', "spec": '
        + json.dumps(spec, ensure_ascii=False)
        + "}",
        encoding="utf-8",
    )
    result = run(emu, "plan")
    assert result.exit_code == 0, result.output
    assert f"title: {title}" in result.stdout, result.stdout
