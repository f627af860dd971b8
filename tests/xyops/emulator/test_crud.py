"""Every list the kinds use, through HTTP: list, create, get, update (a shallow merge that
never removes a key), delete, and the answers' shapes as api-v1.0.88.md prints them."""

from __future__ import annotations

import time

import pytest

from j1sync.providers.xyops.emulator import API_KEY_ID, XyOpsEmulator
from tests.xyops.emulator.conftest import MINIMAL, PLURAL, Api

KINDS = sorted(MINIMAL)
# update_<x> answers: the docs print {"code": 0} for all but update_event (and
# update_plugin), which answer the updated object.
ANSWERS_OBJECT = {"event"}


@pytest.mark.parametrize("kind", KINDS)
def test_lifecycle(api: Api, emu: XyOpsEmulator, kind: str) -> None:
    plural = PLURAL[kind]
    before = api.get(f"get_{plural}").json()
    assert before["code"] == 0
    assert before["list"] == {"length": len(before["rows"])}

    started = int(time.time())
    created = api.ok(f"create_{kind}", {"id": f"my_{kind}", **MINIMAL[kind]})
    obj = created[kind]
    assert obj["id"] == f"my_{kind}"
    for name, value in MINIMAL[kind].items():
        assert obj[name] == value
    # server-set fields (create_* docs): username, created, modified, revision
    assert obj["username"] == API_KEY_ID
    assert started <= obj["created"] == obj["modified"] <= int(time.time())
    assert obj["revision"] == 1

    listed = api.get(f"get_{plural}").json()
    assert listed["list"]["length"] == before["list"]["length"] + 1
    assert listed["rows"][-1] == obj  # appended at the end of the list

    fetched = api.get(f"get_{kind}", {"id": obj["id"]}).json()
    assert fetched["code"] == 0
    assert fetched[kind] == obj
    posted = api.ok(f"get_{kind}", {"id": obj["id"]})  # GET or POST with JSON
    assert posted[kind] == obj

    updated = api.ok(f"update_{kind}", {"id": obj["id"], "notes": "changed"})
    if kind in ANSWERS_OBJECT:
        assert updated[kind]["notes"] == "changed"
    else:
        assert updated == {"code": 0}
    after = api.get(f"get_{kind}", {"id": obj["id"]}).json()[kind]
    assert after == {**obj, "notes": "changed", "revision": 2, "modified": after["modified"]}
    assert after["modified"] >= obj["modified"]

    assert api.ok(f"delete_{kind}", {"id": obj["id"]}) == {"code": 0}
    assert obj["id"] not in {row["id"] for row in emu.snapshot()[plural]}
    missing = api.get(f"get_{kind}", {"id": obj["id"]})
    assert missing.status_code == 404
    assert missing.json()["code"] == "notfound"  # 1.0.88 lib/api: a get of an unknown id


@pytest.mark.parametrize("kind", KINDS)
def test_update_is_a_shallow_merge_that_never_removes_a_key(api: Api, kind: str) -> None:
    body = {"id": f"merge_{kind}", **MINIMAL[kind], "icon": "flag", "notes": "keep me"}
    api.ok(f"create_{kind}", body)
    api.ok(f"update_{kind}", {"id": body["id"], "icon": "star"})
    after = api.get(f"get_{kind}", {"id": body["id"]}).json()[kind]
    assert after["icon"] == "star"
    assert after["notes"] == "keep me"  # absent from the update: untouched
    # a null replaces the value but the key stays (an event's notes must be a text:
    # test_s27_event_param_types.py)
    field = "icon" if kind == "event" else "notes"
    api.ok(f"update_{kind}", {"id": body["id"], field: None})
    after = api.get(f"get_{kind}", {"id": body["id"]}).json()[kind]
    assert field in after and after[field] is None


def test_nested_values_are_replaced_whole(api: Api) -> None:
    api.ok("create_role", {"id": "ops", "title": "Ops", "privileges": {"run_jobs": True}})
    api.ok("update_role", {"id": "ops", "privileges": {"tag_jobs": True}})
    role = api.get("get_role", {"id": "ops"}).json()["role"]
    assert role["privileges"] == {"tag_jobs": True}  # top-level keys replace, no deep merge


def test_server_fields_in_a_request_are_ignored(api: Api) -> None:
    created = api.ok(
        "create_tag",
        {"id": "t1", "title": "T", "username": "mallory", "created": 1, "revision": 9},
    )["tag"]
    assert created["username"] == API_KEY_ID
    assert created["created"] > 1
    assert created["revision"] == 1
    api.ok("update_tag", {"id": "t1", "username": "mallory", "created": 2, "modified": 3})
    after = api.get("get_tag", {"id": "t1"}).json()["tag"]
    assert after["username"] == API_KEY_ID
    assert after["created"] == created["created"]
    assert after["modified"] >= created["modified"]


def test_id_generated_when_omitted(api: Api) -> None:
    created = api.ok("create_tag", {"title": "No id"})["tag"]
    assert created["id"].startswith("t")
    assert created["id"].isalnum() and created["id"].islower()


