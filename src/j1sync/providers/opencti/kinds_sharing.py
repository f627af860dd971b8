"""The workflow and sharing kinds: StatusTemplate and Workflow (kinds_workflow.py),
TaxiiCollection, StreamCollection, Feed and the platform Settings (docs/opencti.md).

- **Names.** OpenCTI gives collections and feeds no natural key (two may share a name).
  j1sync keys them by name and insists on one object per name: a manifest whose name two
  live objects carry is refused before any plan, naming both ids; j1sync never guesses.
- **Filters** are FilterGroup JSON strings in the API; j1sync reads them as data and
  compares them parsed, defaults filled (key order and `key: x` vs `key: [x]` mean
  nothing), no filters and an empty group alike. It sends them as JSON text.
- **Authorized members** (who may read a restricted collection or feed) are left alone:
  they name users and organizations j1sync does not manage, by internal id. j1sync never
  compares or changes them; `feedEdit`, which replaces the whole feed, is sent the live
  members back (member id, access right and group restriction, as MemberAccess shows them).
- **Credentials:** none of these kinds holds one (a public collection or feed is open by
  its `*_public` flag, not by a secret); nothing to mask (DeclaresCredentials not needed).
- **Settings** is one object, metadata.name `platform`: only the fields its manifest
  writes are managed (a field left out stays as the platform has it; "" clears a text);
  never deleted; no Settings manifest, settings unmanaged. Enterprise-edition and other
  platform fields are not read.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from pydantic import ValidationError

from j1sync import json_input
from j1sync.engine.contract import DesiredObject, LiveObject, PrunePolicy, Resolver
from j1sync.errors import ApiError, ResolutionError
from j1sync.manifest.model_base import StrictModel
from j1sync.manifest.yaml_source import field_problem
from j1sync.providers.opencti.kinds_base import EditInput, OpenCtiKind, engine_kind
from j1sync.providers.opencti.kinds_workflow import (
    StatusTemplateKind,
    WorkflowKind,
    plain_list_document,
)
from j1sync.providers.opencti.models_sharing import (
    SETTINGS_NAME,
    FeedSpec,
    FilterGroup,
    NamedMetadata,
    SettingsMetadata,
    SettingsSpec,
    StreamCollectionSpec,
    TaxiiCollectionSpec,
)

FILTERS = "filters"
NO_FILTERS: dict[str, Any] = FilterGroup().model_dump(mode="json")


def filters_value(value: Any) -> Any:
    """A FilterGroup as compared: parsed from its JSON text, defaults filled; none and an
    empty group alike. Text that is not a FilterGroup is compared as it is."""
    if isinstance(value, str):
        if not value.strip():
            return dict(NO_FILTERS)
        try:
            value = json_input.loads(value)
        except ValueError:
            return value
    if value is None:
        return dict(NO_FILTERS)
    if isinstance(value, FilterGroup):
        return value.model_dump(mode="json")
    with contextlib.suppress(ValidationError):
        return FilterGroup.model_validate(value, strict=False).model_dump(mode="json")
    return value


def filters_text(value: Any) -> str:
    """How the API takes filters: JSON text."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def filter_values(filters: Any) -> set[str]:
    """The text values of a FilterGroup as compared (`filters_value`), nested groups
    included: entity types, and the ids of what a filter names (a label, a marking)."""
    found: set[str] = set()
    if not isinstance(filters, Mapping):
        return found
    for item in filters.get("filters") or []:
        values = item.get("values") if isinstance(item, Mapping) else None
        found.update(v for v in values or [] if isinstance(v, str) and v)
    for group in filters.get("filterGroups") or []:
        found |= filter_values(group)
    return found


# The kinds whose objects filters name by id (`objectLabel`, `objectMarking`,
# `killChainPhases`): only these are looked for (a workflow's id is its entity type,
# which a filter names as a type, not as a use of the workflow).
FILTERED_KINDS = frozenset(engine_kind(k) for k in ("Label", "MarkingDefinition", "KillChainPhase"))


def _ids_filters_name(live: Sequence[LiveObject], wanted: set[str]) -> dict[str | None, str]:
    """Id -> address of the objects of `live` of FILTERED_KINDS whose ids are `wanted`."""
    return {o.id: o.address for o in live if o.id in wanted and o.kind in FILTERED_KINDS}


def with_filter_references(live: Sequence[LiveObject]) -> list[LiveObject]:
    """`live`, each collection or feed (a state with `filters`) referencing the live
    objects among `live` whose ids its filters name (`objectLabel: <label id>`): deleted,
    such an object would leave the filter naming nothing, so what a collection or feed the
    plan leaves alone names is kept, and deleted after one the plan changes
    (engine/plan.py `_keep_what_is_used`, `_order_deletes`). Linking twice changes
    nothing; without a filter value, `live` is not walked again."""
    named = {
        id(obj): values
        for obj in live
        if FILTERS in obj.state and (values := filter_values(obj.state[FILTERS]))
    }
    if not named:
        return list(live)
    addresses = _ids_filters_name(live, set().union(*named.values()))
    if not addresses:
        return list(live)
    linked = []
    for obj in live:
        names = named.get(id(obj), ())
        found = {addresses[v] for v in names if v in addresses} - {obj.address}
        if found - set(obj.references):
            obj = replace(obj, references=tuple(sorted(found | set(obj.references))))
        linked.append(obj)
    return linked


