"""Adopting an xyOps object keeps its notes as xyOps keeps them. The notes of an object
without j1sync's marker were read with the spaces ending them and their Windows line ends
taken out: export wrote `notes: unmarked trail tab` of `unmarked trail tab<TAB>` (and
`crlf\\nline2` of `crlf\\r\\nline2\\r\\n`), the plan of the export showed only the marker
being added, and apply wrote the shortened text back. Now the live notes are the text
xyOps keeps (marker.notes_text; only the marker line's layout is ignored, for marked
notes): export writes it, apply adds the marker after it and nothing else, and a hand
edit of line ends or of the spaces ending the text is a change plan and drift show."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from tests.xyops.helpers import CliServer

KEY = "s28AdoptedNotesKey0123"
MARKER = "managed-by: j1sync"

# category id -> its notes in xyOps (none marked: each is adopted), the notes apply writes
ADOPTED: dict[str, tuple[str, str]] = {
    "trail_tab": ("unmarked trail tab\t", f"unmarked trail tab\t\n\n{MARKER}"),
    "trail_spaces": ("keep me   ", f"keep me   \n\n{MARKER}"),
    "windows": ("crlf\r\nline2\r\n", f"crlf\r\nline2\r\n\r\n{MARKER}"),
    "line_end": ("one line\n", f"one line\n\n{MARKER}"),
}


class Server(CliServer):
    def call(self, name: str, body: dict[str, Any]) -> None:
        """An API call as a person's tool makes it (made by hand in xyOps)."""
        answer = requests.post(self.emu.api_url(name), json=body, headers={"X-API-Key": self.key})
        assert answer.json()["code"] == 0, answer.text

    def notes(self, name: str) -> Any:
        [found] = [c for c in self.emu.snapshot()["categories"] if c["id"] == name]
        return found["notes"]

    def exported_spec(self, name: str) -> dict[str, Any]:
        path = self.root / "exp" / "categories" / f"{name.replace('_', '-')}.yaml"
        spec: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))["spec"]
        return spec

    def changes(self) -> dict[str, dict[str, Any]]:
        """The plan of the export, as JSON: address -> change."""
        planned = self.run("plan", "exp", "--format", "json")
        assert planned.exit_code == 0, planned.output
        return {c["address"]: c for c in json.loads(planned.stdout)["changes"]}


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.chdir(tmp_path)
    with Server.serving(tmp_path, KEY) as served:
        for name, (notes, _) in ADOPTED.items():
            served.call("create_category", {"id": name, "title": name.title(), "notes": notes})
        exported = served.run("export", "--system", "xyops", "--kind", "Category", "--out", "exp")
        assert exported.exit_code == 0, exported.output
        yield served


def test_export_writes_the_notes_xyops_keeps(server: Server) -> None:
    for name, (notes, _) in ADOPTED.items():
        assert server.exported_spec(name)["notes"] == notes, name


def test_adoption_adds_the_marker_and_keeps_the_text(server: Server) -> None:
    changes = server.changes()
    for name, (notes, written) in ADOPTED.items():
        change = changes[f"xyops.Category/{name}"]
        assert change["action"] == "update" and change["changed_paths"] == ["notes"], name
        # the plan shows the notes as they are and as apply writes them
        assert (change["before"]["notes"], change["after"]["notes"]) == (notes, written), name

    applied = server.run("apply", "exp", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    for name, (notes, written) in ADOPTED.items():
        assert server.notes(name) == written, name
        assert written.startswith(notes), name  # the text as it was, the marker after it

    again = server.run("plan", "exp", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    # the marked notes export the same text: the export before adoption loads as it
    exported = server.run("export", "--system", "xyops", "--kind", "Category", "--out", "exp2")
    assert exported.exit_code == 0, exported.output
    second = yaml.safe_load((server.root / "exp2" / "categories" / "trail-tab.yaml").read_text())
    assert second["spec"]["notes"] == "unmarked trail tab\t"


def test_a_hand_edit_of_line_ends_or_ending_spaces_is_a_change(server: Server) -> None:
    applied = server.run("apply", "exp", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    # by hand in xyOps: Windows line ends made Unix ones, the spaces ending a text taken out
    server.call("update_category", {"id": "windows", "notes": f"crlf\nline2\n\n{MARKER}"})
    server.call("update_category", {"id": "trail_spaces", "notes": f"keep me\n\n{MARKER}"})
    # and one only in the marker's layout: no change
    server.call("update_category", {"id": "line_end", "notes": f"one line\r\n{MARKER}\r\n"})

    drift = server.run("drift", "exp")
    assert drift.exit_code == 2, drift.output
    assert "xyops.Category/windows" in drift.output
    assert "xyops.Category/trail_spaces" in drift.output
    assert "xyops.Category/line_end" not in drift.output
    changes = server.changes()
    assert changes["xyops.Category/windows"]["before"]["notes"] == f"crlf\nline2\n\n{MARKER}"
    assert changes["xyops.Category/trail_spaces"]["before"]["notes"] == f"keep me\n\n{MARKER}"
    assert changes["xyops.Category/line_end"]["action"] == "no-op"

    applied = server.run("apply", "exp", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "0 created, 2 updated, 0 deleted" in applied.output
    assert server.notes("windows") == ADOPTED["windows"][1]
    assert server.notes("trail_spaces") == ADOPTED["trail_spaces"][1]
