"""One comparable shape for manifests and API objects: server fields dropped, defaults
filled, set-like lists sorted; the ownership marker in notes; what an object names; where
its credentials are."""

from __future__ import annotations

from j1sync.providers.marker import is_managed, split_marker, with_marker
from j1sync.providers.xyops.kinds import (
    credential_paths,
    normalize,
    normalize_live,
    plugins_named,
    references,
)
from j1sync.providers.xyops.models import SPEC_MODELS

SERVER_FIELDS = {"username": "admin", "created": 1, "modified": 2, "revision": 7}


def spec(kind: str, **fields: object) -> dict[str, object]:
    """A manifest spec as the loader hands it over (defaults filled in)."""
    return SPEC_MODELS[kind].model_validate(fields).model_dump(mode="json")


def test_an_api_object_and_its_manifest_normalize_alike() -> None:
    manifest = spec("Category", title="Maintenance", color="teal")
    api = {
        "id": "maintenance",
        "title": "Maintenance",
        "color": "teal",
        "enabled": True,
        "limits": [],
        "actions": [],
        "sort_order": 3,
        **SERVER_FIELDS,
    }
    assert normalize("Category", manifest) == normalize_live("Category", api)
    state = normalize_live("Category", api)
    assert not {"id", "sort_order", *SERVER_FIELDS} & set(state)
    assert state["icon"] == "" and state["notes"] == ""


def test_absent_fields_are_read_as_xyops_reads_them_and_sets_are_sorted() -> None:
    """A missing optional field is its default; a missing `enabled` is false, as xyOps
    reads it (stored.py); a stored null stays null (test_s27_stored_values.py)."""
    state = normalize_live("Role", {"id": "ops", "title": "Ops", "categories": ["b", "a", "b"]})
    assert state == {
        "title": "Ops",
        "enabled": False,
        "icon": "",
        "privileges": {},
        "categories": ["a", "b"],
        "groups": [],
        "notes": "",
    }
    hook = normalize_live("WebHook", {"title": "H", "url": "https://h", "headers": None})
    assert hook["headers"] is None and hook["method"] == "POST" and hook["timeout"] == 30
    # order matters in targets (prefer_first_natural), not in tags
    event = spec("Event", title="E", category="c", plugin="p", targets=["b", "a"], tags=["y", "x"])
    state = normalize("Event", event)
    assert state["targets"] == ["b", "a"] and state["tags"] == ["x", "y"]


def test_an_action_without_enabled_is_enabled_and_its_own_fields_are_kept() -> None:
    """xyOps refuses an action without `enabled` on every write: one read without it is
    taken at the manifest's default. A trigger without one is disabled in xyOps."""
    api = {"title": "A", "expression": "e", "message": "m"}
    api["actions"] = [{"condition": "alert_new", "type": "email", "email": "a@b", "users": []}]
    [action] = normalize_live("Alert", api)["actions"]
    assert action == {
        "enabled": True,
        "condition": "alert_new",
        "type": "email",
        "email": "a@b",
        "users": [],
    }
    event = {"title": "E", "category": "c", "triggers": [{"type": "manual"}]}
    assert normalize_live("Event", event)["triggers"] == [{"enabled": False, "type": "manual"}]


def test_a_workflow_event_runs_the_workflow_plugin() -> None:
    manifest = spec(
        "Event", title="F", category="c", type="workflow", workflow={"nodes": [], "connections": []}
    )
    assert normalize("Event", manifest)["plugin"] == "_workflow"
    live = {**manifest, "plugin": "_workflow", **SERVER_FIELDS}
    assert normalize_live("Event", live) == normalize("Event", manifest)


def test_a_live_object_the_model_would_refuse_is_still_compared() -> None:
    state = normalize_live("Monitor", {"title": "M", "source": "cpu.x", "data_type": "weird"})
    assert state["data_type"] == "weird" and state["display"] is False


