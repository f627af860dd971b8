"""The objects a fresh xyOps server holds, as far as the docs show them.

Every object here is one the docs print as an example of a list answer or a data
structure (api-v1.0.88.md, data-structures-v1.0.88.md), with the values printed there; which
of them a new server really creates is a guess (docs/api-fidelity.md, "xyOps"): the docs
never list the defaults. Each is credited to the user `admin`, as the examples are.
`seed="fresh"` loads them; `seed="none"` starts empty (only the admin user and the API key).
"""

from __future__ import annotations

import copy
from typing import Any, Literal

JsonObject = dict[str, Any]
SeedName = Literal["fresh", "none"]

ADMIN = "admin"
BUILT_IN_TIME = 1754365754  # `created` of the docs' built-in examples

_SCRIPT = "#!/bin/sh\n\n# Enter your shell script code here"

FRESH: dict[str, list[JsonObject]] = {
    # Tag example (get_tags, data structures). Legacy built-in tags carry no revision
    # ("Legacy built-in Tags may not include this property until they are updated").
    "tags": [
        {
            "id": "important",
            "title": "Important",
            "icon": "alert-rhombus",
            "username": ADMIN,
            "modified": 1611173740,
            "created": 1611173740,
        },
    ],
    "categories": [
        {
            "id": "general",
            "title": "General",
            "enabled": True,
            "sort_order": 0,
            "username": ADMIN,
            "modified": BUILT_IN_TIME,
            "created": BUILT_IN_TIME,
            "notes": "For events that don't fit anywhere else.",
            "color": "plain",
            "icon": "",
            "limits": [],
            "actions": [],
            "revision": 1,
        },
    ],
    "groups": [
        {
            "id": "main",
            "title": "Main Group",
            "hostname_match": ".+",
            "sort_order": 0,
            "username": ADMIN,
            "modified": BUILT_IN_TIME,
            "created": BUILT_IN_TIME,
            "revision": 1,
        },
    ],
    "web_hooks": [
        {
            "id": "example_hook",
            "title": "Example Hook",
            "enabled": True,
            "url": "https://httpbin.org/post",
            "method": "POST",
            "headers": [
                {"name": "Content-Type", "value": "application/json"},
                {"name": "User-Agent", "value": "xyOps/WebHook"},
            ],
            "body": '{\n\t"text": "{{text}}"\n}',
            "timeout": 30,
            "retries": 0,
            "follow": False,
            "ssl_cert_bypass": False,
            "max_per_day": 0,
            "icon": "",
            "notes": "",
            "username": ADMIN,
            "modified": 1754449105,
            "created": BUILT_IN_TIME,
            "revision": 2,
        },
    ],
    "channels": [
        {
            "id": "sev1",
            "title": "Severity 1",
            "enabled": True,
            "username": ADMIN,
            "modified": 1754603045,
            "created": BUILT_IN_TIME,
            "notes": "For major events that require everyone's attention right away.",
            "users": [ADMIN],
            "email": "",
            "web_hook": "",
            "run_event": "",
            "sound": "attention-3.mp3",
            "icon": "",
            "revision": 3,
            "max_per_day": 0,
        },
    ],
    "roles": [
        {
            "id": "all",
            "title": "All Users",
            "enabled": True,
            "username": ADMIN,
            "modified": 1434125333,
            "created": 1434125333,
            "notes": "A base set of privileges for all users to enjoy.",
            "icon": "",
            "categories": [],
            "groups": [],
            "privileges": {
                "create_events": True,
                "edit_events": True,
                "run_jobs": True,
                "tag_jobs": True,
            },
        },
    ],
    # cpu_usage: the Monitor example; load_avg: the monitor the built-in alert names
    # (its fields beyond the id are guesses, shaped like cpu_usage).
    "monitors": [
        {
            "id": "load_avg",
            "title": "CPU Load Average",
            "source": "monitors.load_avg",
            "data_type": "float",
            "suffix": "",
            "groups": [],
            "display": True,
            "sort_order": 0,
            "username": ADMIN,
            "modified": BUILT_IN_TIME,
            "created": BUILT_IN_TIME,
            "revision": 1,
        },
        {
            "id": "cpu_usage",
            "title": "CPU Usage %",
            "source": "cpu.currentLoad",
            "data_type": "float",
            "suffix": "%",
            "groups": [],
            "display": True,
            "min_vert_scale": 100,
            "sort_order": 1,
            "username": ADMIN,
            "modified": BUILT_IN_TIME,
            "created": BUILT_IN_TIME,
            "revision": 1,
        },
    ],
    "alerts": [
        {
            "id": "load_avg_high",
            "title": "High CPU Load",
            "expression": "monitors.load_avg >= (cpu.cores + 1)",
            "message": (
                "CPU load average is too high: {{float(monitors.load_avg)}} "
                "({{cpu.cores}} CPU cores)"
            ),
            "groups": [],
            "actions": [],
            "monitor_id": "load_avg",
            "enabled": True,
            "samples": 1,
            "notes": "",
            "username": ADMIN,
            "modified": 1434125333,
            "created": 1434125333,
        },
    ],
    "events": [],
    # shellplug: the Plugin example (`stock`: "a built-in Plugin installed with xyOps
    # itself"); testplug: the plugin the Workflow example's job node runs.
    "plugins": [
        {
            "id": "shellplug",
            "title": "Shell Script",
            "enabled": True,
            "command": "[shell-plugin]",
            "username": ADMIN,
            "type": "event",
            "stock": True,
            "modified": BUILT_IN_TIME,
            "created": BUILT_IN_TIME,
            "params": [
                {
                    "id": "script",
                    "type": "code",
                    "title": "Script Source",
                    "value": _SCRIPT,
                    "locked": True,
                },
                {
                    "id": "annotate",
                    "type": "checkbox",
                    "title": "Add Date/Time Stamps to Log",
                    "value": False,
                },
                {
                    "id": "json",
                    "type": "checkbox",
                    "title": "Interpret JSON in Output",
                    "value": False,
                },
            ],
            "revision": 1,
        },
        {
            "id": "testplug",
            "title": "Test Plugin",
            "enabled": True,
            "command": "[test-plugin]",
            "username": ADMIN,
            "type": "event",
            "stock": True,
            "modified": BUILT_IN_TIME,
            "created": BUILT_IN_TIME,
            "params": [
                {"id": "duration", "type": "text", "title": "Test Duration", "value": "10"},
            ],
            "revision": 1,
        },
    ],
}


def admin_user() -> JsonObject:
    """The administrator every new server has (the docs' `username: admin`). Stored with
    `id` = username; users are never answered by the emulator."""
    return {"id": ADMIN, "username": ADMIN, "full_name": "Administrator", "roles": []}


def seed_objects(name: str) -> dict[str, list[JsonObject]]:
    if name == "fresh":
        return copy.deepcopy(FRESH)
    if name == "none":
        return {}
    raise ValueError(f"unknown xyOps emulator seed {name!r}: use 'fresh' or 'none'")
