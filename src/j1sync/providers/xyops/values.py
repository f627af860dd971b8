"""Values of xyOps's API that j1sync's manifest models, its kinds and its emulator all rely
on, stated once (data-structures-v1.0.88.md).

A leaf module (no pydantic, no other j1sync import): the emulator and the registry
(system.py) read it without loading the manifest models.
"""

from __future__ import annotations

import re
from typing import Final, Literal, get_args

# The one apiVersion of xyOps manifests (the documents' field takes only it).
ApiVersion = Literal["xyops.j1sync/v1"]
API_VERSION: str = get_args(ApiVersion)[0]

# The manifest kinds in dependency order (a kind comes after every kind its objects name):
# models.SPEC_MODELS has one spec per kind, in this order (checked when it is imported).
KINDS: tuple[str, ...] = (
    "Tag",
    "Category",
    "ServerGroup",
    "WebHook",
    "Channel",
    "Role",
    "Monitor",
    "Alert",
    "Event",
)

# Every API call is <base URL>/api/app/<name>/v1 (api-v1.0.88.md "Overview"), its API key
# in this header.
API_PATH = "/api/app"
API_CALL_VERSION = "/v1"
API_KEY_HEADER = "X-API-Key"


def call_path(name: str) -> str:
    """The path of one API call, e.g. get_multiple -> /api/app/get_multiple/v1."""
    return f"{API_PATH}/{name}{API_CALL_VERSION}"


# Data structures: "A unique lowercase alphanumeric ID" (underscores: Plugin.params, web hook
# create "alphanumeric/underscore"); the reference notes give ^[a-z0-9_]+$.
ID_PATTERN = re.compile(r"^[a-z0-9_]+$")
# pixl-tools 2.0.3 Tools.MATCH_BAD_KEY (xyOps 1.0.88's own dependency): the names every
# JavaScript object has, and "0". xyOps refuses one as an object's id (lib/api.js
# requireParams: "Invalid ID parameter: <id> (reserved word)", on every get, create, update
# and delete), a user field's id, a workflow node's or connection's (lib/api/events.js).
RESERVED_KEY = re.compile(
    r"^(constructor|__defineGetter__|__defineSetter__|hasOwnProperty|__lookupGetter__"
    r"|__lookupSetter__|isPrototypeOf|propertyIsEnumerable|toString|valueOf|__proto__"
    r"|toLocaleString|0)$"
)

# Category.color: the colors a category may have.
Color = Literal[
    "plain",
    "red",
    "fire",
    "orange",
    "tangerine",
    "amber",
    "gold",
    "yellow",
    "lemon",
    "lime",
    "grass",
    "green",
    "mint",
    "emerald",
    "aqua",
    "teal",
    "turquoise",
    "cyan",
    "ice",
    "skyblue",
    "azure",
    "blue",
    "sapphire",
    "indigo",
    "lavender",
    "violet",
    "orchid",
    "purple",
    "magenta",
    "fuchsia",
    "hotpink",
    "pink",
    "blush",
    "rose",
]
# Monitor.data_type.
DataType = Literal["integer", "float", "bytes", "seconds", "milliseconds"]

WORKFLOW = "workflow"  # the type of an event that is a workflow
# A workflow's nodes and connections (1.0.88 internal/ui.json workflow_node_types and
# lib/api/events.js requireValidEventData): each node an id (letters, digits, underscores:
# JavaScript's \w), one of these types and numeric x and y; each connection an id and the
# ids of two of its nodes, each pair once.
WORKFLOW_NODE_TYPES: tuple[str, ...] = (
    "event",
    "job",
    "limit",
    "trigger",
    "action",
    "controller",
    "note",
)
WORKFLOW_PART_ID = re.compile(r"[A-Za-z0-9_]+")
WORKFLOW_PLUGIN = "_workflow"  # the plugin xyOps sets on every workflow event

# Sub-Objects (data-structures-v1.0.88.md): the conditions an action fires on (`tag:<id>`
# beside them: on completion when the job carries that tag), what it does, the limits.
ACTION_CONDITIONS: tuple[str, ...] = (
    "start",
    "complete",
    "success",
    "error",
    "user",
    "warning",
    "critical",
    "abort",
    "alert_new",
    "alert_cleared",
)
# Ids in ASCII, as xyOps' JavaScript reads \w (and an editor the schema's pattern): Python's
# \w would take letters of any script.
TAG_CONDITION = re.compile(r"tag:[A-Za-z0-9_]+")
ActionType = Literal[
    "email",
    "web_hook",
    "run_event",
    "channel",
    "disable",
    "delete",
    "snapshot",
    "suspend",
    "tag",
    "label",
    "store",
    "fetch",
    "ticket",
    "plugin",
]
# What each action type needs beside `type`, `condition` and `enabled` (1.0.88 lib/api.js
# requireValidActions): a word id, a list, a non-empty list, or one of a few values.
WORD_ID = re.compile(r"[A-Za-z0-9_]+")
TICKET_TYPES: tuple[str, ...] = (
    "issue",
    "feature",
    "release",
    "change",
    "maintenance",
    "question",
    "other",
)
BUCKET_SYNC: tuple[str, ...] = ("data", "files", "data_and_files")
ACTION_NEEDS: dict[str, dict[str, str]] = {
    "email": {"users": "list"},
    "web_hook": {"web_hook": "id"},
    "run_event": {"event_id": "id"},
    "channel": {"channel_id": "id"},
    "store": {"bucket_id": "id", "bucket_sync": "bucket_sync"},
    "fetch": {"bucket_id": "id", "bucket_sync": "bucket_sync"},
    "ticket": {"ticket_type": "ticket_type", "ticket_assignees": "list", "ticket_tags": "list"},
    "tag": {"tags": "nonempty_list"},
    "label": {"label": "text"},
    "plugin": {"plugin_id": "id"},
}
# What each limit type needs (requireValidLimits): a number other than 0.
LIMIT_NEEDS: dict[str, str] = {
    "mem": "amount",
    "cpu": "amount",
    "log": "amount",
    "job": "amount",
    "time": "duration",
}
LimitType = Literal["time", "job", "log", "mem", "cpu", "retry", "queue", "file", "day", "tag"]
# Event.algo: how a job picks among its targets (`monitor:<id>` beside them: the server with
# the lowest value of that monitor).
ALGORITHMS: tuple[str, ...] = (
    "random",
    "round_robin",
    "least_cpu",
    "least_mem",
    "fewest_jobs",
    "prefer_first_natural",
    "prefer_last_natural",
    "prefer_first",
    "prefer_last",
)
MONITOR_ALGO = "monitor:"
MONITOR_ALGO_PATTERN = re.compile(r"monitor:[A-Za-z0-9_]+")  # ASCII, as TAG_CONDITION

