"""A name read from the account may hold control characters (OpenCTI takes any string):
`Evil\\x1b]0;title` in a plan line, an export warning or an error would set the user's
terminal title, clear the screen or hide what follows. j1sync shows each as a visible
character (␛) in the text plan, with or without colours, and in every message on stderr;
before, the escape went to the terminal as it was."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from tests.hostile.in_process import opencti_graphql
from tests.hostile.in_process import opencti_run as run

EVIL = "Evil\x1b]0;pwned\x1b\\\x1b[2J"
SHOWN = "Evil␛]0;pwned␛\\␛[2J"


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_opencti_emulator() as emu:
        role = "mutation($i: RoleAddInput!) { roleAdd(input: $i) { id } }"
        opencti_graphql(emu, role, {"i": {"name": EVIL, "description": "x\n\nmanaged-by: j1sync"}})
        label = "mutation($i: LabelAddInput!) { labelAdd(input: $i) { id } }"
        opencti_graphql(emu, label, {"i": {"value": EVIL, "color": "#123456"}})
        yield emu


@pytest.mark.parametrize("color", ["never", "always"])
def test_a_plan_shows_a_names_escapes_never_sends_them(emu: OpenCtiEmulator, color: str) -> None:
    role = "mutation($i: RoleAddInput!) { roleAdd(input: $i) { id } }"
    opencti_graphql(
        emu, role, {"i": {"name": "h3-role", "description": f"{EVIL}\n\nmanaged-by: j1sync"}}
    )
    Path("m").mkdir()
    Path("m/label.yaml").write_text(
        "apiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: h3-label\n---\n"
        "apiVersion: opencti.j1sync/v1\nkind: Role\nmetadata:\n  name: h3-role\n"
        "spec:\n  description: calm\n",
        encoding="utf-8",
    )
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    result = run(emu, "--color", color, "plan")
    assert result.exit_code == 0, result.output
    assert SHOWN in result.stdout  # the role's description, as the account has it
    # the role named so is never deleted: no manifest can have its name (k3)
    assert "- opencti.Role/" not in result.stdout
    assert "\x1b]" not in result.output and "\x1b[2J" not in result.output


def test_export_warnings_and_errors_show_a_names_escapes(emu: OpenCtiEmulator) -> None:
    exported = run(emu, "export", "--system", "opencti", "--kind", "Label", "--out", "ex")
    assert exported.exit_code == 0, exported.output
    # the warning: a name a manifest may not have, so the label is left out (k3)
    assert f"opencti.Label/{SHOWN}: left out of the export" in exported.stderr
    assert "\x1b" not in exported.stderr
    Path("m").mkdir()
    Path("m/bad.yaml").write_text(
        f"apiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: {json.dumps(EVIL)}\n",
        encoding="utf-8",
    )
    planned = run(emu, "plan", "m")
    assert planned.exit_code == 1, planned.output
    assert f"opencti.Label/{SHOWN}: metadata.name: must not contain control characters" in (
        planned.stderr
    )
    assert "\x1b" not in planned.output
