"""The emulated OpenCTI GraphQL API: the served subset of the real schema (schema.graphql),
executed by graphql-core over the emulator's store, with OpenCTI's authorization (auth.py).

Objects are stored by collection with the schema's field names; relations as internal ids
(`capability_ids` of a role; `role_ids`, `allowed_marking_ids` and `default_marking` of a
group; `group_ids` of a user), but a group's `max_shareable_markings`, stored as OpenCTI
stores it ({type, value} entries, values.SHAREABLE_MARKINGS_KEY). Field resolvers below turn them
into the objects the schema returns.
"""

from __future__ import annotations

import base64
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    build_schema,
    default_field_resolver,
    get_named_type,
)

from j1sync.emulator.store import JsonObject, Store
from j1sync.providers.opencti.emulator import attributes, auth, constraints
from j1sync.providers.opencti.emulator.colours import label_colour
from j1sync.providers.opencti.emulator.ids import (
    KEYS,
    STIX_SPEC_VERSION,
    platform_key,
    standard_id,
)
from j1sync.providers.opencti.emulator.seed import (
    VOCABULARY_USES,
    WORKFLOW_TYPES,
)
from j1sync.providers.opencti.keys import js_trim
from j1sync.providers.opencti.values import (
    CAPABILITY_RELATION,
    GLOBAL_SCOPE,
    MARKING_RELATION,
    NOT_SHAREABLE,
    ROLE_RELATION,
    WORKFLOW_PARENT,
)

SCHEMA_FILE = Path(__file__).with_name("schema.graphql")
MARKING_DEFAULT_COLOR = "#ffffff"  # a new marking's colour when none is given
DEFAULT_FIRST = 500  # a connection asked without `first` (a guess; pycti always sends one)


@dataclass(frozen=True)
class Kind:
    """One stored kind: its entity_type, collection, GraphQL type and parent types."""

    entity_type: str
    collection: str
    typename: str
    parents: tuple[str, ...]
    multi: frozenset[str] = frozenset()  # fields holding lists (fieldPatch add/remove)
    editable: frozenset[str] = frozenset()


STIX_OBJECT = "Stix-Object"
STIX_META_OBJECT = "Stix-Meta-Object"
_STIX_META = ("Basic-Object", STIX_OBJECT, STIX_META_OBJECT)
_INTERNAL = ("Basic-Object", "Internal-Object")

KINDS: Mapping[str, Kind] = {
    kind.entity_type: kind
    for kind in (
        Kind(
            "Marking-Definition",
            "markings",
            "MarkingDefinition",
            _STIX_META,
            editable=frozenset(
                {"definition_type", "definition", "x_opencti_order", "x_opencti_color"}
            ),
        ),
        Kind("Label", "labels", "Label", _STIX_META, editable=frozenset({"value", "color"})),
        Kind(
            "Kill-Chain-Phase",
            "kill_chain_phases",
            "KillChainPhase",
            _STIX_META,
            editable=frozenset({"kill_chain_name", "phase_name", "x_opencti_order"}),
        ),
        Kind(
            "Vocabulary",
            "vocabularies",
            "Vocabulary",
            _STIX_META,
            multi=frozenset({"aliases"}),
            editable=frozenset({"name", "description", "aliases", "order", "is_hidden"}),
        ),
        Kind("Capability", "capabilities", "Capability", _INTERNAL),
        Kind(
            "Role",
            "roles",
            "Role",
            _INTERNAL,
            editable=frozenset({"name", "description", "can_manage_sensitive_config"}),
        ),
        Kind(
            "Group",
            "groups",
            "Group",
            _INTERNAL,
            multi=frozenset({"max_shareable_markings", "default_hidden_types"}),
            editable=frozenset(
                {
                    "name",
                    "description",
                    "default_assignation",
                    "auto_new_marking",
                    "no_creators",
                    "restrict_delete",
                    "group_confidence_level",
                    "max_shareable_markings",
                    "default_hidden_types",
                }
            ),
        ),
        Kind(
            "Status-Template",
            "status_templates",
            "StatusTemplate",
            _INTERNAL,
            editable=frozenset({"name", "color"}),
        ),
        Kind(
            "Status", "statuses", "Status", _INTERNAL, editable=frozenset({"order", "template_id"})
        ),
        Kind("User", "users", "User", _INTERNAL),
        Kind(
            "TaxiiCollection",
            "taxii_collections",
            "TaxiiCollection",
            _INTERNAL,
            multi=frozenset({"authorized_members"}),
            editable=frozenset(
                {
                    "name",
                    "description",
                    "filters",
                    "include_inferences",
                    "score_to_confidence",
                    "taxii_public",
                    "authorized_members",
                }
            ),
        ),
        Kind(
            "StreamCollection",
            "stream_collections",
            "StreamCollection",
            _INTERNAL,
            multi=frozenset({"authorized_members"}),
            editable=frozenset(
                {
                    "name",
                    "description",
                    "filters",
                    "stream_live",
                    "stream_public",
                    "authorized_members",
                }
            ),
        ),
        Kind("Feed", "feeds", "Feed", _INTERNAL),
        Kind(
            "Settings",
            "settings",
            "Settings",
            _INTERNAL,
            editable=frozenset(
                {
                    "platform_title",
                    "platform_email",
                    "platform_language",
                    "platform_favicon",
                    "platform_login_message",
                    "platform_consent_message",
                    "platform_consent_confirm_text",
                    "platform_banner_text",
                    "platform_banner_level",
                    "platform_whitemark",
                }
            ),
        ),
    )
}
BY_TYPENAME = {kind.typename: kind for kind in KINDS.values()}


