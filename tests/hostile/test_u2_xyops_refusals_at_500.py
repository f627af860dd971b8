"""xyOps 1.0.88 answers a /v1 refusal with the HTTP status of its code (lib/api.js doError):
`api` 400, `session`/`access` 403, `rate` 429, `notfound` 404, and every other code 500:
a write to a bucket that does not exist yet ("Bucket not found", code `bucket`), a stale
event revision ("Event out of date"), a duplicate id ("That Tag ID already exists"). The
emulator answered those 400/404, and j1sync took a 500 for a server failure: against a
real server the first apply could not take its lock (the bucket is made only on "not
found"), and a refused write was re-read and sent again. Now the emulator answers as
xyOps does and j1sync reads such a 500 as the refusal it is."""

from __future__ import annotations

from pathlib import Path

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import call, run
from tests.xyops.helpers import changes, target, write_manifests

TAG = """apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: u2_tag
spec:
  title: U2 tag
"""
EVENT = """apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: u2_event
spec:
  title: {title}
  category: general
  plugin: shellplug
  targets: [main]
"""


def test_the_first_apply_makes_its_lock_bucket(xyops_server: XyOpsEmulator) -> None:
    missing = call(xyops_server, "write_bucket_data", {"id": "j1sync_state", "data": {"x": 1}})
    assert missing == {"code": "bucket", "description": "Bucket not found: j1sync_state"}
    assert xyops_server.stats.statuses[500] == 1  # as xyOps answers it
    Path("m.yaml").write_text(TAG, encoding="utf-8")
    applied = run(xyops_server, "apply", "m.yaml", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete: 1 created" in applied.stdout
    made = call(xyops_server, "get_bucket", {"id": "j1sync_state"})
    assert made["code"] == 0 and made["bucket"]["id"] == "j1sync_state"


def test_a_stale_event_revision_is_refused_once_and_the_edit_kept(tmp_path: Path) -> None:
    with target() as t:
        folder = write_manifests(tmp_path, [EVENT.format(title="First")])
        assert t.converge(folder)[0].ok
        write_manifests(tmp_path, [EVENT.format(title="Second")])
        run_ = t.plan(folder)
        assert changes(run_.plan) == [("update", "xyops.Event/u2_event")]
        t.call("update_event", id="u2_event", title="Edited by hand")  # after the plan
        sent = t.emu.stats.requests["update_event"]
        result = t.apply(run_)
        assert not result.ok
        failed = next(o for o in result.outcomes if o.status == "failed")
        assert "Event out of date: u2_event (Revision mismatch: 1 != 2)" in failed.message
        assert t.emu.stats.requests["update_event"] == sent + 1  # refused, never re-sent
        event = t.get("get_event", id="u2_event")["event"]
        assert event["title"] == "Edited by hand"


def test_an_id_made_by_hand_after_the_plan_is_a_refusal_not_a_create(tmp_path: Path) -> None:
    with target() as t:
        run_ = t.plan(write_manifests(tmp_path, [TAG]))
        assert changes(run_.plan) == [("create", "xyops.Tag/u2_tag")]
        t.call("create_tag", id="u2_tag", title="Made by hand")
        result = t.apply(run_)
        assert not result.ok
        failed = next(o for o in result.outcomes if o.status == "failed")
        assert "That Tag ID already exists: u2_tag" in failed.message
        assert t.emu.stats.requests["create_tag"] == 2  # the hand's and j1sync's one
        tag = t.get("get_tag", id="u2_tag")["tag"]
        assert (tag["title"], tag.get("notes", "")) == ("Made by hand", "")
