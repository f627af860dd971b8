"""The one kind class every OpenCTI kind is: read a paged list, normalize, create with
`xxxAdd`, update with `fieldPatch`, delete; how a kinds module plugs in.

How a kinds module plugs in (kinds_data.py is the example to copy):

1. Write the module `providers/opencti/kinds_<area>.py`, already listed in
   `models.KIND_MODULES` (kinds_data, kinds_access, kinds_sharing): nothing else to
   register. It defines `KIND_CLASSES: tuple[type[OpenCtiKind], ...]`, its kinds in
   dependency order. `models.py` collects each class's `spec_model` (and `metadata_model`)
   into DOCUMENT_MODELS; `provider.py` instantiates each class with the client and the
   managed tag; `export.py` builds export specs from `spec_of_live`.
2. Per kind, subclass `OpenCtiKind` and set the class attributes: `kind_name` (the bare
   kind, one of `values.KINDS`), `spec_model` (a strict pydantic model: its field
   names are the API's; it may live in a `models_<area>.py`), `metadata_model` (when
   metadata.name has a format: a StrictModel whose `name` is validated, as kinds_data's
   KillChainPhaseMetadata), `prune` (ownership.py says which), `list_field` and
   `node_fields` (the list query and the fields read of each node), `add_mutation` and
   `add_input` (`labelAdd`, `LabelAddInput`), `edit_mutation` (`labelEdit`; kinds with
   `xxxFieldPatch`/`xxxDelete` root mutations override `patch` and `remove`),
   `marker_field` (the free-text field carrying j1sync's marker, or None), `set_fields`
   (lists whose order means nothing: compared sorted, patched with add/remove),
   `add_fields` (when the add input takes only some spec fields: the rest are patched
   right after the create).
3. Override what differs: `name_of(raw)` (the natural key of an API object; default its
   `name`), `key_input(name)` (the add input's key fields from metadata.name; default
   `{"name": name}`), `raw_values(raw)` (an API object -> spec-shaped values, e.g. a
   group's role objects -> role names), `references(state)` (addresses a state names:
   `depends_on`, and what a delete must wait for), `create_input`, `patch_edits`,
   `after_create` / `after_update` (relations: `relationAdd`/`relationDelete`),
   `is_builtin(raw)`.
4. Regenerate schema/opencti-manifest.schema.json (`j1sync schema --system opencti`;
   tests/manifest/test_schema.py checks it is current).

Normalization (docs/architecture.md §4), `normalize(values, desired=...)`: the spec's fields;
a field whose model default is None is unmanaged when a manifest leaves it out (not in
the desired state, so never compared: OpenCTI may fill it, e.g. a colour); any other
absent field takes its default; null and "" alike for text, compared trimmed (but
`exact_fields`); `set_fields` sorted, their elements trimmed;
`marker_field` carries `managed-by: <tag>` on the desired side.

Updates send only what changed: `replace` for a single-valued field, `add`/`remove` of the
difference for a `set_fields` list (EditInput `{key, value: [...], operation}`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from pydantic import ValidationError
from pydantic_core import PydanticCustomError, PydanticUndefined

from j1sync.engine.contract import DesiredObject, LiveObject, PrunePolicy, Resolver, address_of
from j1sync.errors import ApiError
from j1sync.manifest.document import DEFAULT_MANAGED_TAG, Manifest, ProjectConfig
from j1sync.manifest.model_base import StrictModel, check_object_name
from j1sync.manifest.names import spec_problem
from j1sync.manifest.yaml_source import document_at, field_problem, locate
from j1sync.providers.marker import (
    canonical_notes,
    is_managed,
    notes_text,
    split_marker,
    with_marker,
)
from j1sync.providers.opencti.client import OpenCtiClient
from j1sync.providers.opencti.keys import js_trim, normalize_name
from j1sync.providers.opencti.ownership import BUILT_IN_NAMES
from j1sync.providers.registry import closest

EditInput = dict[str, Any]

# The fields every node read carries besides a kind's own.
ID_FIELDS = "id entity_type"


def engine_kind(kind: str) -> str:
    """`Label` -> `opencti.Label` (the registry's rule, System.engine_kind)."""
    from j1sync.providers.opencti.system import SYSTEM

    return SYSTEM.engine_kind(kind)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`; did you mean 'X'?` for the known name nearest `name`, or "" when none is near: the
    hint of every "no such object" error of the OpenCTI kinds."""
    close = closest(name, sorted(known))  # the one it is but for case first
    return f"; did you mean '{close}'?" if close is not None and close != name else ""


def names_of_kind(kind: str, addresses: Iterable[str]) -> list[str]:
    """The names of `kind`'s objects (a manifest kind, `StatusTemplate`) among engine
    addresses (`opencti.StatusTemplate/NEW`)."""
    prefix = address_of(engine_kind(kind), "")
    return [a.removeprefix(prefix) for a in addresses if a.startswith(prefix)]


def edit(key: str, values: Sequence[Any], operation: str = "replace") -> EditInput:
    """One EditInput of a fieldPatch."""
    return {"key": key, "value": list(values), "operation": operation}


def list_document(field: str, node_fields: str) -> str:
    """A paged list query of `field` selecting `node_fields` of each node."""
    return (
        "query J1syncList($first: Int, $after: ID) {\n"
        f"  {field}(first: $first, after: $after) {{\n"
        f"    edges {{ node {{ {ID_FIELDS} {node_fields} }} }}\n"
        "    pageInfo { hasNextPage endCursor }\n"
        "  }\n"
        "}"
    )


class OpenCtiKind:
    """One OpenCTI kind (implements engine.contract.ResourceKind). Subclasses set the
    class attributes (module docstring) and override what differs."""

    kind_name: ClassVar[str]
    spec_model: ClassVar[type[StrictModel]]
    metadata_model: ClassVar[type[StrictModel] | None] = None  # None: any object name
    prune: PrunePolicy = "opt-in"
    list_field: ClassVar[str]
    node_fields: ClassVar[str]
    add_mutation: ClassVar[str]
    add_input: ClassVar[str]
    edit_mutation: ClassVar[str | None] = None
    marker_field: ClassVar[str | None] = None
    set_fields: ClassVar[tuple[str, ...]] = ()
    # The spec fields the add input takes (None: all); the others are patched after it.
    add_fields: ClassVar[frozenset[str] | None] = None
    # metadata.name is a `name` or `value` OpenCTI folds with its normalizeName (keys.py):
    # `Analysts` and `analysts` are one object there.
    name_folded: ClassVar[bool] = False
    # Text fields compared as written: OpenCTI keeps them so, and outer whitespace is
    # their value (a feed's separator may be a tab). Every other text is compared
    # trimmed, as an update stores it (OpenCTI's schema validator trims each string an
    # update sends), and `null` and "" alike.
    exact_fields: ClassVar[frozenset[str]] = frozenset()
    # How `platform_key` folds names, as its problems say it.
    folding: ClassVar[str] = "its names do not tell case or outer spaces apart"

    def __init__(self, client: OpenCtiClient, managed_tag: str = DEFAULT_MANAGED_TAG) -> None:
        self.kind = engine_kind(self.kind_name)
        self.managed_tag = managed_tag
        self.client = client

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.kind})"

    # -- names and ownership ----------------------------------------------------------

    def name_of(self, raw: Mapping[str, Any]) -> str:
        """The natural key (metadata.name) of an API object."""
        return str(raw.get("name") or "")

    def key_input(self, name: str) -> dict[str, Any]:
        """The add input's key fields, from metadata.name."""
        return {"name": name}

    def platform_key(self, name: str, state: Mapping[str, Any]) -> tuple[str, ...] | None:
        """The natural key of the object named `name` (with `state`) as OpenCTI compares
        keys (keys.py), or None when it takes the name as it is."""
        return (normalize_name(name),) if self.name_folded else None

    def resolve_desired(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> tuple[list[DesiredObject], list[str]]:
        """engine.ResolvesAgainstLive: no two names OpenCTI takes for one (`platform_key`)
        among the manifests, nor between a manifest and a live object it does not name
        exactly. j1sync would plan two objects, or a create, where the platform holds one
        (its add returns the object it has): a plan that never converges."""
        return list(desired), self.folded_name_problems(desired, live)

    def folded_name_problems(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> list[str]:
        """`resolve_desired`'s problems, each at a manifest's metadata.name: a name OpenCTI
        takes for an earlier manifest's, or for a live object's other name."""
        problems: list[str] = []
        declared: dict[tuple[str, ...], DesiredObject] = {}
        held: dict[tuple[str, ...], list[LiveObject]] = {}
        names: set[str] = set()
        for have in live:
            if have.kind == self.kind:
                names.add(have.name)
                key = self.platform_key(have.name, have.state)
                if key is not None:
                    held.setdefault(key, []).append(have)
        for want in desired:
            key = self.platform_key(want.name, want.state)
            if key is None:
                continue
            first = declared.setdefault(key, want)
            if first is not want:
                where = f" ({_name_location(first)})" if first.source is not None else ""
                problems.append(
                    _name_problem(
                        want,
                        f"OpenCTI takes '{want.name}' and '{first.name}'{where} for one "
                        f"{self.kind_name} ({self.folding}): declare it once",
                    )
                )
            elif want.name not in names:
                for have in held.get(key, []):
                    problems.append(
                        _name_problem(
                            want,
                            f"OpenCTI holds the {self.kind_name} '{have.name}' (id {have.id}) "
                            f"and takes '{want.name}' for the same name ({self.folding}): "
                            f"{_rename_hint(have.name, self.kind_name)}",
                        )
                    )
        return problems

    def is_builtin(self, raw: Mapping[str, Any]) -> bool:
        """Created by the platform itself: never deleted (ownership.py)."""
        if raw.get("builtIn") is True:
            return True
        return self.name_of(raw) in BUILT_IN_NAMES.get(self.kind_name, frozenset())

    def is_managed(self, raw: Mapping[str, Any]) -> bool:
        if self.marker_field is None:
            return False
        return is_managed(raw.get(self.marker_field), self.managed_tag)

    def wanted(self, raw: Mapping[str, Any]) -> bool:
        """Whether a listed object is one of this kind's (j1sync's own lock entries are
        not)."""
        return bool(raw.get("id")) and bool(self.name_of(raw))

    # -- normalization ----------------------------------------------------------------

    def raw_values(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """An API object as spec-shaped values (the spec's field names)."""
        return {name: raw.get(name) for name in self.spec_model.model_fields}

    def normalize(self, values: Mapping[str, Any], *, desired: bool) -> dict[str, Any]:
        """The comparable state of spec-shaped `values` (module docstring)."""
        model = self.spec_model
        state: dict[str, Any] = {}
        unmanaged: set[str] = set()
        for name, info in model.model_fields.items():
            value = values.get(name)
            if value is None:
                default = info.get_default(call_default_factory=True)
                if default is None or default is PydanticUndefined:
                    if desired and default is None:
                        unmanaged.add(name)
                    value = None
                else:
                    value = default
            state[name] = value
        # a live object the manifest model would refuse is compared as it is
        with contextlib.suppress(ValidationError):
            dumped = model.model_validate(state, strict=False).model_dump(mode="json")
            state = {k: dumped.get(k) for k in state}
        for name in self.set_fields:  # each element trimmed, as an update stores it
            state[name] = sorted({js_trim(str(v)) for v in state.get(name) or [] if v is not None})
        for name, value in state.items():
            if name in self.exact_fields:
                continue
            if isinstance(value, str) or (value is None and _is_text(model, name)):
                state[name] = js_trim(notes_text(value))
        if self.marker_field is not None:
            text = state.get(self.marker_field)
            state[self.marker_field] = (
                with_marker(text, self.managed_tag)
                if desired
                else canonical_notes(text, self.managed_tag)
            )
        return {k: v for k, v in state.items() if k not in unmanaged}

    def references(self, name: str, state: Mapping[str, Any]) -> tuple[str, ...]:
        """Addresses (`opencti.Role/Analyst`) of the objects `state` names."""
        return ()

    # -- the engine's seam ------------------------------------------------------------

    def desired(self, manifest: Manifest, project: ProjectConfig) -> DesiredObject:
        state = self.normalize(manifest.spec_data(), desired=True)
        return DesiredObject(
            self.kind,
            manifest.name,
            state,
            self.references(manifest.name, state),
            manifest.source,
        )

    def live_object(self, raw: Mapping[str, Any]) -> LiveObject:
        name = self.name_of(raw)
        state = self.normalize(self.raw_values(raw), desired=False)
        builtin = self.is_builtin(raw)
        live = LiveObject(
            kind=self.kind,
            name=name,
            id=str(raw["id"]),
            state=state,
            managed=self.is_managed(raw) and not builtin,  # a built-in is never pruned
            builtin=builtin,
            references=self.references(name, state),
            raw=dict(raw),
        )
        # what export writes of it: its spec_of_live (defaults left out: loads alike)
        problem = spec_problem(self.spec_model, self.spec_of_live(live, self.managed_tag))
        return live if problem is None else replace(live, undeclarable=problem)

    def live_objects(self, rows: Sequence[Mapping[str, Any]]) -> list[LiveObject]:
        return [live for row in rows if (live := self._read_row(row)) is not None]

    def _read_row(self, raw: Mapping[str, Any]) -> LiveObject | None:
        """One listed object, or None when it is not one of the kind's. One whose fields
        are not what the schema types them (a list for a text, a number for a list: no
        OpenCTI answers so, a proxy or another server may) is an error naming it."""
        try:
            return self.live_object(raw) if self.wanted(raw) else None
        except (TypeError, ValueError, AttributeError) as exc:
            shown = raw.get("id")
            which = f" {shown}" if isinstance(shown, str) else ""
            raise ApiError(
                f"OpenCTI API (list {self.list_field}): the object{which} is not as OpenCTI's "
                f"schema types it: {self.client.settings.not_the_server()}"
            ) from exc

    def read_rows(self) -> list[dict[str, Any]]:
        """Every object of the kind, as the API gives them (one paged list)."""
        document = list_document(self.list_field, self.node_fields)
        return self.client.paged(f"list {self.list_field}", document, self.list_field)

    def read_all(self) -> list[LiveObject]:
        return self.live_objects(self.read_rows())

    def find(self, name: str) -> list[LiveObject]:
        return [obj for obj in self.read_all() if obj.name == name]

    def create_input(self, desired: DesiredObject, resolver: Resolver) -> dict[str, Any]:
        """The `xxxAdd` input: the key fields and every managed value that is set and that
        the input takes (`add_fields`)."""
        body = {
            k: v
            for k, v in desired.state.items()
            if v is not None and (self.add_fields is None or k in self.add_fields)
        }
        return {**body, **self.key_input(desired.name)}

    def create_patch(self, desired: DesiredObject) -> list[EditInput]:
        """What the add input cannot carry, patched right after the create."""
        if self.add_fields is None:
            return []
        return [
            edit(k, [v])
            for k, v in desired.state.items()
            if k not in self.add_fields and v is not None and v != self._default(k)
        ]

    def _default(self, name: str) -> Any:
        default = self.spec_model.model_fields[name].get_default(call_default_factory=True)
        return None if default is PydanticUndefined else default

    def create(self, desired: DesiredObject, resolver: Resolver) -> str:
        document = (
            f"mutation J1syncAdd($input: {self.add_input}!) {{\n"
            f"  {self.add_mutation}(input: $input) {{ id }}\n"
            "}"
        )
        data = self.client.mutate(
            self.add_mutation, document, {"input": self.create_input(desired, resolver)}
        )
        created = data.get(self.add_mutation)
        if not isinstance(created, Mapping) or not isinstance(created.get("id"), str):
            raise ApiError(f"OpenCTI API ({self.add_mutation}): no object in the answer")
        object_id = str(created["id"])
        rest = self.create_patch(desired)
        if rest:
            self.patch(object_id, rest)
        self.after_create(object_id, desired, resolver)
        return object_id

    def after_create(self, object_id: str, desired: DesiredObject, resolver: Resolver) -> None:
        """What a create needs beyond its add input (relations)."""

    def patch_edits(
        self, live: LiveObject, desired: DesiredObject, resolver: Resolver
    ) -> list[EditInput]:
        """The fieldPatch edits that make `live` what `desired` says: `replace` for each
        changed single-valued field, `add`/`remove` of the difference for a set field."""
        edits: list[EditInput] = []
        for key, wanted in desired.state.items():
            held = live.state.get(key)
            if held == wanted:
                continue
            if key in self.set_fields:
                have = set(held or [])
                want = set(wanted or [])
                if want - have:
                    edits.append(edit(key, sorted(want - have), "add"))
                if have - want:
                    edits.append(edit(key, sorted(have - want), "remove"))
            else:
                edits.append(edit(key, [wanted]))
        return edits

    def update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        assert live.id is not None
        edits = self.patch_edits(live, desired, resolver)
        if edits:
            self.patch(live.id, edits)
        self.after_update(live, desired, resolver)

    def after_update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        """What an update needs beyond its fieldPatch (relations)."""

    def patch(self, object_id: str, edits: list[EditInput]) -> None:
        """One fieldPatch of `edits` (`xxxEdit(id) { fieldPatch }`)."""
        document = (
            "mutation J1syncPatch($id: ID!, $input: [EditInput]!) {\n"
            f"  {self.edit_mutation}(id: $id) {{ fieldPatch(input: $input) {{ id }} }}\n"
            "}"
        )
        operation = f"{self.edit_mutation}.fieldPatch"
        self.client.mutate(operation, document, {"id": object_id, "input": edits})

    def delete(self, live: LiveObject) -> None:
        assert live.id is not None
        self.remove(live.id)

    def remove(self, object_id: str) -> None:
        """Delete one object (`xxxEdit(id) { delete }`)."""
        document = (
            f"mutation J1syncDelete($id: ID!) {{\n  {self.edit_mutation}(id: $id) {{ delete }}\n}}"
        )
        self.client.mutate(f"{self.edit_mutation}.delete", document, {"id": object_id})

    # -- export -----------------------------------------------------------------------

    @classmethod
    def spec_of_live(cls, live: LiveObject, managed_tag: str) -> dict[str, Any]:
        """The values of a manifest spec meaning `live` (export): its state, j1sync's
        marker taken out of the marker field (a manifest's desired state adds it back)."""
        values = dict(live.state)
        if cls.marker_field is not None:
            values[cls.marker_field] = split_marker(values.get(cls.marker_field), managed_tag)[0]
        return values


def _name_location(desired: DesiredObject) -> str:
    """Where a manifest writes its metadata.name (`file:line:column`), or its document's
    start when it no longer reads."""
    document = document_at(desired.source) if desired.source is not None else None
    if document is None:
        return str(desired.source)
    return str(locate(document, ["metadata", "name"], at_value=True).location)


def _name_problem(desired: DesiredObject, message: str) -> str:
    return field_problem(desired.source, desired.address, ["metadata", "name"], message)


def _rename_hint(live_name: str, kind_name: str) -> str:
    """What to do when a manifest's name and a live object's are one to OpenCTI: write the
    live one, when a manifest may have it, or rename the object in OpenCTI."""
    try:
        check_object_name(live_name)
    except PydanticCustomError:
        return f"rename that {kind_name} in OpenCTI (no manifest may have its name)"
    return f"write metadata.name as OpenCTI has it, or rename that {kind_name} in OpenCTI"


def _is_text(model: type[StrictModel], name: str) -> bool:
    annotation = model.model_fields[name].annotation
    return annotation is str or str(annotation) in ("str | None", "typing.Optional[str]")
