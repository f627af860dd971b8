"""A huge value in a report: a 100,000-character description edited by hand in the
account, a created question's 100,000-character description. Drift and plan printed it
whole: an update as ~1,000 lines of pieces, a created object as the YAML of one line of
65,536 characters and its rest; the Markdown report of one such change was above
GitHub's 65,536-character comment limit, so the PR comment or the drift issue showed
none of it. One rule now (output/text_diff.py), for an update's line diff and a created
or deleted object's YAML alike: long lines in pieces, a stretch of more than MAX_RUN
added or removed lines shortened to its first and last lines with a count of those
between, one value at most MAX_VALUE_LINES lines; `--format json` keeps every value
whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.github.body import MAX_BODY_CHARS
from j1sync.output.text_diff import MAX_RUN, MAX_VALUE_LINES, RUN_HEAD, RUN_TAIL, WRAP
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run as run

HUGE_LINE = "x" * 100_000  # one line, no space to break at
HUGE_WORDS = "word " * 20_000  # one line of words
HUGE_LINES = "\n".join(f"step {n}: check the bucket policy" for n in range(3_000))
# (live description, declared description) of managed questions; None: not in the account
QUESTIONS: dict[str, tuple[str | None, str]] = {
    "hand-edited-line": (HUGE_LINE, "short description"),
    "hand-edited-lines": (HUGE_LINES, "one\ntwo\nthree"),
    "edited-in-many-places": (
        HUGE_LINES,
        "\n".join(
            f"step {n}: check the bucket ACL" if n % 3 == 0 else line
            for n, line in enumerate(HUGE_LINES.split("\n"))
        ),
    ),
    "created-words": (None, HUGE_WORDS.strip()),
    "created-lines": (None, HUGE_LINES),
}
# a line of a report: its sign, indentation and a piece of WRAP characters, and room
LONGEST_LINE = WRAP + 40


def question(name: str, description: str) -> dict[str, Any]:
    queries = [{"name": "q", "query": "FIND User WITH active = true"}]
    return {"name": name, "title": name, "description": description, "queries": queries}


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    live = [
        question(name, text) | {"tags": ["j1sync"]}
        for name, (text, _) in QUESTIONS.items()
        if text is not None
    ]
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    documents = [
        {"apiVersion": "j1sync/v1", "kind": "Question", "metadata": {"name": name}}
        | {"spec": {k: v for k, v in question(name, text).items() if k != "name"}}
        for name, (_, text) in QUESTIONS.items()
    ]
    text = "---\n".join(json.dumps(document) + "\n" for document in documents)  # JSON is YAML
    Path("m/q.yaml").write_text(text, encoding="utf-8")
    with running_emulator(seed={**BASE_SEED, "questions": live}) as emu:
        yield emu


@pytest.mark.parametrize("command", ["plan", "drift"])
def test_a_huge_value_is_shown_shortened_with_its_count_in_the_text_report(
    emu: Emulator, command: str
) -> None:
    result = run(emu, command)
    assert result.exit_code == (0 if command == "plan" else 2), result.output
    out = result.stdout
    assert "3 to update" in out and "2 to create" in out, out
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= LONGEST_LINE, max(lines, key=len)[:300]
    assert len(out) < 5 * (MAX_VALUE_LINES + 3) * LONGEST_LINE, len(out)
    # the hand edit of one line: 1,000 pieces of WRAP characters
    pieces = len(HUGE_LINE) // WRAP
    assert f"… {pieces - RUN_HEAD - RUN_TAIL:,} more removed lines" in out, out
    # 3,000 lines removed, three added; 3,000 lines created (under `description: |-`)
    assert f"… {3_000 - RUN_HEAD - RUN_TAIL:,} more removed lines" in out, out
    assert f"… {3_000 - RUN_HEAD - RUN_TAIL:,} more added lines" in out, out
    assert "+     step 2999: check the bucket policy" in out  # a stretch's end is shown
    # edited every third line: stretches short, the value's lines at most MAX_VALUE_LINES
    assert "… the rest of this diff not shown: " in out
    # the created words: 100,000 characters in pieces of a line, shortened
    assert "+   description: word word" in out and "more added lines" in out
    assert "(the whole text: --format json)" in out


@pytest.mark.parametrize("command", ["plan", "drift"])
def test_a_report_of_huge_values_fits_a_pr_comment_with_every_change(
    emu: Emulator, command: str
) -> None:
    result = run(emu, command, "--format", "markdown")
    assert result.exit_code == (0 if command == "plan" else 2), result.output
    out = result.stdout
    assert len(out) < MAX_BODY_CHARS, len(out)  # github/body.py cuts no change out
    assert out.count("<details>") == len(QUESTIONS), out
    assert max(len(line) for line in out.splitlines()) <= LONGEST_LINE


def test_json_keeps_every_value_whole(emu: Emulator) -> None:
    result = run(emu, "drift", "--format", "json")
    assert result.exit_code == 2, result.output
    changes = {c["name"]: c for c in json.loads(result.stdout)["changes"]}
    assert changes["hand-edited-line"]["before"]["description"] == HUGE_LINE
    assert changes["hand-edited-lines"]["before"]["description"] == HUGE_LINES
    assert changes["created-lines"]["after"]["description"] == HUGE_LINES


def test_a_stretch_of_max_run_lines_is_shown_whole(emu: Emulator) -> None:
    """Not shortened below the limit: a reviewer reads a normal long text whole."""
    text = "\n".join(f"line {n}" for n in range(MAX_RUN))
    Path("m/r.yaml").write_text(
        json.dumps(
            {"apiVersion": "j1sync/v1", "kind": "Question", "metadata": {"name": "r"}}
            | {"spec": {k: v for k, v in question("r", text).items() if k != "name"}}
        ),
        encoding="utf-8",
    )
    result = run(emu, "plan")
    assert result.exit_code == 0, result.output
    block = result.stdout.split("+ Question/r\n", 1)[1].split("\n\n", 1)[0]
    assert all(f"+     line {n}\n" in block + "\n" for n in range(MAX_RUN)), block


def test_a_value_ending_like_a_block_scalar_is_shown_as_it_is(emu: Emulator) -> None:
    """`- standard: ISO- |` is a plain value, not the start of a block scalar: the lines
    below it are folded as any YAML line, and no note is put after the value."""
    requirement = "keep every bucket private " * 8
    spec = question("s", "d") | {
        "compliance": [{"standard": "ISO- |", "requirements": [requirement]}]
    }
    Path("m/s.yaml").write_text(
        json.dumps(
            {"apiVersion": "j1sync/v1", "kind": "Question", "metadata": {"name": "s"}}
            | {"spec": {k: v for k, v in spec.items() if k != "name"}}
        ),
        encoding="utf-8",
    )
    result = run(emu, "plan")
    assert result.exit_code == 0, result.output
    block = result.stdout.split("+ Question/s\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert "      +     - standard: ISO- |" in block, block
    folded = [line for line in block if "keep every bucket" in line]
    assert len(folded) > 1 and all(line.startswith("      +           ") for line in folded[1:])
