"""What OpenCTI stores of an update's values. Every update (`fieldPatch`) goes through its
schema validator and middleware (schema-validator.ts validateAndFormatSchemaAttribute,
middleware.ts prepareAttributesForUpdate): a text is trimmed, a boolean given as a string
is `value === 'true'`, a number given as a string is read, a value of another type is
refused. The emulator stored any JSON as sent, so a hand edit of a role's
`can_manage_sensitive_config` to "yes" left it holding what its own API could not serve:
drift, plan and apply stopped at the read, where OpenCTI holds `false`, which is drift
that apply heals. And j1sync compared text with its leading whitespace: a manifest's
" ACME" was sent, stored "ACME" by OpenCTI, and planned again on every run. It compares
text trimmed now, as an update stores it; but a feed's separator, which OpenCTI keeps as
written (feedEdit replaces the document): j1sync trimmed it too, so a tab-separated feed
was created with no separator at all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pycti import OpenCTIApiClient

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from tests.hostile.in_process import opencti_run

ROLE_PATCH = (
    "mutation($id: ID!, $v: [Any]!) { roleEdit(id: $id) { fieldPatch(input: "
    '[{key: "can_manage_sensitive_config", value: $v}]) { id } } }'
)
DESCRIPTION_PATCH = (
    "mutation($id: ID!, $v: [Any]!) { roleEdit(id: $id) { fieldPatch(input: "
    '[{key: "description", value: $v}]) { id } } }'
)
ROLE = """apiVersion: opencti.j1sync/v1
kind: Role
metadata:
  name: Analyst
spec:
  description: "   Reads and writes reports\\n"
  can_manage_sensitive_config: true
"""
SETTINGS = """apiVersion: opencti.j1sync/v1
kind: Settings
metadata:
  name: platform
spec:
  platform_title: "  ACME threat intelligence "
  platform_login_message: |
    Authorized staff only.
"""
FEED = """apiVersion: opencti.j1sync/v1
kind: Feed
metadata:
  name: Reports as TSV
spec:
  separator: "\\t"
  feed_types: [Report]
  feed_attributes:
    - attribute: name
      mappings: [{type: Report, attribute: name}]
"""


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_opencti_emulator() as emulator:
        yield emulator


def _manifests(*texts: str) -> str:
    Path("m").mkdir(exist_ok=True)
    for index, text in enumerate(texts):
        Path(f"m/{index}.yaml").write_text(text, encoding="utf-8")
    return "m"


def _role(emu: OpenCtiEmulator) -> dict[str, object]:
    return next(r for r in emu.snapshot()["roles"] if r["name"] == "Analyst")


def _in_sync(emu: OpenCtiEmulator, folder: str) -> None:
    planned = opencti_run(emu, "plan", folder, "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "Plan: 0 to create, 0 to update, 0 to delete" in planned.output


def test_a_boolean_set_to_a_string_by_hand_is_drift_that_apply_heals(emu: OpenCtiEmulator) -> None:
    folder = _manifests(ROLE)
    assert opencti_run(emu, "apply", folder, "--auto-approve").exit_code == 0
    client = OpenCTIApiClient(emu.url, emu.token, log_level="error")
    client.query(ROLE_PATCH, {"id": _role(emu)["id"], "v": ["yes"]})
    assert _role(emu)["can_manage_sensitive_config"] is False  # `value === 'true'`
    drift = opencti_run(emu, "drift", folder)
    assert drift.exit_code == 2, drift.output
    assert "~ can_manage_sensitive_config: false -> true" in drift.output
    applied = opencti_run(emu, "apply", folder, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert _role(emu)["can_manage_sensitive_config"] is True
    _in_sync(emu, folder)
    for output in (drift.output, applied.output):
        assert "internal error" not in output and "Traceback" not in output


def test_a_value_of_another_type_is_refused_and_nothing_changes(emu: OpenCtiEmulator) -> None:
    folder = _manifests(ROLE)
    assert opencti_run(emu, "apply", folder, "--auto-approve").exit_code == 0
    before = emu.snapshot()
    client = OpenCTIApiClient(emu.url, emu.token, log_level="error")
    role = _role(emu)["id"]
    with pytest.raises(ValueError, match="Attribute description must be a string"):
        client.query(DESCRIPTION_PATCH, {"id": role, "v": [{"a": 1}]})
    with pytest.raises(ValueError, match="Attribute description cannot be multiple"):
        client.query(DESCRIPTION_PATCH, {"id": role, "v": ["one", "two"]})
    with pytest.raises(ValueError, match="must be a boolean/string"):
        client.query(ROLE_PATCH, {"id": role, "v": [5]})
    assert emu.snapshot() == before
    _in_sync(emu, folder)


def test_text_with_outer_whitespace_plans_nothing_once_applied(emu: OpenCtiEmulator) -> None:
    folder = _manifests(ROLE, SETTINGS)
    applied = opencti_run(emu, "apply", folder, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    settings = emu.snapshot()["settings"][0]
    assert settings["platform_title"] == "ACME threat intelligence"  # as an update stores it
    assert settings["platform_login_message"] == "Authorized staff only."
    _in_sync(emu, folder)
    # a hand edit taking the marker away: the update that adopts it again trims too
    client = OpenCTIApiClient(emu.url, emu.token, log_level="error")
    client.query(DESCRIPTION_PATCH, {"id": _role(emu)["id"], "v": ["  by hand "]})
    assert _role(emu)["description"] == "by hand"
    assert opencti_run(emu, "apply", folder, "--auto-approve").exit_code == 0
    assert _role(emu)["description"] == "Reads and writes reports\n\nmanaged-by: j1sync"
    _in_sync(emu, folder)


def test_a_tab_separated_feed_keeps_its_tab(emu: OpenCtiEmulator) -> None:
    folder = _manifests(FEED)
    applied = opencti_run(emu, "apply", folder, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert emu.snapshot()["feeds"][0]["separator"] == "\t"
    _in_sync(emu, folder)


GROUP = """apiVersion: opencti.j1sync/v1
kind: Group
metadata:
  name: Readers
spec:
  group_confidence_level: {max_confidence: 50}
  default_hidden_types: [Report, "Report "]
  not_shareable_marking_types: [TLP, " PAP"]
"""


def test_list_elements_with_outer_whitespace_plan_nothing_once_applied(
    emu: OpenCtiEmulator,
) -> None:
    folder = _manifests(GROUP)
    applied = opencti_run(emu, "apply", folder, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    group = next(g for g in emu.snapshot()["groups"] if g["name"] == "Readers")
    assert sorted(e["type"] for e in group["max_shareable_markings"]) == ["PAP", "TLP"]
    _in_sync(emu, folder)
