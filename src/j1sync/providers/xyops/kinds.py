"""The xyOps kinds: one table row each, one class for all (the API treats them alike).

Each kind is `get_<noun>` / `create_<noun>` / `update_<noun>` / `delete_<noun>` with the
object's id as natural key (metadata.name), and one list in `get_multiple`
(api-v1.0.88.md). The comparable state of an object is its spec's fields (server-set
fields — username, created, modified, revision, sort_order — never appear): a manifest's
with defaults filled, a live object's as xyOps holds them, of whatever JSON type, a
missing one as xyOps reads it (stored.py),
`notes` carrying j1sync's marker line (providers/marker.py; a live object's marked notes in
the layout j1sync writes, marker.canonical_notes), lists that are sets sorted.

`update_<noun>` shallow-merges and can never remove a key, so an update sends the whole
top level: every spec field, an absent one at its default. Only events check `revision`:
an event update sends the revision read with it.

Ownership: every configuration kind has a free-text `notes` field (data-structures-v1.0.88.md),
which xyOps keeps as written and shows to people. Ids are chosen by users, so an id prefix
would prove nothing, and a field the server drops would not survive; so j1sync writes its
marker as the last line of `notes` on every object it creates or updates and treats as
managed only the objects whose notes end with it (docs/xyops.md).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticUndefined

from j1sync.canonical import canonical_json
from j1sync.engine.contract import DesiredObject, LiveObject, PrunePolicy, Resolver, address_of
from j1sync.engine.paths import PathPart, format_path
from j1sync.errors import ApiError, NotFound
from j1sync.manifest.document import DEFAULT_MANAGED_TAG, Manifest, ProjectConfig
from j1sync.manifest.names import spec_problem
from j1sync.manifest.yaml_source import field_problem
from j1sync.providers.marker import canonical_notes, is_managed, notes_text, with_marker
from j1sync.providers.node_json import js_numbers
from j1sync.providers.registry import closest
from j1sync.providers.xyops.client import XyopsClient
from j1sync.providers.xyops.models import SPEC_MODELS
from j1sync.providers.xyops.nesting import cut_too_deep, too_deep
from j1sync.providers.xyops.settings import TITLE
from j1sync.providers.xyops.stored import stored_problem, stored_values
from j1sync.providers.xyops.system import SYSTEM
from j1sync.providers.xyops.triggers import param_values_problem, with_field_params
from j1sync.providers.xyops.values import (
    CHECKED_REFERENCES,
    MONITOR_ALGO,
    WORKFLOW,
    WORKFLOW_PLUGIN,
)


@dataclass(frozen=True)
class KindApi:
    """How the API names one kind: `noun` in the call names and answers (`create_group`
    answers `group`), `list_name` in get_multiple; `set_fields` are lists of ids whose
    order means nothing; `checks_revision`: updates must carry the live `revision`."""

    kind: str
    noun: str
    list_name: str
    set_fields: tuple[str, ...] = ()
    checks_revision: bool = False

    @property
    def engine_kind(self) -> str:
        return SYSTEM.engine_kind(self.kind)


KIND_APIS: dict[str, KindApi] = {
    api.kind: api
    for api in (
        KindApi("Tag", "tag", "tags"),
        KindApi("Category", "category", "categories"),
        KindApi("ServerGroup", "group", "groups"),
        KindApi("WebHook", "web_hook", "web_hooks"),
        KindApi("Channel", "channel", "channels", ("users",)),
        KindApi("Role", "role", "roles", ("categories", "groups")),
        KindApi("Monitor", "monitor", "monitors", ("groups",)),
        KindApi("Alert", "alert", "alerts", ("groups",)),
        KindApi("Event", "event", "events", ("tags",), checks_revision=True),
    )
}
assert tuple(KIND_APIS) == SYSTEM.kinds  # one order: the dependency order


def engine_kind(kind: str) -> str:
    return SYSTEM.engine_kind(kind)


# -- normalization ----------------------------------------------------------------------


def normalize(kind: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """The comparable shape of a `kind` manifest spec (validated): every spec field, an
    absent one at its default (an item's `enabled` too), as `comparable` says."""
    model = SPEC_MODELS[kind]
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        value = spec.get(name)
        if value is None:
            default = info.get_default(call_default_factory=True)
            value = None if default is PydanticUndefined else default
        values[name] = value
    with contextlib.suppress(ValidationError):  # the defaults of items and workflow nodes
        values = model.model_validate(values, strict=False).model_dump(mode="json")
    return comparable(kind, values)


def normalize_live(kind: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The comparable shape of a `kind` object as xyOps holds it (`raw`: the API's
    object): each spec field as stored, of whatever JSON type, a missing one as xyOps
    reads it (stored.py), as `comparable` says."""
    return comparable(kind, stored_values(kind, raw))


def comparable(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """`values` (spec fields) as both sides are compared: numbers as xyOps (Node.js)
    answers them (1.0 is 1), set-like lists sorted, notes as xyOps keeps them
    (marker.notes_text), a workflow's plugin the one xyOps sets."""
    values = js_numbers(values)
    for name in KIND_APIS[kind].set_fields:
        values[name] = as_set(values.get(name))
    values["notes"] = notes_text(values.get("notes"))
    if kind == "Event" and values.get("type") == WORKFLOW:
        values["plugin"] = WORKFLOW_PLUGIN
    return values


def as_set(value: Any) -> Any:
    """A list whose order means nothing, sorted, each item once (of whatever type: a
    stored `1` is not the id "1"); anything else (a stored null, a text) as it is."""
    if not isinstance(value, list):
        return value
    unique = {canonical_json(item): item for item in value}
    order = sorted(
        unique, key=lambda k: (0, unique[k], "") if isinstance(unique[k], str) else (1, "", k)
    )
    return [unique[k] for k in order]


MAGIC = "magic"


def magic_tokens(triggers: Any, event_id: str) -> Any:
    """`triggers` as xyOps keeps them: a magic link trigger's plain `key` replaced by its
    `token`, the key's salted SHA-256 (1.0.88 lib/api/events.js setupMagicTriggers:
    sha256(key + event id) in hex; "the plain key is never stored"). So a manifest's key
    is compared with what xyOps holds, is never shown, and is sent as the token xyOps
    would make of it (the link's URL, holding the key, works alike)."""
    if not isinstance(triggers, list):
        return triggers
    kept: list[Any] = []
    for trigger in triggers:
        if isinstance(trigger, Mapping) and trigger.get("type") == MAGIC and trigger.get("key"):
            key = str(trigger["key"])
            token = hashlib.sha256(f"{key}{event_id}".encode()).hexdigest()
            trigger = {**{k: v for k, v in trigger.items() if k != "key"}, "token": token}
        kept.append(trigger)
    return kept


# -- what an object names -----------------------------------------------------------------

# In actions, limits and workflow node data: key -> the kind whose id it holds.
_ITEM_REFERENCES: dict[str, str] = {
    "web_hook": "WebHook",
    "channel_id": "Channel",
    "event_id": "Event",
    "event": "Event",
    "category": "Category",
    "ticket_tags": "Tag",
    "tags": "Tag",
}


def _ids(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v]
    return []


# A path into a state, to where a reference is written (("actions", 0, "channel_id")).
StatePath = tuple[str | int, ...]


def _named_in(path: StatePath, value: Any) -> Iterable[tuple[StatePath, str]]:
    """(path, id) of the ids a field holds: itself when it is one, else its items."""
    if isinstance(value, str):
        if value:
            yield path, value
    elif isinstance(value, list):
        yield from ((path, v) for v in value if isinstance(v, str) and v)


def _item_references(path: StatePath, items: Any) -> Iterable[tuple[StatePath, str, str]]:
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, Mapping):
            continue
        for key, kind in _ITEM_REFERENCES.items():
            for where, target in _named_in((*path, index, key), item.get(key)):
                yield where, kind, target


def _workflow_nodes(workflow: Any) -> Iterable[tuple[StatePath, Mapping[str, Any], Any]]:
    """(path to its `data`, node, data) of each node of an event's `workflow`: where a
    node's references, plugins and credentials are written."""
    nodes = workflow.get("nodes") if isinstance(workflow, Mapping) else None
    for index, node in enumerate(nodes if isinstance(nodes, list) else []):
        if isinstance(node, Mapping):
            yield ("workflow", "nodes", index, "data"), node, node.get("data")


def _workflow_references(workflow: Any) -> Iterable[tuple[StatePath, str, str]]:
    for path, _node, data in _workflow_nodes(workflow):
        if not isinstance(data, Mapping):
            continue
        for key, kind in _ITEM_REFERENCES.items():
            for where, target in _named_in((*path, key), data.get(key)):
                yield where, kind, target
        for where, target in _named_in((*path, "targets"), data.get("targets")):
            yield where, "ServerGroup", target


# Fields whose ids may name what j1sync does not read: a target is a server group id or a
# server id (servers are not a kind), so a target that is no group is no error.
MAY_NAME_SERVERS = "targets"


def checked_field(where: StatePath) -> tuple[str, ...]:
    """The field a reference is written in, list indices left out (("actions", "event_id")):
    how values.CHECKED_REFERENCES names it."""
    return tuple(p for p in where if isinstance(p, str))


def unresolved_references(
    kind: str,
    state: Mapping[str, Any],
    known: Collection[str],
    held: Collection[tuple[str, str]],
) -> Iterator[tuple[StatePath, str, str]]:
    """(where, kind, id) of each reference in `state` that xyOps would refuse: what it names
    is not `known` (addresses declared or in xyOps), and either the object in xyOps does
    not name it already (`held`: (kind, id) pairs), or xyOps checks it on every write
    (values.CHECKED_REFERENCES). Targets may be servers, which j1sync does not read. The
    one rule of the plan's reference check (XyopsKind.reference_problems) and of export's
    dead references (dead_references.py: for an object read, `held` is all it names)."""
    for where, target_kind, target in named_references(kind, state):
        if MAY_NAME_SERVERS in where or address_of(engine_kind(target_kind), target) in known:
            continue
        if (target_kind, target) in held and checked_field(where) not in CHECKED_REFERENCES:
            continue  # gone from xyOps, still named by the object there: unchanged
        yield where, target_kind, target


def named_references(kind: str, state: Mapping[str, Any]) -> list[tuple[StatePath, str, str]]:
    """(where, kind, id) of every object `state` names: what must exist before it, and
    what cannot be deleted while it does."""
    found: list[tuple[StatePath, str, str]] = []

    def named(field: str, target_kind: str) -> None:
        found.extend((w, target_kind, t) for w, t in _named_in((field,), state.get(field)))

    if kind == "Event":
        named("category", "Category")
        named("tags", "Tag")
        # a target is a server group id or a server id; only the groups are managed
        named("targets", "ServerGroup")
        found.extend(_workflow_references(state.get("workflow")))
        algo = state.get("algo")
        if isinstance(algo, str) and algo.startswith(MONITOR_ALGO):
            found.append((("algo",), "Monitor", algo.removeprefix(MONITOR_ALGO)))
    elif kind == "Channel":
        named("web_hook", "WebHook")
        named("run_event", "Event")
    elif kind == "Role":
        named("categories", "Category")
        named("groups", "ServerGroup")
    elif kind in ("Monitor", "Alert"):
        named("groups", "ServerGroup")
    if kind == "Alert":
        named("monitor_id", "Monitor")
    for key in ("actions", "limits", "alert_actions"):
        found.extend(_item_references((key,), state.get(key)))
    return found


def references(kind: str, state: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(kind, id) of every object `state` names (named_references without the paths)."""
    return [(target_kind, target) for _, target_kind, target in named_references(kind, state)]


def reference_addresses(kind: str, name: str, state: Mapping[str, Any]) -> tuple[str, ...]:
    own = address_of(engine_kind(kind), name)
    addresses = {address_of(engine_kind(k), target) for k, target in references(kind, state)}
    return tuple(sorted(addresses - {own}))


def plugins_named(state: Mapping[str, Any]) -> list[str]:
    """The plugins an event runs (plugin_uses without the places)."""
    return sorted({plugin for _, plugin, _ in plugin_uses("Event", state)})


# A plugin action runs an action plugin, a plugin trigger a scheduler plugin (1.0.88 api.js
# requireValidActions, events.js requireValidEventData); an event, a job node or an action
# node any plugin.
ACTION_PLUGIN = "action"
SCHEDULER_PLUGIN = "scheduler"
PluginUse = tuple[StatePath, str, str | None]


def plugin_uses(kind: str, state: Mapping[str, Any]) -> list[PluginUse]:
    """(where, plugin id, the plugin type it must have or None) of every plugin `state`
    runs: an event's own, its triggers', a workflow's job and action nodes', and every
    kind's plugin actions'."""
    uses: list[PluginUse] = []
    for key in ("actions", "alert_actions"):
        items = state.get(key)
        for index, action in enumerate(items if isinstance(items, list) else []):
            if isinstance(action, Mapping) and action.get("type") == "plugin":
                uses += [
                    ((key, index, "plugin_id"), p, ACTION_PLUGIN)
                    for p in _ids(action.get("plugin_id"))
                ]
    if kind != "Event":
        return uses
    uses += [(("plugin",), p, None) for p in _ids(state.get("plugin")) if p != WORKFLOW_PLUGIN]
    triggers = state.get("triggers")
    for index, trigger in enumerate(triggers if isinstance(triggers, list) else []):
        if isinstance(trigger, Mapping) and trigger.get("type") == "plugin":
            where: StatePath = ("triggers", index, "plugin_id")
            uses += [(where, p, SCHEDULER_PLUGIN) for p in _ids(trigger.get("plugin_id"))]
    for path, node, data in _workflow_nodes(state.get("workflow")):
        if not isinstance(data, Mapping):
            continue
        if node.get("type") == "job":
            uses += [((*path, "plugin"), p, None) for p in _ids(data.get("plugin"))]
        elif node.get("type") == ACTION_NODE and data.get("type") == "plugin":
            uses += [((*path, "plugin_id"), p, None) for p in _ids(data.get("plugin_id"))]
    return uses


def plugin_problem(plugin: str, wanted: str | None, plugins: Mapping[str, str]) -> str | None:
    """Why xyOps refuses a reference to `plugin` (of type `wanted`, or any), or None."""
    if plugin in plugins and (wanted is None or plugins[plugin] == wanted):
        return None
    fitting = sorted(p for p, t in plugins.items() if wanted is None or t == wanted)
    which = f"{wanted} plugins" if wanted else "plugins"
    listed_ = f"({which}: {', '.join(fitting) or 'none'})"
    if plugin in plugins:
        has = plugins[plugin] or "no"
        article = "an" if has[:1] in "aeiou" else "a"
        return (
            f"plugin '{plugin}' is {article} {has} plugin, and xyOps runs only {which} here "
            f"{listed_}"
        )
    return f"plugin '{plugin}' is not in xyOps{_did_you_mean(plugin, fitting)} {listed_}"


# -- credentials ----------------------------------------------------------------------------

# Per kind, the top-level fields holding credentials: a web hook's endpoint (it may carry
# a token), a channel's delivery settings. A web hook's headers are credentials too, each
# header's value (its name, `Authorization`, says what it is and is shown).
CREDENTIAL_FIELDS: dict[str, tuple[str, ...]] = {
    "WebHook": ("url",),
    "Channel": ("email",),
}
# In actions: a `web_hook` action's own URL and headers; so too in a workflow's action
# nodes, whose `data` is an Action (data-structures-v1.0.88.md, Workflow).
ACTION_CREDENTIAL_KEYS = ("url", "headers")
ACTION_NODE = "action"


def credential_paths(kind: str, state: Mapping[str, Any]) -> list[str]:
    found = [f for f in CREDENTIAL_FIELDS.get(kind, ()) if f in state]
    if kind == "WebHook":
        headers = state.get("headers")
        for index, header in enumerate(headers if isinstance(headers, list) else []):
            if isinstance(header, Mapping) and "value" in header:
                found.append(format_path(["headers", index, "value"]))
    actions: list[tuple[list[PathPart], Any]] = []
    for key in ("actions", "alert_actions"):
        items = state.get(key)
        actions += [([key, i], a) for i, a in enumerate(items if isinstance(items, list) else [])]
    for path, node, data in _workflow_nodes(state.get("workflow")):
        if node.get("type") == ACTION_NODE:
            actions.append(([*path], data))
    # a magic link's key (a manifest's: xyOps and the desired state hold its token)
    triggers = state.get("triggers") if kind == "Event" else None
    for index, trigger in enumerate(triggers if isinstance(triggers, list) else []):
        if isinstance(trigger, Mapping) and trigger.get("type") == MAGIC and "key" in trigger:
            found.append(format_path(["triggers", index, "key"]))
    for parts, action in actions:
        if isinstance(action, Mapping):
            found += [format_path([*parts, k]) for k in ACTION_CREDENTIAL_KEYS if k in action]
    return found


def live_object(api: KindApi, raw: Mapping[str, Any], managed_tag: str) -> LiveObject:
    """An object as the API gives it (or an XYPDF file holds it) as the engine sees it."""
    name = str(raw.get("id") or "")
    deep: str | None = None
    compared = raw
    if too_deep(raw):  # compared cut short, never declared (nesting.py)
        compared, deep = cut_too_deep(raw)
    state = normalize_live(api.kind, compared)
    # marked notes as j1sync writes them (with_marker, as a manifest's desired state has
    # them): another layout of the same text and marker (no blank line before the marker,
    # a line end after it) is no difference; the text, as xyOps keeps it, is what export
    # writes (the spaces ending its last line and its Windows line ends included), and
    # unmarked notes are all text: an adoption writes them back with the marker after them
    state["notes"] = canonical_notes(raw.get("notes"), managed_tag, trim=False)
    return LiveObject(
        kind=api.engine_kind,
        name=name,
        id=name,
        state=state,
        managed=is_managed(raw.get("notes"), managed_tag),
        references=reference_addresses(api.kind, name, state),
        raw=dict(raw),
        # what export writes of it is its state (the marker out of notes, defaults left
        # out: neither changes whether it loads)
        undeclarable=deep
        or stored_problem(api.kind, compared)
        or spec_problem(SPEC_MODELS[api.kind], state, credential_paths(api.kind, state)),
    )


# -- the kind -----------------------------------------------------------------------------


class XyopsKind:
    """One xyOps kind (implements engine.contract.ResourceKind and DeclaresCredentials)."""

    prune: PrunePolicy = "tagged"

    def __init__(
        self,
        api: KindApi,
        client: XyopsClient,
        managed_tag: str = DEFAULT_MANAGED_TAG,
        plugins: Callable[[], Mapping[str, str]] | None = None,
        plugin_params: Callable[[], Mapping[str, Sequence[Mapping[str, Any]]]] | None = None,
    ) -> None:
        self.api = api
        self.kind = api.engine_kind
        self.managed_tag = managed_tag
        self._client = client
        # the server's plugins, id -> type (read with the lists): j1sync does not manage
        # them, so what an object runs is checked against them (resolve_desired)
        self._plugins = plugins
        self._plugin_params = plugin_params
        # (kind, id) of what each object read from xyOps names: xyOps deletes an object
        # others name (only a category with events is refused), so what they keep naming
        # may be gone, and a manifest saying the same (an export) is no problem
        self._held: dict[str, frozenset[tuple[str, str]]] = {}

    def __repr__(self) -> str:
        return f"XyopsKind({self.kind})"

    def credential_paths(self, state: Mapping[str, Any]) -> list[str]:
        return credential_paths(self.api.kind, state)

    def desired(self, manifest: Manifest, project: ProjectConfig) -> DesiredObject:
        spec = manifest.spec_data()
        state = normalize(self.api.kind, spec)
        if self.api.kind == "Event":  # the triggers as xyOps keeps them
            triggers = with_field_params(state.get("triggers"), state.get("fields"))
            state["triggers"] = magic_tokens(triggers, manifest.name)
        # the marker this kind reads (the xyops section's managedTag, set when the
        # provider connects): `project` may be the file's top level, JupiterOne's settings;
        # the notes as written (xyOps keeps them so: the spaces ending the text are text)
        state["notes"] = with_marker(spec.get("notes"), self.managed_tag, trim=False)
        depends_on = reference_addresses(self.api.kind, manifest.name, state)
        return DesiredObject(self.kind, manifest.name, state, depends_on, manifest.source)

    def reference_problems(
        self, desired: Sequence[DesiredObject], known: Collection[str]
    ) -> list[str]:
        """Each object a manifest names is declared in the run or in xyOps (engine
        ChecksReferences): xyOps would refuse the write half-way through an apply, or
        keep a dangling id. Targets may be servers, which j1sync does not read. An id the
        object in xyOps already names is no problem where xyOps does not check it
        (values.CHECKED_REFERENCES): what it names was deleted there since (xyOps allows
        it), and the manifest changes nothing about it; where xyOps checks it, every
        write of the object is refused, so it is an error saying so."""
        problems: list[str] = []
        for obj in desired:
            held = self._held.get(obj.name, frozenset())
            for where, kind, target in unresolved_references(self.api.kind, obj.state, known, held):
                prefix = address_of(engine_kind(kind), "")
                names = [a.removeprefix(prefix) for a in known if a.startswith(prefix)]
                message = f"no {kind} '{target}' is declared or in xyOps"
                if (kind, target) in held:
                    message += (
                        " (deleted there since, and xyOps refuses every write of this object "
                        "while it names it: take it out)"
                    )
                message += _did_you_mean(target, names)
                problems.append(
                    field_problem(obj.source, obj.address, ["spec", *where], message, target)
                )
        return problems

    def resolve_desired(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> tuple[list[DesiredObject], list[str]]:
        """Each plugin an object runs is one the server has, of the type xyOps needs there
        (ResolvesAgainstLive): xyOps refuses the write otherwise, half-way through an
        apply. Plugins are not managed, so nothing in the run can add one."""
        problems = self._type_changes(desired, live)
        wanted = [(obj, plugin_uses(self.api.kind, obj.state)) for obj in desired]
        if self._plugins is None or not any(uses for _, uses in wanted):
            return list(desired), problems
        plugins = self._plugins()
        problems += [
            field_problem(obj.source, obj.address, ["spec", *where], said, plugin)
            for obj, uses in wanted
            for where, plugin, kind in uses
            if (said := plugin_problem(plugin, kind, plugins)) is not None
        ]
        return list(desired), problems + self._plugin_param_problems(desired)

    def _plugin_param_problems(self, desired: Sequence[DesiredObject]) -> list[str]:
        """An event's params against its plugin's parameter definitions: xyOps refuses
        a required one left empty, or a value out of its range (requireValidEventData ->
        validateParamValues: "Event Plugin: Parameter 'script' is required.")."""
        if self.api.kind != "Event" or self._plugin_params is None:
            return []
        definitions = self._plugin_params()
        problems: list[str] = []
        for obj in desired:
            plugin = str(obj.state.get("plugin") or "")
            if obj.state.get("type") == WORKFLOW or plugin not in definitions:
                continue
            said = param_values_problem(obj.state.get("params") or {}, definitions[plugin])
            if said is not None:
                message = f"xyOps refuses it: Event Plugin: {said} (plugin '{plugin}')"
                problems.append(field_problem(obj.source, obj.address, ["spec", "params"], message))
        return problems

    def _type_changes(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> list[str]:
        """An event that is a job in xyOps and a workflow in its manifest, or the other
        way round: update_event drops `type` (1.0.88 lib/api/events.js, "do not allow type
        to be changed"), so xyOps would refuse the update, or keep a job holding a
        workflow, and every plan after would show it again."""
        if not self.api.checks_revision:  # the Event kind: the one with a `type`
            return []
        types = {obj.name: obj.state.get("type") for obj in live if obj.kind == self.kind}
        problems: list[str] = []
        for obj in desired:
            if obj.name not in types or types[obj.name] == obj.state.get("type"):
                continue
            to_workflow = obj.state.get("type") == WORKFLOW
            is_now, wanted = ("a job", "a workflow") if to_workflow else ("a workflow", "a job")
            message = (
                f"event '{obj.name}' is {is_now} in xyOps, and xyOps never changes an event's "
                f"type: to make it {wanted}, give it another id (metadata.name), or delete "
                f"the event in xyOps first"
            )
            problems.append(field_problem(obj.source, obj.address, ["spec", "type"], message))
        return problems

    def live_object(self, raw: Mapping[str, Any]) -> LiveObject:
        live = live_object(self.api, raw, self.managed_tag)
        self._held[live.name] = frozenset(references(self.api.kind, live.state))
        return live

    def live_objects(self, rows: Sequence[Mapping[str, Any]]) -> list[LiveObject]:
        return [self.live_object(r) for r in rows if r.get("id")]

    def read_all(self) -> list[LiveObject]:
        answer = self._client.read("get_multiple", {"lists": [self.api.list_name]})
        return self.live_objects(listed(answer, self.api.list_name, self._client))

    def find(self, name: str) -> list[LiveObject]:
        try:
            answer = self._client.read(f"get_{self.api.noun}", {"id": name})
        except NotFound:
            return []
        raw = answer.get(self.api.noun)
        return [self.live_object(raw)] if isinstance(raw, Mapping) and raw.get("id") else []

    def create(self, desired: DesiredObject, resolver: Resolver) -> str:
        body = {k: v for k, v in desired.state.items() if v is not None}
        self._client.write(f"create_{self.api.noun}", {"id": desired.name, **body})
        return desired.name

    def update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        """The whole top level (a shallow merge keeps what is not sent); a field the
        manifest leaves unset goes back to its default, null only where the live object
        has a value to clear."""
        body = {
            k: v for k, v in desired.state.items() if v is not None or live.raw.get(k) is not None
        }
        body["id"] = live.id
        if self.api.checks_revision and live.raw.get("revision") is not None:
            body["revision"] = live.raw["revision"]
        self._client.write(f"update_{self.api.noun}", body)

    def delete(self, live: LiveObject) -> None:
        self._client.write(f"delete_{self.api.noun}", {"id": live.id})


def listed(answer: Mapping[str, Any], name: str, client: XyopsClient) -> list[Mapping[str, Any]]:
    """The objects of list `name` in a get_multiple answer, which holds "one property for
    each requested list", an array of objects (api-v1.0.88.md, get_multiple). Anything else
    (a number, a string, a map, no such property: another server answering `code: 0`) is
    no xyOps answer, and reading on from it would plan against objects that are not there."""
    rows = answer.get(name)
    if isinstance(rows, list) and all(isinstance(row, Mapping) for row in rows):
        return rows
    said = "without" if rows is None else "with something other than a list of objects for"
    raise ApiError(
        f"{TITLE} API answered get_multiple {said} `{name}`: {client.settings.not_the_server()}"
    )


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    near = closest(name, sorted(known))
    return f"; did you mean '{near}'?" if near else ""
