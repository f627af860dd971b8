"""OpenCTI's standard ids: a uuidv5 of the natural key, as the platform derives them.

STIX meta objects (marking definitions, labels, kill chain phases, vocabularies) follow
pycti 6.9.17's own `generate_id` functions: the canonical JSON of the key fields, a uuidv5
in the OASIS namespace, the type's STIX prefix; the five TLP markings have OpenCTI's fixed
ids. Internal objects (roles, groups, capabilities, status templates) are not STIX: OpenCTI
derives them the same way in its own namespace (the namespace and the key fields here are
a guess from OpenCTI's identifier module; docs/api-fidelity.md, "OpenCTI"). Which object
an add or a rename meets is decided on the key as OpenCTI folds it (`platform_key`), not
on these ids: pycti's `generate_id` keeps a label's case, the platform does not.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from j1sync.canonical import canonical_json
from j1sync.providers.opencti.keys import folded

# what OpenCTI stores as every STIX object's `spec_version` (STIX_SPEC_VERSION)
STIX_SPEC_VERSION = "2.1"
OASIS_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
OPENCTI_NAMESPACE = uuid.UUID("b639ff3b-00eb-42ed-aa36-a8dd6f8fb4cf")  # a guess, see above

TLP_IDS = {
    "TLP:CLEAR": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    "TLP:WHITE": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    "TLP:GREEN": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    "TLP:AMBER": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    "TLP:AMBER+STRICT": "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37",
    "TLP:RED": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}

# entity_type -> (id prefix, key fields, namespace)
KEYS: Mapping[str, tuple[str, tuple[str, ...], uuid.UUID]] = {
    "Marking-Definition": (
        "marking-definition",
        ("definition_type", "definition"),
        OASIS_NAMESPACE,
    ),
    "Label": ("label", ("value",), OASIS_NAMESPACE),
    "Kill-Chain-Phase": ("kill-chain-phase", ("phase_name", "kill_chain_name"), OASIS_NAMESPACE),
    "Vocabulary": ("vocabulary", ("name", "category"), OASIS_NAMESPACE),
    "Role": ("role", ("name",), OPENCTI_NAMESPACE),
    "Group": ("group", ("name",), OPENCTI_NAMESPACE),
    "Capability": ("capability", ("name",), OPENCTI_NAMESPACE),
    "Status-Template": ("status-template", ("name",), OPENCTI_NAMESPACE),
}


def natural_key(entity_type: str, obj: Mapping[str, object]) -> tuple[str, ...]:
    """The values of the kind's natural key (case kept)."""
    return tuple(str(obj.get(field) or "") for field in KEYS[entity_type][1])


def platform_key(entity_type: str, obj: Mapping[str, object]) -> tuple[str, ...]:
    """The natural key as OpenCTI compares it (keys.KEY_FOLDS: `Analysts` and `analysts`
    are one group): what an `xxxAdd` upserts into and a rename must not land on."""
    return tuple(
        folded(entity_type, field, value)
        for field, value in zip(KEYS[entity_type][1], natural_key(entity_type, obj), strict=True)
    )


def standard_id(entity_type: str, obj: Mapping[str, object]) -> str:
    """The standard id OpenCTI gives an object of this type with these key values."""
    prefix, fields, namespace = KEYS[entity_type]
    if entity_type == "Marking-Definition" and obj.get("definition_type") == "TLP":
        fixed = TLP_IDS.get(str(obj.get("definition")))
        if fixed is not None:
            return fixed
    data = canonical_json({field: obj.get(field) for field in fields})
    return f"{prefix}--{uuid.uuid5(namespace, data)}"
