"""A manifest's name and a live object's that differ only in a way no one sees (`café` as
one code point or two, a U+00A0 for a space) are two objects: the plan creates the one
and deletes the other. The text and Markdown plans showed both under one name
(`+ Question/café` then `- Question/café`), a create and a delete of the same thing as far
as a reviewer could tell. Such addresses are now shown with escapes for what a reader
cannot tell apart (`Question/cafe\\u0301`, `Question/x\\u00a0y`); JSON keeps every
address exact."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import Emulator
from tests.hostile.in_process import jupiterone_run as run
from tests.hostile.in_process import questions_project, seeded_question

LIVE = ("caf\u00e9", "x\u00a0y")
DECLARED = ("cafe\\u0301", "x y")  # YAML's escape: the manifest holds U+0301


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    seeded = [seeded_question(name) for name in LIVE] + [seeded_question("kept", "Old")]
    declared = [(name, "T") for name in (*DECLARED, "kept")]
    with questions_project(seeded, declared) as emu:
        yield emu


def test_a_create_and_a_delete_never_show_one_name(emu: Emulator) -> None:
    text = run(emu, "plan")
    md = run(emu, "plan", "--format", "markdown")
    assert text.exit_code == 0 and md.exit_code == 0, text.output + md.output
    assert "Plan: 2 to create, 1 to update, 2 to delete" in text.stdout, text.stdout
    headers = [line for line in text.stdout.splitlines() if line.startswith(("  + ", "  - "))]
    assert sorted(headers) == [
        "  + Question/cafe\\u0301",
        "  + Question/x y",
        "  - Question/caf\u00e9",
        "  - Question/x\\u00a0y",
    ]
    for shown in ("cafe\\u0301", "caf\u00e9", "x\\u00a0y"):
        assert f"</code> Question/{shown}</summary>" in md.stdout, md.stdout
    assert "> - `Question/x\\u00a0y`: carries" in md.stdout
    assert "  ~ Question/kept" in text.stdout  # any other address as it is
