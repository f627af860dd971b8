"""A name may hold Unicode format characters (U+202E right-to-left override, the
U+2066-U+2069 isolates, U+200B zero-width space, U+200D, U+FEFF): JupiterOne takes them,
and a plan goes into a pull request, where such a name reorders or hides what it holds
and can pass for another object's (Trojan Source, CVE-2021-42574). j1sync keeps managing
such objects and shows each hidden character as its escape (`\\u202e`) in the text and
Markdown plans, in errors, and in JSON (exact JSON: `\\u202e` is the same string); before,
they went out as they were."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import Emulator
from tests.hostile.in_process import jupiterone_run as run
from tests.hostile.in_process import questions_project, seeded_question

# what a reviewer sees: "invoice-gpj.exe" reads as "invoice-exe.jpg"
LIVE = "invoice-\u202egpj.exe"
LIVE_SHOWN = "invoice-\\u202egpj.exe"
# a manifest's name: isolates, a zero-width space and joiner, a byte-order mark
DECLARED = "ops\u2066\u2067review\u2069\u2069\u200b\u200d\ufeff\u2028\U000e0041"
DECLARED_SHOWN = "ops\\u2066\\u2067review\\u2069\\u2069\\u200b\\u200d\\ufeff\\u2028\\U000e0041"
HIDDEN = ("\u202e", "\u2066", "\u2067", "\u2069", "\u200b", "\u200d", "\ufeff", "\u2028")


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    # not every managed one is deleted: "kept" is declared too
    seeded = [seeded_question(LIVE, "Managed, to be pruned"), seeded_question("kept", "Kept")]
    declared = [(DECLARED_SHOWN, "Review"), ("kept", "Kept")]  # YAML's escapes
    with questions_project(seeded, declared) as emu:
        yield emu


def assert_nothing_hidden(text: str) -> None:
    found = [f"U+{ord(c):04X}" for c in HIDDEN if c in text]
    assert not found, found


@pytest.mark.parametrize("color", ["never", "always"])
def test_the_text_plan_shows_hidden_characters_as_escapes(emu: Emulator, color: str) -> None:
    result = run(emu, "--color", color, "plan")
    assert result.exit_code == 0, result.output
    assert f"Question/{DECLARED_SHOWN}" in result.stdout  # + create, from the manifest
    assert f"Question/{LIVE_SHOWN}" in result.stdout  # - delete, from the account
    assert_nothing_hidden(result.output)


def test_the_markdown_plan_shows_hidden_characters_as_escapes(emu: Emulator) -> None:
    result = run(emu, "plan", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert f"Question/{DECLARED_SHOWN}" in result.stdout
    assert f"`Question/{LIVE_SHOWN}`" in result.stdout  # the deletions' list
    assert_nothing_hidden(result.output)


def test_the_json_plan_escapes_them_and_keeps_the_names_exact(emu: Emulator) -> None:
    result = run(emu, "plan", "--format", "json")
    assert result.exit_code == 0, result.output
    assert_nothing_hidden(result.stdout)
    addresses = {c["address"] for c in json.loads(result.stdout)["changes"]}
    assert {f"Question/{DECLARED}", f"Question/{LIVE}"} <= addresses


def test_such_objects_stay_manageable(emu: Emulator) -> None:
    applied = run(emu, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert f"created Question/{DECLARED_SHOWN}" in applied.stdout
    assert f"deleted Question/{LIVE_SHOWN}" in applied.stdout
    assert_nothing_hidden(applied.output)
    names = {q["name"] for q in emu.snapshot()["questions"]}
    assert DECLARED in names and LIVE not in names
    again = run(emu, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_errors_and_drift_show_them_too(emu: Emulator) -> None:
    Path("m/bad.yaml").write_text(
        "apiVersion: j1sync/v1\nkind: Question\nmetadata:\n"
        f"  name: {json.dumps(LIVE)}\nspec:\n  title: ''\n",
        encoding="utf-8",
    )
    failed = run(emu, "validate")
    assert failed.exit_code == 1, failed.output
    assert f"Question/{LIVE_SHOWN}" in failed.stderr
    assert_nothing_hidden(failed.output)
    Path("m/bad.yaml").unlink()
    drift = run(emu, "drift")
    assert drift.exit_code == 2, drift.output
    assert f"Question/{LIVE_SHOWN}" in drift.stdout
    assert_nothing_hidden(drift.output)


def test_an_excerpts_caret_stays_under_the_escape(tmp_path: Path) -> None:
    manifest = tmp_path / "q.yaml"
    manifest.write_text(
        "apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: q\nspec:\n  title: x\n"
        '  queries:\n    - {name: q, query: "\u200b\u202eFind User"}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    lines = result.stderr.splitlines()
    [at] = [i for i, line in enumerate(lines) if "query: " in line and "\\u202e" in line]
    source, carets = lines[at], lines[at + 1]
    assert carets.index("^") == source.index("\\u200b")  # the value's first character
    assert carets.strip() == "^" * len("\\u200b")  # under the whole escape
    assert_nothing_hidden(result.output)


def test_a_lone_surrogate_in_a_name_is_planned_saved_and_applied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An API may answer a name as "\\ud800" (JSON's escape of half a character): printing
    it, and plan --out writing it, were an internal error (UnicodeEncodeError)."""
    monkeypatch.chdir(tmp_path)
    lone = "lone\ud800x"
    seeded = [seeded_question(name) for name in (lone, "kept", "kept2")]
    with questions_project(seeded, [("kept", "T"), ("kept2", "T")]) as emu:
        planned = run(emu, "plan", "--out", "plan.json")
        assert planned.exit_code == 0, planned.output
        assert "- Question/lone\\ud800x" in planned.stdout
        saved = Path("plan.json").read_text(encoding="utf-8")
        assert "lone\\ud800x" in saved  # JSON's escape: the same string read back
        applied = run(emu, "apply", "--auto-approve", "--plan", "plan.json")
        assert applied.exit_code == 0, applied.output
        assert "deleted Question/lone\\ud800x" in applied.stdout
        assert {q["name"] for q in emu.snapshot()["questions"]} == {"kept", "kept2"}
