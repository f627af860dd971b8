"""Every refusal the emulator makes: `{code, description}` with its HTTP status, and nothing
changed. Auth (api-v1.0.88.md "API Keys"), ids, required fields, duplicates, unknown ids,
event revisions, references that must exist and deletes refused while in use."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.xyops.emulator.conftest import MINIMAL, PLURAL, Api

KINDS = sorted(MINIMAL)


# auth


def test_no_key_is_refused_as_the_docs_show(api: Api, emu: XyOpsEmulator) -> None:
    response = api.get("get_tags", headers={})
    assert response.status_code == 403
    # the docs' own error example
    assert response.json() == {
        "code": "session",
        "description": "No Session ID or API Key could be found",
    }
    assert emu.stats.statuses[403] == 1


@pytest.mark.parametrize("how", ["header", "query", "json"])
def test_every_documented_way_to_send_the_key(api: Api, emu: XyOpsEmulator, how: str) -> None:
    key = emu.api_key
    if how == "header":
        response = api.post("create_tag", {"id": "t", "title": "T"}, headers={"X-API-Key": key})
    elif how == "query":
        response = api.post(
            "create_tag", {"id": "t", "title": "T"}, headers={}, params={"api_key": key}
        )
    else:
        response = api.post("create_tag", {"id": "t", "title": "T", "api_key": key}, headers={})
    assert response.status_code == 200, response.json()
    assert "api_key" not in response.json()["tag"]  # never stored as a property
    assert "api_key" not in emu.snapshot()["tags"][-1]


@pytest.mark.parametrize(
    "headers,params", [({"X-API-Key": "wrong-key-0123456789abc"}, None), ({}, {"api_key": "x"})]
)
def test_a_wrong_key_is_refused_without_echoing_it(
    api: Api, emu: XyOpsEmulator, headers: dict[str, str], params: Any
) -> None:
    before = emu.snapshot()
    response = api.post("create_tag", {"id": "t", "title": "T"}, headers=headers, params=params)
    assert response.status_code == 403
    answer = response.json()
    assert answer["code"] == "session"
    assert "wrong-key" not in answer["description"]
    assert emu.snapshot() == before


def test_key_is_case_sensitive(api: Api, emu: XyOpsEmulator) -> None:
    response = api.get("get_tags", headers={"X-API-Key": emu.api_key.lower()})
    assert response.status_code == 403


def test_ping_needs_no_key(emu: XyOpsEmulator) -> None:
    response = requests.get(emu.api_url("ping"), timeout=10)
    assert (response.status_code, response.json()) == (200, {"code": 0})


def test_config_reports_the_version_without_a_key(emu: XyOpsEmulator) -> None:
    response = requests.get(emu.api_url("config"), timeout=10)
    assert response.status_code == 200
    text = response.text
    assert text.startswith("app.receiveConfig(") and text.endswith(");")
    data = json.loads(text.removeprefix("app.receiveConfig(").removesuffix(");"))
    assert data["code"] == 0 and data["version"] == "1.0.88"
    assert set(data) == {"code", "version", "epoch", "port", "config", "masters"}
    assert data["port"] == int(emu.url.rsplit(":", 1)[1])


def test_unknown_api_and_url(api: Api, emu: XyOpsEmulator) -> None:
    answer = api.get("get_nothing").json()
    assert answer["code"] == "api" and "get_nothing" in answer["description"]
    response = requests.get(f"{emu.url}/api/app/get_tags/v2", timeout=10)
    assert response.status_code == 404
    assert response.json()["code"] == "api"


def test_writes_must_be_posts(api: Api, emu: XyOpsEmulator) -> None:
    before = emu.snapshot()
    response = api.get("create_tag", {"id": "t", "title": "T"})
    assert response.status_code == 400
    assert "POST" in response.json()["description"]
    assert emu.snapshot() == before


def test_bad_json_body(api: Api, emu: XyOpsEmulator) -> None:
    response = requests.post(
        emu.api_url("create_tag"),
        data=b"{not json",
        headers={"X-API-Key": emu.api_key, "Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "api"


# ids, required fields, duplicates, unknown ids


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("bad_id", ["Upper", "has-dash", "has space", "dot.ted", 12])
def test_ids_are_lowercase_letters_digits_underscores(
    api: Api, emu: XyOpsEmulator, kind: str, bad_id: Any
) -> None:
    before = emu.snapshot()
    description = api.refused(f"create_{kind}", {**MINIMAL[kind], "id": bad_id}, 400, "api")
    assert description.startswith("Malformed parameter: id")
    assert emu.snapshot() == before


@pytest.mark.parametrize("kind", KINDS)
def test_required_fields(api: Api, emu: XyOpsEmulator, kind: str) -> None:
    before = emu.snapshot()
    for name in MINIMAL[kind]:
        if kind == "web_hook" and name == "method":
            continue  # optional
        body = {k: v for k, v in MINIMAL[kind].items() if k != name}
        description = api.refused(f"create_{kind}", {"id": "x", **body}, 400, "api")
        if kind == "event" and name in ("targets", "algo", "plugin"):
            # create_event's own words (1.0.88 lib/api/events.js), an empty list alike
            assert description == f"Event has no {name} specified."
        else:
            assert description == f"Missing parameter: {name}"
    assert emu.snapshot() == before


@pytest.mark.parametrize("kind", KINDS)
def test_blank_title_refused_on_create_and_update(api: Api, kind: str) -> None:
    description = api.refused(f"create_{kind}", {**MINIMAL[kind], "title": "  "}, 400, "api")
    assert description == "Malformed parameter: title"
    api.ok(f"create_{kind}", {"id": "x", **MINIMAL[kind]})
    description = api.refused(f"update_{kind}", {"id": "x", "title": ""}, 400, "api")
    assert description == "Malformed parameter: title"


@pytest.mark.parametrize("kind", KINDS)
def test_duplicate_id_on_create(api: Api, emu: XyOpsEmulator, kind: str) -> None:
    first = api.ok(f"create_{kind}", {"id": "dup", **MINIMAL[kind]})[kind]
    description = api.refused(
        f"create_{kind}", {"id": "dup", **MINIMAL[kind], "notes": "second"}, 500, kind
    )
    assert description.endswith("ID already exists: dup")
    rows = [row for row in emu.snapshot()[PLURAL[kind]] if row["id"] == "dup"]
    assert rows == [first]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("verb", ["get", "update", "delete"])
def test_unknown_id(api: Api, emu: XyOpsEmulator, kind: str, verb: str) -> None:
    """1.0.88 lib/api: a get answers `notfound` (HTTP 404); an update or delete fails in
    storage, code the noun (HTTP 500; update_event's wording, the others' a guess)."""
    before = emu.snapshot()
    noun = kind.replace("_", " ")
    if verb == "get":
        description = api.refused(f"get_{kind}", {"id": "nope"}, 404, "notfound")
        assert description == f"Failed to locate {noun}: nope"
    else:
        description = api.refused(f"{verb}_{kind}", {"id": "nope", "title": "T"}, 500, kind)
        wanted = "Event not found: nope" if kind == "event" else f"{noun}: Item not found: nope"
        assert description.endswith(wanted)
    assert emu.snapshot() == before


@pytest.mark.parametrize("verb", ["get", "update", "delete"])
def test_id_missing_or_malformed(api: Api, verb: str) -> None:
    assert api.refused(f"{verb}_tag", {}, 400, "api") == "Missing parameter: id"
    assert api.refused(f"{verb}_tag", {"id": "a/b"}, 400, "api") == "Malformed parameter: id"


def test_html_in_titles_refused(api: Api) -> None:
    description = api.refused("create_tag", {"id": "t", "title": "<b>x</b>"}, 400, "api")
    assert "HTML" in description


@pytest.mark.parametrize(
    "kind,field,value",
    [
        ("tag", "title", 5),
        ("category", "limits", {}),
        ("category", "actions", "x"),
        ("category", "color", "ultraviolet"),
        ("group", "hostname_match", "(unclosed"),
        ("web_hook", "url", "ftp://example.com"),
        ("web_hook", "method", "PO ST"),
        ("web_hook", "headers", "Content-Type: x"),
        ("monitor", "source", "(cpu.currentLoad"),
        ("role", "privileges", ["run_jobs"]),
        ("monitor", "data_type", "percent"),
        ("monitor", "data_match", "(["),
        ("event", "algo", "fastest"),
        ("event", "targets", "main"),
        ("event", "params", []),
    ],
)
def test_malformed_fields(api: Api, emu: XyOpsEmulator, kind: str, field: str, value: Any) -> None:
    if kind == "tag":
        api.ok("create_tag", {"id": "t", "title": 5})  # any non-blank value (a guess)
        return
    before = emu.snapshot()
    description = api.refused(f"create_{kind}", {**MINIMAL[kind], field: value}, 400, "api")
    assert field in description
    api.ok(f"create_{kind}", {"id": "x", **MINIMAL[kind]})
    changed = emu.snapshot()
    description = api.refused(f"update_{kind}", {"id": "x", field: value}, 400, "api")
    assert field in description
    assert emu.snapshot() == changed != before


@pytest.mark.parametrize(
    "actions,why",
    [
        ([{"condition": "error", "type": "email"}], "Missing enabled flag"),
        ([{"enabled": True, "condition": "sometimes", "type": "email"}], "Invalid condition"),
        ([{"enabled": True, "condition": "error", "type": "fax"}], "Unknown type"),
        (["email"], "(not an object)"),
    ],
)
def test_actions_are_validated(api: Api, actions: list[Any], why: str) -> None:
    description = api.refused("create_category", {"title": "C", "actions": actions}, 400, "api")
    assert description.startswith("Malformed action entry #1") and why in description


def test_limits_are_validated(api: Api) -> None:
    body = {"title": "C", "limits": [{"enabled": True, "type": "forever"}]}
    description = api.refused("create_category", body, 400, "api")
    assert description == "Malformed limit entry #1: Unknown type"


def test_event_cannot_lose_its_required_fields_by_update(api: Api) -> None:
    api.ok("create_event", {"id": "ev", **MINIMAL["event"]})
    assert api.refused("update_event", {"id": "ev", "plugin": ""}, 400, "api")


# revisions (events only)


def test_event_revision_checked_and_bumped(api: Api, emu: XyOpsEmulator) -> None:
    api.ok("create_event", {"id": "ev", **MINIMAL["event"]})
    answer = api.ok("update_event", {"id": "ev", "revision": 1, "notes": "a"})
    assert answer["event"]["revision"] == 2
    before = emu.snapshot()
    description = api.refused(
        "update_event", {"id": "ev", "revision": 1, "notes": "b"}, 500, "event"
    )
    assert description == "Event out of date: ev (Revision mismatch: 1 != 2)"
    assert emu.snapshot() == before
    # without a revision, no check (the update applies and bumps it)
    assert api.ok("update_event", {"id": "ev", "notes": "c"})["event"]["revision"] == 3


@pytest.mark.parametrize("kind", sorted(set(KINDS) - {"event"}))
def test_other_lists_ignore_a_stale_revision(api: Api, kind: str) -> None:
    api.ok(f"create_{kind}", {"id": "x", **MINIMAL[kind]})
    api.ok(f"update_{kind}", {"id": "x", "revision": 99, "notes": "n"})
    after = api.get(f"get_{kind}", {"id": "x"}).json()[kind]
    assert after["revision"] == 2  # the server's count, not the request's


def test_legacy_tag_without_revision_gets_one_on_update(api: Api) -> None:
    tag = api.get("get_tag", {"id": "important"}).json()["tag"]
    assert "revision" not in tag
    api.ok("update_tag", {"id": "important", "notes": "n"})
    assert api.get("get_tag", {"id": "important"}).json()["tag"]["revision"] == 1


def _action(kind: str, target: str) -> dict[str, Any]:
    field = {"web_hook": "web_hook", "channel": "channel_id", "run_event": "event_id"}[kind]
    return {"enabled": True, "condition": "error", "type": kind, field: target}


# references: xyOps 1.0.88 checks some each time the object is written (requireValidActions,
# requireValidEventData), code `api`; it keeps the others as written


def _run_event(event: str) -> dict[str, Any]:
    return {"enabled": True, "condition": "error", "type": "run_event", "event_id": event}


def _flow(node: dict[str, Any]) -> dict[str, Any]:
    placed = {"x": 0, "y": 0, **node}
    return {"type": "workflow", "workflow": {"nodes": [placed], "connections": []}}


@pytest.mark.parametrize(
    "kind,extra,refused",
    [
        ("event", {"category": "nope"}, "Category not found: nope"),
        ("event", {"plugin": "nope"}, "Plugin not found: nope"),
        ("event", {"tags": ["important", "nope"]}, "Unknown tag: nope"),
        (
            "event",
            {"actions": [_run_event("nope")]},
            "Malformed action entry #1: Event not found: nope",
        ),
        (
            "event",
            _flow({"id": "n1", "type": "event", "data": {"event": "nope"}}),
            "Malformed workflow node #n1: Unknown Event ID: nope",
        ),
        (
            "event",
            _flow({"id": "n2", "type": "job", "data": {"plugin": "nope"}}),
            "Malformed workflow node #n2: Unknown Plugin ID: nope",
        ),
        (
            "category",
            {"actions": [_run_event("nope")]},
            "Malformed action entry #1: Event not found: nope",
        ),
        (
            "alert",
            {"actions": [_run_event("nope")]},
            "Malformed action entry #1: Event not found: nope",
        ),
        (
            "group",
            {"alert_actions": [_run_event("nope")]},
            "Malformed action entry #1: Event not found: nope",
        ),
    ],
)
def test_references_xyops_checks_must_exist(
    api: Api, emu: XyOpsEmulator, kind: str, extra: dict[str, Any], refused: str
) -> None:
    before = emu.snapshot()
    assert api.refused(f"create_{kind}", {**MINIMAL[kind], **extra}, 400, "api") == refused
    assert emu.snapshot() == before
    api.ok(f"create_{kind}", {"id": "x", **MINIMAL[kind]})
    changed = emu.snapshot()
    assert api.refused(f"update_{kind}", {"id": "x", **extra}, 400, "api") == refused
    assert emu.snapshot() == changed


@pytest.mark.parametrize(
    "kind,extra",
    [
        ("event", {"algo": "monitor:nope"}),
        ("event", {"actions": [_action("web_hook", "nope")]}),
        ("event", {"actions": [_action("channel", "nope")]}),
        ("event", {"limits": [{"enabled": True, "type": "time", "duration": 5, "web_hook": "x"}]}),
        ("monitor", {"groups": ["nope"]}),
        ("alert", {"groups": ["nope"], "monitor_id": "nope"}),
        ("channel", {"web_hook": "nope", "run_event": "nope"}),
        ("role", {"categories": ["nope"], "groups": ["nope"]}),
    ],
)
def test_references_xyops_does_not_check_are_kept(
    api: Api, kind: str, extra: dict[str, Any]
) -> None:
    created = api.ok(f"create_{kind}", {"id": "x", **MINIMAL[kind], **extra})[kind]
    assert all(created[name] == value for name, value in extra.items())


def test_event_targets_may_name_servers(api: Api) -> None:
    # Event.targets: "either a Server.id or a Group.id" (servers are not emulated)
    api.ok("create_event", {**MINIMAL["event"], "targets": ["main", "s12345abcde"]})


# deletes: only a category with events is refused (api delete_category); xyOps deletes
# every other object whoever names it (pixlcore/xyops lib/api), and they keep naming it


def test_a_category_with_events_is_not_deleted(api: Api, emu: XyOpsEmulator) -> None:
    api.ok("create_event", {"id": "user_obj", **MINIMAL["event"]})
    before = emu.snapshot()
    description = api.refused("delete_category", {"id": "general"}, 500, "category")
    assert description == (
        "Failed to delete category: Still in use by one or more events (user_obj)."
    )
    assert emu.snapshot() == before
    api.ok("delete_event", {"id": "user_obj"})
    assert api.ok("delete_category", {"id": "general"}) == {"code": 0}


NAMED = [
    # (what is deleted, its id, the object naming it: (kind, body))
    ("group", "main", ("event", {"targets": ["main"]})),
    ("group", "main", ("monitor", {"groups": ["main"]})),
    ("group", "main", ("alert", {"groups": ["main"]})),
    ("group", "main", ("role", {"groups": ["main"]})),
    ("tag", "important", ("event", {"tags": ["important"]})),
    ("web_hook", "example_hook", ("event", {"actions": [_action("web_hook", "example_hook")]})),
    ("web_hook", "example_hook", ("alert", {"actions": [_action("web_hook", "example_hook")]})),
    ("web_hook", "example_hook", ("channel", {"web_hook": "example_hook"})),
    ("channel", "sev1", ("event", {"actions": [_action("channel", "sev1")]})),
    ("channel", "sev1", ("alert", {"actions": [_action("channel", "sev1")]})),
    ("monitor", "cpu_usage", ("alert", {"monitor_id": "cpu_usage"})),
    ("category", "general", ("role", {"categories": ["general"]})),
    ("event", "ev", ("channel", {"run_event": "ev"})),
]


@pytest.mark.parametrize("kind,object_id,user", NAMED)
def test_an_object_others_name_is_deleted_and_they_keep_naming_it(
    api: Api, emu: XyOpsEmulator, kind: str, object_id: str, user: tuple[str, dict[str, Any]]
) -> None:
    if kind == "event":
        api.ok("create_event", {"id": object_id, **MINIMAL["event"]})
    user_kind, extra = user
    api.ok(f"create_{user_kind}", {"id": "user_obj", **MINIMAL[user_kind], **extra})
    assert api.ok(f"delete_{kind}", {"id": object_id}) == {"code": 0}
    kept = api.ok(f"get_{user_kind}", {"id": "user_obj"})[user_kind]
    assert all(kept[name] == value for name, value in extra.items())
    # an update that keeps naming it goes through, but for what xyOps checks (an event's
    # tags): every write of that event is refused until the tag is taken out
    update = api.post(f"update_{user_kind}", {"id": "user_obj", "title": "Renamed"}).json()
    if kind == "tag":
        assert update == {"code": "api", "description": f"Unknown tag: {object_id}"}
    else:
        assert update["code"] == 0


def test_a_role_users_or_api_keys_hold_is_deleted(api: Api, emu: XyOpsEmulator) -> None:
    api.ok("create_role", {"id": "ops", "title": "Ops"})
    emu.seed_objects({"users": [{"username": "jo", "roles": ["ops"]}]})
    emu.seed_objects({"api_keys": [{"id": "ci_key", "title": "CI", "roles": ["ops"]}]})
    assert api.ok("delete_role", {"id": "ops"}) == {"code": 0}
