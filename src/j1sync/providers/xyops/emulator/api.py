"""The xyOps API calls the emulator answers, on top of the shared SQLite store.

`XyOpsApi.call(name, params, method)` answers one `/api/app/<name>/v1` request whose
caller is already authenticated: the standard response (`{"code": 0, ...}`) or an
`ApiError`. Every call holds the store's lock from its first read to its last write, so
concurrent requests see each other whole (a duplicate create loses, a stale revision is
refused).
"""

from __future__ import annotations

import copy
import hashlib
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from j1sync.emulator.faults import FailureMode, FaultSwitches
from j1sync.emulator.store import Store
from j1sync.providers.xyops.emulator.buckets import BUCKETS, Buckets
from j1sync.providers.xyops.emulator.errors import (
    NOT_FOUND,
    SERVER_ERROR,
    ApiError,
    malformed,
    missing,
)
from j1sync.providers.xyops.emulator.kinds import (
    BY_PLURAL,
    LISTS,
    SERVER_FIELDS,
    JsonObject,
    ListSpec,
    check_types,
    refs_of,
)
from j1sync.providers.xyops.triggers import (
    minute_floored,
    param_values_problem,
    with_field_params,
)
from j1sync.providers.xyops.values import (
    HTML_TAG,
    ICON_PATTERN,
    ID_PATTERN,
    RESERVED_KEY,
    TAGS_STRIPPED_FROM,
    TITLE_FORBIDDEN,
    WORKFLOW,
    WORKFLOW_PLUGIN,
)

# get_multiple: the list names the docs accept in `lists` (api_keys answered without
# keys; secrets are not emulated and answer empty; buckets: buckets.py).
MULTIPLE_LISTS = (
    "api_keys",
    "groups",
    "plugins",
    "categories",
    "events",
    "channels",
    "web_hooks",
    "buckets",
    "secrets",
    "monitors",
    "alerts",
    "tags",
    "roles",
)
# requireParams' id rule for reads, updates and deletes (any word characters); creates
# also hold the id to ID_PATTERN
LOOKUP_ID = re.compile(r"^\w+$")
# The one delete xyOps refuses while the object is named (api delete_category: "Deletion
# is blocked if any Events are assigned to the category"): list -> (holder, its field).
# Every other object is deleted whoever names it, and they keep naming it (pixlcore/xyops
# lib/api: no other delete_* looks).
DELETE_BLOCKED_BY: dict[str, tuple[str, str]] = {"categories": ("events", "category")}
WRITE_PREFIXES = ("create_", "update_", "delete_", "multi_update_", "write_", "empty_")


@dataclass
class Answer:
    """A call's answer; `lose_response`: committed, but the client must never hear it."""

    body: JsonObject
    lose_response: bool = False


def now() -> int:
    return int(time.time())