def now() -> str:
    """The time OpenCTI stamps (ISO 8601, milliseconds, UTC)."""
    stamp = datetime.now(timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


@dataclass
class Context:
    """One request: the API and the signed-in user (None: no or an unknown token)."""

    api: OpenCtiApi
    user: JsonObject | None
    capabilities: frozenset[str] = field(default_factory=frozenset)


def _ctx(info: GraphQLResolveInfo[Any]) -> Context:
    context: Context = info.context
    return context


class OpenCtiApi:
    """Executes GraphQL requests against the store (one lock: writes are atomic)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.schema = _schema()
        self.lock = threading.RLock()

    # --- reading -----------------------------------------------------------------------

    def objects(self, entity_type: str) -> list[JsonObject]:
        return self.store.objects(KINDS[entity_type].collection)

    def find(self, entity_type: str, ref: str) -> JsonObject | None:
        """An object by internal id, standard id or (for internal objects) natural key
        value; OpenCTI resolves all three."""
        obj = self.store.get(KINDS[entity_type].collection, ref)
        if obj is not None:
            return obj
        for candidate in self.objects(entity_type):
            if candidate.get("standard_id") == ref:
                return dict(candidate)
        return None

    def find_any(self, ref: str, entity_types: Iterable[str]) -> JsonObject | None:
        for entity_type in entity_types:
            found = self.find(entity_type, ref)
            if found is not None:
                return found
        return None

    def by_key(self, entity_type: str, body: Mapping[str, Any]) -> JsonObject | None:
        """The stored object with the natural key of `body` as OpenCTI compares it
        (ids.platform_key: its upsert match, the standard id of the folded key)."""
        wanted = platform_key(entity_type, body)
        for candidate in self.objects(entity_type):
            if platform_key(entity_type, candidate) == wanted:
                return dict(candidate)
        return None

    def user_for(self, token: str | None) -> JsonObject | None:
        if not token:
            return None
        for user in self.store.objects("users"):
            if user.get("token") == token:
                return user
        return None

    def user_capabilities(self, user: JsonObject) -> frozenset[str]:
        names: set[str] = set()
        for group_id in user.get("group_ids", []):
            group = self.store.get("groups", group_id)
            if group is None:
                continue
            for role_id in group.get("role_ids", []):
                role = self.store.get("roles", role_id)
                if role is None:
                    continue
                for cap_id in role.get("capability_ids", []):
                    cap = self.store.get("capabilities", cap_id)
                    if cap is not None:
                        names.add(str(cap["name"]))
        return frozenset(names)

    # --- writing -----------------------------------------------------------------------

    def insert(self, entity_type: str, body: JsonObject) -> JsonObject:
        """A new object as OpenCTI's createEntity builds it (database/middleware.js): a STIX
        object gets `spec_version` 2.1, a STIX meta object (marking, label, kill chain
        phase, vocabulary) `created` and `modified` from its input, or now."""
        stamp = now()
        obj: JsonObject = {
            "id": str(uuid.uuid4()),
            "entity_type": entity_type,
            "created_at": stamp,
            "updated_at": stamp,
            **body,
        }
        parents = KINDS[entity_type].parents
        if STIX_OBJECT in parents:
            obj["spec_version"] = STIX_SPEC_VERSION
        if STIX_META_OBJECT in parents:
            obj["created"] = body.get("created") or stamp
            obj["modified"] = body.get("modified") or stamp
        obj["standard_id"] = (
            standard_id(entity_type, obj)
            if entity_type in KEYS
            else f"{entity_type.lower()}--{obj['id']}"
        )
        self.store.insert(KINDS[entity_type].collection, obj)
        return obj

    def replace(self, entity_type: str, obj: JsonObject) -> JsonObject:
        """An update: `updated_at`, and a STIX meta object's `modified`, are now (OpenCTI's
        isUpdatedAtObject and isModifiedObject types)."""
        stamp = now()
        obj["updated_at"] = stamp
        if STIX_META_OBJECT in KINDS[entity_type].parents:
            obj["modified"] = stamp
        if entity_type in KEYS:
            obj["standard_id"] = standard_id(entity_type, obj)
        self.store.replace(KINDS[entity_type].collection, obj)
        return obj

    def upsert(self, entity_type: str, body: JsonObject, update: bool = False) -> JsonObject:
        """`xxxAdd`: an object with the same natural key is returned (its given fields
        applied when `update` is true, as OpenCTI's upsert does) instead of a duplicate. A
        key that folds to nothing (a label of spaces, which labelAdd trims) is refused, as
        OpenCTI's identifier refuses an empty key."""
        if entity_type in KEYS and not any(platform_key(entity_type, body)):
            fields = " - ".join(KEYS[entity_type][1])
            raise auth.functional_error(
                f"Missing required elements for {entity_type} creation ({fields})"
            )
        existing = self.by_key(entity_type, body)
        if existing is None:
            return self.insert(entity_type, body)
        if update:
            changed = {k: v for k, v in body.items() if v is not None and existing.get(k) != v}
            if changed:
                existing.update(changed)
                return self.replace(entity_type, existing)
        return existing

    def delete(self, entity_type: str, ref: str) -> str:
        obj = self.find(entity_type, ref)
        if obj is None:
            raise auth.already_deleted(ref)
        self.store.delete(KINDS[entity_type].collection, str(obj["id"]))
        self._forget(str(obj["id"]))
        if entity_type == "Marking-Definition":
            self._forget_shareable(obj)
        return str(obj["id"])

    def _forget(self, object_id: str) -> None:
        """Relations to a deleted object go with it (OpenCTI deletes the relationships)."""
        for collection, keys in (
            ("roles", ("capability_ids",)),
            ("groups", ("role_ids", "allowed_marking_ids")),
            ("users", ("group_ids",)),
        ):
            for obj in self.store.objects(collection):
                if any(object_id in obj.get(key, []) for key in keys):
                    copy = dict(obj)
                    for key in keys:
                        copy[key] = [i for i in copy.get(key, []) if i != object_id]
                    self.store.replace(collection, copy)
        for group in self.store.objects("groups"):
            defaults = group.get("default_marking", [])
            if any(object_id in entry.get("values", []) for entry in defaults):
                copy = dict(group)
                copy["default_marking"] = [
                    {**entry, "values": [v for v in entry.get("values", []) if v != object_id]}
                    for entry in defaults
                ]
                self.store.replace("groups", copy)

    def _forget_shareable(self, marking: Mapping[str, Any]) -> None:
        """OpenCTI's markingDefinitionDelete (domain/markingDefinition.js): each group whose
        max_shareable_markings names the marking keeps only the entries of other types
        that are not 'none' (its filter, as written there)."""
        marking_type = marking.get("definition_type")
        for group in self.store.objects("groups"):
            entries = group.get("max_shareable_markings") or []
            if any(entry.get("value") == marking["id"] for entry in entries):
                copy = dict(group)
                copy["max_shareable_markings"] = [
                    e
                    for e in entries
                    if e.get("type") != marking_type and e.get("value") != NOT_SHAREABLE
                ]
                self.store.replace("groups", copy)

    def field_patch(self, entity_type: str, ref: str, edits: list[Mapping[str, Any]]) -> JsonObject:
        """fieldPatch: each EditInput {key, value: [...], operation}: replace (a
        single-valued field takes value[0]), add and remove (multi-valued fields)."""
        obj = self.find(entity_type, ref)
        if obj is None:
            raise auth.functional_error("Cant find element to update", id=ref)
        kind = KINDS[entity_type]
        for edit in edits:
            if edit is None:
                continue
            key = str(edit.get("key"))
            values = list(edit.get("value") or [])
            operation = edit.get("operation") or "replace"
            if key not in kind.editable:
                raise auth.functional_error(f"Invalid input key {key}", key=key)
            values = attributes.prepared(entity_type, key, values, key in kind.multi)
            attributes.servable(key, values, _field_type(kind.typename, key))
            stored_key = key
            if key in kind.multi:
                current = list(obj.get(stored_key) or [])
                if operation == "add":
                    current += [v for v in values if v not in current]
                elif operation == "remove":
                    current = [v for v in current if v not in values]
                else:
                    current = values
                if key == "aliases":
                    current = attributes.distinct_aliases(current, obj.get("name"))
                obj[stored_key] = current
            else:
                obj[stored_key] = values[0] if values else None
        if entity_type in KEYS:
            clash = self.by_key(entity_type, obj)
            if clash is not None and clash["id"] != obj["id"]:
                raise auth.functional_error(
                    "This update will lead to a duplicated entity", id=str(obj["id"])
                )
        return self.replace(entity_type, obj)


def _field_type(typename: str, key: str) -> GraphQLNamedType | None:
    """The named type the served schema gives the field `key` of `typename`, if any."""
    graphql_type = _schema().type_map.get(typename)
    if not isinstance(graphql_type, GraphQLObjectType) or key not in graphql_type.fields:
        return None
    named: GraphQLNamedType = get_named_type(graphql_type.fields[key].type)
    return named


# --- connections, filters and ordering ---------------------------------------------------


def _cursor(index: int) -> str:
    return base64.b64encode(f"offset:{index}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.b64decode(cursor).decode()
        return int(text.split(":", 1)[1]) + 1
    except (ValueError, IndexError) as exc:
        raise auth.functional_error("Invalid pagination cursor", cursor=cursor) from exc


def connection(
    objects: list[JsonObject], first: int | None = None, after: str | None = None
) -> JsonObject:
    start = _offset(after)
    size = DEFAULT_FIRST if first is None else max(first, 0)
    page = objects[start : start + size]
    edges = [{"cursor": _cursor(start + i), "node": obj} for i, obj in enumerate(page)]
    return {
        "edges": edges,
        "pageInfo": {
            "startCursor": edges[0]["cursor"] if edges else "",
            "endCursor": edges[-1]["cursor"] if edges else "",
            "hasNextPage": start + size < len(objects),
            "hasPreviousPage": start > 0,
            "globalCount": len(objects),
        },
    }


def _matches_filter(obj: Mapping[str, Any], flt: Mapping[str, Any]) -> bool:
    keys = flt.get("key") or []
    if isinstance(keys, str):
        keys = [keys]
    values = [str(v) for v in flt.get("values") or []]
    operator = flt.get("operator") or "eq"
    mode = flt.get("mode") or "or"
    results = []
    for key in keys:
        held = obj.get(key)
        held_list = (
            [str(v) for v in held]
            if isinstance(held, list)
            else ([] if held is None else [str(held)])
        )
        if operator == "nil":
            results.append(not held_list)
            continue
        if operator == "not_nil":
            results.append(bool(held_list))
            continue
        checks = [_compare(operator, held_list, value) for value in values]
        if not checks:
            results.append(True)
        else:
            results.append(all(checks) if mode == "and" else any(checks))
    return any(results)


def _compare(operator: str, held: list[str], value: str) -> bool:
    lowered = [h.lower() for h in held]
    v = value.lower()
    if operator == "eq":
        return v in lowered
    if operator == "not_eq":
        return v not in lowered
    if operator in ("contains", "search", "match", "wildcard"):
        return any(v in h for h in lowered)
    if operator == "not_contains":
        return not any(v in h for h in lowered)
    if operator == "starts_with":
        return any(h.startswith(v) for h in lowered)
    if operator == "not_starts_with":
        return not any(h.startswith(v) for h in lowered)
    if operator == "ends_with":
        return any(h.endswith(v) for h in lowered)
    if operator == "not_ends_with":
        return not any(h.endswith(v) for h in lowered)
    raise auth.functional_error(f"Unsupported filter operator {operator}", operator=operator)


def matches(obj: Mapping[str, Any], group: Mapping[str, Any] | None) -> bool:
    """A FilterGroup {mode, filters, filterGroups} over one stored object."""
    if not group:
        return True
    parts = [_matches_filter(obj, f) for f in group.get("filters") or []]
    parts += [matches(obj, g) for g in group.get("filterGroups") or []]
    if not parts:
        return True
    return all(parts) if (group.get("mode") or "and") == "and" else any(parts)


_SEARCHED = ("name", "value", "definition", "phase_name", "kill_chain_name", "description")


def listing(
    objects: list[JsonObject],
    args: Mapping[str, Any],
    extra: Callable[[JsonObject], bool] | None = None,
) -> JsonObject:
    """A connection over `objects` with OpenCTI's list arguments: filters, search,
    orderBy/orderMode, first/after."""
    search = (args.get("search") or "").lower()
    chosen = [
        obj
        for obj in objects
        if matches(obj, args.get("filters"))
        and (not search or any(search in str(obj.get(k) or "").lower() for k in _SEARCHED))
        and (extra is None or extra(obj))
    ]
    order_by = args.get("orderBy")
    if order_by and order_by != "_score":
        chosen.sort(
            key=lambda o: (o.get(order_by) is None, str(o.get(order_by) or "").lower()),
            reverse=args.get("orderMode") == "desc",
        )
    return connection(chosen, args.get("first"), args.get("after"))


# --- the schema's resolvers --------------------------------------------------------------

Resolver = Callable[..., Any]


def _typed(entity_type: str, obj: JsonObject | None) -> JsonObject | None:
    if obj is None:
        return None
    kind = KINDS[entity_type]
    return {"parent_types": list(kind.parents), **obj, "__typename": kind.typename}


def _typed_all(entity_type: str, objs: Iterable[JsonObject]) -> list[JsonObject]:
    return [t for t in (_typed(entity_type, o) for o in objs) if t is not None]


def _reader(entity_type: str) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo[Any], id: str) -> Any:
        return _typed(entity_type, _ctx(info).api.find(entity_type, id))

    return resolve


def _lister(
    entity_type: str,
    extra: Callable[[Mapping[str, Any]], Callable[[JsonObject], bool] | None] | None = None,
) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
        objs = _typed_all(entity_type, _ctx(info).api.objects(entity_type))
        return listing(objs, args, extra(args) if extra else None)

    return resolve


@dataclass(frozen=True)
class EditTarget:
    """What `xxxEdit(id)` returns: the nested mutations act on this object."""

    entity_type: str
    ref: str


def _editor(entity_type: str) -> Resolver:
    def resolve(_root: Any, _info: GraphQLResolveInfo[Any], id: str) -> EditTarget:
        return EditTarget(entity_type, id)

    return resolve


def _edit_delete(target: EditTarget, info: GraphQLResolveInfo[Any]) -> str:
    return _ctx(info).api.delete(target.entity_type, target.ref)


def _edit_field_patch(target: EditTarget, info: GraphQLResolveInfo[Any], input: list[Any]) -> Any:
    api = _ctx(info).api
    return _typed(target.entity_type, api.field_patch(target.entity_type, target.ref, input))


def _field_patcher(entity_type: str) -> Resolver:
    """`xxxFieldPatch(id, input)`, a mutation of its own (no `xxxEdit(id)` before it)."""

    def resolve(_root: Any, info: GraphQLResolveInfo[Any], id: str, input: list[Any]) -> Any:
        return _edit_field_patch(EditTarget(entity_type, id), info, input)

    return resolve


def _adder(
    entity_type: str,
    fields: tuple[str, ...],
    defaults: Mapping[str, Any] | None = None,
    trim: str | None = None,
) -> Resolver:
    """`xxxAdd` of `fields`; `trim`: the field stored trimmed (labelAdd stores
    `label.value.trim()`)."""

    def resolve(_root: Any, info: GraphQLResolveInfo[Any], input: Mapping[str, Any]) -> Any:
        body: JsonObject = {**(defaults or {})}
        body.update({k: input[k] for k in fields if input.get(k) is not None})
        if trim is not None and isinstance(body.get(trim), str):
            body[trim] = js_trim(body[trim])
        if input.get("x_opencti_stix_ids"):
            body["x_opencti_stix_ids"] = list(input["x_opencti_stix_ids"])
        api = _ctx(info).api
        return _typed(entity_type, api.upsert(entity_type, body, bool(input.get("update"))))

    return resolve


_add_marking = _adder(
    "Marking-Definition",
    ("definition_type", "definition", "x_opencti_order", "x_opencti_color", "created", "modified"),
)


def _marking_add(root: Any, info: GraphQLResolveInfo[Any], input: Mapping[str, Any]) -> Any:
    """markingDefinitionAdd: a marking given no colour (or "") is made white, as OpenCTI's
    addAllowedMarkingDefinition does (domain/markingDefinition.js)."""
    color = input.get("x_opencti_color") or MARKING_DEFAULT_COLOR
    return _add_marking(root, info, {**input, "x_opencti_color": color})


_add_label = _adder("Label", ("value", "color", "created", "modified"), trim="value")


def _label_add(root: Any, info: GraphQLResolveInfo[Any], input: Mapping[str, Any]) -> Any:
    """labelAdd: a new label given no colour (or "") gets the one OpenCTI derives from its
    value (domain/label.js addLabel, colours.py); an existing label is met as any add
    meets one."""
    value = input.get("value")
    new = isinstance(value, str) and _ctx(info).api.by_key("Label", {"value": value}) is None
    if new and not input.get("color"):
        input = {**input, "color": label_colour(str(value))}
    return _add_label(root, info, input)


def _me(_root: Any, info: GraphQLResolveInfo[Any]) -> Any:
    user = _ctx(info).user
    assert user is not None  # @auth: checked before
    return {**user, "__typename": "MeUser", "parent_types": list(_INTERNAL)}


def _about(_root: Any, _info: GraphQLResolveInfo[Any]) -> JsonObject:
    return {"version": VERSION}


VERSION = "6.9.17"


def _settings(_root: Any, info: GraphQLResolveInfo[Any]) -> Any:
    return _typed("Settings", _ctx(info).api.objects("Settings")[0])


def _capabilities(
    _root: Any, info: GraphQLResolveInfo[Any], first: int | None = None
) -> JsonObject:
    caps = _typed_all("Capability", _ctx(info).api.objects("Capability"))
    return connection(caps, first if first is not None else len(caps) or 1)


def _vocabulary_category(obj: Mapping[str, Any], _info: GraphQLResolveInfo[Any]) -> JsonObject:
    return category_definition(str(obj["category"]))


def category_definition(category: str) -> JsonObject:
    types, fields = VOCABULARY_USES.get(category, ((), ()))
    return {
        "key": category,
        "description": None,
        "entity_types": list(types),
        "fields": [{"key": k, "required": r, "multiple": m} for k, r, m in fields],
    }


def _vocabulary_categories(_root: Any, _info: GraphQLResolveInfo[Any]) -> list[JsonObject]:
    return [category_definition(c) for c in VOCABULARY_USES]


def _vocabulary_add(_root: Any, info: GraphQLResolveInfo[Any], input: Mapping[str, Any]) -> Any:
    body: JsonObject = {"aliases": [], "is_hidden": False, "description": None, "order": 0}
    for key in ("name", "category", "description", "order", "aliases", "created", "modified"):
        if input.get(key) is not None:
            body[key] = input[key]
    body["builtIn"] = False
    return _typed(
        "Vocabulary", _ctx(info).api.upsert("Vocabulary", body, bool(input.get("update")))
    )


def _vocabulary_delete(_root: Any, info: GraphQLResolveInfo[Any], id: str) -> str:
    api = _ctx(info).api
    vocabulary = api.find("Vocabulary", id)
    if vocabulary is not None and vocabulary.get("builtIn"):
        raise auth.functional_error("Cant delete builtin vocabulary", id=id)
    return api.delete("Vocabulary", id)


def _vocabularies_extra(args: Mapping[str, Any]) -> Callable[[JsonObject], bool] | None:
    category = args.get("category")
    if category is None:
        return None
    return lambda obj: obj.get("category") == category


def _capabilities_of(ids: Iterable[str], api: OpenCtiApi) -> list[JsonObject]:
    found = (api.store.get("capabilities", i) for i in ids)
    return _typed_all("Capability", (c for c in found if c is not None))


def _role_capabilities(role: Mapping[str, Any], info: GraphQLResolveInfo[Any]) -> list[JsonObject]:
    return _capabilities_of(role.get("capability_ids", []), _ctx(info).api)


def _empty_list(_obj: Any, _info: GraphQLResolveInfo[Any]) -> list[Any]:
    return []


def _markings_of(ids: Iterable[str], api: OpenCtiApi) -> list[JsonObject]:
    found = (api.store.get("markings", i) for i in ids)
    return _typed_all("Marking-Definition", (m for m in found if m is not None))


def _group_roles(
    group: Mapping[str, Any], info: GraphQLResolveInfo[Any], **args: Any
) -> JsonObject:
    api = _ctx(info).api
    found = (api.store.get("roles", i) for i in group.get("role_ids", []))
    return listing(_typed_all("Role", (r for r in found if r is not None)), args)


def _group_members(
    group: Mapping[str, Any], info: GraphQLResolveInfo[Any], **args: Any
) -> JsonObject:
    users = [u for u in _ctx(info).api.objects("User") if group["id"] in u.get("group_ids", [])]
    return listing(_typed_all("User", users), args)


def _allowed_markings(obj: Mapping[str, Any], info: GraphQLResolveInfo[Any]) -> list[JsonObject]:
    api = _ctx(info).api
    if "allowed_marking_ids" in obj:
        return _markings_of(obj["allowed_marking_ids"], api)
    return _markings_of(_user_markings(obj, api), api)


def _user_markings(user: Mapping[str, Any], api: OpenCtiApi) -> list[str]:
    if auth.BYPASS in api.user_capabilities(dict(user)):
        return [str(m["id"]) for m in api.objects("Marking-Definition")]
    ids: list[str] = []
    for group_id in user.get("group_ids", []):
        group = api.store.get("groups", group_id) or {}
        ids += [i for i in group.get("allowed_marking_ids", []) if i not in ids]
    return ids


def _max_shareable(obj: Mapping[str, Any], info: GraphQLResolveInfo[Any]) -> list[JsonObject]:
    """OpenCTI's groupMaxShareableMarkings (domain/group.js): the markings the stored
    `max_shareable_markings` entries name ({type, value: marking id}), 'none' and
    markings that no longer exist left out."""
    api = _ctx(info).api
    found = (
        api.find("Marking-Definition", str(entry.get("value")))
        for entry in obj.get("max_shareable_markings") or []
        if entry.get("value") != NOT_SHAREABLE
    )
    return _typed_all("Marking-Definition", (m for m in found if m is not None))


def _not_shareable_types(obj: Mapping[str, Any], _info: GraphQLResolveInfo[Any]) -> list[str]:
    """OpenCTI's groupNotShareableMarkingTypes: the types of the entries valued 'none'."""
    return [
        str(entry.get("type"))
        for entry in obj.get("max_shareable_markings") or []
        if entry.get("value") == NOT_SHAREABLE
    ]


def _default_marking(obj: Mapping[str, Any], info: GraphQLResolveInfo[Any]) -> list[JsonObject]:
    api = _ctx(info).api
    return [
        {
            "entity_type": entry.get("entity_type"),
            "values": _markings_of(entry.get("values", []), api),
        }
        for entry in obj.get("default_marking", [])
    ]


def _me_capabilities(user: Mapping[str, Any], info: GraphQLResolveInfo[Any]) -> list[JsonObject]:
    api = _ctx(info).api
    names = api.user_capabilities(dict(user))
    return _typed_all("Capability", (c for c in api.objects("Capability") if c["name"] in names))


def _me_groups(user: Mapping[str, Any], info: GraphQLResolveInfo[Any], **args: Any) -> JsonObject:
    api = _ctx(info).api
    found = (api.store.get("groups", i) for i in user.get("group_ids", []))
    return listing(_typed_all("Group", (g for g in found if g is not None)), args)


def _role_add(_root: Any, info: GraphQLResolveInfo[Any], input: Mapping[str, Any]) -> Any:
    body = {"name": input["name"], "description": input.get("description"), "capability_ids": []}
    body["can_manage_sensitive_config"] = False
    return _typed("Role", _ctx(info).api.upsert("Role", body))


def _group_add(_root: Any, info: GraphQLResolveInfo[Any], input: Mapping[str, Any]) -> Any:
    body: JsonObject = {
        "name": input["name"],
        "description": input.get("description"),
        "default_assignation": bool(input.get("default_assignation")),
        "auto_new_marking": bool(input.get("auto_new_marking")),
        "no_creators": bool(input.get("no_creators")),
        "restrict_delete": bool(input.get("restrict_delete")),
        "group_confidence_level": _confidence(input.get("group_confidence_level")),
        "role_ids": [],
        "allowed_marking_ids": [],
        "max_shareable_markings": [],
        "default_marking": [],
        "default_hidden_types": [],
    }
    return _typed("Group", _ctx(info).api.upsert("Group", body))


def _confidence(value: Any) -> JsonObject:
    if not isinstance(value, Mapping):
        return {"max_confidence": None, "overrides": []}
    return {
        "max_confidence": value.get("max_confidence"),
        "overrides": [dict(o) for o in value.get("overrides") or []],
    }


# relationship_type -> (entity_type holding the list, stored key, entity type of the other end)
_RELATIONS = {
    ("Role", CAPABILITY_RELATION): ("capability_ids", "Capability"),
    ("Group", ROLE_RELATION): ("role_ids", "Role"),
    ("Group", MARKING_RELATION): ("allowed_marking_ids", "Marking-Definition"),
}


def _relation_add(
    target: EditTarget, info: GraphQLResolveInfo[Any], input: Mapping[str, Any]
) -> JsonObject:
    api = _ctx(info).api
    kind = str(input.get("relationship_type"))
    owner = api.find(target.entity_type, target.ref)
    if owner is None:
        raise auth.functional_error("Cant find element to update", id=target.ref)
    if target.entity_type == "Group" and kind == "member-of":
        user = api.find("User", str(input.get("fromId")))
        if user is None:
            raise auth.functional_error("Cant find user", id=str(input.get("fromId")))
        if owner["id"] not in user.get("group_ids", []):
            user["group_ids"] = [*user.get("group_ids", []), owner["id"]]
            api.store.replace("users", user)
        return _relationship(kind, _typed("User", user), _typed("Group", owner))
    relation = _RELATIONS.get((target.entity_type, kind))
    if relation is None:
        raise auth.functional_error(f"Invalid relationship type {kind}", relationship_type=kind)
    key, other_type = relation
    other = api.find(other_type, str(input.get("toId")))
    if other is None:
        raise auth.functional_error("Cant find element to link", id=str(input.get("toId")))
    if other["id"] not in owner.get(key, []):
        owner[key] = [*owner.get(key, []), other["id"]]
        owner = api.replace(target.entity_type, owner)
    return _relationship(kind, _typed(target.entity_type, owner), _typed(other_type, other))


def _relationship(kind: str, source: JsonObject | None, target: JsonObject | None) -> JsonObject:
    rel_id = str(uuid.uuid4())
    stamp = now()
    return {
        "id": rel_id,
        "standard_id": f"internal-relationship--{rel_id}",
        "entity_type": kind,
        "parent_types": ["Basic-Relationship", "Internal-Relationship"],
        "fromRole": None,
        "toRole": None,
        "from": source,
        "to": target,
        "created_at": stamp,
        "updated_at": stamp,
    }


def _relation_delete(
    target: EditTarget,
    info: GraphQLResolveInfo[Any],
    relationship_type: str,
    toId: str | None = None,
    fromId: str | None = None,
) -> Any:
    api = _ctx(info).api
    owner = api.find(target.entity_type, target.ref)
    if owner is None:
        raise auth.functional_error("Cant find element to update", id=target.ref)
    if target.entity_type == "Group" and relationship_type == "member-of":
        user = api.find("User", str(fromId))
        if user is not None:
            user["group_ids"] = [g for g in user.get("group_ids", []) if g != owner["id"]]
            api.store.replace("users", user)
        return _typed("Group", owner)
    relation = _RELATIONS.get((target.entity_type, relationship_type))
    if relation is None:
        raise auth.functional_error(
            f"Invalid relationship type {relationship_type}", relationship_type=relationship_type
        )
    key, other_type = relation
    other = api.find(other_type, str(toId))
    if other is None:
        raise auth.functional_error("Cant find element to unlink", id=str(toId))
    owner[key] = [i for i in owner.get(key, []) if i != other["id"]]
    return _typed(target.entity_type, api.replace(target.entity_type, owner))


def _edit_default_marking(
    target: EditTarget, info: GraphQLResolveInfo[Any], input: Mapping[str, Any]
) -> Any:
    api = _ctx(info).api
    group = api.find("Group", target.ref)
    if group is None:
        raise auth.functional_error("Cant find element to update", id=target.ref)
    entity_type = str(input["entity_type"])
    values = _clean_markings(api, [str(v) for v in input.get("values") or []])
    entries = list(group.get("default_marking", []))
    at = next((i for i, e in enumerate(entries) if e.get("entity_type") == entity_type), None)
    if at is None:
        entries.append({"entity_type": entity_type, "values": values})
    else:
        entries[at] = {**entries[at], "values": values}
    group["default_marking"] = entries
    return _typed("Group", api.replace("Group", group))


def _clean_markings(api: OpenCtiApi, refs: list[str]) -> list[str]:
    """OpenCTI's cleanMarkings (utils/markingDefinition-utils.js), which editDefaultMarking
    applies to its values: per definition type only the markings of the highest
    x_opencti_order are kept, each once; a value that is no marking is dropped (it has no
    order to be the highest)."""
    by_type: dict[Any, list[JsonObject]] = {}
    for ref in refs:
        marking = api.find("Marking-Definition", ref)
        if marking is not None:
            by_type.setdefault(marking.get("definition_type"), []).append(marking)
    kept: list[str] = []
    for markings in by_type.values():
        highest = max(m.get("x_opencti_order") or 0 for m in markings)
        for marking in markings:
            if (marking.get("x_opencti_order") or 0) == highest and marking["id"] not in kept:
                kept.append(str(marking["id"]))
    return kept


def _settings_edit(_root: Any, _info: GraphQLResolveInfo[Any], id: str) -> EditTarget:
    return EditTarget("Settings", id)


# --- workflows: status templates and statuses per entity type ----------------------------


def _status_template_add(
    _root: Any, info: GraphQLResolveInfo[Any], input: Mapping[str, Any]
) -> Any:
    body = {"name": input["name"], "color": input["color"]}
    return _typed("Status-Template", _ctx(info).api.upsert("Status-Template", body))


def _status_template_delete(_root: Any, info: GraphQLResolveInfo[Any], id: str) -> str:
    api = _ctx(info).api
    deleted = api.delete("Status-Template", id)
    for status in api.objects("Status"):
        if status.get("template_id") == deleted:
            api.store.delete("statuses", str(status["id"]))
    return deleted


def _template_usages(template: Mapping[str, Any], info: GraphQLResolveInfo[Any]) -> int:
    statuses = _ctx(info).api.objects("Status")
    return sum(1 for s in statuses if s.get("template_id") == template["id"])


def _status_template(status: Mapping[str, Any], info: GraphQLResolveInfo[Any]) -> Any:
    api = _ctx(info).api
    return _typed("Status-Template", api.store.get("status_templates", str(status["template_id"])))


def sub_type(api: OpenCtiApi, type_name: str) -> JsonObject | None:
    if type_name not in WORKFLOW_TYPES:
        return None
    statuses = sorted(
        (s for s in api.objects("Status") if s.get("type") == type_name),
        key=lambda s: (int(s.get("order") or 0), str(s["id"])),
    )
    return {
        "id": type_name,
        "label": type_name,
        "workflowEnabled": bool(statuses),
        "statuses": _typed_all("Status", statuses),
    }


def _sub_type(_root: Any, info: GraphQLResolveInfo[Any], id: str) -> Any:
    return sub_type(_ctx(info).api, id)


def _sub_types(_root: Any, info: GraphQLResolveInfo[Any], **args: Any) -> JsonObject:
    api = _ctx(info).api
    wanted = args.get("type")
    # `type` names an entity type or a parent type: every workflow type served is a
    # Stix-Domain-Object (a guess at how far the platform's type tree matters here)
    names = [t for t in WORKFLOW_TYPES if wanted in (None, "", t, WORKFLOW_PARENT)]
    subs = [s for s in (sub_type(api, n) for n in names) if s is not None]
    rest = {k: v for k, v in args.items() if k not in ("type", "includeParents")}
    return listing(subs, rest)


def _sub_type_edit(_root: Any, _info: GraphQLResolveInfo[Any], id: str) -> EditTarget:
    return EditTarget("SubType", id)


def _status_add(target: EditTarget, info: GraphQLResolveInfo[Any], input: Mapping[str, Any]) -> Any:
    api = _ctx(info).api
    if target.ref not in WORKFLOW_TYPES:
        raise auth.functional_error("Cant find element to update", id=target.ref)
    template = api.find("Status-Template", str(input["template_id"]))
    if template is None:
        raise auth.functional_error("Cant find status template", id=str(input["template_id"]))
    api.insert(
        "Status",
        {
            "type": target.ref,
            "template_id": template["id"],
            "order": input["order"],
            "scope": input.get("scope") or GLOBAL_SCOPE,
        },
    )
    return sub_type(api, target.ref)


def _status_field_patch(
    target: EditTarget, info: GraphQLResolveInfo[Any], statusId: str, input: list[Any]
) -> Any:
    api = _ctx(info).api
    api.field_patch("Status", statusId, input)
    return sub_type(api, target.ref)


def _status_delete(target: EditTarget, info: GraphQLResolveInfo[Any], statusId: str) -> Any:
    api = _ctx(info).api
    api.delete("Status", statusId)
    return sub_type(api, target.ref)


# --- sharing: TAXII collections, live streams, CSV feeds ----------------------------------


def _members(value: Any) -> list[JsonObject]:
    return [
        {
            "id": m["id"],
            "access_right": m["access_right"],
            "groups_restriction_ids": m.get("groups_restriction_ids"),
        }
        for m in value or []
    ]


def _taxii_add(_root: Any, info: GraphQLResolveInfo[Any], input: Mapping[str, Any]) -> Any:
    body = {
        "name": input["name"],
        "description": input.get("description"),
        "filters": input.get("filters"),
        "taxii_public": bool(input.get("taxii_public")),
        "include_inferences": bool(input.get("include_inferences")),
        "score_to_confidence": bool(input.get("score_to_confidence")),
        "authorized_members": _members(input.get("authorized_members")),
    }
    return _typed("TaxiiCollection", _ctx(info).api.insert("TaxiiCollection", body))


def _stream_add(_root: Any, info: GraphQLResolveInfo[Any], input: Mapping[str, Any]) -> Any:
    body = {
        "name": input["name"],
        "description": input.get("description"),
        "filters": input.get("filters"),
        "stream_live": bool(input.get("stream_live")),
        "stream_public": bool(input.get("stream_public")),
        "authorized_members": _members(input.get("authorized_members")),
    }
    return _typed("StreamCollection", _ctx(info).api.insert("StreamCollection", body))


def _feed_body(input: Mapping[str, Any]) -> JsonObject:
    return {
        "name": input["name"],
        "description": input.get("description"),
        "filters": input.get("filters"),
        "separator": input["separator"],
        "feed_date_attribute": input["feed_date_attribute"],
        "rolling_time": input["rolling_time"],
        "include_header": input["include_header"],
        "feed_types": list(input["feed_types"]),
        "feed_public": bool(input.get("feed_public")),
        "feed_attributes": [
            {"attribute": a["attribute"], "mappings": [dict(m) for m in a["mappings"]]}
            for a in input["feed_attributes"]
        ],
        "authorized_members": _members(input.get("authorized_members")),
    }


def _check_feed(input: Mapping[str, Any]) -> None:
    """OpenCTI's checkFeedIntegrity (domain/feed.ts), for feedAdd and feedEdit: a separator
    of at most one character, and in every column one mapping per feed type, of the feed's
    types only (the check of each type against the platform's entity types is not made)."""
    if len(str(input.get("separator") or "")) > 1:
        raise auth.functional_error("Separator must be only one char", field="separator")
    types = list(input.get("feed_types") or [])
    for feed_type in types:
        for column in input.get("feed_attributes") or []:
            mapped = [m.get("type") for m in column.get("mappings") or []]
            if len(mapped) != len(types):
                raise auth.functional_error(
                    "Feed mappings length does not match global types length"
                )
            if feed_type not in mapped:
                raise auth.functional_error(
                    f"The mapping of the type {feed_type} is missing in the attribute "
                    f"{column.get('attribute')}."
                )
            if any(t not in types for t in mapped):
                raise auth.functional_error(
                    f"The attribute {column.get('attribute')} contains an invalid mapping."
                )


def _feed_add(_root: Any, info: GraphQLResolveInfo[Any], input: Mapping[str, Any]) -> Any:
    _check_feed(input)
    return _typed("Feed", _ctx(info).api.insert("Feed", _feed_body(input)))


def _feed_edit(_root: Any, info: GraphQLResolveInfo[Any], id: str, input: Mapping[str, Any]) -> Any:
    """feedEdit(id, input: FeedAddInput!): every field the input holds is replaced (the
    required ones always); an optional field it leaves out keeps its value, as OpenCTI's
    editFeed writes the input as a partial document (domain/feed.ts, elReplace)."""
    _check_feed(input)
    api = _ctx(info).api
    feed = api.find("Feed", id)
    if feed is None:
        raise auth.functional_error("Cant find element to update", id=id)
    feed.update({k: v for k, v in _feed_body(input).items() if k in input})
    return _typed("Feed", api.replace("Feed", feed))


def _feed_delete(_root: Any, info: GraphQLResolveInfo[Any], id: str) -> str:
    return _ctx(info).api.delete("Feed", id)


def _authorized_members(obj: Mapping[str, Any], info: GraphQLResolveInfo[Any]) -> list[JsonObject]:
    api = _ctx(info).api
    shown = []
    for member in obj.get("authorized_members") or []:
        who = api.find_any(str(member["id"]), ("User", "Group"))
        restriction = member.get("groups_restriction_ids")
        shown.append(
            {
                "id": member["id"],
                "member_id": member["id"],
                "name": (who or {}).get("name") or str(member["id"]),
                "entity_type": (who or {}).get("entity_type") or "User",
                "access_right": member["access_right"],
                "groups_restriction": None
                if restriction is None
                else [_restriction_group(api, str(g)) for g in restriction],
            }
        )
    return shown


def _restriction_group(api: OpenCtiApi, group_id: str) -> JsonObject:
    group = api.find("Group", group_id)
    return {"id": group_id, "name": (group or {}).get("name") or group_id}


# --- wiring ------------------------------------------------------------------------------

QUERY: Mapping[str, Resolver] = {
    "about": _about,
    "me": _me,
    "settings": _settings,
    "capabilities": _capabilities,
    "markingDefinition": _reader("Marking-Definition"),
    "markingDefinitions": _lister("Marking-Definition"),
    "label": _reader("Label"),
    "labels": _lister("Label"),
    "killChainPhase": _reader("Kill-Chain-Phase"),
    "killChainPhases": _lister("Kill-Chain-Phase"),
    "vocabulary": _reader("Vocabulary"),
    "vocabularies": _lister("Vocabulary", _vocabularies_extra),
    "vocabularyCategories": _vocabulary_categories,
    "role": _reader("Role"),
    "roles": _lister("Role"),
    "group": _reader("Group"),
    "groups": _lister("Group"),
    "statusTemplate": _reader("Status-Template"),
    "statusTemplates": _lister("Status-Template"),
    "subType": _sub_type,
    "subTypes": _sub_types,
    "taxiiCollection": _reader("TaxiiCollection"),
    "taxiiCollections": _lister("TaxiiCollection"),
    "streamCollection": _reader("StreamCollection"),
    "streamCollections": _lister("StreamCollection"),
    "feed": _reader("Feed"),
    "feeds": _lister("Feed"),
}

MUTATION: Mapping[str, Resolver] = {
    "settingsEdit": _settings_edit,
    "markingDefinitionAdd": _marking_add,
    "markingDefinitionEdit": _editor("Marking-Definition"),
    "labelAdd": _label_add,
    "labelEdit": _editor("Label"),
    "killChainPhaseAdd": _adder(
        "Kill-Chain-Phase",
        ("kill_chain_name", "phase_name", "x_opencti_order", "created", "modified"),
    ),
    "killChainPhaseEdit": _editor("Kill-Chain-Phase"),
    "vocabularyAdd": _vocabulary_add,
    "vocabularyFieldPatch": _field_patcher("Vocabulary"),
    "vocabularyDelete": _vocabulary_delete,
    "roleAdd": _role_add,
    "roleEdit": _editor("Role"),
    "groupAdd": _group_add,
    "groupEdit": _editor("Group"),
    "statusTemplateAdd": _status_template_add,
    "statusTemplateFieldPatch": _field_patcher("Status-Template"),
    "statusTemplateDelete": _status_template_delete,
    "subTypeEdit": _sub_type_edit,
    "taxiiCollectionAdd": _taxii_add,
    "taxiiCollectionEdit": _editor("TaxiiCollection"),
    "streamCollectionAdd": _stream_add,
    "streamCollectionEdit": _editor("StreamCollection"),
    "feedAdd": _feed_add,
    "feedEdit": _feed_edit,
    "feedDelete": _feed_delete,
}

_EDIT_MUTATIONS = (
    "MarkingDefinitionEditMutations",
    "LabelEditMutations",
    "KillChainPhaseEditMutations",
    "RoleEditMutations",
    "GroupEditMutations",
    "TaxiiCollectionEditMutations",
    "StreamCollectionEditMutations",
    "SettingsEditMutations",
)

FIELDS: Mapping[str, Resolver] = {
    **{f"{t}.delete": _edit_delete for t in _EDIT_MUTATIONS if t != "SettingsEditMutations"},
    **{f"{t}.fieldPatch": _edit_field_patch for t in _EDIT_MUTATIONS},
    "RoleEditMutations.relationAdd": _relation_add,
    "RoleEditMutations.relationDelete": _relation_delete,
    "GroupEditMutations.relationAdd": _relation_add,
    "GroupEditMutations.relationDelete": _relation_delete,
    "GroupEditMutations.editDefaultMarking": _edit_default_marking,
    "SubTypeEditMutations.statusAdd": _status_add,
    "SubTypeEditMutations.statusFieldPatch": _status_field_patch,
    "SubTypeEditMutations.statusDelete": _status_delete,
    "Role.capabilities": _role_capabilities,
    "Role.capabilitiesInDraft": _empty_list,
    "Group.roles": _group_roles,
    "Group.members": _group_members,
    "Group.allowed_marking": _allowed_markings,
    "Group.max_shareable_marking": _max_shareable,
    "Group.not_shareable_marking_types": _not_shareable_types,
    "Group.default_marking": _default_marking,
    "MeUser.capabilities": _me_capabilities,
    "MeUser.allowed_marking": _allowed_markings,
    "MeUser.max_shareable_marking": _max_shareable,
    "MeUser.default_marking": _default_marking,
    "MeUser.groups": _me_groups,
    "Vocabulary.category": _vocabulary_category,
    "Vocabulary.usages": lambda _obj, _info: 0,
    "StatusTemplate.usages": _template_usages,
    "StatusTemplate.editContext": _empty_list,
    "Status.template": _status_template,
    "TaxiiCollection.authorized_members": _authorized_members,
    "StreamCollection.authorized_members": _authorized_members,
    "Feed.authorized_members": _authorized_members,
}


def _guarded(resolver: Resolver, requirement: auth.Requirement) -> Resolver:
    def resolve(root: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
        context = _ctx(info)
        if not requirement.public:
            if context.user is None:
                raise auth.auth_required()
            if not auth.holds(context.capabilities, requirement):
                raise auth.forbidden()
        if info.parent_type.name == "Mutation":
            broken = constraints.problem(info.parent_type.fields[info.field_name].args, args)
            if broken is not None:
                raise broken
        return resolver(root, info, **args)

    return resolve


def _by_entity_type(value: Any, _info: GraphQLResolveInfo[Any], _type: Any) -> str | None:
    if isinstance(value, Mapping):
        typename = value.get("__typename")
        if isinstance(typename, str):
            return typename
    return None


@cache
def _schema() -> GraphQLSchema:
    """The served schema with every resolver and authorization check attached."""
    schema = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    resolvers: dict[str, Resolver] = {
        **{f"Query.{k}": v for k, v in QUERY.items()},
        **{f"Mutation.{k}": v for k, v in MUTATION.items()},
        **FIELDS,
    }
    requirements = auth.requirements()
    for type_name, graphql_type in schema.type_map.items():
        if isinstance(graphql_type, GraphQLInterfaceType):
            graphql_type.resolve_type = _by_entity_type
        if not isinstance(graphql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for field_name, graphql_field in graphql_type.fields.items():
            key = f"{type_name}.{field_name}"
            resolver = resolvers.get(key)
            if resolver is None and type_name in ("Query", "Mutation"):
                raise RuntimeError(f"{key} is served but has no resolver")
            requirement = requirements.get(key)
            if type_name in ("Query", "Mutation") and requirement is None:
                requirement = auth.Requirement()  # no directive: still a signed-in user
            if requirement is not None:
                resolver = _guarded(resolver or _default, requirement)
            if resolver is not None:
                _set_resolver(graphql_field, resolver)
    return schema


def _default(root: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
    return default_field_resolver(root, info, **args)


def _set_resolver(graphql_field: GraphQLField, resolver: Resolver) -> None:
    graphql_field.resolve = resolver
