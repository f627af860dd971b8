"""The data kinds' normalization, names and patches, without a server: what a manifest and
what the API give compare equal when they mean the same; an update's fieldPatch holds only
what differs; built-ins are never managed; j1sync's lock entries are no vocabulary."""

from __future__ import annotations

from typing import Any

import pytest

from j1sync.engine.contract import DesiredObject
from j1sync.providers.opencti.client import OpenCtiClient
from j1sync.providers.opencti.export import SPEC_BUILDERS
from j1sync.providers.opencti.kinds_base import OpenCtiKind
from j1sync.providers.opencti.kinds_data import (
    KillChainPhaseKind,
    LabelKind,
    MarkingDefinitionKind,
    VocabularyKind,
)
from j1sync.providers.opencti.lock_store import LOCK_CATEGORY, LOCK_PREFIX
from j1sync.providers.opencti.settings import OpenCtiSettings

CLIENT = OpenCtiClient(OpenCtiSettings(token="t" * 36, url="https://opencti.example.com"))


class NoResolver:
    def id_of(self, address: str) -> str:
        raise AssertionError(address)


def _kind(cls: type[OpenCtiKind], tag: str = "j1sync") -> OpenCtiKind:
    return cls(CLIENT, tag)


def _desired(kind: OpenCtiKind, name: str, spec: dict[str, Any]) -> DesiredObject:
    values = kind.spec_model.model_validate(spec).model_dump(mode="json")
    return DesiredObject(kind.kind, name, kind.normalize(values, desired=True))


def _raw(**fields: Any) -> dict[str, Any]:
    return {"id": "0b5e9d2a-1111-4c2b-9a77-5d1e2f3a4b5c", **fields}


def test_a_label_colour_left_out_is_unmanaged_and_null_reads_as_empty() -> None:
    labels = _kind(LabelKind)
    assert _desired(labels, "phishing", {}).state == {}
    assert _desired(labels, "phishing", {"color": "#ff0000"}).state == {"color": "#ff0000"}
    live = labels.live_object(_raw(value="phishing", color=None))
    assert (live.kind, live.name, live.state) == ("opencti.Label", "phishing", {"color": ""})
    assert not live.managed and not live.builtin
    assert labels.key_input("phishing") == {"value": "phishing"}


def test_a_marking_is_named_by_its_definition_and_tlp_pap_are_built_in() -> None:
    markings = _kind(MarkingDefinitionKind)
    red = markings.live_object(
        _raw(definition_type="TLP", definition="TLP:RED", x_opencti_order=4, x_opencti_color=None)
    )
    assert red.name == "TLP:RED" and red.builtin
    ours = markings.live_object(_raw(definition_type="statement", definition="INTERNAL"))
    assert ours.name == "INTERNAL" and not ours.builtin
    assert ours.state == {
        "definition_type": "statement",
        "x_opencti_order": 0,
        "x_opencti_color": "",
    }
    desired = _desired(markings, "INTERNAL", {"definition_type": "statement"})
    assert desired.state == {"definition_type": "statement", "x_opencti_order": 0}
    body = markings.create_input(desired, NoResolver())
    assert body == {"definition": "INTERNAL", "definition_type": "statement", "x_opencti_order": 0}


def test_a_kill_chain_phase_is_chain_colon_phase_split_at_the_first_colon() -> None:
    phases = _kind(KillChainPhaseKind)
    live = phases.live_object(_raw(kill_chain_name="mitre-attack", phase_name="a:b"))
    assert live.name == "mitre-attack:a:b"
    assert phases.key_input("mitre-attack:a:b") == {
        "kill_chain_name": "mitre-attack",
        "phase_name": "a:b",
    }