def _present(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _truthy(value: Any) -> bool:
    return value is True or value == 1 or str(value).lower() in {"1", "true", "yes"}


class XyOpsApi:
    def __init__(self, store: Store, switches: FaultSwitches, caller: str) -> None:
        self.store = store
        self.switches = switches
        self.caller = caller  # `username` of what this caller creates (the API key's id)
        self._routes: dict[str, tuple[ListSpec | None, Callable[..., JsonObject]]] = {}
        for spec in LISTS:
            self._routes[f"get_{spec.plural}"] = (spec, self._list)
            self._routes[f"get_{spec.singular}"] = (spec, self._get)
            if spec.writable:
                self._routes[f"create_{spec.singular}"] = (spec, self._create)
                self._routes[f"update_{spec.singular}"] = (spec, self._update)
                self._routes[f"delete_{spec.singular}"] = (spec, self._delete)
            if spec.sort_order:
                self._routes[f"multi_update_{spec.singular}"] = (spec, self._multi_update)
        self._routes["get_multiple"] = (None, self._get_multiple)
        for name, handler in Buckets(store, caller).routes().items():
            self._routes[name] = (None, handler)

    def knows(self, name: str) -> bool:
        return name in self._routes

    def call(self, name: str, params: JsonObject, method: str, from_query: bool) -> Answer:
        route = self._routes.get(name)
        if route is None:
            raise ApiError("api", f"Unsupported API: {name}", NOT_FOUND)
        spec, handler = route
        writes = name.startswith(WRITE_PREFIXES)
        if writes and method != "POST":
            raise ApiError("api", f"{name} must be sent as an HTTP POST with a JSON body")
        failure: FailureMode | None = None
        if writes:
            failure = self.switches.take_failure(name, params)
            if failure in ("error", "5xx"):
                status = self.switches.fail_status if failure == "5xx" else SERVER_ERROR
                raise ApiError("server", "Injected failure (emulator switch)", status)
        with self.store.lock:
            body = handler(spec, params, from_query) if spec else handler(params, from_query)
        lose = writes and (
            failure == "lose_response" or self.switches.roll(self.switches.lose_responses)
        )
        return Answer(body, lose_response=lose)

    # reads

    def _list(self, spec: ListSpec, params: JsonObject, from_query: bool) -> JsonObject:
        rows = self.store.objects(spec.plural)
        total = len(rows)
        if spec.singular == "event" and params:
            # get_events: "specify any top-level Event properties as GET or POST
            # parameters"; list.length "always reflects the total event count"
            rows = [row for row in rows if _matches(row, params, from_query)]
        return {"code": 0, "rows": copy.deepcopy(rows), "list": {"length": total}}

    def _get(self, spec: ListSpec, params: JsonObject, from_query: bool) -> JsonObject:
        obj = self._existing(spec, params)
        return {"code": 0, spec.singular: obj, **spec.extra_answer()}

    def _get_multiple(self, params: JsonObject, from_query: bool) -> JsonObject:
        if "lists" not in params:
            raise missing("lists")
        wanted = params["lists"]
        if wanted == "all":
            names = list(MULTIPLE_LISTS)
        elif isinstance(wanted, str):
            names = [name.strip() for name in wanted.split(",") if name.strip()]
        elif isinstance(wanted, list) and all(isinstance(name, str) for name in wanted):
            names = list(wanted)
        else:
            raise malformed("lists", "an array, a comma-separated string or 'all'")
        answer: JsonObject = {"code": 0, "epoch": now()}
        for name in names:
            if name not in MULTIPLE_LISTS:
                raise ApiError("api", f"Unknown list: {name}")
            if name == "api_keys":
                rows = [
                    {k: v for k, v in key.items() if k != "key"}
                    for key in self.store.objects("api_keys")
                ]
            else:
                rows = self.store.objects(name) if name in (*BY_PLURAL, BUCKETS) else []
            answer[name] = copy.deepcopy(rows)
        live: dict[str, JsonObject] = {
            "jobs": {"activeJobs": {}, "internalJobs": {}},
            "alerts": {"activeAlerts": {}},
            "state": {"state": {"scheduler": {"enabled": True}}},
            "stats": {
                "stats": {
                    "mem": 0,
                    "cpu": 0,
                    "currentMinute": {},
                    "lastMinute": {},
                    "currentDay": {},
                }
            },
            "servers": {"servers": {}},
            "serverCache": {"serverCache": {}},
        }
        for flag, properties in live.items():
            if flag in params and _truthy(params[flag]):
                answer.update(properties)
        return answer

    # writes

    def _create(self, spec: ListSpec, params: JsonObject, from_query: bool) -> JsonObject:
        obj = {k: copy.deepcopy(v) for k, v in params.items() if k not in SERVER_FIELDS}
        obj.pop("sort_order", None)
        obj.pop("update_state", None)  # create_event: kept in event state, not the record
        if not _present(obj.get("id")):
            obj["id"] = f"{spec.id_prefix}{uuid.uuid4().hex[:10]}"
        elif not isinstance(obj["id"], str) or not ID_PATTERN.match(obj["id"]):
            raise malformed("id", "lowercase letters, digits and underscores only")
        _require_params(obj)
        for name in spec.required:
            if name not in obj:
                raise missing(name)
            if not _present(obj[name]):
                raise malformed(name)
        self._check_fields(spec, obj)
        if spec.singular == "event":
            _normalize_triggers(obj)
        if obj.get("type") == WORKFLOW and spec.singular == "event":
            # create_event (1.0.88 lib/api/events.js): plugin and targets set by the server
            obj.update(plugin=WORKFLOW_PLUGIN, targets=[])
        for name, value in spec.defaults().items():
            obj.setdefault(name, value)
        if self.store.get(spec.plural, obj["id"]) is not None:
            noun = spec.noun.title()
            raise ApiError(spec.singular, f"That {noun} ID already exists: {obj['id']}")
        self._check_refs(spec, obj)
        stamp = now()
        obj.update(username=self.caller, created=stamp, modified=stamp, revision=1)
        if spec.sort_order:
            orders = [row.get("sort_order", -1) for row in self.store.objects(spec.plural)]
            obj["sort_order"] = max((o for o in orders if isinstance(o, int)), default=-1) + 1
        self.store.insert(spec.plural, obj)
        return {"code": 0, spec.singular: copy.deepcopy(obj)}

    def _update(self, spec: ListSpec, params: JsonObject, from_query: bool) -> JsonObject:
        existing = self._existing(spec, params, "update")
        if spec.checks_revision and "revision" in params:
            current = existing.get("revision")
            if params["revision"] != current:
                raise ApiError(
                    spec.singular,
                    f"{spec.noun.title()} out of date: {existing['id']} "
                    f"(Revision mismatch: {params['revision']} != {current})",
                )
        changes = {
            k: copy.deepcopy(v) for k, v in params.items() if k not in (*SERVER_FIELDS, "id")
        }
        changes.pop("update_state", None)  # update_event: kept in event state, not the record
        if spec.singular == "event":
            changes.pop("type", None)  # update_event: "do not allow type to be changed"
        _require_params(changes)
        for name in spec.required:
            if name in changes and not _present(changes[name]):
                raise malformed(name)
        merged = {**existing, **changes}  # shallow: top-level keys replace, none removed
        self._check_fields(spec, merged)
        if spec.singular == "event" and ("triggers" in changes or "fields" in changes):
            _normalize_triggers(merged)  # "Only normalize incoming triggers"
        if merged.get("type") == WORKFLOW and spec.singular == "event":
            # update_event: "workflows always require an empty targets array"
            merged.update(plugin=WORKFLOW_PLUGIN, targets=[])
        self._check_refs(spec, merged)
        merged["modified"] = now()
        revision = existing.get("revision")
        merged["revision"] = (revision if isinstance(revision, int) else 0) + 1
        self.store.replace(spec.plural, merged)
        if spec.update_answers_object:
            return {"code": 0, spec.singular: copy.deepcopy(merged)}
        return {"code": 0}

    def _multi_update(self, spec: ListSpec, params: JsonObject, from_query: bool) -> JsonObject:
        items = params.get("items")
        if not isinstance(items, list) or not items:
            raise ApiError("api", "Request missing 'items' parameter, or has zero length.")
        by_id = {item["id"]: item for item in items if isinstance(item, dict) and "id" in item}
        for obj in self.store.objects(spec.plural):
            item = by_id.get(obj["id"])
            if item is None:
                continue
            # "modified and revision are not updated by design for multi-updates"
            changes = {k: v for k, v in item.items() if k not in (*SERVER_FIELDS, "id")}
            self.store.replace(spec.plural, {**obj, **copy.deepcopy(changes)})
        return {"code": 0}

    def _delete(self, spec: ListSpec, params: JsonObject, from_query: bool) -> JsonObject:
        existing = self._existing(spec, params, "delete")
        blocking = DELETE_BLOCKED_BY.get(spec.plural)
        if blocking is not None:
            holder, field = blocking
            ids = [
                str(obj.get("id"))
                for obj in self.store.objects(holder)
                if obj.get(field) == existing["id"]
            ]
            if ids:
                raise ApiError(
                    spec.singular,
                    f"Failed to delete {spec.noun}: Still in use by one or more "
                    f"{BY_PLURAL[holder].plural_noun} ({', '.join(ids)}).",
                )
        self.store.delete(spec.plural, existing["id"])
        return {"code": 0}

    # shared rules

    def _existing(self, spec: ListSpec, params: JsonObject, write: str = "") -> JsonObject:
        """The object `params` names. An unknown one: a get is `notfound` (HTTP 404); an
        update or delete (`write`) fails in storage, code the noun (HTTP 500), as
        update_event's "Event not found: <id>" (the others' storage wording a guess)."""
        if "id" not in params:
            raise missing("id")
        object_id = params["id"]
        if not isinstance(object_id, str) or not LOOKUP_ID.match(object_id):
            raise malformed("id")
        if RESERVED_KEY.match(object_id):
            raise ApiError("api", f"Invalid ID parameter: {object_id} (reserved word)")
        obj = self.store.get(spec.plural, object_id)
        if obj is None and not write:
            raise ApiError("notfound", f"Failed to locate {spec.noun}: {object_id}")
        if obj is None and spec.singular == "event":
            raise ApiError("event", f"Event not found: {object_id}")
        if obj is None:
            raise ApiError(
                spec.singular, f"Failed to {write} {spec.noun}: Item not found: {object_id}"
            )
        return obj

    def _check_fields(self, spec: ListSpec, obj: JsonObject) -> None:
        title = obj.get("title")
        if isinstance(title, str) and TITLE_FORBIDDEN.search(title):
            raise ApiError("api", "Malformed title parameter: Cannot contain HTML metacharacters")
        check_types(spec, obj)
        spec.validate(obj)

    def _check_refs(self, spec: ListSpec, obj: JsonObject) -> None:
        """What xyOps checks each time `obj` is written (kinds.Ref) exists; on an update,
        of the merged object, as update_event does: an event naming a tag deleted since
        is refused until the tag is taken out."""
        for ref in refs_of(spec.plural, obj):
            if ref.collection == spec.plural and ref.id == obj["id"]:
                continue
            found = self.store.get(ref.collection, ref.id)
            if found is None or (ref.plugin_type and found.get("type") != ref.plugin_type):
                raise ApiError("api", ref.refused)
        plugin = obj.get("plugin")
        if spec.singular == "event" and isinstance(plugin, str) and not plugin.startswith("_"):
            # requireValidEventData: the params against the plugin's parameter definitions
            defined = (self.store.get("plugins", plugin) or {}).get("params")
            said = param_values_problem(obj.get("params") or {}, defined)
            if said is not None:
                raise ApiError("api", f"Event Plugin: {said}")


def _normalize_triggers(params: JsonObject) -> None:
    """create_event and update_event give triggers the user fields' values
    (prepEventTriggerParams), floor the times of single shot, range and blackout triggers
    to the minute (1.0.88 normalizeEventTriggers), and keep a magic link's key only as its
    token, sha256(key + event id) (setupMagicTriggers), in place."""
    triggers = params.get("triggers")
    if not isinstance(triggers, list):
        return
    triggers = params["triggers"] = with_field_params(triggers, params.get("fields"))
    for trigger in triggers:
        if isinstance(trigger, dict):
            trigger.update(minute_floored(trigger))
            if trigger.get("type") == "magic" and trigger.get("key"):
                plain = f"{trigger.pop('key')}{params['id']}"
                trigger["token"] = hashlib.sha256(plain.encode()).hexdigest()


def _require_params(params: JsonObject) -> None:
    """What lib/api.js requireParams holds every create's and update's parameters to
    beside their own rules, in place: an id that is no reserved word, an icon of
    Material Design characters, and no HTML tag in notes, label or message (taken out,
    the rest kept)."""
    object_id = params.get("id")
    if isinstance(object_id, str) and RESERVED_KEY.match(object_id):
        raise ApiError("api", f"Invalid ID parameter: {object_id} (reserved word)")
    icon = params.get("icon")
    if icon and not (isinstance(icon, str) and ICON_PATTERN.match(icon)):
        raise ApiError("api", "Malformed icon parameter: Contains illegal characters")
    for name in TAGS_STRIPPED_FROM:
        if isinstance(params.get(name), str):
            params[name] = HTML_TAG.sub("", params[name])


def _matches(row: JsonObject, filters: JsonObject, from_query: bool) -> bool:
    for name, wanted in filters.items():
        if name not in row:
            return False
        value = row[name]
        if from_query and isinstance(wanted, str) and not isinstance(value, str):
            if isinstance(value, bool):
                if _truthy(wanted) != value:
                    return False
            elif str(value) != wanted:
                return False
        elif value != wanted:
            return False
    return True
