"""A credential written literally (a web hook's URL holds its token) was masked at its own
field only: the same text in another field (the hook's notes, by the manifest's author or
by a hand edit in xyOps) was printed in full, in the text and Markdown plans, in `--format
json` (a created object's `after`) and in drift's report. Any string holding a value of a
credential field is now masked as that field is (`(sensitive)`), on both sides of a change;
apply still writes it, and a saved plan cannot carry it. (A value hunted so holds 12
characters or more and a digit: a header's `application/json` is no secret.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run
from tests.hostile.xyops_cli import call, run

TOKEN = "s21bLiteralHookToken"
URL = f"https://hooks.example.com/services/{TOKEN}"


def hook(notes: str) -> str:
    return (
        "apiVersion: xyops.j1sync/v1\nkind: WebHook\nmetadata:\n  name: ops_chat\n"
        f"spec:\n  title: Ops\n  url: {URL}\n  notes: {json.dumps(notes)}\n"
    )


def assert_never_shown(emu: XyOpsEmulator, command: str) -> None:
    for fmt in ("text", "markdown", "json"):
        result = run(emu, command, "m.yaml", "--format", fmt)
        assert result.exit_code in (0, 2), result.output
        assert "ops_chat" in result.stdout, result.stdout
        assert TOKEN not in result.output, result.output


def test_a_credential_copied_into_the_manifests_notes_is_never_shown(
    xyops_server: XyOpsEmulator,
) -> None:
    Path("m.yaml").write_text(hook(f"posts to {URL}"), encoding="utf-8")
    assert_never_shown(xyops_server, "plan")
    applied = run(xyops_server, "apply", "m.yaml", "--auto-approve")
    assert applied.exit_code == 0 and TOKEN not in applied.output, applied.output
    notes = call(xyops_server, "get_web_hook", {"id": "ops_chat"})["web_hook"]["notes"]
    assert notes.startswith(f"posts to {URL}")  # written as declared
    again = run(xyops_server, "plan", "m.yaml", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_nor_one_a_hand_edit_copied_into_the_live_notes(xyops_server: XyOpsEmulator) -> None:
    Path("m.yaml").write_text(hook("Ops chat"), encoding="utf-8")
    applied = run(xyops_server, "apply", "m.yaml", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    live = call(xyops_server, "get_web_hook", {"id": "ops_chat"})["web_hook"]
    live["notes"] = f"copy of {URL}\n" + live["notes"]
    assert call(xyops_server, "update_web_hook", live)["code"] == 0
    assert_never_shown(xyops_server, "drift")


def webhook_rule(description: str) -> str:
    when = {"type": "FILTER", "condition": ["AND", ["queries.bad.total", ">", 0]]}
    webhook = {
        "type": "WEBHOOK",
        "endpoint": "https://hooks.example.com/services/hook",
        "method": "POST",
        "headers": {"Content-Type": "application/json"},
        "body": '{"text": "alert"}',
    }
    spec = {
        "description": description,
        "question": {"queries": [{"name": "bad", "query": "Find User"}]},
        "operations": [{"when": when, "actions": [webhook]}],
    }
    document = {"apiVersion": "j1sync/v1", "kind": "AlertRule", "metadata": {"name": "hook"}}
    return json.dumps(document | {"spec": spec}) + "\n"


def test_a_header_word_in_a_description_is_not_taken_for_a_credential(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A literal header's `application/json` is no secret: the description that names it
    is shown, and a saved plan that changes it applies."""
    monkeypatch.chdir(tmp_path)
    with running_emulator(seed=BASE_SEED) as emu:
        Path("r.yaml").write_text(webhook_rule("Posts application/json, v1"), encoding="utf-8")
        assert jupiterone_run(emu, "apply", "r.yaml", "--auto-approve").exit_code == 0
        Path("r.yaml").write_text(webhook_rule("Posts application/json, v2"), encoding="utf-8")
        planned = jupiterone_run(emu, "plan", "r.yaml", "--out", "plan.json")
        assert planned.exit_code == 0, planned.output
        assert '"Posts application/json, v1" -> "Posts application/json, v2"' in planned.stdout
        applied = jupiterone_run(emu, "apply", "--plan", "plan.json", "--auto-approve")
        assert applied.exit_code == 0, applied.output