# xyOps is a Node.js server: its numbers are node_json's (1.0 answered 1, an integer beyond
# 2**53 as the nearest double's digits); its modules import them from there.


# The references xyOps checks each time an object naming them is written (1.0.88: lib/api.js
# requireValidActions, lib/api/events.js requireValidEventData), as field paths without list
# indices: an event's category and tags, a run_event action's event, a workflow's event
# nodes (plugins aside: kinds.plugin_uses). The others (a channel's web hook, an alert's
# monitor, a role's categories, a channel or web_hook action's target...) it keeps as
# written, what they name deleted or not. The emulator's kinds.Ref lists the same.
#
# Each with what export does when what it names was deleted from xyOps since (xyOps lets
# it be; the object keeps naming it, and no write of it is taken until it stops): a dead
# tag is dropped from the list (a tag xyOps does not hold tags nothing), a run_event
# action naming a dead event is dropped (it launches nothing), the object kept; an
# event's category (required) or a workflow's event node (its connections and the
# graph's meaning hang on it) cannot go without the object changing what it is, so the
# object is left out (dead_references.py).
DeadReferenceRemedy = Literal["drop the id", "drop the item", "leave the object out"]
DROP_ID: Final = "drop the id"
DROP_ITEM: Final = "drop the item"
LEAVE_OUT: Final = "leave the object out"
CHECKED_REFERENCES: dict[tuple[str, ...], DeadReferenceRemedy] = {
    ("category",): LEAVE_OUT,
    ("tags",): DROP_ID,
    ("actions", "event_id"): DROP_ITEM,
    ("alert_actions", "event_id"): DROP_ITEM,
    ("workflow", "nodes", "data", "event"): LEAVE_OUT,
}

# Every object's `title`: xyOps refuses HTML metacharacters in it ("Malformed title
# parameter: Cannot contain HTML metacharacters"; its lib/api.js).
TITLE_FORBIDDEN_CHARACTERS = "<>"
TITLE_FORBIDDEN = re.compile(f"[{TITLE_FORBIDDEN_CHARACTERS}]")

# What lib/api.js requireParams does to every create and update beside the title: an `icon`
# must be a Material Design icon's name ("Malformed icon parameter: Contains illegal
# characters"), and HTML tags are taken out of `notes`, `label` and `message`, whatever
# else they hold (`a <b> c` is kept as `a  c`; `load < 5 or > 9` as `load  9`).
ICON_PATTERN = re.compile(r"^[A-Za-z0-9_\-]+$")  # JavaScript's \w is ASCII
HTML_TAG = re.compile(r"<[^>]*>")
TAGS_STRIPPED_FROM: tuple[str, ...] = ("notes", "label", "message")

# A web hook's `url` and `method` (create_web_hook notes): the URL begins with http:// or
# https://, or is a whole-URL template starting with {{; the method is letters only.
WEB_HOOK_URL_START = re.compile(r"^(https?://|\{\{)")
WEB_HOOK_METHOD = re.compile(r"[A-Za-z]+")


# Role.privileges: the privileges xyOps 1.0.88 knows (internal/ui.json privilege_list, the
# list the UI offers; docs/privileges.md). xyOps stores any key, so a misspelt one is kept
# and grants nothing.
PRIVILEGES = (
    "admin",
    "create_alerts",
    "edit_alerts",
    "delete_alerts",
    "create_buckets",
    "edit_buckets",
    "delete_buckets",
    "create_categories",
    "edit_categories",
    "delete_categories",
    "create_channels",
    "edit_channels",
    "delete_channels",
    "create_events",
    "edit_events",
    "delete_events",
    "create_groups",
    "edit_groups",
    "delete_groups",
    "run_jobs",
    "abort_jobs",
    "delete_jobs",
    "tag_jobs",
    "create_monitors",
    "edit_monitors",
    "delete_monitors",
    "create_plugins",
    "edit_plugins",
    "delete_plugins",
    "create_roles",
    "edit_roles",
    "delete_roles",
    "create_tags",
    "edit_tags",
    "delete_tags",
    "create_tickets",
    "edit_tickets",
    "delete_tickets",
    "create_web_hooks",
    "edit_web_hooks",
    "delete_web_hooks",
    "create_snapshots",
    "delete_snapshots",
    "add_servers",
    "update_servers",
    "send_emails",
    "bulk_export",
)
