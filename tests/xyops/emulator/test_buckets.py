"""Storage buckets (api-v1.0.88.md "Buckets"), where j1sync keeps its xyOps apply lock: the
definition and its data apart, data shallow-merged by write_bucket_data."""

from __future__ import annotations

from j1sync.providers.xyops.emulator import API_KEY_ID, XyOpsEmulator
from tests.xyops.emulator.conftest import Api


def test_bucket_lifecycle(api: Api, emu: XyOpsEmulator) -> None:
    created = api.ok("create_bucket", {"id": "void", "title": "The Void", "data": {"a": 1}})
    bucket = created["bucket"]
    assert (bucket["id"], bucket["username"], bucket["revision"]) == ("void", API_KEY_ID, 1)
    assert "data" not in bucket  # the data is kept apart from the definition
    rows = api.get("get_buckets").json()["rows"]
    assert rows == [bucket]
    got = api.get("get_bucket", {"id": "void"}).json()
    assert (got["bucket"], got["data"], got["files"]) == (bucket, {"a": 1}, [])

    api.ok("update_bucket", {"id": "void", "title": "Still void", "data": {"b": 2}})
    got = api.get("get_bucket", {"id": "void"}).json()
    assert got["bucket"]["title"] == "Still void"
    assert got["bucket"]["revision"] == 2
    assert got["data"] == {"b": 2}  # update_bucket's data replaces the data

    assert api.ok("delete_bucket", {"id": "void"}) == {"code": 0}
    assert api.get("get_bucket", {"id": "void"}).status_code == 404
    assert api.get("get_buckets").json()["rows"] == []


def test_write_bucket_data_shallow_merges_and_fetches(api: Api) -> None:
    api.ok("create_bucket", {"id": "state", "title": "State", "data": {"mine": 1, "theirs": 2}})
    before = api.get("get_bucket", {"id": "state"}).json()["bucket"]
    assert api.ok("write_bucket_data", {"id": "state", "data": {"mine": 3}}) == {"code": 0}
    answer = api.ok("write_bucket_data", {"id": "state", "data": {"new": 4}, "fetch": True})
    assert answer["data"] == {"mine": 3, "theirs": 2, "new": 4}
    # "it does not update the bucket record itself"
    assert api.get("get_bucket", {"id": "state"}).json()["bucket"] == before


def test_empty_bucket(api: Api) -> None:
    api.ok("create_bucket", {"id": "state", "title": "State", "data": {"x": 1}})
    assert api.ok("empty_bucket", {"id": "state", "data": True}) == {"code": 0}
    assert api.get("get_bucket", {"id": "state"}).json()["data"] == {}


def test_bucket_refusals(api: Api, emu: XyOpsEmulator) -> None:
    api.ok("create_bucket", {"id": "b1", "title": "B"})
    assert api.refused("create_bucket", {"id": "b1", "title": "B"}, 500, "bucket")
    assert api.refused("create_bucket", {"id": "B-1", "title": "B"}, 400, "api")
    assert api.refused("create_bucket", {"id": "b2"}, 400, "api") == "Missing parameter: title"
    assert api.refused("create_bucket", {"id": "b3", "title": "B", "data": [1]}, 400, "api")
    assert api.refused("write_bucket_data", {"id": "b1"}, 400, "api") == "Missing parameter: data"
    assert api.refused("write_bucket_data", {"id": "nope", "data": {}}, 500, "bucket") == (
        "Bucket not found: nope"
    )
    assert api.refused("get_bucket", {"id": "nope"}, 404, "notfound") == "Bucket not found: nope"
    assert api.refused("get_bucket", {}, 400, "api") == "Missing parameter: id"
    generated = api.ok("create_bucket", {"title": "No id"})["bucket"]["id"]
    assert generated.startswith("b") and generated.isalnum()