def test_defaults_filled_in_on_create(api: Api) -> None:
    # create_role: privileges {}, categories/groups [] when omitted
    role = api.ok("create_role", {"id": "bare", "title": "Bare"})["role"]
    assert (role["privileges"], role["categories"], role["groups"]) == ({}, [], [])
    category = api.ok("create_category", {"id": "bare", "title": "Bare"})["category"]
    assert (category["limits"], category["actions"]) == ([], [])
    event = api.ok("create_event", {"id": "bare", **MINIMAL["event"]})["event"]
    assert event["params"] == {}


def test_sort_order_is_assigned_at_the_end(api: Api) -> None:
    # create_category/create_group/create_monitor: "sort_order is automatically assigned
    # at the end of the current list"
    first = api.ok("create_category", {"id": "c1", "title": "C1", "sort_order": 0})["category"]
    second = api.ok("create_category", {"id": "c2", "title": "C2"})["category"]
    assert first["sort_order"] == 1  # after the built-in general (0); the request's ignored
    assert second["sort_order"] == 2
    group = api.ok("create_group", {"id": "g1", **MINIMAL["group"]})["group"]
    assert group["sort_order"] == 1
    monitor = api.ok("create_monitor", {"id": "m1", **MINIMAL["monitor"]})["monitor"]
    assert monitor["sort_order"] == 2  # after load_avg (0) and cpu_usage (1)


def test_multi_update_changes_sort_order_without_revision(api: Api) -> None:
    api.ok("create_category", {"id": "c1", "title": "C1"})
    before = api.get("get_category", {"id": "c1"}).json()["category"]
    answer = api.ok(
        "multi_update_category", {"items": [{"id": "c1", "sort_order": 0}, {"id": "general"}]}
    )
    assert answer == {"code": 0}
    after = api.get("get_category", {"id": "c1"}).json()["category"]
    assert after == {**before, "sort_order": 0}  # modified and revision untouched


def test_get_event_answers_jobs_and_queued(api: Api) -> None:
    api.ok("create_event", {"id": "ev", **MINIMAL["event"]})
    answer = api.get("get_event", {"id": "ev"}).json()
    assert set(answer) == {"code", "event", "jobs", "queued"}
    assert answer["jobs"] == [] and answer["queued"] == 0


def test_get_events_filters_but_counts_all(api: Api) -> None:
    api.ok("create_event", {"id": "on", **MINIMAL["event"], "enabled": True})
    api.ok("create_event", {"id": "off", **MINIMAL["event"], "enabled": False})
    by_get = api.get("get_events", {"enabled": "true", "plugin": "shellplug"}).json()
    assert [row["id"] for row in by_get["rows"]] == ["on"]
    assert by_get["list"] == {"length": 2}  # "always reflects the total event count"
    by_post = api.ok("get_events", {"enabled": False})
    assert [row["id"] for row in by_post["rows"]] == ["off"]


def test_workflow_event(api: Api) -> None:
    workflow = {"nodes": [{"id": "n1", "type": "trigger", "x": 0, "y": 0}], "connections": []}
    body = {"id": "flow", "title": "Flow", "category": "general", "type": "workflow"}
    description = api.refused("create_event", body, 400, "api")
    assert "workflow" in description
    event = api.ok("create_event", {**body, "workflow": workflow})["event"]
    # set by the server, whatever is sent (1.0.88 lib/api/events.js create_event)
    assert event["plugin"] == "_workflow" and event["targets"] == []


def test_update_event_answers_the_updated_event_and_drops_update_state(api: Api) -> None:
    api.ok("create_event", {"id": "ev", **MINIMAL["event"]})
    answer = api.ok("update_event", {"id": "ev", "title": "v2", "update_state": {"cursor": 1}})
    assert answer["event"]["title"] == "v2"
    assert "update_state" not in answer["event"]


def test_get_multiple_reads_every_list_at_once(api: Api, emu: XyOpsEmulator) -> None:
    api.ok("create_tag", {"id": "t1", "title": "T"})
    answer = api.get("get_multiple", {"lists": "all"}).json()
    assert answer["code"] == 0 and isinstance(answer["epoch"], int)
    snapshot = emu.snapshot()
    for plural in PLURAL.values():
        assert answer[plural] == snapshot[plural]
    assert answer["plugins"] == snapshot["plugins"]
    assert answer["buckets"] == [] and answer["secrets"] == []
    assert all("key" not in row for row in answer["api_keys"])
    some = api.ok("get_multiple", {"lists": ["tags", "events"], "state": True})
    assert set(some) == {"code", "epoch", "tags", "events", "state"}
    by_csv = api.get("get_multiple", {"lists": "tags,roles", "jobs": "1"}).json()
    assert set(by_csv) == {"code", "epoch", "tags", "roles", "activeJobs", "internalJobs"}


def test_plugins_are_readable(api: Api) -> None:
    plugins = api.get("get_plugins").json()
    assert plugins["code"] == 0
    ids = [row["id"] for row in plugins["rows"]]
    assert "shellplug" in ids
    shell = api.get("get_plugin", {"id": "shellplug"}).json()["plugin"]
    assert shell["type"] == "event"
    assert [param["id"] for param in shell["params"]] == ["script", "annotate", "json"]