def _depending_on_what_filters_name(
    desired: Sequence[DesiredObject], live: Sequence[LiveObject]
) -> list[DesiredObject]:
    """`desired`, each depending besides on the objects of `live` its filters name by id."""
    named = {id(want): filter_values(want.state.get(FILTERS)) for want in desired}
    wanted = set().union(*named.values()) if named else set()
    if not wanted:
        return list(desired)
    addresses = _ids_filters_name(live, wanted)
    resolved = []
    for want in desired:
        found = sorted({addresses[v] for v in named[id(want)] if v in addresses})
        extra = tuple(a for a in found if a not in want.depends_on and a != want.address)
        resolved.append(replace(want, depends_on=want.depends_on + extra) if extra else want)
    return resolved


def _member_inputs(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The live authorized members as MemberAccessInput, kept as they are (MemberAccess
    `id` is the member's id; a group restriction's groups by id)."""
    inputs: list[dict[str, Any]] = []
    for member in raw.get("authorized_members") or []:
        if not (isinstance(member, Mapping) and member.get("id") and member.get("access_right")):
            continue
        given: dict[str, Any] = {
            "id": str(member["id"]),
            "access_right": str(member["access_right"]),
        }
        restriction = member.get("groups_restriction")
        if isinstance(restriction, list):
            given["groups_restriction_ids"] = [
                str(g["id"]) for g in restriction if isinstance(g, Mapping) and g.get("id")
            ]
        inputs.append(given)
    return inputs


class SharedByName(OpenCtiKind):
    """A collection or feed: keyed by name (one per name), j1sync's marker in its
    description, filters as data."""

    metadata_model: ClassVar[type[StrictModel] | None] = NamedMetadata
    prune: PrunePolicy = "tagged"
    marker_field = "description"

    def read_rows(self) -> list[dict[str, Any]]:
        document = plain_list_document(self.list_field, self.node_fields)
        return self.client.paged(f"list {self.list_field}", document, self.list_field)

    def raw_values(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        values = super().raw_values(raw)
        values[FILTERS] = filters_value(raw.get(FILTERS))
        return values

    def normalize(self, values: Mapping[str, Any], *, desired: bool) -> dict[str, Any]:
        state = super().normalize(
            {**values, FILTERS: filters_value(values.get(FILTERS))}, desired=desired
        )
        state[FILTERS] = filters_value(state.get(FILTERS))
        return state

    def create_input(self, desired: DesiredObject, resolver: Resolver) -> dict[str, Any]:
        body = super().create_input(desired, resolver)
        body[FILTERS] = filters_text(body.get(FILTERS, NO_FILTERS))
        return body

    def patch_edits(
        self, live: LiveObject, desired: DesiredObject, resolver: Resolver
    ) -> list[EditInput]:
        edits = super().patch_edits(live, desired, resolver)
        for item in edits:
            if item["key"] == FILTERS:
                item["value"] = [filters_text(v) for v in item["value"]]
        return edits

    def resolve_desired(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> tuple[list[DesiredObject], list[str]]:
        """One live object per declared name (engine.ResolvesAgainstLive); each depending
        on the live objects its filters name by id (`with_filter_references`), so that a
        plan deleting one of them says so before any change (engine/plan.py
        `_refuse_deleting_what_is_used`)."""
        ids: dict[str, list[str]] = {}
        for obj in live:
            if obj.kind == self.kind:
                ids.setdefault(obj.name, []).append(str(obj.id))
        desired = _depending_on_what_filters_name(desired, live)
        problems = [
            field_problem(
                obj.source,
                obj.address,
                ["metadata", "name"],
                f"{len(ids[obj.name])} live objects are named '{obj.name}' (ids "
                f"{', '.join(sorted(ids[obj.name]))}); OpenCTI allows it, j1sync does not "
                "guess: rename or delete all but one in OpenCTI",
            )
            for obj in desired
            if len(ids.get(obj.name, [])) > 1
        ]
        return list(desired), problems

    @classmethod
    def spec_of_live(cls, live: LiveObject, managed_tag: str) -> dict[str, Any]:
        """The base's, filters written as a manifest would: none when there are none, and
        without their defaults (`mode: and`, a filter's `operator: eq` and `mode: or`,
        empty `filterGroups`), which load back the same (`filters_value`)."""
        values = super().spec_of_live(live, managed_tag)
        if values.get(FILTERS) == NO_FILTERS:
            values.pop(FILTERS)
        elif isinstance(values.get(FILTERS), Mapping):
            with contextlib.suppress(ValidationError):
                group = FilterGroup.model_validate(values[FILTERS], strict=False)
                values[FILTERS] = group.model_dump(mode="json", exclude_defaults=True)
        return values


class TaxiiCollectionKind(SharedByName):
    kind_name = "TaxiiCollection"
    spec_model = TaxiiCollectionSpec
    list_field = "taxiiCollections"
    node_fields = "name description filters include_inferences score_to_confidence taxii_public"
    add_mutation = "taxiiCollectionAdd"
    add_input = "TaxiiCollectionAddInput"
    edit_mutation = "taxiiCollectionEdit"


class StreamCollectionKind(SharedByName):
    kind_name = "StreamCollection"
    spec_model = StreamCollectionSpec
    list_field = "streamCollections"
    node_fields = "name description filters stream_live stream_public"
    add_mutation = "streamCollectionAdd"
    add_input = "StreamCollectionAddInput"
    edit_mutation = "streamCollectionEdit"


class FeedKind(SharedByName):
    """`feedEdit(id, input: FeedAddInput!)` replaces what it is sent: an update sends every
    field, and the live authorized members back (none when none were read: OpenCTI shows
    them only to a user who may manage access, and keeps a field left out)."""

    kind_name = "Feed"
    spec_model = FeedSpec
    list_field = "feeds"
    node_fields = (
        "name description filters separator rolling_time feed_date_attribute "
        "include_header feed_types feed_public "
        "feed_attributes { attribute mappings { type attribute } } "
        "authorized_members { id access_right groups_restriction { id } }"
    )
    add_mutation = "feedAdd"
    add_input = "FeedAddInput"
    set_fields = ("feed_types",)
    exact_fields = frozenset({"separator"})  # feedEdit stores its input as it is

    def raw_values(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        values = super().raw_values(raw)
        values["feed_attributes"] = _sorted_mappings(raw.get("feed_attributes"))
        return values

    def normalize(self, values: Mapping[str, Any], *, desired: bool) -> dict[str, Any]:
        state = super().normalize(values, desired=desired)
        state["feed_attributes"] = _sorted_mappings(state.get("feed_attributes"))
        return state

    def feed_input(self, name: str, state: Mapping[str, Any]) -> dict[str, Any]:
        body = {k: v for k, v in state.items() if v is not None}
        body[FILTERS] = filters_text(body.get(FILTERS, NO_FILTERS))
        return {**body, "name": name}

    def create_input(self, desired: DesiredObject, resolver: Resolver) -> dict[str, Any]:
        return self.feed_input(desired.name, desired.state)

    def update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        assert live.id is not None
        body = self.feed_input(desired.name, desired.state)
        members = _member_inputs(live.raw)
        if members:  # none read: left out, so that members a user may not see are kept
            body["authorized_members"] = members
        document = (
            "mutation J1syncFeedEdit($id: ID!, $input: FeedAddInput!) {\n"
            "  feedEdit(id: $id, input: $input) { id }\n"
            "}"
        )
        self.client.mutate("feedEdit", document, {"id": live.id, "input": body})

    def remove(self, object_id: str) -> None:
        document = "mutation J1syncDelete($id: ID!) {\n  feedDelete(id: $id)\n}"
        self.client.mutate("feedDelete", document, {"id": object_id})


def _sorted_mappings(attributes: Any) -> Any:
    """Columns keep their order; a column's mappings (one per entity type) are a set."""
    if not isinstance(attributes, list):
        return attributes
    shown: list[Any] = []
    for column in attributes:
        if isinstance(column, Mapping) and isinstance(column.get("mappings"), list):
            mappings = [dict(m) for m in column["mappings"] if isinstance(m, Mapping)]
            mappings.sort(key=lambda m: (str(m.get("type")), str(m.get("attribute"))))
            column = {"attribute": column.get("attribute"), "mappings": mappings}
        shown.append(column)
    return shown


SETTINGS_FIELDS = " ".join(SettingsSpec.model_fields)


class SettingsKind(OpenCtiKind):
    kind_name = "Settings"
    spec_model = SettingsSpec
    metadata_model: ClassVar[type[StrictModel] | None] = SettingsMetadata
    prune: PrunePolicy = "never"
    list_field = "settings"
    node_fields = SETTINGS_FIELDS
    edit_mutation = "settingsEdit"

    def name_of(self, raw: Mapping[str, Any]) -> str:
        return SETTINGS_NAME

    def is_builtin(self, raw: Mapping[str, Any]) -> bool:
        return False  # the platform's, but a team may keep it in git: exported

    def read_rows(self) -> list[dict[str, Any]]:
        document = f"query J1syncSettings {{\n  settings {{ id {SETTINGS_FIELDS} }}\n}}"
        found = self.client.query("settings", document).get("settings")
        return [dict(found)] if isinstance(found, Mapping) else []

    def create(self, desired: DesiredObject, resolver: Resolver) -> str:
        raise ResolutionError(
            f"{desired.address}: the platform has no settings to update (OpenCTI always has "
            "one settings object: is the token's user allowed to read it?)"
        )

    def delete(self, live: LiveObject) -> None:
        raise ApiError(f"{live.address}: the platform settings are never deleted")


# In dependency order (models.KIND_MODULES collects them).
KIND_CLASSES: tuple[type[OpenCtiKind], ...] = (
    StatusTemplateKind,
    WorkflowKind,
    TaxiiCollectionKind,
    StreamCollectionKind,
    FeedKind,
    SettingsKind,
)
