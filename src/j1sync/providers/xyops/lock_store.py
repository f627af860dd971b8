"""The apply lock's place in xyOps: the data of one storage bucket, `j1sync_state`.

A bucket's data is a JSON object of user-defined keys (api-v1.0.88.md, Buckets), read
with `get_bucket` and written with `write_bucket_data`, which shallow-merges the keys it is
given under the server's own lock ("multiple clients can read/write data to the same
bucket without affecting each other, as long as they use unique property names"). So
each named value is one key, written without disturbing the others, and seen alike by
every machine. None of the managed kinds would do: their objects are shown to people and
run jobs, and a tag or note changing every few seconds would be noise in xyOps's
activity log (`write_bucket_data` "does not update the bucket record itself, nor log a
user transaction").

A key cannot be removed by a shallow merge: `delete` writes null, which reads as none.
The bucket is created, with j1sync's ownership marker in its notes, on the first write.
"""

from __future__ import annotations

from j1sync.canonical import canonical_json
from j1sync.engine.lock import settle_time
from j1sync.errors import ApiError, NotFound
from j1sync.manifest.document import DEFAULT_MANAGED_TAG
from j1sync.providers.marker import marker_line
from j1sync.providers.xyops.client import XyopsClient

BUCKET_ID = "j1sync_state"
BUCKET_TITLE = "j1sync state"
BUCKET_NOTES = (
    "Kept by j1sync: the apply lock that keeps two j1sync applies from changing this "
    "server at once. Do not edit while an apply runs."
)
# How long after a write every reader is sure to see it, with room for a racing writer's
# round trip: xyOps commits each write before it answers; a remote server's round trip
# is the margin.
SETTLE_S = 1.0


class BucketStore:
    """Named string values in j1sync's bucket (implements `engine.contract.LockStore`)."""

    def __init__(self, client: XyopsClient, bucket_id: str = BUCKET_ID) -> None:
        self._client = client
        self.bucket_id = bucket_id
        self.settle_s = settle_time(client.settings.base_url, SETTLE_S)

    def last_requests(self) -> None:
        """After an interrupt: the lock's release is sent, each request once (lock.py)."""
        self._client.last_requests()

    def read(self, name: str) -> str | None:
        try:
            answer = self._client.read("get_bucket", {"id": self.bucket_id})
        except NotFound:
            return None
        data = answer.get("data")
        value = data.get(name) if isinstance(data, dict) else None
        if value is None:
            return None
        return value if isinstance(value, str) else canonical_json(value)

    def write(self, name: str, value: str) -> None:
        body = {"id": self.bucket_id, "data": {name: value}}
        try:
            self._client.write("write_bucket_data", body)
        except NotFound:
            self._create(name, value)

    def delete(self, name: str) -> None:
        try:
            self._client.write("write_bucket_data", {"id": self.bucket_id, "data": {name: None}})
        except NotFound:
            return

    def _create(self, name: str, value: str) -> None:
        bucket = {
            "id": self.bucket_id,
            "title": BUCKET_TITLE,
            "enabled": True,
            "icon": "",
            "notes": f"{BUCKET_NOTES}\n\n{marker_line(DEFAULT_MANAGED_TAG)}",
            "data": {name: value},
        }
        try:
            self._client.write("create_bucket", bucket)
        except ApiError:
            # another apply created it meanwhile (or the create's answer was lost): the
            # bucket is there now, and the write is what matters
            self._client.write("write_bucket_data", {"id": self.bucket_id, "data": {name: value}})
