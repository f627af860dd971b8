"""xyOps registered with the contract suite: random manifests and accounts built from the
data structures (../shared/reference/xyops/data-structures-v1.0.88.md) and the emulator
of j1sync.providers.xyops.

Ids come from small pools per kind that include the objects a fresh server holds
(`general`, `main`, `important`...), so manifests often meet a live object of the same id:
unmanaged (no marker: adopted when declared, else never touched), managed (the marker
line ends its notes: updated, or deleted when no manifest declares it), or a hand-edited
built-in. A manifest names only objects the manifests declare or a fresh server's own;
live objects name built-ins, or objects of their own standing (an unmanaged one never
names a managed one, which apply may delete).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from j1sync.emulator.faults import FaultSwitches, Stats
from j1sync.engine.paths import get_path
from j1sync.providers.marker import is_managed, marker_line
from j1sync.providers.xyops.emulator import XyOpsEmulator, running_xyops_emulator
from j1sync.providers.xyops.emulator.seed import seed_objects
from j1sync.providers.xyops.kinds import KIND_APIS
from j1sync.providers.xyops.models import API_VERSION, SPEC_MODELS
from tests.contract.systems import (
    Case,
    ContractSystem,
    FieldChange,
    Snapshot,
    by_id,
    document_files,
)

MANAGED_TAG = "j1sync"
MARKER = marker_line(MANAGED_TAG)
API_KEY = "contractXyOpsKey24chars0"
HAND_EDIT = "Edited by hand in the contract suite"
# A web hook header's value comes from this variable (given to every command).
TOKEN_VARIABLE = "XYOPS_CONTRACT_TOKEN"
TOKEN = "contract-token-8d2e6f"

KINDS = tuple(KIND_APIS)  # dependency order
COLLECTIONS = {kind: api.list_name for kind, api in KIND_APIS.items()}
# What a fresh server holds (the emulator's "fresh" seed), by kind.
FRESH = seed_objects("fresh")
BUILT_IN = {kind: tuple(o["id"] for o in FRESH.get(c, [])) for kind, c in COLLECTIONS.items()}
PLUGINS = tuple(p["id"] for p in FRESH["plugins"] if p.get("type") == "event")
IDS: dict[str, tuple[str, ...]] = {
    "Tag": ("backups", "nightly", "t_2", *BUILT_IN["Tag"]),
    "Category": ("maintenance", "reports", *BUILT_IN["Category"]),
    "ServerGroup": ("db_servers", "web_servers", *BUILT_IN["ServerGroup"]),
    "WebHook": ("ops_chat", "pager", *BUILT_IN["WebHook"]),
    "Channel": ("dba_oncall", "ops", *BUILT_IN["Channel"]),
    "Role": ("operators", "viewers", *BUILT_IN["Role"]),
    "Monitor": ("db_disk_used", "mem_free", *BUILT_IN["Monitor"]),
    "Alert": ("db_disk_full", "mem_low", *BUILT_IN["Alert"]),
    "Event": ("nightly_db_backup", "hourly_report", "cleanup"),
}
# xyOps never changes an event's type (update_event drops it; a plan changing it stops):
# an event id is a workflow in every manifest and account, or a job in every one
WORKFLOW_IDS = frozenset({"cleanup"})

# Text: letters, digits, punctuation, spaces and YAML look-alikes; `$` would start an
# ${env:...} reference.
_CHARS = st.characters(codec="utf-8", categories=("L", "N", "P", "Zs"), exclude_characters="$")
_TRICKY = ("yes", "null", "0", "1.5", "a: b", "- x", "#hash", "two\nlines", "Ünïcödé")
text = st.one_of(st.text(_CHARS, max_size=12), st.sampled_from(_TRICKY))
title = st.one_of(
    st.text(_CHARS, min_size=1, max_size=16).filter(lambda s: s.strip() != ""),
    st.sampled_from(_TRICKY),
)
icons = st.sampled_from(("", "database", "alert-rhombus", "timer-outline"))
CONDITIONS = ("start", "complete", "success", "error", "warning", "critical", "abort")
ALERT_CONDITIONS = ("alert_new", "alert_cleared")
COLORS = ("plain", "red", "green", "blue", "purple", "gold")
ALGORITHMS = ("random", "round_robin", "least_cpu", "least_mem", "prefer_first")
PRIVILEGES = ("create_events", "edit_events", "delete_events", "run_jobs", "abort_jobs")
HOSTNAMES = (".+", r"^db\d+", r"^(web|app)\d+\.example\.com$")
SOURCES = ("[cpu/currentLoad]", "[memory/available]", "[stats/fs/used]")
EXPRESSIONS = ("monitors.load_avg >= 4", "monitors.cpu_usage > 90", "[memory/available] < 1")

Available = Mapping[str, Sequence[str]]  # kind -> ids a new object may name


def optional(draw: st.DrawFn, target: dict[str, Any], key: str, values: Any) -> None:
    """Set `key` (or leave it out, so the default applies)."""
    if draw(st.booleans()):
        target[key] = draw(values)


def some(draw: st.DrawFn, ids: Sequence[str], max_size: int = 2) -> list[str]:
    return (
        draw(st.lists(st.sampled_from(sorted(ids)), max_size=max_size, unique=True)) if ids else []
    )


@st.composite
def action(draw: st.DrawFn, available: Available, conditions: Sequence[str]) -> dict[str, Any]:
    result: dict[str, Any] = {"condition": draw(st.sampled_from(conditions))}
    kinds = ["email", "disable", "snapshot"]
    kinds += ["channel"] if available.get("Channel") else []
    kinds += ["web_hook"] if available.get("WebHook") else []
    kind = draw(st.sampled_from(kinds))
    result["type"] = kind
    if kind == "email":
        result["email"] = draw(st.sampled_from(("ops@example.com", "a@example.com,b@example.com")))
        result["users"] = []  # xyOps requires the list (1.0.88 requireValidActions)
    elif kind == "channel":
        result["channel_id"] = draw(st.sampled_from(sorted(available["Channel"])))
    elif kind == "web_hook":
        result["web_hook"] = draw(st.sampled_from(sorted(available["WebHook"])))
    optional(draw, result, "enabled", st.booleans())
    return result


def actions(available: Available, conditions: Sequence[str] = CONDITIONS) -> Any:
    return st.lists(action(available, conditions), max_size=2)


@st.composite
def limit(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(("time", "job", "retry", "queue")))
    result: dict[str, Any] = {"type": kind}
    if kind == "time":
        result["duration"] = draw(st.integers(60, 7200))
    else:
        result["amount"] = draw(st.integers(1, 10))
    optional(draw, result, "enabled", st.booleans())
    return result


def _queue_with_job(limits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """xyOps takes a queue limit only beside an enabled job limit (limits.py)."""
    enabled = {limit["type"] for limit in limits if limit.get("enabled", True)}
    if "queue" in enabled and "job" not in enabled:
        return [*limits, {"type": "job", "amount": 1}]
    return limits


@st.composite
def trigger(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(("schedule", "manual", "interval")))
    result: dict[str, Any] = {"type": kind}
    if kind == "schedule":
        optional(draw, result, "hours", st.lists(st.integers(0, 23), min_size=1, max_size=2))
        result["minutes"] = draw(st.lists(st.integers(0, 59), min_size=1, max_size=2))
    elif kind == "interval":
        result["start"] = draw(st.integers(1_700_000_000, 1_800_000_000))
        result["duration"] = draw(st.sampled_from((300, 3600, 86400)))
    optional(draw, result, "enabled", st.booleans())
    return result


def _trigger_type(trigger: dict[str, Any]) -> str:
    return str(trigger["type"])


def common(draw: st.DrawFn, spec: dict[str, Any], *, enabled: bool = True) -> dict[str, Any]:
    optional(draw, spec, "icon", icons)
    optional(draw, spec, "notes", text)
    if enabled:
        optional(draw, spec, "enabled", st.booleans())
    return spec


@st.composite
def spec_of(draw: st.DrawFn, kind: str, available: Available, name: str = "") -> dict[str, Any]:
    """A valid manifest spec of `kind` naming only `available` objects (an event `name`d
    in WORKFLOW_IDS a workflow)."""
    spec: dict[str, Any] = {"title": draw(title)}
    if kind == "Tag":
        return common(draw, spec, enabled=False)
    if kind == "Category":
        optional(draw, spec, "color", st.sampled_from(COLORS))
        optional(draw, spec, "actions", actions(available))
        optional(draw, spec, "limits", st.lists(limit(), max_size=2).map(_queue_with_job))
        return common(draw, spec)
    if kind == "ServerGroup":
        spec["hostname_match"] = draw(st.sampled_from(HOSTNAMES))
        optional(draw, spec, "alert_actions", actions(available, ALERT_CONDITIONS))
        optional(draw, spec, "max_jobs_per_server", st.integers(0, 8))
        return common(draw, spec, enabled=False)
    if kind == "WebHook":
        spec["url"] = draw(st.sampled_from(("https://hooks.example.com/a", "http://10.0.0.1/x")))
        optional(draw, spec, "method", st.sampled_from(("POST", "PUT", "GET")))
        headers = st.lists(
            st.fixed_dictionaries(
                {
                    "name": st.sampled_from(("Authorization", "X-Team", "Content-Type")),
                    "value": st.one_of(text, st.just(f"Bearer ${{env:{TOKEN_VARIABLE}}}")),
                }
            ),
            max_size=2,
            unique_by=lambda header: header["name"],
        )
        optional(draw, spec, "headers", headers)
        optional(draw, spec, "body", text)
        optional(draw, spec, "timeout", st.integers(1, 120))
        optional(draw, spec, "retries", st.integers(0, 3))
        for flag in ("follow", "ssl_cert_bypass"):
            optional(draw, spec, flag, st.booleans())
        optional(draw, spec, "max_per_day", st.integers(0, 100))
        return common(draw, spec)
    if kind == "Channel":
        optional(draw, spec, "users", st.just(["admin"]))
        optional(draw, spec, "email", st.sampled_from(("", "oncall@example.com")))
        if available.get("WebHook"):
            optional(draw, spec, "web_hook", st.sampled_from(sorted(available["WebHook"])))
        optional(draw, spec, "sound", st.sampled_from(("", "bell.mp3")))
        optional(draw, spec, "max_per_day", st.integers(0, 50))
        return common(draw, spec)
    if kind == "Role":
        privileges = st.lists(st.sampled_from(PRIVILEGES), max_size=3, unique=True)
        optional(draw, spec, "privileges", privileges.map(lambda ps: dict.fromkeys(ps, True)))
        spec["categories"] = some(draw, available.get("Category", ()))
        spec["groups"] = some(draw, available.get("ServerGroup", ()))
        return common(draw, spec)
    if kind == "Monitor":
        spec["source"] = draw(st.sampled_from(SOURCES))
        optional(draw, spec, "groups", st.just(some(draw, available.get("ServerGroup", ()))))
        optional(draw, spec, "data_type", st.sampled_from(("integer", "float", "bytes")))
        optional(draw, spec, "data_match", st.sampled_from(("", r"(\d+)")))
        optional(draw, spec, "min_vert_scale", st.integers(0, 100))
        optional(draw, spec, "suffix", st.sampled_from(("", "%", " MB")))
        for flag in ("delta", "divide_by_delta", "display"):
            optional(draw, spec, flag, st.booleans())
        return common(draw, spec, enabled=False)
    if kind == "Alert":
        spec["expression"] = draw(st.sampled_from(EXPRESSIONS))
        spec["message"] = draw(title)
        optional(draw, spec, "groups", st.just(some(draw, available.get("ServerGroup", ()))))
        optional(draw, spec, "actions", actions(available, ALERT_CONDITIONS))
        if available.get("Monitor"):
            optional(draw, spec, "monitor_id", st.sampled_from(sorted(available["Monitor"])))
        optional(draw, spec, "samples", st.integers(1, 5))
        for flag in ("exclusive_actions", "limit_jobs", "abort_jobs"):
            optional(draw, spec, flag, st.booleans())
        return common(draw, spec)
    # Event: a job (plugin and targets) or a workflow, in a category
    spec["category"] = draw(st.sampled_from(sorted(available["Category"])))
    if name in WORKFLOW_IDS:
        spec["type"] = "workflow"
        nodes = [
            {"id": f"n{index}", "type": "event", "x": index * 100, "y": 0, "data": {"event": event}}
            for index, event in enumerate(some(draw, available.get("Event", ())))
        ]
        spec["workflow"] = {"nodes": nodes, "connections": []}
        optional(draw, spec, "triggers", st.lists(trigger(), max_size=1))
        return common(draw, spec)
    spec["plugin"] = draw(st.sampled_from(PLUGINS))
    spec["targets"] = some(draw, available["ServerGroup"], max_size=2) or [
        BUILT_IN["ServerGroup"][0]
    ]
    optional(draw, spec, "params", st.fixed_dictionaries({"script": text}))
    optional(draw, spec, "tags", st.just(some(draw, available.get("Tag", ()))))
    optional(draw, spec, "algo", st.sampled_from(ALGORITHMS))
    optional(draw, spec, "actions", actions(available))
    optional(draw, spec, "limits", st.lists(limit(), max_size=2).map(_queue_with_job))
    # xyOps takes at most one enabled manual trigger (triggers.py): one of each type
    optional(draw, spec, "triggers", st.lists(trigger(), max_size=2, unique_by=_trigger_type))
    return common(draw, spec)


@st.composite
def manifests(draw: st.DrawFn) -> list[tuple[str, str, dict[str, Any]]]:
    """Manifests of every kind, in dependency order, naming what came before them or a
    fresh server's own objects."""
    available: dict[str, list[str]] = {kind: list(BUILT_IN[kind]) for kind in KINDS}
    result: list[tuple[str, str, dict[str, Any]]] = []
    for kind in KINDS:
        for name in draw(st.lists(st.sampled_from(IDS[kind]), max_size=2, unique=True)):
            result.append((kind, name, draw(spec_of(kind, available, name))))
            if name not in available[kind]:
                available[kind].append(name)
    if not result:  # a folder without xyOps manifests does not name the system
        result.append(("Tag", IDS["Tag"][0], draw(spec_of("Tag", available))))
    return result


