"""OpenCTI registered with the contract suite: random manifests and platforms built from the
schema's objects (../shared/reference/opencti/schema-6.9.17.graphql) and the emulator of
j1sync.providers.opencti.

Names come from small pools per kind that include what a fresh platform holds (`TLP:RED`,
the `Default` role, the `NEW` status template, built-in vocabularies...), so manifests
often meet a live object of the same natural key: built-in (adopted when declared, never
deleted), unmanaged (no marker: adopted when declared, else never touched) or, for the
kinds with a description (docs/opencti.md, "Ownership"), managed (the marker line ends
its description: updated, or deleted when no manifest declares it). Kinds without a
marker are pruned only when j1sync.yaml opts in, which the suite never does: their
undeclared objects stay as they are. A manifest names only objects the manifests declare
or a fresh platform's own; a live object names built-ins or objects of its own standing
(an unmanaged group never names a managed role, which apply may delete).
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from j1sync.emulator.faults import FaultSwitches, Stats
from j1sync.providers.marker import is_managed, marker_line
from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from j1sync.providers.opencti.emulator.ids import KEYS, standard_id
from j1sync.providers.opencti.emulator.seed import WORKFLOW_TYPES, seed_objects
from j1sync.providers.opencti.lock_store import is_lock_entry
from j1sync.providers.opencti.models import API_VERSION, KIND_CLASSES, SPEC_MODELS
from j1sync.providers.opencti.models_sharing import SETTINGS_NAME
from j1sync.providers.opencti.ownership import BUILT_IN_NAMES
from tests.contract.systems import (
    Case,
    ContractSystem,
    FieldChange,
    Snapshot,
    by_id,
    document_files,
    spec_fields,
)

MANAGED_TAG = "j1sync"
MARKER = marker_line(MANAGED_TAG)
HAND_EDIT = "Edited by hand in the contract suite"
STAMP = "2026-02-02T00:00:00.000Z"
_IDS = uuid.UUID("5b0f7d0e-1c8e-4d7e-b7f5-2f1f0c3a9e11")


def _name(obj: Mapping[str, Any]) -> str:
    return str(obj.get("name") or "")


@dataclass(frozen=True)
class Stored:
    """How one kind is stored in the emulator: its collection, entity type and the
    natural key (metadata.name) of a stored object."""

    collection: str
    entity_type: str
    key: Callable[[Mapping[str, Any]], str]


STORED: dict[str, Stored] = {
    "MarkingDefinition": Stored(
        "markings", "Marking-Definition", lambda o: str(o.get("definition") or "")
    ),
    "Label": Stored("labels", "Label", lambda o: str(o.get("value") or "")),
    "KillChainPhase": Stored(
        "kill_chain_phases",
        "Kill-Chain-Phase",
        lambda o: f"{o.get('kill_chain_name')}:{o.get('phase_name')}",
    ),
    "Vocabulary": Stored(
        "vocabularies", "Vocabulary", lambda o: f"{o.get('category')}:{o.get('name')}"
    ),
    "Role": Stored("roles", "Role", _name),
    "Group": Stored("groups", "Group", _name),
    "StatusTemplate": Stored("status_templates", "Status-Template", _name),
    # a workflow is its entity type's statuses: each status names the type
    "Workflow": Stored("statuses", "Status", lambda o: str(o.get("type") or "")),
    "TaxiiCollection": Stored("taxii_collections", "TaxiiCollection", _name),
    "StreamCollection": Stored("stream_collections", "StreamCollection", _name),
    "Feed": Stored("feeds", "Feed", _name),
    "Settings": Stored("settings", "Settings", lambda o: SETTINGS_NAME),
}
KINDS = tuple(kind for kind in KIND_CLASSES if kind in STORED)  # dependency order
COLLECTIONS = {kind: STORED[kind].collection for kind in KINDS}
TAGGED = {kind for kind in KINDS if KIND_CLASSES[kind].prune == "tagged"}
MARKER_FIELD = {kind: KIND_CLASSES[kind].marker_field for kind in KINDS}

# What a fresh platform holds (the emulator's "fresh" seed), by collection and by kind.
FRESH = seed_objects()
FRESH_BY_KEY: dict[str, dict[str, dict[str, Any]]] = {
    kind: {STORED[kind].key(o): o for o in FRESH.get(STORED[kind].collection, [])} for kind in KINDS
}
CAPABILITY_IDS = {str(c["name"]): str(c["id"]) for c in FRESH["capabilities"]}
# What a fresh platform holds, and what j1sync never deletes (a name it may hold).
EXISTING: dict[str, frozenset[str]] = {kind: frozenset(FRESH_BY_KEY[kind]) for kind in KINDS}
BUILT_IN: dict[str, frozenset[str]] = {
    kind: frozenset(FRESH_BY_KEY[kind]) | BUILT_IN_NAMES.get(kind, frozenset()) for kind in KINDS
}

CAPABILITIES = tuple(str(c["name"]) for c in FRESH["capabilities"])
ENTITY_TYPES = ("Report", "Indicator", "Malware")
FEED_ATTRIBUTES = ("name", "description", "created_at", "pattern_type")

# Natural keys per kind: some a fresh platform holds, some it does not.
NAMES: dict[str, tuple[str, ...]] = {
    "MarkingDefinition": ("TLP:RED", "PAP:GREEN", "CONFIDENTIAL", "ACME: internal use"),
    "Label": ("phishing", "apt-28", "Ünïcödé", "yes"),
    "KillChainPhase": (
        "mitre-attack:initial-access",
        "mitre-attack:execution",
        "lockheed-martin-cyber-kill-chain:delivery",
    ),
    "Vocabulary": (
        "report_types_ov:threat-report",
        "case_severity_ov:low",
        "report_types_ov:postmortem",
        "malware_type_ov:wiper",
    ),
    "Role": ("Default", "Connector", "Analyst", "Read only"),
    "Group": ("Default", "Intel team", "Partners"),
    "StatusTemplate": ("NEW", "CLOSED", "PEER_REVIEW", "ON HOLD"),
    "Workflow": ("Report", "Grouping", "Case-Incident"),
    "TaxiiCollection": ("Indicators", "yes", "Partner feed"),
    "StreamCollection": ("Live reports", "Ünïcödé stream"),
    "Feed": ("Daily indicators", "1.5"),
    "Settings": (SETTINGS_NAME,),
}

# Text: letters, digits, punctuation, spaces and YAML look-alikes; `$` would start an
# ${env:...} reference.
_CHARS = st.characters(codec="utf-8", categories=("L", "N", "P", "Zs"), exclude_characters="$")
_TRICKY = ("yes", "null", "0", "1.5", "a: b", "- x", "#hash", "two\nlines", "Ünïcödé")
text = st.one_of(st.text(_CHARS, max_size=12), st.sampled_from(_TRICKY))
word = st.one_of(
    st.text(_CHARS, min_size=1, max_size=10).filter(lambda s: s.strip() == s and s != ""),
    st.sampled_from(("yes", "null", "1.5", "Ünïcödé")),
)
colors = st.sampled_from(("#ffffff", "#c62828", "#2e7d32", "#5c7bf5"))
orders = st.integers(0, 20)
confidence = st.integers(0, 100)

Available = Mapping[str, Sequence[str]]  # kind -> names a new object may name


def optional(draw: st.DrawFn, target: dict[str, Any], key: str, values: Any) -> None:
    """Set `key` (or leave it out, so the default applies or it stays unmanaged)."""
    if draw(st.booleans()):
        target[key] = draw(values)


def some(draw: st.DrawFn, names: Sequence[str], max_size: int = 2, min_size: int = 0) -> list[str]:
    if not names:
        return []
    return draw(
        st.lists(st.sampled_from(sorted(names)), min_size=min_size, max_size=max_size, unique=True)
    )


def _one_per_type(names: Sequence[str]) -> list[str]:
    """The first of `names` of each marking type."""
    firsts: dict[str, str] = {}
    for name in names:
        firsts.setdefault(marking_type(name), name)
    return list(firsts.values())


def marking_type(name: str) -> str:
    """A built-in marking's own type (TLP, PAP); another for the others."""
    prefix = name.partition(":")[0]
    return prefix if prefix in ("TLP", "PAP") else "statement"