def test_the_marker_is_the_last_line_of_notes() -> None:
    marked = with_marker("Owned by the DBAs.", "j1sync")
    assert marked == "Owned by the DBAs.\n\nmanaged-by: j1sync"
    assert with_marker("", "j1sync") == "managed-by: j1sync"
    assert with_marker(marked, "j1sync") == marked  # marking twice changes nothing
    assert split_marker(marked, "j1sync") == ("Owned by the DBAs.", True)
    assert is_managed("managed-by: j1sync\r\n", "j1sync")
    assert not is_managed(marked, "platform")  # another project's tag
    assert not is_managed("managed-by: j1sync\nthen more text", "j1sync")
    assert not is_managed(None, "j1sync")


def test_references_are_every_id_an_object_names() -> None:
    event = spec(
        "Event",
        title="E",
        category="maintenance",
        plugin="shellplug",
        targets=["db_servers"],
        algo="monitor:load_avg",
        tags=["backups"],
        actions=[
            {"condition": "error", "type": "channel", "channel_id": "oncall"},
            {"condition": "error", "type": "web_hook", "web_hook": "chat"},
            {"condition": "success", "type": "run_event", "event_id": "next_job"},
        ],
        limits=[{"type": "time", "duration": 5, "web_hook": "pager", "tags": ["slow"]}],
    )
    assert sorted(references("Event", event)) == [
        ("Category", "maintenance"),
        ("Channel", "oncall"),
        ("Event", "next_job"),
        ("Monitor", "load_avg"),
        ("ServerGroup", "db_servers"),
        ("Tag", "backups"),
        ("Tag", "slow"),
        ("WebHook", "chat"),
        ("WebHook", "pager"),
    ]
    alert = spec("Alert", title="A", expression="e", message="m", monitor_id="disk", groups=["g"])
    assert sorted(references("Alert", alert)) == [("Monitor", "disk"), ("ServerGroup", "g")]
    channel = spec("Channel", title="C", web_hook="chat", run_event="cleanup")
    assert sorted(references("Channel", channel)) == [("Event", "cleanup"), ("WebHook", "chat")]
    role = spec("Role", title="R", categories=["c"], groups=["g"])
    assert sorted(references("Role", role)) == [("Category", "c"), ("ServerGroup", "g")]


def test_a_workflow_names_the_events_and_plugins_of_its_nodes() -> None:
    workflow = {
        "nodes": [
            {"id": "n1", "type": "trigger", "x": 0, "y": 0},
            {
                "id": "n2",
                "type": "event",
                "x": 1,
                "y": 0,
                "data": {"event": "backup", "targets": ["db"]},
            },
            {
                "id": "n3",
                "type": "job",
                "x": 2,
                "y": 0,
                "data": {"plugin": "testplug", "category": "general"},
            },
        ],
        "connections": [],
    }
    state = spec("Event", title="F", category="ops", type="workflow", workflow=workflow)
    found = set(references("Event", state))
    assert {("Event", "backup"), ("Category", "general"), ("ServerGroup", "db")} <= found
    assert plugins_named(normalize("Event", state)) == ["testplug"]


def test_credentials_are_the_hooks_url_and_header_values_channel_email_and_action_urls() -> None:
    headers = [{"name": "Authorization", "value": "Bearer t0k3n"}, {"name": "X-A", "value": ""}]
    hook = normalize("WebHook", spec("WebHook", title="H", url="https://h/t0k3n", headers=headers))
    assert credential_paths("WebHook", hook) == ["url", "headers[0].value", "headers[1].value"]
    channel = normalize("Channel", spec("Channel", title="C", email="ops@example.com"))
    assert credential_paths("Channel", channel) == ["email"]
    category = spec(
        "Category",
        title="C",
        actions=[
            {"condition": "error", "type": "email", "email": "a@b", "users": []},
            {"condition": "error", "type": "web_hook", "web_hook": "h", "url": "https://h/t0k3n"},
        ],
    )
    assert credential_paths("Category", normalize("Category", category)) == ["actions[1].url"]
    assert credential_paths("Tag", normalize("Tag", spec("Tag", title="T"))) == []
