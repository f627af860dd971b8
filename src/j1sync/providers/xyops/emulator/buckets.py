"""Storage buckets (api-v1.0.88.md, Buckets): definitions, and the user data each holds.

A bucket's definition is one object of the `buckets` list; its data is kept apart (the
docs: "the bucket user data and files are stored separately, outside of the bucket
object"), here in the `bucket_data` collection under the bucket's id. Files are not
emulated: every bucket answers an empty file list. j1sync keeps its apply lock in the data
of one bucket (providers/xyops/lock_store.py).

- get_buckets: definitions only; get_bucket: `bucket`, `data`, `files`.
- create_bucket: like any create (id rules, title required, duplicate refused), with the
  optional initial `data`.
- update_bucket: shallow merge of the definition; a `data` property replaces the data.
- write_bucket_data: shallow-merges `data` into the bucket's data ("the latter prevails"),
  answers the whole data with `fetch`; it "does not update the bucket record itself".
- empty_bucket: `data: true` empties the data (`files` has nothing to do here).
- delete_bucket: the definition and its data.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Callable

from j1sync.emulator.store import Store
from j1sync.providers.xyops.emulator.errors import ApiError, malformed, missing
from j1sync.providers.xyops.emulator.kinds import SERVER_FIELDS, JsonObject
from j1sync.providers.xyops.values import ID_PATTERN

BUCKETS = "buckets"
DATA = "bucket_data"

Handler = Callable[[JsonObject, bool], JsonObject]


class Buckets:
    def __init__(self, store: Store, caller: str) -> None:
        self.store = store
        self.caller = caller

    def routes(self) -> dict[str, Handler]:
        return {
            "get_buckets": self._list,
            "get_bucket": self._get,
            "create_bucket": self._create,
            "update_bucket": self._update,
            "delete_bucket": self._delete,
            "write_bucket_data": self._write_data,
            "empty_bucket": self._empty,
        }

    def _existing(self, params: JsonObject, get: bool = False) -> JsonObject:
        """The bucket `params` names; an unknown one is "Bucket not found: <id>", code
        `notfound` (HTTP 404) for get_bucket and `bucket` (HTTP 500) for every other call
        (1.0.88 lib/api/buckets.js)."""
        if "id" not in params:
            raise missing("id")
        bucket = self.store.get(BUCKETS, str(params["id"]))
        if bucket is None:
            raise ApiError("notfound" if get else "bucket", f"Bucket not found: {params['id']}")
        return bucket

    def _data(self, bucket_id: str) -> JsonObject:
        record = self.store.get(DATA, bucket_id)
        data = record.get("data") if record else None
        return dict(data) if isinstance(data, dict) else {}

    def _set_data(self, bucket_id: str, data: JsonObject) -> None:
        record = {"id": bucket_id, "data": data}
        if self.store.get(DATA, bucket_id) is None:
            self.store.insert(DATA, record)
        else:
            self.store.replace(DATA, record)

    def _list(self, params: JsonObject, from_query: bool) -> JsonObject:
        rows = copy.deepcopy(self.store.objects(BUCKETS))
        return {"code": 0, "rows": rows, "list": {"length": len(rows)}}

    def _get(self, params: JsonObject, from_query: bool) -> JsonObject:
        bucket = self._existing(params, get=True)
        data = self._data(bucket["id"])
        return {"code": 0, "bucket": copy.deepcopy(bucket), "data": data, "files": []}

    def _create(self, params: JsonObject, from_query: bool) -> JsonObject:
        bucket = {k: copy.deepcopy(v) for k, v in params.items() if k not in SERVER_FIELDS}
        data = bucket.pop("data", None)
        if data is not None and not isinstance(data, dict):
            raise malformed("data", "must be an object")
        if not bucket.get("id"):
            bucket["id"] = f"b{uuid.uuid4().hex[:10]}"
        elif not isinstance(bucket["id"], str) or not ID_PATTERN.match(bucket["id"]):
            raise malformed("id", "lowercase letters, digits and underscores only")
        if not str(bucket.get("title") or "").strip():
            raise missing("title")
        if self.store.get(BUCKETS, bucket["id"]) is not None:
            raise ApiError("bucket", f"That Bucket ID already exists: {bucket['id']}")
        stamp = int(time.time())
        bucket.update(username=self.caller, created=stamp, modified=stamp, revision=1)
        self.store.insert(BUCKETS, bucket)
        self._set_data(bucket["id"], dict(data or {}))
        return {"code": 0, "bucket": copy.deepcopy(bucket)}

    def _update(self, params: JsonObject, from_query: bool) -> JsonObject:
        bucket = self._existing(params)
        changes = {k: v for k, v in params.items() if k not in (*SERVER_FIELDS, "id")}
        data = changes.pop("data", None)
        if data is not None:
            if not isinstance(data, dict):
                raise malformed("data", "must be an object")
            self._set_data(bucket["id"], copy.deepcopy(data))
        revision = bucket.get("revision")
        merged = {**bucket, **copy.deepcopy(changes), "modified": int(time.time())}
        merged["revision"] = (revision if isinstance(revision, int) else 0) + 1
        self.store.replace(BUCKETS, merged)
        return {"code": 0}

    def _delete(self, params: JsonObject, from_query: bool) -> JsonObject:
        bucket = self._existing(params)
        self.store.delete(BUCKETS, bucket["id"])
        self.store.delete(DATA, bucket["id"])
        return {"code": 0}

    def _write_data(self, params: JsonObject, from_query: bool) -> JsonObject:
        bucket = self._existing(params)
        if "data" not in params:
            raise missing("data")
        if not isinstance(params["data"], dict):
            raise malformed("data", "must be an object")
        data = {**self._data(bucket["id"]), **copy.deepcopy(params["data"])}
        self._set_data(bucket["id"], data)
        answer: JsonObject = {"code": 0}
        if params.get("fetch") is True:
            answer["data"] = data
        return answer

    def _empty(self, params: JsonObject, from_query: bool) -> JsonObject:
        bucket = self._existing(params)
        if params.get("data") is not True and params.get("files") is not True:
            raise ApiError("api", "Nothing to empty: set files and/or data to true")
        if params.get("data") is True:
            self._set_data(bucket["id"], {})
        return {"code": 0}