@st.composite
def filter_groups(draw: st.DrawFn) -> dict[str, Any]:
    """An OpenCTI FilterGroup, some of its defaults left out."""
    one: dict[str, Any] = {"key": draw(st.sampled_from(("entity_type", ["confidence"])))}
    one["values"] = some(draw, ENTITY_TYPES, min_size=1) if one["key"] == "entity_type" else ["50"]
    optional(draw, one, "operator", st.sampled_from(("eq", "not_eq")))
    optional(draw, one, "mode", st.sampled_from(("and", "or")))
    group: dict[str, Any] = {"filters": [one]}
    optional(draw, group, "mode", st.sampled_from(("and", "or")))
    if draw(st.booleans()):
        group["filterGroups"] = [{"mode": "or", "filters": [{"key": "objectLabel", "values": []}]}]
    return group


@st.composite
def feed_columns(draw: st.DrawFn, types: Sequence[str]) -> list[dict[str, Any]]:
    names = draw(st.lists(st.sampled_from(FEED_ATTRIBUTES), min_size=1, max_size=2, unique=True))
    return [
        {
            "attribute": column,
            "mappings": [
                {"type": kind, "attribute": draw(st.sampled_from(FEED_ATTRIBUTES))}
                for kind in types
            ],
        }
        for column in names
    ]


