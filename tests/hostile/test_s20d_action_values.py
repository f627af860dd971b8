"""Action values xyOps refuses beyond the fields each type needs. xyOps 1.0.88 checks every
action on every write (lib/api.js requireValidActions): an email action's `email` is one
text (addresses separated by commas), so the list a user writes by habit
(`email: [ops@example.com, dba@example.com]`) is refused, and a ticket's `ticket_due` is a
number or a text. Before, validate and plan took them, apply created what came before the
object and failed on it half-way against a real server (the emulator stored them). Now
plan and apply stop at the field's line before any change, and the emulator refuses them
in xyOps's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import call, run

DOCS = """\
apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: s20d_tag
spec:
  title: Tag
---
apiVersion: xyops.j1sync/v1
kind: Category
metadata:
  name: s20d_cat
spec:
  title: Cat
  actions:
    - type: {kind}
      condition: error
{more}
"""

REFUSED = {
    "emails as a list": (
        "email",
        "      users: []\n      email: [ops@example.com, dba@example.com]",
        18,
        "spec.actions[0].email: xyOps refuses it: Invalid email address.",
    ),
    "ticket due as a list": (
        "ticket",
        "      ticket_type: issue\n      ticket_assignees: []\n      ticket_tags: []\n"
        "      ticket_due: [1]",
        20,
        "spec.actions[0].ticket_due: xyOps refuses it: Invalid Ticket due type.",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_an_action_value_xyops_refuses_stops_before_any_change(
    xyops_server: XyOpsEmulator, tmp_path: Path, case: str
) -> None:
    kind, more, line, said = REFUSED[case]
    (tmp_path / "a.yaml").write_text(DOCS.format(kind=kind, more=more))
    before = xyops_server.snapshot()
    for command in (["validate"], ["plan"], ["apply", "--auto-approve"]):
        done = run(xyops_server, *command, str(tmp_path))
        assert done.exit_code == 1, (command, done.output)
        assert f"a.yaml:{line}:" in done.output, done.output
        assert f"xyops.Category/s20d_cat: {said}" in done.output, done.output
        assert "internal error" not in done.output
    assert xyops_server.snapshot() == before  # not even the tag


def test_the_emulator_refuses_them_in_xyops_words(xyops_server: XyOpsEmulator) -> None:
    action = {"enabled": True, "condition": "error", "type": "email", "users": []}
    category = {"id": "s20d_c", "title": "C", "actions": [{**action, "email": ["a@b.example"]}]}
    said = "Malformed action entry #1: Invalid email address."
    assert call(xyops_server, "create_category", category) == {"code": "api", "description": said}


def test_emails_as_one_text_apply_and_converge(xyops_server: XyOpsEmulator, tmp_path: Path) -> None:
    more = "      users: []\n      email: 'ops@example.com, dba@example.com'"
    (tmp_path / "a.yaml").write_text(DOCS.format(kind="email", more=more))
    done = run(xyops_server, "apply", "--auto-approve", str(tmp_path))
    assert done.exit_code == 0, done.output
    done = run(xyops_server, "plan", "--detailed-exitcode", str(tmp_path))
    assert done.exit_code == 0, done.output
