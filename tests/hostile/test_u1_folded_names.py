"""Names OpenCTI takes for one. The platform keys a label, role, group, status template and
vocabulary entry by its name lowercased and trimmed, and a marking by its definition and
type uppercased (opencti-graphql schema/identifier.js, normalizeName): an `xxxAdd` of
`analysts` returns the group `Analysts`, and labelAdd stores its value trimmed. The
emulator kept every name as it was, so j1sync was never shown that two manifests
(`Phishing`, `phishing`) are one label, nor that a manifest `analysts` means the group
`Analysts`: against OpenCTI such a plan creates what the add then does not make, and
plans it again on every run. Now the emulator folds keys as OpenCTI does (pycti shows
it), and j1sync stops before any plan, naming the manifest and the other name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pycti import OpenCTIApiClient

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from tests.hostile.in_process import opencti_run

GROUP_ADD = "mutation($i: GroupAddInput!) { groupAdd(input: $i) { id name } }"
LABEL_EDIT = (
    "mutation($id: ID!, $e: [EditInput]!) "
    "{ labelEdit(id: $id) { fieldPatch(input: $e) { id value } } }"
)
MARKED = "theirs\n\nmanaged-by: j1sync"


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_opencti_emulator() as emulator:
        yield emulator


@pytest.fixture
def client(emu: OpenCtiEmulator) -> OpenCTIApiClient:
    return OpenCTIApiClient(emu.url, emu.token, log_level="error")


def add_group(client: OpenCTIApiClient, name: str) -> dict[str, Any]:
    group = {
        "name": name,
        "description": MARKED,
        "group_confidence_level": {"max_confidence": 50, "overrides": []},
    }
    added: dict[str, Any] = client.query(GROUP_ADD, {"i": group})["data"]["groupAdd"]
    return added


def write(path: str, *documents: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("---\n".join(documents), encoding="utf-8")


def label(name: str) -> str:
    return f"apiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: {name}\n"


def group(name: str) -> str:
    return (
        f"apiVersion: opencti.j1sync/v1\nkind: Group\nmetadata:\n  name: {name}\n"
        "spec:\n  group_confidence_level: {max_confidence: 50}\n"
    )


def test_the_emulator_folds_names_as_opencti_does(client: OpenCTIApiClient) -> None:
    first = client.label.create(value="Phishing")
    assert client.label.create(value="phishing")["id"] == first["id"]
    assert client.label.create(value=" PHISHING\u00a0")["id"] == first["id"]
    padded = client.label.create(value="\ufeff  padded\t")
    assert padded["value"] == "padded"  # labelAdd stores `value.trim()`
    assert add_group(client, "Analysts")["id"] == add_group(client, "analysts ")["id"]
    statement = client.marking_definition.create(definition_type="statement", definition="Ours")
    again = client.marking_definition.create(definition_type="STATEMENT", definition="OURS")
    assert again["id"] == statement["id"]
    # a kill chain phase's names are kept as they are
    phase = client.kill_chain_phase.create(kill_chain_name="chain", phase_name="Recon")
    other = client.kill_chain_phase.create(kill_chain_name="chain", phase_name="recon")
    assert phase["id"] != other["id"]
    # a rename onto another label's key is refused (an edit stores a label's value
    # lowercased: middleware prepareAttributesForUpdate)
    rename = {"id": padded["id"], "e": [{"key": "value", "value": ["Phish"]}]}
    assert client.query(LABEL_EDIT, rename)["data"]["labelEdit"]["fieldPatch"]["value"] == "phish"
    rename["e"] = [{"key": "value", "value": ["PHISHING"]}]
    with pytest.raises(ValueError, match="duplicated entity"):
        client.query(LABEL_EDIT, rename)
    # a label of nothing but spaces is none
    with pytest.raises(ValueError, match="Missing required elements"):
        client.query(
            "mutation($i: LabelAddInput!) { labelAdd(input: $i) { id } }", {"i": {"value": "  "}}
        )
    values = sorted(str(x["value"]) for x in client.label.list())
    assert values == ["Phishing", "phish"]


def test_two_manifests_opencti_takes_for_one_object_stop_the_run(emu: OpenCtiEmulator) -> None:
    write("j1sync.yaml", "paths: [m]\n")
    write("m/labels.yaml", label("Phishing"), label("Malware"))
    write("m/more.yaml", label("phishing"), group("Team"), group("TEAM"))
    for command in ("plan", "apply"):
        args = [command, "m", *(["--auto-approve"] if command == "apply" else [])]
        result = opencti_run(emu, *args)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert (
            "m/more.yaml:4:9: opencti.Label/phishing: metadata.name: OpenCTI takes 'phishing' "
            "and 'Phishing' (m/labels.yaml:4:9) for one Label (its names do not tell case or "
            "outer spaces apart): declare it once"
        ) in result.output
        assert (
            "m/more.yaml:" in result.output and "opencti.Group/TEAM: metadata.name" in result.output
        )
        assert "Plan:" not in result.output
    snapshot = emu.snapshot()
    assert not [x for x in snapshot["labels"] if x["value"] in ("Phishing", "Malware")]
    assert not [x for x in snapshot["groups"] if x["name"].lower() == "team"]


def test_a_manifest_naming_a_live_object_otherwise_stops_the_run(
    emu: OpenCtiEmulator, client: OpenCTIApiClient
) -> None:
    analysts = add_group(client, "Analysts")
    spaced = add_group(client, "  Spaced")
    red = next(m for m in client.marking_definition.list() if m["definition"] == "TLP:RED")
    write("j1sync.yaml", "paths: [m]\n")
    marking = (
        "apiVersion: opencti.j1sync/v1\nkind: MarkingDefinition\nmetadata:\n  name: tlp:red\n"
        "spec:\n  definition_type: tlp\n"
    )
    write("m/groups.yaml", group("analysts"), group("spaced"), group("Other"), marking)
    before = emu.snapshot()
    for command in ("plan", "apply"):
        args = [command, "m", *(["--auto-approve"] if command == "apply" else [])]
        result = opencti_run(emu, *args)
        assert result.exit_code == 1, result.output
        assert (
            f"m/groups.yaml:4:9: opencti.Group/analysts: metadata.name: OpenCTI holds the Group "
            f"'Analysts' (id {analysts['id']}) and takes 'analysts' for the same name (its names "
            "do not tell case or outer spaces apart): write metadata.name as OpenCTI has it, "
            "or rename that Group in OpenCTI"
        ) in result.output
        assert (
            f"opencti.Group/spaced: metadata.name: OpenCTI holds the Group '  Spaced' "
            f"(id {spaced['id']})"
        ) in result.output
        assert "rename that Group in OpenCTI (no manifest may have its name)" in result.output
        assert (
            f"opencti.MarkingDefinition/tlp:red: metadata.name: OpenCTI holds the "
            f"MarkingDefinition 'TLP:RED' (id {red['id']})"
        ) in result.output
        assert "Plan:" not in result.output
    assert emu.snapshot() == before  # nothing made, nothing changed

    # written as OpenCTI has them, they are the live objects (adopted, not created)
    write("m/groups.yaml", group("Analysts"), group("Other"))
    applied = opencti_run(emu, "apply", "m", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "1 created, 1 updated" in applied.output
    planned = opencti_run(emu, "plan", "m", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    names = sorted(g["name"] for g in emu.snapshot()["groups"])
    assert names.count("Analysts") == 1 and "analysts" not in names
