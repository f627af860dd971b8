"""An event's user `fields` or `params` that xyOps refuses. xyOps 1.0.88 checks them on
every create and update (lib/api/events.js requireValidEventData, lib/api.js
requireValidJobOverrides): a field's `type` among the UI's controls, its `id` once and no
`_xy_override_` launch key, a title without `<` or `>`, a text `variant` among the UI's, a
`regex` JavaScript compiles; params without an `_xy_override_` launch key (`command`,
`script`, `uid`, ...). Before, `fields` were any maps and `params` any keys: validate and
plan took them, apply created the event's category, and a real server refused the event
half-way (the emulator stored it, `_xy_override_script` included). Now each stops plan and
apply at its line before any change, and the emulator refuses it in xyOps's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import call, run

DOCS = """\
apiVersion: xyops.j1sync/v1
kind: Category
metadata:
  name: s20d_cat
spec:
  title: Cat
---
apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: s20d_event
spec:
  title: Event
  category: s20d_cat
  plugin: shellplug
  targets: [main]
{more}
"""
LINE = 17

REFUSED = {
    "unknown control": (
        "  fields: [{id: f1, type: txt}]",
        "spec.fields[0].type",
        "Malformed user field 'f1': Invalid type",
    ),
    "field twice": (
        "  fields: [{id: f1, type: text}, {id: f1, type: code}]",
        "spec.fields[1].id",
        "Malformed user field 'f1': Duplicate field ID: f1",
    ),
    "html in a title": (
        "  fields: [{id: f1, type: text, title: '<b>Name</b>'}]",
        "spec.fields[0].title",
        "Malformed user field 'f1': Title contains illegal characters",
    ),
    "unknown variant": (
        "  fields: [{id: f1, type: text, variant: phone}]",
        "spec.fields[0].variant",
        "Malformed user field 'f1': Invalid text field variant",
    ),
    "python regex": (
        "  fields: [{id: f1, type: text, regex: '(?i)^x'}]",
        "spec.fields[0].regex",
        "Malformed user field 'f1': Invalid regular expression",
    ),
    "reserved field id": (
        "  fields: [{id: _xy_override_command, type: text}]",
        "spec.fields[0].id",
        "Invalid parameter ID: _xy_override_command (reserved)",
    ),
    "reserved param": (
        "  params: {_xy_override_script: 'rm -rf /'}",
        "spec.params._xy_override_script",
        "Event params: Invalid parameter ID: _xy_override_script (reserved)",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_fields_and_params_xyops_refuses_stop_before_any_change(
    xyops_server: XyOpsEmulator, tmp_path: Path, case: str
) -> None:
    more, field, said = REFUSED[case]
    (tmp_path / "a.yaml").write_text(DOCS.format(more=more))
    before = xyops_server.snapshot()
    for command in (["validate"], ["plan"], ["apply", "--auto-approve"]):
        done = run(xyops_server, *command, str(tmp_path))
        assert done.exit_code == 1, (command, done.output)
        assert f"a.yaml:{LINE}:" in done.output, done.output
        assert f"xyops.Event/s20d_event: {field}: xyOps refuses it: " in done.output
        assert said in done.output, done.output
        assert "internal error" not in done.output
    assert xyops_server.snapshot() == before  # not even the category


@pytest.mark.parametrize(
    ("more", "said"),
    [
        ({"fields": [{"id": "f1", "type": "txt"}]}, "Malformed user field 'f1': Invalid type"),
        (
            {"params": {"_xy_override_uid": "0"}},
            "Event params: Invalid parameter ID: _xy_override_uid (reserved)",
        ),
    ],
)
def test_the_emulator_refuses_them_in_xyops_words(
    xyops_server: XyOpsEmulator, more: dict[str, object], said: str
) -> None:
    event = {
        "id": "s20d_hand",
        "title": "Hand",
        "enabled": True,
        "category": "general",
        "plugin": "shellplug",
        "targets": ["main"],
        "algo": "random",
        **more,
    }
    assert call(xyops_server, "create_event", event) == {"code": "api", "description": said}


def test_fields_xyops_takes_apply_and_converge(xyops_server: XyOpsEmulator, tmp_path: Path) -> None:
    more = (
        "  params: {script: 'echo hi', _xy_override_targets: [main]}\n"
        "  fields:\n"
        "    - {id: mail, type: text, variant: email, regex: '^[^@]+@[^@]+$', title: Mail}\n"
        "    - {id: when, type: text, variant: datetime-local}\n"
        "    - {id: notes, type: textarea}\n"
        "    - {id: flag, type: checkbox}"
    )
    (tmp_path / "a.yaml").write_text(DOCS.format(more=more))
    done = run(xyops_server, "apply", "--auto-approve", str(tmp_path))
    assert done.exit_code == 0, done.output
    done = run(xyops_server, "plan", "--detailed-exitcode", str(tmp_path))
    assert done.exit_code == 0, done.output
