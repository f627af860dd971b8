"""The access kinds: Role and Group (models in models_access.py).

A role holds capabilities, a group roles and markings, as relationships
(`has-capability`, `has-role`, `accesses-to`): a change adds or deletes each relationship
that differs (`relationAdd`/`relationDelete`), never the others. A group's scalar fields
and its `default_hidden_types` list go through one fieldPatch (replace; add/remove for the
list), with its `max_shareable_marking` and `not_shareable_marking_types`, which OpenCTI
keeps as one attribute (`max_shareable_markings`, replaced whole); its default markings
through `editDefaultMarking`, one call per entity type that differs. A create is the add
mutation then the same changes from what a new object holds.

Manifests name what they hold by natural key: capabilities by name, roles by name,
markings by MarkingDefinition name (their definition, `TLP:GREEN`). A role or marking
a manifest names must be declared in the run or exist in OpenCTI, a capability must exist
in OpenCTI: otherwise the run stops before any plan, pointing at the name where its
manifest writes it (`reference_problems`, `resolve_desired`). What a role or group grants
is managed only when written (models_access.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from j1sync.engine.contract import (
    DesiredObject,
    LiveObject,
    PrunePolicy,
    Resolver,
    address_of,
)
from j1sync.errors import ApiError, ResolutionError
from j1sync.manifest.list_identity import ListIdentity
from j1sync.manifest.model_base import StrictModel
from j1sync.manifest.yaml_source import YamlDocument, document_at, format_field_path, locate
from j1sync.providers.opencti.kinds_base import (
    EditInput,
    OpenCtiKind,
    did_you_mean,
    edit,
    engine_kind,
    names_of_kind,
)
from j1sync.providers.opencti.models_access import GLOBAL_MARKING_TYPE, GroupSpec, RoleSpec
from j1sync.providers.opencti.models_sharing import NamedMetadata
from j1sync.providers.opencti.values import (
    CAPABILITY_RELATION,
    MARKING_RELATION,
    NOT_SHAREABLE,
    ROLE_RELATION,
    SHAREABLE_MARKINGS_KEY,
)

CAPABILITIES_PAGE = 500  # `capabilities(first:)` has no cursor; OpenCTI 6.9 has 49

# A group's spec field -> the kind its names are the natural keys of.
GROUP_REFERENCES: Mapping[str, str] = {
    "roles": "Role",
    "allowed_marking": "MarkingDefinition",
    "max_shareable_marking": "MarkingDefinition",
}


# A group's fields OpenCTI reads from its one `max_shareable_markings` attribute.
SHAREABLE_FIELDS = ("max_shareable_marking", "not_shareable_marking_types")


def _names(items: Any, key: str) -> list[str]:
    """The `key` of each object of an API list (`[{id, name}]` -> names)."""
    if isinstance(items, Mapping):  # a connection: edges { node }
        items = [e.get("node") for e in items.get("edges") or [] if isinstance(e, Mapping)]
    return [str(i[key]) for i in items or [] if isinstance(i, Mapping) and i.get(key)]


def _ids_by(items: Any, key: str) -> dict[str, str]:
    """`key` -> id of each object of an API list (a connection's nodes too)."""
    if isinstance(items, Mapping):
        items = [e.get("node") for e in items.get("edges") or [] if isinstance(e, Mapping)]
    return {
        str(i[key]): str(i["id"])
        for i in items or []
        if isinstance(i, Mapping) and i.get(key) and i.get("id")
    }


class AccessKind(OpenCtiKind):
    """What Role and Group share: a description carrying j1sync's marker (pruned by it),
    relationships added and deleted one by one."""

    # roleAdd's and groupAdd's names: at least 2 characters (the schema's constraint)
    metadata_model: ClassVar[type[StrictModel] | None] = NamedMetadata
    prune: PrunePolicy = "tagged"
    marker_field = "description"
    # spec field -> relationship_type, for the fields kept as relationships
    relations: ClassVar[Mapping[str, str]] = {}

    def relation_ids(self, field: str, names: Collection[str], resolver: Resolver) -> list[str]:
        """The ids of the objects a relationship field names (to add them)."""
        raise NotImplementedError

    def held_ids(self, raw: Mapping[str, Any], field: str) -> dict[str, str]:
        """name -> id of what a live object's relationship field holds (to delete them)."""
        raise NotImplementedError

    def fresh_state(self, desired: DesiredObject) -> dict[str, Any]:
        """What an object created from `desired` holds right after its add mutation."""
        fresh = self.normalize({}, desired=False)
        for key in self.add_fields or ():
            if key in desired.state:
                fresh[key] = desired.state[key]
        return fresh

    def create_patch(self, desired: DesiredObject) -> list[EditInput]:
        return []  # after_create converges from the fresh state instead

    def after_create(self, object_id: str, desired: DesiredObject, resolver: Resolver) -> None:
        held = LiveObject(self.kind, desired.name, object_id, self.fresh_state(desired))
        edits = self.patch_edits(held, desired, resolver)
        if edits:
            self.patch(object_id, edits)
        self.after_update(held, desired, resolver)

    def patch_edits(
        self, live: LiveObject, desired: DesiredObject, resolver: Resolver
    ) -> list[EditInput]:
        edits = super().patch_edits(live, desired, resolver)
        return [e for e in edits if e["key"] not in self.relations]

    def after_update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        assert live.id is not None
        for field, relation in self.relations.items():
            if field not in desired.state:
                continue
            have = set(live.state.get(field) or [])
            want = set(desired.state[field] or [])
            added = sorted(want - have)
            for target in self.relation_ids(field, added, resolver):
                self.relation_add(live.id, relation, target)
            removed = sorted(have - want)
            held = self.held_ids(live.raw, field)
            for name in removed:
                if name in held:
                    self.relation_delete(live.id, relation, held[name])

    def relation_add(self, object_id: str, relation: str, target_id: str) -> None:
        document = (
            "mutation J1syncRelationAdd($id: ID!, $input: InternalRelationshipAddInput!) {\n"
            f"  {self.edit_mutation}(id: $id) {{ relationAdd(input: $input) {{ id }} }}\n"
            "}"
        )
        variables = {"id": object_id, "input": {"toId": target_id, "relationship_type": relation}}
        self.client.mutate(f"{self.edit_mutation}.relationAdd", document, variables)

    def relation_delete(self, object_id: str, relation: str, target_id: str) -> None:
        document = (
            "mutation J1syncRelationDelete($id: ID!, $toId: StixRef!, $type: String!) {\n"
            f"  {self.edit_mutation}(id: $id) {{\n"
            "    relationDelete(toId: $toId, relationship_type: $type) { id }\n"
            "  }\n"
            "}"
        )
        variables = {"id": object_id, "toId": target_id, "type": relation}
        self.client.mutate(f"{self.edit_mutation}.relationDelete", document, variables)


class RoleKind(AccessKind):
    kind_name = "Role"
    spec_model = RoleSpec
    list_field = "roles"
    node_fields = "name description can_manage_sensitive_config capabilities { id name }"
    add_mutation = "roleAdd"
    add_input = "RoleAddInput"
    name_folded = True
    add_fields: ClassVar[frozenset[str] | None] = frozenset({"description"})
    edit_mutation = "roleEdit"
    set_fields = ("capabilities",)
    relations: ClassVar[Mapping[str, str]] = {"capabilities": CAPABILITY_RELATION}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._capabilities: dict[str, str] | None = None
        self._capabilities_lock = threading.Lock()

    def raw_values(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        values = super().raw_values(raw)
        values["capabilities"] = _names(raw.get("capabilities"), "name")
        return values

    def capability_ids(self) -> dict[str, str]:
        """Capability name -> id, as the platform has them (read once per run)."""
        with self._capabilities_lock:
            if self._capabilities is None:
                document = (
                    "query J1syncCapabilities($first: Int) {\n"
                    "  capabilities(first: $first) { edges { node { id name } } }\n"
                    "}"
                )
                data = self.client.query("capabilities", document, {"first": CAPABILITIES_PAGE})
                found = data.get("capabilities")
                edges = found.get("edges") if isinstance(found, Mapping) else None
                if not isinstance(edges, list):
                    raise ApiError(
                        "OpenCTI API (capabilities): the answer has no list of capabilities: "
                        + self.client.settings.not_the_server()
                    )
                self._capabilities = _ids_by(found, "name")
            return self._capabilities

    def relation_ids(self, field: str, names: Collection[str], resolver: Resolver) -> list[str]:
        known = self.capability_ids()
        unknown = sorted(set(names) - set(known))
        if unknown:  # a saved plan applied to a platform without them
            raise ResolutionError(
                f"{self.kind}: {', '.join(unknown)}: not a capability of this OpenCTI"
            )
        return [known[name] for name in names]

    def held_ids(self, raw: Mapping[str, Any], field: str) -> dict[str, str]:
        return _ids_by(raw.get(field), "name")

    def resolve_desired(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> tuple[list[DesiredObject], list[str]]:
        """Every capability a manifest names is one the platform has; names as the base
        class checks them."""
        problems = self.folded_name_problems(desired, live)
        if not any(obj.state.get("capabilities") for obj in desired):
            return list(desired), problems
        known = self.capability_ids()
        problems += [
            _problem(
                obj,
                Written("capabilities"),
                name,
                f"'{name}' is not a capability of this OpenCTI{did_you_mean(name, known)}",
            )
            for obj in desired
            for name in obj.state.get("capabilities") or []
            if name not in known
        ]
        return list(desired), problems


class GroupKind(AccessKind):
    kind_name = "Group"
    spec_model = GroupSpec
    name_folded = True
    list_field = "groups"
    node_fields = (
        "name description default_assignation auto_new_marking no_creators restrict_delete "
        "not_shareable_marking_types default_hidden_types "
        "roles { edges { node { id name } } } "
        "allowed_marking { id definition } "
        "max_shareable_marking { id definition definition_type } "
        "default_marking { entity_type values { id definition } } "
        "group_confidence_level { max_confidence overrides { entity_type max_confidence } }"
    )
    add_mutation = "groupAdd"
    add_input = "GroupAddInput"
    add_fields: ClassVar[frozenset[str] | None] = frozenset(
        {
            "description",
            "default_assignation",
            "auto_new_marking",
            "no_creators",
            "restrict_delete",
            "group_confidence_level",
        }
    )
    edit_mutation = "groupEdit"
    set_fields = (
        "roles",
        "allowed_marking",
        "max_shareable_marking",
        "not_shareable_marking_types",
        "default_hidden_types",
    )
    relations: ClassVar[Mapping[str, str]] = {
        "roles": ROLE_RELATION,
        "allowed_marking": MARKING_RELATION,
    }
    # a plan shows an entity type's default markings or confidence as one element
    list_identities: ClassVar[tuple[ListIdentity, ...]] = (
        ListIdentity("default_marking", ("entity_type",)),
        ListIdentity("group_confidence_level.overrides", ("entity_type",)),
    )

    # -- reading ----------------------------------------------------------------------

    def raw_values(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        values = super().raw_values(raw)
        values["roles"] = _names(raw.get("roles"), "name")
        for field in ("allowed_marking", "max_shareable_marking"):
            values[field] = _names(raw.get(field), "definition")
        values["default_marking"] = [
            {
                "entity_type": entry.get("entity_type"),
                "values": _names(entry.get("values"), "definition"),
            }
            for entry in raw.get("default_marking") or []
            if isinstance(entry, Mapping)
        ]
        return values

    def normalize(self, values: Mapping[str, Any], *, desired: bool) -> dict[str, Any]:
        """Besides the base's: confidence overrides by entity type, default markings by
        entity type with their values sorted (an entity type without any left out, as
        OpenCTI keeps one after its markings are cleared)."""
        state = super().normalize(values, desired=desired)
        level = state.get("group_confidence_level")
        if isinstance(level, Mapping):
            overrides = [o for o in level.get("overrides") or [] if isinstance(o, Mapping)]
            state["group_confidence_level"] = {
                "max_confidence": level.get("max_confidence"),
                "overrides": sorted(
                    (
                        {
                            "entity_type": o.get("entity_type"),
                            "max_confidence": o.get("max_confidence"),
                        }
                        for o in overrides
                    ),
                    key=lambda o: str(o["entity_type"]),
                ),
            }
        if "default_marking" not in state:  # left out of a manifest: not managed
            return state
        entries = [e for e in state.get("default_marking") or [] if isinstance(e, Mapping)]
        state["default_marking"] = sorted(
            (
                {
                    "entity_type": e.get("entity_type"),
                    "values": sorted({str(v) for v in e.get("values") or []}),
                }
                for e in entries
                if e.get("values")
            ),
            key=lambda e: str(e["entity_type"]),
        )
        return state

    def references(self, name: str, state: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(sorted({address_of(engine_kind(k), n) for _, k, n in _named(state)}))

    def resolve_desired(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> tuple[list[DesiredObject], list[str]]:
        """Besides the base's names: a role or marking a change must send by id is one
        live object. Several markings may share a definition (of different types); a
        group that adds one of them would be given whichever j1sync met first, so the run
        stops before any plan, naming their ids. A name the group already holds needs no
        id (an export of it plans nothing)."""
        problems = self.folded_name_problems(desired, live)
        shared: dict[str, list[LiveObject]] = {}
        for obj in live:
            shared.setdefault(obj.address, []).append(obj)
        groups = {obj.name: obj for obj in live if obj.kind == self.kind}
        for want in desired:
            have = groups.get(want.name)
            for written, kind, name in _named(want.state):
                same = shared.get(address_of(engine_kind(kind), name), [])
                if len(same) > 1 and _sends_id(want.state, have, written, name):
                    problems.append(_problem(want, written, name, _shared_message(kind, same)))
            problems += _outranked_defaults(want, shared)
        return list(desired), problems

    def reference_problems(
        self, desired: Sequence[DesiredObject], known: Collection[str]
    ) -> list[str]:
        """Each role and marking a group names is declared in the run or in OpenCTI."""
        problems: list[str] = []
        for obj in desired:
            for written, kind, name in _named(obj.state):
                if address_of(engine_kind(kind), name) not in known:
                    message = (
                        f"no {kind} named '{name}' is declared or in OpenCTI"
                        f"{did_you_mean(name, names_of_kind(kind, known))}"
                    )
                    problems.append(_problem(obj, written, name, message))
        return problems

    # -- writing ----------------------------------------------------------------------

    def relation_ids(self, field: str, names: Collection[str], resolver: Resolver) -> list[str]:
        kind = engine_kind(GROUP_REFERENCES[field])
        return [resolver.id_of(address_of(kind, name)) for name in names]

    def held_ids(self, raw: Mapping[str, Any], field: str) -> dict[str, str]:
        return _ids_by(raw.get(field), "name" if field == "roles" else "definition")

    def _marking_ids(self, names: Iterable[str], resolver: Resolver) -> list[str]:
        kind = engine_kind("MarkingDefinition")
        return [resolver.id_of(address_of(kind, name)) for name in names]

    def patch_edits(
        self, live: LiveObject, desired: DesiredObject, resolver: Resolver
    ) -> list[EditInput]:
        """The base's edits but default markings (editDefaultMarking) and the shareable
        markings: OpenCTI stores `max_shareable_marking` and `not_shareable_marking_types`
        as one attribute, `max_shareable_markings` ({type, value} entries,
        values.SHAREABLE_MARKINGS_KEY), replaced whole when either differs."""
        edits = [
            e
            for e in super().patch_edits(live, desired, resolver)
            if e["key"] not in ("default_marking", *SHAREABLE_FIELDS)
        ]
        if any(
            field in desired.state
            and set(desired.state[field] or []) != set(live.state.get(field) or [])
            for field in SHAREABLE_FIELDS
        ):
            edits.append(
                edit(SHAREABLE_MARKINGS_KEY, self._shareable_entries(live, desired, resolver))
            )
        return edits

    def _shareable_entries(
        self, live: LiveObject, desired: DesiredObject, resolver: Resolver
    ) -> list[dict[str, str]]:
        """The whole `max_shareable_markings` of `desired`: per shareable marking its type
        and id (a marking the group holds keeps its entry; a written one left out of the
        manifest keeps what the group holds), then each type not shareable as 'none'."""
        held: dict[str, list[dict[str, str]]] = {}
        for marking in live.raw.get("max_shareable_marking") or []:
            if isinstance(marking, Mapping) and marking.get("id"):
                entry = {"type": str(marking.get("definition_type")), "value": str(marking["id"])}
                held.setdefault(str(marking.get("definition")), []).append(entry)
        names = desired.state.get("max_shareable_marking")
        if names is None:  # not managed: as the group holds it
            names = live.state.get("max_shareable_marking") or []
        entries: list[dict[str, str]] = []
        new = [name for name in sorted(names) if name not in held]
        for name in sorted(names):
            entries += held.get(name, [])
        ids = self._marking_ids(new, resolver)
        types = self._marking_types(ids)
        entries += [{"type": types[i], "value": i} for i in ids]
        not_shareable = desired.state.get("not_shareable_marking_types") or []
        return entries + [{"type": t, "value": NOT_SHAREABLE} for t in sorted(not_shareable)]

    def _marking_types(self, ids: Sequence[str]) -> dict[str, str]:
        """id -> definition_type of markings (made in this run or read before)."""
        types: dict[str, str] = {}
        document = (
            "query J1syncMarkingType($id: String!) {\n"
            "  markingDefinition(id: $id) { id definition_type }\n"
            "}"
        )
        for marking_id in ids:
            data = self.client.query("markingDefinition", document, {"id": marking_id})
            found = data.get("markingDefinition")
            if not isinstance(found, Mapping) or not isinstance(found.get("definition_type"), str):
                raise ApiError(f"OpenCTI API (markingDefinition): no marking {marking_id}")
            types[marking_id] = str(found["definition_type"])
        return types

    def after_update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        super().after_update(live, desired, resolver)
        if "default_marking" not in desired.state:
            return
        assert live.id is not None
        have = {e["entity_type"]: e["values"] for e in live.state.get("default_marking") or []}
        want = {e["entity_type"]: e["values"] for e in desired.state["default_marking"] or []}
        for entity_type in sorted(set(have) | set(want)):
            if have.get(entity_type) != want.get(entity_type):
                ids = self._marking_ids(want.get(entity_type) or [], resolver)
                self.edit_default_marking(live.id, entity_type, ids)

    def edit_default_marking(self, object_id: str, entity_type: str, ids: list[str]) -> None:
        document = (
            "mutation J1syncDefaultMarking($id: ID!, $input: DefaultMarkingInput!) {\n"
            "  groupEdit(id: $id) { editDefaultMarking(input: $input) { id } }\n"
            "}"
        )
        variables = {"id": object_id, "input": {"entity_type": entity_type, "values": ids}}
        self.client.mutate("groupEdit.editDefaultMarking", document, variables)


@dataclass(frozen=True)
class Written:
    """Where a manifest writes a name: the list at `field` of its spec, or, for a default
    marking, the `values` of its `default_marking` entry for `entity_type`."""

    field: str
    entity_type: str | None = None


def _named(state: Mapping[str, Any]) -> Iterable[tuple[Written, str, str]]:
    """(where it is written, kind, name) of every object a group's state names."""
    for field, kind in GROUP_REFERENCES.items():
        for name in state.get(field) or []:
            yield Written(field), kind, str(name)
    for entry in state.get("default_marking") or []:
        for name in entry.get("values") or []:
            written = Written("default_marking", str(entry.get("entity_type")))
            yield written, "MarkingDefinition", str(name)


def _index(items: Any, matches: Callable[[Any], bool]) -> int | None:
    if not isinstance(items, list):
        return None
    return next((i for i, item in enumerate(items) if matches(item)), None)


def _written_path(document: YamlDocument, written: Written, name: str) -> list[str | int]:
    """The path of `name` in the document as written (`spec.roles[1]`), or of the
    closest enclosing field found."""
    path: list[str | int] = ["spec", written.field]
    if written.entity_type is not None:
        entry = _index(
            locate(document, path, at_value=False).raw,
            lambda e: (
                isinstance(e, Mapping)
                and str(e.get("entity_type", GLOBAL_MARKING_TYPE)) == written.entity_type
            ),
        )
        if entry is None:
            return path
        path += [entry, "values"]
    position = _index(locate(document, path, at_value=False).raw, lambda i: str(i) == name)
    return path if position is None else [*path, position]


def _outranked_defaults(desired: DesiredObject, live: Mapping[str, list[LiveObject]]) -> list[str]:
    """Default markings OpenCTI would not keep: editDefaultMarking keeps, per marking type,
    only the markings of the highest order (cleanMarkings, utils/markingDefinition-utils.js),
    so an entry listing TLP:GREEN and TLP:AMBER is stored as TLP:AMBER and the plan would
    change it again on every run. Markings are compared as OpenCTI holds them (one not in
    OpenCTI yet, or a name several share, is not)."""
    kind = engine_kind("MarkingDefinition")
    problems: list[str] = []
    for entry in desired.state.get("default_marking") or []:
        markings: dict[str, LiveObject] = {}
        for name in entry.get("values") or []:
            same = live.get(address_of(kind, str(name)), [])
            if len(same) == 1:
                markings[str(name)] = same[0]
        for name, marking in markings.items():
            rivals = [
                (other.state.get("x_opencti_order") or 0, other_name)
                for other_name, other in markings.items()
                if other.state.get("definition_type") == marking.state.get("definition_type")
            ]
            order = marking.state.get("x_opencti_order") or 0
            highest, kept = max(rivals)
            if order < highest:
                message = (
                    f"OpenCTI keeps only the highest of a group's default markings of one type: "
                    f"'{name}' ({marking.state.get('definition_type')}, order {order}) would "
                    f"be dropped for '{kept}' (order {highest}); list one of them"
                )
                written = Written("default_marking", str(entry.get("entity_type")))
                problems.append(_problem(desired, written, name, message))
    return problems


def _sends_id(
    state: Mapping[str, Any], have: LiveObject | None, written: Written, name: str
) -> bool:
    """Whether making `have` (None: a create) what `state` says sends the id of `name`,
    written at `written`: a role or marking added, or a default-marking entry that
    changes (editDefaultMarking sends all of its values)."""
    if have is None:
        return True
    if written.entity_type is None:
        return name not in (have.state.get(written.field) or [])
    return _default_entry(state, written.entity_type) != _default_entry(
        have.state, written.entity_type
    )


def _default_entry(state: Mapping[str, Any], entity_type: str) -> list[str]:
    for entry in state.get("default_marking") or []:
        if str(entry.get("entity_type")) == entity_type:
            return sorted(str(v) for v in entry.get("values") or [])
    return []


def _shared_message(kind: str, same: Sequence[LiveObject]) -> str:
    """Several live objects of `kind` answer to one name: their ids (a marking's type)."""
    ids = ", ".join(
        f"{obj.id} ({obj.state['definition_type']})"
        if obj.state.get("definition_type")
        else str(obj.id)
        for obj in sorted(same, key=lambda o: str(o.id))
    )
    return (
        f"{len(same)} {kind} objects in OpenCTI have this name (ids {ids}); j1sync never "
        "guesses which one is meant: rename all but one in OpenCTI"
    )


def _problem(desired: DesiredObject, written: Written, name: str, message: str) -> str:
    """`file:line:column: address: field: message`, at the name as its manifest writes
    it, found by reading the document again (at the document's start when it no longer
    reads)."""
    path: list[str | int] = ["spec", written.field]
    where = str(desired.source) if desired.source is not None else None
    document = document_at(desired.source) if desired.source is not None else None
    if document is not None:
        path = _written_path(document, written, name)
        where = str(locate(document, path, at_value=True).location)
    head = f"{where}: {desired.address}" if where else desired.address
    return f"{head}: {format_field_path(path)}: {message}"


# In dependency order (models.KIND_MODULES collects them).
KIND_CLASSES: tuple[type[OpenCtiKind], ...] = (RoleKind, GroupKind)
