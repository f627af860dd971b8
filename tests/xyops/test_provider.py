"""The xyOps provider against the emulator, through the engine: the examples converge in
one apply, ownership (the notes marker) decides what is deleted, seeded objects are never
touched unless declared, updates reset what a manifest leaves out, deletes go in reverse
dependency order, credentials never appear in a plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from j1sync.errors import ResolutionError
from j1sync.providers.marker import marker_line
from tests.xyops.helpers import (
    HOOK_URL,
    TOKEN,
    TOKEN_VARIABLE,
    URL_VARIABLE,
    changes,
    examples_with_secret,
    target,
    write_manifests,
)

MARKER = marker_line("j1sync")


@pytest.fixture
def examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The examples, their web hook's token from ${env:} (set here)."""
    monkeypatch.setenv(TOKEN_VARIABLE, TOKEN)
    monkeypatch.setenv(URL_VARIABLE, HOOK_URL)
    return examples_with_secret(tmp_path / "examples")


def test_the_examples_converge_in_one_apply_and_then_plan_nothing(examples: Path) -> None:
    with target() as t:
        run = t.plan(examples)
        created = changes(run.plan)
        assert {action for action, _ in created} == {"create"}
        assert len(created) == 8
        result, again = t.converge(examples)
        assert result.ok, [o.message for o in result.outcomes if o.status != "applied"]
        assert changes(again) == []
        stored = {k: {o["id"]: o for o in v} for k, v in t.emu.snapshot().items()}
        event = stored["events"]["nightly_db_backup"]
        assert event["category"] == "maintenance"
        assert event["targets"] == ["db_servers"]
        assert event["notes"] == MARKER
        hook = stored["web_hooks"]["ops_chat"]
        assert hook["headers"] == [{"name": "Authorization", "value": f"Bearer {TOKEN}"}]
        assert stored["tags"]["backups"]["notes"].endswith("\n\n" + MARKER)


def test_a_plan_never_holds_a_credential(examples: Path) -> None:
    with target() as t:
        run = t.plan(examples)
        text = json.dumps(run.plan.to_dict())
        assert TOKEN not in text
        assert HOOK_URL not in text  # the web hook's URL is a credential path
        hook = next(c for c in run.plan.changes if c.address == "xyops.WebHook/ops_chat")
        assert hook.after is not None
        assert "(sensitive)" in json.dumps(hook.after)


def test_seeded_objects_are_never_touched_unless_declared(examples: Path) -> None:
    with target() as t:
        before = t.emu.snapshot()
        result, again = t.converge(examples)
        assert result.ok
        after = t.emu.snapshot()
        for collection, objects in before.items():
            new = {o["id"]: o for o in after[collection]}
            for seeded in objects:
                assert new[seeded["id"]] == seeded, (collection, seeded["id"])
        assert all(u.name for u in again.unmanaged)
        assert "xyops.Category/general" in {u.address for u in again.unmanaged}


def test_a_declared_seeded_object_is_adopted_and_marked(tmp_path: Path) -> None:
    manifest = """apiVersion: xyops.j1sync/v1
kind: Category
metadata:
  name: general
spec:
  title: General
  notes: For events that don't fit anywhere else.
"""
    with target() as t:
        run = t.plan(write_manifests(tmp_path, [manifest]))
        change = next(c for c in run.plan.changes if c.address == "xyops.Category/general")
        assert change.action == "update"
        assert "adopt" in change.reason
        assert change.changed_paths == ["notes"]
        result, again = t.converge(tmp_path)
        assert result.ok and changes(again) == []
        stored = t.get("get_category", id="general")["category"]
        assert stored["notes"] == f"For events that don't fit anywhere else.\n\n{MARKER}"


def test_only_marked_objects_are_deleted_and_in_reverse_dependency_order(
    tmp_path_factory: pytest.TempPathFactory, examples: Path
) -> None:
    with target() as t:
        result, _ = t.converge(examples)
        assert result.ok
        # a tag someone made by hand: no marker, never deleted
        t.call("create_tag", id="handmade", title="Handmade")
        empty = tmp_path_factory.mktemp("pruning")
        (empty / "j1sync.yaml").write_text("managedTag: j1sync\n")  # the whole project: prunes
        (empty / "keep.yaml").write_text(
            "apiVersion: xyops.j1sync/v1\nkind: Tag\nmetadata:\n  name: kept\nspec:\n"
            "  title: Kept\n"
        )
        run = t.plan(empty)
        deleted = [a for action, a in changes(run.plan) if action == "delete"]
        assert sorted(deleted) == sorted(
            [
                "xyops.Tag/backups",
                "xyops.Category/maintenance",
                "xyops.ServerGroup/db_servers",
                "xyops.WebHook/ops_chat",
                "xyops.Channel/dba_oncall",
                "xyops.Monitor/db_disk_used",
                "xyops.Alert/db_disk_full",
                "xyops.Event/nightly_db_backup",
            ]
        )
        by_address = {c.address: c for c in run.plan.changes}
        # xyOps refuses to delete what is in use: the users go first
        assert (
            "xyops.Event/nightly_db_backup" in by_address["xyops.Category/maintenance"].depends_on
        )
        assert "xyops.Alert/db_disk_full" in by_address["xyops.Monitor/db_disk_used"].depends_on
        assert "xyops.Channel/dba_oncall" in by_address["xyops.WebHook/ops_chat"].depends_on
        result = t.apply(run, concurrency=8)
        assert result.ok, [o.message for o in result.outcomes if o.status != "applied"]
        left = {k: {o["id"] for o in v} for k, v in t.emu.snapshot().items()}
        assert left["tags"] == {"important", "handmade", "kept"}
        assert "nightly_db_backup" not in left["events"]


