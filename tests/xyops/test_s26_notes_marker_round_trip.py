"""xyOps objects whose notes carry j1sync's marker line in another layout than the one
j1sync writes (no blank line before it, a line end after it, blank lines of spaces,
Windows line ends, the marker twice). Export wrote the text without the spaces or tabs
ending it (`notes: tab` of a line `tab` and a tab, then the marker line), and the plan of
what was exported updated each such object (`~ notes: "tab\\t" -> "tab"`, a blank line put
before the marker): with many of them the safety gate blocked the apply of a fresh export.
Now the live notes are compared as j1sync writes them (marker.canonical_notes, as OpenCTI's
descriptions are), the text as xyOps keeps it (a tab ending it included: xyOps keeps notes
as written), so export keeps the people's own text, apply writes the one layout, and a
change of the text, a tab included, is still one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from j1sync.providers.marker import canonical_notes, is_managed, split_marker, with_marker
from tests.xyops.helpers import CliServer

KEY = "s26NotesMarkerKey01234"
MARKER = "managed-by: j1sync"

# category id -> (its notes in xyOps, the notes export writes); eleven marked categories,
# more than the safety gate's ten, nine of them in another layout than j1sync's (a table,
# each layout named: no generated cases)
LAYOUTS: dict[str, tuple[str, str]] = {
    "tab_ending": ("tab\t\nmanaged-by: j1sync", "tab\t"),
    "line_end_after": ("line\nmanaged-by: j1sync\n", "line"),
    "no_blank_line": ("a\nmanaged-by: j1sync", "a"),
    "blank_then_marker": ("\nmanaged-by: j1sync", ""),
    "marker_twice": ("managed-by: j1sync\nmanaged-by: j1sync", ""),
    "spaces_ending": ("two words  \n\n\nmanaged-by: j1sync", "two words  "),
    # the text's own line ends are text (xyOps keeps them; test_s28_adopted_notes_kept.py)
    "windows": ("one\r\ntwo\t\r\n\r\nmanaged-by: j1sync\r\n", "one\r\ntwo\t"),
    "blank_with_spaces": ("kept\n  \t\nmanaged-by: j1sync", "kept"),
    "inner_blank_line": ("first\n\n  indented\t\nmanaged-by: j1sync", "first\n\n  indented\t"),
    "spaces_after": ("text\n\nmanaged-by: j1sync  \n\n", "text"),
    "j1sync_layout": ("own\n\nmanaged-by: j1sync", "own"),
}


class Server(CliServer):
    def create_category(self, name: str, notes: str) -> None:
        """A category made by hand (or another tool) in xyOps, by its API."""
        body = {"id": name, "title": name.replace("_", " ").title(), "notes": notes}
        answer = requests.post(
            self.emu.api_url("create_category"), json=body, headers={"X-API-Key": self.key}
        )
        assert answer.json()["code"] == 0, answer.text

    def category(self, name: str) -> dict[str, Any]:
        [found] = [c for c in self.emu.snapshot()["categories"] if c["id"] == name]
        return found

    def exported_notes(self, name: str) -> Any:
        return yaml.safe_load(self.manifest(name).read_text(encoding="utf-8"))["spec"].get(
            "notes", ""
        )

    def set_notes(self, name: str, notes: str) -> None:
        path = self.manifest(name)
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        document["spec"]["notes"] = notes
        path.write_text(yaml.safe_dump(document), encoding="utf-8")

    def manifest(self, name: str) -> Path:
        """The file export wrote of category `name` (its id with dashes)."""
        return self.root / "exp" / "categories" / f"{name.replace('_', '-')}.yaml"


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.chdir(tmp_path)
    with Server.serving(tmp_path, KEY) as served:
        for name, (notes, _) in LAYOUTS.items():
            served.create_category(name, notes)
        exported = served.run(
            "export", "--system", "xyops", "--kind", "Category", "--managed-only", "--out", "exp"
        )
        assert exported.exit_code == 0, exported.output
        assert f"Exported {len(LAYOUTS)} objects" in exported.output
        yield served


@pytest.mark.parametrize(("notes", "text"), list(LAYOUTS.values()), ids=list(LAYOUTS))
def test_each_layout_is_compared_as_j1sync_writes_it(notes: str, text: str) -> None:
    assert is_managed(notes, "j1sync")
    # xyOps (notes kept as written): the live notes and the exported text with the marker
    # added back alike, in j1sync's layout, the text as written
    written = with_marker(text, "j1sync", trim=False)
    assert canonical_notes(notes, "j1sync", trim=False) == written
    assert split_marker(written, "j1sync") == (text, True)  # what export writes
    assert canonical_notes(written, "j1sync", trim=False) == written
    assert with_marker(written, "j1sync", trim=False) == written  # marking twice: the same
    end = "\r\n" if "\r\n" in text else "\n"  # the blank line in the text's line ends
    assert written == f"{text}{end}{end}{MARKER}" if text else written == MARKER
    # OpenCTI (text trimmed on write): as before, without the spaces ending the text
    trimmed = with_marker(text.rstrip(), "j1sync")
    assert canonical_notes(notes, "j1sync") == trimmed == with_marker(text, "j1sync")
    # another project's tag: no marker, the notes compared as they are
    assert split_marker(notes, "another") == (canonical_notes(notes, "another"), False)


def test_a_manifest_text_is_written_as_written_in_one_layout() -> None:
    for notes in ("tab\t", "tab\t\n", "tab\t\n \n", "tab\t\r\n\r\n", "tab\t\nmanaged-by: j1sync\n"):
        assert with_marker(notes, "j1sync", trim=False) == "tab\t\n\nmanaged-by: j1sync", notes
        assert with_marker(notes, "j1sync") == "tab\n\nmanaged-by: j1sync", notes
    assert with_marker("  \n\n", "j1sync", trim=False) == MARKER


def test_export_keeps_the_text_as_written(server: Server) -> None:
    for name, (_, text) in LAYOUTS.items():
        assert server.exported_notes(name) == text, name
    assert 'notes: "tab\\t"' in server.manifest("tab_ending").read_text()


def test_export_then_plan_changes_nothing(server: Server) -> None:
    planned = server.run("plan", "exp", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "differs" not in planned.output
    drift = server.run("drift", "exp")
    assert drift.exit_code == 0, drift.output

    # nothing to do, so the safety gate has nothing to block, and xyOps is left as it was
    applied = server.run("apply", "exp", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "blocked" not in applied.output.lower()
    for name, (notes, _) in LAYOUTS.items():
        assert server.category(name)["notes"] == notes, name


def test_a_change_of_the_text_is_shown_and_written_in_one_layout(server: Server) -> None:
    server.set_notes("tab_ending", "new text")
    # a manifest written by hand with the marker in another layout, and a tab ending it
    server.set_notes("windows", "one\r\nchanged\t\nmanaged-by: j1sync\n")
    # the spaces ending the text taken out: xyOps keeps them, so a change too
    server.set_notes("spaces_ending", "two words")
    planned = server.run("plan", "exp")
    assert planned.exit_code == 0, planned.output
    assert "Plan: 0 to create, 3 to update, 0 to delete" in planned.output
    for name in ("tab_ending", "windows", "spaces_ending"):
        assert f"~ xyops.Category/{name}" in planned.output
    lines = [" ".join(line.split()) for line in planned.output.splitlines()]
    # the text, no layout (␍: the plan shows a Windows line end so)
    for removed, added in (("tab", "new text"), ("two ␍", "changed ␍")):
        assert lines.count(f"- {removed}") == 1 and lines.count(f"+ {added}") == 1
    quoted = [line.strip() for line in planned.output.splitlines()]  # spaces shown quoted
    assert quoted.count('-   "two words  "') == 1 and quoted.count('+   "two words"') == 1
    assert planned.output.count("1 field differs") == 3

    applied = server.run("apply", "exp", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert server.category("tab_ending")["notes"] == "new text\n\nmanaged-by: j1sync"
    assert server.category("windows")["notes"] == "one\r\nchanged\t\r\n\r\nmanaged-by: j1sync"
    assert server.category("spaces_ending")["notes"] == "two words\n\nmanaged-by: j1sync"
    for name, (notes, _) in LAYOUTS.items():  # the others untouched
        if name not in ("tab_ending", "windows", "spaces_ending"):
            assert server.category(name)["notes"] == notes, name

    again = server.run("plan", "exp", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