@st.composite
def spec_of(draw: st.DrawFn, kind: str, name: str, available: Available) -> dict[str, Any]:
    """A valid manifest spec of `kind` for the object `name`, naming only `available`
    objects."""
    spec: dict[str, Any] = {}
    if kind == "MarkingDefinition":
        spec["definition_type"] = marking_type(name)
        optional(draw, spec, "x_opencti_order", orders)
        optional(draw, spec, "x_opencti_color", colors)
    elif kind in ("Label", "StatusTemplate"):
        if kind == "StatusTemplate" or draw(st.booleans()):
            spec["color"] = draw(colors)
    elif kind == "KillChainPhase":
        optional(draw, spec, "x_opencti_order", orders)
    elif kind == "Vocabulary":
        optional(draw, spec, "description", text)
        optional(draw, spec, "aliases", st.lists(word, max_size=2, unique=True))
        optional(draw, spec, "order", orders)
        optional(draw, spec, "is_hidden", st.booleans())
    elif kind == "Role":
        optional(draw, spec, "description", text)
        spec["capabilities"] = some(draw, CAPABILITIES, max_size=3)
        optional(draw, spec, "can_manage_sensitive_config", st.booleans())
    elif kind == "Group":
        optional(draw, spec, "description", text)
        level: dict[str, Any] = {"max_confidence": draw(confidence)}
        overrides = some(draw, ENTITY_TYPES, max_size=1)
        if overrides:
            level["overrides"] = [
                {"entity_type": t, "max_confidence": draw(confidence)} for t in overrides
            ]
        spec["group_confidence_level"] = level
        spec["roles"] = some(draw, available["Role"])
        markings = available["MarkingDefinition"]
        optional(draw, spec, "allowed_marking", st.just(some(draw, markings, max_size=3)))
        optional(draw, spec, "max_shareable_marking", st.just(some(draw, markings, max_size=1)))
        types = st.just(some(draw, ("TLP", "PAP", "statement")))
        optional(draw, spec, "not_shareable_marking_types", types)
        if draw(st.booleans()):
            # one marking per type: OpenCTI keeps only the highest of a type (cleanMarkings)
            spec["default_marking"] = [
                {"entity_type": t, "values": _one_per_type(some(draw, markings, min_size=1))}
                for t in some(draw, ("GLOBAL", "Report"), min_size=1)
            ]
        optional(draw, spec, "default_hidden_types", st.just(some(draw, ENTITY_TYPES)))
        for flag in ("default_assignation", "auto_new_marking", "no_creators", "restrict_delete"):
            optional(draw, spec, flag, st.booleans())
    elif kind == "Workflow":
        spec["statuses"] = some(draw, available["StatusTemplate"], max_size=3)
    elif kind in ("TaxiiCollection", "StreamCollection", "Feed"):
        optional(draw, spec, "description", text)
        optional(draw, spec, "filters", filter_groups())
        if kind == "TaxiiCollection":
            for flag in ("include_inferences", "score_to_confidence", "taxii_public"):
                optional(draw, spec, flag, st.booleans())
        elif kind == "StreamCollection":
            for flag in ("stream_live", "stream_public"):
                optional(draw, spec, flag, st.booleans())
        else:
            spec["feed_types"] = some(draw, ENTITY_TYPES[:2], min_size=1)
            spec["feed_attributes"] = draw(feed_columns(spec["feed_types"]))
            optional(draw, spec, "separator", st.sampled_from((";", ",", "|")))
            optional(
                draw, spec, "feed_date_attribute", st.sampled_from(("created_at", "updated_at"))
            )
            optional(draw, spec, "rolling_time", st.integers(1, 10_000))
            for flag in ("include_header", "feed_public"):
                optional(draw, spec, flag, st.booleans())
    elif kind == "Settings":
        texts = st.one_of(st.none(), text)
        for field in ("platform_title", "platform_login_message", "platform_banner_text"):
            optional(draw, spec, field, texts)
        optional(draw, spec, "platform_email", st.sampled_from(("ops@example.com", "a@b.io")))
        optional(draw, spec, "platform_language", st.sampled_from(("auto", "en-us", "fr-fr")))
        optional(draw, spec, "platform_banner_level", st.sampled_from(("GREEN", "RED", None)))
        optional(draw, spec, "platform_whitemark", st.booleans())
    return spec


@st.composite
def manifests(draw: st.DrawFn) -> list[tuple[str, str, dict[str, Any]]]:
    """Manifests of every kind, in dependency order, naming what came before them or a
    fresh platform's own objects."""
    available: dict[str, list[str]] = {kind: sorted(EXISTING[kind]) for kind in KINDS}
    result: list[tuple[str, str, dict[str, Any]]] = []
    for kind in KINDS:
        for name in draw(st.lists(st.sampled_from(NAMES[kind]), max_size=2, unique=True)):
            result.append((kind, name, draw(spec_of(kind, name, available))))
            if name not in available[kind]:
                available[kind].append(name)
    if not result:  # a folder without OpenCTI manifests does not name the system
        name = NAMES["Label"][0]
        result.append(("Label", name, draw(spec_of("Label", name, available))))
    return result


def object_id(kind: str, name: str) -> str:
    """The internal id of a stored object: a fresh platform's, or one made for the name."""
    built_in = FRESH_BY_KEY[kind].get(name)
    if built_in is not None:
        return str(built_in["id"])
    return str(uuid.uuid5(_IDS, f"{kind}/{name}"))


