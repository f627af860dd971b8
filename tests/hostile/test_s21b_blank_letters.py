"""Some characters print as nothing, or a blank, yet Python calls them printable, so the
check that shows hidden characters (U+202E, U+200B: test_k3_hidden_characters) passed
them: the Hangul fillers (U+3164, U+115F, U+1160, U+FFA0: letters), the combining grapheme
joiner (U+034F), the Khmer inherent vowels. A managed question hand-renamed
`kept\\u3164` was planned for deletion as `Question/kept`, beside the real `kept`; every
output now shows such a character as its escape, as it does a U+202E."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import Emulator
from tests.hostile.in_process import jupiterone_run as run
from tests.hostile.in_process import questions_project, seeded_question

LIVE = "kept\u3164"
LIVE_SHOWN = "kept\\u3164"
DECLARED = "new\u115f\u1160\uffa0\u034f\u17b4"
DECLARED_SHOWN = "new\\u115f\\u1160\\uffa0\\u034f\\u17b4"
BLANKS = ("\u3164", "\u115f", "\u1160", "\uffa0", "\u034f", "\u17b4")


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    seeded = [seeded_question(LIVE, "Hand-renamed"), seeded_question("kept", "Kept")]
    declared = [(DECLARED_SHOWN, "New"), ("kept", "Kept")]  # YAML's escapes
    with questions_project(seeded, declared) as emu:
        yield emu


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_every_plan_shows_a_blank_letter_as_its_escape(emu: Emulator, fmt: str) -> None:
    result = run(emu, "plan", "--format", fmt)
    assert result.exit_code == 0, result.output
    found = [f"U+{ord(c):04X}" for c in BLANKS if c in result.output]
    assert not found, found
    if fmt == "json":
        addresses = {c["address"] for c in json.loads(result.stdout)["changes"]}
        assert {f"Question/{LIVE}", f"Question/{DECLARED}"} <= addresses  # exact JSON
    else:
        assert f"Question/{LIVE_SHOWN}" in result.stdout
        assert f"Question/{DECLARED_SHOWN}" in result.stdout


def test_export_writes_it_as_its_escape(emu: Emulator) -> None:
    result = run(emu, "export", "--kind", "Question", "--out", "exported")
    assert result.exit_code == 0, result.output
    texts = [p.read_text(encoding="utf-8") for p in Path("exported").rglob("*.yaml")]
    assert any(LIVE_SHOWN in text for text in texts), texts
    assert not any(c in text for text in texts for c in BLANKS)