def stored(kind: str, name: str, spec: Mapping[str, Any], notes: str) -> dict[str, Any]:
    """An object as the server stores it: the spec's fields, id, server fields."""
    obj: dict[str, Any] = {
        "id": name,
        **copy.deepcopy(dict(spec)),
        "notes": notes,
        "username": "admin",
        "created": 1754365754,
        "modified": 1754365754,
        "revision": 1,
    }
    if kind == "Event":
        obj.setdefault("algo", "random")
        obj.setdefault("params", {})
        if obj.get("type") == "workflow":
            obj["plugin"] = "_workflow"  # xyOps sets it on every workflow
    return obj


@st.composite
def accounts(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """Live objects by collection, on top of a fresh server's (replacing a built-in of the
    same id): managed ones (the marker ends their notes) and unmanaged ones."""
    objects: dict[str, list[dict[str, Any]]] = {}
    # what a managed / an unmanaged live object may name
    reach = {managed: {kind: list(BUILT_IN[kind]) for kind in KINDS} for managed in (True, False)}
    for kind in KINDS:
        for name in draw(st.lists(st.sampled_from(IDS[kind]), max_size=2, unique=True)):
            # a built-in's twin is a hand edit, never managed: manifests name built-ins
            managed = name not in BUILT_IN[kind] and draw(st.booleans())
            spec = draw(spec_of(kind, reach[managed], name))
            user_notes = str(spec.pop("notes", "")).rstrip()
            notes = f"{user_notes}\n\n{MARKER}" if managed and user_notes else user_notes
            notes = MARKER if managed and not user_notes else notes
            objects.setdefault(COLLECTIONS[kind], []).append(stored(kind, name, spec, notes))
            if name in BUILT_IN[kind]:
                continue  # a built-in stays reachable by both
            reach[managed][kind].append(name)
    return objects


@st.composite
def cases(draw: st.DrawFn) -> Case:
    documents = draw(manifests())
    account = draw(accounts())
    return Case(
        files=document_files(API_VERSION, documents),
        account=account,
        addresses=frozenset(f"xyops.{kind}/{name}" for kind, name, _ in documents),
        facts={(f"xyops.{kind}", name) for kind, name, _ in documents},
    )


# -- the emulator ------------------------------------------------------------------------


@dataclass
class XyopsTarget:
    emu: XyOpsEmulator

    @property
    def switches(self) -> FaultSwitches:
        return self.emu.switches

    @property
    def stats(self) -> Stats:
        return self.emu.stats

    def env(self) -> dict[str, str]:
        return {"XYOPS_URL": self.emu.url, "XYOPS_API_KEY": self.emu.api_key, TOKEN_VARIABLE: TOKEN}

    def reset(self, account: Mapping[str, list[dict[str, Any]]]) -> None:
        """A fresh server's objects, replaced or joined by `account`'s."""
        store = self.emu.store
        with store.lock:
            kept = {"users", "api_keys"}
            for collection, objects in store.snapshot().items():
                if collection not in kept:
                    for obj in objects:
                        store.delete(collection, str(obj["id"]))
        merged: dict[str, list[dict[str, Any]]] = {}
        for collection in {*FRESH, *account}:
            mine = {o["id"]: o for o in account.get(collection, [])}
            fresh = [mine.pop(o["id"], o) for o in FRESH.get(collection, [])]
            merged[collection] = json.loads(json.dumps([*fresh, *mine.values()]))
        self.emu.seed_objects(merged)
        switches = self.emu.switches
        switches.rate_429 = switches.fail_rate = switches.lose_responses = 0.0
        switches.clear_failures()
        switches.reseed(11)
        self.emu.stats.reset()

    def snapshot(self) -> Snapshot:
        return self.emu.snapshot()

    def __repr__(self) -> str:
        return f"XyopsTarget({self.emu.url})"


@contextmanager
def emulator() -> Iterator[XyopsTarget]:
    with running_xyops_emulator(seed="fresh", api_key=API_KEY) as emu:
        yield XyopsTarget(emu)


# -- the checks ----------------------------------------------------------------------------


def natural_keys(snapshot: Snapshot) -> dict[str, list[str]]:
    return {
        f"xyops.{kind}": [str(o["id"]) for o in snapshot.get(collection, [])]
        for kind, collection in COLLECTIONS.items()
    }


def _declared(case: Case, collection: str, obj: Mapping[str, Any]) -> bool:
    kinds = [k for k, c in COLLECTIONS.items() if c == collection]
    return any((f"xyops.{k}", obj["id"]) in case.facts for k in kinds)


def unmanaged(snapshot: Snapshot, case: Case) -> dict[Hashable, Any]:
    """Objects without the marker that no manifest declares, plugins included."""
    return {
        (collection, obj["id"]): obj
        for collection, objects in snapshot.items()
        for obj in objects
        if not is_managed(obj.get("notes"), MANAGED_TAG) and not _declared(case, collection, obj)
    }


def gone(snapshot: Snapshot, case: Case) -> set[Hashable]:
    """Objects with the marker that no manifest declares."""
    return {
        (collection, obj["id"])
        for collection, objects in snapshot.items()
        for obj in objects
        if collection in COLLECTIONS.values()
        and is_managed(obj.get("notes"), MANAGED_TAG)
        and not _declared(case, collection, obj)
    }


def hand_edit(target: Any, case: Case) -> str | None:
    """Retitle one declared object in the store, as someone in the web UI would."""
    store = target.emu.store
    for kind, collection in COLLECTIONS.items():
        for obj in store.objects(collection):
            if (f"xyops.{kind}", obj["id"]) in case.facts:
                store.replace(collection, {**obj, "title": HAND_EDIT})
                return f"xyops.{kind}/{obj['id']}"
    return None


def adopted(change: Mapping[str, Any]) -> bool:
    """Adopting an object adds j1sync's marker line to its notes, and nothing else."""
    before, after = change.get("before") or {}, change.get("after") or {}
    return (
        change["action"] == "update"
        and change["changed_paths"] == ["notes"]
        and not is_managed(before.get("notes"), MANAGED_TAG)
        and is_managed(after.get("notes"), MANAGED_TAG)
    )


def credential_value(snapshot: Snapshot, address: str, path: str) -> str:
    """The stored value at `path` of the object at `address` (`xyops.WebHook/x`)."""
    engine_kind, _, name = address.partition("/")
    collection = COLLECTIONS[engine_kind.removeprefix("xyops.")]
    stored = next(o for o in snapshot[collection] if o["id"] == name)
    value = get_path(stored, path)
    assert isinstance(value, str), (address, path, value)
    return value


# -- every field ----------------------------------------------------------------------------

# A complete manifest of each kind (every field away from its default where it has one),
# and the support objects they name.
SUPPORT: list[tuple[str, str, dict[str, Any]]] = [
    ("Tag", "t_other", {"title": "Other tag"}),
    ("Category", "c_other", {"title": "Other category"}),
    ("ServerGroup", "g_other", {"title": "Other group", "hostname_match": "^other"}),
    ("WebHook", "w_other", {"title": "Other hook", "url": "https://hooks.example.com/o"}),
    ("Channel", "n_other", {"title": "Other channel"}),
    ("Monitor", "m_other", {"title": "Other monitor", "source": "[cpu/currentLoad]"}),
]
EMAIL = {
    "condition": "error",
    "type": "email",
    "email": "ops@example.com",
    "users": [],
    "enabled": True,
}
ALERTED = {"condition": "alert_new", "type": "channel", "channel_id": "n_other"}
TIME_LIMIT = {"type": "time", "duration": 3600, "enabled": True}
BASE: dict[str, dict[str, Any]] = {
    "Tag": {"title": "A tag", "icon": "tag", "notes": "n"},
    "Category": {
        "title": "A category",
        "enabled": True,
        "icon": "folder",
        "color": "red",
        "notes": "n",
        "actions": [EMAIL],
        "limits": [TIME_LIMIT],
    },
    "ServerGroup": {
        "title": "A group",
        "hostname_match": "^db",
        "icon": "server",
        "notes": "n",
        "alert_actions": [ALERTED],
        "max_jobs_per_server": 2,
    },
    "WebHook": {
        "title": "A hook",
        "enabled": True,
        "icon": "hook",
        "url": "https://hooks.example.com/a",
        "method": "PUT",
        "headers": [{"name": "X-Team", "value": "ops"}],
        "body": "{}",
        "timeout": 10,
        "retries": 1,
        "follow": True,
        "ssl_cert_bypass": True,
        "max_per_day": 5,
        "notes": "n",
    },
    "Channel": {
        "title": "A channel",
        "enabled": True,
        "icon": "bell",
        "users": ["admin"],
        "email": "oncall@example.com",
        "web_hook": "w_other",
        "run_event": "",
        "sound": "bell.mp3",
        "max_per_day": 3,
        "notes": "n",
    },
    "Role": {
        "title": "A role",
        "enabled": True,
        "icon": "account",
        "privileges": {"run_jobs": True},
        "categories": ["c_other"],
        "groups": ["g_other"],
        "notes": "n",
    },
    "Monitor": {
        "title": "A monitor",
        "display": True,
        "icon": "chart",
        "groups": ["g_other"],
        "source": "[memory/available]",
        "data_match": r"(\d+)",
        "data_type": "bytes",
        "min_vert_scale": 10,
        "suffix": " B",
        "delta": True,
        "divide_by_delta": True,
        "delta_min_value": 1,
        "notes": "n",
    },
    "Alert": {
        "title": "An alert",
        "enabled": True,
        "icon": "alert",
        "expression": "monitors.m_other > 1",
        "message": "high",
        "groups": ["g_other"],
        "actions": [ALERTED],
        "monitor_id": "m_other",
        "samples": 2,
        "exclusive_actions": True,
        "limit_jobs": True,
        "abort_jobs": True,
        "notes": "n",
    },
    "Event": {
        "title": "An event",
        "enabled": True,
        "icon": "timer",
        "category": "c_other",
        "plugin": PLUGINS[0],
        "params": {"script": "echo 1"},
        "fields": [{"id": "f1", "type": "text"}],
        "tags": ["t_other"],
        "targets": ["g_other"],
        "expression": "",
        "algo": "least_cpu",
        "notes": "n",
        "actions": [EMAIL],
        "limits": [TIME_LIMIT],
        "triggers": [{"type": "manual", "enabled": True}],
    },
}
# A new value per field where flipping, incrementing or suffixing the base value would not
# do (references, enums, sets), with the path the change shows at.
SPECIAL: dict[tuple[str, str], tuple[Any, str]] = {
    ("Category", "color"): ("blue", "color"),
    ("Monitor", "data_type"): ("float", "data_type"),
    ("Monitor", "source"): ("[cpu/currentLoad]", "source"),
    ("Monitor", "groups"): (["g_new"], "groups"),
    ("Alert", "groups"): (["g_new"], "groups"),
    ("Alert", "monitor_id"): ("m_new", "monitor_id"),
    ("Channel", "users"): (["admin", "ops"], "users"),
    ("Channel", "web_hook"): ("w_new", "web_hook"),
    ("Channel", "run_event"): ("e_new", "run_event"),
    ("Role", "categories"): (["c_new"], "categories"),
    ("Role", "groups"): (["g_new"], "groups"),
    ("Role", "privileges"): ({"run_jobs": True, "abort_jobs": True}, "privileges.abort_jobs"),
    ("ServerGroup", "hostname_match"): ("^web", "hostname_match"),
    ("WebHook", "url"): ("https://hooks.example.com/b", "url"),
    ("WebHook", "method"): ("POST", "method"),
    ("Event", "algo"): ("random", "algo"),
    ("Event", "category"): ("c_new", "category"),
    ("Event", "plugin"): (PLUGINS[-1], "plugin"),
    ("Event", "tags"): (["t_new"], "tags"),
    ("Event", "targets"): (["g_new"], "targets"),
    ("Event", "params"): ({"script": "echo 2"}, "params.script"),
    ("Event", "expression"): ("true", "expression"),
}
# The objects changed rows name instead (a manifest may name only what exists).
NEW_SUPPORT: list[tuple[str, str, dict[str, Any]]] = [
    ("Tag", "t_new", {"title": "New tag"}),
    ("Category", "c_new", {"title": "New category"}),
    ("ServerGroup", "g_new", {"title": "New group", "hostname_match": "^new"}),
    ("WebHook", "w_new", {"title": "New hook", "url": "https://hooks.example.com/n"}),
    ("Monitor", "m_new", {"title": "New monitor", "source": "[cpu/currentLoad]"}),
    (
        "Event",
        "e_new",
        {"title": "New event", "category": "c_other", "plugin": PLUGINS[0], "targets": ["main"]},
    ),
]
# List fields: an item appended (`field` row), and per item field a new value for item 0.
APPENDED: dict[str, dict[str, Any]] = {
    "actions": {"type": "disable", "condition": "success"},
    "alert_actions": {"type": "snapshot", "condition": "alert_cleared"},
    "limits": {"type": "job", "amount": 2},
    "triggers": {"type": "startup"},
    "headers": {"name": "X-More", "value": "v"},
    "fields": {"id": "f2", "type": "text"},
}
ITEM_VALUES: dict[tuple[str, str], Any] = {
    ("actions", "enabled"): False,
    ("actions", "condition"): "warning",
    ("actions", "type"): "snapshot",
    ("alert_actions", "enabled"): False,
    ("alert_actions", "condition"): "alert_cleared",
    ("alert_actions", "type"): "snapshot",
    ("limits", "enabled"): False,
    ("limits", "type"): "retry",
    ("triggers", "enabled"): False,
    # not a type xyOps gives the event's fields' values (prepEventTriggerParams)
    ("triggers", "type"): "catchup",
    ("headers", "name"): "X-Other",
    ("headers", "value"): "other",
}
WORKFLOW_EVENT = {
    "title": "A workflow",
    "category": "c_other",
    "type": "workflow",
    "workflow": {
        "nodes": [
            {"id": "n1", "type": "trigger", "x": 0, "y": 0},
            {"id": "n2", "type": "note", "x": 100, "y": 0, "data": {"text": "a"}},
            {"id": "n3", "type": "note", "x": 200, "y": 0},
        ],
        "connections": [{"id": "c1", "source": "n1", "dest": "n2"}],
    },
}
# workflow.<part>[index] field -> its new value, as (part, index, field): a row each
WORKFLOW_VALUES: dict[tuple[str, int, str], Any] = {
    ("nodes", 2, "id"): "n4",
    ("nodes", 2, "type"): "controller",
    ("nodes", 0, "x"): 10,
    ("nodes", 0, "y"): 20,
    ("nodes", 1, "data"): {"text": "b"},
    ("connections", 0, "id"): "c9",
    ("connections", 0, "source"): "n3",
    ("connections", 0, "dest"): "n3",
}
WORKFLOW_APPENDED: dict[str, dict[str, Any]] = {
    "nodes": {"id": "n5", "type": "note", "x": 300, "y": 0},
    "connections": {"id": "c2", "source": "n1", "dest": "n3"},
}


def _new_value(kind: str, field: str, value: Any) -> tuple[Any, str]:
    """A valid value other than `value` for `kind`'s `field`, and the path it shows at."""
    if (kind, field) in SPECIAL:
        return SPECIAL[(kind, field)]
    if isinstance(value, bool):
        return not value, field
    if isinstance(value, int):
        return value + 1, field
    if isinstance(value, str) and field == "icon":  # xyOps takes an icon's name only
        return f"{value}-changed", field
    if isinstance(value, str):
        return f"{value} changed", field
    raise AssertionError(f"no new value for {kind}.{field}: add one to SPECIAL")


def _change(kind: str, name: str, field: str, base: Any, changed: Any, paths: Any) -> FieldChange:
    support = [*SUPPORT, *NEW_SUPPORT]
    return FieldChange(
        kind=kind,
        field=field,
        base=document_files(API_VERSION, [*support, (kind, name, base)]),
        changed=document_files(API_VERSION, [*support, (kind, name, changed)]),
        address=f"xyops.{kind}/{name}",
        paths=tuple(paths),
    )


def field_changes() -> list[FieldChange]:
    """One row per spec field of every kind (items' fields change the first item)."""
    rows: list[FieldChange] = []
    for kind, model in SPEC_MODELS.items():
        base = BASE[kind]
        for field in model.model_fields:
            name = f"{kind.lower()}_{len(rows)}"
            if kind == "Event" and field in ("type", "workflow"):
                continue  # rows of their own, below
            if field in APPENDED:
                items = base[field]
                longer = {**base, field: [*items, APPENDED[field]]}
                rows.append(_change(kind, name, field, base, longer, [f"{field}[1]"]))
                for (list_name, sub), new in ITEM_VALUES.items():
                    name = f"{kind.lower()}_{len(rows)}"
                    if list_name == field:
                        first = {**items[0], sub: new}
                        edited = {**base, field: [first, *items[1:]]}
                        path = f"{field}[0].{sub}"
                        rows.append(_change(kind, name, f"{field}[].{sub}", base, edited, [path]))
                continue
            new, path = _new_value(kind, field, base[field])
            rows.append(_change(kind, name, field, base, {**base, field: new}, [path]))
    # xyOps never changes an event's type (a plan doing so stops: tests/xyops/
    # test_s23b_event_type.py); `type: null` written out is a job, as without it
    job = {"title": "A job", "category": "c_other", "plugin": PLUGINS[0], "targets": ["main"]}
    rows.append(_change("Event", "workflow_0", "type", job, {**job, "type": None}, []))
    workflow = {**WORKFLOW_EVENT["workflow"], "start": "n1"}
    rows.append(
        _change(
            "Event",
            "workflow_1",
            "workflow",
            WORKFLOW_EVENT,
            {**WORKFLOW_EVENT, "workflow": workflow},
            ["workflow.start"],
        )
    )
    rows += _workflow_rows()
    return rows


def _workflow_rows() -> list[FieldChange]:
    """A workflow's nodes and connections: one appended, and each of their fields changed."""
    base: dict[str, Any] = WORKFLOW_EVENT["workflow"]  # type: ignore[assignment]
    rows: list[FieldChange] = []

    def row(field: str, workflow: dict[str, Any], path: str) -> None:
        changed = {**WORKFLOW_EVENT, "workflow": workflow}
        name = f"workflow_{len(rows) + 2}"
        rows.append(_change("Event", name, field, WORKFLOW_EVENT, changed, [path]))

    for part, item in WORKFLOW_APPENDED.items():
        longer = {**base, part: [*base[part], item]}
        row(f"workflow.{part}", longer, f"workflow.{part}[{len(base[part])}]")
    for (part, index, field), new in WORKFLOW_VALUES.items():
        items = [dict(i) for i in base[part]]
        items[index][field] = new
        path = f"workflow.{part}[{index}].{field}" + (".text" if field == "data" else "")
        row(f"workflow.{part}[].{field}", {**base, part: items}, path)
    return rows


SYSTEM = ContractSystem(
    name="xyops",
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
    export_args=("export", "--system", "xyops"),
    objects=by_id,
    credential_value=credential_value,
    adopted=adopted,
    secret_variables=("XYOPS_API_KEY", TOKEN_VARIABLE),
)