def test_a_vocabulary_carries_the_marker_and_its_aliases_are_a_set() -> None:
    vocabularies = _kind(VocabularyKind, "team-a")
    desired = _desired(
        vocabularies,
        "report_types_ov:x",
        {"description": "Text.\r\n", "aliases": ["b", "a", "b"]},
    )
    assert desired.state == {
        "description": "Text.\n\nmanaged-by: team-a",
        "aliases": ["a", "b"],
        "is_hidden": False,
    }
    raw = _raw(
        category={"key": "report_types_ov"},
        name="x",
        description="Text.\n\nmanaged-by: team-a",
        aliases=["b", "a"],
        order=3,
        is_hidden=False,
        builtIn=False,
    )
    live = vocabularies.live_object(raw)
    assert live.name == "report_types_ov:x" and live.managed
    assert {k: live.state[k] for k in desired.state} == desired.state
    other_team = _kind(VocabularyKind, "team-b").live_object(raw)
    assert not other_team.managed
    built_in = vocabularies.live_object({**raw, "builtIn": True})
    assert built_in.builtin and not built_in.managed  # never pruned, marker or not


def test_j1syncs_lock_entries_are_no_vocabulary() -> None:
    vocabularies = _kind(VocabularyKind)
    lock = _raw(category={"key": LOCK_CATEGORY}, name=f"{LOCK_PREFIX}lock", description="x")
    plain = _raw(category={"key": "report_types_ov"}, name="threat-report", description="")
    assert [o.name for o in vocabularies.live_objects([lock, plain])] == [
        "report_types_ov:threat-report"
    ]


def test_an_update_patches_only_what_differs() -> None:
    vocabularies = _kind(VocabularyKind)
    live = vocabularies.live_object(
        _raw(
            category={"key": "report_types_ov"},
            name="x",
            description="Old.\n\nmanaged-by: j1sync",
            aliases=["keep", "drop"],
            order=2,
            is_hidden=False,
        )
    )
    desired = _desired(
        vocabularies, "report_types_ov:x", {"description": "Old.", "aliases": ["keep", "new"]}
    )
    assert vocabularies.patch_edits(live, desired, NoResolver()) == [
        {"key": "aliases", "value": ["new"], "operation": "add"},
        {"key": "aliases", "value": ["drop"], "operation": "remove"},
    ]
    hidden = _desired(vocabularies, "report_types_ov:x", {"description": "New.", "is_hidden": True})
    assert vocabularies.patch_edits(live, hidden, NoResolver()) == [
        {"key": "description", "value": ["New.\n\nmanaged-by: j1sync"], "operation": "replace"},
        {"key": "aliases", "value": ["drop", "keep"], "operation": "remove"},
        {"key": "is_hidden", "value": [True], "operation": "replace"},
    ]


def test_what_the_add_input_cannot_carry_is_patched_after_the_create() -> None:
    vocabularies = _kind(VocabularyKind)
    desired = _desired(vocabularies, "report_types_ov:x", {"is_hidden": True, "order": 4})
    body = vocabularies.create_input(desired, NoResolver())
    assert body == {
        "category": "report_types_ov",
        "name": "x",
        "description": "managed-by: j1sync",
        "aliases": [],
        "order": 4,
    }
    assert vocabularies.create_patch(desired) == [
        {"key": "is_hidden", "value": [True], "operation": "replace"}
    ]
    shown = _desired(vocabularies, "report_types_ov:y", {})
    assert vocabularies.create_patch(shown) == []  # is_hidden false is what a create makes


@pytest.mark.parametrize(
    ("cls", "raw", "spec"),
    [
        (LabelKind, _raw(value="l", color="#123456"), {"color": "#123456"}),
        (LabelKind, _raw(value="l", color=None), {}),
        (
            VocabularyKind,
            _raw(
                category={"key": "report_types_ov"},
                name="x",
                description="Kept.\n\nmanaged-by: j1sync",
                aliases=[],
                order=0,
                is_hidden=False,
            ),
            {"description": "Kept.", "order": 0},
        ),
    ],
)
def test_export_writes_the_smallest_spec_that_means_the_live_object(
    cls: type[OpenCtiKind], raw: dict[str, Any], spec: dict[str, Any]
) -> None:
    kind = _kind(cls)
    live = kind.live_object(raw)
    exported = SPEC_BUILDERS[kind.kind](live, "j1sync")
    assert exported == spec
    again = _desired(kind, live.name, exported)
    assert {k: live.state[k] for k in again.state} == again.state