def test_an_update_sends_the_whole_top_level_and_resets_what_the_manifest_dropped(
    tmp_path: Path,
) -> None:
    full = """apiVersion: xyops.j1sync/v1
kind: WebHook
metadata:
  name: pager
spec:
  title: Pager
  url: https://pager.example.com/hook
  method: PUT
  retries: 3
  body: hello
"""
    with target() as t:
        assert t.converge(write_manifests(tmp_path, [full]))[0].ok
        slim = "\n".join(
            line for line in full.splitlines() if not line.strip().startswith(("method", "retries"))
        )
        folder = write_manifests(tmp_path / "slim", [slim + "\n"])
        run = t.plan(folder)
        change = next(c for c in run.plan.changes if c.address == "xyops.WebHook/pager")
        assert sorted(change.changed_paths) == ["method", "retries"]
        result, again = t.converge(folder)
        assert result.ok and changes(again) == []
        stored = t.get("get_web_hook", id="pager")["web_hook"]
        assert stored["method"] == "POST" and stored["retries"] == 0
        assert stored["body"] == "hello"


def test_an_event_update_carries_the_revision_it_was_planned_from(
    tmp_path: Path, examples: Path
) -> None:
    with target() as t:
        assert t.converge(examples)[0].ok
        text = (examples / "events.yaml").read_text().replace("algo: least_cpu", "algo: random")
        (examples / "events.yaml").write_text(text)
        folder = examples
        run = t.plan(folder)
        assert changes(run.plan) == [("update", "xyops.Event/nightly_db_backup")]
        # someone edits the event after the plan was made: xyOps refuses the stale update
        t.call("update_event", id="nightly_db_backup", title="Edited by hand")
        result = t.apply(run)
        assert not result.ok
        failed = next(o for o in result.outcomes if o.status == "failed")
        assert "Event out of date" in failed.message and "Revision mismatch" in failed.message
        result, again = t.converge(folder)
        assert result.ok and changes(again) == []
        event = t.get("get_event", id="nightly_db_backup")["event"]
        assert event["algo"] == "random" and event["title"] == "Nightly database backup"


def test_an_event_naming_a_plugin_xyops_lacks_is_a_plan_error(tmp_path: Path) -> None:
    manifest = """apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: odd_job
spec:
  title: Odd job
  category: general
  plugin: no_such_plugin
  targets: [main]
"""
    with target() as t, pytest.raises(ResolutionError) as caught:
        t.plan(write_manifests(tmp_path, [manifest]))
    message = str(caught.value)
    assert "xyops.Event/odd_job" in message
    assert "plugin 'no_such_plugin' is not in xyOps" in message
    assert "shellplug" in message  # the plugins there are, to pick from


def test_the_apply_lock_lives_in_a_bucket_and_is_gone_after() -> None:
    from j1sync.engine.lock import LOCK_NAME, AccountLock, read_lock

    with target() as t:
        store = t.provider.lock_store()
        with AccountLock(store, t.provider.account, timeout_s=5):
            record = read_lock(store)
            assert record is not None
            bucket = t.get("get_bucket", id="j1sync_state")
            assert json.loads(bucket["data"][LOCK_NAME])["token"] == record.token
        assert read_lock(store) is None
        store.write("other", "kept")
        store.delete(LOCK_NAME)
        assert store.read("other") == "kept"


def test_lost_answers_429s_and_server_errors_still_converge_without_repeats(examples: Path) -> None:
    faults = {"lose_responses": 0.3, "rate_429": 0.2, "fail_rate": 0.05, "rng_seed": 11}
    with target(**faults) as t:
        result = t.apply(t.plan(examples))
        assert result.ok, [o.message for o in result.outcomes if o.status != "applied"]
        t.emu.switches.lose_responses = t.emu.switches.rate_429 = t.emu.switches.fail_rate = 0
        assert changes(t.plan(examples).plan) == []
        events = [e["id"] for e in t.emu.snapshot()["events"]]
        assert events.count("nightly_db_backup") == 1


def test_lost_creates_are_found_again_when_refusals_come_with_http_200(examples: Path) -> None:
    with target(errors_in_200=True, lose_responses=0.5, rng_seed=2) as t:
        result = t.apply(t.plan(examples))
        assert result.ok, [o.message for o in result.outcomes if o.status != "applied"]
        t.emu.switches.lose_responses = 0
        assert changes(t.plan(examples).plan) == []