def _ids(kind: str, names: Sequence[str]) -> list[str]:
    return [object_id(kind, name) for name in names]


def _stored_fields(kind: str, name: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """The spec's values as the platform stores them (relations by internal id, filters as
    JSON text, the defaults of what the spec leaves out)."""
    fields: dict[str, Any] = copy.deepcopy(dict(spec))
    if kind == "MarkingDefinition":
        fields["definition"] = name
        fields.setdefault("x_opencti_order", 0)
        fields.setdefault("x_opencti_color", "#ffffff")
    elif kind in ("Label", "StatusTemplate"):
        fields["value" if kind == "Label" else "name"] = name
        fields.setdefault("color", "#ffffff")
    elif kind == "KillChainPhase":
        fields["kill_chain_name"], _, fields["phase_name"] = name.partition(":")
        fields.setdefault("x_opencti_order", 0)
    elif kind == "Vocabulary":
        fields["category"], _, fields["name"] = name.partition(":")
        fields.setdefault("aliases", [])
        fields.setdefault("is_hidden", False)
        fields.setdefault("order", 0)
    elif kind == "Role":
        fields["name"] = name
        fields["capability_ids"] = [CAPABILITY_IDS[c] for c in fields.pop("capabilities", [])]
        fields.setdefault("can_manage_sensitive_config", False)
    elif kind == "Group":
        fields["name"] = name
        fields["role_ids"] = _ids("Role", fields.pop("roles", []))
        fields["allowed_marking_ids"] = _ids("MarkingDefinition", fields.pop("allowed_marking", []))
        # one attribute, as OpenCTI stores it: {type, value} per shareable marking,
        # value 'none' per type not shareable
        shareable = fields.pop("max_shareable_marking", [])
        fields["max_shareable_markings"] = [
            {"type": marking_type(m), "value": object_id("MarkingDefinition", m)} for m in shareable
        ] + [{"type": t, "value": "none"} for t in fields.pop("not_shareable_marking_types", [])]
        fields["default_marking"] = [
            {"entity_type": d["entity_type"], "values": _ids("MarkingDefinition", d["values"])}
            for d in fields.get("default_marking", [])
        ]
        level = fields["group_confidence_level"]
        level.setdefault("overrides", [])
        fields.setdefault("default_hidden_types", [])
        for flag in ("default_assignation", "auto_new_marking", "no_creators", "restrict_delete"):
            fields.setdefault(flag, False)
    elif kind in ("TaxiiCollection", "StreamCollection", "Feed"):
        fields["name"] = name
        # OpenCTI keeps filters as JSON text (spaced as its UI writes them)
        filters = fields.get("filters")
        fields["filters"] = json.dumps(filters, indent=1) if filters is not None else None
        fields["authorized_members"] = []
        flags = {
            "TaxiiCollection": ("include_inferences", "score_to_confidence", "taxii_public"),
            "StreamCollection": ("stream_live", "stream_public"),
            "Feed": ("feed_public",),
        }[kind]
        for flag in flags:
            fields.setdefault(flag, False)
        if kind == "Feed":
            fields.setdefault("separator", ";")
            fields.setdefault("feed_date_attribute", "created_at")
            fields.setdefault("rolling_time", 60)
            fields.setdefault("include_header", True)
    return fields


def stored(kind: str, name: str, spec: Mapping[str, Any], managed: bool) -> list[dict[str, Any]]:
    """The objects the platform stores for one object of `kind`: a built-in's own record
    with the spec's fields, or a new record (id, standard id, time stamps) holding them; a
    workflow's statuses. `managed`: the marker ends its description."""
    if kind == "Workflow":
        return [
            {
                "id": str(uuid.uuid5(_IDS, f"status/{name}/{index}")),
                "standard_id": f"status--{uuid.uuid5(_IDS, f'status/{name}/{index}')}",
                "entity_type": "Status",
                "created_at": STAMP,
                "updated_at": STAMP,
                "type": name,
                "template_id": object_id("StatusTemplate", template),
                "order": index * 10,
                "scope": "GLOBAL",
            }
            for index, template in enumerate(spec.get("statuses", []), start=1)
        ]
    fields = _stored_fields(kind, name, spec)
    marker_field = MARKER_FIELD[kind]
    if marker_field is not None:
        held = str(fields.get(marker_field) or "").rstrip()
        if managed:
            held = f"{held}\n\n{MARKER}" if held else MARKER
        fields[marker_field] = held or None
    built_in = FRESH_BY_KEY[kind].get(name)
    if built_in is not None:  # a fresh platform's object, edited by hand
        return [{**copy.deepcopy(built_in), **fields}]
    entity_type = STORED[kind].entity_type
    obj: dict[str, Any] = {
        "id": object_id(kind, name),
        "entity_type": entity_type,
        "created_at": STAMP,
        "updated_at": STAMP,
        **fields,
    }
    if kind in ("MarkingDefinition", "Vocabulary"):
        obj.update(created=STAMP, modified=STAMP)
    if kind == "Vocabulary":
        obj["builtIn"] = False
    obj["standard_id"] = (
        standard_id(entity_type, obj)
        if entity_type in KEYS
        else f"{entity_type.lower()}--{obj['id']}"
    )
    return [obj]


@st.composite
def accounts(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """Live objects by collection, beside a fresh platform's (replacing a built-in of the
    same natural key): managed ones (the marker ends their description), unmanaged ones
    and hand-edited built-ins."""
    objects: dict[str, list[dict[str, Any]]] = {}
    # what a managed / an unmanaged live object may name
    reach = {managed: {kind: sorted(EXISTING[kind]) for kind in KINDS} for managed in (True, False)}
    for kind in KINDS:
        for name in draw(st.lists(st.sampled_from(NAMES[kind]), max_size=2, unique=True)):
            # a built-in is never managed, whatever its description says
            managed = kind in TAGGED and name not in BUILT_IN[kind] and draw(st.booleans())
            spec = draw(spec_of(kind, name, reach[managed]))
            objects.setdefault(COLLECTIONS[kind], []).extend(stored(kind, name, spec, managed))
            if name not in BUILT_IN[kind]:
                reach[managed][kind].append(name)
                if not managed:  # a managed object may name an unmanaged one
                    reach[True][kind].append(name)
    return objects


@st.composite
def cases(draw: st.DrawFn) -> Case:
    documents = draw(manifests())
    account = draw(accounts())
    return Case(
        files=document_files(API_VERSION, documents),
        account=account,
        addresses=frozenset(f"opencti.{kind}/{name}" for kind, name, _ in documents),
        facts={(kind, name): spec for kind, name, spec in documents},
    )


# -- the emulator ------------------------------------------------------------------------


@dataclass
class OpenCtiTarget:
    emu: OpenCtiEmulator

    @property
    def switches(self) -> FaultSwitches:
        return self.emu.switches

    @property
    def stats(self) -> Stats:
        return self.emu.stats

    def env(self) -> dict[str, str]:
        return {"OPENCTI_URL": self.emu.url, "OPENCTI_TOKEN": self.emu.token}

    def reset(self, account: Mapping[str, list[dict[str, Any]]]) -> None:
        """A fresh platform's objects, replaced or joined by `account`'s (the users and
        their tokens kept)."""
        self.emu.reset("fresh")
        store = self.emu.store
        with self.emu.api.lock:
            for collection, objects in account.items():
                for obj in copy.deepcopy(objects):
                    if store.get(collection, obj["id"]) is None:
                        store.insert(collection, obj)
                    else:
                        store.replace(collection, obj)
        switches = self.emu.switches
        switches.rate_429 = switches.fail_rate = switches.lose_responses = 0.0
        switches.clear_failures()
        switches.retry_after_s = 0  # a 429 is retried at once (the emulator's default: 1 s)
        switches.reseed(11)
        self.emu.stats.reset()

    def snapshot(self) -> Snapshot:
        return self.emu.snapshot()

    def __repr__(self) -> str:
        return f"OpenCtiTarget({self.emu.url})"


@contextmanager
def emulator() -> Iterator[OpenCtiTarget]:
    with running_opencti_emulator(seed="fresh") as emu:
        yield OpenCtiTarget(emu)


# -- the checks ----------------------------------------------------------------------------


def _objects(snapshot: Snapshot, kind: str) -> list[dict[str, Any]]:
    """The stored objects of `kind` (j1sync's apply-lock entries are not vocabularies)."""
    found = snapshot.get(COLLECTIONS[kind], [])
    return [o for o in found if not (kind == "Vocabulary" and is_lock_entry(o))]


def natural_keys(snapshot: Snapshot) -> dict[str, list[str]]:
    """Every object's natural key, by engine kind; every entity type with a workflow has
    one (without statuses: the platform's default)."""
    keys = {
        f"opencti.{kind}": [STORED[kind].key(o) for o in _objects(snapshot, kind)] for kind in KINDS
    }
    keys["opencti.Workflow"] = list(WORKFLOW_TYPES)
    return keys


def _is_built_in(kind: str, obj: Mapping[str, Any]) -> bool:
    return obj.get("builtIn") is True or STORED[kind].key(obj) in BUILT_IN[kind]


def exported_keys(snapshot: Snapshot) -> dict[str, list[str]]:
    """What export writes: every object but the built-ins (docs/opencti.md); the
    workflows that have statuses, and the settings."""
    keys = {
        f"opencti.{kind}": [
            STORED[kind].key(o) for o in _objects(snapshot, kind) if not _is_built_in(kind, o)
        ]
        for kind in KINDS
    }
    keys["opencti.Workflow"] = sorted(
        {STORED["Workflow"].key(o) for o in _objects(snapshot, "Workflow")}
    )
    keys["opencti.Settings"] = [SETTINGS_NAME]
    return keys


def _kind_of(collection: str) -> str | None:
    return next((k for k, c in COLLECTIONS.items() if c == collection), None)


def _managed(kind: str, obj: Mapping[str, Any]) -> bool:
    field = MARKER_FIELD[kind]
    return (
        kind in TAGGED
        and field is not None
        and not _is_built_in(kind, obj)
        and is_managed(obj.get(field), MANAGED_TAG)
    )


def unmanaged(snapshot: Snapshot, case: Case) -> dict[Hashable, Any]:
    """Objects no manifest declares and apply may not delete: everything without the
    marker, built-ins, kinds pruned only on opt-in, users and capabilities."""
    result: dict[Hashable, Any] = {}
    for collection, objects in snapshot.items():
        kind = _kind_of(collection)
        for obj in objects:
            declared = kind is not None and (kind, STORED[kind].key(obj)) in case.facts
            if declared or (kind is not None and _managed(kind, obj)):
                continue
            result[(collection, obj["id"])] = obj
    return result


def gone(snapshot: Snapshot, case: Case) -> set[Hashable]:
    """Objects with the marker that no manifest declares."""
    return {
        (COLLECTIONS[kind], obj["id"])
        for kind in KINDS
        for obj in _objects(snapshot, kind)
        if _managed(kind, obj) and (kind, STORED[kind].key(obj)) not in case.facts
    }


def _edited(kind: str, obj: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Any] | None:
    """`obj` with one field the manifest manages changed (None: nothing to change)."""
    if kind in ("MarkingDefinition", "KillChainPhase"):
        return {**obj, "x_opencti_order": int(obj.get("x_opencti_order") or 0) + 100}
    if MARKER_FIELD[kind] is not None:
        return {**obj, "description": HAND_EDIT}
    if kind in ("Label", "StatusTemplate") and "color" in spec:
        return {**obj, "color": "#010203"}
    if kind == "Settings" and spec:
        field = sorted(spec)[0]
        value = obj.get(field)
        return {**obj, field: (not value) if isinstance(value, bool) else HAND_EDIT}
    return None


def hand_edit(target: Any, case: Case) -> str | None:
    """Change a managed field of one declared object in the store (or, for a workflow,
    take a status out), as someone in the web UI would."""
    store = target.emu.store
    snapshot = target.snapshot()
    for kind in KINDS:
        for obj in _objects(snapshot, kind):
            name = STORED[kind].key(obj)
            spec = case.facts.get((kind, name))
            if spec is None:
                continue
            if kind == "Workflow":
                store.delete(COLLECTIONS[kind], str(obj["id"]))
                return f"opencti.{kind}/{name}"
            edited = _edited(kind, obj, spec)
            if edited is not None:
                store.replace(COLLECTIONS[kind], edited)
                return f"opencti.{kind}/{name}"
    return None


def adopted(change: Mapping[str, Any]) -> bool:
    """Adopting an object of a kind with a marker adds j1sync's marker line to its
    description, and nothing else."""
    before, after = change.get("before") or {}, change.get("after") or {}
    return (
        change["action"] == "update"
        and change["changed_paths"] == ["description"]
        and not is_managed(before.get("description"), MANAGED_TAG)
        and is_managed(after.get("description"), MANAGED_TAG)
    )


# -- every field ----------------------------------------------------------------------------

FILTERS = {
    "mode": "or",
    "filters": [{"key": ["entity_type"], "values": ["Indicator"], "operator": "eq", "mode": "or"}],
    "filterGroups": [],
}
# A complete manifest of each kind (every field away from its default where it has one).
BASE: dict[str, dict[str, Any]] = {
    "MarkingDefinition": {
        "definition_type": "statement",
        "x_opencti_order": 5,
        "x_opencti_color": "#c62828",
    },
    "Label": {"color": "#c62828"},
    "KillChainPhase": {"x_opencti_order": 3},
    "Vocabulary": {
        "description": "A vocabulary entry",
        "aliases": ["one"],
        "order": 4,
        "is_hidden": True,
    },
    "Role": {
        "description": "A role",
        "capabilities": ["KNOWLEDGE"],
        "can_manage_sensitive_config": True,
    },
    "Group": {
        "description": "A group",
        "group_confidence_level": {
            "max_confidence": 60,
            "overrides": [{"entity_type": "Report", "max_confidence": 80}],
        },
        "roles": ["Default"],
        "allowed_marking": ["TLP:GREEN"],
        "max_shareable_marking": ["TLP:GREEN"],
        "not_shareable_marking_types": ["PAP"],
        "default_marking": [{"entity_type": "GLOBAL", "values": ["TLP:GREEN"]}],
        "default_hidden_types": ["Malware"],
        "default_assignation": True,
        "auto_new_marking": True,
        "no_creators": True,
        "restrict_delete": True,
    },
    "StatusTemplate": {"color": "#c62828"},
    "Workflow": {"statuses": ["NEW", "IN_PROGRESS"]},
    "TaxiiCollection": {
        "description": "A collection",
        "filters": FILTERS,
        "include_inferences": True,
        "score_to_confidence": True,
        "taxii_public": True,
    },
    "StreamCollection": {
        "description": "A stream",
        "filters": FILTERS,
        "stream_live": True,
        "stream_public": True,
    },
    "Feed": {
        "description": "A feed",
        "filters": FILTERS,
        "separator": ",",
        "feed_date_attribute": "updated_at",
        "rolling_time": 120,
        "include_header": False,
        "feed_types": ["Indicator"],
        "feed_attributes": [
            {"attribute": "value", "mappings": [{"type": "Indicator", "attribute": "name"}]}
        ],
        "feed_public": True,
    },
    "Settings": {
        "platform_title": "Contract platform",
        "platform_email": "ops@example.com",
        "platform_language": "en-us",
        "platform_favicon": "https://example.com/favicon.ico",
        "platform_login_message": "Welcome",
        "platform_consent_message": "Be careful",
        "platform_consent_confirm_text": "I agree",
        "platform_banner_text": "A banner",
        "platform_banner_level": "GREEN",
        "platform_whitemark": True,
    },
}
_FILTER_ROWS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "filters": ({**FILTERS, "mode": "and"}, ("filters.mode",)),
    "filters.mode": ("and", ("filters.mode",)),
    "filters.filters": (
        [*FILTERS["filters"], {"key": ["confidence"], "values": ["50"], "operator": "gt"}],
        ("filters.filters[1]",),
    ),
    "filters.filters[].key": (["parent_types"], ("filters.filters[0].key",)),
    "filters.filters[].values": (["Indicator", "Report"], ("filters.filters[0].values",)),
    "filters.filters[].operator": ("not_eq", ("filters.filters[0].operator",)),
    "filters.filters[].mode": ("and", ("filters.filters[0].mode",)),
    "filters.filterGroups": ([{"mode": "and", "filters": []}], ("filters.filterGroups[0]",)),
}
# A new value per field (a path of the spec; `[]`: the first item) where flipping,
# incrementing or suffixing the base value would not do, with the paths it shows at.
SPECIAL: dict[tuple[str, str], tuple[Any, tuple[str, ...]]] = {
    ("MarkingDefinition", "x_opencti_color"): ("#2e7d32", ("x_opencti_color",)),
    ("Label", "color"): ("#2e7d32", ("color",)),
    ("StatusTemplate", "color"): ("#2e7d32", ("color",)),
    ("Vocabulary", "aliases"): (["one", "two"], ("aliases",)),
    ("Role", "capabilities"): (["EXPLORE", "KNOWLEDGE"], ("capabilities",)),
    ("Group", "roles"): (["Connector", "Default"], ("roles",)),
    ("Group", "allowed_marking"): (["TLP:GREEN", "TLP:RED"], ("allowed_marking",)),
    ("Group", "max_shareable_marking"): (["TLP:AMBER"], ("max_shareable_marking",)),
    ("Group", "not_shareable_marking_types"): (["PAP", "TLP"], ("not_shareable_marking_types",)),
    ("Group", "default_hidden_types"): (["Malware", "Report"], ("default_hidden_types",)),
    ("Group", "default_marking"): (
        [*BASE["Group"]["default_marking"], {"entity_type": "Report", "values": ["TLP:RED"]}],
        ("default_marking[1]",),
    ),
    ("Group", "default_marking[].entity_type"): ("Report", ("default_marking[0].entity_type",)),
    ("Group", "default_marking[].values"): (  # one per type, as OpenCTI keeps them
        ["PAP:GREEN", "TLP:GREEN"],
        ("default_marking[0].values",),
    ),
    ("Group", "group_confidence_level"): (
        {**BASE["Group"]["group_confidence_level"], "max_confidence": 50},
        ("group_confidence_level.max_confidence",),
    ),
    ("Group", "group_confidence_level.overrides"): (
        [
            *BASE["Group"]["group_confidence_level"]["overrides"],
            {"entity_type": "Threat-Actor", "max_confidence": 10},
        ],
        ("group_confidence_level.overrides[1]",),
    ),
    ("Group", "group_confidence_level.overrides[].entity_type"): (
        "Indicator",
        ("group_confidence_level.overrides[0].entity_type",),
    ),
    ("Workflow", "statuses"): (["NEW", "IN_PROGRESS", "CLOSED"], ("statuses",)),
    ("Feed", "separator"): (";", ("separator",)),
    ("Feed", "feed_date_attribute"): ("created_at", ("feed_date_attribute",)),
    ("Feed", "feed_attributes"): (
        [
            *BASE["Feed"]["feed_attributes"],
            {"attribute": "type", "mappings": [{"type": "Indicator", "attribute": "pattern_type"}]},
        ],
        ("feed_attributes[1]",),
    ),
    ("Feed", "feed_attributes[].mappings"): (
        [{"type": "Indicator", "attribute": "description"}],
        ("feed_attributes[0].mappings[0].attribute",),
    ),
    ("Feed", "feed_attributes[].mappings[].attribute"): (
        "description",
        ("feed_attributes[0].mappings[0].attribute",),
    ),
    ("Settings", "platform_language"): ("fr-fr", ("platform_language",)),
    ("Settings", "platform_banner_level"): ("RED", ("platform_banner_level",)),
    ("Settings", "platform_email"): ("security@example.com", ("platform_email",)),
    **{
        (kind, field): change
        for kind in ("TaxiiCollection", "StreamCollection", "Feed")
        for field, change in _FILTER_ROWS.items()
    },
}
# Rows that change more than their field: a feed lists one mapping per feed type in each
# column, so a new type needs its mappings (the whole changed spec, and its paths).
_REPORT_FEED = {
    **BASE["Feed"],
    "feed_types": ["Report"],
    "feed_attributes": [
        {"attribute": "value", "mappings": [{"type": "Report", "attribute": "name"}]}
    ],
}
WHOLE: dict[tuple[str, str], tuple[dict[str, Any], tuple[str, ...]]] = {
    ("Feed", "feed_types"): (
        {
            **BASE["Feed"],
            "feed_types": ["Indicator", "Report"],
            "feed_attributes": [
                {
                    "attribute": "value",
                    "mappings": [
                        {"type": "Indicator", "attribute": "name"},
                        {"type": "Report", "attribute": "name"},
                    ],
                }
            ],
        },
        ("feed_attributes[0].mappings[1]", "feed_types"),
    ),
    ("Feed", "feed_attributes[].mappings[].type"): (
        _REPORT_FEED,
        ("feed_attributes[0].mappings[0].type", "feed_types"),
    ),
}
ROW_NAMES: dict[str, Callable[[int], str]] = {
    "MarkingDefinition": lambda n: f"ROW-{n}",
    "Label": lambda n: f"row-{n}",
    "KillChainPhase": lambda n: f"contract-chain:phase-{n}",
    "Vocabulary": lambda n: f"report_types_ov:row-{n}",
    "Role": lambda n: f"Role row {n}",
    "Group": lambda n: f"Group row {n}",
    "StatusTemplate": lambda n: f"ROW_{n}",
    "Workflow": lambda n: "Report",
    "TaxiiCollection": lambda n: f"Collection row {n}",
    "StreamCollection": lambda n: f"Stream row {n}",
    "Feed": lambda n: f"Feed row {n}",
    "Settings": lambda n: SETTINGS_NAME,
}


def _at(spec: Any, path: str) -> Any:
    """The value at a field path (`[]`: the first item)."""
    for part in path.split("."):
        spec = spec[part.removesuffix("[]")]
        if part.endswith("[]"):
            spec = spec[0]
    return spec


def _with(spec: Any, path: str, value: Any) -> Any:
    """A copy of `spec` holding `value` at the field path."""
    spec = copy.deepcopy(spec)
    *parents, last = path.split(".")
    holder = spec
    for part in parents:
        holder = holder[part.removesuffix("[]")]
        if part.endswith("[]"):
            holder = holder[0]
    holder[last] = value
    return spec


def _new_value(kind: str, field: str, value: Any) -> tuple[Any, tuple[str, ...]]:
    """A valid value other than `value` for `kind`'s `field`, and the paths it shows at."""
    if (kind, field) in SPECIAL:
        return SPECIAL[(kind, field)]
    path = field.replace("[]", "[0]")
    if isinstance(value, bool):
        return not value, (path,)
    if isinstance(value, int):
        return value + 1, (path,)
    if isinstance(value, str):
        return f"{value} changed", (path,)
    raise AssertionError(f"no new value for {kind}.{field}: add one to SPECIAL")


def _change(
    kind: str, name: str, field: str, base: Any, changed: Any, paths: Sequence[str]
) -> FieldChange:
    return FieldChange(
        kind=kind,
        field=field,
        base=document_files(API_VERSION, [(kind, name, base)]),
        changed=document_files(API_VERSION, [(kind, name, changed)]),
        address=f"opencti.{kind}/{name}",
        paths=tuple(paths),
    )


def field_changes() -> list[FieldChange]:
    """One row per spec field of every kind (an item's field: the first item's)."""
    rows: list[FieldChange] = []
    for kind in KINDS:
        base = BASE[kind]
        for field in spec_fields(SPEC_MODELS[kind]):
            name = ROW_NAMES[kind](len(rows))
            if (kind, field) in WHOLE:
                changed, paths = WHOLE[(kind, field)]
            else:
                new, paths = _new_value(kind, field, _at(base, field))
                changed = _with(base, field, new)
            rows.append(_change(kind, name, field, base, changed, paths))
    return rows


SYSTEM = ContractSystem(
    name="opencti",
    emulator=emulator,
    cases=cases,
    natural_keys=natural_keys,
    untouchable=unmanaged,
    gone=gone,
    hand_edit=hand_edit,
    field_account={},
    field_changes=field_changes(),
    spec_models=SPEC_MODELS,
    export_accounts=accounts,
    export_args=("export", "--system", "opencti"),
    exported_keys=exported_keys,
    objects=by_id,
    adopted=adopted,
    secret_variables=("OPENCTI_TOKEN",),
)
